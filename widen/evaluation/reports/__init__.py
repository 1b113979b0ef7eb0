"""The evaluation report of an activity, a programme or an event (`report`), what it is about and
whose answers it reads (`subjects`), its PDF file (`pdf`), and its pages (`views`, `urls`) and API
(`api`). Every read is scoped to the person asking (`report_subject_get`)."""

from widen.evaluation.reports.report import (
    BalanceLine,
    Comparison,
    EvaluationReport,
    Quote,
    ScaleResult,
    evaluation_report,
    p_text,
)
from widen.evaluation.reports.subjects import (
    MATCH_ON,
    MATCHING_METHODS,
    NOT_SHOWN,
    Subject,
    SubjectKind,
    learner_characteristics,
    programme_activities,
    report_subject_get,
    subject_participants,
    subject_responses,
    subject_scores,
)

__all__ = [
    "MATCHING_METHODS",
    "MATCH_ON",
    "NOT_SHOWN",
    "BalanceLine",
    "Comparison",
    "EvaluationReport",
    "Quote",
    "ScaleResult",
    "Subject",
    "SubjectKind",
    "evaluation_report",
    "learner_characteristics",
    "p_text",
    "programme_activities",
    "report_subject_get",
    "subject_participants",
    "subject_responses",
    "subject_scores",
]
