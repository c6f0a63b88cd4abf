from django.urls import path

from alerts.api.views import ChannelTypesView, ChannelViewSet, WebhookViewSet
from monitoring_site.api.routers import ApiRouter

router = ApiRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = [
    path("channels/types", ChannelTypesView.as_view(), name="channel-types"),
    *router.urls,
]
