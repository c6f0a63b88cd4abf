import uuid

from django.db import models
from django.utils import timezone

from alerts.choices import DeliveryStatus, TargetType
from alerts.models.channels import NotificationChannel
from alerts.models.webhooks import Webhook
from monitoring_site.accounts.models import Organization


class Event(models.Model):
    """The outbox row of one domain event, written in the transaction that caused it.

    ``fanned_out_at`` is set once its deliveries exist; a sweeper re-runs the fan-out of any event left
    without it (a crash between commit and fan-out), and the unique (event, target) constraint on deliveries
    makes that re-run harmless.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32, blank=True, default="")
    subject_id = models.BigIntegerField(null=True, blank=True)
    channel_ids = models.JSONField(default=list, help_text="The subject's own notification channels.")
    recipients = models.JSONField(default=list, help_text="Email addresses notified directly.")
    in_maintenance = models.BooleanField(default=False, help_text="Recorded during a maintenance window.")
    body = models.JSONField(help_text="Exactly what webhooks receive.")
    occurred_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["organization", "-occurred_at"], name="event_org_time_idx"),
            models.Index(
                fields=["occurred_at"],
                name="event_not_fanned_idx",
                condition=models.Q(fanned_out_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class Delivery(models.Model):
    """One event to one recipient. Claimed under a lease by the worker that sends it, so a worker killed
    mid-send leaves a row the sweeper hands out again (the receiver may see the event twice, always with the
    same ``X-Event-Id``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_key = models.CharField(max_length=320, help_text="channel:<id>, webhook:<id> or email:<address>")
    recipient = models.EmailField(blank=True, default="")
    channel = models.ForeignKey(NotificationChannel, null=True, blank=True, on_delete=models.CASCADE)
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "target_key"], name="delivery_once_per_target")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=models.Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
            ),
            models.Index(fields=["webhook", "-id"], name="delivery_webhook_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.target_key} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try of a delivery: what the receiver answered and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.FloatField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of delivery {self.delivery_id}: {self.status_code or self.error}"
