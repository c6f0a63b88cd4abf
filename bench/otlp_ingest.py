"""OTLP/HTTP ingest through the real platform (``manage.py up``, production settings): protobuf export
requests of ``--batch`` spans (GenAI spans: each a request event of its agent) to ``/v1/traces`` and of
``--batch`` log records to ``/v1/logs``, gzipped as the OpenTelemetry exporters send them, from
``--concurrency`` clients for ``--seconds`` each, with the agents' ingest tokens; then a mixed phase
(``--genai-share`` of the spans GenAI, the rest service spans for the waterfall and service rollups).
Each phase starts from a checkpoint (Postgres), so the writes of the one before are not flushed inside
its window. Afterwards every item answered 200 is counted in the database: ``lost`` must be 0. Prints
one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/otlp_ingest.py
    .venv/bin/python bench/otlp_ingest.py                                  # embedded SQLite + Redis

Goal (issue "OpenTelemetry in", 2 cores, Postgres): 20,000 spans/s and 20,000 log records/s, batch p99
under 500 ms, nothing answered 200 and then lost.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.platform import Platform

SETUP = """
from agents.inputs import NewAgent
from agents.services.agents import agent_create
from monitoring_site.accounts.models import Organization
org = Organization.objects.get()
agents = [agent_create(organization=org, new=NewAgent(name=f"otel-{{i}}")) for i in range({count})]
print(",".join(f"{{a.pk}}:{{token}}" for a, token in agents))
"""
SETTLE = """
from django.db import connection
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
"""
COUNT = """
from agents.models import AgentLog, AgentRequestEvent, TraceSpan
print(AgentRequestEvent.objects.count(), TraceSpan.objects.count(), AgentLog.objects.count())
"""


def kv(key: str, value) -> KeyValue:
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=value))


def _resource(n: int) -> dict:
    return {"attributes": [kv("service.name", f"otel-{n}"), kv("telemetry.sdk.language", "python")]}


def spans_body(n: int, variant: int, size: int, genai_share: float) -> bytes:
    now = int(time.time() * 1e9)
    genai = int(size * genai_share)
    spans = []
    for i in range(size):
        trace = (n * 1_000_003 + variant * 7919 + i // 8 + 1).to_bytes(16, "big")
        common = {
            "trace_id": trace,
            "span_id": (variant * 100_000 + i + 1).to_bytes(8, "big"),
            "start_time_unix_nano": now - 2_000_000_000,
            "end_time_unix_nano": now - 2_000_000_000 + (100 + i % 400) * 1_000_000,
        }
        if i < genai:
            model = ("claude-sonnet", "gpt-4o")[i % 2]
            spans.append(
                trace_pb2.Span(
                    **common,
                    name=f"chat {model}",
                    kind=3,
                    parent_span_id=(i % 8 + 1).to_bytes(8, "big"),
                    attributes=[
                        kv("gen_ai.operation.name", "chat"),
                        kv("gen_ai.request.model", model),
                        kv("gen_ai.response.id", f"chatcmpl-{variant}-{i}"),
                        kv("gen_ai.usage.input_tokens", 800),
                        kv("gen_ai.usage.output_tokens", 300),
                    ],
                    status=trace_pb2.Status(code=2 if i % 50 == 0 else 0),
                )
            )
        else:
            spans.append(
                trace_pb2.Span(
                    **common,
                    name="GET /orders/{id}",
                    kind=2,
                    attributes=[kv("http.request.method", "GET"), kv("http.response.status_code", 200)],
                )
            )
    request = ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(resource=_resource(n), scope_spans=[trace_pb2.ScopeSpans(spans=spans)])
        ]
    )
    return gzip.compress(request.SerializeToString())


def logs_body(n: int, variant: int, size: int) -> bytes:
    now = int(time.time() * 1e9)
    records = [
        logs_pb2.LogRecord(
            time_unix_nano=now,
            severity_number=9,
            severity_text="INFO",
            body=AnyValue(string_value=f"served request r{variant}-{i} in {100 + i % 400} ms"),
            trace_id=(n * 1_000_003 + i + 1).to_bytes(16, "big"),
            span_id=(i + 1).to_bytes(8, "big"),
            attributes=[kv("code.function", "handle")],
        )
        for i in range(size)
    ]
    request = ExportLogsServiceRequest(
        resource_logs=[
            logs_pb2.ResourceLogs(resource=_resource(n), scope_logs=[logs_pb2.ScopeLogs(log_records=records)])
        ]
    )
    return gzip.compress(request.SerializeToString())


async def ingest(url: str, agents: list[tuple[str, str]], kind: str, args, genai_share: float = 1.0) -> dict:
    bodies = {
        n: [
            spans_body(n, v, args.batch, genai_share) if kind == "traces" else logs_body(n, v, args.batch)
            for v in range(4)
        ]
        for n in range(args.concurrency)
    }
    accepted, refused, codes, latencies = 0, 0, {}, []
    deadline = time.perf_counter() + args.seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def client(n: int) -> None:
            nonlocal accepted, refused
            _agent_id, token = agents[n % len(agents)]
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/x-protobuf",
                "Content-Encoding": "gzip",
            }
            sent = 0
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                body = bodies[n][sent % 4]
                async with session.post(f"{url}/v1/{kind}", data=body, headers=headers) as r:
                    content = await r.read()
                    codes[r.status] = codes.get(r.status, 0) + 1
                    if r.status == 200:
                        answer = ExportTraceServiceResponse.FromString(content) if kind == "traces" else None
                        rejected = answer.partial_success.rejected_spans if answer else 0
                        accepted += args.batch - rejected
                        refused += rejected
                latencies.append(time.perf_counter() - begin)
                sent += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "per_s": round(accepted / elapsed, 1),
        "accepted": accepted,
        "rejected": refused,
        "batches": len(latencies),
        "batch_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "batch_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "codes": {str(k): v for k, v in codes.items()},
    }


def stored(platform: Platform) -> tuple[int, int, int]:
    events, spans, lines = platform.manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1].split()
    return int(events), int(spans), int(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--batch", type=int, default=512, help="the SDKs' default max_export_batch_size")
    parser.add_argument("--genai-share", type=float, default=0.25, help="of the mixed phase's spans")
    args = parser.parse_args()
    platform = Platform(Path(tempfile.mkdtemp(prefix="otlpb")))
    platform.start()
    try:
        platform.wait_healthy()
        pairs = (
            platform.manage("shell", "-c", SETUP.format(count=args.agents)).stdout.strip().splitlines()[-1]
        )
        agents = [tuple(p.split(":", 1)) for p in pairs.split(",")]
        result: dict = {
            "mode": "postgres" if platform.database else "embedded",
            "batch": args.batch,
            "concurrency": args.concurrency,
            "cpus": os.cpu_count(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # each phase starts from a checkpoint: the previous phase's (or run's) writes are not flushed
        # inside its window
        platform.manage("shell", "-c", SETTLE)
        result["genai_spans"] = asyncio.run(ingest(platform.url, agents, "traces", args))
        platform.manage("shell", "-c", SETTLE)
        result["logs"] = asyncio.run(ingest(platform.url, agents, "logs", args))
        share = args.genai_share
        platform.manage("shell", "-c", SETTLE)
        result["mixed_spans"] = {
            "genai_share": share,
            **asyncio.run(ingest(platform.url, agents, "traces", args, share)),
        }
        events, spans, lines = stored(platform)
        mixed = result["mixed_spans"]["accepted"]
        expected_events = result["genai_spans"]["accepted"] + round(mixed * share)
        result["stored"] = {"request_events": events, "spans": spans, "log_lines": lines}
        result["lost"] = {
            "spans": expected_events + (mixed - round(mixed * share)) - events - spans,
            "log_records": result["logs"]["accepted"] - lines,
        }
        print(json.dumps(result))
    finally:
        platform.stop()
        platform.cleanup()


if __name__ == "__main__":
    main()
