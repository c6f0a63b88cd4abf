"""What the sync and async clients share: reading the envelope, mapping errors, and the retry policy
(429 and 5xx, and connection failures, are retried with backoff for idempotent calls only)."""

from __future__ import annotations

import random
from typing import Any

import httpx

from monitoring_api.errors import BY_STATUS, ApiError, RateLimited, ServerError

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0
USER_AGENT = "monitoring-api-sdk/0.1.0"


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


def unreachable(error: httpx.TransportError) -> ServerError:
    return ServerError(f"The server could not be reached: {error}", code="unreachable", status=0)


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
        if not api_key and not (username and password) and not refresh_token:
            raise ValueError("Give an api_key, a username and password, or a refresh_token.")
        self.base_url = base_url.rstrip("/")
        self.api_key, self.username, self._password = api_key, username, password
        self.max_retries = max_retries
        self._access: str | None = None
        self._refresh: str | None = refresh_token
        headers = {"User-Agent": USER_AGENT}
        if organization is not None:
            headers["X-Organization"] = str(organization)
        return headers

    @property
    def refresh_token(self) -> str | None:
        return self._refresh
