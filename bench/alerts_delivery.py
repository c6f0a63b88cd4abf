"""Notification delivery throughput: events emitted through the bus, each to 3 channels (webhook kind)
pointing at a local receiver, delivered by the real worker started by ``manage.py up``.

    .venv/bin/python bench/alerts_delivery.py [--events 10000]

Embedded mode by default; with DATABASE_URL/REDIS_URL set it runs against them. Prints one JSON line:
deliveries per second (first emit to last delivery), p50/p99 latency from the event's timestamp to its
arrival at the receiver, and how many deliveries were lost (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import Platform, free_port

SETUP = """
from alerts.models import NotificationChannel
from monitoring_site.accounts.models import Organization
org = Organization.objects.get()
ids = [NotificationChannel.objects.create(organization=org, name=f"bench-{{i}}", kind="webhook",
       config={{"url": f"{url}/c{{i}}"}}).pk for i in range(3)]
print(",".join(map(str, ids)))
"""

EMIT = """
import time
from django.db import transaction
from monitoring_site.accounts.models import Organization
from monitoring_site.events import emit
org = Organization.objects.get()
channels = [{channels}]
started = time.time()
for start in range(0, {count}, {batch}):
    with transaction.atomic():
        for i in range(start, min(start + {batch}, {count})):
            emit(org, "monitor.down", {{"monitor": {{"id": i, "name": f"m{{i}}", "status": "down"}}}},
                 subject_type="monitor", subject_id=i, channel_ids=channels)
print(f"{{started}} {{time.time()}}")
"""


class Receiver:
    """A minimal ASGI app under uvicorn that notes when each (event, channel) arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[tuple[str, str], float] = {}
        self.requests = 0
        self.port = free_port()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        now = time.time()
        event = json.loads(body)
        self.requests += 1
        self.arrivals.setdefault((event["id"], scope["path"]), now - _epoch(event["timestamp"]))
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    def start(self) -> None:
        config = uvicorn.Config(self, host="127.0.0.1", port=self.port, log_level="error", lifespan="off")
        self.server = uvicorn.Server(config)
        threading.Thread(target=self.server.run, daemon=True).start()
        while not self.server.started:
            time.sleep(0.05)


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100, help="events emitted per transaction")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    receiver = Receiver()
    receiver.start()
    expected = args.events * 3
    with tempfile.TemporaryDirectory(prefix="bench") as var_dir:
        platform = Platform(
            Path(var_dir), extra_env={"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true", "WORKER_CONCURRENCY": "2"}
        )
        platform.start()
        try:
            platform.wait_healthy()
            channels = platform.manage("shell", "-c", SETUP.format(url=f"http://127.0.0.1:{receiver.port}"))
            channel_ids = channels.stdout.strip().splitlines()[-1]
            emitted = (
                platform.manage(
                    "shell", "-c", EMIT.format(channels=channel_ids, count=args.events, batch=args.batch)
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            first_emit, last_emit = map(float, emitted.split())
            deadline = time.monotonic() + args.timeout
            while len(receiver.arrivals) < expected and time.monotonic() < deadline:
                time.sleep(0.2)
            finished = time.time()
            latencies = sorted(receiver.arrivals.values())
            result = {
                "events": args.events,
                "deliveries_expected": expected,
                "delivered": len(receiver.arrivals),
                "lost": expected - len(receiver.arrivals),
                "duplicates": receiver.requests - len(receiver.arrivals),
                "emit_seconds": round(last_emit - first_emit, 2),
                "seconds": round(finished - first_emit, 2),
                "deliveries_per_second": round(len(receiver.arrivals) / (finished - first_emit), 1),
                "p50_latency_s": round(statistics.median(latencies), 3) if latencies else None,
                "p99_latency_s": round(latencies[int(len(latencies) * 0.99) - 1], 3) if latencies else None,
                "mode": "postgres" if platform.database else "embedded",
            }
            print(json.dumps(result))
        finally:
            platform.stop()
            platform.cleanup()
            receiver.server.should_exit = True


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
