"""``GET /config/export`` (viewers: secrets are redacted) and ``POST /config/apply?dry_run&prune``
(admins: it can create, change and delete anything in the file's sections)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from monitoring_site.accounts.choices import Role
from monitoring_site.api.permissions import OrganizationRole
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.configuration.services import config_apply, config_export

PLAN = inline_serializer(
    "ConfigApplyResult",
    {
        "dry_run": serializers.BooleanField(),
        "plan": inline_serializer(
            "ConfigPlan",
            {
                "create": serializers.ListField(child=serializers.DictField()),
                "update": serializers.ListField(child=serializers.DictField()),
                "delete": serializers.ListField(child=serializers.DictField()),
                "unchanged": serializers.IntegerField(),
            },
        ),
        "secrets": serializers.ListField(child=serializers.DictField()),
    },
)


def _flag(request, name: str) -> bool:
    return str(request.query_params.get(name, "")).lower() in ("1", "true", "yes")


class ConfigExportView(StrictAPIView):
    permission_classes = [OrganizationRole]

    @extend_schema(
        tags=["configuration"],
        responses={200: OpenApiTypes.OBJECT},
        summary="The organization's configuration: every monitor, heartbeat, status page, channel (secrets "
        "redacted), alert rule, webhook, maintenance window, task and agent, each with a stable key",
    )
    def get(self, request):
        return Response(config_export(organization=request_tenant(request).organization, request=request))


class ConfigApplyView(StrictAPIView):
    query_params = {"post": ("dry_run", "prune")}
    permission_classes = [OrganizationRole]
    write_role = Role.ADMIN

    @extend_schema(
        tags=["configuration"],
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Compute the plan, change nothing."),
            OpenApiParameter(
                "prune", OpenApiTypes.BOOL, description="Delete what the sections no longer hold."
            ),
        ],
        responses={200: PLAN},
        summary="Apply a configuration document: upsert by key in one transaction, all or nothing",
    )
    def post(self, request):
        result = config_apply(
            tenant=request_tenant(request),
            document=request.data,
            request=request,
            dry_run=_flag(request, "dry_run"),
            prune=_flag(request, "prune"),
        )
        return Response(result)
