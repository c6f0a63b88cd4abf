"""Dashboard forms: they only shape input; the services validate the rules of the domain."""

from __future__ import annotations

from django import forms

from alerts.choices import ChannelKind, Operator, Severity
from alerts.models import NotificationChannel
from monitoring_site.realtime.topics import EVENTS
from monitors.models import Heartbeat, Monitor


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=120)
    type = forms.ChoiceField(choices=ChannelKind.choices)
    target = forms.CharField(max_length=2000, help_text="The URL, or email addresses separated by commas.")

    def config(self) -> dict:
        field = "to" if self.cleaned_data["type"] == ChannelKind.EMAIL else "url"
        return {field: self.cleaned_data["target"]}


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=[("*", "every event"), *[(e, e) for e in EVENTS]])
    description = forms.CharField(max_length=200, required=False)


class RuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    metric = forms.CharField(max_length=100)
    operator = forms.ChoiceField(choices=Operator.choices)
    threshold = forms.FloatField()
    duration_minutes = forms.IntegerField(min_value=0, initial=5)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.WARNING)
    channels = forms.ModelMultipleChoiceField(queryset=NotificationChannel.objects.none(), required=False)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = NotificationChannel.objects.filter(organization=organization)  # type: ignore[attr-defined]

    def rule_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["channels"] = [c.pk for c in data["channels"]]
        return data


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

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("monitors", Monitor), ("heartbeats", Heartbeat)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = model.objects.filter(organization=organization).order_by("name")

    def window_data(self) -> dict:
        """The window, covering everything only when "Everything" is ticked, else the subjects picked (none
        picked is refused by the service: a window never covers everything by accident)."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("monitors", "heartbeats") and v not in (None, "")
        }
        data["applies_to_all"] = bool(self.cleaned_data.get("applies_to_all"))
        data["subjects"] = [
            {"type": "monitor", "id": m.pk} for m in self.cleaned_data.get("monitors") or []
        ] + [{"type": "heartbeat", "id": h.pk} for h in self.cleaned_data.get("heartbeats") or []]
        return data
