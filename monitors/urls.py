from django.urls import path

from monitors import views

app_name = "monitors"

urlpatterns = [
    path("", views.monitor_list, name="list"),
    path("new", views.monitor_new, name="new"),
    path("<int:monitor_id>", views.monitor_detail, name="detail"),
    path("<int:monitor_id>/edit", views.monitor_edit, name="edit"),
    path("incidents", views.incident_list, name="incidents"),
]
