"""Dashboard pages of the alerts domain: selectors and filters in, templates out, services for changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from alerts.choices import OPEN_ALERT_STATUSES
from alerts.filters import AlertFilter, DeliveryFilter
from alerts.forms import ChannelForm, MaintenanceForm, RuleForm, WebhookForm
from alerts.inputs import NewMaintenance, NewRule
from alerts.models import Alert, AlertRule, Delivery, MaintenanceWindow, NotificationChannel, Webhook
from alerts.selectors import alert_summary, maintenance_rows
from alerts.services import alerts as alert_services
from alerts.services import channels as channel_services
from alerts.services import maintenance as maintenance_services
from alerts.services import rules as rule_services
from alerts.services import webhooks as webhook_services
from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.forms import add_domain_errors
from monitoring_site.dashboard.paging import page_of
from monitoring_site.dashboard.tenancy import page_tenant, tenant_page
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import DomainError

PAGE = 100
# A service's field name -> the dashboard form's field that shows its error.
FORM_FIELDS = {"subjects": "monitors", "config": "target", "kind": "type"}


def _page(request: HttpRequest, template: str, tenant: Tenant, **context) -> HttpResponse:
    context.update(section="alerts", can_act=role_at_least(tenant.role, Role.MEMBER), now=timezone.now())
    return render(request, template, context)


@tenant_page
def alert_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Alert.objects.filter(organization=tenant.organization)
    if not request.GET:  # by default, what needs attention: active and acknowledged
        base = base.filter(status__in=OPEN_ALERT_STATUSES)
    filtered = AlertFilter(request.GET, queryset=base)
    page = page_of(request, filtered.qs.order_by("-triggered_at", "-id"), PAGE)
    return _page(
        request,
        "alerts/alert_list.html",
        tenant,
        alerts=page.object_list,
        page=page,
        filter=filtered,
        summary=alert_summary(filtered.qs),
        tab="alerts",
    )


@login_required
@require_POST
def alert_action(request: HttpRequest, alert_id: int, verb: str) -> HttpResponse:
    tenant = page_tenant(request)
    if tenant is None or not role_at_least(tenant.role, Role.MEMBER):
        messages.error(request, "Acknowledging and resolving alerts needs the member role.")
        return redirect("alerts:list")
    alert = get_object_or_404(Alert, pk=alert_id, organization=tenant.organization)
    try:
        if verb == "acknowledge":
            alert_services.alert_acknowledge(alert=alert, by=tenant.by, notes=request.POST.get("notes", ""))
        else:
            alert_services.alert_resolve(
                alert=alert,
                by=tenant.by,
                resolution=request.POST.get("resolution", ""),
                root_cause=request.POST.get("root_cause", ""),
            )
        messages.success(request, f"Alert {alert.title} {verb}d.")
    except DomainError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith(
        "/"
    ):
        back = "alerts:list"  # only a page of this site
    return redirect(back)


@tenant_page
def rule_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    rules = (
        AlertRule.objects.filter(organization=tenant.organization)
        .prefetch_related("channels")
        .order_by("name")
    )
    return _page(request, "alerts/rule_list.html", tenant, rules=rules, tab="rules")


@login_required
@require_POST
def rule_action(request: HttpRequest, rule_id: int, verb: str) -> HttpResponse:
    tenant = page_tenant(request)
    if tenant is None or not role_at_least(tenant.role, Role.MEMBER):
        messages.error(request, "Changing rules needs the member role.")
        return redirect("alerts:rules")
    rule = get_object_or_404(AlertRule, pk=rule_id, organization=tenant.organization)
    try:
        if verb == "pause":
            rule_services.rule_pause(rule=rule, by=tenant.by)
        elif verb == "resume":
            rule_services.rule_resume(rule=rule, by=tenant.by)
        else:
            result = rule_services.rule_test(rule=rule, by=tenant.by)
            failed = [r["name"] for r in result["results"] if not r["delivered"]]
            if failed:
                messages.error(request, f"Test failed for: {', '.join(failed)}.")
        messages.success(request, f"{rule.name}: {verb} done.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("alerts:rules")


@tenant_page
def channel_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    channels = NotificationChannel.objects.filter(organization=tenant.organization).order_by("name")
    return _page(request, "alerts/channel_list.html", tenant, channels=channels, tab="channels")


@login_required
@require_POST
def channel_action(request: HttpRequest, channel_id: int, verb: str) -> HttpResponse:
    tenant = page_tenant(request)
    if tenant is None or not role_at_least(tenant.role, Role.MEMBER):
        messages.error(request, "Testing channels needs the member role.")
        return redirect("alerts:channels")
    channel = get_object_or_404(NotificationChannel, pk=channel_id, organization=tenant.organization)
    if verb == "enable":
        channel_services.channel_update(channel=channel, is_enabled=True)
        messages.success(request, f"{channel.name} enabled.")
    else:
        result = channel_services.channel_test(channel=channel, by=tenant.by)
        if result["delivered"]:
            messages.success(request, f"Test message delivered to {channel.name}.")
        else:
            messages.error(request, f"{channel.name}: {result['error']}")
    return redirect("alerts:channels")


@tenant_page
def webhook_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    webhooks = Webhook.objects.filter(organization=tenant.organization).order_by("url")
    return _page(request, "alerts/webhook_list.html", tenant, webhooks=webhooks, tab="webhooks")


@tenant_page
def webhook_deliveries(request: HttpRequest, webhook_id: int, *, tenant: Tenant) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id, organization=tenant.organization)
    queryset = (
        Delivery.objects.filter(webhook=webhook).select_related("event").prefetch_related("attempt_log")
    )
    page = page_of(request, DeliveryFilter(request.GET, queryset=queryset).qs.order_by("-id"), PAGE)
    return _page(
        request,
        "alerts/webhook_deliveries.html",
        tenant,
        webhook=webhook,
        deliveries=page.object_list,
        page=page,
        tab="webhooks",
    )


@tenant_page
def maintenance_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    windows = maintenance_rows(tenant.organization.pk, timezone.now())
    return _page(request, "alerts/maintenance_list.html", tenant, windows=windows, tab="maintenance")


def _saved(request: HttpRequest, form, save, success: str) -> bool:
    """Save a valid posted form with ``save``; a refusal goes next to its fields. True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except DomainError as exc:
        add_domain_errors(form, exc, aliases=FORM_FIELDS)
        return False
    messages.success(request, success)
    return True


