"""TheEye's monitor and job API (reference 004): ``GET /{customer}/monitor``, ``POST /job``,
``POST /job/secret/{secret_key}`` and ``GET /{customer}/job/{id}``.

``customer`` is the organization's slug. ``access_token`` is an API key or a JWT access token, as a query
parameter or as ``Authorization: Bearer``. Jobs are started by the native ``job_create`` and shown as
TheEye's job object; monitors are the native monitors, with host-stats monitors as TheEye's ``dstat``
monitors carrying the last pushed stats.

The document's curl examples pass the payload with ``-b``, which curl reads as a cookie *file name*: no
body is sent. Run by secret key that still works (the key names the task, the arguments default to none);
``POST /job`` needs the payload, sent with ``-d`` (docs/compatibility.md).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path, re_path
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from jobs.api.serializers import JobCreateSerializer
from jobs.choices import JobStatus, TaskKind, TriggeredBy
from jobs.job_selectors import job_of, jobs_of, task_of
from jobs.models import Job
from jobs.services import jobs as job_services
from jobs.services import tasks as task_services
from jobs.services.jobs import job_trigger_of
from monitoring_site.accounts.authentication import (
    ApiKeyAuthentication,
    JWTAuthentication,
    principal_for_api_key,
)
from monitoring_site.accounts.models import ApiKey, Organization
from monitoring_site.accounts.selectors import organization_by_slug
from monitoring_site.api.errors import api_not_found
from monitoring_site.api.tenancy import tenant_in_organization
from monitoring_site.compat.base import CompatView, body_of, iso
from monitors.choices import MonitorStatus, MonitorType
from monitors.models import HostStat, Monitor
from monitors.selectors import monitors_with_latest_stat

MONITOR_TYPES = {
    MonitorType.WEBSITE: "scraper",
    MonitorType.KEYWORD: "scraper",
    MonitorType.JSON: "scraper",
    MonitorType.HOST: "dstat",
}
JOB_TYPES = {TaskKind.SCRIPT: "ScriptJob", TaskKind.HTTP: "ScraperJob", TaskKind.NOOP: "DummyJob"}
LIFECYCLE = {
    JobStatus.QUEUED: "ready",
    JobStatus.IN_PROGRESS: "assigned",
    JobStatus.COMPLETED: "finished",
    JobStatus.FAILED: "finished",
    JobStatus.CANCELLED: "canceled",
}
STATE = {JobStatus.COMPLETED: "success", JobStatus.FAILED: "failure", JobStatus.CANCELLED: "canceled"}
ORIGIN = {
    TriggeredBy.USER: "user",
    TriggeredBy.API_KEY: "user",
    TriggeredBy.SECRET_KEY: "secret",
    TriggeredBy.SCHEDULE: "scheduler",
    TriggeredBy.REMEDIATION: "trigger",
    TriggeredBy.RETRY: "user",
}


class AccessTokenAuthentication(BaseAuthentication):
    """``?access_token=``: an API key (``msk_...``) or a JWT access token."""

    def authenticate(self, request):
        raw = request.query_params.get("access_token")
        if not raw:
            return None
        if raw.startswith(ApiKey.PREFIX):
            return principal_for_api_key(raw)
        jwt = JWTAuthentication()
        token = jwt.get_validated_token(raw.encode())
        return jwt.get_user(token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def monitor_state(monitor: Monitor) -> str:
    if monitor.status == MonitorStatus.UP:
        return "normal"
    if monitor.status == MonitorStatus.DOWN:
        stale = monitor.type == MonitorType.HOST and monitor.last_error.startswith("No stats received")
        return "updates_stopped" if stale else "failure"
    return "unknown"


def _event_data(monitor: Monitor, stat: HostStat | None) -> dict[str, Any]:
    if monitor.type == MonitorType.HOST:
        if stat is None:
            return {}
        return {"cpu": stat.cpu, "mem": stat.mem, "cache": stat.cache, "disk": stat.disk}
    return {"response_time_ms": monitor.last_response_time_ms, "error": monitor.last_error or None}


def monitor_object(monitor: Monitor, stat: HostStat | None, customer: Organization) -> dict[str, Any]:
    state = monitor_state(monitor)
    kind = MONITOR_TYPES.get(MonitorType(monitor.type), monitor.type)
    enabled = monitor.is_enabled and not monitor.is_paused
    when = stat.received_at if stat is not None else monitor.last_checked_at
    return {
        "id": str(monitor.pk),
        "name": monitor.name,
        "type": kind,
        "enable": enabled,
        "customer_id": str(customer.pk),
        "customer_name": customer.slug,
        "tags": monitor.tags,
        "creation_date": iso(monitor.created_at),
        "last_update": iso(monitor.updated_at),
        "resource": {
            "id": str(monitor.pk),
            "name": monitor.name,
            "type": kind,
            "state": state,
            "enable": enabled,
            "last_update": iso(when),
            "last_event": {"state": state, "date": iso(when), "data": _event_data(monitor, stat)},
        },
    }


def _times(duration: float | None) -> dict[str, int] | None:
    if duration is None:
        return None
    seconds = int(duration)
    return {"seconds": seconds, "nanoseconds": round((duration - seconds) * 1e9)}


def job_object(job: Job) -> dict[str, Any]:
    task, organization, user = job.task, job.organization, job.triggered_by_user
    host_id = str(job.runner_id) if job.runner_id else None
    finished = job.status in STATE
    arguments = job.arguments if isinstance(job.arguments, dict) else {}
    return {
        "id": str(job.pk),
        "_type": JOB_TYPES.get(TaskKind(task.kind), "ScriptJob"),
        "name": task.name,
        "task_id": str(task.pk),
        "task": {"id": str(task.pk), "task_arguments": task.arguments, "output_parameters": []},
        "task_arguments_values": list(arguments.values()),
        "lifecycle": LIFECYCLE[JobStatus(job.status)],
        "state": STATE.get(JobStatus(job.status), "in_progress"),
        "trigger_name": STATE.get(JobStatus(job.status)) if finished else None,
        "result": {
            "code": job.exit_code,
            "log": job.log,
            "lastline": job.lastline,
            "signal": job.signal or None,
            "killed": job.killed,
            "times": _times(job.duration),
        },
        "output": None,
        "creation_date": iso(job.created_at),
        "last_update": iso(job.completed_at or job.started_at or job.created_at),
        "host_id": host_id,
        "host": host_id,
        "customer_id": str(organization.pk),
        "customer_name": organization.slug,
        "user_id": str(user.pk) if user else None,
        "user": {"id": str(user.pk), "username": user.get_username(), "email": user.email} if user else None,
        "notify": True,
        "origin": ORIGIN.get(TriggeredBy(job.triggered_by), "user"),
        "script_id": str(task.pk) if task.kind == TaskKind.SCRIPT else None,
        "script_runas": "",
    }


class TheEyeView(CompatView):
    """The organization is the one ``customer`` names (path, query or body), which the caller must belong
    to (else 404); the role is checked there."""

    authentication_classes = [AccessTokenAuthentication, ApiKeyAuthentication, JWTAuthentication]
    extra_params = ("access_token", "customer")
    organization: Organization

    def check_permissions(self, request):
        if request.user is not None and request.user.is_authenticated:
            slug = (
                self.kwargs.get("customer")
                or request.query_params.get("customer")
                or body_of(request).get("customer")
            )
            if not slug:
                raise ValidationError({"customer": ["Required: the organization's slug."]})
            organization = organization_by_slug(str(slug))
            if organization is None:
                raise Http404
            request._tenant = tenant_in_organization(request, organization.pk)
            self.organization = organization
        super().check_permissions(request)


class MonitorListView(TheEyeView):
    def get(self, request, customer: str):
        return Response(
            [
                monitor_object(monitor, stat, self.organization)
                for monitor, stat in monitors_with_latest_stat(self.organization.pk)
            ]
        )


class JobCreateView(TheEyeView):
    def post(self, request):
        payload = body_of(request)
        payload.pop("customer", None)
        body = JobCreateSerializer(data=_task_ref(payload))
        body.is_valid(raise_exception=True)
        task = task_of(self.organization.pk, body.validated_data["task"])
        if task is None:
            raise ValidationError({"task": ["No such task in this organization."]})
        job = job_services.job_create(
            task=task, task_arguments=body.validated_data["task_arguments"], **job_trigger_of(self.tenant)
        )
        return Response(job_object(_fresh(job)))


def _task_ref(payload: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(payload) - {"task", "task_arguments"})
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    task = payload.get("task")
    if isinstance(task, str) and task.isdigit():
        payload = {**payload, "task": int(task)}
    return payload


def _fresh(job: Job) -> Job:
    return jobs_of(job.organization_id).get(pk=job.pk)


class SecretJobView(TheEyeView):
    """The task's secret key is the credential; ``customer`` must be the task's organization."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="task-secret"'

    def post(self, request, secret_key: str):
        task = task_services.task_for_secret(secret_key)
        if task is None:
            raise AuthenticationFailed("Unknown secret key.")
        customer = request.query_params.get("customer")
        payload = body_of(request)
        customer = customer or payload.pop("customer", None)
        if customer is not None and customer != task.organization.slug:
            raise AuthenticationFailed("Unknown secret key.")
        payload.pop("task", None)  # the key names the task
        body = JobCreateSerializer(data={**_task_ref(payload), "task": task.pk})
        body.is_valid(raise_exception=True)
        job = job_services.job_create_by_secret(
            task=task, task_arguments=body.validated_data["task_arguments"]
        )
        return Response(job_object(_fresh(job)))


class JobDetailView(TheEyeView):
    def get(self, request, customer: str, pk: str):
        job = job_of(self.organization.pk, pk)
        if job is None:
            raise Http404
        return Response(job_object(job))


urlpatterns = [
    path("job", JobCreateView.as_view()),
    path("job/secret/<str:secret_key>", SecretJobView.as_view()),
    path("<slug:customer>/monitor", MonitorListView.as_view()),
    path("<slug:customer>/job/<str:pk>", JobDetailView.as_view()),
    re_path(r"^job/", api_not_found),
]
