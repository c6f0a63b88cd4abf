"""Export an organization's configuration as one JSON document, and apply such a document: an idempotent
upsert by key in one transaction, with a plan of what is created, changed and (``prune``) deleted. Invalid
input rejects the whole document with per-item errors and changes nothing; a dry run computes the same
plan, by applying for real and rolling back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.exceptions import ValidationError as DRFValidationError

from monitoring_site.configuration.models import ConfigKey
from monitoring_site.configuration.registry import KINDS, ConfigKind, KeyBook, UnknownKey
from monitoring_site.errors import DomainError, RuleViolation

VERSION = 1
# Sections in dependency order: a kind's references point to kinds before it.
ORDER = (
    "channels",
    "monitors",
    "heartbeats",
    "agents",
    "tasks",
    "status_pages",
    "alert_rules",
    "webhooks",
    "maintenance_windows",
)
MAX_KEY = 100


def ordered_kinds() -> list[ConfigKind]:
    """The registered configuration kinds in dependency order (channels before the rules that name them)."""
    return [KINDS[name] for name in ORDER if name in KINDS]


def _label(obj: Model) -> str:
    for attribute in ("name", "slug", "url"):
        value = getattr(obj, attribute, "")
        if value:
            return str(value)
    return ""


def key_book(organization: Any) -> KeyBook:
    """Every current object of every kind with its key: stored keys, and new ones (from the object's name,
    made unique) for objects that never had one. Keys of deleted objects are dropped."""
    book = KeyBook()
    stored: dict[str, dict[int, str]] = {}
    for row in ConfigKey.objects.filter(organization=organization).values_list("kind", "object_id", "key"):
        stored.setdefault(row[0], {})[row[1]] = row[2]
    for kind in ordered_kinds():
        objects = list(kind.queryset(organization).order_by("pk"))
        present = {obj.pk for obj in objects}
        gone = [object_id for object_id in stored.get(kind.name, {}) if object_id not in present]
        if gone:
            ConfigKey.objects.filter(organization=organization, kind=kind.name, object_id__in=gone).delete()
        taken = {key for object_id, key in stored.get(kind.name, {}).items() if object_id in present}
        new_keys = []
        for obj in objects:
            key = stored.get(kind.name, {}).get(obj.pk)
            if key is None:
                key = _unique(slugify(_label(obj))[: MAX_KEY - 8] or kind.name.rstrip("s"), taken)
                taken.add(key)
                new_keys.append(
                    ConfigKey(organization=organization, kind=kind.name, key=key, object_id=obj.pk)
                )
            book.add(kind.name, obj.pk, key)
        ConfigKey.objects.bulk_create(new_keys)
    return book


def _unique(base: str, taken: set[str]) -> str:
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _writable(kind: ConfigKind, request: Any) -> list[str]:
    fields = kind.serializer(context={"request": request}).fields
    return [name for name, f in fields.items() if not f.read_only and name not in kind.left_out]


def export_item(kind: ConfigKind, obj: Model, book: KeyBook, request: Any) -> dict[str, Any]:
    """One object as the configuration file holds it: its key and its writable fields."""
    data = kind.serializer(obj, context={"request": request}).data
    item = {name: data[name] for name in _writable(kind, request) if name in data}
    return {"key": book.key(kind.name, obj.pk), **kind.to_file(item, book)}


def config_export(*, organization: Any, request: Any) -> dict[str, Any]:
    """The organization's whole configuration as one document, read in one transaction."""
    with transaction.atomic():
        book = key_book(organization)
        document: dict[str, Any] = {
            "version": VERSION,
            "exported_at": timezone.now().isoformat().replace("+00:00", "Z"),
            "organization": {"id": organization.pk, "name": organization.name},
        }
        for kind in ordered_kinds():
            objects = kind.queryset(organization).order_by("pk")
            document[kind.name] = [export_item(kind, obj, book, request) for obj in objects]
    return document


# --- apply -------------------------------------------------------------------------------------------------


def _sections(document: Any) -> dict[str, list[dict[str, Any]]]:
    """The document's sections, checked for shape: each a list of objects with a unique string key."""
    if not isinstance(document, dict):
        raise RuleViolation("The configuration is invalid.", details={"document": ["A JSON object."]})
    errors: dict[str, list[str]] = {}
    if document.get("version", VERSION) != VERSION:
        errors["version"] = [f"This server reads version {VERSION}."]
    unknown = sorted(set(document) - set(ORDER) - {"version", "exported_at", "organization"})
    if unknown:
        errors["document"] = [f"Unknown sections: {', '.join(unknown)}."]
    sections: dict[str, list[dict[str, Any]]] = {}
    for kind in ordered_kinds():
        items = document.get(kind.name)
        if items is None:
            continue
        if not isinstance(items, list):
            errors[kind.name] = ["A list of objects, each with a key."]
            continue
        seen: set[str] = set()
        for index, item in enumerate(items):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not key or len(key) > MAX_KEY:
                errors[f"{kind.name}.{index}.key"] = [f"A string of 1 to {MAX_KEY} characters."]
            elif key in seen:
                errors[f"{kind.name}.{index}.key"] = [f"{key!r} appears twice."]
            else:
                seen.add(key)
        sections[kind.name] = items
    if errors:
        raise RuleViolation("The configuration is invalid; nothing was changed.", details=errors)
    return sections


