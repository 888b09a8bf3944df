"""Minimum patrol and visit frequencies per assessed role (tracking.md C; issue 17 item 5): a 河长's 巡河 ("巡河次数
不够,登记不及时" [河长制讲话]), a 派出单位's visit to its village ("单位领导每季至少一次赴派驻村检查指导" [衢州剿劣讲话]).
Domain: no Qt, no reports.

A role with ``patrol_min`` N per ``patrol_period`` ("month", "quarter", "half", "year"; 月/季度/半年/年 are read too)
needs N inspections of kind ``patrol`` or ``unit_visit`` recorded for it (``Inspection.assessed_role_id``) in every
such period. :func:`shortfalls` checks the periods of the role's kind inside the period asked for (the months of
a quarter, the quarters of a year …) that have begun by ``today``; a role held for only part of one of them (appointed
or ended within it) is not checked for that one. A period still running is reported too, marked ``ended=False``
(a warning: "还差 N 次").
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.i18n import tr
from villagevote.models import Person
from villagevote.models.core import Village
from villagevote.models.enums import AssessedRoleKind, InspectionKind
from villagevote.models.tracking import AssessedRole, Inspection
from villagevote.names import stroke_key
from villagevote.tracking.weekly import period_bounds, period_kind, period_label

__all__ = ["PATROL_KINDS", "PatrolShortfall", "normalize_period", "period_containing", "shortfalls"]

PATROL_KINDS = (InspectionKind.PATROL, InspectionKind.UNIT_VISIT)
_ORDER = {"week": 0, "month": 1, "quarter": 2, "half": 3, "year": 4}
_ALIASES = {"month": "month", "monthly": "month", "月": "month", "每月": "month",
            "quarter": "quarter", "quarterly": "quarter", "季": "quarter", "季度": "quarter", "每季": "quarter",
            "half": "half", "half_year": "half", "半年": "half", "每半年": "half",
            "year": "year", "yearly": "year", "年": "year", "每年": "year"}


def normalize_period(text: str) -> str | None:
    """A role's ``patrol_period`` as a period kind ("month" …), None when it is empty or unknown."""
    return _ALIASES.get((text or "").strip().lower())


def period_containing(kind: str, day: dt.date) -> str:
    """The period of ``kind`` a day falls in: ("quarter", 2027-05-03) -> "2027-Q2"."""
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return str(day.year)


@dataclass(frozen=True)
class PatrolShortfall:
    role_id: int
    person: str
    title: str
    kind: AssessedRoleKind
    village_id: int | None
    village: str
    period: str
    period_label: str
    required: int
    done: int
    last_on: dt.date | None   # the latest patrol or visit recorded for the role up to the period's end
    ended: bool               # False: the period is still running

    @property
    def missing(self) -> int:
        return max(0, self.required - self.done)

    @property
    def text(self) -> str:
        """东村 张三（村级河长）2027年5月巡查 1 次，应不少于 4 次，还差 3 次."""
        return tr("{village}{person}（{title}）{period}巡查/走访 {done} 次，应不少于 {required} 次，还差 {missing} 次").format(
            village=self.village + " " if self.village else "", person=self.person, title=self.title or self.kind.label,
            period=self.period_label, done=self.done, required=self.required, missing=self.missing)


def _sub_periods(kind: str, start: dt.date, end: dt.date) -> list[str]:
    out = []
    day = start
    while day <= end:
        p = period_containing(kind, day)
        out.append(p)
        day = period_bounds(p)[1] + dt.timedelta(days=1)
    return out


def shortfalls(session: Session, cycle_id: int, period: str, *, today: dt.date | None = None,
               village_id: int | None = None) -> list[PatrolShortfall]:
    """Roles that patrolled or visited fewer times than their minimum in the periods of ``period`` (module
    docstring), by village (code order) and person (姓氏笔画)."""
    today = today or dt.date.today()
    asked = period_kind(period)
    start, end = period_bounds(period)
    stmt = (select(AssessedRole, Person.name, Village.name, Village.code)
            .join(Person, Person.id == AssessedRole.person_id)
            .outerjoin(Village, Village.id == AssessedRole.village_id)
            .where(AssessedRole.cycle_id == cycle_id, AssessedRole.patrol_min.is_not(None),
                   AssessedRole.patrol_min > 0))
    if village_id is not None:
        stmt = stmt.where(AssessedRole.village_id == village_id)
    roles = list(session.execute(stmt))
    if not roles:
        return []
    visits: dict[int, list[dt.date]] = defaultdict(list)
    for role_id, held_on in session.execute(
            select(Inspection.assessed_role_id, Inspection.held_on).where(
                Inspection.cycle_id == cycle_id, Inspection.assessed_role_id.in_([r[0].id for r in roles]),
                Inspection.kind.in_([k.value for k in PATROL_KINDS]), Inspection.held_on <= end)):
        visits[role_id].append(held_on)
    out: list[tuple[tuple, PatrolShortfall]] = []
    for role, person, village, code in roles:
        kind = normalize_period(role.patrol_period)
        if kind is None or _ORDER[kind] > _ORDER[asked]:
            continue
        for sub in _sub_periods(kind, start, end):
            sub_start, sub_end = period_bounds(sub)
            if sub_start > today:
                break
            if (role.starts_on is not None and role.starts_on > sub_start) or (
                    role.ends_on is not None and role.ends_on < sub_end):
                continue
            days = [d for d in visits.get(role.id, []) if d <= sub_end]
            done = sum(1 for d in days if d >= sub_start)
            if done >= int(role.patrol_min or 0):
                continue
            out.append(((code or "", role.village_id or 0, stroke_key(person), sub_start), PatrolShortfall(
                role_id=role.id, person=person, title=role.title or "", kind=AssessedRoleKind(role.kind),
                village_id=role.village_id, village=village or "", period=sub, period_label=period_label(sub),
                required=int(role.patrol_min or 0), done=done, last_on=max(days) if days else None,
                ended=sub_end < today)))
    out.sort(key=lambda pair: pair[0])
    return [s for _key, s in out]
