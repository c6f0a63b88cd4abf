"""Dashboard pages of the agent fleet: the fleet (status tiles, live), an agent's detail with its controls,
logs with search, and costs by model."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agents import selectors
from agents.choices import AgentStatus
from agents.filters import AgentFilter
from agents.inputs import NewAgent
from agents.models import Agent, LogLevel
from agents.rollup_selectors import rollups_window
from agents.services import agents as agent_services
from agents.services import controls as control_services
from agents.trace_selectors import TRACE_ID, agent_traces, trace_waterfall
from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import DomainError

PAGE = 200


@tenant_page
def fleet(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    """The organization's agents (filtered as ``GET /agents`` filters them), a page at a time, with their
    24-hour figures; the tiles count every agent, not only the page's."""
    organization = tenant.organization
    filtered = AgentFilter(request.GET, queryset=Agent.objects.filter(organization=organization))
    page = Paginator(filtered.qs.order_by("name", "pk"), PAGE).get_page(request.GET.get("page"))
    rows = selectors.fleet_rows(list(page.object_list), timezone.now())
    counts = selectors.agent_status_counts(organization.pk)
    return render(
        request,
        "agents/fleet.html",
        {
            "section": "agents",
            "rows": rows,
            "page": page,
            "filter": filtered,
            "tiles": [(status, counts[status]) for status in AgentStatus.values],
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@tenant_page(min_role=Role.MEMBER)
def agent_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    if request.method == "POST":
        try:
            agent, token = agent_services.agent_create(
                organization=tenant.organization,
                new=NewAgent(
                    name=request.POST.get("name", "").strip(), type=request.POST.get("type") or "agent"
                ),
            )
            messages.success(
                request, f"Agent {agent.name} registered. Its ingest token (shown once): {token}"
            )
            return redirect("agents:detail", agent_id=agent.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(request, "agents/agent_new.html", {"section": "agents"})


@tenant_page
def agent_detail(request: HttpRequest, agent_id: int, *, tenant: Tenant) -> HttpResponse:
    agent = get_object_or_404(Agent, organization=tenant.organization, pk=agent_id)
    detail = selectors.agent_detail(agent, timezone.now())
    by_hour = detail["metrics_detailed"]["latency"]["by_hour"]
    tallest = max((h["p95_ms"] or 0 for h in by_hour), default=0) or 1
    for hour in by_hour:
        hour["height"] = round(120 * (hour["p95_ms"] or 0) / tallest)
    model = request.GET.get("trace_model", "").strip()[:200] or None
    errors_only = request.GET.get("trace_errors") == "1"
    traces = agent_traces(agent, model=model, error=True if errors_only else None, limit=20)
    return render(
        request,
        "agents/agent_detail.html",
        {
            "section": "agents",
            "agent": agent,
            "detail": detail,
            "by_hour": by_hour,
            "traces": traces,
            "trace_model": model or "",
            "trace_errors": errors_only,
            "trace_models": sorted(m for m in detail["metrics_detailed"]["tokens"]["by_model"] if m),
            "controls": agent.controls.order_by("-issued_at")[:20],
            "is_admin": role_at_least(tenant.role, Role.ADMIN),
        },
    )


WATERFALL_WIDTH = 1000  # the SVG bars' view box: offsets and durations drawn to this scale


@tenant_page
def trace_detail(request: HttpRequest, trace_id: str, *, tenant: Tenant) -> HttpResponse:
    """One trace as a waterfall: a row per span, its bar placed by offset and duration (SVG attributes,
    so the page needs no inline style under the Content-Security-Policy)."""
    trace = trace_waterfall(tenant.organization.pk, trace_id) if TRACE_ID.match(trace_id) else None
    if trace is None:
        raise Http404("No such trace in this organization.")
    scale = WATERFALL_WIDTH / (trace["duration_ms"] or 1)
    for span in trace["spans"]:
        span["x"] = round(span["offset_ms"] * scale, 2)
        span["w"] = max(round(span["duration_ms"] * scale, 2), 2)
        span["indent"] = min(span["depth"], 9)
    return render(request, "agents/trace.html", {"section": "agents", "trace": trace})


@require_POST
@tenant_page(min_role=Role.ADMIN)
def agent_control(request: HttpRequest, agent_id: int, action: str, *, tenant: Tenant) -> HttpResponse:
    agent = get_object_or_404(Agent, organization=tenant.organization, pk=agent_id)
    if action not in ("pause", "resume", "restart", "scale", "delete"):
        raise Http404("No such control.")
    if action == "delete":
        delete_cascading(agent)
        messages.success(request, f"Agent {agent.name} deleted, with its telemetry and logs.")
        return redirect("agents:fleet")
    reason, by = request.POST.get("reason", "").strip(), tenant.by
    try:
        if action == "pause":
            minutes = request.POST.get("duration_minutes", "").strip()
            control_services.agent_pause(
                agent=agent,
                reason=reason,
                by=by,
                duration_minutes=int(minutes) if minutes.isdigit() else None,
            )
        elif action == "resume":
            control_services.agent_resume(agent=agent, reason=reason, by=by)
        elif action == "restart":
            control_services.agent_restart(
                agent=agent, reason=reason, by=by, force=bool(request.POST.get("force"))
            )
        elif action == "scale":
            replicas = request.POST.get("replicas", "")
            control_services.agent_scale(
                agent=agent, reason=reason, by=by, replicas=int(replicas) if replicas.isdigit() else replicas
            )
        messages.success(request, f"{action.capitalize()} sent to {agent.name}.")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("agents:detail", agent_id=agent.pk)


@tenant_page
def logs(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    filters: dict[str, object] = {
        key: request.GET[key] for key in ("search", "level") if request.GET.get(key)
    }
    agent_id = request.GET.get("agent_id", "")
    if agent_id.isdigit():
        filters["agent_id"] = int(agent_id)
    try:
        page, following = selectors.logs_query(
            organization_id=tenant.organization.pk,
            filters=filters,
            limit=100,
            cursor=request.GET.get("cursor") or None,
        )
    except selectors.BadCursor:
        messages.error(request, "That page link is broken; showing the newest lines.")
        page, following = selectors.logs_query(
            organization_id=tenant.organization.pk, filters=filters, limit=100
        )
    agents = list(Agent.objects.filter(organization=tenant.organization).order_by("name"))
    rows = selectors.log_rows(page, {agent.pk: agent.name for agent in agents})
    return render(
        request,
        "agents/logs.html",
        {
            "section": "logs",
            "logs": rows,
            "next_cursor": following,
            "levels": LogLevel.values,
            "agents": agents,
            "query": request.GET,
        },
    )


@tenant_page
def costs(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    period = request.GET.get("period", "24h")
    period = period if period in selectors.PERIODS else "24h"
    now = timezone.now()
    by_model = rollups_window(
        organization_id=tenant.organization.pk, start=now - selectors.PERIODS[period], end=now
    )
    return render(
        request,
        "agents/costs.html",
        {
            "section": "agents",
            "period": period,
            "periods": list(selectors.PERIODS),
            "costs": selectors.costs_summary(tenant.organization.pk, by_model),
        },
    )
