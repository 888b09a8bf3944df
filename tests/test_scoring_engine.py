"""Scoring engine (实绩比选): every aggregation path, caps, rounding at a cut-off, recusal, ties, double entry.

Expected values are worked out by hand in each test (the arithmetic is written next to them), never by the engine.
"""
from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from villagevote.errors import ValidationError
from villagevote.scoring.engine import compute_results
from villagevote.scoring.records import (
    OUTCOME_FAIL,
    OUTCOME_INCOMPLETE,
    OUTCOME_PASS,
    OUTCOME_PENDING,
    OUTCOME_TIE_PENDING,
    TIE_OPEN,
    TIE_RESOLVED_BY_DECISION,
    TIE_RESOLVED_BY_RULE,
    Adjustment,
    Candidate,
    Rater,
    Recusal,
    TieDecision,
)
from villagevote.scoring.scheme import (
    load_example_schemes,
    scheme_from_dict,
    scheme_from_json,
    scheme_to_dict,
)
from villagevote.scoring.values import compare_entries, describe_mismatches, parse_score, round_half_up


def make_scheme(**over) -> dict:
    """A one-criterion, one-group scheme (plain mean, min 60) that tests change piece by piece."""
    data = {
        "format": 1,
        "code": "t",
        "name": "测试方案",
        "criteria_weights_must_sum_to": None,
        "group_weights_must_sum_to": "1",
        "rater_groups": [{"code": "g", "name": "评委组", "weight": "1"}],
        "criteria": [{"code": "c1", "name": "工作实绩", "max": "100", "weight": "1"}],
        "aggregation": {"method": "mean", "scope": "pooled", "trim_min_raters": 3},
        "rounding": {"places": 2, "mode": "half_up"},
        "entry_places": 2,
        "cutoff": {"min_total": "60", "top_n_per_post": None},
        "tie_rule": {"priority_criteria": []},
    }
    data.update(over)
    return data


def one_criterion_run(scheme_dict: dict, values: list[str], group: str = "g"):
    """One candidate, one rater per value, criterion c1."""
    scheme = scheme_from_dict(scheme_dict)
    cand = Candidate(1, "张三", "书记")
    raters = [Rater(f"r{i}", f"评委{i}", group) for i in range(len(values))]
    sheets = {f"r{i}": {(1, "c1"): D(v)} for i, v in enumerate(values)}
    return compute_results(scheme, [cand], raters, sheets).by_id(1)


# -- aggregation -----------------------------------------------------------------------------------------------------

def test_plain_mean():
    # (80 + 85 + 91) / 3 = 256 / 3 = 85.3333… -> 85.33
    r = one_criterion_run(make_scheme(), ["80", "85", "91"])
    assert r.criterion("c1").score == Fraction(256, 3)
    assert r.total == D("85.33")
    assert r.outcome == OUTCOME_PASS
    assert "256" not in "".join(r.lines)  # the breakdown shows the sum as terms, not a computed literal
    assert "(80+85+91)÷3" in "\n".join(r.lines)


def test_weighted_criteria():
    # weights 60/40 (must sum to 100): A mean (90+70)/2 = 80, B mean (50+70)/2 = 60
    # total = (80×60 + 60×40)/100 = (4800 + 2400)/100 = 72
    data = make_scheme(criteria_weights_must_sum_to="100", criteria=[
        {"code": "a", "name": "服务中心工作", "max": "100", "weight": "60"},
        {"code": "b", "name": "民主评议", "max": "100", "weight": "40"}])
    scheme = scheme_from_dict(data)
    raters = [Rater("x", "甲", "g"), Rater("y", "乙", "g")]
    sheets = {"x": {(1, "a"): D(90), (1, "b"): D(50)}, "y": {(1, "a"): D(70), (1, "b"): D(70)}}
    r = compute_results(scheme, [Candidate(1, "张三")], raters, sheets).by_id(1)
    assert r.total == D("72.00")
    assert r.criterion("a").contribution == 48 and r.criterion("b").contribution == 24


