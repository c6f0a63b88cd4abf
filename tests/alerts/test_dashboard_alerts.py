import pytest
from django.test import Client

from alerts.models import Alert, AlertRule, NotificationChannel, Webhook
from alerts.services.webhooks import webhook_create, webhook_test


def _alert(organization, **extra):
    fields = {
        "severity": "critical",
        "title": "Disk full",
        "message": "m",
        "metric": "disk",
        "operator": "gt",
        "threshold_value": 90,
        "current_value": 97,
        **extra,
    }
    return Alert.objects.create(organization=organization, **fields)


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_browser(owner):
    return browser_for(owner)


def test_alert_list_filters_and_summary(owner_browser, acme):
    _alert(acme)
    _alert(acme, status="resolved", title="Old thing")
    page = owner_browser.get("/alerts/").content.decode()
    assert "Disk full" in page and "Old thing" not in page  # open alerts by default
    assert "Old thing" in owner_browser.get("/alerts/", {"status": "resolved"}).content.decode()
    assert 'id="alert-summary"' in page and "alerts_live.js" in page


def test_acknowledge_and_resolve_from_the_page(owner_browser, acme):
    alert = _alert(acme)
    owner_browser.post(f"/alerts/{alert.pk}/acknowledge", {"notes": "mine"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == "alice" and alert.notes == "mine"
    owner_browser.post(f"/alerts/{alert.pk}/resolve", {"resolution": "cleaned up"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution == "cleaned up"


def test_viewers_and_outsiders_cannot_act(viewer, outsider, acme):
    alert = _alert(acme)
    browser_for(viewer).post(f"/alerts/{alert.pk}/acknowledge")
    assert browser_for(outsider).post(f"/alerts/{alert.pk}/acknowledge").status_code == 404
    alert.refresh_from_db()
    assert alert.status == "active"
    assert "Disk full" not in browser_for(outsider).get("/alerts/").content.decode()


def test_rules_channels_webhooks_maintenance_pages(owner_browser, acme, receiver):
    channel = NotificationChannel.objects.create(
        organization=acme, name="ops-hook", kind="webhook", config={"url": f"{receiver.url}/x"}
    )
    rule = AlertRule.objects.create(
        organization=acme, name="Slow API", metric="latency", operator="gt", threshold=1
    )
    webhook = webhook_create(organization=acme, url=f"{receiver.url}/w", events=["*"])
    webhook_test(webhook=webhook, by="t")
    assert "Slow API" in owner_browser.get("/alerts/rules").content.decode()
    owner_browser.post(f"/alerts/rules/{rule.pk}/pause")
    rule.refresh_from_db()
    assert rule.is_paused
    assert "ops-hook" in owner_browser.get("/alerts/channels").content.decode()
    response = owner_browser.post(f"/alerts/channels/{channel.pk}/test", follow=True)
    assert "Test message delivered" in response.content.decode()
    assert receiver.requests[-1].json()["event"] == "channel.test"
    assert webhook.url in owner_browser.get("/alerts/webhooks").content.decode()
    log = owner_browser.get(f"/alerts/webhooks/{webhook.pk}").content.decode()
    assert "webhook.test" in log and "delivered" in log
    assert owner_browser.get("/alerts/maintenance").status_code == 200
    assert Webhook.objects.count() == 1


def test_alert_admin_pages(owner, acme):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = browser_for(owner)
    _alert(acme)
    for model in [
        "alert",
        "alertrule",
        "notificationchannel",
        "webhook",
        "event",
        "delivery",
        "maintenancewindow",
    ]:
        assert client.get(f"/admin/alerts/{model}/").status_code == 200, model
    assert client.get("/admin/metrics/metricpoint/").status_code == 200


def test_create_channel_rule_webhook_and_window_from_the_dashboard(owner_browser, acme):
    response = owner_browser.post(
        "/alerts/channels/new", {"name": "mail", "type": "email", "target": "a@b.co, c@d.co"}
    )
    assert response.status_code == 302
    channel = NotificationChannel.objects.get(name="mail")
    assert channel.config == {"to": ["a@b.co", "c@d.co"]}

    response = owner_browser.post(
        "/alerts/rules/new",
        {
            "name": "Errors",
            "metric": "error_rate_percent",
            "operator": "gt",
            "threshold": "5",
            "duration_minutes": "2",
            "severity": "critical",
            "channels": [channel.pk],
        },
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(name="Errors")
    assert list(rule.channels.all()) == [channel] and rule.threshold == 5

    page = owner_browser.post(
        "/alerts/webhooks/new", {"url": "https://x.example/h", "events": ["monitor.down"]}
    )
    webhook = Webhook.objects.get()
    assert webhook.secret in page.content.decode()  # shown once, here
    assert webhook.secret not in owner_browser.get("/alerts/webhooks").content.decode()

    response = owner_browser.post(
        "/alerts/maintenance/new",
        {
            "name": "nightly",
            "cron": "0 3 * * *",
            "timezone": "UTC",
            "duration_minutes": "30",
            "applies_to_all": "on",
        },
    )
    assert response.status_code == 302


def test_dashboard_forms_show_rule_errors_and_create_nothing(owner_browser, viewer, acme):
    page = owner_browser.post("/alerts/channels/new", {"name": "bad", "type": "webhook", "target": "ftp://x"})
    target = page.content.decode().split('name="target"')[1].split("</label>")[0]
    assert 'class="flash error"' in target and not NotificationChannel.objects.exists()
    page = owner_browser.post(
        "/alerts/rules/new",
        {
            "name": "r",
            "metric": "happiness",
            "operator": "gt",
            "threshold": "1",
            "duration_minutes": "0",
            "severity": "info",
        },
    )
    metric = page.content.decode().split('name="metric"')[1].split("</label>")[0]
    assert "Select a valid choice" in metric and not AlertRule.objects.exists()
    page = owner_browser.post(
        "/alerts/maintenance/new",
        {"name": "w", "cron": "nonsense", "timezone": "UTC", "duration_minutes": "5"},
    )
    assert "cron" in page.content.decode()
    assert browser_for(viewer).get("/alerts/rules/new").status_code == 403


def test_rules_channels_webhooks_and_windows_are_deleted_from_their_lists(
    owner_browser, viewer, outsider, acme
):
    from datetime import timedelta

    from django.utils import timezone

    from alerts.models import AlertRule, MaintenanceWindow, NotificationChannel, Webhook

    rule = AlertRule.objects.create(organization=acme, name="r", metric="m", operator="gt", threshold=1)
    channel = NotificationChannel.objects.create(organization=acme, name="ops", kind="webhook", config={})
    webhook = Webhook.objects.create(organization=acme, url="https://hooks.test/x", events=["monitor.down"])
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        organization=acme, name="deploy", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    pages = {"rules": "/alerts/rules", "channels": "/alerts/channels", "webhooks": "/alerts/webhooks"}
    pages["maintenance"] = "/alerts/maintenance"
    for kind, obj in (("rules", rule), ("channels", channel), ("webhooks", webhook), ("maintenance", window)):
        listing = owner_browser.get(pages[kind]).content.decode()
        assert f'action="/alerts/{kind}/{obj.pk}/delete"' in listing and "data-confirm" in listing, kind
        assert browser_for(viewer).post(f"/alerts/{kind}/{obj.pk}/delete").status_code == 403
        assert browser_for(outsider).post(f"/alerts/{kind}/{obj.pk}/delete").status_code == 404
        answer = owner_browser.post(f"/alerts/{kind}/{obj.pk}/delete")
        assert answer.status_code == 302 and answer["Location"] == pages[kind], kind
        assert not type(obj).objects.filter(pk=obj.pk).exists(), kind
    assert owner_browser.post("/alerts/nothing/1/delete").status_code == 404


def test_a_window_made_in_the_dashboard_covers_what_was_picked_and_never_everything_by_accident(
    owner_browser, acme
):
    from alerts.models import MaintenanceWindow
    from monitors.models import Monitor

    shop = Monitor.objects.create(organization=acme, name="shop", type="website", target="https://s.test/")
    Monitor.objects.create(organization=acme, name="blog", type="website", target="https://b.test/")
    form = owner_browser.get("/alerts/maintenance/new").content.decode()
    assert 'type="checkbox" name="monitors"' in form and "shop" in form and "blog" in form
    window = {
        "name": "deploy",
        "starts_at": "2030-01-01 10:00",
        "ends_at": "2030-01-01 11:00",
        "timezone": "UTC",
    }
    refused = owner_browser.post("/alerts/maintenance/new", window).content.decode()
    assert "Name the subjects, or set applies_to_all" in refused and not MaintenanceWindow.objects.exists()
    assert owner_browser.post("/alerts/maintenance/new", {**window, "monitors": [shop.pk]}).status_code == 302
    made = MaintenanceWindow.objects.get()
    assert not made.applies_to_all and made.subjects == [{"type": "monitor", "id": shop.pk}]
    assert made.covers("monitor", shop.pk) and not made.covers("monitor", shop.pk + 1)
