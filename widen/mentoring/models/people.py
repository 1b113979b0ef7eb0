"""Who takes part in mentoring: programmes, mentors and mentees, and pairs never to be made.

* A **mentoring programme** is run by an organisation (a university for its students; a
  partnership's programme for school pupils): its cohort dates, the weights its matching gives
  each criterion, what it expects of meetings and how often it checks in.
* A **mentor** is a professional or alumna/alumnus held by an organisation, signed in with their
  own account; what they offer (industries, career path, lived experience they are willing to
  share) and their checks (code of conduct, training, an enhanced DBS check before anyone under
  18). They apply to a programme with the number of mentees they can take (`ProgrammeMentor`).
* A **mentee** is a student or a pupil (never both) who applied to a programme: what they want
  from mentoring, and which of their own characteristics they chose to show their mentor.
* A **never pair** is a mentor and mentee who must not be matched (a declared conflict, the same
  family, a relationship that ended badly).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by, once_when_set
from widen.core.workflows import Transition, Workflow


class MenteesAre(models.TextChoices):
    STUDENTS = "students", "Students"
    PUPILS = "pupils", "School pupils"


class Mode(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"


class LivedExperience(models.TextChoices):
    """Backgrounds a mentor may be willing to share, and a mentee may want shared."""

    FIRST_IN_FAMILY = "first_in_family", "First in family to go to university"
    CARE_EXPERIENCED = "care_experienced", "Care experienced"
    ESTRANGED = "estranged", "Estranged from family"
    FREE_SCHOOL_MEALS = "free_school_meals", "Had free school meals"
    YOUNG_CARER = "young_carer", "A young carer"
    DISABLED = "disabled", "Disabled"
    NEURODIVERGENT = "neurodivergent", "Neurodivergent"


# Lived experience that is about health: special category data (UK GDPR Article 9).
HEALTH_EXPERIENCE = frozenset({LivedExperience.DISABLED, LivedExperience.NEURODIVERGENT})


def both_modes() -> list[str]:
    return [Mode.ONLINE.value, Mode.IN_PERSON.value]


def default_weights() -> dict[str, int]:
    """The matching's own default points for each criterion."""
    from widen.mentoring.matching import CRITERIA, Weights  # noqa: PLC0415 - numpy, only here

    weights = Weights()
    return {criterion: getattr(weights, criterion) for criterion in CRITERIA}


def _codes(help_text: str, *, default: Any = list) -> models.JSONField[Any]:
    return models.JSONField(default=default, blank=True, help_text=help_text)


