"""The asynchronous twin of ``Client``: the same resources and arguments, awaited
(``await client.monitors.get(7)``, ``async for m in client.monitors.list()``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx

from monitoring_api import _http
from monitoring_api.errors import AuthenticationError
from monitoring_api.events import AsyncEvents
from monitoring_api.resources import AsyncResource
from monitoring_api.specs import SPECS


class AsyncClient(_http.Credentials):
    monitors: AsyncResource
    heartbeats: AsyncResource
    incidents: AsyncResource
    status_pages: AsyncResource
    channels: AsyncResource
    alert_rules: AsyncResource
    alerts: AsyncResource
    webhooks: AsyncResource
    maintenance_windows: AsyncResource
    tasks: AsyncResource
    jobs: AsyncResource
    queues: AsyncResource
    runners: AsyncResource
    agents: AsyncResource
    api_keys: AsyncResource

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
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, headers=headers)
        for name, spec in SPECS.items():
            setattr(self, name, AsyncResource(self, spec))
        self.logs = AsyncLogs(self)
        self.metrics = AsyncMetrics(self)
        self.events = AsyncEvents(self)

    async def token(self) -> str:
        if self.api_key:
            return self.api_key
        self._require_credentials()
        if self._access is None:
            await (self._renew() if self._refresh else self._login())
        assert self._access is not None
        return self._access

    async def _login(self) -> None:
        data = await self.request(
            "POST", "/auth/login", json={"username": self.username, "password": self._password}, auth=False
        )
        self._access, self._refresh = data["token"], data["refresh"]

    async def _renew(self) -> None:
        if self._refresh:
            try:
                data = await self.request(
                    "POST", "/auth/refresh", json={"refresh": self._refresh}, auth=False
                )
                self._access, self._refresh = data["token"], data.get("refresh") or self._refresh
                return
            except AuthenticationError:
                if not self._password:
                    raise
        await self._login()

    async def request(
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
        url = f"/api/v1{path}" if api else path
        steps = _http.attempts(
            method, idempotent, renewable=auth and not self.api_key, max_retries=self.max_retries
        )
        step = next(steps)
        while True:
            outcome: Any = None
            if isinstance(step, _http.Send):
                headers = {"Authorization": f"Bearer {await self.token()}"} if auth else {}
                try:
                    outcome = await self._http.request(
                        method, url, params=params, json=json, content=content, headers=headers
                    )
                except httpx.TransportError as error:
                    outcome = error
            elif isinstance(step, _http.Renew):
                await self._renew()
            else:
                await asyncio.sleep(step.seconds)
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                return done.value

    async def paginate(self, path: str, plural: str, query: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        page = int(query.pop("page", 1))
        while True:
            data = await self.request("GET", path, params={**query, "page": page})
            for item in data.get(plural, []):
                yield item
            if not (data.get("pagination") or {}).get("has_next"):
                return
            page += 1

    async def ping(
        self,
        token: str,
        signal: str | int | None = None,
        *,
        body: str | bytes | None = None,
        rid: str | None = None,
    ) -> bool:
        await self.request(
            "POST",
            _http.ping_path(token, signal),
            params={"rid": rid} if rid else None,
            content=body if body is not None else b"",
            idempotent=True,
            auth=False,
            api=False,
        )
        return True

    @asynccontextmanager
    async def heartbeat(self, token: str) -> AsyncIterator[str]:
        rid = str(uuid.uuid4())
        await self.ping(token, "start", rid=rid)
        try:
            yield rid
        except BaseException as error:
            await self.ping(token, "fail", body=f"{type(error).__name__}: {error}"[:10_000], rid=rid)
            raise
        await self.ping(token, "success", rid=rid)

    async def me(self) -> dict[str, Any]:
        return await self.request("GET", "/auth/me")

    async def health(self) -> dict[str, Any]:
        return await self.request("GET", "/health", auth=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncLogs:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        query = {k: v for k, v in filters.items() if v is not None}
        while True:
            data = await self._client.request("GET", "/logs", params=query)
            for line in data["logs"]:
                yield line
            if not data.get("next_cursor"):
                return
            query["cursor"] = data["next_cursor"]

    async def create(self, lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return await self._client.request("POST", "/logs", json={"logs": list(lines)})


class AsyncMetrics:
    """The awaited ``client.metrics``: ``get``, ``push``, ``export`` (CSV text) and ``catalog``."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def get(self, **query: Any) -> dict[str, Any]:
        return await self._client.request(
            "GET", "/metrics", params={k: v for k, v in query.items() if v is not None}
        )

    async def push(self, points: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return await self._client.request("POST", "/metrics", json={"points": list(points)})

    async def export(self, **body: Any) -> str:
        return await self._client.request("POST", "/metrics/export", json={"format": "csv", **body})

    async def catalog(self) -> Any:
        return await self._client.request("GET", "/metrics/catalog")
