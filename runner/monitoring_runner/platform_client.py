"""The runner's side of the platform's runner API, over the standard library's HTTP client."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from monitoring_runner import VERSION

USER_AGENT = f"monitoring-runner/{VERSION}"


class TransportError(Exception):
    """The platform could not be reached, or answered with a server error: worth trying again."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def data(self) -> dict[str, Any]:
        """The envelope's ``data`` (DESIGN's ``{status, data, meta}``)."""
        return (self.json() or {}).get("data") or {}


class PlatformClient:
    def __init__(self, url: str, token: str | None = None, timeout: float = 60):
        self.base = url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    def post(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """POST JSON to ``/api/v1/{path}``. 4xx answers are returned; a connection failure or a 5xx raises
        ``TransportError``."""
        url = f"{self.base}/{path.lstrip('/')}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": USER_AGENT}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(payload if payload is not None else {}).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            try:
                response = urllib.request.urlopen(request, timeout=timeout or self.timeout)  # noqa: S310 (--url is checked)
            except urllib.error.HTTPError as error:
                response = error
            with response:
                answer = Answer(response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(f"{type(exc).__name__}: {getattr(exc, 'reason', None) or exc}") from exc
        if answer.status >= 500:
            raise TransportError(f"the platform answered {answer.status}: {answer.text[:200]}")
        return answer
