"""The 实绩比选 engine's data: what goes in (candidates, raters, recusals, adjustments, recorded tie decisions,
sheets) and what comes out (per-unit, per-criterion and per-candidate details, tie groups, results), with the outcome
and tie codes. Plain dataclasses, no database, no Qt."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from villagevote.i18n import tr
from villagevote.scoring.scheme import (
    Scheme,
)

Id = Any  # the caller's ids: candidacy and rater ids from the database, any hashable value in tests

OUTCOME_PASS = "pass"
OUTCOME_FAIL = "fail"
OUTCOME_TIE_PENDING = "tie_pending"
OUTCOME_INCOMPLETE = "incomplete"
OUTCOME_PENDING = "pending"

TIE_RESOLVED_BY_RULE = "rule"
TIE_RESOLVED_BY_DECISION = "decision"
TIE_OPEN = "open"


def outcome_label(outcome: str) -> str:
    """Chinese label of an outcome code."""
    return {
        OUTCOME_PASS: tr("入围"),
        OUTCOME_FAIL: tr("未入围"),
        OUTCOME_TIE_PENDING: tr("并列待决定"),
        OUTCOME_INCOMPLETE: tr("评分未完成"),
        OUTCOME_PENDING: tr("待定"),
    }.get(outcome, outcome)


# -- inputs ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    id: Id
    name: str
    post: str = ""


@dataclass(frozen=True)
class Rater:
    id: Id
    name: str
    group: str


@dataclass(frozen=True)
class Recusal:
    rater_id: Id
    candidate_id: Id
    reason: str


@dataclass(frozen=True)
class Adjustment:
    """Points for a bonus or deduction item (deductions are entered as positive points)."""

    candidate_id: Id
    item_code: str
    points: Decimal
    note: str = ""


@dataclass(frozen=True)
class TieDecision:
    """A recorded decision ordering candidates still tied after the tie rule (best first)."""

    post: str
    order: tuple[Id, ...]
    reason: str
    decided_by: str = ""
    decided_on: date | None = None


#: one rater's sheet: (candidate id, criterion code) -> score, or None for an empty cell
Sheet = Mapping[tuple[Id, str], "Decimal | None"]


# -- outputs ---------------------------------------------------------------------------------------------------------

@dataclass
class UnitDetail:
    """Aggregation of one criterion within one unit: a rater group (per-group scope) or all raters (pooled)."""

    group_code: str | None
    group_name: str
    weight: Decimal | None
    values: list[tuple[str, Decimal]]
    kept: list[Decimal]
    dropped_high: tuple[str, Decimal] | None = None
    dropped_low: tuple[str, Decimal] | None = None
    fallback_to_mean: bool = False
    mean: Fraction | None = None
    recused: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CriterionDetail:
    code: str
    name: str
    max: Decimal
    weight: Decimal
    units: list[UnitDetail]
    score: Fraction | None
    contribution: Fraction | None
    missing: list[str] = field(default_factory=list)


@dataclass
class AdjustmentDetail:
    code: str
    name: str
    cap: Decimal
    entered: Decimal
    counted: Decimal
    notes: list[str]


@dataclass
class CandidateResult:
    candidate: Candidate
    criteria: list[CriterionDetail]
    bonuses: list[AdjustmentDetail]
    bonus_entered: Decimal
    bonus_items_sum: Decimal
    bonus_counted: Decimal
    deductions: list[AdjustmentDetail]
    deduction_entered: Decimal
    deduction_items_sum: Decimal
    deduction_counted: Decimal
    criteria_total: Fraction | None
    total_exact: Fraction | None
    total: Decimal | None
    problems: list[str]
    rank: int | None = None
    shared_rank: bool = False
    outcome: str = OUTCOME_PENDING
    outcome_reason: str = ""
    tie_note: str = ""
    lines: list[str] = field(default_factory=list)
    # the same breakdown without raters' names or recusal relationships (the public summary)
    public_lines: list[str] = field(default_factory=list)
    # the breakdown of the internal copy: recusals and missing scores named, but no rater beside a dropped score
    internal_lines: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total is not None

    def criterion(self, code: str) -> CriterionDetail:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


@dataclass
class TieGroup:
    """Candidates of one post with the same rounded total."""

    post: str
    candidate_ids: list[Id]
    total: Decimal
    at_cutoff: bool
    status: str
    note: str
    open_ids: list[Id] = field(default_factory=list)


@dataclass
class Results:
    scheme: Scheme
    candidates: list[CandidateResult]
    ties: list[TieGroup]
    notes: list[str]
    public_notes: list[str] = field(default_factory=list)  # the notes without raters' names (the public summary)

    def by_id(self, candidate_id: Id) -> CandidateResult:
        for r in self.candidates:
            if r.candidate.id == candidate_id:
                return r
        raise KeyError(candidate_id)

    @property
    def open_ties(self) -> list[TieGroup]:
        """Ties across a cut-off that the tie rule could not break and no recorded decision settles."""
        return [t for t in self.ties if t.at_cutoff and t.status == TIE_OPEN]
