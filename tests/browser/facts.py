"""What the browser tests need to know about the data, read in a process of its own.

The browser tests never open the server's database themselves. This module runs as
`python -m tests.browser.facts ...` with the same environment as the server:

    read CAST_JSON   print, as JSON, each person's TOTP key, organisation and partnership, and
                     learners they can edit, see through a partner, see at all, and cannot see.
    in-imd-quintile USERNAME Q
                     print, as JSON, a learner USERNAME's organisation holds whose home area
                     is in IMD quintile Q.
    behind USERNAME PROGRAMME
                     print, as JSON, a learner USERNAME's organisation holds who is behind on the
                     programme today at a stage whose only required activity type is IAG, with
                     their hours this year and ever, and the stage's target hours (or null).
    register-rows USERNAME N
                     print, as JSON, the school where USERNAME's organisation holds most pupils and
                     N of those pupils (the last by name) with their dates of birth, to write into
                     a register.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _learner(learner: Any) -> dict[str, str]:
    return {
        "id": str(learner.id),
        "name": learner.display_name,
        "first_name": learner.first_name,
        "last_name": learner.last_name,
        "school": learner.school.name if learner.school else "",
    }


def _person(username: str) -> dict[str, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.learners.permissions import OWN, PARTNER, learner_policy  # noqa: PLC0415

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    organisation = membership.organisation if membership else None
    partnership = organisation.partnerships.first() if organisation else None

    scopes = learner_policy.scopes(user)
    visible = (
        learner_policy.visible_to(user)
        .select_related("school", "organisation")
        .order_by("last_name", "first_name", "id")
    )
    editable = shared = seen = audited = None
    for learner in visible[:1000]:
        access = learner_policy.access_from_scopes(scopes, learner)
        if access is None:
            continue
        seen = seen or learner
        if access.relation == OWN and access.can_edit:
            editable = editable or learner
            if access.can_see_audit:
                audited = audited or learner
        if access.relation == PARTNER:
            shared = shared or learner
    hidden = (
        Learner.objects.exclude(id__in=visible.values("id"))
        .select_related("school")
        .order_by("last_name", "first_name", "id")
        .first()
    )
    return {
        "username": username,
        "totp_key": device.key if device else "",
        "organisation": (
            {"id": str(organisation.id), "name": organisation.name} if organisation else None
        ),
        "partnership": str(partnership.id) if partnership else None,
        "learners": {
            name: _learner(learner) if learner else None
            for name, learner in {
                "editable": audited or editable,
                "shared": shared,
                "any": seen,
                "hidden": hidden,
            }.items()
        },
    }


def read(cast: dict[str, str]) -> dict[str, Any]:
    return {"people": {name: _person(username) for name, username in cast.items()}}


def in_imd_quintile(username: str, quintile: int) -> dict[str, str]:
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415

    membership = Membership.objects.get(user__username=username)
    learner = (
        Learner.objects.filter(
            organisation=membership.organisation, area_profile__imd_quintile=quintile
        )
        .select_related("school")
        .order_by("last_name", "first_name", "id")
        .first()
    )
    assert learner is not None, f"no learner of {username}'s organisation in IMD Q{quintile}"
    return _learner(learner)


def behind(username: str, programme_name: str) -> dict[str, Any] | None:
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.activities.progress import BEHIND, programme_progress  # noqa: PLC0415
    from widen.activities.services import contact_hours  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.programmes.models import Programme  # noqa: PLC0415

    membership = Membership.objects.get(user__username=username)
    programme = Programme.objects.get(name=programme_name)
    stages = {
        stage.year_group: stage
        for stage in programme.stages.prefetch_related("required_types")
        if [kind.key for kind in stage.required_types.all()] == ["iag"]
    }
    progress = programme_progress(programme)
    learners = (
        Learner.objects.filter(
            organisation=membership.organisation, pk__in=list(progress), school__isnull=False
        )
        .select_related("school")
        .order_by("last_name", "first_name", "id")
    )
    for learner in learners:
        stage = progress[learner.pk]
        if stage.status == BEHIND and stage.year_group in stages:
            return {
                "learner": _learner(learner),
                "year_group": stage.year_group,
                "hours": str(stage.hours),
                "target_hours": str(stage.target_hours),
                "hours_ever": str(contact_hours([learner.pk]).get(learner.pk, 0)),
            }
    return None


def register_rows(username: str, count: int) -> dict[str, Any]:
    from collections import Counter  # noqa: PLC0415

    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415

    membership = Membership.objects.get(user__username=username)
    held = Learner.objects.filter(organisation=membership.organisation, school__isnull=False)
    school_id, _ = Counter(held.values_list("school_id", flat=True)).most_common(1)[0]
    pupils = held.filter(school_id=school_id).select_related("school")
    chosen = list(pupils.order_by("-last_name", "-first_name", "-id")[:count])
    return {
        "school": chosen[0].school.name if chosen else "",
        "learners": [
            {**_learner(learner), "date_of_birth": learner.date_of_birth.strftime("%d/%m/%Y")}
            for learner in chosen
        ],
    }


def main(argv: list[str]) -> None:
    import django  # noqa: PLC0415

    django.setup()
    if argv[:1] == ["read"] and len(argv) == 2:
        sys.stdout.write(json.dumps(read(json.loads(argv[1]))))
    elif argv[:1] == ["in-imd-quintile"] and len(argv) == 3:
        sys.stdout.write(json.dumps(in_imd_quintile(argv[1], int(argv[2]))))
    elif argv[:1] == ["behind"] and len(argv) == 3:
        sys.stdout.write(json.dumps(behind(argv[1], argv[2])))
    elif argv[:1] == ["register-rows"] and len(argv) == 3:
        sys.stdout.write(json.dumps(register_rows(argv[1], int(argv[2]))))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
