"""What a new user's `make run` does, from a runtime-only install: the check that a green test suite on the
dev venv cannot give.

1. A fresh venv and `pip install .` (the declared runtime dependencies, no dev extras).
2. Every module of the platform's packages imports in that venv (Django set up first).
3. `manage.py up` in the embedded mode (SQLite, embedded Redis, a fresh VAR_DIR) on a free port answers
   `GET /api/v1/health?strict=1` with 200 and serves the dashboard's login page.
4. The admin it printed logs in, creates a website monitor and sees its first check result.
5. SIGTERM stops it, and no process it started is left.

Standard library only; run with the Python the platform is installed for: `python3 .ci/runtime_check.py`.
Any failed step exits 1 with the tail of the platform's output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_IGNORED = [".git", ".venv", "var", "build", "*.egg-info", "__pycache__", ".*_cache", "node_modules"]
PACKAGES = ["monitoring_site", "monitors", "alerts", "jobs", "agents", "monitoring_runner"]
IMPORT_ALL = """
import importlib, pkgutil, sys
import django
django.setup()
failed = []
count = 0
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        if info.name.endswith((".test_settings", ".__main__")):
            continue  # the test suite's settings; entry points that would run
        count += 1
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print(f"imported {count} modules")
if failed:
    print("could not import:", *failed, sep="\\n  ")
    sys.exit(1)
"""


class Failed(Exception):
    pass


def step(text: str) -> None:
    print(f"-- {text}", flush=True)


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise Failed(f"{' '.join(argv)} exited {done.returncode}:\n{(done.stdout + done.stderr)[-4000:]}")
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict | str]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (a URL built here)
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def processes_with(marker: str) -> list[str]:
    """Live processes whose environment or command line mentions ``marker`` (the check's VAR_DIR)."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if "\nState:\tZ" in (entry / "status").read_text():
                continue
            cmdline = (entry / "cmdline").read_bytes()
            if needle in cmdline or needle in (entry / "environ").read_bytes():
                shown = cmdline.replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{entry.name}: {shown}")
        except OSError:
            continue
    return found


class Platform:
    def __init__(self, python: str, var_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.var_dir = var_dir
        self.output: list[str] = []
        env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD")
        }
        env.update(VAR_DIR=str(var_dir), HOST="127.0.0.1", PORT=str(self.port), PYTHONUNBUFFERED="1")
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(
            [python, "manage.py", "up"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output[-lines:])

    def wait_for(self, what: str, predicate, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"`manage.py up` exited with {self.process.returncode} while waiting for {what}")
            try:
                result = predicate()
            except OSError:
                result = None
            if result:
                return result
            time.sleep(0.5)
        raise Failed(f"timed out after {seconds:.0f} s waiting for {what}")

    def printed_password(self) -> str | None:
        for line in self.output:
            found = re.search(r"Password:\s+(\S+)\s+\(generated", line)
            if found:
                return found.group(1)
        return None

    def stop(self, seconds: float = 60) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            raise Failed(f"`manage.py up` did not stop within {seconds:.0f} s of SIGTERM") from exc


def check_platform(python: str, var_dir: Path) -> None:
    step("manage.py up (embedded mode: SQLite and the embedded Redis)")
    platform = Platform(python, var_dir)
    try:
        platform.wait_for(
            "GET /api/v1/health?strict=1 = 200",
            lambda: http("GET", f"{platform.url}/api/v1/health?strict=1")[0] == 200,
            240,
        )
        password = platform.wait_for("the printed admin password", platform.printed_password, 30)
        status, page = http("GET", f"{platform.url}/login")
        if status != 200 or "password" not in str(page).lower():
            raise Failed(f"the dashboard's login page answered {status}")

        step("log in with the printed admin, create a website monitor, wait for its first check")
        status, login = http(
            "POST", f"{platform.url}/api/v1/auth/login", {"username": "admin", "password": password}
        )
        if status != 200:
            raise Failed(f"login with the printed password answered {status}: {login}")
        token = login["data"]["token"]
        monitor = {
            "name": "runtime check",
            "type": "website",
            "target": f"{platform.url}/api/v1/health",
            "check_interval": 10,
            "timeout": 5,
        }
        status, created = http("POST", f"{platform.url}/api/v1/monitors", monitor, token)
        if status != 201:
            raise Failed(f"creating a monitor answered {status}: {created}")
        monitor_id = created["data"]["monitor"]["id"]

        def first_result():
            status, logs = http("GET", f"{platform.url}/api/v1/monitors/{monitor_id}/logs", token=token)
            return status == 200 and logs["data"]["logs"]

        first = platform.wait_for("the monitor's first check result", first_result, 120)[0]
        if not first["ok"]:
            raise Failed(f"the first check of the platform's own health endpoint failed: {first}")
        print(f"   first check: ok, HTTP {first['status_code']} in {first['response_time_ms']} ms")

        step("SIGTERM: every process of the platform stops")
        code = platform.stop()
        if code != 0:
            raise Failed(f"`manage.py up` exited with {code} after SIGTERM")
        deadline = time.monotonic() + 15
        while (left := processes_with(str(var_dir))) and time.monotonic() < deadline:
            time.sleep(0.5)
        if left:
            raise Failed("processes left after the platform stopped:\n  " + "\n  ".join(left))
    except Failed:
        print(f"---- the platform's output (last lines) ----\n{platform.tail()}", flush=True)
        raise
    finally:
        if platform.process.poll() is None:
            platform.process.kill()
        for line in processes_with(str(var_dir)):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="msp-runtime-") as scratch:
        base = Path(scratch)
        venv, var_dir = base / "venv", base / "var"
        try:
            step(f"fresh venv with {sys.executable} ({sys.version.split()[0]}), pip install . (runtime only)")
            run([sys.executable, "-m", "venv", str(venv)])
            python = str(venv / "bin" / "python")
            pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            run([*pip, "--upgrade", "pip", "setuptools", "wheel"])
            # From a copy, so the build leaves no build/ or egg-info in the checkout.
            source = base / "source"
            shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*COPY_IGNORED))
            run([*pip, str(source)], cwd=base)

            step("import every module of " + ", ".join(PACKAGES))
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "monitoring_site.settings",
                "VAR_DIR": str(var_dir),
            }
            for name in ("DATABASE_URL", "REDIS_URL"):
                env.pop(name, None)
            print("   " + run([python, "-c", IMPORT_ALL, *PACKAGES], cwd=ROOT, env=env).stdout.strip())
            step("the remote runner's command")
            run([str(venv / "bin" / "monitoring-runner"), "--help"])

            check_platform(python, var_dir)
        except Failed as exc:
            print(f"RUNTIME CHECK FAILED: {exc}", flush=True)
            return 1
    print(f"runtime check passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
