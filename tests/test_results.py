"""Result engine tests, built from the rule texts (村民委员会组织法 §34 & provincial 选举办法; 基层组织选举工作条例).

Expected outcomes are worked out by hand from the rules, never produced by the engine under test.
"""
from __future__ import annotations

import pytest

from villagevote.elections.results import check_candidate_margin, decide, ensure_candidate_margin, required_candidates
from villagevote.errors import ValidationError


def village(electorate=None, returned=600, issued=None, invalid=0, seats=None, candidates=(), rnd="first", **extra):
    # electorate defaults to a turnout just over half, so tests not about turnout see a valid election
    data = {
        "body": "village_committee", "round": rnd, "electorate": 2 * returned - 1 if electorate is None else electorate, "present": None,
        "ballots_issued": returned if issued is None else issued, "ballots_returned": returned,
        "ballots_invalid": invalid, "seats": seats or {"主任": 1},
        "candidates": [{"name": n, "gender": g, "votes": v} for n, g, v in candidates],
    }
    data.update(extra)
    return data


def party(due=50, present=45, returned=None, seats=None, candidates=(), rnd="first", **extra):
    data = {
        "body": "party_branch", "round": rnd, "electorate": due, "present": present,
        "ballots_issued": present if returned is None else returned,
        "ballots_returned": present if returned is None else returned,
        "ballots_invalid": 0, "seats": seats or {"委员": 5},
        "candidates": [{"name": n, "gender": g, "votes": v} for n, g, v in candidates],
    }
    data.update(extra)
    return data


def elected(res):
    return {(e["name"], e["post"]) for e in res["elected"]}


# --- validity: turnout -----------------------------------------------------------------------------------------

def test_turnout_exactly_half_is_void():
    res = decide(village(electorate=1000, returned=500, candidates=[("甲", "男", {"主任": 400})]))
    assert res["valid"] is False
    assert res["elected"] == []
    assert res["unfilled"] == {"主任": 1}
    assert any("未超过" in r and "1000" in r and "501" in r for r in res["reasons"])


def test_turnout_half_plus_one_is_valid():
    res = decide(village(electorate=1000, returned=501, candidates=[("甲", "男", {"主任": 400})]))
    assert res["valid"] is True
    assert elected(res) == {("甲", "主任")}


def test_odd_electorate_turnout_boundary():
    # 999 registered: half is 499.5, so 500 voters are more than half and 499 are not
    assert decide(village(electorate=999, returned=500, candidates=[("甲", "男", {"主任": 300})]))["valid"]
    assert not decide(village(electorate=999, returned=499, candidates=[("甲", "男", {"主任": 300})]))["valid"]


def test_more_ballots_returned_than_issued_is_void():
    res = decide(village(electorate=1000, returned=700, issued=699, candidates=[("甲", "男", {"主任": 690})]))
    assert res["valid"] is False and res["outcome"] == "void"
    assert res["elected"] == []
    assert any("收回选票 700 张，多于发出选票 699 张" in r for r in res["reasons"])


def test_more_ballots_than_people_who_voted_is_void():
    res = decide(village(electorate=1000, returned=700, issued=720, present=690,
                         candidates=[("甲", "男", {"主任": 600})]))
    assert res["valid"] is False
    assert any("多于投票人数 690 人" in r for r in res["reasons"])


# --- winning threshold: more than half of ballots cast --------------------------------------------------------

def test_exactly_half_of_ballots_cast_is_not_elected():
    res = decide(village(returned=600, candidates=[("甲", "男", {"主任": 300}), ("乙", "男", {"主任": 280})]))
    assert res["valid"] is True
    assert res["elected"] == []
    assert res["unfilled"] == {"主任": 1}
    assert res["threshold"] == 301
    assert any("须超过参加投票 600 人的半数，即超过 300 票" in r for r in res["reasons"])


