"""The registry of benchmark sections.

A section is a module with a `run(bench: SectionRun) -> None` function. The runner gives it a
fresh, migrated database for each engine; the section seeds its own data, times its cases and
records them on `bench`. Modules are imported only after Django is set up.

To add a section, write the module and add a `Section` here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from benchmarks.harness import SectionRun


@dataclass(frozen=True)
class Section:
    name: str
    summary: str
    module: str

    def runner(self) -> Callable[[SectionRun], None]:
        return cast(Callable[[SectionRun], None], importlib.import_module(self.module).run)


SECTIONS: tuple[Section, ...] = (
    Section(
        name="learners",
        summary="learner list and detail pages, and the learner API, at scale",
        module="benchmarks.learner_list",
    ),
    Section(
        name="import",
        summary="pupil list import (CSV and XLSX): preview, commit, end to end, re-import",
        module="benchmarks.learner_import",
    ),
    Section(
        name="kill",
        summary="SIGKILL `widen import learners` at random moments: the database stays as it was",
        module="benchmarks.kill_import",
    ),
    Section(
        name="targeting",
        summary="area profiles of 1,000,000 real postcodes and a rule set's flags, end to end",
        module="benchmarks.targeting",
    ),
    Section(
        name="reporting",
        summary="dashboard pages on summaries of 2,000,000 attendance records, and their rebuild",
        module="benchmarks.reporting",
    ),
    Section(
        name="registers",
        summary="register import of 300 and 2,000 rows: preview by UPN or name, commit, re-import",
        module="benchmarks.registers",
    ),
    Section(
        name="students",
        summary="student list import of 2,000 and 20,000 rows: commit with history, re-import",
        module="benchmarks.student_import",
    ),
    Section(
        name="progress",
        summary="who is falling behind: the programme progress page at 50,000 enrolled learners",
        module="benchmarks.progress",
    ),
    Section(
        name="dedup",
        summary="duplicate learners: Widen (Splink) beside heat-helper, precision, recall, twins",
        module="benchmarks.dedup",
    ),
    Section(
        name="evaluation",
        summary="evaluation report of 20,000 learners' answers: paired change, matching, DiD, PDF",
        module="benchmarks.evaluation",
    ),
    Section(
        name="events",
        summary="event bookings: a group of 500 learners, the bookings page of 2,000, a booking",
        module="benchmarks.events",
    ),
    Section(
        name="surveys",
        summary="surveys: links to a register of 500, the survey page of 20,000 links, an answer",
        module="benchmarks.surveys",
    ),
    Section(
        name="partner-payments",
        summary="a payment run of 20,000 student partners' expense claims: build, mark paid",
        module="benchmarks.partner_payments",
    ),
    Section(
        name="partner-offering",
        summary="offering 2,000 open shifts to 5,000 student partners within every plan and cap",
        module="benchmarks.partner_offering",
    ),
    Section(
        name="support",
        summary="student support: 5 schemes' eligibility for 50,000 students, an instalment run",
        module="benchmarks.support",
    ),
    Section(
        name="mentoring",
        summary="mentoring: 5,000 mentees matched to 2,000 mentors, proven optimal, beside others",
        module="benchmarks.mentoring",
    ),
    Section(
        name="load",
        summary="50 clients at once on four pages: `widen serve`'s processes beside one process",
        module="benchmarks.load",
    ),
)


def by_name(name: str) -> Section:
    for section in SECTIONS:
        if section.name == name:
            return section
    raise KeyError(name)
