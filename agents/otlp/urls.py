from django.urls import path

from agents.otlp import views

urlpatterns = [
    path("v1/traces", views.traces, name="otlp-traces"),
    path("v1/logs", views.logs, name="otlp-logs"),
    path("v1/metrics", views.metrics, name="otlp-metrics"),
]
