"""Students' pages for staff: find, view, add and change students, change a student's status, and
a provider's term dates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.organisations.models import DataCategory, Organisation, OrganisationType
from widen.organisations.selectors import organisation_get
from widen.students.forms import StatusChangeForm, StudentForm, TermDatesForm
from widen.students.models import (
    FIELDS_BY_CATEGORY,
    Student,
    StudentStatus,
    StudyLevel,
)
from widen.students.navigation import may_see_students
from widen.students.permissions import StudentAccess, student_policy
from widen.students.selectors import (
    StudentFilters,
    characteristic_choices,
    list_categories_shown,
    list_view_purpose,
    student_access_map,
    student_declarations,
    student_get,
    student_list,
    student_pseudonym,
    student_status_history,
    student_views_record,
    term_dates_of,
    term_get,
)
from widen.students.services import (
    COURSE_FIELDS,
    settable_fields,
    student_create,
    student_status_change,
    student_update,
    term_dates_delete,
    term_dates_save,
)
from widen.targeting.lookup import postcodes_look_up
from widen.targeting.models import ProfileStatus

PAGE_SIZE = 50
YEARS_OF_STUDY = range(1, 11)


def _sees_students(request: AuthenticatedRequest) -> None:
    """Staff pages of students are for people who may see students by some route; anyone else
    (a student signed in, say) is answered as if the page did not exist."""
    if not may_see_students(request.user):
        raise NotFound


def field_label(name: str) -> str:
    label = str(Student._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return label[:1].upper() + label[1:]


def display_value(student: Student, name: str) -> str:
    value = getattr(student, name)
    display = getattr(student, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value in (None, ""):
        return "Not recorded"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def declared_display(name: str, value: str) -> str:
    """A declaration's value as the page says it."""
    if value == "":
        return "Not declared"
    if value in {"yes", "no"}:
        return value.capitalize()
    choices = dict(Student._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
    return str(choices.get(value, value))


def who(user: Any) -> str:
    """Who recorded something: a person's name, or Widen itself (an import, the demo)."""
    if user is None:
        return "Widen"
    return str(user.get_full_name() or user.username)


def _name(student: Student, access: StudentAccess) -> str:
    if DataCategory.IDENTITY in access.categories:
        return student.display_name
    return f"Student {student_pseudonym(student.id)}"


@require_http_methods(["GET"])
def student_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _sees_students(request)
    filters = StudentFilters.from_params(request.GET)
    students = student_list(actor=request.user, filters=filters)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    access_by_student = student_access_map(actor=request.user, students=rows)
    student_views_record(
        actor=request.user,
        students=rows,
        access_by_student=access_by_student,
        purpose=list_view_purpose("student list", filters),
        categories_shown=list_categories_shown(filters),
    )
    providers = Organisation.objects.filter(
        pk__in=student_policy.visible_to(request.user).values("organisation_id")
    ).order_by("name")
    context = {
        "page": page,
        "rows": [
            {
                "student": student,
                "name": _name(student, access_by_student[student.id]),
                "student_number": student.student_number
                if DataCategory.IDENTITY in access_by_student[student.id].categories
                else "–",
            }
            for student in rows
        ],
        "filters": filters,
        "statuses": StudentStatus.choices,
        "levels": StudyLevel.choices,
        "years": list(YEARS_OF_STUDY),
        "providers": providers,
        "characteristic_choices": characteristic_choices(request.user),
        "managed": student_policy.providers_managed(request.user).order_by("name"),
    }
    return render(request, "students/student_list.html", context)


def _area_measures(student: Student, access: StudentAccess) -> Any:
    """The home postcode's area measures, by the targeting engine's look-up (read-only): for
    those who see the student's identity or characteristics."""
    if not student.home_postcode:
        return None
    if not access.categories & {DataCategory.IDENTITY, DataCategory.CHARACTERISTICS}:
        return None
    (answer,) = postcodes_look_up([student.home_postcode])
    return answer


@require_http_methods(["GET"])
def student_detail_view(request: AuthenticatedRequest, student_id: UUID) -> HttpResponse:
    student, access = student_get(actor=request.user, student_id=student_id)
    student_views_record(
        actor=request.user,
        students=[student],
        access_by_student={student.id: access},
        purpose="student record viewed",
    )

    def fields_of(category: str) -> list[dict[str, str]]:
        if category not in access.categories:
            return []
        return [
            {"label": field_label(name), "value": display_value(student, name)}
            for name in FIELDS_BY_CATEGORY[category]
        ]

    area = _area_measures(student, access)
    context = {
        "student": student,
        "access": access,
        "name": _name(student, access),
        "identity_fields": fields_of(DataCategory.IDENTITY),
        "course_fields": [
            {"label": field_label(name), "value": display_value(student, name)}
            for name in COURSE_FIELDS
        ],
        "characteristic_fields": fields_of(DataCategory.CHARACTERISTICS),
        "special_fields": fields_of(DataCategory.SPECIAL_CATEGORY),
        "history": [
            {"change": change, "recorded_by": who(change.recorded_by)}
            for change in student_status_history(student=student)
        ],
        "declarations": [
            {
                "declaration": declaration,
                "label": field_label(declaration.characteristic),
                "value": declared_display(declaration.characteristic, declaration.value),
                "recorded_by": who(declaration.recorded_by),
            }
            for declaration in student_declarations(student=student, access=access)
        ],
        "area": area,
        "area_measured": area is not None
        and area.status in {ProfileStatus.FOUND, ProfileStatus.TERMINATED},
        "linked_learner": student.linked_learner
        if student.linked_learner_id and DataCategory.IDENTITY in access.categories
        else None,
    }
    return render(request, "students/student_detail.html", context)


@require_http_methods(["GET", "POST"])
def student_create_view(request: AuthenticatedRequest) -> HttpResponse:
    organisations = student_policy.providers_managed(request.user).order_by("name")
    default = organisations.first()
    if default is None:
        raise NotFound
    picked = _uuid(request.POST.get("organisation"))
    chosen = organisations.filter(pk=picked).first() if picked else None
    allowed = settable_fields(request.user, chosen or default)
    form = StudentForm(request.POST or None, allowed_fields=allowed, organisations=organisations)

    def save(data: dict[str, Any]) -> HttpResponse:
        student = student_create(
            actor=request.user,
            organisation=data["organisation"],
            details=form.student_details(),
            status=data["status"],
        )
        messages.success(request, f"{student.display_name} has been added.")
        return redirect("students:detail", student_id=student.id)

    return form_page(request, form, save, "students/student_form.html", {"creating": True})


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value or ""))
    except ValueError:
        return None


