"""rows_update writes each row's own values (JSON, text, nulls, datetimes, foreign keys), on Postgres with
one UPDATE ... FROM (VALUES ...) and elsewhere with Django's bulk_update."""

from datetime import timedelta

from django.utils import timezone

from jobs.services.runners import enrollment_token_create, runner_register
from monitoring_site.bulk_update import rows_update
from monitors.models import Monitor, MonitorLocation


def test_each_row_gets_its_own_values(acme):
    now = timezone.now()
    monitors = [
        Monitor.objects.create(organization=acme, name=f"m{i}", type="website", target="https://x.example")
        for i in range(3)
    ]
    for i, monitor in enumerate(monitors):
        monitor.locations = ["local", f"eu-{i}"]
        monitor.last_error = f"it's {i}" if i else ""
        monitor.cert_days_left = None if i == 1 else i
        monitor.last_checked_at = now + timedelta(seconds=i)
    rows_update(monitors, ["locations", "last_error", "cert_days_left", "last_checked_at"])
    stored = list(Monitor.objects.order_by("pk").values_list("locations", "last_error", "cert_days_left"))
    assert stored == [
        (["local", "eu-0"], "", 0),
        (["local", "eu-1"], "it's 1", None),
        (["local", "eu-2"], "it's 2", 2),
    ]
    assert Monitor.objects.get(pk=monitors[2].pk).last_checked_at == now + timedelta(seconds=2)
    _, raw = enrollment_token_create(organization=acme, name="p")
    probe, _ = runner_register(enrollment_token=raw, name="p", locations=["eu-0"])
    row = MonitorLocation.objects.create(monitor=monitors[0], location="eu-0")
    row.leased_by = probe
    rows_update([row], ["leased_by"])
    assert MonitorLocation.objects.get(pk=row.pk).leased_by_id == probe.pk
    row.leased_by = None
    rows_update([row], ["leased_by"])
    assert MonitorLocation.objects.get(pk=row.pk).leased_by_id is None
    rows_update([], ["leased_by"])  # nothing to do
