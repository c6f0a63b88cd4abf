"""Dashboard pages of the monitors domain."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alerts.selectors import maintenance_in_effect
from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.paging import page_of
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.errors import DomainError
from monitoring_site.time_buckets import floor_to
from monitors.charts import uptime_bars
from monitors.detail_selectors import (
    CHART_RANGES,
    certificate_expires,
    chart_range,
    monitor_events,
    response_series,
)
from monitors.filters import IncidentFilter, MonitorFilter
from monitors.forms import BulkMonitorForm, MonitorForm
from monitors.inputs import MonitorChanges, NewMonitor
from monitors.list_selectors import monitor_rows, ordered, organization_tags, sort_key
from monitors.location_selectors import monitor_locations
from monitors.models import Incident, Monitor
from monitors.models.rollups import Resolution
from monitors.rollup_selectors import PERIODS, SIZE, monitors_series
from monitors.selectors import display_status, status_counts
from monitors.services import monitors as monitor_services
from monitors.services.scheduling import monitor_check_now

PAGE = 200  # incidents shown


def _chart_axis(period: str, bucket: str, now) -> tuple:
    step = SIZE[Resolution(bucket)]
    start = floor_to(now - PERIODS[period], step)
    return start, step, (floor_to(now, step) - start) // step + 1


PER_PAGE = (25, 50, 100, 200)
SORT_COLUMNS = (
    ("name", "Monitor"),
    ("status", "Status"),
    ("type", "Type"),
    ("uptime", "Uptime 24 h"),
    ("response", "Response"),
    ("checked", "Last check"),
)


def _per_page(value: str) -> int:
    return int(value) if value.isdigit() and int(value) in PER_PAGE else 50


@tenant_page
def monitor_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    """Down monitors first (or the column clicked), a page at a time, each row with its last checks."""
    organization = tenant.organization
    filtered = MonitorFilter(request.GET, queryset=Monitor.objects.filter(organization=organization))
    sort, descending = sort_key(request.GET.get("sort", ""))
    paginator = Paginator(
        ordered(filtered.qs, request.GET.get("sort", "")), _per_page(request.GET.get("per_page", ""))
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = monitor_rows(list(page.object_list), organization.pk, timezone.now())
    return render(
        request,
        "monitors/monitor_list.html",
        {
            "rows": rows,
            "page": page,
            "filter": filtered,
            "sort": sort,
            "descending": descending,
            "per_page_choices": PER_PAGE,
            "sort_columns": SORT_COLUMNS,
            "tags": organization_tags(organization.pk),
            "counts": status_counts(organization.pk),
            "section": "monitors",
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@require_POST
@tenant_page(min_role=Role.MEMBER)
def monitor_bulk(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    """The list's bulk bar: pause, resume or delete the ticked monitors, then back to the same list."""
    form = BulkMonitorForm(request.POST, organization=tenant.organization)
    if form.is_valid():
        picked = list(form.cleaned_data["ids"])
        action = form.cleaned_data["action"]
        changed = monitor_services.monitors_bulk_action(monitors=picked, action=action, by=tenant.by)
        done = {"pause": "paused", "resume": "resumed", "delete": "deleted"}[action]
        messages.success(request, f"{changed} of {len(picked)} monitors {done}.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/monitors/") and "//" not in back else "monitors:list")


