"""Faults the end-to-end tests inject: a database outage, a Redis server of the test's own to kill and
restart, and check-result timelines to judge what an outage cost."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
from datetime import datetime
from urllib.parse import urlparse, urlunparse

import httpx
import pytest
import redis

from monitoring_site.embedded_redis import server_binary
from tests.e2e.platform import free_port, wait_for

# Faults of the production layout (PostgreSQL and a Redis of its own): skipped in the embedded run
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the PostgreSQL layout"
)


def database_outage(database_url: str, seconds: float) -> None:
    """What a PostgreSQL restart does to one platform, without touching the server other tests share:
    every connection to its database is cut and new ones are refused for ``seconds``."""
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [name],
            )
            time.sleep(seconds)
        finally:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


class RedisServer:
    """A redis-server of the test's own on a TCP port, keeping nothing on disk: stopping and starting it
    is a Redis restart that loses everything queued (a flush)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, "the test's redis-server", 15)
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill()


def check_times(api: httpx.Client, monitor_id: int) -> list[datetime]:
    """When the monitor was checked, oldest first (its raw results)."""
    answer = api.get(f"/monitors/{monitor_id}/logs", params={"per_page": 100})
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    results = next(value for name, value in data.items() if name != "pagination")
    return sorted(datetime.fromisoformat(r["checked_at"].replace("Z", "+00:00")) for r in results)


def longest_gap(times: list[datetime], after: datetime) -> float:
    """The longest wait between checks from the last one before ``after`` onwards, in seconds."""
    before = [t for t in times if t <= after]
    window = ([before[-1]] if before else []) + [t for t in times if t > after]
    return max((b - a).total_seconds() for a, b in itertools.pairwise(window))
