"""Registry entries for candidates and qualification review:

* ``villagevote print qualification-forms [--village 名] --out X.pdf`` — 资格审查表, one page per candidacy
  (full ID numbers: needs 查看敏感信息). Options: ``ids=1,2,3`` (candidacy ids), ``cycle=<id>``.
* ``villagevote print candidate-notice --village 名 --out X.pdf`` — 候选人（自荐人）名单公示 in stroke order, no ID
  numbers. Options: ``date=2026-03-10`` (posting date; default election day minus the cycle's
  candidate_list_days_before), ``mode=self`` (自荐直选: title says 自荐人), ``cycle=<id>``. A posting date later
  than that is refused unless an administrator recorded a reason (``late_reason=…`` records it; printed small).
* ``villagevote export candidate-template --out X.xlsx`` — the registration workbook template.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.candidates.candidacies import list_candidacies
from villagevote.candidates.importing import template_lists
from villagevote.candidates.rowcheck import parse_date
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models import Candidacy, ElectionCycle, Township, Village
from villagevote.models.enums import (
    CandidacyStatus,
    FindingResult,
    NominationSource,
    ReviewDecision,
    ReviewStage,
)
from villagevote.qualification.findings import findings_of
from villagevote.qualification.queries import NOTICE_STATUSES, found_ineligible, notice_posts
from villagevote.qualification.review import (
    LOCAL_DEPARTMENTS,
    ReviewStep,
    county_departments,
    current_steps,
    person_signoffs,
)
from villagevote.qualification.rulesets import rule_defs
from villagevote.reports.forms_voters import _notice_date_checked
from villagevote.reports.registry import Form, Options
from villagevote.township import current_cycle

__all__ = ["FORMS", "NOTICE_STATUSES", "candidate_notice", "candidate_template", "cycle_of", "export_template",
           "found_ineligible",
           "person_checks", "qualification_forms"]

def cycle_of(session: Session, options: Options) -> ElectionCycle:
    """The cycle chosen with ``--option cycle=<id>``, else the current one; a clear error when there is none.
    Shared by the candidate, county-review and pledge forms."""
    raw = (options.extra or {}).get("cycle")
    if raw:
        try:
            cycle = session.get(ElectionCycle, int(raw))
        except ValueError:
            raise ValidationError(tr("cycle 选项应为届次编号（数字），实际为“{v}”").format(v=raw)) from None
    else:
        cycle = current_cycle(session)
    if cycle is None:
        if raw:
            raise NotFound(tr("没有编号为 {v} 的换届届次").format(v=raw))
        raise ValidationError(tr("数据库中还没有换届届次，请先建立届次。"))
    return cycle


def _village_id(session: Session, cycle: ElectionCycle, name: str | None) -> int | None:
    if not name:
        return None
    vid = session.scalar(select(Village.id).where(Village.township_id == cycle.township_id, Village.name == name))
    if vid is None:
        names = "、".join(session.scalars(select(Village.name).where(Village.township_id == cycle.township_id)))
        raise NotFound(tr("本乡镇没有名为“{name}”的村（有：{names}）").format(name=name, names=names))
    return vid


def _checks_by_department(session: Session, cycle: ElectionCycle) -> dict[str, str]:
    if cycle.rule_set_id is None:
        return {}
    out: dict[str, list[str]] = {}
    for rule in rule_defs(session, cycle.rule_set_id):
        for dept in rule.departments:
            out.setdefault(dept, []).append(f"{rule.text.rstrip('的')}（{rule.code}）")
    return {d: tr("有无以下情形：") + "；".join(items) for d, items in out.items()}


def person_checks(session: Session, candidacy_id: int, depts: list[str], checks: dict[str, str]) -> tuple:
    """The department boxes and the township row of the 资格审查表 for the candidacy's person in its cycle.

    Both come from the person's answers (sign-offs merged over their candidacies, findings shared by them), so every
    form of one person shows the same. A department whose findings say 有/存疑 is shown 有情况 with those findings even
    where its sign-off says 无: the form never reads clearer than the verdict."""
    from villagevote.reports.pdf.qualification_forms import DepartmentBox, TownshipCheck

    cand = session.get(Candidacy, candidacy_id)
    cycle = session.get(ElectionCycle, cand.cycle_id) if cand is not None else None
    rules = {d.code: d for d in rule_defs(session, cycle.rule_set_id)} if cycle and cycle.rule_set_id else {}
    findings = findings_of(session, candidacy_id)
    flagged = (FindingResult.HIT, FindingResult.DOUBT)

    def line(f, with_text: bool = True) -> str:
        rule = rules.get(f.rule_code)
        if with_text and rule is not None:
            text = tr("【{grade}】{code} {rule}（{result}）").format(
                grade=rule.grade.label, code=f.rule_code, rule=rule.text.rstrip("的"),
                result=FindingResult(f.result).label)
        else:  # a department box: its checks column already names the rules
            text = tr("{code}（{result}）").format(code=f.rule_code, result=FindingResult(f.result).label)
        return text + (tr("：{evidence}").format(evidence=f.evidence) if f.evidence else "")

    signed = {s.department: s for s in person_signoffs(session, candidacy_id)}
    boxes = []
    for dept in depts:
        s = signed.get(dept)
        box = DepartmentBox(dept, checks.get(dept, ""), s.has_issue if s else None, s.opinion if s else "",
                            s.handler if s else "", s.signed_on if s else None)
        found = [f for f in findings if f.department == dept and FindingResult(f.result) in flagged]
        if found and box.has_issue is not True:
            latest = max(found, key=lambda f: f.recorded_at)
            # signed by whoever recorded the findings, not by a sign-off that said 无
            box = DepartmentBox(dept, box.checks, True, "\n".join(line(f, with_text=False) for f in found),
                                latest.recorded_by, latest.recorded_at.date())
        boxes.append(box)
    own = [f for f in findings if (not f.department or f.department in LOCAL_DEPARTMENTS)
           and FindingResult(f.result) is not FindingResult.PENDING]
    if own:
        latest = max(own, key=lambda f: f.recorded_at)
        township_check = TownshipCheck(True, tuple(line(f) for f in own if FindingResult(f.result) in flagged),
                                       latest.recorded_by, latest.recorded_at.date())
    else:
        township_check = TownshipCheck()
    return boxes, township_check


def qualification_forms(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.qualification_forms import QualificationForm, StageOpinion, render_qualification_forms

    require(actor, Permission.VIEW_SENSITIVE)
    cycle = cycle_of(session, options)
    township = session.get(Township, cycle.township_id)
    village_id = _village_id(session, cycle, options.village)
    ids = None
    raw_ids = (options.extra or {}).get("ids")
    if raw_ids:
        try:
            ids = [int(x) for x in re.split(r"[,，\s]+", raw_ids) if x]
        except ValueError:
            raise ValidationError(tr("ids 选项应为逗号分隔的编号，实际为“{v}”").format(v=raw_ids)) from None
    rows = [r for r in list_candidacies(session, cycle.id, village_id=village_id, ids=ids)
            if r.status is not CandidacyStatus.WITHDRAWN]
    depts = county_departments(session, cycle.id)
    checks = _checks_by_department(session, cycle)
    forms = []
    for r in rows:
        boxes, township_check = person_checks(session, r.id, depts, checks)
        steps = current_steps(session, r.id)

        def op(stage: ReviewStage, steps: dict[ReviewStage, ReviewStep] = steps) -> StageOpinion:
            step = steps.get(stage)
            if step is None:
                return StageOpinion()
            return StageOpinion(ReviewDecision(step.decision).label, step.reason, step.reviewer, step.decided_on)

        forms.append(QualificationForm(
            township=township.name if township else "", village=r.village, cycle=cycle.name, name=r.name,
            gender=r.gender, birth_date=r.birth_date, age=r.age, id_number=r.id_number, education=r.education,
            political_status=r.political_status, party_join_date=r.party_join_date, phone=r.phone,
            current_post=r.current_post, intended_post=f"{r.org_kind.label}{r.post}", source=r.source.label,
            departments=boxes, township_check=township_check, village_opinion=op(ReviewStage.VILLAGE),
            township_opinion=op(ReviewStage.TOWNSHIP),
            county_opinion=op(ReviewStage.COUNTY),
        ))
    title = tr("{village}候选人（自荐人）资格审查表").format(village=options.village or (township.name if township else ""))
    return render_qualification_forms(out, forms, title=title)


def candidate_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.candidate_notice import NoticeEntry, NoticeGroup, render_candidate_notice

    require(actor, Permission.VIEW)
    cycle = cycle_of(session, options)
    if not options.village:
        raise ValidationError(tr("名单公示按村打印，请指定村名"))
    village_id = _village_id(session, cycle, options.village)
    township = session.get(Township, cycle.township_id)
    extra = options.extra or {}
    if extra.get("date"):
        try:
            posted = parse_date(extra["date"])
        except ValueError as exc:
            raise ValidationError(tr("date 选项：{msg}").format(msg=exc.args[0])) from None
    else:
        days = int((cycle.profile or {}).get("candidate_list_days_before", 5))
        posted = cycle.election_day - dt.timedelta(days=days)
    assert village_id is not None
    late = _notice_date_checked(session, actor, cycle.id, village_id, "candidate_list", posted, options)
    posts = notice_posts(session, cycle.id, village_id)
    groups = [NoticeGroup(p.org_kind.label, p.post, p.quota,
                          [NoticeEntry(r.name, r.gender, r.age, r.education, r.political_status, r.current_post,
                                       r.source.label) for r in p.rows]) for p in posts]
    rows = [r for p in posts for r in p.rows]
    self_mode = extra.get("mode") == "self" or (bool(rows) and all(r.source is NominationSource.SELF for r in rows))
    return render_candidate_notice(out, township.name if township else "", options.village, groups, posted,
                                   cycle.election_day, self_nomination=self_mode,
                                   late_note=late.text() if late else "")


def export_template(session: Session, cycle_id: int, path: str | Path, village: str | None = None) -> Path:
    """The registration template with this township's villages (only ``village`` when given) and the cycle's posts
    in its drop-down lists."""
    from villagevote.reports.xlsx.candidate_import import write_template  # openpyxl: loaded when exporting

    lists = template_lists(session, cycle_id)
    villages = list(lists.villages)
    if village:
        if village not in villages:
            raise ValidationError(tr("没有名为“{v}”的村").format(v=village), field="village")
        villages = [village]
    return write_template(path, villages, lists.posts, lists.township, lists.cycle)


def candidate_template(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    return export_template(session, cycle_of(session, options).id, out, village=options.village)


FORMS = [
    Form(name="qualification-forms", kind="print", title=tr("候选人（自荐人）资格审查表（含身份证号码）"),
         run=qualification_forms, sensitive=True),
    Form(name="candidate-notice", kind="print", title=tr("候选人（自荐人）名单公示"), run=candidate_notice,
         needs_village=True),
    Form(name="candidate-template", kind="export", title=tr("候选人（自荐人）登记表模板"), run=candidate_template),
]
