"""Pure tally helpers: per-ballot validation, reconciliation, write-in merging, engine input."""
from __future__ import annotations

import pytest

from villagevote.elections.results import decide
from villagevote.elections.tally_logic import (
    ABSTAIN,
    AGREE,
    DISAGREE,
    Ballot,
    BallotCounter,
    PostTotals,
    TallyTotals,
    check_ballot,
    contest_input,
    merge_write_in,
    normalize_name,
    reconcile,
    suggest_merges,
)
from villagevote.errors import ValidationError

SEATS = {"主任": 1, "委员": 2}
CANDS = {"主任": ["王一", "李二"], "委员": ["张三", "赵四", "钱五"]}


def test_too_many_choices_invalidates_only_that_post():
    b = Ballot(marks={"主任": {"王一": AGREE, "李二": AGREE}, "委员": {"张三": AGREE}})
    chk = check_ballot(b, SEATS, CANDS)
    assert "主任" in chk.invalid_parts and "应选 1 名" in chk.invalid_parts["主任"]
    assert chk.choices == {"委员": ["张三"]} and chk.unused == {"委员": 1}


def test_write_in_counts_as_a_choice():
    b = Ballot(marks={"委员": {"张三": AGREE, "赵四": DISAGREE}}, write_ins={"委员": ["孙 六"]})
    chk = check_ballot(b, SEATS, CANDS)
    assert chk.choices["委员"] == ["张三", "孙六"] and chk.unused["委员"] == 0
    b2 = Ballot(marks={"委员": {"张三": AGREE, "赵四": AGREE}}, write_ins={"委员": ["孙六"]})
    assert "委员" in check_ballot(b2, SEATS, CANDS).invalid_parts


def test_write_in_for_post_without_seats_is_refused():
    with pytest.raises(ValidationError, match="没有应选名额"):
        check_ballot(Ballot(write_ins={"副主任": ["孙六"]}), SEATS, CANDS)


def test_same_person_at_two_posts_counts_once_at_higher_post():
    b = Ballot(marks={"主任": {"王一": AGREE}}, write_ins={"委员": ["王一"]})
    chk = check_ballot(b, SEATS, CANDS)
    assert chk.choices == {"主任": ["王一"], "委员": []} and chk.unused["委员"] == 2


def test_counter_totals_reconcile_and_spoilt_register():
    ctr = BallotCounter(SEATS, CANDS, issued=5, returned=5)
    ctr.add(Ballot(marks={"主任": {"王一": AGREE, "李二": DISAGREE}, "委员": {"张三": AGREE, "赵四": AGREE}}))
    ctr.add(Ballot(marks={"主任": {"李二": AGREE}, "委员": {"张三": AGREE, "赵四": ABSTAIN}}, write_ins={"委员": ["孙六"]}))
    ctr.add(Ballot(marks={"主任": {"王一": AGREE, "李二": AGREE}, "委员": {"钱五": AGREE}}))
    ctr.add(Ballot(wholly_invalid=True, invalid_reason="无法辨认"))
    ctr.add(Ballot(marks={"委员": {"张三": AGREE, "赵四": AGREE, "钱五": AGREE}}))
    t = ctr.totals()
    assert t.wholly_invalid == 1
    assert t.posts["主任"].votes == {"王一": 1, "李二": 1}
    assert t.posts["主任"].invalid_parts == 1
    assert t.posts["委员"].votes == {"张三": 2, "赵四": 1, "钱五": 1}
    assert t.posts["委员"].write_ins == {"孙六": 1}
    assert t.posts["委员"].abstain == {"赵四": 1}
    # 主任: 5 returned - 1 invalid - 1 invalid part = 3 valid × 1 seat = 2 votes + 1 unused (ballot 5 left it blank)
    assert t.posts["主任"].unused == 1
    assert reconcile(t, SEATS) == []
    reg = ctr.spoilt_register()
    assert [(r.number, r.scope) for r in reg] == [(3, "主任"), (4, "整张"), (5, "委员")]
    assert ctr.undo() is not None and ctr.totals().ballots_entered == 4
    assert any("已录入 4 张" in p for p in reconcile(ctr.totals(), SEATS))


