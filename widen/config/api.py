"""The JSON API at /api/v1/: one NinjaAPI, a router per app, bearer tokens everywhere."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from widen.accounts.api_auth import ApiTokenAuth
from widen.activities.api import activities_router, programmes_router, sessions_router
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.api import scales_router, surveys_router
from widen.evaluation.reports.api import evaluation_reports_router
from widen.events.api import events_router
from widen.events.checkin.api import checkin_router
from widen.learners.api import router as learners_router
from widen.learners.duplicates.api import router as duplicate_pairs_router
from widen.mentoring.coordinator_api import router as mentoring_coordinator_router
from widen.mentoring.outcomes_api import router as mentoring_outcomes_router
from widen.mentoring.pair_api import router as mentoring_pair_router
from widen.mentoring.people_api import router as mentoring_people_router
from widen.notifications.api import router as notifications_router
from widen.organisations.api import router as organisations_router
from widen.partners.barriers_api import router as partner_barriers_router
from widen.partners.claims_api import router as partner_claims_router
from widen.partners.plans_api import router as partner_plans_router
from widen.partners.roles_api import router as partner_roles_router
from widen.partners.shifts_api import router as partner_shifts_router
from widen.partners.timesheets_api import router as partner_timesheets_router
from widen.partners.work_api import router as partner_work_router
from widen.payments.api import router as payments_router
from widen.students.api import router as students_router
from widen.support.api import router as support_router
from widen.support.awards_api import router as support_awards_router
from widen.support.benefits_api import router as support_benefits_router
from widen.support.casework_api import router as support_casework_router
from widen.support.records_api import router as support_records_router
from widen.targeting.api import router as postcodes_router
from widen.targeting.api import rule_sets_router

api = NinjaAPI(
    title="Widen API",
    version="1",
    description=(
        "Organisations and learners of a widening-participation partnership, and postcode "
        "look-ups against the loaded open data."
    ),
    auth=ApiTokenAuth(),
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/organisations", organisations_router)
api.add_router("/learners", learners_router)
api.add_router("/duplicate-pairs", duplicate_pairs_router)
api.add_router("/postcodes", postcodes_router)
api.add_router("/rule-sets", rule_sets_router)
api.add_router("/activities", activities_router)
api.add_router("/sessions", sessions_router)
api.add_router("/programmes", programmes_router)
api.add_router("/surveys", surveys_router)
api.add_router("/scales", scales_router)
api.add_router("/evaluation-reports", evaluation_reports_router)
api.add_router("/events", events_router)
api.add_router("/check-in", checkin_router)
api.add_router("/payments", payments_router)
api.add_router("/notifications", notifications_router)
api.add_router("/students", students_router)
api.add_router("/partner-claims", partner_claims_router)
api.add_router("/partners/my-work", partner_work_router)
api.add_router("/partners", partner_shifts_router)
api.add_router("/partners", partner_timesheets_router)
api.add_router("/partners", partner_plans_router)
api.add_router("/partners", partner_roles_router)
api.add_router("/partners", partner_barriers_router)
api.add_router("/support", support_router)
api.add_router("/support", support_casework_router)
api.add_router("/support", support_awards_router)
api.add_router("/support", support_records_router)
api.add_router("/mentoring", mentoring_coordinator_router)
api.add_router("/mentoring", mentoring_people_router)
api.add_router("/mentoring", mentoring_pair_router)
api.add_router("/mentoring", mentoring_outcomes_router)
api.add_router("/support", support_benefits_router)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    body = {"detail": exc.message, "field": exc.field}
    return api.create_response(request, body, status=422)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {
            field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
        }
    else:
        errors = {"__all__": list(exc.messages)}
    return api.create_response(request, {"detail": "Invalid data.", "errors": errors}, status=422)
