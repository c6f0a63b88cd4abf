"""Active checks, host stats, heartbeats, incidents, status pages and badges."""
