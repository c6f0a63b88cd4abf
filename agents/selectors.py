"""Reads of the agents domain: log search."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from agents.models import AgentLog

WORD = re.compile(r"\w+", re.UNICODE)


class BadCursor(ValueError):
    pass


def cursor_encode(log: AgentLog) -> str:
    return base64.urlsafe_b64encode(f"{log.timestamp.isoformat()}|{log.pk}".encode()).decode()


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().rsplit("|", 1)
        parsed = parse_datetime(stamp)
        if parsed is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("Not a cursor from a previous page.") from None


def _search(queryset: QuerySet[AgentLog], text: str) -> QuerySet[AgentLog]:
    """Lines holding every word of ``text``, through the database's full-text index."""
    words = WORD.findall(text.lower())
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=["search_vector @@ plainto_tsquery('simple', %s)"], params=[" ".join(words)]
        )
    match = " ".join(f'"{w}"' for w in words)  # each word quoted: FTS5 syntax in the text cannot break out
    return queryset.extra(
        where=[
            "agents_agentlog.id IN (SELECT rowid FROM agents_agentlog_fts WHERE agents_agentlog_fts MATCH %s)"
        ],
        params=[match],
    )


def logs_query(
    *, organization_id: int, filters: dict[str, Any], limit: int, cursor: str | None = None
) -> tuple[list[AgentLog], str | None]:
    """The newest lines first, filtered by tenant and time before the text; returns the page and the
    cursor of the next one (None on the last page)."""
    logs = AgentLog.objects.filter(organization_id=organization_id)
    if filters.get("agent_id"):
        logs = logs.filter(agent_id=filters["agent_id"])
    if filters.get("level"):
        logs = logs.filter(level=filters["level"])
    if filters.get("start_time"):
        logs = logs.filter(timestamp__gte=filters["start_time"])
    if filters.get("end_time"):
        logs = logs.filter(timestamp__lt=filters["end_time"])
    if cursor:
        stamp, pk = cursor_decode(cursor)
        logs = logs.filter(Q(timestamp__lt=stamp) | Q(timestamp=stamp, pk__lt=pk))
    if filters.get("search"):
        logs = _search(logs, filters["search"])
    page = list(logs.order_by("-timestamp", "-id")[: limit + 1])
    following = cursor_encode(page[limit - 1]) if len(page) > limit else None
    return page[:limit], following
