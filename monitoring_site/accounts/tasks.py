from celery import shared_task
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken


@shared_task
def flush_expired_tokens() -> int:
    """Delete refresh tokens (and their blacklist rows) past expiry; they can never be used again."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
