"""Every change to organizations, memberships, projects and API keys goes through these functions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from monitoring_site.accounts import selectors
from monitoring_site.accounts.choices import ApiKeyScope, Role, role_at_least
from monitoring_site.accounts.models import ApiKey, Membership, Organization, Project
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.tokens import refresh_tokens_blacklist_all
from monitoring_site.actors import user_of
from monitoring_site.errors import Conflict, InsufficientRole, RuleViolation
from monitoring_site.inputs import UNSET, Unset, given
from monitoring_site.realtime.revocation import credentials_changed
from monitoring_site.results import Created

API_KEY_TOUCH_EVERY = timedelta(minutes=1)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(*, name: str, owner: User) -> Organization:
    """Create an organization with ``owner`` as its first owner."""
    organization = Organization.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


def organization_update(*, organization: Organization, by: Tenant, name: str) -> Organization:
    """Rename the organization (admins)."""
    require_role(by, Role.ADMIN)
    organization.name = name
    organization.save(update_fields=["name"])
    return organization


def require_role(by: Tenant, role: str) -> None:
    """Raise ``InsufficientRole`` unless ``by`` has at least ``role`` in its organization."""
    if not role_at_least(by.role, role):
        raise InsufficientRole(f"This needs the {role} role; you have {by.role}.")


def _guard_owner_change(*, membership: Membership, by: Tenant, new_role: str | None) -> None:
    """Only owners touch owners, and an organization always keeps at least one owner."""
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and by.role != Role.OWNER:
        raise InsufficientRole("Only an owner can grant, change or remove the owner role.")
    demotes_owner = membership.role == Role.OWNER and new_role != Role.OWNER
    if demotes_owner and selectors.owners_count(membership.organization_id) <= 1:
        raise Conflict("An organization must keep at least one owner.", code="last_owner")


def _user_for_membership(*, username: str, password: str | None, email: str | None):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    if not password and not email:
        raise RuleViolation(
            "No user has that username; give a password (or an email) to create one.",
            details={"username": [f"No user named '{username}'. Give a password or an email to create one."]},
        )
    user = User(username=username, email=email or "")
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise RuleViolation(
                "The password is too weak.", details={"password": list(exc.messages)}
            ) from exc
        user.set_password(password)
    else:
        # Created by email only: the user cannot log in until an admin sets a password.
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def membership_add(
    *,
    organization: Organization,
    by: Tenant,
    username: str,
    role: str,
    password: str | None = None,
    email: str | None = None,
) -> Membership:
    """Add a user (created when new) to ``organization`` with ``role``."""
    require_role(by, Role.ADMIN)
    if role == Role.OWNER and by.role != Role.OWNER:
        raise InsufficientRole("Only an owner can grant the owner role.")
    user = _user_for_membership(username=username, password=password, email=email)
    try:
        with transaction.atomic():
            return Membership.objects.create(user=user, organization=organization, role=role)
    except IntegrityError as exc:
        raise Conflict(f"{username} is already a member.", code="already_member") from exc


@transaction.atomic
def membership_change_role(*, membership: Membership, by: Tenant, role: str) -> Membership:
    """Give a member another role (admins); the last owner cannot be demoted, and only an owner makes
    owners."""
    require_role(by, Role.ADMIN)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _guard_owner_change(membership=locked, by=by, new_role=role)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership, by: Tenant) -> None:
    """Remove a member (admins; never the last owner); their open WebSockets on the organization close."""
    require_role(by, Role.ADMIN)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _guard_owner_change(membership=locked, by=by, new_role=None)
    locked.delete()
    credentials_changed(user_id=locked.user_id)  # their open WebSockets on this organization close


def api_key_create(*, organization: Organization, name: str, scope: str, by: str = "") -> Created[ApiKey]:
    """Create a key and return it with the raw key, which is never retrievable again."""
    if scope not in ApiKeyScope.values:
        raise RuleViolation(
            "Unknown scope.", details={"scope": [f"Use one of {', '.join(ApiKeyScope.values)}."]}
        )
    raw = ApiKey.PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=organization,
        name=name,
        scope=scope,
        key_hash=selectors.api_key_hash(raw),
        display_prefix=raw[:12],
        created_by=user_of(by),
    )
    return Created(api_key, raw)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key; it stops working at once. Idempotent."""
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db(fields=["revoked_at"])
    credentials_changed(api_key_id=api_key.pk)  # and its open WebSockets close
    return api_key


def user_credentials_cut(*, user_id: int) -> None:
    """A user was disabled, deleted or given a new password: every refresh token of theirs stops working
    (access tokens already check the password hash and the active flag) and their WebSockets re-check."""
    refresh_tokens_blacklist_all(user_id)
    credentials_changed(user_id=user_id)


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key for ``raw_key``; stamps ``last_used_at`` at most once a minute to spare the database."""
    api_key = selectors.api_key_for_raw(raw_key)
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_TOUCH_EVERY:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def project_create(*, organization: Organization, name: str, description: str = "") -> Project:
    """Create a project; a name the organization already uses is a 409 ``duplicate_name``."""
    if Project.objects.filter(organization=organization, name=name).exists():
        raise Conflict(f"A project named '{name}' exists already.", code="duplicate_name")
    return Project.objects.create(organization=organization, name=name, description=description)


def project_update(
    *, project: Project, name: str | Unset = UNSET, description: str | Unset = UNSET
) -> Project:
    """Change the project's name or description; a name another project uses is a 409."""
    fields = given(name=name, description=description)
    if (
        name
        and Project.objects.filter(organization_id=project.organization_id, name=name)
        .exclude(pk=project.pk)
        .exists()
    ):
        raise Conflict(f"A project named '{name}' exists already.", code="duplicate_name")
    for field, value in fields.items():
        setattr(project, field, value)
    project.save(update_fields=list(fields) or None)
    return project


def project_delete(*, project: Project) -> None:
    """Delete the project; its monitors and heartbeats stay, without a project."""
    project.delete()


@transaction.atomic
def admin_bootstrap(
    *, username: str, password: str | None, email: str = "", organization_name: str = "Default"
) -> tuple[User, str | None]:
    """Create the first superuser with an organization it owns, unless a superuser exists already.

    Returns the user and the password when one was generated (to print once), else None.
    """
    User = get_user_model()
    existing = User.objects.filter(is_superuser=True).order_by("id").first()
    if existing is not None:
        return existing, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email=email, password=password)
    organization_create(name=organization_name, owner=user)
    return user, generated
