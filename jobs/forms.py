"""Dashboard forms: the task editor (create and edit) and the run-now form built from a task's declared
arguments. They only shape input; the services validate and store."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from jobs.choices import ArgumentType, ScheduleType, TaskKind
from jobs.models import Task
from jobs.services.tasks import RUNNER_FORMS, runner_target, runner_text
from monitoring_site.dashboard.durations import DurationField
from monitoring_site.dashboard.kinds import chosen_only, mark_kinds

EDITABLE = (
    "name",
    "description",
    "task_type",
    "kind",
    "executable",
    "url",
    "method",
    "body",
    "queue",
    "timeout",
    "max_output_bytes",
    "retries",
    "schedule_type",
    "interval_seconds",
    "cron",
    "timezone",
    "max_runs",
    "enabled",
)


KIND_FIELDS = {  # the task kind each field belongs to (shown and saved only for it)
    "executable": ("script",),
    "argv": ("script",),
    "environment": ("script",),
    "url": ("http",),
    "method": ("http",),
    "body": ("http",),
}
SCHEDULE_FIELDS = {
    "interval_seconds": ("interval",),
    "cron": ("cron",),
    "timezone": ("cron",),
    "max_runs": ("interval", "cron"),
}
BLANK = {
    "executable": "",
    "argv": [],
    "environment": {},
    "url": "",
    "method": "GET",
    "body": "",
    "cron": "",
    "timezone": "UTC",
}


class TaskForm(forms.Form):
    """A task with human labels; the page shows only the chosen kind's fields (a script's executable and
    argv, an HTTP request's URL and method) and the chosen schedule's; the others are saved blank."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    task_type = forms.CharField(max_length=100, initial="general", help_text="A label for statistics.")
    kind = forms.ChoiceField(choices=TaskKind.choices, initial=TaskKind.NOOP, label="Runs")
    executable = forms.CharField(
        max_length=500, required=False, help_text="Script: an absolute path on the allow-list."
    )
    argv = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Script: one argv item per line; {name} substitutes an argument.",
    )
    environment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Script: NAME=value, one per line (beside PATH, LANG, HOME and TMPDIR; nothing else is "
        "inherited).",
    )
    url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https", help_text="HTTP: the request's URL."
    )
    method = forms.ChoiceField(
        choices=[(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")], initial="GET"
    )
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    arguments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Declared arguments as JSON: [{"name": "target", "type": "string"}]',
    )
    queue = forms.CharField(max_length=100, initial="default")
    runner = forms.CharField(
        max_length=120, initial="local", help_text='"local", "remote", "label:<label>" or "id:<runner id>".'
    )
    timeout = forms.IntegerField(min_value=1, initial=300, help_text="Seconds.")
    max_output_bytes = forms.IntegerField(min_value=1024, initial=65536)
    retries = forms.IntegerField(min_value=0, max_value=10, initial=0)
    schedule_type = forms.ChoiceField(
        choices=ScheduleType.choices, initial=ScheduleType.NONE, label="Schedule"
    )
    interval_seconds = DurationField(min_seconds=1, required=False, label="Every")
    cron = forms.CharField(max_length=100, required=False, help_text="For cron: 0 3 * * *")
    timezone = forms.CharField(max_length=64, initial="UTC")
    max_runs = forms.IntegerField(min_value=1, required=False)
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, organization: Any, task: Task | None = None, **kwargs: Any) -> None:
        self.organization = organization
        if task is not None:
            initial = {name: getattr(task, name) for name in EDITABLE}
            initial["argv"] = "\n".join(task.argv)
            initial["environment"] = "\n".join(f"{k}={v}" for k, v in task.environment.items())
            initial["arguments"] = json.dumps(task.arguments) if task.arguments else ""
            initial["runner"] = runner_text(task)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        mark_kinds(self, "kind", KIND_FIELDS)
        mark_kinds(self, "schedule_type", SCHEDULE_FIELDS)

    def clean_arguments(self) -> list:
        raw = self.cleaned_data["arguments"].strip()
        try:
            value = json.loads(raw) if raw else []
        except ValueError as exc:
            raise forms.ValidationError(f"Not JSON: {exc}") from exc
        return value

    def clean_environment(self) -> dict[str, str]:
        environment = {}
        for line in self.cleaned_data["environment"].splitlines():
            if not line.strip():
                continue
            name, equals, text = line.partition("=")
            if not equals:
                raise forms.ValidationError(f"{line!r}: write NAME=value.")
            environment[name.strip()] = text
        return environment

    def clean_runner(self) -> dict[str, Any]:
        target = runner_target(self.cleaned_data["runner"], self.organization)
        if target is None:
            raise forms.ValidationError(f"Use {RUNNER_FORMS} (a runner of this organization).")
        return target

    def task_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in EDITABLE}
        data["argv"] = [line for line in self.cleaned_data["argv"].splitlines() if line.strip()]
        data["arguments"] = self.cleaned_data["arguments"]
        data["environment"] = self.cleaned_data["environment"]
        data.update(self.cleaned_data["runner"])
        data["cron"] = data["cron"] or ""
        for kinds, chosen in ((KIND_FIELDS, data["kind"]), (SCHEDULE_FIELDS, data["schedule_type"])):
            kept = chosen_only(data, chosen, kinds)
            data = {name: kept.get(name, BLANK.get(name)) for name in data}  # another kind's: blank
        return data


class RunForm(forms.Form):
    """One field per declared argument, typed, with the declared default."""

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in task.arguments:
            kind, required = spec.get("type", "string"), spec.get("required", "default" not in spec)
            common = {
                "required": bool(required) and kind != ArgumentType.BOOLEAN,
                "initial": spec.get("default"),
                "help_text": spec.get("description", ""),
            }
            field: forms.Field
            if kind == ArgumentType.BOOLEAN:
                field = forms.BooleanField(**common)
            elif kind == ArgumentType.INTEGER:
                field = forms.IntegerField(**common)
            elif kind == ArgumentType.NUMBER:
                field = forms.FloatField(**common)
            elif kind == ArgumentType.CHOICE:
                field = forms.ChoiceField(
                    choices=[(str(c), str(c)) for c in spec.get("choices", [])], **common
                )
            else:
                field = forms.CharField(**common)
            self.fields[spec["name"]] = field

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