def _dependency_order(kind: ConfigKind, items: list[dict[str, Any]], errors: dict[str, list[str]]):
    """(index, item) with the items a ``self_references`` field names before the items naming them."""
    indexed = list(enumerate(items))
    field = kind.self_references
    if not field:
        return indexed
    by_key = {item["key"]: (index, item) for index, item in indexed}
    done: set[str] = set()
    ordered: list[tuple[int, dict[str, Any]]] = []

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in done or key not in by_key:
            return
        if key in path:
            index = by_key[key][0]
            errors[f"{kind.name}.{index}.{field}"] = ["A dependency cycle: " + " -> ".join(path)]
            return
        for ref in by_key[key][1].get(field) or []:
            if isinstance(ref, str):
                visit(ref, (*path, key))
        done.add(key)
        ordered.append(by_key[key])

    for _, item in indexed:
        visit(item["key"], ())
    return ordered


def _flatten(prefix: str, detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for field, value in detail.items():
            flat.update(_flatten(f"{prefix}.{field}", value))
        return flat
    if isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(f"{prefix}.{index}", value))
        return flat
    return {prefix: [str(d) for d in detail] if isinstance(detail, list) else [str(detail)]}


class _Apply:
    def __init__(self, tenant: Any, request: Any, prune: bool) -> None:
        self.tenant, self.request, self.prune = tenant, request, prune
        self.organization = tenant.organization
        self.book = key_book(self.organization)
        self.errors: dict[str, list[str]] = {}
        self.plan: dict[str, Any] = {"create": [], "update": [], "delete": [], "unchanged": 0}
        self.secrets: list[dict[str, str]] = []

    def section(self, kind: ConfigKind, items: list[dict[str, Any]]) -> None:
        current = {obj.pk: obj for obj in kind.queryset(self.organization)}
        settable = set(_writable(kind, self.request))
        for index, item in _dependency_order(kind, items, self.errors):
            where = f"{kind.name}.{index}"
            object_id = self.book.by_key.get(kind.name, {}).get(item["key"])
            obj = current.get(object_id) if object_id is not None else None
            body = {k: v for k, v in item.items() if k != "key"}
            unknown = sorted(set(body) - settable)
            if unknown:  # a typo must not pass for "unchanged"
                for field in unknown:
                    self.errors[f"{where}.{field}"] = ["Not a field a configuration file can set here."]
                continue
            if obj is not None:
                now = export_item(kind, obj, self.book, self.request)
                changed = sorted(k for k, v in body.items() if now.get(k) != v)
                if not changed:
                    self.plan["unchanged"] += 1
                    continue
            try:
                data = kind.from_file(body, self.book, obj)
            except UnknownKey as error:
                self.errors[where] = [str(error)]
                continue
            except RuleViolation as error:
                self.errors.update(_flatten(where, error.details or {"": [error.message]}))
                continue
            self._write(kind, where, item["key"], obj, data, changed if obj is not None else [])

    def _write(
        self, kind: ConfigKind, where: str, key: str, obj: Model | None, data: dict, changed: list[str]
    ):
        serializer = kind.serializer(
            obj, data=data, partial=obj is not None, context={"request": self.request}
        )
        if not serializer.is_valid():
            self.errors.update(_flatten(where, serializer.errors))
            return
        try:
            with transaction.atomic():  # a savepoint: a refused item leaves the others' work in place
                if obj is None:
                    made = kind.create(self.tenant, serializer.validated_data)
                    obj, secret = made if isinstance(made, tuple) else (made, None)
                    ConfigKey.objects.create(
                        organization=self.organization, kind=kind.name, key=key, object_id=obj.pk
                    )
                    self.book.add(kind.name, obj.pk, key)
                    self.plan["create"].append({"kind": kind.name, "key": key})
                    if secret:
                        self.secrets.append({"kind": kind.name, "key": key, "secret": secret})
                else:
                    kind.update(self.tenant, obj, serializer.validated_data)
                    self.plan["update"].append({"kind": kind.name, "key": key, "fields": changed})
        except (DomainError, DRFValidationError, IntegrityError) as error:
            details = getattr(error, "details", None) or getattr(error, "detail", None) or {"": [str(error)]}
            self.errors.update(_flatten(where, details))

    def prune_section(self, kind: ConfigKind, items: Iterable[dict[str, Any]]) -> None:
        wanted = {item["key"] for item in items}
        for obj in kind.queryset(self.organization).order_by("-pk"):
            key = self.book.key(kind.name, obj.pk)
            if key in wanted:
                continue
            try:
                with transaction.atomic():
                    kind.delete(obj)
                self.plan["delete"].append({"kind": kind.name, "key": key})
            except (ProtectedError, DomainError) as error:
                self.errors[f"{kind.name}.{key}"] = [f"Cannot delete: {error}"]


def config_apply(*, tenant: Any, document: Any, request: Any, dry_run: bool = False, prune: bool = False):
    """Apply ``document`` to the tenant's organization. Returns ``{"dry_run", "plan": {create, update,
    delete, unchanged}, "secrets"}`` (secrets: the one-time secrets of objects created, such as a webhook's
    signing secret or an agent's ingest token). Raises ``RuleViolation`` with every item's errors."""
    sections = _sections(document)
    with transaction.atomic():
        run = _Apply(tenant, request, prune)
        for kind in ordered_kinds():
            if kind.name in sections:
                run.section(kind, sections[kind.name])
        if prune and not run.errors:
            for kind in reversed(ordered_kinds()):  # what refers to others goes first
                if kind.name in sections:
                    run.prune_section(kind, sections[kind.name])
        if run.errors:
            transaction.set_rollback(True)
            raise RuleViolation("The configuration is invalid; nothing was changed.", details=run.errors)
        if dry_run:
            transaction.set_rollback(True)
    return {"dry_run": dry_run, "plan": run.plan, "secrets": [] if dry_run else run.secrets}
