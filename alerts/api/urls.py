from django.urls import path

from alerts.api.rule_views import (
    AlertRulesReplaceView,
    AlertRuleViewSet,
    AlertViewSet,
    MaintenanceWindowViewSet,
)
from alerts.api.views import ChannelTypesView, ChannelViewSet, WebhookViewSet
from monitoring_site.api.routers import ApiRouter

router = ApiRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")
router.register("alerts", AlertViewSet, basename="alert")
router.register("maintenance-windows", MaintenanceWindowViewSet, basename="maintenance-window")

urlpatterns = [
    path("channels/types", ChannelTypesView.as_view(), name="channel-types"),
    path("alerts/rules", AlertRulesReplaceView.as_view(), name="alert-rules-replace"),
    *router.urls,
]
