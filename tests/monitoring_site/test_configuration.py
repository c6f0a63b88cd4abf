"""Configuration as code: ``GET /config/export`` and ``POST /config/apply`` (dry run, prune, all or
nothing), re-applying changes nothing, and applying one organization's export into another reproduces it."""

from __future__ import annotations

import pytest

from agents.models import Agent
from alerts.models import NotificationChannel, Webhook
from jobs.models import Task
from monitors.models import Heartbeat, Monitor
from tests.conftest import assert_error, data_of

EXPORT, APPLY = "/api/v1/config/export", "/api/v1/config/apply"
SLACK_URL = "https://hooks.slack.com/services/T0/B0/secret-token"
SECTIONS = (
    "channels",
    "monitors",
    "heartbeats",
    "agents",
    "tasks",
    "status_pages",
    "alert_rules",
    "webhooks",
    "maintenance_windows",
)


def made(client, url: str, body: dict, singular: str) -> dict:
    return data_of(client.post(url, body, format="json"), 201)[singular]


@pytest.fixture
def platform_config(owner_client):
    """One of each kind, with references between them, made through the API."""
    api = "/api/v1"
    slack = made(
        owner_client,
        f"{api}/channels",
        {"name": "ops", "type": "slack", "config": {"url": SLACK_URL}},
        "channel",
    )
    shop = made(
        owner_client,
        f"{api}/monitors",
        {"name": "Shop", "type": "website", "target": "https://shop.example"},
        "monitor",
    )
    api_monitor = made(
        owner_client,
        f"{api}/monitors",
        {
            "name": "Shop API",
            "type": "website",
            "target": "https://api.shop.example",
            "depends_on": [shop["id"]],
            "notifications": [slack["id"]],
        },
        "monitor",
    )
    beat = made(
        owner_client,
        f"{api}/heartbeats",
        {"name": "Backup", "run_interval": 3600, "notifications": [slack["id"]], "depends_on": [shop["id"]]},
        "heartbeat",
    )
    made(
        owner_client,
        f"{api}/status-pages",
        {
            "name": "Acme status",
            "slug": "acme-status",
            "components": [{"monitor_id": shop["id"], "group": "Web"}, {"heartbeat_id": beat["id"]}],
        },
        "status_page",
    )
    made(
        owner_client,
        f"{api}/alert-rules",
        {
            "name": "Slow shop",
            "severity": "warning",
            "channels": [slack["id"]],
            "scope": {"monitor_id": shop["id"]},
            "condition": {"metric": "latency_ms", "operator": "gt", "threshold": 800, "duration_minutes": 5},
        },
        "alert_rule",
    )
    made(owner_client, f"{api}/webhooks", {"url": "https://hooks.example/in", "events": ["*"]}, "webhook")
    made(
        owner_client,
        f"{api}/maintenance-windows",
        {
            "name": "Nightly",
            "cron": "0 3 * * *",
            "duration_minutes": 30,
            "applies_to_all": False,
            "subjects": [{"type": "monitor", "id": shop["id"]}],
        },
        "maintenance_window",
    )
    made(owner_client, f"{api}/tasks", {"name": "Nightly export", "kind": "noop"}, "task")
    made(owner_client, f"{api}/agents", {"name": "voice", "type": "voice_ai"}, "agent")
    return {"shop": shop, "api": api_monitor, "beat": beat, "slack": slack}


def exported(client) -> dict:
    return data_of(client.get(EXPORT))


def sections(document: dict) -> dict:
    return {name: document[name] for name in SECTIONS}


def test_export_names_everything_by_key_and_hides_secrets(owner_client, platform_config):
    document = exported(owner_client)
    assert document["version"] == 1 and all(len(document[s]) == 1 for s in SECTIONS if s != "monitors")
    monitors = {m["key"]: m for m in document["monitors"]}
    assert set(monitors) == {"shop", "shop-api"}
    assert monitors["shop-api"]["depends_on"] == ["shop"] and monitors["shop-api"]["notifications"] == ["ops"]
    assert (
        "id" not in monitors["shop"]
        and "status" not in monitors["shop"]
        and "project_id" not in monitors["shop"]
    )
    assert document["heartbeats"][0]["depends_on"] == ["shop"]
    assert document["status_pages"][0]["components"][0]["monitor_id"] == "shop"
    assert document["status_pages"][0]["components"][1]["heartbeat_id"] == "backup"
    assert document["alert_rules"][0]["channels"] == ["ops"] and document["alert_rules"][0]["scope"] == {
        "monitor_id": "shop"
    }
    assert document["maintenance_windows"][0]["subjects"] == [{"type": "monitor", "id": "shop"}]
    assert document["channels"][0]["config"]["url"] == "<redacted>"
    assert "secret" not in document["webhooks"][0] and "ingest_token" not in document["agents"][0]
    assert sections(exported(owner_client)) == sections(document)  # keys are stable


