"""The 辞职承诺 triggers (tracking.md A5), evaluated from plain records. Pure Python.

Each function returns a :class:`Fired`: the trigger ``code`` (as in the resignation pledge template), whether it
``fired``, ``why`` in Chinese quoting the threshold and the records, and the ``evidence`` (the refs of the records
that make it fire: absences, absence periods, years, items). An approved exemption (``exempted=True``, 保护清单)
neutralises a trigger: ``fired`` is False, ``neutralised`` True and ``why`` says both.

=====================  ====================================================================================
missed_meetings        absences WITHOUT reason: at least ``missed_meetings_count`` (4) within any
                       ``missed_meetings_months`` (12) months ending on or before ``as_of`` (rolling window:
                       the 4th falls before the day 12 months after the 1st); "4次以上" includes 4
long_absence           one unbroken absence (adjoining or overlapping periods join; an open period runs to
                       ``as_of``) of at least ``long_absence_months`` (6) months: from 1月10日 through 7月9日 is six
assigned_tasks         manual: an overdue 交办 item AND a reviewer's judgement that it did harm
annual_evaluation      不称职 in ``unfit_years`` (2) consecutive years ending with ``as_of_year`` (default: the
                       latest year given); the resignation pledge's own text is "年度考核或者民主评议不合格的",
                       a township that reads it as one year sets ``unfit_years`` to 1
term_goals             any ``broken`` 剿劣 (special) item; or, at the end of the term (``final``), a 践诺率 below
                       ``term_goals_rate_below`` (60 %; null: never). Excused items are not broken.
=====================  ====================================================================================

Thresholds come from :mod:`villagevote.evaluation.thresholds`; a pledge's own trigger params (``count``,
``period_months``, ``months``) override them through the keyword arguments.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from villagevote.evaluation.thresholds import DEFAULT, UNFIT, Thresholds, grade_name, percent_text
from villagevote.evaluation.verdicts import BROKEN, cn_date, fulfilment_rate, rate_percent
from villagevote.i18n import tr

MISSED_MEETINGS = "missed_meetings"
LONG_ABSENCE = "long_absence"
ASSIGNED_TASKS = "assigned_tasks"
ANNUAL_EVALUATION = "annual_evaluation"
TERM_GOALS = "term_goals"
CODES = (MISSED_MEETINGS, LONG_ABSENCE, ASSIGNED_TASKS, ANNUAL_EVALUATION, TERM_GOALS)


@dataclass(frozen=True)
class Fired:
    code: str
    fired: bool
    why: str
    evidence: tuple[Any, ...] = ()
    neutralised: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "fired": self.fired, "why": self.why, "evidence": list(self.evidence),
                "neutralised": self.neutralised}


class Absence(NamedTuple):
    """A meeting missed: its date, whether a reason was accepted, and a ref (the MeetingRecord id, say)."""
    date: dt.date
    with_reason: bool
    ref: Any = None


class AbsencePeriod(NamedTuple):
    """Away from the village from ``start`` through ``end`` (inclusive; None: still away)."""
    start: dt.date
    end: dt.date | None
    ref: Any = None


class ItemRecord(NamedTuple):
    """An item's verdict for ``term_goals``: special = a 剿劣 item (专项任务)."""
    verdict: str | None
    special: bool = False
    ref: Any = None
    weight: Decimal = Decimal(1)
    measurable: bool = True


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (1月31日 + 1 month = 2月28日/29日)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _neutral(code: str, fired: bool, why: str, evidence: Sequence[Any], exempted: bool) -> Fired:
    if fired and exempted:
        return Fired(code, False, why + tr("；已列入保护清单免责，不触发辞职承诺"), tuple(evidence), neutralised=True)
    return Fired(code, fired, why, tuple(evidence))


def _as_absence(item: Any) -> Absence:
    return item if isinstance(item, Absence) else Absence(*item)


def _as_period(item: Any) -> AbsencePeriod:
    return item if isinstance(item, AbsencePeriod) else AbsencePeriod(*item)


