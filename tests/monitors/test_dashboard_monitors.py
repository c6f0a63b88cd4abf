import pytest
from django.test import Client

from monitors.models import Incident, Monitor


@pytest.fixture
def owner_browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def test_list_detail_incidents_and_create(owner_browser, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://shop.example", status="down"
    )
    Incident.objects.create(organization=acme, monitor=monitor, error_message="HTTP 502")
    page = owner_browser.get("/monitors/").content.decode()
    assert "Shop" in page and 'class="monitor-status status-down"' in page and "monitors_live.js" in page
    assert (
        "Shop" not in owner_browser.get("/monitors/", {"status": "up"}).content.decode().split("<tbody>")[1]
    )
    detail = owner_browser.get(f"/monitors/{monitor.pk}").content.decode()
    assert "HTTP 502" in detail
    assert "HTTP 502" in owner_browser.get("/monitors/incidents").content.decode()
    response = owner_browser.post(
        "/monitors/new",
        {
            "name": "API",
            "type": "port",
            "target": "db.internal",
            "port": "5432",
            "check_interval": "30",
            "timeout": "5",
            "retries": "1",
        },
    )
    assert response.status_code == 302
    assert Monitor.objects.get(name="API").port == 5432
    page = owner_browser.post(
        "/monitors/new",
        {
            "name": "bad",
            "type": "website",
            "target": "not-a-url",
            "check_interval": "30",
            "timeout": "5",
            "retries": "0",
        },
    )
    assert "http:// or https://" in page.content.decode()


def test_other_organizations_monitor_is_404(outsider, acme):
    monitor = Monitor.objects.create(
        organization=acme, name="Shop", type="website", target="https://shop.example"
    )
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/monitors/{monitor.pk}").status_code == 404
