"""The fleet's figures over the API: the list's metrics (uptime from status changes, requests, latency,
error rate), the detail (metrics_detailed, tokens and cost by model, recent errors), and the dashboard."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agents.inputs import NewAgent
from agents.models import Agent, AgentStatusChange
from agents.services.agents import agent_create, model_prices_put
from agents.services.ingest import agent_events_ingest, agent_heartbeat
from tests.conftest import assert_error, data_of

AGENTS = "/api/v1/agents"


def events(now, n, **fields):
    base = {
        "request_id": "r",
        "model": "claude",
        "latency_ms": 200,
        "input_tokens": 1000,
        "output_tokens": 500,
        "success": True,
    }
    return [
        {**base, "timestamp": (now - timedelta(minutes=1 + i % 30)).isoformat(), **fields} for i in range(n)
    ]


def test_list_detail_and_dashboard(member_client, acme):
    now = timezone.now()
    voice, _ = agent_create(organization=acme, new=NewAgent(name="voice", type="voice_ai"))
    agent_create(organization=acme, new=NewAgent(name="chat", type="chat"))
    model_prices_put(
        organization=acme,
        prices=[{"model": "claude", "input_per_million_usd": 3, "output_per_million_usd": 15}],
    )
    agent_heartbeat(agent=voice, data={}, now=now - timedelta(hours=2))
    agent_heartbeat(agent=voice, data={})
    # voice, registered two days ago, was healthy since two hours ago, offline before: about 2/24
    Agent.objects.filter(pk=voice.pk).update(created_at=now - timedelta(days=2))
    AgentStatusChange.objects.filter(agent=voice).update(at=now - timedelta(hours=2))
    agent_events_ingest(
        agent=voice,
        events=events(now, 18)
        + events(now, 2, success=False, error_type="timeout", error_message="Model response timeout"),
    )
    listed = {a["name"]: a for a in data_of(member_client.get(AGENTS))["agents"]}
    metrics = listed["voice"]["metrics"]
    assert (
        metrics["requests_24h"] == 20 and metrics["error_rate"] == 10.0 and metrics["avg_latency_ms"] == 200.0
    )
    assert abs(metrics["uptime_percent"] - 100 * 2 / 24) < 0.1
    assert (
        listed["chat"]["metrics"]["requests_24h"] == 0 and listed["chat"]["metrics"]["uptime_percent"] is None
    )
    assert [a["name"] for a in data_of(member_client.get(f"{AGENTS}?type=chat"))["agents"]] == ["chat"]

    detail = data_of(member_client.get(f"{AGENTS}/{voice.pk}"))["agent"]
    detailed = detail["metrics_detailed"]
    assert detailed["requests"]["total"] == 20 and detailed["requests"]["failed"] == 2
    assert abs(detailed["latency"]["p95_ms"] - 200) <= 2
    tokens = detailed["tokens"]
    assert tokens["input_tokens"] == 20_000 and tokens["by_model"]["claude"]["estimated_cost_usd"] == 0.21
    assert detail["recent_errors"][0]["error"] == "timeout" and detail["health"]["status"] == "degraded"

    board = data_of(member_client.get(f"{AGENTS}/dashboard?period=1h"))["dashboard"]
    assert (
        board["summary"]["total"] == 2
        and board["summary"]["degraded"] == 1
        and board["summary"]["offline"] == 1
    )
    assert board["summary"]["health_score"] == 25.0  # degraded counts half, offline nothing
    assert board["metrics"]["requests"] == 20 and board["metrics"]["success_rate_percent"] == 90.0
    assert board["costs"]["estimated_cost_usd"] == 0.21
    assert {issue["agent"] for issue in board["top_issues"]} == {"voice", "chat"}
    assert_error(member_client.get(f"{AGENTS}/dashboard?period=1y"), 400, "validation_error")


def test_a_healthy_agent_registered_an_hour_ago_is_up_all_the_time_it_has_existed(member_client, acme):
    now = timezone.now()
    agent, _ = agent_create(organization=acme, new=NewAgent(name="fresh", type="chat"))
    Agent.objects.filter(pk=agent.pk).update(created_at=now - timedelta(hours=1))
    agent_heartbeat(agent=agent, data={}, now=now - timedelta(hours=1))
    AgentStatusChange.objects.filter(agent=agent).update(at=now - timedelta(hours=1))
    listed = data_of(member_client.get(AGENTS))["agents"][0]
    assert listed["metrics"]["uptime_percent"] > 99.9  # not 1/24 of the day: it did not exist before
