"""Survey invitations, answers and scores in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
    declare_attribution,
    declare_staged_upload,
)
from widen.evaluation.models import (
    Answer,
    Scale,
    ScaleImport,
    ScaleScore,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TheoryOfChange,
)

WITH_THE_SURVEY = KeptWhileParent(
    "as long as the survey's results (kept for evaluation once the person is anonymised)"
)

declare(
    model=SurveyInvitation,
    subjects={
        Subject.LEARNER: "learner",
        Subject.EMAIL: ("email", "booking__email"),
        Subject.USER: "created_by",
    },
    categories=frozenset({Category.IDENTITY, Category.CONTACT}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=Erasure.ANONYMISE,
    anonymised={"name": "", "email": ""},
    not_exported=frozenset({"token_digest"}),
    title="Survey invitations",
    organisation_path="organisation",
)
declare(
    model=SurveyResponse,
    subjects={
        Subject.LEARNER: "learner",
        Subject.EMAIL: ("invitation__email", "invitation__booking__email"),
    },
    categories=frozenset({Category.PARTICIPATION}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=Erasure.KEEP,
    title="Surveys answered",
    organisation_path="organisation",
)
declare(
    model=Answer,
    subjects={
        Subject.LEARNER: "response__learner",
        Subject.EMAIL: ("response__invitation__email", "response__invitation__booking__email"),
        Subject.USER: "published_by",
    },
    categories=frozenset({Category.PARTICIPATION}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    # Written answers may name the person; choices and numbers stay for the evaluation.
    erasure=Erasure.ANONYMISE,
    anonymised={"value_text": ""},
    title="Your answers",
    organisation_path="response__organisation",
)
declare(
    model=ScaleScore,
    subjects={
        Subject.LEARNER: "response__learner",
        Subject.EMAIL: ("response__invitation__email", "response__invitation__booking__email"),
    },
    categories=frozenset({Category.PARTICIPATION}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=Erasure.KEEP,
    title="Your scale scores",
    organisation_path="response__organisation",
)
declare_staged_upload(ScaleImport, title="Scales uploaded")
declare_attribution(Scale, "created_by", title="Scales you made")
declare_attribution(Survey, "created_by", title="Surveys you made")
declare_attribution(TheoryOfChange, "created_by", title="Theories of change you wrote")
