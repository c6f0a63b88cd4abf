"""``POST /v1/traces``, ``/v1/logs`` and ``/v1/metrics``: the paths an OTLP/HTTP exporter appends to its
endpoint. Plain Django views (the OTLP spec, not the API envelope, is their contract; like the other
protocol surfaces they are left out of the native OpenAPI document, see docs/opentelemetry.md)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from google.protobuf.message import Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from redis.exceptions import RedisError

from agents.otlp.logs import log_record_count, logs_receive
from agents.otlp.metrics import data_point_count, metrics_receive
from agents.otlp.protocol import JSON, OtlpError, answer, decode, encoding_of, failure
from agents.otlp.senders import Sender, sender_of
from agents.otlp.traces import traces_receive
from monitoring_site.redis_client import get_redis, key

logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER = 5


def _span_count(message: ExportTraceServiceRequest) -> int:
    return sum(len(s.spans) for r in message.resource_spans for s in r.scope_spans)


def _throttle(organization_id: int, items: int) -> None:
    """``OTLP_MAX_ITEMS_PER_SECOND`` per organization (0: no limit), counted in Redis across processes."""
    limit = settings.OTLP_MAX_ITEMS_PER_SECOND
    if not limit:
        return
    second = int(time.time())
    name = key("ratelimit", "otlp", str(organization_id), str(second))
    pipe = get_redis().pipeline()
    pipe.incrby(name, items)
    pipe.expire(name, 5)
    try:
        total, _ = pipe.execute()
    except RedisError:  # the limit protects the database; without Redis it is not enforced
        logger.warning("OTLP rate limit not applied: Redis is unavailable", exc_info=True)
        return
    if total > limit:
        raise OtlpError(
            429, f"Over {limit} items a second for this organization; retry later.", retry_after=1
        )


def _receiver(
    message_class: type[Message],
    count: Callable[[Any], int],
    receive: Callable[..., Message],
) -> Callable:
    @csrf_exempt
    @require_POST
    def view(request) -> HttpResponse:
        try:
            kind = encoding_of(request.headers.get("Content-Type", ""))
        except OtlpError as error:
            return failure(error, JSON)
        try:
            sender: Sender = sender_of(request)
            message, kind = decode(request, message_class)
            _throttle(sender.organization_id, count(message))
            return answer(receive(sender=sender, message=message), kind)
        except OtlpError as error:
            return failure(error, kind)
        except (OperationalError, InterfaceError):
            logger.warning("OTLP request refused: the database is unavailable", exc_info=True)
            return failure(
                OtlpError(503, "The database is unavailable; nothing was stored.", DATABASE_RETRY_AFTER), kind
            )

    return view


traces = _receiver(ExportTraceServiceRequest, _span_count, traces_receive)
logs = _receiver(ExportLogsServiceRequest, log_record_count, logs_receive)
metrics = _receiver(ExportMetricsServiceRequest, data_point_count, metrics_receive)