def missed_meetings(absences: Iterable[Absence | tuple[Any, ...]], as_of: dt.date, threshold: int | None = None,
                    months: int | None = None, *, exempted: bool = False,
                    thresholds: Thresholds | None = None) -> Fired:
    """无正当理由累计 ``threshold`` 次以上不参加会议 within a rolling ``months`` months, up to ``as_of``."""
    th = thresholds or DEFAULT
    count = threshold if threshold is not None else th.missed_meetings_count
    span = months if months is not None else th.missed_meetings_months
    missed = sorted((a for a in map(_as_absence, absences) if not a.with_reason and a.date <= as_of),
                    key=lambda a: a.date)
    most: list[Absence] = []
    for i, first in enumerate(missed):
        window = [a for a in missed[i:] if a.date < add_months(first.date, span)]
        if len(window) > len(most):
            most = window
        if len(window) >= count:
            dates = "、".join(cn_date(a.date) for a in window)
            why = tr("{start}起 {m} 个月内无正当理由缺席会议 {n} 次（{dates}），达到 {c} 次以上").format(
                start=cn_date(first.date), m=span, n=len(window), dates=dates, c=count)
            return _neutral(MISSED_MEETINGS, True, why, [a.ref for a in window], exempted)
    why = tr("截至 {d}，任意连续 {m} 个月内无正当理由缺席会议最多 {n} 次，未达到 {c} 次").format(
        d=cn_date(as_of), m=span, n=len(most), c=count)
    return Fired(MISSED_MEETINGS, False, why, tuple(a.ref for a in most))


def long_absence(periods: Iterable[AbsencePeriod | tuple[Any, ...]], as_of: dt.date, months: int | None = None, *,
                 exempted: bool = False, thresholds: Thresholds | None = None) -> Fired:
    """连续 ``months`` 个月以上不在村: the longest unbroken absence up to ``as_of``."""
    th = thresholds or DEFAULT
    span = months if months is not None else th.long_absence_months
    clipped = sorted(((p.start, min(p.end or as_of, as_of), p.end is None or p.end > as_of, p.ref)
                      for p in map(_as_period, periods) if p.start <= as_of), key=lambda x: x[0])
    runs: list[tuple[dt.date, dt.date, bool, list[Any]]] = []
    for start, end, ongoing, ref in clipped:
        if end < start:
            raise ValueError(tr("离村时段的结束日 {e} 早于开始日 {s}").format(e=cn_date(end), s=cn_date(start)))
        if runs and start <= runs[-1][1] + dt.timedelta(days=1):
            s0, e0, on0, refs = runs[-1]
            runs[-1] = (s0, max(e0, end), (on0 or ongoing) if end >= e0 else on0, refs + [ref])
        else:
            runs.append((start, end, ongoing, [ref]))
    for start, end, ongoing, refs in runs:
        if end + dt.timedelta(days=1) >= add_months(start, span):
            until = tr("至今（{d}）").format(d=cn_date(end)) if ongoing else tr("至 {d}").format(d=cn_date(end))
            why = tr("自 {s}{until}连续不在村，达到 {m} 个月以上").format(s=cn_date(start), until=until, m=span)
            return _neutral(LONG_ABSENCE, True, why, refs, exempted)
    if not runs:
        return Fired(LONG_ABSENCE, False, tr("截至 {d} 没有离村记录").format(d=cn_date(as_of)))
    longest = max(runs, key=lambda r: (r[1] - r[0]).days)
    why = tr("最长一次连续不在村为 {s}至 {e}（{n} 天），不足 {m} 个月").format(
        s=cn_date(longest[0]), e=cn_date(longest[1]), n=(longest[1] - longest[0]).days + 1, m=span)
    return Fired(LONG_ABSENCE, False, why, tuple(longest[3]))


