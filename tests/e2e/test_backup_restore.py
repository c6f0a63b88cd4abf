"""Backup and restore as docs/operations.md tells it: ``pg_dump -Fc`` and ``pg_restore`` into an empty
database (PostgreSQL), or ``sqlite3 .backup`` of var/db.sqlite3 (embedded), then a platform started on the
restored copy serves what the original held: its monitors, a heartbeat's ping token and an API key."""

import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import Platform, _postgres_database

pytestmark = [pytest.mark.e2e]


def _back_up(platform: Platform, dump: Path) -> None:
    url = platform.env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True, timeout=120)
    else:
        database = platform.var_dir / "db.sqlite3"
        subprocess.run(["sqlite3", str(database), f".backup '{dump}'"], check=True, timeout=120)


def _restore(platform: Platform, dump: Path, var_dir: Path) -> tuple[dict[str, str], str | None]:
    """The environment of a platform on the restored copy, and the database it restored into."""
    env = {"SECRET_KEY": platform.env["SECRET_KEY"]}
    url = platform.env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        shutil.copy(dump, var_dir / "db.sqlite3")
        return env, None
    name = f"msp_restore_{uuid.uuid4().hex[:10]}"
    restored = _postgres_database(url, name, create=True)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored}", str(dump)], check=True, timeout=120)
    return {**env, "DATABASE_URL": restored}, name


def test_a_backup_restored_into_an_empty_database_serves_what_the_original_held(tmp_path_factory):
    original = Platform(tmp_path_factory.mktemp("orig"), extra_env={"SECRET_KEY": "backup-" + "s" * 43})
    restored_db = None
    copy = None
    try:
        original.start()
        original.wait_healthy()
        api = original.api()
        monitor = api.post("/monitors", json={"name": "site", "type": "website", "target": "https://a.test/"})
        heartbeat = api.post("/heartbeats", json={"name": "nightly", "run_interval": 86400})
        key = api.post("/api-keys", json={"name": "terraform", "scope": "read"}).json()["data"]["api_key"][
            "key"
        ]
        assert monitor.status_code == heartbeat.status_code == 201
        token = heartbeat.json()["data"]["heartbeat"]["token"]
        original.stop()

        dump = tmp_path_factory.mktemp("dump") / "backup.dump"
        _back_up(original, dump)
        var_dir = tmp_path_factory.mktemp("copy")
        env, restored_db = _restore(original, dump, var_dir)
        copy = Platform(var_dir, extra_env=env)
        copy.start()  # migrate finds nothing to do; the admin exists already
        copy.wait_healthy()
        reader = httpx.Client(base_url=f"{copy.url}/api/v1", headers={"Authorization": f"Bearer {key}"})
        monitors = reader.get("/monitors").json()["data"]["monitors"]
        assert [m["name"] for m in monitors] == ["site"]
        assert httpx.post(f"{copy.url}/ping/{token}").status_code == 200
        assert copy.api().get("/heartbeats").json()["data"]["heartbeats"][0]["last_ping_at"]
    finally:
        for platform in (copy, original):
            if platform is not None:
                platform.cleanup()
        if restored_db:
            _postgres_database(original.env["DATABASE_URL"], restored_db, create=False)
