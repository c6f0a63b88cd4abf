"""var/ holds secrets (the SQLite database with webhook secrets, channel credentials and refresh tokens,
the signing key): the directory is 0700 and the files 0600, the WAL and shared-memory files included."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITE = """
import json, os, stat
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x int)")
    cursor.execute("INSERT INTO t VALUES (1)")
    # While the connection is open the WAL and shared-memory files exist.
    var = Path(settings.VAR_DIR)
    names = ["db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "secret_key"]
    print(json.dumps({name: stat.S_IMODE((var / name).stat().st_mode) for name in names}))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_and_the_sqlite_files_are_private(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="monitoring_site.settings")
    # A permissive umask, as on many desktops: the platform must not depend on it.
    done = subprocess.run(
        [sys.executable, "-c", f"import os; os.umask(0o022); exec({WRITE!r})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert mode(var) == 0o700
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    assert modes == dict.fromkeys(modes, 0o600) and len(modes) == 4, {k: oct(v) for k, v in modes.items()}
