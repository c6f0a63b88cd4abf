from django.urls import path

from monitors import heartbeat_views, status_views, views

app_name = "monitors"

urlpatterns = [
    path("", views.monitor_list, name="list"),
    path("new", views.monitor_new, name="new"),
    path("bulk", views.monitor_bulk, name="bulk"),
    path("<int:monitor_id>", views.monitor_detail, name="detail"),
    path("<int:monitor_id>/edit", views.monitor_edit, name="edit"),
    path("<int:monitor_id>/<str:action>", views.monitor_action, name="action"),
    path("incidents", views.incident_list, name="incidents"),
    path("heartbeats/", heartbeat_views.heartbeat_list, name="heartbeats"),
    path("heartbeats/new", heartbeat_views.heartbeat_new, name="heartbeat-new"),
    path("heartbeats/cron-preview", heartbeat_views.cron_preview, name="cron-preview"),
    path("heartbeats/<int:heartbeat_id>", heartbeat_views.heartbeat_detail, name="heartbeat"),
    path("heartbeats/<int:heartbeat_id>/edit", heartbeat_views.heartbeat_edit, name="heartbeat-edit"),
    path(
        "heartbeats/<int:heartbeat_id>/<str:action>",
        heartbeat_views.heartbeat_action,
        name="heartbeat-action",
    ),
    path("status-pages/", status_views.status_page_list, name="status-pages"),
    path("status-pages/new", status_views.status_page_new, name="status-page-new"),
    path("status-pages/<int:page_id>", status_views.status_page_edit, name="status-page"),
]
