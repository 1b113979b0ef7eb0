"""Helpers for the browser tests: the people who sign in, their codes, and the sign-in steps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django_otp.oath import hotp
from playwright.sync_api import Browser, BrowserContext, Page, expect

REPOSITORY = Path(__file__).resolve().parents[2]
TOTP_STEP_SECONDS = 30
DEFAULT_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Learner:
    id: str
    name: str
    first_name: str
    last_name: str
    school: str

    @property
    def url(self) -> str:
        return f"/learners/{self.id}/"


@dataclass(frozen=True)
class Person:
    """Someone in the demo partnership who signs in with a password and a TOTP code."""

    username: str
    password: str
    totp_key: str
    organisation_id: str
    organisation: str
    partnership_id: str | None
    learners: dict[str, Learner | None]

    def learner(self, kind: str) -> Learner:
        """A learner this person can edit, sees through a partner, sees at all, or cannot see."""
        learner = self.learners.get(kind)
        if learner is None:
            raise LookupError(f"The demo data has no {kind!r} learner for {self.username}.")
        return learner

    @classmethod
    def from_facts(cls, facts: dict[str, Any], password: str) -> Person:
        organisation = facts["organisation"] or {"id": "", "name": ""}
        return cls(
            username=facts["username"],
            password=password,
            totp_key=facts["totp_key"],
            organisation_id=organisation["id"],
            organisation=organisation["name"],
            partnership_id=facts["partnership"],
            learners={
                kind: Learner(**learner) if learner else None
                for kind, learner in facts["learners"].items()
            },
        )


@dataclass
class Site:
    """The running server, the environment its processes share, and the cast."""

    base_url: str
    environment: dict[str, str]
    people: dict[str, Person]
    password: str

    def widen(self, *arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a `widen` command against the server's database."""
        return run_widen(list(arguments), self.environment, stdin=stdin)

    def inbox(self, address: str) -> list[EmailMessage]:
        """The e-mails sent to `address` so far, oldest first, as their reader would see them."""
        outbox = Path(self.environment["WIDEN_EMAIL_FILE_PATH"])
        if not outbox.exists():
            return []
        messages: list[EmailMessage] = []
        for path in sorted(outbox.glob("*.log"), key=lambda found: found.stat().st_mtime_ns):
            # The file backend writes every message of a connection to one file, each followed
            # by a line of dashes.
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not raw.strip():
                    continue
                message = message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
                if address.lower() in str(message["To"] or "").lower():
                    messages.append(message)
        return messages

    def link_in_latest_email(self, address: str, path_part: str, *, wait: float = 30.0) -> str:
        """The first link containing `path_part` in the newest e-mail to `address`.

        E-mails leave through the outbox, sent by the server's background worker a moment after
        the change commits: wait up to `wait` seconds for one with such a link to arrive."""
        deadline = time.monotonic() + wait
        while True:
            messages = self.inbox(address)
            text = ""
            if messages:
                body = messages[-1].get_body(preferencelist=("plain",))
                text = body.get_content() if body is not None else ""
                for word in text.split():
                    if path_part in word:
                        return word
            if time.monotonic() >= deadline:
                if not messages:
                    raise AssertionError(f"No e-mail was sent to {address}.")
                raise AssertionError(
                    f"The newest e-mail to {address} has no {path_part} link:\n{text}"
                )
            time.sleep(0.25)


def run_module(
    module: str,
    arguments: list[str],
    environment: dict[str, str],
    *,
    stdin: str | None = None,
    timeout: int = 600,
) -> subprocess.CompletedProcess[str]:
    """`python -m module arguments` in the repository, against the database `environment` names."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", module, *arguments],
        cwd=REPOSITORY,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_widen(
    arguments: list[str], environment: dict[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_module("widen.cli", arguments, environment, stdin=stdin)


def module_json(site: Site, module: str, *arguments: str) -> Any:
    """What a setup or facts module prints (JSON) when run against the site's database."""
    completed = run_module(module, list(arguments), site.environment, timeout=300)
    assert completed.returncode == 0, f"{module} failed:\n{completed.stderr[-3000:]}"
    return json.loads(completed.stdout)


_made_once: dict[tuple[str, ...], Any] = {}


def made_once(site: Site, module: str, *arguments: str) -> Any:
    """What a setup module made for this server: run the first time it is asked, then remembered."""
    key = (site.base_url, module, *arguments)
    if key not in _made_once:
        _made_once[key] = module_json(site, module, *arguments)
    return _made_once[key]


def made_for(site: Site, module: str, *people: str, then: tuple[str, ...] = ()) -> dict[str, Any]:
    """What setup `module` made (once per server) for these of the cast, given their usernames
    and then any further arguments `then`."""
    usernames = [site.people[person].username for person in people]
    made: dict[str, Any] = made_once(site, module, *usernames, *then)
    return made


def opened(page: Page, path: str, heading: str, status: int = 200) -> Page:
    """`path` opened: it answers `status` and its main heading reads `heading`."""
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return page


