"""专项考核 of appointed roles (issue 18 item 6, tracking.md C; [深圳专项考核] "干部专项考核分成日常考核、治理效果评估、
综合考核等几个阶段", "既考事又考人"): 生态指导员 / 剿劣督导员, 河长, 联村干部.

The scheme is a setting (``evaluation.special_scheme``, JSON; defaults in :data:`DEFAULT_SCHEME`): stages with
weights, each scored 0–100 for one role holder and one year —

- ``daily`` 日常考核 (the process, 谋事干事): ``reports`` = the share of the year's progress reports on the role's
  items made on time; ``inspections`` = the mean score of the inspections of the role (派出单位检查, 巡河 …) less
  their findings' deductions, or, without scores, the patrols made against the role's minimum (``patrol_min`` per
  ``patrol_period``);
- ``effect`` 治理效果评估 (the result, 成事): the 践诺率 of the role's items at the end of the year × 100;
- ``overall`` 综合考核: the points of the grade of the role holder's confirmed 专题述职 (or other) session of the year.

A stage or part without data leaves its weight to the others (as the composite score of A4 does). The score (two
places, half up) proposes 预警 below ``alert_below``, 约谈 below ``interview_below``; a broken 剿劣 item proposes
召回 ([衢州剿劣讲话] "实行预警或约谈", "该召回来的，坚决召回来"). An exemption (保护清单) of the person's year stores
those proposals waived. Proposals only: a reviewer confirms them (tracking.consequences).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.evaluation.office import term_years
from villagevote.evaluation.proposals import Target, exemption_for, propose
from villagevote.evaluation.term_verdicts import judge_items, thresholds_of
from villagevote.evaluation.thresholds import grade_name
from villagevote.evaluation.verdicts import BROKEN, fulfilment_rate, rate_percent
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import ElectionCycle, Person, Setting, Village
from villagevote.models.enums import AssessedRoleKind, FlagKind
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import AssessedRole, Commitment, Inspection, InspectionFinding, ProgressReport
from villagevote.names import stroke_key

__all__ = ["DEFAULT_SCHEME", "SCHEME_KEY", "SpecialRow", "assess_special", "propose_special", "special_scheme"]

SCHEME_KEY = "evaluation.special_scheme"
DEFAULT_SCHEME: dict[str, Any] = {
    "version": 1,
    "kinds": ["eco_instructor", "river_chief", "liaison"],
    "stages": {
        "daily": {"weight": "30", "parts": {"reports": "50", "inspections": "50"}},
        "effect": {"weight": "40"},
        "overall": {"weight": "30"},
    },
    "alert_below": "70",       # 预警
    "interview_below": "60",   # 约谈
    "recall_on_broken_special": True,  # a broken 剿劣 item → 召回
}
STAGE_LABELS = {"daily": "日常考核", "effect": "治理效果评估", "overall": "综合考核"}
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
SOURCE = "special_assessment"


def _number(value: Any, key: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except Exception:
        raise ValidationError(tr("专项考核方案“{k}”应为数字，而不是 {v!r}").format(k=key, v=value)) from None
    if not result.is_finite() or result < 0:
        raise ValidationError(tr("专项考核方案“{k}”应为不小于 0 的数字，而不是 {v!r}").format(k=key, v=value))
    return result


def special_scheme(session: Session) -> dict[str, Any]:
    """The township's scheme: the setting over the defaults (stages merged key by key), checked."""
    row = session.get(Setting, SCHEME_KEY)
    stored = row.value if row is not None and isinstance(row.value, Mapping) else {}
    scheme: dict[str, Any] = {**DEFAULT_SCHEME, **{k: v for k, v in stored.items() if k != "stages"}}
    stages = {k: dict(v) for k, v in DEFAULT_SCHEME["stages"].items()}
    for name, stage in (stored.get("stages") or {}).items():
        if name not in STAGE_LABELS or not isinstance(stage, Mapping):
            raise ValidationError(tr("专项考核方案的阶段“{s}”不可用（可选：daily、effect、overall）").format(s=name))
        stages[name] = {**stages[name], **stage}
    scheme["stages"] = stages
    for name, stage in stages.items():
        _number(stage.get("weight", 0), f"{name}.weight")
        for part, w in (stage.get("parts") or {}).items():
            _number(w, f"{name}.parts.{part}")
    for key in ("alert_below", "interview_below"):
        if scheme.get(key) is not None:
            _number(scheme[key], key)
    for kind in scheme["kinds"]:
        try:
            AssessedRoleKind(kind)
        except ValueError:
            raise ValidationError(tr("专项考核方案的岗位类别“{k}”不可用").format(k=kind)) from None
    return scheme


@dataclass(frozen=True)
class SpecialRow:
    role_id: int
    person_id: int
    name: str
    kind_label: str
    title: str
    village: str
    parts: dict[str, Decimal | None]   # daily.reports, daily.inspections, daily, effect, overall → points
    why: list[str]                     # one line per part, in Chinese, with the numbers
    score: Decimal | None
    proposals: list[tuple[FlagKind, str, str]]   # (kind, rule, why)
    exemption_no: str


