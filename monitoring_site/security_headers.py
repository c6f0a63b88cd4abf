"""A Content-Security-Policy on every response: the platform's own scripts and styles only, no inline script
or style attribute, no plugins, no framing. The dashboard, the public status page, the Swagger UI (its
start-up script served as a file by drf-spectacular's split view; inline styles allowed on that page only)
and the Django admin all run under it; the browser tests
fail on any violation. Django 5.2 has no CSP of its own (6.0 adds one), and one header does not need a
package."""

from __future__ import annotations

from django.conf import settings

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",  # the same origin's ws:// and wss:// included (CSP level 3)
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# The API documentation viewers (Swagger UI, ReDoc) style themselves at run time with inline styles and
# ReDoc searches in a blob: worker; scripts stay the platform's own files there too.
DOCS_PATHS = ("/api/docs", "/api/redoc")
DOCS_POLICY = (
    POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            docs = request.path.startswith(DOCS_PATHS) and policy == POLICY
            response["Content-Security-Policy"] = DOCS_POLICY if docs else policy
        return response
