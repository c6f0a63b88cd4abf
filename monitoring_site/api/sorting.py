"""``sort=field:asc|desc[,field:dir...]`` against a per-view whitelist (``sort_fields``)."""

from __future__ import annotations

import re

from django.db.models import F
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


def _allowed(view) -> dict[str, str]:
    fields = getattr(view, "sort_fields", None) or {}
    if isinstance(fields, list | tuple):
        return {name: name for name in fields}
    return dict(fields)


def _pattern(names: list[str]) -> str:
    key = "(" + "|".join(re.escape(name) for name in names) + ")(:(asc|desc))?"
    return f"^{key}(,{key})*$"


class SortFilter(BaseFilterBackend):
    """Views declare ``sort_fields`` (public name -> ORM path) and ``default_sort`` (e.g. ``"-id"``).

    The primary key is always the last key, so pages never shuffle rows that tie.
    """

    param = "sort"

    def filter_queryset(self, request, queryset, view):
        allowed = _allowed(view)
        raw = request.query_params.get(self.param, "").strip()
        if not raw:
            default = getattr(view, "default_sort", None)
            return queryset.order_by(default, "pk") if default else queryset
        ordering = []
        for item in raw.split(","):
            name, _, direction = item.strip().partition(":")
            direction = (direction or "asc").lower()
            if name not in allowed:
                choices = ", ".join(sorted(allowed)) or "none"
                raise ValidationError({self.param: [f"Cannot sort by '{name}'. Allowed fields: {choices}."]})
            if direction not in ("asc", "desc"):
                raise ValidationError({self.param: [f"Direction '{direction}' must be asc or desc."]})
            field = F(allowed[name])
            ordering.append(
                field.desc(nulls_last=True) if direction == "desc" else field.asc(nulls_last=True)
            )
        return queryset.order_by(*ordering, "pk")

    def get_schema_operation_parameters(self, view):
        allowed = sorted(_allowed(view))
        if not allowed:
            return []
        return [
            {
                "name": self.param,
                "in": "query",
                "required": False,
                "schema": {"type": "string", "pattern": _pattern(allowed)},
                "description": "Sort as field:asc or field:desc, several comma-separated. Fields: "
                + ", ".join(allowed),
            }
        ]
