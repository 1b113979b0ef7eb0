"""The survey and question-bank pages' and endpoints' cells of the authorisation matrix
(tests/authz_matrix.yaml).

Rules (own: of the person's organisation in North; partner: another member's in North;
unrelated: the South partnership's; what each cell expects, and the capability each rule needs,
is decided in tests/authz/rules.py):
  survey_view    a survey of one of the person's partnerships
  survey_plan    a partnership of the person's, for those who run surveys (partnership and
                 organisation admins, outreach officers, evaluators)
  survey_manage  a survey the person's organisation runs, for those who run surveys; partnership
                 admins also manage their partners' surveys (an open survey)
  survey_send    as survey_manage, for roles that see learners by name: the links go to named
                 people, so never the pseudonymised evaluator
  survey_draft   as survey_manage, a draft survey (its questions can still change)
  answer_publish a written answer (with consent) to a survey the person manages, as above
  scale_view     a scale in the question bank of one of the person's partnerships
  bank_keep      a partnership of the person's, for those who run surveys
  scale_keep     a draft scale of one of the person's partnerships, for those who run surveys
  scale_upload   a scale spreadsheet the person uploaded (own); another person's is not theirs
  survey_link    anyone with the survey's one-time link: own is a fresh link; partner is a link
                 to a closed survey; unrelated is a made-up link
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from widen.accounts.capabilities import Capability, role_grants
from widen.core.links import link_token_new
from widen.evaluation.models import (
    Answer,
    Question,
    QuestionKind,
    ResponseChannel,
    Scale,
    ScaleImport,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
)
from widen.testing.world import World

SCALE_CSV = (
    b"scale,position,text\r\nMatrix scale,1,I like learning.\r\nMatrix scale,2,I ask questions.\r\n"
)


def _partnership(world: World, relation: str) -> Any:
    return world.south if relation == "unrelated" else world.north


def _survey(world: World, relation: str, *, status: str = SurveyStatus.OPEN) -> Survey:
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    survey = Survey.objects.create(
        partnership=_partnership(world, relation),
        organisation=organisation,
        title=f"Matrix survey ({relation})",
        status=status,
    )
    Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.FREE_TEXT, text="Anything to add?"
    )
    return survey


def _answer(world: World, relation: str) -> Answer:
    survey = _survey(world, relation)
    response = SurveyResponse.objects.create(
        survey=survey,
        organisation=survey.organisation,
        timing=survey.timing,
        channel=ResponseChannel.AT_EVENT,
        submitted_at=survey.created_at,
        publication_consent=True,
    )
    return Answer.objects.create(
        response=response, question=survey.questions.get(), value_text="It was great."
    )


def _scale(world: World, relation: str, *, published: bool) -> Scale:
    partnership = _partnership(world, relation)
    number = Scale.objects.count() + 1
    scale = Scale.objects.create(
        partnership=partnership,
        key=f"matrix-{number}",
        name=f"Matrix scale {number}",
        source="partnership",
        response_options=[{"value": 1, "label": "No"}, {"value": 2, "label": "Yes"}],
    )
    scale.items.create(position=1, text="I like learning.")
    if published:
        scale.status = "published"
        scale.save(update_fields=["status"])
    return scale


def _link(world: World, relation: str) -> str:
    if relation == "unrelated":
        return secrets.token_urlsafe(32)
    survey = _survey(
        world, "own", status=SurveyStatus.OPEN if relation == "own" else SurveyStatus.CLOSED
    )
    token = link_token_new()
    SurveyInvitation.objects.create(
        survey=survey, organisation=world.alpha, token_digest=token.digest, name="Pat"
    )
    return token.token


def _upload(world: World, role: str, relation: str) -> ScaleImport:
    runs = role_grants(role, Capability.SURVEYS_RUN)
    uploader = world.users[role if relation == "own" and runs else "staff"]
    return ScaleImport.objects.create(
        partnership=world.north,
        uploaded_by=uploader,
        file_name="scales.csv",
        file_format="csv",
        file_sha256=hashlib.sha256(SCALE_CSV).hexdigest(),
        file_size=len(SCALE_CSV),
        file_content=SCALE_CSV,
    )


def survey_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of the survey rules (None: not a survey rule)."""
    if rule in {"survey_view", "survey_manage", "survey_send"}:
        return {"survey_id": _survey(world, relation).pk}
    if rule == "survey_draft":
        return {"survey_id": _survey(world, relation, status=SurveyStatus.DRAFT).pk}
    if rule in {"survey_plan", "bank_keep"}:
        return {"partnership_id": _partnership(world, relation).pk}
    if rule == "answer_publish":
        return {"answer_id": _answer(world, relation).pk}
    if rule == "scale_view":
        return {"scale_id": _scale(world, relation, published=True).pk}
    if rule == "scale_keep":
        return {"scale_id": _scale(world, relation, published=False).pk}
    if rule == "scale_upload":
        return {"import_id": _upload(world, role, relation).pk}
    if rule == "survey_link":
        return {"token": _link(world, relation)}
    return None


def survey_request_body(world: World, name: str, counter: int) -> dict[str, Any] | None:
    """A valid body for the survey pages' and endpoints' writes (None: not a survey URL)."""
    if name == "evaluation:survey_create":
        return {
            "organisation": str(world.alpha.id),
            "title": f"Matrix survey {counter}",
            "timing": "standalone",
            "asks_publication_consent": "on",
        }
    if name == "evaluation:questions":
        return {"action": "question", "kind": "free_text", "text": f"Question {counter}?"}
    if name == "evaluation:survey_status":
        return {"action": "close"}
    if name == "evaluation:send":
        return {}
    if name == "evaluation:fill_in":
        return {"publication_consent": "yes"}
    if name == "evaluation:publish":
        return {"publish": "yes"}
    if name in {"evaluation:scale_create", "evaluation:scale_edit"}:
        return {
            "name": f"Matrix written scale {counter}",
            "scoring": "mean",
            "items": "I enjoy school.\nSchool is hard for me. (R)",
        }
    if name == "evaluation:scale_import":
        from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

        return {
            "items_file": SimpleUploadedFile("scales.csv", SCALE_CSV, content_type="text/csv"),
            "source": "taso_asq",
        }
    if name == "evaluation:answer":
        return {"publication_consent": "yes"}
    if name == "api:scale_draft_update_api":
        return {"items": [{"text": f"I like learning {counter}."}]}
    if name.startswith("evaluation:"):
        return {}
    return None
