"""The access log marks the entries written for a download (an export), and the alerts of
`widen watch run` are recorded, so the same hour is never alerted twice."""

import importlib
import uuid

from django.db import migrations, models

_triggers = importlib.import_module("widen.audit.migrations.0002_append_only_triggers")
TABLE = "audit_accesslogentry"


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds the table to add a column with a default, and its triggers go with the old
    one: put back the append-only triggers of migration 0002."""
    if schema_editor.connection.vendor != "sqlite":
        return
    _triggers.drop_triggers_on(schema_editor, (TABLE,))
    _triggers.create_triggers_on(schema_editor, (TABLE,))


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_state_changes")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="exported",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.CreateModel(
            name="WatchAlert",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("account_id", models.UUIDField(db_index=True)),
                ("account_username", models.CharField(blank=True, max_length=150)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("identities", "Read far more learners' identities than usual"),
                            ("exports", "Exported repeatedly"),
                        ],
                        max_length=20,
                    ),
                ),
                ("hour_starts_at", models.DateTimeField()),
                ("count", models.PositiveIntegerField()),
                ("threshold", models.PositiveIntegerField()),
                ("organisation_ids", models.JSONField(default=list)),
                ("recipients", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["-hour_starts_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("account_id", "kind", "hour_starts_at"),
                        name="one_watch_alert_per_hour",
                    )
                ],
            },
        ),
    ]
