"""ASGI entry point: the ping path (``monitors.ping.app``) in front of Django for HTTP, the events consumer
for the WebSocket at ``/api/v1/ws`` (any other WebSocket path is closed with 4404)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring_site.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the apps loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from monitoring_site.realtime.consumers import EventsConsumer, NotFoundConsumer  # noqa: E402
from monitors.ping.app import PingApp  # noqa: E402

websocket_urlpatterns = [
    path("api/v1/ws", EventsConsumer.as_asgi()),
    path("api/ws", EventsConsumer.as_asgi()),  # the uptime API document's (001) path
    re_path(r"", NotFoundConsumer.as_asgi()),  # every other path: closed with 4404, never a 500
]

application = ProtocolTypeRouter(
    {
        "http": PingApp(django_asgi_app),
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
