"""Two or more nodes on one PostgreSQL and Redis, and the promises a lost node must not break: shared by
``tests/e2e/test_two_nodes.py`` (which asserts them) and ``bench/failover.py`` (which counts them)."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx

from tests.e2e.faults import check_times
from tests.e2e.platform import Platform, processes_with_env, wait_for
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

INTERVAL = 10
HEALTHY, FAILING = 4, 2
JOB_EVERY = 5
NODE_ENV = {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "JOBS_ALLOWED_EXECUTABLES": sys.executable}
EVENTS = ["incident.created", "incident.resolved", "monitor.down", "job.completed", "job.failed"]


def two_nodes(first_dir: Path, second_dir: Path) -> tuple[Platform, Platform]:
    first = Platform(first_dir, extra_env={**NODE_ENV, "SECRET_KEY": "two-nodes-" + "k" * 40})
    return first, Platform(second_dir, extra_env=NODE_ENV, shares=first)


def leader_of(nodes: list[Platform], api: httpx.Client) -> Platform:
    """The node whose beat holds the lease (the holder /health names is host:pid of that beat)."""

    def holder() -> Platform | None:
        scheduler = api.get("/health").json()["data"]["components"]["scheduler"]
        pid = int(scheduler.get("holder", ":0").rsplit(":", 1)[-1] or 0)
        return next((n for n in nodes if n.process and pid in processes_with_env(n.marker)), None)

    return wait_for(holder, "a beat holding the lease", 30)


class Pinger(threading.Thread):
    """Pings the heartbeat once a second through both nodes; counts the pings answered 200."""

    def __init__(self, urls: list[str]):
        super().__init__(daemon=True)
        self.urls, self.accepted, self.running = urls, 0, True

    def run(self) -> None:
        turn = 0
        while self.running:
            turn += 1
            try:
                if (
                    httpx.post(self.urls[turn % len(self.urls)], content=b"tick", timeout=5).status_code
                    == 200
                ):
                    self.accepted += 1
            except httpx.HTTPError:
                pass  # that node is down: the ping was not accepted
            time.sleep(1)


def set_up(api: httpx.Client, target: HttpTarget, receiver: Receiver, marks: Path) -> dict:
    assert api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": EVENTS}).status_code == 201
    monitors = []
    for i in range(HEALTHY + FAILING):
        created = api.post(
            "/monitors",
            json={
                "name": f"m{i}",
                "type": "website",
                "target": target.url + ("/status/200" if i < HEALTHY else "/status/500"),
                "check_interval": INTERVAL,
                "timeout": 5,
            },
        )
        assert created.status_code == 201, created.text
        monitors.append(created.json()["data"]["monitor"]["id"])
    heartbeat = api.post("/heartbeats", json={"name": "cron", "run_interval": 60, "grace_period": 60})
    assert heartbeat.status_code == 201, heartbeat.text
    task = api.post(
        "/tasks",
        json={
            "name": "tick",
            "kind": "script",
            "executable": sys.executable,
            "argv": ["-c", f"open({str(marks)!r}, 'a').write('ran\\n')"],
            "schedule": {"type": "interval", "seconds": JOB_EVERY},
            "timeout": 30,
        },
    )
    assert task.status_code == 201, task.text
    api.post("/channels", json={"name": "ops", "type": "webhook", "config": {"url": f"{receiver.url}/ops"}})
    rule = api.post(
        "/alert-rules",
        json={
            "name": "Queue backing up",
            "severity": "critical",
            "channels": ["ops"],
            "check_interval": 10,
            "condition": {
                "metric": "orders.queue_depth",
                "operator": "gt",
                "threshold": 100,
                "duration_minutes": 0,
            },
        },
    )
    assert rule.status_code == 201, rule.text
    assert api.post("/metrics", json={"points": [{"name": "orders.queue_depth", "value": 250}]}).status_code
    return {
        "monitors": monitors,
        "heartbeat": heartbeat.json()["data"]["heartbeat"],
        "task": task.json()["data"]["task"]["id"],
        "rule": rule.json()["data"]["alert_rule"]["id"],
    }


def wait_steady(api: httpx.Client, setup: dict, marks: Path) -> None:
    """Until every monitor was checked, the failing ones have their incidents, the rule its alert and the
    recurring task ran twice."""
    wait_for(lambda: all(check_times(api, pk) for pk in setup["monitors"]), "a first check of each", 60)
    wait_for(lambda: len(api.get("/incidents").json()["data"]["incidents"]) == FAILING, "the incidents")
    wait_for(lambda: api.get("/alerts").json()["data"]["alerts"], "the rule's alert", 60)
    wait_for(lambda: marks.read_text().count("ran") >= 2, "two runs of the recurring task", 60)


def jobs_of(api: httpx.Client, task_id: int) -> list[dict]:
    data = api.get("/jobs", params={"task_id": task_id, "per_page": 100}).json()["data"]
    jobs = data["jobs"]
    for page in range(2, data["pagination"]["total_pages"] + 1):
        jobs += api.get("/jobs", params={"task_id": task_id, "per_page": 100, "page": page}).json()["data"][
            "jobs"
        ]
    return jobs


def promises(api: httpx.Client, setup: dict, receiver: Receiver, marks: Path, killed_at: datetime) -> dict:
    """What a loss at ``killed_at`` cost, counted from the database and the receiver: each figure is 0 when
    every promise held (``checks_late`` lists the monitors not checked within two intervals)."""
    late = []
    for pk in setup["monitors"]:
        after = [t for t in check_times(api, pk) if t > killed_at]
        if not after or (after[0] - killed_at).total_seconds() > 2 * INTERVAL + 5:
            late.append(pk)
    incidents = api.get("/incidents", params={"per_page": 100}).json()["data"]["incidents"]
    monitor_incidents = [i for i in incidents if i["monitor"]]
    alerts = api.get("/alerts", params={"per_page": 100}).json()["data"]["alerts"]
    jobs = jobs_of(api, setup["task"])
    due = [j["scheduled_for"] for j in jobs]
    completed = [j for j in jobs if j["status"] == "completed"]
    ran = marks.read_text().count("ran")
    received = [r.json() for r in receiver.requests if r.path == "/hook"]
    delivered = {e["incident"]["id"] for e in received if e["event"] == "incident.created"}
    ids = [r.headers["x-event-id"] for r in receiver.requests if r.path == "/hook"]
    return {
        "checks_late": late,
        "extra_incidents": len(monitor_incidents) - FAILING,
        "incidents_closed": len([i for i in monitor_incidents if i["status"] != "open"]),
        "extra_alerts": len(alerts) - 1,
        "runs_with_one_due_time": len(due) - len(set(due)),
        # the script ran more often than there are runs, or a completed run has no execution behind it
        "scripts_run_twice": max(0, ran - len(jobs)),
        "runs_not_executed": max(0, len(completed) - ran),
        "incident_events_lost": len({i["id"] for i in monitor_incidents} - delivered),
        "duplicate_deliveries": len(ids) - len(set(ids)),
        "jobs": len(jobs),
    }


def pings_recorded(api: httpx.Client, heartbeat_id: int) -> int:
    answer = api.get(f"/heartbeats/{heartbeat_id}/pings", params={"per_page": 1}).json()["data"]
    return answer["pagination"]["total_items"]
