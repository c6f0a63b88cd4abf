"""Running one job's process or request, with the same safety rules on a platform worker and on a remote
runner (``monitoring_runner.cli``). Standard library only: the runner installs on a host without Django or
any other package, and the platform's workers import this same module.

- A script runs as an argv list (``subprocess`` without a shell); declared arguments are substituted inside
  argv items and never split or interpreted, so ``; rm -rf /`` arrives as one literal argument.
- Only executables on an allow-list run.
- The timeout kills the whole process group (SIGTERM, then SIGKILL after a grace), and ``killed`` and
  ``signal`` say so.
- Output (stdout and stderr together) is kept up to a byte cap; the rest is read and dropped so the
  process never blocks on a full pipe, and the last line is taken from the true end of the output.
- The process gets a minimal environment, never the worker's or runner's own (which may hold the
  platform's SECRET_KEY, DATABASE_URL or ADMIN_PASSWORD): PATH, LANG, HOME and TMPDIR of a scratch
  directory that is also its working directory and is removed afterwards, plus the task's declared
  ``environment``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal as signals
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What a task may not set: the variables given here, and the hooks through which a variable makes a
# loader or an interpreter run other code than the allow-listed executable.
RESERVED_VARIABLES = frozenset(
    {"PATH", "HOME", "TMPDIR", "LANG", "BASH_ENV", "ENV", "SHELLOPTS", "PS4", "IFS"}
)
RESERVED_PREFIXES = (
    "LD_",
    "DYLD_",
    "PYTHON",
    "PERL",
    "RUBY",
    "NODE_",
    "JAVA_",
    "_JAVA",
    "GCONV",
    "GIT_",
    "LC_",
)
KILL_GRACE_SECONDS = 5.0
TAIL_BYTES = 4096


@dataclass
class RunOutcome:
    """A job's result, as stored on the job and as a runner reports it."""

    exit_code: int | None = None
    log: str = ""
    lastline: str = ""
    signal: str = ""
    killed: bool = False
    duration: float = 0.0
    error: str = ""
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and not self.killed and not self.error

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def substitute(template: str, values: Mapping[str, Any], *, url: bool = False) -> str:
    """``{name}`` placeholders of declared arguments replaced by their values (URL-quoted in a URL);
    braces around anything else are left as they are."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            return match.group(0)
        text = _text(values[name])
        return quote(text, safe="") if url else text

    return PLACEHOLDER.sub(replace, template)


def argv_build(executable: str, argv: Iterable[str], values: Mapping[str, Any]) -> list[str]:
    """The process's argv: one item per template item, whatever the values contain."""
    return [executable, *(substitute(str(item), values) for item in argv)]


def executable_allowed(executable: str, allowed: Iterable[str]) -> str | None:
    """The absolute path to run if ``executable`` (a path, or a name found on PATH) is on the allow-list."""
    resolved = executable if os.path.isabs(executable) else shutil.which(executable)
    if not resolved:
        return None
    allowed_paths = {os.path.realpath(a) for a in allowed}
    if resolved in allowed or os.path.realpath(resolved) in allowed_paths:
        return resolved
    return None


class _Capture:
    """Reads a pipe to its end: the first ``cap`` bytes are kept, the last few KB too (for the last line)."""

    def __init__(self, pipe, cap: int) -> None:
        self.pipe, self.cap = pipe, cap
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for chunk in iter(lambda: self.pipe.read1(65536), b""):
            self.total += len(chunk)
            if len(self.head) < self.cap:
                self.head += chunk[: self.cap - len(self.head)]
            self.tail = (self.tail + chunk)[-TAIL_BYTES:]

    def result(self) -> tuple[str, str]:
        self.thread.join(timeout=KILL_GRACE_SECONDS)
        log = self.head.decode("utf-8", errors="replace")
        if self.total > self.cap:
            log += f"\n[output truncated: {self.total - self.cap} more bytes]\n"
        lines = [line for line in self.tail.decode("utf-8", errors="replace").splitlines() if line.strip()]
        return log, (lines[-1][:1000] if lines else "")


