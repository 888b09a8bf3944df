"""Issue 14: one identity per person from the ballot to the certificate (people of the same name), the engine's
optional ids, and written-in winners screened against 五不能 before the lock."""
from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers_elections import committee_contest, organization, print_ballots
from villagevote.elections import contests, outcome, tally
from villagevote.elections.results import decide
from villagevote.elections.tally_logic import AGREE, Ballot
from villagevote.errors import ValidationError
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import AuditLog
from villagevote.models.enums import CandidacyStatus, Gender, NominationSource
from villagevote.reports.pdf.certificates import render_certificates
from villagevote.reports.pdf.result_report import render_result_report
from villagevote.reports.pdf.winners_notice import render_winners_notice

OLD = "王伟（男，1975年生）"
YOUNG = "王伟（男，1988年生）"


def _text(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


def _lock(s, actor, contest_id, day):
    """mark_official, on the election day (the order-of-events check refuses it before)."""
    if "today" in inspect.signature(outcome.mark_official).parameters:
        return outcome.mark_official(s, actor, contest_id, today=day)
    return outcome.mark_official(s, actor, contest_id)


def _person(s, village_id, name, gender, born):
    p = Person(name=name, gender=gender, village_id=village_id, birth_date=born)
    s.add(p)
    s.flush()
    return p


@pytest.fixture
def homonyms(db, clerk, township):
    """The helpers' committee contest plus two qualified 委员 candidates both called 王伟 (born 1975 and 1988)."""
    vid = township.village_ids[0]
    with db.session() as s:
        org = organization(s, vid)
        ids = {}
        for born in (dt.date(1975, 3, 4), dt.date(1988, 6, 1)):
            p = _person(s, vid, "王伟", Gender.MALE, born)
            cand = Candidacy(person_id=p.id, organization_id=org.id, cycle_id=township.cycle_id, post="委员",
                             source=NominationSource.VILLAGERS, status=CandidacyStatus.QUALIFIED)
            s.add(cand)
            s.flush()
            ids[born.year] = (p.id, cand.id)
        cid = committee_contest(s, clerk, vid, township.cycle_id, electorate=1000)
    return cid, ids


MARKS = {("主任", "王建国"): (600, 150, 50), ("主任", "李明"): (180, 500, 120),
         ("副主任", "张伟"): (620, 100, 80), ("副主任", "丁丽"): (150, 350, 100),
         ("委员", "刘芳"): (600, 200, 80), ("委员", "孙强"): (610, 120, 70), ("委员", "周杰"): (300, 160, 80),
         ("委员", "马超"): (100, 400, 100), ("委员", OLD): (200, 500, 100), ("委员", YOUNG): (700, 100, 50)}


def test_homonyms_through_tally_lock_and_certificates(db, clerk, reviewer, township, homonyms, tmp_path):
    cid, ids = homonyms
    with db.session() as s:
        view = contests.contest_view(s, cid)
        # both stand, told apart on the ballot by gender and year of birth
        assert sorted(c.label for c in view.candidates_for("委员") if c.name == "王伟") == [OLD, YOUNG]
        assert len(view.candidates_for("委员")) == 6
        assert tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=MARKS) == []
        t = tally.totals(s, cid)
        assert t.posts["委员"].votes[OLD] == 200 and t.posts["委员"].votes[YOUNG] == 700
        assert len([k for k in t.posts["委员"].votes if k.startswith("王伟")]) == 2   # no row lost
        res = outcome.compute_result(s, clerk, cid)
        wang = [e for e in res["elected"] if e["name"] == "王伟"]
        assert len(wang) == 1 and wang[0]["id"] == ids[1988][0] and wang[0]["label"] == YOUNG
        assert {e["name"] for e in res["elected"] if e["post"] == "委员"} == {"王伟", "孙强", "刘芳"}
        assert res["effective_votes"][OLD]["委员"] == 200
        assert any(r.startswith(f"{YOUNG} 得 700 票（委员）") for r in res["reasons"])
        notes = _lock(s, reviewer, cid, township.election_day)
        assert any(YOUNG in n and "当选" in n for n in notes)
        statuses = {c.id: CandidacyStatus(c.status) for c in s.scalars(select(Candidacy))}
        assert statuses[ids[1988][1]] is CandidacyStatus.ELECTED
        assert statuses[ids[1975][1]] is CandidacyStatus.NOT_ELECTED
        view = contests.contest_view(s, cid)
        rows = tally.vote_rows(s, cid)
        ballot = print_ballots(s, clerk, cid, tmp_path / "sample.pdf", sample=True)
    report = _text(render_result_report(view, rows, tmp_path / "report.pdf"))
    assert f"{YOUNG}男700" in report and f"{OLD}男200" in report
    assert re.search(re.escape(YOUNG) + r".*?当选", report) and re.search(re.escape(OLD) + r"男200.*?未当选", report)
    notice = _text(render_winners_notice(view, tmp_path / "notice.pdf"))
    assert f"{YOUNG}（700票）" in notice and OLD not in notice
    certs = PdfReader(str(render_certificates(view, tmp_path / "certs.pdf"))).pages
    wang_pages = [re.sub(r"\s+", "", p.extract_text()) for p in certs if "王伟同志" in re.sub(r"\s+", "", p.extract_text())]
    assert len(wang_pages) == 1 and "1988年生" in wang_pages[0] and "1975" not in wang_pages[0]
    ballot_text = _text(ballot)
    assert OLD in ballot_text and YOUNG in ballot_text


