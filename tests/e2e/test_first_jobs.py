"""The web process's first queued tasks: a burst of jobs started together on a platform that has queued
nothing yet all run at once. (Celery's task autodiscovery used to return empty-handed to a second thread
while a first was inside it, so one of the burst found "no task is registered" and its job waited for the
sweep.) The sweep is set far off here, so only the first enqueue can run these jobs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.platform import wait_for

pytestmark = [pytest.mark.e2e]
BURST = 16
SETUP = """
from jobs.inputs import NewTask
from jobs.services.tasks import task_create
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.services import api_key_create
org = Organization.objects.get()
task, _ = task_create(organization=org, new=NewTask(name="noop", kind="noop"))
print(task.pk, api_key_create(organization=org, name="burst", scope="write").secret)
"""
STATUSES = """
from jobs.models import Job
print(",".join(sorted(Job.objects.values_list("status", flat=True))))
"""


@pytest.fixture
def platform_env():
    return {"JOBS_REENQUEUE_SECONDS": "3600"}


def test_a_burst_of_first_jobs_all_run_without_the_sweep(platform):
    platform.wait_healthy()
    task_id, key = platform.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1].split()
    headers = {"Authorization": f"Bearer {key}"}

    def start(_: int) -> int:
        return httpx.post(
            f"{platform.url}/api/v1/jobs", json={"task": int(task_id)}, headers=headers, timeout=30
        ).status_code

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        assert list(pool.map(start, range(BURST))) == [201] * BURST

    def statuses() -> list[str]:
        return platform.manage("shell", "-c", STATUSES).stdout.strip().splitlines()[-1].split(",")

    wait_for(lambda: statuses() == ["completed"] * BURST, f"{BURST} jobs completed", 120)
