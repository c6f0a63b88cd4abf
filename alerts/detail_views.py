"""An alert's own page: what it is about (linked), its metric charted around the trigger with the
threshold, its history (triggered, repeated, notified, escalated, acknowledged with notes, resolved with
the resolution and root cause, remediation attempts), and a warning before resolving one whose condition
still holds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alerts.models import Alert
from alerts.selectors import alert_chart, alert_condition_now, alert_subject
from alerts.views import _page
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.tenancy import tenant_page


@tenant_page
def alert_detail(request: HttpRequest, alert_id: int, *, tenant: Tenant) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.select_related("rule").filter(organization=tenant.organization), pk=alert_id
    )
    now = timezone.now()
    still = alert_condition_now(alert, now) if alert.status != "resolved" else None
    return _page(
        request,
        "alerts/alert_detail.html",
        tenant,
        alert=alert,
        subject=alert_subject(alert),
        chart=alert_chart(alert, now),
        still_holds=still,
        tab="alerts",
    )