def test_half_plus_one_is_elected():
    res = decide(village(returned=600, candidates=[("甲", "男", {"主任": 301}), ("乙", "男", {"主任": 280})]))
    assert elected(res) == {("甲", "主任")}
    assert res["elected"][0]["votes"] == 301


def test_invalid_ballots_still_count_in_the_basis():
    # 600 returned, 20 wholly invalid: the basis is still 600 ballots cast, so 300 valid votes are not enough
    res = decide(village(returned=600, invalid=20, candidates=[("甲", "男", {"主任": 300})]))
    assert res["elected"] == [] and res["threshold"] == 301


def test_issue_example_wording():
    # 6812 ballots cast → "当选票数须超过 3406 票"
    res = decide(village(electorate=8363, returned=6812, issued=6899, candidates=[("甲", "男", {"主任": 3407})]))
    assert any("超过 3406 票" in r for r in res["reasons"])
    assert res["threshold"] == 3407
    assert elected(res) == {("甲", "主任")}


def test_seats_filled_in_vote_order_when_more_qualify():
    res = decide(village(returned=100, seats={"委员": 2}, candidates=[
        ("甲", "男", {"委员": 60}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 55})]))
    assert elected(res) == {("乙", "委员"), ("甲", "委员")}
    assert [e["name"] for e in res["elected"]] == ["乙", "甲"]
    assert any("丙" in r and "名额已满" in r for r in res["reasons"])


# --- higher posts count for lower posts ----------------------------------------------------------------------

def test_higher_post_votes_count_for_lower_posts():
    # 乙 stood for 主任 (40 votes) and got 15 votes as 副主任: 55 > 50 → elected 副主任 only through aggregation
    res = decide(village(returned=100, seats={"主任": 1, "副主任": 1, "委员": 1}, candidates=[
        ("甲", "男", {"主任": 58}), ("乙", "男", {"主任": 40, "副主任": 15}),
        ("丙", "男", {"副主任": 45}), ("丁", "女", {"委员": 51})]))
    assert elected(res) == {("甲", "主任"), ("乙", "副主任"), ("丁", "委员")}
    deputy = next(e for e in res["elected"] if e["post"] == "副主任")
    assert deputy["votes"] == 55


def test_without_aggregation_the_same_votes_do_not_elect():
    res = decide(village(returned=100, seats={"主任": 1, "副主任": 1}, aggregate_higher_posts=False, candidates=[
        ("甲", "男", {"主任": 58}), ("乙", "男", {"主任": 40, "副主任": 15})]))
    assert elected(res) == {("甲", "主任")}
    assert res["unfilled"] == {"副主任": 1}


def test_person_elected_to_higher_post_is_not_elected_again_lower():
    # 甲's 90 主任 votes also count for 委员 but 甲 already holds 主任; the two 委员 seats go to the next people
    res = decide(village(returned=100, seats={"主任": 1, "委员": 2}, candidates=[
        ("甲", "男", {"主任": 90}), ("乙", "男", {"委员": 70}), ("丙", "女", {"委员": 60})]))
    assert elected(res) == {("甲", "主任"), ("乙", "委员"), ("丙", "委员")}
    assert sum(1 for e in res["elected"] if e["name"] == "甲") == 1


# --- women seat ----------------------------------------------------------------------------------------------

