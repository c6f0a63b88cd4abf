"""``?format=`` naming a format the endpoint does not render is a 400 naming the parameter (DRF answers 404,
as if the resource were missing)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class FormatContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            names = ", ".join(sorted({r.format for r in renderers if r.format}))
            raise ValidationError({"format": [f"One of {names}."]})
        return found