@tenant_page(min_role=Role.MEMBER)
def monitor_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    """A new monitor; ``?clone=<id>`` starts the form from another monitor's settings (named "... (copy)")."""
    initial = None
    clone_id = request.GET.get("clone", "")
    if request.method == "GET" and clone_id.isdigit():
        original = get_object_or_404(Monitor.objects.filter(organization=tenant.organization), pk=clone_id)
        initial = {**MonitorForm.initial_from(original), "name": f"{original.name} (copy)"}
    form = MonitorForm(request.POST or None, organization=tenant.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            monitor, push_token = monitor_services.monitor_create(
                organization=tenant.organization, new=NewMonitor.of(form.monitor_data())
            )
            messages.success(request, f"Monitor {monitor.name} created; its first check runs now.")
            if push_token:  # a host monitor's, which its agent pushes with; shown this once
                messages.success(request, f"Its push token (shown once): {push_token}")
            return redirect("monitors:detail", monitor_id=monitor.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(request, "monitors/monitor_form.html", {"form": form, "section": "monitors"})


@tenant_page(min_role=Role.MEMBER)
def monitor_edit(request: HttpRequest, monitor_id: int, *, tenant: Tenant) -> HttpResponse:
    monitor = get_object_or_404(Monitor.objects.filter(organization=tenant.organization), pk=monitor_id)
    form = MonitorForm(request.POST or None, organization=tenant.organization, instance=monitor)
    if request.method == "POST" and form.is_valid():
        try:
            monitor_services.monitor_update(monitor=monitor, changes=MonitorChanges.of(form.monitor_data()))
            messages.success(request, f"Monitor {monitor.name} saved.")
            return redirect("monitors:detail", monitor_id=monitor.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(
        request, "monitors/monitor_form.html", {"form": form, "monitor": monitor, "section": "monitors"}
    )


@tenant_page
def monitor_detail(request: HttpRequest, monitor_id: int, *, tenant: Tenant) -> HttpResponse:
    monitor = get_object_or_404(Monitor.objects.filter(organization=tenant.organization), pk=monitor_id)
    now = timezone.now()
    period = chart_range(request.GET.get("period", ""))
    bar_start, _, days = _chart_axis("90d", Resolution.DAY, now)
    bar_series = monitors_series([monitor.pk], "90d", Resolution.DAY, now=now)[monitor.pk]
    windows = maintenance_in_effect(tenant.organization.pk, now)
    series = response_series(monitor.pk, period, now)
    return render(
        request,
        "monitors/monitor_detail.html",
        {
            "monitor": monitor,
            "shown_status": display_status(monitor, windows),
            "period": period,
            "periods": list(CHART_RANGES),
            "series": series,
            "summary": series["summary"],
            "bars": uptime_bars(bar_series, bar_start, days),
            "events": monitor_events(monitor, now),
            "now": now,
            "cert_expires": certificate_expires(monitor),
            "results": monitor.results.order_by("-checked_at")[:50],
            **(monitor_locations(monitor, now) if monitor.is_multi_location else {"locations": []}),
            "incidents": monitor.incidents.order_by("-started_at")[:20],
            "can_act": role_at_least(tenant.role, Role.MEMBER),
            "section": "monitors",
        },
    )


MONITOR_ACTIONS = ("pause", "resume", "check", "delete")


@require_POST
@tenant_page(min_role=Role.MEMBER)
def monitor_action(request: HttpRequest, monitor_id: int, action: str, *, tenant: Tenant) -> HttpResponse:
    """The detail page's buttons: pause, resume, check now, delete (the page asks to confirm a delete)."""
    monitor = get_object_or_404(Monitor.objects.filter(organization=tenant.organization), pk=monitor_id)
    if action not in MONITOR_ACTIONS:
        raise Http404("No such action.")
    try:
        if action == "pause":
            monitor_services.monitor_pause(monitor=monitor, by=tenant.by)
            messages.success(request, f"{monitor.name} is paused: no checks, no alerts until resumed.")
        elif action == "resume":
            monitor_services.monitor_resume(monitor=monitor, by=tenant.by)
            messages.success(request, f"{monitor.name} is resumed; its next check runs now.")
        elif action == "check":
            status, outcome = monitor_check_now(monitor=monitor)
            result = "passed" if outcome.ok else f"failed: {outcome.error}"
            messages.success(request, f"Checked {monitor.name} now: {result} ({status}).")
        else:
            monitor_services.monitor_delete(monitor=monitor)
            messages.success(request, f"Monitor {monitor.name} deleted, with its results and incidents.")
            return redirect("monitors:list")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("monitors:detail", monitor_id=monitor.pk)


@tenant_page
def incident_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Incident.objects.filter(organization=tenant.organization).select_related("monitor", "heartbeat")
    page = page_of(
        request, IncidentFilter(request.GET, queryset=base).qs.order_by("-started_at", "-id"), PAGE
    )
    return render(
        request,
        "monitors/incident_list.html",
        {"incidents": page.object_list, "page": page, "section": "incidents"},
    )
