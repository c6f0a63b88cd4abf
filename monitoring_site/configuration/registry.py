"""The kinds of object a configuration file holds, registered by their apps (``<app>/configuration.py``),
and the key book that translates object ids to file keys and back.

A kind says how to read an object as a file item (``to_file``: the API serializer's writable fields, with
references to other objects as their keys and secrets replaced by ``REDACTED``) and how to turn a file
item back into what its API accepts (``from_file``), plus the service calls that create, update and
delete, so applying a file goes through the same validation and side effects as the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from monitoring_site.deletion import delete_cascading

REDACTED = "<redacted>"  # a secret left out of an export; applying it keeps the current value


class UnknownKey(Exception):
    def __init__(self, kind: str, key: Any) -> None:
        super().__init__(f"No {kind} with key {key!r} in this file or organization.")


class KeyBook:
    """Object ids <-> file keys, per kind, for one organization (filled from ``ConfigKey`` rows and, while
    applying, from the objects created so far)."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[int, str]] = {}
        self.by_key: dict[str, dict[str, int]] = {}

    def add(self, kind: str, object_id: int, key: str) -> None:
        self.by_id.setdefault(kind, {})[object_id] = key
        self.by_key.setdefault(kind, {})[key] = object_id

    def key(self, kind: str, object_id: Any) -> Any:
        """The key of an object (an id the book does not know stays an id: it points outside the export)."""
        return self.by_id.get(kind, {}).get(object_id, object_id)

    def id(self, kind: str, key: Any) -> int:
        found = self.by_key.get(kind, {}).get(key) if isinstance(key, str) else None
        if found is None:
            raise UnknownKey(kind, key)
        return found

    def keys(self, kind: str, ids: list[Any] | None) -> list[Any]:
        return [self.key(kind, i) for i in ids or []]

    def ids(self, kind: str, keys: list[Any] | None) -> list[int]:
        return [self.id(kind, k) for k in keys or []]


@dataclass(frozen=True)
class ConfigKind:
    name: str  # the file's section: "monitors"
    queryset: Callable[[Any], QuerySet]  # organization -> its objects
    serializer: type  # the API serializer (validation and the writable fields)
    # (tenant, validated data) -> the object, or (object, its one-time secret)
    create: Callable[[Any, dict[str, Any]], Any]
    update: Callable[[Any, Any, dict[str, Any]], Any]  # (tenant, object, validated data) -> object
    delete: Callable[[Any], Any] = delete_cascading
    to_file: Callable[[dict[str, Any], KeyBook], dict[str, Any]] = lambda data, book: data
    from_file: Callable[[dict[str, Any], KeyBook, Any], dict[str, Any]] = lambda item, book, current: item
    left_out: frozenset[str] = frozenset()  # writable fields an export does not carry (project_id...)
    self_references: str | None = None  # a field of keys of the same kind (applied in dependency order)
    extra: dict[str, Any] = field(default_factory=dict)


KINDS: dict[str, ConfigKind] = {}


def register(kind: ConfigKind) -> None:
    """Register in dependency order: a kind's references point to kinds registered before it."""
    KINDS[kind.name] = kind
