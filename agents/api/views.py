"""Agents over the API: the registry (people, JWT or API key) and the agent's own reports (its ingest
token: ``Authorization: Bearer agt_...``)."""

from __future__ import annotations

import builtins
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from agents import selectors
from agents.api.serializers import (
    AgentControlSerializer,
    AgentCreatedSerializer,
    AgentPauseSerializer,
    AgentRestartSerializer,
    AgentResumeSerializer,
    AgentScaleSerializer,
    AgentSerializer,
    CommandAckSerializer,
    ModelPriceSerializer,
)
from agents.choices import AgentStatus
from agents.filters import AgentFilter
from agents.inputs import AgentChanges, NewAgent
from agents.models import Agent, ModelPrice
from agents.services import agents as agent_services
from agents.services import controls as control_services
from agents.services.ingest import agent_events_ingest, agent_heartbeat
from agents.status_selectors import issues_many
from monitoring_site.accounts.authentication import bearer_token
from monitoring_site.api.permissions import OrganizationRole
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.api.viewsets import TenantModelViewSet


@extend_schema_view(
    create=extend_schema(
        responses={201: AgentCreatedSerializer}, summary="Register an agent; its ingest token is shown once"
    ),
    pause=extend_schema(
        request=AgentPauseSerializer,
        responses={200: OpenApiTypes.OBJECT},
        summary="Pause (admins); resumes by itself after duration_minutes",
    ),
    resume=extend_schema(
        request=AgentResumeSerializer,
        responses={200: keyed("AgentResumed", agent=AgentSerializer(), resume=serializers.DictField())},
        summary="Resume a paused agent (admins)",
    ),
    restart=extend_schema(
        request=AgentRestartSerializer,
        responses={200: keyed("AgentRestarted", agent=AgentSerializer(), restart=serializers.DictField())},
        summary="Restart (admins): a command to the agent and monitoring.agent_restarted",
    ),
    scale=extend_schema(
        request=AgentScaleSerializer,
        responses={200: keyed("AgentScaled", agent=AgentSerializer(), scale=serializers.DictField())},
        summary="Set the desired replicas (admins)",
    ),
    controls=extend_schema(responses={200: AgentControlSerializer(many=True)}, summary="The controls audit"),
    dashboard=extend_schema(
        parameters=[OpenApiParameter("period", str, enum=["1h", "24h", "7d"])],
        responses={200: OpenApiTypes.OBJECT},
        summary="Fleet summary, request metrics, costs by model, active alerts, top issues",
    ),
    rotate_token=extend_schema(
        request=None,
        responses={200: keyed("AgentTokenRotated", agent=AgentCreatedSerializer())},
        summary="A new ingest token, shown once; the old one stops working",
    ),
)
class AgentViewSet(TenantModelViewSet):
    queryset = Agent.objects.all()
    serializer_class = AgentSerializer
    envelope_singular, envelope_plural = "agent", "agents"
    action_fields = {
        "pause": AgentPauseSerializer,
        "resume": AgentResumeSerializer,
        "restart": AgentRestartSerializer,
        "scale": AgentScaleSerializer,
    }
    not_found_code = "agent_not_found"
    filterset_class = AgentFilter
    action_params = {"dashboard": ("period",)}
    action_plurals = {"controls": "controls"}
    sort_fields = ["id", "name", "type", "status", "last_heartbeat_at", "created_at"]
    default_sort = "id"
    admin_actions = ("rotate_token", "pause", "resume", "restart", "scale")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format == "csv":  # every agent (up to the export cap), figures too
            rows = self._with_figures(list(queryset[: settings.CSV_EXPORT_MAX_ROWS]))
            return Response(rows, headers={"Content-Disposition": 'attachment; filename="agents.csv"'})
        return self.get_paginated_response(self._with_figures(list(self.paginate_queryset(queryset) or [])))

    def _with_figures(self, agents: builtins.list[Agent]) -> builtins.list[dict]:
        now = timezone.now()
        figures = selectors.fleet_figures(agents, now)
        issues = issues_many([a for a in agents if a.status != AgentStatus.HEALTHY], now)
        data = self.get_serializer(agents, many=True).data
        for agent, row in zip(agents, data, strict=True):
            row["metrics"] = figures[agent.pk]
            row["issues"] = issues.get(agent.pk, [])
        return data

    def retrieve(self, request, *args, **kwargs):
        agent = self.get_object()
        return Response(
            {"agent": {**self.get_serializer(agent).data, **selectors.agent_detail(agent, timezone.now())}}
        )

    @action(detail=False, methods=["get"])
    def dashboard(self, request):
        period = request.query_params.get("period", "24h")
        if period not in selectors.PERIODS:
            raise ValidationError({"period": [f"One of {', '.join(selectors.PERIODS)}."]})
        return Response(
            {"dashboard": selectors.fleet_dashboard(self.tenant.organization.pk, period, timezone.now())}
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent, token = agent_services.agent_create(
            organization=self.tenant.organization, new=NewAgent.of(serializer.validated_data)
        )
        shown = AgentCreatedSerializer(agent, context={"ingest_token": token})
        return Response({"agent": shown.data}, status=201)

    def perform_update(self, serializer):
        return agent_services.agent_update(
            agent=serializer.instance, changes=AgentChanges.of(serializer.validated_data)
        )

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        agent, body = self.get_object(), _input(AgentPauseSerializer, request)
        answer = control_services.agent_pause(
            agent=agent,
            reason=body["reason"],
            duration_minutes=body["duration_minutes"],
            by=self.tenant.by,
        )
        return Response({"pause": answer})

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        agent, body = self.get_object(), _input(AgentResumeSerializer, request)
        previous, now = agent.status, timezone.now()
        agent = control_services.agent_resume(agent=agent, reason=body["reason"], by=self.tenant.by, now=now)
        return self._answer("resume", agent, previous, resumed_at=now)

    @action(detail=True, methods=["post"])
    def restart(self, request, pk=None):
        agent, body = self.get_object(), _input(AgentRestartSerializer, request)
        previous, now = agent.status, timezone.now()
        agent = control_services.agent_restart(
            agent=agent, reason=body["reason"], force=body["force"], by=self.tenant.by, now=now
        )
        return self._answer("restart", agent, previous, restarted_at=now, force=body["force"])

    @action(detail=True, methods=["post"])
    def scale(self, request, pk=None):
        agent, body = self.get_object(), _input(AgentScaleSerializer, request)
        previous, before, now = agent.status, agent.desired_replicas, timezone.now()
        agent = control_services.agent_scale(
            agent=agent, replicas=body["replicas"], reason=body["reason"], by=self.tenant.by, now=now
        )
        return self._answer(
            "scale", agent, previous, previous_replicas=before, replicas=agent.desired_replicas, scaled_at=now
        )

    def _answer(self, action: str, agent: Agent, previous: str, **figures) -> Response:
        """``{"agent": ..., "<action>": {agent_id, previous_status, current_status, ...}}``: the agent, and
        what the control did in reference 003's terms (as ``pause`` answers)."""
        control = {
            "agent_id": agent.pk,
            "previous_status": previous,
            "current_status": agent.status,
            **figures,
        }
        return Response({"agent": self.get_serializer(agent).data, action: control})

    @action(detail=True, methods=["get"])
    def controls(self, request, pk=None):
        agent = self.get_object()
        page = self.paginate_queryset(agent.controls.order_by("-issued_at", "-id"))
        return self.get_paginated_response(AgentControlSerializer(page, many=True).data)

    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request, pk=None):
        agent, token = agent_services.agent_rotate_token(agent=self.get_object())
        return Response({"agent": AgentCreatedSerializer(agent, context={"ingest_token": token}).data})


