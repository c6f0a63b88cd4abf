"""The response envelope of every JSON answer of ``/api/v1`` (DESIGN section 5)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def now_iso() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


def success(data: Any) -> dict[str, Any]:
    return {"status": "success", "data": data, "meta": {"timestamp": now_iso()}}


def error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "status": "error",
        "error": {"code": code, "message": message, "details": details or {}},
        "meta": {"timestamp": now_iso()},
    }