def test_women_seat_displaces_lowest_man():
    res = decide(village(returned=100, seats={"委员": 3}, women_seats={"委员": 1}, candidates=[
        ("甲", "男", {"委员": 90}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 70}), ("丁", "女", {"委员": 55})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员"), ("丁", "委员")}
    assert any("丙" in r and "妇女" in r for r in res["reasons"])


def test_women_seat_already_met_by_vote_order():
    res = decide(village(returned=100, seats={"委员": 2}, women_seats={"委员": 1}, candidates=[
        ("甲", "女", {"委员": 70}), ("乙", "男", {"委员": 65}), ("丙", "男", {"委员": 60})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员")}


def test_women_seat_held_back_when_no_woman_qualifies():
    res = decide(village(returned=100, seats={"委员": 3}, women_seats={"委员": 1}, candidates=[
        ("甲", "男", {"委员": 90}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 70}), ("丁", "女", {"委员": 50})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员")}
    assert res["unfilled"] == {"委员": 1}
    assert res["unfilled_women"] == {"委员": 1}


def test_woman_elected_to_higher_post_counts_for_the_body():
    res = decide(village(returned=100, seats={"主任": 1, "委员": 2}, women_seats={"委员": 1}, candidates=[
        ("甲", "女", {"主任": 60}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 70})]))
    assert elected(res) == {("甲", "主任"), ("乙", "委员"), ("丙", "委员")}
    scoped = decide(village(returned=100, seats={"主任": 1, "委员": 2}, women_seats={"委员": 1}, women_scope="post",
                            candidates=[("甲", "女", {"主任": 60}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 70})]))
    assert elected(scoped) == {("甲", "主任"), ("乙", "委员")}
    assert scoped["unfilled_women"] == {"委员": 1}


# --- ties ----------------------------------------------------------------------------------------------------

def test_tie_at_last_seat_is_reported_not_decided():
    res = decide(village(returned=100, seats={"委员": 2}, candidates=[
        ("甲", "男", {"委员": 80}), ("乙", "男", {"委员": 60}), ("丙", "男", {"委员": 60})]))
    assert elected(res) == {("甲", "委员")}
    assert len(res["ties"]) == 1
    tie = res["ties"][0]
    assert tie["post"] == "委员" and set(tie["names"]) == {"乙", "丙"} and tie["votes"] == 60 and tie["seats"] == 1
    assert "委员" not in res["unfilled"]


def test_tie_does_not_depend_on_input_order():
    # in a first round two people cannot both pass half for one seat; in 另行选举 (one third) they can
    a = decide(village(returned=100, rnd="additional", seats={"委员": 1},
                       candidates=[("乙", "男", {"委员": 40}), ("丙", "男", {"委员": 40})]))
    b = decide(village(returned=100, rnd="additional", seats={"委员": 1},
                       candidates=[("丙", "男", {"委员": 40}), ("乙", "男", {"委员": 40})]))
    assert a["elected"] == b["elected"] == []
    assert set(a["ties"][0]["names"]) == set(b["ties"][0]["names"]) == {"乙", "丙"}


def test_tie_inside_seats_elects_both():
    res = decide(village(returned=100, seats={"委员": 3}, candidates=[
        ("甲", "男", {"委员": 80}), ("乙", "男", {"委员": 60}), ("丙", "男", {"委员": 60}), ("丁", "男", {"委员": 55})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员"), ("丙", "委员")}
    assert res["ties"] == []


def test_tie_with_women_seat_resolved_by_gender_rule():
    # one seat left, men capped by the women seat: the woman wins although a man has the same votes
    res = decide(village(returned=100, seats={"委员": 3}, women_seats={"委员": 1}, candidates=[
        ("甲", "男", {"委员": 90}), ("乙", "男", {"委员": 80}), ("丙", "男", {"委员": 60}), ("丁", "女", {"委员": 60})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员"), ("丁", "委员")}
    assert res["ties"] == []


def test_tie_at_higher_post_leaves_lower_posts_pending_until_resolved():
    # 另行选举 for 主任 and 委员 on one ballot: 150 ballots, one third = 50
    base = village(returned=150, rnd="additional", seats={"主任": 1, "委员": 2}, candidates=[
        ("甲", "男", {"主任": 55}), ("乙", "男", {"主任": 55}), ("丙", "男", {"委员": 60})])
    res = decide(base)
    assert res["elected"] == []
    assert res["ties"][0]["post"] == "主任"
    assert res["pending"] == {"委员": 2}
    resolved = decide(dict(base, resolved_ties=[{"post": "主任", "names": ["乙"], "how": "重新投票"}]))
    # 甲's 55 主任 votes count for 委员 (55 >= 50), so 甲 and 丙 take the two 委员 seats
    assert elected(resolved) == {("乙", "主任"), ("丙", "委员"), ("甲", "委员")}
    with pytest.raises(ValidationError):
        decide(dict(base, resolved_ties=[{"post": "主任", "names": ["丙"]}]))


# --- 另行选举 ------------------------------------------------------------------------------------------------

def test_additional_round_exactly_one_third_is_elected():
    res = decide(village(returned=600, rnd="additional", seats={"委员": 1}, candidates=[
        ("甲", "男", {"委员": 200}), ("乙", "男", {"委员": 150})]))
    assert elected(res) == {("甲", "委员")}
    assert res["threshold"] == 200
    assert any("三分之一" in r and "至少 200 票" in r for r in res["reasons"])


def test_additional_round_below_one_third_is_not_elected():
    res = decide(village(returned=600, rnd="additional", seats={"委员": 1}, candidates=[
        ("甲", "男", {"委员": 199}), ("乙", "男", {"委员": 150})]))
    assert res["elected"] == [] and res["unfilled"] == {"委员": 1}


def test_additional_round_one_third_rounds_up():
    # 601 ballots: one third is 200.33, so 200 is not enough and 201 is
    assert decide(village(returned=601, rnd="additional", seats={"委员": 1},
                          candidates=[("甲", "男", {"委员": 200})]))["elected"] == []
    assert elected(decide(village(returned=601, rnd="additional", seats={"委员": 1},
                                  candidates=[("甲", "男", {"委员": 201})]))) == {("甲", "委员")}


def test_additional_round_most_votes_win():
    res = decide(village(returned=600, rnd="additional", seats={"委员": 2}, candidates=[
        ("甲", "男", {"委员": 250}), ("乙", "男", {"委员": 240}), ("丙", "男", {"委员": 230})]))
    assert elected(res) == {("甲", "委员"), ("乙", "委员")}


# --- Party organization --------------------------------------------------------------------------------------

def test_party_exactly_four_fifths_present_is_void():
    res = decide(party(due=50, present=40, candidates=[("甲", "男", {"委员": 40})]))
    assert res["valid"] is False
    assert any("未超过应到会 50 人的五分之四" in r and "41" in r for r in res["reasons"])


def test_party_more_than_four_fifths_present_is_valid():
    res = decide(party(due=50, present=41, seats={"委员": 1}, candidates=[("甲", "男", {"委员": 30})]))
    assert res["valid"] is True and elected(res) == {("甲", "委员")}


def test_party_majority_of_present_not_of_returned():
    # 45 present, only 40 ballots returned: the basis is the 45 present, so 22 is not enough, 23 is
    res = decide(party(due=50, present=45, returned=40, seats={"委员": 2}, candidates=[
        ("甲", "男", {"委员": 23}), ("乙", "男", {"委员": 22})]))
    assert elected(res) == {("甲", "委员")}
    assert res["threshold"] == 23
    assert res["unfilled"] == {"委员": 1}
    assert any("实到会有选举权的党员 45 人的半数" in r for r in res["reasons"])


def test_party_ballots_more_than_present_is_void():
    res = decide(party(due=50, present=45, returned=46, candidates=[("甲", "男", {"委员": 30})]))
    assert res["valid"] is False


def test_party_tie_votes_again():
    res = decide(party(due=10, present=9, seats={"委员": 2}, candidates=[
        ("甲", "男", {"委员": 8}), ("乙", "男", {"委员": 5}), ("丙", "男", {"委员": 5})]))
    assert elected(res) == {("甲", "委员")}
    assert set(res["ties"][0]["names"]) == {"乙", "丙"} and res["ties"][0]["seats"] == 1
    assert "重新投票" in " ".join(res["reasons"])


def test_party_requires_present():
    with pytest.raises(ValidationError):
        decide(party(present=None))


# --- bad input -------------------------------------------------------------------------------------------------

def test_votes_exceeding_valid_ballots_is_an_input_error():
    res = decide(village(returned=600, invalid=10, candidates=[("甲", "男", {"主任": 595})]))
    assert res["valid"] is False and res["outcome"] == "input_error"
    assert any("595" in r and "590" in r for r in res["reasons"])


def test_post_total_beyond_ballots_times_seats_is_an_input_error():
    res = decide(village(returned=100, seats={"主任": 1}, candidates=[("甲", "男", {"主任": 60}), ("乙", "男", {"主任": 50})]))
    assert res["outcome"] == "input_error"


def test_write_in_for_post_without_seats_is_refused():
    with pytest.raises(ValidationError, match="没有该职务"):
        decide(village(seats={"主任": 1}, candidates=[("甲", "男", {"副主任": 3})]))


def test_malformed_input_is_refused():
    with pytest.raises(ValidationError):
        decide({"body": "village_committee"})
    with pytest.raises(ValidationError):
        decide(village(returned=-1))
    with pytest.raises(ValidationError):
        decide(village(candidates=[("甲", "男", {"主任": 1}), ("甲", "男", {"主任": 2})]))


def test_output_contract_keys():
    res = decide(village(candidates=[("甲", "男", {"主任": 400})]))
    for key in ("valid", "reasons", "threshold", "elected", "unfilled", "ties"):
        assert key in res
    assert set(res["elected"][0]) >= {"name", "post", "votes"}


# --- 差额 check ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seats,need", [(3, 4), (5, 6), (7, 9), (9, 11), (10, 12)])
def test_party_candidates_at_least_twenty_percent_more(seats, need):
    assert required_candidates("party_branch", seats) == need


def test_margin_check_messages():
    assert check_candidate_margin("party_branch", {"委员": 5}, {"委员": 6}) == []
    problems = check_candidate_margin("party_branch", {"委员": 7}, {"委员": 8})
    assert problems and "至少 9 名" in problems[0] and "现有 8 名" in problems[0]
    problems = check_candidate_margin("village_committee", {"主任": 1, "委员": 3}, {"主任": 1, "委员": 4})
    assert len(problems) == 1 and "主任" in problems[0]
    assert check_candidate_margin("village_committee", {"主任": 1}, {}, mode="自荐直选") == []
    with pytest.raises(ValidationError):
        ensure_candidate_margin("party_branch", {"委员": 5}, {"委员": 5})


# --- command line ----------------------------------------------------------------------------------------------

def test_cli_result_json_file_and_stdin(tmp_path, capsys, monkeypatch):
    import io
    import json

    from villagevote.cli import main
    data = village(returned=600, candidates=[("甲", "男", {"主任": 301}), ("乙", "男", {"主任": 280})])
    path = tmp_path / "contest.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["result", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["elected"] == [{"name": "甲", "post": "主任", "votes": 301, "share": "50.17"}]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(dict(data, ballots_issued=599))))
    assert main(["result", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False and out["outcome"] == "void"


def test_additional_round_women_seats_are_net_and_earlier_winners_are_not_reelected():
    """Provincial 选举办法 ("在应选名额中确定一个名额另行选举妇女成员"): the 另行选举 elects the women seats the first
    round left open. Those are counted once, by the first round (its unfilled_women already nets out the women it
    elected); in the 另行选举 `women_seats` is the number still owed and `elected_before` only bars re-election."""
    # first round elected a woman 主任, so the first round owed no woman on 委员: the 另行选举 gets women_seats 0
    base = village(returned=90, rnd="additional", seats={"委员": 1}, candidates=[
        ("甲", "女", {"委员": 40}), ("乙", "男", {"委员": 35})],
        elected_before=[{"name": "甲", "post": "主任", "gender": "女"}])
    res = decide(base)
    assert elected(res) == {("乙", "委员")}                          # 甲 cannot be elected twice
    # one woman still owed: a woman elected before does not cancel it a second time
    owed = decide(dict(base, women_seats={"委员": 1}, candidates=[
        {"name": "乙", "gender": "男", "votes": {"委员": 60}}, {"name": "丙", "gender": "女", "votes": {"委员": 30}}]))
    assert elected(owed) == {("丙", "委员")}                          # 30 * 3 >= 90: at least one third


def test_candidate_votes_summed_over_posts_beyond_ballots_is_an_input_error():
    """One ballot counts a person at one post only (the higher post, 选举办法 on 一票多职), so a person's votes over
    all posts cannot exceed the ballots cast: 6 主任 + 5 委员 = 11 of 10 ballots is a miscount, not a result."""
    res = decide(village(returned=10, electorate=15, seats={"主任": 1, "委员": 2}, candidates=[
        ("甲", "男", {"主任": 6, "委员": 5}), ("乙", "男", {"主任": 4, "委员": 5})]))
    assert res["valid"] is False and res["outcome"] == "input_error" and res["elected"] == []
    text = "".join(res["reasons"])
    assert "甲 各职务得票合计 11 票（主任 6 票、委员 5 票），多于有效选票 10 张" in text
    assert "乙" not in text                                          # 4 + 5 = 9 is fine
    ok = decide(village(returned=10, electorate=15, seats={"主任": 1, "委员": 2}, candidates=[
        ("甲", "男", {"主任": 6, "委员": 4}), ("乙", "男", {"主任": 4, "委员": 5})]))
    assert ok["outcome"] == "valid"                                  # exactly 10 of 10 is possible


def test_additional_round_leaving_fewer_than_three_members_says_what_follows():
    """村民委员会组织法 §6: a village committee has 3 to 7 members. A 另行选举 that leaves 2 says so and that a further
    election (再行选举) follows within the period the province sets (the profile's `reelect_within`)."""
    res = decide(village(returned=90, rnd="additional", seats={"委员": 2}, reelect_within="三个月内", candidates=[
        ("丙", "男", {"委员": 20}), ("丁", "女", {"委员": 10})],
        elected_before=[{"name": "甲", "post": "主任", "gender": "男"}, {"name": "乙", "post": "副主任", "gender": "女"}]))
    assert res["elected"] == [] and res["members_elected"] == 2
    assert "村民委员会当选成员共 2 名，少于村民委员会组织法第六条规定的 3 名，应在三个月内再行选举" in res["reasons"]
    # with one 委员 elected the committee has 3: nothing more to say
    three = decide(village(returned=90, rnd="additional", seats={"委员": 2}, candidates=[
        ("丙", "男", {"委员": 30}), ("丁", "女", {"委员": 10})],
        elected_before=[{"name": "甲", "post": "主任", "gender": "男"}, {"name": "乙", "post": "副主任", "gender": "女"}]))
    assert three["members_elected"] == 3 and not any("再行选举" in r for r in three["reasons"])


def test_additional_round_director_vacant_deputy_presides():
    """Provincial 选举办法: when the 主任 is still not elected after the 另行选举, the 副主任 presides (主持工作) and the
    主任 is elected again (再行选举) within the period set; without a profile period the reasons say 规定期限内."""
    res = decide(village(returned=90, rnd="additional", seats={"主任": 1}, candidates=[
        ("甲", "男", {"主任": 29}), ("丁", "男", {"主任": 20})],
        elected_before=[{"name": "乙", "post": "副主任", "gender": "女"}, {"name": "丙", "post": "委员", "gender": "男"},
                        {"name": "戊", "post": "委员", "gender": "男"}]))
    assert res["elected"] == [] and res["unfilled"] == {"主任": 1}   # 29 * 3 < 90
    assert "主任暂缺，由副主任乙主持工作，应在规定期限内再行选举主任" in res["reasons"]
