"""Recording findings (核查结果): one answer per person × cycle × rule × department, with history in the audit log.

A finding belongs to the person within the cycle (migration 0010), not to one candidacy: a person standing for two
posts has one set of answers, shown identically on every form and page. The functions still take a candidacy id
(what the pages and imports hold) and work on that candidacy's person and cycle.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Finding, Rule
from villagevote.models.base import utcnow
from villagevote.models.enums import FindingResult, FlagKind, ResignationOutcome
from villagevote.models.tracking import Flag
from villagevote.qualification.rulesets import cycle_rule_set

__all__ = ["FindingRow", "carry_resignation_refusals", "findings_of", "person_findings", "record_finding",
           "rule_for_cover"]


@dataclass(frozen=True)
class FindingRow:
    id: int
    rule_code: str
    result: FindingResult
    department: str
    evidence: str
    event_date: dt.date | None
    expiry_date: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime


def _require_recorder(actor: Actor) -> None:
    if not (can(actor, Permission.EDIT) or can(actor, Permission.REVIEW)):
        raise PermissionDenied(
            tr("当前用户“{user}”（{role}）无权记录资格核查结果。").format(user=actor.username, role=actor.role.label)
        )


@requires(Permission.EDIT, Permission.REVIEW)
def record_finding(
    session: Session,
    candidacy_id: int,
    rule_code: str,
    result: FindingResult | str,
    actor: Actor,
    department: str | None = None,
    evidence: str | None = None,
    event_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    today: dt.date | None = None,
) -> int:
    """Record (or replace) the answer of ``department`` (blank = the township's own check) for one rule, for the
    person of the candidacy in its cycle (every candidacy of that person in the cycle shares it).

    ``event_date`` is the date a time window counts from (release, penalty, …) and may not lie in the future;
    ``expiry_date`` ends an until-expiry bar. The previous answer is kept in the audit log. Returns the finding id.
    """
    _require_recorder(actor)
    today = today or dt.date.today()
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    rule_set_id = cycle_rule_set(session, cand.cycle_id)
    rule = session.scalar(select(Rule).where(Rule.rule_set_id == rule_set_id, Rule.code == rule_code))
    if rule is None:
        codes = session.scalars(select(Rule.code).where(Rule.rule_set_id == rule_set_id).order_by(Rule.sort_order))
        raise ValidationError(
            tr("本届资格条件目录中没有编号为「{code}」的规则（有：{codes}）").format(
                code=rule_code, codes="、".join(codes)
            )
        )
    try:
        result = FindingResult(result) if not isinstance(result, FindingResult) else result
    except ValueError:
        try:
            result = cast(FindingResult, FindingResult.from_label(str(result)))
        except ValueError:
            raise ValidationError(
                tr("核查结果「{v}」无效，应为：待查、无、有、存疑").format(v=result)
            ) from None
    if event_date is not None:
        if event_date > today:
            raise ValidationError(
                tr("{label}{date}晚于今天（{today}），请核对").format(
                    label=rule.event_label or tr("事件日期"), date=event_date.isoformat(), today=today.isoformat()
                ),
                field="event_date",
            )
        birth = cand.person.birth_date
        if birth is not None and event_date < birth:
            raise ValidationError(tr("事件日期早于本人出生日期，请核对"), field="event_date")
    if expiry_date is not None and event_date is not None and expiry_date < event_date:
        raise ValidationError(tr("期满日不能早于事件日期"), field="expiry_date")
    dept = (department or "").strip()
    finding = session.scalar(
        select(Finding).where(
            Finding.person_id == cand.person_id, Finding.cycle_id == cand.cycle_id, Finding.rule_id == rule.id,
            Finding.department == dept,
        )
    )
    before = audit.snapshot(finding)
    if finding is None:
        finding = Finding(person_id=cand.person_id, cycle_id=cand.cycle_id, rule_id=rule.id, department=dept,
                          merged=[])
        session.add(finding)
    finding.result = result
    finding.evidence = (evidence or "").strip()
    finding.event_date = event_date
    finding.expiry_date = expiry_date
    finding.recorded_by = actor.display_name or actor.username
    finding.recorded_at = utcnow()
    session.flush()
    audit.record(session, actor, "record_finding", "finding", finding.id, before=before,
                 after=audit.snapshot(finding),
                 note=f"person {cand.person_id} cycle {cand.cycle_id} rule {rule.code} (via candidacy {cand.id})")
    return finding.id


def person_findings(session: Session, person_id: int, cycle_id: int) -> list[FindingRow]:
    """The person's findings in the cycle, in catalog order then department."""
    rows = session.execute(
        select(Finding, Rule.code)
        .join(Rule, Finding.rule_id == Rule.id)
        .where(Finding.person_id == person_id, Finding.cycle_id == cycle_id)
        .order_by(Rule.sort_order, Finding.department)
    ).all()
    return [
        FindingRow(f.id, code, f.result, f.department, f.evidence, f.event_date, f.expiry_date, f.recorded_by,
                   f.recorded_at)
        for f, code in rows
    ]


def findings_of(session: Session, candidacy_id: int) -> list[FindingRow]:
    """The findings of the candidacy's person in the candidacy's cycle (shared by all their candidacies)."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    return person_findings(session, cand.person_id, cand.cycle_id)


def rule_for_cover(session: Session, candidacy_id: int, tag: str) -> str | None:
    """Code of the rule tagged ``tag`` (e.g. ``pledge_refusal``) in the candidacy's cycle catalog, or None."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    cycle = session.get(ElectionCycle, cand.cycle_id)
    if cycle is None or cycle.rule_set_id is None:
        return None
    for rule in session.scalars(select(Rule).where(Rule.rule_set_id == cycle.rule_set_id).order_by(Rule.sort_order)):
        if tag in (rule.covers or []):
            return rule.code
    return None


@requires(Permission.EDIT, Permission.REVIEW)
def carry_resignation_refusals(session: Session, actor: Actor, cycle_id: int, person_ids: list[int] | None = None,
                               today: dt.date | None = None) -> list[int]:
    """A cadre who refused to resign when a 辞职承诺 trigger fired (a Flag ``resignation_trigger`` with outcome
    refused, recorded by ``villagevote.evaluation.resignation``) stands again: record the finding (result 有,
    department 乡镇党委, event date = the refusal) under the rule of this cycle's catalog tagged
    ``resignation_refusal``, for each person of ``person_ids`` (default: everyone with a candidacy in the cycle) with
    such a refusal in an EARLIER cycle, like a pledge refusal (:func:`record_finding`). Nothing is retyped; a finding
    already recorded is left as it is; a catalog without the tag records nothing. Returns the new finding ids."""
    cycle = session.get(ElectionCycle, cycle_id)
    if cycle is None or cycle.rule_set_id is None:
        return []
    stmt = select(Candidacy.person_id, func.min(Candidacy.id)).where(Candidacy.cycle_id == cycle_id)
    if person_ids is not None:
        if not person_ids:
            return []
        stmt = stmt.where(Candidacy.person_id.in_(person_ids))
    standing = dict(session.execute(stmt.group_by(Candidacy.person_id)).tuples().all())
    if not standing:
        return []
    refusals = session.execute(
        select(Flag, ElectionCycle.name).join(ElectionCycle, ElectionCycle.id == Flag.cycle_id)
        .where(Flag.kind == FlagKind.RESIGNATION_TRIGGER, Flag.outcome == ResignationOutcome.REFUSED,
               Flag.person_id.in_(list(standing)), ElectionCycle.election_day < cycle.election_day,
               ElectionCycle.id != cycle_id)
        .order_by(Flag.outcome_on, Flag.id)).all()
    if not refusals:
        return []
    rule_code = rule_for_cover(session, next(iter(standing.values())), "resignation_refusal")
    if rule_code is None:
        return []
    rule = session.scalar(select(Rule).where(Rule.rule_set_id == cycle.rule_set_id, Rule.code == rule_code))
    department = tr("乡镇党委")
    done: set[int] = set()
    created: list[int] = []
    for flag, cycle_name in refusals:
        person_id = flag.person_id
        if person_id is None or person_id in done:
            continue
        done.add(person_id)
        exists = session.scalar(select(Finding.id).where(
            Finding.person_id == person_id, Finding.cycle_id == cycle_id, Finding.rule_id == rule.id,
            Finding.department == department, Finding.result == FindingResult.HIT)) if rule is not None else None
        if exists is not None:
            continue
        evidence = tr("{cycle}任期内触发辞职承诺（{why}），{day}拒不辞职（处理编号 {id}{no}）").format(
            cycle=cycle_name, why=flag.why, day=flag.outcome_on.isoformat() if flag.outcome_on else "",
            id=flag.id, no=tr("，{no}").format(no=flag.decision_no) if flag.decision_no else "")
        created.append(record_finding(session, standing[person_id], rule_code, FindingResult.HIT, actor,
                                      department=department, evidence=evidence,
                                      event_date=flag.outcome_on or flag.raised_on, today=today))
    return created
