"""The women seat across 另行选举, and the committee's size (issue 14, build items 2 and 3), through the service.

Rules followed (domain.md §4; provincial 选举办法, e.g. 浙江): a village committee includes women; when no woman
reaches the threshold in the first round, one seat is kept for a woman and elected again among women
("在应选名额中确定一个名额另行选举妇女成员"); the 另行选举 winner needs at least one third of the ballots cast; if no
woman reaches it, the women seat stays vacant (暂缺). 村民委员会组织法 §6: the committee has 3 to 7 members.
Expected outcomes are worked out by hand from these rules.
"""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.helpers_elections import committee_contest, organization
from villagevote import township as tw
from villagevote.elections import contests, outcome, tally
from villagevote.errors import ValidationError
from villagevote.models.elections import Contest
from villagevote.reports.pdf.result_report import render_result_report
from villagevote.reports.pdf.winners_notice import render_winners_notice

# First round, 900 ballots cast (threshold 451). 委员 effective votes count 主任 and 副主任 votes too.
# 委员: 孙强 610, 周杰 560, 马超 520 pass; 刘芳 (女) 150 and 丁丽 (女, 副主任 100) do not.
ROUND1 = {("主任", "王建国"): (600, 0, 0), ("主任", "李明"): (180, 0, 0),
          ("副主任", "张伟"): (500, 0, 0), ("副主任", "丁丽"): (100, 0, 0),
          ("委员", "刘芳"): (150, 0, 0), ("委员", "孙强"): (610, 0, 0), ("委员", "周杰"): (560, 0, 0),
          ("委员", "马超"): (520, 0, 0)}


def _pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


@pytest.fixture
def first_round(db, clerk, township) -> int:
    with db.session() as s:
        cid = committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=ROUND1)
        res = outcome.compute_result(s, clerk, cid)
    # the first round holds one 委员 seat for a woman: 马超 passes but men may take only 2 of the 3 seats
    assert {(e["name"], e["post"]) for e in res["elected"]} == {("王建国", "主任"), ("张伟", "副主任"),
                                                              ("孙强", "委员"), ("周杰", "委员")}
    assert res["unfilled"] == {"委员": 1} and res["unfilled_women"] == {"委员": 1}
    return cid


def _additional(s, clerk, first_id: int) -> int:
    org_id = s.get(Contest, first_id).organization_id
    return contests.create_contest(s, clerk, org_id, round_="additional", electorate=1000)


def test_women_seat_puts_the_best_placed_woman_on_the_additional_ballot_and_elects_her(db, clerk, first_round):
    """The 另行选举 ballot takes the best-placed non-winners the 差额 rule needs (1 seat → 2: 马超 520, 李明 180, both
    men) and, the women seat being open, the best-placed unelected woman (刘芳 150, above 丁丽 100) although men
    polled more. In the 另行选举 she wins with 250 of 700 (≥ one third, 234) while 马超 has more votes: the seat is
    the women seat."""
    with db.session() as s:
        add_id = _additional(s, clerk, first_round)
        v = contests.contest_view(s, add_id)
        assert [(p.post, p.seats, p.women_seats) for p in v.posts] == [("委员", 1, 1)]
        assert [c.name for c in v.candidates_for("委员")] == ["马超", "刘芳", "李明"]   # 姓氏笔画: 马 3, 刘 6, 李 7
        tally.save_totals(s, clerk, add_id, issued=700, returned=700, invalid=0, marks={
            ("委员", "马超"): (400, 0, 0), ("委员", "李明"): (50, 0, 0), ("委员", "刘芳"): (250, 0, 0)})
        res = outcome.compute_result(s, clerk, add_id)
    assert res["threshold"] == 234
    assert [(e["name"], e["post"], e["votes"]) for e in res["elected"]] == [("刘芳", "委员", 250)]
    assert res["unfilled"] == {} and res["vacant_women"] == {}
    assert any("马超" in r and "须由妇女担任" in r for r in res["reasons"])


