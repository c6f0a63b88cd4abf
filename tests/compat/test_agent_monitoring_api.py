"""The AI agent monitoring document (003) replayed at ``/api/v1/monitoring``: every endpoint with the
document's own request bodies, every key of its example answers (a key the document shows and the answer
lacks fails), its error codes with their statuses, and ``tenant_id``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from agents.inputs import NewAgent
from agents.models import Agent
from agents.services.agents import agent_create, model_prices_put
from agents.services.ingest import agent_events_ingest, agent_heartbeat
from alerts.inputs import NewRule
from alerts.models import AlertRule
from alerts.services.alerts import alert_trigger
from alerts.services.channels import channel_create
from alerts.services.rules import rule_create
from tests.conftest import assert_error, client_for

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/api/v1/monitoring"

# The document's example answers, trimmed to one item per list: every key here must be in ours.
DASHBOARD = {
    "generated_at": "",
    "period": "24h",
    "summary": {"total_agents": 12, "healthy": 10, "degraded": 1, "offline": 1, "health_score": 92},
    "metrics": {
        "total_requests": 0,
        "successful_requests": 0,
        "failed_requests": 0,
        "success_rate": 0,
        "avg_latency_ms": 0,
        "p95_latency_ms": 0,
        "p99_latency_ms": 0,
    },
    "costs": {
        "total_tokens": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "estimated_cost_usd": 0,
        "cost_by_model": [{"model": "", "tokens": 0, "cost": 0}],
    },
    "active_alerts": 2,
    "top_issues": [{"type": "", "agent": "", "description": "", "severity": ""}],
}
AGENT_ROW = {
    "id": "",
    "name": "",
    "type": "",
    "status": "",
    "version": "",
    "location_id": "",
    "metrics": {"uptime_percent": 0, "requests_24h": 0, "avg_latency_ms": 0, "error_rate": 0},
    "last_heartbeat": "",
    "started_at": "",
}
AGENT_DETAIL = {
    "id": "",
    "name": "",
    "type": "",
    "status": "",
    "version": "",
    "configuration": {},
    "health": {"status": "", "last_check": "", "checks": []},
    "metrics_detailed": {
        "requests": {"total": 0, "successful": 0, "failed": 0, "by_hour": []},
        "latency": {"avg_ms": 0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0, "by_hour": []},
        "tokens": {"input": 0, "output": 0, "by_model": {}},
    },
    "recent_errors": [{"timestamp": "", "error": "", "message": "", "request_id": ""}],
    "dependencies": [],
}
PAUSED = {
    "agent_id": "",
    "previous_status": "",
    "current_status": "",
    "paused_at": "",
    "resume_at": "",
    "active_requests_drained": True,
}
ALERT = {
    "id": "",
    "agent_id": "",
    "type": "",
    "severity": "",
    "status": "",
    "title": "",
    "message": "",
    "threshold": {"metric": "", "operator": "", "value": 0, "current": 0},
    "triggered_at": "",
    "last_occurrence": "",
    "occurrence_count": 0,
    "acknowledged_by": None,
    "acknowledged_at": None,
}
METRICS = {
    "period": {"start": "", "end": ""},
    "metrics": {
        "requests": {"total": 0, "by_agent": {}, "timeseries": [{"timestamp": "", "value": 0}]},
        "latency": {"avg": 0, "p50": 0, "p95": 0, "p99": 0, "timeseries": [{"timestamp": "", "value": 0}]},
        "tokens": {"input": 0, "output": 0, "timeseries": [{"timestamp": "", "value": 0}]},
        "errors": {"total": 0, "by_type": {}},
    },
}
HEALTH = {"status": "", "timestamp": "", "components": [{"name": "", "status": ""}], "version": ""}

# The document's request bodies, verbatim.
PAUSE_BODY = {"reason": "Maintenance window", "duration_minutes": 30}
RESTART_BODY = {"reason": "Memory leak detected", "force": False}
SCALE_BODY = {"replicas": 5, "reason": "Peak traffic expected"}
ACK_BODY = {"notes": "Investigating the root cause"}
RESOLVE_BODY = {
    "resolution": "Restarted agent, latency back to normal",
    "root_cause": "Memory leak in image processing module",
}
RULES_BODY = {
    "rules": [
        {
            "name": "High Latency",
            "condition": {
                "metric": "p95_latency_ms",
                "operator": "gt",
                "threshold": 1000,
                "duration_minutes": 5,
            },
            "severity": "warning",
            "channels": ["slack", "email"],
            "recipients": ["oncall@example.com"],
        },
        {
            "name": "Agent Offline",
            "condition": {"metric": "heartbeat_age_seconds", "operator": "gt", "threshold": 300},
            "severity": "critical",
            "channels": ["slack", "pagerduty"],
            "auto_remediate": {"action": "restart", "max_attempts": 2},
        },
        {
            "name": "High Error Rate",
            "condition": {
                "metric": "error_rate_percent",
                "operator": "gt",
                "threshold": 5,
                "duration_minutes": 10,
            },
            "severity": "critical",
        },
    ]
}
LOGS_BODY = {
    "logs": [
        {
            "timestamp": "2026-01-24T19:30:00.123Z",
            "level": "error",
            "agent_id": "agent_voice_ai_001",
            "message": "Speech recognition failed",
            "context": {"session_id": "sess_001", "audio_duration_ms": 3500, "error_code": "AUDIO_TOO_NOISY"},
            "trace_id": "trace_abc123",
        }
    ]
}
EXPORT_BODY = {
    "metrics": ["requests", "latency", "tokens", "errors"],
    "period": {"start": "2026-01-01", "end": "2026-01-24"},
    "format": "csv",
    "granularity": "hour",
}


def assert_has_keys(ours: Any, documented: Any, where: str = "") -> None:
    """Every key of the document's example is in our answer, at every depth (lists: their first item)."""
    if isinstance(documented, dict):
        assert isinstance(ours, dict), (
            f"{where or 'answer'} is {type(ours).__name__}, the document has an object"
        )
        missing = set(documented) - set(ours)
        assert not missing, f"{where or 'answer'} lacks {sorted(missing)}"
        for key, value in documented.items():
            assert_has_keys(ours[key], value, f"{where}.{key}")
    elif isinstance(documented, list) and documented:
        assert isinstance(ours, list) and ours, f"{where} is empty or not a list"
        assert_has_keys(ours[0], documented[0], f"{where}[0]")


