"""Unknown query parameters are a 400 naming them, on every endpoint: a typo (``?rnage=Week``) must not
pass for the default and return the wrong data (DESIGN section 5, "unknown parameters are errors").

A view declares what it reads: ``query_params`` maps an HTTP method (or a viewset action) to the names, a
``FilterSet`` or a ``Serializer`` whose fields are the names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

Declared = Iterable[str] | type[django_filters.FilterSet] | type[serializers.Serializer]


def parameter_names(declared: Declared | None) -> set[str]:
    if declared is None:
        return set()
    if isinstance(declared, type) and issubclass(declared, django_filters.FilterSet):
        return set(declared.base_filters)  # type: ignore[union-attr]
    if isinstance(declared, type) and issubclass(declared, serializers.Serializer):
        return set(declared().fields)
    return set(declared)  # type: ignore[arg-type]


def refuse_unknown(request, known: set[str] | frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        hint = f"Known: {', '.join(sorted(known))}." if known else "This endpoint takes none."
        raise ValidationError({name: [f"Not a parameter of this endpoint. {hint}"] for name in unknown})


class StrictAPIView(APIView):
    """An ``APIView`` whose query parameters are declared per method (``{"get": SomeSerializer}``)."""

    query_params: dict[str, Any] = {}
    # the fields a JSON body may carry, per method ({"post": SomeSerializer} or names); a body field not
    # named is a 400 naming it, as on the viewsets
    body_fields: dict[str, Any] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        refuse_unknown(request, parameter_names(self.query_params.get(method)))
        if method in self.body_fields and isinstance(request.data, dict):
            known = parameter_names(self.body_fields[method])
            unknown = sorted(set(request.data) - known)
            if unknown:
                hint = f"Known: {', '.join(sorted(known))}."
                raise ValidationError({name: [f"Not a field of this request. {hint}"] for name in unknown})
