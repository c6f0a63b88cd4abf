"""Models of the agents domain: agents, their controls, model prices and request telemetry."""

from agents.models.agents import Agent, AgentStatusChange, ModelPrice
from agents.models.controls import AgentControl
from agents.models.logs import AgentLog, LogLevel
from agents.models.telemetry import AgentFleetRollup, AgentRequestEvent, AgentRollup
from agents.models.traces import ServiceRollup, TraceSpan

__all__ = [
    "Agent",
    "AgentControl",
    "AgentFleetRollup",
    "AgentLog",
    "AgentRequestEvent",
    "AgentRollup",
    "AgentStatusChange",
    "LogLevel",
    "ModelPrice",
    "ServiceRollup",
    "TraceSpan",
]
