"""Pause, resume, restart and scale, with the document's bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response

from agents.models import Agent
from agents.services import controls as control_services
from monitoring_site.accounts.choices import Role
from monitoring_site.compat.agent_monitoring.base import (
    MonitoringView,
    agent_ref,
)
from monitoring_site.compat.base import StrictSerializer, body_of, iso


class PauseBody(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)


class ResumeBody(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RestartBody(ResumeBody):
    force = serializers.BooleanField(required=False, default=False)


class ScaleBody(ResumeBody):
    replicas = serializers.IntegerField()


class ControlView(MonitoringView):
    write_role = Role.ADMIN
    body: type[StrictSerializer]

    def post(self, request, agent_id: str):
        form = self.body(data=body_of(request))
        form.is_valid(raise_exception=True)
        agent = self.agent(agent_id)
        previous, now = agent.status, timezone.now()
        answer = self.control(agent, form.validated_data, now)
        return Response({"agent_id": agent_ref(agent), "previous_status": previous, **answer})

    def control(self, agent: Agent, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        raise NotImplementedError


class PauseView(ControlView):
    body = PauseBody

    def control(self, agent, body, now):
        answer = control_services.agent_pause(agent=agent, by=self.tenant.by, now=now, **body)
        return {
            "current_status": answer["current_status"],
            "paused_at": iso(answer["paused_at"]),
            "resume_at": iso(answer["resume_at"]),
            "active_requests_drained": answer["active_requests_drained"],
        }


class ResumeView(ControlView):
    body = ResumeBody

    def control(self, agent, body, now):
        agent = control_services.agent_resume(agent=agent, by=self.tenant.by, now=now, **body)
        return {"current_status": agent.status, "resumed_at": iso(now)}


class RestartView(ControlView):
    body = RestartBody

    def control(self, agent, body, now):
        agent = control_services.agent_restart(agent=agent, by=self.tenant.by, now=now, **body)
        return {"current_status": agent.status, "restarted_at": iso(now), "force": body["force"]}


class ScaleView(ControlView):
    body = ScaleBody

    def control(self, agent, body, now):
        before = agent.desired_replicas
        agent = control_services.agent_scale(agent=agent, by=self.tenant.by, now=now, **body)
        return {
            "current_status": agent.status,
            "previous_replicas": before,
            "replicas": agent.desired_replicas,
            "scaled_at": iso(now),
        }
