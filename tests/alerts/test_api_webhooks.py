import hashlib
import hmac

from alerts.models import Delivery, Webhook
from alerts.services.webhooks import webhook_create
from tests.conftest import assert_error, data_of

URL = "/api/v1/webhooks"


def test_create_shows_the_secret_once(owner_client, receiver):
    created = data_of(
        owner_client.post(URL, {"url": f"{receiver.url}/h", "events": ["monitor.down"]}, format="json"), 201
    )
    webhook = created["webhook"]
    assert webhook["secret"].startswith("whsec_") and webhook["is_active"] is True
    assert "secret" not in data_of(owner_client.get(f"{URL}/{webhook['id']}"))["webhook"]
    assert "secret" not in data_of(owner_client.get(URL))["webhooks"][0]


def test_bad_input(owner_client):
    for body, field in [
        ({"url": "not a url", "events": ["monitor.down"]}, "url"),
        ({"url": "https://x.example", "events": []}, "events"),
        ({"url": "https://x.example", "events": ["monitor.exploded"]}, "events"),
    ]:
        error = assert_error(owner_client.post(URL, body, format="json"), 400, "validation_error")
        assert field in error["details"]
    assert not Webhook.objects.exists()


def test_update_and_delete(owner_client, acme):
    webhook = webhook_create(organization=acme, url="https://x.example/h", events=["*"])
    data = data_of(
        owner_client.put(
            f"{URL}/{webhook.pk}", {"url": "https://y.example/h", "events": ["job.failed"]}, format="json"
        )
    )["webhook"]
    assert data["url"] == "https://y.example/h" and data["events"] == ["job.failed"]
    assert owner_client.delete(f"{URL}/{webhook.pk}").status_code == 204


def test_test_delivery_and_log(member_client, receiver, acme):
    webhook = webhook_create(organization=acme, url=f"{receiver.url}/h", events=["monitor.down"])
    delivery = data_of(member_client.post(f"{URL}/{webhook.pk}/test"))["delivery"]
    assert delivery["status"] == "delivered" and delivery["event"] == "webhook.test"
    request = receiver.requests[0]
    assert (
        request.headers["x-signature"]
        == "sha256=" + hmac.new(webhook.secret.encode(), request.body, hashlib.sha256).hexdigest()
    )
    log = data_of(member_client.get(f"{URL}/{webhook.pk}/deliveries"))
    assert log["pagination"]["total_items"] == 1
    attempt = log["deliveries"][0]["attempt_log"][0]
    assert attempt["status_code"] == 200 and attempt["duration_ms"] > 0
    assert (
        data_of(member_client.get(f"{URL}/{webhook.pk}/deliveries", {"status": "failed"}))["deliveries"] == []
    )


def test_rotate_secret_needs_admin_and_shows_the_new_secret(owner_client, member_client, acme):
    webhook = webhook_create(organization=acme, url="https://x.example/h", events=["*"])
    assert_error(member_client.post(f"{URL}/{webhook.pk}/rotate-secret"), 403, "insufficient_permissions")
    rotated = data_of(owner_client.post(f"{URL}/{webhook.pk}/rotate-secret"))["webhook"]
    assert rotated["secret"] != webhook.secret
    webhook.refresh_from_db()
    assert webhook.secret == rotated["secret"]


def test_permissions_and_isolation(anon_client, viewer_client, outsider_client, acme):
    webhook = webhook_create(organization=acme, url="https://x.example/h", events=["*"])
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert_error(
        viewer_client.post(URL, {"url": "https://x.example", "events": ["*"]}, format="json"),
        403,
        "insufficient_permissions",
    )
    for path in [f"{URL}/{webhook.pk}", f"{URL}/{webhook.pk}/deliveries"]:
        assert_error(outsider_client.get(path), 404, "not_found")
    assert_error(outsider_client.post(f"{URL}/{webhook.pk}/test"), 404, "not_found")
    assert not Delivery.objects.exists()


def test_deliveries_query_count_is_bounded(owner_client, receiver, acme, django_assert_max_num_queries):
    from alerts.services.webhooks import webhook_test

    webhook = webhook_create(organization=acme, url=f"{receiver.url}/h", events=["*"])
    for _ in range(5):
        webhook_test(webhook=webhook, by="test")
    with django_assert_max_num_queries(6):
        assert data_of(owner_client.get(f"{URL}/{webhook.pk}/deliveries"))["pagination"]["total_items"] == 5
