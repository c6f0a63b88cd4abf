"""The admin writes domain rows only through services: change forms are read-only, adding is off,
deleting runs the model's delete service (docs/design.md, "The admin")."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from alerts.services.channels import channel_create
from monitoring_site.admin_services import ServiceOwnedAdmin, ServiceOwnedInline
from monitors.inputs import NewMonitor
from monitors.models import CheckResult, Monitor, StatusChange
from monitors.services.monitors import monitor_create

# Organizations and memberships stay editable in the admin: managing them is the admin's own job.
EDITABLE = {"accounts.organization", "accounts.membership", "auth.user", "auth.group"}


@pytest.fixture
def superuser_client(owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = Client()
    client.force_login(owner)
    return client


def test_every_domain_model_admin_is_service_owned():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in EDITABLE or model._meta.app_label in {"django_celery_beat", "token_blacklist"}:
            continue
        assert isinstance(model_admin, ServiceOwnedAdmin), f"{label}: {type(model_admin).__name__}"
        for inline in model_admin.inlines:
            assert issubclass(inline, ServiceOwnedInline), f"{label}: {inline.__name__}"


def test_change_forms_are_read_only_and_adding_is_off(superuser_client, acme, umbrella):
    theirs = channel_create(
        organization=umbrella, name="theirs", kind="email", config={"to": "x@example.com"}
    )
    monitor = monitor_create(
        organization=acme, new=NewMonitor(name="shop", type="website", target="https://x")
    ).obj
    url = f"/admin/monitors/monitor/{monitor.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert superuser_client.get("/admin/monitors/monitor/add/").status_code == 403
    posted = superuser_client.post(
        url, {"name": "renamed", "is_paused": "on", "notifications": [theirs.pk], "type": "website"}
    )
    assert posted.status_code == 403
    monitor.refresh_from_db()
    assert monitor.name == "shop" and not monitor.is_paused and not monitor.notifications.exists()
    for model in apps.get_app_config("alerts").get_models():
        info = model._meta
        response = superuser_client.get(f"/admin/{info.app_label}/{info.model_name}/add/")
        assert response.status_code in (403, 404), info.label


def test_actions_and_deletes_go_through_the_services(superuser_client, acme):
    monitor = monitor_create(
        organization=acme, new=NewMonitor(name="shop", type="website", target="https://x")
    ).obj
    superuser_client.post("/admin/monitors/monitor/", {"action": "pause", "_selected_action": [monitor.pk]})
    monitor.refresh_from_db()
    assert monitor.status == "paused"
    assert StatusChange.objects.filter(monitor=monitor, reason="paused").exists()  # the service's record
    CheckResult.objects.create(monitor=monitor, ok=True, response_time_ms=5)
    deleted = superuser_client.post(
        f"/admin/monitors/monitor/{monitor.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert deleted.status_code == 200
    assert not Monitor.objects.filter(pk=monitor.pk).exists()
    assert not CheckResult.objects.filter(monitor_id=monitor.pk).exists()
