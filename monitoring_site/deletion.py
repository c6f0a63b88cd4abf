"""Deleting an object while workers keep adding rows that point at it (a check result for a monitor, a
delivery for a webhook, a job for a task).

Django cascades in Python: it reads the children, deletes them, then deletes the object. A child that
another transaction commits after that read is not deleted, and Postgres, whose foreign keys Django
makes DEFERRABLE INITIALLY DEFERRED, only finds it at commit: the whole delete failed there, an
unexpected 500. Here the deferred checks are run at the end of the delete's own savepoint
(``SET CONSTRAINTS ALL IMMEDIATE`` checks what is outstanding, then the default comes back), so such a
delete fails on its own and is tried again, and the new read sees the late child and cascades to it too.
(Making the checks immediate before the delete would not do: Django orders a cascade only along
non-nullable keys and relies on deferred checks for the rest.)"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction

ATTEMPTS = 3


def _check_now() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # raises for what the delete left dangling
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default for the rest


def delete_cascading(instance: Any) -> None:
    pk = instance.pk
    for attempt in range(ATTEMPTS):
        instance.pk = pk  # a delete rolled back still cleared it
        try:
            with transaction.atomic():
                instance.delete()
                _check_now()
            return
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