def opener(
    made: Callable[[Site], dict[str, Any]],
    path: str,
    heading: str,
    *,
    person: str | None = None,
    status: int = 200,
) -> Callable[[Browse], Page]:
    """What opens a page about what `made` made for the server: `path` and `heading` are filled
    in from it (`str.format` fields), and the page is opened as `person`, or signed out."""

    def open_page(browse: Browse) -> Page:
        facts = made(browse.site)
        page = browse.as_person(person) if person else browse.anonymous()
        return opened(page, path.format_map(facts), heading.format_map(facts), status)

    return open_page


@dataclass
class Codes:
    """TOTP codes, never two in the same time step for one person (the server refuses reuse)."""

    last_step: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_for(self, person: Person) -> str:
        with self.lock:
            step = int(time.time()) // TOTP_STEP_SECONDS
            last = self.last_step.get(person.username)
            if last is not None and step <= last:
                time.sleep((last + 1) * TOTP_STEP_SECONDS - time.time() + 0.1)
                step = int(time.time()) // TOTP_STEP_SECONDS
            self.last_step[person.username] = step
            return code_for(person.totp_key, at=step * TOTP_STEP_SECONDS)


def code_for(key_hex: str, *, at: float) -> str:
    """The 6-digit TOTP code for the time step that holds the moment `at`."""
    return f"{hotp(bytes.fromhex(key_hex), int(at) // TOTP_STEP_SECONDS):06d}"


CODES = Codes()


def password_step(page: Page, person: Person) -> None:
    """Sign in with username and password, starting from wherever the page is."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def mfa_step(page: Page, person: Person) -> None:
    """Enter a fresh code on the MFA page."""
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    page.get_by_label("6-digit code").fill(CODES.next_for(person))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def expect_saved(page: Page, message: str) -> None:
    """The form was accepted: its success message shows, and no error summary does."""
    notice = page.get_by_role("status")
    problem = page.get_by_role("alert")
    expect(notice.or_(problem).first).to_be_visible()
    if problem.count():
        raise AssertionError(f"saving was refused on {page.url}:\n{problem.inner_text()}")
    expect(notice).to_contain_text(message)


def activity_added(page: Page, name: str, kind: str) -> None:
    """An activity called `name` added from the activities page, of the kind labelled `kind`."""
    page.goto("/activities/")
    page.get_by_role("link", name=re.compile(r"^Add an activity to ")).first.click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Type of activity").select_option(label=kind)
    page.get_by_role("button", name="Add activity").click()
    expect_saved(page, f"Added {name}")


def followed(page: Page, link: str | re.Pattern[str], heading: str) -> Page:
    """The link named `link` followed: the main heading of the page it opens holds `heading`."""
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    return page


def first_link_followed(page: Page, starting: str) -> Page:
    """The first link whose name starts with `starting` followed."""
    page.get_by_role("link", name=re.compile(f"^{re.escape(starting)}")).first.click()
    return page


def refused(
    page: Page,
    button: str,
    message: str = "There is a problem",
    *,
    filled: Mapping[str, str] | None = None,
) -> Page:
    """The form, its boxes labelled as in `filled` filled in, sent with `button`, comes back
    refused: its error summary says `message`."""
    for label, value in (filled or {}).items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("alert")).to_contain_text(message)
    return page


def sign_in(page: Page, person: Person) -> None:
    password_step(page, person)
    mfa_step(page, person)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        "Enter the code from your authenticator app"
    )


class SignedIn:
    """Each person signs in (password and MFA) once; later tests reuse their cookies."""

    def __init__(self, chromium: Browser, site: Site) -> None:
        self._chromium = chromium
        self._site = site
        self._states: dict[str, Any] = {}

    def storage_state(self, name: str) -> Any:
        if name not in self._states:
            context = new_context(self._chromium, self._site)
            try:
                sign_in(context.new_page(), self._site.people[name])
                self._states[name] = context.storage_state()
            finally:
                context.close()
        return self._states[name]


def new_context(chromium: Browser, site: Site, storage_state: Any = None) -> BrowserContext:
    context = chromium.new_context(
        base_url=site.base_url, locale="en-GB", storage_state=storage_state
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


class Browse:
    """Fresh browser contexts for one test: anonymous, or signed in as one of the cast."""

    def __init__(self, chromium: Browser, site: Site, signed_in: SignedIn) -> None:
        self.site = site
        self._chromium = chromium
        self._signed_in = signed_in
        self._contexts: list[BrowserContext] = []

    def anonymous(self) -> Page:
        return self._page(None)

    def as_person(self, name: str) -> Page:
        """A page whose session has passed both the password and the MFA step."""
        return self._page(self._signed_in.storage_state(name))

    def _page(self, storage_state: Any) -> Page:
        context = new_context(self._chromium, self.site, storage_state)
        self._contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self._contexts:
            context.close()
