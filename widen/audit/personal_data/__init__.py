"""The register's entries for the audit's own records and for the apps below the audit (accounts,
organisations, reference data), which cannot import the register themselves. Every other app
declares its models in a `personal_data.py` of its own."""

from widen.audit.personal_data import accounts, audit_records, organisations, reference

__all__ = ["accounts", "audit_records", "organisations", "reference"]
