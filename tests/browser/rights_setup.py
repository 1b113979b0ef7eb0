"""A learner with a life in Widen, for the data-rights browser journey, made in the server's
database through the services; and, afterwards, a scan of every table for what was theirs.

    python -m tests.browser.rights_setup make USERNAME BASE_URL
        As USERNAME's organisation: imports a pupil list holding the learner, works out their
        area profile and a rule set's result for them, puts them on a session's register marked
        attended, books them onto an event, sends them a survey link and answers it with a
        written answer, records a duplicate of them and merges it into them; makes a
        data-protection officer for the organisation. Prints, as JSON, the officer's sign-in
        details, the learner's name and date of birth, and the canary values (values no other
        row in the database holds).
    python -m tests.browser.rights_setup pages USERNAME
        An erasure request of USERNAME's organisation (identity confirmed, one learner named),
        for the accessibility check of the request's pages.
    python -m tests.browser.rights_setup scan CANARIES_JSON ALLOWED_JSON
        Every text, character and JSON column of every table, read with raw SQL: prints, as JSON,
        each (table, column, row id) holding a canary value, apart from the allowed rows
        ({table: [row id, ...]}).
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from typing import Any

CHARACTERS = ("CharField", "TextField", "EmailField", "SlugField", "JSONField", "URLField")


def _letters(number: int) -> str:
    from widen.testing.pupil_lists import in_letters  # noqa: PLC0415

    return in_letters(number).lower()


def make(username: str, base_url: str) -> dict[str, Any]:
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Role  # noqa: PLC0415
    from widen.activities.models import AttendanceStatus  # noqa: PLC0415
    from widen.activities.services import attendance_mark, register_add  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.evaluation.models import Scale  # noqa: PLC0415
    from widen.evaluation.services import (  # noqa: PLC0415
        QuestionDetails,
        SurveyDetails,
        invitations_send_for_session,
        response_submit,
    )
    from widen.evaluation.shipped import shipped_scales_load  # noqa: PLC0415
    from widen.events.models import AttendeeType, Event, EventKind  # noqa: PLC0415
    from widen.events.services import BookingDetails, booking_create  # noqa: PLC0415
    from widen.learners.imports.services import (  # noqa: PLC0415
        learner_import_check,
        learner_import_commit,
        learner_import_start,
    )
    from widen.learners.merging import learner_merge  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.learners.services import learner_create  # noqa: PLC0415
    from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet  # noqa: PLC0415
    from widen.targeting.rule_sets.compute import eligibility_compute  # noqa: PLC0415
    from widen.targeting.services import area_profiles_compute  # noqa: PLC0415
    from widen.testing.builders import (  # noqa: PLC0415
        activity_with_session,
        member_where,
        open_survey,
        person,
    )
    from widen.testing.pupil_lists import (  # noqa: PLC0415
        MIS_HEADINGS,
        csv_bytes,
        pupil_rows,
        table_cells,
    )

    user, organisation, partnership = member_where(username)
    tag = secrets.randbelow(10**6)
    first = f"Quillon{_letters(tag)}"
    last = f"Zephyrine{_letters(tag + 7)}"
    email = f"quillon.{tag}@canary.example.org"
    written = f"The canary day {tag} helped me picture university"
    officer_name = f"dpo.{tag}"
    officer_key = secrets.token_hex(20)
    officer_password = secrets.token_urlsafe(16)
    pupil = (
        Learner.objects.filter(organisation=organisation, school__isnull=False)
        .select_related("school")
        .first()
    )
    assert pupil is not None, f"{organisation} holds no learners at a school"
    with request_context.bind(source="cli", actor=user):
        # Imported: a pupil list holding the learner among others.
        rows = pupil_rows(4, seed=tag % 1000 + 17)
        row = rows[0]
        row.update(first_name=first, last_name=last, preferred_name="")
        run = learner_import_start(
            actor=user,
            organisation=organisation,
            school=pupil.school,
            file_name="pupils.csv",
            content=csv_bytes(table_cells(rows, MIS_HEADINGS["Widen template"])),
        )
        learner_import_check(run, actor=user)
        learner_import_commit(run=run, actor=user, accept_partial=True)
        learner = Learner.objects.get(organisation=organisation, first_name=first, last_name=last)
        # Targeted: their area profile and a rule set's result.
        area_profiles_compute([learner.pk])
        rule_set = (
            RuleSet.objects.filter(partnership=partnership, versions__isnull=False)
            .distinct()
            .first()
        )
        if rule_set is not None:
            eligibility_compute(rule_set, learner_ids=[learner.pk])
        # Registered: on a session's register, marked attended.
        _activity, session = activity_with_session(
            partnership,
            organisation,
            f"Canary campus day {tag}",
            day=timezone.localdate() - timedelta(days=2),
            venue="Main hall",
        )
        register_add(actor=user, session=session, learners=[learner])
        attendance_mark(actor=user, session=session, marks={learner.pk: AttendanceStatus.ATTENDED})
        # Booked onto an event.
        starts = timezone.now() + timedelta(days=10)
        event = Event.objects.create(
            partnership=partnership,
            organiser=organisation,
            title=f"Canary open day {tag}",
            kind=EventKind.CAMPUS,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue="Library",
        )
        booking_create(
            event=event,
            details=BookingDetails(
                name=f"{first} {last}", email=email, attendee_type=AttendeeType.LEARNER
            ),
            actor=user,
            learner=learner,
            notify=False,
        )
        # Surveyed: a link from the session, answered in their own words.
        shipped_scales_load()
        survey = open_survey(
            actor=user,
            partnership=partnership,
            details=SurveyDetails(
                organisation=organisation,
                title=f"After the canary day {tag}",
                timing="post",
                session=session,
            ),
            questions=(QuestionDetails(kind="free_text", text="What would you tell a friend?"),),
            scale=Scale.objects.get(partnership=None, key="widen-belonging", version=1),
        )
        given = invitations_send_for_session(
            actor=user, survey=survey, session=session, link_base=f"{base_url}/evaluation/answer/"
        )
        answers = {
            str(question.pk): written if question.kind == "free_text" else "4"
            for question in survey.questions.all()
        }
        response_submit(survey=survey, raw_answers=answers, invitation=given[0].invitation)
        # Merged: a second record of them, made by hand, merged into the imported one.
        duplicate = learner_create(
            organisation=organisation,
            school=learner.school,
            details={
                "first_name": first,
                "last_name": last,
                "preferred_name": f"Quill{_letters(tag + 3)}",
                "date_of_birth": learner.date_of_birth,
            },
            allowed_fields={"first_name", "last_name", "preferred_name", "date_of_birth"},
            acting_user=user,
        )
        learner_merge(kept=learner, removed=duplicate, acting_user=user)
        officer = person(
            officer_name,
            organisation,
            Role.DATA_PROTECTION_OFFICER,
            password=officer_password,
            device_name="phone",
            device_key=officer_key,
        )
    learner.refresh_from_db()
    return {
        "today": timezone.localdate().isoformat(),
        "officer": {
            "username": officer.username,
            "password": officer_password,
            "totp_key": officer_key,
            "organisation_id": str(organisation.pk),
            "organisation": organisation.name,
            "partnership_id": str(partnership.pk),
        },
        "learner": {
            "id": str(learner.pk),
            "first_name": first,
            "last_name": last,
            "date_of_birth": learner.date_of_birth.isoformat(),
        },
        "canaries": [
            first,
            last,
            learner.upn,
            learner.uln,
            email,
            written,
            duplicate.preferred_name,
        ],
        "made": {
            "area_profile": LearnerAreaProfile.objects.filter(learner=learner).exists(),
            "eligibility": LearnerEligibility.objects.filter(learner=learner).exists(),
        },
    }


def pages(username: str) -> dict[str, Any]:
    """An erasure request of USERNAME's organisation, identity confirmed, naming one learner."""
    from django.utils import timezone  # noqa: PLC0415

    from widen.core import request_context  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.rights.models import RequestKind  # noqa: PLC0415
    from widen.rights.services import (  # noqa: PLC0415
        RequestDetails,
        rights_request_identity,
        rights_request_name_records,
        rights_request_record,
    )
    from widen.testing.builders import member_where  # noqa: PLC0415

    user, organisation, _partnership = member_where(username)
    learner = Learner.objects.filter(organisation=organisation).order_by("last_name").first()
    assert learner is not None, f"{organisation} holds no learners"
    today = timezone.localdate()
    with request_context.bind(source="cli", actor=user):
        made = rights_request_record(
            actor=user,
            organisation=organisation,
            details=RequestDetails(
                kind=RequestKind.ERASURE,
                person_name=f"{learner.first_name} {learner.last_name}",
                person_email="",
                details="Asked by letter to be forgotten.",
                received_on=today - timedelta(days=3),
            ),
        )
        rights_request_identity(
            actor=user,
            request=made,
            asked_on=None,
            confirmed_on=today,
            evidence="Known to the school",
        )
        rights_request_name_records(actor=user, request=made, learner_ids=[learner.pk])
    return {
        "request_id": str(made.pk),
        "person_name": made.person_name,
        "last_name": learner.last_name,
    }


