"""Every dashboard list a page at a time (``templates/_pager.html`` draws the links): a list never stops
silently at its first rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 100


def page_of(request: HttpRequest, rows: QuerySet | Sequence[Any], per_page: int = PER_PAGE) -> Page:
    """The page ``?page=`` names (the last one past the end, the first one for anything else)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
