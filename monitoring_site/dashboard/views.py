"""Dashboard pages: selectors in, templates out; every change goes through a service."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitoring_site.accounts import invitations, services
from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.models import ApiKey, Invitation, Membership
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import invitations_for, invitations_pending_of
from monitoring_site.dashboard import selectors
from monitoring_site.dashboard.forms import ApiKeyForm, MemberAddForm, MemberRoleForm
from monitoring_site.dashboard.tenancy import page_tenant, tenant_page
from monitoring_site.errors import DomainError
from monitoring_site.health import page_health
from monitoring_site.realtime.auth import SESSION_ORGANIZATION_KEY
from monitoring_site.realtime.topics import TOPICS


def _panel(tenant: Tenant) -> dict:
    return {
        "health": page_health(),
        "counters": selectors.overview_counters(tenant.organization),
        "attention": selectors.needs_attention(tenant.organization),
    }


@tenant_page
def overview(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    context = {
        **_panel(tenant),
        "events": selectors.recent_events(tenant.organization),
        "topics": list(TOPICS),
        "section": "overview",
    }
    return render(request, "dashboard/overview.html", context)


@tenant_page
def overview_panel(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    """The overview's counters and needs-attention list alone: the page fetches it again on each event."""
    return render(request, "dashboard/_overview_panel.html", _panel(tenant))


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization_id", "")
    if (
        wanted.isdigit()
        and Membership.objects.filter(user_id=request.user.pk or 0, organization_id=int(wanted)).exists()
    ):
        request.session[SESSION_ORGANIZATION_KEY] = int(wanted)
    return redirect(request.POST.get("next") or "dashboard:overview")


@tenant_page
def api_keys(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    can_manage = role_at_least(tenant.role, Role.ADMIN)
    form = ApiKeyForm(request.POST or None)
    created_key = None
    if request.method == "POST":
        if not can_manage:
            messages.error(request, "Managing API keys needs the admin role.")
        elif form.is_valid():
            api_key, created_key = services.api_key_create(
                organization=tenant.organization, by=tenant.by, **form.cleaned_data
            )
            messages.success(
                request, f"Created {api_key.name}. Copy the key now: it will not be shown again."
            )
            form = ApiKeyForm()
    keys = tenant.organization.api_keys.filter(revoked_at__isnull=True).select_related("created_by")
    return render(
        request,
        "dashboard/api_keys.html",
        {
            "keys": keys if can_manage else [],
            "form": form,
            "created_key": created_key,
            "can_manage": can_manage,
            "section": "settings",
        },
    )


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    tenant = page_tenant(request)
    if tenant is None or not role_at_least(tenant.role, Role.ADMIN):
        messages.error(request, "Revoking API keys needs the admin role.")
        return redirect("dashboard:api-keys")
    api_key = get_object_or_404(ApiKey, pk=key_id, organization=tenant.organization)
    services.api_key_revoke(api_key=api_key)
    messages.success(request, f"Revoked {api_key.name}.")
    return redirect("dashboard:api-keys")


@tenant_page
def members(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            if request.user.is_staff:
                membership = services.membership_add(organization=tenant.organization, by=tenant, **data)
                messages.success(request, f"Added {membership.user.username} as {membership.role}.")
            else:  # the same answer whether or not the user exists (accounts.invitations)
                invitation = invitations.invitation_create(
                    organization=tenant.organization, by=tenant, username=data["username"], role=data["role"]
                )
                messages.success(request, f"Invited {invitation.username} as {invitation.role}.")
            return redirect("dashboard:members")
        except DomainError as exc:
            messages.error(request, exc.text())
    rows = tenant.organization.memberships.select_related("user").order_by("user__username")
    can_manage = role_at_least(tenant.role, Role.ADMIN)
    pending = invitations_pending_of(tenant.organization) if can_manage else []
    return render(
        request,
        "dashboard/members.html",
        {
            "members": rows,
            "form": form,
            "roles": Role.choices,
            "can_manage": can_manage,
            "pending": pending,
            "my_invitations": invitations_for(request.user),
            "section": "settings",
        },
    )


@tenant_page
@require_POST
def member_update(request: HttpRequest, user_id: int, *, tenant: Tenant) -> HttpResponse:
    membership = get_object_or_404(Membership, organization=tenant.organization, user_id=user_id)
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(membership=membership, by=tenant)
            messages.success(request, f"Removed {membership.user.username}.")
        else:
            form = MemberRoleForm(request.POST)
            if form.is_valid():
                services.membership_change_role(
                    membership=membership, by=tenant, role=form.cleaned_data["role"]
                )
                messages.success(request, f"{membership.user.username} is now {form.cleaned_data['role']}.")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("dashboard:members")


@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline one of the user's own invitations (any other id is a 404)."""
    try:
        if request.POST.get("answer") == "accept":
            membership = invitations.invitation_accept(invitation_id=invitation_id, user=request.user)
            request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
            messages.success(request, f"You joined {membership.organization.name} as {membership.role}.")
            return redirect("dashboard:overview")
        invitations.invitation_decline(invitation_id=invitation_id, user=request.user)
        messages.success(request, "Invitation declined.")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("dashboard:members")


@tenant_page(min_role=Role.ADMIN)
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_id: int, *, tenant: Tenant) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=tenant.organization)
    invitations.invitation_revoke(invitation=invitation, by=tenant)
    messages.success(request, f"Withdrew the invitation of {invitation.username}.")
    return redirect("dashboard:members")


@login_required
def display_settings(request: HttpRequest) -> HttpResponse:
    """How this browser shows the dashboard: the time zone of every time (default: the browser's own) and
    the theme. Kept in the browser (``localStorage``), so each device of a user can differ; cron
    schedules always read in their own zone, whatever is chosen here."""
    return render(
        request,
        "dashboard/display.html",
        {
            "zones": sorted(available_timezones()),
            "now": timezone.now(),
            "section": "settings",
            "tab": "display",
        },
    )
