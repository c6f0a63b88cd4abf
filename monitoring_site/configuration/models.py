"""The stable key of each object that configuration files name (``GET /config/export``,
``POST /config/apply``). Kept beside the objects, not in their tables: an object gets a key the first time
it is exported or applied; a key whose object is gone is dropped when next seen."""

from __future__ import annotations

from django.db import models

from monitoring_site.accounts.models import Organization


class ConfigKey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="config_keys")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "key"], name="configkey_unique_key"),
            models.UniqueConstraint(
                fields=["organization", "kind", "object_id"], name="configkey_unique_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} -> {self.object_id}"
