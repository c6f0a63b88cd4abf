"""OpenTelemetry end to end on the real processes, with clients this project did not write: a process
instrumented only with the OpenTelemetry Python SDK (``opentelemetry-sdk`` and
``opentelemetry-exporter-otlp-proto-http``, configured by ``OTEL_EXPORTER_OTLP_ENDPOINT`` and
``OTEL_EXPORTER_OTLP_HEADERS`` alone, gzip on) exports GenAI spans, logs and a histogram; the agent shows
up in the fleet with its percentiles, tokens and cost, in the API and on its page, its traces as a
waterfall. Then ``curl`` sends the JSON encoding (plain and gzipped), a bad token, a malformed body and an
oversized one; and another organization's key with the same service name never reaches this agent."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e]

INSTRUMENTED = textwrap.dedent("""
    import logging, time
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import SpanKind, Status, StatusCode

    resource = Resource.create()  # service.name from OTEL_SERVICE_NAME
    traces = TracerProvider(resource=resource)
    traces.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    tracer = traces.get_tracer("support-bot")
    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
    log = logging.getLogger("support-bot")
    log.addHandler(LoggingHandler(logger_provider=logs))
    log.setLevel(logging.INFO)
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(), export_interval_millis=3_600_000)
    meters = MeterProvider(resource=resource, metric_readers=[reader])
    durations = meters.get_meter("support-bot").create_histogram("gen_ai.client.operation.duration", unit="s")

    for i in range(20):
        with tracer.start_as_current_span("handle ticket", kind=SpanKind.SERVER):
            with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT) as span:
                span.set_attribute("gen_ai.operation.name", "chat")
                span.set_attribute("gen_ai.system", "openai")
                span.set_attribute("gen_ai.request.model", "gpt-4o")
                span.set_attribute("gen_ai.usage.input_tokens", 1000)
                span.set_attribute("gen_ai.usage.output_tokens", 200)
                span.set_attribute("gen_ai.response.finish_reasons", ["stop"])
                started = time.perf_counter()
                time.sleep(0.02 if i < 10 else 0.06)
                if i % 5 == 4:
                    span.set_attribute("error.type", "RateLimitError")
                    span.set_status(Status(StatusCode.ERROR, "429 from the provider"))
                    log.warning("rate limited on ticket %d", i)
                else:
                    log.info("answered ticket %d", i)
                durations.record(time.perf_counter() - started, {"gen_ai.request.model": "gpt-4o"})
    for provider in (traces, logs, meters):
        provider.force_flush()
        provider.shutdown()
    print("exported", flush=True)
""")


def instrumented_run(url: str, key: str, service: str = "support-bot") -> None:
    env = {
        **os.environ,
        "OTEL_SERVICE_NAME": service,
        "OTEL_EXPORTER_OTLP_ENDPOINT": url,
        "OTEL_EXPORTER_OTLP_HEADERS": f"Authorization=Bearer {key}",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
    }
    done = subprocess.run(
        [sys.executable, "-c", INSTRUMENTED], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "exported" in done.stdout, done.stderr[-3000:]
    assert "Failed to export" not in done.stderr, done.stderr[-3000:]


KEYS = """
from monitoring_site.accounts.choices import ApiKeyScope
from monitoring_site.accounts.models import Organization
from monitoring_site.accounts.services import api_key_create
mine = Organization.objects.get(slug="{slug}")
other = Organization.objects.create(name="Umbrella", slug="umbrella-otel")
print(api_key_create(organization=mine, name="otel", scope=ApiKeyScope.WRITE)[1],
      api_key_create(organization=other, name="otel", scope=ApiKeyScope.WRITE)[1])
