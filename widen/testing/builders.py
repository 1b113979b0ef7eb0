"""The build steps the test world, the browser tests' set-up scripts, the report world and the
benchmarks share: organisations, a partnership with its members, a data-sharing agreement, a
signed-in person, a published scale and an open survey. Each writes rows straight to the
database (the caller binds the request context it wants recorded in the audit)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import Membership, User
from widen.activities.models import Activity, Session
from widen.evaluation.models import (
    Scale,
    ScaleItem,
    ScaleSource,
    ScaleStatus,
    Survey,
    SurveyTiming,
)
from widen.evaluation.services import (
    QuestionDetails,
    SurveyDetails,
    question_add,
    survey_create,
    survey_open,
    survey_scale_add,
)
from widen.organisations.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
    SpecialCategoryCondition,
)
from widen.programmes.models import ActivitySubType

AGREEMENTS_START = date(2020, 9, 1)


def university(name: str, ukprn: str) -> Organisation:
    return Organisation.objects.create(
        name=name, organisation_type=OrganisationType.HE_PROVIDER, ukprn=ukprn
    )


def school(
    name: str, urn: str, *, local_authority: str = "Newham", postcode: str = "E15 1AA"
) -> Organisation:
    """A secondary school (in Newham unless told otherwise)."""
    return Organisation.objects.create(
        name=name,
        organisation_type=OrganisationType.SCHOOL,
        urn=urn,
        phase="Secondary",
        local_authority=local_authority,
        postcode=postcode,
    )


def partnership_with_members(
    name: str, *, lead: Organisation, members: Iterable[Organisation]
) -> Partnership:
    """A partnership led by `lead` whose members are `members` (the lead among them or not)."""
    partnership = Partnership.objects.create(name=name, lead_organisation=lead)
    for organisation in members:
        PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    return partnership


def agreement_between(
    partnership: Partnership,
    parties: Sequence[Organisation],
    *,
    title: str,
    purpose: str,
    special_category: bool,
) -> DataSharingAgreement:
    """An agreement of `partnership`, from 1 September 2020, sharing identity and
    characteristics (and special category data under the equality condition when
    `special_category`) between `parties`."""
    agreement = DataSharingAgreement.objects.create(
        partnership=partnership,
        title=title,
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=special_category,
        purpose=purpose,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_category_condition=(
            SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_EQUALITY
            if special_category
            else ""
        ),
        starts_on=AGREEMENTS_START,
    )
    agreement.parties.set(parties)
    return agreement


def person(
    username: str,
    organisation: Organisation | None,
    role: str | None,
    *,
    password: str | None,
    device_name: str,
    device_key: str | None = None,
) -> User:
    """A user (first name from `username`'s first part) with a confirmed authenticator, a
    member of `organisation` in `role` when both are given; no password when `password` is
    None, a random authenticator key when `device_key` is None."""
    user = User(username=username, first_name=username.split(".")[0].capitalize())
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    if organisation is not None and role is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    device: dict[str, Any] = {"key": device_key} if device_key is not None else {}
    TOTPDevice.objects.create(user=user, name=device_name, confirmed=True, **device)
    return user


def member_where(username: str) -> tuple[User, Organisation, Partnership]:
    """The user called `username`, the organisation they are a member of and its (first)
    partnership: where a set-up script makes what it makes."""
    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    partnership = membership.organisation.partnerships.first()
    if partnership is None:
        raise LookupError(f"{username}'s organisation is in no partnership.")
    return membership.user, membership.organisation, partnership


def published_scale(
    partnership: Partnership,
    *,
    key: str,
    name: str = "Confidence about university",
    item: str = "I could see myself at university.",
) -> Scale:
    """A partnership's own published scale of one item, answered 1 to 5."""
    scale = Scale.objects.create(
        partnership=partnership,
        key=key,
        name=name,
        source=ScaleSource.PARTNERSHIP,
        response_options=[{"value": v, "label": str(v)} for v in range(1, 6)],
    )
    ScaleItem.objects.create(scale=scale, position=1, text=item)
    Scale.objects.filter(pk=scale.pk).update(
        status=ScaleStatus.PUBLISHED, published_at=timezone.now()
    )
    scale.refresh_from_db()
    return scale


def open_survey(
    *,
    actor: User,
    partnership: Partnership,
    details: SurveyDetails,
    questions: Iterable[QuestionDetails],
    scale: Scale,
) -> Survey:
    """A survey made, given `questions` and then `scale`, and opened, through the services."""
    survey = survey_create(actor=actor, partnership=partnership, details=details)
    for question in questions:
        question_add(actor=actor, survey=survey, details=question)
    survey_scale_add(actor=actor, survey=survey, scale=scale)
    return survey_open(actor=actor, survey=survey)


def activity_with_session(
    partnership: Partnership,
    organisation: Organisation,
    name: str,
    *,
    hours: int = 2,
    day: date = date(2026, 10, 1),
    starts_at: time = time(10, 0),
    ends_at: time | None = None,
    **session_fields: Any,
) -> tuple[Activity, Session]:
    """An activity `organisation` delivers (of the first shipped sub-type) and its one session
    of `hours` contact hours, on `day` (1 October 2026 unless given) from `starts_at` (10
    o'clock unless given) until `ends_at` (`hours` later unless given); `session_fields` set
    the rest (venue, school)."""
    sub_type = ActivitySubType.objects.filter(partnership=None).first()
    if sub_type is None:
        raise LookupError("The shipped activity types are not loaded.")
    activity = Activity.objects.create(
        partnership=partnership, delivered_by=organisation, name=name, sub_type=sub_type
    )
    session = Session.objects.create(
        activity=activity,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at or time(starts_at.hour + hours, starts_at.minute),
        contact_hours=Decimal(hours),
        **session_fields,
    )
    return activity, session


def surveys_before_and_after(
    activity: Activity, *, titles: tuple[str, str], linked: bool
) -> tuple[Survey, Survey]:
    """Draft surveys of `activity` by its deliverer, one before it and one after (which names
    the one before as its pair when `linked`)."""
    before, after = titles
    made_by = {
        "partnership": activity.partnership,
        "organisation": activity.delivered_by,
        "activity": activity,
    }
    pre = Survey.objects.create(title=before, timing=SurveyTiming.PRE, **made_by)
    post = Survey.objects.create(
        title=after, timing=SurveyTiming.POST, pre_survey=pre if linked else None, **made_by
    )
    return pre, post
