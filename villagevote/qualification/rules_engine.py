"""The qualification verdict engine: pure functions over plain data (no database, no Qt).

Given a catalog's rules, the findings recorded for one candidacy and the cycle's election day, it works out each
rule's effective status and the overall verdict, with Chinese reasons a reviewer can read out:

* any 不能 hit → 不能 (disqualified);
* otherwise any 不宜 or 兜底 hit → 不宜 (advised to withdraw; staff record the outcome);
* otherwise every rule clear → 合格 (qualified);
* otherwise (something pending or doubtful) → 未定 (not decided).

Time limits
-----------
Every window is counted with one rule, the Civil Code's (民法典 §201/§202, :mod:`villagevote.periods`): the day of the
event is not counted, the period ends on the corresponding day N years later (the anniversary; an event on
29 February ends on 28 February in a common year, "没有对应日的，月末日为期间的最后一日"), and the bar clears the day
after the period's last day.

*Windowed rules* ("刑满释放不满5年", "近5年内受过行政拘留") are measured from the event date the reviewer records
(release date, end of probation, date of the penalty) to the election day. Released 2019-06-01 with a 5-year window:
the period ends 2024-06-01, so the person is still barred on an election day of 2024-06-01 and clear on 2024-06-02.
A windowed hit without an event date cannot be placed in time and is treated as doubtful (the verdict waits for the
date) rather than as a hit: striking someone off wrongly also voids an election. The exception is a rule whose text
bars the unhandled case itself (N2 "违反计划生育政策未处理，或处理后不满5年", tagged ``undated_hit`` in ``covers``):
there a hit with no 处理 date is the unhandled case and disqualifies.

*Until-expiry rules* (a Party-discipline bar on holding office, an investigation, the 失信 blacklist) stay hit through
the recorded expiry date (期满日, the period's last day) and clear the day after, by the same rule. A hit with no
expiry date is an ongoing bar.

Several findings for one rule (one per answering department) combine as: any effective hit → hit; else any doubt →
doubtful; else any pending → pending; else clear. A rule nobody has answered is pending.

Kinship bar: :func:`kinship_conflicts` flags pairs of candidates for the same organization who are spouses,
parent/child or siblings (the relation kinds a catalog bars).
"""
from __future__ import annotations

import datetime as _dt
import enum
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from villagevote.i18n import tr
from villagevote.models.enums import FindingResult, RelationKind, RuleGrade
from villagevote.periods import clears_on, period_end
from villagevote.qualification.catalogs import RuleDef

__all__ = [
    "DEFAULT_KINSHIP_BAR",
    "UNDATED_HIT",
    "FindingInput",
    "KinCandidate",
    "KinshipFlag",
    "Relation",
    "RuleStatus",
    "Verdict",
    "VerdictOutcome",
    "evaluate",
    "evaluate_finding",
    "kinship_conflicts",
]

DEFAULT_KINSHIP_BAR: tuple[RelationKind, ...] = (
    RelationKind.SPOUSE,
    RelationKind.PARENT_CHILD,
    RelationKind.SIBLING,
)

#: ``covers`` tag of a windowed rule whose text bars the unhandled case too (N2 "未处理，或处理后不满5年").
UNDATED_HIT = "undated_hit"

_PRECEDENCE = {
    FindingResult.HIT: 3,
    FindingResult.DOUBT: 2,
    FindingResult.PENDING: 1,
    FindingResult.CLEAR: 0,
}


class VerdictOutcome(str, enum.Enum):
    """The computed qualification verdict of one candidacy."""

    QUALIFIED = "qualified"
    ADVISED_WITHDRAW = "advised_withdraw"
    DISQUALIFIED = "disqualified"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return {
            "qualified": tr("合格"),
            "advised_withdraw": tr("不宜（劝退）"),
            "disqualified": tr("不能（取消资格）"),
            "undecided": tr("未定"),
        }[self.value]


@dataclass(frozen=True)
class FindingInput:
    """One recorded answer for a rule (plain data, as read from the database or a county workbook)."""

    rule_code: str
    result: FindingResult
    event_date: _dt.date | None = None
    expiry_date: _dt.date | None = None
    department: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class RuleStatus:
    """The effective status of one rule for one candidacy on the election day."""

    rule: RuleDef
    status: FindingResult
    reason: str
    lapses_on: _dt.date | None = None  # the day a time-limited hit stops counting, when known
    departments: tuple[str, ...] = ()  # departments whose answers decided the status


@dataclass(frozen=True)
class Verdict:
    outcome: VerdictOutcome
    reasons: tuple[str, ...]
    statuses: tuple[RuleStatus, ...]

    @property
    def label(self) -> str:
        return self.outcome.label

    def status_of(self, code: str) -> RuleStatus:
        for status in self.statuses:
            if status.rule.code == code:
                return status
        raise KeyError(code)


