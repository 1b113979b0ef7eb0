"""Amounts of money: whole pence in the database, pounds on the page."""

from __future__ import annotations

MINUS = "\u2212"  # a minus sign, which screen readers say as "minus"


def pounds(pence: int) -> str:
    """`123456` → `£1,234.56`; `-1250` → `−£12.50`."""
    sign = MINUS if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def pounds_plain(pence: int) -> str:
    """`123456` → `1234.56`: for a finance system's file (no symbol, no thousands comma)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}{whole}.{part:02d}"
