"""Agents: registration with an ingest token, changes, and model prices."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from agents.inputs import AgentChanges, NewAgent
from agents.models import Agent, ModelPrice
from monitoring_site.accounts.models import Organization
from monitoring_site.errors import RuleViolation
from monitoring_site.results import Created
from monitoring_site.secret_tokens import token_digest, token_new

TOKEN_PREFIX = "agt_"  # noqa: S105 - a prefix, not a secret


def agent_for_token(*, agent_id: int, raw: str) -> Agent | None:
    """The agent this ingest token belongs to, if it is the agent named in the URL."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    return (
        Agent.objects.select_related("organization")
        .filter(pk=agent_id, ingest_token_hash=token_digest(raw))
        .first()
    )


def agent_by_token(raw: str) -> Agent | None:
    """The agent of an ingest token, whichever it is (the OTLP receivers name no agent in the URL)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    return Agent.objects.select_related("organization").filter(ingest_token_hash=token_digest(raw)).first()


EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


def _clean(organization: Organization, data: dict[str, Any], current: Agent | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "name" in data:
        clash = Agent.objects.filter(organization=organization, name=data["name"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            errors["name"] = ["An agent with this name exists in this organization."]
    external_id = data.get("external_id") or ""
    if external_id and (not EXTERNAL_ID.match(external_id) or external_id.isdigit()):
        errors["external_id"] = [
            "Letters, digits and _ . : - (starting with a letter or digit), and not only digits: an id of "
            "digits alone names the agent by its number."
        ]
    elif external_id:
        taken = Agent.objects.filter(organization=organization, external_id=data["external_id"])
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors["external_id"] = ["An agent with this external id exists in this organization."]
    if "configuration" in data and not isinstance(data["configuration"], dict):
        errors["configuration"] = [
            "An object (model_primary, model_fallback, max_concurrent, timeout_ms...)."
        ]
    if errors:
        raise RuleViolation("The agent is invalid.", details=errors)
    return data


@transaction.atomic
def agent_create(*, organization: Organization, new: NewAgent) -> Created[Agent]:
    """Register an agent; returns it with its ingest token, which is never shown again."""
    data = _clean(organization, new.given(), None)
    raw, hashed, prefix = token_new(TOKEN_PREFIX)
    agent = Agent.objects.create(
        organization=organization, ingest_token_hash=hashed, ingest_token_prefix=prefix, **data
    )
    return Created(agent, raw)


@transaction.atomic
def agent_update(*, agent: Agent, changes: AgentChanges) -> Agent:
    """Change the fields ``changes`` gives, checked as on registration (names and external ids stay
    unique)."""
    data = _clean(agent.organization, changes.given(), agent)
    for name, value in data.items():
        setattr(agent, name, value)
    agent.save()
    return agent


def agent_rotate_token(*, agent: Agent) -> Created[Agent]:
    """A new ingest token; the old one stops working at once."""
    raw, hashed, prefix = token_new(TOKEN_PREFIX)
    Agent.objects.filter(pk=agent.pk).update(ingest_token_hash=hashed, ingest_token_prefix=prefix)
    agent.ingest_token_hash, agent.ingest_token_prefix = hashed, prefix
    return Created(agent, raw)


# --- model prices --------------------------------------------------------------------------------------


def _price(value: Any) -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError("a number of US dollars") from None
    if not price.is_finite() or price < 0 or price > Decimal("1000000"):
        raise ValueError("between 0 and 1,000,000")
    return price


@transaction.atomic
def model_prices_put(*, organization: Organization, prices: Any) -> list[ModelPrice]:
    """Set the prices of the models listed (others are kept). All or nothing: a bad item is reported by
    its index and nothing changes."""
    if not isinstance(prices, list):
        raise RuleViolation("The prices are invalid.", details={"prices": ["A list of {model, ...}."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, tuple[Decimal, Decimal]] = {}
    for index, item in enumerate(prices):
        where = f"prices.{index}"
        if not isinstance(item, dict) or not isinstance(item.get("model"), str) or not item["model"].strip():
            errors[where] = ["An object with a model name."]
            continue
        try:
            clean[item["model"].strip()[:200]] = (
                _price(item.get("input_per_million_usd")),
                _price(item.get("output_per_million_usd")),
            )
        except ValueError as exc:
            errors[where] = [f"input_per_million_usd and output_per_million_usd: {exc}."]
    if errors:
        raise RuleViolation("The prices are invalid.", details=errors)
    for model, (per_input, per_output) in clean.items():
        ModelPrice.objects.update_or_create(
            organization=organization,
            model=model,
            defaults={"input_per_million_usd": per_input, "output_per_million_usd": per_output},
        )
    return list(ModelPrice.objects.filter(organization=organization))
