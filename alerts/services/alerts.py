"""The alert lifecycle: open (or count another occurrence), acknowledge, resolve, notify again, escalate.

Each transition is a compare-and-swap on ``status`` and emits its event through the bus, so channels,
webhooks and WebSocket subscribers hear about it once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import remediation
from alerts.choices import OPEN_ALERT_STATUSES, AlertStatus
from alerts.models import Alert, AlertRule
from monitoring_site.errors import Conflict
from monitoring_site.events import emit
from monitoring_site.realtime.events import publish
from monitoring_site.task_queue import enqueue

logger = logging.getLogger(__name__)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def alert_payload(alert: Alert) -> dict[str, Any]:
    """The ``alert`` object of events (the API serializer shows the same fields)."""
    return {
        "id": alert.pk,
        "rule_id": alert.rule_id,
        "status": alert.status,
        "severity": alert.severity,
        "title": alert.title,
        "message": alert.message,
        "name": alert.title,
        "threshold": {
            "metric": alert.metric,
            "operator": alert.operator,
            "value": alert.threshold_value,
            "current": alert.current_value,
        },
        "scope": alert.scope,
        "triggered_at": _iso(alert.triggered_at),
        "last_occurrence": _iso(alert.last_occurrence),
        "occurrence_count": alert.occurrence_count,
        "acknowledged_by": alert.acknowledged_by or None,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "resolved_at": _iso(alert.resolved_at),
        "resolution": alert.resolution or None,
        "root_cause": alert.root_cause or None,
    }


def _subject(rule: AlertRule | None) -> tuple[str, int | None]:
    """What maintenance windows match against: the monitor, heartbeat or agent the rule watches, else the
    rule."""
    scope = rule.scope if rule else {}
    for key, kind in (("monitor_id", "monitor"), ("heartbeat_id", "heartbeat"), ("agent_id", "agent")):
        if scope.get(key):
            return kind, int(scope[key])
    return "alert_rule", rule.pk if rule else None


def _notify(
    alert: Alert, name: str, *, channel_ids: list[int], recipients: list[str], extra: dict | None = None
):
    subject_type, subject_id = _subject(alert.rule)
    emit(
        alert.organization_id,
        name,
        {"alert": {**alert_payload(alert), **(extra or {})}},
        subject_type=subject_type,
        subject_id=subject_id,
        channel_ids=channel_ids,
        recipients=recipients,
    )


def _rule_targets(rule: AlertRule | None) -> tuple[list[int], list[str]]:
    if rule is None:
        return [], []
    return list(rule.channels.values_list("id", flat=True)), list(rule.recipients or [])


def _message(rule: AlertRule, value: float) -> str:
    return f"{rule.metric} is {value:g} (threshold {rule.get_operator_display()} {rule.threshold:g})"


@transaction.atomic
def alert_trigger(*, rule: AlertRule, value: float, now: datetime) -> tuple[Alert, bool]:
    """Open the rule's alert, or count one more occurrence of the open one. Returns (alert, opened)."""
    open_alert = Alert.objects.select_for_update().filter(rule=rule, status__in=OPEN_ALERT_STATUSES).first()
    if open_alert is not None:
        Alert.objects.filter(pk=open_alert.pk).update(
            occurrence_count=open_alert.occurrence_count + 1, last_occurrence=now, current_value=value
        )
        open_alert.refresh_from_db()
        _remediation_schedule(open_alert, rule)
        return open_alert, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organization_id=rule.organization_id,
                rule=rule,
                severity=rule.severity,
                title=rule.name,
                message=_message(rule, value),
                metric=rule.metric,
                operator=rule.operator,
                threshold_value=rule.threshold,
                current_value=value,
                scope=rule.scope,
                triggered_at=now,
                last_occurrence=now,
                last_notified_at=now,
                notification_count=1,
            )
    except IntegrityError:  # opened by a concurrent evaluation: count this one as an occurrence instead
        return alert_trigger(rule=rule, value=value, now=now)
    channel_ids, recipients = _rule_targets(rule)
    _notify(alert, "monitoring.alert_triggered", channel_ids=channel_ids, recipients=recipients)
    _remediation_schedule(alert, rule)
    return alert, True


def _remediation_schedule(alert: Alert, rule: AlertRule) -> None:
    """While the alert is active and attempts remain, run the rule's remediation action (in a worker)."""
    remedy = rule.auto_remediate or {}
    if (
        remedy
        and alert.status == AlertStatus.ACTIVE
        and alert.remediation_attempts < remedy.get("max_attempts", 1)
    ):
        transaction.on_commit(lambda: enqueue("alerts.alert_remediate", alert.pk))


def alert_remediate(*, alert_id: int, now: datetime | None = None) -> str | None:
    """Run the rule's action once (an attempt is counted before it runs, so a crash never repeats it
    beyond ``max_attempts``) and log what it said. Returns the action's result, or None if skipped."""
    alert = Alert.objects.select_related("rule").filter(pk=alert_id).first()
    remedy = (alert.rule.auto_remediate if alert and alert.rule else None) or {}
    action = remediation.get(str(remedy.get("action")))
    if alert is None or action is None or alert.status != AlertStatus.ACTIVE:
        return None
    claimed = Alert.objects.filter(
        pk=alert.pk,
        status=AlertStatus.ACTIVE,
        remediation_attempts=alert.remediation_attempts,
        remediation_attempts__lt=remedy.get("max_attempts", 1),
    ).update(remediation_attempts=alert.remediation_attempts + 1)
    if not claimed:
        return None
    try:
        result, ok = str(action(alert)), True
    except Exception as exc:  # the action failed: log it; the next occurrence may try again
        logger.exception("remediation %r of alert %s failed", remedy.get("action"), alert.pk)
        result, ok = f"{type(exc).__name__}: {exc}", False
    entry = {"at": _iso(now or timezone.now()), "action": remedy["action"], "ok": ok, "result": result[:500]}
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        locked.remediation_log = [*locked.remediation_log, entry]
        locked.save(update_fields=["remediation_log"])
    return result


