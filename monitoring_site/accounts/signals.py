"""A user's credentials change wherever the user is saved (the admin, ``manage.py changepassword``, the
dashboard's password form, a service): a new password, a disabled or deleted user cut off their tokens and
WebSockets (``services.user_credentials_cut``); a dashboard logout closes that session's sockets."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save

from monitoring_site.accounts import services
from monitoring_site.realtime.revocation import credentials_changed, session_revoke


def _remember_credentials(sender, instance, **kwargs) -> None:
    before = (
        sender.objects.filter(pk=instance.pk).values("password", "is_active").first() if instance.pk else None
    )
    instance._credentials_before = before


def _cut_when_changed(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_credentials_before", None)
    if created or before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        services.user_credentials_cut(user_id=instance.pk)


def _deleted(sender, instance, **kwargs) -> None:
    credentials_changed(user_id=instance.pk)


def _logged_out(sender, request, user, **kwargs) -> None:
    session_revoke(getattr(getattr(request, "session", None), "session_key", None))
    if user is not None:
        credentials_changed(user_id=user.pk)


def connect() -> None:
    user = get_user_model()
    pre_save.connect(_remember_credentials, sender=user, dispatch_uid="accounts-credentials-before")
    post_save.connect(_cut_when_changed, sender=user, dispatch_uid="accounts-credentials-cut")
    post_delete.connect(_deleted, sender=user, dispatch_uid="accounts-user-deleted")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts-logged-out")
