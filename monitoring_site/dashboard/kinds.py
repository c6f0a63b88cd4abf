"""Forms whose fields depend on a kind (a monitor's type, a task's kind or schedule): each such field is
marked ``data-shown-when="<control>=<value> <value>"`` and ``static/monitoring_site/kind_fields.js`` shows
it only while the control has one of those values; ``chosen_only`` drops the others' values on the way to
the service, so what was typed for another kind and then hidden is never saved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

Kinds = Mapping[str, tuple[str, ...]]  # field name -> the control's values it belongs to


def mark_kinds(form: forms.BaseForm, control: str, kinds: Kinds) -> None:
    for name, values in kinds.items():
        form.fields[name].widget.attrs["data-shown-when"] = f"{control}={' '.join(values)}"


def chosen_only(data: dict[str, Any], chosen: str, kinds: Kinds) -> dict[str, Any]:
    """``data`` without the fields that belong to kinds other than ``chosen``."""
    return {name: value for name, value in data.items() if name not in kinds or chosen in kinds[name]}