def events(now, n, **fields):
    base = {"request_id": "req_abc123", "model": "gemini-2.0-flash", "latency_ms": 180, "input_tokens": 100}
    return [
        {
            **base,
            "output_tokens": 50,
            "success": True,
            "timestamp": (now - timedelta(minutes=2 + i)).isoformat(),
            **fields,
        }
        for i in range(n)
    ]


@pytest.fixture
def fleet(acme):
    now = timezone.now()
    voice, _ = agent_create(
        organization=acme,
        new=NewAgent(
            name="Voice AI Agent - Drive Thru",
            external_id="agent_voice_ai_001",
            type="voice_ai",
            version="2.5.0",
            location="loc_123",
            configuration={"model_primary": "gemini-2.0-flash", "max_concurrent": 10},
        ),
    )
    minerva, _ = agent_create(
        organization=acme, new=NewAgent(name="Minerva Marketing Agent", external_id="agent_minerva_001")
    )
    model_prices_put(
        organization=acme,
        prices=[{"model": "gemini-2.0-flash", "input_per_million_usd": 1, "output_per_million_usd": 2}],
    )
    agent_heartbeat(agent=voice, data={"version": "2.5.0"})
    agent_heartbeat(agent=minerva, data={})
    agent_events_ingest(agent=voice, events=events(now, 18))
    agent_events_ingest(
        agent=minerva,
        events=events(
            now, 2, success=False, error_type="timeout", error_message="Model response timeout after 5000ms"
        )
        + events(now, 1, success=False, error_type="rate_limit"),
    )
    rule = rule_create(
        organization=acme,
        new=NewRule(
            name="High Latency",
            metric="p95_latency_ms",
            operator="gt",
            threshold=1000,
            scope={"agent_id": minerva.pk},
        ),
    )
    alert, _ = alert_trigger(rule=rule, value=2500, now=now)
    return {"voice": Agent.objects.get(pk=voice.pk), "minerva": minerva, "alert": alert}


