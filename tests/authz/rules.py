"""The rules of the authorisation matrix, each naming the capability it needs, in one table.

A rule says, for each relation of the object to the person (own, partner, unrelated; "-" for a
rule whose URL names no object of theirs), which capabilities allow the request: the person's
role must hold one of them in `GRANTS` (widen/accounts/capabilities.py). An empty set needs no
capability; a relation the rule does not name is refused. So the matrix expects what `GRANTS`
says: give a role a capability and every cell that needs it must then be allowed.

Each rule is described in the header of tests/authz_matrix.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from widen.accounts.capabilities import Capability, role_grants
from widen.accounts.models import Role

ANONYMOUS = "anonymous"
ROLES = [*Role.values, ANONYMOUS]
RELATIONS = ("own", "partner", "unrelated")
NO_OBJECT = "-"
NONE: frozenset[Capability] = frozenset()  # needs no capability

C = Capability


@dataclass(frozen=True)
class Rule:
    needs: Mapping[str, frozenset[Capability]]
    # Capabilities needed as well, every one (changing a learner's records needs learners.edit).
    also: frozenset[Capability] = NONE
    # Someone signed out is judged by `needs` too (public pages, one-time links), rather than
    # sent to sign in.
    signed_out: bool = False
    # A signed-in person is sent on (302): the sign-in and MFA pages, Django's admin.
    sends_people_on: bool = False
    # Relations in which a holder who is not allowed is refused as a broken rule (the API's 422,
    # the page's message on leading back), not as a missing object.
    refused_on_form: Mapping[str, frozenset[Capability]] = field(default_factory=dict)

    @property
    def relations(self) -> tuple[str, ...]:
        return (NO_OBJECT,) if NO_OBJECT in self.needs else RELATIONS

    def capabilities(self) -> set[Capability]:
        named = (*self.needs.values(), *self.refused_on_form.values(), self.also)
        return {capability for needed in named for capability in needed}

    def allows(self, role: str, relation: str) -> bool:
        if role == ANONYMOUS and not self.signed_out:
            return False
        holds_all = all(role_grants(role, capability) for capability in self.also)
        return holds_all and _holds_one(role, self.needs.get(relation))

    def refuses_on_form(self, role: str, relation: str) -> bool:
        return _holds_one(role, self.refused_on_form.get(relation))


def _holds_one(role: str, needed: frozenset[Capability] | None) -> bool:
    if needed is None:
        return False
    return not needed or any(role_grants(role, capability) for capability in needed)


def anyone(*, relations: tuple[str, ...] = (NO_OBJECT,)) -> Rule:
    """Anyone, signed in or not (for an object rule: only the right object)."""
    return Rule(dict.fromkeys(relations, NONE), signed_out=True)


def person(*capabilities: Capability) -> Rule:
    """A signed-in person holding one of `capabilities` (any, if none named)."""
    return Rule({NO_OBJECT: frozenset(capabilities)})


def seen(*capabilities: Capability) -> Rule:
    """An object of one of the person's partnerships (own, partner), for holders."""
    return Rule({"own": frozenset(capabilities), "partner": frozenset(capabilities)})


def own(*capabilities: Capability, also: frozenset[Capability] = NONE) -> Rule:
    """An object of the person's own (organisation, upload, account), for holders."""
    return Rule({"own": frozenset(capabilities)}, also=also)


# Changing a learner's records (enrolling them, merging them) is for their own organisation's
# people who edit learners, and who hold the capability of the change.
EDITS = frozenset({C.LEARNERS_EDIT})


# A rule's own organisation runs the survey; a partnership's managers run its partners' too.
SURVEY_MANAGE = Rule(
    {
        "own": frozenset({C.SURVEYS_RUN, C.SURVEYS_MANAGE_PARTNERSHIP}),
        "partner": frozenset({C.SURVEYS_MANAGE_PARTNERSHIP}),
    }
)

