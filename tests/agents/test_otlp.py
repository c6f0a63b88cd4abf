"""The OTLP/HTTP receivers with payloads built from the official protobuf messages: protobuf and JSON,
gzip, GenAI spans to request events, other spans to the waterfall and service rollups, logs to log lines,
metrics (gauges, sums, histograms with their buckets) to custom points; 400/401/403/413/415/429 as the
OTLP spec says, and nothing stored from a refused request."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client, override_settings
from google.protobuf import json_format
from google.rpc import status_pb2
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from agents.inputs import NewAgent
from agents.models import Agent, AgentLog, AgentRequestEvent, ModelPrice, ServiceRollup, TraceSpan
from agents.services.agents import agent_create
from alerts.inputs import NewRule
from monitoring_site.metrics.models import MetricPoint
from tests.conftest import assert_error, data_of

PROTOBUF = "application/x-protobuf"
TRACE = bytes.fromhex("5b8efff798038103d269b633813fc60c")


def kv(key: str, value) -> KeyValue:
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    if isinstance(value, float):
        return KeyValue(key=key, value=AnyValue(double_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=value))


def nanos(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000) * 1000


def span(index: int, ms: float, *, parent: int | None = None, error: bool = False, kind: int = 1, **attrs):
    start = datetime.now(UTC) - timedelta(seconds=30)
    return trace_pb2.Span(
        trace_id=TRACE,
        span_id=(index + 1).to_bytes(8, "big"),
        parent_span_id=(parent + 1).to_bytes(8, "big") if parent is not None else b"",
        name=attrs.pop("name", f"span-{index}"),
        kind=kind,
        start_time_unix_nano=nanos(start),
        end_time_unix_nano=nanos(start) + int(ms * 1_000_000),
        attributes=[kv(k.replace("__", "."), v) for k, v in attrs.items()],
        status=trace_pb2.Status(code=2, message="upstream said no") if error else trace_pb2.Status(),
    )


def traces(spans, service: str = "voice-agent", **resource) -> ExportTraceServiceRequest:
    attrs = [kv("service.name", service)] + [kv(k.replace("__", "."), v) for k, v in resource.items()]
    return ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(
                resource={"attributes": attrs}, scope_spans=[trace_pb2.ScopeSpans(spans=spans)]
            )
        ]
    )


def genai(index: int, ms: float, model: str = "gpt-4o", error: bool = False, **extra):
    return span(
        index,
        ms,
        parent=0,
        error=error,
        kind=3,
        name=f"chat {model}",
        gen_ai__operation__name="chat",
        gen_ai__request__model=model,
        gen_ai__usage__input_tokens=1000,
        gen_ai__usage__output_tokens=500,
        **extra,
    )


def post(path: str, message, token: str, *, content_type=PROTOBUF, gzipped=False, body=None):
    payload = body if body is not None else message.SerializeToString()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if gzipped:
        payload = gzip.compress(payload)
        headers["HTTP_CONTENT_ENCODING"] = "gzip"
    return Client().post(path, payload, content_type=content_type, **headers)


def test_genai_spans_become_events_of_an_auto_registered_agent(acme, write_key, member_client):
    ModelPrice.objects.create(
        organization=acme, model="gpt-4o", input_per_million_usd=2.5, output_per_million_usd=10
    )
    request = traces(
        [
            span(0, 900, name="handle call", kind=2),
            genai(1, 400, **{"gen_ai.response.id": "chatcmpl-1", "gen_ai.response.finish_reasons": "stop"}),
            genai(2, 200, error=True, **{"error.type": "RateLimitError"}),
            span(3, 50, parent=0, name="tts"),
        ]
    )
    response = post("/v1/traces", request, write_key[1])
    assert response.status_code == 200 and response["Content-Type"] == PROTOBUF
    answer = ExportTraceServiceResponse.FromString(response.content)
    assert not answer.HasField("partial_success")
    agent = Agent.objects.get(organization=acme, name="voice-agent")
    events = list(AgentRequestEvent.objects.filter(agent=agent).order_by("span_id"))
    assert [(e.model, e.input_tokens, e.output_tokens, e.success, e.error_type) for e in events] == [
        ("gpt-4o", 1000, 500, True, ""),
        ("gpt-4o", 1000, 500, False, "RateLimitError"),
    ]
    assert events[0].trace_id == TRACE.hex() and events[0].span_id == (2).to_bytes(8, "big").hex()
    assert events[0].parent_span_id == (1).to_bytes(8, "big").hex() and events[0].request_id == "chatcmpl-1"
    assert round(events[0].latency_ms) == 400 and events[1].error_message == "upstream said no"
    spans = TraceSpan.objects.filter(organization_id=acme.pk).order_by("span_id")
    assert [(s.name, s.service, s.agent_id) for s in spans] == [
        ("handle call", "voice-agent", agent.pk),
        ("tts", "voice-agent", agent.pk),
    ]
    # the service's requests: its root span only (the tts span has a parent and is internal)
    minute = ServiceRollup.objects.get(organization_id=acme.pk, service="voice-agent", resolution="minute")
    assert (minute.count, minute.failures) == (1, 0)
    shown = data_of(member_client.get(f"/api/v1/agents/{agent.pk}"))["agent"]
    figures = shown["metrics_detailed"]
    assert figures["requests"]["total"] == 2 and figures["requests"]["failed"] == 1
    assert figures["latency"]["p50_ms"] == pytest.approx(200, rel=0.02)
    assert figures["tokens"]["input_tokens"] == 2000 and figures["tokens"]["output_tokens"] == 1000
    assert figures["tokens"]["estimated_cost_usd"] == pytest.approx(2 * (1000 * 2.5 + 500 * 10) / 1e6)
    assert shown["status"] != "offline"  # telemetry counts as a sign of life


def test_json_encoding_with_hex_ids_and_gzip_and_an_agent_token(acme):
    agent, token = agent_create(organization=acme, new=NewAgent(name="planner"))
    body = json_format.MessageToDict(traces([genai(1, 120, model="claude-sonnet")], service="whatever"))
    for item in body["resourceSpans"][0]["scopeSpans"][0]["spans"]:
        for name in ("traceId", "spanId", "parentSpanId"):
            item[name] = __import__("base64").b64decode(item[name]).hex()
    raw = json.dumps(body).encode()
    response = post("/v1/traces", None, token, content_type="application/json", gzipped=True, body=raw)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    event = AgentRequestEvent.objects.get(agent=agent)  # the token's agent, whatever the service says
    assert event.model == "claude-sonnet" and event.trace_id == TRACE.hex()
    assert not Agent.objects.filter(name="whatever").exists()


def test_partial_success_counts_refused_spans(acme, write_key):
    bad = genai(5, 10)
    bad.trace_id = b"\x00" * 16
    response = post("/v1/traces", traces([genai(1, 10), bad]), write_key[1])
    answer = ExportTraceServiceResponse.FromString(response.content)
    assert response.status_code == 200 and answer.partial_success.rejected_spans == 1
    assert "trace_id" in answer.partial_success.error_message
    assert AgentRequestEvent.objects.filter(organization_id=acme.pk).count() == 1


def status_of(response) -> status_pb2.Status:
    if response["Content-Type"] == "application/json":
        return json_format.Parse(response.content, status_pb2.Status())
    return status_pb2.Status.FromString(response.content)


def test_refusals_follow_the_spec_and_store_nothing(acme, read_key, write_key):
    request = traces([genai(1, 10)])
    for token, code in (("agt_nope", 401), ("msk_nope", 401), ("", 401), (read_key[1], 403)):
        response = post("/v1/traces", request, token)
        assert response.status_code == code and status_of(response).message
    assert post("/v1/traces", None, write_key[1], body=b"\xff\x00garbage").status_code == 400
    assert (
        post("/v1/traces", None, write_key[1], content_type="application/json", body=b"{").status_code == 400
    )
    assert post("/v1/traces", None, write_key[1], body=b"not gzip", gzipped=False).status_code == 400
    bad_gzip = Client().post(
        "/v1/traces",
        b"not gzip",
        content_type=PROTOBUF,
        HTTP_AUTHORIZATION=f"Bearer {write_key[1]}",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert bad_gzip.status_code == 400 and "gzip" in status_of(bad_gzip).message
    assert post("/v1/traces", request, write_key[1], content_type="text/plain").status_code == 415
    assert Client().get("/v1/traces").status_code == 405
    with override_settings(OTLP_MAX_DECOMPRESSED_BYTES=2048):
        bomb = traces([genai(i, 10, padding="x" * 200) for i in range(40)])
        assert post("/v1/traces", bomb, write_key[1], gzipped=True).status_code == 413
    with override_settings(INGEST_MAX_BODY_BYTES=1024):
        assert post("/v1/traces", traces([genai(i, 10) for i in range(40)]), write_key[1]).status_code == 413
    assert not AgentRequestEvent.objects.exists() and not Agent.objects.filter(organization=acme).exists()


@override_settings(OTLP_MAX_ITEMS_PER_SECOND=3)
def test_over_the_rate_is_429_with_retry_after(acme, write_key):
    while time.time() % 1 > 0.7:  # the limit counts per second: start early in one
        time.sleep(0.05)
    assert post("/v1/traces", traces([genai(1, 10), genai(2, 10)]), write_key[1]).status_code == 200
    refused = post("/v1/traces", traces([genai(3, 10), genai(4, 10)]), write_key[1])
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    assert AgentRequestEvent.objects.filter(organization_id=acme.pk).count() == 2


def test_another_organizations_agent_is_never_reached(acme, umbrella, write_key):
    theirs, _ = agent_create(organization=umbrella, new=NewAgent(name="voice-agent", external_id="voice-1"))
    post("/v1/traces", traces([genai(1, 10)], service_instance_id="voice-1"), write_key[1])
    mine = Agent.objects.get(organization=acme)
    assert mine.name == "voice-agent" and mine.pk != theirs.pk
    assert not AgentRequestEvent.objects.filter(agent=theirs).exists()


def test_resolution_by_instance_id_then_name_and_no_auto_registration(acme, write_key):
    pinned, _ = agent_create(organization=acme, new=NewAgent(name="pinned", external_id="pod-7"))
    post(
        "/v1/traces",
        traces([genai(1, 10)], service="voice-agent", service__instance__id="pod-7"),
        write_key[1],
    )
    assert AgentRequestEvent.objects.get().agent_id == pinned.pk
    with override_settings(OTLP_AUTO_REGISTER_AGENTS=False):
        response = post("/v1/traces", traces([genai(2, 10)], service="newcomer"), write_key[1])
    answer = ExportTraceServiceResponse.FromString(response.content)
    assert answer.partial_success.rejected_spans == 1 and not Agent.objects.filter(name="newcomer").exists()


def log_request(records, service="voice-agent") -> ExportLogsServiceRequest:
    return ExportLogsServiceRequest(
        resource_logs=[
            logs_pb2.ResourceLogs(
                resource={"attributes": [kv("service.name", service)]},
                scope_logs=[logs_pb2.ScopeLogs(log_records=records)],
            )
        ]
    )


def test_logs_become_lines_with_levels_trace_ids_and_context(acme, write_key):
    agent, _ = agent_create(organization=acme, new=NewAgent(name="voice-agent"))
    now = nanos(datetime.now(UTC))
    records = [
        logs_pb2.LogRecord(
            time_unix_nano=now,
            severity_number=17,
            body=AnyValue(string_value="model timeout"),
            trace_id=TRACE,
            span_id=(2).to_bytes(8, "big"),
            attributes=[kv("gen_ai.request.model", "gpt-4o")],
        ),
        logs_pb2.LogRecord(
            observed_time_unix_nano=now, severity_text="WARN", body=AnyValue(string_value="slow")
        ),
        logs_pb2.LogRecord(time_unix_nano=now, severity_number=9),  # no body: refused
    ]
    response = post("/v1/logs", log_request(records), write_key[1], gzipped=True)
    answer = ExportLogsServiceResponse.FromString(response.content)
    assert response.status_code == 200 and answer.partial_success.rejected_log_records == 1
    lines = {line.message: line for line in AgentLog.objects.filter(organization_id=acme.pk)}
    assert lines["model timeout"].level == "error" and lines["model timeout"].trace_id == TRACE.hex()
    assert lines["model timeout"].agent_id == agent.pk
    assert lines["model timeout"].context == {
        "gen_ai.request.model": "gpt-4o",
        "service.name": "voice-agent",
        "span_id": (2).to_bytes(8, "big").hex(),
    }
    assert lines["slow"].level == "warning"
    post("/v1/logs", log_request([records[1]], service="billing"), write_key[1])
    unattached = AgentLog.objects.filter(organization_id=acme.pk, agent=None)
    assert [line.context["service.name"] for line in unattached] == ["billing"]
    # the first GenAI span of "billing" registers it, and its earlier lines become its own
    post("/v1/traces", traces([genai(1, 10)], service="billing"), write_key[1])
    billing = Agent.objects.get(organization=acme, name="billing")
    assert AgentLog.objects.filter(agent=billing).count() == 1


def metric_request(metrics) -> ExportMetricsServiceRequest:
    return ExportMetricsServiceRequest(
        resource_metrics=[
            metrics_pb2.ResourceMetrics(
                resource={"attributes": [kv("service.name", "voice-agent")]},
                scope_metrics=[metrics_pb2.ScopeMetrics(metrics=metrics)],
            )
        ]
    )


def test_metrics_gauges_sums_and_histograms_with_buckets(acme, write_key, member_client):
    now = nanos(datetime.now(UTC) - timedelta(seconds=5))
    attrs = [kv("route", "/chat")]
    gauge = metrics_pb2.Metric(
        name="queue.depth", gauge={"data_points": [{"time_unix_nano": now, "as_int": 7, "attributes": attrs}]}
    )
    total = metrics_pb2.Metric(
        name="calls.total",
        sum={
            "aggregation_temporality": 2,
            "is_monotonic": True,
            "data_points": [{"time_unix_nano": now, "as_double": 12.5}],
        },
    )
    # 100 observations: 90 under 100 ms, 8 in (100, 1000], 2 in (1000, 5000] (at most 3000)
    histogram = metrics_pb2.Metric(
        name="llm.latency",
        histogram={
            "aggregation_temporality": 1,
            "data_points": [
                {
                    "time_unix_nano": now,
                    "start_time_unix_nano": now - 10**10,
                    "count": 100,
                    "sum": 9000.0,
                    "explicit_bounds": [100.0, 1000.0, 5000.0],
                    "bucket_counts": [90, 8, 2, 0],
                    "min": 5.0,
                    "max": 3000.0,
                }
            ],
        },
    )
    summary = metrics_pb2.Metric(name="old.summary", summary={"data_points": [{"time_unix_nano": now}]})
    builtin = metrics_pb2.Metric(
        name="p95_latency_ms", gauge={"data_points": [{"time_unix_nano": now, "as_int": 1}]}
    )
    response = post("/v1/metrics", metric_request([gauge, total, histogram, summary, builtin]), write_key[1])
    answer = ExportMetricsServiceResponse.FromString(response.content)
    assert response.status_code == 200 and answer.partial_success.rejected_data_points == 2
    depth = MetricPoint.objects.get(organization=acme, name="queue.depth")
    assert depth.value == 7 and depth.tags == {"service.name": "voice-agent", "route": "/chat"}
    assert MetricPoint.objects.get(name="calls.total").value == 12.5
    series = data_of(member_client.get("/api/v1/metrics?metric=llm.latency&period=1h"))
    summary_figures = series["summary"]
    assert summary_figures["count"] == 100 and summary_figures["avg"] == 90
    assert summary_figures["p50"] < 100 and 100 < summary_figures["p95"] <= 1000
    assert 1000 < summary_figures["p99"] <= 3000 and summary_figures["max"] == 3000


def test_trace_api_lists_filters_and_draws_the_waterfall(
    acme, write_key, member_client, outsider_client, anon_client
):
    post(
        "/v1/traces",
        traces(
            [
                span(0, 900, name="handle call", kind=2),
                genai(1, 400),
                genai(2, 200, model="claude-sonnet", error=True),
                span(3, 50, parent=1, name="tool: lookup"),
            ]
        ),
        write_key[1],
    )
    agent = Agent.objects.get(organization=acme)
    listed = data_of(member_client.get(f"/api/v1/agents/{agent.pk}/traces"))["traces"]
    assert [
        (t["trace_id"], t["spans"], t["model_calls"], t["error_spans"], t["root_span"]) for t in listed
    ] == [(TRACE.hex(), 4, 2, 1, "handle call")]
    assert listed[0]["models"] == ["claude-sonnet", "gpt-4o"] and listed[0]["tokens"] == 3000
    assert data_of(member_client.get(f"/api/v1/agents/{agent.pk}/traces?model=gpt-4o"))["traces"]
    assert not data_of(member_client.get(f"/api/v1/agents/{agent.pk}/traces?model=o1"))["traces"]
    assert data_of(member_client.get(f"/api/v1/agents/{agent.pk}/traces?error=true"))["traces"]
    assert not data_of(member_client.get(f"/api/v1/agents/{agent.pk}/traces?error=false"))["traces"]
    trace = data_of(member_client.get(f"/api/v1/traces/{TRACE.hex()}"))["trace"]
    assert [(s["name"], s["depth"], s["kind"]) for s in trace["spans"]] == [
        ("handle call", 0, "span"),
        ("chat gpt-4o", 1, "genai"),
        ("chat claude-sonnet", 1, "genai"),
        ("tool: lookup", 2, "span"),
    ]
    assert trace["error_spans"] == 1 and trace["spans"][1]["model"] == "gpt-4o"
    assert_error(member_client.get(f"/api/v1/agents/{agent.pk}/traces?wat=1"), 400, "validation_error")
    assert_error(member_client.get(f"/api/v1/agents/{agent.pk}/traces?limit=0"), 400, "validation_error")
    assert_error(member_client.get("/api/v1/traces/nothex"), 400, "validation_error")
    assert_error(outsider_client.get(f"/api/v1/agents/{agent.pk}/traces"), 404, "agent_not_found")
    assert_error(outsider_client.get(f"/api/v1/traces/{TRACE.hex()}"), 404, "trace_not_found")
    assert_error(anon_client.get(f"/api/v1/traces/{TRACE.hex()}"), 401, "authentication_failed")


def test_pages_show_traces_the_waterfall_and_link_logs(acme, write_key, teammate, outsider):
    post("/v1/traces", traces([span(0, 900, name="handle call", kind=2), genai(1, 400)]), write_key[1])
    record = logs_pb2.LogRecord(
        time_unix_nano=nanos(datetime.now(UTC)), body=AnyValue(string_value="answered"), trace_id=TRACE
    )
    post("/v1/logs", log_request([record]), write_key[1])
    agent = Agent.objects.get(organization=acme)
    browser = Client()
    browser.force_login(teammate)
    page = browser.get(f"/agents/{agent.pk}").content.decode()
    assert f"/agents/traces/{TRACE.hex()}" in page and "handle call" in page
    assert "No traces match" in browser.get(f"/agents/{agent.pk}?trace_model=o1").content.decode()
    waterfall = browser.get(f"/agents/traces/{TRACE.hex()}").content.decode()
    assert "chat gpt-4o" in waterfall and 'class="span-genai' in waterfall and "<rect" in waterfall
    assert f"/agents/traces/{TRACE.hex()}" in browser.get("/agents/logs").content.decode()
    assert browser.get("/agents/traces/0123").status_code == 404
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(f"/agents/traces/{TRACE.hex()}").status_code == 404


def test_service_metrics_read_and_alert_on_a_service(acme, write_key, member_client):
    from alerts.services.rules import rule_create, rule_evaluate
    from monitoring_site.errors import RuleViolation

    checkout = [span(i, 100 + i, kind=2, error=i % 2 == 0, name="POST /pay") for i in range(4)]
    for item in checkout:
        item.trace_id = (7 + item.span_id[-1]).to_bytes(16, "big")
    post("/v1/traces", traces(checkout, service="checkout"), write_key[1])
    post("/v1/traces", traces([span(0, 5, kind=2, name="GET /")], service="search"), write_key[1])
    query = "/api/v1/metrics?metric=service_error_rate_percent&period=1h&service=checkout"
    assert data_of(member_client.get(query))["summary"]["avg"] == 50
    everyone = data_of(member_client.get("/api/v1/metrics?metric=service_requests_per_minute&period=1h"))
    assert sum(b["avg"] or 0 for b in everyone["timeseries"]) == 5
    rule = rule_create(
        organization=acme,
        new=NewRule(
            name="checkout failing",
            metric="service_error_rate_percent",
            operator="gt",
            threshold=10,
            duration_minutes=0,
            scope={"service": "checkout"},
            check_interval=300,
        ),
    )
    assert rule_evaluate(rule=rule, now=datetime.now(UTC)) == "triggered"
    with pytest.raises(RuleViolation):
        rule_create(
            organization=acme,
            new=NewRule(
                name="x", metric="response_time_ms", operator="gt", threshold=1, scope={"service": "checkout"}
            ),
        )


def test_cumulative_histograms_count_each_observation_once(acme, write_key, member_client):
    begun = nanos(datetime.now(UTC) - timedelta(minutes=10))

    def export(seconds_ago: int, counts: list[int], total: float):
        point = {
            "time_unix_nano": nanos(datetime.now(UTC) - timedelta(seconds=seconds_ago)),
            "start_time_unix_nano": begun,
            "count": sum(counts),
            "sum": total,
            "explicit_bounds": [10.0, 100.0],
            "bucket_counts": counts,
        }
        metric = metrics_pb2.Metric(
            name="tool.duration", histogram={"aggregation_temporality": 2, "data_points": [point]}
        )
        assert post("/v1/metrics", metric_request([metric]), write_key[1]).status_code == 200

    export(120, [10, 0, 0], 50.0)  # the series began inside the hour: the first export counts whole
    export(60, [10, 10, 0], 550.0)  # cumulative: 10 more observations, all in (10, 100]
    summary = data_of(member_client.get("/api/v1/metrics?metric=tool.duration&period=1h"))["summary"]
    assert summary["count"] == 20 and summary["avg"] == pytest.approx(27.5)
    assert summary["p50"] <= 10 < summary["p95"] <= 100


def test_hostile_values_are_cleaned_or_refused_never_a_server_error(acme, write_key):
    weird = genai(1, 10, note="a\x00b", ratio=float("nan"), big=float("inf"))
    weird.name = "chat\x00gpt"
    weird.status.CopyFrom(trace_pb2.Status(code=2, message="boom\x00"))
    far = genai(2, 10)
    far.start_time_unix_nano, far.end_time_unix_nano = 2**63 - 10, 2**63 - 1
    plain = span(3, 10, name="GET\x00/", odd=float("-inf"))
    response = post("/v1/traces", traces([weird, far, plain], service="svc\x00one"), write_key[1])
    answer = ExportTraceServiceResponse.FromString(response.content)
    assert response.status_code == 200 and answer.partial_success.rejected_spans == 1
    event = AgentRequestEvent.objects.get(organization_id=acme.pk)
    assert event.span_name == "chatgpt" and event.error_message == "boom" and event.agent.name == "svcone"
    stored = TraceSpan.objects.get(organization_id=acme.pk)
    assert stored.name == "GET/" and stored.attributes["odd"] == "-inf"

    record = logs_pb2.LogRecord(
        time_unix_nano=nanos(datetime.now(UTC)),
        body=AnyValue(string_value="line\x00"),
        attributes=[kv("k\x00", float("nan"))],
    )
    assert post("/v1/logs", log_request([record]), write_key[1]).status_code == 200
    assert AgentLog.objects.get(organization_id=acme.pk).context["k"] == "nan"

    now = nanos(datetime.now(UTC))
    bad_bounds = metrics_pb2.Metric(
        name="h.bad",
        histogram={
            "data_points": [
                {"time_unix_nano": now, "count": 1, "explicit_bounds": [5.0, 1.0], "bucket_counts": [1, 0, 0]}
            ]
        },
    )
    nan_sum = metrics_pb2.Metric(
        name="h.nan",
        histogram={
            "data_points": [
                {
                    "time_unix_nano": now,
                    "count": 0,
                    "sum": float("nan"),
                    "explicit_bounds": [1.0],
                    "bucket_counts": [0, 0],
                }
            ]
        },
    )
    overflow = metrics_pb2.Metric(
        name="e.huge",
        exponential_histogram={
            "data_points": [
                {
                    "time_unix_nano": now,
                    "count": 1,
                    "scale": -10,
                    "positive": {"offset": 2**30, "bucket_counts": [1]},
                }
            ]
        },
    )
    exponential = metrics_pb2.Metric(
        name="e.ok",
        exponential_histogram={
            "data_points": [
                {
                    "time_unix_nano": now,
                    "count": 3,
                    "sum": 12.0,
                    "scale": 0,
                    "zero_count": 1,
                    "positive": {"offset": 1, "bucket_counts": [1, 1]},
                }
            ]
        },
    )
    response = post("/v1/metrics", metric_request([bad_bounds, nan_sum, overflow, exponential]), write_key[1])
    answer = ExportMetricsServiceResponse.FromString(response.content)
    assert response.status_code == 200 and answer.partial_success.rejected_data_points == 2
    assert MetricPoint.objects.get(name="h.nan").histogram["sum"] is None
    assert MetricPoint.objects.get(name="e.ok").histogram["bounds"] == [2.0, 4.0, 8.0]


def test_a_busy_agent_moves_its_heartbeat_clock_at_most_every_few_seconds(acme):
    from agents.services.ingest import SEEN_EVERY

    agent, token = agent_create(organization=acme, new=NewAgent(name="busy"))
    post("/v1/traces", traces([genai(1, 10)]), token)
    first = Agent.objects.get(pk=agent.pk).last_heartbeat_at
    post("/v1/traces", traces([genai(2, 10)]), token)
    assert Agent.objects.get(pk=agent.pk).last_heartbeat_at == first  # within SEEN_EVERY: unchanged
    Agent.objects.filter(pk=agent.pk).update(last_heartbeat_at=first - SEEN_EVERY)
    post("/v1/traces", traces([genai(3, 10)]), token)
    assert Agent.objects.get(pk=agent.pk).last_heartbeat_at > first
    assert AgentRequestEvent.objects.filter(agent=agent).count() == 3
