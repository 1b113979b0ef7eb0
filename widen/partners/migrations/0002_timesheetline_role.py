"""A timesheet line names the role the work was done in.

Lines kept from before: a shift's line takes its shift's role; a line the partner added takes
the role its description names ("Student ambassador: Preparing a talk") when exactly one of the
provider's roles has that title. Any other line keeps no role and works as before.
"""

import django.db.models.deletion
from django.db import migrations, models

SEPARATOR = ": "


def _fill_roles(apps, schema_editor):
    TimesheetLine = apps.get_model("partners", "TimesheetLine")
    Role = apps.get_model("partners", "Role")
    shift_role = models.Subquery(
        TimesheetLine.objects.filter(pk=models.OuterRef("pk")).values("assignment__shift__role_id")[
            :1
        ]
    )
    TimesheetLine.objects.filter(role__isnull=True, assignment__isnull=False).update(
        role_id=shift_role
    )
    added = TimesheetLine.objects.filter(role__isnull=True, assignment__isnull=True).values_list(
        "pk", "description", "timesheet__pay_period__organisation_id"
    )
    for pk, description, organisation_id in added.iterator():
        title, separator, _ = description.partition(SEPARATOR)
        if not separator:
            continue
        roles = list(
            Role.objects.filter(organisation_id=organisation_id, title=title).values_list(
                "pk", flat=True
            )[:2]
        )
        if len(roles) == 1:
            TimesheetLine.objects.filter(pk=pk).update(role_id=roles[0])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_partners"),
    ]

    operations = [
        migrations.AddField(
            model_name="timesheetline",
            name="role",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The role the work was done in "
                    "(empty on some lines recorded before roles were kept)."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="timesheet_lines",
                to="partners.role",
            ),
        ),
        migrations.RunPython(_fill_roles, migrations.RunPython.noop),
    ]
