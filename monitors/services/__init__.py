"""Every change in the monitors domain: ``scheduling`` (claim due monitors, run batches),
``transitions`` (results, status changes, incidents, events) and ``monitors`` (create, pause, ...)."""
