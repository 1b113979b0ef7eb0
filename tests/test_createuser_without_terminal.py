"""`widen createuser` without a terminal (a script, CI, `< /dev/null`) says how to give the
password instead of ending in a traceback, and takes it from a file or the environment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from widen.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-new-password"


class NoTerminal(io.StringIO):
    """Standard input as `< /dev/null` gives it: no terminal, nothing to read."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", NoTerminal(""))
    monkeypatch.delenv("WIDEN_USER_PASSWORD", raising=False)


def test_without_a_terminal_it_says_how_to_give_the_password(no_terminal: None) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("createuser", "ci.user", stdout=io.StringIO(), stderr=io.StringIO())
    message = str(refused.value)
    assert "There is no terminal to ask for the password" in message
    assert "--password-file" in message
    assert "WIDEN_USER_PASSWORD" in message
    assert not User.objects.filter(username="ci.user").exists()


def test_an_empty_standard_input_is_refused_not_taken_as_a_password(no_terminal: None) -> None:
    with pytest.raises(CommandError, match="No password was given on standard input"):
        call_command("createuser", "ci.user", "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="ci.user").exists()


def test_the_password_comes_from_a_file(no_terminal: None, tmp_path: Path) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    call_command("createuser", "ci.user", "--password-file", str(secret), stdout=io.StringIO())
    assert User.objects.get(username="ci.user").check_password(PASSWORD)
    with pytest.raises(CommandError, match="Cannot read the password file"):
        call_command(
            "createuser",
            "ci.other",
            "--password-file",
            str(tmp_path / "none"),
            stdout=io.StringIO(),
        )


def test_the_password_comes_from_the_environment(
    no_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIDEN_USER_PASSWORD", PASSWORD)
    call_command("createuser", "ci.user", stdout=io.StringIO())
    assert User.objects.get(username="ci.user").check_password(PASSWORD)
