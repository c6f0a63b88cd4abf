"""``GET /agents/{id}/traces`` (an agent's recent traces, filterable by model and error) and
``GET /traces/{trace_id}`` (one trace's spans as a waterfall), from what came in over OTLP."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agents.models import Agent
from agents.trace_selectors import TRACE_ID, agent_traces, trace_waterfall
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.api.viewsets import ObjectNotFound


class TraceQuerySerializer(serializers.Serializer):
    model = serializers.CharField(required=False, max_length=200, help_text="Traces calling this model.")
    error = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="true: traces with an error; false: none."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class TraceSummarySerializer(serializers.Serializer):
    trace_id = serializers.CharField()
    root_span = serializers.CharField(help_text="The root span's name, when it was received.")
    started_at = serializers.DateTimeField()
    spans = serializers.IntegerField()
    model_calls = serializers.IntegerField()
    error_spans = serializers.IntegerField()
    models = serializers.ListField(child=serializers.CharField())
    tokens = serializers.IntegerField()


class SpanSerializer(serializers.Serializer):
    span_id = serializers.CharField()
    parent_span_id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["genai", "span"])
    service = serializers.CharField()
    agent_id = serializers.IntegerField(allow_null=True)
    start = serializers.DateTimeField()
    offset_ms = serializers.FloatField()
    duration_ms = serializers.FloatField()
    depth = serializers.IntegerField()
    error = serializers.BooleanField()
    error_type = serializers.CharField()
    model = serializers.CharField()
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    attributes = serializers.DictField()


class TraceSerializer(serializers.Serializer):
    trace_id = serializers.CharField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.FloatField()
    error_spans = serializers.IntegerField()
    spans = SpanSerializer(many=True)


class AgentTracesView(StrictAPIView):
    query_params = {"get": TraceQuerySerializer}

    @extend_schema(
        tags=["agents"],
        parameters=[TraceQuerySerializer],
        responses={200: keyed("AgentTraces", traces=TraceSummarySerializer(many=True))},
        summary="The agent's recent traces (from OTLP GenAI spans), newest first",
    )
    def get(self, request, pk: int):
        agent = Agent.objects.filter(organization=request_tenant(request).organization, pk=pk).first()
        if agent is None:
            raise ObjectNotFound("agent_not_found", "No such agent in this organization.")
        query = TraceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = agent_traces(agent, **query.validated_data)
        return Response({"traces": TraceSummarySerializer(rows, many=True).data})


class TraceView(StrictAPIView):
    @extend_schema(
        tags=["agents"],
        responses={200: keyed("TraceWaterfall", trace=TraceSerializer())},
        summary="One trace's spans in start order, with offsets and depths (a waterfall)",
    )
    def get(self, request, trace_id: str):
        if not TRACE_ID.match(trace_id):
            raise ValidationError({"trace_id": ["32 lowercase hex digits."]})
        trace = trace_waterfall(request_tenant(request).organization.pk, trace_id)
        if trace is None:
            raise ObjectNotFound("trace_not_found", "No such trace in this organization.")
        return Response({"trace": TraceSerializer(trace).data})
