"""The wrk side of ``bench/ping_ingest.py``: a Lua script spreading POST /ping/{token} over the tokens, and
the parsing of wrk's ``--latency`` report. wrk is closed-loop: each connection sends its next request when
the answer arrives, so ``connections`` sets the concurrency and the rate is what the server sustains. With
``rate``, each connection also pauses ``connections / rate`` seconds before each request (wrk's ``delay``),
which paces the load at about ``rate`` requests/s as long as answers are quick; a server falling behind
shows as longer latencies and a lower achieved rate."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = """
tokens = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/ping/" .. tokens[(i %% #tokens) + 1], nil, "ok")
end
"""
PACED = """
delay = function()
  return %d
end
"""
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise RuntimeError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return round(float(value) * UNIT[unit], 1)


def run(url: str, tokens: list[str], connections: int, seconds: float, rate: float | None = None) -> dict:
    script = Path(tempfile.mkdtemp(prefix="wrk")) / "ping.lua"
    text = SCRIPT % ",".join(f'"{t}"' for t in tokens)
    if rate:
        text += PACED % round(1000 * connections / rate)
    script.write_text(text)
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", str(script), url]
    report = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    if "requests in" not in report or "Requests/sec" not in report:
        raise RuntimeError(f"unexpected wrk report:\n{report}")
    total = int(re.search(r"(\d+) requests in", report).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    failed = int(errors.group(1)) if errors else 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    return {
        "tool": "wrk",
        "connections": connections,
        "paced_per_s": rate,
        "seconds": seconds,
        "achieved_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", report, re.M).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", report, re.M).group(1)),  # type: ignore[union-attr]
        "ok_200": total - failed,
        "other": {k: v for k, v in (("non_2xx", failed), ("socket_errors", socket_errors)) if v},
    }
