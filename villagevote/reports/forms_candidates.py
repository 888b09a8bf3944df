"""Registry entries for candidates and qualification review:

* ``villagevote print qualification-forms [--village 名] --out X.pdf`` — 资格审查表, one document (one page) per
  candidacy, 注意保密; personal fields as the masking table says (``reports/masking.py``: full ID number and phone,
  so it needs 查看敏感信息). Options: ``ids=1,2,3`` (candidacy ids), ``cycle=<id>``.
* ``villagevote print candidate-notice --village 名 --out X.pdf`` — 候选人（自荐人）名单公示 with its 公示期 (from the
  posting date to the day before the election), no ID numbers. Options: ``date=2026-03-10`` (posting date; default
  election day minus the cycle's candidate_list_days_before), ``mode=self`` (自荐直选: title says 自荐人),
  ``order=strokes|votes`` (姓氏笔画, the default, or by nomination votes, most first; the model records no
  nomination votes, so ``votes=姓名:票数,…`` gives them), ``cycle=<id>``. A posting date later than that is refused
  unless an administrator recorded a reason (``late_reason=…`` records it; printed small). Nobody qualified yet: a
  Chinese refusal instead of an empty notice.
* ``villagevote export candidate-template --out X.xlsx`` — the registration workbook template.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

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
    OrgKind,
    ReviewDecision,
    ReviewStage,
)
from villagevote.qualification.findings import findings_of
from villagevote.qualification.queries import NOTICE_STATUSES, current_posts, found_ineligible, notice_posts
from villagevote.qualification.review import (
    LOCAL_DEPARTMENTS,
    ReviewStep,
    county_departments,
    current_steps,
    person_signoffs,
)
from villagevote.qualification.rulesets import rule_defs
from villagevote.reports.forms_voters import _notice_date_checked
from villagevote.reports.masking import confidential, mask_id, mask_phone
from villagevote.reports.registry import Form, Options
from villagevote.township import current_cycle

if TYPE_CHECKING:
    from villagevote.reports.pdf.qualification_forms import StageOpinion

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


# Reviewers recorded as a body ("村党组织", "乡镇党委", "县委组织部") rather than a person.
_BODY_ENDINGS = ("党组织", "党支部", "党总支", "党委", "组织部", "委员会", "指导组", "工作组", "联审组", "政府",
                 "办事处")


def _stage_opinion(step: ReviewStep | None, body: str, place: str) -> StageOpinion:
    """The opinion row of one review stage: ``body`` seals (a recorded body naming its place replaces it), a recorded
    person is printed as 审查人 — never on the signature line, which is left for the responsible person's hand."""
    from villagevote.reports.pdf.qualification_forms import StageOpinion

    if step is None:
        return StageOpinion(body=body)
    reviewer = (step.reviewer or "").strip()
    person = ""
    if reviewer.endswith(_BODY_ENDINGS):
        if place and place in reviewer:
            body = reviewer
    else:
        person = reviewer
    return StageOpinion(ReviewDecision(step.decision).label, step.reason, person, step.decided_on, body)


def _outcome_opinion(opinion: StageOpinion, status: CandidacyStatus, reason: str, decided_on: dt.date | None,
                     ) -> StageOpinion:
    """``opinion`` with the qualification outcome (取消资格 / 劝退 and its reason): in place of a decision the stage
    never recorded, after one it recorded before the finding."""
    from villagevote.reports.pdf.qualification_forms import StageOpinion

    if not opinion.decision:
        return StageOpinion(status.label, reason, "", decided_on, opinion.body)
    if opinion.decision == status.label:
        return opinion
    # decided first, then found otherwise: the form shows both, never reads clearer than the outcome
    later = tr("其后经核查：{status}。{reason}").format(status=status.label, reason=reason).rstrip("。")
    return StageOpinion(opinion.decision, "；".join(x for x in (opinion.reason, later) if x), opinion.reviewer,
                        opinion.decided_on, opinion.body)


