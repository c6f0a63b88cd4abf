"""What a create or update service takes: one frozen dataclass per operation, whose fields are the ones a
caller may set, with their types.

- ``NewMonitor(name=..., type=..., target=...)`` is a creation: the fields it requires are required, and a
  field it leaves out takes the model's default.
- ``MonitorChanges(check_interval=30)`` is an update: every field is optional, and only the fields given
  are changed (a PATCH). ``None`` is a value (``expires_at=None`` clears it); a field not given is
  ``UNSET``.
- A creation subclasses the changes and redeclares its required fields as ``name: str = field()``: a
  bare annotation would inherit the parent's ``UNSET`` default and so require nothing.

The API's serializers, the dashboard's forms and configuration files already check each value; they hand
over with ``NewMonitor.of(serializer.validated_data)``, which refuses a name the operation does not take
(a programming error, so a ``TypeError``, not a 400). The services check what spans fields or rows (a
keyword monitor needs a keyword, a name is unique) and raise ``RuleViolation``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Final, TypeVar

T = TypeVar("T", bound="Fields")


class _Unset:
    """The value of a field the caller did not give (a singleton, falsy)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
Unset = _Unset


@dataclasses.dataclass(frozen=True, kw_only=True)
class Fields:
    """The base of every service input: ``given()`` is what the caller set, ``of()`` builds one from a
    mapping of checked values."""

    def given(self) -> dict[str, Any]:
        """The fields the caller set, by name (a new dict: the service may change it)."""
        return {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if getattr(self, field.name) is not UNSET
        }

    @classmethod
    def of(cls: type[T], values: Mapping[str, Any]) -> T:
        """An input from checked values (a serializer's ``validated_data``, a form's data); a name the
        operation does not take is a ``TypeError`` that names it."""
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"{cls.__name__} takes no {', '.join(unknown)}")
        return cls(**values)

    def replace(self: T, **changes: Any) -> T:
        """A copy with ``changes`` set (the inputs are frozen)."""
        return dataclasses.replace(self, **changes)


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments a caller set, for a service with a few typed keyword parameters defaulting to
    ``UNSET`` (``channel_update(channel=c, is_enabled=True)``)."""
    return {name: value for name, value in values.items() if value is not UNSET}
