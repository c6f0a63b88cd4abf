"""Apprise channels are held to the private-address policy on every connection they make: services that
open their own sockets are refused, and an HTTP service is checked when it connects (a name resolving to
loopback, a redirect to a private address), not only when the channel is saved."""

from __future__ import annotations

import importlib
import inspect
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from alerts.models import Delivery, NotificationChannel
from alerts.services.channels import channel_create
from alerts.services.delivery import deliveries_send
from alerts.services.events import event_fan_out
from alerts.transports.apprise_kind import POLICED_PLUGINS
from monitoring_site.errors import RuleViolation
from tests.alerts.test_delivery import emit_down


def send_to(acme, channel) -> dict:
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    return deliveries_send()


@pytest.mark.parametrize(
    "url",
    [
        "mailto://user:pass@example.com?smtp=127.0.0.1&port=25",
        "mailtos://user:pass@example.com?smtp=10.0.0.5",
        "mqtt://127.0.0.1/topic",
        "syslog://127.0.0.1",
    ],
)
@override_settings(ALLOW_PRIVATE_WEBHOOK_TARGETS=False)
def test_services_that_open_their_own_sockets_are_refused(acme, url):
    with pytest.raises(RuleViolation) as raised:
        channel_create(organization=acme, name="x", kind="apprise", config={"url": url})
    assert "config.url" in raised.value.details
    assert not NotificationChannel.objects.exists()


def test_a_private_target_is_refused_when_it_connects(acme, receiver):
    """Saved while the operator allowed private targets (or resolving elsewhere then): checked at send."""
    url = receiver.url.replace("http://127.0.0.1", "json://localhost") + "/apprise"
    channel = channel_create(organization=acme, name="apprise", kind="apprise", config={"url": url})
    with override_settings(ALLOW_PRIVATE_WEBHOOK_TARGETS=False):
        assert send_to(acme, channel) == {"failed": 1}
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert "private-address policy" in delivery.last_error, delivery.last_error


class Redirector:
    """A 'public' first hop (127.0.0.2, which the test's policy lets through) answering 307 to a URL."""

    def __init__(self, location: str):
        redirector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                redirector.hits += 1
                self.send_response(307)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return

        self.hits = 0
        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.url = f"json://127.0.0.2:{self.server.server_address[1]}/hop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_to_a_private_address_is_refused(acme, receiver, monkeypatch):
    from monitoring_site import outbound_http

    policy = outbound_http.address_is_public
    monkeypatch.setattr(outbound_http, "address_is_public", lambda a: a == "127.0.0.2" or policy(a))
    hop = Redirector(f"{receiver.url}/private")
    try:
        with override_settings(ALLOW_PRIVATE_WEBHOOK_TARGETS=False):
            channel = channel_create(organization=acme, name="hop", kind="apprise", config={"url": hop.url})
            send_to(acme, channel)
    finally:
        hop.close()
    assert hop.hits == 1  # the first hop was reached: the redirect is what was refused
    assert receiver.requests == []
    assert "private-address policy" in Delivery.objects.get().last_error


@pytest.mark.parametrize("module", sorted(POLICED_PLUGINS))
def test_every_accepted_apprise_service_speaks_http_through_requests(module):
    """If Apprise changes one of these to open its own sockets, the policy could no longer hold it."""
    source = inspect.getsource(importlib.import_module(module))
    assert "import requests" in source
    for own_sockets in (
        "import socket",
        "import smtplib",
        "import ssl",
        "paho",
        "slixmpp",
        "asyncio.open_connection",
    ):
        assert own_sockets not in source, (module, own_sockets)
