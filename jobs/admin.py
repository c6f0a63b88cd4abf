from django.contrib import admin

from jobs.choices import TriggeredBy
from jobs.models import EnrollmentToken, Job, JobStatusAudit, Runner, Task
from jobs.services import jobs as job_services
from jobs.services import runners as runner_services
from jobs.services import tasks as task_services
from monitoring_site.actors import Actor
from monitoring_site.admin_actions import apply_each
from monitoring_site.admin_services import ServiceOwnedAdmin, ServiceOwnedInline


@admin.register(Task)
class TaskAdmin(ServiceOwnedAdmin):
    list_display = [
        "name",
        "organization",
        "kind",
        "task_type",
        "queue",
        "target",
        "schedule_type",
        "next_run_at",
        "enabled",
    ]
    list_filter = ["kind", "target", "schedule_type", "enabled", "organization"]
    search_fields = ["name", "task_type", "queue"]
    readonly_fields = [
        "secret_key_hash",
        "secret_key_prefix",
        "next_run_at",
        "run_count",
        "created_at",
        "updated_at",
    ]
    actions = ["run_now"]

    def delete_one(self, obj):
        task_services.task_delete(task=obj)

    @admin.action(description="Run the selected tasks now (declared defaults as arguments)")
    def run_now(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda task: job_services.job_create(
                task=task,
                triggered_by=TriggeredBy.USER,
                by=Actor.of_admin(request.user),
            ),
            "Started",
        )


class JobStatusAuditInline(ServiceOwnedInline):
    model = JobStatusAudit
    readonly_fields = ["old_status", "new_status", "at", "note"]
    exclude = ["organization"]


@admin.register(Job)
class JobAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "task",
        "organization",
        "status",
        "queue",
        "task_type",
        "runner",
        "created_at",
        "duration",
        "exit_code",
        "attempt",
    ]
    list_filter = ["status", "target", "triggered_by", "queue", "organization"]
    search_fields = ["task__name", "task_type", "queue", "lastline"]
    list_select_related = ["task", "organization", "runner"]
    readonly_fields = [f.name for f in Job._meta.fields]
    inlines = [JobStatusAuditInline]
    actions = ["cancel", "retry"]

    @admin.action(description="Cancel the selected jobs")
    def cancel(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda job: job_services.job_cancel(job=job, by=Actor.of_admin(request.user)),
            "Cancelled",
        )

    @admin.action(description="Retry the selected jobs")
    def retry(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda job: job_services.job_retry(job=job, by=Actor.of_admin(request.user)),
            "Retried",
        )


@admin.register(Runner)
class RunnerAdmin(ServiceOwnedAdmin):
    list_display = ["name", "organization", "hostname", "version", "last_heartbeat_at", "lost_at", "enabled"]
    list_filter = ["enabled", "organization"]
    search_fields = ["name", "hostname"]
    readonly_fields = ["token_hash", "token_prefix", "registered_at", "last_heartbeat_at", "lost_at"]

    def delete_model(self, request, obj):
        runner_services.runner_delete(runner=obj, by=Actor.of_admin(request.user))

    def delete_queryset(self, request, queryset):
        for runner in queryset:
            runner_services.runner_delete(runner=runner, by=Actor.of_admin(request.user))


@admin.register(EnrollmentToken)
class EnrollmentTokenAdmin(ServiceOwnedAdmin):
    list_display = ["name", "organization", "display_prefix", "created_at", "revoked_at"]
    list_filter = ["organization"]
    readonly_fields = ["token_hash", "display_prefix", "created_at"]

    def delete_one(self, obj):  # deleting a token is revoking it, as in the API
        runner_services.enrollment_token_revoke(token=obj)
