from django import forms

from alerts.models import NotificationChannel
from monitors.choices import MonitorType


class MonitorForm(forms.Form):
    """The common fields of every kind; kind-specific rules are checked by the service."""

    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=MonitorType.choices)
    target = forms.CharField(max_length=2000, help_text="URL for website/keyword/json, else a host.")
    port = forms.IntegerField(min_value=1, max_value=65535, required=False)
    keyword = forms.CharField(max_length=500, required=False)
    json_path = forms.CharField(max_length=500, required=False)
    json_expected = forms.CharField(max_length=500, required=False)
    check_interval = forms.IntegerField(min_value=10, initial=60)
    timeout = forms.FloatField(min_value=0.5, max_value=120, initial=10)
    retries = forms.IntegerField(min_value=0, max_value=10, initial=0)
    notifications = forms.ModelMultipleChoiceField(
        queryset=NotificationChannel.objects.none(), required=False
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notifications"].queryset = NotificationChannel.objects.filter(organization=organization)  # type: ignore[attr-defined]

    def monitor_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data["notifications"] = [c.pk for c in self.cleaned_data["notifications"]]
        return data