def test_trimmed_mean_two_raters_falls_back_to_mean_and_says_so():
    # only 2 raters: nothing dropped, (70 + 90)/2 = 80
    r = one_criterion_run(make_scheme(aggregation={"method": "trimmed_mean", "scope": "pooled"}), ["70", "90"])
    assert r.total == D("80.00")
    unit = r.criterion("c1").units[0]
    assert unit.fallback_to_mean and unit.dropped_high is None and unit.dropped_low is None
    assert "评委不足 3 人，不去掉最高分和最低分" in "\n".join(r.lines)


def test_trimmed_mean_three_raters_keeps_the_middle_score():
    # 70, 85, 90: drop 90 and 70 -> 85
    r = one_criterion_run(make_scheme(aggregation={"method": "trimmed_mean", "scope": "pooled"}), ["70", "85", "90"])
    assert r.total == D("85.00")
    unit = r.criterion("c1").units[0]
    assert unit.dropped_high == ("评委2", D(90)) and unit.dropped_low == ("评委0", D(70))
    text = "\n".join(r.lines)
    assert "去掉一个最高分 90（评委2）" in text and "最低分 70（评委0）" in text


def test_trimmed_mean_ten_raters():
    # 60 70 75 80 82 84 86 88 90 99: drop 99 and 60;
    # 70+75+80+82+84+86+88+90 = 655; 655/8 = 81.875 -> half-up 81.88
    values = ["88", "60", "75", "99", "80", "82", "84", "86", "70", "90"]
    r = one_criterion_run(make_scheme(aggregation={"method": "trimmed_mean", "scope": "pooled"}), values)
    assert r.criterion("c1").score == Fraction(655, 8)
    assert r.total == D("81.88")
    unit = r.criterion("c1").units[0]
    assert unit.dropped_high[1] == D(99) and unit.dropped_low[1] == D(60)
    assert len(unit.kept) == 8


def test_trimmed_mean_with_equal_extremes_drops_only_one_of_each():
    # 80, 80, 90, 90: drop one 90 and one 80 -> (80 + 90)/2 = 85
    r = one_criterion_run(make_scheme(aggregation={"method": "trimmed_mean", "scope": "pooled"}),
                          ["80", "90", "80", "90"])
    assert r.total == D("85.00")
    assert "同分者任去其一" in "\n".join(r.lines)


def test_group_weighting_differs_from_pooled():
    # groups 领导 60 / 驻村 20 / 代表 20 (sum 100)
    # 领导: 90, 80 -> 85;  驻村: 70 -> 70;  代表: 60, 80 -> 70
    # per group: (85×60 + 70×20 + 70×20)/100 = (5100 + 1400 + 1400)/100 = 79
    # pooled:    (90+80+70+60+80)/5 = 380/5 = 76
    groups = [{"code": "lead", "name": "乡镇领导", "weight": "60"},
              {"code": "cadre", "name": "驻村干部", "weight": "20"},
              {"code": "rep", "name": "党员村民代表", "weight": "20"}]
    raters = [Rater(1, "甲", "lead"), Rater(2, "乙", "lead"), Rater(3, "丙", "cadre"), Rater(4, "丁", "rep"),
              Rater(5, "戊", "rep")]
    vals = {1: "90", 2: "80", 3: "70", 4: "60", 5: "80"}
    sheets = {k: {(1, "c1"): D(v)} for k, v in vals.items()}
    per_group = scheme_from_dict(make_scheme(rater_groups=groups, group_weights_must_sum_to="100",
                                             aggregation={"method": "mean", "scope": "per_group"}))
    pooled = scheme_from_dict(make_scheme(rater_groups=groups, group_weights_must_sum_to="100",
                                          aggregation={"method": "mean", "scope": "pooled"}))
    r1 = compute_results(per_group, [Candidate(1, "张三")], raters, sheets).by_id(1)
    r2 = compute_results(pooled, [Candidate(1, "张三")], raters, sheets).by_id(1)
    assert r1.total == D("79.00")
    assert r2.total == D("76.00")
    assert [u.mean for u in r1.criterion("c1").units] == [85, 70, 70]
    assert "(85×60 + 70×20 + 70×20)÷100 = 79" in "\n".join(r1.lines)


