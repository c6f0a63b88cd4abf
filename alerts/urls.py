from django.urls import path

from alerts import detail_views, edit_views, views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:alert_id>", detail_views.alert_detail, name="detail"),
    path("<int:alert_id>/acknowledge", views.alert_action, {"verb": "acknowledge"}, name="acknowledge"),
    path("<int:alert_id>/resolve", views.alert_action, {"verb": "resolve"}, name="resolve"),
    path("rules", views.rule_list, name="rules"),
    path("rules/new", views.rule_new, name="rule-new"),
    path("rules/<int:rule_id>/edit", edit_views.rule_edit, name="rule-edit"),
    path("rules/<int:rule_id>/pause", views.rule_action, {"verb": "pause"}, name="rule-pause"),
    path("rules/<int:rule_id>/resume", views.rule_action, {"verb": "resume"}, name="rule-resume"),
    path("rules/<int:rule_id>/test", views.rule_action, {"verb": "test"}, name="rule-test"),
    path("channels", views.channel_list, name="channels"),
    path("channels/new", views.channel_new, name="channel-new"),
    path("channels/<int:channel_id>/edit", edit_views.channel_edit, name="channel-edit"),
    path("channels/<int:channel_id>/test", views.channel_action, {"verb": "test"}, name="channel-test"),
    path("channels/<int:channel_id>/enable", views.channel_action, {"verb": "enable"}, name="channel-enable"),
    path("webhooks", views.webhook_list, name="webhooks"),
    path("webhooks/new", views.webhook_new, name="webhook-new"),
    path("webhooks/<int:webhook_id>", views.webhook_deliveries, name="webhook-deliveries"),
    path("webhooks/<int:webhook_id>/edit", edit_views.webhook_edit, name="webhook-edit"),
    path("webhooks/<int:webhook_id>/test", edit_views.webhook_action, {"verb": "test"}, name="webhook-test"),
    path(
        "webhooks/<int:webhook_id>/rotate-secret",
        edit_views.webhook_action,
        {"verb": "rotate-secret"},
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:webhook_id>/enable",
        edit_views.webhook_action,
        {"verb": "enable"},
        name="webhook-enable",
    ),
    path("maintenance", views.maintenance_list, name="maintenance"),
    path("maintenance/new", views.maintenance_new, name="maintenance-new"),
    path("maintenance/<int:window_id>/edit", edit_views.maintenance_edit, name="maintenance-edit"),
    path(
        "<str:kind>/<int:object_id>/delete",
        views.object_delete,
        name="delete",
    ),
]
