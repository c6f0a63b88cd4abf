"""Runs ``manage.py up`` as a real subprocess for end-to-end tests, in the mode the suite runs in: embedded
(SQLite + embedded Redis, in a fresh var/) or, with DATABASE_URL/REDIS_URL set, against a fresh Postgres
database and a private Redis key prefix."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "e2e-admin-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(base_url: str, name: str, create: bool, template: str | None = None) -> str:
    import psycopg

    parsed = urlparse(base_url)
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if create:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return urlunparse(parsed._replace(path=f"/{name}"))


_templates: dict[str, str] = {}


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True, timeout=300, capture_output=True,
    )  # fmt: skip


def migrated_template(kind: str) -> str:
    """A database migrated once per test session that each platform starts from (a PostgreSQL template
    database, or a SQLite file to copy): ``up`` then finds its migrations applied, which saves each start
    the seconds of a full migrate. A platform made with ``fresh=True`` migrates from nothing, as a new
    user's does (tests/e2e/test_up.py, and CI's runtime-only check)."""
    if kind in _templates:
        return _templates[kind]
    work = Path(tempfile.mkdtemp(prefix="msp-e2e-template-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="monitoring_site.settings", VAR_DIR=str(work))
    if kind == "postgres":
        name = f"msp_e2e_template_{uuid.uuid4().hex[:10]}"
        env["DATABASE_URL"] = _postgres_database(os.environ["DATABASE_URL"], name, create=True)
        atexit.register(_postgres_database, os.environ["DATABASE_URL"], name, False)
        _migrate(env)
        _templates[kind] = name
    else:
        _migrate(env)
        _templates[kind] = str(work / "db.sqlite3")
    atexit.register(shutil.rmtree, work, True)
    return _templates[kind]


def wait_for(predicate, what: str, seconds: float = 90):
    """Poll ``predicate`` until it returns something true (and return it), or fail saying what was awaited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def processes_with_env(marker: str) -> list[int]:
    """PIDs of live processes of one platform: its environment holds ``marker`` (a unique VAR_DIR=...), or,
    for the embedded redis-server, which overwrites its environment with its process title, its command
    line names a path under that VAR_DIR (its socket)."""
    found = []
    needle = marker.encode()
    path = marker.split("=", 1)[-1].encode() + b"/"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if (
                needle in (entry / "environ").read_bytes().split(b"\0")
                or path in (entry / "cmdline").read_bytes()
            ):
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


class Platform:
    """One node: ``manage.py up`` with its own var/ and port. ``shares`` makes it a second node of another
    platform: the same database, Redis, key prefix and secret key (DESIGN: every node runs every process)."""

    def __init__(
        self,
        var_dir: Path,
        extra_env: dict[str, str] | None = None,
        shares: Platform | None = None,
        fresh: bool = False,
    ):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output: list[str] = []
        self.database = None
        self.owns_database = shares is None
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            DJANGO_SETTINGS_MODULE="monitoring_site.settings",
            VAR_DIR=str(var_dir),
            PORT=str(self.port),
            HOST="127.0.0.1",
            ADMIN_USERNAME="admin",
            ADMIN_PASSWORD=ADMIN_PASSWORD,
            WORKER_CONCURRENCY="1",
            WORKER_HEARTBEAT_SECONDS="1",
        )
        if shares is not None:
            self.database = shares.database
        elif os.environ.get("DATABASE_URL", "").startswith("postgres"):
            self.database = f"msp_e2e_{uuid.uuid4().hex[:10]}"
            template = None if fresh else migrated_template("postgres")
            env["DATABASE_URL"] = _postgres_database(
                os.environ["DATABASE_URL"], self.database, create=True, template=template
            )
        elif not fresh and not (var_dir / "db.sqlite3").exists():
            var_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(migrated_template("sqlite"), var_dir / "db.sqlite3")
            (var_dir / "db.sqlite3").chmod(0o600)
        if os.environ.get("REDIS_URL") and shares is None:
            env["REDIS_URL"] = os.environ["REDIS_URL"]
            env["REDIS_KEY_PREFIX"] = f"e2e{uuid.uuid4().hex[:8]}"
        env.update(extra_env or {})
        if shares is not None:
            for name in ("DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX", "SECRET_KEY"):
                if name in shares.env:
                    env[name] = shares.env[name]
        self.env = env
        self.marker = f"VAR_DIR={var_dir}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "up"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def log(self) -> str:
        return "\n".join(self.output[-80:])

    def wait_healthy(self, deadline_seconds: float = 120) -> dict:
        deadline = time.monotonic() + deadline_seconds
        last = None
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"up exited with {self.process.returncode}:\n{self.log()}")
            try:
                last = httpx.get(f"{self.url}/api/v1/health", timeout=5).json()
                if last["data"]["status"] == "ok":
                    return last["data"]
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise AssertionError(f"not healthy in time; last health: {last}\n{self.log()}")

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    def publish(self, organization_id: int, topic: str, event: str, data: dict) -> None:
        """Publish a realtime event from a separate process, as a worker would."""
        code = (
            "import json; from monitoring_site.realtime.events import publish; "
            f"publish({organization_id}, {topic!r}, {event!r}, json.loads({json.dumps(data)!r}))"
        )
        self.manage("shell", "-c", code)

    def api(self) -> httpx.Client:
        """A client of /api/v1 logged in as the first admin."""
        token = httpx.post(
            f"{self.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["data"]["token"]
        return httpx.Client(
            base_url=f"{self.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def kill(self) -> None:
        """SIGKILL every process of this node at once (up, web, workers, beat), as a lost machine would."""
        pids = processes_with_env(self.marker)
        if self.process is not None and self.process.poll() is None:
            pids.append(self.process.pid)
        for pid in set(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(30)

    def organization_id(self) -> int:
        code = (
            "from monitoring_site.accounts.models import Organization; print(Organization.objects.get().pk)"
        )
        return int(self.manage("shell", "-c", code).stdout.strip().splitlines()[-1])

    def stop(self, timeout: float = 60) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise
        return self.process.returncode

    def cleanup(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        for pid in processes_with_env(self.marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.database and self.owns_database:
            _postgres_database(os.environ["DATABASE_URL"], self.database, create=False)