RULES: dict[str, Rule] = {
    # Anyone, signed in or not.
    "public": anyone(),
    "event_public": anyone(),
    "booking_holder": anyone(),
    "partnership_feed": anyone(),
    "notification_stop": anyone(),
    "public_event_page": anyone(relations=("own",)),
    "invitation_link": anyone(relations=("own",)),
    "booking_link": anyone(relations=("own",)),
    "survey_link": anyone(relations=("own",)),
    # Signing in.
    "sign_in": Rule({NO_OBJECT: NONE}, signed_out=True, sends_people_on=True),
    "mfa_step": Rule({NO_OBJECT: NONE}, sends_people_on=True),
    "admin": Rule({NO_OBJECT: NONE}, sends_people_on=True),  # staff only: no role is staff
    # Any signed-in person, or those holding a capability (no object of theirs in the URL).
    "signed_in": person(),
    "notification_choices": person(),
    "learner_create": person(C.LEARNERS_EDIT),
    "import_upload": person(C.LEARNERS_EDIT),
    "duplicate_review": person(C.LEARNERS_REVIEW_DUPLICATES),
    "student_linking": person(C.STUDENTS_MANAGE),
    "student_import_upload": person(C.STUDENTS_MANAGE),
    "payments_finance": person(C.PAYMENTS_MANAGE),
    "rights_handle": person(C.RIGHTS_HANDLE),
    "activity_planner": person(C.ACTIVITIES_DELIVER),
    "event_planner": person(C.EVENTS_ORGANISE),
    "rule_set_planner": person(C.TARGETING_MANAGE),
    "programme_planner": person(C.PROGRAMMES_DESIGN),
    # Things of the person's partnerships.
    "organisation": seen(),
    "partnership": seen(),
    "learner_view": seen(),
    "rule_set_view": seen(),
    "activity_view": seen(),
    "programme_view": seen(),
    "survey_view": seen(),
    "scale_view": seen(),
    "event_report": seen(),
    "rule_set_manage": seen(C.TARGETING_MANAGE),
    "rule_set_plan": seen(C.TARGETING_MANAGE),
    "programme_plan": seen(C.PROGRAMMES_DESIGN),
    "activity_plan": seen(C.ACTIVITIES_DELIVER),
    "event_plan": seen(C.EVENTS_ORGANISE),
    "event_organise": seen(C.EVENTS_ORGANISE),
    "programme_enrol": seen(C.PROGRAMMES_ENROL),
    "survey_plan": seen(C.SURVEYS_RUN),
    "bank_keep": seen(C.SURVEYS_RUN),
    "scale_keep": seen(C.SURVEYS_RUN),
    "theory_activity": seen(C.THEORY_OF_CHANGE_EDIT),
    "theory_programme": seen(C.THEORY_OF_CHANGE_EDIT),
    "survey_manage": SURVEY_MANAGE,
    "survey_draft": SURVEY_MANAGE,
    "answer_publish": SURVEY_MANAGE,
    "survey_send": Rule(
        {
            "own": frozenset({C.SURVEYS_SEND, C.SURVEYS_MANAGE_PARTNERSHIP}),
            "partner": frozenset({C.SURVEYS_MANAGE_PARTNERSHIP}),
        }
    ),
    # Things of the person's own organisation, or their own.
    "saved_search": own(),
    "api_token": own(),
    "notification": own(),
    "payment_own": own(),
    "learner_edit": own(C.LEARNERS_EDIT),
    "import_run": own(C.LEARNERS_EDIT),
    "learner_audit": own(C.AUDIT_SEE),
    "duplicate_pair": own(C.LEARNERS_REVIEW_DUPLICATES, also=EDITS),
    "student_link": own(C.STUDENTS_MANAGE),
    "student_import": own(C.STUDENTS_MANAGE),
    "activity_deliver": own(C.ACTIVITIES_DELIVER),
    "register": own(C.ACTIVITIES_DELIVER, C.ACTIVITIES_TAKE_SCHOOL_REGISTER),
    "register_import": own(C.ACTIVITIES_DELIVER, C.ACTIVITIES_TAKE_SCHOOL_REGISTER),
    "enrolment_leave": own(C.PROGRAMMES_ENROL, also=EDITS),
    # The programme is theirs to enrol on: a learner they may not change answers like a missing
    # one.
    "enrolment_change": Rule(
        {"own": frozenset({C.PROGRAMMES_ENROL})},
        also=EDITS,
        refused_on_form={
            relation: frozenset({C.PROGRAMMES_ENROL}) for relation in ("own", "partner")
        },
    ),
    "event_manage": own(C.EVENTS_ORGANISE),
    "event_checkin": own(C.EVENTS_ORGANISE),
    "event_checkin_booking": own(C.EVENTS_ORGANISE),
    "event_checkin_scan": own(C.EVENTS_ORGANISE),
    "scale_upload": own(C.SURVEYS_RUN),
    "payment_run": own(C.PAYMENTS_MANAGE),
    "payment_run_file": own(C.PAYMENTS_MANAGE),
    "rights_request": own(C.RIGHTS_HANDLE),
    "payee_bank": Rule({"own": NONE, "partner": frozenset({C.PAYMENTS_MANAGE})}),
    # Student records (tests/students/records_matrix.py): seen by their provider's people and
    # partners under an agreement covering students; changed by the provider's managers only.
    "student_create": person(C.STUDENTS_MANAGE),
    "student_view": seen(),
    "student_change": own(C.STUDENTS_MANAGE),
    "provider_terms": seen(),
    "provider_terms_manage": own(C.STUDENTS_MANAGE),
    "term_manage": own(C.STUDENTS_MANAGE),
    # A student's own record: no staff role holds one (tests/students/mine/matrix.py).
    "student_own": Rule({}),
    # One's own passkeys ("Your passkeys", removing one): no staff role keeps them there, so
    # every staff role gets 404, whoever's passkey it is (tests/students/mine/matrix.py).
    "passkeys_mine": Rule({}),
    "passkey_own": Rule({}),
}