def _killpg(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is already gone
        os.killpg(process.pid, sig)


def variable_refused(name: str) -> bool:
    """Whether a task's environment may not set ``name``."""
    return name in RESERVED_VARIABLES or name.startswith(RESERVED_PREFIXES)


def job_environment(scratch: str, declared: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a job's process (nothing is inherited)."""
    base = {"PATH": SAFE_PATH, "LANG": "C.UTF-8", "HOME": scratch, "TMPDIR": scratch}
    return {**{k: str(v) for k, v in (declared or {}).items() if not variable_refused(k)}, **base}


def run_argv(
    argv: list[str],
    *,
    timeout: float,
    max_output: int,
    should_cancel: Callable[[], bool] | None = None,
    poll_seconds: float = 1.0,
    env: Mapping[str, str] | None = None,
    on_output: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Run ``argv`` in its own process group, in a scratch directory with the minimal environment plus
    ``env`` (``job_environment``); kill the group on timeout or when ``should_cancel()``. ``on_output``
    receives the output kept so far, at most once per ``poll_seconds`` and only when it grew (the
    dashboard shows a running job's log from it)."""
    with tempfile.TemporaryDirectory(prefix="job-") as scratch:
        return _run_in(argv, scratch, timeout, max_output, should_cancel, poll_seconds, env, on_output)


def _run_in(argv, scratch, timeout, max_output, should_cancel, poll_seconds, env, on_output) -> RunOutcome:
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=scratch,
            env=job_environment(scratch, env),
        )
    except OSError as exc:
        return RunOutcome(error=f"could not start {argv[0]}: {exc.strerror or exc}", exit_code=None)
    capture = _Capture(process.stdout, max_output)
    killed_by, cancelled, reported = "", False, 0
    while True:
        try:
            process.wait(timeout=poll_seconds)
            break
        except subprocess.TimeoutExpired:
            if on_output is not None and len(capture.head) > reported:
                reported = len(capture.head)
                on_output(bytes(capture.head).decode("utf-8", errors="replace"))
            if time.monotonic() - started >= timeout:
                killed_by = "timeout"
            elif should_cancel is not None and should_cancel():
                killed_by, cancelled = "cancel", True
            if killed_by:
                _terminate(process)
                break
    log, lastline = capture.result()
    code = process.returncode
    outcome = RunOutcome(log=log, lastline=lastline, duration=round(time.monotonic() - started, 3))
    if code is not None and code < 0:
        outcome.signal = signals.Signals(-code).name
    else:
        outcome.exit_code = code
    if killed_by:
        outcome.killed = True
        outcome.cancelled = cancelled
        outcome.error = "cancelled" if cancelled else f"timed out after {timeout:g} s"
    return outcome


def _terminate(process: subprocess.Popen) -> None:
    _killpg(process, signals.SIGTERM)
    try:
        process.wait(timeout=KILL_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _killpg(process, signals.SIGKILL)
        process.wait()


HttpCall = Callable[..., RunOutcome]
"""How an HTTP job's request is made: ``run_http`` on a runner (the host's own network), the platform's
policed outbound client on a platform worker (``jobs.services.execution``). Keyword arguments: ``url``,
``method``, ``headers``, ``body``, ``timeout``, ``max_output``."""


def http_outcome(
    *, status: int | None, reason: str, body: str, duration: float, error: str = ""
) -> RunOutcome:
    """An HTTP job's result, the same whoever made the request: success is a status below 400, the log is
    the status line and the (capped) response body."""
    if error or status is None:
        return RunOutcome(error=error or "no answer", duration=round(duration, 3))
    line = f"HTTP {status} {reason}".rstrip()
    return RunOutcome(
        exit_code=0 if status < 400 else 1,
        log=f"{line}\n\n{body}",
        lastline=line,
        duration=round(duration, 3),
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # a 3xx is the answer
        return None


# HTTP and HTTPS only: no file:, ftp: or data: handler, whatever URL a task names.
_OPENER = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.HTTPHandler,
    urllib.request.HTTPSHandler,
    urllib.request.HTTPDefaultErrorHandler,
    urllib.request.HTTPErrorProcessor,
    _NoRedirects,
):
    _OPENER.add_handler(_handler())


def run_http(
    *, url: str, method: str, headers: Mapping[str, str], body: str, timeout: float, max_output: int
) -> RunOutcome:
    """One request with the standard library (a runner needs no third-party package); redirects are not
    followed, the body is read up to ``max_output`` bytes."""
    started = time.monotonic()
    if not url.lower().startswith(("http://", "https://")):
        return http_outcome(
            status=None, reason="", body="", duration=0, error=f"not an HTTP URL: {url[:200]}"
        )
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=body.encode() if body else None, headers=dict(headers), method=method.upper()
    )
    try:
        try:
            response = _OPENER.open(request, timeout=timeout)
        except urllib.error.HTTPError as answer:  # 3xx, 4xx and 5xx: still an answer
            response = answer
        with response:
            kept = response.read(max_output)
            status, reason = response.status, response.reason or ""
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None)
        error = f"{type(exc).__name__}: {reason if reason is not None else exc}"
        return http_outcome(status=None, reason="", body="", duration=time.monotonic() - started, error=error)
    text = kept.decode("utf-8", errors="replace")
    return http_outcome(status=status, reason=str(reason), body=text, duration=time.monotonic() - started)


def spec_run(
    spec: dict[str, Any],
    *,
    allowed: Iterable[str],
    should_cancel: Callable[[], bool] | None = None,
    on_output: Callable[[str], None] | None = None,
    http: HttpCall = run_http,
) -> RunOutcome:
    """Run a job as its claim describes it (``jobs.services.execution.job_spec``): the one code path of
    platform workers and remote runners. ``allowed`` is this host's allow-list of executables; ``http``
    makes an HTTP job's request."""
    if spec["kind"] == "noop":
        return RunOutcome(exit_code=0, log="noop\n", lastline="noop")
    if spec["kind"] == "http":
        call = spec["http"]
        return http(
            url=call["url"],
            method=call["method"],
            headers=call["headers"],
            body=call["body"],
            timeout=spec["timeout"],
            max_output=spec["max_output_bytes"],
        )
    argv = list(spec["argv"])
    resolved = executable_allowed(argv[0], allowed)
    if resolved is None:
        return RunOutcome(error=f"executable {argv[0]!r} is not on this host's allow-list")
    return run_argv(
        [resolved, *argv[1:]],
        timeout=spec["timeout"],
        max_output=spec["max_output_bytes"],
        should_cancel=should_cancel,
        env=spec.get("environment") or {},
        on_output=on_output,
    )
