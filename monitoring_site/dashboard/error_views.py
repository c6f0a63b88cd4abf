"""Error pages: a program (a JSON body or ``Accept: application/json``) gets the API's error envelope, a
browser the page. A client of a reference API posting to a path this platform does not serve gets a JSON
404, never an HTML page (nor Django's CSRF failure page, which only a form in a browser can cause)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure

from monitoring_site.api.errors import api_server_error, json_error_response


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/") or request.content_type == "application/json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return json_error_response(404, f"Nothing at {request.path}.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return api_server_error(request)
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return json_error_response(403, "This path takes no JSON request here (a browser form only).")
    return django_csrf_failure(request, reason=reason)
