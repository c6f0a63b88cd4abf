from django.db import models
from django.utils import timezone

from alerts.choices import ChannelKind
from monitoring_site.accounts.models import Organization


class NotificationChannel(models.Model):
    """Where notifications go: an email list, a webhook URL, a Slack incoming webhook, an Apprise URL.

    ``config`` holds the kind's fields (see ``alerts/transports``). A permanent delivery error disables the
    channel and keeps the reason in ``disabled_reason``; enabling it again clears the reason.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    config = models.JSONField(default=dict)
    is_enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    disabled_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "kind"], name="channel_org_kind_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"
