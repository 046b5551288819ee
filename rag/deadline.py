"""The per-question time budget (``answer_seconds``).

Work in a thread cannot be stopped from outside, so the budget is checked between the steps
of an answer: after retrieval, after reading, between the parts of a compound question and
between a model's text deltas. A step that started in time finishes; nothing starts after
the budget is spent. A generative answer cut short falls back to the extractive answer; a
compound question keeps the parts already answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from store.errors import BudgetError

Clock = Callable[[], float]
"""Seconds from a monotonic origin (``time.monotonic``; a fake in tests)."""


@dataclass
class Deadline:
    """``seconds`` from when it is made, on ``clock``."""

    seconds: float
    clock: Clock = time.monotonic
    start: float = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.clock()

    @property
    def expired(self) -> bool:
        return self.clock() - self.start > self.seconds

    def check(self, step: str) -> None:
        """Raise ``BudgetError`` if the budget is spent (``step`` is what comes next)."""
        if self.expired:
            raise BudgetError(self.message(step))

    def message(self, step: str) -> str:
        return (
            f"the question took more than its {self.seconds:g} s budget before {step} "
            "(answer_seconds); ask a shorter or narrower question"
        )
