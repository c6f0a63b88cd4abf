from django.contrib import admin

from agents.models import (
    Agent,
    AgentControl,
    AgentFleetRollup,
    AgentLog,
    AgentRequestEvent,
    AgentRollup,
    AgentStatusChange,
    ModelPrice,
    ServiceRollup,
    TraceSpan,
)
from monitoring_site.admin_services import ServiceOwnedAdmin


@admin.register(Agent)
class AgentAdmin(ServiceOwnedAdmin):
    list_display = ["name", "organization", "type", "version", "status", "last_heartbeat_at"]
    list_filter = ["status", "type", "organization"]
    search_fields = ["name", "type", "location"]
    readonly_fields = [
        "ingest_token_hash",
        "ingest_token_prefix",
        "status",
        "reported_status",
        "started_at",
        "last_heartbeat_at",
        "offline_at",
        "health_checks",
        "dependencies",
        "created_at",
        "updated_at",
    ]


@admin.register(ModelPrice)
class ModelPriceAdmin(ServiceOwnedAdmin):
    list_display = ["model", "organization", "input_per_million_usd", "output_per_million_usd", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["model"]


@admin.register(AgentRequestEvent)
class AgentRequestEventAdmin(ServiceOwnedAdmin):
    list_display = ["agent", "timestamp", "model", "latency_ms", "input_tokens", "output_tokens", "success"]
    list_filter = ["success"]
    search_fields = ["request_id", "model", "error_type", "trace_id"]
    list_select_related = ["agent"]
    readonly_fields = [f.name for f in AgentRequestEvent._meta.fields]


@admin.register(TraceSpan)
class TraceSpanAdmin(ServiceOwnedAdmin):
    """Spans received over OTLP (read-only: the receivers write them)."""

    list_display = ["trace_id", "name", "service", "agent", "start", "duration_ms", "error"]
    list_filter = ["error", "kind"]
    search_fields = ["trace_id", "name", "service"]
    list_select_related = ["agent"]
    readonly_fields = [f.name for f in TraceSpan._meta.fields]


@admin.register(ServiceRollup)
class ServiceRollupAdmin(ServiceOwnedAdmin):
    """Per-service rollups of OTLP entry spans (written at ingestion)."""

    list_display = ["organization_id", "service", "resolution", "start", "count", "failures"]
    list_filter = ["resolution"]
    search_fields = ["service"]
    date_hierarchy = "start"


@admin.register(AgentControl)
class AgentControlAdmin(ServiceOwnedAdmin):
    list_display = ["agent", "action", "by", "reason", "issued_at", "delivered_at", "acknowledged_at"]
    list_filter = ["action"]
    search_fields = ["agent__name", "reason", "by"]
    list_select_related = ["agent"]
    readonly_fields = [f.name for f in AgentControl._meta.fields]


@admin.register(AgentLog)
class AgentLogAdmin(ServiceOwnedAdmin):
    list_display = ["timestamp", "level", "agent", "message", "trace_id"]
    list_filter = ["level"]
    search_fields = ["message", "trace_id"]
    list_select_related = ["agent"]
    readonly_fields = [f.name for f in AgentLog._meta.fields]


@admin.register(AgentStatusChange)
class AgentStatusChangeAdmin(ServiceOwnedAdmin):
    list_display = ["agent", "at", "previous_status", "status"]
    list_filter = ["status"]
    list_select_related = ["agent"]


@admin.register(AgentRollup)
class AgentRollupAdmin(ServiceOwnedAdmin):
    list_display = [
        "agent",
        "resolution",
        "start",
        "model",
        "count",
        "failures",
        "input_tokens",
        "output_tokens",
    ]
    list_filter = ["resolution"]
    list_select_related = ["agent"]


@admin.register(AgentFleetRollup)
class AgentFleetRollupAdmin(ServiceOwnedAdmin):
    """The organization-wide rollups the fleet dashboard reads (written at ingestion)."""

    list_display = ["organization_id", "resolution", "start", "model", "shard", "count", "failures"]
    list_filter = ["resolution"]
    date_hierarchy = "start"
