"""Surveys, the scales in the question bank, one-time survey links, responses and theories of
change: the question bank (`scales`), surveys and their questions (`surveys`), links, responses,
answers and scale scores (`responses`), and theories of change (`theory`). Every model and name is
importable from here, as Django expects."""

from widen.evaluation.models.responses import (
    Answer,
    ResponseChannel,
    ScaleScore,
    SurveyInvitation,
    SurveyResponse,
)
from widen.evaluation.models.scales import (
    AGREEMENT_OPTIONS,
    Scale,
    ScaleImport,
    ScaleImportStatus,
    ScaleItem,
    ScaleItemQuerySet,
    ScaleLockedError,
    ScaleQuerySet,
    ScaleScoring,
    ScaleSource,
    ScaleStatus,
    response_options_problem,
)
from widen.evaluation.models.surveys import (
    SURVEY_WORKFLOW,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
    SurveyTiming,
)
from widen.evaluation.models.theory import (
    TheoryOfChange,
)

__all__ = [
    "SURVEY_WORKFLOW",
    "AGREEMENT_OPTIONS",
    "Answer",
    "Question",
    "QuestionKind",
    "ResponseChannel",
    "Scale",
    "ScaleImport",
    "ScaleImportStatus",
    "ScaleItem",
    "ScaleItemQuerySet",
    "ScaleLockedError",
    "ScaleQuerySet",
    "ScaleScore",
    "ScaleScoring",
    "ScaleSource",
    "ScaleStatus",
    "Survey",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveyStatus",
    "SurveyTiming",
    "TheoryOfChange",
    "response_options_problem",
]
