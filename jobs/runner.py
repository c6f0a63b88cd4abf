"""The remote runner: ``python -m jobs.runner --url https://monitoring.example.com --token rnr_...``.

It pulls work, so it runs behind NAT: a heartbeat every ``--heartbeat`` seconds (its answer names jobs to
cancel), a long-polled claim for the next job, the job run under the same rules as on a platform worker
(``jobs.execution``: argv lists, an allow-list of executables, timeout killing the process group, output
cap), and the result posted back. Register once with an enrollment token instead of a runner token
(``--enroll enr_... --name web-1 --label linux``); the runner token is then written to ``--token-file``
(mode 0600) and used from then on.

Only ``jobs.execution`` and httpx are needed; the runner never imports Django.
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
from pathlib import Path
from typing import Any

import httpx

from jobs.execution import Outcome, spec_run

logger = logging.getLogger("jobs.runner")
VERSION = "1.0"


class Runner:
    def __init__(self, url: str, runner_id: int, token: str, allowed: list[str], heartbeat: float = 10.0):
        self.base = url.rstrip("/") + "/api/v1"
        self.runner_id = runner_id
        self.allowed = allowed
        self.heartbeat_seconds = heartbeat
        self.client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60)
        self.cancelled: set[int] = set()
        self.stopping = threading.Event()

    def _post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(f"{self.base}/runners/{self.runner_id}/{path}", **kwargs)

    def heartbeat_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                answer = self._post("heartbeat", json={"version": VERSION})
                if answer.status_code == 200:
                    self.cancelled.update(answer.json()["data"]["cancel"])
            except httpx.HTTPError as exc:
                logger.warning("heartbeat failed: %s", exc)
            self.stopping.wait(self.heartbeat_seconds)

    def run_one(self, wait: int = 30) -> bool:
        """Claim and run one job; False when none came within ``wait`` seconds."""
        answer = self._post("claim", params={"wait": wait}, timeout=wait + 30)
        if answer.status_code == 204:
            return False
        answer.raise_for_status()
        spec = answer.json()["data"]["job"]
        logger.info("running job %s (%s)", spec["id"], spec["task"]["name"])
        outcome = self.execute(spec)
        for attempt in range(5):  # the result must arrive: retry through a short outage
            try:
                self._post(f"jobs/{spec['id']}/result", json=outcome.as_dict()).raise_for_status()
                break
            except httpx.HTTPError as exc:
                logger.warning("reporting job %s failed (%s); retrying", spec["id"], exc)
                time.sleep(2**attempt)
        return True

    def execute(self, spec: dict[str, Any]) -> Outcome:
        return spec_run(
            spec,
            allowed=self.allowed,
            should_cancel=lambda: spec["id"] in self.cancelled,
            on_output=lambda text: self.progress(spec["id"], text),
        )

    def progress(self, job_id: int, text: str) -> None:
        """The output so far, for the job's page; a lost update is harmless (the result carries it all)."""
        try:
            self._post(f"jobs/{job_id}/log", json={"log": text}, timeout=10)
        except httpx.HTTPError as exc:
            logger.debug("progress of job %s not sent: %s", job_id, exc)

    def serve(self, once: bool = False) -> None:
        threading.Thread(target=self.heartbeat_loop, daemon=True).start()
        while not self.stopping.is_set():
            try:
                ran = self.run_one()
            except httpx.HTTPError as exc:
                logger.warning("claim failed: %s; retrying in 5 s", exc)
                self.stopping.wait(5)
                continue
            if once and ran:
                return


def register(url: str, enrollment: str, name: str, labels: list[str]) -> tuple[int, str]:
    answer = httpx.post(
        url.rstrip("/") + "/api/v1/runners/register",
        json={
            "enrollment_token": enrollment,
            "name": name,
            "labels": labels,
            "hostname": socket.gethostname(),
            "version": VERSION,
        },
        timeout=30,
    )
    if answer.status_code != 201:
        raise SystemExit(f"registration failed: {answer.status_code} {answer.text}")
    data = answer.json()["data"]
    return data["runner"]["id"], data["token"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs.runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="The platform's base URL.")
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    if args.enroll:
        runner_id, token = register(args.url, args.enroll, args.name, args.label)
        args.token_file.write_text(json.dumps({"runner_id": runner_id, "token": token}))
        os.chmod(args.token_file, 0o600)
        logger.info("registered as runner %s; token saved to %s", runner_id, args.token_file)
    elif args.token and args.runner_id:
        runner_id, token = args.runner_id, args.token
    elif args.token_file.exists():
        saved = json.loads(args.token_file.read_text())
        runner_id, token = saved["runner_id"], saved["token"]
    else:
        parser.error("give --enroll, or --token with --runner-id, or an existing --token-file")

    runner = Runner(args.url, runner_id, token, args.allow, args.heartbeat)
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        runner.serve(once=args.once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
