"""What the in-process benchmarks share (``jobs_statistics.py``, ``agents_dashboard.py``): a database of
their own (a fresh Postgres database, dropped afterwards, or a temporary SQLite file) with Django set up
and migrated, an API client with a read key, and timing endpoints through the full API stack."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@contextmanager
def fresh_django(prefix: str) -> Iterator[None]:
    """Django on a database of the benchmark's own, migrated; a Postgres one is dropped on the way out."""
    from tests.e2e.platform import _postgres_database

    base, database = os.environ.get("DATABASE_URL", ""), None
    if base.startswith("postgres"):
        database = f"msp_bench_{uuid.uuid4().hex[:8]}"
        os.environ["DATABASE_URL"] = _postgres_database(base, database, create=True)
    else:
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring_site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            _postgres_database(base.rsplit("/", 1)[0] + "/postgres", database, create=False)


def read_client(organization: Any):
    """An API client with a read-scope key of ``organization``."""
    from rest_framework.test import APIClient

    from monitoring_site.accounts.choices import ApiKeyScope
    from monitoring_site.accounts.services import api_key_create

    _key, raw = api_key_create(organization=organization, name="bench", scope=ApiKeyScope.READ)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def time_endpoints(client, urls: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Per URL (without ``/api/v1/``): the median and worst of ``repeat`` calls after a warm-up call."""
    timings = {}
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.content[:300])
        runs = []
        for _ in range(repeat):
            begin = time.perf_counter()
            client.get(url)
            runs.append((time.perf_counter() - begin) * 1000)
        timings[url.removeprefix("/api/v1/")] = {
            "median_ms": round(statistics.median(runs), 1),
            "max_ms": round(max(runs), 1),
        }
    return timings
