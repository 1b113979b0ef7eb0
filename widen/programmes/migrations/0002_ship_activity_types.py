"""The activity types and sub-types Widen ships (`widen.programmes.catalogue`)."""

from django.db import migrations


def ship_catalogue(apps, schema_editor):
    from widen.programmes.catalogue import ACTIVITY_TYPES

    activity_type_model = apps.get_model("programmes", "ActivityType")
    sub_type_model = apps.get_model("programmes", "ActivitySubType")
    for position, shipped in enumerate(ACTIVITY_TYPES):
        activity_type, _ = activity_type_model.objects.update_or_create(
            key=shipped.key,
            defaults={
                "name": shipped.name,
                "intended_outcomes": list(shipped.outcomes),
                "position": position,
            },
        )
        for name in shipped.sub_types:
            sub_type_model.objects.get_or_create(
                activity_type=activity_type, partnership=None, name=name
            )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(ship_catalogue, migrations.RunPython.noop)]
