"""``POST /logs`` and ``GET /logs`` (people: JWT or API key), and ``POST /agents/{id}/logs`` (the agent's
ingest token: its lines belong to it)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agents.api.views import AgentTokenView
from agents.models import AgentLog, LogLevel
from agents.selectors import BadCursor, logs_query
from agents.services.logs import logs_ingest
from monitoring_site.api.renderers import CSVRenderer, EnvelopeJSONRenderer
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView, parameter_names
from monitoring_site.api.tenancy import request_tenant

CSV_DEFAULT_LINES = 10_000

LOGS_BODY = inline_serializer("LogLines", {"logs": serializers.ListField(child=serializers.DictField())})
ACCEPTED = inline_serializer(
    "LogLinesAccepted",
    {
        "accepted": serializers.IntegerField(),
        "rejected": serializers.ListField(child=serializers.DictField()),
    },
)


class LogQuerySerializer(serializers.Serializer):
    agent_id = serializers.IntegerField(required=False, min_value=1)
    level = serializers.ChoiceField(choices=LogLevel.choices, required=False)
    start_time = serializers.DateTimeField(required=False)
    end_time = serializers.DateTimeField(required=False)
    search = serializers.CharField(required=False, max_length=200)
    limit = serializers.IntegerField(
        required=False, min_value=1, help_text="1-1000 (100); CSV: up to the cap"
    )
    cursor = serializers.CharField(required=False, max_length=200)

    def validate_limit(self, value: int) -> int:
        cap = settings.CSV_EXPORT_MAX_ROWS if self.context.get("csv") else 1000
        if value > cap:
            raise serializers.ValidationError(f"At most {cap}.")
        return value


class LogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentLog
        fields = ["id", "timestamp", "level", "agent_id", "message", "context", "trace_id"]


def _lines(request):
    return request.data.get("logs") if isinstance(request.data, dict) else None


class LogsView(StrictAPIView):
    body_fields = {"post": ("logs",)}
    query_params = {"get": (*parameter_names(LogQuerySerializer), "format")}
    renderer_classes = [EnvelopeJSONRenderer, CSVRenderer]

    @extend_schema(
        tags=["agents"],
        parameters=[LogQuerySerializer],
        responses={
            200: keyed(
                "LogPage",
                logs=LogSerializer(many=True),
                next_cursor=serializers.CharField(allow_null=True),
            )
        },
        summary="Log lines, newest first: filters, full-text search, a cursor to the next page",
        description="`format=csv` exports the matching lines (up to `CSV_EXPORT_MAX_ROWS`; `limit` "
        f"defaults to {CSV_DEFAULT_LINES:,} there and may go up to the cap).",
    )
    def get(self, request):
        csv = request.accepted_renderer.format == "csv"
        query = LogQuerySerializer(data=request.query_params, context={"csv": csv})
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        limit, cursor = filters.pop("limit", None), filters.pop("cursor", None)
        limit = limit or (CSV_DEFAULT_LINES if csv else 100)
        try:
            page, following = logs_query(
                organization_id=request_tenant(request).organization.pk,
                filters=filters,
                limit=limit,
                cursor=cursor,
            )
        except BadCursor as exc:
            raise ValidationError({"cursor": [str(exc)]}) from None
        if csv:
            rows = LogSerializer(page, many=True).data
            return Response(rows, headers={"Content-Disposition": 'attachment; filename="logs.csv"'})
        return Response({"logs": LogSerializer(page, many=True).data, "next_cursor": following})

    @extend_schema(
        tags=["agents"],
        request=LOGS_BODY,
        responses={200: ACCEPTED},
        summary="A batch of log lines; bad lines are reported by index, the good ones kept",
    )
    def post(self, request):
        return Response(
            logs_ingest(organization_id=request_tenant(request).organization.pk, lines=_lines(request))
        )


class AgentLogsView(AgentTokenView):
    body_fields = {"post": ("logs",)}

    @extend_schema(
        tags=["agents"],
        auth=[],
        request=LOGS_BODY,
        responses={200: ACCEPTED},
        summary="The agent's own log lines (its ingest token)",
    )
    def post(self, request, pk: int):
        agent = self.agent(request, pk)
        return Response(
            logs_ingest(organization_id=agent.organization_id, lines=_lines(request), agent=agent)
        )
