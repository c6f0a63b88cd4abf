"""Services queue tasks by name; every name they use is registered, an unknown one is refused."""

import ast
from pathlib import Path

import pytest

from monitoring_site.celery import app
from monitoring_site.task_queue import enqueue

ROOT = Path(__file__).resolve().parents[2]


def test_an_unknown_task_name_is_refused():
    with pytest.raises(LookupError, match=r"alerts\.no_such_task"):
        enqueue("alerts.no_such_task", 1)


def test_every_name_the_services_enqueue_is_a_registered_task():
    names = set()
    for path in ROOT.glob("*/services/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "enqueue":
                names.add(node.args[0].value)  # type: ignore[attr-defined]
    assert names >= {"alerts.event_fan_out", "alerts.alert_remediate", "jobs.run"}
    app.loader.import_default_modules()
    assert names <= set(app.tasks)