def _cn(day: _dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def evaluate_finding(
    rule: RuleDef, finding: FindingInput, election_day: _dt.date | None
) -> tuple[FindingResult, str, _dt.date | None]:
    """Effective (status, Chinese reason, lapse date) of one finding for ``rule`` on ``election_day``."""
    result = FindingResult(finding.result)
    dept = finding.department or ""
    prefix = f"{dept}：" if dept else ""
    if result is FindingResult.CLEAR:
        return result, prefix + tr("经核查无此情形"), None
    if result is FindingResult.PENDING:
        return result, prefix + tr("待核查"), None
    if result is FindingResult.DOUBT:
        return result, prefix + tr("存疑，需进一步核实"), None

    # A hit: apply the rule's time limit.
    if rule.window_years:
        n = rule.window_years
        label = rule.event_label or tr("事件日期")
        if finding.event_date is None:
            if UNDATED_HIT in rule.covers:
                return (
                    FindingResult.HIT,
                    prefix + tr("有此情形，未录入{label}，按未处理认定").format(label=label),
                    None,
                )
            return (
                FindingResult.DOUBT,
                prefix + tr("有此情形，但未录入{label}，无法判断是否已满{n}年").format(label=label, n=n),
                None,
            )
        if election_day is None:
            return (
                FindingResult.DOUBT,
                prefix + tr("有此情形，届次尚未确定选举日，无法判断是否已满{n}年").format(n=n),
                None,
            )
        end = period_end(finding.event_date, n)
        lapses = clears_on(finding.event_date, n)
        if election_day >= lapses:
            return (
                FindingResult.CLEAR,
                prefix
                + tr("有此情形，但{label}{event}至选举日{day}已满{n}年（{end}期满），不再构成限制").format(
                    label=label, event=_cn(finding.event_date), day=_cn(election_day), n=n, end=_cn(end)
                ),
                lapses,
            )
        return (
            FindingResult.HIT,
            prefix
            + tr("{label}{event}，至选举日{day}不满{n}年（{end}期满，{lapses}起不再构成限制）").format(
                label=label, event=_cn(finding.event_date), day=_cn(election_day), n=n, end=_cn(end),
                lapses=_cn(lapses),
            ),
            lapses,
        )
    if rule.until_expiry:
        if finding.expiry_date is None:
            return FindingResult.HIT, prefix + tr("有此情形，尚未期满（未录入期满日）"), None
        lapses = finding.expiry_date + _dt.timedelta(days=1)  # the 期满日 is the period's last day (民法典 §202)
        if election_day is not None and election_day >= lapses:
            return (
                FindingResult.CLEAR,
                prefix
                + tr("有此情形，但已于{expiry}期满，早于选举日{day}，不再构成限制").format(
                    expiry=_cn(finding.expiry_date), day=_cn(election_day)
                ),
                lapses,
            )
        if election_day is None:
            return (
                FindingResult.HIT,
                prefix + tr("有此情形，{expiry}期满（届次尚未确定选举日）").format(expiry=_cn(finding.expiry_date)),
                lapses,
            )
        if election_day == finding.expiry_date:
            return (
                FindingResult.HIT,
                prefix + tr("有此情形，选举日{day}是期满日，当天仍在期限内").format(day=_cn(election_day)),
                lapses,
            )
        return (
            FindingResult.HIT,
            prefix
            + tr("有此情形，{expiry}才期满，晚于选举日{day}").format(
                expiry=_cn(finding.expiry_date), day=_cn(election_day)
            ),
            lapses,
        )
    return FindingResult.HIT, prefix + tr("有此情形"), None


def _rule_status(rule: RuleDef, findings: Sequence[FindingInput], election_day: _dt.date | None) -> RuleStatus:
    if not findings:
        return RuleStatus(rule, FindingResult.PENDING, tr("尚未核查"))
    evaluated = [(evaluate_finding(rule, f, election_day), f) for f in findings]
    worst = max(_PRECEDENCE[status] for (status, _, _), _ in evaluated)
    deciding = [(r, f) for r, f in evaluated if _PRECEDENCE[r[0]] == worst]
    status = deciding[0][0][0]
    reason = "；".join(r[1] for r, _ in deciding)
    lapse_dates = [r[2] for r, _ in deciding if r[2] is not None]
    lapses = max(lapse_dates) if lapse_dates else None
    departments = tuple(f.department for _, f in deciding if f.department)
    return RuleStatus(rule, status, reason, lapses, departments)


def evaluate(
    rules: Sequence[RuleDef],
    findings: Iterable[FindingInput],
    election_day: _dt.date | None,
) -> Verdict:
    """Effective status of every rule and the overall verdict for one candidacy.

    ``findings`` are the current answers (at most one per rule and department is expected; all are combined).
    A finding for a rule code that is not in ``rules`` is a programming error and raises ``ValueError``.
    """
    by_code: dict[str, list[FindingInput]] = defaultdict(list)
    codes = {rule.code for rule in rules}
    for finding in findings:
        if finding.rule_code not in codes:
            raise ValueError(f"finding for unknown rule {finding.rule_code!r}")
        by_code[finding.rule_code].append(finding)
    statuses = tuple(_rule_status(rule, by_code.get(rule.code, []), election_day) for rule in rules)

    def line(s: RuleStatus) -> str:
        return tr("{grade} {code}「{text}」：{reason}").format(
            grade=s.rule.grade.label, code=s.rule.code, text=s.rule.text, reason=s.reason
        )

    cannot = [s for s in statuses if s.status is FindingResult.HIT and s.rule.grade is RuleGrade.CANNOT]
    unsuitable = [s for s in statuses if s.status is FindingResult.HIT and s.rule.grade is not RuleGrade.CANNOT]
    open_ = [s for s in statuses if s.status in (FindingResult.PENDING, FindingResult.DOUBT)]

    if cannot:
        reasons = [line(s) for s in cannot] + [line(s) for s in unsuitable]
        return Verdict(VerdictOutcome.DISQUALIFIED, tuple(reasons), statuses)
    if unsuitable:
        reasons = [line(s) for s in unsuitable]
        open_cannot = [s for s in open_ if s.rule.grade is RuleGrade.CANNOT]
        if open_cannot:
            reasons.append(
                tr("另有{n}条「不能」条件尚未核清：{codes}").format(
                    n=len(open_cannot), codes="、".join(s.rule.code for s in open_cannot)
                )
            )
        return Verdict(VerdictOutcome.ADVISED_WITHDRAW, tuple(reasons), statuses)
    if not rules:
        return Verdict(VerdictOutcome.UNDECIDED, (tr("规则目录中没有任何规则，无法判定"),), statuses)
    if not open_:
        return Verdict(
            VerdictOutcome.QUALIFIED,
            (tr("全部{n}条资格条件经核查均无此情形").format(n=len(statuses)),),
            statuses,
        )
    doubt = [s for s in open_ if s.status is FindingResult.DOUBT]
    pending = [s for s in open_ if s.status is FindingResult.PENDING]
    reasons = [line(s) for s in doubt]
    if pending:
        reasons.append(
            tr("{n}条条件待核查：{codes}").format(n=len(pending), codes="、".join(s.rule.code for s in pending))
        )
    return Verdict(VerdictOutcome.UNDECIDED, tuple(reasons), statuses)


# --------------------------------------------------------------------------------------------------- kinship bar


@dataclass(frozen=True)
class KinCandidate:
    """A candidate (or self-nominee) standing for an organization."""

    candidacy_id: Hashable
    person_id: Hashable
    name: str
    organization: Hashable  # e.g. the organization id; candidates sharing it sit on the same committee


@dataclass(frozen=True)
class Relation:
    """A recorded relationship between two persons (direction does not matter)."""

    person_a: Hashable
    person_b: Hashable
    kind: RelationKind


@dataclass(frozen=True)
class KinshipFlag:
    organization: Hashable
    first: KinCandidate
    second: KinCandidate
    kind: RelationKind
    message: str


def kinship_conflicts(
    candidates: Iterable[KinCandidate],
    relations: Iterable[Relation],
    barred: Sequence[RelationKind] = DEFAULT_KINSHIP_BAR,
) -> list[KinshipFlag]:
    """Pairs of candidates for the same organization whose relationship is barred (spouse, parent/child, sibling).

    A person standing for two posts of the same organization is not paired with themselves. Each pair is reported
    once per organization, in the order the candidates were given.
    """
    barred_set = {RelationKind(k) for k in barred}
    kinds: dict[frozenset, RelationKind] = {}
    for rel in relations:
        kind = RelationKind(rel.kind)
        if kind in barred_set and rel.person_a != rel.person_b:
            kinds.setdefault(frozenset((rel.person_a, rel.person_b)), kind)
    by_org: dict[Hashable, list[KinCandidate]] = defaultdict(list)
    for cand in candidates:
        by_org[cand.organization].append(cand)
    flags: list[KinshipFlag] = []
    for org, members in by_org.items():
        seen_pairs: set[frozenset] = set()
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                pair = frozenset((first.person_id, second.person_id))
                if len(pair) < 2 or pair in seen_pairs or pair not in kinds:
                    continue
                seen_pairs.add(pair)
                kind = kinds[pair]
                flags.append(
                    KinshipFlag(
                        org,
                        first,
                        second,
                        kind,
                        tr("{a}与{b}是{kind}关系，不能同为本组织成员候选人").format(
                            a=first.name, b=second.name, kind=kind.label
                        ),
                    )
                )
    return flags
