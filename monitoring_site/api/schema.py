"""OpenAPI generation that describes what the API really sends: the envelope, not bare objects."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

SINGULAR_ACTIONS = {"retrieve", "create", "update", "partial_update"}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`), with per-field messages in `error.details`; an unknown "
    "query parameter or body field is one too.",
    "401": "No token, or an invalid, expired or revoked one (`authentication_failed`).",
    "403": "The role or API key scope does not allow this (`insufficient_permissions`).",
    "404": "No such object in your organization, or no such page (`not_found`, or the resource's own code).",
    "406": "The Accept header names no format this endpoint renders (`not_acceptable`).",
    "409": "The object's state forbids this (`conflict`, or the operation's own code).",
    "413": "The body is larger than the API accepts (`payload_too_large`).",
    "415": "The body is not JSON (`unsupported_media_type`).",
    "429": "Too many attempts (`rate_limited`); see the Retry-After header.",
    "503": "The database or Redis is unreachable (`service_unavailable`); retry after the Retry-After "
    "header's seconds.",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}


def keyed(component: str, **fields: serializers.Field) -> serializers.Serializer:
    """The schema of an answer that is an object of named parts inside the envelope (``{"types": [...]}``,
    ``{"job": {...}}``), as views answer: a list or an object is never bare in ``data``."""
    serializer = inline_serializer(component, fields)
    serializer._envelope_keyed = True  # type: ignore[attr-defined]  # already the whole of data
    return serializer


def success_envelope(data_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["status", "data", "meta"],
        "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "data": data_schema,
            "meta": {"$ref": "#/components/schemas/Meta"},
        },
    }


class EnvelopeAutoSchema(AutoSchema):
    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is not None:
            paginator.view = self.view
        return paginator

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if not str(status_code).startswith("2"):
            return response
        singular = getattr(self.view, "envelope_singular", None)
        action = getattr(self.view, "action", None)
        keyed_already = getattr(serializer, "_envelope_keyed", False)
        wrapped = not keyed_already and (action in SINGULAR_ACTIONS or self._is_own_object(serializer))
        for media_type, body in response.get("content", {}).items():
            if "json" not in media_type or "schema" not in body:
                continue
            inner = body["schema"]
            if singular and wrapped:
                inner = {"type": "object", "required": [singular], "properties": {singular: inner}}
            body["schema"] = success_envelope(inner)
        return response

    def _is_own_object(self, serializer) -> bool:
        """An action answering with the viewset's own serializer (``envelope_one``: a monitor's ``pause``)
        sends ``{singular: object}``, like retrieve does."""
        action = getattr(self.view, "action", None)
        if action is None or action == "list" or serializer is None or getattr(serializer, "many", False):
            return False
        default = self._get_serializer()
        return default is not None and type(serializer) is type(default)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = ["400", "401", "404", "406", "429", "503"]
        if not public:
            codes.append("403")
        if self.method in BODY_METHODS | {"DELETE"}:
            codes.append("409")
        if self.method in BODY_METHODS:
            codes += ["413", "415"]
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
                    },
                },
            )
        return responses


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "monitoring_site.accounts.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization API key: `Bearer msk_...`.",
        }


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "monitoring_site.accounts.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /api/v1/auth/login.",
        }


def closed_request_bodies(result, generator, request, public):
    """Request bodies refuse fields they do not name (a 400 naming them), so their schemas say
    ``additionalProperties: false``; answers may grow keys, so theirs stay open."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object" and "properties" in component:
            component.setdefault("additionalProperties", False)
    return result


def strip_optional_trailing_slash(endpoints, **kwargs):
    """Routes accept an optional trailing slash (``/?``); the schema names each path without it. The
    ``/api/...`` alias of ``/api/v1/...`` (for the uptime API document's clients) is left out: it is the
    same API."""
    return [
        (path.rstrip("/") or "/", regex, method, callback)
        for path, regex, method, callback in endpoints
        if path.startswith("/api/v1/") or not path.startswith("/api/")
    ]
