from django.core import mail

from alerts.models import NotificationChannel
from tests.conftest import assert_error, data_of

URL = "/api/v1/channels"


def test_types_lists_kinds_and_fields(viewer_client):
    types = {t["kind"]: t for t in data_of(viewer_client.get(f"{URL}/types"))["types"]}
    assert set(types) == {"email", "webhook", "slack", "apprise"}
    assert types["webhook"]["config_fields"][0]["name"] == "url"
    assert types["email"]["config_fields"][0]["type"] == "email_list"


def test_crud(owner_client, receiver):
    body = {"name": "ops", "type": "webhook", "config": {"url": f"{receiver.url}/ops"}}
    channel = data_of(owner_client.post(URL, body, format="json"), 201)["channel"]
    assert channel["type"] == "webhook" and channel["is_enabled"] is True
    assert data_of(owner_client.get(URL, {"type": "webhook"}))["pagination"]["total_items"] == 1
    patched = data_of(owner_client.patch(f"{URL}/{channel['id']}", {"name": "ops-2"}, format="json"))[
        "channel"
    ]
    assert patched["name"] == "ops-2" and patched["config"]["url"] == receiver.url + "/…"
    assert NotificationChannel.objects.get().config["url"] == f"{receiver.url}/ops"
    assert owner_client.delete(f"{URL}/{channel['id']}").status_code == 204
    assert not NotificationChannel.objects.exists()


def test_slack_url_is_masked_after_creation(owner_client):
    body = {
        "name": "s",
        "type": "slack",
        "config": {"url": "https://hooks.slack.com/services/T000/B000/S3CRETTOKEN"},
    }
    created = data_of(owner_client.post(URL, body, format="json"), 201)["channel"]
    assert "S3CRETTOKEN" not in str(created)
    assert NotificationChannel.objects.get().config["url"].endswith("S3CRETTOKEN")


def test_a_webhook_channels_url_is_masked_for_every_reader(
    owner_client, viewer_client, read_key_client, member_client
):
    """Its query or path may carry a token: viewers, read keys and /config/export never see it."""
    token_url = "https://hooks.example.com/incoming/abc?token=S3CRETTOKEN"
    body = {"name": "ops", "type": "webhook", "config": {"url": token_url}}
    channel = data_of(owner_client.post(URL, body, format="json"), 201)["channel"]
    for client in (viewer_client, read_key_client, owner_client):
        shown = str(data_of(client.get(f"{URL}/{channel['id']}"))) + str(data_of(client.get(URL)))
        assert "S3CRETTOKEN" not in shown and "hooks.example.com/…" in shown
    exported = viewer_client.get("/api/v1/config/export").content.decode()
    assert "S3CRETTOKEN" not in exported and "ops" in exported
    # Sending the shown config back (a client's read-modify-write) keeps the stored URL.
    shown_config = data_of(member_client.get(f"{URL}/{channel['id']}"))["channel"]["config"]
    again = {**body, "name": "ops-renamed", "config": shown_config}
    data_of(member_client.put(f"{URL}/{channel['id']}", again, format="json"))
    stored = NotificationChannel.objects.get()
    assert (stored.name, stored.config["url"]) == ("ops-renamed", token_url)


def test_config_is_validated_per_type(owner_client):
    cases = [
        ({"name": "x", "type": "webhook", "config": {"url": "ftp://x"}}, "config.url"),
        ({"name": "x", "type": "webhook", "config": {}}, "config.url"),
        ({"name": "x", "type": "email", "config": {"to": "not-an-email"}}, "config.to"),
        ({"name": "x", "type": "webhook", "config": {"url": "https://x", "extra": 1}}, "config"),
        ({"name": "x", "type": "apprise", "config": {"url": "nonsense"}}, "config.url"),
        ({"name": "x", "type": "pager", "config": {}}, "type"),
        ({"name": "x", "type": "webhook", "config": "https://x"}, "config"),
    ]
    for body, field in cases:
        error = assert_error(owner_client.post(URL, body, format="json"), 400, "validation_error")
        assert field in error["details"], (body, error)
    assert not NotificationChannel.objects.exists()


def test_test_sends_a_real_message(member_client, receiver, acme):
    channel = NotificationChannel.objects.create(
        organization=acme, name="hook", kind="webhook", config={"url": f"{receiver.url}/t"}
    )
    result = data_of(member_client.post(f"{URL}/{channel.pk}/test"))
    assert result == {"delivered": True, "error": None, "permanent": False, "status_code": 200}
    assert receiver.requests[0].json()["event"] == "channel.test"


def test_test_reports_a_failure_and_disables_on_permanent(owner_client, receiver, acme):
    receiver.statuses = [410]
    channel = NotificationChannel.objects.create(
        organization=acme, name="slack", kind="slack", config={"url": f"{receiver.url}/s"}
    )
    result = data_of(owner_client.post(f"{URL}/{channel.pk}/test"))
    assert result["delivered"] is False and result["permanent"] is True and result["status_code"] == 410
    detail = data_of(owner_client.get(f"{URL}/{channel.pk}"))["channel"]
    assert detail["is_enabled"] is False and "410" in detail["disabled_reason"]
    enabled = data_of(owner_client.patch(f"{URL}/{channel.pk}", {"is_enabled": True}, format="json"))[
        "channel"
    ]
    assert enabled["is_enabled"] and enabled["disabled_reason"] == ""


def test_email_test(owner_client, acme):
    channel = NotificationChannel.objects.create(
        organization=acme, name="m", kind="email", config={"to": ["x@example.com"]}
    )
    assert data_of(owner_client.post(f"{URL}/{channel.pk}/test"))["delivered"] is True
    assert mail.outbox[0].to == ["x@example.com"]


def test_permissions_and_isolation(anon_client, viewer_client, outsider_client, acme):
    channel = NotificationChannel.objects.create(
        organization=acme, name="c", kind="email", config={"to": ["a@b.co"]}
    )
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert_error(
        viewer_client.post(URL, {"name": "x", "type": "email", "config": {"to": "a@b.co"}}, format="json"),
        403,
        "insufficient_permissions",
    )
    assert_error(viewer_client.post(f"{URL}/{channel.pk}/test"), 403, "insufficient_permissions")
    assert_error(outsider_client.get(f"{URL}/{channel.pk}"), 404, "not_found")
    assert_error(outsider_client.post(f"{URL}/{channel.pk}/test"), 404, "not_found")
    assert data_of(outsider_client.get(URL))["channels"] == []


def test_list_query_count_is_bounded(owner_client, acme, django_assert_max_num_queries):
    for i in range(20):
        NotificationChannel.objects.create(
            organization=acme, name=f"c{i}", kind="email", config={"to": ["a@b.co"]}
        )
    with django_assert_max_num_queries(4):
        assert data_of(owner_client.get(URL))["pagination"]["total_items"] == 20
