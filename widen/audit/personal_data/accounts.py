"""Account holders' personal data in the register (see `widen.audit.registry`): the accounts,
their memberships and tokens, their second factors (authenticator apps and passkeys), and the
sign-in records kept against guessing passwords."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential, WebAuthnUserHandle

from widen.accounts.models import ApiToken, Membership, SignInLink, User
from widen.audit import registry

SIGN_IN_RECORDS_DAYS = 90

registry.declare(
    model=User,
    subjects={registry.Subject.USER: "pk", registry.Subject.EMAIL: "email"},
    categories=frozenset(
        {registry.Category.IDENTITY, registry.Category.CONTACT, registry.Category.ACCOUNT}
    ),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("until the account is closed"),
    erasure=registry.Erasure.ANONYMISE,
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
registry.declare_about_account(Membership, title="Your roles in organisations")
registry.declare_about_account(
    ApiToken, title="Your API tokens", not_exported=frozenset({"key_hash"})
)
registry.declare_about_account(
    TOTPDevice,
    title="Your authenticator apps",
    not_exported=frozenset({"key", "step", "t0", "digits", "tolerance", "drift", "last_t"}),
)
registry.declare_about_account(
    WebAuthnCredential,
    title="Your passkeys",
    # The passkey's public key and identifiers prove nothing about the person to anyone else.
    not_exported=frozenset({"credential_id", "credential_id_sha256", "public_key"}),
)
registry.declare_about_account(
    WebAuthnUserHandle,
    title="The identifier your passkeys know your account by",
    not_exported=frozenset({"handle_hex"}),
)
registry.declare_about_account(
    LogEntry, title="Changes you made in the administration pages", erasure=registry.Erasure.KEEP
)
for sign_in_model, title, when in (
    (AccessAttempt, "Failed sign-in attempts", "attempt_time"),
    (AccessFailureLog, "Failed sign-ins", "attempt_time"),
    (AccessLog, "Sign-ins", "attempt_time"),
):
    registry.declare(
        model=sign_in_model,
        subjects={registry.Subject.EMAIL: "username"},
        categories=frozenset({registry.Category.ACCOUNT}),
        lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
        retention=registry.Retention(
            f"{SIGN_IN_RECORDS_DAYS} days, to stop passwords being guessed",
            registry.Action.DELETE,
            registry.older_than(when, days=SIGN_IN_RECORDS_DAYS),
        ),
        erasure=registry.Erasure.DELETE,
        not_exported=frozenset(
            {"get_data", "post_data", "session_hash"}
            & {model_field.name for model_field in sign_in_model._meta.concrete_fields}
        ),
        title=title,
    )
registry.declare(
    model=SignInLink,
    subjects={registry.Subject.USER: "user", registry.Subject.EMAIL: "email"},
    categories=frozenset({registry.Category.CONTACT, registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.Retention(
        f"{SIGN_IN_RECORDS_DAYS} days, to see how an account was signed in to",
        registry.Action.DELETE,
        registry.older_than("created_at", days=SIGN_IN_RECORDS_DAYS),
    ),
    erasure=registry.Erasure.DELETE,
    not_exported=frozenset({"token_digest"}),
    title="Sign-in links sent to you",
)
# Signing in through a student's own university or college (OpenID Connect, django-allauth):
# the provider's identifier for the person and what its ID token said, kept with the account.
registry.declare_about_account(
    SocialAccount,
    title="Your sign-ins through your university or college",
)
registry.declare(
    model=SocialToken,
    subjects={registry.Subject.USER: "account__user"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("as long as the account (none is kept by default)"),
    erasure=registry.Erasure.DELETE,
    not_exported=frozenset({"token", "token_secret"}),
    title="Tokens from your university or college",
)
registry.declare(
    model=EmailAddress,
    subjects={registry.Subject.USER: "user", registry.Subject.EMAIL: "email"},
    categories=frozenset({registry.Category.CONTACT, registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("as long as the account"),
    erasure=registry.Erasure.DELETE,
    title="Your e-mail addresses for signing in",
)
registry.declare_not_personal(
    SocialApp, "a provider's single sign-on settings (its name is the organisation's)"
)
registry.declare_not_personal(Group, "a group of permissions")
registry.declare_not_personal(Permission, "a permission's name")
