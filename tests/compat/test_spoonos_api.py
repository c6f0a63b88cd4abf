"""SpoonOS's monitoring routes (reference 000, ``spoon_ai.monitoring.api.routes``) replayed: every route
with the field names of ``MonitoringTaskCreate``, ``TaskExtendRequest``, ``MonitoringTaskResponse`` and
``MonitoringChannelsResponse``, and a task that really alerts when its custom metric crosses the line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts.models import Alert, AlertRule
from alerts.services.channels import channel_create
from alerts.services.rules import rule_evaluate
from monitoring_site.metrics.services import metric_points_record
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db(transaction=True)

CREATE = {
    "market": "cex",
    "provider": "bn",
    "symbol": "BTCUSDT",
    "metric": "price",
    "threshold": 100000.0,
    "comparator": ">",
    "name": "BTC above 100k",
    "check_interval_minutes": 5,
    "expires_in_hours": 24,
    "notification_channels": ["email"],
    "notification_params": {},
}
CONFIG_KEYS = set(CREATE)


@pytest.fixture
def email_channel(acme):
    return channel_create(organization=acme, name="oncall", kind="email", config={"to": ["ops@example.com"]})


def test_create_list_get_and_delete(member_client, admin_client, email_channel):
    created = member_client.post("/monitoring/tasks", CREATE, format="json").json()
    assert set(created) == {"task_id", "created_at", "expires_at", "status", "config"}
    assert created["status"] == "active" and set(created["config"]) == CONFIG_KEYS
    assert created["config"]["notification_channels"] == ["oncall"]  # "email": every e-mail channel
    assert {k: created["config"][k] for k in ("symbol", "comparator", "threshold", "expires_in_hours")} == {
        "symbol": "BTCUSDT",
        "comparator": ">",
        "threshold": 100000.0,
        "expires_in_hours": 24,
    }
    rule = AlertRule.objects.get()
    assert (rule.metric, rule.operator, rule.check_interval) == ("price", "gt", 300)
    assert rule.scope == {"tags": {"market": "cex", "provider": "bn", "symbol": "BTCUSDT"}}

    task_id = created["task_id"]
    listed = member_client.get("/monitoring/tasks").json()
    assert list(listed) == [task_id]
    assert set(listed[task_id]) == {
        "status",
        "created_at",
        "expires_at",
        "config",
        "last_checked",
        "alert_count",
    }
    assert member_client.get(f"/monitoring/tasks/{task_id}").json()["alert_count"] == 0

    assert member_client.delete(f"/monitoring/tasks/{task_id}").status_code == 403  # deleting needs admin
    assert admin_client.delete(f"/monitoring/tasks/{task_id}").json() == {
        "status": "success",
        "message": f"Task {task_id} deleted",
    }
    assert_error(member_client.get(f"/monitoring/tasks/{task_id}"), 404, "not_found")


def test_pause_resume_extend(member_client, email_channel):
    task_id = member_client.post("/monitoring/tasks", CREATE, format="json").json()["task_id"]
    for _ in range(2):  # pausing twice succeeds twice, as in SpoonOS
        assert member_client.post(f"/monitoring/tasks/{task_id}/pause").json() == {
            "status": "success",
            "message": f"Task {task_id} paused",
        }
    assert member_client.get(f"/monitoring/tasks/{task_id}").json()["status"] == "paused"
    assert (
        member_client.post(f"/monitoring/tasks/{task_id}/resume").json()["message"]
        == f"Task {task_id} resumed"
    )
    assert AlertRule.objects.get().is_paused is False

    AlertRule.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert member_client.get(f"/monitoring/tasks/{task_id}").json()["status"] == "expired"
    assert_error(member_client.post(f"/monitoring/tasks/{task_id}/resume"), 404, "not_found")
    extended = member_client.post(f"/monitoring/tasks/{task_id}/extend", {"hours": 48}, format="json").json()
    assert set(extended) == {"task_id", "status", "expires_at"} and extended["status"] == "active"
    left = AlertRule.objects.get().expires_at - timezone.now()
    assert timedelta(hours=47, minutes=59) < left <= timedelta(hours=48)
    assert_error(
        member_client.post(f"/monitoring/tasks/{task_id}/extend", {}, format="json"), 400, "validation_error"
    )
    assert_error(
        member_client.post(f"/monitoring/tasks/{task_id}/extend", {"hours": 0}, format="json"),
        400,
        "validation_error",
    )


def test_the_task_alerts_on_its_metric_and_tests_its_channels(member_client, acme, email_channel):
    task_id = member_client.post("/monitoring/tasks", CREATE, format="json").json()["task_id"]
    tags = {"market": "cex", "provider": "bn", "symbol": "BTCUSDT"}
    metric_points_record(
        organization=acme,
        points=[
            {"name": "price", "value": 101000.0, "tags": tags},
            {"name": "price", "value": 50.0, "tags": {**tags, "symbol": "DOGEUSDT"}},
        ],
    )
    assert rule_evaluate(rule=AlertRule.objects.get(), now=timezone.now()) == "triggered"
    assert Alert.objects.get().current_value == 101000.0  # only its symbol's points count
    assert member_client.get(f"/monitoring/tasks/{task_id}").json()["alert_count"] == 1

    mail.outbox.clear()
    assert member_client.post(f"/monitoring/tasks/{task_id}/test").json() == {
        "status": "success",
        "message": "Test notification sent",
    }
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ops@example.com"]
    assert member_client.get("/monitoring/channels").json() == {"available_channels": ["email", "oncall"]}


def test_bad_input_other_organizations_and_no_token(
    member_client, outsider_client, anon_client, email_channel
):
    for bad in (
        {k: v for k, v in CREATE.items() if k != "symbol"},
        {**CREATE, "comparator": "~"},
        {**CREATE, "notification_channels": ["telegram"]},  # no such channel or kind here
        {**CREATE, "notification_params": {"chat_id": 1}},
        {**CREATE, "task_id": "mine"},
        {**CREATE, "expires_in_hours": 0},
    ):
        assert_error(member_client.post("/monitoring/tasks", bad, format="json"), 400, "validation_error")
    assert AlertRule.objects.count() == 0
    task_id = member_client.post("/monitoring/tasks", CREATE, format="json").json()["task_id"]
    assert outsider_client.get("/monitoring/tasks").json() == {}
    for method, suffix in (("get", ""), ("delete", ""), ("post", "/pause"), ("post", "/test")):
        assert getattr(outsider_client, method)(f"/monitoring/tasks/{task_id}{suffix}").status_code == 404
    assert_error(anon_client.get("/monitoring/tasks"), 401, "authentication_failed")
    assert_error(anon_client.post("/monitoring/tasks", CREATE, format="json"), 401, "authentication_failed")
    assert_error(member_client.get("/monitoring/nowhere"), 404, "not_found")
    assert_error(member_client.get("/monitoring/tasks?limit=5"), 400, "validation_error")
