from datetime import timedelta

from django.utils import timezone

from alerts.inputs import NewRule
from alerts.models import Alert
from alerts.services.rules import rule_create, rules_evaluate_due
from monitors.models import CheckResult, Monitor
from tests.conftest import data_of, due_at


def test_monitor_metrics_are_queryable_and_drive_rules(member_client, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="api", type="website", target="https://api.example"
    )
    other = Monitor.objects.create(
        organization=acme, name="other", type="website", target="https://o.example"
    )
    now = timezone.now()
    CheckResult.objects.bulk_create(
        [
            CheckResult(
                monitor=monitor,
                ok=i % 4 != 0,
                response_time_ms=100 + i,
                checked_at=now - timedelta(seconds=i),
            )
            for i in range(1, 41)
        ]
        + [CheckResult(monitor=other, ok=True, response_time_ms=5, checked_at=now)]
    )
    data = data_of(
        member_client.get(
            "/api/v1/metrics", {"metric": "uptime_percent", "monitor_id": monitor.pk, "period": "1h"}
        )
    )
    assert data["summary"]["avg"] == 75.0 and data["metric"]["source"] == "monitors"
    p95 = data_of(
        member_client.get(
            "/api/v1/metrics", {"metric": "response_time_ms", "monitor_id": monitor.pk, "period": "1h"}
        )
    )["summary"]["p95"]
    assert 137 < p95 < 139
    due_at(
        rule_create(
            organization=acme,
            new=NewRule(
                name="slow api",
                metric="response_time_ms",
                operator="gt",
                threshold=100,
                scope={"monitor_id": monitor.pk},
            ),
        ),
        now,
    )
    assert rules_evaluate_due(now=now + timedelta(seconds=1)) == {"triggered": 1}
    assert Alert.objects.get().scope == {"monitor_id": monitor.pk}
    names = {m["name"] for m in data_of(member_client.get("/api/v1/metrics/catalog"))["metrics"]}
    assert {"response_time_ms", "uptime_percent", "check_failures"} <= names


def test_certificate_days_and_failures_in_a_row_are_metrics(member_client, acme):
    now = timezone.now()
    Monitor.objects.create(
        organization=acme,
        name="tls",
        type="website",
        target="https://tls.example",
        cert_days_left=9,
        consecutive_failures=3,
        last_checked_at=now - timedelta(seconds=30),
    )
    Monitor.objects.create(organization=acme, name="never", type="website", target="https://n.example")
    for metric, expected in (("cert_days_left", 9.0), ("consecutive_failures", 3.0)):
        data = data_of(member_client.get("/api/v1/metrics", {"metric": metric, "period": "1h"}))
        assert data["summary"]["min"] == expected and data["summary"]["count"] == 1
