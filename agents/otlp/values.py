"""OTLP values as Python: ``AnyValue`` and attribute lists, ids as hex, nanosecond times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MAX_ATTRIBUTES = 64
MAX_VALUE = 1000  # characters of a string attribute kept

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def any_value(value: Any) -> Any:
    """An ``AnyValue`` as JSON-able Python (strings capped, bytes as hex)."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value[:MAX_VALUE]
    if kind in ("int_value", "double_value", "bool_value"):
        return getattr(value, kind)
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values[:MAX_ATTRIBUTES]]
    if kind == "kvlist_value":
        return attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()[:MAX_VALUE]
    return None


_SCALARS = frozenset({"int_value", "double_value", "bool_value"})


def attributes(pairs: Any) -> dict[str, Any]:
    """A ``repeated KeyValue`` as a dict (the first ``MAX_ATTRIBUTES``). Scalars are read inline: this
    runs for every span, record and data point."""
    found: dict[str, Any] = {}
    for pair in pairs[:MAX_ATTRIBUTES] if len(pairs) > MAX_ATTRIBUTES else pairs:
        value = pair.value
        kind = value.WhichOneof("value")
        if kind == "string_value":
            found[pair.key[:200]] = value.string_value[:MAX_VALUE]
        elif kind in _SCALARS:
            found[pair.key[:200]] = getattr(value, kind)
        else:
            found[pair.key[:200]] = any_value(value)
    return found


def hex_id(raw: bytes, size: int) -> str | None:
    """A trace (16 bytes) or span (8 bytes) id as lowercase hex; None when absent or all zero (invalid
    per the spec)."""
    if len(raw) != size or not any(raw):
        return None
    return raw.hex()


def nanos_to_datetime(nanos: int) -> datetime | None:
    if nanos <= 0:
        return None
    return datetime.fromtimestamp(nanos // 1000 / 1_000_000, tz=UTC)


def service_of(resource_attributes: dict[str, Any]) -> tuple[str, str]:
    """``service.name`` and ``service.instance.id`` of a resource (empty when not set)."""
    name = resource_attributes.get("service.name")
    instance = resource_attributes.get("service.instance.id")
    return (str(name)[:200] if name else "", str(instance)[:100] if instance else "")
