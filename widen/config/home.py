"""Where "/" leads: a student (someone whose own student records Widen holds, with no staff
role) to their own pages; everyone else to the learners they work with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from widen.core.navigation import works_somewhere
from widen.partners.permissions import is_partner
from widen.students.mine.landing import landing_for
from widen.students.mine.selectors import my_students


def home_view(request: HttpRequest) -> HttpResponse:
    person = request.user
    if person.is_authenticated and not works_somewhere(person):
        if is_partner(person):
            return redirect("partners:my_work")
        if my_students(actor=person).exists():
            return redirect("my_student:record")
        landing = landing_for(person)  # a mentor: their own mentoring
        if landing:
            return redirect(landing)
    return redirect("learners:list")