def _create(request: HttpRequest, form, create, success: str, target: str) -> HttpResponse | None:
    """Run ``create`` for a valid form (a refusal shows next to its fields); a redirect when done."""
    return redirect(target) if _saved(request, form, create, success) else None


@tenant_page(min_role=Role.MEMBER)
def channel_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    done = _create(
        request,
        form,
        lambda: channel_services.channel_create(
            organization=tenant.organization,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["type"],
            config=form.config(),
        ),
        "Channel created.",
        "alerts:channels",
    )
    return done or _page(request, "alerts/form.html", tenant, form=form, title="New channel", tab="channels")


@tenant_page(min_role=Role.MEMBER)
def webhook_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    created: list[Webhook] = []

    def create() -> None:
        created.append(webhook_services.webhook_create(organization=tenant.organization, **form.cleaned_data))

    if _create(request, form, create, "Webhook created.", "alerts:webhooks"):
        return _page(request, "alerts/webhook_secret.html", tenant, webhook=created[0], tab="webhooks")
    return _page(request, "alerts/form.html", tenant, form=form, title="New webhook", tab="webhooks")


@tenant_page(min_role=Role.MEMBER)
def rule_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = RuleForm(request.POST or None, organization=tenant.organization)
    done = _create(
        request,
        form,
        lambda: rule_services.rule_create(organization=tenant.organization, new=NewRule.of(form.rule_data())),
        "Rule created.",
        "alerts:rules",
    )
    return done or _page(request, "alerts/form.html", tenant, form=form, title="New alert rule", tab="rules")


@tenant_page(min_role=Role.MEMBER)
def maintenance_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = MaintenanceForm(request.POST or None, organization=tenant.organization)
    done = _create(
        request,
        form,
        lambda: maintenance_services.maintenance_create(
            organization=tenant.organization, new=NewMaintenance.of(form.window_data())
        ),
        "Maintenance window created.",
        "alerts:maintenance",
    )
    return done or _page(
        request, "alerts/form.html", tenant, form=form, title="New maintenance window", tab="maintenance"
    )


# What the lists' Delete buttons remove: kind -> (model, how, the list to go back to). A rule goes the
# service's way (its alerts stay in the history); the others as the API deletes them.
DELETABLE = {
    "rules": (AlertRule, lambda rule: rule_services.rule_delete(rule=rule), "alerts:rules"),
    "channels": (NotificationChannel, delete_cascading, "alerts:channels"),
    "webhooks": (Webhook, delete_cascading, "alerts:webhooks"),
    "maintenance": (MaintenanceWindow, delete_cascading, "alerts:maintenance"),
}


@require_POST
@tenant_page(min_role=Role.MEMBER)
def object_delete(request: HttpRequest, kind: str, object_id: int, *, tenant: Tenant) -> HttpResponse:
    if kind not in DELETABLE:
        raise Http404("Nothing of that kind.")
    model, delete, back = DELETABLE[kind]
    target = get_object_or_404(model._default_manager.filter(organization=tenant.organization), pk=object_id)
    label = str(getattr(target, "name", "") or getattr(target, "url", "") or target.pk)
    delete(target)
    messages.success(request, f"Deleted {label}.")
    return redirect(back)
