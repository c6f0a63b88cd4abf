from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.jobs_overview, name="overview"),
    path("runs/", views.job_list, name="list"),
    path("runs/<int:job_id>", views.job_detail, name="job"),
    path("runs/<int:job_id>/log", views.job_log, name="job-log"),
    path("runs/<int:job_id>/<str:action>", views.job_action, name="job-action"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new", views.task_edit, name="task-new"),
    path("tasks/<int:task_id>", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit", views.task_edit, name="task-edit"),
    path("tasks/<int:task_id>/delete", views.task_delete, name="task-delete"),
    path("queues/", views.queue_list, name="queues"),
    path("runners/", views.runner_list, name="runners"),
]
