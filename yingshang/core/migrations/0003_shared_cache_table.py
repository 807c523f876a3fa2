"""The table behind the database cache (CACHE_URL=database, and production without Redis).

Created on every database so that switching CACHE_URL never needs a separate `createcachetable` step; it holds no
business records (backups skip it: it is not a model).
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "yingshang_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_drop_redundant_indexes")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
