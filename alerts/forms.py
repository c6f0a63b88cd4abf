"""Dashboard forms: they only shape input; the services validate the rules of the domain."""

from __future__ import annotations

from typing import cast

from django import forms

from alerts.choices import ChannelKind, Operator, Severity
from alerts.models import AlertRule, MaintenanceWindow, NotificationChannel, Webhook
from alerts.selectors import channel_config_shown
from monitoring_site.metrics.selectors import metric_catalog
from monitoring_site.realtime.topics import EVENTS
from monitors.list_selectors import subject_tags
from monitors.models import Heartbeat, Monitor, StatusPage


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=120)
    type = forms.ChoiceField(choices=ChannelKind.choices)
    target = forms.CharField(
        max_length=2000,
        help_text="Email: addresses separated by commas. Others: the URL (shown masked once saved; leave "
        "the masked value to keep it).",
    )

    @staticmethod
    def initial_from(channel: NotificationChannel) -> dict:
        config = channel_config_shown(channel)
        target = config.get("to") if channel.kind == ChannelKind.EMAIL else config.get("url")
        if isinstance(target, list):
            target = ", ".join(target)
        return {"name": channel.name, "type": channel.kind, "target": target or ""}

    def config(self) -> dict:
        field = "to" if self.cleaned_data["type"] == ChannelKind.EMAIL else "url"
        return {field: self.cleaned_data["target"]}


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[("*", "every event"), *[(e, e) for e in EVENTS]], widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(max_length=200, required=False)

    @staticmethod
    def initial_from(webhook: Webhook) -> dict:
        return {"url": webhook.url, "events": webhook.events, "description": webhook.description}


class RuleForm(forms.Form):
    """A rule's metric is picked from the organization's catalogue (registered metrics and the custom ones
    it has pushed points of): the dashboard refuses a name it does not know. The API still takes a custom
    metric before its first point, so a rule can be set up ahead of the data."""

    name = forms.CharField(max_length=120)
    metric = forms.ChoiceField(choices=())
    operator = forms.ChoiceField(choices=Operator.choices)
    threshold = forms.FloatField()
    duration_minutes = forms.IntegerField(min_value=0, initial=5)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.WARNING)
    channels = forms.ModelMultipleChoiceField(
        queryset=NotificationChannel.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization=None, current_metric: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["channels"]).queryset = NotificationChannel.objects.filter(
            organization=organization
        )
        catalog = metric_catalog(organization.pk) if organization is not None else []
        choices = [(m["name"], _metric_label(m)) for m in catalog]
        if current_metric and current_metric not in {name for name, _ in choices}:
            choices.append((current_metric, f"{current_metric} (custom, no points yet)"))
        cast(forms.ChoiceField, self.fields["metric"]).choices = [("", "pick a metric"), *choices]

    @staticmethod
    def initial_from(rule: AlertRule) -> dict:
        fields = ("name", "metric", "operator", "threshold", "duration_minutes", "severity")
        return {**{name: getattr(rule, name) for name in fields}, "channels": list(rule.channels.all())}

    def rule_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["channels"] = [c.pk for c in data["channels"]]
        return data


def _metric_label(metric: dict) -> str:
    unit = f" ({metric['unit']})" if metric.get("unit") else ""
    return f"{metric['name']}{unit} — {metric.get('description', '')}".strip(" —")


class MaintenanceForm(forms.Form):
    name = forms.CharField(max_length=120)
    starts_at = forms.DateTimeField(required=False, help_text="One-off: start and end (UTC).")
    ends_at = forms.DateTimeField(required=False)
    cron = forms.CharField(max_length=100, required=False, help_text="Recurring: a cron expression.")
    timezone = forms.CharField(max_length=64, initial="UTC")
    duration_minutes = forms.IntegerField(min_value=1, required=False)
    applies_to_all = forms.BooleanField(
        required=False,
        label="Everything",
        help_text="Every monitor, heartbeat, agent and rule of the organization.",
    )
    monitors = forms.ModelMultipleChoiceField(
        queryset=Monitor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    heartbeats = forms.ModelMultipleChoiceField(
        queryset=Heartbeat.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every monitor and heartbeat carrying the tag when the window is in effect.",
    )
    status_pages = forms.ModelMultipleChoiceField(
        queryset=StatusPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The page's components.",
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("monitors", Monitor), ("heartbeats", Heartbeat), ("status_pages", StatusPage)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = model.objects.filter(organization=organization).order_by("name")
        tags = self.fields["tags"]
        assert isinstance(tags, forms.MultipleChoiceField)
        known = subject_tags(organization.pk) if organization is not None else []
        chosen = [t for t in self.initial.get("tags") or [] if t not in known]  # a tag no longer carried
        tags.choices = [(t, t) for t in [*known, *chosen]]

    @staticmethod
    def initial_from(window: MaintenanceWindow) -> dict:
        ids = {
            kind: [s["id"] for s in window.subjects or [] if s.get("type") == kind]
            for kind in ("monitor", "heartbeat", "status_page")
        }
        return {
            "name": window.name,
            "starts_at": window.starts_at,
            "ends_at": window.ends_at,
            "cron": window.cron,
            "timezone": window.timezone,
            "duration_minutes": window.duration_minutes,
            "applies_to_all": window.applies_to_all,
            "monitors": ids["monitor"],
            "heartbeats": ids["heartbeat"],
            "status_pages": ids["status_page"],
            "tags": [s["name"] for s in window.subjects or [] if s.get("type") == "tag"],
        }

    def window_data(self, full: bool = False) -> dict:
        """The window, covering everything only when "Everything" is ticked, else the subjects picked (none
        picked is refused by the service: a window never covers everything by accident). ``full`` keeps
        the fields left empty, so an edit can clear them (a one-off window made recurring)."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("monitors", "heartbeats", "tags", "status_pages") and (full or v not in (None, ""))
        }
        data["applies_to_all"] = bool(self.cleaned_data.get("applies_to_all"))
        data["subjects"] = [
            {"type": "monitor", "id": m.pk} for m in self.cleaned_data.get("monitors") or []
        ] + [{"type": "heartbeat", "id": h.pk} for h in self.cleaned_data.get("heartbeats") or []]
        data["subjects"] += [{"type": "tag", "name": t} for t in self.cleaned_data.get("tags") or []]
        data["subjects"] += [
            {"type": "status_page", "id": p.pk} for p in self.cleaned_data.get("status_pages") or []
        ]
        return data