def test_reapply_dry_run_change_and_prune(owner_client, platform_config):
    document = exported(owner_client)
    again = data_of(owner_client.post(APPLY, document, format="json"))
    assert again["plan"] == {"create": [], "update": [], "delete": [], "unchanged": 10}

    renamed = {
        **document,
        "monitors": [{**m, "name": "Shop!"} if m["key"] == "shop" else m for m in document["monitors"]],
    }
    del renamed["heartbeats"][0]
    dry = data_of(owner_client.post(f"{APPLY}?dry_run=true&prune=true", renamed, format="json"))
    assert dry["dry_run"] is True and dry["plan"]["update"] == [
        {"kind": "monitors", "key": "shop", "fields": ["name"]}
    ]
    assert dry["plan"]["delete"] == [{"kind": "heartbeats", "key": "backup"}]
    assert Monitor.objects.get(pk=platform_config["shop"]["id"]).name == "Shop"  # the dry run changed nothing
    assert Heartbeat.objects.filter(pk=platform_config["beat"]["id"]).exists()

    data_of(owner_client.post(APPLY, renamed, format="json"))  # without prune: nothing is deleted
    assert Monitor.objects.get(pk=platform_config["shop"]["id"]).name == "Shop!"
    assert Heartbeat.objects.filter(pk=platform_config["beat"]["id"]).exists()
    pruned = data_of(owner_client.post(f"{APPLY}?prune=1", renamed, format="json"))
    assert (
        pruned["plan"]["delete"] == [{"kind": "heartbeats", "key": "backup"}]
        and pruned["plan"]["update"] == []
    )
    assert not Heartbeat.objects.filter(pk=platform_config["beat"]["id"]).exists()


def test_an_invalid_file_changes_nothing(owner_client, platform_config):
    document = exported(owner_client)
    document["monitors"].append(
        {"key": "new-one", "name": "New", "type": "website", "target": "https://new.example"}
    )
    document["monitors"].append({"key": "broken", "name": "Broken", "type": "teleport", "target": "x"})
    document["heartbeats"][0]["depends_on"] = ["no-such-monitor"]
    document["channels"][0]["name"] = "renamed"
    document["agents"][0]["colour"] = "blue"
    error = assert_error(owner_client.post(APPLY, document, format="json"), 400, "validation_error")
    assert "monitors.3.type" in error["details"] and "heartbeats.0" in error["details"]
    assert error["details"]["agents.0.colour"] == ["Not a field a configuration file can set here."]
    assert not Monitor.objects.filter(name__in=["New", "Broken"]).exists()
    assert NotificationChannel.objects.get().name == "ops"
    not_an_object = assert_error(owner_client.post(APPLY, [1, 2], format="json"), 400, "validation_error")
    assert "must be a JSON object" in not_an_object["message"]
    for bad, field in (
        ({"monitors": "all of them"}, "monitors"),
        ({"monitors": [{"name": "no key"}]}, "monitors.0.key"),
        ({"monitors": [{"key": "a", "name": "x"}, {"key": "a", "name": "y"}]}, "monitors.1.key"),
        ({"gadgets": []}, "document"),
        ({"version": 9}, "version"),
    ):
        assert (
            field
            in assert_error(owner_client.post(APPLY, bad, format="json"), 400, "validation_error")["details"]
        )
    cycle = {"monitors": [{"key": "a", "depends_on": ["b"]}, {"key": "b", "depends_on": ["a"]}]}
    assert_error(owner_client.post(APPLY, cycle, format="json"), 400, "validation_error")


def test_apply_into_another_organization_reproduces_it(
    owner_client, outsider_client, platform_config, umbrella
):
    source = exported(owner_client)
    assert sections(exported(outsider_client)) == {s: [] for s in SECTIONS}  # nothing of acme's is seen
    error = assert_error(outsider_client.post(APPLY, source, format="json"), 400, "validation_error")
    assert error["details"]["channels.0.config.url"] == [
        "A secret: give its value (exports leave secrets out)."
    ]
    assert "'ops'" in error["details"]["monitors.1"][0]  # what refers to the refused channel says so
    assert not Monitor.objects.filter(organization=umbrella).exists()
    source["channels"][0]["config"]["url"] = SLACK_URL
    source["status_pages"][0]["slug"] = "umbrella-status"  # public addresses are unique across organizations
    result = data_of(outsider_client.post(APPLY, source, format="json"))
    assert len(result["plan"]["create"]) == 10
    assert {s["kind"] for s in result["secrets"]} == {"webhooks", "tasks", "agents"}  # shown this once
    copy = exported(outsider_client)
    source["channels"][0]["config"]["url"] = "<redacted>"
    assert sections(copy) == sections(source)
    assert NotificationChannel.objects.get(organization=umbrella).config["url"] == SLACK_URL
    assert Webhook.objects.filter(organization=umbrella).count() == 1
    assert (
        Task.objects.filter(organization=umbrella).count()
        == Agent.objects.filter(organization=umbrella).count()
        == 1
    )
    assert data_of(outsider_client.post(APPLY, copy, format="json"))["plan"]["unchanged"] == 10


def test_checklist(anon_client, viewer_client, member_client, read_key_client, platform_config):
    assert_error(anon_client.get(EXPORT), 401, "authentication_failed")
    assert_error(anon_client.post(APPLY, {}, format="json"), 401, "authentication_failed")
    assert data_of(viewer_client.get(EXPORT))["monitors"]
    assert data_of(read_key_client.get(EXPORT))["monitors"]
    assert_error(viewer_client.post(APPLY, {}, format="json"), 403, "insufficient_permissions")
    assert_error(member_client.post(APPLY, {}, format="json"), 403, "insufficient_permissions")  # admins only
    assert_error(read_key_client.post(APPLY, {}, format="json"), 403, "insufficient_permissions")
