"""Who is eligible for a support scheme, and why: the student criteria, working a scheme out for
a provider's students (only what changed is written), and special category data refused
without a lawful condition."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.schemes import (
    CARE_EXPERIENCED,
    FIRST_IN_FAMILY,
    SYSTEM,
    alpha_students,
    condition,
    make_scheme,
)
from tests.targeting.support import english_areas_loaded
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import Student
from widen.support.criteria import STUDENT_CRITERIA
from widen.support.frames import student_frame
from widen.support.models import SchemeRuleVersion, StudentAreaProfile, StudentEligibility
from widen.support.services.schemes import (
    SPECIAL_CATEGORY_REFUSAL,
    scheme_eligibility_compute,
    scheme_results,
    scheme_rule_set,
)
from widen.targeting.criteria import parse_definition
from widen.targeting.rule_sets.frames import columns_needed
from widen.testing.world import World

pytestmark = pytest.mark.django_db
STATUTORY = SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY


def explained(world: World, definition: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Each of Alpha's students by first name: (eligible, explanation) under `definition`."""
    columns = columns_needed(definition, criteria=STUDENT_CRITERIA)
    results = scheme_results(definition, student_frame(world.alpha, columns=columns))
    names = {
        str(student.pk.hex): student.first_name
        for student in Student.objects.filter(organisation=world.alpha)
    }
    names |= {str(pk): name for pk, name in Student.objects.values_list("pk", "first_name")}
    return {
        names[row["student_id"]]: (row["eligible"], row["explanation"])
        for row in results.iter_rows(named=True)
    }


def eligible_names(world: World, definition: dict[str, Any]) -> set[str]:
    return {name for name, (eligible, _) in explained(world, definition).items() if eligible}


def stored(scheme: Any) -> dict[str, str]:
    return {
        row.student.first_name: row.explanation
        for row in StudentEligibility.objects.filter(scheme=scheme, eligible=True).select_related(
            "student"
        )
    }


def test_each_fact_reads_the_providers_students_and_says_why(world: World) -> None:
    alpha_students(world)
    assert eligible_names(world, FIRST_IN_FAMILY) == {"Ben"}
    assert eligible_names(world, condition("household_income_band", values=["up_to_25000"])) == {
        "Ann"
    }
    assert eligible_names(world, condition("level", values=["undergraduate"])) == set()
    routes = explained(world, condition("entry_route", values=["access_to_he", "foundation_year"]))
    assert routes["Ann"] == (True, "eligible: entry route: Access to HE Diploma")
    assert routes["Ben"] == (False, "not eligible: entry route: A levels")
    assert routes["Cat"] == (False, "not eligible: entry route not recorded")
    care = explained(world, CARE_EXPERIENCED)
    # Where the fact came from: the declaration recorded with the student's record.
    eligible, why = care["Ann"]
    assert eligible
    assert why.startswith("eligible: care experienced (declared 20")
    assert why.endswith(", test)")
    assert care["Ben"] == (False, "not eligible: not care experienced")


def test_unknown_never_counts_for_a_criterion_nor_its_negation(world: World) -> None:
    alpha_students(world)
    not_care = explained(world, condition("care_experienced", negate=True))
    assert not_care["Ben"] == (True, "eligible: not care experienced")
    assert not_care["Ann"][0] is False
    # Cat declared nothing: neither care experienced nor not.
    assert not_care["Cat"] == (False, "not eligible: care experienced not recorded")
    assert explained(world, CARE_EXPERIENCED)["Cat"][0] is False


def test_home_areas_come_from_the_home_postcode_with_their_edition(world: World) -> None:
    english_areas_loaded()
    alpha_students(world)
    scheme = make_scheme(world, condition("imd_quintile", values=[1, 2, 3]))
    with request_context.bind(source="test"):
        run = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert run.areas == 3  # Alpha's three students (Beta's is not Alpha's to work out)
    ann = stored(scheme)["Ann"]
    assert ann.startswith("eligible: IMD quintile 3 (LSOA E01003559, ")
    assert set(stored(scheme)) == {"Ann"}  # Ben's area is in Q4; Cat has no postcode
    cat = StudentEligibility.objects.get(scheme=scheme, student__first_name="Cat")
    assert cat.explanation == "not eligible: IMD not known"
    # Worked out again only where the postcode changed.
    with request_context.bind(source="test"):
        assert scheme_eligibility_compute(scheme, actor=SYSTEM).areas == 0
        Student.objects.filter(first_name="Ann").update(home_postcode="E1 6AN")
        run = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert run.areas == 1
    assert StudentAreaProfile.objects.get(student__first_name="Ann").lsoa == "E01032739"
    assert stored(scheme) == {}


