"""Statuses and kinds of the jobs domain."""

from django.db import models


class TaskKind(models.TextChoices):
    SCRIPT = "script", "Script (an executable and an argv template)"
    HTTP = "http", "HTTP request"
    NOOP = "noop", "No-op (completes at once; for tests and benchmarks)"


class ScheduleType(models.TextChoices):
    NONE = "none", "On demand"
    INTERVAL = "interval", "Every N seconds"
    CRON = "cron", "Cron expression"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobTarget(models.TextChoices):
    LOCAL = "local", "A worker of the platform"
    REMOTE = "remote", "A remote runner"


class TriggeredBy(models.TextChoices):
    USER = "user", "A user"
    API_KEY = "api_key", "An API key"
    SECRET_KEY = "secret_key", "The task's secret key"
    SCHEDULE = "schedule", "The task's schedule"
    REMEDIATION = "remediation", "An alert rule's remediation"
    RETRY = "retry", "A retry"


class ArgumentType(models.TextChoices):
    STRING = "string", "String"
    INTEGER = "integer", "Integer"
    NUMBER = "number", "Number"
    BOOLEAN = "boolean", "Boolean"
    CHOICE = "choice", "One of a list"
