"""What a write changed, as a typed value: the GUI announces it after a write and pages reload what they show of it.

Plain Python (no Qt): domain code may name the areas its writes touch; the UI's ``ctx.write(fn, Area.X)`` announces
them once the transaction has committed.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable


class Area(str, enum.Enum):
    TOWNSHIP = "township"            # township, villages, cycle, settings
    USERS = "users"
    VOTERS = "voters"                # register, objections, proxies, calendar
    CANDIDATES = "candidates"        # persons and candidacies
    QUALIFICATION = "qualification"  # findings, reviews, county review
    PLEDGES = "pledges"
    SCORING = "scoring"
    ELECTIONS = "elections"          # contests, ballots, counts, results
    TRACKING = "tracking"            # 践诺跟踪
    EVALUATION = "evaluation"        # 双述双评
    STATISTICS = "statistics"        # 统计上报
    AUDIT = "audit"


Areas = frozenset[Area]


def areas(value: Area | Iterable[Area]) -> Areas:
    """One area or several, as the frozenset the ``changed`` signal carries."""
    return frozenset((value,)) if isinstance(value, Area) else frozenset(value)
