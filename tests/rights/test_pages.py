"""The pages for requests about people's data, as a data-protection officer, an organisation
admin, roles that do not handle requests, and someone looking at another organisation's."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from widen.accounts.capabilities import Capability, role_grants, system_actor
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.learners.models import Learner
from widen.organisations.models import Organisation
from widen.rights.models import ErasureTombstone, RequestKind, RequestStatus, RightsRequest
from widen.rights.services import RequestDetails, rights_request_record
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("rights page tests")
HANDLERS = [Role.DATA_PROTECTION_OFFICER, Role.ORGANISATION_ADMIN]
NOT_HANDLERS = [role for role in Role.values if not role_grants(role, Capability.RIGHTS_HANDLE)]


def recorded(
    organisation: Organisation,
    kind: str = RequestKind.ACCESS,
    *,
    name: str = "Amara Alphason",
    received_on: date | None = None,
) -> RightsRequest:
    return rights_request_record(
        actor=SYSTEM,
        organisation=organisation,
        details=RequestDetails(
            kind=kind,
            person_name=name,
            person_email="amara@example.org",
            details="By letter.",
            received_on=received_on or timezone.localdate(),
        ),
    )


def dpo(world: World) -> Client:
    return signed_in_client(world.users[Role.DATA_PROTECTION_OFFICER])


def detail(rights_request: RightsRequest) -> str:
    return f"/rights/{rights_request.pk}/"


def named(rights_request: RightsRequest, learner: Learner) -> RightsRequest:
    rights_request.learners.add(learner)
    return rights_request


@pytest.mark.parametrize("role", HANDLERS)
def test_those_who_handle_requests_find_the_list_in_administration(world: World, role: str) -> None:
    recorded(world.alpha, name="Ola Open")
    page = signed_in_client(world.users[role]).get("/rights/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Requests about people&#x27;s data" in text
    assert 'href="/rights/"' in text  # the main navigation's Administration group
    assert "Ola Open" in text


@pytest.mark.parametrize("role", NOT_HANDLERS)
def test_roles_that_do_not_handle_requests_get_not_found(world: World, role: str) -> None:
    rights_request = recorded(world.alpha)
    client = signed_in_client(world.users[role])
    assert 'href="/rights/"' not in client.get("/learners/").content.decode()
    for url in (
        "/rights/",
        "/rights/new/",
        detail(rights_request),
        f"{detail(rights_request)}export.json",
    ):
        assert client.get(url).status_code == 404, url
    before = RightsRequest.objects.count()
    refused = client.post(
        "/rights/new/",
        {
            "organisation": world.alpha.pk,
            "kind": "access",
            "person_name": "Not Mine",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert refused.status_code == 404
    assert RightsRequest.objects.count() == before


@pytest.mark.parametrize("role", HANDLERS)
def test_another_organisations_request_is_not_found_and_unchanged(world: World, role: str) -> None:
    theirs = named(recorded(world.beta, RequestKind.ERASURE), world.learner_beta)
    client = signed_in_client(world.users[role])
    for url in (detail(theirs), f"{detail(theirs)}export.json", f"{detail(theirs)}erase/"):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        detail(theirs), {"action": "close", "decision": "answer", "outcome": "Done"}
    )
    assert posted.status_code == 404
    assert client.post(f"{detail(theirs)}erase/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.OPEN
    assert Learner.objects.get(pk=world.learner_beta.pk).last_name == "Betterton"
    assert "Betterton" not in client.get("/rights/").content.decode()


def test_recording_a_request_defaults_to_the_one_organisation_and_shows_the_due_date(
    world: World,
) -> None:
    client = dpo(world)
    form = client.get("/rights/new/").content.decode()
    assert 'type="hidden" name="organisation"' in form
    # The day it arrived starts as today, in the form a date box reads.
    assert f'value="{timezone.localdate().isoformat()}"' in form
    assert "Alpha" in form
    response = client.post(
        "/rights/new/",
        {
            "organisation": world.alpha.pk,
            "kind": "access",
            "person_name": "Amara Alphason",
            "person_email": "amara@example.org",
            "details": "Asked at an open day for everything we hold.",
            "received_on": "2026-11-02",
        },
    )
    made = RightsRequest.objects.get(person_name="Amara Alphason")
    assert response.status_code == 302
    assert response["Location"] == detail(made)
    assert made.organisation == world.alpha
    assert made.recorded_by == world.users[Role.DATA_PROTECTION_OFFICER]
    page = client.get(detail(made)).content.decode()
    assert "Subject access (a copy of their data) from Amara Alphason" in page
    assert "2 Dec 2026" in page  # one calendar month after 2 November


def test_a_request_received_in_the_future_is_refused_on_its_field(world: World) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = dpo(world).post(
        "/rights/new/",
        {
            "organisation": world.alpha.pk,
            "kind": "erasure",
            "person_name": "Fran Future",
            "received_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The day it was received cannot be in the future." in page
    assert 'id="id_received_on_error"' in page
    assert 'value="Fran Future"' in page  # what was typed is kept
    assert not RightsRequest.objects.filter(person_name="Fran Future").exists()


def test_the_list_puts_open_requests_first_and_says_overdue_and_stopped_clocks_in_words(
    world: World,
) -> None:
    today = timezone.localdate()
    late = recorded(world.alpha, name="Larry Late", received_on=today - timedelta(days=90))
    waiting = recorded(world.alpha, name="Wendy Waiting")
    waiting.identity_asked_on = today
    waiting.save()
    answered = recorded(world.alpha, name="Andy Answered", received_on=today - timedelta(days=95))
    answered.status = RequestStatus.DONE
    answered.save()
    client = dpo(world)
    page = client.get("/rights/").content.decode()
    assert f"Overdue: was due {late.due_on:%-d %b %Y}" in page
    assert "Clock stopped: waiting for identity" in page
    assert page.index("Larry Late") < page.index("Wendy Waiting") < page.index("Andy Answered")
    open_only = client.get("/rights/?show=open").content.decode()
    assert "Andy Answered" not in open_only
    assert "Larry Late" in open_only
    answered_only = client.get("/rights/?show=answered").content.decode()
    assert "Andy Answered" in answered_only
    assert "Larry Late" not in answered_only
    assert "Overdue" not in answered_only


def test_identity_and_extension_are_saved_and_refusals_show_on_their_field(world: World) -> None:
    rights_request = recorded(world.alpha, received_on=date(2026, 11, 2))
    client = dpo(world)
    url = detail(rights_request)
    asked = client.post(url, {"action": "identity", "identity_asked_on": "2026-11-03"})
    assert asked.status_code == 302
    assert "Clock stopped: waiting for identity" in client.get(url).content.decode()
    wrong = client.post(
        url,
        {
            "action": "identity",
            "identity_asked_on": "2026-11-03",
            "identity_confirmed_on": "2026-11-05",
        },
    )
    assert wrong.status_code == 200
    assert "Say how their identity was checked." in wrong.content.decode()
    assert 'id="id_identity_evidence_error"' in wrong.content.decode()
    rights_request.refresh_from_db()
    assert rights_request.identity_confirmed_on is None
    client.post(
        url,
        {
            "action": "identity",
            "identity_asked_on": "2026-11-03",
            "identity_confirmed_on": "2026-11-05",
            "identity_evidence": "Passport seen at the school office",
        },
    )
    no_reason = client.post(url, {"action": "extend", "extra_months": "1"})
    assert "Say why: the person must be told why it takes longer." in no_reason.content.decode()
    too_long = client.post(url, {"action": "extend", "extra_months": "3", "extension_reason": "x"})
    assert "Choose 0 to 2 further months." in too_long.content.decode()
    client.post(url, {"action": "extend", "extra_months": "2", "extension_reason": "Many records"})
    rights_request.refresh_from_db()
    assert rights_request.extra_months == 2
    # Five November plus three months.
    assert "5 Feb 2027" in client.get(url).content.decode()


def test_finding_the_persons_records_and_adding_them(world: World) -> None:
    rights_request = recorded(world.alpha)
    client = dpo(world)
    url = detail(rights_request)
    found = client.get(url, {"name": "amara alpha"}).content.decode()
    assert f'value="{world.learner_alpha.pk}"' in found
    assert str(world.learner_beta.pk) not in found  # another organisation's learner
    born = world.learner_alpha.date_of_birth.isoformat()
    by_birthday = client.get(url, {"date_of_birth": born}).content
    assert str(world.learner_alpha.pk) in by_birthday.decode()
    nothing = client.get(url, {}).content.decode()
    assert 'name="learners"' not in nothing
    empty_search = client.get(url, {"name": "", "email": "not-an-address"}).content.decode()
    assert "Enter an e-mail address like name@example.org." in empty_search
    added = client.post(
        url,
        {
            "action": "records",
            "learners": [str(world.learner_alpha.pk)],
            "emails": ["amara@example.org"],
        },
    )
    assert added.status_code == 302
    assert list(rights_request.learners.all()) == [world.learner_alpha]
    rights_request.refresh_from_db()
    assert rights_request.emails == ["amara@example.org"]
    page = client.get(url).content.decode()
    assert "Learner record: Amara Alphason" in page
    # Once named, a search no longer offers it.
    assert (
        f'value="{world.learner_alpha.pk}"'
        not in client.get(url, {"name": "Amara"}).content.decode()
    )


def test_another_organisations_learner_cannot_be_added(world: World) -> None:
    rights_request = recorded(world.alpha)
    response = dpo(world).post(
        detail(rights_request), {"action": "records", "learners": [str(world.learner_beta.pk)]}
    )
    assert response.status_code == 200
    assert "Tick the records that are the person&#x27;s." in response.content.decode()
    assert not rights_request.learners.exists()


def test_the_exports_hold_the_persons_records_and_are_access_logged(world: World) -> None:
    rights_request = recorded(world.alpha)
    client = dpo(world)
    url = detail(rights_request)
    none_yet = client.get(f"{url}export.json")
    assert none_yet.status_code == 302
    assert "Name the person" in client.get(url).content.decode()
    named(rights_request, world.learner_alpha)
    logged = AccessLogEntry.objects.count()
    as_json = client.get(f"{url}export.json")
    assert as_json.status_code == 200
    assert "attachment" in as_json["Content-Disposition"]
    data = json.loads(as_json.content)
    assert "Alphason" in json.dumps(data)
    assert data["person_name"] == "Amara Alphason"
    as_html = client.get(f"{url}export.html")
    assert "inline" in as_html["Content-Disposition"]
    assert "Alphason" in as_html.content.decode()
    # The export carries its own style, which the page's security policy lets apply, alone.
    style = re.search(r"<style>(.*?)</style>", as_html.content.decode(), re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in as_html["Content-Security-Policy"]
    assert "unsafe-inline" not in as_html["Content-Security-Policy"]
    as_pdf = client.get(f"{url}export.pdf")
    assert as_pdf.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.count() == logged + 3
    assert client.get(f"{url}export.exe").status_code == 404


def test_erasing_shows_what_will_happen_then_erases_and_lists_who_to_tell(world: World) -> None:
    rights_request = named(recorded(world.alpha, RequestKind.ERASURE), world.learner_alpha)
    client = dpo(world)
    erase = f"{detail(rights_request)}erase/"
    confirm = client.get(erase).content.decode()
    assert "Learner" in confirm
    assert "Anonymised" in confirm
    assert "Erase now" in confirm
    unconfirmed = client.post(erase)
    assert unconfirmed.status_code == 200
    assert "Confirm who is asking before erasing anything." in unconfirmed.content.decode()
    assert Learner.objects.get(pk=world.learner_alpha.pk).last_name == "Alphason"
    assert not ErasureTombstone.objects.exists()
    rights_request.identity_confirmed_on = timezone.localdate()
    rights_request.identity_evidence = "Known to the school"
    rights_request.save()
    done = client.post(erase)
    assert done.status_code == 200
    page = done.content.decode()
    assert "Tell these organisations (Art 19)" in page
    assert "Beta" in page  # a party to the data-sharing agreement
    assert Learner.objects.get(pk=world.learner_alpha.pk).last_name != "Alphason"
    assert ErasureTombstone.objects.filter(request=rights_request).exists()


def test_only_an_erasure_request_has_an_erase_step(world: World) -> None:
    access = named(recorded(world.alpha), world.learner_alpha)
    client = dpo(world)
    assert "Erase: see what will happen" not in client.get(detail(access)).content.decode()
    assert client.get(f"{detail(access)}erase/").status_code == 404


def test_restricting_and_lifting_from_a_restriction_request(world: World) -> None:
    rights_request = named(recorded(world.alpha, RequestKind.RESTRICTION), world.learner_alpha)
    client = dpo(world)
    url = detail(rights_request)
    response = client.post(url, {"action": "restrict"}, follow=True)
    assert "Processing restricted on 1 learner record" in response.content.decode()
    assert Learner.objects.get(pk=world.learner_alpha.pk).restricted_at is not None
    client.post(url, {"action": "lift"})
    assert Learner.objects.get(pk=world.learner_alpha.pk).restricted_at is None
    access = named(recorded(world.alpha), world.learner_alpha)
    assert "Restrict processing" not in client.get(detail(access)).content.decode()
    refused = client.post(detail(access), {"action": "restrict"}, follow=True)
    assert "Only a restriction or objection request restricts." in refused.content.decode()
    assert Learner.objects.get(pk=world.learner_alpha.pk).restricted_at is None


def test_an_objection_keeps_the_learner_out_of_equality_monitoring(world: World) -> None:
    rights_request = named(recorded(world.alpha, RequestKind.OBJECTION), world.learner_alpha)
    dpo(world).post(detail(rights_request), {"action": "restrict"})
    assert Learner.objects.get(pk=world.learner_alpha.pk).objects_to_equality_monitoring


def test_answering_or_refusing_closes_the_request_with_its_outcome(world: World) -> None:
    rights_request = recorded(world.alpha)
    client = dpo(world)
    url = detail(rights_request)
    missing = client.post(url, {"action": "close", "decision": "refuse"})
    assert "Say what was done, or why it was refused." in missing.content.decode()
    client.post(url, {"action": "close", "decision": "refuse", "outcome": "Manifestly unfounded"})
    rights_request.refresh_from_db()
    assert rights_request.status == RequestStatus.REFUSED
    page = client.get(url).content.decode()
    assert "Refused" in page
    assert "Manifestly unfounded" in page
    assert "Close the request" not in page
    again = client.post(url, {"action": "close", "decision": "answer", "outcome": "Sent"})
    assert "This request has been answered; record a new one." in again.content.decode()


def test_an_unknown_action_is_explained(world: World) -> None:
    response = dpo(world).post(detail(recorded(world.alpha)), {"action": "launch"})
    assert response.status_code == 200
    assert "Choose what to do with the request." in response.content.decode()
