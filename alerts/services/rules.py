"""Alert rules: create, change, replace the whole set, pause, resume, extend, test, and evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts import remediation
from alerts.inputs import NewRule, RuleChanges
from alerts.models import AlertRule, NotificationChannel
from alerts.selectors import metrics_scope
from alerts.services.alerts import alert_auto_resolve, alert_trigger
from alerts.services.channels import channels_test
from monitoring_site.accounts.models import Organization
from monitoring_site.audit.services import pause_record
from monitoring_site.errors import Conflict, RuleViolation
from monitoring_site.events import emit
from monitoring_site.metrics.registry import all_registered, registered
from monitoring_site.metrics.selectors import metric_value

MIN_CHECK_INTERVAL = 10
FAR_FUTURE = timedelta(days=3650)


def _channels(organization_id: int, refs: list[Any], field: str) -> list[NotificationChannel]:
    """Channels named by id or by name, all of this organization. A name that is no channel's but a
    channel kind (``"slack"``, ``"email"``: how reference 003 and SpoonOS name channels) means every channel
    of that kind."""
    found: list[NotificationChannel] = []
    missing: list[str] = []
    mine = NotificationChannel.objects.filter(organization_id=organization_id)
    for ref in refs:
        query = Q(pk=ref) if isinstance(ref, int) else Q(name=str(ref))
        channel = mine.filter(query).first()
        if channel is not None:
            found.append(channel)
        elif isinstance(ref, str) and (of_kind := list(mine.filter(kind=ref))):
            found += [c for c in of_kind if c not in found]
        else:
            missing.append(str(ref))
    if missing:
        raise RuleViolation("Unknown channels.", details={field: [f"No channel {', '.join(missing)} here."]})
    return found


def _scopes_of(metric: str) -> tuple[str, ...]:
    definition = registered(metric)
    return definition.scopes if definition else ()


def _clean(organization_id: int, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    scope = data.get("scope") or {}
    allowed = {"monitor_id", "heartbeat_id", "agent_id", "tag", "tags", "location", "service"}
    if not isinstance(scope, dict) or set(scope) - allowed:
        errors["scope"] = [
            'Use {}, {"monitor_id": n}, {"heartbeat_id": n}, {"agent_id": n}, {"tag": "key:value"} or '
            '{"tags": {"key": "value", ...}}, with {"location": "eu-west"} for the check metrics, or '
            '{"service": "checkout"} for the service_* metrics.'
        ]
    elif "location" in scope and (
        not isinstance(scope["location"], str) or "location" not in _scopes_of(str(data.get("metric", "")))
    ):
        checks = [d.name for d in all_registered() if "location" in d.scopes]
        errors["scope"] = [f"A location scope is a location name, for {', '.join(checks)}."]
    elif "service" in scope and (
        not isinstance(scope["service"], str)
        or not scope["service"]
        or "service" not in _scopes_of(str(data.get("metric", "")))
    ):
        services = [d.name for d in all_registered() if "service" in d.scopes]
        errors["scope"] = [f"A service scope is an OTLP service.name, for {', '.join(services)}."]
    elif "tag" in scope and ":" not in str(scope["tag"]):
        errors["scope"] = ['A tag scope is "key:value".']
    elif "tags" in scope and (
        not isinstance(scope["tags"], dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in scope["tags"].items())
    ):
        errors["scope"] = ['A tags scope is {"key": "value", ...} with string keys and values.']
    for address in data.get("recipients") or []:
        try:
            validate_email(address)
        except DjangoValidationError:
            errors["recipients"] = [f"'{address}' is not an email address."]
    if data.get("check_interval") is not None and data["check_interval"] < MIN_CHECK_INTERVAL:
        errors["check_interval"] = [f"At least {MIN_CHECK_INTERVAL} seconds."]
    remedy = data.get("auto_remediate")
    if remedy is not None:  # stored as JSON: a plain dict, whatever mapping the caller validated into
        remedy = data["auto_remediate"] = dict(remedy)
    if remedy and remediation.get(str(remedy.get("action"))) is None:
        known = ", ".join(remediation.names()) or "none are registered yet"
        errors["auto_remediate"] = [f"Unknown action '{remedy.get('action')}' (available: {known})."]
    if errors:
        raise RuleViolation("The alert rule is invalid.", details=errors)
    return data


def _store(rule: AlertRule, data: dict[str, Any]) -> AlertRule:
    channels = data.pop("channels", None)
    escalation = data.pop("escalation_channels", None)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    if channels is not None:
        rule.channels.set(_channels(rule.organization_id, channels, "channels"))
    if escalation is not None:
        rule.escalation_channels.set(_channels(rule.organization_id, escalation, "escalation_channels"))
    return rule


@transaction.atomic
def rule_create(*, organization: Organization, new: NewRule) -> AlertRule:
    """Create an alert rule, its metric, scope, channels and remediation checked."""
    return _store(AlertRule(organization=organization), _clean(organization.pk, new.given()))


@transaction.atomic
def rule_update(*, rule: AlertRule, changes: RuleChanges) -> AlertRule:
    """Change the fields ``changes`` gives, checked as on creation."""
    return _store(rule, _clean(rule.organization_id, changes.given()))


@transaction.atomic
def rules_replace(*, organization: Organization, rules: list[NewRule]) -> list[AlertRule]:
    """Make the organization's rules exactly ``rules``, matched by name: idempotent, all or nothing."""
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise RuleViolation("Rule names must be unique.", details={"rules": ["Two rules share a name."]})
    existing = {r.name: r for r in AlertRule.objects.filter(organization=organization)}
    result = [
        _store(
            existing.get(new.name) or AlertRule(organization=organization),
            _clean(organization.pk, new.given()),
        )
        for new in rules
    ]
    AlertRule.objects.filter(organization=organization).exclude(name__in=names).delete()
    return result


