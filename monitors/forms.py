"""Dashboard forms. The monitor form has every kind's fields; which apply to which kind is the service's
rule (``monitors.services.monitors._clean``), so the form and the API refuse the same things."""

from __future__ import annotations

import base64
import json
import re
from typing import cast

from django import forms

from alerts.models import NotificationChannel
from monitoring_site.dashboard.durations import DurationField
from monitoring_site.dashboard.kinds import chosen_only, mark_kinds
from monitors.choices import MonitorType, PageIncidentStatus
from monitors.models import Heartbeat, Monitor, StatusPage, StatusPageComponent

STATUS_ITEM = re.compile(r"^\d{3}(-\d{3})?$")
THRESHOLDS = ("cpu", "mem", "disk")
UNSET_IF_BLANK = {"method", "dns_record_type"}


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


HTTP_KINDS = ("website", "keyword", "json")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    # the fields that mean something for each monitor type; the form shows and keeps only these
    "port": ("port",),
    "method": HTTP_KINDS,
    "headers": HTTP_KINDS,
    "body": HTTP_KINDS,
    "expected_status": HTTP_KINDS,
    "follow_redirects": HTTP_KINDS,
    "verify_tls": HTTP_KINDS,
    "cert_warn_days": HTTP_KINDS,
    "keyword": ("keyword",),
    "keyword_absent": ("keyword",),
    "json_path": ("json",),
    "json_expected": ("json",),
    "dns_record_type": ("dns",),
    "dns_expected": ("dns",),
    "threshold_cpu": ("host",),
    "threshold_mem": ("host",),
    "threshold_disk": ("host",),
}


class MonitorForm(forms.Form):
    """A monitor's settings with human labels and durations; the page shows only the chosen type's
    fields (``KIND_FIELDS``, see ``monitoring_site.dashboard.kinds``) and ``monitor_data`` keeps only
    those, so a value typed for another type and then hidden is never saved."""

    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=MonitorType.choices, label="Monitor type")
    target = forms.CharField(
        max_length=2000,
        label="URL or host",
        help_text="A URL for website, keyword and JSON monitors; a host name or address for the others.",
    )
    port = forms.IntegerField(min_value=1, max_value=65535, required=False, label="Port")
    check_interval = DurationField(
        min_seconds=10, initial=60, label="Check every", help_text="At least 10 seconds."
    )
    timeout = forms.FloatField(
        min_value=0.5, max_value=120, initial=10, label="Timeout (seconds)", help_text="0.5 to 120."
    )
    retries = forms.IntegerField(
        min_value=0, max_value=10, initial=0, help_text="Failed checks in a row tolerated before down."
    )
    retry_interval = DurationField(
        min_seconds=5, initial=20, required=False, label="Retry every", help_text="While retrying."
    )
    method = forms.ChoiceField(
        choices=[(m, m) for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")],
        required=False,
        label="HTTP method",
    )
    headers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Request headers",
        help_text='A JSON object: {"Accept": "text/html"}.',
    )
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Request body")
    expected_status = forms.CharField(
        required=False, label="Accepted status codes", help_text="e.g. 200, 300-399 (empty: any 2xx)."
    )
    follow_redirects = forms.BooleanField(required=False, initial=True, label="Follow redirects")
    verify_tls = forms.BooleanField(
        required=False, initial=True, label="Verify the TLS certificate", help_text="Down on an invalid one."
    )
    cert_warn_days = forms.IntegerField(
        min_value=0,
        initial=14,
        required=False,
        label="Certificate warning (days)",
        help_text="Warn when the certificate has fewer days left.",
    )
    keyword = forms.CharField(max_length=500, required=False, label="Keyword")
    keyword_absent = forms.BooleanField(required=False, label="Invert: down when the keyword is present")
    json_path = forms.CharField(
        max_length=500, required=False, label="JSON path", help_text="e.g. data.items.0.state"
    )
    json_expected = forms.CharField(max_length=500, required=False, label="Expected value")
    dns_record_type = forms.ChoiceField(
        choices=[(t, t) for t in ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA")],
        initial="A",
        required=False,
        label="Record type",
    )
    dns_expected = forms.CharField(
        max_length=500, required=False, label="Expected answer", help_text="Empty: any answer."
    )
    threshold_cpu = forms.IntegerField(min_value=1, max_value=100, required=False, label="CPU above (%)")
    threshold_mem = forms.IntegerField(min_value=1, max_value=100, required=False, label="Memory above (%)")
    threshold_disk = forms.IntegerField(min_value=1, max_value=100, required=False, label="Disk above (%)")
    tags = forms.CharField(required=False, help_text="Comma-separated.")
    locations = forms.CharField(
        required=False,
        initial="local",
        label="Check from",
        help_text='Comma-separated locations: "local" is this platform, others are probes (docs/probes.md).',
    )
    quorum = forms.IntegerField(
        min_value=1,
        required=False,
        label="Down when this many locations agree",
        help_text="Empty: all but one of three or more locations, else all.",
    )
    notifications = forms.ModelMultipleChoiceField(
        queryset=NotificationChannel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Notify",
    )
    depends_on = forms.ModelMultipleChoiceField(
        queryset=Monitor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Depends on",
        help_text="While one of these is down, this one stays quiet.",
    )

    def __init__(self, *args, organization=None, instance: Monitor | None = None, **kwargs):
        if instance is not None:  # a bound form still reads its disabled ``type`` from here
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["notifications"]
        ).queryset = NotificationChannel.objects.filter(organization=organization)
        others = Monitor.objects.filter(organization=organization)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
            self.fields["type"].disabled = True  # a kind change is a new monitor
        cast(forms.ModelChoiceField, self.fields["depends_on"]).queryset = others
        mark_kinds(self, "type", KIND_FIELDS)

    @staticmethod
    def initial_from(monitor: Monitor) -> dict:
        initial = {name: getattr(monitor, name) for name in MonitorForm.base_fields if hasattr(monitor, name)}
        initial.update(
            headers=json.dumps(monitor.headers) if monitor.headers else "",
            expected_status=", ".join(str(s) for s in monitor.expected_status),
            tags=", ".join(monitor.tags),
            locations=", ".join(monitor.locations or ["local"]),
            notifications=list(monitor.notifications.all()),
            depends_on=list(monitor.depends_on.all()),
            **{f"threshold_{k}": monitor.thresholds.get(k) for k in THRESHOLDS},
        )
        return initial

    def clean_headers(self) -> dict:
        text = self.cleaned_data["headers"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}.") from exc
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError('A JSON object of strings: {"Accept": "text/html"}.')
        return value

    def clean_expected_status(self) -> list[str]:
        items = _split(self.cleaned_data["expected_status"])
        bad = [item for item in items if not STATUS_ITEM.match(item)]
        if bad:
            raise forms.ValidationError(f"Not a status code or range: {', '.join(bad)}.")
        return items

    def monitor_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = _split(data["tags"])
        data["locations"] = _split(data["locations"]) or ["local"]
        quorum = data.pop("quorum")
        data["notifications"] = [c.pk for c in data["notifications"]]
        data["depends_on"] = [m.pk for m in data["depends_on"]]
        data["thresholds"] = {k: data.pop(f"threshold_{k}") for k in THRESHOLDS}
        data["thresholds"] = {k: v for k, v in data["thresholds"].items() if v is not None}
        kind = data["type"]
        data = chosen_only(data, kind, KIND_FIELDS)
        if kind != "host":
            data.pop("thresholds")
        if self.fields["type"].disabled:
            data.pop("type")
        # not given: the model's default (a new monitor) or the current value (an edit)
        kept = {k: v for k, v in data.items() if v is not None and not (k in UNSET_IF_BLANK and v == "")}
        return {**kept, "quorum": quorum}  # empty is a choice here: the default rule