def test_dashboard_agents_and_detail(member_client, fleet):
    board = member_client.get(f"{BASE}/dashboard", {"period": "24h"}).json()
    assert_has_keys(board, DASHBOARD)
    assert board["summary"]["total_agents"] == 2 and board["active_alerts"] == 1
    assert board["metrics"]["total_requests"] == 21 and board["metrics"]["failed_requests"] == 3
    assert board["costs"]["cost_by_model"] == [
        {"model": "gemini-2.0-flash", "tokens": 21 * 150, "cost": round((2100 * 1 + 1050 * 2) / 1e6, 6)}
    ]
    assert {issue["agent"] for issue in board["top_issues"]} == {"agent_minerva_001"}

    listed = member_client.get(f"{BASE}/agents").json()
    assert listed["total"] == 2
    assert_has_keys(listed["agents"][0], AGENT_ROW)
    voice = next(a for a in listed["agents"] if a["id"] == "agent_voice_ai_001")
    assert voice["metrics"]["requests_24h"] == 18 and voice["location_id"] == "loc_123"
    degraded = member_client.get(f"{BASE}/agents", {"status": "degraded"}).json()
    assert [a["id"] for a in degraded["agents"]] == ["agent_minerva_001"] and degraded["agents"][0]["issues"]
    assert member_client.get(f"{BASE}/agents", {"type": "voice_ai"}).json()["total"] == 1

    detail = member_client.get(f"{BASE}/agents/agent_minerva_001").json()
    assert_has_keys(detail, AGENT_DETAIL)
    assert detail["recent_errors"][0]["error"] in {"timeout", "rate_limit"}
    voice_detail = member_client.get(f"{BASE}/agents/agent_voice_ai_001").json()
    assert voice_detail["configuration"]["model_primary"] == "gemini-2.0-flash"
    assert voice_detail["metrics_detailed"]["tokens"] == {
        "input": 1800,
        "output": 900,
        "by_model": voice_detail["metrics_detailed"]["tokens"]["by_model"],
    }
    assert member_client.get(f"{BASE}/agents/{fleet['voice'].pk}").json()["id"] == "agent_voice_ai_001"
    assert_error(member_client.get(f"{BASE}/agents/agent_nobody"), 404, "agent_not_found")
    assert_error(member_client.get(f"{BASE}/agents", {"status": "sleeping"}), 400, "validation_error")


def test_controls_with_the_documents_bodies(admin_client, member_client, fleet):
    url = f"{BASE}/agents/agent_voice_ai_001"
    assert_error(
        member_client.post(f"{url}/pause", PAUSE_BODY, format="json"), 403, "insufficient_permissions"
    )
    paused = admin_client.post(f"{url}/pause", PAUSE_BODY, format="json").json()
    assert_has_keys(paused, PAUSED)
    assert paused["agent_id"] == "agent_voice_ai_001" and paused["previous_status"] == "healthy"
    assert paused["current_status"] == "paused" and paused["resume_at"] is not None
    assert_error(admin_client.post(f"{url}/pause", PAUSE_BODY, format="json"), 409, "agent_already_paused")
    resumed = admin_client.post(f"{url}/resume").json()
    assert resumed["previous_status"] == "paused" and resumed["current_status"] != "paused"
    restarted = admin_client.post(f"{url}/restart", RESTART_BODY, format="json").json()
    assert restarted["agent_id"] == "agent_voice_ai_001" and restarted["current_status"] == "starting"
    scaled = admin_client.post(f"{url}/scale", SCALE_BODY, format="json").json()
    assert scaled["replicas"] == 5 and scaled["previous_replicas"] == 1
    assert_error(
        admin_client.post(f"{url}/scale", {"replicas": 5, "size": 1}, format="json"), 400, "validation_error"
    )
    assert_error(
        admin_client.post(f"{BASE}/agents/agent_x/restart", RESTART_BODY, format="json"),
        404,
        "agent_not_found",
    )