def test_reconcile_reports_bad_totals():
    t = TallyTotals(issued=100, returned=101, wholly_invalid=1)
    t.posts["主任"] = PostTotals(votes={"王一": 99, "李二": 5}, disagree={"王一": 2})
    problems = reconcile(t, {"主任": 1})
    assert any("收回选票 101 张，多于发出选票 100 张" in p for p in problems)
    assert any("王一" in p and "合计 101" in p for p in problems)
    assert any("得票合计 104 票，超过有效选票 100 张" in p for p in problems)
    t2 = TallyTotals(issued=10, returned=10)
    t2.posts["委员"] = PostTotals(unused=5, votes={"张三": 8, "赵四": 6})
    assert any("相差 -1" in p for p in reconcile(t2, {"委员": 2}))


def test_merge_write_ins_moves_votes_and_is_recorded():
    t = TallyTotals(issued=10, returned=10)
    t.posts["委员"] = PostTotals(votes={"张三": 4}, write_ins={"孙六": 3, "孙 六": 1, "张叁": 2})
    rec = merge_write_in(t, "委员", "孙 六", "孙六")
    assert (rec.source, rec.target, rec.votes) == ("孙 六", "孙六", 1)
    assert t.posts["委员"].write_ins == {"孙六": 4, "张叁": 2}
    merge_write_in(t, "委员", "张叁", "张三")
    assert t.posts["委员"].votes["张三"] == 6 and "张叁" not in t.posts["委员"].write_ins
    with pytest.raises(ValidationError):
        merge_write_in(t, "委员", "不存在", "张三")


def test_suggest_merges():
    pairs = {(a, b) for a, b, _ in suggest_merges(["孙 六", "张叁"], known=["孙六", "张三"])}
    assert ("孙 六", "孙六") in pairs and ("张叁", "张三") in pairs
    assert normalize_name("王 芳（女）") == "王芳"


def test_contest_input_feeds_the_engine():
    t = TallyTotals(issued=10, returned=10)
    t.posts["主任"] = PostTotals(votes={"王一": 6, "李二": 4})
    t.posts["委员"] = PostTotals(votes={"张三": 6, "李二": 2}, write_ins={"孙六": 6})
    data = contest_input(t, "village_committee", "first", 15, None, SEATS, {"孙六": "女"})
    res = decide(data)
    # 李二: 4 主任 + 2 委员 = 6 for 委员, equal to 张三 and 孙六: three people tie for two 委员 seats
    assert {(e["name"], e["post"]) for e in res["elected"]} == {("王一", "主任")}
    assert set(res["ties"][0]["names"]) == {"张三", "李二", "孙六"} and res["ties"][0]["seats"] == 2


# --- keyboard code for 唱票 -----------------------------------------------------------------------------------

def test_entry_code_parses_marks_write_ins_and_invalid():
    from villagevote.elections.entry_code import describe, parse_code
    posts = ["主任", "委员"]
    b = parse_code("1/13+孙 六", posts, CANDS)
    assert b.marks == {"主任": {"王一": AGREE}, "委员": {"张三": AGREE, "钱五": AGREE}}
    assert b.write_ins == {"委员": ["孙 六"]}
    chk = check_ballot(b, SEATS, CANDS)
    assert "委员" in chk.invalid_parts                      # 3 choices for 2 seats
    assert "应选 2 名" in describe(chk, posts)
    b2 = parse_code("-1*2/2", posts, CANDS)
    assert b2.marks["主任"] == {"王一": DISAGREE, "李二": ABSTAIN} and b2.marks["委员"] == {"赵四": AGREE}
    b3 = parse_code("x 字迹无法辨认", posts, CANDS)
    assert b3.wholly_invalid and b3.invalid_reason == "字迹无法辨认"
    with pytest.raises(ValidationError, match="没有第 4 号"):
        parse_code("/4", posts, CANDS)
    with pytest.raises(ValidationError, match="2 个职务"):
        parse_code("1/1/1", posts, CANDS)
    with pytest.raises(ValidationError, match="无法识别"):
        parse_code("a", posts, CANDS)
