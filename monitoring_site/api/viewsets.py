"""Base viewsets: tenant scoping that no view can forget, and the envelope's singular and plural keys.

A resource viewset sets ``queryset``, ``serializer_class``, ``envelope_singular`` and ``envelope_plural``;
``get_queryset`` always filters by the request's organization (through ``tenant_field``), so another
organization's object is a 404. Writes call ``perform_create``/``perform_update``/``perform_destroy``,
which a resource overrides to call its services and return the object.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import django_filters
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from monitoring_site.accounts.principal import Tenant
from monitoring_site.api.parsers import INT64_MAX, INT64_MIN
from monitoring_site.api.renderers import CSVRenderer, EnvelopeJSONRenderer
from monitoring_site.api.strict import parameter_names, refuse_unknown
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.deletion import delete_cascading


class ObjectNotFound(NotFound):
    """A 404 with the resource's own error code (DESIGN: ``agent_not_found``, ``alert_not_found``)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.default_code = code


COMMON_LIST_PARAMS = frozenset({"page", "per_page", "sort", "format"})
WRITE_ACTIONS = frozenset({"create", "update", "partial_update"})


def _check_number_filters(request, filters: dict) -> None:
    """Number filters take what a 64-bit column holds: past it, SQLite fails and Postgres matches nothing,
    so both answer the same 400 instead."""
    errors = {}
    for name, value in request.query_params.items():
        if isinstance(filters.get(name), django_filters.NumberFilter):
            try:
                number = Decimal(value)
            except ArithmeticError:
                continue  # not a number: the filter's own validation says so
            if number.is_finite() and not INT64_MIN <= number <= INT64_MAX:
                errors[name] = ["Out of the range of ids and counts (a 64-bit integer)."]
    if errors:
        raise ValidationError(errors)


class TenantViewSet(GenericViewSet):
    lookup_value_regex = r"\d+"  # ids are integers: /monitors/abc is no route (a JSON 404), never a 500
    not_found_code: str | None = None  # the error code of a missing object, when not plain not_found
    extra_list_params: frozenset[str] = frozenset()  # list parameters a view reads beside its filters
    # the parameters of the other GET actions: {"uptime": UptimeSerializer, "overview": ("range",)}
    action_params: dict[str, Any] = {}
    # the body fields of the other POST/PUT actions: {"pause": ("reason",), "run": JobArgumentsSerializer};
    # an action not named here takes no body fields
    action_fields: dict[str, Any] = {}
    # the list key of a detail action's page: {"logs": "logs"} (the resource's plural otherwise)
    action_plurals: dict[str, str] = {}

    def initial(self, request, *args, **kwargs):
        """A typo must not pass for a filter or a field: unknown list parameters and unknown body fields
        are a 400 naming them, never silently dropped."""
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            filterset = getattr(self, "filterset_class", None)
            filters = dict(filterset.base_filters) if filterset else {}
            known = set(filters) | COMMON_LIST_PARAMS | self.extra_list_params
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                hint = f"Known: {', '.join(sorted(known))}."
                raise ValidationError({name: [f"Not a parameter of this list. {hint}"] for name in unknown})
            _check_number_filters(request, filters)
        elif request.method == "GET":
            refuse_unknown(request, COMMON_LIST_PARAMS | parameter_names(self.action_params.get(self.action)))
        elif self.action in WRITE_ACTIONS and isinstance(request.data, dict):
            unknown = sorted(set(request.data) - set(self.get_serializer().fields))  # type: ignore[attr-defined]
            if unknown:
                raise ValidationError({name: ["Not a field of this object."] for name in unknown})
        elif request.method in ("POST", "PUT", "PATCH") and isinstance(request.data, dict):
            known = parameter_names(self.action_fields.get(self.action))
            unknown = sorted(set(request.data) - known)
            if unknown:
                hint = f"Known: {', '.join(sorted(known))}." if known else "This action takes no body fields."
                raise ValidationError({name: [f"Not a field of this request. {hint}"] for name in unknown})

    envelope_singular = "object"
    envelope_plural = "objects"
    tenant_field = "organization"
    renderer_classes = [EnvelopeJSONRenderer, CSVRenderer]

    @property
    def tenant(self) -> Tenant:
        return request_tenant(self.request)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return queryset.none()
        return queryset.filter(**{self.tenant_field: self.tenant.organization})

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            if self.not_found_code is None:
                raise
            noun = self.envelope_singular.replace("_", " ")
            raise ObjectNotFound(self.not_found_code, f"No such {noun} in this organization.") from None

    def envelope_one(self, obj: Model, status_code: int = status.HTTP_200_OK) -> Response:
        return Response({self.envelope_singular: self.get_serializer(obj).data}, status=status_code)


if TYPE_CHECKING:  # the mixins are only ever mixed into TenantViewSet
    _ViewSet = TenantViewSet
else:
    _ViewSet = object


class ListMixin(_ViewSet):
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format == "csv":
            rows = self.get_serializer(queryset[: settings.CSV_EXPORT_MAX_ROWS], many=True).data
            filename = f"{self.envelope_plural}.csv"
            return Response(rows, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RetrieveMixin(_ViewSet):
    def retrieve(self, request, *args, **kwargs):
        return self.envelope_one(self.get_object())


class CreateMixin(_ViewSet):
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_create(serializer)
        return self.envelope_one(obj, status.HTTP_201_CREATED)

    def perform_create(self, serializer) -> Model:
        """Each viewset creates through its domain's service (every write goes through a service)."""
        raise NotImplementedError(f"{type(self).__name__} creates through its service")


class UpdateMixin(_ViewSet):
    def update(self, request, *args, **kwargs):
        """PUT and PATCH both change the fields the body names and keep the others: the uptime API's own
        examples PUT partial bodies (``{"check_interval": 600, "is_enabled": true}``)."""
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_update(serializer)
        return self.envelope_one(obj)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def perform_update(self, serializer) -> Model:
        """Each viewset changes objects through its domain's service."""
        raise NotImplementedError(f"{type(self).__name__} updates through its service")


class DestroyMixin(_ViewSet):
    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance: Any) -> None:
        delete_cascading(instance)  # workers may be adding rows that point at it right now


class TenantModelViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, TenantViewSet):
    """CRUD on one tenant-scoped resource."""