def test_alerts_acknowledge_resolve_and_rules(admin_client, member_client, acme, fleet):
    listed = member_client.get(f"{BASE}/alerts", {"status": "active"}).json()
    assert listed["summary"] == {"critical": 0, "warning": 1, "info": 0}
    assert_has_keys(listed["alerts"][0], ALERT)
    alert = listed["alerts"][0]
    assert alert["agent_id"] == "agent_minerva_001" and alert["type"] == "high_latency"
    assert alert["threshold"] == {
        "metric": "p95_latency_ms",
        "operator": "gt",
        "value": 1000.0,
        "current": 2500.0,
    }
    assert member_client.get(f"{BASE}/alerts", {"agent_id": "agent_voice_ai_001"}).json()["alerts"] == []
    assert member_client.get(f"{BASE}/alerts", {"severity": "critical"}).json()["alerts"] == []

    acked = member_client.post(f"{BASE}/alerts/{alert['id']}/acknowledge", ACK_BODY, format="json").json()
    assert acked["status"] == "acknowledged" and acked["acknowledged_by"] and acked["acknowledged_at"]
    resolved = member_client.post(f"{BASE}/alerts/{alert['id']}/resolve", RESOLVE_BODY, format="json").json()
    assert resolved["status"] == "resolved" and resolved["root_cause"] == RESOLVE_BODY["root_cause"]
    assert_error(
        member_client.post(f"{BASE}/alerts/alert_001/acknowledge", ACK_BODY, format="json"),
        404,
        "alert_not_found",
    )
    assert_error(
        member_client.post(f"{BASE}/alerts/999999/resolve", RESOLVE_BODY, format="json"),
        404,
        "alert_not_found",
    )

    channel_create(
        organization=acme,
        name="ops-slack",
        kind="slack",
        config={"url": "https://hooks.slack.com/services/T/B/X"},
    )
    channel_create(organization=acme, name="ops-mail", kind="email", config={"to": ["ops@example.com"]})
    channel_create(organization=acme, name="pagerduty", kind="apprise", config={"url": "pagerduty://key@id"})
    assert_error(
        member_client.put(f"{BASE}/alerts/rules", RULES_BODY, format="json"), 403, "insufficient_permissions"
    )
    answer = admin_client.put(f"{BASE}/alerts/rules", RULES_BODY, format="json")
    assert answer.status_code == 200, answer.content
    rules = {r["name"]: r for r in answer.json()["rules"]}
    assert set(rules) == {"High Latency", "Agent Offline", "High Error Rate"}
    assert sorted(rules["High Latency"]["channels"]) == ["ops-mail", "ops-slack"]
    assert sorted(rules["Agent Offline"]["channels"]) == ["ops-slack", "pagerduty"]
    assert rules["Agent Offline"]["auto_remediate"]["action"] == "restart"
    assert AlertRule.objects.get(name="High Error Rate").duration_minutes == 10


def test_logs_in_and_out(member_client, fleet):
    accepted = member_client.post(f"{BASE}/logs", LOGS_BODY, format="json").json()
    assert accepted["accepted"] == 1 and accepted["rejected"] == []
    warn = {**LOGS_BODY["logs"][0], "level": "warn", "message": "Slow audio"}
    assert member_client.post(f"{BASE}/logs", {"logs": [warn]}, format="json").json()["accepted"] == 1
    lines = member_client.get(f"{BASE}/logs", {"agent_id": "agent_voice_ai_001", "level": "warn"}).json()[
        "logs"
    ]
    assert [(line["level"], line["agent_id"], line["message"]) for line in lines] == [
        ("warn", "agent_voice_ai_001", "Slow audio")
    ]
    found = member_client.get(f"{BASE}/logs", {"search": "recognition", "limit": 10}).json()["logs"]
    assert found[0]["trace_id"] == "trace_abc123" and found[0]["context"]["error_code"] == "AUDIO_TOO_NOISY"
    window = {"start_time": "2026-01-24T00:00:00Z", "end_time": "2026-01-25T00:00:00Z"}
    assert len(member_client.get(f"{BASE}/logs", window).json()["logs"]) == 2
    unknown = {"logs": [{**LOGS_BODY["logs"][0], "agent_id": "agent_nobody"}]}
    assert_error(member_client.post(f"{BASE}/logs", unknown, format="json"), 400, "validation_error")
    assert_error(member_client.get(f"{BASE}/logs", {"level": "loud"}), 400, "validation_error")


