"""Plain data the scoring functions return to the UI, the prints and the command line (no ORM rows)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from villagevote.i18n import tr
from villagevote.models.enums import CandidacyStatus
from villagevote.scoring.records import Results
from villagevote.scoring.scheme import (
    Criterion,
)
from villagevote.scoring.values import Mismatch

# -- plain data returned to the UI, prints and the CLI -----------------------------------------------------------------

@dataclass(frozen=True)
class SchemeRow:
    id: int
    name: str
    version: int
    code: str
    frozen: bool
    double_entry: bool
    cycle_id: int | None
    participants: int
    raters: int
    scores: int
    outcome_applied: bool

    @property
    def label(self) -> str:
        return tr("{name}（第{v}版）").format(name=self.name, v=self.version)


@dataclass(frozen=True)
class ParticipantRow:
    candidacy_id: int
    name: str
    village: str
    org_label: str
    post: str
    post_key: str
    post_label: str
    status: CandidacyStatus
    incumbent: bool


@dataclass(frozen=True)
class RecusalRow:
    rater_id: int
    candidacy_id: int
    candidate: str
    reason: str


@dataclass(frozen=True)
class RaterRow:
    id: int
    name: str
    title: str
    group_code: str
    group_name: str
    recusals: tuple[RecusalRow, ...]
    state: SheetState


@dataclass(frozen=True)
class SheetState:
    """Where a rater's paper sheet stands: entries made, complete, agreeing, counted."""

    rater_id: int
    entry1: str  # "" (not entered) / "partial" / "complete"
    entry2: str
    double_entry: bool
    mismatches: tuple[Mismatch, ...]
    counts: bool

    @property
    def text(self) -> str:
        def one(s: str) -> str:
            return {"": tr("未录入"), "partial": tr("未录完"), "complete": tr("已录完")}[s]
        if not self.double_entry:
            return tr("已计入") if self.counts else one(self.entry1)
        if self.counts:
            return tr("两次录入一致，已计入")
        if self.entry1 == "complete" and self.entry2 == "complete":
            return tr("两次录入有 {n} 处不一致").format(n=len(self.mismatches))
        return tr("第一次：{a}；第二次：{b}").format(a=one(self.entry1), b=one(self.entry2))


@dataclass
class SheetData:
    """One entry of one rater's sheet, ready for an entry grid."""

    rater_id: int
    rater_name: str
    group_code: str
    group_name: str
    entry_no: int
    criteria: list[Criterion]
    rows: list[ParticipantRow]
    values: dict[tuple[int, str], Decimal]
    recused: dict[int, str]
    complete: bool
    exists: bool
    entry_places: int
    locked_reason: str = ""


@dataclass(frozen=True)
class AdjustmentRow:
    id: int
    candidacy_id: int
    candidate: str
    kind: str  # "bonus" / "deduction"
    item_code: str
    item_name: str
    points: Decimal
    note: str


@dataclass(frozen=True)
class RawScore:
    """One stored score (or recusal) as entered, for the workbook's raw-score sheet."""

    rater: str
    group: str
    candidate: str
    criterion: str
    value: Decimal | None
    status: str = ""


@dataclass(frozen=True)
class RawAdjustment:
    candidate: str
    kind: str  # 加分 / 扣分
    item: str
    points: Decimal
    note: str = ""


@dataclass
class SchemeResults:
    scheme_id: int
    scheme_label: str
    results: Results
    post_labels: dict[str, str]
    participants: list[ParticipantRow]
    raw_scores: list[RawScore] = field(default_factory=list)
    raw_adjustments: list[RawAdjustment] = field(default_factory=list)
    place: str = ""
    outcome_applied: bool = False
    sheet_states: list[SheetState] = field(default_factory=list)



@dataclass(frozen=True)
class OutcomeSummary:
    passed: list[str]
    not_passed: list[str]


@dataclass(frozen=True)
class RecordedOutcome:
    """What was written for one candidacy when the outcome was applied."""

    candidacy_id: int
    rank: int | None
    outcome: str
    total: str
    reason: str
    decided_by: str
