"""Models of the agents domain: agents, model prices and request telemetry."""

from agents.models.agents import Agent, ModelPrice
from agents.models.telemetry import AgentRequestEvent

__all__ = ["Agent", "AgentRequestEvent", "ModelPrice"]
