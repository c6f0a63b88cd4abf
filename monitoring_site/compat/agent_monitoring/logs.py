"""``POST /logs`` and ``GET /logs``: the document's lines over the native log ingest and search."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.response import Response

from agents import selectors as agent_selectors
from agents.models import AgentLog, LogLevel
from agents.services.logs import logs_ingest
from monitoring_site.compat.agent_monitoring.base import (
    LEVELS_IN,
    LEVELS_OUT,
    MonitoringView,
)
from monitoring_site.compat.base import body_of, iso
from monitoring_site.errors import RuleViolation


class LogsQuery(serializers.Serializer):
    agent_id = serializers.CharField(required=False, max_length=100)
    level = serializers.ChoiceField(choices=["debug", "info", "warn", "error", "critical"], required=False)
    start_time = serializers.DateTimeField(required=False)
    end_time = serializers.DateTimeField(required=False)
    search = serializers.CharField(required=False, max_length=200)
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)
    cursor = serializers.CharField(required=False, max_length=200)


def log_object(line: AgentLog, refs: dict[int, str]) -> dict[str, Any]:
    return {
        "timestamp": iso(line.timestamp),
        "level": LEVELS_OUT.get(LogLevel(line.level), line.level),
        "agent_id": refs.get(line.agent_id) if line.agent_id else None,
        "message": line.message,
        "context": line.context,
        "trace_id": line.trace_id or None,
    }


class LogsView(MonitoringView):
    query_serializer = LogsQuery

    def get(self, request):
        query = self.query()
        filters: dict[str, Any] = {k: query[k] for k in ("start_time", "end_time", "search") if k in query}
        if "level" in query:
            filters["level"] = LEVELS_IN.get(query["level"], query["level"])
        if "agent_id" in query:
            filters["agent_id"] = self.agent_pk(query["agent_id"]) or -1
        try:
            page, following = agent_selectors.logs_query(
                organization_id=self.organization.pk,
                filters=filters,
                limit=query["limit"],
                cursor=query.get("cursor"),
            )
        except agent_selectors.BadCursor as exc:
            raise RuleViolation("Bad cursor.", details={"cursor": [str(exc)]}) from None
        refs = self.refs({line.agent_id for line in page if line.agent_id})
        return Response({"logs": [log_object(line, refs) for line in page], "next_cursor": following})

    def post(self, request):
        lines = body_of(request).get("logs")
        if isinstance(lines, list):
            lines = [self._native_line(line) for line in lines]
        return Response(logs_ingest(organization_id=self.organization.pk, lines=lines))

    def _native_line(self, line: Any) -> Any:
        """The document's line as the native one: ``warn`` is ``warning``, the agent is named by its id."""
        if not isinstance(line, dict):
            return line
        line = dict(line)
        if isinstance(line.get("level"), str):
            line["level"] = LEVELS_IN.get(line["level"].lower(), line["level"])
        ref = line.get("agent_id")
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            line["agent_id"] = self.agent_pk(str(ref)) or f"unknown:{ref}"
        return line
