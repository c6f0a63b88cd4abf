"""Monitors, heartbeats and status pages in configuration files (``monitoring_site.configuration``):
channels, monitors and heartbeats they refer to are named by key. ``project_id`` is left out (projects
are not part of a file)."""

from __future__ import annotations

from typing import Any

from monitoring_site.configuration.registry import ConfigKind, KeyBook, register
from monitors.api.heartbeat_serializers import HeartbeatSerializer
from monitors.api.serializers import MonitorSerializer
from monitors.api.status_page_serializers import StatusPageSerializer
from monitors.inputs import (
    HeartbeatChanges,
    MonitorChanges,
    NewHeartbeat,
    NewMonitor,
    NewStatusPage,
    StatusPageChanges,
)
from monitors.models import Heartbeat, Monitor, StatusPage
from monitors.services import heartbeats as heartbeat_services
from monitors.services import monitors as monitor_services
from monitors.services import status_pages as page_services

REFS = {"notifications": "channels", "depends_on": "monitors"}


def _refs_to_file(item: dict[str, Any], book: KeyBook) -> dict[str, Any]:
    return {**item, **{f: book.keys(kind, item[f]) for f, kind in REFS.items() if f in item}}


def _refs_from_file(item: dict[str, Any], book: KeyBook, current: Any) -> dict[str, Any]:
    return {**item, **{f: book.ids(kind, item[f]) for f, kind in REFS.items() if f in item}}


COMPONENT_REFS = {"monitor_id": "monitors", "heartbeat_id": "heartbeats"}


def _component_refs(component: dict[str, Any]) -> dict[str, Any]:
    """A component in the file names its source by ``monitor_id`` or ``heartbeat_id`` (keys, in the file);
    the API's ``{type, id}`` form is folded into that."""
    component = dict(component)
    kind, ref = component.pop("type", None), component.pop("id", None)
    if kind in ("monitor", "heartbeat") and ref is not None:
        component.setdefault(f"{kind}_id", ref)
    return component


def _components(item: dict[str, Any], convert) -> dict[str, Any]:
    if "components" not in item:
        return item
    components = [
        {
            k: (convert(COMPONENT_REFS[k], v) if k in COMPONENT_REFS and v is not None else v)
            for k, v in _component_refs(c).items()
        }
        for c in item["components"] or []
    ]
    return {**item, "components": components}


def register_configuration() -> None:
    register(
        ConfigKind(
            name="monitors",
            queryset=lambda org: Monitor.objects.filter(organization=org),
            serializer=MonitorSerializer,
            create=lambda tenant, data: monitor_services.monitor_create(  # a host's push token is a secret
                organization=tenant.organization, new=NewMonitor.of(data)
            ),
            update=lambda tenant, obj, data: monitor_services.monitor_update(
                monitor=obj, changes=MonitorChanges.of(data)
            ),
            to_file=_refs_to_file,
            from_file=_refs_from_file,
            left_out=frozenset({"project_id"}),
            self_references="depends_on",
        )
    )
    register(
        ConfigKind(
            name="heartbeats",
            queryset=lambda org: Heartbeat.objects.filter(organization=org),
            serializer=HeartbeatSerializer,
            create=lambda tenant, data: heartbeat_services.heartbeat_create(
                organization=tenant.organization, new=NewHeartbeat.of(data)
            ),
            update=lambda tenant, obj, data: heartbeat_services.heartbeat_update(
                heartbeat=obj, changes=HeartbeatChanges.of(data)
            ),
            to_file=_refs_to_file,
            from_file=_refs_from_file,
            left_out=frozenset({"project_id"}),
        )
    )
    register(
        ConfigKind(
            name="status_pages",
            queryset=lambda org: StatusPage.objects.filter(organization=org),
            serializer=StatusPageSerializer,
            create=lambda tenant, data: page_services.status_page_create(
                organization=tenant.organization, new=NewStatusPage.of(data), by=tenant.by
            ),
            update=lambda tenant, obj, data: page_services.status_page_update(
                page=obj, changes=StatusPageChanges.of(data), by=tenant.by
            ),
            to_file=lambda item, book: _components(item, book.key),
            from_file=lambda item, book, current: _components(item, book.id),
        )
    )
