"""What every compatibility view shares: the document's bare JSON (no envelope), no entry in the native
OpenAPI document, and the native rule that an unknown query parameter is an error, never ignored.

Errors keep the native error envelope (``{"status": "error", "error": {"code", "message", "details"}}``):
the documents show no error body of their own except 003's codes, which the envelope carries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from monitoring_site.api.strict import parameter_names, refuse_unknown
from monitoring_site.api.tenancy import request_tenant


class CompatView(APIView):
    """``query_serializer`` declares the query parameters of GET; any other parameter is a 400."""

    renderer_classes = [JSONRenderer]
    schema = None  # the native OpenAPI document describes /api/v1 only
    query_serializer: type[serializers.Serializer] | None = None
    extra_params: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = set(self.extra_params)
        if request.method == "GET":
            known |= parameter_names(self.query_serializer)
        refuse_unknown(request, known)

    @property
    def tenant(self):
        return request_tenant(self.request)

    def query(self) -> dict[str, Any]:
        assert self.query_serializer is not None
        form = self.query_serializer(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)


class StrictSerializer(serializers.Serializer):
    """A request body whose unknown fields are a 400 naming them, as everywhere in the native API."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


def body_of(request) -> dict[str, Any]:
    """The JSON object of the request, or a 400 when the body is something else."""
    if request.data in (None, "") or request.data == {}:
        return {}
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    return dict(request.data)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def pascal(value: str) -> str:
    """``in_progress`` -> ``InProgress``."""
    return "".join(part.capitalize() for part in value.split("_"))
