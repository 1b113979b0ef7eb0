"""The evaluation report of an activity many learners answered surveys for.

The learner list's partnership (`benchmarks/learner_list.py`). Up to 20,000 of its learners
answered a published scale before and after an activity: a quarter attended it (participants),
the rest did not (the comparison group). Cases, at the run's scale and at the reference scale:

* `report: exact matching` and `report: propensity matching`: everything the report page shows
  (`evaluation_report`: the scores read, participants and characteristics, paired change, the
  matched comparison group with its balance, difference-in-differences, standards of evidence),
  beside the bare baseline of reading the same scale scores with one ORM query;
* `report: PDF`: the PDF of the exact-matching report (fpdf2).

Checks (a failure of the run if they do not hold): exact matching leaves every characteristic
balanced, and the paired change equals the mean of the seeded changes.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

from django.utils import timezone

from benchmarks.harness import Measurement, SectionRun
from benchmarks.world import SEED, add_learners, build_partnership
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.core import request_context
from widen.evaluation.models import (
    ResponseChannel,
    Scale,
    ScaleItem,
    ScaleScore,
    ScaleSource,
    ScaleStatus,
    Survey,
    SurveyResponse,
    SurveyTiming,
)
from widen.evaluation.reports import Subject, SubjectKind, evaluation_report
from widen.evaluation.reports.pdf import report_pdf
from widen.learners.models import Learner
from widen.organisations.models import Partnership
from widen.programmes.models import ActivitySubType

RESPONDENTS_MAX = 20_000
PARTICIPANT_SHARE = 0.25
BATCH_SIZE = 5_000


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    respondents = min(bench.options.learners, RESPONDENTS_MAX)
    scales = [respondents]
    reference = bench.options.reference_scale
    if reference is not None and reference < respondents:
        scales.insert(0, reference)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    bench.say(f"seeding {respondents:,} learners")
    with bench.stopwatch(f"seed {respondents:,} learners (with audit rows)"):
        add_learners(world, rng, respondents)
    learners: list[tuple[UUID, UUID]] = list(
        Learner.objects.order_by("pk").values_list("pk", "organisation_id")
    )
    for scale in scales:
        bench.say(f"{scale:,} learners answer before and after")
        with bench.stopwatch(f"seed the answers of {scale:,} learners"):
            activity, mean_change = _answers(rng, learners[:scale], scale)
        subject = Subject(SubjectKind.ACTIVITY, activity)
        bare = partial(_bare, activity)
        for method in ("exact", "propensity"):
            bench.say(f"{scale:,} learners: report, {method} matching")
            call = partial(evaluation_report, subject, method=method)
            report = call()
            bench.record(
                Measurement(
                    case=f"report: {method} matching",
                    scale=scale,
                    timing=bench.time(call),
                    queries=bench.count_queries(call),
                    baseline=bench.time(bare),
                    baseline_label="read the scores",
                    details={
                        "matched": report.comparison.matching.matched
                        if report.comparison and report.comparison.matching
                        else 0,
                        "evidence": report.evidence.label,
                    },
                )
            )
            result = report.results[0]
            if method == "exact" and not report.comparison.matching.balanced:  # type: ignore[union-attr]
                bench.failures.append(f"{scale:,}: exact matching left a characteristic unbalanced")
            if abs((result.paired.mean_change or 0) - mean_change) > 1e-9:  # noqa: PLR2004
                bench.failures.append(
                    f"{scale:,}: paired change {result.paired.mean_change} is not the seeded "
                    f"{mean_change}"
                )
        report = evaluation_report(subject, method="exact")
        pdf = partial(report_pdf, report, method="exact")
        bench.record(
            Measurement(
                case="report: PDF",
                scale=scale,
                timing=bench.time(pdf),
                details={"bytes": len(pdf())},
            )
        )
    bench.unit = "learners who answered"
    bench.scale = respondents
    bench.count_rows(learners=Learner, responses=SurveyResponse, scale_scores=ScaleScore)


def _bare(activity: Activity) -> int:
    return len(
        list(
            ScaleScore.objects.filter(response__activity=activity).values_list(
                "response__learner_id", "response__timing", "scale_id", "score"
            )
        )
    )


def _answers(
    rng: random.Random, learners: list[tuple[UUID, UUID]], scale: int
) -> tuple[Activity, float]:
    """An activity whose participants and comparison group answered before and after; the mean
    change of the participants, as seeded."""
    partnership = Partnership.objects.get(name="Bench Uni Connect")
    organisation = partnership.lead_organisation
    with request_context.bind(source="system"):
        activity = Activity.objects.create(
            partnership=partnership,
            delivered_by=organisation,
            name=f"Campus visit ({scale:,} answered)",
            sub_type=ActivitySubType.objects.filter(partnership=None).earliest("created_at"),
        )
        session = Session.objects.create(
            activity=activity,
            date=date(2026, 10, 1),
            starts_at=time(10, 0),
            ends_at=time(12, 0),
            contact_hours=Decimal(2),
        )
        measure = Scale.objects.create(
            partnership=partnership,
            key=f"bench-confidence-{scale}",
            name="Confidence about university",
            source=ScaleSource.PARTNERSHIP,
            response_options=[{"value": v, "label": str(v)} for v in range(1, 6)],
        )
        ScaleItem.objects.create(scale=measure, position=1, text="I could see myself there.")
        Scale.objects.filter(pk=measure.pk).update(status=ScaleStatus.PUBLISHED)
        surveys = {
            timing: Survey.objects.create(
                partnership=partnership,
                organisation=organisation,
                title=f"Campus visit: {timing}",
                timing=timing,
                activity=activity,
            )
            for timing in (SurveyTiming.PRE, SurveyTiming.POST)
        }
        participants = int(len(learners) * PARTICIPANT_SHARE)
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    learner_id=pk,
                    organisation_id=holder,
                    status=AttendanceStatus.ATTENDED,
                )
                for pk, holder in learners[:participants]
            ],
            batch_size=BATCH_SIZE,
        )
        now = timezone.now()
        responses: list[SurveyResponse] = []
        scores: list[float] = []
        changes: list[float] = []
        for index, (pk, holder) in enumerate(learners):
            before = float(rng.randint(1, 4))
            lift = rng.choice((0, 1, 1, 2)) if index < participants else rng.choice((0, 0, 1))
            after = before + lift
            if index < participants:
                changes.append(after - before)
            for timing, score, when in (
                (SurveyTiming.PRE, before, now - timedelta(days=30)),
                (SurveyTiming.POST, after, now - timedelta(days=1)),
            ):
                responses.append(
                    SurveyResponse(
                        survey=surveys[timing],
                        organisation_id=holder,
                        learner_id=pk,
                        activity=activity,
                        timing=timing,
                        channel=ResponseChannel.LINK,
                        submitted_at=when,
                    )
                )
                scores.append(score)
        made = SurveyResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
        ScaleScore.objects.bulk_create(
            [
                ScaleScore(response=response, scale=measure, score=score, items_answered=1)
                for response, score in zip(made, scores, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
    return activity, sum(changes) / len(changes)
