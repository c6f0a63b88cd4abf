"""Event recording, fan-out and delivery against receivers on 127.0.0.1 (DESIGN section 2 and 6)."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, DeliveryAttempt, Event, NotificationChannel, Webhook
from alerts.services.channels import channel_create
from alerts.services.delivery import deliveries_claim, deliveries_send
from alerts.services.events import event_fan_out
from alerts.services.webhooks import webhook_create
from monitoring_site.events import emit

PAYLOAD = {
    "monitor": {"id": 7, "name": "shop", "type": "website", "target": "https://shop", "status": "down"}
}


@pytest.fixture
def webhook(acme, receiver):
    return webhook_create(organization=acme, url=f"{receiver.url}/hook", events=["monitor.down"])


def emit_down(acme, channel_ids=()):
    with transaction.atomic():
        return emit(
            acme, "monitor.down", PAYLOAD, subject_type="monitor", subject_id=7, channel_ids=channel_ids
        )


def test_emit_records_the_event_in_the_transaction(acme):
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(acme, "monitor.down", PAYLOAD)
        raise RuntimeError("rolled back")
    assert not Event.objects.exists()
    event = emit_down(acme)
    stored = Event.objects.get()
    assert (
        stored.id == event.id
        and stored.body["event"] == "monitor.down"
        and stored.body["monitor"]["name"] == "shop"
    )
    assert stored.body["id"] == str(event.id)


def test_unknown_event_names_are_refused(acme):
    with pytest.raises(ValueError):
        emit(acme, "monitor.exploded", {})


def test_fan_out_creates_one_delivery_per_recipient_once(acme, webhook, receiver):
    channel = channel_create(
        organization=acme, name="ops", kind="webhook", config={"url": f"{receiver.url}/ch"}
    )
    webhook_create(organization=acme, url=f"{receiver.url}/other", events=["monitor.up"])  # not subscribed
    event = emit_down(acme, channel_ids=[channel.pk])
    first = event_fan_out(event_id=str(event.id))
    second = event_fan_out(event_id=str(event.id))
    assert len(first) == 2 and sorted(first) == sorted(second)
    assert Delivery.objects.count() == 2
    assert set(Delivery.objects.values_list("target_key", flat=True)) == {
        f"channel:{channel.pk}",
        f"webhook:{webhook.pk}",
    }


def test_webhook_delivery_is_signed_and_logged(acme, webhook, receiver):
    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 1}
    request = receiver.requests[0]
    assert request.path == "/hook"
    expected = "sha256=" + hmac.new(webhook.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-signature"] == expected
    assert (
        request.headers["x-event-id"] == str(event.id) and request.headers["x-event-type"] == "monitor.down"
    )
    assert request.headers["x-event-timestamp"] == event.body["timestamp"]
    assert request.json() == event.body
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status_code == 200
    assert DeliveryAttempt.objects.get().status_code == 200


def test_failures_retry_with_backoff_then_deliver(acme, webhook, receiver):
    receiver.statuses = [500, 503]
    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    now = timezone.now()
    assert deliveries_send(now=now) == {"pending": 1}
    first_retry = Delivery.objects.get().next_attempt_at
    assert now + timedelta(seconds=4) <= first_retry <= now + timedelta(seconds=10)
    assert deliveries_send(now=now) == {}  # not due yet
    assert deliveries_send(now=first_retry) == {"pending": 1}
    second_retry = Delivery.objects.get().next_attempt_at
    assert second_retry - first_retry >= timedelta(seconds=9)  # the delay doubles (with jitter)
    assert deliveries_send(now=second_retry) == {"delivered": 1}
    delivery = Delivery.objects.get()
    assert delivery.attempts == 3
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 503, 200]
    assert len({r.headers["x-event-id"] for r in receiver.requests}) == 1  # the same event id every time
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and webhook.is_active


def test_webhook_gives_up_after_the_retry_window_and_is_disabled(acme, webhook, receiver):
    receiver.statuses = [500] * 5
    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    assert deliveries_send(now=timezone.now() + timedelta(hours=25)) == {"failed": 1}
    webhook.refresh_from_db()
    assert not webhook.is_active and "24 hours" in webhook.disabled_reason
    emit_down(acme)  # a disabled webhook gets no new deliveries
    assert event_fan_out(event_id=str(Event.objects.order_by("-occurred_at")[0].id)) == []


def test_a_claimed_delivery_is_not_claimed_twice_until_its_lease_expires(acme, webhook):
    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    now = timezone.now()
    assert len(deliveries_claim(now=now)) == 1
    assert deliveries_claim(now=now) == []
    again = deliveries_claim(now=now + timedelta(minutes=5))  # the first worker died: the lease ran out
    assert len(again) == 1 and again[0].attempts == 2


def test_outcome_of_a_lost_lease_is_not_written(acme, webhook, receiver):
    from alerts.services.delivery import DeliveryOutcome, delivery_record_outcome

    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    now = timezone.now()
    stale = deliveries_claim(now=now)[0]
    fresh = deliveries_claim(now=now + timedelta(minutes=5))[0]
    assert delivery_record_outcome(stale, DeliveryOutcome(200), now=now) == DeliveryStatus.SENDING
    assert delivery_record_outcome(fresh, DeliveryOutcome(200), now=now) == DeliveryStatus.DELIVERED
    assert DeliveryAttempt.objects.count() == 1


def test_slack_channel(acme, receiver):
    channel = channel_create(
        organization=acme, name="slack", kind="slack", config={"url": f"{receiver.url}/slack"}
    )
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 1}
    text = receiver.requests[0].json()["text"]
    assert "monitor.down: shop" in text and "https://shop" in text


def test_slack_permanent_error_disables_the_channel(acme, receiver):
    receiver.statuses = [404]
    channel = channel_create(
        organization=acme, name="slack", kind="slack", config={"url": f"{receiver.url}/gone"}
    )
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"failed": 1}
    channel.refresh_from_db()
    assert not channel.is_enabled and "HTTP 404" in channel.disabled_reason
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {}
    assert Delivery.objects.filter(status="skipped").count() == 1


def test_email_channel(acme):
    channel = channel_create(
        organization=acme, name="oncall", kind="email", config={"to": "a@example.com, b@example.com"}
    )
    assert channel.config == {"to": ["a@example.com", "b@example.com"]}
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 1}
    assert mail.outbox[0].to == ["a@example.com", "b@example.com"]
    assert mail.outbox[0].subject == "monitor.down: shop" and str(event.id) in mail.outbox[0].body


def test_apprise_channel_to_a_local_json_endpoint(acme, receiver):
    url = receiver.url.replace("http://", "json://") + "/apprise"
    channel = channel_create(organization=acme, name="apprise", kind="apprise", config={"url": url})
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 1}
    body = receiver.requests[0].json()
    assert body["title"] == "monitor.down: shop" and "Target: https://shop" in body["message"]


@override_settings(ALLOW_PRIVATE_WEBHOOK_TARGETS=False)
def test_private_addresses_are_refused_at_connect_time(acme, receiver):
    webhook = webhook_create(organization=acme, url=f"{receiver.url}/hook", events=["*"])
    localhost = webhook_create(
        organization=acme, url=receiver.url.replace("127.0.0.1", "localhost"), events=["*"]
    )
    event = emit_down(acme)
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"failed": 2}
    assert receiver.requests == []
    for hook in (webhook, localhost):
        hook.refresh_from_db()
        assert not hook.is_active and "private-address policy" in hook.disabled_reason


REFUSED_ADDRESSES = [
    # IPv4 special-purpose registry (RFC 6890 and updates)
    ("0.0.0.0", "this network"),  # noqa: S104
    ("0.1.2.3", "this network, 0.0.0.0/8"),
    ("10.1.2.3", "private"),
    ("100.64.0.1", "CGNAT shared address space"),
    ("100.100.100.200", "a cloud metadata address inside CGNAT"),
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback, 127.0.0.0/8"),
    ("169.254.169.254", "link-local: cloud metadata"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.8", "IETF protocol assignments"),
    ("192.0.2.1", "documentation TEST-NET-1"),
    ("192.88.99.1", "6to4 relay anycast"),
    ("192.168.0.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("198.51.100.7", "documentation TEST-NET-2"),
    ("203.0.113.9", "documentation TEST-NET-3"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "limited broadcast"),
    # IPv6 special-purpose registry (RFC 6890 and updates)
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped metadata"),
    ("::127.0.0.1", "IPv4-compatible (deprecated)"),
    ("64:ff9b::7f00:1", "NAT64 of 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("100::1", "discard-only"),
    ("2001::1", "Teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:db8::1", "documentation"),
    ("2002:7f00:1::1", "6to4 of 127.0.0.1"),
    ("2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"),
    ("fc00::1", "unique local"),
    ("fd00::1", "unique local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local with a zone"),
    ("fec0::1", "site-local (deprecated)"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "global-scope multicast"),
]
ALLOWED_ADDRESSES = [
    ("8.8.8.8", "public"),
    ("93.184.216.34", "public"),
    ("100.63.255.255", "just below CGNAT"),
    ("100.128.0.0", "just above CGNAT"),
    ("198.17.255.255", "just below benchmarking"),
    ("2606:2800:220:1:248:1893:25c8:1946", "public IPv6"),
    ("::ffff:8.8.8.8", "IPv4-mapped public"),
    ("64:ff9b::808:808", "NAT64 of 8.8.8.8"),
    ("2002:808:808::1", "6to4 of 8.8.8.8"),
]


@pytest.mark.parametrize(("address", "why"), REFUSED_ADDRESSES)
def test_the_policy_refuses_every_special_purpose_address(address, why):
    from monitoring_site.outbound_http import address_is_public

    assert not address_is_public(address), why


@pytest.mark.parametrize(("address", "why"), ALLOWED_ADDRESSES)
def test_the_policy_allows_globally_reachable_addresses(address, why):
    from monitoring_site.outbound_http import address_is_public

    assert address_is_public(address), why


def test_disabled_channel_is_skipped_and_reenabling_clears_the_reason(acme, receiver):
    from alerts.services.channels import channel_update

    channel = channel_create(organization=acme, name="x", kind="webhook", config={"url": f"{receiver.url}/x"})
    NotificationChannel.objects.filter(pk=channel.pk).update(is_enabled=False, disabled_reason="HTTP 410")
    channel.refresh_from_db()
    channel_update(channel=channel, is_enabled=True)
    channel.refresh_from_db()
    assert channel.is_enabled and channel.disabled_reason == ""


def test_webhook_model_wants():
    hook = Webhook(events=["monitor.down"], is_active=True)
    assert hook.wants("monitor.down") and not hook.wants("monitor.up")
    assert Webhook(events=["*"], is_active=True).wants("job.failed")
    assert not Webhook(events=["*"], is_active=False).wants("job.failed")


def test_names_in_notifications_are_data_never_templates(acme, settings):
    """The recurring advisory class 'template injection in notifications': a monitor named like a template
    or a format string arrives literally; nothing renders user text as a template."""
    hostile = "{{ settings.SECRET_KEY }} {0.__class__} ${7*7} <script>x</script>"
    channel = channel_create(organization=acme, name="oncall", kind="email", config={"to": "a@example.com"})
    payload = {"monitor": {**PAYLOAD["monitor"], "name": hostile, "target": "https://x"}}
    with transaction.atomic():
        event = emit(
            acme, "monitor.down", payload, subject_type="monitor", subject_id=7, channel_ids=[channel.pk]
        )
    event_fan_out(event_id=str(event.id))
    assert deliveries_send() == {"delivered": 1}
    message = mail.outbox[0]
    assert hostile in message.subject + message.body
    assert settings.SECRET_KEY not in message.subject + message.body and "<class" not in message.body


def test_a_crashing_transport_is_logged_and_retried(acme, receiver, monkeypatch, caplog):
    from alerts.transports import TRANSPORTS

    class Broken(type(TRANSPORTS["slack"])):  # a bug in a transport, not a receiver's answer
        async def send(self, notification, config, http):
            raise KeyError("text")

    slack = TRANSPORTS["slack"]
    monkeypatch.setitem(TRANSPORTS, "slack", Broken(slack.kind, slack.label, slack.fields))
    channel = channel_create(
        organization=acme, name="slack", kind="slack", config={"url": f"{receiver.url}/slack"}
    )
    event = emit_down(acme, channel_ids=[channel.pk])
    event_fan_out(event_id=str(event.id))
    with caplog.at_level("ERROR", logger="alerts.services.delivery"):
        assert deliveries_send() == {"pending": 1}
    attempt = DeliveryAttempt.objects.get()
    assert "KeyError" in attempt.error
    [record] = [r for r in caplog.records if r.name == "alerts.services.delivery"]
    assert record.exc_info and record.exc_info[0] is KeyError
