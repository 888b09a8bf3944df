"""Verdicts per commitment item, the 践诺率 and the composite score (tracking.md A6 and A4). Pure Python.

Verdict of one item at a date ``as_of`` (the end of its year for annual items, the end of the term with
``final=True``):

=============  ==============================================================================================
withdrawn      撤销: struck with approval (``withdrawn`` or status ``withdrawn``) — always, first
kept           已兑现: 销号 (status ``closed``) on or before ``deadline_current`` (the deadline after an extension;
               the original ``deadline`` when there was none; no deadline at all: any 销号 by ``as_of``)
partly_kept    部分兑现: 销号 after that deadline (late completion is partial), or, still open, a metric item that
               has gone at least ``partly_progress_percent`` (50) % of its way from baseline to target
broken         未兑现: still open when its deadline has passed (or at the end of the term)
excused        未兑现·免责: broken, with an approved exemption (保护清单): no negative score, no trigger
None           no verdict yet: open, and its deadline is after ``as_of`` (never with ``final=True``)
=============  ==============================================================================================

A 销号 after ``as_of`` does not count at ``as_of``; 已报结 without 验收销号 is still open. Every verdict cites
evidence: kept, partly kept and broken need at least one attachment or inspection (``evidence_count``), excused and
withdrawn the number of the decision that approved them (``decision_no``); ``evidence_missing`` says when it lacks.

践诺率 = (Σ weight of kept + ½ Σ weight of partly kept) / Σ weight of the items that are measurable, have a
verdict and are neither excused nor withdrawn; exact (``Fraction``), None when no item counts.

Composite score (0–100, Decimal to 2 places, ROUND_HALF_UP) = Σ wᵢ·pᵢ / Σ wᵢ over the parts that exist:
民评 points and 镇评 points are the points of that session's GRADE (``grade_points``: 优秀 100, 称职 100, 基本称职 60,
不称职 0 by default), 践诺率 points are the rate × 100; weights ``composite_weights`` 50 / 30 / 20. A missing part
(no session, no measurable item) leaves the others' weights to share the whole. Below ``composite_adjust_below``
(60) the score proposes 班子调整.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from villagevote.evaluation.thresholds import DEFAULT, Thresholds, grade_name, number, percent_text
from villagevote.i18n import tr

KEPT = "kept"
PARTLY_KEPT = "partly_kept"
BROKEN = "broken"
EXCUSED = "excused"
WITHDRAWN = "withdrawn"
VERDICTS = (KEPT, PARTLY_KEPT, BROKEN, EXCUSED, WITHDRAWN)  # the codes of models.enums.Verdict

CLOSED = "closed"  # CommitmentStatus: 已销号
METRIC = "metric"  # CommitmentKind: baseline → target


def cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def verdict_label(code: str | None) -> str:
    labels = {KEPT: tr("已兑现"), PARTLY_KEPT: tr("部分兑现"), BROKEN: tr("未兑现"), EXCUSED: tr("未兑现·免责"),
              WITHDRAWN: tr("撤销")}
    return labels.get(code or "", tr("未到期"))


@dataclass(frozen=True)
class ItemFacts:
    """What the verdict of one item is decided from (plain values read from a Commitment and its records)."""

    status: str                               # CommitmentStatus code ("closed" = 已销号)
    deadline: dt.date | None = None           # the original deadline
    deadline_current: dt.date | None = None   # after an approved extension (None: no extension)
    closed_on: dt.date | None = None          # the 销号 date
    kind: str = "milestone"                   # "metric" or "milestone"
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    exempted: bool = False                    # an approved exemption (保护清单) covers it
    withdrawn: bool = False                   # struck with approval
    evidence_count: int = 0                   # attachments and inspections cited
    decision_no: str = ""                     # the approving decision of an exemption or a withdrawal


@dataclass(frozen=True)
class ItemVerdict:
    verdict: str | None      # one of VERDICTS, None when not due yet
    why: str                 # Chinese, quoting the dates and numbers
    evidence_missing: bool
    progress: Decimal | None  # metric progress in percent (0–100, clamped), None when not computable

    @property
    def label(self) -> str:
        return verdict_label(self.verdict)


def metric_progress(baseline: Decimal | None, target: Decimal | None, current: Decimal | None) -> Fraction | None:
    """(current − baseline) / (target − baseline), clamped to 0..1, exact; None when any is missing or the target
    equals the baseline (works for targets below the baseline too: a reduction)."""
    if baseline is None or target is None or current is None:
        return None
    b, t, c = (Fraction(number(v, "metric")) for v in (baseline, target, current))
    if t == b:
        return None
    return min(max((c - b) / (t - b), Fraction(0)), Fraction(1))


def _percent_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.1"),
                                                                                   rounding=ROUND_HALF_UP)


def decide_verdict(facts: ItemFacts, as_of: dt.date, *, final: bool = False,
                   thresholds: Thresholds | None = None, year: int | None = None) -> ItemVerdict:
    """The verdict of one item at ``as_of`` (``final``: every item gets one — at the end of the term, or at the end
    of ``year`` for that year's annual items, and the reasons say which)."""
    th = thresholds or DEFAULT
    fraction = metric_progress(facts.baseline, facts.target, facts.current) if facts.kind == METRIC else None
    progress = None if fraction is None else _percent_decimal(fraction)

    def result(code: str | None, why: str) -> ItemVerdict:
        if code in (EXCUSED, WITHDRAWN):
            missing = not facts.decision_no.strip()
        elif code is None:
            missing = False
        else:
            missing = facts.evidence_count < 1
        if missing:
            why += tr("；缺少佐证材料") if code not in (EXCUSED, WITHDRAWN) else tr("；缺少批准文件编号")
        return ItemVerdict(code, why, missing, progress)

    if facts.withdrawn or facts.status == WITHDRAWN:
        return result(WITHDRAWN, tr("经批准撤销") + (tr("（{no}）").format(no=facts.decision_no)
                                                 if facts.decision_no else ""))
    due = facts.deadline_current or facts.deadline
    due_text = ""
    if due is not None:
        due_text = (tr("延期后时限 {d}").format(d=cn_date(due)) if facts.deadline_current
                    and facts.deadline_current != facts.deadline else tr("时限 {d}").format(d=cn_date(due)))
    closed = facts.status == CLOSED and (facts.closed_on is None or facts.closed_on <= as_of)
    if closed:
        if facts.closed_on is None:
            return result(KEPT, tr("已销号（销号日期未登记，按期内认定）"))
        if due is None or facts.closed_on <= due:
            return result(KEPT, tr("{c}销号") .format(c=cn_date(facts.closed_on))
                          + (tr("，未超过{due}").format(due=due_text) if due_text else "") + tr("，已兑现"))
        return result(PARTLY_KEPT, tr("{c}销号，超过{due}，逾期完成，部分兑现").format(
            c=cn_date(facts.closed_on), due=due_text))

    open_text = tr("已报结但尚未验收销号") if facts.status == "reported_done" else tr("尚未销号")
    if not final and due is not None and due >= as_of:
        return result(None, tr("{open}，{due}尚未到，暂不认定").format(open=open_text, due=due_text))
    when = (tr("{y}年度届满").format(y=year) if final and year is not None else tr("任期届满")) if final else (tr("已过{due}").format(due=due_text) if due_text else tr("截至 {d}").format(
        d=cn_date(as_of)))
    if fraction is not None and Fraction(number(th.partly_progress_percent, "partly_progress_percent")) <= fraction * 100:
        return result(PARTLY_KEPT, tr("{when}，{open}，指标由 {b} 到 {c}（目标 {t}），完成 {p}%，达到 {line}%，部分兑现").format(
            when=when, open=open_text, b=facts.baseline, c=facts.current, t=facts.target, p=progress,
            line=percent_text(th.partly_progress_percent)))
    detail = ""
    if fraction is not None:
        detail = tr("，指标由 {b} 到 {c}（目标 {t}），完成 {p}%，未达到 {line}%").format(
            b=facts.baseline, c=facts.current, t=facts.target, p=progress, line=percent_text(th.partly_progress_percent))
    if facts.exempted or facts.status == EXCUSED:
        return result(EXCUSED, tr("{when}，{open}{detail}；已列入保护清单免责{no}，不作负面评价").format(
            when=when, open=open_text, detail=detail, no=tr("（{no}）").format(no=facts.decision_no) if facts.decision_no else ""))
    return result(BROKEN, tr("{when}，{open}{detail}，未兑现").format(when=when, open=open_text, detail=detail))


# ---------------------------------------------------------------------------------------------------------------
# 践诺率
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatedItem:
    verdict: str | None
    weight: Decimal = Decimal(1)
    measurable: bool = True


def _field(item: Any, name: str, default: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def fulfilment_rate(items: Iterable[Any]) -> Fraction | None:
    """践诺率 (see the module docstring) as an exact fraction 0..1; None when no item counts. Each item is a
    RatedItem, an ItemVerdict, a triggers.ItemRecord or a mapping with ``verdict``, ``weight`` (default 1) and
    ``measurable`` (default True)."""
    kept = partly = counted = Fraction(0)
    for item in items:
        code = _field(item, "verdict", None)
        if code is None or code in (EXCUSED, WITHDRAWN) or not _field(item, "measurable", True):
            continue
        if code not in VERDICTS:
            raise ValueError(tr("未知的认定结果“{v}”").format(v=code))
        weight = Fraction(number(_field(item, "weight", Decimal(1)), "weight"))
        if weight < 0:
            raise ValueError(tr("权重不能为负数：{w}").format(w=_field(item, "weight", None)))
        counted += weight
        if code == KEPT:
            kept += weight
        elif code == PARTLY_KEPT:
            partly += weight
    if counted == 0:
        return None
    return (kept + partly / 2) / counted


def rate_percent(rate: Fraction | Decimal | None) -> str:
    """A rate 0..1 as a percentage with one decimal, half up ("66.7"); "—" for None."""
    if rate is None:
        return "—"
    value = Fraction(rate) if isinstance(rate, Decimal) else rate
    return format(_percent_decimal(value), "f")


# ---------------------------------------------------------------------------------------------------------------
# composite score
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Composite:
    score: Decimal | None             # 0–100, two places; None when no part exists
    parts: Mapping[str, Decimal]      # points 0–100 per part used: people, township, fulfilment
    why: str
    proposals: tuple[Mapping[str, str], ...]  # {"kind": "team_adjustment", "rule", "why"} below the line


PART_LABELS = {"people": "民评", "township": "镇评", "fulfilment": "践诺率"}


def points_of(value: str | int | Decimal | None, th: Thresholds) -> Decimal | None:
    """Points 0–100 of a part: a grade's points (优秀/称职/基本称职/不称职 or another scale's words) or a number."""
    if value is None:
        return None
    if isinstance(value, str):
        grade = grade_name(value)
        if grade is None:
            raise ValueError(tr("“{v}”不是优秀、称职、基本称职或不称职").format(v=value))
        if grade not in th.grade_points:
            raise ValueError(tr("等次“{g}”没有设定分值").format(g=grade))
        return th.grade_points[grade]
    points = number(value, "points")
    if points < 0 or points > 100:
        raise ValueError(tr("分值应在 0 到 100 之间：{v}").format(v=value))
    return points


def composite(people: str | int | Decimal | None, township: str | int | Decimal | None,
              fulfilment: Fraction | Decimal | None, *, weights: Mapping[str, Any] | None = None,
              thresholds: Thresholds | None = None) -> Composite:
    """The composite score of one cadre for one year, with its parts and the 班子调整 proposal below the line."""
    th = thresholds or DEFAULT
    w = {k: number(v, f"composite_weights.{k}") for k, v in (weights or th.composite_weights).items()}
    if set(w) - set(PART_LABELS) or any(v < 0 for v in w.values()):
        raise ValueError(tr("综合得分权重应为 people（民评）、township（镇评）、fulfilment（践诺率）的非负数：{w}").format(w=dict(w)))
    exact: dict[str, Fraction | None] = {
        "people": _fraction(points_of(people, th)),
        "township": _fraction(points_of(township, th)),
        "fulfilment": None if fulfilment is None else _rate_points(fulfilment),
    }
    used = {k: v for k, v in exact.items() if v is not None and w.get(k, Decimal(0)) > 0}
    total_weight = sum((w[k] for k in used), Decimal(0))
    if not used or total_weight == 0:
        return Composite(None, {}, tr("没有可计算的评议结果或践诺率，不计综合得分"), ())
    exact_score = sum((Fraction(w[k]) * v for k, v in used.items()), Fraction(0)) / Fraction(total_weight)
    score = _round2(exact_score)
    parts = {k: _round2(v) for k, v in used.items()}
    terms = "＋".join(tr("{label} {p} 分 × {w}").format(label=PART_LABELS[k], p=_plain(parts[k]), w=_plain(w[k]))
                     for k in parts)
    why = tr("综合得分 =（{terms}）÷ {tw} = {s} 分").format(terms=terms, tw=_plain(total_weight), s=score)
    proposals: tuple[Mapping[str, str], ...] = ()
    if exact_score < Fraction(th.composite_adjust_below):
        proposals = ({"kind": "team_adjustment", "rule": "composite_adjust_below", "why": tr(
            "综合得分 {s} 分，低于 {line} 分，建议调整班子").format(s=score, line=percent_text(th.composite_adjust_below))},)
    return Composite(score, parts, why, proposals)


def composite_score(people: str | int | Decimal | None, township: str | int | Decimal | None,
                    fulfilment: Fraction | Decimal | None, weights: Mapping[str, Any] | None = None,
                    thresholds: Thresholds | None = None) -> Decimal | None:
    """Only the score of :func:`composite`."""
    return composite(people, township, fulfilment, weights=weights, thresholds=thresholds).score


def _fraction(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _rate_points(rate: Fraction | Decimal) -> Fraction:
    """A rate 0..1 as points 0..100, exact."""
    value = Fraction(rate)
    if value < 0 or value > 1:
        raise ValueError(tr("践诺率应在 0 到 1 之间：{v}").format(v=rate))
    return value * 100


def _round2(value: Fraction) -> Decimal:
    """A non-negative exact value to two places, rounded half up."""
    hundredths = (value * 200 + 1) // 2
    return Decimal(int(hundredths)).scaleb(-2)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