# Capabilities no page or endpoint asks for yet, and why. Once code asks for one, a rule must
# name it and it leaves this list (tests/test_authz_matrix.py checks both).
NOT_ASKED_FOR: dict[Capability, str] = {
    C.PARTNERSHIP_MANAGE: "granted to partnership admins, but no page or endpoint asks for it",
}


class _CellLike(Protocol):
    name: str
    method: str
    role: str
    relation: str


def expected_status(entry: dict[str, Any], cell: _CellLike) -> int:
    """The status a cell gets: an allowed request its page's or endpoint's status, a refused one
    404 (the same as a missing object), someone signed out 302 to sign in (the API: 401)."""
    rule = RULES[entry["rule"]]
    api = cell.name.startswith("api:")
    if cell.role == ANONYMOUS and not rule.signed_out:
        return 401 if api else 302
    if cell.role != ANONYMOUS and rule.sends_people_on:
        return 302
    if rule.allows(cell.role, cell.relation):
        if cell.method == "POST" and not api:
            return int(entry.get("posted", 302))  # a page's saved form leads on
        return int(entry.get("allowed", 200))
    if rule.refuses_on_form(cell.role, cell.relation):
        return 422 if api else 302
    return 404


def _with_partners_rules() -> None:
    """The student partners' rules, one module per area (tests/partners/matrix/)."""
    from tests.partners.matrix import partners_rules  # noqa: PLC0415

    RULES.update(partners_rules())


_with_partners_rules()


def _with_support_rules() -> None:
    """Student support's rules, one module per area (tests/support/matrix/)."""
    from tests.support.matrix import support_rules  # noqa: PLC0415

    RULES.update(support_rules())


_with_support_rules()


def _with_mentoring_rules() -> None:
    """Mentoring's rules, one module per area (tests/mentoring/matrix/)."""
    from tests.mentoring.matrix import mentoring_rules  # noqa: PLC0415

    RULES.update(mentoring_rules())


_with_mentoring_rules()
