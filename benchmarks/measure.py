"""Small timing helpers the sections share: one timed call, rates, SQL metering, aims.

`SectionRun.time` (benchmarks/harness.py) times a callable many times; these time one call, or
count what it sends to the database, for cases that are too long to repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call of `call` took, and what it returned."""
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def per_second(count: int, seconds: float) -> float:
    """`count` things in `seconds`, as a rate (0 when no time passed)."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


@dataclass
class SqlMeter:
    """Statements sent, and seconds spent inside the database driver's `execute`."""

    statements: int = 0
    seconds: float = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


@contextmanager
def metered() -> Iterator[SqlMeter]:
    """Count the statements the block sends, and the seconds the database driver spends."""
    meter = SqlMeter()
    with connection.execute_wrapper(meter):
        yield meter


@dataclass(frozen=True)
class Aim:
    """An aim of the issue: `scale` things in under `seconds`, judged with `flag` (never asserted).

    `amount` is how the scale is written in a sentence ("100,000 rows", "1,000,000").
    """

    scale: int
    seconds: float
    description: str  # "aim 100,000 rows in under 20 s on SQLite"
    amount: str
    flag: str  # the option that runs at the aim's scale, e.g. "--import-rows"

    @classmethod
    def on(cls, database: str, *, scale: int, seconds: float, flag: str, unit: str = "") -> Aim:
        """`scale` things (`unit`, say "rows") in under `seconds` on `database`."""
        amount = f"{scale:,} {unit}".strip()
        description = f"aim {amount} in under {seconds:.0f} s on {database}"
        return cls(scale, seconds, description, amount, flag)

    def verdict(self, figure: str, *, scale: int, seconds: float) -> str:
        """`figure`, then whether it meets the aim, or what the aim's scale would take."""
        if scale == self.scale:
            met = "met" if seconds < self.seconds else "NOT met"
            return f"{figure}; {self.description}: {met}"
        rate = scale / seconds if seconds > 0 else 0.0
        estimate = self.scale / rate if rate else float("inf")
        return (
            f"{figure}; at this rate {self.amount} would take about {estimate:.0f} s "
            f"({self.description}: judge it with {self.flag} {self.scale})"
        )
