"""The OTLP/HTTP exchange (https://opentelemetry.io/docs/specs/otlp/#otlphttp): a protobuf or JSON body,
maybe gzipped, in; the service's response message (with ``partial_success``) out in the request's own
encoding; failures as a ``google.rpc.Status`` with the HTTP status the spec gives (400 malformed, 401,
403, 413 too large, 415 unknown encoding, 429/503 with ``Retry-After``)."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from google.rpc import code_pb2, status_pb2

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
M = TypeVar("M", bound=Message)

# HTTP status -> google.rpc code of the Status body
_CODES = {
    400: code_pb2.INVALID_ARGUMENT,
    401: code_pb2.UNAUTHENTICATED,
    403: code_pb2.PERMISSION_DENIED,
    405: code_pb2.UNIMPLEMENTED,
    413: code_pb2.RESOURCE_EXHAUSTED,
    415: code_pb2.INVALID_ARGUMENT,
    429: code_pb2.RESOURCE_EXHAUSTED,
    503: code_pb2.UNAVAILABLE,
}
# OTLP/JSON writes these bytes fields as hex, where protobuf's JSON mapping expects base64
_HEX_IDS = frozenset({"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"})


class OtlpError(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def encoding_of(content_type: str) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind not in (PROTOBUF, JSON):
        raise OtlpError(415, f"Send {PROTOBUF} or {JSON}, not '{kind or 'no content type'}'.")
    return kind


def _inflate(body: bytes, limit: int) -> bytes:
    """gzip with a bound: a small body that inflates past ``limit`` is refused before it fills memory."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise OtlpError(400, f"The body is not valid gzip: {exc}.") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise OtlpError(413, f"The body inflates past {limit} bytes (OTLP_MAX_DECOMPRESSED_BYTES).")
    if not inflater.eof:
        raise OtlpError(400, "The gzip body is truncated.")
    return data


def body_of(request) -> bytes:
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    limit = settings.INGEST_MAX_BODY_BYTES
    try:
        # a body without Content-Length (chunked) is read up to the limit, not whole into memory
        body = request.body if request.META.get("CONTENT_LENGTH") else request.read(limit + 1)
    except RequestDataTooBig:
        body = None
    if body is None or len(body) > limit:
        raise OtlpError(413, f"The body is over {limit} bytes (INGEST_MAX_BODY_BYTES).")
    if encoding == "gzip":
        return _inflate(body, settings.OTLP_MAX_DECOMPRESSED_BYTES)
    if encoding not in ("", "identity"):
        raise OtlpError(415, f"Content-Encoding '{encoding}' is not supported; use gzip or none.")
    return body


def _hex_to_base64(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for name, value in node.items():
            if name in _HEX_IDS and isinstance(value, str):
                try:
                    out[name] = base64.b64encode(bytes.fromhex(value)).decode()
                except ValueError:
                    raise OtlpError(400, f"{name} '{value[:40]}' is not hex.") from None
            else:
                out[name] = _hex_to_base64(value)
        return out
    if isinstance(node, list):
        return [_hex_to_base64(v) for v in node]
    return node


def decode(request, message_class: type[M]) -> tuple[M, str]:
    """The request message and the encoding to answer in; an ``OtlpError`` for anything malformed."""
    kind = encoding_of(request.headers.get("Content-Type", ""))
    data = body_of(request)
    message = message_class()
    try:
        if kind == PROTOBUF:
            message.ParseFromString(data)
        else:
            tree = json.loads(data or b"{}")
            if not isinstance(tree, dict):
                raise OtlpError(400, "The JSON body must be an object.")
            json_format.ParseDict(_hex_to_base64(tree), message, ignore_unknown_fields=True)
    except (DecodeError, json_format.ParseError, ValueError, binascii.Error, RecursionError) as exc:
        raise OtlpError(400, f"The body is not a valid {message_class.__name__}: {exc}"[:500]) from None
    return message, kind


def _encoded(message: Message, kind: str) -> bytes:
    if kind == JSON:
        return json_format.MessageToJson(message, indent=None).encode()
    return message.SerializeToString()


def answer(message: Message, kind: str) -> HttpResponse:
    return HttpResponse(_encoded(message, kind), status=200, content_type=kind)


def failure(error: OtlpError, kind: str) -> HttpResponse:
    status = status_pb2.Status(code=_CODES.get(error.status, code_pb2.UNKNOWN), message=error.message)
    response = HttpResponse(_encoded(status, kind), status=error.status, content_type=kind)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="otlp"'
    return response