"""
COUNT = """
from agents.models import AgentRequestEvent, AgentLog
print(AgentRequestEvent.objects.count(), AgentLog.objects.count())
"""


def curl(url: str, token: str, body: bytes, *headers: str) -> tuple[int, bytes]:
    done = subprocess.run(
        ["curl", "-s", "-o", "-", "-w", "\\n%{http_code}", "-X", "POST", url,
         "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
         *[part for h in headers for part in ("-H", h)], "--data-binary", "@-"],
        input=body, capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    content, _, code = done.stdout.rpartition(b"\n")
    return int(code), content


def test_an_agent_instrumented_with_stock_opentelemetry_fills_the_fleet(platform):
    platform.wait_healthy()
    api = platform.api()
    slug = api.get("/organizations").json()["data"]["organizations"][0]["slug"]
    key, their_key = platform.manage("shell", "-c", KEYS.format(slug=slug)).stdout.split()[-2:]
    prices = {"prices": [{"model": "gpt-4o", "input_per_million_usd": 2.5, "output_per_million_usd": 10}]}
    assert api.put("/model-prices", json=prices).status_code == 200

    instrumented_run(platform.url, key)
    instrumented_run(platform.url, their_key)  # the same service name, in another organization

    agents = api.get("/agents", params={"search": "support-bot"}).json()["data"]["agents"]
    assert [a["name"] for a in agents] == ["support-bot"]  # theirs is never visible here
    agent_id = agents[0]["id"]
    agent = api.get(f"/agents/{agent_id}").json()["data"]["agent"]
    figures = agent["metrics_detailed"]
    assert figures["requests"]["total"] == 20 and figures["requests"]["failed"] == 4
    latency = figures["latency"]
    assert 15 <= latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"]
    assert latency["p99_ms"] >= 55  # the slow half took 60 ms
    tokens = figures["tokens"]
    assert (tokens["input_tokens"], tokens["output_tokens"]) == (20_000, 4_000)
    assert tokens["estimated_cost_usd"] == pytest.approx(20_000 * 2.5 / 1e6 + 4_000 * 10 / 1e6)
    assert agent["status"] != "offline"

    lines = api.get("/logs", params={"agent_id": agent_id, "limit": 100}).json()["data"]["logs"]
    assert len(lines) == 20 and {line["level"] for line in lines} == {"info", "warning"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["trace_id"]) for line in lines)
    listed = api.get(f"/agents/{agent_id}/traces", params={"error": "true"}).json()["data"]["traces"]
    assert len(listed) == 4 and all(t["root_span"] == "handle ticket" for t in listed)
    trace = api.get(f"/traces/{listed[0]['trace_id']}").json()["data"]["trace"]
    assert [(s["name"], s["depth"]) for s in trace["spans"]] == [("handle ticket", 0), ("chat gpt-4o", 1)]
    assert lines[0]["trace_id"] in {
        t["trace_id"] for t in api.get(f"/agents/{agent_id}/traces").json()["data"]["traces"]
    }

    duration = api.get(
        "/metrics", params={"metric": "gen_ai.client.operation.duration", "period": "1h"}
    ).json()["data"]["summary"]
    assert duration["count"] == 20 and 0.015 <= duration["p50"] <= duration["p99"] <= 0.2

    browser = httpx.Client(base_url=platform.url, timeout=30)
    login = browser.get("/login")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    browser.post(
        "/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": csrf}
    )
    page = browser.get(f"/agents/{agent_id}").text
    assert "support-bot" in page and "gpt-4o" in page and f"/agents/traces/{listed[0]['trace_id']}" in page
    assert "handle ticket" in browser.get(f"/agents/traces/{listed[0]['trace_id']}").text
    json_with_curl_gzip_and_the_refusals(platform)  # on the same platform: one start for both parts


def json_with_curl_gzip_and_the_refusals(platform) -> None:
    api = platform.api()
    created = api.post("/agents", json={"name": "curl-agent"}).json()["data"]["agent"]
    token = created["ingest_token"]
    now = time.time_ns()
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": "chat claude",
        "kind": 3,
        "startTimeUnixNano": str(now - 300_000_000),
        "endTimeUnixNano": str(now),
        "attributes": [
            {"key": "gen_ai.request.model", "value": {"stringValue": "claude-sonnet"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "42"}},
        ],
    }
    body = json.dumps(
        {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": [span]}]}]}
    ).encode()
    traces = f"{platform.url}/v1/traces"
    code, answer = curl(traces, token, body)
    assert code == 200 and json.loads(answer) == {}
    span["spanId"] = "eee19b7ec3c1b175"
    zipped = gzip.compress(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).encode())
    assert curl(traces, token, zipped, "Content-Encoding: gzip")[0] == 200
    events = api.get(f"/agents/{created['id']}").json()["data"]["agent"]["metrics_detailed"]["tokens"]
    assert events["input_tokens"] == 84

    before = platform.manage("shell", "-c", COUNT).stdout.split()[-2:]
    code, answer = curl(traces, "agt_wrong", body)
    assert code == 401 and json.loads(answer)["code"] == 16  # UNAUTHENTICATED
    code, answer = curl(traces, token, b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 7}]}]}]}')
    assert code == 400 and json.loads(answer)["message"]
    assert curl(f"{platform.url}/v1/logs", token, b"{not json")[0] == 400
    huge = b'{"resourceSpans": [], "pad": "' + b"x" * (33 * 1024 * 1024) + b'"}'
    assert curl(traces, token, huge)[0] == 413
    assert curl(traces, token, huge, "Transfer-Encoding: chunked")[0] == 413  # no Content-Length to trust
    assert platform.manage("shell", "-c", COUNT).stdout.split()[-2:] == before
