from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "widen.events"
    label = "events"

    def ready(self) -> None:
        from widen.learners.merging import MERGE_RULES, MergeRule, move  # noqa: PLC0415

        # A booking made for a learner recorded twice follows the kept record.
        MERGE_RULES["events.Booking.learner"] = MergeRule(
            move, "moved to the kept learner (the booking keeps its details)"
        )
