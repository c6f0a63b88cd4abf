"""Failover of two complete nodes (``manage.py up`` each, one PostgreSQL, one Redis, beat under the lease):
the node whose beat holds the lease is killed with SIGKILL as a whole, ``--kills`` times, coming back after
each loss; then the check lag while a webhook receiver answers slowly behind a backlog.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/failover.py --kills 5

Prints one JSON line: per kill the takeover time (from the kill to the survivor's beat holding the lease and
stamping /health), and in total the monitors not checked within two intervals, extra incidents and alerts,
jobs run twice, accepted pings lost, incident webhooks lost and duplicated; then the worst check lag
(checked_at - scheduled_for) while deliveries back up behind a receiver answering in ``--slow`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.cluster import (
    INTERVAL,
    Pinger,
    leader_of,
    pings_recorded,
    promises,
    set_up,
    two_nodes,
    wait_steady,
)
from tests.e2e.platform import processes_with_env, wait_for
from tests.e2e.test_delivery_crash import EMIT
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver


def _takeover(survivor, api, killed: float) -> float:
    """Seconds from the kill until /health names a beat of the survivor as the lease's holder."""
    while True:
        scheduler = api.get("/health").json()["data"]["components"]["scheduler"]
        pid = int((scheduler.get("holder") or ":0").rsplit(":", 1)[-1] or 0)
        if pid and pid in processes_with_env(survivor.marker):
            return round(time.monotonic() - killed, 2)
        if time.monotonic() - killed > 120:
            raise SystemExit("no takeover within 120 s")
        time.sleep(0.1)


def _check_lag(api, monitors: list[int], since: datetime) -> float:
    worst = 0.0
    for pk in monitors:
        data = api.get(f"/monitors/{pk}/logs", params={"per_page": 100}).json()["data"]
        for row in next(v for k, v in data.items() if k != "pagination"):
            checked = datetime.fromisoformat(row["checked_at"].replace("Z", "+00:00"))
            if checked > since and row["scheduled_for"]:
                scheduled = datetime.fromisoformat(row["scheduled_for"].replace("Z", "+00:00"))
                worst = max(worst, (checked - scheduled).total_seconds())
    return round(worst, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--slow", type=float, default=2.0, help="the slow receiver's answer time (s)")
    parser.add_argument("--slow-seconds", type=int, default=60, help="how long the check lag is watched")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("two nodes share PostgreSQL: set DATABASE_URL (and REDIS_URL)")

    work = Path(tempfile.mkdtemp(prefix="failover-"))
    (work / "a").mkdir()
    (work / "b").mkdir()
    first, second = two_nodes(work / "a", work / "b")
    marks = work / "ran.txt"
    marks.touch()
    nodes = [first, second]
    totals: dict[str, int] = {}
    takeovers: list[float] = []
    lag = None
    try:
        first.start()
        first.wait_healthy()
        second.start()
        second.wait_healthy()
        with HttpTarget() as target, Receiver() as receiver:
            api = first.api()
            setup = set_up(api, target, receiver, marks)
            pinger = Pinger([f"{n.url}/ping/{setup['heartbeat']['token']}" for n in nodes])
            pinger.start()
            wait_steady(api, setup, marks)
            for _ in range(args.kills):
                leader = leader_of(nodes, api)
                survivor = second if leader is first else first
                api = survivor.api()
                killed_at, killed = datetime.now(UTC), time.monotonic()
                leader.kill()
                takeovers.append(_takeover(survivor, api, killed))
                time.sleep(2 * INTERVAL + 5)
                figures = promises(api, setup, receiver, marks, killed_at)
                figures.pop("jobs")
                # checks_late is per kill and adds up; the other figures count since the start
                late = len(figures.pop("checks_late"))
                totals.update(figures, checks_late=totals.get("checks_late", 0) + late)
                leader.start()
                leader.wait_healthy()
            pinger.running = False
            pinger.join(10)
            totals["pings_accepted"] = pinger.accepted
            totals["pings_lost"] = max(0, pinger.accepted - pings_recorded(api, setup["heartbeat"]["id"]))

            receiver.delay = args.slow
            leader_of(nodes, api).manage("shell", "-c", EMIT.format(count=200))
            wait_for(lambda: len(receiver.requests) > 0, "the first slow delivery", 60)
            slow_from = datetime.now(UTC)
            time.sleep(args.slow_seconds)
            lag = _check_lag(api, setup["monitors"], slow_from)
    finally:
        second.cleanup()
        first.cleanup()
    print(
        json.dumps(
            {
                "bench": "failover",
                "kills": args.kills,
                "takeover_seconds": takeovers,
                "takeover_max_seconds": max(takeovers) if takeovers else None,
                **totals,
                "slow_receiver_seconds": args.slow,
                "check_lag_max_seconds_while_slow": lag,
            }
        )
    )


if __name__ == "__main__":
    main()
