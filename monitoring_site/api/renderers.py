"""Renderers: the JSON envelope for every API response, and CSV for lists and exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer

from monitoring_site.api import envelope


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps the view's data in ``{"status": "success", "data": ..., "meta": ...}``.

    Error responses come already wrapped from the exception handler, which marks them ``is_envelope``.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            if response.status_code == 204:
                return b""
            if not getattr(response, "is_envelope", False):
                data = envelope.success(data)
        return super().render(data, accepted_media_type, renderer_context)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{column}."))
        elif isinstance(value, list | tuple):
            flat[column] = json.dumps(value, default=str)
        else:
            flat[column] = value
    return flat


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Spreadsheet programs run a cell that starts like a formula; quote it (CSV injection).
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    flat_rows = [_flatten(row) for row in rows]
    columns: dict[str, None] = {}
    for row in flat_rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in flat_rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


class CSVRenderer(BaseRenderer):
    """``?format=csv``: a list of objects becomes one row each, nested fields as ``parent.child`` columns."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):
            data = [data]
        return rows_to_csv(list(data or [])).encode(self.charset)
