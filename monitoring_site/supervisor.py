"""Runs the platform's processes as children and keeps them together: when one dies the rest are stopped,
so there is never a half-running platform (used by ``manage.py up``)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Child:
    name: str
    process: subprocess.Popen


class Supervisor:
    def __init__(self, say: Callable[[str], None] = print, stop_timeout: float = 15.0):
        self.children: list[Child] = []
        self.say = say
        self.stop_timeout = stop_timeout
        self.stopping = False

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        # A new session per child: Ctrl-C in the terminal reaches only us, and we stop the children in order.
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        return self.adopt(name, process)

    def adopt(self, name: str, process: subprocess.Popen) -> Child:
        child = Child(name, process)
        self.children.append(child)
        return child

    def request_stop(self, signum: int, frame=None) -> None:
        self.stopping = True

    def watch(self, poll_seconds: float = 0.2) -> int:
        """Block until asked to stop (returns 0) or until a child exits on its own (returns 1)."""
        while not self.stopping:
            for child in self.children:
                code = child.process.poll()
                if code is not None:
                    self.say(f"{child.name} exited with code {code}; stopping the platform.")
                    return 1
            time.sleep(poll_seconds)
        return 0

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
