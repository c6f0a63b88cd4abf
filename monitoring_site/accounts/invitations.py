"""Invitations: how an organization admin who is not platform staff adds a person.

An admin names a username and a role; the answer is the same whether or not such a user exists (no
directory of the platform's users leaks across organizations), and nothing is added until that user, logged
in as themselves, accepts. Platform staff add users directly (``services.membership_add``), as before.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring_site.accounts import services
from monitoring_site.accounts.choices import Role
from monitoring_site.accounts.models import Invitation, Membership, Organization
from monitoring_site.accounts.principal import Tenant
from monitoring_site.errors import Conflict, InsufficientRole, NotFound

INVITATION_DAYS = 14


@transaction.atomic
def invitation_create(*, organization: Organization, by: Tenant, username: str, role: str) -> Invitation:
    """A pending invitation of ``username`` (the existing pending one when invited again)."""
    services.require_role(by, Role.ADMIN)
    if role == Role.OWNER and by.role != Role.OWNER:
        raise InsufficientRole("Only an owner can grant the owner role.")
    if Membership.objects.filter(organization=organization, user__username=username).exists():
        raise Conflict(f"{username} is already a member.", code="already_member")
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization, username=username, status=Invitation.PENDING, expires_at__lte=now
    ).update(status=Invitation.REVOKED, responded_at=now)
    invitation, _ = Invitation.objects.get_or_create(
        organization=organization,
        username=username,
        status=Invitation.PENDING,
        defaults={
            "role": role,
            "invited_by": by.user,
            "created_at": now,
            "expires_at": now + timedelta(days=INVITATION_DAYS),
        },
    )
    return invitation


def _open_for(invitation_id: int, user) -> Invitation:
    """The user's own pending, unexpired invitation; anything else is not found (never someone else's)."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            pk=invitation_id,
            username=user.get_username(),
            status=Invitation.PENDING,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation for you, or it has expired.")
    return invitation


@transaction.atomic
def invitation_accept(*, invitation_id: int, user) -> Membership:
    invitation = _open_for(invitation_id, user)
    invitation.status, invitation.responded_at = Invitation.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    try:
        with transaction.atomic():
            return Membership.objects.create(
                user=user, organization_id=invitation.organization_id, role=invitation.role
            )
    except IntegrityError as exc:
        raise Conflict("You are already a member.", code="already_member") from exc


@transaction.atomic
def invitation_decline(*, invitation_id: int, user) -> Invitation:
    invitation = _open_for(invitation_id, user)
    invitation.status, invitation.responded_at = Invitation.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def invitation_revoke(*, invitation: Invitation, by: Tenant) -> None:
    services.require_role(by, Role.ADMIN)
    Invitation.objects.filter(pk=invitation.pk, status=Invitation.PENDING).update(
        status=Invitation.REVOKED, responded_at=timezone.now()
    )
