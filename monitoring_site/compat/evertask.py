"""EverTask's monitoring API (reference 002) at ``/evertask-monitoring/api/...``.

An EverTask *task* is one execution: here a job. ``taskType`` is the job's task type, ``handlerType`` the
name of its task definition, and the recurring fields (``recurringInfo``, ``maxRuns``, ``currentRunCount``,
``nextRunUtc``, ``runUntil``) come from that definition. Ids are this platform's job ids as strings (the
document shows GUIDs; clients pass them back unchanged). Times of execution are milliseconds, as the
document's ``1234.56``; statuses are PascalCase. The figures are the native selectors' (``jobs.selectors``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, re_path
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from jobs import selectors
from jobs.choices import JobStatus, ScheduleType
from jobs.filters import JobFilter
from jobs.job_selectors import job_of, jobs_of, schedule_runs
from jobs.models import Job, JobStatusAudit, Task
from monitoring_site.accounts.api.auth_views import PublicAuthView, password_login
from monitoring_site.api.errors import api_not_found
from monitoring_site.compat.base import CompatView, iso, pascal

BASE = "/evertask-monitoring/api"
STATUSES = {pascal(status.value): status.value for status in JobStatus}
SORT_FIELDS = {
    "createdatutc": "created_at",
    "lastexecutionutc": "started_at",
    "completedatutc": "completed_at",
    "scheduledatutc": "scheduled_for",
    "status": "status",
    "queuename": "queue",
    "tasktype": "task_type",
    "id": "id",
}
MESSAGES = {
    JobStatus.QUEUED: "Task queued",
    JobStatus.IN_PROGRESS: "Task started",
    JobStatus.COMPLETED: "Task completed successfully",
    JobStatus.FAILED: "Task failed",
    JobStatus.CANCELLED: "Task cancelled",
}


def _ms(seconds: float | None) -> float | None:
    return round(seconds * 1000.0, 2) if seconds is not None else None


def recurring_info(task: Task) -> str | None:
    if task.schedule_type == ScheduleType.INTERVAL:
        return f"Every {task.interval_seconds} seconds"
    if task.schedule_type == ScheduleType.CRON:
        return f"Cron: {task.cron} ({task.timezone})"
    return None


def _error_details(job: Job) -> str | None:
    if job.status != JobStatus.FAILED:
        return None
    if job.error:
        return job.error
    return f"Exit code {job.exit_code}: {job.lastline}".strip() if job.exit_code is not None else None


def task_row(job: Job) -> dict[str, Any]:
    task = job.task
    return {
        "id": str(job.pk),
        "taskType": job.task_type,
        "handlerType": task.name,
        "status": pascal(job.status),
        "queueName": job.queue,
        "createdAtUtc": iso(job.created_at),
        "lastExecutionUtc": iso(job.started_at),
        "isRecurring": job.is_recurring,
        "nextRunUtc": iso(task.next_run_at) if job.is_recurring else None,
    }


def task_detail(job: Job) -> dict[str, Any]:
    task = job.task
    recurring = job.is_recurring
    return {
        **task_row(job),
        "parameters": json.dumps(job.arguments) if job.arguments else None,
        "errorDetails": _error_details(job),
        "scheduledAtUtc": iso(job.scheduled_for),
        "completedAtUtc": iso(job.completed_at),
        "recurringInfo": recurring_info(task) if recurring else None,
        "maxRuns": task.max_runs if recurring else None,
        "currentRunCount": task.run_count if recurring else None,
        "runUntil": iso(task.run_until) if recurring else None,
    }


class TaskQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(STATUSES), required=False)
    queueName = serializers.CharField(required=False, max_length=100)
    taskType = serializers.CharField(required=False, max_length=100)
    isRecurring = serializers.BooleanField(required=False, allow_null=True, default=None)
    # a date or a date-time, parsed by the native filter
    createdFrom = serializers.CharField(required=False, max_length=40)
    createdTo = serializers.CharField(required=False, max_length=40)
    sortBy = serializers.CharField(required=False, default="CreatedAtUtc")
    sortDescending = serializers.BooleanField(required=False, default=True)
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=1_000_000)
    pageSize = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    def validate_sortBy(self, value: str) -> str:
        if value.lower() not in SORT_FIELDS:
            raise serializers.ValidationError(
                "One of CreatedAtUtc, LastExecutionUtc, CompletedAtUtc, ScheduledAtUtc, Status, QueueName, "
                "TaskType, Id."
            )
        return SORT_FIELDS[value.lower()]


class EverTaskView(CompatView):
    def jobs(self) -> QuerySet[Job]:
        return jobs_of(self.tenant.organization.pk)

    def job(self, pk: str) -> Job:
        job = job_of(self.tenant.organization.pk, pk)
        if job is None:
            raise Http404
        return job


class TasksView(EverTaskView):
    """``GET /tasks`` and ``GET /queues/{name}/tasks``: a page of tasks, filtered and sorted."""

    query_serializer = TaskQuery

    def get(self, request, name: str | None = None):
        query = self.query()
        native = {
            "status": STATUSES.get(query.get("status", "")),
            "queue_name": name if name is not None else query.get("queueName"),
            "task_type": query.get("taskType"),
            "is_recurring": query.get("isRecurring"),
            "created_from": query.get("createdFrom"),
            "created_to": query.get("createdTo"),
        }
        filtered = JobFilter({k: v for k, v in native.items() if v is not None}, queryset=self.jobs())
        if not filtered.is_valid():
            raise ValidationError(filtered.errors)
        order = query["sortBy"]
        jobs = filtered.qs.order_by(f"-{order}" if query["sortDescending"] else order, "-id")
        total, size, page = jobs.count(), query["pageSize"], query["page"]
        rows = jobs[(page - 1) * size : page * size]
        return Response(
            {
                "tasks": [task_row(job) for job in rows],
                "totalCount": total,
                "page": page,
                "pageSize": size,
                "totalPages": math.ceil(total / size),
            }
        )


class TaskDetailView(EverTaskView):
    def get(self, request, pk: str):
        return Response(task_detail(self.job(pk)))


def _audit_row(audit: JobStatusAudit, job: Job) -> dict[str, Any]:
    return {
        "id": audit.pk,
        "taskId": str(job.pk),
        "oldStatus": pascal(audit.old_status) if audit.old_status else None,
        "newStatus": pascal(audit.new_status),
        "changedAtUtc": iso(audit.at),
        "errorDetails": (audit.note or None) if audit.new_status == JobStatus.FAILED else None,
    }


class StatusAuditView(EverTaskView):
    def get(self, request, pk: str):
        job = self.job(pk)
        return Response([_audit_row(audit, job) for audit in job.status_audits.order_by("at", "id")])


class RunsAuditView(EverTaskView):
    """Every execution: for a recurring task, the runs of its schedule (the latest 100); otherwise the
    job's own run once it has started."""

    def get(self, request, pk: str):
        job = self.job(pk)
        runs = [job]
        if job.is_recurring:
            runs = schedule_runs(job)
        return Response(
            [
                {
                    "id": run.pk,
                    "taskId": str(job.pk),
                    "executionStartedUtc": iso(run.started_at),
                    "executionCompletedUtc": iso(run.completed_at),
                    "status": pascal(run.status),
                    "errorDetails": _error_details(run),
                }
                for run in runs
                if run.started_at is not None
            ]
        )


