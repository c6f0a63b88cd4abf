"""The supervisor of ``manage.py up`` with real child processes: a dead child is restarted, one that keeps
dying or cannot be restarted stops the platform, and stopping leaves nothing behind."""

import subprocess
import sys
import threading

from monitoring_site import supervisor as supervisor_module
from monitoring_site.supervisor import Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASH = [sys.executable, "-c", "raise SystemExit(3)"]


def test_a_child_that_keeps_dying_is_restarted_then_stops_the_platform():
    said: list[str] = []
    keeper = Supervisor(say=said.append, stop_timeout=5)
    steady = keeper.spawn("steady", SLEEP)
    keeper.spawn("crashy", CRASH)
    assert keeper.watch(poll_seconds=0.05) == 1
    assert (
        sum("crashy exited with code 3; restarted it" in line for line in said)
        == supervisor_module.MAX_RESTARTS
    )
    assert said[-1] == "crashy exited with code 3; 3 restarts in a minute: stopping the platform."
    assert steady.process.poll() is None
    keeper.stop_all()
    assert steady.process.poll() is not None


def test_an_adopted_child_that_dies_stops_the_platform():
    said: list[str] = []
    keeper = Supervisor(say=said.append, stop_timeout=5)
    keeper.adopt("redis", subprocess.Popen(CRASH, start_new_session=True))
    assert keeper.watch(poll_seconds=0.05) == 1
    assert said == ["redis exited with code 3; it cannot be restarted: stopping the platform."]


def test_asked_to_stop_returns_zero():
    keeper = Supervisor(say=lambda text: None, stop_timeout=5)
    child = keeper.spawn("steady", SLEEP)
    threading.Timer(0.3, keeper.request_stop, args=(15,)).start()
    assert keeper.watch(poll_seconds=0.05) == 0
    keeper.stop_all()
    assert child.process.returncode is not None
