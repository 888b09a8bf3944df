"""Reads for the 统计上报 page, the 概览 dashboard and the printed 换届统计: plain data, computed on the database
worker (``ctx.query``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.core import ElectionCycle, Township, Village
from villagevote.models.statistics import PreviousRosterEntry, VillageRepresentative
from villagevote.statistics.catalog import STRUCTURE, TOTAL, TRACKING, Indicator, Value, catalog
from villagevote.statistics.compliance import ComplianceRow, compliance_rows, consistency_errors
from villagevote.statistics.gather import committee_limits, gather, stat_options, village_code
from villagevote.statistics.indicators import compute
from villagevote.statistics.tracking_stats import compute_tracking, gather_tracking

__all__ = ["StatsView", "structure_view", "tracking_view"]


@dataclass(frozen=True)
class StatsView:
    """One report's values for the township: ``columns`` in catalogue order, ``villages`` (code, name) in code order
    with ("", "合计") last, ``cells[(village_code, code)]`` the text shown (ROUND_HALF_UP, "—" without a basis) and
    ``values`` the exact fractions."""
    report: str
    period: str  # the reference date (ISO) for HJTJ-01, 2027-05 / 2027-Q2 for JNTJ-01
    township: str
    township_code: str
    columns: tuple[Indicator, ...]
    villages: tuple[tuple[str, str], ...]
    values: tuple[Value, ...]
    cells: dict[tuple[str, str], str]
    compliance: tuple[ComplianceRow, ...] = ()
    problems: tuple[str, ...] = ()  # consistency checks (B4) that fail: they block an export
    notes: tuple[str, ...] = ()  # what the figures rest on (reference dates, settings, rosters)


def _cycle(session: Session, cycle_id: int | None) -> ElectionCycle:
    cycle = session.get(ElectionCycle, cycle_id) if cycle_id is not None else session.scalar(
        select(ElectionCycle).order_by(ElectionCycle.election_day.desc(), ElectionCycle.id.desc()))
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，无法统计"))
    return cycle


def _cells(values: list[Value]) -> dict[tuple[str, str], str]:
    return {(v.village_code, v.indicator): v.value_text() for v in values}


def structure_view(session: Session, cycle_id: int | None = None, *, stat_date: dt.date | None = None) -> StatsView:
    """HJTJ-01 for the cycle (the current one when None): every indicator per village and the 合计, the compliance
    sheet and the consistency problems."""
    cycle = _cycle(session, cycle_id)
    data = gather(session, cycle.id, stat_date=stat_date)
    values = compute(data)
    names = {v.code: v.name for v in data.villages}
    options = stat_options(session, cycle, stat_date)
    reps = session.scalar(select(func.count()).select_from(VillageRepresentative)
                          .where(VillageRepresentative.cycle_id == cycle.id)) or 0
    roster = session.scalar(select(func.count()).select_from(PreviousRosterEntry)
                            .where(PreviousRosterEntry.cycle_id == cycle.id)) or 0
    notes = [
        tr("统计时点 {day}（年龄按该日足岁计算）").format(day=options.stat_date.isoformat()),
        tr("上届统计时点 {day}").format(day=options.previous_stat_date.isoformat()) if options.previous_stat_date
        else tr("没有上届统计时点"),
        tr("预备党员计入党员") if options.count_probationary else tr("预备党员不计入党员"),
        tr("村民代表 {n} 人").format(n=reps) if reps else tr("尚未录入村民代表（S70 为空）"),
        tr("上届名单取自本数据库的上届届次") if any(p for p in data.previous) and not roster
        else tr("上届名单 {n} 条（导入或录入）").format(n=roster) if roster else tr("没有上届名单（S60 为空）"),
    ]
    return StatsView(
        STRUCTURE, options.stat_date.isoformat(), data.name, data.code, catalog(STRUCTURE),
        (*((v.code, v.name) for v in sorted(data.villages, key=lambda v: v.code)), (TOTAL, tr("合计"))),
        tuple(values), _cells(values), tuple(compliance_rows(values, names, committee_limits(cycle))),
        tuple(consistency_errors(values)), tuple(notes))


def tracking_view(session: Session, period: str, cycle_id: int | None = None,
                  as_of: dt.date | None = None) -> StatsView:
    """JNTJ-01 for a month (2027-05) or a quarter (2027-Q2)."""
    cycle = _cycle(session, cycle_id)
    data = gather_tracking(session, period, cycle.id, as_of)
    values = compute_tracking(data)
    township = session.get(Township, cycle.township_id)
    names = {village_code(v): v.name for v in session.scalars(
        select(Village).where(Village.township_id == cycle.township_id))}
    notes = (tr("统计期 {p}（{a} 至 {b}），数据截至 {c}").format(
        p=data.period, a=data.start.isoformat(), b=data.end.isoformat(), c=data.as_of.isoformat()),)
    return StatsView(
        TRACKING, data.period, township.name if township else "", township.code if township else "",
        catalog(TRACKING),
        (*((code, names.get(code, code)) for code in sorted(data.villages)), (TOTAL, tr("合计"))),
        tuple(values), _cells(values), (), tuple(consistency_errors(values)), notes)