def test_ethnicity_is_never_a_criterion(world: World) -> None:
    with pytest.raises(ApplicationError, match="is not a criterion"):
        parse_definition(
            condition("ethnicity", values=["white_british"]), criteria=STUDENT_CRITERIA
        )


def test_working_out_writes_the_right_students_and_then_only_what_changed(world: World) -> None:
    students = alpha_students(world)
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    with request_context.bind(source="test"):
        run = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert (run.students, run.eligible, run.written) == (3, 1, 3)
    assert set(stored(scheme)) == {"Ben"}
    assert not StudentEligibility.objects.filter(student=students["bea"]).exists()
    audits = AuditEvent.objects.filter(object_type="support.scheme", object_id=str(scheme.pk))
    before = audits.count()
    computed_at = dict(
        StudentEligibility.objects.filter(scheme=scheme).values_list("student_id", "computed_at")
    )

    with request_context.bind(source="test"):
        again = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert (again.written, again.removed) == (0, 0)
    assert audits.count() == before  # nothing changed, nothing recorded
    assert (
        dict(
            StudentEligibility.objects.filter(scheme=scheme).values_list(
                "student_id", "computed_at"
            )
        )
        == computed_at
    )

    Student.objects.filter(pk=students["cat"].pk).update(first_in_family=True)
    with request_context.bind(source="test"):
        changed = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert (changed.written, changed.eligible) == (1, 2)
    assert set(stored(scheme)) == {"Ben", "Cat"}
    assert audits.count() == before + 1


def test_two_workings_out_side_by_side_store_one_result_for_each_student(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two managers press "work out" at once: the one that read the stored results first finds
    students stored by the other when it writes, and replaces them."""
    from widen.support.services import schemes  # noqa: PLC0415

    students = alpha_students(world)
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    read_results = schemes._stored_results

    def read_then_another_stores(read_scheme: Any) -> Any:
        stored_before = read_results(read_scheme)
        monkeypatch.setattr(schemes, "_stored_results", read_results)
        scheme_eligibility_compute(scheme, actor=SYSTEM)  # the other manager's, meanwhile
        return stored_before

    with request_context.bind(source="test"):
        # Nothing stored when read, everything stored when written.
        monkeypatch.setattr(schemes, "_stored_results", read_then_another_stores)
        scheme_eligibility_compute(scheme, actor=SYSTEM)
        assert StudentEligibility.objects.filter(scheme=scheme).count() == 3
        # One student missing when read, stored again by the other before the write.
        StudentEligibility.objects.filter(scheme=scheme, student=students["ben"]).delete()
        monkeypatch.setattr(schemes, "_stored_results", read_then_another_stores)
        run = scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert run.written == 1
    assert StudentEligibility.objects.filter(scheme=scheme).count() == 3
    assert set(stored(scheme)) == {"Ben"}


def test_special_category_is_refused_without_a_purpose_and_a_deciding_condition(
    world: World,
) -> None:
    alpha_students(world)
    with pytest.raises(ApplicationError) as refused:
        make_scheme(world, CARE_EXPERIENCED)
    assert refused.value.message == SPECIAL_CATEGORY_REFUSAL
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    for purpose, basis in (
        ("", SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY),
        ("Bursary", SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_EQUALITY),
    ):
        with request_context.bind(source="test"), pytest.raises(ApplicationError):
            scheme_rule_set(
                actor=SYSTEM,
                scheme=scheme,
                definition=CARE_EXPERIENCED,
                purpose=purpose,
                special_category_condition=basis,
            )
    assert scheme.versions.count() == 1
    with request_context.bind(source="test"):
        version = scheme_rule_set(
            actor=SYSTEM,
            scheme=scheme,
            definition=CARE_EXPERIENCED,
            purpose="A bursary for care-experienced students.",
            special_category_condition=STATUTORY,
        )
        scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert (version.number, version.uses_special_category) == (2, True)
    assert version.description == "care experienced"
    assert set(stored(scheme)) == {"Ann"}


def test_a_saved_version_is_never_changed(world: World) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    version = SchemeRuleVersion.objects.get(scheme=scheme)
    version.definition = CARE_EXPERIENCED
    with request_context.bind(source="test"), pytest.raises(ValueError, match="never changed"):
        version.save()
