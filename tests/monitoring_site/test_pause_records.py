"""Every pause and resume is recorded the same way, whatever is paused and from wherever: one
PauseRecord with who and when, in the change's own transaction (docs/design.md, "Pauses")."""

import pytest
from django.test import Client

from monitoring_site.audit.models import PauseRecord
from tests.contract.resources import make

SUBJECTS = [
    ("/monitors", "monitor"),
    ("/heartbeats", "heartbeat"),
    ("/alert-rules", "alert_rule"),
    ("/agents", "agent"),
]


@pytest.mark.parametrize(("kind", "subject_type"), SUBJECTS)
def test_a_pause_and_a_resume_through_the_api_are_recorded(owner_client, acme, kind, subject_type):
    pk = make(kind, owner_client, acme)
    assert owner_client.post(f"/api/v1{kind}/{pk}/pause", {}, format="json").status_code == 200
    assert owner_client.post(f"/api/v1{kind}/{pk}/pause", {}, format="json").status_code == 409
    assert owner_client.post(f"/api/v1{kind}/{pk}/resume", {}, format="json").status_code == 200
    records = PauseRecord.objects.filter(subject_type=subject_type, subject_id=pk).order_by("at", "id")
    assert [(r.action, r.actor, r.organization_id) for r in records] == [
        ("pause", "alice", acme.pk),
        ("resume", "alice", acme.pk),
    ]  # the refused second pause left nothing


def test_the_dashboard_and_the_admin_record_their_actor(owner, acme, owner_client):
    monitor = make("/monitors", owner_client, acme)
    heartbeat = make("/heartbeats", owner_client, acme)
    browser = Client()
    browser.force_login(owner)
    browser.post(f"/monitors/{monitor}/pause")
    browser.post(f"/monitors/heartbeats/{heartbeat}/pause")
    owner.is_staff = owner.is_superuser = True
    owner.save()
    browser.post("/admin/monitors/monitor/", {"action": "resume", "_selected_action": [monitor]})
    rows = list(PauseRecord.objects.order_by("id").values_list("subject_type", "action", "actor"))
    assert rows == [
        ("monitor", "pause", "alice"),
        ("heartbeat", "pause", "alice"),
        ("monitor", "resume", "admin alice"),
    ]
