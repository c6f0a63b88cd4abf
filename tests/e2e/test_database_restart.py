"""A PostgreSQL restart, as the platform sees one (every connection cut, new ones refused for a while):
the pooled connections that died are replaced on checkout, so checking resumes within an interval of the
database's return instead of minutes of errors from dead connections."""

from datetime import UTC, datetime

import pytest

from tests.e2e.faults import check_times, database_outage, longest_gap, needs_postgres
from tests.e2e.platform import wait_for
from tests.monitors.targets import HttpTarget

pytestmark = [pytest.mark.e2e, needs_postgres]
INTERVAL = 10
OUTAGE = 8


def test_checks_resume_within_an_interval_of_the_database_coming_back(platform):
    platform.wait_healthy()
    with HttpTarget() as target:
        api = platform.api()
        ids = [
            api.post(
                "/monitors",
                json={"name": f"m{i}", "type": "website", "target": target.url, "check_interval": INTERVAL},
            ).json()["data"]["monitor"]["id"]
            for i in range(3)
        ]
        wait_for(lambda: all(len(check_times(api, pk)) >= 2 for pk in ids), "two checks of every monitor", 60)

        outage_began = datetime.now(UTC)
        database_outage(platform.env["DATABASE_URL"], OUTAGE)
        back = datetime.now(UTC)
        wait_for(
            lambda: all(len([t for t in check_times(api, pk) if t > back]) >= 3 for pk in ids),
            "three checks of every monitor after the database came back",
            5 * INTERVAL,
        )
        for pk in ids:
            # what the outage cost: its own length, plus at most an interval on either side
            assert longest_gap(check_times(api, pk), outage_began) <= OUTAGE + 2 * INTERVAL + 3, pk
        assert platform.wait_healthy(30)["status"] == "ok"
        assert platform.process.poll() is None