def test_women_seat_left_vacant_after_the_additional_round_and_not_held_again(db, clerk, first_round, tmp_path):
    """If no woman reaches one third in the 另行选举, the women seat is vacant (暂缺): it is reported, not given to a
    man and not held for yet another 另行选举 (the loop the issue describes); the 当选公告 and the result report
    print it."""
    with db.session() as s:
        add_id = _additional(s, clerk, first_round)
        tally.save_totals(s, clerk, add_id, issued=700, returned=700, invalid=0, marks={
            ("委员", "马超"): (450, 0, 0), ("委员", "李明"): (50, 0, 0), ("委员", "刘芳"): (200, 0, 0)})
        res = outcome.compute_result(s, clerk, add_id)
        assert res["valid"] is True and res["elected"] == []
        assert res["vacant_women"] == {"委员": 1} and res["unfilled"] == {} and res["unfilled_women"] == {}
        assert "委员须有妇女 1 名，另行选举中得票达到当选票数（至少 234 票）的女性不足，1 个妇女名额暂缺，不再留作另行选举" \
            in res["reasons"]
        assert res["members_elected"] == 4                   # 王建国, 张伟, 孙强, 周杰: no 再行选举 note needed
        assert not any("再行选举" in r for r in res["reasons"])
        with pytest.raises(ValidationError, match="没有缺额"):
            _additional(s, clerk, add_id)
        view, rows = contests.contest_view(s, add_id), tally.vote_rows(s, add_id)
    # the public notice and the result report say so
    notice = _pdf_text(render_winners_notice(view, tmp_path / "notice.pdf"))
    assert "委员中应有的妇女名额1名，经另行选举无人当选，暂缺。" in notice
    assert "尚缺" not in notice                            # not announced as a seat for another 另行选举
    assert "1个妇女名额暂缺" in _pdf_text(render_result_report(view, rows, tmp_path / "report.pdf"))


def test_two_women_seats_with_one_elected_in_round_one_are_not_subtracted_twice(db, clerk, township):
    """Two 委员 women seats; 刘芳 is elected in round 1, so one woman is still owed. The first round's decision nets
    her out (unfilled_women 1) and the 另行选举 must still elect a woman: 丁丽 (240 of 700 ≥ 234) wins over 周杰
    (400). Subtracting 刘芳 again would give the seat to 周杰."""
    marks = dict(ROUND1)
    marks[("委员", "刘芳")] = (520, 0, 0)
    marks[("委员", "马超")] = (500, 0, 0)
    with db.session() as s:
        cid = committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)
        contests.update_contest(s, clerk, cid, posts=[("主任", 1, 0), ("副主任", 1, 0), ("委员", 3, 2)])
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=marks)
        first = outcome.compute_result(s, clerk, cid)
        assert ("刘芳", "委员") in {(e["name"], e["post"]) for e in first["elected"]}
        assert first["unfilled"] == {"委员": 1} and first["unfilled_women"] == {"委员": 1}
        add_id = _additional(s, clerk, cid)
        v = contests.contest_view(s, add_id)
        assert [(p.post, p.seats, p.women_seats) for p in v.posts] == [("委员", 1, 1)]
        assert sorted(c.name for c in v.candidates_for("委员")) == sorted(["周杰", "马超", "丁丽"])
        data, _ = outcome.engine_input(s, add_id)
        assert {"name": "刘芳", "post": "委员", "gender": "女"} in [
            {k: e.get(k) for k in ("name", "post", "gender")} for e in data["elected_before"]]
        tally.save_totals(s, clerk, add_id, issued=700, returned=700, invalid=0, marks={
            ("委员", "周杰"): (400, 0, 0), ("委员", "马超"): (60, 0, 0), ("委员", "丁丽"): (240, 0, 0)})
        res = outcome.compute_result(s, clerk, add_id)
    assert [(e["name"], e["post"]) for e in res["elected"]] == [("丁丽", "委员")]


@pytest.mark.parametrize("posts, total", [([("主任", 1, 0), ("委员", 1, 0)], 2),
                                          ([("主任", 1, 0), ("副主任", 2, 0), ("委员", 5, 1)], 8)])
def test_committee_of_three_to_seven_members_at_set_up(db, clerk, township, posts, total):
    """村民委员会组织法 §6: 3 to 7 members. Seats adding up to 2 or 8 are refused with the village, the number and the
    rule, and nothing is changed."""
    with db.session() as s:
        cid = committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)
    with pytest.raises(ValidationError, match=f"东村村民委员会应选 {total} 名：.*共 3 至 7 人组成（村民委员会组织法第六条）"):
        with db.session() as s:
            contests.update_contest(s, clerk, cid, posts=posts)
    with db.session() as s:
        assert sum(p.seats for p in contests.contest_view(s, cid).posts) == 5      # unchanged: 1 + 1 + 3
        contests.update_contest(s, clerk, cid, posts=[("主任", 1, 0), ("委员", 2, 1)])        # 3 is fine
        contests.update_contest(s, clerk, cid, posts=[("主任", 1, 0), ("副主任", 2, 0), ("委员", 4, 1)])  # 7 too


