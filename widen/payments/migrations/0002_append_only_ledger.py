"""The ledger is append-only in the database itself: no UPDATE, DELETE or TRUNCATE."""

from django.db import migrations

TABLE = "payments_ledgerentry"
MESSAGE = "ledger entries are append-only: record a reversing entry"


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{MESSAGE} ({TABLE})';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change();"
            )
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse_change();"
            )
        elif connection.vendor == "sqlite":
            for event in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({TABLE})'); END;"
                )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change();")
        elif connection.vendor == "sqlite":
            for event in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{event};")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
