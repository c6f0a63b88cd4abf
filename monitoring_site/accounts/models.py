from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from monitoring_site.accounts.badges import new_badge_key
from monitoring_site.accounts.choices import ApiKeyScope, Role


class Organization(models.Model):
    """The tenant: every monitored object belongs to exactly one organization."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    badge_key = models.CharField(
        max_length=32, unique=True, default=new_badge_key, help_text="Prefix of the tag badges' URLs."
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Set by queries that annotate the caller's role (API serializers read it); not a column.
    caller_role: str | None

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.role}"


class Project(models.Model):
    """A grouping of objects inside an organization (filterable everywhere as ``project_id``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="project_unique_name_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """An organization's API key. Only the SHA-256 of the key is stored; the key is shown once."""

    PREFIX = "msk_"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=120)
    scope = models.CharField(max_length=8, choices=ApiKeyScope.choices, default=ApiKeyScope.READ)
    key_hash = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=16, help_text="The key's first characters, to recognise it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "revoked_at"], name="apikey_org_revoked_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An organization admin's offer of a role to a username. Nothing is revealed to the admin about whether
    that user exists; the user, logged in as themselves, accepts or declines (``accounts.invitations``)."""

    PENDING, ACCEPTED, DECLINED, REVOKED = "pending", "accepted", "declined", "revoked"
    STATUSES = [(s, s) for s in (PENDING, ACCEPTED, DECLINED, REVOKED)]

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "username"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_username",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} to {self.organization} as {self.role} ({self.status})"