def _input(serializer_class, request) -> dict[str, Any]:
    """The action's body through its input serializer (a non-object body reads as ``{}``)."""
    form = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


class AgentTokenView(StrictAPIView):
    """Base of the agent's own endpoints: the bearer token must be this agent's ingest token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="agent"'

    def agent(self, request, pk: int) -> Agent:
        agent = agent_services.agent_for_token(agent_id=pk, raw=bearer_token(request) or "")
        if agent is None:
            raise AuthenticationFailed("Unknown agent or wrong ingest token.")
        return agent


class AgentHeartbeatView(AgentTokenView):
    @extend_schema(
        tags=["agents"],
        auth=[],
        request=inline_serializer(
            "AgentHeartbeat",
            {
                "status": serializers.CharField(required=False),
                "version": serializers.CharField(required=False),
                "checks": serializers.ListField(child=serializers.DictField(), required=False),
                "dependencies": serializers.ListField(child=serializers.DictField(), required=False),
            },
        ),
        responses={
            200: inline_serializer(
                "AgentHeartbeatAnswer",
                {
                    "status": serializers.CharField(),
                    "commands": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        summary="The agent is alive: status hint, version, health checks, dependencies",
    )
    def post(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        return Response(agent_heartbeat(agent=self.agent(request, pk), data=data))


class AgentEventsView(AgentTokenView):
    body_fields = {"post": ("events",)}

    @extend_schema(
        tags=["agents"],
        auth=[],
        request=inline_serializer(
            "AgentEvents", {"events": serializers.ListField(child=serializers.DictField())}
        ),
        responses={
            200: inline_serializer(
                "AgentEventsAccepted",
                {
                    "accepted": serializers.IntegerField(),
                    "rejected": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        summary="Batched request telemetry; bad items are reported by index, the good ones kept",
    )
    def post(self, request, pk: int):
        agent = self.agent(request, pk)
        events = request.data.get("events") if isinstance(request.data, dict) else None
        return Response(agent_events_ingest(agent=agent, events=events))


class AgentCommandAckView(AgentTokenView):
    body_fields = {"post": ("result",)}

    @extend_schema(
        tags=["agents"],
        auth=[],
        request=CommandAckSerializer,
        responses={200: keyed("CommandAcknowledged", control=AgentControlSerializer())},
        summary="The agent acknowledges a command it received",
    )
    def post(self, request, pk: int, command_id: str):
        agent = self.agent(request, pk)
        control = control_services.command_acknowledge(
            agent=agent, command_id=command_id, result=_input(CommandAckSerializer, request)["result"]
        )
        return Response({"control": AgentControlSerializer(control).data})


class ModelPriceView(StrictAPIView):
    """``GET /model-prices``; ``PUT /model-prices {"prices": [...]}`` (members; all or nothing)."""

    body_fields = {"put": ("prices",)}

    permission_classes = [OrganizationRole]

    @extend_schema(
        tags=["agents"],
        responses={200: keyed("ModelPrices", prices=ModelPriceSerializer(many=True))},
        summary="Model prices",
    )
    def get(self, request):
        prices = ModelPrice.objects.filter(organization=request_tenant(request).organization)
        return Response({"prices": ModelPriceSerializer(prices, many=True).data})

    @extend_schema(
        tags=["agents"],
        request=inline_serializer("ModelPrices", {"prices": ModelPriceSerializer(many=True)}),
        responses={200: OpenApiTypes.OBJECT},
        summary="Set model prices (per million input and output tokens, USD)",
    )
    def put(self, request):
        prices = request.data.get("prices") if isinstance(request.data, dict) else None
        stored = agent_services.model_prices_put(
            organization=request_tenant(request).organization, prices=prices
        )
        return Response({"prices": ModelPriceSerializer(stored, many=True).data})
