"""Channels, alert rules, webhooks and maintenance windows in configuration files
(``monitoring_site.configuration``). Channel secrets (a Slack URL, an SMTP password) are exported as
``REDACTED``; applying that placeholder keeps the channel's current value. Webhook signing secrets are
never exported; a webhook created by an apply gets a new one, returned once in the apply's ``secrets``."""

from __future__ import annotations

from typing import Any

from alerts.api.rule_serializers import AlertRuleSerializer, MaintenanceWindowSerializer
from alerts.api.serializers import ChannelSerializer, WebhookSerializer
from alerts.inputs import MaintenanceChanges, NewMaintenance, NewRule, RuleChanges
from alerts.models import AlertRule, MaintenanceWindow, NotificationChannel, Webhook
from alerts.services import channels as channel_services
from alerts.services import maintenance as maintenance_services
from alerts.services import rules as rule_services
from alerts.services import webhooks as webhook_services
from alerts.transports import TRANSPORTS
from monitoring_site.configuration.registry import REDACTED, ConfigKind, KeyBook, register
from monitoring_site.errors import RuleViolation

SCOPE_REFS = {"monitor_id": "monitors", "heartbeat_id": "heartbeats", "agent_id": "agents"}
SUBJECT_KINDS = {
    "monitor": "monitors",
    "heartbeat": "heartbeats",
    "agent": "agents",
    "alert_rule": "alert_rules",
}


def _secret_fields(kind: str) -> set[str]:
    transport = TRANSPORTS.get(kind)
    return {f.name for f in transport.fields if f.secret} if transport else set()


def _channel_to_file(item: dict[str, Any], book: KeyBook) -> dict[str, Any]:
    secrets = _secret_fields(item.get("type", ""))
    return {
        **item,
        "config": {k: REDACTED if k in secrets else v for k, v in (item.get("config") or {}).items()},
    }


def _channel_from_file(item: dict[str, Any], book: KeyBook, current: Any) -> dict[str, Any]:
    config = item.get("config")
    if not isinstance(config, dict):
        return item
    missing = [
        k for k, v in config.items() if v == REDACTED and (current is None or k not in (current.config or {}))
    ]
    if missing:
        raise RuleViolation(
            "A secret is missing.",
            details={
                f"config.{k}": ["A secret: give its value (exports leave secrets out)."] for k in missing
            },
        )
    kept = {k: (current.config[k] if v == REDACTED else v) for k, v in config.items()}
    return {**item, "config": kept}


def _channel_create(tenant: Any, data: dict[str, Any]) -> NotificationChannel:
    channel = channel_services.channel_create(
        organization=tenant.organization, name=data["name"], kind=data["kind"], config=data["config"]
    )
    if data.get("is_enabled") is False:
        channel = channel_services.channel_update(channel=channel, is_enabled=False)
    return channel


def _scope(scope: Any, convert) -> Any:
    if not isinstance(scope, dict):
        return scope
    return {
        k: (convert(SCOPE_REFS[k], v) if k in SCOPE_REFS and v is not None else v) for k, v in scope.items()
    }


def _rule_to_file(item: dict[str, Any], book: KeyBook) -> dict[str, Any]:
    item = {**item, "channels": book.keys("channels", item.get("channels"))}
    item["escalation_channels"] = book.keys("channels", item.get("escalation_channels"))
    return {**item, "scope": _scope(item.get("scope"), book.key)} if "scope" in item else item


def _rule_from_file(item: dict[str, Any], book: KeyBook, current: Any) -> dict[str, Any]:
    item = dict(item)
    for field in ("channels", "escalation_channels"):
        if field in item:
            item[field] = book.ids("channels", item[field])
    return {**item, "scope": _scope(item.get("scope"), book.id)} if "scope" in item else item


def _subjects(item: dict[str, Any], convert) -> dict[str, Any]:
    subjects = item.get("subjects")
    if not isinstance(subjects, list):
        return item
    converted = [
        {**s, "id": convert(SUBJECT_KINDS[s["type"]], s["id"])}
        if isinstance(s, dict) and s.get("type") in SUBJECT_KINDS and "id" in s
        else s
        for s in subjects
    ]
    return {**item, "subjects": converted}


def register_configuration() -> None:
    register(
        ConfigKind(
            name="channels",
            queryset=lambda org: NotificationChannel.objects.filter(organization=org),
            serializer=ChannelSerializer,
            create=_channel_create,
            update=lambda tenant, obj, data: channel_services.channel_update(channel=obj, **data),
            to_file=_channel_to_file,
            from_file=_channel_from_file,
        )
    )
    register(
        ConfigKind(
            name="alert_rules",
            queryset=lambda org: AlertRule.objects.filter(organization=org),
            serializer=AlertRuleSerializer,
            create=lambda tenant, data: rule_services.rule_create(
                organization=tenant.organization, new=NewRule.of(data)
            ),
            update=lambda tenant, obj, data: rule_services.rule_update(
                rule=obj, changes=RuleChanges.of(data)
            ),
            to_file=_rule_to_file,
            from_file=_rule_from_file,
        )
    )
    register(
        ConfigKind(
            name="webhooks",
            queryset=lambda org: Webhook.objects.filter(organization=org),
            serializer=WebhookSerializer,
            create=_webhook_create,
            update=lambda tenant, obj, data: webhook_services.webhook_update(webhook=obj, **data),
        )
    )
    register(
        ConfigKind(
            name="maintenance_windows",
            queryset=lambda org: MaintenanceWindow.objects.filter(organization=org),
            serializer=MaintenanceWindowSerializer,
            create=lambda tenant, data: maintenance_services.maintenance_create(
                organization=tenant.organization, new=NewMaintenance.of(data)
            ),
            update=lambda tenant, obj, data: maintenance_services.maintenance_update(
                window=obj, changes=MaintenanceChanges.of(data)
            ),
            to_file=lambda item, book: _subjects(item, book.key),
            from_file=lambda item, book, current: _subjects(item, book.id),
        )
    )


def _webhook_create(tenant: Any, data: dict[str, Any]) -> tuple[Webhook, str]:
    webhook = webhook_services.webhook_create(organization=tenant.organization, **data)
    return webhook, webhook.secret