def assigned_tasks(overdue: Sequence[Any], harm_judged: bool, *, exempted: bool = False) -> Fired:
    """不能完成交办的重要工作任务，造成不良影响: an overdue 交办 item (refs) and a reviewer's judgement of harm."""
    if not overdue:
        return Fired(ASSIGNED_TASKS, False, tr("没有逾期的交办事项"))
    if not harm_judged:
        return Fired(ASSIGNED_TASKS, False, tr("有 {n} 项交办事项逾期，审核人未认定造成不良影响").format(n=len(overdue)),
                     tuple(overdue))
    why = tr("有 {n} 项交办事项逾期未完成，经审核人认定造成不良影响").format(n=len(overdue))
    return _neutral(ASSIGNED_TASKS, True, why, list(overdue), exempted)


def annual_evaluation(grades: Mapping[int, str], as_of_year: int | None = None, years: int | None = None, *,
                      exempted: bool = False, thresholds: Thresholds | None = None) -> Fired:
    """不称职 ``years`` years running, ending with ``as_of_year``; ``grades`` maps a year to its grade (any scale's
    words: 不合格 and 不满意 are read as 不称职)."""
    th = thresholds or DEFAULT
    n = years if years is not None else th.unfit_years
    if not grades:
        return Fired(ANNUAL_EVALUATION, False, tr("没有年度评议结果"))
    last = as_of_year if as_of_year is not None else max(grades)
    run = [last - k for k in range(n)]
    unfit = [y for y in run if y in grades and grade_name(grades[y]) == UNFIT]
    if len(unfit) == n:
        listed = "、".join(tr("{y} 年").format(y=y) for y in sorted(run))
        why = tr("连续 {n} 年民主评议不称职（{years}），属“年度考核或者民主评议不合格的”情形").format(n=n, years=listed)
        return _neutral(ANNUAL_EVALUATION, True, why, sorted(run), exempted)
    shown = "、".join(tr("{y} 年 {g}").format(y=y, g=grades.get(y, tr("无评议"))) for y in sorted(run))
    why = tr("{shown}，未连续 {n} 年不称职").format(shown=shown, n=n)
    return Fired(ANNUAL_EVALUATION, False, why, tuple(sorted(unfit)))


def _as_item(item: Any) -> ItemRecord:
    if isinstance(item, ItemRecord):
        return item
    if isinstance(item, Mapping):
        return ItemRecord(item.get("verdict"), bool(item.get("special", False)), item.get("ref"),
                          item.get("weight", Decimal(1)), bool(item.get("measurable", True)))
    return ItemRecord(*item)


def term_goals(items: Iterable[ItemRecord | Mapping[str, Any] | tuple[Any, ...]], *, final: bool = False,
               exempted: bool = False, thresholds: Thresholds | None = None) -> Fired:
    """任期目标承诺未能兑现: any broken 剿劣 item; at the end of the term also a 践诺率 below the line."""
    th = thresholds or DEFAULT
    records = [_as_item(i) for i in items]
    broken_special = [r for r in records if r.special and r.verdict == BROKEN]
    if broken_special:
        why = tr("剿劣专项任务 {n} 项未兑现（凡没有完成相应任务的，都要主动提出辞职）").format(n=len(broken_special))
        return _neutral(TERM_GOALS, True, why, [r.ref for r in broken_special], exempted)
    rate: Fraction | None = fulfilment_rate(records)
    line = th.term_goals_rate_below
    if final and line is not None and rate is not None and rate * 100 < Fraction(line):
        why = tr("任期届满践诺率 {r}%，低于 {line}%，任期目标承诺未能兑现").format(r=rate_percent(rate), line=percent_text(line))
        return _neutral(TERM_GOALS, True, why, [r.ref for r in records if r.verdict == BROKEN], exempted)
    if not final:
        why = tr("没有未兑现的剿劣专项任务；践诺率 {r}%（任期届满时再按 {line}% 认定）").format(
            r=rate_percent(rate), line=percent_text(line) if line is not None else "—")
    else:
        why = tr("没有未兑现的剿劣专项任务；任期届满践诺率 {r}%").format(r=rate_percent(rate)) + (
            tr("，不低于 {line}%").format(line=percent_text(line)) if line is not None and rate is not None else "")
    return Fired(TERM_GOALS, False, why)
