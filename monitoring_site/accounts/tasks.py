from celery import shared_task

from monitoring_site.accounts.tokens import refresh_tokens_prune_expired


@shared_task
def flush_expired_tokens() -> int:
    """Delete refresh tokens (and their blacklist rows) past expiry; they can never be used again."""
    return refresh_tokens_prune_expired()
