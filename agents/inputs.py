"""What the agent services take (see ``monitoring_site.inputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitoring_site.inputs import UNSET, Fields, Unset


@dataclass(frozen=True, kw_only=True)
class AgentChanges(Fields):
    """A change of an agent: only the fields given are changed (names and external ids stay unique)."""

    name: str | Unset = UNSET
    external_id: str | Unset = UNSET
    type: str | Unset = UNSET
    version: str | Unset = UNSET
    location: str | Unset = UNSET
    configuration: dict[str, Any] | Unset = UNSET
    desired_replicas: int | Unset = UNSET
    offline_after_seconds: int | Unset = UNSET
    latency_threshold_ms: float | Unset | None = UNSET
    error_rate_threshold_percent: float | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class NewAgent(AgentChanges):
    """A new agent: a name, unique in its organization."""

    name: str = field()
