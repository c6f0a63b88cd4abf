"""Every change in the alerts domain goes through these modules: ``events`` (record and fan out),
``delivery`` (claim, send, record outcomes), ``channels`` and ``webhooks``."""
