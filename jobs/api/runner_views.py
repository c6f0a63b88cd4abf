"""Remote runners over the API.

People (JWT or API key) list, rename, relabel, disable and delete runners, and create enrollment tokens.
A runner process registers with an enrollment token and from then on uses its own token
(``Authorization: Bearer rnr_...``) for heartbeat, claim and result, each only for itself.

``claim`` long-polls: it answers at once when a job is waiting, otherwise it looks again every half second
until ``wait`` seconds (at most ``JOBS_CLAIM_WAIT_SECONDS``) have passed and answers 204. Django runs each
request's sync view on its own thread under ASGI, so a waiting runner holds one thread and an indexed query
every half second, nothing more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from jobs.api.serializers import (
    EnrollmentTokenSerializer,
    JobDetailSerializer,
    JobResultSerializer,
    ProbeResultsSerializer,
    RunnerHeartbeatSerializer,
    RunnerRegisterSerializer,
    RunnerSerializer,
)
from jobs.inputs import RunnerChanges
from jobs.models import EnrollmentToken, Job, Runner
from jobs.services import runners as runner_services
from jobs.services.execution import job_spec
from monitoring_site.accounts.authentication import bearer_token
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.viewsets import (
    CreateMixin,
    DestroyMixin,
    ListMixin,
    RetrieveMixin,
    TenantModelViewSet,
    TenantViewSet,
)
from monitors.services.probes import probe_checks_claim, probe_results_record

CLAIM_POLL_SECONDS = 0.5
T = TypeVar("T")


def long_poll(claim: Callable[[], T], wait: int) -> T:
    """``claim()`` at once, then every half second until it finds something or ``wait`` seconds (at most
    ``JOBS_CLAIM_WAIT_SECONDS``) have passed; its last answer."""
    deadline = time.monotonic() + min(wait, settings.JOBS_CLAIM_WAIT_SECONDS)
    while True:
        found = claim()
        if found or time.monotonic() + CLAIM_POLL_SECONDS > deadline:
            return found
        time.sleep(CLAIM_POLL_SECONDS)


@extend_schema_view(update=extend_schema(summary="Rename, relabel, enable or link a host monitor"))
class RunnerViewSet(TenantModelViewSet):
    queryset = Runner.objects.all()
    serializer_class = RunnerSerializer
    envelope_singular, envelope_plural = "runner", "runners"
    sort_fields = ["id", "name", "last_heartbeat_at", "registered_at"]
    default_sort = "id"
    http_method_names = ["get", "put", "patch", "delete", "head", "options"]

    def perform_update(self, serializer):
        return runner_services.runner_update(
            runner=serializer.instance, changes=RunnerChanges.of(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        runner_services.runner_delete(runner=instance, by=self.tenant.by)


@extend_schema_view(
    create=extend_schema(
        responses={
            201: inline_serializer(
                "EnrollmentTokenCreated",
                {
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "token": serializers.CharField(help_text="Shown once."),
                },
            )
        },
        summary="A token that registers runners (shown once)",
    ),
    destroy=extend_schema(summary="Revoke: registering with it stops working (runners keep theirs)"),
)
class EnrollmentTokenViewSet(ListMixin, RetrieveMixin, CreateMixin, DestroyMixin, TenantViewSet):
    queryset = EnrollmentToken.objects.all()
    serializer_class = EnrollmentTokenSerializer
    envelope_singular, envelope_plural = "enrollment_token", "enrollment_tokens"
    sort_fields = ["id", "created_at"]
    default_sort = "-id"
    write_role = "admin"

    def create(self, request, *args, **kwargs):
        body = EnrollmentTokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, raw = runner_services.enrollment_token_create(
            organization=self.tenant.organization, name=body.validated_data["name"], by=self.tenant.by
        )
        return Response(
            {"enrollment_token": {**EnrollmentTokenSerializer(token).data, "token": raw}}, status=201
        )

    def perform_destroy(self, instance):
        runner_services.enrollment_token_revoke(token=instance)


class RunnerRegisterView(StrictAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["runners"],
        auth=[],
        request=RunnerRegisterSerializer,
        responses={
            201: inline_serializer(
                "RunnerRegistered",
                {
                    "runner": RunnerSerializer(),
                    "token": serializers.CharField(help_text="Shown once."),
                },
            )
        },
        summary="Register a runner with an enrollment token; returns the runner's own token once",
    )
    def post(self, request):
        body = RunnerRegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        runner, raw = runner_services.runner_register(**body.validated_data)
        return Response({"runner": RunnerSerializer(runner).data, "token": raw}, status=201)


class RunnerTokenView(StrictAPIView):
    """Base of the runner's own endpoints: the bearer token must be this runner's."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="runner"'

    def runner(self, request, pk: int) -> Runner:
        runner = runner_services.runner_for_token(bearer_token(request) or "")
        if runner is None:
            raise AuthenticationFailed("Unknown, revoked or disabled runner token.")
        if runner.pk != pk:
            raise NotFound("No such runner for this token.")
        return runner