def test_homonyms_kept_apart_ballot_by_ballot(db, clerk, homonyms):
    """唱票 mode (the projector shows these totals): a mark for one 王伟 never counts for the other."""
    cid, _ = homonyms
    with db.session() as s:
        tally.add_ballot(s, clerk, cid, Ballot(marks={"委员": {YOUNG: AGREE}}))
        tally.add_ballot(s, clerk, cid, Ballot(marks={"委员": {YOUNG: AGREE, OLD: AGREE}}))
        counter = tally.ballot_counter(s, cid)
        assert counter.candidates_by_post["委员"].count(YOUNG) == 1 and OLD in counter.candidates_by_post["委员"]
        t = tally.totals(s, cid)
        assert t.posts["委员"].votes[YOUNG] == 2 and t.posts["委员"].votes[OLD] == 1
        with pytest.raises(ValidationError, match="不是委员的候选人"):  # the bare name is ambiguous
            tally.add_ballot(s, clerk, cid, Ballot(marks={"委员": {"王伟": AGREE}}))
        with pytest.raises(ValidationError, match="同名"):  # a third 王伟 now would rename the entered marks
            contests.add_ballot_candidate(s, clerk, cid, "副主任", "王伟")


def test_projector_shows_both_homonyms(qtbot, db, clerk, homonyms):
    from villagevote.ui.projector import ProjectorWindow
    cid, _ = homonyms
    with db.session() as s:
        tally.add_ballot(s, clerk, cid, Ballot(marks={"委员": {OLD: AGREE}}))
        view = contests.contest_view(s, cid)
        t = tally.totals(s, cid)
    w = ProjectorWindow()
    qtbot.addWidget(w)
    w.show_totals(view.title, t, view.seats, {p.post: [c.label for c in view.candidates_for(p.post)]
                                               for p in view.posts})
    from PySide6.QtWidgets import QLabel
    texts = [lab.text() for lab in w.body.findChildren(QLabel)]
    assert OLD in texts and YOUNG in texts


def _contest(candidates, **extra):
    return {"body": "village_committee", "round": "first", "electorate": 100, "ballots_issued": 80,
            "ballots_returned": 80, "ballots_invalid": 0, "seats": {"委员": 2}, "candidates": candidates, **extra}


def test_json_contract_without_ids_is_unchanged_and_ids_are_echoed():
    plain = decide(_contest([{"name": "王伟", "gender": "男", "votes": {"委员": 60}},
                             {"name": "李明", "gender": "男", "votes": {"委员": 50}}]))
    assert plain["elected"] == [{"name": "王伟", "post": "委员", "votes": 60, "share": "75.00"},
                                {"name": "李明", "post": "委员", "votes": 50, "share": "62.50"}]
    with pytest.raises(ValidationError, match="重复出现"):  # without ids a repeated name is still refused
        decide(_contest([{"name": "王伟", "votes": {"委员": 60}}, {"name": "王伟", "votes": {"委员": 50}}]))
    with_ids = decide(_contest([{"id": 7, "name": "王伟", "gender": "男", "votes": {"委员": 30}},
                                {"id": 9, "name": "王伟", "gender": "男", "votes": {"委员": 60}},
                                {"id": "x", "name": "李明", "gender": "男", "votes": {"委员": 50}}]))
    assert [(e["id"], e["name"]) for e in with_ids["elected"]] == [(9, "王伟"), ("x", "李明")]
    assert {x["id"]: x["votes"]["委员"] for x in with_ids["effective_votes_by_id"]} == {7: 30, 9: 60, "x": 50}
    tie = decide(_contest([{"id": 1, "name": "王伟", "votes": {"委员": 60}},
                           {"id": 2, "name": "王伟", "votes": {"委员": 50}},
                           {"id": 3, "name": "李明", "votes": {"委员": 50}}]))
    assert tie["ties"][0]["names"] == ["王伟", "李明"] and tie["ties"][0]["ids"] == [2, 3]
    settled = decide(_contest([{"id": 1, "name": "王伟", "votes": {"委员": 60}},
                               {"id": 2, "name": "王伟", "votes": {"委员": 50}},
                               {"id": 3, "name": "李明", "votes": {"委员": 50}}],
                              resolved_ties=[{"post": "委员", "ids": [2], "how": "重新投票"}]))
    assert sorted(e["id"] for e in settled["elected"]) == [1, 2]
    with pytest.raises(ValidationError, match="id 2 重复出现"):
        decide(_contest([{"id": 2, "name": "王伟", "votes": {"委员": 60}}, {"id": 2, "name": "王伟", "votes": {}}]))
    # a person elected earlier (by id) is not elected again in the 另行选举; the namesake still may be
    extra = decide(dict(_contest([{"id": 1, "name": "王伟", "votes": {"委员": 60}},
                                  {"id": 2, "name": "王伟", "votes": {"委员": 50}}]),
                        round="additional", elected_before=[{"id": 1, "name": "王伟", "post": "委员"}]))
    assert [e["id"] for e in extra["elected"]] == [2]


