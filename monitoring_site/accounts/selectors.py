"""Read queries of the accounts app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.utils import timezone

from monitoring_site.accounts.choices import ApiKeyScope, Role
from monitoring_site.accounts.models import ApiKey, Invitation, Membership, Organization
from monitoring_site.accounts.principal import Tenant
from monitoring_site.secret_tokens import token_digest


def organizations_with_caller_role(tenant: Tenant, user_id: int) -> QuerySet[Organization]:
    """The organizations the caller sees, each with ``caller_role``: an API key sees its own organization
    at its role; a person sees each organization they belong to, at their role there."""
    if tenant.api_key is not None:
        own = Organization.objects.filter(pk=tenant.organization.pk)
        return own.annotate(caller_role=Value(tenant.role))  # type: ignore[no-redef]
    role = Membership.objects.filter(organization=OuterRef("pk"), user_id=user_id).values("role")[:1]
    mine = Organization.objects.filter(memberships__user_id=user_id)
    return mine.annotate(caller_role=Subquery(role))  # type: ignore[no-redef]


def organization_by_slug(slug: str) -> Organization | None:
    """The organization with this slug (the compatibility surfaces name tenants by slug)."""
    return Organization.objects.filter(slug=slug).first()


def organization_by_ref(ref: str) -> Organization | None:
    """The organization with this slug, or this id when ``ref`` is digits and no slug matches."""
    found = organization_by_slug(ref)
    if found is None and ref.isdigit():
        found = Organization.objects.filter(pk=int(ref)).first()
    return found


def api_key_hash(raw_key: str) -> str:
    return token_digest(raw_key)


def api_key_for_raw(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, with its organization, or None."""
    return (
        ApiKey.objects.select_related("organization")
        .filter(key_hash=api_key_hash(raw_key), revoked_at__isnull=True)
        .first()
    )


def memberships_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user.pk or 0).select_related("organization").order_by("id")


def organizations_visible_to(tenant_user, api_key: ApiKey | None) -> QuerySet[Organization]:
    if api_key is not None:
        return Organization.objects.filter(pk=api_key.organization_id)
    return Organization.objects.filter(memberships__user_id=tenant_user.pk).order_by("id")


def role_in(user, organization_id: int) -> str | None:
    return (
        Membership.objects.filter(user_id=user.pk, organization_id=organization_id)
        .values_list("role", flat=True)
        .first()
    )


def tenant_for_user(user, organization_id: int | None) -> Tenant | None:
    """The user's tenant in ``organization_id`` (None if not a member), or in their first organization."""
    memberships = memberships_of(user)
    if organization_id is not None:
        memberships = memberships.filter(organization_id=organization_id)
    membership = memberships.first()
    if membership is None:
        return None
    return Tenant(organization=membership.organization, role=membership.role, user=user)


def tenant_for_api_key(api_key: ApiKey) -> Tenant:
    role = Role.ADMIN if api_key.scope == ApiKeyScope.WRITE else Role.VIEWER
    return Tenant(organization=api_key.organization, role=role, api_key=api_key)


def owners_count(organization_id: int) -> int:
    return Membership.objects.filter(organization_id=organization_id, role=Role.OWNER).count()


def invitations_for(user) -> QuerySet[Invitation]:
    """The user's own pending, unexpired invitations."""
    return Invitation.objects.select_related("organization", "invited_by").filter(
        username=user.get_username(), status=Invitation.PENDING, expires_at__gt=timezone.now()
    )


def invitations_pending_of(organization: Organization) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organization=organization, status=Invitation.PENDING)
        .select_related("invited_by")
        .order_by("-id")
    )