def test_criterion_scored_by_subset_of_groups_uses_its_own_weights():
    # 中心工作 scored only by 领导 and 驻村, 50/50: 领导 (90+80)/2 = 85, 驻村 70 -> (85×50 + 70×50)/100 = 77.5
    groups = [{"code": "lead", "name": "乡镇领导", "weight": "60"},
              {"code": "cadre", "name": "驻村干部", "weight": "40"}, {"code": "rep", "name": "代表", "weight": "0"}]
    data = make_scheme(rater_groups=groups, group_weights_must_sum_to="100",
                       aggregation={"method": "mean", "scope": "per_group"},
                       criteria=[{"code": "c1", "name": "服务中心工作", "max": "100", "weight": "1",
                                  "groups": ["lead", "cadre"], "group_weights": {"lead": "50", "cadre": "50"}}])
    scheme = scheme_from_dict(data)
    raters = [Rater(1, "甲", "lead"), Rater(2, "乙", "lead"), Rater(3, "丙", "cadre"), Rater(4, "丁", "rep")]
    sheets = {1: {(1, "c1"): D(90)}, 2: {(1, "c1"): D(80)}, 3: {(1, "c1"): D(70)}, 4: {}}
    r = compute_results(scheme, [Candidate(1, "张三")], raters, sheets).by_id(1)
    assert r.total == D("77.50")
    # a representative may not score a criterion their group does not score
    with pytest.raises(ValidationError, match="不评此项"):
        compute_results(scheme, [Candidate(1, "张三")], raters, {**sheets, 4: {(1, "c1"): D(60)}})


def test_bonus_and_deduction_caps_per_item_and_in_total():
    # criteria score 80
    # bonus: honours 2 + 2 = 4, cap 3 -> 3; prosperity 3, cap 3 -> 3; items 6, total cap 5 -> 5
    # deduction: discipline 12, cap 10 -> 10; total cap 8 -> 8
    # total = 80 + 5 - 8 = 77
    data = make_scheme(
        bonus_items=[{"code": "honours", "name": "荣誉表彰", "cap": "3"},
                     {"code": "prosper", "name": "双带能力", "cap": "3"}],
        bonus_total_cap="5",
        deduction_items=[{"code": "discipline", "name": "党纪处分", "cap": "10"}],
        deduction_total_cap="8")
    scheme = scheme_from_dict(data)
    adj = [Adjustment(1, "honours", D(2), "县级优秀党员"), Adjustment(1, "honours", D(2), "市级劳模"),
           Adjustment(1, "prosper", D(3)), Adjustment(1, "discipline", D(12), "严重警告")]
    r = compute_results(scheme, [Candidate(1, "张三")], [Rater(1, "甲", "g")], {1: {(1, "c1"): D(80)}},
                        adjustments=adj).by_id(1)
    assert (r.bonus_entered, r.bonus_items_sum, r.bonus_counted) == (D(7), D(6), D(5))
    assert (r.deduction_entered, r.deduction_counted) == (D(12), D(8))
    assert r.total == D("77.00")
    text = "\n".join(r.lines)
    assert "荣誉表彰（县级优秀党员；市级劳模） 录入 4，超过上限 3，计 3" in text
    assert "加分合计 6，超过加分总上限 5，计 5" in text
    assert "扣分合计 10，超过扣分总上限 8，计 8" in text


def test_negative_adjustment_and_unknown_item_refused():
    scheme = scheme_from_dict(make_scheme(bonus_items=[{"code": "h", "name": "荣誉", "cap": "3"}]))
    base = ([Candidate(1, "张三")], [Rater(1, "甲", "g")], {1: {(1, "c1"): D(80)}})
    with pytest.raises(ValidationError, match="不能为负数"):
        compute_results(scheme, *base, adjustments=[Adjustment(1, "h", D(-1))])
    with pytest.raises(ValidationError, match="不在方案中"):
        compute_results(scheme, *base, adjustments=[Adjustment(1, "nope", D(1))])


