"""The dashboard's partnership with activities (tests/reporting/conftest.py), for progression."""

from tests.reporting.conftest import delivery

__all__ = ["delivery"]
