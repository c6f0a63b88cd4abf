"""Dashboard pages of jobs: the overview with its charts, the job list and detail (live status and log),
the task list and editor with "run now", queues, and runners with enrollment tokens."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jobs import selectors
from jobs.choices import TriggeredBy
from jobs.filters import JobFilter, TaskFilter
from jobs.forms import RunForm, TaskForm
from jobs.inputs import NewTask, TaskChanges
from jobs.models import EnrollmentToken, Job, JobStatusAudit, Runner, Task
from jobs.services import jobs as job_services
from jobs.services import runners as runner_services
from jobs.services import tasks as task_services
from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.dashboard.paging import page_of
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.errors import DomainError

PAGE = 200
CHART_HEIGHT = 120


def _bars(rows: list[dict], key: str = "total") -> list[dict]:
    """Bar heights (pixels) for a small server-side chart, scaled to the tallest bar."""
    tallest = max((row[key] or 0 for row in rows), default=0) or 1
    return [{**row, "height": round(CHART_HEIGHT * (row[key] or 0) / tallest)} for row in rows]


@tenant_page
def jobs_overview(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    name = request.GET.get("range", "Today")
    name = name if name in selectors.RANGES else "Today"
    org_id = tenant.organization.pk
    overview = selectors.overview(org_id, name)
    trend = selectors.success_rate_trend(org_id, 30)
    for day in trend:
        day["height"] = round(CHART_HEIGHT * (day["success_rate"] or 0) / 100)
    return render(
        request,
        "jobs/overview.html",
        {
            "section": "jobs",
            "overview": overview,
            "ranges": selectors.RANGES,
            "range": name,
            "over_time": _bars(overview["tasks_over_time"]),
            "trend": trend,
            "task_types": selectors.task_types(org_id, name),
            "execution_times": selectors.execution_times(org_id, name),
            "activity": selectors.recent_activity(org_id, 15),
        },
    )


@tenant_page
def job_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    base = Job.objects.filter(organization=tenant.organization).select_related("task", "runner")
    filtered = JobFilter(request.GET, queryset=base)
    page = page_of(request, filtered.qs.order_by("-created_at", "-id") if filtered.is_valid() else [], PAGE)
    return render(
        request,
        "jobs/job_list.html",
        {"section": "jobs", "jobs": page.object_list, "page": page, "filter": filtered},
    )


@tenant_page
def job_detail(request: HttpRequest, job_id: int, *, tenant: Tenant) -> HttpResponse:
    jobs = Job.objects.filter(organization=tenant.organization)
    # the audit first, then the job: the status shown is never older than the audit's last line
    audit = list(
        JobStatusAudit.objects.filter(organization=tenant.organization, job_id=job_id).order_by("at", "id")
    )
    job = get_object_or_404(jobs.select_related("task", "runner"), pk=job_id)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "section": "jobs",
            "job": job,
            "arguments": json.dumps(job.arguments, ensure_ascii=False),
            "audit": audit,
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@tenant_page
def job_log(request: HttpRequest, job_id: int, *, tenant: Tenant) -> JsonResponse:
    """A running job's status and output so far: the job page polls it while the job runs."""
    job = get_object_or_404(Job.objects.filter(organization=tenant.organization), pk=job_id)
    return JsonResponse({"status": job.status, "log": job.log, "lastline": job.lastline})


@require_POST
@tenant_page(min_role=Role.MEMBER)
def job_action(request: HttpRequest, job_id: int, action: str, *, tenant: Tenant) -> HttpResponse:
    job = get_object_or_404(
        Job.objects.filter(organization=tenant.organization).select_related("task"), pk=job_id
    )
    try:
        if action == "cancel":
            job = job_services.job_cancel(job=job, by=tenant.by)
            messages.success(request, f"Job {job.pk}: {job.status.replace('_', ' ')}.")
        elif action == "retry":
            job = job_services.job_retry(job=job, by=tenant.by)
            messages.success(request, f"Started job {job.pk} (attempt {job.attempt}).")
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("jobs:job", job_id=job.pk)


@tenant_page
def task_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    filtered = TaskFilter(request.GET, queryset=Task.objects.filter(organization=tenant.organization))
    rows = filtered.qs.select_related("runner").order_by("name", "pk") if filtered.is_valid() else []
    page = page_of(request, rows, PAGE)
    return render(
        request,
        "jobs/task_list.html",
        {
            "section": "jobs",
            "tasks": page.object_list,
            "page": page,
            "filter": filtered,
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@tenant_page(min_role=Role.MEMBER)
def task_edit(request: HttpRequest, task_id: int | None = None, *, tenant: Tenant) -> HttpResponse:
    task = get_object_or_404(Task, organization=tenant.organization, pk=task_id) if task_id else None
    form = TaskForm(request.POST or None, organization=tenant.organization, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            if task is None:
                task, secret = task_services.task_create(
                    organization=tenant.organization, new=NewTask.of(form.task_data())
                )
                messages.success(request, f"Task {task.name} created. Its secret key (shown once): {secret}")
            else:
                task = task_services.task_update(task=task, changes=TaskChanges.of(form.task_data()))
                messages.success(request, f"Task {task.name} saved.")
            return redirect("jobs:task", task_id=task.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(request, "jobs/task_form.html", {"section": "jobs", "form": form, "task": task})


@tenant_page
def task_detail(request: HttpRequest, task_id: int, *, tenant: Tenant) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.select_related("runner"), organization=tenant.organization, pk=task_id
    )
    can_act = role_at_least(tenant.role, Role.MEMBER)
    form = RunForm(request.POST or None, task=task)
    if request.method == "POST" and can_act and form.is_valid():
        try:
            job = job_services.job_create(
                task=task,
                task_arguments=form.values(),
                triggered_by=TriggeredBy.USER,
                by=tenant.by,
            )
            messages.success(request, f"Started job {job.pk}.")
            return redirect("jobs:job", job_id=job.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    return render(
        request,
        "jobs/task_detail.html",
        {
            "section": "jobs",
            "task": task,
            "form": form,
            "can_act": can_act,
            "jobs": task.jobs.select_related("runner").order_by("-created_at", "-id")[:50],
        },
    )


@tenant_page
def queue_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    queues = selectors.queues_summary(tenant.organization.pk)
    return render(request, "jobs/queue_list.html", {"section": "jobs", "queues": queues})


@tenant_page
def runner_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    is_admin = role_at_least(tenant.role, Role.ADMIN)
    if request.method == "POST" and is_admin:
        _token, raw = runner_services.enrollment_token_create(
            organization=tenant.organization,
            name=request.POST.get("name") or "dashboard",
            by=tenant.by,
        )
        messages.success(request, f"Enrollment token (shown once): {raw}")
        return redirect("jobs:runners")
    return render(
        request,
        "jobs/runner_list.html",
        {
            "section": "jobs",
            "runners": Runner.objects.filter(organization=tenant.organization).order_by("name"),
            "tokens": EnrollmentToken.objects.filter(
                organization=tenant.organization, revoked_at__isnull=True
            ),
            "is_admin": is_admin,
        },
    )


@require_POST
@tenant_page(min_role=Role.MEMBER)
def task_delete(request: HttpRequest, task_id: int, *, tenant: Tenant) -> HttpResponse:
    task = get_object_or_404(Task.objects.filter(organization=tenant.organization), pk=task_id)
    task_services.task_delete(task=task)
    messages.success(request, f"Task {task.name} deleted, with its jobs.")
    return redirect("jobs:tasks")
