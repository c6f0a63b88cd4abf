"""The remote runner: ``monitoring-runner --url https://monitoring.example.com --enroll enr_...``.

It pulls work, so it runs behind NAT: a heartbeat every ``--heartbeat`` seconds (its answer names jobs to
cancel), a long-polled claim for the next job, the job run under the same rules as on a platform worker
(``monitoring_runner.execution``: argv lists, an allow-list of executables, timeout killing the process
group, output cap), and the result posted back. Register once with an enrollment token (``--enroll enr_...
--name web-1 --label linux``); the runner token is then written to ``--token-file`` (mode 0600) and used
from then on. HTTP jobs a runner claims reach this host's network (the platform's own workers are held to
the private-address policy instead).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitoring_runner import VERSION
from monitoring_runner.execution import RunOutcome, spec_run
from monitoring_runner.platform_client import PlatformClient, TransportError

logger = logging.getLogger("monitoring_runner")


class PlatformSession:
    """What the runner and the probe share: this runner's token, its endpoints, and the heartbeat loop."""

    def __init__(self, url: str, runner_id: int, token: str, heartbeat: float = 10.0):
        self.client = PlatformClient(url, token)
        self.runner_id = runner_id
        self.heartbeat_seconds = heartbeat
        self.stopping = threading.Event()

    def _post(self, path: str, payload: dict[str, Any] | None = None, **kwargs: Any):
        return self.client.post(f"runners/{self.runner_id}/{path}", payload, **kwargs)

    def on_heartbeat(self, data: dict[str, Any]) -> None:
        """The heartbeat's answer (``{"cancel": [...]}``)."""

    def heartbeat_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                answer = self._post("heartbeat", {"version": VERSION})
                if answer.status == 200:
                    self.on_heartbeat(answer.data())
                else:
                    logger.warning("heartbeat refused: %s %s", answer.status, answer.text[:200])
            except TransportError as exc:
                logger.warning("heartbeat failed: %s", exc)
            self.stopping.wait(self.heartbeat_seconds)


class Runner(PlatformSession):
    def __init__(self, url: str, runner_id: int, token: str, allowed: list[str], heartbeat: float = 10.0):
        super().__init__(url, runner_id, token, heartbeat)
        self.allowed = allowed
        self.cancelled: set[int] = set()

    def on_heartbeat(self, data: dict[str, Any]) -> None:
        self.cancelled.update(data["cancel"])

    def run_one(self, wait: int = 30) -> bool:
        """Claim and run one job; False when none came within ``wait`` seconds."""
        answer = self._post("claim", params={"wait": wait}, timeout=wait + 30)
        if answer.status == 204:
            return False
        if answer.status != 200:
            raise TransportError(f"claim refused: {answer.status} {answer.text[:200]}")
        spec = answer.data()["job"]
        logger.info("running job %s (%s)", spec["id"], spec["task"]["name"])
        outcome = self.execute(spec)
        self.report(spec["id"], outcome)
        return True

    def report(self, job_id: int, outcome: RunOutcome, attempts: int = 5) -> None:
        """The result must arrive: retried through a short outage."""
        for attempt in range(attempts):
            try:
                answer = self._post(f"jobs/{job_id}/result", outcome.as_dict())
                if answer.status < 300:
                    return
                logger.warning("result of job %s refused: %s %s", job_id, answer.status, answer.text[:200])
                return  # a 4xx will not change on retry (the job was cancelled or reassigned)
            except TransportError as exc:
                logger.warning("reporting job %s failed (%s); retrying", job_id, exc)
                time.sleep(2**attempt)

    def execute(self, spec: dict[str, Any]) -> RunOutcome:
        return spec_run(
            spec,
            allowed=self.allowed,
            should_cancel=lambda: spec["id"] in self.cancelled,
            on_output=lambda text: self.progress(spec["id"], text),
        )

    def progress(self, job_id: int, text: str) -> None:
        """The output so far, for the job's page; a lost update is harmless (the result carries it all)."""
        try:
            self._post(f"jobs/{job_id}/log", {"log": text}, timeout=10)
        except TransportError as exc:
            logger.debug("progress of job %s not sent: %s", job_id, exc)

    def serve(self, once: bool = False) -> None:
        threading.Thread(target=self.heartbeat_loop, daemon=True).start()
        while not self.stopping.is_set():
            try:
                ran = self.run_one()
            except TransportError as exc:
                logger.warning("claim failed: %s; retrying in 5 s", exc)
                self.stopping.wait(5)
                continue
            if once and ran:
                return


def register(
    url: str, enrollment: str, name: str, labels: list[str], locations: list[str] | None = None
) -> tuple[int, str]:
    try:
        answer = PlatformClient(url, timeout=30).post(
            "runners/register",
            {
                "enrollment_token": enrollment,
                "name": name,
                "labels": labels,
                "locations": locations or [],
                "hostname": socket.gethostname(),
                "version": VERSION,
            },
        )
    except TransportError as exc:
        raise SystemExit(f"registration failed: {exc}") from exc
    if answer.status != 201:
        raise SystemExit(f"registration failed: {answer.status} {answer.text[:500]}")
    data = answer.data()
    return data["runner"]["id"], data["token"]


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"{value!r} is not an http:// or https:// URL")
    return value


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitoring-runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, type=_base_url, help="The platform's base URL.")
    parser.add_argument("--token", help="This runner's token (rnr_...).")
    parser.add_argument("--runner-id", type=int, help="This runner's id (with --token).")
    parser.add_argument("--token-file", type=Path, default=Path("runner-token.json"))
    parser.add_argument("--enroll", help="An enrollment token (enr_...) to register with.")
    parser.add_argument("--name", default=socket.gethostname())
    parser.add_argument("--label", action="append", default=[], help="A label (repeatable).")
    parser.add_argument(
        "--allow", action="append", default=[], help="An executable scripts may run (repeatable)."
    )
    parser.add_argument("--heartbeat", type=float, default=10.0, help="Seconds between heartbeats.")
    parser.add_argument("--once", action="store_true", help="Exit after running one job.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    return parser


def credentials(
    options: argparse.ArgumentParser,
    args: argparse.Namespace,
    labels: list[str],
    locations: Sequence[str] = (),
) -> tuple[int, str]:
    """Register with ``--enroll`` (saving the token to ``--token-file``, mode 0600), or use ``--token`` with
    ``--runner-id``, or the saved token file."""
    if args.enroll:
        runner_id, token = register(args.url, args.enroll, args.name, labels, list(locations))
        args.token_file.write_text(json.dumps({"runner_id": runner_id, "token": token}))
        os.chmod(args.token_file, 0o600)
        logger.info("registered as runner %s; token saved to %s", runner_id, args.token_file)
        return runner_id, token
    if args.token and args.runner_id:
        return args.runner_id, args.token
    if args.token_file.exists():
        saved = json.loads(args.token_file.read_text())
        return saved["runner_id"], saved["token"]
    options.error("give --enroll, or --token with --runner-id, or an existing --token-file")


def main(argv: list[str] | None = None) -> int:
    options = parser()
    args = options.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    runner_id, token = credentials(options, args, args.label)
    runner = Runner(args.url, runner_id, token, args.allow, args.heartbeat)
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        runner.serve(once=args.once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