class RangeQuery(serializers.Serializer):
    range = serializers.ChoiceField(choices=list(selectors.RANGES), required=False, default="Today")


class OverviewView(EverTaskView):
    query_serializer = RangeQuery

    def get(self, request):
        data = selectors.overview(self.tenant.organization.pk, self.query()["range"])
        return Response(
            {
                "totalTasks": data["total"],
                "completedTasks": data["completed"],
                "failedTasks": data["failed"],
                "activeTasks": data["queued"] + data["in_progress"],
                "successRate": data["success_rate"],
                "averageExecutionTime": _ms(data["average_execution_seconds"]),
                "activeQueues": data["active_queues"],
                "recurringTasks": data["recurring_tasks"],
                "tasksOverTime": [
                    {"timestamp": iso(row["at"]), "completed": row["completed"], "failed": row["failed"]}
                    for row in data["tasks_over_time"]
                ],
                "queueSummaries": [
                    {
                        "queueName": queue["name"],
                        "totalTasks": queue["total"],
                        "activeTasks": queue["queued"] + queue["in_progress"],
                        "completedTasks": queue["completed"],
                        "failedTasks": queue["failed"],
                    }
                    for queue in data["queues"]
                ],
            }
        )


class LimitQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=100)


def _message(status: str, note: str) -> str:
    """The document's wording; why a job failed or was cancelled follows it."""
    text = MESSAGES[JobStatus(status)]
    return f"{text}: {note}" if note and status in (JobStatus.FAILED, JobStatus.CANCELLED) else text