WRITE_IN_MARKS = {("主任", "王建国"): (600, 150, 50), ("主任", "李明"): (180, 500, 120),
                  ("副主任", "张伟"): (620, 100, 80), ("副主任", "丁丽"): (150, 350, 100),
                  ("委员", "刘芳"): (600, 200, 80), ("委员", "孙强"): (610, 120, 70), ("委员", "周杰"): (300, 160, 80),
                  ("委员", "马超"): (100, 400, 100)}


def test_written_in_winner_under_18_or_disqualified_is_void_and_the_seat_unfilled(
        db, clerk, reviewer, township, tmp_path):
    vid = township.village_ids[0]
    with db.session() as s:
        cid = committee_contest(s, clerk, vid, township.cycle_id, electorate=1000)
        _person(s, vid, "赵小宝", Gender.MALE, township.election_day.replace(year=township.election_day.year - 17))
        barred = _person(s, vid, "钱多", Gender.MALE, dt.date(1970, 1, 1))
        other_org = organization(s, vid)
        s.add(Candidacy(person_id=barred.id, organization_id=other_org.id, cycle_id=township.cycle_id, post="主任",
                        source=NominationSource.VILLAGERS, status=CandidacyStatus.DISQUALIFIED))
        s.flush()
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=WRITE_IN_MARKS,
                        write_ins={"委员": {"赵小宝": 0, "钱多": 0}})
        marks = dict(WRITE_IN_MARKS)
        marks[("委员", "周杰")] = (100, 160, 80)
        marks[("委员", "孙强")] = (100, 120, 70)
        assert tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=marks,
                               write_ins={"委员": {"赵小宝": 700, "钱多": 650}}) == []
        res = outcome.compute_result(s, clerk, cid)
        assert {e["name"] for e in res["elected"] if e["post"] == "委员"} == {"刘芳"}
        void = {e["name"]: e["reason"] for e in res["invalidated"]}
        assert "未满十八周岁" in void["赵小宝"] and "取消候选人资格" in void["钱多"]
        assert res["unfilled"]["委员"] == 2
        assert any("赵小宝" in r and "当选无效" in r and "另行选举" in r for r in res["reasons"])
        audit_row = s.scalars(select(AuditLog).where(AuditLog.action == "compute_result")
                              .order_by(AuditLog.id.desc())).first()
        assert "赵小宝" in str(audit_row.after)
        _lock(s, reviewer, cid, township.election_day)   # recorded in the result: the lock goes ahead
        view = contests.contest_view(s, cid)
        extra = contests.create_contest(s, clerk, organization(s, vid).id, round_="additional")
        on_ballot = {c.name for c in contests.contest_view(s, extra).candidates}
        assert on_ballot and not on_ballot & {"赵小宝", "钱多"}   # a void election does not put them on the 另行选举 ballot
    notice = _text(render_winners_notice(view, tmp_path / "n.pdf"))
    assert "赵小宝得700票" in notice and "当选无效" in notice and "委员尚缺2名" in notice
    assert "未满十八周岁" in notice and "2009" not in notice   # no birth date on a public notice


