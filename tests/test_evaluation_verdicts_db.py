"""Verdicts per item in the database (issue 18 item 5, tracking.md A6): yearly for annual items and at the end of the
term, each citing its evidence (or marked 缺佐证); 践诺率 per cadre, village and township; the composite score; the
dossier (任期践诺档案) and the 年度述职评议汇总 rows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from villagevote.audit import Actor
from villagevote.candidates.sample import build_world
from villagevote.errors import ValidationError
from villagevote.evaluation import queries, sessions, term_verdicts
from villagevote.evaluation.sessions import CountInput
from villagevote.models import Candidacy, Organization, Person
from villagevote.models.enums import (
    AttachmentKind,
    CandidacyStatus,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    ConsequenceState,
    ExemptionCategory,
    NominationSource,
    OrgKind,
    Role,
    Verdict,
)
from villagevote.models.tracking import Attachment, Commitment, Flag
from villagevote.tracking import consequences, exemptions, ledger
from villagevote.tracking.ledger import Owner

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
ELECTION = dt.date(2026, 3, 15)
THREE = ["满意", "基本满意", "不满意"]


@pytest.fixture
def town(db):
    with db.session() as s:
        world = build_world(s, election_day=ELECTION)
        cands = {}
        for village, name, kind, post in (("青山村", "王主任", OrgKind.VILLAGE_COMMITTEE, "主任"),
                                          ("青山村", "丁书记", OrgKind.PARTY_BRANCH, "书记"),
                                          ("绿水村", "方主任", OrgKind.VILLAGE_COMMITTEE, "主任")):
            person = Person(name=name, village_id=world.villages[village])
            s.add(person)
            s.flush()
            org = s.get(Organization, world.orgs[(village, kind)])
            cand = Candidacy(person_id=person.id, organization_id=org.id, cycle_id=world.cycle_id, post=post,
                             source=NominationSource.SELF, status=CandidacyStatus.ELECTED)
            s.add(cand)
            s.flush()
            cands[name] = cand.id
        world.cands = cands  # type: ignore[attr-defined]
        return world


def item(s, town, name, title, deadline, *, year=None, weight="1", source=CommitmentSource.PLEDGE, **kw) -> int:
    return ledger.register(s, CLERK, cycle_id=town.cycle_id, village_id=None, owner=Owner(candidacy_id=town.cands[name]),
                           title=title, source=source, deadline=deadline, year=year, weight=Decimal(weight),
                           today=dt.date(2026, 4, 1), **kw)


def close(s, cid, on, evidence=True):
    c = s.get(Commitment, cid)
    c.status, c.closed_on, c.closed_by, c.percent_done = CommitmentStatus.CLOSED, on, "reviewer", 100
    if evidence:
        s.add(Attachment(owner_type="commitment", owner_id=cid, kind=AttachmentKind.ACCEPTANCE, file_name="验收单.pdf",
                         stored_path="x", sha256="0" * 64, caption="验收单", taken_on=on, added_by="clerk"))
    s.flush()


def test_yearly_and_final_verdicts_cite_evidence_or_are_marked(db, town):
    with db.session() as s:
        on_time = item(s, town, "王主任", "修村道", dt.date(2027, 6, 30), year=2027, weight="2")
        late = item(s, town, "王主任", "建文化礼堂", dt.date(2027, 6, 30), year=2027)
        bare = item(s, town, "王主任", "装路灯", dt.date(2027, 9, 30), year=2027)
        open_ = item(s, town, "王主任", "河塘清淤", dt.date(2027, 10, 31), year=2027)
        metric = item(s, town, "丁书记", "集体收入", dt.date(2027, 12, 31), year=2027, kind=CommitmentKind.METRIC,
                      baseline=Decimal(20), target=Decimal(50), unit="万元")
        later = item(s, town, "丁书记", "五年规划", dt.date(2030, 12, 31))
        close(s, on_time, dt.date(2027, 6, 1))
        close(s, late, dt.date(2027, 8, 1))
        close(s, bare, dt.date(2027, 9, 1), evidence=False)
        s.get(Commitment, metric).metric_current = Decimal(36)  # 16 of 30 = 53.3 %: partly
        s.flush()
        with pytest.raises(ValidationError, match="2027 年度至 2027-12-31 才结束"):
            term_verdicts.judge(s, REVIEWER, cycle_id=town.cycle_id, year=2027, today=dt.date(2027, 12, 1))
        run = term_verdicts.judge(s, REVIEWER, cycle_id=town.cycle_id, year=2027, today=dt.date(2028, 1, 5))
        got = {j.commitment_id: j.verdict.verdict for j in run.judged}
        assert got == {on_time: "kept", late: "partly_kept", bare: "kept", open_: "broken", metric: "partly_kept"}
        assert later not in got  # not an annual item of 2027
        assert [j.commitment_id for j in run.missing] == [bare, open_, metric]
        stored = {c.id: c for c in s.scalars(select(Commitment))}
        assert stored[on_time].verdict == Verdict.KEPT and "佐证 1 件" in stored[on_time].verdict_evidence
        assert stored[bare].verdict_evidence.endswith("（缺佐证）")
        assert stored[open_].verdict == Verdict.BROKEN and stored[open_].verdict_on == dt.date(2027, 12, 31)
        assert "完成 53.3%" in stored[metric].verdict_evidence
        # the yearly 践诺率: 王主任 (2·1 + 1·½ + 1·1 + 0) / 5 = 70 %, 丁书记 ½, village 青山村 (3.5 + 0.5) / 6
        rates = term_verdicts.fulfilment_rates(s, town.cycle_id, 2027)
        by_name = {r.name: r for r in rates.cadres}
        assert by_name["王主任"].rate == Fraction(7, 10) and by_name["王主任"].rate_text == "70.0"
        assert (by_name["王主任"].kept, by_name["王主任"].partly, by_name["王主任"].broken) == (2, 1, 1)
        assert by_name["丁书记"].rate_text == "50.0"
        assert [(v.name, v.rate_text) for v in rates.villages] == [("青山村", "66.7")]
        assert rates.township.rate == Fraction(2, 3)
        # the end of the term: everything gets a verdict, the five-year plan too (open → broken)
        final = term_verdicts.judge(s, REVIEWER, cycle_id=town.cycle_id, today=dt.date(2031, 6, 1))
        assert {j.commitment_id: j.verdict.verdict for j in final.judged}[later] == "broken"
        assert s.get(Commitment, later).final_verdict_note


def test_excused_and_withdrawn_items_are_left_out_of_the_rate(db, town):
    with db.session() as s:
        kept = item(s, town, "方主任", "修桥", dt.date(2027, 6, 30))
        flooded = item(s, town, "方主任", "堤坝加固", dt.date(2027, 6, 30))
        struck = item(s, town, "方主任", "招商引资", dt.date(2027, 6, 30))
        close(s, kept, dt.date(2027, 5, 1))
        exemptions.grant_exemption(s, REVIEWER, category=ExemptionCategory.FORCE_MAJEURE, reason="洪灾",
                                   decision_no="绿委〔2027〕5号", decided_on=dt.date(2027, 6, 1),
                                   commitment_id=flooded)
        ledger.withdraw(s, REVIEWER, struck, reason="上级政策调整，项目取消", today=dt.date(2027, 3, 1))
        judged = {j.commitment_id: j for j in term_verdicts.judge_items(s, town.cycle_id, as_of=dt.date(2027, 12, 31))}
        assert judged[flooded].verdict.verdict == "excused" and "绿委〔2027〕5号" in judged[flooded].verdict.why
        assert judged[struck].verdict.verdict == "withdrawn"
        rate = term_verdicts.person_rate(s, town.cycle_id, s.get(Candidacy, town.cands["方主任"]).person_id,
                                         as_of=dt.date(2027, 12, 31))
        assert (rate.rate, rate.counted, rate.excused, rate.withdrawn) == (Fraction(1), 1, 1, 1)


def test_dossier_and_annual_summary(db, town):
    with db.session() as s:
        road = item(s, town, "王主任", "修村道", dt.date(2027, 6, 30))
        item(s, town, "王主任", "河塘清淤", dt.date(2027, 10, 31))
        close(s, road, dt.date(2027, 6, 1))
        wang = s.get(Candidacy, town.cands["王主任"]).person_id
        ding = s.get(Candidacy, town.cands["丁书记"]).person_id
        for kind, meeting, due, counts in (("people", "representatives", 45, {wang: (20, 8, 12), ding: (38, 2, 0)}),
                                           ("township", "township_panel", 9, {wang: (5, 4, 0), ding: (9, 0, 0)})):
            sid = sessions.create_session(s, CLERK, cycle_id=town.cycle_id, village_id=town.villages["青山村"],
                                          year=2027, kind=kind, meeting=meeting, scale=THREE, due=due, present=due,
                                          held_on=dt.date(2027, 12, 20), today=dt.date(2028, 1, 1))
            sessions.enter_counts(s, CLERK, sid, [CountInput(p, counts=dict(zip(THREE, c, strict=True)))
                                                  for p, c in counts.items()])
            sessions.confirm_session(s, REVIEWER, sid, today=dt.date(2028, 1, 1))
        talk = s.scalar(select(Flag).where(Flag.person_id == wang, Flag.kind == "warning_talk"))
        consequences.confirm(s, REVIEWER, talk.id, decision_no="青委〔2028〕1号", decided_on=dt.date(2028, 1, 8))
        rows = queries.annual_summary(s, town.cycle_id, 2027, village_id=town.villages["青山村"])
        assert [r.name for r in rows] == ["丁书记", "王主任"]  # surname strokes: 丁 2, 王 4
        w = rows[1]
        # 民评 基本称职 (30 %) 60 points, 镇评 称职 100, 践诺率 1 of 2 = 50 → (60·50 + 100·30 + 50·20) / 100 = 70
        assert (w.people_grade, w.township_grade, w.rate_text, w.grade) == ("基本称职", "称职", "50.0", "基本称职")
        assert w.score == Decimal("70.00") and "民评 60 分" in w.score_why
        assert w.opinion == "诫勉谈话（青委〔2028〕1号）" and w.triggers == []
        d = rows[0]
        assert (d.people_grade, d.township_grade, d.rate_text, d.score) == ("优秀", "优秀", "—", Decimal("100.00"))
        dossier = queries.dossier(s, town.cycle_id, wang, as_of=dt.date(2027, 12, 31))
        assert dossier.posts == ["村委会主任"] and dossier.rate.rate_text == "50.0"
        assert [(i.title, i.verdict_label) for i in dossier.items] == [("修村道", "已兑现"), ("河塘清淤", "未兑现")]
        assert dossier.items[0].evidence == ["验收单 验收单（2027年6月1日）"]
        assert dossier.items[1].evidence_missing
        assert [(g.year, g.kind_label, g.grade) for g in dossier.grades] == [(2027, "村述民评", "基本称职"),
                                                                            (2027, "村述镇评", "称职")]
        assert [(c.kind_label, c.state) for c in dossier.consequences] == [("诫勉谈话", ConsequenceState.CONFIRMED)]


def test_special_assessment_of_an_appointed_role(db, town):
    from villagevote.evaluation import special
    from villagevote.models.enums import AssessedRoleKind, FlagKind, InspectionKind
    from villagevote.models.tracking import Inspection, ProgressReport
    from villagevote.tracking.roles import appoint

    with db.session() as s:
        person = Person(name="李河长", village_id=town.villages["青山村"])
        s.add(person)
        s.flush()
        role = appoint(s, CLERK, cycle_id=town.cycle_id, person_id=person.id, kind=AssessedRoleKind.RIVER_CHIEF,
                       title="村级河长", village_id=town.villages["青山村"], starts_on=dt.date(2026, 4, 1),
                       patrol_min=2, patrol_period="month")
        water = ledger.register(s, CLERK, cycle_id=town.cycle_id, village_id=town.villages["青山村"],
                                owner=Owner(assessed_role_id=role), title="剿灭劣V类水体：村东河",
                                source=CommitmentSource.SPECIAL, deadline=dt.date(2027, 6, 30),
                                today=dt.date(2026, 4, 1))
        for week, on_time in ((10, True), (20, True), (30, False), (40, True)):
            s.add(ProgressReport(commitment_id=water, period=f"2027-W{week}", percent=10 * week // 10,
                                 reported_on=dt.date(2027, 1, 4) + dt.timedelta(weeks=week - 1), on_time=on_time))
        for month in range(1, 13):  # one patrol a month where two are due
            s.add(Inspection(cycle_id=town.cycle_id, kind=InspectionKind.PATROL, held_on=dt.date(2027, month, 15),
                             village_id=town.villages["青山村"], assessed_role_id=role))
        s.flush()
        [row] = special.assess_special(s, cycle_id=town.cycle_id, year=2027)
        # daily: reports 3/4 = 75, patrols 12/24 = 50 → 62.5; effect: the item broken → 0; overall: none
        assert row.parts["daily.reports"] == Decimal("75.00") and row.parts["daily.inspections"] == Decimal("50.00")
        assert row.parts["daily"] == Decimal("62.50") and row.parts["effect"] == Decimal("0.00")
        assert row.parts["overall"] is None
        assert row.score == Decimal("26.79")  # (62.5·30 + 0·40) / 70
        assert [k for k, _r, _w in row.proposals] == [FlagKind.INTERVIEW, FlagKind.RECALL]
        with pytest.raises(ValidationError, match="尚未结束"):
            special.propose_special(s, REVIEWER, cycle_id=town.cycle_id, year=2027, today=dt.date(2027, 12, 1))
        ids = special.propose_special(s, REVIEWER, cycle_id=town.cycle_id, year=2027, today=dt.date(2028, 1, 10))
        flags = [s.get(Flag, i) for i in ids]
        assert [(f.kind, f.state, f.assessed_role_id) for f in flags] == [
            (FlagKind.INTERVIEW, ConsequenceState.PROPOSED, role), (FlagKind.RECALL, ConsequenceState.PROPOSED, role)]
        assert special.propose_special(s, REVIEWER, cycle_id=town.cycle_id, year=2027,
                                       today=dt.date(2028, 1, 11)) == ids  # once
        # the scheme is a setting: weights change the score
        from villagevote.models import Setting
        s.add(Setting(key=special.SCHEME_KEY, value={"stages": {"effect": {"weight": "0"}}}))
        s.flush()
        [row] = special.assess_special(s, cycle_id=town.cycle_id, year=2027)
        # 62.5: not below the 约谈 line (60), below the 预警 line (70)
        assert row.score == Decimal("62.50") and [k for k, _r, _w in row.proposals] == [FlagKind.ALERT,
                                                                                        FlagKind.RECALL]


def test_a_composite_below_sixty_proposes_team_adjustment(db, town):
    from villagevote.models.enums import FlagKind

    with db.session() as s:
        item(s, town, "方主任", "修桥", dt.date(2027, 6, 30))  # open at the year's end: broken, 践诺率 0
        fang = s.get(Candidacy, town.cands["方主任"]).person_id
        sid = sessions.create_session(s, CLERK, cycle_id=town.cycle_id, village_id=town.villages["绿水村"], year=2027,
                                      kind="people", meeting="representatives", scale=THREE, due=45, present=40,
                                      held_on=dt.date(2027, 12, 20), today=dt.date(2028, 1, 1))
        sessions.enter_counts(s, CLERK, sid, [CountInput(fang, counts={"满意": 20, "基本满意": 8, "不满意": 12})])
        sessions.confirm_session(s, REVIEWER, sid, today=dt.date(2028, 1, 1))
        # 民评 基本称职 60 × 50 + 践诺率 0 × 20, 镇评 missing: 3000 / 70 = 42.86 < 60
        ids = term_verdicts.propose_composite(s, REVIEWER, cycle_id=town.cycle_id, year=2027,
                                              today=dt.date(2028, 1, 15))
        [flag] = [s.get(Flag, i) for i in ids]
        assert flag.kind == FlagKind.TEAM_ADJUSTMENT and flag.rule == "composite_adjust_below"
        assert "42.86" in flag.why and flag.person_id == fang
        assert term_verdicts.propose_composite(s, REVIEWER, cycle_id=town.cycle_id, year=2027,
                                               today=dt.date(2028, 1, 16)) == ids
