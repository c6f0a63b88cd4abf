from django.db import models


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook (JSON POST)"
    SLACK = "slack", "Slack incoming webhook"
    APPRISE = "apprise", "Apprise URL (100+ services)"


class TargetType(models.TextChoices):
    CHANNEL = "channel", "Notification channel"
    WEBHOOK = "webhook", "Outgoing webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its (next) attempt
    SENDING = "sending", "Sending"  # claimed by a worker under a lease
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # permanent error, or retries exhausted
    SUPPRESSED = "suppressed", "Suppressed"  # recorded during a maintenance window, not sent
    SKIPPED = "skipped", "Skipped"  # the target was disabled when its turn came
