"""Who does something: the one ``by`` parameter of every service that records its actor.

An ``Actor`` is the name recorded in histories and audits (it *is* that string), carrying the user when a
person did it. So every service takes ``by``: a plain string is an actor with no user behind it
(``"schedule"``, ``"automatic retry of job 7"``), and the services that keep the user too (a job's
``triggered_by_user``, an API key's or enrollment token's ``created_by``) read it with ``user_of(by)``.
A request's actor is ``tenant.by``; the admin site's is ``Actor.of_admin(request.user)``. (An invitee
accepting an invitation is the subject of that service, not its actor, and stays ``user``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Actor(str):
    """A name (``alice``, ``api-key:deploy``, ``admin root``) with the user behind it, if any."""

    user: User | None

    def __new__(cls, name: str = "", user: User | None = None) -> Actor:
        actor = super().__new__(cls, name)
        actor.user = user if getattr(user, "pk", None) else None  # an API key's principal is no user
        return actor

    @classmethod
    def of_admin(cls, user: Any) -> Actor:
        """A Django admin user acting from the admin site."""
        return cls(f"admin {user}", user)


def user_of(by: str) -> User | None:
    """The user behind ``by``, when it is an ``Actor`` with one."""
    return getattr(by, "user", None)
