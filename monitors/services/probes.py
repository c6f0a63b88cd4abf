"""Probes: runners that declare locations claim the due checks of those locations and post the results.

The protocol is the jobs' claim-and-lease (DESIGN section 9). A claim takes due rows of ``MonitorLocation``
(``SKIP LOCKED`` on Postgres) for the probe's own organization and locations, moves each one's next due
time on, and leases it for the due time it runs for until ``due + timeout + PROBES_LEASE_MARGIN_SECONDS``.
A result is accepted once, from the lease holder, for the leased due time (a compare-and-swap clears the
lease). A lease that runs out (the probe was killed mid-batch, or its network went) makes the row claimable
again for that same due time: the check is re-run by whichever probe of the location claims next, and a
late result of the old lease is refused, so nothing is recorded twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jobs.models import Runner
from monitoring_site.bulk_update import rows_update
from monitors.checks import SPEC_FIELDS, CheckOutcome
from monitors.choices import MonitorType
from monitors.models import LOCAL, Monitor, MonitorLocation
from monitors.services.scheduling import MAX_INTERVAL_SECONDS
from monitors.services.transitions import monitors_record_outcomes

LOOKAHEAD_SECONDS = 3.0


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def check_spec(monitor: Monitor) -> dict[str, Any]:
    """What a probe needs to run the check, and nothing else (no channels, tokens or organization data)."""
    return {name: getattr(monitor, name) for name in SPEC_FIELDS}


def probe_checks_claim(
    *, runner: Runner, now: datetime | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Lease up to ``limit`` checks due within a few seconds at the runner's locations; each comes with
    its lease id, location, due time and check spec."""
    locations = [name for name in runner.locations if name != LOCAL]
    if not locations:
        return []
    now = now or timezone.now()
    horizon = now + timedelta(seconds=LOOKAHEAD_SECONDS)
    with transaction.atomic():
        rows_query = (
            MonitorLocation.objects.filter(
                location__in=locations,
                monitor__organization_id=runner.organization_id,
                monitor__is_enabled=True,
                monitor__is_paused=False,
            )
            .exclude(monitor__type=MonitorType.HOST)
            .filter(
                Q(lease_until__isnull=True, next_check_at__lte=horizon)
                | Q(lease_until__isnull=False, lease_until__lt=now)
            )
            .select_related("monitor")
            .order_by("next_check_at")
        )
        if connection.features.has_select_for_update_skip_locked:
            rows_query = rows_query.select_for_update(skip_locked=True, of=("self",))
        rows = list(rows_query[: limit or settings.PROBES_CLAIM_BATCH])
        margin = timedelta(seconds=settings.PROBES_LEASE_MARGIN_SECONDS)
        for row in rows:
            monitor = row.monitor
            if row.lease_until is not None and row.leased_due is not None:
                due = row.leased_due  # a lost lease: the same due time again
            else:
                due = row.next_check_at or now
                step = timedelta(seconds=min(monitor.check_interval, MAX_INTERVAL_SECONDS))
                upcoming = due + step
                row.next_check_at = upcoming if upcoming > horizon else now + step
            row.leased_due = due
            row.leased_by = runner
            row.lease_until = max(due, now) + timedelta(seconds=monitor.timeout) + margin
        rows_update(rows, ["next_check_at", "leased_due", "leased_by", "lease_until"])
    return [
        {
            "id": row.pk,
            "monitor_id": row.monitor_id,
            "location": row.location,
            "due": _iso(row.leased_due),  # type: ignore[arg-type]
            "check": check_spec(row.monitor),
        }
        for row in rows
    ]


def probe_results_record(
    *, runner: Runner, results: list[dict[str, Any]], now: datetime | None = None
) -> dict[str, int]:
    """Record the results of checks this runner holds the lease of (validated by the API's serializer);
    any other is refused (another probe's, a lapsed lease, a repeat). The leases are released and the
    results stored in one transaction, the leased rows locked meanwhile: a result is stored once or not
    at all, never after another probe took the check over. Returns accepted and rejected counts."""
    now = now or timezone.now()
    by_id = {item["id"]: item for item in results}
    by_location: dict[str, list[tuple[Monitor, CheckOutcome, datetime | None]]] = defaultdict(list)
    with transaction.atomic():
        held = (
            MonitorLocation.objects.select_for_update(of=("self",))
            .filter(
                pk__in=by_id,
                leased_by=runner,
                location__in=runner.locations,
                monitor__organization_id=runner.organization_id,
            )
            .select_related("monitor")
            .order_by("pk")
        )
        released: list[int] = []
        for row in held:
            item = by_id[row.pk]
            if row.leased_due is None or abs((row.leased_due - item["due"]).total_seconds()) > 0.001:
                continue
            released.append(row.pk)
            outcome = CheckOutcome(
                ok=item["ok"],
                response_time_ms=item.get("response_time_ms"),
                status_code=item.get("status_code"),
                error=item.get("error", "")[:500],
                cert_days_left=item.get("cert_days_left"),
                started_at=min(item.get("started_at") or now, now),
            )
            by_location[row.location].append((row.monitor, outcome, row.leased_due))
        MonitorLocation.objects.filter(pk__in=released).update(
            leased_by=None, leased_due=None, lease_until=None
        )
        for location, checks in by_location.items():
            monitors_record_outcomes(checks=checks, now=now, location=location)
    return {"accepted": len(released), "rejected": len(results) - len(released)}
