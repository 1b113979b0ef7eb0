"""Answers read through their output schemas: a field held under another name, one shown only to
some callers, and values the object does not hold."""

from __future__ import annotations

from dataclasses import dataclass

from ninja import Schema

from widen.core.api_outputs import read_from, shown_if, with_values


@dataclass
class School:
    name: str


@dataclass
class Booking:
    email: str
    school: School


class BookingOut(Schema):
    email: str | None
    school: str
    seats: int

    resolve_email = shown_if("named", "email")
    resolve_school = read_from("school.name")


def test_an_answer_reads_further_in_and_takes_values_the_object_does_not_hold() -> None:
    booking = Booking(email="ama@example.org", school=School("Riverside Academy"))

    shown = BookingOut.from_orm(with_values(booking, named=True, seats=2))

    assert shown.model_dump() == {
        "email": "ama@example.org",
        "school": "Riverside Academy",
        "seats": 2,
    }


def test_a_field_shown_only_to_some_callers_is_null_for_the_others() -> None:
    booking = Booking(email="ama@example.org", school=School("Riverside Academy"))

    hidden = BookingOut.from_orm(with_values(booking, named=False, seats=2))

    assert hidden.email is None
    assert booking.email == "ama@example.org"  # the booking itself is unchanged
