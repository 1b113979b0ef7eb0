"""Encryption at rest (SECURITY, "Encryption at rest"): the most sensitive free text and bank
details are unreadable to anyone holding a copy of the database, keys rotate while the old keys
still read, and a value whose key is gone fails loudly rather than reading as blank.

Every encrypted field is found by its class, so a new sensitive field is checked here as soon as
it is declared with `EncryptedTextField` (and a row of its model is seeded below)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import override_settings

from tests.events.conftest import make_event
from tests.partners.factories import make_partner, partner_account
from tests.students.records import make_student
from tests.support.schemes import CARE_EXPERIENCED, make_scheme
from tests.test_deploy_settings import run_with_production_settings
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.crypto import (
    BlindIndex,
    EncryptedColumns,
    UnreadableEncryptedValue,
    UnsearchableEncryptedValue,
    columns_decrypt,
    columns_encrypt,
    encrypted_fields,
)
from widen.events.models import AttendeeType, Booking
from widen.events.personal_data import ADJUSTMENTS_BLANK
from widen.events.services import BookingDetails, booking_create
from widen.mentoring.models import Mentee, Mentor, MentoringProgramme, Message, Relationship
from widen.partners.models import FlexibilityPlan, WorkMode
from widen.partners.services.plans import Window, plan_update
from widen.payments.models import Payee
from widen.payments.services import payee_bank_details_set, payee_create
from widen.students.models import Student
from widen.support.models import (
    Appointment,
    Case,
    CaseNote,
    CaseTopic,
    Handover,
    Referral,
    ReferralService,
    SupportRecord,
)
from widen.support.services.memberships import membership_apply
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

# The fields the issue names; each must be encrypted (more may be, and are checked too).
REQUIRED = {
    "payments.Payee": {"account_name", "sort_code", "account_number"},
    "events.Booking": {"access_requirements", "reasonable_adjustments", "dietary_needs"},
    # Why a student partner's plan is as it is: theirs alone unless they share it.
    "partners.FlexibilityPlan": {"reasons"},
    # The evidence a student gives when they apply to join a support scheme.
    "support.SchemeMembership": {"evidence"},
    # A care-experienced student's personal adviser and support plan; an adviser's case notes,
    # handovers and referrals; what a student asks an appointment for.
    "support.SupportRecord": {"personal_adviser", "support_plan"},
    "support.CaseNote": {"body"},
    "support.Handover": {"note"},
    "support.Referral": {"details"},
    "support.Appointment": {"request"},
    # A mentor's DBS certificate number; the messages between a mentor and their mentee.
    "mentoring.Mentor": {"dbs_certificate_number"},
    "mentoring.Message": {"body"},
}


@dataclass
class Seeded:
    """One row of every model with encrypted fields, each field holding its own canary."""

    rows: dict[str, models.Model]
    canaries: dict[tuple[str, str], str]


def _canary(label: str, field: str) -> str:
    return f"CANARY {label}.{field} 7Q3Z"


def _raw(columns: EncryptedColumns, name: str) -> list[str]:
    """Every value of one encrypted column as the database holds it (plain SQL, no Django)."""
    model = columns.model
    quote = connection.ops.quote_name
    column = model._meta.get_field(name).column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return [value for (value,) in cursor.fetchall()]


@pytest.fixture
def seeded(world: World) -> Seeded:
    """A payee, a booking, a student partner's plan and an application to a support scheme
    written through their services, with a canary in every encrypted field (the canaries for
    fields a service does not take are written with `update`)."""
    finance = world.users[Role.ORGANISATION_ADMIN]
    student = make_user("sam.student", None, None)
    payee = payee_create(actor=finance, organisation=world.alpha, user=student)
    payee_bank_details_set(
        actor=student,
        payee=payee,
        account_name="CANARY Sam Account 7Q3Z",
        sort_code="20-45-77",
        account_number="73917359",
    )
    booking = booking_create(
        event=make_event(world).event,
        details=BookingDetails(
            name="Pat Parent",
            email="pat@example.org",
            attendee_type=AttendeeType.PARENT_CARER,
            access_requirements="CANARY wheelchair user, needs a ramp 7Q3Z",
            reasonable_adjustments="CANARY extra time, quiet room 7Q3Z",
            dietary_needs="CANARY coeliac 7Q3Z",
            disabled=True,
        ),
    ).booking
    partner = make_partner(world.alpha, "S7301")
    plan_update(
        actor=partner_account(partner),
        partner=partner,
        windows=[Window(0, time(12), time(18))],
        max_weekly_hours=Decimal(10),
        modes=[WorkMode.ONLINE],
        what_helps="No early starts on Mondays",
        reasons="CANARY I take my mother to hospital on Monday mornings 7Q3Z",
        share_reasons=False,
    )
    applicant = make_student(world.alpha, "S7302", "Cal", care_experienced=False)
    Student.objects.filter(pk=applicant.pk).update(user=student)
    scheme = make_scheme(world, CARE_EXPERIENCED, special=True)
    membership = membership_apply(
        actor=student, scheme=scheme, evidence="CANARY I lived with foster carers 7Q3Z"
    )
    rows: dict[str, models.Model] = {
        **_support_rows(world, applicant, adviser=finance),
        **_mentoring_rows(world, applicant, mentor_account=finance),
        "support.SchemeMembership": membership,
        "payments.Payee": payee,
        "events.Booking": booking,
        "partners.FlexibilityPlan": FlexibilityPlan.objects.get(partner=partner),
    }
    canaries: dict[tuple[str, str], str] = {}
    for columns in encrypted_fields():
        row = rows.get(columns.label)
        assert row is not None, f"Seed a row of {columns.label} (it has encrypted fields)."
        row.refresh_from_db()
        for name in columns.fields:
            value = getattr(row, name)
            if "7Q3Z" not in value:  # a sort code or account number cannot hold the marker
                value = _canary(columns.label, name)
                columns.model._default_manager.filter(pk=row.pk).update(**{name: value})
            canaries[columns.label, name] = value
    return Seeded(rows, canaries)


def _support_rows(world: World, student: Student, *, adviser: Any) -> dict[str, models.Model]:
    """A support record and a case with a note, a handover, a referral and an appointment (each
    encrypted field is filled with its canary by `seeded`)."""
    record = SupportRecord.objects.create(organisation=world.alpha, student=student)
    case = Case.objects.create(
        organisation=world.alpha, student=student, topic=CaseTopic.FUNDING, summary="Rent"
    )
    return {
        "support.SupportRecord": record,
        "support.CaseNote": CaseNote.objects.create(case=case, body="x"),
        "support.Handover": Handover.objects.create(case=case, to_adviser=adviser),
        "support.Referral": Referral.objects.create(
            case=case,
            service=ReferralService.MONEY_ADVICE,
            consent_given_on=date(2026, 10, 5),
            consent_how="in person",
        ),
        "support.Appointment": Appointment.objects.create(
            organisation=world.alpha, student=student, topic=CaseTopic.FUNDING
        ),
    }


def _mentoring_rows(
    world: World, student: Student, *, mentor_account: Any
) -> dict[str, models.Model]:
    """A DBS-checked mentor and a message to their mentee (each encrypted field is filled with
    its canary by `seeded`)."""
    programme = MentoringProgramme.objects.create(organisation=world.alpha, name="Mentoring")
    mentor = Mentor.objects.create(
        organisation=world.alpha, user=mentor_account, dbs_certificate_number="x"
    )
    mentee = Mentee.objects.create(programme=programme, student=student)
    relationship = Relationship.objects.create(programme=programme, mentor=mentor, mentee=mentee)
    return {
        "mentoring.Mentor": mentor,
        "mentoring.Message": Message.objects.create(
            relationship=relationship, sender=mentor_account, body="x"
        ),
    }


def _read_back(seeded: Seeded) -> dict[tuple[str, str], str]:
    found = {}
    for columns in encrypted_fields():
        row = columns.model._default_manager.get(pk=seeded.rows[columns.label].pk)
        for name in columns.fields:
            found[columns.label, name] = getattr(row, name)
    return found


def test_every_sensitive_field_the_issue_names_is_encrypted() -> None:
    found = {columns.label: set(columns.fields) for columns in encrypted_fields()}
    for label, names in REQUIRED.items():
        assert names <= found.get(label, set()), f"{label}: {names - found.get(label, set())}"


def test_raw_sql_shows_no_plaintext_in_any_encrypted_column(
    seeded: Seeded, record_property: Any
) -> None:
    checked = plaintext = 0
    for columns in encrypted_fields():
        for name in columns.fields:
            canary = seeded.canaries[columns.label, name]
            stored = _raw(columns, name)
            checked += 1
            assert stored, f"{columns.label}.{name} has no rows to check"
            if any(canary in value for value in stored) or any(
                value.startswith("CANARY") for value in stored
            ):
                plaintext += 1
    # The same values read back whole through Django.
    assert _read_back(seeded) == seeded.canaries
    record_property("encrypted_fields_checked", checked)
    record_property("encrypted_fields_plaintext", plaintext)
    assert checked >= sum(len(names) for names in REQUIRED.values())
    assert plaintext == 0


def test_values_written_in_bulk_are_encrypted_too(seeded: Seeded) -> None:
    """The fast insert used by imports writes columns itself: it encrypts them as well."""
    row = Booking.objects.values().get(pk=seeded.rows["events.Booking"].pk)
    del row["id"]
    row["token_digest"] = "b" * 64
    row["access_requirements"] = "CANARY bulk hearing loop 7Q3Z"
    (key,) = Booking.objects.bulk_insert([row])
    stored = _raw(EncryptedColumns(Booking, ("access_requirements",)), "access_requirements")
    assert not any("hearing loop" in value for value in stored)
    assert Booking.objects.get(pk=key).access_requirements == "CANARY bulk hearing loop 7Q3Z"


def test_a_blank_value_stays_blank_so_bookings_without_adjustments_are_found(
    seeded: Seeded, world: World
) -> None:
    plain = booking_create(
        event=Booking.objects.get(pk=seeded.rows["events.Booking"].pk).event,
        details=BookingDetails(
            name="Sam Smith", email="sam@example.org", attendee_type=AttendeeType.TEACHER
        ),
    ).booking
    columns = EncryptedColumns(Booking, ("access_requirements",))
    assert "" in _raw(columns, "access_requirements")
    holding = Booking.objects.exclude(**ADJUSTMENTS_BLANK).values_list("pk", flat=True)
    assert set(holding) == {seeded.rows["events.Booking"].pk}
    assert Booking.objects.get(pk=plain.pk).access_requirements == ""


def test_searching_an_encrypted_value_is_refused_rather_than_finding_nothing(
    seeded: Seeded,
) -> None:
    """A token never equals its plain text, so a query comparing one would silently find no
    row: it is refused, naming the field; asking whether the field is empty still works."""
    with pytest.raises(UnsearchableEncryptedValue, match=r"payments\.Payee\.account_number"):
        Payee.objects.filter(account_number="73917359")
    with pytest.raises(UnsearchableEncryptedValue, match="BlindIndex"):
        Booking.objects.filter(dietary_needs__icontains="coeliac")
    with pytest.raises(UnsearchableEncryptedValue):
        Booking.objects.filter(access_requirements__in=["ramp"])
    assert Booking.objects.exclude(dietary_needs="").count() == 1
    assert Booking.objects.filter(dietary_needs__isnull=True).count() == 0


def test_rotation_reencrypts_every_row_and_the_old_key_can_then_go(seeded: Seeded) -> None:
    first = Booking.objects.get(pk=seeded.rows["events.Booking"].pk)
    second = booking_create(
        event=first.event,
        details=BookingDetails(
            name="Lee Learner",
            email="lee@example.org",
            attendee_type=AttendeeType.PARENT_CARER,
            dietary_needs="CANARY nut allergy 7Q3Z",
        ),
    ).booking
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    before = {
        (columns.label, name): _raw(columns, name)
        for columns in encrypted_fields()
        for name in columns.fields
    }
    out = StringIO()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
        call_command("keys", "rotate", "--batch-size", "1", stdout=out)
        # While both keys are there every row reads.
        assert _read_back(seeded) == seeded.canaries
    report = out.getvalue()
    assert "payments.Payee (account_name, sort_code, account_number): 1 row encrypted again" in (
        report
    )
    # Two bookings hold adjustments, one row a batch: both done.
    assert (
        "events.Booking (access_requirements, reasonable_adjustments, dietary_needs): 2 rows"
        in (report)
    )
    # Each row rewritten leaves an audit event naming the fields, never their values.
    rewritten = AuditEvent.objects.filter(
        object_type="events.booking", object_id=str(second.pk), action="update", source="cli"
    ).get()
    assert set(rewritten.changed_fields) == {
        "access_requirements",
        "reasonable_adjustments",
        "dietary_needs",
    }
    # Every stored token changed, and the new key alone opens each one.
    newest = Fernet(new_key.encode())
    for columns in encrypted_fields():
        for name in columns.fields:
            stored = [value for value in _raw(columns, name) if value]
            assert set(stored).isdisjoint(before[columns.label, name])
            for token in stored:
                assert newest.decrypt(token.encode()).decode()
    # The old key removed: every row still reads.
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert _read_back(seeded) == seeded.canaries
        assert Booking.objects.get(pk=second.pk).dietary_needs == "CANARY nut allergy 7Q3Z"


def test_a_value_whose_key_is_gone_fails_clearly_and_rotation_changes_nothing(
    seeded: Seeded,
) -> None:
    before = {
        (columns.label, name): _raw(columns, name)
        for columns in encrypted_fields()
        for name in columns.fields
    }
    unknown = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[unknown]):
        with pytest.raises(UnreadableEncryptedValue) as refused:
            Booking.objects.get(pk=seeded.rows["events.Booking"].pk)
        message = str(refused.value)
        assert "events.Booking.access_requirements" in message
        assert "WIDEN_FIELD_KEYS" in message
        assert "CANARY" not in message
        with pytest.raises(CommandError, match="cannot be decrypted with the keys"):
            call_command("keys", "rotate", stdout=StringIO())
    after = {
        (columns.label, name): _raw(columns, name)
        for columns in encrypted_fields()
        for name in columns.fields
    }
    assert after == before
    assert _read_back(seeded) == seeded.canaries


def test_plain_text_written_before_encryption_is_encrypted_by_the_migration(
    seeded: Seeded,
) -> None:
    booking = seeded.rows["events.Booking"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Booking._meta.db_table)} SET {quote('dietary_needs')} = %s "  # noqa: S608
            f"WHERE {quote('id')} = %s",
            [
                "CANARY old plain vegan 7Q3Z",
                Booking._meta.pk.get_db_prep_value(booking.pk, connection),
            ],  # type: ignore[union-attr]
        )
    editor = SimpleNamespace(connection=connection)
    columns = ("access_requirements", "reasonable_adjustments", "dietary_needs")
    assert columns_encrypt(editor, Booking._meta.db_table, columns) == 1
    assert columns_encrypt(editor, Booking._meta.db_table, columns) == 0  # nothing twice
    raw = _raw(EncryptedColumns(Booking, ("dietary_needs",)), "dietary_needs")
    assert not any("vegan" in value for value in raw)
    assert Booking.objects.get(pk=booking.pk).dietary_needs == "CANARY old plain vegan 7Q3Z"
    # Run backwards, the migration gives the plain text back.
    assert columns_decrypt(editor, Booking._meta.db_table, columns) == 3
    assert "CANARY old plain vegan 7Q3Z" in _raw(
        EncryptedColumns(Booking, ("dietary_needs",)), "dietary_needs"
    )


def test_a_blind_index_finds_a_value_without_holding_it() -> None:
    account = BlindIndex("payments.payee.account_number", normalise=lambda v: v.replace(" ", ""))
    digest = account.of("7391 7359")
    assert digest == account.of("73917359")  # the same value, however it was typed
    assert digest != account.of("73917358")
    assert "73917359" not in digest
    assert len(digest) == 64
    assert account.of("") == ""
    # Another index, or another key, gives another digest: guesses cannot be carried across.
    assert BlindIndex("payments.payee.sort_code").of("73917359") != digest
    with override_settings(BLIND_INDEX_KEY="x" * 40):
        assert account.of("73917359") != digest
    with (
        override_settings(BLIND_INDEX_KEY=""),
        pytest.raises(ImproperlyConfigured, match="WIDEN_BLIND_INDEX_KEY"),
    ):
        account.of("73917359")


def test_production_reads_the_new_and_the_old_name_of_the_keys(tmp_path: object) -> None:
    newest = Fernet.generate_key().decode()
    result = run_with_production_settings(
        """
        import django
        django.setup()
        from django.conf import settings
        print(",".join(settings.FIELD_ENCRYPTION_KEYS))
        print(repr(settings.BLIND_INDEX_KEY))
        """,
        tmp_path,
        WIDEN_FIELD_KEYS=newest,
    )
    assert result.returncode == 0, result.stderr
    keys, blind = result.stdout.strip().splitlines()
    # The key set under the old name still reads, after the new one.
    assert keys.split(",") == [newest, "cGF5bWVudHMta2V5LWZvci10aGUtZGVwbG95LWNoayE="]
    assert blind == "''"  # production never derives a blind index key