class HeartbeatForm(forms.Form):
    """A heartbeat's schedule the Healthchecks way: a period and a grace ("1 day", "1 hour"), or a cron
    expression in a time zone (the page previews its next runs in that zone). Only the chosen kind's
    fields are shown; the service decides what is valid, so the form and the API refuse the same."""

    name = forms.CharField(max_length=200)
    schedule = forms.ChoiceField(
        choices=[("period", "Every period"), ("cron", "Cron expression")],
        widget=forms.RadioSelect(attrs={"data-schedule-kind": ""}),
        required=False,
        label="Schedule",
    )
    run_interval = DurationField(
        required=False, label="Period", help_text="How often the job runs (at least 10 seconds)."
    )
    cron = forms.CharField(
        max_length=100, required=False, label="Cron expression", help_text="Five fields: 30 2 * * * is 02:30."
    )
    timezone = forms.CharField(
        max_length=64,
        initial="UTC",
        label="Time zone",
        help_text="The cron expression's zone: Europe/Paris, America/New_York, UTC…",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    grace_period = DurationField(
        initial=300, label="Grace", help_text="How late a ping may be before the heartbeat is down."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("run_interval",):
            self.fields[name].widget.attrs["data-schedule"] = "period"
        for name in ("cron", "timezone"):
            self.fields[name].widget.attrs["data-schedule"] = "cron"
        initial = self.initial
        if not self.is_bound and "schedule" not in initial:
            initial["schedule"] = "cron" if initial.get("cron") else "period"

    def heartbeat_data(self) -> dict:
        """The schedule of the chosen kind only (the other cleared); without a choice (a script posting
        the fields), the kind given."""
        data = dict(self.cleaned_data)
        kind = data.pop("schedule") or ("cron" if data.get("cron") else "period")
        if kind == "cron":
            data["run_interval"] = None
        else:
            data["cron"] = ""
        if data.get("grace_period") is None:
            data.pop("grace_period", None)
        return data


class StatusPageForm(forms.Form):
    """A status page's settings and components. When editing, each component has its group (the public
    page's sections), its shown name and its place in the order; new ones go last, ungrouped. The logo is
    an uploaded image kept as a data: URI (shown by ``<img>``, so an SVG's scripts never run)."""

    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, help_text="The public address: /status/<slug>")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(required=False, initial=True, label="Public")
    show_locations = forms.BooleanField(
        required=False, label="Show each location's state (monitors checked from several locations)"
    )
    logo = forms.FileField(
        required=False,
        help_text="PNG, JPEG, GIF, WebP or SVG, 256 kB at most.",
        widget=forms.ClearableFileInput,
    )
    monitors = forms.ModelMultipleChoiceField(
        queryset=Monitor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    heartbeats = forms.ModelMultipleChoiceField(
        queryset=Heartbeat.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization=None, page: StatusPage | None = None, **kwargs):
        self.components = list(page.components.select_related("monitor", "heartbeat")) if page else []
        if page is not None:  # editing: the page's settings and components as they are
            kwargs["initial"] = {
                **{
                    k: getattr(page, k)
                    for k in ("name", "slug", "description", "is_public", "show_locations")
                },
                "monitors": [c.monitor_id for c in self.components if c.monitor_id],
                "heartbeats": [c.heartbeat_id for c in self.components if c.heartbeat_id],
            }
        super().__init__(*args, **kwargs)
        self.page = page
        for name, model in (("monitors", Monitor), ("heartbeats", Heartbeat)):
            picker = self.fields[name]
            assert isinstance(picker, forms.ModelMultipleChoiceField)
            picker.queryset = model.objects.filter(organization=organization).order_by("name")
        for position, c in enumerate(self.components):
            key = _component_key(c)
            self.fields[f"group_{key}"] = forms.CharField(max_length=100, required=False, initial=c.group)
            self.fields[f"name_{key}"] = forms.CharField(max_length=200, required=False, initial=c.name)
            self.fields[f"position_{key}"] = forms.IntegerField(
                min_value=0, max_value=10_000, required=False, initial=position + 1
            )
        if page is not None and page.logo:
            self.fields["remove_logo"] = forms.BooleanField(required=False, label="Remove the logo")

    def _posted(self, name: str, kept):
        """A component field as posted, or what the component has when the form left it out (a client
        that posts only the pickers keeps the groups, names and order set through the API)."""
        value = self.cleaned_data.get(name)
        return kept if name not in self.data or value is None else value

    def component_rows(self) -> list[dict]:
        """The editor's table: one row per component with its three fields."""
        return [
            {
                "component": c,
                "group": self[f"group_{_component_key(c)}"],
                "name": self[f"name_{_component_key(c)}"],
                "position": self[f"position_{_component_key(c)}"],
            }
            for c in self.components
        ]

    def settings_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith(("group_", "name_", "position_"))]

    def clean_logo(self) -> str | None:
        """The upload as a data: URI; the service judges its type and size (as it does the API's)."""
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        return f"data:{upload.content_type};base64,{base64.b64encode(upload.read()).decode()}"

    def page_data(self) -> dict:
        """The settings, and the components chosen: ones the page had take the group, name and place
        given here; new ones follow, ungrouped."""
        data = {
            k: self.cleaned_data[k] for k in ("name", "slug", "description", "is_public", "show_locations")
        }
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            data["logo"] = ""
        chosen = {("monitor_id", m.pk) for m in self.cleaned_data["monitors"]}
        chosen |= {("heartbeat_id", h.pk) for h in self.cleaned_data["heartbeats"]}
        kept: list[tuple[int, dict]] = []
        for c in self.components:
            key = ("monitor_id", c.monitor_id) if c.monitor_id else ("heartbeat_id", c.heartbeat_id)
            if key in chosen:
                chosen.discard(key)
                field = _component_key(c)
                place = self._posted(f"position_{field}", len(kept) + 1)
                group = self._posted(f"group_{field}", c.group) or ""
                name = self._posted(f"name_{field}", c.name) or ""
                kept.append((place, {key[0]: key[1], "group": group.strip(), "name": name.strip()}))
        components = [c for _, c in sorted(kept, key=lambda item: item[0])]
        components += [{field: pk} for field, pk in sorted(chosen)]
        data["components"] = components
        return data


def _component_key(component: StatusPageComponent) -> str:
    return f"m{component.monitor_id}" if component.monitor_id else f"h{component.heartbeat_id}"


class PageUpdateForm(forms.Form):
    incident_status = forms.ChoiceField(choices=PageIncidentStatus.choices)
    incident_message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BulkMonitorForm(forms.Form):
    """The monitor list's bulk bar: the ticked monitors (only the organization's own can be picked) and
    what to do with them."""

    action = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("delete", "Delete")])
    ids = forms.ModelMultipleChoiceField(queryset=Monitor.objects.none())

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["ids"]).queryset = Monitor.objects.filter(
            organization=organization
        )
        self.fields["ids"].error_messages["required"] = "Tick at least one monitor."
