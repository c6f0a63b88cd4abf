"""What the sync and async clients share: reading the envelope, mapping errors, and the request loop
itself (``attempts``: 429, 502-504 and connection failures are retried with backoff for idempotent
calls only; a 401 renews the JWT once). The loop does no I/O: each client drives it with its own."""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import httpx

from monitoring_api._version import __version__
from monitoring_api.errors import (
    BY_STATUS,
    ApiError,
    AuthenticationError,
    ConnectionFailed,
    RateLimited,
    ServerError,
)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0
USER_AGENT = f"monitoring-api-sdk/{__version__}"


def unwrap(response: httpx.Response) -> Any:
    """The ``data`` of a success envelope (the text of a non-JSON answer: CSV, ``OK``); raises the typed
    error of an error answer."""
    if response.is_success:
        if "json" in response.headers.get("content-type", ""):
            body = response.json()
            return body["data"] if isinstance(body, dict) and "data" in body else body
        return response.text
    raise error_for(response)


def error_for(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
    except ValueError:
        error = None
    error = error if isinstance(error, dict) else {}
    status = response.status_code
    cls = BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    text = "" if error or "json" in response.headers.get("content-type", "") else response.text.strip()[:500]
    message = str(error.get("message") or text or response.reason_phrase or f"HTTP {status}")
    kwargs: dict[str, Any] = {
        "code": str(error.get("code") or f"http_{status}"),
        "details": error.get("details"),
    }
    if cls is RateLimited:
        kwargs["retry_after"] = retry_after(response)
    return cls(message, status=status, **kwargs)


def retry_after(response: httpx.Response) -> float | None:
    try:
        return min(float(response.headers["Retry-After"]), MAX_RETRY_AFTER)
    except (KeyError, ValueError):
        return None


def retryable(method: str, idempotent: bool | None, response: httpx.Response | None) -> bool:
    """Whether a failed attempt may be repeated: idempotent calls (or ones the caller marked so) on 429,
    502/503/504 or a connection failure (``response`` None)."""
    if not (method.upper() in IDEMPOTENT if idempotent is None else idempotent):
        return False
    return response is None or response.status_code in (429, 502, 503, 504)


def backoff(attempt: int, response: httpx.Response | None) -> float:
    if response is not None and response.status_code == 429 and (wait := retry_after(response)) is not None:
        return wait
    return min(MAX_BACKOFF, 0.25 * 2**attempt) * (0.5 + random.random() / 2)


def unreachable(error: httpx.TransportError) -> ConnectionFailed:
    return ConnectionFailed(f"The server could not be reached: {error}", code="unreachable", status=0)


class Send:
    """Step: send the request (with a fresh Authorization header) and send back the response, or the
    ``httpx.TransportError`` it raised."""


class Renew:
    """Step: get a new access token, then send nothing back."""


@dataclass(frozen=True)
class Sleep:
    """Step: wait ``seconds``, then send nothing back."""

    seconds: float


SEND, RENEW = Send(), Renew()
Step = Send | Renew | Sleep


def attempts(
    method: str, idempotent: bool | None, *, renewable: bool, max_retries: int
) -> Generator[Step, Any, Any]:
    """The request loop both clients drive: yields the steps, returns the envelope's data or raises the
    typed error. ``renewable``: a 401 may be a stale JWT (renewed once, then the request is repeated)."""
    renewed = False
    attempt = 0
    while True:
        outcome = yield SEND
        response: httpx.Response | None = None
        if isinstance(outcome, httpx.TransportError):
            if attempt >= max_retries or not retryable(method, idempotent, None):
                raise unreachable(outcome) from outcome
        else:
            response = outcome
            if response.status_code == 401 and renewable and not renewed:
                renewed = True
                yield RENEW
                continue
            if response.is_success or attempt >= max_retries or not retryable(method, idempotent, response):
                return unwrap(response)
        yield Sleep(backoff(attempt, response))
        attempt += 1


def ping_path(token: str, signal: str | int | None) -> str:
    """``/ping/{token}`` plus ``/start``, ``/fail``, ``/log`` or an exit status 0-255 (``success``: none)."""
    if signal in (None, "success", 0) and not isinstance(signal, bool):
        return f"/ping/{token}"
    if isinstance(signal, int) and not isinstance(signal, bool) and 0 <= signal <= 255:
        return f"/ping/{token}/{signal}"
    if signal in ("start", "fail", "log"):
        return f"/ping/{token}/{signal}"
    raise ValueError("signal: 'start', 'success', 'fail', 'log' or an exit status 0-255")


class Credentials:
    """What both clients hold: the address, the credentials and the JWT pair, and the headers of every
    request."""

    def _credentials(
        self,
        *,
        api_key: str | None,
        username: str | None,
        password: str | None,
        refresh_token: str | None,
        base_url: str,
        organization: int | None,
        max_retries: int,
    ) -> dict[str, str]:
        self.base_url = base_url.rstrip("/")
        self.api_key, self.username, self._password = api_key, username, password
        self.max_retries = max_retries
        self._access: str | None = None
        self._refresh: str | None = refresh_token
        headers = {"User-Agent": USER_AGENT}
        if organization is not None:
            headers["X-Organization"] = str(organization)
        return headers

    def _require_credentials(self) -> None:
        """A client made without credentials pings heartbeats and reads ``/health``; anything else needs
        them, and says so without sending a request."""
        if not self.api_key and not (self.username and self._password) and not self._refresh:
            raise AuthenticationError(
                "This client has no credentials: give an api_key, a username and password, or a "
                "refresh_token (pings and health need none).",
                code="no_credentials",
            )

    @property
    def refresh_token(self) -> str | None:
        return self._refresh
