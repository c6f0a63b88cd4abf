"""The synchronous client."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx

from monitoring_api import _http
from monitoring_api.errors import AuthenticationError
from monitoring_api.events import Events
from monitoring_api.resources import Resource
from monitoring_api.specs import SPECS


class Client(_http.Credentials):
    """``Client(api_key="msk_...", base_url=...)`` or ``Client(username=..., password=..., base_url=...)``
    (a JWT, refreshed when it expires), or ``Client(refresh_token=...)`` (a saved session: read
    ``client.refresh_token`` afterwards, the server rotates it); ``Client(base_url=...)`` alone pings
    heartbeats (a ping's token is its credential) and reads ``health()``. ``organization`` picks one of
    a user's organizations (``X-Organization``). Calls that are safe to repeat are retried
    ``max_retries`` times on 429, 502-504 and connection failures, with backoff (``Retry-After`` on
    429)."""

    monitors: Resource
    heartbeats: Resource
    incidents: Resource
    status_pages: Resource
    channels: Resource
    alert_rules: Resource
    alerts: Resource
    webhooks: Resource
    maintenance_windows: Resource
    tasks: Resource
    jobs: Resource
    queues: Resource
    runners: Resource
    agents: Resource
    api_keys: Resource

    def __init__(
        self,
        api_key: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
        base_url: str = "http://127.0.0.1:8000",
        timeout: float = 30.0,
        organization: int | None = None,
        max_retries: int = 3,
    ) -> None:
        headers = self._credentials(
            api_key=api_key,
            username=username,
            password=password,
            refresh_token=refresh_token,
            base_url=base_url,
            organization=organization,
            max_retries=max_retries,
        )
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)
        for name, spec in SPECS.items():
            setattr(self, name, Resource(self, spec))
        self.logs = Logs(self)
        self.metrics = Metrics(self)
        self.events = Events(self)

    # --- plumbing ----------------------------------------------------------------------------------------

    def token(self) -> str:
        """The bearer token: the API key, or a JWT access token (logging in the first time)."""
        if self.api_key:
            return self.api_key
        self._require_credentials()
        if self._access is None:
            if self._refresh:
                self._renew()
            else:
                self._login()
        assert self._access is not None
        return self._access

    def _login(self) -> None:
        data = self.request(
            "POST", "/auth/login", json={"username": self.username, "password": self._password}, auth=False
        )
        self._access, self._refresh = data["token"], data["refresh"]

    def _renew(self) -> None:
        """A new access token: from the refresh token, or by logging in again when that has expired."""
        if self._refresh:
            try:
                data = self.request("POST", "/auth/refresh", json={"refresh": self._refresh}, auth=False)
                self._access, self._refresh = data["token"], data.get("refresh") or self._refresh
                return
            except AuthenticationError:
                if not self._password:
                    raise
        self._login()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        auth: bool = True,
        api: bool = True,
        content: bytes | str | None = None,
    ) -> Any:
        """One call to ``/api/v1{path}`` (``api=False``: ``{path}`` on the site); returns the envelope's
        data."""
        url = f"/api/v1{path}" if api else path
        steps = _http.attempts(
            method, idempotent, renewable=auth and not self.api_key, max_retries=self.max_retries
        )
        step = next(steps)
        while True:
            outcome: Any = None
            if isinstance(step, _http.Send):
                headers = {"Authorization": f"Bearer {self.token()}"} if auth else {}
                try:
                    outcome = self._http.request(
                        method, url, params=params, json=json, content=content, headers=headers
                    )
                except httpx.TransportError as error:
                    outcome = error
            elif isinstance(step, _http.Renew):
                self._renew()
            else:
                time.sleep(step.seconds)
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                return done.value

    def paginate(self, path: str, plural: str, query: dict[str, Any]) -> Pages:
        return Pages(self, path, plural, query)

    # --- heartbeats ----------------------------------------------------------------------------------------

    def ping(
        self,
        token: str,
        signal: str | int | None = None,
        *,
        body: str | bytes | None = None,
        rid: str | None = None,
    ) -> bool:
        """Ping a heartbeat: ``signal`` is ``"start"``, ``"success"`` (the default), ``"fail"``, ``"log"``
        or an exit status (0 is success). ``body`` (a log, an error) is kept with the ping. Raises
        ``NotFound`` for an unknown token. Pings are retried on connection failures and 5xx: the server
        stores a ping once per request, and a repeat is harmless for a heartbeat."""
        self.request(
            "POST",
            _http.ping_path(token, signal),
            params={"rid": rid} if rid else None,
            content=body if body is not None else b"",
            idempotent=True,
            auth=False,
            api=False,
        )
        return True

    @contextmanager
    def heartbeat(self, token: str) -> Iterator[str]:
        """``with client.heartbeat(token):`` sends ``start``, then ``success``, or ``fail`` with the
        exception's text (the exception still propagates). Start and end share a run id, so the platform
        measures the run's duration."""
        rid = str(uuid.uuid4())
        self.ping(token, "start", rid=rid)
        try:
            yield rid
        except BaseException as error:
            self.ping(token, "fail", body=f"{type(error).__name__}: {error}"[:10_000], rid=rid)
            raise
        self.ping(token, "success", rid=rid)

    # --- lifecycle ---------------------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        return self.request("GET", "/auth/me")

    def health(self) -> dict[str, Any]:
        return self.request("GET", "/health", auth=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Pages:
    """Every object of a list, fetched a page at a time as it is iterated. ``len()`` is the server's
    ``total_items`` (one request for the first page, kept for the iteration)."""

    def __init__(self, client: Client, path: str, plural: str, query: dict[str, Any]) -> None:
        self._client, self._path, self._plural = client, path, plural
        self._query = dict(query)
        self._page = int(self._query.pop("page", 1))
        self._first: dict[str, Any] | None = None
        self._items: Iterator[dict[str, Any]] | None = None

    def _fetch(self, page: int) -> dict[str, Any]:
        return self._client.request("GET", self._path, params={**self._query, "page": page})

    def _walk(self) -> Iterator[dict[str, Any]]:
        page = self._page
        data = self._first if self._first is not None else self._fetch(page)
        while True:
            yield from data.get(self._plural, [])
            if not (data.get("pagination") or {}).get("has_next"):
                return
            page += 1
            data = self._fetch(page)

    def __iter__(self) -> Pages:
        return self

    def __next__(self) -> dict[str, Any]:
        if self._items is None:
            self._items = self._walk()
        return next(self._items)

    def __len__(self) -> int:
        if self._first is None:
            self._first = self._fetch(self._page)
        pagination = self._first.get("pagination") or {}
        return int(pagination.get("total_items", len(self._first.get(self._plural, []))))


class Logs:
    """``client.logs.list(search="timeout", level="error")`` follows the cursor through every line;
    ``client.logs.create([...])`` sends a batch."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, **filters: Any) -> Iterator[dict[str, Any]]:
        query = {k: v for k, v in filters.items() if v is not None}
        while True:
            data = self._client.request("GET", "/logs", params=query)
            yield from data["logs"]
            if not data.get("next_cursor"):
                return
            query["cursor"] = data["next_cursor"]

    def create(self, lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return self._client.request("POST", "/logs", json={"logs": list(lines)})


class Metrics:
    """``get(metric=..., period=..., granularity=..., agent_id=...)``, ``push(points)``, ``export(...)``
    (CSV text) and ``catalog()``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def get(self, **query: Any) -> dict[str, Any]:
        return self._client.request(
            "GET", "/metrics", params={k: v for k, v in query.items() if v is not None}
        )

    def push(self, points: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return self._client.request("POST", "/metrics", json={"points": list(points)})

    def export(self, **body: Any) -> str:
        return self._client.request("POST", "/metrics/export", json={"format": "csv", **body})

    def catalog(self) -> Any:
        return self._client.request("GET", "/metrics/catalog")


__all__ = ["Client", "Logs", "Metrics"]
