"""Watch the watcher: /health reports how far checking runs behind, and the dispatcher has an outside
heartbeat pinged once a minute while checks keep up (and not when they fall behind)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring_site.health import platform_health
from monitors.models import Monitor
from monitors.watchdog import check_lag_seconds, watchdog_ping, watchdog_ping_due
from tests.monitors.targets import HttpTarget

pytestmark = pytest.mark.django_db


def _monitor(acme, late_seconds: float) -> Monitor:
    return Monitor.objects.create(
        organization=acme, name=f"m{late_seconds}", type="port", target="x", port=1,
        next_check_at=timezone.now() - timedelta(seconds=late_seconds),
    )  # fmt: skip


def test_health_reports_the_check_lag(acme, settings):
    assert check_lag_seconds() == 0.0
    _monitor(acme, 5)
    assert platform_health()["components"]["checks"]["status"] == "ok"
    late = _monitor(acme, 600)
    Monitor.objects.create(organization=acme, name="paused", type="port", target="x", port=1, is_paused=True,
                           next_check_at=timezone.now() - timedelta(days=1))  # fmt: skip
    checks = platform_health()["components"]["checks"]
    assert checks["status"] == "error" and 599 <= checks["lag_seconds"] <= 605  # paused ones do not count
    assert platform_health()["status"] != "ok"
    late.delete()
    assert platform_health()["components"]["checks"]["lag_seconds"] < 10


def test_the_outside_heartbeat_is_pinged_while_checks_keep_up(acme, settings):
    with HttpTarget() as target:
        settings.WATCHDOG_PING_URL = f"http://127.0.0.1:{target.server.server_address[1]}/text/ok"
        assert watchdog_ping_due() and not watchdog_ping_due()  # once a minute, across nodes
        assert watchdog_ping() == "sent" and target.served == 1
        _monitor(acme, settings.HEALTH_CHECK_LAG_MAX + 60)
        assert watchdog_ping() == "behind" and target.served == 1  # blind: silence, so the outside alerts
        settings.WATCHDOG_PING_URL = f"http://127.0.0.1:{target.server.server_address[1]}/status/500"
        Monitor.objects.all().delete()
        assert watchdog_ping() == "failed"


def test_no_url_no_ping(settings):
    settings.WATCHDOG_PING_URL = ""
    assert watchdog_ping_due() is False
