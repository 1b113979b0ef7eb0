"""Every write to the question bank, surveys, their links and responses, and theories of change,
with its rule; each concern in its own module, every public name here.

Scales (`scales`): a draft's items can be changed; a published scale's wording cannot.
Surveys (`surveys`): questions are added while the survey is a draft; it is then opened and
closed. Links (`sending`): an open survey takes answers by one-time link, handed out in a session
or e-mailed to an event's bookings; each link answers once. Answers (`answers`): scale scores are
worked out when a response is submitted. Theories of change (`theory_of_change`).

Who may do what is `widen.evaluation.permissions`'s to decide; every service here asks it, and
takes an `actor` (a person, or `system_actor(...)` for work nobody clicked for).
"""

from widen.evaluation.permissions import (
    may_keep_bank,
    may_write_theory,
    survey_organisations,
)
from widen.evaluation.services.answers import (
    AnswersInvalidError,
    answer_publication_mark,
    answer_values,
    number_text,
    response_submit,
    scale_scores_for,
)
from widen.evaluation.services.common import (
    QUESTIONS_MAX,
    SURVEY_LINK_PATH,
    TEXT_ANSWER_MAX,
    agreement_options,
)
from widen.evaluation.services.scales import (
    ItemSpec,
    scale_create,
    scale_draft_update,
    scale_new_version,
    scale_publish,
    scale_same_as,
)
from widen.evaluation.services.sending import (
    INVITATION_RELATIONS,
    LinkGiven,
    invitation_for_link,
    invitations_send_for_event,
    invitations_send_for_session,
)
from widen.evaluation.services.surveys import (
    QuestionDetails,
    SurveyDetails,
    question_add,
    question_remove,
    survey_after_make,
    survey_close,
    survey_create,
    survey_open,
    survey_scale_add,
)
from widen.evaluation.services.theory_of_change import (
    TheoryDetails,
    details_from,
    moat_outcome_choices,
    theory_of_change_for,
    theory_of_change_save,
)

__all__ = [
    "INVITATION_RELATIONS",
    "QUESTIONS_MAX",
    "SURVEY_LINK_PATH",
    "TEXT_ANSWER_MAX",
    "AnswersInvalidError",
    "ItemSpec",
    "LinkGiven",
    "QuestionDetails",
    "SurveyDetails",
    "TheoryDetails",
    "agreement_options",
    "answer_publication_mark",
    "answer_values",
    "details_from",
    "invitation_for_link",
    "invitations_send_for_event",
    "invitations_send_for_session",
    "may_keep_bank",
    "may_write_theory",
    "moat_outcome_choices",
    "number_text",
    "question_add",
    "question_remove",
    "response_submit",
    "scale_create",
    "scale_draft_update",
    "scale_new_version",
    "scale_publish",
    "scale_same_as",
    "scale_scores_for",
    "survey_after_make",
    "survey_close",
    "survey_create",
    "survey_open",
    "survey_organisations",
    "survey_scale_add",
    "theory_of_change_for",
    "theory_of_change_save",
]
