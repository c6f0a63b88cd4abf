"""No process started by the test run may outlive it (an orphaned embedded redis-server, a runner, a
platform that a test killed without stopping).

At the start of the run the pytest process becomes a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``):
every process the suite starts that loses its parent is handed to pytest instead of init. So at the end,
whatever is still a live child of pytest was started by the suite and left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def live_children() -> dict[int, str]:
    """The live (not zombie) children of this process, with their command lines."""
    found = {}
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if parent != me or state == "Z":
                continue
            found[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except (OSError, ValueError, IndexError):
            continue
    return found


def kill_and_reap(pids) -> None:
    """SIGKILL ``pids`` and reap every exited child (the orphans handed to us included)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
