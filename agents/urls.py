from django.urls import path

from agents import views

app_name = "agents"

urlpatterns = [
    path("", views.fleet, name="fleet"),
    path("new", views.agent_new, name="new"),
    path("costs", views.costs, name="costs"),
    path("logs", views.logs, name="logs"),
    path("traces/<str:trace_id>", views.trace_detail, name="trace"),
    path("<int:agent_id>", views.agent_detail, name="detail"),
    path("<int:agent_id>/<str:action>", views.agent_control, name="control"),
]
