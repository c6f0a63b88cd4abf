"""Dashboard pages that change what exists in the alerts domain: edit a rule, a channel, a maintenance
window or a webhook (and test it, or rotate its signing secret). Each saves through the domain's service;
a refusal shows next to its field."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from alerts.choices import DeliveryStatus
from alerts.forms import ChannelForm, MaintenanceForm, RuleForm, WebhookForm
from alerts.inputs import MaintenanceChanges, RuleChanges
from alerts.models import AlertRule, MaintenanceWindow, NotificationChannel, Webhook
from alerts.services import channels as channel_services
from alerts.services import maintenance as maintenance_services
from alerts.services import rules as rule_services
from alerts.services import webhooks as webhook_services
from alerts.views import _page, _saved
from monitoring_site.accounts.choices import Role
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.tenancy import tenant_page


def _edit_page(request, tenant, form, title: str, tab: str, obj) -> HttpResponse:
    return _page(request, "alerts/form.html", tenant, form=form, title=title, tab=tab, editing=obj)


@tenant_page(min_role=Role.MEMBER)
def rule_edit(request: HttpRequest, rule_id: int, *, tenant: Tenant) -> HttpResponse:
    rule = get_object_or_404(AlertRule, pk=rule_id, organization=tenant.organization)
    form = RuleForm(
        request.POST or None,
        organization=tenant.organization,
        current_metric=rule.metric,
        initial=RuleForm.initial_from(rule),
    )
    if _saved(
        request,
        form,
        lambda: rule_services.rule_update(rule=rule, changes=RuleChanges.of(form.rule_data())),
        f"Rule {rule.name} saved.",
    ):
        return redirect("alerts:rules")
    return _edit_page(request, tenant, form, f"Edit rule {rule.name}", "rules", rule)


@tenant_page(min_role=Role.MEMBER)
def channel_edit(request: HttpRequest, channel_id: int, *, tenant: Tenant) -> HttpResponse:
    channel = get_object_or_404(NotificationChannel, pk=channel_id, organization=tenant.organization)
    form = ChannelForm(request.POST or None, initial=ChannelForm.initial_from(channel))

    def save() -> None:
        channel_services.channel_update(
            channel=channel,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["type"],
            config=form.config(),
        )

    if _saved(request, form, save, f"Channel {form.data.get('name', channel.name)} saved."):
        return redirect("alerts:channels")
    return _edit_page(request, tenant, form, f"Edit channel {channel.name}", "channels", channel)


@tenant_page(min_role=Role.MEMBER)
def maintenance_edit(request: HttpRequest, window_id: int, *, tenant: Tenant) -> HttpResponse:
    window = get_object_or_404(MaintenanceWindow, pk=window_id, organization=tenant.organization)
    form = MaintenanceForm(
        request.POST or None, organization=tenant.organization, initial=MaintenanceForm.initial_from(window)
    )

    def save() -> None:
        data = form.window_data(full=True)
        data["cron"] = data.get("cron") or ""
        data["timezone"] = data.get("timezone") or "UTC"
        maintenance_services.maintenance_update(window=window, changes=MaintenanceChanges.of(data))

    if _saved(request, form, save, f"Maintenance window {window.name} saved."):
        return redirect("alerts:maintenance")
    return _edit_page(request, tenant, form, f"Edit maintenance window {window.name}", "maintenance", window)


@tenant_page(min_role=Role.MEMBER)
def webhook_edit(request: HttpRequest, webhook_id: int, *, tenant: Tenant) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id, organization=tenant.organization)
    form = WebhookForm(request.POST or None, initial=WebhookForm.initial_from(webhook))
    if _saved(
        request,
        form,
        lambda: webhook_services.webhook_update(webhook=webhook, **form.cleaned_data),
        "Webhook saved.",
    ):
        return redirect("alerts:webhook-deliveries", webhook_id=webhook.pk)
    return _edit_page(request, tenant, form, f"Edit webhook to {webhook.url}", "webhooks", webhook)


@require_POST
@tenant_page(min_role=Role.MEMBER)
def webhook_action(request: HttpRequest, webhook_id: int, verb: str, *, tenant: Tenant) -> HttpResponse:
    """``test`` sends a signed ``webhook.test`` now (logged with the deliveries); ``rotate-secret`` makes
    a new signing secret and shows it this once (the old one stops signing at once); ``enable`` turns a
    webhook that failed too often back on."""
    webhook = get_object_or_404(Webhook, pk=webhook_id, organization=tenant.organization)
    if verb == "test":
        delivery = webhook_services.webhook_test(webhook=webhook, by=tenant.by)
        if delivery.status == DeliveryStatus.DELIVERED:
            messages.success(request, f"Test event delivered (HTTP {delivery.last_status_code}).")
        else:
            messages.error(request, f"Test event not delivered: {delivery.last_error or delivery.status}.")
    elif verb == "rotate-secret":
        webhook_services.webhook_rotate_secret(webhook=webhook)
        return _page(
            request, "alerts/webhook_secret.html", tenant, webhook=webhook, tab="webhooks", rotated=True
        )
    elif verb == "enable":
        webhook_services.webhook_update(webhook=webhook, is_active=True)
        messages.success(request, "Webhook enabled.")
    else:
        raise Http404("No such action.")  # the URLs name only the three above
    return redirect("alerts:webhook-deliveries", webhook_id=webhook.pk)
