"""The ping path: an ASGI app in front of Django for the URLs cron jobs hit (see ``app``)."""
