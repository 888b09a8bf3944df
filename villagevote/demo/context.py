"""What the demo builder hands each area's ``populate(session, ctx)``."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session

from villagevote.audit import Actor

T = TypeVar("T")


@dataclass
class DemoContext:
    rng: random.Random
    actor: Actor
    township_id: int
    cycle_id: int
    election_day: dt.date
    village_ids: list[int]
    voters_per_village: int
    persons_by_village: dict[int, list[int]] = field(default_factory=dict)
    today: dt.date | None = None  # the demo's fixed "today" (deterministic); set by the core
    notes: list[str] = field(default_factory=list)

    @property
    def fixed_today(self) -> dt.date:
        """The demo's "today" (the core sets it before any area runs)."""
        if self.today is None:
            raise RuntimeError("the demo core sets DemoContext.today before the areas run")
        return self.today


def existing(session: Session, model: type[T], row_id: int | None) -> T:
    """The row the demo itself created: it exists (a missing one is a bug in the demo builder)."""
    found = session.get(model, row_id) if row_id is not None else None
    if found is None:
        raise LookupError(f"demo: no {model.__name__} {row_id}")
    return found
