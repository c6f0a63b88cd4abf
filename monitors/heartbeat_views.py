"""Dashboard pages of heartbeats: the list with each ping URL and cron examples, the detail with the ping
history, and the create form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import DomainError
from monitors.filters import HeartbeatFilter
from monitors.forms import HeartbeatForm
from monitors.models import Heartbeat
from monitors.public_urls import ping_url
from monitors.services import heartbeats as heartbeat_services

PAGE = 200


@tenant_page
def heartbeat_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Heartbeat.objects.filter(organization=tenant.organization)
    filtered = HeartbeatFilter(request.GET, queryset=base)
    heartbeats = list(filtered.qs.order_by("name")[:PAGE])
    for heartbeat in heartbeats:
        heartbeat.url = ping_url(request, heartbeat.token)  # type: ignore[attr-defined]
    return render(
        request,
        "monitors/heartbeat_list.html",
        {
            "heartbeats": heartbeats,
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
                organization=tenant.organization, data=form.heartbeat_data()
            )
            messages.success(request, f"Heartbeat {heartbeat.name} created; point your job at its ping URL.")
            return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(request, "monitors/heartbeat_form.html", {"form": form, "section": "heartbeats"})


@tenant_page
def heartbeat_detail(request: HttpRequest, heartbeat_id: int, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    return render(
        request,
        "monitors/heartbeat_detail.html",
        {
            "heartbeat": heartbeat,
            "url": ping_url(request, heartbeat.token),
            "pings": heartbeat.pings.order_by("-received_at", "-id")[:100],
            "incidents": heartbeat.incidents.order_by("-started_at")[:20],
            "can_act": role_at_least(tenant.role, Role.MEMBER),
            "section": "heartbeats",
        },
    )


@tenant_page(min_role=Role.MEMBER)
def heartbeat_edit(request: HttpRequest, heartbeat_id: int, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    initial = {name: getattr(heartbeat, name) for name in HeartbeatForm.base_fields}
    form = HeartbeatForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            **form.cleaned_data,
            "cron": form.cleaned_data["cron"] or "",
        }  # a schedule is one or the other
        try:
            heartbeat_services.heartbeat_update(heartbeat=heartbeat, data=data)
            messages.success(request, f"Heartbeat {heartbeat.name} saved.")
            return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
        except DomainError as exc:
            for field, errors in (exc.details or {}).items():
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(field if field in form.fields else None, str(error))
    context = {"form": form, "heartbeat": heartbeat, "section": "heartbeats"}
    return render(request, "monitors/heartbeat_form.html", context)


HEARTBEAT_ACTIONS = {
    "pause": (heartbeat_services.heartbeat_pause, "is paused: no alerts until resumed"),
    "resume": (heartbeat_services.heartbeat_resume, "is resumed: its next ping starts the schedule again"),
    "regenerate-token": (
        heartbeat_services.heartbeat_regenerate_token,
        "has a new ping URL; the old one answers 404 from now on",
    ),
}


@require_POST
@tenant_page(min_role=Role.MEMBER)
def heartbeat_action(request: HttpRequest, heartbeat_id: int, action: str, *, tenant: Tenant) -> HttpResponse:
    heartbeat = get_object_or_404(Heartbeat.objects.filter(organization=tenant.organization), pk=heartbeat_id)
    if action == "delete":
        delete_cascading(heartbeat)
        messages.success(request, f"Heartbeat {heartbeat.name} deleted, with its pings and incidents.")
        return redirect("monitors:heartbeats")
    if action not in HEARTBEAT_ACTIONS:
        raise Http404("No such action.")
    service, said = HEARTBEAT_ACTIONS[action]
    try:
        service(heartbeat=heartbeat)
        messages.success(request, f"{heartbeat.name} {said}.")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("monitors:heartbeat", heartbeat_id=heartbeat.pk)
