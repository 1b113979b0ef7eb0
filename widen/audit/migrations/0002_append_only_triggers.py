"""Make the audit tables append-only in the database itself (SECURITY 23)."""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_accesslogentry")


def create_triggers(apps, schema_editor):
    create_triggers_on(schema_editor, TABLES)


def create_triggers_on(schema_editor, tables):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""
                    CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
                    BEGIN
                        RAISE EXCEPTION 'audit records are append-only ({table})';
                    END;
                    $$ LANGUAGE plpgsql;
                    """
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change();"
                )
            elif connection.vendor == "sqlite":
                for event in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only ({table})'); END;"
                    )


def drop_triggers(apps, schema_editor):
    drop_triggers_on(schema_editor, TABLES)


def drop_triggers_on(schema_editor, tables):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change();")
            elif connection.vendor == "sqlite":
                for event in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event};")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
