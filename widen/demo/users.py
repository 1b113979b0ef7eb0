"""The demo's users, one for every role, with a password and TOTP secret printed for everyone."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import Role, User
from widen.accounts.services import membership_set, totp_device_create, user_create
from widen.demo.partnership import CITY, LSE, NEXT_STEPS, QMUL, UEL
from widen.organisations.models import Organisation

DEMO_PASSWORD = "east-london-demo-2026"  # noqa: S105 - printed for everyone to use


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # None: the superuser, who has no role in any organisation
    organisation: str | None  # by name; None with a role means the demo school


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("partnership.admin", "Aisha", "Rahman", Role.PARTNERSHIP_ADMIN, QMUL),
    DemoUser("org.admin", "Daniel", "Mensah", Role.ORGANISATION_ADMIN, UEL),
    DemoUser("outreach.officer", "Sophie", "Clarke", Role.OUTREACH_OFFICER, QMUL),
    DemoUser("school.staff", "Tomasz", "Nowak", Role.SCHOOL_STAFF, None),
    DemoUser("evaluator", "Grace", "Adeyemi", Role.EVALUATOR, QMUL),
    DemoUser("read.only", "Imran", "Hussain", Role.READ_ONLY, NEXT_STEPS),
    DemoUser("partner.officer", "Chloe", "Brennan", Role.OUTREACH_OFFICER, CITY),
    DemoUser("unshared.officer", "Marcus", "Lee", Role.OUTREACH_OFFICER, LSE),
    DemoUser("support.adviser", "Nadia", "Okafor", Role.STUDENT_SUPPORT_ADVISER, QMUL),
    DemoUser("admin", "Site", "Administrator", None, None),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str
    totp_secret: str


def totp_key_for(username: str) -> str:
    """A stable 40-hex-digit TOTP key, so each demo user's secret is the same on every build."""
    return hashlib.sha256(f"widen-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_users_create(*, organisations: dict[str, Organisation], school: Organisation) -> None:
    for spec in DEMO_USERS:
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            email=f"{spec.username}@example.com",
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.role is None,
            is_superuser=spec.role is None,
            check_password=False,
        )
        if spec.role is not None:
            organisation = organisations[spec.organisation] if spec.organisation else school
            membership_set(user=user, organisation=organisation, role=spec.role)
        totp_device_create(user=user, confirmed=True, key=totp_key_for(spec.username))


def demo_users() -> QuerySet[User]:
    """The demo's users: a demo username with the demo's TOTP key for it."""
    matches = Q(pk__in=[])
    for username in DEMO_USERNAMES:
        matches |= Q(user__username=username, key=totp_key_for(username))
    return User.objects.filter(pk__in=TOTPDevice.objects.filter(matches).values("user_id"))


def demo_logins() -> tuple[DemoLogin, ...]:
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    logins: list[DemoLogin] = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        membership = user.memberships.select_related("organisation").first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        logins.append(
            DemoLogin(
                username=user.username,
                role=membership.get_role_display() if membership else "Superuser (admin site)",
                organisation=membership.organisation.name if membership else "-",
                password=DEMO_PASSWORD,
                totp_secret=base64.b32encode(device.bin_key).decode() if device else "(none)",
            )
        )
    return tuple(logins)