class RecentActivityView(EverTaskView):
    query_serializer = LimitQuery

    def get(self, request):
        rows = selectors.recent_activity(self.tenant.organization.pk, self.query()["limit"])
        return Response(
            [
                {
                    "taskId": str(row["job_id"]),
                    "taskType": row["task_type"],
                    "status": pascal(row["new_status"]),
                    "timestamp": iso(row["at"]),
                    "message": _message(row["new_status"], row["note"]),
                }
                for row in rows
            ]
        )


class QueuesView(EverTaskView):
    def get(self, request):
        return Response(
            [
                {
                    "queueName": queue["name"],
                    "totalTasks": queue["total"],
                    "queuedTasks": queue["queued"],
                    "inProgressTasks": queue["in_progress"],
                    "completedTasks": queue["completed"],
                    "failedTasks": queue["failed"],
                    "cancelledTasks": queue["cancelled"],
                    "successRate": queue["success_rate"],
                }
                for queue in selectors.queues_summary(self.tenant.organization.pk)
            ]
        )


class PeriodQuery(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=list(selectors.TREND_PERIODS), required=False, default="Last7Days"
    )


class SuccessRateTrendView(EverTaskView):
    query_serializer = PeriodQuery

    def get(self, request):
        period = self.query()["period"]
        days = selectors.success_rate_trend(self.tenant.organization.pk, selectors.TREND_PERIODS[period])
        return Response(
            {
                "period": period,
                "dataPoints": [
                    {
                        "timestamp": f"{day['date']}T00:00:00Z",
                        "successRate": day["success_rate"],
                        "totalTasks": day["completed"] + day["failed"],
                        "successfulTasks": day["completed"],
                        "failedTasks": day["failed"],
                    }
                    for day in days
                ],
            }
        )


class TaskTypesView(EverTaskView):
    query_serializer = RangeQuery

    def get(self, request):
        rows = selectors.task_types(self.tenant.organization.pk, self.query()["range"])
        return Response({row["task_type"]: row["total"] for row in rows})


class ExecutionTimesView(EverTaskView):
    query_serializer = RangeQuery

    def get(self, request):
        rows = selectors.execution_times(self.tenant.organization.pk, self.query()["range"])
        return Response(
            [
                {
                    "taskType": row["task_type"],
                    "averageExecutionTime": _ms(row["average_seconds"]),
                    "minExecutionTime": _ms(row["min_seconds"]),
                    "maxExecutionTime": _ms(row["max_seconds"]),
                    "taskCount": row["count"],
                }
                for row in rows
            ]
        )


class ConfigView(CompatView):
    """No authentication: the dashboard reads it before logging in. The UI is this platform's jobs pages;
    the hub is its WebSocket (not a SignalR hub: see docs/compatibility.md)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(
            {
                "apiBasePath": BASE,
                "uiBasePath": "/jobs/",
                "signalRHubPath": "/api/v1/ws",
                "requireAuthentication": True,
                "uiEnabled": True,
            }
        )


class LoginView(CompatView, PublicAuthView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        answer = password_login(request)
        return Response(
            {"token": answer["token"], "expiresAt": answer["expires_at"], "username": answer["username"]}
        )


urlpatterns = [
    path("auth/login", LoginView.as_view()),
    path("config", ConfigView.as_view()),
    path("tasks", TasksView.as_view()),
    path("tasks/<str:pk>", TaskDetailView.as_view()),
    path("tasks/<str:pk>/status-audit", StatusAuditView.as_view()),
    path("tasks/<str:pk>/runs-audit", RunsAuditView.as_view()),
    path("dashboard/overview", OverviewView.as_view()),
    path("dashboard/recent-activity", RecentActivityView.as_view()),
    path("queues", QueuesView.as_view()),
    path("queues/<str:name>/tasks", TasksView.as_view()),
    path("statistics/success-rate-trend", SuccessRateTrendView.as_view()),
    path("statistics/task-types", TaskTypesView.as_view()),
    path("statistics/execution-times", ExecutionTimesView.as_view()),
    re_path(r"", api_not_found),
]
