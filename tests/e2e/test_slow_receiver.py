"""A webhook receiver that takes seconds to answer, behind a backlog of events: notification fan-out queues
up on the worker, and checking keeps its schedule on its own worker path (no check waits behind it)."""

import time
from datetime import UTC, datetime

import pytest

from tests.e2e.faults import check_times, longest_gap, needs_postgres
from tests.e2e.platform import wait_for
from tests.e2e.test_delivery_crash import EMIT
from tests.monitors.targets import HttpTarget
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e, needs_postgres]
INTERVAL = 10
WATCHED = 30  # seconds of checking judged while the receiver is slow


@pytest.fixture
def platform_env():
    return {"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true"}


def test_checks_keep_their_schedule_while_a_slow_receiver_backs_notifications_up(platform):
    platform.wait_healthy()
    with HttpTarget() as target, Receiver() as receiver:
        receiver.delay = 2.0
        api = platform.api()
        webhook = api.post("/webhooks", json={"url": f"{receiver.url}/hook", "events": ["monitor.down"]})
        assert webhook.status_code == 201, webhook.text
        ids = [
            api.post(
                "/monitors",
                json={"name": f"m{i}", "type": "website", "target": target.url, "check_interval": INTERVAL},
            ).json()["data"]["monitor"]["id"]
            for i in range(5)
        ]
        wait_for(lambda: all(check_times(api, pk) for pk in ids), "a first check of each monitor", 60)

        platform.manage("shell", "-c", EMIT.format(count=60))  # two minutes of deliveries at 2 s each
        wait_for(lambda: receiver.requests, "the first slow delivery", 60)
        slow_from = datetime.now(UTC)
        time.sleep(WATCHED)
        assert len(receiver.requests) < 60  # the backlog is still there: fan-out is behind
        for pk in ids:
            times = [t for t in check_times(api, pk) if t <= datetime.now(UTC)]
            assert len([t for t in times if t > slow_from]) >= WATCHED // INTERVAL - 1, pk
            assert longest_gap(times, slow_from) <= INTERVAL + 8, pk
