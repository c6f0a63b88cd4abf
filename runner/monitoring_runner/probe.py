"""The probe: ``monitoring-probe --url https://monitoring.example.com --enroll enr_... --location eu-west``.

It checks the platform's monitors from where it runs. Like the runner it only makes outbound requests: a
heartbeat every ``--heartbeat`` seconds, a long-polled claim of the due checks of its locations (each one
leased to it for its due time), the checks run at their due times by the platform's own check code
(``monitoring_runner.checks``, concurrently on one HTTP session per batch), and the results posted back
in batches. Claims go on while batches run, so a slow target never delays the next due checks. A result
that cannot be posted is retried through a short outage; one whose lease ran out meanwhile is refused by
the platform and the check re-run there by whichever probe claims it next (docs/probes.md).

It needs the ``probe`` extra: ``pip install "./runner[probe]"`` (aiohttp, dnspython, icmplib,
cryptography).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from monitoring_runner import VERSION
from monitoring_runner.cli import PlatformSession, _base_url, credentials
from monitoring_runner.platform_client import TransportError

logger = logging.getLogger("monitoring_probe")
REPORT_ATTEMPTS = 6


class Probe(PlatformSession):
    def __init__(self, url: str, runner_id: int, token: str, heartbeat: float = 10.0, batch: int = 500):
        super().__init__(url, runner_id, token, heartbeat)
        self.batch = batch
        self.in_flight: set[asyncio.Task[None]] = set()

    def claim(self, wait: int = 10) -> list[dict[str, Any]]:
        answer = self._post("checks/claim", params={"wait": wait, "limit": self.batch}, timeout=wait + 30)
        if answer.status == 204:
            return []
        if answer.status != 200:
            raise TransportError(f"claim refused: {answer.status} {answer.text[:200]}")
        return answer.data().get("checks") or []

    def report(self, results: list[dict[str, Any]]) -> None:
        for attempt in range(REPORT_ATTEMPTS):
            try:
                answer = self._post("checks/results", {"results": results})
                if answer.status < 300:
                    data = answer.data()
                    if data.get("rejected"):
                        logger.warning("%s results refused (their leases ran out)", data["rejected"])
                    return
                logger.warning("results refused: %s %s", answer.status, answer.text[:300])
                return
            except TransportError as exc:
                logger.warning("posting %s results failed (%s); retrying", len(results), exc)
                self.stopping.wait(min(2**attempt, 10))

    async def run_batch(self, items: list[dict[str, Any]]) -> None:
        from monitoring_runner.checks import CheckSpec, check_many

        specs = [CheckSpec.from_dict({**item["check"], "pk": item["id"]}) for item in items]
        due = {item["id"]: datetime.fromisoformat(item["due"].replace("Z", "+00:00")) for item in items}
        outcomes = await check_many(specs, due)
        results = [
            {
                "id": item["id"],
                "due": item["due"],
                "ok": outcome.ok,
                "response_time_ms": outcome.response_time_ms,
                "status_code": outcome.status_code,
                "error": outcome.error[:500],
                "cert_days_left": outcome.cert_days_left,
                "started_at": outcome.started_at.isoformat() if outcome.started_at else None,
            }
            for item, outcome in zip(items, outcomes, strict=True)
        ]
        await asyncio.get_running_loop().run_in_executor(None, self.report, results)

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        threading.Thread(target=self.heartbeat_loop, daemon=True).start()
        while not self.stopping.is_set():
            try:
                items = await loop.run_in_executor(None, self.claim)
            except TransportError as exc:
                logger.warning("claim failed: %s; retrying in 5 s", exc)
                await loop.run_in_executor(None, self.stopping.wait, 5)
                continue
            if items:
                task = asyncio.create_task(self.run_batch(items))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
        if self.in_flight:  # a stop finishes and posts what was claimed
            await asyncio.gather(*self.in_flight, return_exceptions=True)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitoring-probe", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, type=_base_url, help="The platform's base URL.")
    parser.add_argument("--location", action="append", default=[], help="A location (repeatable).")
    parser.add_argument("--token", help="This probe's token (rnr_...).")
    parser.add_argument("--runner-id", type=int, help="This probe's id (with --token).")
    parser.add_argument("--token-file", type=Path, default=Path("probe-token.json"))
    parser.add_argument("--enroll", help="An enrollment token (enr_...) to register with.")
    parser.add_argument("--name", default=socket.gethostname())
    parser.add_argument("--heartbeat", type=float, default=10.0, help="Seconds between heartbeats.")
    parser.add_argument("--batch", type=int, default=500, help="Checks per claim (at most 500).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    return parser


def main(argv: list[str] | None = None) -> int:
    options = parser()
    args = options.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.enroll and not args.location:
        options.error("registering a probe needs at least one --location")
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        options.error('the probe needs its extra: pip install "monitoring-runner[probe]"')
    runner_id, token = credentials(options, args, [], args.location)
    probe = Probe(args.url, runner_id, token, args.heartbeat, min(max(args.batch, 1), 500))
    signal.signal(signal.SIGTERM, lambda *_: probe.stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(probe.serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
