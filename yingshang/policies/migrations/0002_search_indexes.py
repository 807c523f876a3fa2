"""Full-text index of policies: FTS5 on SQLite, a GIN index over to_tsvector('simple', …) on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS policies_search_fts USING fts5(segmented, tokenize='unicode61')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS policies_search_fts"
POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS policies_searchentry_tsv ON policies_searchentry "
    "USING GIN (to_tsvector('simple', segmented))"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS policies_searchentry_tsv"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_policy_library_matching_chain")]
    operations = [migrations.RunPython(create, drop)]