# -- rounding --------------------------------------------------------------------------------------------------------

def test_round_half_up_is_not_bankers_rounding():
    assert round_half_up(D("79.995"), 2) == D("80.00")
    assert round_half_up(D("79.994"), 2) == D("79.99")
    assert round_half_up(D("0.125"), 2) == D("0.13")   # banker's rounding would give 0.12
    assert round_half_up(D("2.5"), 0) == D("3")        # and 2 here
    assert round_half_up(Fraction(1, 3), 2) == D("0.33")
    assert round_half_up(Fraction(2, 3), 2) == D("0.67")


def test_rounding_at_the_cut_off_boundary():
    # min 80, 2 places, entry 3 places.
    # 张三: (79.99 + 80.00)/2 = 159.99/2 = 79.995 -> 80.00, passes (not below 80)
    # 李四: (79.99 + 79.998)/2 = 159.988/2 = 79.994 -> 79.99, fails
    scheme = scheme_from_dict(make_scheme(entry_places=3, cutoff={"min_total": "80"}))
    raters = [Rater(1, "甲", "g"), Rater(2, "乙", "g")]
    sheets = {1: {(1, "c1"): D("79.99"), (2, "c1"): D("79.99")},
              2: {(1, "c1"): D("80.00"), (2, "c1"): D("79.998")}}
    res = compute_results(scheme, [Candidate(1, "张三"), Candidate(2, "李四")], raters, sheets)
    a, b = res.by_id(1), res.by_id(2)
    assert a.total == D("80.00") and a.outcome == OUTCOME_PASS
    assert b.total == D("79.99") and b.outcome == OUTCOME_FAIL
    assert "79.995 → 80.00" in "\n".join(a.lines)
    assert "总分 79.99 低于最低分 80" in b.outcome_reason


def test_rounding_boundary_survives_repeating_thirds():
    # two criteria (points), 3 raters, plain mean:
    # A: (10 + 10 + 11)/3 = 31/3;  B: (69.66 + 69.66 + 69.665)/3 = 208.985/3
    # total = (31 + 208.985)/3 = 239.985/3 = 79.995 exactly -> 80.00
    data = make_scheme(entry_places=3, cutoff={"min_total": "80"}, criteria=[
        {"code": "a", "name": "甲项", "max": "20", "weight": "1"},
        {"code": "b", "name": "乙项", "max": "80", "weight": "1"}])
    scheme = scheme_from_dict(data)
    raters = [Rater(i, f"评委{i}", "g") for i in range(3)]
    a_vals, b_vals = ["10", "10", "11"], ["69.66", "69.66", "69.665"]
    sheets = {i: {(1, "a"): D(a_vals[i]), (1, "b"): D(b_vals[i])} for i in range(3)}
    r = compute_results(scheme, [Candidate(1, "张三")], raters, sheets).by_id(1)
    assert r.total_exact == Fraction(79995, 1000)
    assert r.total == D("80.00") and r.outcome == OUTCOME_PASS


# -- recusal ---------------------------------------------------------------------------------------------------------

def test_recusal_excludes_the_rater_for_that_candidate_only():
    # trimmed mean, 3 raters; 乙 recused from 张三 (kinship)
    # 张三: 甲 90, 丙 70 -> only 2 left: plain mean (90 + 70)/2 = 80
    # 李四: 90, 60, 70 -> drop 90 and 60 -> 70
    scheme = scheme_from_dict(make_scheme(aggregation={"method": "trimmed_mean", "scope": "pooled"}))
    raters = [Rater(1, "甲", "g"), Rater(2, "乙", "g"), Rater(3, "丙", "g")]
    sheets = {1: {(1, "c1"): D(90), (2, "c1"): D(90)},
              2: {(1, "c1"): None, (2, "c1"): D(60)},
              3: {(1, "c1"): D(70), (2, "c1"): D(70)}}
    rec = [Recusal(2, 1, "系张三的妻弟")]
    res = compute_results(scheme, [Candidate(1, "张三"), Candidate(2, "李四")], raters, sheets, recusals=rec)
    assert res.by_id(1).total == D("80.00")
    assert res.by_id(2).total == D("70.00")
    text = "\n".join(res.by_id(1).lines)
    assert "乙 回避（系张三的妻弟），其评分不计入" in text and "评委不足 3 人" in text