class MentoringProgramme(AuditedModel, TimestampedModel):
    """A cohort of mentees matched with mentors, run by one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="mentoring_programmes",
        help_text="The organisation that runs the programme.",
    )
    partnership = models.ForeignKey(
        "organisations.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_programmes",
        help_text="The partnership a programme for school pupils runs in.",
    )
    name = models.CharField(max_length=120)
    purpose = models.TextField(
        blank=True, max_length=4000, help_text="What the programme is for, as mentors read it."
    )
    mentees_are = models.CharField(
        "Mentees are", max_length=8, choices=MenteesAre.choices, default=MenteesAre.STUDENTS
    )
    cohort_starts_on = models.DateField("The cohort starts on", null=True, blank=True)
    cohort_ends_on = models.DateField("The cohort ends on", null=True, blank=True)
    weights = models.JSONField(
        default=default_weights,
        help_text="How many points each matching criterion is worth (whole numbers).",
    )
    meeting_expectations = models.TextField(
        blank=True,
        max_length=2000,
        help_text='How often and how long pairs meet, for example "an hour a month, online or '
        'in person".',
    )
    check_in_weeks = models.PositiveSmallIntegerField(
        "Check in every (weeks)",
        default=4,
        help_text="How often each pair is asked how it is going.",
    )
    quiet_after_weeks = models.PositiveSmallIntegerField(
        "Going quiet after (weeks)",
        default=4,
        help_text="A pair with no meeting for this long is shown to the coordinator as going "
        "quiet.",
    )
    is_open = models.BooleanField(
        "Open to applications", default=True, help_text="Mentors and mentees may apply."
    )
    mentees_must_belong_to = models.CharField(
        "Mentees must belong to",
        max_length=80,
        blank=True,
        help_text="Only students in this group may apply as mentees, for example the members "
        "of a support scheme (none: any of the organisation's students).",
    )
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_programmes",
        help_text="The programme's activity in its partnership's catalogue: the surveys before "
        "and after it measure the programme's outcomes in the evaluation report.",
    )
    created_by = done_by()

    audit_attnames = (NO_LEARNER, "organisation_id")

    class Meta:
        ordering = ["organisation", "-cohort_starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="mentoring_programme_name_once"
            ),
            models.CheckConstraint(
                condition=Q(cohort_starts_on__isnull=True)
                | Q(cohort_ends_on__isnull=True)
                | Q(cohort_ends_on__gte=F("cohort_starts_on")),
                name="mentoring_cohort_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(mentees_are=MenteesAre.STUDENTS) | Q(partnership__isnull=False),
                name="mentoring_pupils_in_a_partnership",
            ),
            models.CheckConstraint(
                condition=Q(check_in_weeks__gte=1) & Q(quiet_after_weeks__gte=1),
                name="mentoring_weeks_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mentor(AuditedModel, TimestampedModel):
    """A professional or alumna/alumnus who offers their time, held by one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="mentoring_mentors",
        help_text="The organisation that holds the mentor's record and checks.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentoring_mentors",
        help_text="The mentor's own account (they sign in with a link or a passkey).",
    )
    employer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Their employer, when it is an organisation of the partnership.",
    )
    employer_name = models.CharField(
        max_length=200, blank=True, help_text="Who they work for, in their words."
    )
    industries = _codes("The industries and sectors they work in.")
    career_path = _codes('The careers they can talk about, for example "audit", "law".')
    job_role = models.CharField(max_length=200, blank=True)
    is_alumnus = models.BooleanField("Alumna or alumnus", default=False)
    studied_at = models.CharField(max_length=200, blank=True)
    studied_subject = models.CharField("What they studied", max_length=200, blank=True)
    location = models.CharField(
        max_length=120, blank=True, help_text="The town or city where they can meet in person."
    )
    modes = _codes("How they can meet: online, in person or both.", default=both_modes)
    languages = _codes("Languages they can mentor in.")
    availability = _codes('When they are free, for example "tue-evening".')
    lived_experience = _codes(
        "Backgrounds they are willing to share with a mentee (first in family, care "
        "experienced...); shown to mentees only as the matching's reasons."
    )
    preferences = models.TextField(
        blank=True, max_length=2000, help_text="Anything else about who they would like to mentor."
    )
    code_of_conduct_agreed_on = models.DateField(null=True, blank=True)
    training_completed_on = models.DateField(null=True, blank=True)
    dbs_certificate_number = EncryptedTextField(
        "Enhanced DBS certificate number", blank=True, default=""
    )
    dbs_issued_on = models.DateField("DBS certificate issued on", null=True, blank=True)
    dbs_update_service = models.BooleanField(
        "On the DBS update service",
        default=False,
        help_text="The certificate can be checked online at any time.",
    )
    dbs_checked_by = done_by()
    dbs_checked_on = models.DateField("DBS certificate checked on", null=True, blank=True)

    audit_attnames = (NO_LEARNER, "organisation_id")
    audit_excluded_fields = frozenset({"created_at", "updated_at", "dbs_certificate_number"})

    class Meta:
        ordering = ["organisation", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="mentoring_mentor_once"),
        ]

    def __str__(self) -> str:
        return f"Mentor {self.job_role or self.pk}"

    @property
    def may_mentor_under_18(self) -> bool:
        """An enhanced DBS check is recorded: its number, when it was issued, when it was
        checked."""
        return bool(
            self.dbs_certificate_number
            and self.dbs_issued_on is not None
            and self.dbs_checked_on is not None
        )


class _InProgramme(AuditedModel):
    """A row of one programme: its organisation holds it."""

    programme: models.ForeignKey[Any, Any]

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        abstract = True

    def audit_organisation_id(self) -> Any:
        return self.programme.organisation_id


class ProgrammeMentorStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


