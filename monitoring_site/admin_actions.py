"""Admin actions run a domain service on each selected row; a row whose rule forbids it is reported, the
others go on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages

from monitoring_site.errors import DomainError


def apply_each(
    model_admin: admin.ModelAdmin, request, queryset, operation: Callable[[Any], Any], done: str
) -> None:
    changed = 0
    for obj in queryset:
        try:
            operation(obj)
            changed += 1
        except DomainError as exc:
            model_admin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
    model_admin.message_user(request, f"{done}: {changed} of {len(queryset)}.")
