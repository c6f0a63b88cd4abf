"""The status-page editor in the dashboard: component groups, names and order, checkbox pickers, a logo
(uploaded, or a data: URI through the API, judged by the same service), deletion with confirmation; the
public page shows the logo and refreshes itself."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from monitors.models import StatusPage
from tests.conftest import assert_error, data_of
from tests.monitors.test_status_pages import setup_sources

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _settings(page, **extra) -> dict:
    return {"action": "settings", "name": page.name, "slug": page.slug, "is_public": "on", **extra}


def test_groups_names_and_order_from_the_editor(owner, acme):
    shop, api, beat = setup_sources(acme)
    page = StatusPage.objects.create(organization=acme, name="Acme", slug="acme")
    page.components.create(monitor=shop, position=0)
    page.components.create(monitor=api, position=1)
    browser = _browser(owner)
    form = browser.get(f"/monitors/status-pages/{page.pk}").content.decode()
    assert 'id="page-components"' in form and f'name="group_m{shop.pk}"' in form
    assert 'type="checkbox" name="monitors"' in form and 'data-check-all="monitors"' in form
    assert 'enctype="multipart/form-data"' in form and 'data-confirm="Delete Acme?' in form
    saved = browser.post(
        f"/monitors/status-pages/{page.pk}",
        _settings(
            page,
            monitors=[shop.pk, api.pk],
            heartbeats=[beat.pk],
            **{
                f"group_m{shop.pk}": "Web",
                f"name_m{shop.pk}": "Storefront",
                f"position_m{shop.pk}": "2",
                f"group_m{api.pk}": "Backend",
                f"name_m{api.pk}": "",
                f"position_m{api.pk}": "1",
            },
        ),
    )
    assert saved.status_code == 302
    rows = [(c.monitor_id, c.heartbeat_id, c.group, c.name) for c in page.components.order_by("position")]
    assert rows == [
        (api.pk, None, "Backend", ""),
        (shop.pk, None, "Web", "Storefront"),
        (None, beat.pk, "", ""),
    ]
    public = Client().get("/status/acme").content.decode()
    assert public.index("Backend") < public.index("Web") < public.index("Storefront")
    assert 'data-refresh-every="60"' in public and "refreshes itself every minute" in public

    bad = browser.post(
        f"/monitors/status-pages/{page.pk}",
        _settings(page, monitors=[shop.pk], **{f"position_m{shop.pk}": "-3", f"group_m{shop.pk}": "x" * 101}),
    )
    text = bad.content.decode()
    assert (
        bad.status_code == 200 and "greater than or equal to 0" in text and "at most 100 characters" in text
    )
    assert page.components.count() == 3  # nothing changed


def test_logo_upload_shown_replaced_and_removed(owner, acme, member_client):
    page = StatusPage.objects.create(organization=acme, name="Acme", slug="acme")
    browser = _browser(owner)
    upload = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert browser.post(f"/monitors/status-pages/{page.pk}", _settings(page, logo=upload)).status_code == 302
    page.refresh_from_db()
    assert page.logo == "data:image/png;base64," + base64.b64encode(PNG).decode()
    public = Client().get("/status/acme").content.decode()
    assert f'<img class="status-logo" src="{page.logo}" alt="Acme logo">' in public

    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    refused = browser.post(f"/monitors/status-pages/{page.pk}", _settings(page, logo=script))
    assert refused.status_code == 200 and "PNG, JPEG, GIF, WebP or SVG" in refused.content.decode()
    big = SimpleUploadedFile("big.png", b"\0" * (256 * 1024 + 1), content_type="image/png")
    refused = browser.post(f"/monitors/status-pages/{page.pk}", _settings(page, logo=big))
    assert "256 kB at most." in refused.content.decode()
    page.refresh_from_db()
    assert page.logo.startswith("data:image/png")  # the refused uploads changed nothing

    assert (
        browser.post(f"/monitors/status-pages/{page.pk}", _settings(page, remove_logo="on")).status_code
        == 302
    )
    page.refresh_from_db()
    assert page.logo == ""

    # the API takes the same data: URI and refuses the same way
    url = f"/api/v1/status-pages/{page.pk}"
    logo = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert data_of(member_client.patch(url, {"logo": logo}, format="json"))["status_page"]["logo"] == logo
    bad = member_client.patch(url, {"logo": "javascript:alert(1)"}, format="json")
    assert_error(bad, 400, "validation_error")
    assert data_of(Client().get("/api/v1/public/status-pages/acme"))["status_page"]["logo"] == logo


def test_delete_from_the_editor_and_who_may(owner, viewer, outsider, acme):
    page = StatusPage.objects.create(organization=acme, name="Acme", slug="acme")
    assert (
        _browser(outsider).post(f"/monitors/status-pages/{page.pk}", {"action": "delete"}).status_code == 404
    )
    watcher = _browser(viewer)
    shown = watcher.get(f"/monitors/status-pages/{page.pk}").content.decode()
    assert 'id="page-delete"' not in shown and 'id="page-settings"' not in shown
    watcher.post(f"/monitors/status-pages/{page.pk}", {"action": "delete"})
    assert StatusPage.objects.filter(pk=page.pk).exists()  # a viewer's post does nothing
    gone = _browser(owner).post(f"/monitors/status-pages/{page.pk}", {"action": "delete"})
    assert gone.status_code == 302 and gone["Location"] == "/monitors/status-pages/"
    assert not StatusPage.objects.filter(pk=page.pk).exists()
    assert Client().get("/status/acme").status_code == 404
