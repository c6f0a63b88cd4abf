"""What tokens cost at an organization's model prices."""

from __future__ import annotations

from decimal import Decimal

from agents.models import ModelPrice


def estimated_cost_usd(
    prices: dict[str, ModelPrice], model: str, input_tokens: int, output_tokens: int
) -> float:
    """What these tokens of ``model`` cost (0 for a model without a price)."""
    price = prices.get(model)
    if price is None:
        return 0.0
    cost = (
        Decimal(input_tokens) * price.input_per_million_usd
        + Decimal(output_tokens) * price.output_per_million_usd
    )
    return float(cost / Decimal(1_000_000))
