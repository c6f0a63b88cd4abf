from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:alert_id>/acknowledge", views.alert_action, {"verb": "acknowledge"}, name="acknowledge"),
    path("<int:alert_id>/resolve", views.alert_action, {"verb": "resolve"}, name="resolve"),
    path("rules", views.rule_list, name="rules"),
    path("rules/new", views.rule_new, name="rule-new"),
    path("rules/<int:rule_id>/pause", views.rule_action, {"verb": "pause"}, name="rule-pause"),
    path("rules/<int:rule_id>/resume", views.rule_action, {"verb": "resume"}, name="rule-resume"),
    path("rules/<int:rule_id>/test", views.rule_action, {"verb": "test"}, name="rule-test"),
    path("channels", views.channel_list, name="channels"),
    path("channels/new", views.channel_new, name="channel-new"),
    path("channels/<int:channel_id>/test", views.channel_action, {"verb": "test"}, name="channel-test"),
    path("channels/<int:channel_id>/enable", views.channel_action, {"verb": "enable"}, name="channel-enable"),
    path("webhooks", views.webhook_list, name="webhooks"),
    path("webhooks/new", views.webhook_new, name="webhook-new"),
    path("webhooks/<int:webhook_id>", views.webhook_deliveries, name="webhook-deliveries"),
    path("maintenance", views.maintenance_list, name="maintenance"),
    path("maintenance/new", views.maintenance_new, name="maintenance-new"),
    path(
        "<str:kind>/<int:object_id>/delete",
        views.object_delete,
        name="delete",
    ),
]