class RunnerHeartbeatView(RunnerTokenView):
    @extend_schema(
        tags=["runners"],
        auth=[],
        request=RunnerHeartbeatSerializer,
        responses={
            200: inline_serializer(
                "RunnerHeartbeatAnswer",
                {
                    "cancel": serializers.ListField(
                        child=serializers.IntegerField(), help_text="Jobs to stop."
                    ),
                },
            )
        },
        summary="The runner is alive (optional host stats); answers with jobs to cancel",
    )
    def post(self, request, pk: int):
        runner = self.runner(request, pk)
        body = RunnerHeartbeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(runner_services.runner_heartbeat(runner=runner, **body.validated_data))


class RunnerClaimView(RunnerTokenView):
    query_params = {"post": ("wait",)}

    @extend_schema(
        tags=["runners"],
        auth=[],
        request=None,
        parameters=[OpenApiParameter("wait", int, description="Seconds to wait for a job (default 30).")],
        responses={200: OpenApiTypes.OBJECT, 204: None},
        summary="Long-poll for the next job for this runner (200 with the job, 204 when none came)",
    )
    def post(self, request, pk: int):
        runner = self.runner(request, pk)
        raw = request.query_params.get("wait", str(settings.JOBS_CLAIM_WAIT_SECONDS))
        if not raw.isdigit():
            raise ValidationError({"wait": ["Whole seconds."]})
        runner_services.runner_heartbeat(runner=runner)
        job = long_poll(lambda: runner_services.job_claim(runner=runner), int(raw))
        return Response({"job": job_spec(job)}) if job is not None else Response(status=204)


class RunnerResultView(RunnerTokenView):
    @extend_schema(
        tags=["runners"],
        auth=[],
        request=JobResultSerializer,
        responses={200: keyed("RunnerJobReported", job=JobDetailSerializer())},
        summary="Report the outcome of a job this runner claimed",
    )
    def post(self, request, pk: int, job_id: int):
        runner = self.runner(request, pk)
        job = get_object_or_404(
            Job.objects.select_related("task", "organization"),
            pk=job_id,
            organization_id=runner.organization_id,
        )
        body = JobResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = dict(body.validated_data)
        result["log"] = result["log"][: job.task.max_output_bytes + 200]
        job = runner_services.job_report(runner=runner, job=job, result=result, now=timezone.now())
        return Response({"job": JobDetailSerializer(job).data})


class RunnerLogView(RunnerTokenView):
    @extend_schema(
        tags=["runners"],
        auth=[],
        request=inline_serializer("JobLogProgress", {"log": serializers.CharField(allow_blank=True)}),
        responses={204: None},
        summary="The output so far of a job this runner is running (shown live on the job's page)",
    )
    def post(self, request, pk: int, job_id: int):
        runner = self.runner(request, pk)
        job = get_object_or_404(
            Job.objects.select_related("task"), pk=job_id, organization_id=runner.organization_id
        )
        text = request.data.get("log") if isinstance(request.data, dict) else None
        if not isinstance(text, str):
            raise ValidationError({"log": ["The output so far, as text."]})
        runner_services.job_progress_report(runner=runner, job=job, log=text[: job.task.max_output_bytes])
        return Response(status=204)


class ProbeClaimView(RunnerTokenView):
    """A probe's long-poll for due checks of its locations (``monitors.services.probes``)."""

    query_params = {"post": ("wait", "limit")}

    @extend_schema(
        tags=["runners"],
        auth=[],
        request=None,
        parameters=[
            OpenApiParameter("wait", int, description="Seconds to wait for due checks (default 10)."),
            OpenApiParameter("limit", int, description="At most this many checks (default 500)."),
        ],
        responses={
            200: inline_serializer(
                "ProbeChecks",
                {
                    "checks": serializers.ListField(
                        child=serializers.DictField(),
                        help_text="{id (lease), monitor_id, location, due, check: {type, target, ...}}",
                    )
                },
            ),
            204: None,
        },
        summary="Lease the due checks of this probe's locations (200 with checks, 204 when none came)",
    )
    def post(self, request, pk: int):
        runner = self.runner(request, pk)
        wait, limit = request.query_params.get("wait", "10"), request.query_params.get("limit", "")
        errors = {}
        if not wait.isdigit():
            errors["wait"] = ["Whole seconds."]
        if limit and not (limit.isdigit() and 1 <= int(limit) <= settings.PROBES_CLAIM_BATCH):
            errors["limit"] = [f"A whole number from 1 to {settings.PROBES_CLAIM_BATCH}."]
        if not runner.locations:
            errors["locations"] = ["This runner declares no locations: it is not a probe (docs/probes.md)."]
        if errors:
            raise ValidationError(errors)
        runner_services.runner_heartbeat(runner=runner)
        checks = long_poll(
            lambda: probe_checks_claim(runner=runner, limit=int(limit) if limit else None), int(wait)
        )
        return Response({"checks": checks}) if checks else Response(status=204)


class ProbeResultsView(RunnerTokenView):
    @extend_schema(
        tags=["runners"],
        auth=[],
        request=ProbeResultsSerializer,
        responses={
            200: keyed(
                "ProbeResultsRecorded",
                accepted=serializers.IntegerField(),
                rejected=serializers.IntegerField(
                    help_text="Results of checks this probe does not hold the lease of (lapsed, repeated)."
                ),
            )
        },
        summary="Post the results of leased checks, in a batch",
    )
    def post(self, request, pk: int):
        runner = self.runner(request, pk)
        body = ProbeResultsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(probe_results_record(runner=runner, results=body.validated_data["results"]))
