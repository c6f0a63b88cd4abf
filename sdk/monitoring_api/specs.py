"""The API's resources: where each lives, what its lists and objects are called in the envelope, and its
actions (``name: (HTTP method, path suffix, on one object?)``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spec:
    path: str
    plural: str
    singular: str
    actions: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    crud: frozenset[str] = frozenset({"list", "get", "create", "update", "replace", "delete"})


def _post(*names: str) -> dict[str, tuple[str, str, bool]]:
    return {name: ("POST", name.replace("_", "-"), True) for name in names}


READ_ONLY = frozenset({"list", "get"})
SPECS: dict[str, Spec] = {
    "monitors": Spec(
        "/monitors",
        "monitors",
        "monitor",
        {
            **_post("pause", "resume", "extend", "test", "check"),
            "uptime": ("GET", "uptime", True),
            "logs": ("GET", "logs", True),
            "bulk": ("PUT", "bulk", False),
        },
    ),
    "heartbeats": Spec(
        "/heartbeats",
        "heartbeats",
        "heartbeat",
        {**_post("pause", "resume", "regenerate_token"), "pings": ("GET", "pings", True)},
    ),
    "incidents": Spec("/incidents", "incidents", "incident", crud=READ_ONLY),
    "status_pages": Spec("/status-pages", "status_pages", "status_page"),
    "channels": Spec("/channels", "channels", "channel", {**_post("test"), "types": ("GET", "types", False)}),
    "alert_rules": Spec(
        "/alert-rules", "alert_rules", "alert_rule", _post("pause", "resume", "extend", "test")
    ),
    "alerts": Spec("/alerts", "alerts", "alert", _post("acknowledge", "resolve"), crud=READ_ONLY),
    "webhooks": Spec(
        "/webhooks",
        "webhooks",
        "webhook",
        {**_post("test", "rotate_secret"), "deliveries": ("GET", "deliveries", True)},
    ),
    "maintenance_windows": Spec("/maintenance-windows", "maintenance_windows", "maintenance_window"),
    "tasks": Spec(
        "/tasks", "tasks", "task", {**_post("run", "rotate_secret"), "runs": ("GET", "runs", True)}
    ),
    "jobs": Spec(
        "/jobs",
        "jobs",
        "job",
        {**_post("cancel", "retry"), "status_audit": ("GET", "status-audit", True)},
        crud=frozenset({"list", "get", "create"}),
    ),
    "queues": Spec("/queues", "queues", "queue", {"jobs": ("GET", "jobs", True)}, crud=frozenset({"list"})),
    "runners": Spec(
        "/runners", "runners", "runner", crud=frozenset({"list", "get", "update", "replace", "delete"})
    ),
    "agents": Spec(
        "/agents",
        "agents",
        "agent",
        {
            **_post("pause", "resume", "restart", "scale", "rotate_token"),
            "controls": ("GET", "controls", True),
            "dashboard": ("GET", "dashboard", False),
        },
    ),
    "api_keys": Spec("/api-keys", "api_keys", "api_key", crud=frozenset({"list", "get", "create", "delete"})),
}
