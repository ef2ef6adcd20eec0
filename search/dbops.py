"""Migration operations that exist on one database only. The migration state records them on every database,
so ``makemigrations`` sees the models and the migrations agree; only PostgreSQL (or SQLite) gets the SQL."""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """A PostgreSQL index (GIN, trigram) that SQLite cannot make; the SQLite backend searches its FTS5 table."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"


def _run_on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def sqlite_sql(forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    """Statements run on SQLite only (a no-op on PostgreSQL)."""
    return migrations.RunPython(_run_on_sqlite(forwards), _run_on_sqlite(backwards))
