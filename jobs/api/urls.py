from django.urls import path

from jobs.api.runner_views import (
    EnrollmentTokenViewSet,
    ProbeClaimView,
    ProbeResultsView,
    RunnerClaimView,
    RunnerHeartbeatView,
    RunnerLogView,
    RunnerRegisterView,
    RunnerResultView,
    RunnerViewSet,
)
from jobs.api.views import JobViewSet, QueueViewSet, SecretTriggerView, TaskViewSet
from monitoring_site.api.routers import ApiRouter

router = ApiRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("jobs", JobViewSet, basename="job")
router.register("queues", QueueViewSet, basename="queue")
router.register("runners/enrollment-tokens", EnrollmentTokenViewSet, basename="enrollment-token")
router.register("runners", RunnerViewSet, basename="runner")

urlpatterns = [
    path("jobs/secret/<str:secret_key>", SecretTriggerView.as_view(), name="job-secret-trigger"),
    path("runners/register", RunnerRegisterView.as_view(), name="runner-register"),
    path("runners/<int:pk>/heartbeat", RunnerHeartbeatView.as_view(), name="runner-heartbeat"),
    path("runners/<int:pk>/claim", RunnerClaimView.as_view(), name="runner-claim"),
    path("runners/<int:pk>/checks/claim", ProbeClaimView.as_view(), name="probe-claim"),
    path("runners/<int:pk>/checks/results", ProbeResultsView.as_view(), name="probe-results"),
    path("runners/<int:pk>/jobs/<int:job_id>/result", RunnerResultView.as_view(), name="runner-job-result"),
    path("runners/<int:pk>/jobs/<int:job_id>/log", RunnerLogView.as_view(), name="runner-job-log"),
    *router.urls,
]
