"""A search for duplicates waiting for the background worker keeps working after the duplicate
learners modules became one package: the job's stored path is moved to the new module."""

from django.db import migrations

OLD = "widen.learners.duplicate_tasks.duplicates_find_job"
NEW = "widen.learners.duplicates.tasks.duplicates_find_job"


def _move(apps, schema_editor, old, new):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.filter(task_path=old, status="READY").update(task_path=new)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0006_staged_upload_ledger"),
        (
            "django_tasks_database",
            "0019_rename_django_task_new_ordering_idx_tasks_db_new_ordering_idx_and_more",
        ),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
