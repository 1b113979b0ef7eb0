"""A small, complete partnership for tests: every role, and each relation a learner can have.

Partnership "North" : Alpha University (A), Beta University (B), Sixth Form School (S)
Partnership "South" : Gamma University (C)
Agreement A-S-B     : identity, characteristics and special category
Learners            : held by A (at S), by S, by B, and by C
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.organisations.models import (
    DataSharingAgreement,
    Organisation,
    Partnership,
    PartnershipMember,
)
from widen.testing.builders import (
    agreement_between,
    partnership_with_members,
    person,
    school,
    university,
)

PASSWORD = "a-long-test-password-for-everyone"  # noqa: S105


def totp_key_for(username: str) -> str:
    return hashlib.sha1(username.encode(), usedforsecurity=False).hexdigest()


@dataclass
class World:
    alpha: Organisation
    beta: Organisation
    gamma: Organisation
    school: Organisation
    north: Partnership
    south: Partnership
    agreement: DataSharingAgreement
    learner_alpha: Learner
    learner_school: Learner
    learner_beta: Learner
    learner_gamma: Learner
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def organisation_of(self, role: str) -> Organisation:
        return self.school if role == Role.SCHOOL_STAFF else self.alpha

    def learner(self, *, role: str, relation: str) -> Learner:
        """The learner that stands in `relation` (own / partner / unrelated) to `role`'s user."""
        if relation == "own":
            return self.learner_school if role == Role.SCHOOL_STAFF else self.learner_alpha
        if relation == "partner":
            return self.learner_beta
        return self.learner_gamma


def year_group_birthday(year_group: int) -> date:
    first, _ = AcademicYear.current().birth_dates_for(year_group)
    return first.replace(month=11, day=15)


def riverside_academy(world: World) -> Organisation:
    """A second secondary school in Newham (URN 100002), a member of North."""
    riverside = school("Riverside Academy", "100002", postcode="E13 9AA")
    PartnershipMember.objects.create(partnership=world.north, organisation=riverside)
    return riverside


def make_user(username: str, organisation: Organisation | None, role: str | None) -> User:
    """A person who signs in with `PASSWORD` and the code `totp_key_for(username)` gives."""
    return person(
        username,
        organisation,
        role,
        password=PASSWORD,
        device_name="test",
        device_key=totp_key_for(username),
    )


def build_world() -> World:
    with request_context.bind(source="test"):
        alpha = university("Alpha University", "10000001")
        beta = university("Beta University", "10000002")
        gamma = university("Gamma University", "10000003")
        sixth_form = school("Sixth Form School", "100001")
        north = partnership_with_members("North", lead=alpha, members=(alpha, beta, sixth_form))
        south = partnership_with_members("South", lead=gamma, members=(gamma,))
        agreement = agreement_between(
            north,
            [alpha, beta, sixth_form],
            title="North outreach agreement",
            purpose="Outreach delivery and evaluation",
            special_category=True,
        )

        def learner(holder: Organisation, first: str, last: str) -> Learner:
            return Learner.objects.create(
                organisation=holder,
                school=sixth_form,
                first_name=first,
                last_name=last,
                date_of_birth=year_group_birthday(10),
                home_postcode="E15 4LZ",
                free_school_meals=True,
                care_experienced=True,
                disability=False,
                ethnicity="black_african",
            )

        world = World(
            alpha=alpha,
            beta=beta,
            gamma=gamma,
            school=sixth_form,
            north=north,
            south=south,
            agreement=agreement,
            learner_alpha=learner(alpha, "Amara", "Alphason"),
            learner_school=learner(sixth_form, "Sami", "Schoolman"),
            learner_beta=learner(beta, "Bea", "Betterton"),
            learner_gamma=learner(gamma, "Gus", "Gammage"),
        )
        for role in Role.values:
            username = f"{role}.alpha"
            world.users[role] = make_user(username, world.organisation_of(role), role)
            world.tokens[role] = api_token_create(user=world.users[role], name="test")[1]
        world.users["staff"] = make_user("staff.alpha", alpha, Role.ORGANISATION_ADMIN)
        world.users["staff"].is_staff = True
        world.users["staff"].save()
    return world