def test_recused_rater_score_is_refused():
    scheme = scheme_from_dict(make_scheme())
    with pytest.raises(ValidationError, match="已回避此人选"):
        compute_results(scheme, [Candidate(1, "张三")], [Rater(2, "乙", "g")], {2: {(1, "c1"): D(60)}},
                        recusals=[Recusal(2, 1, "亲属")])


# -- incomplete ------------------------------------------------------------------------------------------------------

def test_empty_cell_is_not_zero_and_leaves_the_candidate_incomplete():
    scheme = scheme_from_dict(make_scheme(cutoff={"min_total": None, "top_n_per_post": 1}))
    raters = [Rater(1, "甲", "g"), Rater(2, "乙", "g")]
    sheets = {1: {(1, "c1"): D(90), (2, "c1"): D(80)}, 2: {(1, "c1"): D(90), (2, "c1"): None}}
    res = compute_results(scheme, [Candidate(1, "张三", "主任"), Candidate(2, "李四", "主任")], raters, sheets)
    b = res.by_id(2)
    assert b.total is None and b.outcome == OUTCOME_INCOMPLETE
    assert "评委“乙”的“工作实绩”评分为空" in b.outcome_reason
    # 张三 cannot be declared top-1 while 李四's score is unknown
    assert res.by_id(1).outcome == OUTCOME_PENDING


def test_rater_without_sheet_is_listed_not_silently_dropped():
    scheme = scheme_from_dict(make_scheme())
    res = compute_results(scheme, [Candidate(1, "张三")], [Rater(1, "甲", "g"), Rater(2, "乙", "g")],
                          {1: {(1, "c1"): D(70)}})
    assert res.by_id(1).total == D("70.00")
    assert any("乙" in n and "未计入" in n for n in res.notes)


# -- ties ------------------------------------------------------------------------------------------------------------

def tie_scheme(priority: list[str], top_n: int = 2):
    return scheme_from_dict(make_scheme(
        criteria_weights_must_sum_to=None,
        criteria=[{"code": "a", "name": "服务中心工作", "max": "60", "weight": "1"},
                  {"code": "b", "name": "民主评议", "max": "40", "weight": "1"}],
        cutoff={"min_total": None, "top_n_per_post": top_n}, tie_rule={"priority_criteria": priority}))


def tie_run(scheme, rows, order=(1, 2, 3), decisions=()):
    """rows: candidate id -> (a, b) by a single rater."""
    names = {1: "张三", 2: "李四", 3: "王五", 4: "赵六"}
    cands = [Candidate(i, names[i], "书记") for i in order]
    sheet = {}
    for cid, (a, b) in rows.items():
        sheet[(cid, "a")] = D(a)
        sheet[(cid, "b")] = D(b)
    return compute_results(scheme, cands, [Rater(1, "甲", "g")], {1: sheet}, decisions=decisions)