def _changeable(request: AuthenticatedRequest, student_id: UUID) -> tuple[Student, StudentAccess]:
    student, access = student_get(actor=request.user, student_id=student_id)
    if not access.can_change:
        raise NotFound
    return student, access


@require_http_methods(["GET", "POST"])
def student_edit_view(request: AuthenticatedRequest, student_id: UUID) -> HttpResponse:
    student, access = _changeable(request, student_id)
    if request.method == "GET":
        student_views_record(
            actor=request.user,
            students=[student],
            access_by_student={student.id: access},
            purpose="student record opened for editing",
        )
    form = StudentForm(
        request.POST or None,
        instance=student,
        allowed_fields=settable_fields(request.user, student.organisation),
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        fresh, _ = _changeable(request, student_id)
        student_update(actor=request.user, student=fresh, changes=form.student_details())
        messages.success(request, "Your changes have been saved.")
        return redirect("students:detail", student_id=student_id)

    context = {"student": student, "name": _name(student, access), "creating": False}
    return form_page(request, form, save, "students/student_form.html", context)


@require_http_methods(["GET", "POST"])
def student_status_view(request: AuthenticatedRequest, student_id: UUID) -> HttpResponse:
    student, access = _changeable(request, student_id)
    form = StatusChangeForm(request.POST or None, current=student.status)

    def save(data: dict[str, Any]) -> HttpResponse:
        change = student_status_change(
            actor=request.user,
            student=student,
            status=data["status"],
            changed_on=data["changed_on"],
        )
        messages.success(
            request,
            f"{student.display_name} is now {change.get_status_display().lower()} "
            f"(from {change.changed_on:%-d %B %Y}).",
        )
        return redirect("students:detail", student_id=student_id)

    context = {"student": student, "name": _name(student, access)}
    return form_page(request, form, save, "students/status_form.html", context)


# --- Term dates --------------------------------------------------------------------------------


def _provider(request: AuthenticatedRequest, organisation_id: UUID) -> Organisation:
    """An HE provider the person's partnerships include; `NotFound` for any other."""
    organisation = organisation_get(actor=request.user, organisation_id=organisation_id)
    if organisation.organisation_type != OrganisationType.HE_PROVIDER:
        raise NotFound
    return organisation


def _managed_provider(request: AuthenticatedRequest, organisation_id: UUID) -> Organisation:
    organisation = student_policy.providers_managed(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound
    return organisation


@require_http_methods(["GET"])
def term_dates_view(request: AuthenticatedRequest, organisation_id: UUID) -> HttpResponse:
    organisation = _provider(request, organisation_id)
    manages = student_policy.providers_managed(request.user).filter(pk=organisation.pk).exists()
    terms = list(term_dates_of(organisation=organisation))
    years: dict[str, list[Any]] = {}
    for term in terms:
        years.setdefault(term.academic_year, []).append(term)
    context = {"organisation": organisation, "years": years, "manages": manages}
    return render(request, "students/term_dates.html", context)


@require_http_methods(["GET", "POST"])
def term_add_view(request: AuthenticatedRequest, organisation_id: UUID) -> HttpResponse:
    organisation = _managed_provider(request, organisation_id)
    form = TermDatesForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        term = term_dates_save(actor=request.user, organisation=organisation, **data)
        messages.success(request, f"Added {term.name} {term.academic_year}.")
        return redirect("students:terms", organisation_id=organisation.pk)

    context = {"organisation": organisation, "title": f"Add a term of {organisation}"}
    return form_page(request, form, save, "students/term_form.html", context)


@require_http_methods(["GET", "POST"])
def term_edit_view(request: AuthenticatedRequest, term_id: UUID) -> HttpResponse:
    term = term_get(actor=request.user, term_id=term_id)
    organisation = term.organisation
    form = TermDatesForm(request.POST or None, instance=term)

    def save(data: dict[str, Any]) -> HttpResponse:
        fresh = term_get(actor=request.user, term_id=term_id)
        saved = term_dates_save(actor=request.user, organisation=organisation, term=fresh, **data)
        messages.success(request, f"Saved {saved.name} {saved.academic_year}.")
        return redirect("students:terms", organisation_id=organisation.pk)

    context = {"organisation": organisation, "term": term, "title": f"Change {term.name}"}
    return form_page(request, form, save, "students/term_form.html", context)


@require_http_methods(["POST"])
def term_delete_view(request: AuthenticatedRequest, term_id: UUID) -> HttpResponse:
    term = term_get(actor=request.user, term_id=term_id)
    organisation_id = term.organisation_id
    carried_out(
        request,
        lambda: term_dates_delete(actor=request.user, term=term),
        f"Removed {term.name} {term.academic_year}: its days are now vacation.",
    )
    return redirect("students:terms", organisation_id=organisation_id)
