from django.db import models
from django.utils import timezone

from monitoring_site.accounts.models import Organization


class Webhook(models.Model):
    """An outgoing webhook: every event named in ``events`` is POSTed to ``url``, signed with ``secret``.

    The secret must be kept to sign bodies, so it is stored as given and shown only once, at creation
    (and at rotation). A long run of failures disables the webhook with the reason.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text='Event names, or ["*"] for every event.')
    secret = models.CharField(max_length=128)
    description = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return self.is_active and ("*" in self.events or event_name in self.events)
