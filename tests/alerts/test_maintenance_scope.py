"""A maintenance window can cover a tag (the monitors and heartbeats carrying it) or a status page (its
components) as well as monitors and heartbeats by id; what it covers is resolved when it is read, so a
monitor tagged later is covered too, and one untagged is not. Picked in the dashboard's checkbox pickers."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.inputs import NewMaintenance
from alerts.models import Delivery, Event, MaintenanceWindow, NotificationChannel
from alerts.selectors import maintenance_in_effect, windows_resolved
from alerts.services.events import event_fan_out
from alerts.services.maintenance import maintenance_create
from monitoring_site.errors import RuleViolation
from monitoring_site.events import emit
from monitors.models import Heartbeat, Monitor, StatusPage
from monitors.selectors import display_status
from tests.conftest import assert_error, data_of

NOW = timezone.now()


def _window(organization, subjects):
    return maintenance_create(
        organization=organization,
        new=NewMaintenance(
            name="db upgrade",
            starts_at=NOW - timedelta(minutes=5),
            ends_at=NOW + timedelta(hours=1),
            applies_to_all=False,
            subjects=subjects,
        ),
    )


@pytest.fixture
def subjects(acme):
    db = Monitor.objects.create(
        organization=acme, name="db", type="port", target="db", port=5432, tags=["db"]
    )
    web = Monitor.objects.create(organization=acme, name="web", type="website", target="https://w.test/")
    backup = Heartbeat.objects.create(organization=acme, name="backup", token="t" * 22, tags=["db"])
    return db, web, backup


def test_a_tag_covers_what_carries_it_when_read(acme, umbrella, subjects):
    db, web, backup = subjects
    other = Monitor.objects.create(
        organization=umbrella, name="theirs", type="port", target="x", port=1, tags=["db"]
    )
    _window(acme, [{"type": "tag", "name": "db"}])
    windows = maintenance_in_effect(acme.pk, NOW)
    assert [display_status(m, windows) for m in (db, web)] == ["maintenance", "pending"]
    assert windows[0].covers("heartbeat", backup.pk) and not windows[0].covers("monitor", other.pk)
    web.tags = ["db"]
    web.save()
    db.tags = []
    db.save()
    windows = maintenance_in_effect(acme.pk, NOW)
    assert [display_status(m, windows) for m in (db, web)] == ["pending", "maintenance"]


def test_a_status_page_covers_its_components(acme, subjects):
    db, web, backup = subjects
    page = StatusPage.objects.create(organization=acme, name="Public", slug="public")
    page.components.create(monitor=web)
    page.components.create(heartbeat=backup)
    (window,) = windows_resolved([_window(acme, [{"type": "status_page", "id": page.pk}])])
    assert window.covered == {("monitor", web.pk), ("heartbeat", backup.pk)}
    assert window.covers("monitor", web.pk) and not window.covers("monitor", db.pk)


def test_events_of_a_covered_subject_notify_no_channel(acme, subjects):
    """As for any window: the event is recorded and marked in maintenance, channels are not told
    (webhooks, being integrations, still get every event)."""
    _db, web, backup = subjects
    channel = NotificationChannel.objects.create(
        organization=acme, name="ops", kind="webhook", config={"url": "https://hooks.test/ops"}
    )
    _window(acme, [{"type": "tag", "name": "db"}])
    for subject_type, subject in (("heartbeat", backup), ("monitor", web)):
        emit(
            acme,
            f"{subject_type}.down",
            {subject_type: {"id": subject.pk}},
            subject_type=subject_type,
            subject_id=subject.pk,
            channel_ids=[channel.pk],
        )
    for name, expected in (("heartbeat.down", "suppressed"), ("monitor.down", "pending")):
        event = Event.objects.get(name=name)
        event_fan_out(event_id=str(event.id))
        assert list(Delivery.objects.filter(event=event).values_list("status", flat=True)) == [expected]
        event.refresh_from_db()
        assert event.in_maintenance == (expected == "suppressed")


@pytest.mark.parametrize(
    "subject",
    [{"type": "tag"}, {"type": "tag", "name": ""}, {"type": "tag", "name": 3}, {"type": "page", "id": 1},
     {"type": "status_page", "id": "1"}, {"type": "monitor", "id": True},
     {"type": "monitor", "id": 1, "x": 1}],
)  # fmt: skip
def test_bad_subjects_are_refused(acme, subject):
    with pytest.raises(RuleViolation) as refused:
        _window(acme, [subject])
    assert "subjects" in refused.value.details


def test_the_api_and_the_dashboard_pick_tags_and_pages(acme, owner, member_client, subjects):
    page = StatusPage.objects.create(organization=acme, name="Public", slug="public")
    body = {
        "name": "by tag",
        "starts_at": "2030-01-01T10:00:00Z",
        "ends_at": "2030-01-01T11:00:00Z",
        "applies_to_all": False,
        "subjects": [{"type": "tag", "name": "db"}, {"type": "status_page", "id": page.pk}],
    }
    made = data_of(member_client.post("/api/v1/maintenance-windows", body, format="json"), 201)
    assert made["maintenance_window"]["subjects"] == body["subjects"]
    bad = member_client.post(
        "/api/v1/maintenance-windows", {**body, "subjects": [{"type": "tag"}]}, format="json"
    )
    assert_error(bad, 400, "validation_error")

    browser = Client()
    browser.force_login(owner)
    form = browser.get("/alerts/maintenance/new").content.decode()
    assert 'type="checkbox" name="tags" value="db"' in form and 'name="status_pages"' in form
    answer = browser.post(
        "/alerts/maintenance/new",
        {
            "name": "tagged",
            "starts_at": "2030-01-01 10:00",
            "ends_at": "2030-01-01 11:00",
            "timezone": "UTC",
            "tags": ["db"],
            "status_pages": [page.pk],
        },
    )
    assert answer.status_code == 302
    window = MaintenanceWindow.objects.get(name="tagged")
    assert window.subjects == [{"type": "tag", "name": "db"}, {"type": "status_page", "id": page.pk}]
    listed = browser.get("/alerts/maintenance").content.decode()
    assert "tag db" in listed and "status page Public" in listed
    edit = browser.get(f"/alerts/maintenance/{window.pk}/edit").content.decode()
    assert 'value="db" id="id_tags_0" checked' in edit.replace("\n", "")
