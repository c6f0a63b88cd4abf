"""Two complete nodes on one PostgreSQL and Redis, each running every process (beat included, under the
lease): the node that sends the periodic triggers is killed with SIGKILL as a whole, the other takes over;
then the first comes back and the second is killed. After each loss every promise is checked from the
database (through the survivor's API) and the webhook receiver: no accepted ping lost, no second incident or
alert for one outage, no job run twice, every monitor checked again within two intervals."""

import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.e2e.faults import check_times
from tests.e2e.platform import Platform, processes_with_env, wait_for
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="two nodes share PostgreSQL"
    ),
]
INTERVAL = 10
HEALTHY, FAILING = 4, 2
JOB_EVERY = 5
NODE_ENV = {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "JOBS_ALLOWED_EXECUTABLES": sys.executable}
EVENTS = ["incident.created", "incident.resolved", "monitor.down", "job.completed", "job.failed"]


def _leader(nodes: list[Platform], api: httpx.Client) -> Platform:
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


def _set_up(api: httpx.Client, target: HttpTarget, receiver: Receiver, marks: Path) -> dict:
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


def _jobs(api: httpx.Client, task_id: int) -> list[dict]:
    data = api.get("/jobs", params={"task_id": task_id, "per_page": 100}).json()["data"]
    jobs = data["jobs"]
    for page in range(2, data["pagination"]["total_pages"] + 1):
        jobs += api.get("/jobs", params={"task_id": task_id, "per_page": 100, "page": page}).json()["data"][
            "jobs"
        ]
    return jobs


def _check_promises(api: httpx.Client, setup: dict, receiver: Receiver, marks: Path, killed_at: datetime):
    # every monitor checked again within two intervals of the loss (plus the first batch's own time)
    for pk in setup["monitors"]:
        after = [t for t in check_times(api, pk) if t > killed_at]
        assert after and (after[0] - killed_at).total_seconds() <= 2 * INTERVAL + 5, (pk, after[:1])
    # exactly one incident per failing monitor, still open; one alert for the rule
    incidents = api.get("/incidents", params={"per_page": 100}).json()["data"]["incidents"]
    monitor_incidents = [i for i in incidents if i["monitor"]]
    assert len(monitor_incidents) == FAILING, monitor_incidents
    assert {i["status"] for i in monitor_incidents} == {"open"}
    alerts = api.get("/alerts", params={"per_page": 100}).json()["data"]["alerts"]
    assert len(alerts) == 1, alerts
    # no job ran twice: one run per due time, and the script ran at most once per run
    jobs = _jobs(api, setup["task"])
    due = [j["scheduled_for"] for j in jobs]
    assert len(due) == len(set(due))
    completed = [j for j in jobs if j["status"] == "completed"]
    ran = marks.read_text().count("ran")
    assert len(completed) <= ran <= len(jobs), (len(completed), ran, len(jobs))
    # the webhook got every incident's event (a delivery cut mid-flight may come twice: same X-Event-Id)
    received = [r.json() for r in receiver.requests if r.path == "/hook"]
    created = {e["incident"]["id"] for e in received if e["event"] == "incident.created"}
    assert {i["id"] for i in monitor_incidents} <= created
    ids = [r.headers["x-event-id"] for r in receiver.requests if r.path == "/hook"]
    return {"duplicate_deliveries": len(ids) - len(set(ids)), "jobs": len(jobs), "ran": ran}


def _pings_recorded(api: httpx.Client, heartbeat_id: int) -> int:
    answer = api.get(f"/heartbeats/{heartbeat_id}/pings", params={"per_page": 1}).json()["data"]
    return answer["pagination"]["total_items"]


def test_either_node_can_be_lost_and_the_other_keeps_every_promise(tmp_path_factory):
    first = Platform(
        tmp_path_factory.mktemp("a"),
        extra_env={**NODE_ENV, "SECRET_KEY": "two-nodes-" + "k" * 40},
    )
    second = Platform(tmp_path_factory.mktemp("b"), extra_env=NODE_ENV, shares=first)
    marks = tmp_path_factory.mktemp("marks") / "ran.txt"
    marks.touch()
    nodes = [first, second]
    pinger = None
    try:
        first.start()
        first.wait_healthy()
        second.start()  # migrations already applied; the admin already exists
        second.wait_healthy()
        with HttpTarget() as target, Receiver() as receiver:
            api = first.api()
            setup = _set_up(api, target, receiver, marks)
            token = setup["heartbeat"]["token"]
            pinger = Pinger([f"{n.url}/ping/{token}" for n in nodes])
            pinger.start()
            wait_for(
                lambda: all(check_times(api, pk) for pk in setup["monitors"]), "a first check of each", 60
            )
            wait_for(
                lambda: len(api.get("/incidents").json()["data"]["incidents"]) == FAILING, "the incidents"
            )
            wait_for(lambda: api.get("/alerts").json()["data"]["alerts"], "the rule's alert", 60)
            wait_for(lambda: marks.read_text().count("ran") >= 2, "two runs of the recurring task", 60)

            for round_ in range(2):
                leader = _leader(nodes, api)
                survivor = second if leader is first else first
                api = survivor.api()
                killed_at = datetime.now(UTC)
                leader.kill()
                assert _leader([survivor], api) is survivor  # the survivor's beat took the lease over
                runs_before = marks.read_text().count("ran")
                wait_for(
                    lambda n=runs_before: marks.read_text().count("ran") > n + 1, "runs after the loss", 60
                )
                time.sleep(2 * INTERVAL + 5)
                figures = _check_promises(api, setup, receiver, marks, killed_at)
                print(f"round {round_}: {figures}")
                if round_ == 0:
                    leader.start()  # the lost node comes back; then the other is lost
                    leader.wait_healthy()
            pinger.running = False
            pinger.join(10)
            assert _pings_recorded(api, setup["heartbeat"]["id"]) >= pinger.accepted > 0
    finally:
        if pinger is not None:
            pinger.running = False
        second.cleanup()
        first.cleanup()  # the owner last: it drops the shared database
