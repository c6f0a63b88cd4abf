"""What monitors and heartbeats share when they are created or changed: their project, channels and
parent monitors must be the organization's own, and the same fields are stored the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

from alerts.models import NotificationChannel
from monitoring_site.accounts.models import Organization, Project
from monitors.models import Monitor

RELATIONS = {"notifications": NotificationChannel, "depends_on": Monitor}


def related_errors(organization: Organization, data: dict[str, Any]) -> dict[str, list[str]]:
    """Errors for a ``project_id``, ``notifications`` or ``depends_on`` naming another organization's
    (or no) object."""
    errors: dict[str, list[str]] = {}
    project_id = data.get("project_id")
    if (
        project_id is not None
        and not Project.objects.filter(pk=project_id, organization=organization).exists()
    ):
        errors["project_id"] = ["No such project in this organization."]
    for field, model in RELATIONS.items():
        ids = data.get(field) or []
        found = set(
            model._default_manager.filter(organization=organization, pk__in=ids).values_list("pk", flat=True)
        )
        missing = sorted(set(ids) - found)
        if missing:
            errors[field] = [f"Not found here: {', '.join(map(str, missing))}."]
    return errors


def store(instance: Model, data: dict[str, Any], before_save: Callable[[], None] | None = None) -> Any:
    """Set the plain fields, save, then replace the relations given in ``data``."""
    relations = {name: data.pop(name) for name in RELATIONS if name in data}
    for name, value in data.items():
        setattr(instance, name, value)
    if before_save is not None:
        before_save()
    instance.save()
    for name, ids in relations.items():
        if ids is not None:
            getattr(instance, name).set(ids)
    return instance
