"""The Django admin never writes a domain row itself.

Decision (docs/design.md, "The admin"): monitors, heartbeats, rules, channels, tasks, agents and the
rows the workers record are created and changed only through their services, so the admin shows them
read-only and changes them only through actions that call a service (pause, resume, check now, run
now, acknowledge, ...). Deleting goes through the model's delete service (``delete_one``), by default
``delete_cascading``, as the API does. A change form would skip every service rule: another
organization's channels in a picker, ``is_paused`` flipped without its status, a token stored unhashed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from monitoring_site.deletion import delete_cascading


class ServiceOwnedAdmin(admin.ModelAdmin):
    """Read-only change views; actions and deletes go through the domain services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_one(self, obj: Any) -> None:
        """The model's delete service; overridden where the domain has one of its own."""
        delete_cascading(obj)

    def delete_model(self, request, obj) -> None:
        self.delete_one(obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_one(obj)


class ServiceOwnedInline(admin.TabularInline):
    """An inline of a service-owned parent: shown, never edited."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
