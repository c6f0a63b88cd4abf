"""Models of the jobs domain: task definitions, their jobs and status audits, remote runners and the
tokens that enroll them."""

from jobs.models.jobs import Job, JobStatusAudit
from jobs.models.runners import EnrollmentToken, Runner
from jobs.models.stats import JobStatsBucket
from jobs.models.tasks import Task

__all__ = ["EnrollmentToken", "Job", "JobStatsBucket", "JobStatusAudit", "Runner", "Task"]