def qualification_forms(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.qualification_forms import QualificationForm, render_qualification_forms

    require(actor, Permission.VIEW_SENSITIVE)
    cycle = cycle_of(session, options)
    township = session.get(Township, cycle.township_id)
    town = township.name if township else ""
    county = township.county if township else ""
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
    if not rows:
        raise ValidationError(tr("所选范围内没有候选人（自荐人），资格审查表无可打印的内容。"))
    depts = county_departments(session, cycle.id)
    checks = _checks_by_department(session, cycle)
    posts_now = current_posts(session, cycle.id, [r.person_id for r in rows])
    term = term_of(cycle)
    form_name = "qualification-forms"
    forms = []
    for r in rows:
        boxes, township_check = person_checks(session, r.id, depts, checks)
        steps = current_steps(session, r.id)
        village_op = _stage_opinion(steps.get(ReviewStage.VILLAGE), tr("{v}党组织").format(v=r.village), r.village)
        township_op = _stage_opinion(steps.get(ReviewStage.TOWNSHIP), tr("中共{t}委员会").format(t=town), town)
        county_op = _stage_opinion(steps.get(ReviewStage.COUNTY),
                                   tr("中共{c}委员会组织部").format(c=county) if county else tr("县委组织部"), county)
        if r.status in (CandidacyStatus.DISQUALIFIED, CandidacyStatus.ADVISED_WITHDRAW):
            # the outcome the findings led to, in the row of the body whose checks found it (a county department's
            # finding: the 县级联审意见, never left blank on a disqualified form)
            flagged = [b for b in boxes if b.has_issue]
            if flagged:
                county_op = _outcome_opinion(county_op, r.status, r.status_reason,
                                             max((b.signed_on for b in flagged if b.signed_on), default=None))
            elif township_check.items:
                township_op = _outcome_opinion(township_op, r.status, r.status_reason, township_check.recorded_on)
        forms.append(QualificationForm(
            township=town, village=r.village, cycle=cycle.name, name=r.name,
            gender=r.gender, birth_date=r.birth_date, age=r.age, id_number=mask_id(r.id_number, form_name),
            education=r.education, political_status=r.political_status, party_join_date=r.party_join_date,
            phone=mask_phone(r.phone, form_name), current_post=posts_now.get(r.person_id, ""),
            intended_post=f"{r.org_kind.label}{r.post}", source=r.source.label,
            departments=boxes, township_check=township_check, village_opinion=village_op,
            township_opinion=township_op, county_opinion=county_op, term=term,
            confidential=confidential(form_name),
        ))
    title = tr("{village}候选人（自荐人）资格审查表").format(village=options.village or town)
    return render_qualification_forms(out, forms, title=title)


def _nomination_votes(text: str) -> dict[str, int]:
    """``votes=丁小红:120,赵大伟:98`` → {name: votes} (the model records no nomination votes; the office gives them)."""
    out: dict[str, int] = {}
    for item in re.split(r"[,，;；\s]+", text.strip()):
        if not item:
            continue
        match = re.fullmatch(r"(.+?)[:：=](\d+)", item)
        if match is None:
            raise ValidationError(tr("votes 选项应写成“姓名:票数”，以逗号分隔，实际有“{v}”").format(v=item))
        out[match.group(1)] = int(match.group(2))
    return out


def term_of(cycle: ElectionCycle) -> str:
    """The 届次 of the cycle ("第十二届"), "" when neither its profile nor its name gives one."""
    from villagevote.reports.pdf.base import term_label  # reportlab: loaded when printing

    return term_label(cycle)


def candidate_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.candidate_notice import ORDERS, NoticeEntry, NoticeGroup, render_candidate_notice

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
    order = (extra.get("order") or "strokes").strip().lower()
    order = {"strokes": "strokes", "stroke": "strokes", "笔画": "strokes", "votes": "votes", "得票": "votes"}.get(
        order, order)
    if order not in ORDERS:
        raise ValidationError(tr("order 选项应为 strokes（按姓氏笔画）或 votes（按提名得票），实际为“{v}”").format(
            v=extra.get("order")))
    assert village_id is not None
    late = _notice_date_checked(session, actor, cycle.id, village_id, "candidate_list", posted, options)
    posts = notice_posts(session, cycle.id, village_id)
    rows = [r for p in posts for r in p.rows]
    if not rows:
        raise ValidationError(tr("{village}还没有经资格审查合格的候选人（自荐人），名单公示无可打印的内容。").format(
            village=options.village))
    votes = _nomination_votes(extra.get("votes", "")) if order == "votes" else {}
    if order == "votes":
        missing = [r.name for r in rows if r.name not in votes]
        if missing:
            raise ValidationError(tr("按提名得票排序须给出每位候选人的提名票数（本程序不记录提名票），"
                                     "请用 --option votes=姓名:票数,… 提供。缺：{names}").format(
                names="、".join(dict.fromkeys(missing))))
    posts_now = current_posts(session, cycle.id, [r.person_id for r in rows])
    groups = [NoticeGroup(p.org_kind.label, p.post, p.quota,
                          [NoticeEntry(r.name, r.gender, r.age, r.education, r.political_status,
                                       posts_now.get(r.person_id, ""), r.source.label, votes.get(r.name))
                           for r in p.rows]) for p in posts]
    self_mode = extra.get("mode") == "self" or all(r.source is NominationSource.SELF for r in rows)
    issuers = []
    if any(p.org_kind is OrgKind.PARTY_BRANCH for p in posts):
        issuers.append(tr("中共{village}党组织").format(village=options.village))
    if any(p.org_kind is not OrgKind.PARTY_BRANCH for p in posts):
        issuers.append(tr("{village}村民选举委员会").format(village=options.village))
    return render_candidate_notice(out, township.name if township else "", options.village, groups, posted,
                                   cycle.election_day, self_nomination=self_mode,
                                   late_note=late.text() if late else "", term=term_of(cycle), order=order,
                                   issuers=issuers)


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
