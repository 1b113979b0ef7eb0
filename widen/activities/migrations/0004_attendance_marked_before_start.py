from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_register_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="marked_before_start",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Last marked before the session's planned start, by someone who said it had "
                    "started early (each such mark is in the audit trail)."
                ),
            ),
        ),
    ]
