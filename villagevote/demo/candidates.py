"""Demo candidacies with qualification review at different stages, some hitting rules.

Per village, from the pool of 16 persons (0–1 spouses, 2–3 siblings): village committee 主任 ×2, 副主任 ×2, 委员 ×5,
Party branch 书记 ×2, 委员 ×4 from the pool's Party members (some people stand for both). Most pass all three stages and become 资格合格; across the
township a few are different on purpose: a release 4 years 11 months before election day (不能 N1 → 取消资格), a
long absence (不宜 S3 → 劝退), a 计生 answer still 存疑, one stuck at 乡镇复审, one who withdrew; the spouses of
persons 0–1 both stand for the village committee, so the kinship bar flags them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.status import transition
from villagevote.demo.context import DemoContext, existing
from villagevote.models import ElectionCycle, Organization, Person, RuleSet
from villagevote.models.enums import (
    CandidacyStatus,
    FindingResult,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
)
from villagevote.qualification.findings import record_finding
from villagevote.qualification.review import county_departments, record_review, record_signoff, settle_qualification
from villagevote.qualification.rulesets import bind_cycle, rule_defs

# (person index, organization, post, source)
PLAN: list[tuple[int, OrgKind, str, NominationSource]] = [
    (0, OrgKind.VILLAGE_COMMITTEE, "主任", NominationSource.VILLAGERS),
    (4, OrgKind.VILLAGE_COMMITTEE, "主任", NominationSource.SELF),
    (5, OrgKind.VILLAGE_COMMITTEE, "副主任", NominationSource.SELF),
    (6, OrgKind.VILLAGE_COMMITTEE, "副主任", NominationSource.VILLAGERS),
    (1, OrgKind.VILLAGE_COMMITTEE, "委员", NominationSource.SELF),
    (7, OrgKind.VILLAGE_COMMITTEE, "委员", NominationSource.SELF),
    (8, OrgKind.VILLAGE_COMMITTEE, "委员", NominationSource.VILLAGERS),
    (9, OrgKind.VILLAGE_COMMITTEE, "委员", NominationSource.SELF),
    (10, OrgKind.VILLAGE_COMMITTEE, "委员", NominationSource.ORGANIZATION),
    (4, OrgKind.PARTY_BRANCH, "书记", NominationSource.PARTY_MEMBERS),
    (11, OrgKind.PARTY_BRANCH, "书记", NominationSource.ORGANIZATION),
    (2, OrgKind.PARTY_BRANCH, "委员", NominationSource.PARTY_MEMBERS),
    (12, OrgKind.PARTY_BRANCH, "委员", NominationSource.PARTY_MEMBERS),
    (13, OrgKind.PARTY_BRANCH, "委员", NominationSource.PARTY_MEMBERS),
    (14, OrgKind.PARTY_BRANCH, "委员", NominationSource.ORGANIZATION),
]

# Special cases: (village index, plan index) -> what happens
SPECIAL = {
    (0, 7): "criminal",     # released 4 years 11 months before election day -> 不能
    (1, 8): "absent",       # long absence -> 不宜, advised to withdraw
    (0, 12): "doubt",       # 计生 answer doubtful -> verdict open
    (1, 3): "township",     # still at 乡镇复审
    (2, 6): "withdrawn",
}


def _months_before(day: dt.date, years: int, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) - years * 12 - months
    return dt.date(total // 12, total % 12 + 1, min(day.day, 28))


def populate(session: Session, ctx: DemoContext) -> None:
    actor = ctx.actor
    cycle = existing(session, ElectionCycle, ctx.cycle_id)
    if cycle.rule_set_id is None:
        rs = session.scalars(select(RuleSet.id).where(RuleSet.catalog_key == "zhejiang-2013")
                             .order_by(RuleSet.version)).first()
        if rs is None:
            raise LookupError("demo: the shipped zhejiang-2013 rule catalog is missing")
        bind_cycle(session, actor, cycle.id, rs)
    election: dt.date = cycle.election_day
    today = election  # reviews are dated before the election; keeps the demo deterministic
    if cycle.rule_set_id is None:
        raise LookupError("demo: the cycle has no rule set")
    rules = rule_defs(session, cycle.rule_set_id)
    depts = county_departments(session, cycle.id)
    village_day = election - dt.timedelta(days=60)
    township_day = election - dt.timedelta(days=50)
    county_day = election - dt.timedelta(days=40)
    counts = {"candidacies": 0, "qualified": 0, "special": 0}

    for v_index, vid in enumerate(ctx.village_ids):
        pool = ctx.persons_by_village.get(vid, [])
        if len(pool) < 15:
            continue
        orgs = {OrgKind(o.kind): o.id for o in session.scalars(
            select(Organization).where(Organization.village_id == vid, Organization.cycle_id == cycle.id))}
        members = [pid for pid in pool if existing(session, Person, pid).political_status is PoliticalStatus.PARTY_MEMBER]
        # Party-branch posts go to Party members (person 4 first when a member: 一肩挑 with the committee)
        members.sort(key=lambda pid: (pid != pool[4], pool.index(pid)))
        branch_slots = iter(members)
        for p_index, (person_idx, kind, post, source) in enumerate(PLAN):
            person_id = pool[person_idx]
            if kind is OrgKind.PARTY_BRANCH:
                member = next(branch_slots, None)
                if member is None:
                    continue
                person_id = member
            cid = register_candidacy(session, actor, person_id, orgs[kind], post, source,
                                     incumbent=(p_index in (0, 9)))
            counts["candidacies"] += 1
            case = SPECIAL.get((v_index, p_index))
            if case == "withdrawn":
                transition(session, cid, CandidacyStatus.WITHDRAWN, actor, reason="本人书面申请退出")
                counts["special"] += 1
                continue
            record_review(session, actor, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, "", "村党组织",
                          village_day, today=today)
            record_review(session, actor, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "乡镇党委",
                          township_day, today=today)
            if case == "township":
                counts["special"] += 1
                continue
            for rule in rules:
                dept = rule.departments[0]
                if case == "criminal" and rule.code == "N1":
                    record_finding(session, cid, rule.code, FindingResult.HIT, actor, department=dept,
                                   evidence="刑满释放证明书", event_date=_months_before(election, 4, 11), today=today)
                elif case == "absent" and rule.code == "S3":
                    record_finding(session, cid, rule.code, FindingResult.HIT, actor, department=dept,
                                   evidence="常年在外省经商，近两年在村不足一个月", today=today)
                elif case == "doubt" and rule.code == "N2":
                    record_finding(session, cid, rule.code, FindingResult.DOUBT, actor, department=dept,
                                   evidence="户籍地与居住地计生记录不一致，待核", today=today)
                else:
                    record_finding(session, cid, rule.code, FindingResult.CLEAR, actor, department=dept, today=today)
            for dept in depts:
                has_issue = case == "criminal" and dept == "公安"
                record_signoff(session, actor, cid, dept, has_issue, "有前科，刑满释放未满5年" if has_issue else "无",
                               "经办人", county_day - dt.timedelta(days=3), today=today)
            if case in ("criminal", "absent"):
                settle_qualification(session, actor, cid)
                counts["special"] += 1
                continue
            if case == "doubt":
                counts["special"] += 1
                continue
            record_review(session, actor, cid, ReviewStage.COUNTY, ReviewDecision.PASS, "", "县委组织部",
                          county_day, today=today)
            settle_qualification(session, actor, cid)
            counts["qualified"] += 1
    ctx.notes.append(
        "candidates: {candidacies} candidacies, {qualified} qualified, {special} special cases".format(**counts)
    )