def _resolve(alert: Alert, *, by: str, resolution: str, root_cause: str, now: datetime) -> Alert:
    changed = Alert.objects.filter(pk=alert.pk, status__in=OPEN_ALERT_STATUSES).update(
        status=AlertStatus.RESOLVED,
        resolved_at=now,
        resolved_by=by,
        resolution=resolution,
        root_cause=root_cause,
    )
    if not changed:
        raise Conflict("The alert is already resolved.", code="alert_already_resolved")
    alert.refresh_from_db()
    channel_ids, recipients = _rule_targets(alert.rule)
    _notify(alert, "monitoring.alert_resolved", channel_ids=channel_ids, recipients=recipients)
    return alert


@transaction.atomic
def alert_resolve(
    *, alert: Alert, by: str, resolution: str = "", root_cause: str = "", now: datetime | None = None
) -> Alert:
    """Resolve an open alert by hand, with the resolution and root cause; 409 when it is resolved already."""
    return _resolve(alert, by=by, resolution=resolution, root_cause=root_cause, now=now or timezone.now())


@transaction.atomic
def alert_auto_resolve(*, rule: AlertRule, value: float, now: datetime) -> Alert | None:
    """Resolve the rule's open alert because its metric no longer crosses the threshold (None when none is
    open)."""
    alert = Alert.objects.filter(rule=rule, status__in=OPEN_ALERT_STATUSES).first()
    if alert is None:
        return None
    Alert.objects.filter(pk=alert.pk).update(current_value=value)
    return _resolve(
        alert,
        by="system",
        resolution=f"Condition cleared: {rule.metric} is {value:g}.",
        root_cause="",
        now=now,
    )


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: str, notes: str = "", now: datetime | None = None) -> Alert:
    """Someone is on it: stops repeat notifications and escalation."""
    now = now or timezone.now()
    changed = Alert.objects.filter(pk=alert.pk, status=AlertStatus.ACTIVE).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=now, notes=notes
    )
    if not changed:
        alert.refresh_from_db()
        code = (
            "alert_already_acknowledged"
            if alert.status == AlertStatus.ACKNOWLEDGED
            else "alert_already_resolved"
        )
        raise Conflict(f"The alert is already {alert.status}.", code=code)
    alert.refresh_from_db()
    publish(
        alert.organization_id,
        "alert.updates",
        "monitoring.alert_acknowledged",
        {"alert": alert_payload(alert)},
    )
    return alert


def alerts_renotify_due(*, now: datetime | None = None) -> dict[str, int]:
    """Repeat notifications of unacknowledged alerts every ``repeat_every_minutes``, and escalate those
    unacknowledged for ``escalate_after_minutes`` to the rule's escalation channels (once)."""
    now = now or timezone.now()
    counts = {"repeated": 0, "escalated": 0}
    active = Alert.objects.filter(status=AlertStatus.ACTIVE, rule__isnull=False).select_related("rule")
    for alert in active.filter(rule__repeat_every_minutes__isnull=False):
        rule = alert.rule
        assert rule is not None and rule.repeat_every_minutes is not None
        due = (alert.last_notified_at or alert.triggered_at) + timedelta(minutes=rule.repeat_every_minutes)
        if due <= now:
            with transaction.atomic():
                won = Alert.objects.filter(
                    pk=alert.pk, status=AlertStatus.ACTIVE, last_notified_at=alert.last_notified_at
                ).update(last_notified_at=now, notification_count=alert.notification_count + 1)
                if won:
                    alert.refresh_from_db()
                    channel_ids, recipients = _rule_targets(rule)
                    _notify(
                        alert,
                        "monitoring.alert_triggered",
                        channel_ids=channel_ids,
                        recipients=recipients,
                        extra={"repeat": alert.notification_count - 1},
                    )
                    counts["repeated"] += 1
    for alert in active.filter(rule__escalate_after_minutes__isnull=False, escalated_at__isnull=True):
        rule = alert.rule
        assert rule is not None and rule.escalate_after_minutes is not None
        if alert.triggered_at + timedelta(minutes=rule.escalate_after_minutes) <= now:
            with transaction.atomic():
                won = Alert.objects.filter(
                    pk=alert.pk, status=AlertStatus.ACTIVE, escalated_at__isnull=True
                ).update(escalated_at=now)
                if won:
                    alert.refresh_from_db()
                    channel_ids = list(rule.escalation_channels.values_list("id", flat=True))
                    _notify(
                        alert,
                        "monitoring.alert_triggered",
                        channel_ids=channel_ids,
                        recipients=[],
                        extra={"escalated": True},
                    )
                    counts["escalated"] += 1
    return counts
