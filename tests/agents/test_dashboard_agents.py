"""Dashboard pages of agents: fleet tiles and table, registration (token shown once), detail with figures
and admin-only controls, logs with search, costs; viewers read, another organization's agent is 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client

from agents.inputs import NewAgent
from agents.models import Agent, AgentControl
from agents.services.agents import agent_create, model_prices_put
from agents.services.ingest import agent_events_ingest, agent_heartbeat
from agents.services.logs import logs_ingest


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_fleet_detail_controls_logs_costs(owner, acme):
    browser = browser_for(owner)
    answer = browser.post("/agents/new", {"name": "voice", "type": "voice_ai"}, follow=True).content.decode()
    agent = Agent.objects.get()
    assert "shown once" in answer and agent.ingest_token_prefix in answer
    agent_heartbeat(agent=agent, data={"checks": [{"name": "model", "status": "pass"}]})
    now = datetime.now(UTC)
    model_prices_put(
        organization=acme,
        prices=[{"model": "claude", "input_per_million_usd": 3, "output_per_million_usd": 15}],
    )
    agent_events_ingest(
        agent=agent,
        events=[
            {
                "timestamp": (now - timedelta(minutes=2)).isoformat(),
                "model": "claude",
                "latency_ms": 250,
                "input_tokens": 1000,
                "output_tokens": 500,
            }
        ],
    )
    logs_ingest(
        organization_id=acme.pk,
        lines=[
            {
                "timestamp": now.isoformat(),
                "message": "upstream timeout",
                "level": "error",
                "agent_id": agent.pk,
            }
        ],
    )
    fleet = browser.get("/agents/").content.decode()
    assert 'class="agent-status status-healthy"' in fleet and "agents_live.js" in fleet
    detail = browser.get(f"/agents/{agent.pk}").content.decode()
    assert "model: pass" in detail and 'id="agent-controls"' in detail and "claude" in detail
    browser.post(f"/agents/{agent.pk}/pause", {"reason": "maintenance", "duration_minutes": "15"})
    agent.refresh_from_db()
    assert agent.status == "paused" and AgentControl.objects.get().reason == "maintenance"
    logs = browser.get("/agents/logs", {"search": "timeout"}).content.decode()
    assert "upstream timeout" in logs
    assert f'<a href="/agents/{agent.pk}">{agent.name}</a>' in logs  # the agent's name, not its id
    title = logs[logs.index("<title>") : logs.index("</title>")]
    assert "<script" not in title and logs.count("logs_tail.js") == 1
    assert "upstream timeout" not in browser.get("/agents/logs", {"search": "nothing"}).content.decode()
    assert browser.get("/agents/logs", {"cursor": "broken"}).status_code == 200
    assert "0.0105" in browser.get("/agents/costs").content.decode()


def test_viewers_read_and_cannot_control(viewer, outsider, acme):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="voice"))
    viewer_browser = browser_for(viewer)
    page = viewer_browser.get(f"/agents/{agent.pk}").content.decode()
    assert 'id="agent-controls"' not in page
    assert viewer_browser.post(f"/agents/{agent.pk}/pause", {"reason": "x"}).status_code == 403
    assert browser_for(outsider).get(f"/agents/{agent.pk}").status_code == 404
    assert not AgentControl.objects.exists()


def test_an_admin_deletes_an_agent_and_an_unknown_control_is_404(owner, viewer, outsider, acme):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="voice"))
    browser = browser_for(owner)
    assert "Delete agent" in browser.get(f"/agents/{agent.pk}").content.decode()
    assert browser.post(f"/agents/{agent.pk}/explode").status_code == 404
    assert browser_for(viewer).post(f"/agents/{agent.pk}/delete").status_code == 403
    assert browser_for(outsider).post(f"/agents/{agent.pk}/delete").status_code == 404
    answer = browser.post(f"/agents/{agent.pk}/delete")
    assert answer.status_code == 302 and answer["Location"] == "/agents/"
    assert not Agent.objects.filter(pk=agent.pk).exists()


def test_the_fleet_page_filters_like_the_api_and_pages_instead_of_truncating(owner, acme, umbrella):
    from agents.views import PAGE

    rows = [(acme, f"bot-{i:03}", "chat", "offline") for i in range(PAGE + 5)]
    rows += [(acme, "voice-1", "voice_ai", "healthy"), (umbrella, "voice-theirs", "voice_ai", "healthy")]
    Agent.objects.bulk_create(
        Agent(organization=o, name=n, type=t, status=s, ingest_token_hash=f"h{i}")
        for i, (o, n, t, s) in enumerate(rows)
    )
    browser = browser_for(owner)
    first = browser.get("/agents/").content.decode()
    assert f"page 1 of 2 · 1\u2013{PAGE} of {PAGE + 6}" in first and "bot-000" in first
    last = browser.get("/agents/", {"page": 2}).content.decode()
    assert "bot-204" in last and "voice-1" in last and "voice-theirs" not in last
    assert '<strong class="status-offline">205</strong>' in last  # the tiles count every agent
    voice = browser.get("/agents/", {"type": "voice_ai"}).content.decode()
    assert "voice-1" in voice and "bot-000" not in voice and "voice-theirs" not in voice
    searched = browser.get("/agents/", {"search": "BOT-01", "status": "offline"}).content.decode()
    assert "bot-010" in searched and "voice-1" not in searched and "bot-100" not in searched