def test_committee_size_refused_when_the_contest_is_created_and_the_profile_may_narrow_it(db, admin, clerk, township):
    """The organization's seats are checked when the contest is created; a province whose rule is narrower (here
    3 to 5) sets `village_committee_members` in the cycle's profile and that range is applied."""
    with db.session() as s:
        org = organization(s, township.village_ids[1])
        for seat in org.seats:
            if seat.post == "委员":
                seat.quota = 6                                   # 1 + 1 + 6 = 8
        org_id = org.id
    with pytest.raises(ValidationError, match="西村村民委员会应选 8 名"):
        with db.session() as s:
            contests.create_contest(s, clerk, org_id, electorate=800)
    with db.session() as s:
        assert s.scalar(select(func.count(Contest.id))) == 0      # nothing half-written
        tw.update_cycle(s, admin, township.cycle_id, profile={"village_committee_members": [3, 5]})
        for seat in organization(s, township.village_ids[1]).seats:
            if seat.post == "委员":
                seat.quota = 4                                   # 6 members: legal by §6, not by this profile
    with pytest.raises(ValidationError, match="应选 6 名：.*共 3 至 5 人组成"):
        with db.session() as s:
            contests.create_contest(s, clerk, org_id, electorate=800)


def test_committee_left_below_three_after_the_additional_round_says_what_follows(db, admin, clerk, township,
                                                                                  tmp_path):
    """村民委员会组织法 §6 (3 to 7 members) and the provincial 选举办法 (再行选举 within the period set, here the
    profile's "三个月内"): round 1 elects only the 主任; the 另行选举 elects one 委员; 2 members are fewer than 3, so
    the result says a further election follows within three months — on the reasons and on the 当选公告."""
    low = {("主任", "王建国"): (600, 0, 0), ("主任", "李明"): (180, 0, 0),
           ("副主任", "张伟"): (300, 0, 0), ("副主任", "丁丽"): (100, 0, 0),
           ("委员", "刘芳"): (150, 0, 0), ("委员", "孙强"): (400, 0, 0), ("委员", "周杰"): (350, 0, 0),
           ("委员", "马超"): (300, 0, 0)}
    with db.session() as s:
        tw.update_cycle(s, admin, township.cycle_id, profile={"reelect_within": "三个月内"})
        cid = committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)
        tally.save_totals(s, clerk, cid, issued=900, returned=900, invalid=0, marks=low)
        first = outcome.compute_result(s, clerk, cid)
        assert [e["name"] for e in first["elected"]] == ["王建国"]
        add_id = _additional(s, clerk, cid)
        v = contests.contest_view(s, add_id)
        assert "刘芳" in [c.name for c in v.candidates_for("委员")]     # the women seat is open: a woman stands
        marks = {("委员", c.name): (0, 0, 0) for c in v.candidates_for("委员")}
        marks.update({("副主任", c.name): (0, 0, 0) for c in v.candidates_for("副主任")})
        marks[("委员", "孙强")] = (300, 0, 0)
        marks[("委员", "刘芳")] = (100, 0, 0)
        tally.save_totals(s, clerk, add_id, issued=700, returned=700, invalid=0, marks=marks)
        res = outcome.compute_result(s, clerk, add_id)
        view = contests.contest_view(s, add_id)
    assert [(e["name"], e["post"]) for e in res["elected"]] == [("孙强", "委员")]
    assert res["members_elected"] == 2 and res["vacant_women"] == {"委员": 1}
    assert res["unfilled"] == {"副主任": 1, "委员": 1}
    follow = "村民委员会当选成员共 2 名，少于村民委员会组织法第六条规定的 3 名，应在三个月内再行选举"
    assert res["follow_up"] == [follow] and follow in res["reasons"]
    notice = _pdf_text(render_winners_notice(view, tmp_path / "notice.pdf"))
    assert re.sub(r"\s+", "", follow) + "。" in notice