def rule_delete(*, rule: AlertRule) -> None:
    """The rule goes; its alerts stay in the history (their ``rule`` becomes null)."""
    rule.delete()


@transaction.atomic
def rule_pause(*, rule: AlertRule, by: str = "") -> AlertRule:
    """Stop evaluating the rule; 409 ``rule_already_paused``."""
    if not AlertRule.objects.filter(pk=rule.pk, is_paused=False).update(is_paused=True):
        raise Conflict("The rule is already paused.", code="rule_already_paused")
    pause_record(subject=rule, action="pause", by=by)
    rule.refresh_from_db()
    return rule


@transaction.atomic
def rule_resume(*, rule: AlertRule, by: str = "", now: datetime | None = None) -> AlertRule:
    """Evaluate the rule again from now, its condition timer restarted; 409 ``rule_not_paused``."""
    changed = AlertRule.objects.filter(pk=rule.pk, is_paused=True).update(
        is_paused=False, next_check_at=now or timezone.now(), condition_since=None
    )
    if not changed:
        raise Conflict("The rule is not paused.", code="rule_not_paused")
    pause_record(subject=rule, action="resume", by=by, at=now)
    rule.refresh_from_db()
    return rule


def rule_extend(
    *, rule: AlertRule, hours: int | None = None, until: datetime | None = None, now: datetime | None = None
) -> AlertRule:
    """Push the validity window out by ``hours`` (from the later of now and the expiry), or to ``until``."""
    now = now or timezone.now()
    if until is None:
        base = max(rule.expires_at or now, now)
        until = base + timedelta(hours=hours or 0)
    if until <= now:
        raise RuleViolation("The new expiry is in the past.", details={"until": ["Must be in the future."]})
    AlertRule.objects.filter(pk=rule.pk).update(expires_at=until, next_check_at=now)
    rule.refresh_from_db()
    return rule


def rule_test(*, rule: AlertRule, by: str) -> dict[str, Any]:
    """Send a test message to each of the rule's channels and report each outcome."""
    results = channels_test(channels=rule.channels.all(), by=by)
    return {"rule_id": rule.pk, "results": results, "delivered": all(r["delivered"] for r in results)}


def rule_evaluate(*, rule: AlertRule, now: datetime) -> str:
    """Compare the metric (average over the last check interval, at least a minute) with the threshold.

    Returns what happened: ``no_data``, ``ok``, ``pending`` (holding, not yet for long enough),
    ``triggered`` (alert opened), ``repeated`` (another occurrence of the open alert) or ``resolved``.
    """
    window = timedelta(seconds=max(rule.check_interval, 60))
    value = metric_value(
        organization_id=rule.organization_id,
        name=rule.metric,
        start=now - window,
        end=now,
        scope=metrics_scope(rule.scope),
    )
    AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now, last_value=value)
    if value is None:
        return "no_data"
    if not rule.holds(value):
        AlertRule.objects.filter(pk=rule.pk).update(condition_since=None)
        return "resolved" if alert_auto_resolve(rule=rule, value=value, now=now) else "ok"
    since = rule.condition_since
    if since is None:
        since = now
        with transaction.atomic():
            if AlertRule.objects.filter(pk=rule.pk, condition_since__isnull=True).update(condition_since=now):
                emit(
                    rule.organization_id,
                    "monitoring.threshold_exceeded",
                    {
                        "alert_rule": {
                            "id": rule.pk,
                            "name": rule.name,
                            "metric": rule.metric,
                            "operator": rule.operator,
                            "threshold": rule.threshold,
                            "current": value,
                            "scope": rule.scope,
                        },
                    },
                    subject_type="alert_rule",
                    subject_id=rule.pk,
                )
    if now - since < timedelta(minutes=rule.duration_minutes):
        return "pending"
    _, opened = alert_trigger(rule=rule, value=value, now=now)
    return "triggered" if opened else "repeated"


def rules_evaluate_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Claim due rules (a compare-and-swap moves each one's due time forward) and evaluate them."""
    now = now or timezone.now()
    due = AlertRule.objects.filter(is_paused=False, next_check_at__lte=now).order_by("next_check_at")[:limit]
    counts: dict[str, int] = {}
    for rule in due:
        if rule.is_expired(now):
            # Expired rules stop: parked far ahead until extended (rule_extend makes them due again).
            AlertRule.objects.filter(pk=rule.pk, next_check_at=rule.next_check_at).update(
                next_check_at=now + FAR_FUTURE
            )
            counts["expired"] = counts.get("expired", 0) + 1
            continue
        claimed = AlertRule.objects.filter(pk=rule.pk, next_check_at=rule.next_check_at).update(
            next_check_at=now + timedelta(seconds=rule.check_interval)
        )
        if claimed:
            outcome = rule_evaluate(rule=rule, now=now)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