def scan(canaries: list[str], allowed: dict[str, list[str]]) -> list[dict[str, str]]:
    """Each row of every table whose text holds a canary value (apart from `allowed` rows)."""
    from django.apps import apps  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    wanted = [value.lower() for value in canaries if value]
    found: list[dict[str, str]] = []
    quote = connection.ops.quote_name
    models = set(apps.get_models(include_auto_created=True))
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in sorted(models, key=lambda model: model._meta.db_table):
            table = model._meta.db_table
            key = getattr(model._meta.pk, "column", None)
            if model._meta.proxy or table not in tables or key is None:
                continue
            for field in model._meta.concrete_fields:
                if field.get_internal_type() not in CHARACTERS:
                    continue
                column = f"LOWER(CAST({quote(field.column)} AS TEXT))"
                for value in wanted:
                    cursor.execute(
                        f"SELECT CAST({quote(key)} AS TEXT) FROM {quote(table)} "  # noqa: S608
                        f"WHERE {column} LIKE %s",
                        [f"%{value}%"],
                    )
                    for (row_id,) in cursor.fetchall():
                        if str(row_id).replace("-", "") in {
                            allowed_id.replace("-", "") for allowed_id in allowed.get(table, [])
                        }:
                            continue
                        found.append(
                            {
                                "table": table,
                                "column": field.column,
                                "row": str(row_id),
                                "value": value,
                            }
                        )
    return found


def main(argv: list[str]) -> None:
    import django  # noqa: PLC0415

    django.setup()
    if argv[:1] == ["make"] and len(argv) == 3:
        sys.stdout.write(json.dumps(make(argv[1], argv[2])))
    elif argv[:1] == ["pages"] and len(argv) == 2:
        sys.stdout.write(json.dumps(pages(argv[1])))
    elif argv[:1] == ["scan"] and len(argv) == 3:
        sys.stdout.write(json.dumps(scan(json.loads(argv[1]), json.loads(argv[2]))))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
