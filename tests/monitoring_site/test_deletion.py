"""Deleting while a worker commits a row that points at the object: the race the SDK suite met on Postgres
(a webhook deleted while deliveries for it kept arriving answered 500). A ``pre_delete`` receiver commits
a new delivery from another connection after Django has read the webhook's children, as a worker would."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection
from django.db.models.signals import pre_delete

from alerts.models import Delivery, Event, Webhook
from monitoring_site.deletion import delete_cascading

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def racing_worker(acme):
    """Once, just as a webhook is being deleted, a worker commits one more delivery for it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writers take turns: no other connection commits in the middle of a delete")
    event = Event.objects.create(organization=acme, name="monitor.down", body={})
    fired = []

    def late_delivery(sender, instance, **kwargs):
        if fired:
            return
        fired.append(True)

        def insert() -> None:
            Delivery.objects.create(
                event=event,
                organization=acme,
                target_type="webhook",
                target_key=f"webhook:{instance.pk}",
                webhook_id=instance.pk,
            )
            connection.close()

        worker = threading.Thread(target=insert)
        worker.start()
        worker.join()

    pre_delete.connect(late_delivery, sender=Webhook, weak=False)
    yield fired
    pre_delete.disconnect(late_delivery, sender=Webhook)


def webhook(acme) -> Webhook:
    return Webhook.objects.create(organization=acme, url="https://hooks.example/in", events=["*"], secret="s")


def test_a_plain_delete_fails_on_the_late_row(acme, racing_worker):
    hook = webhook(acme)
    with pytest.raises(IntegrityError):
        hook.delete()  # the test can fail: this is the 500 the API gave
    assert racing_worker and Webhook.objects.filter(pk=hook.pk).exists()


def test_delete_cascading_takes_the_late_row_too(acme, racing_worker):
    hook = webhook(acme)
    delete_cascading(hook)
    assert racing_worker
    assert not Webhook.objects.filter(pk=hook.pk).exists()
    assert not Delivery.objects.filter(webhook_id=hook.pk).exists()
