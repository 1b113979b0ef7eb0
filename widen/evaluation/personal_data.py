"""Survey invitations, answers and scores in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit import registry
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

WITH_THE_SURVEY = registry.KeptWhileParent(
    "as long as the survey's results (kept for evaluation once the person is anonymised)"
)

registry.declare(
    model=SurveyInvitation,
    subjects={
        registry.Subject.LEARNER: "learner",
        registry.Subject.EMAIL: ("email", "booking__email"),
        registry.Subject.USER: "created_by",
    },
    categories=frozenset({registry.Category.IDENTITY, registry.Category.CONTACT}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"name": "", "email": ""},
    not_exported=frozenset({"token_digest"}),
    title="Survey invitations",
    organisation_path="organisation",
)
registry.declare(
    model=SurveyResponse,
    subjects={
        registry.Subject.LEARNER: "learner",
        registry.Subject.EMAIL: ("invitation__email", "invitation__booking__email"),
    },
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=registry.Erasure.KEEP,
    title="Surveys answered",
    organisation_path="organisation",
)
registry.declare(
    model=Answer,
    subjects={
        registry.Subject.LEARNER: "response__learner",
        registry.Subject.EMAIL: (
            "response__invitation__email",
            "response__invitation__booking__email",
        ),
        registry.Subject.USER: "published_by",
    },
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    # Written answers may name the person; choices and numbers stay for the evaluation.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"value_text": ""},
    title="Your answers",
    organisation_path="response__organisation",
)
registry.declare(
    model=ScaleScore,
    subjects={
        registry.Subject.LEARNER: "response__learner",
        registry.Subject.EMAIL: (
            "response__invitation__email",
            "response__invitation__booking__email",
        ),
    },
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_SURVEY,
    erasure=registry.Erasure.KEEP,
    title="Your scale scores",
    organisation_path="response__organisation",
)
registry.declare_staged_upload(ScaleImport, title="Scales uploaded")
registry.declare_attribution(Scale, "created_by", title="Scales you made")
registry.declare_attribution(Survey, "created_by", title="Surveys you made")
registry.declare_attribution(TheoryOfChange, "created_by", title="Theories of change you wrote")
