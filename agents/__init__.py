"""The AI-agent fleet: heartbeats, telemetry, cost, controls and logs."""
