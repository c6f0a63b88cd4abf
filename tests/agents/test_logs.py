"""Logs: batches validated line by line, the filters, full-text search through the database's own index
(FTS5 on SQLite, tsvector on Postgres: the suite runs on both), a cursor through the pages, and another
organization's lines never seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rest_framework.test import APIClient

from agents.inputs import NewAgent
from agents.models import AgentLog
from agents.services.agents import agent_create
from tests.conftest import assert_error, data_of

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
LOGS = "/api/v1/logs"


def line(minutes_ago: int, message: str, **fields):
    return {
        "timestamp": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "level": "info",
        "message": message,
        **fields,
    }


def test_ingest_filter_search_and_pages(member_client, acme, umbrella):
    agent, _token = agent_create(organization=acme, new=NewAgent(name="voice"))
    theirs, their_token = agent_create(organization=umbrella, new=NewAgent(name="x"))
    batch = {
        "logs": [
            line(50, "Model response timeout after 5000ms", level="error", agent_id=agent.pk, trace_id="t1"),
            line(40, "Request served in 180ms", agent_id=agent.pk),
            line(30, "Cache warmed", level="debug"),
            line(20, "timeout talking to speech-to-text", level="warning"),
            line(10, "bad", level="loud"),
            line(5, "not mine", agent_id=theirs.pk),
            {"timestamp": "yesterday", "message": "x"},
        ]
    }
    result = data_of(member_client.post(LOGS, batch, format="json"))
    assert result["accepted"] == 4 and [r["index"] for r in result["rejected"]] == [4, 5, 6]
    own = APIClient()
    own.credentials(HTTP_AUTHORIZATION=f"Bearer {their_token}")
    assert (
        data_of(
            own.post(
                f"/api/v1/agents/{theirs.pk}/logs", {"logs": [line(1, "timeout elsewhere")]}, format="json"
            )
        )["accepted"]
        == 1
    )

    def messages(query):
        return [entry["message"] for entry in data_of(member_client.get(f"{LOGS}?{query}"))["logs"]]

    assert messages("search=timeout") == [
        "timeout talking to speech-to-text",
        "Model response timeout after 5000ms",
    ]
    assert messages("search=TIMEOUT+model") == ["Model response timeout after 5000ms"]
    assert messages("search=timeout&level=error") == ["Model response timeout after 5000ms"]
    assert messages(f"agent_id={agent.pk}") == [
        "Request served in 180ms",
        "Model response timeout after 5000ms",
    ]
    start, end = (NOW - timedelta(minutes=35)).isoformat(), (NOW - timedelta(minutes=15)).isoformat()
    assert messages(
        f"search=timeout&start_time={start.replace('+', '%2B')}&end_time={end.replace('+', '%2B')}"
    ) == ["timeout talking to speech-to-text"]
    assert messages('search="); DROP TABLE x; --') == []  # odd text is words, never query syntax
    first = data_of(member_client.get(f"{LOGS}?limit=3"))
    assert len(first["logs"]) == 3 and first["next_cursor"]
    second = data_of(member_client.get(f"{LOGS}?limit=3&cursor={first['next_cursor']}"))
    assert [e["message"] for e in second["logs"]] == ["Model response timeout after 5000ms"]
    assert second["next_cursor"] is None
    assert_error(member_client.get(f"{LOGS}?cursor=zzz"), 400, "validation_error")
    assert_error(member_client.get(f"{LOGS}?level=loud"), 400, "validation_error")
    assert_error(member_client.get(f"{LOGS}?limit=0"), 400, "validation_error")
    assert AgentLog.objects.filter(organization_id=acme.pk).count() == 4


def test_a_batch_without_one_valid_line_is_a_400(member_client, acme):
    bad = [{"level": "loud", "message": "x"}, {"level": "info", "message": ""}]
    error = assert_error(member_client.post(LOGS, {"logs": bad}, format="json"), 400, "validation_error")
    assert set(error["details"]) == {"logs.0", "logs.1"}
    assert not AgentLog.objects.exists()


def test_logs_checklist(anon_client, viewer_client, outsider_client, acme):
    assert_error(anon_client.get(LOGS), 401, "authentication_failed")
    assert_error(
        viewer_client.post(LOGS, {"logs": [line(1, "x")]}, format="json"), 403, "insufficient_permissions"
    )
    assert data_of(outsider_client.get(f"{LOGS}?search=x"))["logs"] == []
    assert_error(
        APIClient().post("/api/v1/agents/1/logs", {"logs": []}, format="json"), 401, "authentication_failed"
    )


def test_retention(acme, db, settings):
    from agents.models import AgentRequestEvent, AgentRollup
    from agents.services.ingest import agent_events_ingest
    from agents.services.logs import logs_ingest
    from agents.services.retention import agents_prune

    agent, _ = agent_create(organization=acme, new=NewAgent(name="a"))
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=8), now - timedelta(hours=1)
    for at in (old, recent):
        agent_events_ingest(
            agent=agent, events=[{"timestamp": at.isoformat(), "latency_ms": 5, "model": "m"}]
        )
        logs_ingest(organization_id=acme.pk, lines=[{"timestamp": at.isoformat(), "message": "x"}])
    agents_prune(now=now)
    assert list(AgentRequestEvent.objects.values_list("timestamp", flat=True)) == [recent]
    assert AgentLog.objects.count() == 2  # logs are kept 30 days
    assert set(AgentRollup.objects.values_list("resolution", flat=True)) == {"minute", "hour"}
    assert not AgentRollup.objects.filter(resolution="minute", start__lt=now - timedelta(days=2)).exists()
    assert AgentRollup.objects.filter(resolution="hour").count() == 2  # hours are kept 400 days


def test_csv_export_of_lines_and_of_the_fleet(member_client, acme, umbrella):
    import csv
    import io

    agent, _ = agent_create(organization=acme, new=NewAgent(name="voice"))
    agent_create(organization=umbrella, new=NewAgent(name="theirs"))
    lines = [line(m, f"call {m} ended, =SUM(A1)", agent_id=agent.pk) for m in range(1, 151)]
    assert data_of(member_client.post(LOGS, {"logs": lines}, format="json"))["accepted"] == 150

    answer = member_client.get(LOGS, {"format": "csv", "search": "ended"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert len(rows) == 150  # not the JSON page size: a CSV export takes every match up to its cap
    assert rows[0]["message"] == "'call 1 ended, =SUM(A1)"[1:] or rows[0]["message"].startswith(
        "call 1 ended"
    )
    assert rows[0]["agent_id"] == str(agent.pk) and rows[0]["level"] == "info"
    assert (
        len(
            list(
                csv.DictReader(
                    io.StringIO(member_client.get(LOGS, {"format": "csv", "limit": 5000}).content.decode())
                )
            )
        )
        == 150
    )
    assert_error(
        member_client.get(LOGS, {"limit": 5000}), 400, "validation_error"
    )  # JSON pages stay at 1,000
    assert_error(member_client.get(LOGS, {"format": "csv", "limit": 0}), 400, "validation_error")

    fleet = member_client.get("/api/v1/agents", {"format": "csv"})
    assert fleet.status_code == 200
    agents = list(csv.DictReader(io.StringIO(fleet.content.decode())))
    assert [a["name"] for a in agents] == ["voice"]  # not the other organization's
    assert "metrics.requests_24h" in agents[0] and "metrics.uptime_percent" in agents[0]
    assert "ingest_token_hash" not in agents[0]
