"""OpenAPI generation that describes what the API really sends: the envelope, not bare objects."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

SINGULAR_ACTIONS = {"retrieve", "create", "update", "partial_update"}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`), with per-field messages in `error.details`.",
    "401": "No token, or an invalid, expired or revoked one (`authentication_failed`).",
    "403": "The role or API key scope does not allow this (`insufficient_permissions`).",
    "404": "No such object in your organization (`not_found`).",
}


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
        for media_type, body in response.get("content", {}).items():
            if "json" not in media_type or "schema" not in body:
                continue
            inner = body["schema"]
            if singular and action in SINGULAR_ACTIONS:
                inner = {"type": "object", "required": [singular], "properties": {singular: inner}}
            body["schema"] = success_envelope(inner)
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = ["400"] if public else ["400", "401", "403"]
        if "{" in self.path:
            codes.append("404")
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


def strip_optional_trailing_slash(endpoints, **kwargs):
    """Routes accept an optional trailing slash (``/?``); the schema names each path without it. The
    ``/api/...`` alias of ``/api/v1/...`` (for the uptime API document's clients) is left out: it is the
    same API."""
    return [
        (path.rstrip("/") or "/", regex, method, callback)
        for path, regex, method, callback in endpoints
        if path.startswith("/api/v1/") or not path.startswith("/api/")
    ]
