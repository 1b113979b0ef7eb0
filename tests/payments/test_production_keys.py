"""Production refuses to start without its own key for bank details (checked in a real process)."""

from __future__ import annotations

from tests.test_deploy_settings import run_with_production_settings


def test_production_refuses_to_start_without_a_payments_key(tmp_path: object) -> None:
    result = run_with_production_settings(
        """
        import os
        del os.environ["WIDEN_PAYMENTS_KEYS"]
        from widen.cli import main
        main(["check"])
        """,
        tmp_path,
    )
    assert result.returncode != 0
    assert "Set WIDEN_PAYMENTS_KEYS" in result.stderr


def test_production_refuses_a_key_that_is_not_a_fernet_key(tmp_path: object) -> None:
    result = run_with_production_settings(
        """
        import os
        os.environ["WIDEN_PAYMENTS_KEYS"] = "not-a-key"
        from widen.cli import main
        main(["check"])
        """,
        tmp_path,
    )
    assert result.returncode != 0
    assert "must be a Fernet key" in result.stderr


def test_production_starts_with_a_payments_key(tmp_path: object) -> None:
    result = run_with_production_settings(
        """
        import django
        django.setup()
        from django.conf import settings
        print(len(settings.PAYMENTS_ENCRYPTION_KEYS))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