def test_metrics_summary_one_metric_and_export(member_client, fleet):
    summary = member_client.get(f"{BASE}/metrics", {"period": "24h", "granularity": "hour"}).json()
    assert_has_keys(summary, METRICS)
    metrics = summary["metrics"]
    assert metrics["requests"]["total"] == 21
    assert metrics["requests"]["by_agent"] == {"agent_voice_ai_001": 18, "agent_minerva_001": 3}
    assert sum(point["value"] for point in metrics["requests"]["timeseries"]) == 21
    assert metrics["errors"] == {**metrics["errors"], "total": 3, "by_type": {"timeout": 2, "rate_limit": 1}}
    assert metrics["tokens"]["input"] == 2100 and metrics["latency"]["avg"] == 180.0
    one = member_client.get(f"{BASE}/metrics", {"agent_id": "agent_minerva_001", "period": "1h"}).json()
    assert one["metrics"]["requests"]["by_agent"] == {"agent_minerva_001": 3}
    latency = member_client.get(f"{BASE}/metrics", {"metric": "p95_latency_ms", "period": "1h"}).json()
    assert set(latency["metrics"]) == {"p95_latency_ms"} and latency["metrics"]["p95_latency_ms"]["count"] > 0
    assert_error(member_client.get(f"{BASE}/metrics", {"metric": "happiness"}), 400, "invalid_metric")
    assert_error(
        member_client.get(f"{BASE}/metrics", {"period": "7d", "granularity": "minute"}),
        400,
        "validation_error",
    )

    exported = member_client.post(f"{BASE}/metrics/export", EXPORT_BODY, format="json")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {row["metric"] for row in rows} == {"requests", "latency", "tokens", "errors"}
    assert len(rows) == 4 * 24 * 24  # 1 to 24 January inclusive, hourly
    now = timezone.now()
    recent = {
        **EXPORT_BODY,
        "format": "json",
        "period": {"start": (now - timedelta(hours=2)).isoformat(), "end": now.isoformat()},
    }
    body = member_client.post(f"{BASE}/metrics/export", recent, format="json").json()
    assert sum(r["value"] for r in body["rows"] if r["metric"] == "requests") == 21
    bad_period = {**EXPORT_BODY, "period": "24h"}
    assert_error(
        member_client.post(f"{BASE}/metrics/export", bad_period, format="json"), 400, "validation_error"
    )
    assert_error(
        member_client.post(f"{BASE}/metrics/export", {**EXPORT_BODY, "metrics": ["nope"]}, format="json"),
        400,
        "invalid_metric",
    )


def test_health_tenants_and_tokens(viewer_client, member_client, outsider_client, anon_client, acme, fleet):
    health = viewer_client.get(f"{BASE}/health").json()
    assert_has_keys(health, HEALTH)
    native = viewer_client.get("/api/v1/health").json()["data"]
    assert health["status"] == {"ok": "healthy", "degraded": "degraded"}[native["status"]]
    by_name = {c["name"]: c["status"] for c in health["components"]}
    assert by_name == {
        name: "healthy" if part["status"] == "ok" else "unhealthy"
        for name, part in native["components"].items()
    }
    assert by_name["database"] == by_name["redis"] == "healthy"
    assert member_client.get(f"{BASE}/agents", {"tenant_id": acme.pk}).json()["total"] == 2
    assert member_client.get(f"{BASE}/agents", {"tenant_id": "acme"}).json()["total"] == 2
    assert member_client.get(f"{BASE}/agents", {"tenant_id": "umbrella"}).status_code == 404
    assert member_client.get(f"{BASE}/dashboard", {"tenant_id": "nobody"}).status_code == 404
    assert outsider_client.get(f"{BASE}/agents").json()["total"] == 0
    assert_error(outsider_client.get(f"{BASE}/agents/agent_voice_ai_001"), 404, "agent_not_found")
    assert_error(outsider_client.get(f"{BASE}/alerts", {"tenant_id": acme.pk}), 404, "not_found")
    assert_error(anon_client.get(f"{BASE}/dashboard"), 401, "authentication_failed")
    assert_error(client_for().post(f"{BASE}/logs", LOGS_BODY, format="json"), 401, "authentication_failed")
    assert_error(member_client.get(f"{BASE}/dashboard", {"period": "1y"}), 400, "validation_error")
    assert_error(member_client.get(f"{BASE}/dashboard", {"periode": "1h"}), 400, "validation_error")
    assert_error(member_client.get(f"{BASE}/nowhere"), 404, "not_found")
