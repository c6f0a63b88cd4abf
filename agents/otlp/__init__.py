"""OTLP/HTTP receivers (``/v1/traces``, ``/v1/logs``, ``/v1/metrics``): a protocol surface like the
compatibility surfaces, decoding with the official ``opentelemetry-proto`` definitions and mapping onto the
agents' and metrics' services (docs/opentelemetry.md)."""
