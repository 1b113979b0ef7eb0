"""What a payee and finance see: "My payments", bank details, payment runs, and the API."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from tests.payments.conftest import ACCOUNT_NUMBER, Paid, pay
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry
from widen.payments.models import LedgerEntry, Payee, PaymentRun
from widen.payments.services import payment_run_create, payment_run_export, payment_run_mark_paid

pytestmark = pytest.mark.django_db


def api_get(user: object, url: str, params: dict[str, str] | None = None) -> object:
    _, token = api_token_create(user=user, name="Payments test")  # type: ignore[arg-type]
    return Client().get(url, params or {}, headers={"Authorization": f"Bearer {token}"})


def test_my_payments_shows_each_amount_in_pounds_and_the_date_paid(paid: Paid) -> None:
    pay(paid.payee, 123456, "Summer school, 40 hours")
    pay(paid.payee, 2500, "Open day expenses")
    pay(paid.other_payee, 777777, "Someone else's work")
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    payment_run_export(actor=paid.finance, run=run)
    today = timezone.localdate()
    payment_run_mark_paid(actor=paid.finance, run=run, paid_on=today)
    pay(paid.payee, 999, "Campus tour")
    page = signed_in_client(paid.student).get("/payments/").content.decode()
    assert "£1,234.56" in page
    assert "£25.00" in page
    assert "£9.99" in page
    assert f"Paid on {today.day} {today:%B %Y}" in page
    assert "To be paid" in page
    assert "Someone else" not in page
    assert "£7,777.77" not in page
    assert "Sort code ending 84, account ending 2490" in page
    assert ACCOUNT_NUMBER not in page


def test_someone_paid_by_nobody_is_told_so(paid: Paid) -> None:
    page = signed_in_client(paid.world.users[Role.EVALUATOR]).get("/payments/")
    assert "Nobody pays you through Widen" in page.content.decode()


def test_another_persons_payment_is_not_found(paid: Paid) -> None:
    theirs = pay(paid.other_payee, 1000, "Their tour")
    mine = pay(paid.payee, 2000, "My tour")
    client = signed_in_client(paid.student)
    assert client.get(f"/payments/{mine.pk}/").status_code == 200
    refused = client.get(f"/payments/{theirs.pk}/")
    assert refused.status_code == 404
    assert "Their tour" not in refused.content.decode()
    # Finance sees the payee's runs, but never someone's "My payments" as if it were theirs.
    assert signed_in_client(paid.finance).get(f"/payments/{mine.pk}/").status_code == 404


def test_the_api_lists_only_ones_own_payments_a_page_at_a_time(paid: Paid) -> None:
    for number in range(3):
        pay(paid.payee, 100 + number, f"Tour {number}")
    pay(paid.other_payee, 5000, "Not theirs")
    response = api_get(paid.student, "/api/v1/payments/mine", {"limit": "2"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["count"] == 3
    assert [row["description"] for row in body["results"]] == ["Tour 2", "Tour 1"]
    assert body["results"][0]["amount"] == "£1.02"
    assert body["results"][0]["amount_pence"] == 102
    assert body["results"][0]["paid_on"] is None
    rest = api_get(paid.student, "/api/v1/payments/mine", {"limit": "2", "offset": "2"}).json()  # type: ignore[attr-defined]
    assert [row["description"] for row in rest["results"]] == ["Tour 0"]


def test_the_api_refuses_a_parameter_it_does_not_know(paid: Paid) -> None:
    response = api_get(paid.student, "/api/v1/payments/mine", {"payee": str(paid.other_payee.pk)})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["field"] == "payee"  # type: ignore[attr-defined]


def test_the_api_answers_another_persons_payment_as_not_found(paid: Paid) -> None:
    theirs = pay(paid.other_payee, 1000, "Their tour")
    mine = pay(paid.payee, 2000, "My tour")
    assert api_get(paid.student, f"/api/v1/payments/mine/{mine.pk}").status_code == 200  # type: ignore[attr-defined]
    assert api_get(paid.student, f"/api/v1/payments/mine/{theirs.pk}").status_code == 404  # type: ignore[attr-defined]
    assert api_get(paid.finance, f"/api/v1/payments/mine/{mine.pk}").status_code == 404  # type: ignore[attr-defined]


def test_a_payee_gives_bank_details_and_sees_only_the_last_digits(paid: Paid) -> None:
    client = signed_in_client(paid.student)
    url = f"/payments/payees/{paid.payee.pk}/bank-details/"
    response = client.post(
        url, {"account_name": "Sam Student", "sort_code": "12 34 56", "account_number": "7654321"}
    )
    assert response.status_code == 302
    payee = Payee.objects.get(pk=paid.payee.pk)
    assert (payee.sort_code, payee.account_number) == ("123456", "07654321")
    page = client.get(url).content.decode()
    assert "sort code ending 56, account ending 4321" in page
    assert "07654321" not in page
    assert "123456" not in page


def test_wrong_bank_details_are_explained_on_their_fields_and_change_nothing(
    paid: Paid,
) -> None:
    client = signed_in_client(paid.student)
    response = client.post(
        f"/payments/payees/{paid.payee.pk}/bank-details/",
        {"account_name": "Sam Student", "sort_code": "12-34", "account_number": "1234567890"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a sort code of 6 digits, like 12-34-56." in page
    assert "Enter the 8-digit account number your bank gives for Bacs payments" in page
    assert 'id="id_sort_code_error"' in page
    assert Payee.objects.get(pk=paid.payee.pk).account_number == ACCOUNT_NUMBER


def test_finance_makes_exports_and_pays_a_run(paid: Paid) -> None:
    pay(paid.payee, 123456, "Summer school")
    client = signed_in_client(paid.finance)
    made = client.post("/payments/runs/", {"organisation": str(paid.world.alpha.pk)})
    run = PaymentRun.objects.get()
    assert made["Location"] == f"/payments/runs/{run.pk}/"
    page = client.get(made["Location"]).content.decode()
    assert "£1,234.56" in page
    assert "Sort code ending 84, account ending 2490" in page
    assert ACCOUNT_NUMBER not in page
    assert client.get(f"/payments/runs/{run.pk}/file.csv").status_code == 404  # not yet
    client.post(f"/payments/runs/{run.pk}/", {"action": "export"})
    download = client.get(f"/payments/runs/{run.pk}/file.csv")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="payment-run-0001.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][5] == ACCOUNT_NUMBER
    assert rows[1][6] == "1234.56"
    assert AccessLogEntry.objects.filter(subject_id=str(run.pk)).count() == 1
    future = client.post(
        f"/payments/runs/{run.pk}/", {"action": "mark_paid", "paid_on": "2099-01-01"}
    )
    assert "The date paid cannot be in the future" in future.content.decode()
    today = timezone.localdate()
    client.post(f"/payments/runs/{run.pk}/", {"action": "mark_paid", "paid_on": today.isoformat()})
    run.refresh_from_db()
    assert run.is_paid
    assert run.paid_on == today


def test_finance_sees_payees_and_what_each_is_owed(paid: Paid) -> None:
    pay(paid.payee, 123456)
    page = signed_in_client(paid.finance).get("/payments/payees/").content.decode()
    assert "£1,234.56" in page
    assert "Sam Student" in page
    assert ACCOUNT_NUMBER not in page


def test_a_page_without_a_run_explains_what_to_do(paid: Paid) -> None:
    response = signed_in_client(paid.finance).post(
        "/payments/runs/", {"organisation": str(paid.world.alpha.pk)}
    )
    assert response.status_code == 200
    assert "Nobody is owed anything to pay in a new run." in response.content.decode()
    assert not PaymentRun.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_the_header_offers_payments_to_those_paid_and_runs_to_finance(paid: Paid) -> None:
    def links(user: User) -> str:
        page = signed_in_client(user).get("/payments/" if user is paid.student else "/learners/")
        return page.content.decode()

    assert 'href="/payments/"' in links(paid.student)
    assert 'href="/payments/runs/"' not in links(paid.student)
    assert 'href="/payments/runs/"' in links(paid.finance)
    officer = links(paid.world.users[Role.OUTREACH_OFFICER])
    assert 'href="/payments/"' not in officer
    assert 'href="/payments/runs/"' not in officer


def test_an_error_report_never_holds_the_bank_details_typed(paid: Paid) -> None:
    from django.test import RequestFactory  # noqa: PLC0415
    from django.views.debug import SafeExceptionReporterFilter  # noqa: PLC0415

    from widen.payments.views import bank_details_view  # noqa: PLC0415

    request = RequestFactory().post(
        f"/payments/payees/{paid.payee.pk}/bank-details/",
        {"account_name": "Sam Student", "sort_code": "11-22-33", "account_number": "4455667788"},
    )
    request.user = paid.student
    bank_details_view(request, payee_id=paid.payee.pk)  # type: ignore[arg-type]
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert shown["sort_code"] != "11-22-33"
    assert shown["account_number"] != "4455667788"
    assert shown["account_name"] != "Sam Student"
