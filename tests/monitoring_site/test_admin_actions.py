"""The admin actions call the domain services through one helper."""

from django.test import Client

from alerts.models import Alert, AlertRule
from monitors.models import Monitor


def test_admin_actions_pause_acknowledge_and_report_conflicts(owner, acme):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = Client()
    client.force_login(owner)
    rule = AlertRule.objects.create(organization=acme, name="r", metric="m", operator="gt", threshold=1)
    alert = Alert.objects.create(
        organization=acme,
        severity="info",
        title="t",
        message="m",
        metric="m",
        operator="gt",
        threshold_value=1,
        status="resolved",
    )
    monitor = Monitor.objects.create(organization=acme, name="m", type="website", target="https://x")
    client.post("/admin/alerts/alertrule/", {"action": "pause", "_selected_action": [rule.pk]})
    client.post("/admin/monitors/monitor/", {"action": "pause", "_selected_action": [monitor.pk]})
    page = client.post(
        "/admin/alerts/alert/", {"action": "acknowledge", "_selected_action": [alert.pk]}, follow=True
    ).content.decode()
    rule.refresh_from_db()
    monitor.refresh_from_db()
    assert rule.is_paused and monitor.is_paused and monitor.status == "paused"
    assert "already resolved" in page and "Acknowledged: 0 of 1" in page


def test_the_admin_index_names_each_app_in_a_word_and_spells_its_plurals(owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = Client()
    client.force_login(owner)
    index = client.get("/admin/").content.decode()
    for title in ("AI agents", "Alerts", "Jobs", "Monitors"):
        assert f">{title}<" in index, title
    assert "Deliveries" in index and "Deliverys" not in index
