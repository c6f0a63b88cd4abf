"""One class per client flavour over the same ``Spec``: ``list`` iterates every page, ``get``/``create``/
``update`` (PATCH)/``replace`` (PUT) answer the object itself, ``delete`` answers nothing, and each action
is a method (``client.monitors.pause(7)``, ``client.agents.scale(3, replicas=4, reason="load")``; keyword
arguments are the body of a POST or PUT and the query of a GET)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from monitoring_api.specs import Spec

if TYPE_CHECKING:
    from monitoring_api.aio import AsyncClient
    from monitoring_api.client import Client, Pages


def _query(filters: dict[str, Any]) -> dict[str, Any]:
    """``sort=[("name", "asc")]`` or ``sort="name:asc"``; lists as comma-separated values; no Nones."""
    query: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None:
            continue
        if key == "sort" and isinstance(value, list | tuple) and value and isinstance(value[0], tuple):
            value = ",".join(f"{field}:{direction}" for field, direction in value)
        elif isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        query[key] = value
    return query


class _Base:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def _url(self, object_id: Any = None, suffix: str = "") -> str:
        url = self.spec.path if object_id is None else f"{self.spec.path}/{object_id}"
        return f"{url}/{suffix}" if suffix else url

    def _one(self, data: Any) -> Any:
        return data.get(self.spec.singular, data) if isinstance(data, dict) else data

    def _check(self, operation: str) -> None:
        if operation not in self.spec.crud:
            raise AttributeError(f"{self.spec.path} has no {operation}")

    def _action(self, name: str) -> tuple[str, str, bool]:
        try:
            return self.spec.actions[name]
        except KeyError:
            raise AttributeError(f"{self.spec.path} has no action {name!r}") from None


class Resource(_Base):
    def __init__(self, client: Client, spec: Spec) -> None:
        super().__init__(spec)
        self._client = client

    def list(self, **filters: Any) -> Pages:
        """Every object matching the filters, page after page (``per_page`` sets the page size);
        ``len()`` of it is the number of matches."""
        self._check("list")
        return self._client.paginate(self.spec.path, self.spec.plural, _query(filters))

    def csv(self, **filters: Any) -> str:
        """The list as CSV (``format=csv``: every match up to the server's export cap)."""
        self._check("list")
        return self._client.request("GET", self.spec.path, params={**_query(filters), "format": "csv"})

    def get(self, object_id: Any) -> dict[str, Any]:
        self._check("get")
        return self._one(self._client.request("GET", self._url(object_id)))

    def create(self, **fields: Any) -> dict[str, Any]:
        self._check("create")
        return self._one(self._client.request("POST", self.spec.path, json=fields))

    def update(self, object_id: Any, **fields: Any) -> dict[str, Any]:
        self._check("update")
        return self._one(self._client.request("PATCH", self._url(object_id), json=fields))

    def replace(self, object_id: Any, **fields: Any) -> dict[str, Any]:
        self._check("replace")
        return self._one(self._client.request("PUT", self._url(object_id), json=fields))

    def delete(self, object_id: Any) -> None:
        self._check("delete")
        self._client.request("DELETE", self._url(object_id))

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        method, suffix, on_object = self._action(name)

        def call(*object_id: Any, **fields: Any) -> Any:
            url = self._url(object_id[0] if on_object else None, suffix)
            if method == "GET":
                return self._client.request(method, url, params=_query(fields))
            return self._client.request(method, url, json=fields)

        return call


class AsyncResource(_Base):
    def __init__(self, client: AsyncClient, spec: Spec) -> None:
        super().__init__(spec)
        self._client = client

    def list(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        self._check("list")
        return self._client.paginate(self.spec.path, self.spec.plural, _query(filters))

    async def csv(self, **filters: Any) -> str:
        self._check("list")
        return await self._client.request("GET", self.spec.path, params={**_query(filters), "format": "csv"})

    async def get(self, object_id: Any) -> dict[str, Any]:
        self._check("get")
        return self._one(await self._client.request("GET", self._url(object_id)))

    async def create(self, **fields: Any) -> dict[str, Any]:
        self._check("create")
        return self._one(await self._client.request("POST", self.spec.path, json=fields))

    async def update(self, object_id: Any, **fields: Any) -> dict[str, Any]:
        self._check("update")
        return self._one(await self._client.request("PATCH", self._url(object_id), json=fields))

    async def replace(self, object_id: Any, **fields: Any) -> dict[str, Any]:
        self._check("replace")
        return self._one(await self._client.request("PUT", self._url(object_id), json=fields))

    async def delete(self, object_id: Any) -> None:
        self._check("delete")
        await self._client.request("DELETE", self._url(object_id))

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        method, suffix, on_object = self._action(name)

        async def call(*object_id: Any, **fields: Any) -> Any:
            url = self._url(object_id[0] if on_object else None, suffix)
            if method == "GET":
                return await self._client.request(method, url, params=_query(fields))
            return await self._client.request(method, url, json=fields)

        return call