def test_tie_at_cut_off_resolved_by_priority_criterion():
    # 张三 50+40 = 90; 李四 50+35 = 85; 王五 45+40 = 85. Top 2.
    # 李四 and 王五 tie on 85 across the 2nd/3rd boundary; 服务中心工作 50 > 45 puts 李四 second.
    scheme = tie_scheme(["a", "b"])
    for order in [(1, 2, 3), (3, 2, 1)]:
        res = tie_run(scheme, {1: ("50", "40"), 2: ("50", "35"), 3: ("45", "40")}, order)
        assert [res.by_id(i).outcome for i in (1, 2, 3)] == [OUTCOME_PASS, OUTCOME_PASS, OUTCOME_FAIL]
        assert [res.by_id(i).rank for i in (1, 2, 3)] == [1, 2, 3]
        [tie] = res.ties
        assert set(tie.candidate_ids) == {2, 3} and tie.at_cutoff and tie.status == TIE_RESOLVED_BY_RULE
        assert "按“服务中心工作”得分比较：李四 50.00 > 王五 45.00" in tie.note
        assert res.open_ties == []


def test_tie_still_open_waits_for_a_decision_regardless_of_input_order():
    # 李四 and 王五 both 45 + 40 = 85, equal on both priority criteria; 张三 90. Top 2 -> open tie at the boundary.
    scheme = tie_scheme(["a", "b"])
    for order in [(1, 2, 3), (1, 3, 2), (3, 2, 1)]:
        res = tie_run(scheme, {1: ("50", "40"), 2: ("45", "40"), 3: ("45", "40")}, order)
        assert res.by_id(1).outcome == OUTCOME_PASS
        for cid in (2, 3):
            r = res.by_id(cid)
            assert r.outcome == OUTCOME_TIE_PENDING and r.rank == 2 and r.shared_rank
            assert "待记录决定" in r.outcome_reason
        [tie] = res.open_ties
        assert set(tie.open_ids) == {2, 3} and tie.status == TIE_OPEN


def test_recorded_decision_settles_the_open_tie():
    scheme = tie_scheme(["a", "b"])
    dec = TieDecision(post="书记", order=(3, 2), reason="乡镇党委会议研究决定（2026-11-20）", decided_by="王书记")
    res = tie_run(scheme, {1: ("50", "40"), 2: ("45", "40"), 3: ("45", "40")}, decisions=[dec])
    assert res.by_id(3).outcome == OUTCOME_PASS and res.by_id(3).rank == 2
    assert res.by_id(2).outcome == OUTCOME_FAIL and res.by_id(2).rank == 3
    [tie] = res.ties
    assert tie.status == TIE_RESOLVED_BY_DECISION and res.open_ties == []
    assert "乡镇党委会议研究决定" in tie.note
    # a decision about a different set of people (stale) is not applied
    stale = TieDecision(post="书记", order=(2, 1), reason="旧决定")
    res2 = tie_run(scheme, {1: ("50", "40"), 2: ("45", "40"), 3: ("45", "40")}, decisions=[stale])
    assert len(res2.open_ties) == 1


def test_tie_inside_the_cut_off_is_flagged_but_needs_no_decision():
    # 张三 and 李四 both 90 (equal on every criterion), 王五 80; top 2: both tied candidates pass.
    scheme = tie_scheme([])
    res = tie_run(scheme, {1: ("50", "40"), 2: ("50", "40"), 3: ("40", "40")})
    assert res.by_id(1).outcome == OUTCOME_PASS and res.by_id(2).outcome == OUTCOME_PASS
    assert res.by_id(1).rank == res.by_id(2).rank == 1
    assert res.by_id(3).rank == 3 and res.by_id(3).outcome == OUTCOME_FAIL
    [tie] = res.ties
    assert not tie.at_cutoff and res.open_ties == []
    assert "方案未规定同分规则" in tie.note


def test_tie_below_minimum_is_not_a_cut_off_tie():
    # min 80 and top 2: 张三 90; 李四, 王五 both 70 -> both below the minimum, no decision needed
    scheme = scheme_from_dict(make_scheme(
        criteria=[{"code": "a", "name": "甲", "max": "60", "weight": "1"},
                  {"code": "b", "name": "乙", "max": "40", "weight": "1"}],
        cutoff={"min_total": "80", "top_n_per_post": 2}))
    res = tie_run(scheme, {1: ("50", "40"), 2: ("40", "30"), 3: ("40", "30")})
    assert res.open_ties == [] and res.by_id(2).outcome == res.by_id(3).outcome == OUTCOME_FAIL


