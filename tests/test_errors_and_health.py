"""Errors fail closed and say nothing about the inside (SECURITY 25); the health check."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from conftest import api_call, signed_in_client
from widen.learners.models import Learner
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_health_reports_an_unreachable_database_with_503() -> None:
    with mock.patch(
        "widen.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "reason": "OperationalError",
    }


def test_a_crash_in_a_page_shows_a_generic_page_and_saves_nothing(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    client.raise_request_exception = False
    learner = world.learner_alpha

    def explode(**_: Any) -> None:
        Learner.objects.filter(pk=learner.pk).update(preferred_name="half-done")
        raise RuntimeError("secret internal detail")

    with mock.patch("widen.learners.views.learner_update", side_effect=explode):
        response = client.post(
            f"/learners/{learner.id}/edit/",
            {
                "first_name": "Amara",
                "last_name": "Alphason",
                "date_of_birth": learner.date_of_birth.isoformat(),
            },
        )
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, something went wrong" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_api_errors_are_json_with_specific_fields(world: World) -> None:
    token = world.tokens["outreach_officer"]
    headers = {"Authorization": f"Bearer {token}"}
    learner = {"organisation_id": str(world.alpha.id), "first_name": "A", "last_name": "B"}
    response = api_call(
        token, "POST", "/api/v1/learners", {**learner, "date_of_birth": "2011-13-45"}
    )
    assert response.status_code == 422
    assert "date_of_birth" in str(response.json())
    response = api_call(
        token,
        "POST",
        "/api/v1/learners",
        {**learner, "date_of_birth": "2011-10-01", "home_postcode": "XX"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["home_postcode"][0].startswith("Enter a full UK postcode")
    response = Client().post(
        "/api/v1/learners", "{not json", content_type="application/json", headers=headers
    )
    assert response.status_code in {400, 422}


def test_bad_tokens_are_refused(world: World) -> None:
    for value in ("Bearer nope", "Bearer " + "x" * 5000, "Basic abc", "Bearer "):
        response = Client().get("/api/v1/learners", headers={"Authorization": value})
        assert response.status_code == 401, value


def test_the_openapi_schema_describes_every_operation(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert operations == {
        "organisation_list",
        "mentoring_programmes",
        "mentoring_programme_create",
        "mentoring_programme_get",
        "mentoring_programme_update",
        "mentoring_programme_mentors",
        "mentoring_programme_mentees",
        "mentoring_run_create",
        "mentoring_run_get",
        "mentoring_run_pairs",
        "mentoring_run_unmatched",
        "mentoring_run_publish",
        "mentoring_pupil_sign_in",
        "mentoring_pupil_sign_in_stop",
        "mentoring_programme_outcomes",
        "mentoring_programme_activity_set",
        "mentoring_outcome_survey_send",
        "mentoring_pairs",
        "mentoring_pair",
        "mentoring_pair_goals",
        "mentoring_pair_goal_agree",
        "mentoring_pair_meetings",
        "mentoring_pair_meeting_log",
        "mentoring_pair_messages",
        "mentoring_pair_message_send",
        "mentoring_pair_concern",
        "mentoring_pair_end",
        "mentoring_pair_feedback",
        "organisation_get",
        "learner_list",
        "learner_get",
        "learner_create",
        "learner_update",
        "duplicate_pairs_export",
        "postcode_get",
        "postcode_lookup",
        "rule_set_list",
        "rule_set_get",
        "rule_set_create",
        "rule_set_version_create",
        "activity_list",
        "activity_create",
        "activity_get",
        "session_create",
        "register_get",
        "register_update",
        "programme_list",
        "programme_create",
        "programme_get",
        "programme_progress",
        "enrolment_create",
        "enrolment_list",
        "enrolment_leave",
        "event_list",
        "event_create",
        "event_get",
        "event_bookings",
        "checkin_list",
        "checkin_create",
        "checkin_undo",
        "checkin_by_code",
        "survey_list",
        "survey_get",
        "survey_response_list",
        "scale_list",
        "scale_get",
        "scale_draft_update",
        "evaluation_report_activity",
        "evaluation_report_programme",
        "evaluation_report_event",
        "notification_list",
        "notification_get",
        "notification_update",
        "notification_preferences",
        "notification_preferences_update",
        "my_payment_list",
        "my_payment_get",
        "student_list",
        "student_get",
        "student_status_change",
        "term_dates_list",
        "partner_days_out_of_pocket",
        "partner_my_work",
        "partner_open_shifts",
        "partner_my_bookings",
        "partner_swaps_asked",
        "partner_shift_claim",
        "partner_shift_drop",
        "partner_swap_colleagues",
        "partner_swap_offer",
        "partner_swap_cancel",
        "partner_swap_accept",
        "partner_rota",
        "partner_shift_create",
        "partner_shift_cancel",
        "partner_booked",
        "partner_shift_allocate",
        "partner_shift_worked",
        "partner_my_timesheets",
        "partner_my_timesheet",
        "partner_timesheet_confirm",
        "partner_timesheet_line_correct",
        "partner_my_pay",
        "partner_period_timesheets",
        "partner_timesheet_review",
        "partner_timesheet_approve",
        "partner_timesheet_query",
        "partner_my_plans",
        "partner_plan_put",
        "partner_plan_get",
        "partner_roles",
        "partner_open_roles",
        "partner_role_create",
        "partner_role_get",
        "partner_role_update",
        "partner_apply",
        "partner_my_applications",
        "partner_my_application",
        "partner_application_save",
        "partner_application_submit",
        "partner_application_withdraw",
        "partner_applications_to_decide",
        "partner_application_review",
        "partner_application_decide",
        "partner_my_barriers",
        "partner_barrier_raise",
        "partner_barrier_register",
        "partner_barrier_record",
        "partner_barrier_get",
        "partner_barrier_update",
        "partner_mitigation_add",
        "partner_mitigation_update",
        "support_schemes",
        "support_scheme_create",
        "support_scheme_get",
        "support_scheme_rules",
        "support_scheme_preview",
        "support_scheme_work_out",
        "support_scheme_eligible",
        "support_scheme_memberships",
        "support_membership_decide",
        "support_my_memberships",
        "support_my_open_schemes",
        "support_my_scheme_apply",
        "support_my_membership_join",
        "support_my_membership_decline",
        "support_my_membership_leave",
        "support_my_membership_contact",
        "support_scheme_benefits",
        "support_scheme_benefit_add",
        "support_scheme_benefit_update",
        "support_my_benefits",
        "support_my_benefit_take_up",
        "support_my_benefit_book",
        "support_award_schemes",
        "support_award_scheme_create",
        "support_award_scheme_get",
        "support_award_scheme_offer",
        "support_award_scheme_awards",
        "support_award_stop",
        "support_award_instalments",
        "support_award_finance",
        "support_my_awards",
        "support_my_award_accept",
        "support_my_award_decline",
        "support_cases",
        "support_case_open",
        "support_case_get",
        "support_case_note",
        "support_case_handover",
        "support_case_referral",
        "support_case_referral_close",
        "support_case_close",
        "support_case_reopen",
        "support_appointments",
        "support_appointment_book",
        "support_appointment_open_case",
        "support_appointment_hold",
        "support_appointment_cancel",
        "support_my_cases",
        "support_my_appointments",
        "support_my_appointment_request",
        "support_records",
        "support_records_found",
        "support_record_open",
        "support_record_get",
        "support_record_update",
        "support_record_identifications",
        "support_record_identification_add",
        "support_record_bursaries",
        "support_record_bursary_add",
        "support_record_bursary_chase",
        "support_record_bursary_receive",
        "support_bursaries_to_chase",
        "support_my_record",
        "support_my_record_contact",
        "mentoring_my_places",
        "mentoring_my_introductions",
        "mentoring_my_application_create",
        "mentoring_my_introduction_accept",
        "mentoring_my_introduction_decline",
        "mentoring_my_mentor_profile",
        "mentoring_my_mentor_profile_update",
        "mentoring_my_answers_update",
    }
    assert (
        "BearerAuth" in str(schema["components"]["securitySchemes"])
        or schema["components"]["securitySchemes"]
    )
