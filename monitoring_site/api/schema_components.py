"""OpenAPI components shared by every endpoint (added through SPECTACULAR_SETTINGS)."""

COMPONENTS = {
    "Meta": {
        "type": "object",
        "required": ["timestamp"],
        "properties": {"timestamp": {"type": "string", "format": "date-time"}},
    },
    "Pagination": {
        "type": "object",
        "required": ["current_page", "per_page", "total_pages", "total_items", "has_next", "has_previous"],
        "properties": {
            "current_page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "total_items": {"type": "integer"},
            "has_next": {"type": "boolean"},
            "has_previous": {"type": "boolean"},
        },
    },
    "ErrorStatus": {"type": "string", "enum": ["error"]},
    "ErrorEnvelope": {
        "type": "object",
        "required": ["status", "error", "meta"],
        "properties": {
            # A $ref, not an inline enum: drf-spectacular's enum hook would move an inline one into a
            # component of its own by editing this dict, and the next schema would then miss it.
            "status": {"$ref": "#/components/schemas/ErrorStatus"},
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string", "example": "validation_error"},
                    "message": {"type": "string"},
                    "details": {
                        "type": "object",
                        "additionalProperties": True,
                        "description": "Field name to a list of messages, for validation errors.",
                    },
                },
            },
            "meta": {"$ref": "#/components/schemas/Meta"},
        },
    },
}
