"""Status pages: API CRUD with validation, incident updates kept and published, the public page (HTML and
JSON) for public pages, 404 for private ones; another organization's page is 404, no token is 401."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from alerts.models import Event
from monitors.models import CheckResult, Heartbeat, Monitor, StatusPage, StatusPageUpdate
from monitors.services.rollups import rollups_advance
from tests.conftest import assert_error, data_of

URL = "/api/v1/status-pages"


def setup_sources(acme):
    shop = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://s", status="up"
    )
    api = Monitor.objects.create(
        organization=acme, name="API", type="website", target="https://a", status="down"
    )
    beat = Heartbeat.objects.create(
        organization=acme, name="Backups", token="b" * 22, run_interval=60, status="up"
    )
    return shop, api, beat


def test_create_update_history_and_events(member_client, acme):
    shop, api, beat = setup_sources(acme)
    body = {
        "name": "Acme status",
        "slug": "acme",
        "components": [
            {"monitor_id": shop.pk, "group": "Web"},
            {"monitor_id": api.pk, "group": "Web", "name": "Public API"},
            {"heartbeat_id": beat.pk, "group": "Jobs"},
        ],
    }
    page = data_of(member_client.post(URL, body, format="json"), 201)["status_page"]
    assert page["public_url"] == "http://testserver/status/acme" and len(page["components"]) == 3
    assert page["updates"] == [] and page["incident_status"] == "none"
    changed = data_of(
        member_client.patch(
            f"{URL}/{page['id']}",
            {"incident_status": "investigating", "incident_message": "API errors"},
            format="json",
        )
    )["status_page"]
    assert [u["incident_status"] for u in changed["updates"]] == ["investigating"]
    member_client.patch(f"{URL}/{page['id']}", {"incident_status": "resolved"}, format="json")
    member_client.patch(f"{URL}/{page['id']}", {"description": "Our services"}, format="json")
    assert StatusPageUpdate.objects.count() == 2  # a description change is not an incident update
    assert Event.objects.filter(name="status_page.updated").count() == 4


def test_bad_input_changes_nothing(member_client, acme, umbrella):
    other = Monitor.objects.create(organization=umbrella, name="x", type="port", target="x")
    StatusPage.objects.create(organization=umbrella, name="Taken", slug="taken")
    for body, field in [
        ({"name": "x", "slug": "Not A Slug"}, "slug"),
        ({"name": "x", "slug": "taken"}, "slug"),
        ({"name": "x", "slug": "ok", "components": [{"monitor_id": other.pk}]}, "components"),
        ({"name": "x", "slug": "ok", "components": [{"group": "none"}]}, "components"),
        ({"name": "x", "slug": "ok", "incident_status": "panicking"}, "incident_status"),
    ]:
        error = assert_error(member_client.post(URL, body, format="json"), 400, "validation_error")
        assert field in error["details"], body
    assert StatusPage.objects.filter(organization=acme).count() == 0


def test_public_page_html_and_json(acme, member_client):
    shop, api, beat = setup_sources(acme)
    now = timezone.now()
    # noon yesterday (UTC), so the 40 results fall in one day whatever the time the test runs at
    noon = (now - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    CheckResult.objects.bulk_create(
        CheckResult(monitor=shop, ok=i % 4 != 0, response_time_ms=20, checked_at=noon - timedelta(minutes=i))
        for i in range(40)
    )
    for _ in range(12):
        rollups_advance(now=now)
    page = data_of(
        member_client.post(
            URL,
            {
                "name": "Acme",
                "slug": "acme",
                "components": [{"monitor_id": shop.pk}, {"monitor_id": api.pk}, {"heartbeat_id": beat.pk}],
                "incident_status": "identified",
                "incident_message": "The API is down",
            },
            format="json",
        ),
        201,
    )["status_page"]
    anyone = Client()
    shown = data_of(anyone.get("/api/v1/public/status-pages/acme"))["status_page"]
    assert shown["overall"] == "partial_outage" and shown["incident"]["status"] == "identified"
    components = shown["groups"][0]["components"]
    assert [(c["name"], c["status"]) for c in components] == [
        ("Shop", "up"),
        ("API", "down"),
        ("Backups", "up"),
    ]
    assert len(components[0]["days"]) == 90 and 75.0 in components[0]["days"]
    assert components[0]["uptime_90d"] == 75.0 and components[2]["days"] == []
    html = anyone.get("/status/acme").content.decode()
    assert "Partial outage" in html and "The API is down" in html and html.count("<rect") == 180
    # an update's time reads "2026-12-01 17:39 UTC", never "2026-12-0117:39"
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", html), html

    StatusPage.objects.filter(pk=page["id"]).update(is_public=False)
    assert_error(anyone.get("/api/v1/public/status-pages/acme"), 404, "not_found")
    assert anyone.get("/status/acme").status_code == 404
    assert anyone.get("/status/nothing").status_code == 404


def test_isolation_auth_and_the_dashboard_editor(
    anon_client, viewer_client, outsider_client, owner, outsider, acme
):
    setup_sources(acme)
    page = StatusPage.objects.create(organization=acme, name="Acme", slug="acme", is_public=False)
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert_error(
        viewer_client.post(URL, {"name": "x", "slug": "x"}, format="json"), 403, "insufficient_permissions"
    )
    assert_error(outsider_client.get(f"{URL}/{page.pk}"), 404, "not_found")
    assert data_of(outsider_client.get(URL))["status_pages"] == []

    browser = Client()
    browser.force_login(owner)
    assert browser.get("/status/acme").status_code == 200  # a member previews the private page
    response = browser.post(
        f"/monitors/status-pages/{page.pk}",
        {"action": "update", "incident_status": "monitoring", "incident_message": "Fix deployed"},
    )
    assert response.status_code == 302
    assert "Fix deployed" in browser.get(f"/monitors/status-pages/{page.pk}").content.decode()
    created = browser.post(
        "/monitors/status-pages/new", {"name": "Second", "slug": "second", "is_public": "on"}
    )
    assert created.status_code == 302 and StatusPage.objects.filter(slug="second").exists()
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(f"/monitors/status-pages/{page.pk}").status_code == 404
    assert stranger.get("/status/acme").status_code == 404


def test_the_editor_changes_components_and_keeps_their_groups(owner, acme):
    shop, api, beat = setup_sources(acme)
    page = StatusPage.objects.create(organization=acme, name="Acme", slug="acme")
    page.components.create(monitor=shop, group="Web", name="Storefront")
    page.components.create(monitor=api, group="Web")
    browser = Client()
    browser.force_login(owner)
    form = browser.get(f"/monitors/status-pages/{page.pk}").content.decode()
    assert 'id="page-settings"' in form and 'value="acme"' in form
    taken = StatusPage.objects.create(organization=acme, name="Other", slug="other")
    refused = browser.post(
        f"/monitors/status-pages/{page.pk}",
        {"action": "settings", "name": "Acme", "slug": taken.slug, "monitors": [shop.pk]},
    )
    assert refused.status_code == 200 and "This address is taken." in refused.content.decode()
    assert page.components.count() == 2
    saved = browser.post(
        f"/monitors/status-pages/{page.pk}",
        {
            "action": "settings",
            "name": "Acme Inc",
            "slug": "acme",
            "is_public": "on",
            "monitors": [shop.pk],
            "heartbeats": [beat.pk],
        },
    )
    assert saved.status_code == 302
    page.refresh_from_db()
    kept = [(c.monitor_id, c.heartbeat_id, c.group, c.name) for c in page.components.all()]
    assert page.name == "Acme Inc" and kept == [(shop.pk, None, "Web", "Storefront"), (None, beat.pk, "", "")]


def test_components_in_designs_type_and_id_form(member_client, acme, umbrella):
    monitor, _api, beat = setup_sources(acme)
    body = {
        "name": "Status",
        "slug": "typed",
        "is_public": True,
        "components": [
            {"type": "monitor", "id": monitor.pk, "group": "Web"},
            {"type": "heartbeat", "id": beat.pk},
        ],
    }
    page = data_of(member_client.post(URL, body, format="json"), 201)["status_page"]
    assert [(c["type"], c["id"], c["group"]) for c in page["components"]] == [
        ("monitor", monitor.pk, "Web"),
        ("heartbeat", beat.pk, ""),
    ]
    assert page["components"][0]["monitor_id"] == monitor.pk
    theirs = Monitor.objects.create(organization=umbrella, name="x", type="port", target="x")
    for component in (
        {"type": "monitor"},
        {"type": "monitor", "id": monitor.pk, "heartbeat_id": beat.pk},
        {"type": "incident", "id": 1},
        {"type": "monitor", "id": theirs.pk},
        {"type": "monitor", "id": monitor.pk, "colour": "red"},
    ):
        bad = {**body, "slug": "other", "components": [component]}
        assert_error(member_client.post(URL, bad, format="json"), 400, "validation_error")
