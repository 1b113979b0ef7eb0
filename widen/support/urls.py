"""Student support's pages, area by area: schemes and their members, benefits, awards,
support records and casework, each with the student's own pages."""

from django.urls import path

from widen.support.views import (
    appointments,
    awards,
    benefits,
    cases_mine,
    casework,
    memberships,
    mine,
    mine_awards,
    outcomes,
    records,
    schemes,
)

app_name = "support"

urlpatterns = [
    # Schemes, who they are for, their members and outcomes; a student's own schemes
    path("schemes/", schemes.scheme_list_view, name="schemes"),
    path("schemes/new/", schemes.scheme_create_view, name="scheme_create"),
    path("schemes/<uuid:scheme_id>/", schemes.scheme_detail_view, name="scheme"),
    path("schemes/<uuid:scheme_id>/rules/", schemes.scheme_rule_view, name="scheme_rules"),
    path(
        "schemes/<uuid:scheme_id>/work-out/",
        schemes.scheme_compute_view,
        name="scheme_compute",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/",
        memberships.scheme_members_view,
        name="scheme_members",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/invite/",
        memberships.scheme_invite_view,
        name="scheme_invite",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/<uuid:membership_id>/decide/",
        memberships.membership_decide_view,
        name="membership_decide",
    ),
    path("mine/", mine.my_schemes_view, name="my_schemes"),
    path("mine/apply/<uuid:scheme_id>/", mine.my_scheme_apply_view, name="my_scheme_apply"),
    path(
        "mine/<uuid:membership_id>/join/",
        mine.my_membership_join_view,
        name="my_membership_join",
    ),
    path(
        "mine/<uuid:membership_id>/decline/",
        mine.my_membership_decline_view,
        name="my_membership_decline",
    ),
    path(
        "mine/<uuid:membership_id>/leave/",
        mine.my_membership_leave_view,
        name="my_membership_leave",
    ),
    path(
        "mine/<uuid:membership_id>/contact/",
        mine.my_membership_contact_view,
        name="my_membership_contact",
    ),
    path(
        "schemes/<uuid:scheme_id>/outcomes/",
        outcomes.scheme_outcomes_view,
        name="scheme_outcomes",
    ),
    # What members may use
    path(
        "schemes/<uuid:scheme_id>/benefits/",
        benefits.scheme_benefits_view,
        name="scheme_benefits",
    ),
    path(
        "schemes/<uuid:scheme_id>/benefits/<uuid:benefit_id>/",
        benefits.scheme_benefit_edit_view,
        name="scheme_benefit_edit",
    ),
    path("mine/benefits/", benefits.my_benefits_view, name="my_benefits"),
    path(
        "mine/benefits/<uuid:benefit_id>/take-up/",
        benefits.my_benefit_take_up_view,
        name="my_benefit_take_up",
    ),
    path(
        "mine/benefits/<uuid:benefit_id>/book/",
        benefits.my_benefit_book_view,
        name="my_benefit_book",
    ),
    # Bursaries and awards, paid in instalments
    path("awards/", awards.award_scheme_list_view, name="award_schemes"),
    path("awards/new/", awards.award_scheme_create_view, name="award_scheme_create"),
    path("awards/instalments/", awards.award_instalments_view, name="award_instalments"),
    path("awards/finance/", awards.award_finance_view, name="award_finance"),
    path("awards/finance/forecast.csv", awards.award_forecast_csv_view, name="award_forecast_csv"),
    path("awards/<uuid:award_scheme_id>/", awards.award_scheme_view, name="award_scheme"),
    path(
        "awards/<uuid:award_scheme_id>/edit/",
        awards.award_scheme_edit_view,
        name="award_scheme_edit",
    ),
    path(
        "awards/<uuid:award_scheme_id>/offer/",
        awards.award_scheme_offer_view,
        name="award_scheme_offer",
    ),
    path(
        "awards/<uuid:award_scheme_id>/awards/<uuid:award_id>/stop/",
        awards.award_stop_view,
        name="award_stop",
    ),
    path(
        "awards/<uuid:award_scheme_id>/awards/<uuid:award_id>/letter.pdf",
        awards.award_letter_view,
        name="award_letter",
    ),
    path("mine/awards/", mine_awards.my_awards_view, name="my_awards"),
    path(
        "mine/awards/<uuid:award_id>/accept/",
        mine_awards.my_award_accept_view,
        name="my_award_accept",
    ),
    path(
        "mine/awards/<uuid:award_id>/decline/",
        mine_awards.my_award_decline_view,
        name="my_award_decline",
    ),
    path(
        "mine/awards/<uuid:award_id>/letter/",
        mine_awards.my_award_letter_view,
        name="my_award_letter",
    ),
    # Care-experienced and estranged students' support records
    path("records/", records.record_list_view, name="records"),
    path("records/open/", records.record_open_view, name="record_open"),
    path("records/<uuid:record_id>/", records.record_view, name="record"),
    path("records/<uuid:record_id>/edit/", records.record_edit_view, name="record_edit"),
    path(
        "records/<uuid:record_id>/identifications/new/",
        records.identification_add_view,
        name="record_identification",
    ),
    path(
        "records/<uuid:record_id>/bursaries/new/",
        records.bursary_add_view,
        name="record_bursary",
    ),
    path(
        "records/<uuid:record_id>/bursaries/<uuid:bursary_id>/chase/",
        records.bursary_chase_view,
        name="record_bursary_chase",
    ),
    path(
        "records/<uuid:record_id>/bursaries/<uuid:bursary_id>/received/",
        records.bursary_receive_view,
        name="record_bursary_receive",
    ),
    path("mine/record/", records.my_record_view, name="my_record"),
    path("mine/record/contact/", records.my_record_contact_view, name="my_record_contact"),
    # 1-2-1 casework and appointments
    path("cases/", casework.cases_view, name="cases"),
    path("cases/new/", casework.case_create_view, name="case_create"),
    path("cases/caseload/", casework.caseload_view, name="case_caseload"),
    path("cases/<uuid:case_id>/", casework.case_detail_view, name="case"),
    path("cases/<uuid:case_id>/notes/", casework.case_note_view, name="case_note"),
    path("cases/<uuid:case_id>/handover/", casework.case_handover_view, name="case_handover"),
    path("cases/<uuid:case_id>/referrals/", casework.case_referral_view, name="case_referral"),
    path(
        "cases/<uuid:case_id>/referrals/<int:referral_id>/close/",
        casework.case_referral_close_view,
        name="case_referral_close",
    ),
    path("cases/<uuid:case_id>/close/", casework.case_close_view, name="case_close"),
    path("cases/<uuid:case_id>/reopen/", casework.case_reopen_view, name="case_reopen"),
    path("cases/<uuid:case_id>/follow-up/", casework.case_follow_up_view, name="case_follow_up"),
    path("appointments/", appointments.appointments_view, name="appointments"),
    path(
        "appointments/<uuid:appointment_id>/",
        appointments.appointment_detail_view,
        name="appointment",
    ),
    path(
        "appointments/<uuid:appointment_id>/book/",
        appointments.appointment_book_view,
        name="appointment_book",
    ),
    path(
        "appointments/<uuid:appointment_id>/open-case/",
        appointments.appointment_open_case_view,
        name="appointment_open_case",
    ),
    path(
        "appointments/<uuid:appointment_id>/held/",
        appointments.appointment_hold_view,
        name="appointment_hold",
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        appointments.appointment_cancel_view,
        name="appointment_cancel",
    ),
    path("mine/cases/", cases_mine.my_cases_view, name="cases_mine"),
    path(
        "mine/cases/appointment/",
        cases_mine.my_appointment_request_view,
        name="cases_mine_appointment",
    ),
]
