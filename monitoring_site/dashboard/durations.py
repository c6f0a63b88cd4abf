"""A duration typed as people think of it, "1 day" or "15 min", stored as seconds: an amount and a unit
(the Healthchecks period and grace controls). A form posting plain seconds under the field's own name
(as scripts and older pages do) still works."""

from __future__ import annotations

from typing import Any

from django import forms

UNITS: tuple[tuple[int, str], ...] = ((1, "seconds"), (60, "minutes"), (3600, "hours"), (86400, "days"))


def split_seconds(seconds: int | float | None) -> list[Any]:
    """``3600`` -> ``[1, 3600]`` (one hour): the largest unit that divides it evenly."""
    if seconds in (None, ""):
        return [None, 60]
    whole = int(seconds)  # type: ignore[arg-type]
    for size, _ in reversed(UNITS):
        if whole and whole % size == 0:
            return [whole // size, size]
    return [whole, 1]


class DurationWidget(forms.MultiWidget):
    def __init__(self, attrs: dict | None = None) -> None:
        widgets = (
            forms.NumberInput(attrs={"min": "0", "step": "any", "class": "amount"}),
            forms.Select(
                choices=[(str(size), label) for size, label in UNITS],
                attrs={"class": "unit", "aria-label": "unit"},
            ),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        return split_seconds(value)

    def value_from_datadict(self, data, files, name):
        if f"{name}_0" not in data and name in data:  # plain seconds
            return [data.get(name), "1"]
        return super().value_from_datadict(data, files, name)


class DurationField(forms.MultiValueField):
    """Seconds, entered as an amount and a unit; empty is None when not required."""

    widget = DurationWidget

    def __init__(self, *, min_seconds: int = 0, **kwargs: Any) -> None:
        self.min_seconds = min_seconds
        fields = (
            forms.FloatField(min_value=0),
            forms.TypedChoiceField(coerce=int, choices=[(str(size), label) for size, label in UNITS]),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> int | None:
        if not data_list or data_list[0] in (None, ""):
            return None
        seconds = round(float(data_list[0]) * int(data_list[1] or 1))
        if seconds < self.min_seconds:
            raise forms.ValidationError(f"At least {self.min_seconds} seconds.")
        return seconds