def test_ambiguous_written_in_winner_blocks_the_lock_until_identified(db, clerk, reviewer, township):
    vid = township.village_ids[0]
    with db.session() as s:
        cid = committee_contest(s, clerk, vid, township.cycle_id, electorate=1000)
        _person(s, vid, "孔亮", Gender.MALE, township.election_day.replace(year=township.election_day.year - 16))
        adult = _person(s, vid, "孔亮", Gender.MALE, dt.date(1980, 5, 5))
        marks = dict(WRITE_IN_MARKS)
        marks[("委员", "周杰")] = (100, 160, 80)
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=marks, write_ins={"委员": {"孔亮": 700}})
        res = outcome.compute_result(s, clerk, cid)
        assert "孔亮" in {e["name"] for e in res["elected"]} and res["write_in_unresolved"]
        with pytest.raises(ValidationError, match="孔亮.*核实"):
            _lock(s, reviewer, cid, township.election_day)
        res = outcome.identify_write_in(s, clerk, cid, "孔亮", f"person:{adult.id}", "经核对身份证")
        assert "孔亮" in {e["name"] for e in res["elected"]} and not res.get("write_in_unresolved")
        _lock(s, reviewer, cid, township.election_day)


def test_tally_entry_and_result_page_keep_homonyms_apart_and_identify_a_write_in(
        ctx, db, township, homonyms, qtbot, monkeypatch, tmp_path, settle):
    """The totals grid lists both 王伟 with their notes and saves each one's count on its own row; the result page's
    核实另选当选人 records who an ambiguous written-in winner is."""
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.election_tab import ElectionTab
    cid, _ = homonyms
    vid = township.village_ids[0]
    with db.session() as s:
        _person(s, vid, "孔亮", Gender.MALE, township.election_day.replace(year=township.election_day.year - 16))
        adult = _person(s, vid, "孔亮", Gender.MALE, dt.date(1980, 5, 5))
    ctx.set_village(vid)
    tab = ElectionTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.select(cid)
    settle()
    panel = tab.totals_panel
    shown = [panel.marks.item(r, 1).text() for r in range(panel.marks.rowCount())]
    assert OLD in shown and YOUNG in shown
    row = shown.index(OLD)
    panel.marks.item(row, 2).setText("200")
    panel.issued.setValue(900)
    panel.returned.setValue(900)
    panel.save()
    settle()
    with db.read_session() as s:
        votes = tally.totals(s, cid).posts["委员"].votes
    assert votes[OLD] == 200 and votes[YOUNG] == 0
    tab.grab().save(str(tmp_path / "ballot_list.png"))
    tab.detail.setCurrentWidget(panel)
    tab.grab().save(str(tmp_path / "tally.png"))
    with db.session() as s:  # a written-in 孔亮 wins a seat; two 孔亮 live in the village, one aged 16
        marks = {k: (v[0], 0, 0) for k, v in MARKS.items()}
        marks[("委员", YOUNG)] = (100, 0, 0)
        tally.save_totals(s, ctx.actor, cid, issued=900, returned=900, invalid=0, marks=marks,
                        write_ins={"委员": {"孔亮": 700}})
        outcome.compute_result(s, ctx.actor, cid)
    tab.select(cid)
    settle()
    result = tab.result
    assert result.identify_btn.isEnabled()
    seen = {}

    def choose(cls, parent, title, label, items):
        seen["items"] = items
        return next(i for i, text in enumerate(items) if "1980年5月5日生" in text)
    monkeypatch.setattr(Ask, "choose", classmethod(choose))
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, *a, **k: "经本人身份证核对"))
    result.identify_write_in()
    qtbot.waitUntil(lambda: "items" in seen, timeout=10_000)
    settle()
    assert len(seen["items"]) == 3 and "都不是" in seen["items"][-1]
    with db.read_session() as s:
        d = contests.contest_view(s, cid).result
    assert d["write_in_identities_input"] == {"孔亮": f"person:{adult.id}"} and not d.get("write_in_unresolved")
    assert not result.identify_btn.isEnabled()


def test_a_written_in_namesake_is_merged_onto_the_right_person(db, clerk, homonyms):
    """另选 “王伟” fits two people: it stays apart until staff merge it onto one of them by the label."""
    cid, ids = homonyms
    with db.session() as s:
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=MARKS, write_ins={"委员": {"王伟": 5}})
        assert tally.totals(s, cid).posts["委员"].write_ins == {"王伟": 5}
        tally.merge_write_in(s, clerk, cid, "委员", "王伟", OLD)
        votes = tally.totals(s, cid).posts["委员"]
        assert votes.votes[OLD] == 205 and votes.votes[YOUNG] == 700 and not votes.write_ins
        assert tally.merge_log(s, cid) == [("委员", "王伟", OLD)]
        res = outcome.compute_result(s, clerk, cid)
        assert {e["id"]: e["votes"] for e in res["elected"] if e["name"] == "王伟"} == {ids[1988][0]: 700}
        assert res["effective_votes"][OLD]["委员"] == 205
