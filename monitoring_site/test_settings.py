"""Settings for the test suite: the production settings with a private var/ and fast password hashing.

The suite talks to real services: the database of DATABASE_URL (else SQLite) and the Redis of REDIS_URL
(else an embedded Redis that tests/conftest.py starts on a socket under var/test/).
"""

import os
from pathlib import Path

os.environ.setdefault("VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from monitoring_site.settings import *  # noqa: F403
from monitoring_site.settings import REDIS_KEY_PREFIX

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES["default"]["KEY_PREFIX"] = f"{REDIS_KEY_PREFIX}:test"  # noqa: F405
# Connections opened in worker threads (database_sync_to_async) close after each use, so the test database
# can be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# SQLite: the test database is a file in WAL mode under the suite's var/, like the embedded production one.
# Django's default, a shared-cache in-memory database, takes table locks that the busy timeout does not
# cover ("database table is locked" when a worker thread writes while the test reads).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
# The test runner manages its own connections; the pool of production settings is exercised by the
# end-to-end tests, which run `manage.py up` with the real settings.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
# Tests point webhooks and channels at receivers they start on 127.0.0.1; the policy itself is tested with
# this overridden back to False.
ALLOW_PRIVATE_WEBHOOK_TARGETS = True
