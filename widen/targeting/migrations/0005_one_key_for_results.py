"""Rule set results keyed by (rule set, learner) alone, and no per-row learner constraint.

A learner's eligibility is worked out from the learner, so the results table is made again
rather than altered (Django cannot turn a table's key into a composite one): run
`widen targeting run` after migrating to work the results out again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0002_import_runs"),
        ("targeting", "0004_fewer_row_checks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="learnerareaprofile",
            name="learner",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="area_profile",
                serialize=False,
                to="learners.learner",
            ),
        ),
        migrations.DeleteModel(name="LearnerEligibility"),
        migrations.CreateModel(
            name="LearnerEligibility",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "rule_set",
                        "learner",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "rule_set",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="targeting.ruleset",
                    ),
                ),
                (
                    "learner",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="eligibility",
                        to="learners.learner",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="targeting.rulesetversion",
                    ),
                ),
                ("eligible", models.BooleanField()),
                ("explanation", models.TextField()),
                ("computed_at", models.DateTimeField()),
            ],
            options={"verbose_name_plural": "learner eligibility"},
        ),
    ]
