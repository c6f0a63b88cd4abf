"""The agent filters, one set for ``GET /agents`` and the fleet page."""

from __future__ import annotations

import django_filters

from agents.choices import AgentStatus
from agents.models import Agent


class AgentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AgentStatus.choices)
    type = django_filters.CharFilter()
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Agent
        fields = ["status", "type"]
