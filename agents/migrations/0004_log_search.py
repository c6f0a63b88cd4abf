"""Full-text search of log lines with the database's own index: on SQLite an external-content FTS5 table
kept in step by triggers, on Postgres a stored tsvector column with a GIN index."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE agents_agentlog_fts USING fts5(message, content='agents_agentlog', content_rowid='id')",
    "CREATE TRIGGER agents_agentlog_fts_insert AFTER INSERT ON agents_agentlog BEGIN "
    "INSERT INTO agents_agentlog_fts(rowid, message) VALUES (new.id, new.message); END",
    "CREATE TRIGGER agents_agentlog_fts_delete AFTER DELETE ON agents_agentlog BEGIN "
    "INSERT INTO agents_agentlog_fts(agents_agentlog_fts, rowid, message) VALUES ('delete', old.id, old.message); END",
    "CREATE TRIGGER agents_agentlog_fts_update AFTER UPDATE OF message ON agents_agentlog BEGIN "
    "INSERT INTO agents_agentlog_fts(agents_agentlog_fts, rowid, message) VALUES ('delete', old.id, old.message); "
    "INSERT INTO agents_agentlog_fts(rowid, message) VALUES (new.id, new.message); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER agents_agentlog_fts_update",
    "DROP TRIGGER agents_agentlog_fts_delete",
    "DROP TRIGGER agents_agentlog_fts_insert",
    "DROP TABLE agents_agentlog_fts",
]
POSTGRES = [
    "ALTER TABLE agents_agentlog ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', message)) STORED",
    "CREATE INDEX agentlog_search_idx ON agents_agentlog USING GIN (search_vector)",
]
POSTGRES_REVERSE = ["DROP INDEX agentlog_search_idx", "ALTER TABLE agents_agentlog DROP COLUMN search_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("agents", "0003_logs")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