PROGRAMME_MENTOR_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "approve",
            frozenset({ProgrammeMentorStatus.APPLIED}),
            ProgrammeMentorStatus.APPROVED,
            "Approve",
        ),
        Transition(
            "decline",
            frozenset({ProgrammeMentorStatus.APPLIED}),
            ProgrammeMentorStatus.DECLINED,
            "Decline",
        ),
        Transition(
            "withdraw",
            frozenset({ProgrammeMentorStatus.APPLIED, ProgrammeMentorStatus.APPROVED}),
            ProgrammeMentorStatus.WITHDRAWN,
            "Withdraw",
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class ProgrammeMentor(_InProgramme, TimestampedModel):
    """A mentor's place in a programme and how many mentees they can take in it."""

    programme = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="mentors"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="programmes")
    capacity = models.SmallIntegerField(
        default=1, help_text="How many mentees they can take in this programme."
    )
    status = models.CharField(
        max_length=10, choices=ProgrammeMentorStatus.choices, default=ProgrammeMentorStatus.APPLIED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    class Meta:
        ordering = ["programme", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentor"], name="mentoring_mentor_once_a_programme"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="mentoring_capacity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} in {self.programme}"

    is_applied = StatusIs(ProgrammeMentorStatus.APPLIED)
    is_approved = StatusIs(ProgrammeMentorStatus.APPROVED)


class MenteeStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


MENTEE_WORKFLOW = Workflow(
    "status",
    [
        Transition("accept", frozenset({MenteeStatus.APPLIED}), MenteeStatus.ACCEPTED, "Accept"),
        Transition("decline", frozenset({MenteeStatus.APPLIED}), MenteeStatus.DECLINED, "Decline"),
        Transition(
            "withdraw",
            frozenset({MenteeStatus.APPLIED, MenteeStatus.ACCEPTED}),
            MenteeStatus.WITHDRAWN,
            "Withdraw",
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Mentee(_InProgramme, TimestampedModel):
    """A student or a pupil (never both) in a programme, and what they want from mentoring.

    Whether they are under 18 is read from their student or learner record, never kept here."""

    programme = models.ForeignKey(
        MentoringProgramme, on_delete=models.PROTECT, related_name="mentees"
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_mentees",
    )
    learner = models.ForeignKey(
        "learners.Learner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_mentees",
        help_text="The pupil's learner record, in a partnership's programme.",
    )
    status = models.CharField(
        max_length=10, choices=MenteeStatus.choices, default=MenteeStatus.APPLIED
    )
    goals = models.TextField(
        blank=True, max_length=2000, help_text="What they would like from mentoring."
    )
    industries = _codes("The industries they are interested in.")
    careers = _codes("The careers they are interested in.")
    location = models.CharField(
        max_length=120, blank=True, help_text="The town or city where they can meet in person."
    )
    modes = _codes("How they can meet: online, in person or both.", default=both_modes)
    availability = _codes('When they are free, for example "tue-evening".')
    languages = _codes("Languages they would like to be mentored in.")
    wants_shared = _codes(
        "Backgrounds they would like their mentor to share, if possible (first in family...)."
    )
    shared_with_mentor = _codes(
        "Which of their own characteristics they chose to show their mentor; a mentor never "
        "sees more."
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()
    # A pupil signs in only once a coordinator invited them, with consent recorded.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_pupil_places",
        help_text="A pupil's own sign-in (an account with no staff role), once invited.",
    )
    consent_given_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who agreed to the pupil taking part through Widen: a parent or carer "
        "(name and relationship), or the pupil themselves from 16.",
    )
    consent_given_on = models.DateField(null=True, blank=True)
    consent_recorded_by = done_by()

    audit_attnames = ("learner_id", "")

    class Meta:
        ordering = ["programme", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(student__isnull=False) & Q(learner__isnull=True))
                | (Q(student__isnull=True) & Q(learner__isnull=False)),
                name="mentoring_mentee_is_a_student_or_a_pupil",
            ),
            once_when_set(
                "programme", "student", when_set="student", name="mentoring_student_once"
            ),
            once_when_set("programme", "learner", when_set="learner", name="mentoring_pupil_once"),
            models.CheckConstraint(
                condition=Q(user__isnull=True)
                | (Q(learner__isnull=False) & Q(consent_given_on__isnull=False)),
                name="mentoring_only_a_pupil_with_consent_signs_in",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"Mentee in {self.programme}"

    @property
    def own_account(self) -> Any:
        """The account the mentee signs in with: their student record's, or the sign-in a pupil
        was invited to (None: they have none)."""
        if self.student_id is not None:
            return self.student.user if self.student is not None else None
        return self.user

    def contact(self) -> tuple[Any, str]:
        """Where the mentee is told things: the account they sign in with, else a student's
        contact address (neither: a pupil not invited to sign in, whom their school tells)."""
        account = self.own_account
        student = self.student
        address = student.email if account is None and student is not None else ""
        return account, address

    is_applied = StatusIs(MenteeStatus.APPLIED)
    is_accepted = StatusIs(MenteeStatus.ACCEPTED)


class NeverPairReason(models.TextChoices):
    CONFLICT = "conflict", "A declared conflict of interest"
    SAME_FAMILY = "same_family", "The same family"
    ENDED_BADLY = "ended_badly", "A previous relationship ended badly"
    OTHER = "other", "Another reason"


class NeverPair(_InProgramme):
    """A mentor and a mentee the matching must never pair."""

    programme = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="never_pairs"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="never_pairs")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="never_pairs")
    reason = models.CharField(max_length=12, choices=NeverPairReason.choices)
    note = models.TextField(
        blank=True, max_length=1000, help_text="What coordinators should know (seen only by them)."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = done_by()

    class Meta:
        ordering = ["programme", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee"], name="mentoring_never_pair_once"),
        ]

    def __str__(self) -> str:
        return f"Never pair: {self.get_reason_display()}"
