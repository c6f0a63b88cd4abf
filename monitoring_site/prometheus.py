"""``GET /metrics`` in the Prometheus text format, from the collectors each domain registers.

Scraped with an API key (``Authorization: Bearer msk_...``, read scope is enough): the key's organization.
With ``PROMETHEUS_PUBLIC=true`` no key is needed and every organization is exported, labelled by slug.
Each domain registers a collector factory from its ``ready()`` (monitors: monitors, locations,
heartbeats and incidents; alerts: open alerts); a factory takes ``{organization id: slug}`` and reads
state columns and grouped counts, so a scrape costs the same whatever the history.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.registry import Collector
from rest_framework.exceptions import AuthenticationFailed

from monitoring_site.accounts.authentication import bearer_token, principal_for_api_key
from monitoring_site.accounts.models import ApiKey, Organization

TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
CollectorFactory = Callable[[dict[int, str]], Collector]
_factories: dict[str, CollectorFactory] = {}


def register_collector(name: str, factory: CollectorFactory) -> None:
    """Called from a domain app's ``ready()``; registering a name twice replaces the first factory."""
    _factories[name] = factory


def unregister_collector(name: str) -> None:
    _factories.pop(name, None)


def _unauthorized(message: str) -> HttpResponse:
    response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    if settings.PROMETHEUS_PUBLIC:
        organizations = list(Organization.objects.all())
    else:
        raw = bearer_token(request)
        if raw is None or not raw.startswith(ApiKey.PREFIX):
            return _unauthorized("An API key is required: Authorization: Bearer msk_...\n")
        try:
            _, api_key = principal_for_api_key(raw)
        except AuthenticationFailed as exc:
            return _unauthorized(f"{exc.detail}\n")
        organizations = [api_key.organization]
    slugs = {o.pk: o.slug for o in organizations}
    registry = CollectorRegistry(auto_describe=False)
    for name in sorted(_factories):
        registry.register(_factories[name](slugs))
    # The classic text format, which every Prometheus version and compatible scraper reads.
    return HttpResponse(generate_latest(registry), content_type=TEXT_FORMAT)