def _round2(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _weighted(parts: dict[str, Decimal | None], weights: Mapping[str, Any], key: str) -> Fraction | None:
    used = {k: v for k, v in parts.items() if v is not None and _number(weights.get(k, 0), f"{key}.{k}") > 0}
    total = sum((Fraction(_number(weights[k], k)) for k in used), Fraction(0))
    if not used or total == 0:
        return None
    return sum((Fraction(_number(weights[k], k)) * Fraction(v) for k, v in used.items() if v is not None),
               Fraction(0)) / total


def _patrols_expected(role: AssessedRole, year: int) -> int | None:
    if not role.patrol_min or role.patrol_period not in _PERIOD_MONTHS:
        return None
    start = max(dt.date(year, 1, 1), role.starts_on or dt.date(year, 1, 1))
    end = min(dt.date(year, 12, 31), role.ends_on or dt.date(year, 12, 31))
    if end < start:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    periods = max(1, months // _PERIOD_MONTHS[role.patrol_period])
    return role.patrol_min * periods


def _assess(session: Session, role: AssessedRole, year: int, scheme: dict[str, Any]) -> SpecialRow:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    why: list[str] = []
    items = list(session.scalars(select(Commitment.id).where(Commitment.assessed_role_id == role.id,
                                                             Commitment.parent_id.is_(None))))
    # daily: reports on time
    reports = session.execute(select(func.count(), func.count().filter(ProgressReport.on_time.is_(True))).where(
        ProgressReport.commitment_id.in_(items or [-1]), ProgressReport.reported_on >= first,
        ProgressReport.reported_on <= last)).one()
    total, on_time = int(reports[0] or 0), int(reports[1] or 0)
    report_points = None
    if total:
        report_points = _round2(Fraction(on_time * 100, total))
        why.append(tr("日常考核·报告：全年进展报告 {n} 次，按时 {k} 次，得 {p} 分").format(n=total, k=on_time, p=report_points))
    else:
        why.append(tr("日常考核·报告：全年没有进展报告，不计"))
    # daily: inspections (scores less deductions), else patrols against the minimum
    inspections = list(session.scalars(select(Inspection).where(
        Inspection.assessed_role_id == role.id, Inspection.held_on >= first, Inspection.held_on <= last)))
    scored = [i for i in inspections if i.score is not None]
    inspection_points = None
    if scored:
        deduction = session.scalar(select(func.coalesce(func.sum(InspectionFinding.deduction), 0)).where(
            InspectionFinding.inspection_id.in_([i.id for i in scored]))) or 0
        points = [Fraction(Decimal(i.score)) for i in scored if i.score is not None]
        mean = sum(points, Fraction(0)) / len(points) - Fraction(Decimal(deduction))
        inspection_points = _round2(min(max(mean, Fraction(0)), Fraction(100)))
        why.append(tr("日常考核·检查：{n} 次检查平均分扣除问题 {d} 分，得 {p} 分").format(
            n=len(scored), d=Decimal(deduction), p=inspection_points))
    else:
        expected = _patrols_expected(role, year)
        if expected:
            done = len(inspections)
            inspection_points = _round2(min(Fraction(done * 100, expected), Fraction(100)))
            why.append(tr("日常考核·巡查：应巡查（走访） {e} 次，实际 {n} 次，得 {p} 分").format(
                e=expected, n=done, p=inspection_points))
        else:
            why.append(tr("日常考核·检查：全年没有检查评分，不计"))
    stages = scheme["stages"]
    daily_parts: dict[str, Decimal | None] = {"reports": report_points, "inspections": inspection_points}
    daily = _weighted(daily_parts, stages["daily"].get("parts") or {"reports": 1, "inspections": 1}, "daily.parts")
    # effect: the 践诺率 of the role's items at the end of the year
    judged = judge_items(session, role.cycle_id, as_of=last, ids=items, final=False) if items else []
    rate = fulfilment_rate([{"verdict": j.verdict.verdict, "weight": j.weight} for j in judged])
    effect = None if rate is None else rate * 100
    why.append(tr("治理效果评估：到期事项践诺率 {r}%").format(r=rate_percent(rate)) if rate is not None
               else tr("治理效果评估：年内没有到期事项，不计"))
    # overall: the grade of the role holder's confirmed session of the year (专题述职 first)
    grade = None
    for session_kind, g in session.execute(
            select(EvaluationSession.kind, EvaluationCount.grade)
            .join(EvaluationSession, EvaluationSession.id == EvaluationCount.session_id)
            .where(EvaluationCount.person_id == role.person_id, EvaluationSession.year == year,
                   EvaluationSession.confirmed_at.is_not(None), EvaluationCount.grade != "")
            .order_by(EvaluationSession.id)).tuples():
        if grade is None or session_kind == "special":
            grade = g
    th = thresholds_of(session)
    overall = None
    name = grade_name(grade) if grade else None
    if name is not None and name in th.grade_points:
        overall = Fraction(th.grade_points[name])
        why.append(tr("综合考核：述职评议“{g}”，得 {p} 分").format(g=grade, p=th.grade_points[name]))
    else:
        why.append(tr("综合考核：年内没有确认的述职评议，不计"))
    parts: dict[str, Decimal | None] = {
        "daily.reports": report_points, "daily.inspections": inspection_points,
        "daily": None if daily is None else _round2(daily), "effect": None if effect is None else _round2(effect),
        "overall": None if overall is None else _round2(overall)}
    exact = _weighted({k: parts[k] for k in ("daily", "effect", "overall")},
                      {k: v.get("weight", 0) for k, v in stages.items()}, "stages")
    score = None if exact is None else _round2(exact)
    proposals: list[tuple[FlagKind, str, str]] = []
    if score is not None:
        why.append(tr("专项考核得分 {s} 分（{w}）").format(s=score, w="、".join(
            tr("{l} {w}").format(l=STAGE_LABELS[k], w=v.get("weight")) for k, v in stages.items())))
        for kind, key in ((FlagKind.INTERVIEW, "interview_below"), (FlagKind.ALERT, "alert_below")):
            line = scheme.get(key)
            if line is not None and score < _number(line, key):
                proposals.append((kind, key, tr("{y}年专项考核得分 {s} 分，低于 {l} 分，建议{k}").format(
                    y=year, s=score, l=line, k=kind.label)))
                break
    broken = [j for j in judged if j.special and j.verdict.verdict == BROKEN]
    if broken and scheme.get("recall_on_broken_special"):
        proposals.append((FlagKind.RECALL, "broken_special", tr("剿劣专项任务 {n} 项未兑现（{items}），建议召回").format(
            n=len(broken), items="、".join(j.ledger_no or j.title for j in broken))))
    person = session.get(Person, role.person_id)
    village = session.get(Village, role.village_id) if role.village_id else None
    exemption = exemption_for(session, role.person_id, year, [role.id])
    return SpecialRow(role.id, role.person_id, person.name if person else "", AssessedRoleKind(role.kind).label,
                      role.title, village.name if village else "", parts, why, score, proposals,
                      exemption.decision_no if exemption is not None else "")


def assess_special(session: Session, *, cycle_id: int, year: int, role_id: int | None = None) -> list[SpecialRow]:
    """The 专项考核 of each appointed role of the scheme's kinds active in ``year`` (or of one role), by kind and
    surname strokes. Read only."""
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    scheme = special_scheme(session)
    kinds = [AssessedRoleKind(k) for k in scheme["kinds"]]
    stmt = select(AssessedRole).where(AssessedRole.cycle_id == cycle_id, AssessedRole.kind.in_(kinds))
    if role_id is not None:
        stmt = stmt.where(AssessedRole.id == role_id)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    roles = [r for r in session.scalars(stmt) if (r.starts_on is None or r.starts_on <= last)
             and (r.ends_on is None or r.ends_on >= first)]
    if role_id is not None and not roles:
        raise ValidationError(tr("考核岗位（编号 {id}）{y}年不在专项考核范围内（岗位类别或任职时间不符）").format(
            id=role_id, y=year))
    rows = [_assess(session, r, year, scheme) for r in roles]
    order = {k: i for i, k in enumerate(kinds)}
    kind_of = {r.id: AssessedRoleKind(r.kind) for r in roles}
    rows.sort(key=lambda r: (order[kind_of[r.role_id]], stroke_key(r.name)))
    return rows


@requires(Permission.REVIEW, note=tr("只提出建议；保护清单内的当即免责"))
def propose_special(session: Session, actor: Actor, *, cycle_id: int, year: int, role_id: int | None = None,
                    today: dt.date | None = None) -> list[int]:
    """Assess and store the proposals (预警, 约谈, 召回) of the year's 专项考核; returns their ids. Refused before the
    year is over."""
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if year not in term_years(cycle):
        raise ValidationError(tr("{y} 年不在本届任期内").format(y=year))
    if dt.date(year, 12, 31) > today:
        raise ValidationError(tr("{y} 年度尚未结束，不能作专项考核").format(y=year))
    ids = []
    for row in assess_special(session, cycle_id=cycle_id, year=year, role_id=role_id):
        role = session.get(AssessedRole, row.role_id)
        target = Target(cycle_id, row.person_id, role.candidacy_id if role else None, row.role_id,
                        role.village_id if role else None)
        for kind, rule, why in row.proposals:
            ids.append(propose(session, actor, target, kind=kind, rule=rule, why=why, year=year,
                               raised_on=min(today, dt.date(year + 1, 1, 31)) if today.year > year else today,
                               source_type=SOURCE, source_id=row.role_id))
    return ids
