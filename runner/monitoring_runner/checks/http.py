"""website, keyword and json monitors: one request, then the status, a keyword or a JSON value."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
from cryptography import x509

from monitoring_runner.checks.base import CheckOutcome
from monitoring_runner.checks.expectations import expectation_met
from monitoring_runner.checks.spec import KIND_JSON, KIND_KEYWORD, Checkable

BODY_LIMIT = 1024 * 1024


def status_expected(status: int, expected: list[Any]) -> bool:
    """``expected`` holds codes and ranges (``[200, "300-399"]``); empty means any 2xx."""
    if not expected:
        return 200 <= status < 300
    for item in expected:
        text = str(item)
        if "-" in text:
            low, _, high = text.partition("-")
            if int(low) <= status <= int(high):
                return True
        elif int(text) == status:
            return True
    return False


def json_lookup(document: Any, path: str) -> Any:
    """Follow a dotted path (``data.items.0.state``) through objects and lists."""
    current = document
    for part in [p for p in path.split(".") if p]:
        if isinstance(current, list):
            current = current[int(part)]
        elif isinstance(current, dict):
            current = current[part]
        else:
            raise KeyError(part)
    return current


class CertificateRecordingConnector(aiohttp.TCPConnector):
    """Keeps the peer certificate (DER) of each TLS connection it opens, by (host, port), so a check can
    read the expiry even when the server closed the connection right after answering."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.certificates: dict[tuple[str, int], bytes] = {}

    async def _wrap_create_connection(self, *args: Any, req: Any, **kwargs: Any):  # type: ignore[override]
        transport, protocol = await super()._wrap_create_connection(*args, req=req, **kwargs)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            der = ssl_object.getpeercert(binary_form=True)
            if der:
                self.certificates[(req.url.host, req.url.port)] = der
        return transport, protocol


def _cert_days_left(session: aiohttp.ClientSession, response: aiohttp.ClientResponse) -> int | None:
    """Days until the server certificate expires (readable even when it was not verified)."""
    connector = session.connector
    der = getattr(connector, "certificates", {}).get((response.url.host, response.url.port))
    if not der:
        return None
    expires = x509.load_der_x509_certificate(der).not_valid_after_utc
    return (expires - datetime.now(tz=UTC)).days


def _content_verdict(monitor: Checkable, text: str) -> str:
    """An error message, or "" when the content is as expected."""
    if monitor.type == KIND_KEYWORD and monitor.keyword:
        present = monitor.keyword in text
        if present and monitor.keyword_absent:
            return f"Keyword '{monitor.keyword}' found, expected absent"
        if not present and not monitor.keyword_absent:
            return f"Keyword '{monitor.keyword}' not found"
    if monitor.type == KIND_JSON and monitor.json_path:
        try:
            value = json_lookup(json.loads(text), monitor.json_path)
        except (ValueError, KeyError, IndexError) as exc:
            return f"JSON path {monitor.json_path} not found: {exc}"
        shown = json.dumps(value) if not isinstance(value, str) else value
        if monitor.json_expected and not expectation_met(shown, monitor.json_expected):
            return f"{monitor.json_path} is {_glimpse(value, shown)}, expected {monitor.json_expected}"
    return ""


def _glimpse(value: Any, shown: str) -> str:
    """What an error may say of a value found in a response: numbers, booleans and null in full (up to 20
    characters), a string or a structure by its first characters only, so that a monitor's errors are no
    way to read an internal service's documents."""
    if value is None or isinstance(value, bool | int | float):
        return shown if len(shown) <= 20 else f"{shown[:20]}…"
    kind = "a string" if isinstance(value, str) else "an array" if isinstance(value, list) else "an object"
    if isinstance(value, str) and len(value) <= 4:
        return f'"{value}"'
    return f'{kind} of {len(shown)} characters starting "{shown[:4]}…"'


async def check_http(monitor: Checkable, session: aiohttp.ClientSession) -> CheckOutcome:
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=monitor.timeout)
    try:
        async with session.request(
            monitor.method or "GET",
            monitor.target,
            headers=monitor.headers or None,
            data=monitor.body.encode() if monitor.body else None,
            allow_redirects=monitor.follow_redirects,
            timeout=timeout,
            ssl=monitor.verify_tls,  # False: accept a self-signed or expired certificate
        ) as response:
            cert_days = _cert_days_left(session, response)
            raw = await response.content.read(BODY_LIMIT)
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            if not status_expected(response.status, monitor.expected_status):
                return CheckOutcome.failed(
                    f"HTTP {response.status}",
                    response_time_ms=elapsed,
                    status_code=response.status,
                    cert_days_left=cert_days,
                )
            verdict = _content_verdict(monitor, raw.decode(errors="replace"))
            if verdict:
                return CheckOutcome.failed(
                    verdict, response_time_ms=elapsed, status_code=response.status, cert_days_left=cert_days
                )
            return CheckOutcome(
                ok=True, response_time_ms=elapsed, status_code=response.status, cert_days_left=cert_days
            )
    except TimeoutError:
        return CheckOutcome.failed(f"Timed out after {monitor.timeout:g}s")
    except aiohttp.ClientError as exc:
        return CheckOutcome.failed(f"{type(exc).__name__}: {exc}")
