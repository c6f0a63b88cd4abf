"""Each kind of check against real servers on 127.0.0.1."""

import asyncio
import socket

import pytest

from monitoring_runner.checks.http import json_lookup, status_expected
from monitors.checks import check_many
from monitors.models import Monitor
from tests.monitors.targets import DnsTarget, HttpTarget


@pytest.fixture(scope="module")
def http():
    with HttpTarget() as target:
        yield target


def run(*monitors):
    return asyncio.run(check_many(list(monitors)))


def website(url, **fields):
    return Monitor(
        name="m", type=fields.pop("type", "website"), target=url, timeout=fields.pop("timeout", 5), **fields
    )


def test_status_codes_and_ranges(http):
    ok, bad, ranged, redirect_kept = run(
        website(f"{http.url}/status/200"),
        website(f"{http.url}/status/503"),
        website(f"{http.url}/status/404", expected_status=[200, "400-404"]),
        website(f"{http.url}/redirect", follow_redirects=False, expected_status=[302]),
    )
    assert ok.ok and ok.status_code == 200 and ok.response_time_ms > 0
    assert not bad.ok and bad.error == "HTTP 503" and bad.status_code == 503
    assert ranged.ok and redirect_kept.ok and redirect_kept.status_code == 302


def test_keyword_present_and_absent(http):
    found, missing, absent_ok, absent_bad = run(
        website(f"{http.url}/text/all+systems+go", type="keyword", keyword="systems"),
        website(f"{http.url}/text/all+systems+go", type="keyword", keyword="error"),
        website(f"{http.url}/text/all+systems+go", type="keyword", keyword="error", keyword_absent=True),
        website(f"{http.url}/text/error+page", type="keyword", keyword="error", keyword_absent=True),
    )
    assert found.ok and not missing.ok and "not found" in missing.error
    assert absent_ok.ok and not absent_bad.ok and "expected absent" in absent_bad.error


def test_json_value(http):
    ok, wrong, no_path = run(
        website(f"{http.url}/json", type="json", json_path="data.items.0.state", json_expected="ok"),
        website(f"{http.url}/json", type="json", json_path="data.items.0.count", json_expected="4"),
        website(f"{http.url}/json", type="json", json_path="data.nothing"),
    )
    assert ok.ok
    assert not wrong.ok and wrong.error == "data.items.0.count is 3, expected 4"
    assert not no_path.ok and "not found" in no_path.error
    at_least, below, not_down, text_order = run(
        website(f"{http.url}/json", type="json", json_path="data.items.0.count", json_expected=">= 3"),
        website(f"{http.url}/json", type="json", json_path="data.items.0.count", json_expected="< 3"),
        website(f"{http.url}/json", type="json", json_path="data.items.0.state", json_expected="!= down"),
        website(f"{http.url}/json", type="json", json_path="data.items.0.state", json_expected="> 2"),
    )
    assert at_least.ok and not below.ok and below.error == "data.items.0.count is 3, expected < 3"
    assert not_down.ok and not text_order.ok


def test_a_json_monitors_error_does_not_echo_what_it_found(http):
    """Monitors may reach internal services; their errors must not become a way to read them."""
    secret, item = run(
        website(f"{http.url}/json", type="json", json_path="data.secret", json_expected="nope"),
        website(f"{http.url}/json", type="json", json_path="data.items.0", json_expected="nope"),
    )
    assert secret.error == 'data.secret is a string of 17 characters starting "SECR…", expected nope'
    assert item.error.startswith("data.items.0 is an object of ") and "count" not in item.error


def test_json_expectation_validation(member_client):
    from tests.conftest import assert_error

    body = {
        "name": "j",
        "type": "json",
        "target": "https://x.example",
        "json_path": "a",
        "json_expected": "> many",
    }
    error = assert_error(member_client.post("/api/v1/monitors", body, format="json"), 400, "validation_error")
    assert error["details"]["json_expected"] == ["'>' compares numbers; 'many' is not one."]


def test_a_hanging_target_times_out_without_delaying_the_batch(http):
    slow, fast = run(website(f"{http.url}/slow/3", timeout=0.5), website(f"{http.url}/status/200"))
    assert not slow.ok and "Timed out" in slow.error
    assert fast.ok


def test_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (outcome,) = run(website(f"http://127.0.0.1:{port}/"))
    assert not outcome.ok and "Connect" in outcome.error


def test_tcp_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        (open_port,) = run(Monitor(name="p", type="port", target="127.0.0.1", port=port, timeout=2))
    (closed,) = run(Monitor(name="p", type="port", target="127.0.0.1", port=port, timeout=2))
    assert open_port.ok and open_port.response_time_ms is not None
    assert not closed.ok and "Cannot connect" in closed.error


def test_ping_localhost():
    (outcome,) = run(Monitor(name="ping", type="ping", target="127.0.0.1", timeout=2))
    assert outcome.ok, outcome.error


def test_dns_against_a_local_server():
    with DnsTarget() as server:
        ok, txt, wrong = run(
            Monitor(
                name="d",
                type="dns",
                target="shop.example@127.0.0.1",
                port=server.port,
                dns_expected="10.1.2.3",
                timeout=2,
            ),
            Monitor(
                name="d",
                type="dns",
                target="shop.example@127.0.0.1",
                port=server.port,
                dns_record_type="TXT",
                dns_expected="hello",
                timeout=2,
            ),
            Monitor(
                name="d",
                type="dns",
                target="shop.example@127.0.0.1",
                port=server.port,
                dns_expected="10.9.9.9",
                timeout=2,
            ),
        )
    assert ok.ok and txt.ok, (ok.error, txt.error)
    assert not wrong.ok and "expected 10.9.9.9" in wrong.error


def test_helpers():
    assert status_expected(204, []) and not status_expected(301, [])
    assert status_expected(301, ["300-399"]) and not status_expected(500, [200, "300-399"])
    assert json_lookup({"a": [{"b": 1}]}, "a.0.b") == 1


def test_tls_certificate_checks(tmp_path):
    import ssl

    from tests.monitors.targets import self_signed_certificate

    cert, key = self_signed_certificate(tmp_path, days=30)
    with HttpTarget() as target:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        target.server.socket = context.wrap_socket(target.server.socket, server_side=True)
        url = target.url.replace("http://", "https://")
        strict, relaxed = run(website(f"{url}/status/200"), website(f"{url}/status/200", verify_tls=False))
    assert not strict.ok and "certificate" in strict.error.lower()
    assert relaxed.ok and relaxed.cert_days_left in (29, 30)


def test_a_crashing_checker_fails_its_check_and_is_logged(http, monkeypatch, caplog):
    from monitoring_runner.checks import registry

    async def broken(monitor, session):
        raise ZeroDivisionError("a bug in the checker")

    monkeypatch.setitem(registry.CHECKERS, "dns", broken)
    with caplog.at_level("ERROR", logger="monitoring_runner.checks.registry"):
        crashed, fine = run(website("example.test", type="dns"), website(f"{http.url}/status/200"))
    assert not crashed.ok and crashed.error == "ZeroDivisionError: a bug in the checker"
    assert fine.ok  # the rest of the batch is checked
    [record] = [r for r in caplog.records if r.name == "monitoring_runner.checks.registry"]
    assert record.exc_info and "dns" in record.getMessage()
