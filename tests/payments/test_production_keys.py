"""Production refuses to start without its own key for bank details (checked in a real process)."""

from __future__ import annotations

import pytest

from tests.test_deploy_settings import refusal_to_start, run_with_production_settings


@pytest.mark.parametrize(
    ("keys", "message"),
    [(None, "Set WIDEN_FIELD_KEYS"), ("not-a-key", "must be a Fernet key")],
    ids=["no key", "not a Fernet key"],
)
def test_production_refuses_to_start_without_a_usable_payments_key(
    tmp_path: object, keys: str | None, message: str
) -> None:
    assert message in refusal_to_start(tmp_path, WIDEN_PAYMENTS_KEYS=keys)


def test_production_starts_with_a_payments_key(tmp_path: object) -> None:
    result = run_with_production_settings(
        """
        import django
        django.setup()
        from django.conf import settings
        print(len(settings.FIELD_ENCRYPTION_KEYS))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
