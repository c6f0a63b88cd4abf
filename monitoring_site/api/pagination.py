"""Page-number pagination with the ``pagination`` object of DESIGN section 5.

A page past the end is an empty list (with correct totals), so a client iterating pages stops on
``has_next`` rather than on an error; a malformed ``page`` or ``per_page`` is a 400.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"'{raw}' is not a whole number."]}) from None
    if value < 1:
        raise ValidationError({name: ["Must be 1 or more."]})
    return value


def plural_of(view: Any) -> str:
    """The list's key: the action's own (``action_plurals``: a monitor's ``logs``) or the resource's."""
    plurals = getattr(view, "action_plurals", None) or {}
    return plurals.get(getattr(view, "action", None), getattr(view, "envelope_plural", "results"))


class EnvelopePagination(BasePagination):
    page_query_param = "page"
    per_page_query_param = "per_page"

    def paginate_queryset(self, queryset, request, view=None) -> list[Any]:
        self.view = view
        self.per_page = min(
            _positive_int(request, self.per_page_query_param, settings.API_DEFAULT_PER_PAGE),
            settings.API_MAX_PER_PAGE,
        )
        self.page_number = _positive_int(request, self.page_query_param, 1)
        self.total_items = queryset.count() if hasattr(queryset, "count") else len(queryset)
        self.total_pages = math.ceil(self.total_items / self.per_page)
        start = (self.page_number - 1) * self.per_page
        if start >= self.total_items:
            return []
        return list(queryset[start : start + self.per_page])

    def pagination_data(self) -> dict[str, Any]:
        return {
            "current_page": self.page_number,
            "per_page": self.per_page,
            "total_pages": self.total_pages,
            "total_items": self.total_items,
            "has_next": self.page_number < self.total_pages,
            "has_previous": self.page_number > 1,
        }

    def get_paginated_response(self, data) -> Response:
        plural = plural_of(self.view)
        return Response({plural: data, "pagination": self.pagination_data()})

    def get_paginated_response_schema(self, schema):
        plural = plural_of(getattr(self, "view", None))
        return {
            "type": "object",
            "required": [plural, "pagination"],
            "properties": {plural: schema, "pagination": {"$ref": "#/components/schemas/Pagination"}},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "default": 1},
                "description": "Page number (a page past the end is empty).",
            },
            {
                "name": self.per_page_query_param,
                "in": "query",
                "required": False,
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": settings.API_MAX_PER_PAGE,
                    "default": 25,
                },
                "description": f"Items per page (at most {settings.API_MAX_PER_PAGE}).",
            },
        ]