def test_top_n_is_per_post():
    # 书记: 张三 90, 李四 80; 主任: 王五 70. Top 1 per post -> 张三 and 王五 pass.
    scheme = tie_scheme([], top_n=1)
    cands = [Candidate(1, "张三", "书记"), Candidate(2, "李四", "书记"), Candidate(3, "王五", "主任")]
    sheet = {(1, "a"): D(50), (1, "b"): D(40), (2, "a"): D(40), (2, "b"): D(40), (3, "a"): D(30), (3, "b"): D(40)}
    res = compute_results(scheme, cands, [Rater(1, "甲", "g")], {1: sheet})
    assert [res.by_id(i).outcome for i in (1, 2, 3)] == [OUTCOME_PASS, OUTCOME_FAIL, OUTCOME_PASS]


# -- entry and double entry ------------------------------------------------------------------------------------------

def test_parse_score_checks_maximum_sign_decimals_and_keeps_empty_apart_from_zero():
    crit = scheme_from_dict(make_scheme()).criteria[0]  # max 100
    assert parse_score("", crit, 1) is None
    assert parse_score("  ", crit, 1) is None
    assert parse_score("0", crit, 1) == D(0)
    assert parse_score("８５.５", crit, 1) == D("85.5")  # full-width digits typed with a Chinese IME
    with pytest.raises(ValidationError, match="超过满分 100"):
        parse_score("100.5", crit, 1, where="第 3 行")
    with pytest.raises(ValidationError, match="不能为负数"):
        parse_score("-1", crit, 1)
    with pytest.raises(ValidationError, match="小数位太多"):
        parse_score("85.25", crit, 1)
    with pytest.raises(ValidationError, match="不是数字"):
        parse_score("八十", crit, 1)


def test_levels_restrict_entry_to_the_graded_scores():
    qianshan = next(s for s in load_example_schemes() if s.code == "qianshan")
    crit = qianshan.criteria[0]
    assert parse_score("90", crit, qianshan.entry_places) == D(90)
    with pytest.raises(ValidationError, match="不是规定的等次分值"):
        parse_score("95", crit, qianshan.entry_places)


def test_double_entry_mismatch():
    first = {(1, "a"): D("85"), (1, "b"): D("0"), (2, "a"): D("80"), (2, "b"): D("70")}
    second = {(1, "a"): D("85.0"), (1, "b"): None, (2, "a"): D("90"), (2, "b"): D("70")}
    mism = compare_entries(first, second)
    assert {(m.candidate_id, m.criterion_code) for m in mism} == {(1, "b"), (2, "a")}
    lines = describe_mismatches(mism, {1: "张三", 2: "李四"}, {"a": "服务中心工作", "b": "民主评议"})
    assert "张三“民主评议”：第一次录入 0，第二次录入 （空）" in lines
    assert "李四“服务中心工作”：第一次录入 80，第二次录入 90" in lines
    assert compare_entries(first, dict(first)) == []


# -- scheme validation -----------------------------------------------------------------------------------------------

def test_weights_not_summing_are_refused_with_the_sums():
    bad = make_scheme(criteria_weights_must_sum_to="100", criteria=[
        {"code": "a", "name": "服务中心工作", "max": "100", "weight": "60"},
        {"code": "b", "name": "民主评议", "max": "100", "weight": "30"}])
    with pytest.raises(ValidationError, match="评分项权重之和为 90，方案要求等于 100"):
        scheme_from_dict(bad)
    groups = [{"code": "x", "name": "乡镇领导", "weight": "0.6"}, {"code": "y", "name": "驻村干部", "weight": "0.3"}]
    with pytest.raises(ValidationError, match="评委组权重之和为 0.9，方案要求等于 1"):
        scheme_from_dict(make_scheme(rater_groups=groups, aggregation={"method": "mean", "scope": "per_group"}))


