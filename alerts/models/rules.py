from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from alerts.choices import OPEN_ALERT_STATUSES, AlertStatus, Operator, Severity
from alerts.models.channels import NotificationChannel
from monitoring_site.accounts.models import Organization

COMPARE = {
    Operator.GT: lambda v, t: v > t,
    Operator.GTE: lambda v, t: v >= t,
    Operator.LT: lambda v, t: v < t,
    Operator.LTE: lambda v, t: v <= t,
    Operator.EQ: lambda v, t: v == t,
    Operator.NE: lambda v, t: v != t,
}


class AlertRule(models.Model):
    """A condition on any registered metric; an alert opens once it has held for ``duration_minutes``.

    ``next_check_at`` is the rule's due time (the dispatcher claims due rules); ``condition_since`` is when
    the condition started to hold, None while it does not.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(max_length=120)
    metric = models.CharField(max_length=100)
    operator = models.CharField(max_length=3, choices=Operator.choices)
    threshold = models.FloatField()
    duration_minutes = models.PositiveIntegerField(default=0)
    scope = models.JSONField(
        default=dict, blank=True, help_text='{}, {"monitor_id": 3}, {"agent_id": 2} or {"tag": "k:v"}'
    )
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.WARNING)
    channels = models.ManyToManyField(NotificationChannel, blank=True, related_name="alert_rules")
    escalation_channels = models.ManyToManyField(
        NotificationChannel, blank=True, related_name="escalating_rules"
    )
    recipients = models.JSONField(default=list, blank=True, help_text="Email addresses notified directly.")
    check_interval = models.PositiveIntegerField(default=60, help_text="Seconds between evaluations.")
    repeat_every_minutes = models.PositiveIntegerField(null=True, blank=True)
    escalate_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    is_paused = models.BooleanField(default=False)
    auto_remediate = models.JSONField(null=True, blank=True)
    next_check_at = models.DateTimeField(default=timezone.now)
    condition_since = models.DateTimeField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_check_at"], name="alertrule_due_idx", condition=models.Q(is_paused=False)
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now: datetime) -> str:
        if self.is_expired(now):
            return "expired"
        return "paused" if self.is_paused else "active"

    def holds(self, value: float) -> bool:
        return COMPARE[Operator(self.operator)](value, self.threshold)


class Alert(models.Model):
    """One occurrence of a rule's condition, from trigger to resolution; at most one open per rule."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    rule = models.ForeignKey(AlertRule, null=True, on_delete=models.SET_NULL, related_name="alerts")
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.ACTIVE)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    title = models.CharField(max_length=200)
    message = models.CharField(max_length=500)
    metric = models.CharField(max_length=100)
    operator = models.CharField(max_length=3, choices=Operator.choices)
    threshold_value = models.FloatField()
    current_value = models.FloatField(null=True)
    scope = models.JSONField(default=dict, blank=True)
    triggered_at = models.DateTimeField(default=timezone.now)
    last_occurrence = models.DateTimeField(default=timezone.now)
    occurrence_count = models.PositiveIntegerField(default=1)
    acknowledged_by = models.CharField(max_length=150, blank=True, default="")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True, default="")
    resolution = models.TextField(blank=True, default="")
    root_cause = models.TextField(blank=True, default="")
    last_notified_at = models.DateTimeField(null=True, blank=True)
    notification_count = models.PositiveIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    remediation_attempts = models.PositiveIntegerField(default=0)
    remediation_log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-triggered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"],
                condition=models.Q(status__in=OPEN_ALERT_STATUSES),
                name="alert_one_open_per_rule",
            )
        ]
        indexes = [models.Index(fields=["organization", "status", "severity"], name="alert_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"
