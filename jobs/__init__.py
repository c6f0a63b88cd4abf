"""Task definitions, job runs, queues, audits and runners."""
