"""Production configuration (SECURITY 1, 2, 6): checked in a separate process with real settings."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from widen.testing.migrated_sqlite import migrated_sqlite_copy

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "widen.config.production",
    "SECRET_KEY": "k" * 20 + "a-long-random-looking-secret-for-the-deploy-check-0987654321",
    "ALLOWED_HOSTS": "widen.example.org,testserver",
    "WIDEN_PSEUDONYM_KEY": "p" * 40,
    "WIDEN_PAYMENTS_KEYS": "cGF5bWVudHMta2V5LWZvci10aGUtZGVwbG95LWNoayE=",
}


def run_with_production_settings(
    code: str, tmp_path: object, **changes: str | None
) -> subprocess.CompletedProcess[str]:
    """`code` run in a fresh process with the production settings; `changes` set a variable of the
    environment, or take it away where `None`."""
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        **PRODUCTION_ENVIRONMENT,
        "WIDEN_DATA_DIR": str(tmp_path),
    }
    for key, value in changes.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", textwrap.dedent(code)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_settings(tmp_path: object) -> None:
    result = run_with_production_settings(
        """
        from widen.cli import main
        main(["check", "--deploy", "--fail-level", "WARNING"])
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def refusal_to_start(tmp_path: object, **changes: str | None) -> str:
    """What production says on refusing to start with the environment so changed."""
    result = run_with_production_settings(
        """
        from widen.cli import main
        main(["check"])
        """,
        tmp_path,
        **changes,
    )
    assert result.returncode != 0
    return result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: object) -> None:
    assert "SECRET_KEY" in refusal_to_start(tmp_path, SECRET_KEY="short")


def test_production_cookies_are_host_prefixed_secure_and_httponly(tmp_path: Path) -> None:
    # Production's default database, a copy of one migrated once; `migrate` below checks it.
    migrated_sqlite_copy(tmp_path / "widen.sqlite3")
    result = run_with_production_settings(
        """
        import django
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.test import Client
        from widen.accounts.models import User
        user = User(username="cookie.checker")
        user.set_password("a-long-cookie-checking-password")
        user.save()
        client = Client()
        page = client.get("/accounts/login/", secure=True)
        response = client.post(
            "/accounts/login/",
            {
                "username": "cookie.checker",
                "password": "a-long-cookie-checking-password",
                "csrfmiddlewaretoken": page.cookies["__Host-csrftoken"].value,
            },
            secure=True,
        )
        for morsel in list(page.cookies.values()) + list(response.cookies.values()):
            print("COOKIE", morsel.OutputString())
        print("STATUS", response.status_code)
        print("HSTS", page.headers.get("Strict-Transport-Security"))
        plain = client.get("/accounts/login/")
        print("PLAIN", plain.status_code, plain.headers.get("Location"))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    cookies = {
        line.split()[1].split("=")[0]: line
        for line in result.stdout.splitlines()
        if line.startswith("COOKIE")
    }
    assert set(cookies) == {"__Host-csrftoken", "__Host-sessionid"}, result.stdout
    for name, line in cookies.items():
        assert "Secure" in line, name
        assert "Path=/" in line, name
        assert "Domain" not in line, name
        assert "SameSite=Lax" in line, name
    assert "HttpOnly" in cookies["__Host-sessionid"]
    assert "STATUS 302" in result.stdout
    assert "HSTS max-age=31536000; includeSubDomains; preload" in result.stdout
    assert "PLAIN 301 https://testserver/accounts/login/" in result.stdout
