"""Tasks in configuration files (``monitoring_site.configuration``). A task's secret trigger key is never
exported; a task created by an apply gets a new one, returned once in the apply's ``secrets``."""

from __future__ import annotations

from jobs.api.serializers import TaskSerializer
from jobs.inputs import NewTask, TaskChanges
from jobs.models import Task
from jobs.services import tasks as task_services
from monitoring_site.configuration.registry import ConfigKind, register


def register_configuration() -> None:
    register(
        ConfigKind(
            name="tasks",
            queryset=lambda org: Task.objects.filter(organization=org),
            serializer=TaskSerializer,
            create=lambda tenant, data: task_services.task_create(
                organization=tenant.organization, new=NewTask.of(data)
            ),
            update=lambda tenant, obj, data: task_services.task_update(
                task=obj, changes=TaskChanges.of(data)
            ),
            delete=lambda obj: task_services.task_delete(task=obj),
        )
    )