def test_other_scheme_errors_are_all_listed():
    bad = make_scheme(
        criteria=[{"code": "a", "name": "甲", "max": "0", "weight": "1"}],
        bonus_items=[{"code": "h", "name": "荣誉", "cap": "-1"}],
        cutoff={"min_total": None, "top_n_per_post": None},
        tie_rule={"priority_criteria": ["zz"]})
    with pytest.raises(ValidationError) as exc:
        scheme_from_dict(bad)
    msg = str(exc.value)
    for part in ("满分应大于 0", "上限不能为负数", "须规定入围条件", "同分规则中的评分项“zz”不存在"):
        assert part in msg


def test_float_numbers_refused_in_scheme():
    with pytest.raises(ValidationError, match="数值须写成字符串"):
        scheme_from_dict(make_scheme(criteria=[{"code": "a", "name": "甲", "max": 100.0, "weight": "1"}]))


def test_example_schemes_load_and_round_trip():
    schemes = {s.code: s for s in load_example_schemes()}
    assert set(schemes) == {"longyou-2017", "wencheng-2017", "qianshan"}
    ly = schemes["longyou-2017"]
    assert ly.criterion("central_work").weight / ly.criteria_weights_must_sum_to == D("0.6")
    assert ly.top_n_per_post == 2 and ly.method == "trimmed_mean" and ly.scope == "per_group"
    assert schemes["wencheng-2017"].min_total == D(60)
    assert schemes["qianshan"].min_total == D(80)
    for s in schemes.values():
        import json
        assert scheme_from_json(json.dumps(scheme_to_dict(s))) == s


def test_group_with_every_rater_recused_leaves_the_candidate_incomplete():
    # per-group: 驻村 has one rater, recused from 张三 -> no valid 驻村 score for 张三: not silently re-weighted
    groups = [{"code": "lead", "name": "乡镇领导", "weight": "0.5"}, {"code": "cadre", "name": "驻村干部", "weight": "0.5"}]
    scheme = scheme_from_dict(make_scheme(rater_groups=groups, aggregation={"method": "mean", "scope": "per_group"}))
    raters = [Rater(1, "甲", "lead"), Rater(2, "乙", "cadre")]
    sheets = {1: {(1, "c1"): D(80), (2, "c1"): D(70)}, 2: {(1, "c1"): None, (2, "c1"): D(90)}}
    res = compute_results(scheme, [Candidate(1, "张三"), Candidate(2, "李四")], raters, sheets,
                          recusals=[Recusal(2, 1, "亲属")])
    assert res.by_id(1).outcome == OUTCOME_INCOMPLETE
    assert "“工作实绩”在驻村干部中没有有效评分" in res.by_id(1).outcome_reason
    # 李四: (70×0.5 + 90×0.5)/1 = 80
    assert res.by_id(2).total == D("80.00")


def test_totals_equal_after_rounding_are_a_tie_not_settled_by_hidden_decimals():
    # entry 3 places, total 2 places, top 1, no tie rule.
    # 张三: (84.99 + 85.002)/2 = 169.992/2 = 84.996 -> 85.00;  李四: (85.004 + 85.004)/2 = 85.004 -> 85.00
    scheme = scheme_from_dict(make_scheme(entry_places=3, cutoff={"min_total": None, "top_n_per_post": 1}))
    raters = [Rater(1, "甲", "g"), Rater(2, "乙", "g")]
    sheets = {1: {(1, "c1"): D("84.99"), (2, "c1"): D("85.004")}, 2: {(1, "c1"): D("85.002"), (2, "c1"): D("85.004")}}
    res = compute_results(scheme, [Candidate(1, "张三"), Candidate(2, "李四")], raters, sheets)
    assert res.by_id(1).total_exact == Fraction(84996, 1000) and res.by_id(2).total_exact == Fraction(85004, 1000)
    assert res.by_id(1).total == res.by_id(2).total == D("85.00")
    assert res.by_id(1).outcome == res.by_id(2).outcome == OUTCOME_TIE_PENDING
    assert len(res.open_ties) == 1
