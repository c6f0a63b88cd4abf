"""Real processes under the execution rules: argv items stay literal, exit codes and signals are
recorded, the timeout kills the whole process group, output is capped."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

from monitoring_runner.execution import argv_build, executable_allowed, run_argv

PYTHON = sys.executable


def script(tmp_path, body: str) -> str:
    path = tmp_path / "job.py"
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_arguments_arrive_as_single_literal_argv_items(tmp_path):
    target = tmp_path / "victim"
    target.write_text("still here")
    code = script(tmp_path, "import json, sys; print(json.dumps(sys.argv[1:]))")
    hostile = f"; rm -rf {target} && echo pwned $(id) `id` | cat"
    argv = argv_build(PYTHON, [code, "--name={name}", "{name}"], {"name": hostile})

    outcome = run_argv(argv, timeout=10, max_output=10_000)

    assert outcome.exit_code == 0, outcome
    assert json.loads(outcome.lastline) == [f"--name={hostile}", hostile]
    assert target.read_text() == "still here"
    assert "pwned" not in outcome.log.replace(hostile, "")


def test_exit_code_and_last_line(tmp_path):
    code = script(tmp_path, "print('first'); print('the last line'); print(); raise SystemExit(3)")
    outcome = run_argv([PYTHON, code], timeout=10, max_output=10_000)
    assert (outcome.exit_code, outcome.lastline, outcome.killed, outcome.signal) == (
        3,
        "the last line",
        False,
        "",
    )
    assert outcome.log.startswith("first\n")
    assert not outcome.succeeded


def test_timeout_kills_the_process_group(tmp_path):
    marker = tmp_path / "child-survived"
    code = script(
        tmp_path,
        f"""
        import subprocess, sys, time
        # a grandchild in the same group that would write the marker if it outlived the kill
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3); open({str(marker)!r}, 'w')"])
        print("started", flush=True)
        time.sleep(60)
    """,
    )
    outcome = run_argv([PYTHON, code], timeout=1, max_output=10_000, poll_seconds=0.2)

    assert outcome.killed and outcome.signal == "SIGTERM" and outcome.exit_code is None
    assert outcome.error.startswith("timed out")
    assert outcome.lastline == "started"
    time.sleep(3.5)
    assert not marker.exists()


def test_sigterm_ignored_gets_sigkill(tmp_path, monkeypatch):
    monkeypatch.setattr("monitoring_runner.execution.KILL_GRACE_SECONDS", 0.5)
    code = script(
        tmp_path,
        """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ignoring", flush=True)
        time.sleep(60)
    """,
    )
    outcome = run_argv([PYTHON, code], timeout=1, max_output=10_000, poll_seconds=0.2)
    assert outcome.killed and outcome.signal == "SIGKILL"


def test_output_is_capped_but_the_last_line_is_the_real_one(tmp_path):
    code = script(tmp_path, "import sys\nfor i in range(20000): print('line', i)\nprint('done')")
    outcome = run_argv([PYTHON, code], timeout=20, max_output=1024)
    assert outcome.exit_code == 0
    assert outcome.log.startswith("line 0\n")
    assert outcome.log.index("\n[output truncated") == 1024
    assert "more bytes]" in outcome.log
    assert outcome.lastline == "done"


def test_cancel_terminates_a_running_process(tmp_path):
    code = script(tmp_path, "import time; print('working', flush=True); time.sleep(60)")
    calls = []

    def should_cancel():
        calls.append(1)
        return len(calls) >= 2

    outcome = run_argv(
        [PYTHON, code], timeout=30, max_output=10_000, should_cancel=should_cancel, poll_seconds=0.2
    )
    assert outcome.cancelled and outcome.killed and outcome.error == "cancelled"


def test_missing_executable_is_an_error_not_a_crash(tmp_path):
    outcome = run_argv([str(tmp_path / "nope")], timeout=5, max_output=100)
    assert outcome.error.startswith("could not start") and not outcome.succeeded


def test_allow_list(tmp_path):
    assert executable_allowed(PYTHON, [PYTHON]) == PYTHON
    assert executable_allowed("/bin/sh", [PYTHON]) is None
    assert executable_allowed("sh", []) is None
    assert executable_allowed(str(tmp_path / "missing"), []) is None


def test_a_runners_http_call_uses_the_standard_library_and_follows_no_redirect():
    """What a standalone runner does for an HTTP job (no third-party client there)."""
    from monitoring_runner.execution import run_http
    from tests.monitors.targets import HttpTarget

    with HttpTarget() as target:
        base = f"http://127.0.0.1:{target.server.server_address[1]}"

        def call(path: str, **extra):
            options = {"method": "GET", "headers": {}, "body": "", "timeout": 5, "max_output": 5, **extra}
            return run_http(url=base + path, **options)

        ok = call("/text/hello+world")
        assert (ok.exit_code, ok.lastline, ok.log) == (0, "HTTP 200 OK", "HTTP 200 OK\n\nhello")  # capped
        moved = call("/redirect")
        assert (moved.exit_code, moved.lastline) == (0, "HTTP 302 Found")  # not followed
        assert target.served == 2
        broken = call("/status/503")
        assert (broken.exit_code, broken.lastline) == (1, "HTTP 503 Service Unavailable")
    refused = run_http(url=base, method="GET", headers={}, body="", timeout=5, max_output=100)
    assert refused.exit_code is None and "Connection refused" in refused.error and not refused.succeeded
    local_file = run_http(
        url="file:///etc/passwd", method="GET", headers={}, body="", timeout=5, max_output=100
    )
    assert local_file.error.startswith("not an HTTP URL") and "root" not in local_file.log


def test_a_script_gets_a_minimal_environment_in_a_scratch_directory(tmp_path, monkeypatch):
    """Never the worker's own variables (SECRET_KEY, DATABASE_URL, ADMIN_PASSWORD), only what is given."""
    monkeypatch.setenv("ADMIN_PASSWORD", "hunter2")
    monkeypatch.setenv("SECRET_KEY", "signing")
    code = "import json, os; print(json.dumps({'env': dict(os.environ), 'cwd': os.getcwd()}))"
    outcome = run_argv([PYTHON, "-c", code], timeout=10, max_output=10_000, env={"REPORT_TO": "ops"})
    seen = json.loads(outcome.lastline)
    assert set(seen["env"]) - {"LC_CTYPE"} == {"PATH", "LANG", "HOME", "TMPDIR", "REPORT_TO"}, seen
    assert seen["env"]["HOME"] == seen["cwd"] == seen["env"]["TMPDIR"] and "job-" in seen["cwd"]
    assert not Path(seen["cwd"]).exists()  # removed afterwards


def test_a_task_cannot_set_variables_that_change_what_runs(tmp_path):
    from monitoring_runner.execution import job_environment

    given = {"LD_PRELOAD": "/tmp/evil.so", "PYTHONPATH": "/tmp", "PATH": "/tmp", "HOME": "/", "OK": "1"}
    assert job_environment("/scratch", given) == {
        "OK": "1",
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "HOME": "/scratch",
        "TMPDIR": "/scratch",
    }
