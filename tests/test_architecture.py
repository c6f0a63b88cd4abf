"""The layering rules of docs/design.md section 4, checked on the source: every write goes through a
service, selectors read without calling services, no app imports another app's views, serializers or
tasks, and other apps read alerts' rows through alerts' selectors."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ("monitors", "alerts", "jobs", "agents")
PACKAGES = (*DOMAINS, "monitoring_site")
WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Project-level write helpers the services call (and the accounts' own service modules).
WRITE_MODULES = {
    "monitoring_site/deletion.py",
    "monitoring_site/bulk_update.py",
    "monitoring_site/retention.py",
    "monitoring_site/accounts/invitations.py",
    "monitoring_site/accounts/tokens.py",
}


def modules(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield relative, ast.parse(path.read_text())


def is_service(relative: Path) -> bool:
    return "services" in relative.parts or relative.stem == "services" or "management" in relative.parts


def imports(tree: ast.AST):
    """Runtime imports (an annotation-only import under ``if TYPE_CHECKING:`` is not a dependency)."""
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def test_every_write_goes_through_a_service():
    found = []
    for relative, tree in modules(*PACKAGES):
        if is_service(relative) or str(relative) in WRITE_MODULES:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, target = node.func.attr, ast.unparse(node.func.value)
            if "redis" in target:  # a cache key, not a row
                continue
            if (
                name in WRITES
                or (name == "create" and target.endswith("objects"))
                or (name == "update" and ("objects" in target or "filter(" in target))
            ):
                found.append(f"{relative}:{node.lineno}: {target}.{name}()")
    assert found == []


def test_selectors_read_without_services():
    found = [
        f"{relative}:{line}: {module}"
        for relative, tree in modules(*PACKAGES)
        if relative.stem == "selectors" or relative.stem.endswith("_selectors")
        for line, module, _ in imports(tree)
        if ".services" in module or module.endswith("services")
    ]
    assert found == []


def _layer(module: str) -> str | None:
    """The layer of another app that must not be imported: views, serializers, forms, tasks, admin."""
    parts = module.split(".")
    if parts[0] not in DOMAINS:
        return None
    for part in parts[1:]:
        if part in ("views", "forms", "tasks", "admin") or part.endswith(("_views", "_serializers")):
            return part
        if part == "serializers":
            return part
    return None


def test_no_app_imports_another_apps_views_serializers_or_tasks():
    found = []
    for relative, tree in modules(*PACKAGES):
        app = relative.parts[0]
        if relative.name.endswith("urls.py"):  # routing names the views by design
            continue
        for line, module, _ in imports(tree):
            layer = _layer(module)
            if layer is None or module.split(".")[0] == app:
                continue
            # The compatibility surfaces validate with the native API's input serializers (a thin
            # adapter over the same rules); they import no views.
            if relative.parts[:2] == ("monitoring_site", "compat") and layer.endswith("serializers"):
                continue
            found.append(f"{relative}:{line}: {module}")
    assert found == []


def test_no_service_imports_a_tasks_module():
    found = [
        f"{relative}:{line}: {module}"
        for relative, tree in modules(*DOMAINS)
        if is_service(relative)
        for line, module, _ in imports(tree)
        if module.split(".")[1:] == ["tasks"]
    ]
    assert found == []


def test_other_apps_read_alerts_and_maintenance_windows_through_alerts_selectors():
    found = [
        f"{relative}:{line}: {name}"
        for relative, tree in modules("monitors", "jobs", "agents", "monitoring_site")
        for line, module, names in imports(tree)
        if module == "alerts.models"
        for name in names
        if name in ("Alert", "MaintenanceWindow", "Event")
        and relative.parts[:2] != ("monitoring_site", "compat")  # adapters shape alerts' own rows
    ]
    assert found == []


def test_the_checks_see_the_code():
    """The scans above find what they look for (a rule that checks nothing would always pass)."""
    names = {str(relative) for relative, _ in modules(*PACKAGES)}
    assert "monitors/services/monitors.py" in names and "alerts/selectors.py" in names
    assert _layer("alerts.api.rule_serializers") == "rule_serializers"
    assert _layer("jobs.api.views") == "views" and _layer("jobs.services.jobs") is None


def test_every_public_service_says_what_it_does():
    missing = [
        f"{relative}:{node.lineno}: {node.name}"
        for relative, tree in modules(*PACKAGES)
        if is_service(relative) and "management" not in relative.parts
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and ast.get_docstring(node) is None
    ]
    assert missing == []


def test_create_and_update_services_take_typed_inputs():
    """A create or update service names what it takes: typed keyword parameters, or one frozen dataclass
    of ``monitoring_site.inputs`` (``NewMonitor``, ``MonitorChanges``...), never a ``data`` dict."""
    loose = [
        f"{relative}:{node.lineno}: {node.name}({arg.arg})"
        for relative, tree in modules(*PACKAGES)
        if is_service(relative)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and node.name.endswith(("_create", "_update", "_replace"))
        for arg in [*node.args.args, *node.args.kwonlyargs]
        if arg.arg == "data"
        or arg.annotation is None
        or ast.unparse(arg.annotation).startswith(("dict", "Mapping", "Any"))
    ]
    assert loose == []
    assert any(
        node.name == "monitor_create"
        for _, tree in modules("monitors")
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    )


def test_the_compatibility_surfaces_read_through_the_domains_selectors():
    """A compatibility surface is a thin adapter: it looks rows up with the domains' selectors
    (``jobs_of``, ``rules_of``, ``agent_by_ref``...), never with a model manager of its own."""
    direct = [
        f"{relative}:{node.lineno}: {ast.unparse(node)}"
        for relative, tree in modules("monitoring_site/compat")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
    ]
    assert direct == []
    assert any(relative.name == "theeye.py" for relative, _ in modules("monitoring_site/compat"))


READ_MODULES = {  # modules whose job is a read of their own: exporters, health, and the write helpers' SQL
    "monitors/prometheus.py",
    "alerts/prometheus.py",
    "monitors/watchdog.py",
    "monitoring_site/health.py",
    "monitoring_site/bulk_update.py",
    "monitoring_site/deletion.py",
    "monitoring_site/bulk_copy.py",
}
AGGREGATES = {"annotate", "aggregate", "raw", "extra"}


def test_every_non_trivial_read_goes_through_a_selector():
    """Views, API views, forms, serializers, admin and the compatibility surfaces may filter a tenant's
    rows; an aggregate, a subquery or SQL of their own belongs in a selector."""
    found = []
    for relative, tree in modules(*PACKAGES):
        name = str(relative)
        if is_service(relative) or "selectors" in relative.stem or name in READ_MODULES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in AGGREGATES or (
                    node.func.attr == "cursor" and ast.unparse(node.func.value) == "connection"
                ):
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node.func)}")
            elif (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Subquery"
            ):
                found.append(f"{name}:{node.lineno}: Subquery")
    assert found == []
