"""Runs the platform's processes as children (used by ``manage.py up``).

A spawned child that dies on its own is restarted, like systemd's ``Restart=on-failure``: a worker killed
mid-batch comes back and the dispatcher hands it the next checks. A child that dies ``MAX_RESTARTS`` times
within ``RESTART_WINDOW`` seconds, or an adopted one (embedded Redis), stops everything, so there is never
a half-running platform that looks alive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_RESTARTS = 3
RESTART_WINDOW = 60.0


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    argv: list[str] | None = None  # None: adopted, not restartable
    env: dict[str, str] | None = None
    restarts: list[float] = field(default_factory=list)


class Supervisor:
    def __init__(self, say: Callable[[str], None] = print, stop_timeout: float = 15.0):
        self.children: list[Child] = []
        self.say = say
        self.stop_timeout = stop_timeout
        self.stopping = False

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        child = self.adopt(name, self._start(argv, env))
        child.argv, child.env = argv, env
        return child

    @staticmethod
    def _start(argv: list[str], env: dict[str, str] | None) -> subprocess.Popen:
        # A new session per child: Ctrl-C in the terminal reaches only us, and we stop the children in order.
        return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, start_new_session=True)

    def adopt(self, name: str, process: subprocess.Popen) -> Child:
        child = Child(name, process)
        self.children.append(child)
        return child

    def request_stop(self, signum: int, frame=None) -> None:
        self.stopping = True

    def watch(self, poll_seconds: float = 0.2) -> int:
        """Block until asked to stop (returns 0) or until a child cannot be kept running (returns 1)."""
        while not self.stopping:
            for child in self.children:
                code = child.process.poll()
                if code is not None and not self._restart(child, code):
                    return 1
            time.sleep(poll_seconds)
        return 0

    def _restart(self, child: Child, code: int) -> bool:
        now = time.monotonic()
        child.restarts = [t for t in child.restarts if now - t < RESTART_WINDOW]
        if child.argv is None or len(child.restarts) >= MAX_RESTARTS:
            why = "it cannot be restarted" if child.argv is None else f"{MAX_RESTARTS} restarts in a minute"
            self.say(f"{child.name} exited with code {code}; {why}: stopping the platform.")
            return False
        self._signal(child, signal.SIGKILL)  # whatever the dead child left in its group (pool processes)
        child.restarts.append(now)
        child.process = self._start(child.argv, child.env)
        self.say(f"{child.name} exited with code {code}; restarted it (pid {child.process.pid}).")
        return True

    def stop_all(self) -> None:
        """SIGTERM every child's process group, newest first; SIGKILL what is left after the timeout."""
        for child in reversed(self.children):
            self._signal(child, signal.SIGTERM)
            deadline = time.monotonic() + self.stop_timeout
            while child.process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if child.process.poll() is None:
                self.say(f"{child.name} did not stop within {self.stop_timeout}s; killing it.")
                self._signal(child, signal.SIGKILL)
                child.process.wait()
            # Reap any pool processes the child left in its group.
            self._signal(child, signal.SIGKILL)

    @staticmethod
    def _signal(child: Child, signum: int) -> None:
        try:
            os.killpg(child.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            return
