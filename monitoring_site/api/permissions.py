"""Role- and scope-based permissions.

Reads need ``viewer``; creating and changing need ``member``; deleting and the actions a view lists in
``admin_actions`` need ``admin`` (DESIGN: "controls and destructive calls need admin"). A read-scope API key
acts as a viewer, a write-scope key as an admin.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from monitoring_site.accounts.choices import ApiKeyScope, Role, role_at_least
from monitoring_site.api.tenancy import request_tenant


def required_role(request, view) -> str:
    action = getattr(view, "action", None)
    overrides = getattr(view, "action_roles", {}) or {}
    if action in overrides:
        return overrides[action]
    if action in (getattr(view, "admin_actions", ()) or ()):
        return Role.ADMIN
    if request.method in SAFE_METHODS:
        return getattr(view, "read_role", Role.VIEWER)
    if request.method == "DELETE":
        return getattr(view, "delete_role", Role.ADMIN)
    return getattr(view, "write_role", Role.MEMBER)


class OrganizationRole(BasePermission):
    """The caller must have at least the role the view asks for, in the request's organization."""

    message = "You do not have permission to do this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        tenant = request_tenant(request)
        needed = required_role(request, view)
        if role_at_least(tenant.role, needed):
            return True
        if tenant.api_key is not None and tenant.api_key.scope == ApiKeyScope.READ:
            self.message = "This API key has read scope; use a write-scope key."
        else:
            self.message = (
                f"This needs the {needed} role; you are {tenant.role} in {tenant.organization.name}."
            )
        return False


class UserOnly(BasePermission):
    """A person logged in with a JWT: API keys are refused (they cannot manage keys or organizations)."""

    message = "API keys cannot do this; log in as a user."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "pk", None) is not None)
