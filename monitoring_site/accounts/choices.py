from django.db import models


class Role(models.TextChoices):
    """A member's role in an organization, from least to most powerful."""

    VIEWER = "viewer", "Viewer"
    MEMBER = "member", "Member"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


ROLE_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_at_least(role: str | None, required: str) -> bool:
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(required)]


class ApiKeyScope(models.TextChoices):
    """``read`` keys may only read; ``write`` keys act with the admin role (never the owner's)."""

    READ = "read", "Read"
    WRITE = "write", "Write"
