"""Account holders' personal data in the register (see `widen.audit.registry`): the accounts,
their memberships and tokens, their second factors, and the sign-in records kept against guessing
passwords."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import ApiToken, Membership, User
from widen.audit.registry import (
    Action,
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Retention,
    Subject,
    declare,
    declare_about_account,
    declare_not_personal,
    older_than,
)

SIGN_IN_RECORDS_DAYS = 90

declare(
    model=User,
    subjects={Subject.USER: "pk", Subject.EMAIL: "email"},
    categories=frozenset({Category.IDENTITY, Category.CONTACT, Category.ACCOUNT}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=KeptWhileParent("until the account is closed"),
    erasure=Erasure.ANONYMISE,
    anonymised={
        "username": lambda user: f"erased-{user.pk}",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": False,
        "password": "!",
        "last_login": None,
    },
    not_exported=frozenset({"password"}),
    title="Your account",
)
declare_about_account(Membership, title="Your roles in organisations")
declare_about_account(ApiToken, title="Your API tokens", not_exported=frozenset({"key_hash"}))
declare_about_account(
    TOTPDevice,
    title="Your authenticator apps",
    not_exported=frozenset({"key", "step", "t0", "digits", "tolerance", "drift", "last_t"}),
)
declare_about_account(
    LogEntry, title="Changes you made in the administration pages", erasure=Erasure.KEEP
)
for sign_in_model, title, when in (
    (AccessAttempt, "Failed sign-in attempts", "attempt_time"),
    (AccessFailureLog, "Failed sign-ins", "attempt_time"),
    (AccessLog, "Sign-ins", "attempt_time"),
):
    declare(
        model=sign_in_model,
        subjects={Subject.EMAIL: "username"},
        categories=frozenset({Category.ACCOUNT}),
        lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
        retention=Retention(
            f"{SIGN_IN_RECORDS_DAYS} days, to stop passwords being guessed",
            Action.DELETE,
            older_than(when, days=SIGN_IN_RECORDS_DAYS),
        ),
        erasure=Erasure.DELETE,
        not_exported=frozenset(
            {"get_data", "post_data", "session_hash"}
            & {model_field.name for model_field in sign_in_model._meta.concrete_fields}
        ),
        title=title,
    )
declare_not_personal(Group, "a group of permissions")
declare_not_personal(Permission, "a permission's name")
