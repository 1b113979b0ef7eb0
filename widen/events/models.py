"""Events people book onto without an account: information sessions, conferences, CPD, forums.

A `Booking` is reached by its holder through a one-time link (see `widen.core.links`): only the
SHA-256 of the token is stored. Its access requirements, reasonable adjustments, dietary needs and
whether the person attends as a care-experienced or disabled learner are special category data:
seen only by the organising organisation's admins and outreach officers, and blanked after the
event. The free text of the three is encrypted at rest (`widen.core.crypto`).
"""

from __future__ import annotations

from django.db import models

from widen.activities.models import Activity
from widen.audit.models import AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership


class EventKind(models.TextChoices):
    PARENTS_CARERS = "parents_carers", "Information session for parents and carers"
    ALTERNATIVE_PATHWAYS = "alternative_pathways", "Alternative pathways advice"
    CONFERENCE = "conference", "Conference"
    CPD = "cpd", "CPD for teachers and practitioners"
    SEMINAR = "seminar", "Seminar"
    FORUM = "forum", "Forum"
    CAMPUS = "campus", "Campus event"
    OTHER = "other", "Other event"


class Audience(models.TextChoices):
    LEARNERS = "learners", "Learners"
    PARENTS_CARERS = "parents_carers", "Parents and carers"
    TEACHERS = "teachers", "Teachers"
    STUDENTS = "students", "Students"
    STAFF = "staff", "Staff"
    PRACTITIONERS = "practitioners", "Practitioners"


class AttendeeType(models.TextChoices):
    LEARNER = "learner", "Learner"
    PARENT_CARER = "parent_carer", "Parent or carer"
    TEACHER = "teacher", "Teacher"
    STUDENT = "student", "Student"
    STAFF = "staff", "Staff"
    PRACTITIONER = "practitioner", "Practitioner"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def is_cancelled(self) -> bool:
        return self == BookingStatus.CANCELLED


# How a booking's status moves: a place on the waiting list is given a place when one frees up;
# a place or a place on the waiting list is cancelled. A new booking starts booked or waiting.
BOOKING_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "give_place", frozenset({BookingStatus.WAITING}), BookingStatus.BOOKED, "Give a place"
        ),
        Transition(
            "cancel",
            frozenset({BookingStatus.BOOKED, BookingStatus.WAITING}),
            BookingStatus.CANCELLED,
            "Cancel",
        ),
    ],
)


# The booking fields that are special category data.
ADJUSTMENT_FIELDS = (
    "access_requirements",
    "reasonable_adjustments",
    "dietary_needs",
    "care_experienced",
    "disabled",
)


class Event(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="events")
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="events_organised",
        help_text="The member organisation running the event.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    audiences = models.JSONField(default=list, blank=True, help_text="Who the event is for.")
    year_groups = models.JSONField(
        default=list, blank=True, help_text="For learners: the year groups it is for."
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places; leave empty for no limit."
    )
    is_public = models.BooleanField(
        default=True, help_text="Public events are listed; others need the invitation link."
    )
    invitation_token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    members_only = models.BooleanField(
        default=False,
        help_text="Only the members of a provider's support scheme may see and book it: never "
        "listed publicly, never through an invitation link.",
    )
    co_created_with = models.CharField(
        max_length=200,
        blank=True,
        help_text='For example "co-created with disabled and care-experienced learners".',
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="The activity whose session records attendance.",
    )
    created_by = done_by()
    adjustments_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_labels(self) -> list[str]:
        """Who the event is for, in words."""
        labels = dict(Audience.choices)
        return [str(labels.get(audience, audience)) for audience in self.audiences]

    @property
    def is_cpd(self) -> bool:
        """CPD for teachers: those who attended may download a certificate."""
        return self.kind == EventKind.CPD


class Strand(TimestampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="strands")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Talk(TimestampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="talks")
    strand = models.ForeignKey(
        Strand, on_delete=models.SET_NULL, null=True, blank=True, related_name="talks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return self.title


class PresenterRole(models.TextChoices):
    STUDENT = "student", "Student"
    STAFF = "staff", "Staff"


class Presenter(TimestampedModel):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="presenters")
    name = models.CharField(max_length=160)
    role = models.CharField(max_length=12, choices=PresenterRole.choices)
    job_title = models.CharField(max_length=160, blank=True, help_text="For example their course.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Booking(AuditedModel, TimestampedModel):
    """One person's place (or place on the waiting list) at an event."""

    audit_attnames = ("learner_id", "organisation_id")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    # The organiser at the time of booking, for scoping and the audit trail.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    email = models.EmailField(max_length=254)
    attendee_type = models.CharField(max_length=16, choices=AttendeeType.choices)
    learner = models.ForeignKey(
        Learner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_bookings",
        help_text="For a group booking by staff: the learner's record.",
    )
    booked_by = done_by()
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED, db_index=True
    )
    # Order on the waiting list: bookings wait in the order they were made.
    requested_at = models.DateTimeField(db_index=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    # Special category data (ADJUSTMENT_FIELDS); the free text is encrypted at rest.
    access_requirements = EncryptedTextField(blank=True)
    reasonable_adjustments = EncryptedTextField(blank=True)
    dietary_needs = EncryptedTextField(blank=True)
    care_experienced = models.BooleanField(
        default=False, help_text="Attending as a care-experienced learner."
    )
    disabled = models.BooleanField(default=False, help_text="Attending as a disabled learner.")
    agenda = models.ManyToManyField(Talk, blank=True, related_name="agenda_bookings")

    class Meta:
        ordering = ["requested_at"]
        indexes = [models.Index(fields=["event", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.name} at {self.event_id}: {self.status}"

    # What pages show from the booking's status (a template never compares it with a word).
    is_booked = StatusIs(BookingStatus.BOOKED)
    is_waiting = StatusIs(BookingStatus.WAITING)
    is_cancelled = StatusIs(BookingStatus.CANCELLED)
