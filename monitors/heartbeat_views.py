"""Dashboard pages of heartbeats: the list with each ping URL and cron examples, the detail with the ping
history, and the create form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any
from zoneinfo import available_timezones

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.forms import add_domain_errors
from monitoring_site.dashboard.paging import page_of
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.errors import DomainError
from monitors.filters import HeartbeatFilter
from monitors.forms import HeartbeatForm
from monitors.inputs import HeartbeatChanges, NewHeartbeat
from monitors.models import Heartbeat
from monitors.public_urls import ping_url
from monitors.selectors import cron_next_runs
from monitors.services import heartbeats as heartbeat_services

PAGE = 200


@tenant_page
def heartbeat_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Heartbeat.objects.filter(organization=tenant.organization)
    filtered = HeartbeatFilter(request.GET, queryset=base)
    page = page_of(request, filtered.qs.order_by("name", "pk"), PAGE)
    heartbeats = list(page.object_list)
    return render(
        request,
        "monitors/heartbeat_list.html",
        {
            "heartbeats": heartbeats,
            "ping_base": ping_url(request, ""),  # a heartbeat's ping URL is this and its token
            "page": page,
            "filter": filtered,
            "section": "heartbeats",
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@tenant_page(min_role=Role.MEMBER)
def heartbeat_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = HeartbeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            heartbeat = heartbeat_services.heartbeat_create(
                organization=tenant.organization, new=NewHeartbeat.of(form.heartbeat_data())
            )
            messages.success(request, f"Heartbeat {heartbeat.name} created; point your job at its ping URL.")
            return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
        except DomainError as exc:
            add_domain_errors(form, exc)
    return render(request, "monitors/heartbeat_form.html", _form_context(form, None))


@tenant_page
def heartbeat_detail(request: HttpRequest, heartbeat_id: int, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    return render(
        request,
        "monitors/heartbeat_detail.html",
        {
            "heartbeat": heartbeat,
            "url": ping_url(request, heartbeat.token),
            "next_runs": _next_runs(heartbeat.cron, heartbeat.timezone),
            "pings": heartbeat.pings.order_by("-received_at", "-id")[:100],
            "incidents": heartbeat.incidents.order_by("-started_at")[:20],
            "can_act": role_at_least(tenant.role, Role.MEMBER),
            "section": "heartbeats",
        },
    )


@tenant_page(min_role=Role.MEMBER)
def heartbeat_edit(request: HttpRequest, heartbeat_id: int, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    initial = {name: getattr(heartbeat, name) for name in HeartbeatForm.base_fields if name != "schedule"}
    form = HeartbeatForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:  # a schedule is one or the other: heartbeat_data clears the kind not chosen
            heartbeat_services.heartbeat_update(
                heartbeat=heartbeat, changes=HeartbeatChanges.of(form.heartbeat_data())
            )
            messages.success(request, f"Heartbeat {heartbeat.name} saved.")
            return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
        except DomainError as exc:
            add_domain_errors(form, exc)
    return render(request, "monitors/heartbeat_form.html", _form_context(form, heartbeat))


def _form_context(form: HeartbeatForm, heartbeat: Heartbeat | None) -> dict:
    cron = form.data.get("cron") if form.is_bound else form.initial.get("cron")
    zone = form.data.get("timezone") if form.is_bound else form.initial.get("timezone", "UTC")
    return {
        "form": form,
        "heartbeat": heartbeat,
        "section": "heartbeats",
        "zones": TIME_ZONES,
        "next_runs": _next_runs(cron or "", zone or "UTC"),
    }


TIME_ZONES = sorted(available_timezones())
LOCAL_FORMAT = "%a %Y-%m-%d %H:%M %Z"


def _next_runs(cron: str, zone: str) -> list[str]:
    """The next runs as text in the schedule's own zone ("Mon 2026-12-07 02:30 CET")."""
    try:
        runs = cron_next_runs(cron, zone, timezone.now()) if cron else []
    except ValueError:
        return []
    return [run.strftime(LOCAL_FORMAT) for run in runs]


@tenant_page
def cron_preview(request: HttpRequest, *, tenant: Tenant) -> JsonResponse:
    """``?cron=&timezone=``: the next five runs in that zone, for the heartbeat form's live preview."""
    try:
        runs = cron_next_runs(request.GET.get("cron", ""), request.GET.get("timezone", "UTC"), timezone.now())
    except ValueError as exc:
        return JsonResponse({"error": str(exc), "runs": []})
    return JsonResponse(
        {
            "runs": [
                {
                    "at": run.isoformat(),
                    "local": run.strftime("%a %Y-%m-%d %H:%M %Z"),
                    "utc": run.astimezone(UTC).strftime("%H:%M UTC"),
                }
                for run in runs
            ]
        }
    )


HEARTBEAT_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "pause": (heartbeat_services.heartbeat_pause, "is paused: no alerts until resumed"),
    "resume": (heartbeat_services.heartbeat_resume, "is resumed: its next ping starts the schedule again"),
    "regenerate-token": (
        heartbeat_services.heartbeat_regenerate_token,
        "has a new ping URL; the old one answers 404 from now on",
    ),
}
WITH_ACTOR = {"pause", "resume"}


@require_POST
@tenant_page(min_role=Role.MEMBER)
def heartbeat_action(request: HttpRequest, heartbeat_id: int, action: str, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    if action == "delete":
        heartbeat_services.heartbeat_delete(heartbeat=heartbeat)
        messages.success(request, f"Heartbeat {heartbeat.name} deleted, with its pings and incidents.")
        return redirect("monitors:heartbeats")
    if action not in HEARTBEAT_ACTIONS:
        raise Http404("No such action.")
    service, said = HEARTBEAT_ACTIONS[action]
    try:
        service(heartbeat=heartbeat, **({"by": tenant.by} if action in WITH_ACTOR else {}))
        messages.success(request, f"{heartbeat.name} {said}.")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
