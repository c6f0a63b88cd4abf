"""Dashboard pages of the monitors domain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.tenancy import no_organization, page_tenant, tenant_page
from monitoring_site.errors import DomainError
from monitors.filters import IncidentFilter, MonitorFilter
from monitors.forms import MonitorForm
from monitors.models import Incident, Monitor
from monitors.selectors import monitors_with_uptime
from monitors.services import monitors as monitor_services

PAGE = 200


@tenant_page
def monitor_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = monitors_with_uptime(Monitor.objects.filter(organization=tenant.organization))
    filtered = MonitorFilter(request.GET, queryset=base)
    monitors = filtered.qs.order_by("name")[:PAGE]
    return render(
        request,
        "monitors/monitor_list.html",
        {
            "monitors": monitors,
            "filter": filtered,
            "section": "monitors",
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@login_required
def monitor_new(request: HttpRequest) -> HttpResponse:
    tenant = page_tenant(request)
    if tenant is None or not role_at_least(tenant.role, Role.MEMBER):
        return no_organization(request)
    form = MonitorForm(request.POST or None, organization=tenant.organization)
    if request.method == "POST" and form.is_valid():
        try:
            monitor = monitor_services.monitor_create(
                organization=tenant.organization, data=form.monitor_data()
            )
            messages.success(request, f"Monitor {monitor.name} created; its first check runs now.")
            return redirect("monitors:detail", monitor_id=monitor.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(request, "monitors/monitor_form.html", {"form": form, "section": "monitors"})


@tenant_page
def monitor_detail(request: HttpRequest, monitor_id: int, *, tenant: Tenant) -> HttpResponse:
    monitor = get_object_or_404(
        monitors_with_uptime(Monitor.objects.filter(organization=tenant.organization)), pk=monitor_id
    )
    return render(
        request,
        "monitors/monitor_detail.html",
        {
            "monitor": monitor,
            "results": monitor.results.order_by("-checked_at")[:50],
            "incidents": monitor.incidents.order_by("-started_at")[:20],
            "section": "monitors",
        },
    )


@tenant_page
def incident_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Incident.objects.filter(organization=tenant.organization).select_related("monitor")
    incidents = IncidentFilter(request.GET, queryset=base).qs.order_by("-started_at")[:PAGE]
    return render(request, "monitors/incident_list.html", {"incidents": incidents, "section": "incidents"})
