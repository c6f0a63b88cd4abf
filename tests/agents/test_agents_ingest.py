"""Agents (foundation): registration with an ingest token shown once, heartbeats and telemetry reported
with it (validated item by item), status derivation with a fixed ``now``, model prices and cost
arithmetic, and the API checklist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from agents.costs import estimated_cost_usd
from agents.inputs import NewAgent
from agents.models import Agent, AgentRequestEvent, AgentRollup, ModelPrice
from agents.services.agents import agent_create, model_prices_put
from agents.services.ingest import agent_events_ingest, agent_heartbeat
from agents.services.status import agents_evaluate_due
from agents.status_selectors import derive_status
from alerts.models import Event
from monitoring_site.errors import RuleViolation
from tests.conftest import assert_error, data_of

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
AGENTS = "/api/v1/agents"


def agent_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def event(**fields):
    return {
        "timestamp": (NOW - timedelta(seconds=30)).isoformat(),
        "request_id": "r1",
        "model": "claude",
        "latency_ms": 200,
        "input_tokens": 1000,
        "output_tokens": 500,
        "success": True,
        **fields,
    }


def test_register_heartbeat_and_report_through_the_api(member_client, acme):
    created = data_of(
        member_client.post(
            AGENTS,
            {"name": "Voice", "type": "voice_ai", "configuration": {"model_primary": "gemini"}},
            format="json",
        ),
        201,
    )
    agent = created["agent"]
    token = agent["ingest_token"]
    assert token.startswith("agt_") and agent["status"] == "offline"
    assert "ingest_token" not in data_of(member_client.get(f"{AGENTS}/{agent['id']}"))["agent"]
    own = agent_client(token)
    body = {
        "status": "healthy",
        "version": "2.5.0",
        "checks": [{"name": "model", "status": "pass", "latency_ms": 45}],
        "dependencies": [{"service": "gemini-api", "status": "healthy"}],
    }
    answer = data_of(own.post(f"{AGENTS}/{agent['id']}/heartbeat", body, format="json"))
    assert answer == {"status": "healthy", "commands": []}
    shown = data_of(member_client.get(f"{AGENTS}/{agent['id']}"))["agent"]
    assert shown["version"] == "2.5.0" and shown["health_checks"][0]["name"] == "model"
    batch = {"events": [event(), event(latency_ms=-1), "junk", event(success=False, error_type="timeout")]}
    result = data_of(own.post(f"{AGENTS}/{agent['id']}/events", batch, format="json"))
    assert result["accepted"] == 2 and [r["index"] for r in result["rejected"]] == [1, 2]
    assert AgentRequestEvent.objects.count() == 2
    # status change announced
    assert Event.objects.filter(name="monitoring.agent_status_changed").count() == 1


def test_the_ingest_token_reports_for_its_agent_only(member_client, acme, umbrella):
    mine, token = agent_create(organization=acme, new=NewAgent(name="a"))
    theirs, _ = agent_create(organization=umbrella, new=NewAgent(name="b"))
    own = agent_client(token)
    assert_error(own.post(f"{AGENTS}/{theirs.pk}/heartbeat", {}, format="json"), 401, "authentication_failed")
    assert_error(
        APIClient().post(f"{AGENTS}/{mine.pk}/heartbeat", {}, format="json"), 401, "authentication_failed"
    )
    assert own.get(AGENTS).status_code == 401  # not an API credential
    assert_error(
        own.post(f"{AGENTS}/{mine.pk}/heartbeat", {"status": "paused"}, format="json"),
        400,
        "validation_error",
    )
    assert_error(
        own.post(f"{AGENTS}/{mine.pk}/events", {"events": []}, format="json"), 400, "validation_error"
    )
    mine.refresh_from_db()
    assert mine.last_heartbeat_at is None


def test_checklist(anon_client, outsider_client, viewer_client, member_client, admin_client, acme):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    assert_error(anon_client.get(AGENTS), 401, "authentication_failed")
    assert_error(outsider_client.get(f"{AGENTS}/{agent.pk}"), 404, "agent_not_found")
    assert_error(viewer_client.post(AGENTS, {"name": "v"}, format="json"), 403, "insufficient_permissions")
    error = assert_error(member_client.post(AGENTS, {"name": "a"}, format="json"), 400, "validation_error")
    assert "name" in error["details"]
    assert_error(member_client.post(f"{AGENTS}/{agent.pk}/rotate-token"), 403, "insufficient_permissions")
    token = data_of(admin_client.post(f"{AGENTS}/{agent.pk}/rotate-token"))["agent"]["ingest_token"]
    assert token.startswith("agt_")
    assert [a["name"] for a in data_of(member_client.get(f"{AGENTS}?status=offline"))["agents"]] == ["a"]
    assert Agent.objects.count() == 1


@pytest.mark.django_db
def test_status_derivation_with_a_fixed_now(acme):
    agent, _ = agent_create(
        organization=acme,
        new=NewAgent(
            name="a", latency_threshold_ms=1000, error_rate_threshold_percent=25, offline_after_seconds=60
        ),
    )
    assert derive_status(agent, NOW) == "offline"  # never heard from
    agent_heartbeat(agent=agent, data={"checks": [{"name": "db", "status": "pass"}]}, now=NOW)
    agent.refresh_from_db()
    assert agent.status == "healthy" and agent.started_at == NOW
    agent_events_ingest(agent=agent, events=[event(success=False)] * 2 + [event()] * 8, now=NOW)
    assert derive_status(agent, NOW) == "healthy"  # 20 % failed, under the 25 % threshold ...
    agent_events_ingest(agent=agent, events=[event(success=False)] * 2, now=NOW)
    assert derive_status(agent, NOW) == "degraded"  # ... now 4 of 12 (33 %)
    AgentRollup.objects.all().delete()  # the thresholds read the last minutes' rollups
    agent_events_ingest(agent=agent, events=[event(latency_ms=3000)], now=NOW)
    assert derive_status(agent, NOW) == "degraded"  # average latency above 1000 ms
    later = NOW + timedelta(minutes=6)
    agent.refresh_from_db()
    agent.last_heartbeat_at = later  # still reporting six minutes on: the slow minute has left the window
    assert derive_status(agent, later) == "healthy"
    AgentRollup.objects.all().delete()
    agent_heartbeat(agent=agent, data={"checks": [{"name": "db", "status": "fail"}]}, now=NOW)
    agent.refresh_from_db()
    assert agent.status == "degraded"
    agent_heartbeat(agent=agent, data={"status": "stopping"}, now=NOW)
    agent.refresh_from_db()
    assert agent.status == "stopping"
    assert agents_evaluate_due(now=NOW + timedelta(seconds=59)) == 0
    assert agents_evaluate_due(now=NOW + timedelta(seconds=61)) == 1
    agent.refresh_from_db()
    assert agent.status == "offline"
    agent_heartbeat(agent=agent, data={}, now=NOW + timedelta(minutes=2))
    agent.refresh_from_db()
    assert agent.status == "healthy" and agent.started_at == NOW + timedelta(minutes=2)


def test_a_bad_item_is_reported_and_the_good_ones_kept(acme, db):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    items = [
        event(),
        event(timestamp="yesterday"),
        event(timestamp="2026-03-07T11:00:00"),
        event(input_tokens=-5),
        event(success="yes"),
        event(model=7),
        event(timestamp=(NOW + timedelta(hours=1)).isoformat()),
        event(),
    ]
    result = agent_events_ingest(agent=agent, events=items, now=NOW)
    assert result["accepted"] == 2 and [r["index"] for r in result["rejected"]] == [1, 2, 3, 4, 5, 6]
    assert "timestamp" in result["rejected"][0]["errors"][0]
    with pytest.raises(RuleViolation):
        agent_events_ingest(agent=agent, events="not a list", now=NOW)
    with pytest.raises(RuleViolation) as none_valid:  # every item refused: a 400, not a 200 saying so
        agent_events_ingest(agent=agent, events=[event(model=7), event(success="yes")], now=NOW)
    assert set(none_valid.value.details) == {"events.0", "events.1"}


def test_model_prices_and_cost(member_client, viewer_client, acme):
    body = {
        "prices": [
            {"model": "claude", "input_per_million_usd": 3, "output_per_million_usd": 15},
            {"model": "gemini", "input_per_million_usd": "0.10", "output_per_million_usd": 0.4},
        ]
    }
    prices = data_of(member_client.put("/api/v1/model-prices", body, format="json"))["prices"]
    assert [p["model"] for p in prices] == ["claude", "gemini"]
    bad = {
        "prices": [{"model": "x", "input_per_million_usd": -1, "output_per_million_usd": 1}, {"model": ""}]
    }
    error = assert_error(
        member_client.put("/api/v1/model-prices", bad, format="json"), 400, "validation_error"
    )
    assert set(error["details"]) == {"prices.0", "prices.1"}
    assert not ModelPrice.objects.filter(model="x").exists()
    assert_error(
        viewer_client.put("/api/v1/model-prices", body, format="json"), 403, "insufficient_permissions"
    )
    assert len(data_of(viewer_client.get("/api/v1/model-prices"))["prices"]) == 2
    by_model = {p.model: p for p in model_prices_put(organization=acme, prices=[])}
    # 1,000 input and 500 output tokens of claude: 1000*3/1e6 + 500*15/1e6 = 0.003 + 0.0075
    assert estimated_cost_usd(by_model, "claude", 1000, 500) == pytest.approx(0.0105)
    assert estimated_cost_usd(by_model, "unpriced", 1000, 500) == 0.0


def test_percentiles_from_rollups_match_the_exact_ones(acme, db):
    import random

    from agents.rollup_selectors import rollups_window
    from agents.totals import merged

    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    rng = random.Random(3)
    base = NOW - timedelta(hours=3)
    latencies = {"claude": [], "gemini": []}
    for _batch in range(6):  # six batches, events spread over three hours, some arriving late
        items = []
        for _ in range(500):
            model = rng.choice(["claude", "gemini"])
            latency = round(rng.lognormvariate(5, 0.8), 2)
            latencies[model].append(latency)
            at = base + timedelta(seconds=rng.uniform(0, 3 * 3600 - 1))
            items.append(
                event(timestamp=at.isoformat(), model=model, latency_ms=latency, success=rng.random() > 0.02)
            )
        assert agent_events_ingest(agent=agent, events=items, now=NOW)["accepted"] == 500
    # a window with ragged ends: minutes at both edges, hours inside
    by_model = rollups_window(organization_id=acme.pk, start=base, end=NOW, agent_id=agent.pk)
    total = merged(by_model)
    assert total.count == 3000 and by_model["claude"].count == len(latencies["claude"])
    everything = sorted(latencies["claude"] + latencies["gemini"])
    for q in (0.5, 0.95, 0.99):
        exact = everything[int(q * (len(everything) - 1))]
        assert abs(total.sketch.quantile(q) - exact) <= 0.01 * exact + 1e-9, q
    assert total.figures()["avg_latency_ms"] == pytest.approx(sum(everything) / 3000, rel=1e-6)
    ragged = rollups_window(
        organization_id=acme.pk,
        start=base + timedelta(minutes=30),
        end=NOW - timedelta(minutes=30),
        agent_id=agent.pk,
    )
    expected = AgentRequestEvent.objects.filter(
        timestamp__gte=base + timedelta(minutes=30), timestamp__lt=NOW - timedelta(minutes=30)
    ).count()
    assert merged(ragged).count == expected


def test_agent_metrics_in_the_registry(member_client, acme):
    from django.utils import timezone

    from monitoring_site.metrics.registry import registered

    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    model_prices_put(
        organization=acme,
        prices=[{"model": "claude", "input_per_million_usd": 3, "output_per_million_usd": 15}],
    )
    now = timezone.now().replace(second=30, microsecond=0)
    items = [event(timestamp=now.isoformat(), latency_ms=100.0 * (i + 1)) for i in range(4)]
    items.append(event(timestamp=now.isoformat(), success=False, latency_ms=500))
    agent_events_ingest(agent=agent, events=items)
    start, end = now - timedelta(minutes=5), now + timedelta(minutes=1)
    scope = {"agent_id": agent.pk}

    def values(name):
        return [v for _, v in registered(name).points(acme.pk, start, end, scope)]

    assert values("requests_per_minute") == [5.0]
    assert values("error_rate_percent") == [20.0]
    assert values("avg_latency_ms") == [300.0]
    assert values("tokens") == [7500.0]
    assert values("cost_usd") == [pytest.approx(5 * 0.0105)]
    assert abs(values("p50_latency_ms")[0] - 300) <= 3
    agent_heartbeat(agent=agent, data={})
    assert 0 <= values("heartbeat_age_seconds")[0] < 60
    answer = data_of(
        member_client.get(f"/api/v1/metrics?metric=error_rate_percent&agent_id={agent.pk}&period=1h")
    )
    assert answer["summary"]["avg"] == 20.0
