"""A canary person for the data-rights tests: one person who is both a learner and an account
holder, with a row in every model of the register of personal data, each holding values no other
row holds (so a subject access export can be searched for them, and a scan of every table after
erasure can show they are gone).

The rows are test data, written straight to the database where a service would need more set-up
than the test is about; the person's own actions are recorded with them as the actor.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialToken
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential, WebAuthnUserHandle

from widen.accounts.models import Membership, Role, SignInLink, User
from widen.accounts.services import api_token_create
from widen.activities.models import Attendance, RegisterImport
from widen.audit.models import AccessLogEntry, StateChange, WatchAlert, WatchKind
from widen.core import request_context
from widen.evaluation.models import (
    Answer,
    Question,
    ScaleImport,
    ScaleScore,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TheoryOfChange,
)
from widen.events.models import Booking, Event, Presenter, Talk
from widen.learners.models import (
    ConsentRecord,
    DuplicateCandidate,
    ImportRun,
    Learner,
    ParentCarer,
    SavedSearch,
)
from widen.notifications.models import Notification, Preference
from widen.payments.models import LedgerEntry, Payee, PaymentRun
from widen.programmes.models import Enrolment, Programme
from widen.reporting.models import LearnerActivityEngagement, LearnerEngagement
from widen.rights.models import ErasureTombstone, RequestKind, RightsRequest
from widen.rights.people import Person
from widen.students.models import (
    Declaration,
    LearnerLink,
    Student,
    StudentImport,
    StudentStatus,
    StudentStatusChange,
)
from widen.targeting.models import (
    LearnerAreaProfile,
    LearnerEligibility,
    RuleSet,
    RuleSetVersion,
)
from widen.testing.builders import activity_with_session, published_scale
from widen.testing.canary_mentoring import seed_canary_mentoring
from widen.testing.canary_partners import seed_canary_partner
from widen.testing.canary_support import seed_canary_support
from widen.testing.pupil_lists import valid_upn
from widen.testing.world import World, year_group_birthday


@dataclass(frozen=True)
class Canary:
    """The seeded person: how the rights engines find them, their records, and the values each
    registered model holds about them (by model label; empty where a row holds only ids)."""

    person: Person
    learner: Learner
    user: User
    full_name: str
    values: dict[str, tuple[str, ...]]

    def all_values(self) -> set[str]:
        return {value for values in self.values.values() for value in values}


def _digits(tag: str, length: int) -> str:
    number = int(hashlib.sha256(tag.encode()).hexdigest(), 16)
    return str(number)[:length]


def seed_canary_person(
    world: World, *, tag: str = "Quillon", postcode: str = "ZE2 9QQ", serial: int = 4242
) -> Canary:
    """Seed one person in `world` (a learner held by Alpha University and an account holder
    there) with a row in every model of the register. Every personal value contains `tag`
    (a word no other data holds) except the postcode, UPN and bank details, which are chosen
    by `postcode` and `serial`; two canaries need different tags, postcodes and serials."""
    lower = tag.lower()
    first_name, last_name = f"{tag}ina", f"{tag}thwaite"
    full_name = f"{first_name} {last_name}"
    username = f"{lower}.canary"
    email = f"{lower}@canary.example.org"
    carer_name = f"{tag}ston Carer"
    carer_email = f"{lower}.carer@canary.example.org"
    upn = valid_upn(316, serial)
    sort_code, account_number = _digits(tag, 6), _digits(tag + "account", 8)
    # Names of things that are not personal: unique, but never holding the tag.
    suffix = uuid.uuid4().hex[:8]
    now = timezone.now()
    staff = world.users["staff"]
    values: dict[str, tuple[str, ...]] = {}

    with request_context.bind(source="test", actor=None):
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_password(f"{lower}-secret-password-for-the-canary")
        user.save()
        values["accounts.user"] = (username, first_name, last_name, email)
        Membership.objects.create(user=user, organisation=world.alpha, role=Role.OUTREACH_OFFICER)
        values["accounts.membership"] = ()
        TOTPDevice.objects.create(user=user, name=f"{tag} phone", confirmed=True)
        values["otp_totp.totpdevice"] = (f"{tag} phone",)
        WebAuthnCredential.objects.create(
            user=user,
            name=f"{tag} passkey",
            confirmed=True,
            credential_id=hashlib.sha256(f"{tag} passkey".encode()).digest(),
            public_key=hashlib.sha256(f"{tag} public key".encode()).digest(),
        )
        values["django_otp_webauthn.webauthncredential"] = (f"{tag} passkey",)
        WebAuthnUserHandle.get_handle_for_user(user)
        values["django_otp_webauthn.webauthnuserhandle"] = ()
        api_token_create(user=user, name=f"{tag} token")
        values["accounts.apitoken"] = (f"{tag} token",)
        SignInLink.objects.create(
            token_digest=hashlib.sha256(f"{tag} link".encode()).hexdigest(),
            email=email,
            expires_at=now,
            user=user,
        )
        values["accounts.signinlink"] = (email,)
        # Signed in once through their university's own single sign-on (OpenID Connect).
        social = SocialAccount.objects.create(
            user=user,
            provider=f"ukprn-{serial:08d}",
            uid=f"{lower}-oidc-subject",
            extra_data={"id_token": {"email": email, "email_verified": True}},
        )
        values["socialaccount.socialaccount"] = (f"{lower}-oidc-subject",)
        SocialToken.objects.create(account=social, token=f"{tag} access token")
        values["socialaccount.socialtoken"] = ()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        values["account.emailaddress"] = (email,)

        learner = Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name=first_name,
            last_name=last_name,
            preferred_name=f"{tag}y",
            date_of_birth=year_group_birthday(10),
            home_postcode=postcode,
            upn=upn,
            reference=f"{tag}-REF",
            free_school_meals=True,
        )
        values["learners.learner"] = (
            first_name,
            last_name,
            f"{tag}y",
            postcode,
            upn,
            f"{tag}-REF",
        )
        ParentCarer.objects.create(
            learner=learner, name=carer_name, relationship="Aunt", email=carer_email
        )
        values["learners.parentcarer"] = (carer_name, carer_email)
        ConsentRecord.objects.create(
            learner=learner,
            lawful_basis="consent",
            given_by="parent_carer",
            given_by_name=carer_name,
            recorded_on=date(2025, 9, 1),
            privacy_notice_version="v1",
        )
        values["learners.consentrecord"] = (carer_name,)
        DuplicateCandidate.objects.create(
            partnership=world.north,
            learner_one=learner,
            learner_one_key=learner.pk,
            learner_two=world.learner_gamma,
            learner_two_key=world.learner_gamma.pk,
            match_probability=0.4,
        )
        values["learners.duplicatecandidate"] = ()
        ImportRun.objects.create(
            organisation=world.alpha,
            uploaded_by=user,
            file_name=f"pupils-{suffix}.csv",
            file_format="csv",
            file_sha256="0" * 64,
            file_size=10,
        )
        values["learners.importrun"] = ()

        activity, session = activity_with_session(world.north, world.alpha, f"Campus day {suffix}")
        activity.created_by = user
        activity.save()
        values["activities.activity"] = ()
        Attendance.objects.create(session=session, learner=learner, organisation=world.alpha)
        values["activities.attendance"] = ()
        RegisterImport.objects.create(
            organisation=world.alpha,
            uploaded_by=user,
            session=session,
            file_name=f"register-{suffix}.csv",
            file_format="csv",
            file_sha256="0" * 64,
            file_size=10,
        )
        values["activities.registerimport"] = ()
        if not LearnerEngagement.objects.filter(learner=learner).exists():
            LearnerEngagement.objects.create(
                learner=learner,
                partnership=world.north,
                organisation=world.alpha,
                school=world.school,
                hours=2,
                sessions=1,
                activities=1,
                academic_years=1,
                birth_cohort=learner.date_of_birth.year,
                first_attended=session.date,
                last_attended=session.date,
            )
        values["reporting.learnerengagement"] = ()
        if not LearnerActivityEngagement.objects.filter(learner=learner).exists():
            LearnerActivityEngagement.objects.create(
                learner=learner,
                partnership=world.north,
                activity=activity,
                activity_type=activity.sub_type.activity_type,
                delivered_by=world.alpha,
                hours=2,
                sessions=1,
                first_attended=session.date,
                last_attended=session.date,
            )
        values["reporting.learneractivityengagement"] = ()

        programme = Programme.objects.create(partnership=world.north, name=f"Programme {suffix}")
        Enrolment.objects.create(
            programme=programme,
            learner=learner,
            organisation=world.alpha,
            joined_on=date(2025, 9, 1),
            left_on=date(2026, 7, 1),
            leaving_reason=f"{tag} moved away",
        )
        values["programmes.enrolment"] = (f"{tag} moved away",)

        event = Event.objects.create(
            partnership=world.north,
            organiser=world.alpha,
            title=f"Open day {suffix}",
            kind="campus",
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=3),
            created_by=user,
        )
        values["events.event"] = ()
        talk = Talk.objects.create(
            event=event, title=f"Welcome {suffix}", starts_at=event.starts_at, ends_at=event.ends_at
        )
        Presenter.objects.create(
            talk=talk, name=full_name, role="student", job_title=f"{tag} ambassador"
        )
        values["events.presenter"] = (full_name, f"{tag} ambassador")
        booking = Booking.objects.create(
            event=event,
            organisation=world.alpha,
            name=full_name,
            email=email,
            attendee_type="learner",
            learner=learner,
            booked_by=user,
            requested_at=now,
            token_digest=hashlib.sha256(f"booking {tag}".encode()).hexdigest(),
            access_requirements=f"{tag} needs step-free access",
            reasonable_adjustments=f"{tag} sits near the door",
            dietary_needs=f"{tag} eats no nuts",
        )
        values["events.booking"] = (
            full_name,
            email,
            f"{tag} needs step-free access",
            f"{tag} sits near the door",
            f"{tag} eats no nuts",
        )

        scale = published_scale(world.north, key=f"canary-{suffix}")
        scale.created_by = user
        scale.save()
        values["evaluation.scale"] = ()
        survey = Survey.objects.create(
            partnership=world.north,
            organisation=world.alpha,
            title=f"How was it {suffix}",
            activity=activity,
            created_by=user,
        )
        values["evaluation.survey"] = ()
        question = Question.objects.create(
            survey=survey, position=1, kind="free_text", text="What did you enjoy?"
        )
        invitation = SurveyInvitation.objects.create(
            survey=survey,
            organisation=world.alpha,
            learner=learner,
            booking=booking,
            name=full_name,
            email=email,
            token_digest=hashlib.sha256(f"invitation {tag}".encode()).hexdigest(),
            created_by=user,
        )
        values["evaluation.surveyinvitation"] = (full_name, email)
        response = SurveyResponse.objects.create(
            survey=survey,
            invitation=invitation,
            organisation=world.alpha,
            learner=learner,
            timing="post",
            channel="link",
            submitted_at=now,
        )
        values["evaluation.surveyresponse"] = ()
        Answer.objects.create(
            response=response, question=question, value_text=f"{tag} loved the campus tour"
        )
        values["evaluation.answer"] = (f"{tag} loved the campus tour",)
        ScaleScore.objects.create(
            response=response, scale=scale, score=4.0, items_answered=1, items_total=1
        )
        values["evaluation.scalescore"] = ()
        TheoryOfChange.objects.create(
            partnership=world.north,
            activity=activity,
            problem="Few learners see university as for them.",
            inputs="Staff time",
            activities="Campus days",
            outcomes="Confidence",
            impacts="Progression",
            assumptions="Learners attend",
            created_by=user,
        )
        values["evaluation.theoryofchange"] = ()
        ScaleImport.objects.create(
            partnership=world.north,
            uploaded_by=user,
            file_name=f"scales-{suffix}.csv",
            file_format="csv",
            file_sha256="0" * 64,
            file_size=10,
        )
        values["evaluation.scaleimport"] = ()

        LearnerAreaProfile.objects.create(
            learner=learner, postcode=postcode, status="found", computed_at=now
        )
        values["targeting.learnerareaprofile"] = (postcode,)
        rule_set = RuleSet.objects.create(partnership=world.north, name=f"Rules {suffix}")
        version = RuleSetVersion.objects.create(
            rule_set=rule_set, number=1, definition={}, created_by=user
        )
        values["targeting.rulesetversion"] = ()
        LearnerEligibility.objects.create(
            rule_set=rule_set,
            learner=learner,
            version=version,
            eligible=True,
            explanation=f"{first_name} gets free school meals",
            computed_at=now,
        )
        values["targeting.learnereligibility"] = (f"{first_name} gets free school meals",)

        student = Student.objects.create(
            organisation=world.alpha,
            student_number=f"S{serial}",
            first_name=first_name,
            last_name=last_name,
            preferred_name=f"{tag}y",
            email=email,
            phone=f"07700 9{serial:05d}",
            home_postcode=postcode,
            course=f"BSc {tag} Studies",
            care_experienced=True,
            linked_learner=learner,
            user=user,
        )
        values["students.student"] = (first_name, last_name, f"{tag}y", email, postcode)
        StudentStatusChange.objects.create(
            student=student,
            status=StudentStatus.ENROLLED,
            changed_on=now.date(),
            source="test",
        )
        values["students.studentstatuschange"] = ()
        Declaration.objects.create(
            student=student,
            characteristic="care_experienced",
            value="yes",
            source=f"declared to {tag} adviser",
        )
        values["students.declaration"] = (f"declared to {tag} adviser",)
        StudentImport.objects.create(
            organisation=world.alpha,
            uploaded_by=user,
            file_name=f"students-{suffix}.csv",
            file_format="csv",
            file_sha256="0" * 64,
            file_size=10,
        )
        values["students.studentimport"] = ()
        LearnerLink.objects.create(student=student, learner=learner, found_by="uln")
        values["students.learnerlink"] = ()

        payee = Payee.objects.create(
            organisation=world.alpha,
            user=user,
            name=full_name,
            account_name=f"{tag.upper()} {last_name.upper()}",
            sort_code=sort_code,
            account_number=account_number,
            bank_details_changed_at=now,
        )
        values["payments.payee"] = (
            full_name,
            f"{tag.upper()} {last_name.upper()}",
            sort_code,
            account_number,
        )
        LedgerEntry.objects.create(
            payee=payee,
            amount_pence=5000,
            kind="pay",
            description="Campus day ambassador",
            recorded_by_id=staff.pk,
            recorded_by_name=staff.get_full_name() or staff.username,
        )
        values["payments.ledgerentry"] = ()
        PaymentRun.objects.create(organisation=world.alpha, number=serial, created_by=user)
        values["payments.paymentrun"] = ()

        request = RightsRequest.objects.create(
            organisation=world.alpha,
            kind=RequestKind.ACCESS,
            person_name=full_name,
            person_email=email,
            details=f"{tag} asked by letter for a copy of everything",
            received_on=timezone.localdate(),
            recorded_by=staff,
        )
        request.learners.add(learner)
        request.users.add(user)
        values["rights.rightsrequest"] = (full_name, email)

        AccessLogEntry.objects.create(
            actor_id=staff.pk,
            actor_username=staff.username,
            actor_organisation_id=world.alpha.pk,
            source="web",
            learner_id=learner.pk,
            subject_type="learner",
            subject_id=str(learner.pk),
            data_categories=["identity"],
            purpose="viewed the learner's record",
        )
        values["audit.accesslogentry"] = ()
        WatchAlert.objects.create(
            account_id=user.pk,
            account_username=username,
            kind=WatchKind.EXPORTS,
            hour_starts_at=now.replace(minute=0, second=0, microsecond=0),
            count=12,
            threshold=3,
            organisation_ids=[str(world.alpha.pk)],
        )
        values["audit.watchalert"] = (username,)

        for sign_in_model in (AccessAttempt, AccessFailureLog, AccessLog):
            sign_in_model.objects.create(
                username=username,
                ip_address="192.0.2.10",
                user_agent="canary browser",
                http_accept="text/html",
                path_info="/accounts/login/",
                **({"get_data": "", "post_data": ""} if sign_in_model is AccessAttempt else {}),
                **({"failures_since_start": 1} if sign_in_model is AccessAttempt else {}),
            )
            values[sign_in_model._meta.label_lower] = (username,)

    values.update(
        seed_canary_partner(
            world, tag=tag, serial=serial, suffix=suffix, student=student, user=user, payee=payee
        )
    )
    values.update(
        seed_canary_support(world, tag=tag, postcode=postcode, student=student, user=user)
    )
    values.update(seed_canary_mentoring(world, tag=tag, serial=serial, student=student, user=user))

    # What the person did themselves: the audit names them as the actor.
    with request_context.bind(source="test", actor=user):
        SavedSearch.objects.create(
            owner=user, name=f"{tag} saved search", filters={"q": f"{tag} filter"}
        )
        values["learners.savedsearch"] = (f"{tag} saved search", f"{tag} filter")
        Notification.objects.create(
            user=user,
            email=email,
            category="bookings",
            template="bookings/confirmed",
            subject=f"{tag} your place is booked",
            body_text=f"Dear {first_name}, your place is booked.",
        )
        values["notifications.notification"] = (f"{tag} your place is booked",)
        # A preference saved from a link in an e-mail, before the address had an account.
        Preference.objects.create(email=email, category="updates", enabled=False)
        values["notifications.preference"] = (email,)
        LogEntry.objects.create(user=user, object_repr=f"Programme {suffix}", action_flag=ADDITION)
        values["admin.logentry"] = ()
        StateChange.objects.create(
            actor_id=user.pk,
            actor_username=username,
            source="web",
            object_type="events.booking",
            object_id=str(booking.pk),
            field_name="status",
            transition="confirm",
            from_state="waiting",
            to_state="booked",
        )
        values["audit.statechange"] = (username,)
        # Saving an audited record as the person makes an audit event naming them.
        programme.name = f"Programme {suffix} renamed"
        programme.save()
        values["audit.auditevent"] = ()
        ErasureTombstone.objects.create(
            object_type="learners.savedsearch",
            object_id=str(uuid.uuid4()),
            action="deleted",
            done_by=user,
        )
        values["rights.erasuretombstone"] = ()

    person = Person(
        learner_ids=(learner.pk,),
        user_ids=(user.pk,),
        emails=(email, username),
        names=(full_name,),
    )
    return Canary(person=person, learner=learner, user=user, full_name=full_name, values=values)
