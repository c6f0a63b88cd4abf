"""Log records in: each becomes a log line (severity mapped to a level, trace id kept, attributes as
context) of its resource's agent, or of no agent when the service is none (its name stays in context)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsPartialSuccess,
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)

from agents.otlp.senders import Sender
from agents.otlp.values import any_value, attributes, hex_id, nanos_to_datetime, service_of
from agents.services.ingest import FUTURE_SLACK
from agents.services.logs import MAX_MESSAGE, LogLine, log_lines_store

_TEXT_LEVELS = {"warn": "warning", "fatal": "critical", "trace": "debug", "err": "error"}
LEVELS = ("debug", "info", "warning", "error", "critical")


def level_of(number: int, text: str) -> str:
    """SeverityNumber 1-8 (TRACE, DEBUG) debug, 9-12 info, 13-16 warning, 17-20 error, 21-24 (FATAL)
    critical; unset: the severity text, else info."""
    if 1 <= number <= 8:
        return "debug"
    if 9 <= number <= 24:
        return ("info", "warning", "error", "critical")[(number - 9) // 4]
    word = text.strip().lower()
    word = _TEXT_LEVELS.get(word, word)
    return word if word in LEVELS else "info"


def log_record_count(message: ExportLogsServiceRequest) -> int:
    return sum(len(s.log_records) for r in message.resource_logs for s in r.scope_logs)


def _message(body: Any) -> str:
    value = any_value(body) if body.WhichOneof("value") else None
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def logs_receive(*, sender: Sender, message: ExportLogsServiceRequest) -> ExportLogsServiceResponse:
    now = timezone.now()
    rows: list[LogLine] = []
    rejected, reason = 0, ""
    for resource_logs in message.resource_logs:
        resource = attributes(resource_logs.resource.attributes)
        service, instance = service_of(resource)
        agent = sender.agent_for(service, instance, create=False)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                stamp = nanos_to_datetime(record.time_unix_nano or record.observed_time_unix_nano)
                text = _message(record.body).strip()
                problem = (
                    "a record without a time"
                    if stamp is None
                    else "a record in the future"
                    if stamp > now + FUTURE_SLACK
                    else "a record without a body"
                    if not text
                    else ""
                )
                if problem:
                    rejected, reason = rejected + 1, reason or problem
                    continue
                context = attributes(record.attributes)
                if service:
                    context["service.name"] = service
                if span_id := hex_id(record.span_id, 8):
                    context["span_id"] = span_id
                rows.append(
                    LogLine(
                        agent_id=agent.pk if agent else None,
                        timestamp=stamp,  # type: ignore[arg-type]
                        level=level_of(record.severity_number, record.severity_text),
                        message=text[:MAX_MESSAGE],
                        context=context,
                        trace_id=hex_id(record.trace_id, 16) or "",
                    )
                )
    if rows:
        with transaction.atomic():
            log_lines_store(sender.organization_id, rows)
    response = ExportLogsServiceResponse()
    if rejected:
        response.partial_success.CopyFrom(
            ExportLogsPartialSuccess(
                rejected_log_records=rejected, error_message=f"{rejected} refused, e.g. {reason}."
            )
        )
    return response
