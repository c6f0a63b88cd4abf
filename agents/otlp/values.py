"""OTLP values as Python: ``AnyValue`` and attribute lists, ids as hex, nanosecond times."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

MAX_ATTRIBUTES = 64
MAX_VALUE = 1000  # characters of a string attribute kept

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def text(value: str, limit: int) -> str:
    """A string as the database takes it: capped, without NUL characters (which neither Postgres text
    nor JSON columns accept)."""
    value = value[:limit]
    return value.replace("\x00", "") if "\x00" in value else value


def _double(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)  # JSON has no NaN or infinity


def any_value(value: Any) -> Any:
    """An ``AnyValue`` as JSON-able Python (strings capped and cleaned, bytes as hex, non-finite doubles
    as strings)."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return text(value.string_value, MAX_VALUE)
    if kind == "double_value":
        return _double(value.double_value)
    if kind in ("int_value", "bool_value"):
        return getattr(value, kind)
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values[:MAX_ATTRIBUTES]]
    if kind == "kvlist_value":
        return attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()[:MAX_VALUE]
    return None


_SCALARS = frozenset({"int_value", "bool_value"})


def attributes(pairs: Any) -> dict[str, Any]:
    """A ``repeated KeyValue`` as a dict (the first ``MAX_ATTRIBUTES``). Scalars are read inline: this
    runs for every span, record and data point."""
    found: dict[str, Any] = {}
    for pair in pairs[:MAX_ATTRIBUTES] if len(pairs) > MAX_ATTRIBUTES else pairs:
        value = pair.value
        kind = value.WhichOneof("value")
        key = text(pair.key, 200)
        if kind == "string_value":
            found[key] = text(value.string_value, MAX_VALUE)
        elif kind in _SCALARS:
            found[key] = getattr(value, kind)
        else:
            found[key] = any_value(value)
    return found


def hex_id(raw: bytes, size: int) -> str | None:
    """A trace (16 bytes) or span (8 bytes) id as lowercase hex; None when absent or all zero (invalid
    per the spec)."""
    if len(raw) != size or not any(raw):
        return None
    return raw.hex()


def nanos_to_datetime(nanos: int) -> datetime | None:
    """None for 0 (unset) and for times no datetime holds (past the year 9999)."""
    if nanos <= 0:
        return None
    try:
        return datetime.fromtimestamp(nanos // 1000 / 1_000_000, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def service_of(resource_attributes: dict[str, Any]) -> tuple[str, str]:
    """``service.name`` and ``service.instance.id`` of a resource (empty when not set)."""
    name = resource_attributes.get("service.name")
    instance = resource_attributes.get("service.instance.id")
    return (text(str(name), 200) if name else "", text(str(instance), 100) if instance else "")
