"""Who is calling: the request's tenant (organization and role) and the principal behind an API key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitoring_site.actors import Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from monitoring_site.accounts.models import ApiKey, Organization


class ApiKeyUser:
    """``request.user`` for a request authenticated by an API key: authenticated, but not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.username = f"api-key:{api_key.display_prefix}"

    def __str__(self) -> str:
        return self.username

    def get_username(self) -> str:
        return self.username


@dataclass(frozen=True)
class Tenant:
    """The organization a request acts in, with the caller's role there."""

    organization: Organization
    role: str
    user: User | None = None
    api_key: ApiKey | None = None

    @property
    def actor(self) -> str:
        """A label for audit rows: a username or an API key's name."""
        if self.api_key is not None:
            return f"api-key:{self.api_key.name}"
        return self.user.get_username() if self.user is not None else "system"

    @property
    def by(self) -> Actor:
        """The actor the services record: ``actor`` as its name, with the user when a person calls."""
        return Actor(self.actor, self.user if self.api_key is None else None)
