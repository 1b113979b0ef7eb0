"""A valid body for each write of the matrix, so that an allowed request does its work."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.authz.objects import enrolment_learner
from tests.authz.rules import ANONYMOUS
from tests.evaluation.report_matrix import report_request_body
from tests.evaluation.survey_matrix import survey_request_body
from tests.events.matrix import event_request_body
from tests.mentoring.matrix import mentoring_body
from tests.partners.matrix import partners_body
from tests.payments.matrix import payments_request_body
from tests.rights.matrix import rights_request_body
from tests.students.imports.matrix import student_import_body
from tests.students.records_matrix import student_records_body
from tests.support.matrix import support_body
from widen.accounts.models import Role
from widen.programmes.models import ActivitySubType
from widen.testing.pupil_lists import (
    MIS_HEADINGS,
    csv_bytes,
    in_letters,
    pupil_rows,
    table_cells,
)
from widen.testing.world import World, year_group_birthday


def request_body(
    world: World, name: str, role: str, counter: int, relation: str = "-"
) -> dict[str, Any]:
    """A valid body for `name`'s write (`counter` keeps each new name apart)."""
    organisation = world.organisation_of(Role.OUTREACH_OFFICER if role == ANONYMOUS else role)
    birthday = year_group_birthday(11).isoformat()
    surveys_body = survey_request_body(world, name, counter)
    if surveys_body is not None:
        return surveys_body
    events_body = event_request_body(world, name, counter)
    if events_body is not None:
        return events_body
    report_body = report_request_body(name, counter)
    if report_body is not None:
        return report_body
    payment_body = payments_request_body(world, name)
    if payment_body is not None:
        return payment_body
    rights_body = rights_request_body(world, name, counter)
    if rights_body is not None:
        return rights_body
    import_body = student_import_body(world, name)
    if import_body is not None:
        return import_body
    records_body = student_records_body(world, name, counter, relation)
    if records_body is not None:
        return records_body
    partner_body = partners_body(world, name, counter, relation)
    if partner_body is not None:
        return partner_body
    scheme_body = support_body(world, name, counter, relation)
    if scheme_body is not None:
        return scheme_body
    found_mentoring_body = mentoring_body(world, name, counter, relation)
    if found_mentoring_body is not None:
        return found_mentoring_body
    if name in {"learners:create", "api:learner_create_api"}:
        field = "organisation_id" if name.startswith("api:") else "organisation"
        return {
            field: str(organisation.id),
            "first_name": "Nia",
            "last_name": f"Newcomer{in_letters(counter)}",
            "date_of_birth": birthday,
        }
    if name == "learners:edit":
        return {
            "first_name": "Edited",
            "last_name": f"Person{in_letters(counter)}",
            "date_of_birth": birthday,
            "school": str(world.school.id),
        }
    if name == "api:notification_update_api":
        return {"read": True}
    if name == "api:learner_update_api":
        return {"preferred_name": f"Edited{in_letters(counter)}"}
    if name == "learners:parent_carer_add":
        return {"name": f"Pat Parent{counter}", "relationship": "mother"}
    if name == "learners:consent_add":
        return {
            "lawful_basis": "public_task",
            "given_by": "not_applicable",
            "recorded_on": "2025-09-01",
            "privacy_notice_version": f"v{counter}",
        }
    if name == "learners:import_start":
        content = csv_bytes(table_cells(pupil_rows(3, seed=counter), MIS_HEADINGS["SIMS"]))
        return {
            "organisation": str(organisation.id),
            "pupil_list": SimpleUploadedFile("pupils.csv", content, content_type="text/csv"),
        }
    if name == "api:rule_set_create_api":
        return {
            "partnership_id": str(world.north.id),
            "name": f"Matrix rule set {counter}",
            "definition": {"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        }
    if name == "api:rule_set_version_create_api":
        return {"definition": {"any": [{"all": [{"criterion": "young_carer"}]}]}}
    if name == "activities:create":
        return {
            "delivered_by": str(world.alpha.id),
            "name": f"Matrix masterclass {counter}",
            "sub_type": str(ActivitySubType.objects.filter(partnership=None).first().pk),  # type: ignore[union-attr]
        }
    if name == "activities:session_create":
        return {
            "date": "2026-12-02",
            "starts_at": "13:00",
            "ends_at": "14:30",
            "venue": f"Room {counter}",
        }
    if name == "api:activity_create_api":
        return {
            "partnership_id": str(world.north.id),
            "delivered_by_id": str(world.alpha.id),
            "name": f"Matrix API activity {counter}",
            "sub_type_id": str(ActivitySubType.objects.filter(partnership=None).first().pk),  # type: ignore[union-attr]
        }
    if name == "api:session_create_api":
        return {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "14:00", "venue": "Hall"}
    if name == "api:register_update_api":
        return {"add": [str(world.learner_school.id)]}
    if name == "api:programme_create_api":
        return {
            "partnership_id": str(world.north.id),
            "name": f"Matrix API programme {counter}",
            "stages": [{"year_group": 10, "target_hours": "6", "required_types": ["iag"]}],
        }
    if name == "api:enrolment_leave_api":
        return {"reason": f"Moved school {counter}"}
    if name == "api:enrolment_create_api":
        return {"learner_ids": [str(enrolment_learner(world, relation).id)]}
    if name == "programmes:enrolment_change":
        return {"action": "enrol", "learner": str(enrolment_learner(world, relation).id)}
    if name == "activities:register":
        return {"action": "add", "learner": str(world.learner_school.id)}
    if name == "activities:register_import":
        register = f"UPN,Attended\r\n{world.learner_school.upn or 'A801200000013'},Y\r\n"
        return {"register": SimpleUploadedFile("register.csv", register.encode())}
    if name == "api:postcode_lookup_api":
        return {"postcodes": ["E1 6AN", "not a postcode"]}
    if name == "accounts:login":
        return {"username": "nobody", "password": "wrong-password-here"}
    if name.startswith("accounts:mfa"):
        return {"otp_token": "000000"}
    return {}
