"""Request bodies over a size limit answer 413 with the error envelope, before any view reads them.

API endpoints take ``API_MAX_BODY_BYTES`` (2.5 MB, Django's own default); the ingest endpoints, whose
documented batches are larger (5,000 events or log lines, a job's whole output), take
``INGEST_MAX_BODY_BYTES``. Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is set to the larger of the two so it
never answers first with an error page of its own.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse

from monitoring_site.api import envelope

INGEST_PATHS = re.compile(
    r"^/(?:api/(?:v1/)?(?:logs|metrics|agents/\d+/(?:events|logs|heartbeat)|monitors/\d+/stats"
    r"|runners/\d+/jobs/\d+/(?:result|log))|v1/(?:traces|logs|metrics))$"
)


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = (
            settings.INGEST_MAX_BODY_BYTES
            if INGEST_PATHS.match(request.path)
            else settings.API_MAX_BODY_BYTES
        )
        if length > limit:
            body = envelope.error(
                "payload_too_large",
                f"The request body is {length} bytes; this endpoint takes at most {limit}.",
            )
            return JsonResponse(body, status=413)
        return self.get_response(request)
