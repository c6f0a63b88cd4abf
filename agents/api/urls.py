from django.urls import path

from agents.api.log_views import AgentLogsView, LogsView
from agents.api.trace_views import AgentTracesView, TraceView
from agents.api.views import (
    AgentCommandAckView,
    AgentEventsView,
    AgentHeartbeatView,
    AgentViewSet,
    ModelPriceView,
)
from monitoring_site.api.routers import ApiRouter

router = ApiRouter()
router.register("agents", AgentViewSet, basename="agent")

urlpatterns = [
    path("agents/<int:pk>/heartbeat", AgentHeartbeatView.as_view(), name="agent-heartbeat"),
    path("agents/<int:pk>/events", AgentEventsView.as_view(), name="agent-events"),
    path(
        "agents/<int:pk>/commands/<str:command_id>/ack",
        AgentCommandAckView.as_view(),
        name="agent-command-ack",
    ),
    path("agents/<int:pk>/logs", AgentLogsView.as_view(), name="agent-logs"),
    path("agents/<int:pk>/traces", AgentTracesView.as_view(), name="agent-traces"),
    path("traces/<str:trace_id>", TraceView.as_view(), name="trace"),
    path("logs", LogsView.as_view(), name="logs"),
    path("model-prices", ModelPriceView.as_view(), name="model-prices"),
    *router.urls,
]
