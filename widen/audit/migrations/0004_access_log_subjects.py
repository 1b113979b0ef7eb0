"""The access log names what was seen: a learner, or another record with special category data
(an event booking), whose learner is named only when it has a learner record."""

from django.db import migrations, models

TABLE = "audit_accesslogentry"


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds the table to change a column, and its triggers go with the old one: put
    back the append-only triggers of migration 0002."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for event in ("UPDATE", "DELETE"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{event.lower()};")
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only ({TABLE})'); END;"
            )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_merge_action")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="subject_id",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="subject_type",
            field=models.CharField(default="learners.learner", max_length=100),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="learner_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
