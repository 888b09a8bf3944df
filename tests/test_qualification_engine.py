"""Rule catalogs (shipped data + loader) and the pure verdict engine: time windows, grades, kinship bar."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from villagevote.errors import ValidationError
from villagevote.models.enums import FindingResult, OrgKind, RelationKind, RuleGrade
from villagevote.periods import clears_on, period_end
from villagevote.qualification import catalogs
from villagevote.qualification.catalogs import RuleDef, load_catalog, parse_catalog, rule_covering
from villagevote.qualification.rules_engine import (
    FindingInput,
    KinCandidate,
    Relation,
    VerdictOutcome,
    evaluate,
    kinship_conflicts,
)

HIT, CLEAR, PENDING, DOUBT = FindingResult.HIT, FindingResult.CLEAR, FindingResult.PENDING, FindingResult.DOUBT
ELECTION = dt.date(2026, 3, 15)


def _builtin(key: str) -> catalogs.Catalog:
    found = [c for c in catalogs.load_builtin_catalogs() if c.key == key]
    assert len(found) == 1, key
    return found[0]


@pytest.fixture(scope="module")
def zj() -> catalogs.Catalog:
    return _builtin("zhejiang-2013")


@pytest.fixture(scope="module")
def generic() -> catalogs.Catalog:
    return _builtin("generic-2018")


def _all_clear_except(rules, **special):
    """One finding per rule: clear, except the codes given (code -> FindingInput kwargs)."""
    out = []
    for rule in rules:
        if rule.code in special:
            out.append(FindingInput(rule.code, **special[rule.code]))
        else:
            out.append(FindingInput(rule.code, CLEAR, department="公安"))
    return out


# ------------------------------------------------------------------------------------------------ shipped catalogs


def test_zhejiang_catalog_is_the_five_cannot_six_unsuitable_list(zj):
    assert [r.code for r in zj.rules] == ["N1", "N2", "N3", "N4", "N5", "S1", "S2", "S3", "S4", "S5", "S6"]
    assert zj.count(RuleGrade.CANNOT) == 5 and zj.count(RuleGrade.UNSUITABLE) == 6
    assert "浙村换发〔2013〕4号" in zj.source and "虞政发〔2013〕72号" in zj.source
    # time limits per domain.md §1
    assert zj.rule("N1").window_years == 5 and zj.rule("N2").window_years == 5
    assert zj.rule("N3").window_years == 3
    assert zj.rule("N4").until_expiry and zj.rule("N4").window_years is None
    assert zj.rule("N5").window_years is None and not zj.rule("N5").until_expiry
    assert "公安" in zj.rule("N1").departments and "法院" in zj.rule("N1").departments
    assert "纪委监委" in zj.rule("N4").departments
    assert all(r.evidence_hint for r in zj.rules)
    # village-committee members may not be spouses, parent/child or siblings of each other
    assert set(zj.kinship_relations) == {RelationKind.SPOUSE, RelationKind.PARENT_CHILD, RelationKind.SIBLING}
    assert OrgKind.VILLAGE_COMMITTEE in zj.kinship_organizations


def test_generic_catalog_has_six_and_six_with_later_items(generic):
    assert generic.count(RuleGrade.CANNOT) == 6 and generic.count(RuleGrade.UNSUITABLE) == 6
    texts = "".join(r.text for r in generic.rules)
    for item in ("失信被执行人", "村霸", "宗族", "邪教", "纪律审查", "行政拘留", "上访", "贿选"):
        assert item in texts, item
    refusal = rule_covering(generic.rules, "pledge_refusal")
    assert refusal is not None and refusal.grade is RuleGrade.CANNOT and "承诺" in refusal.text
    assert generic.rule("GS2").window_years == 5  # 行政拘留 within 5 years
    assert generic.rule("GS1").until_expiry  # until removed from the 失信 list


def test_zhejiang_2013_has_no_pledge_refusal_rule(zj):
    # The pledges module must then ask for a 兜底 rule instead of guessing one.
    assert rule_covering(zj.rules, "pledge_refusal") is None


def test_catalog_round_trips_through_dict(zj):
    again = parse_catalog(json.loads(json.dumps(catalogs.catalog_to_dict(zj))), origin="copy.json")
    assert again == zj


# ------------------------------------------------------------------------------------------------ loader errors


def _minimal(**rule_overrides):
    rule = {"code": "N1", "grade": "不能", "text": "受过刑事处罚的", "window_years": 5, "departments": ["公安"]}
    rule.update(rule_overrides)
    return {"format": 1, "key": "t", "name": "测试", "region": "浙江省", "year": 2013, "version": 1,
            "source": "测试文件", "rules": [rule]}


@pytest.mark.parametrize(
    "override, expected",
    [
        ({"grade": "禁止"}, "等级应为「不能」「不宜」或「兜底」"),
        ({"window_years": 5, "until_expiry": True}, "不能同时设定期限年数"),
        ({"window_years": "五"}, "期限年数应为整数"),
        ({"window_years": 99}, "期限年数应在1到30之间"),
        ({"departments": []}, "没有填写核查部门"),
        ({"text": "  "}, "条件内容为空"),
        ({"code": "1号"}, "规则编号「1号」不合格式"),
        ({"covers": ["bribery"]}, "「bribery」不是已知的用途标记"),
    ],
)
def test_bad_rule_fields_are_named(override, expected):
    with pytest.raises(ValidationError) as info:
        parse_catalog(_minimal(**override), origin="x.json")
    assert expected in info.value.message
    assert "x.json 第1条规则" in info.value.message


def test_duplicate_codes_and_missing_fields_refused():
    data = _minimal()
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(ValidationError, match="第2条规则的编号 N1 与第1条重复"):
        parse_catalog(data, origin="x.json")
    data = _minimal()
    del data["source"]
    with pytest.raises(ValidationError, match="缺少字段「source」"):
        parse_catalog(data, origin="x.json")
    data = _minimal()
    del data["rules"][0]["departments"]
    with pytest.raises(ValidationError, match="第1条规则缺少字段「departments」"):
        parse_catalog(data, origin="x.json")
    data = _minimal()
    data["format"] = 2
    with pytest.raises(ValidationError, match="只能读取版本 1"):
        parse_catalog(data, origin="x.json")


def test_broken_json_file_reports_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": 1,\n "key": }', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad.json 不是有效的 JSON：第2行"):
        load_catalog(path)
    with pytest.raises(ValidationError, match="找不到规则目录文件"):
        load_catalog(tmp_path / "missing.json")


# ------------------------------------------------------------------------------------------------ time windows


def test_released_4_years_11_months_before_is_still_barred(zj):
    released = dt.date(2021, 4, 15)  # 4 years 11 months before 2026-03-15
    verdict = evaluate(zj.rules, _all_clear_except(zj.rules, N1={"result": HIT, "event_date": released}), ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED
    n1 = verdict.status_of("N1")
    assert n1.status is HIT and n1.lapses_on == dt.date(2026, 4, 16)  # period ends 04-15, clear the day after
    assert any("N1" in r and "不满5年" in r for r in verdict.reasons)


def test_window_boundary_anniversary_is_the_last_barred_day(zj):
    # 民法典 §201/§202: the event day is not counted; a 5-year period from 2021-03-15 ends on 2026-03-15 (the
    # anniversary, its last day), so on an election day of 2026-03-15 the person is still "不满5年"; clear a day later.
    on_anniversary = _all_clear_except(zj.rules, N1={"result": HIT, "event_date": dt.date(2021, 3, 15)})
    verdict = evaluate(zj.rules, on_anniversary, ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED
    assert "2026年3月15日期满，2026年3月16日起不再构成限制" in verdict.status_of("N1").reason

    day_before = _all_clear_except(zj.rules, N1={"result": HIT, "event_date": dt.date(2021, 3, 14)})
    verdict = evaluate(zj.rules, day_before, ELECTION)
    assert verdict.status_of("N1").status is CLEAR
    assert verdict.outcome is VerdictOutcome.QUALIFIED
    assert "已满5年" in verdict.status_of("N1").reason


def test_three_year_window_for_gang_involvement(zj):
    three_years_and_a_day = _all_clear_except(zj.rules, N3={"result": HIT, "event_date": dt.date(2023, 3, 14)})
    assert evaluate(zj.rules, three_years_and_a_day, ELECTION).outcome is VerdictOutcome.QUALIFIED
    exactly_three = _all_clear_except(zj.rules, N3={"result": HIT, "event_date": dt.date(2023, 3, 15)})
    assert evaluate(zj.rules, exactly_three, ELECTION).outcome is VerdictOutcome.DISQUALIFIED
    # a 3-year window is not a 5-year one: 4 years ago is also clear, 2 years 11 months is not
    four = _all_clear_except(zj.rules, N3={"result": HIT, "event_date": dt.date(2022, 3, 15)})
    assert evaluate(zj.rules, four, ELECTION).outcome is VerdictOutcome.QUALIFIED
    recent = _all_clear_except(zj.rules, N3={"result": HIT, "event_date": dt.date(2023, 4, 1)})
    assert evaluate(zj.rules, recent, ELECTION).outcome is VerdictOutcome.DISQUALIFIED


@pytest.mark.parametrize("start, years, last_day, clear", [
    # §202 "到期月的对应日为期间的最后一日"
    (dt.date(2019, 6, 1), 5, dt.date(2024, 6, 1), dt.date(2024, 6, 2)),
    (dt.date(2021, 12, 31), 1, dt.date(2022, 12, 31), dt.date(2023, 1, 1)),
    # §202 "没有对应日的，月末日为期间的最后一日": 29 February into a common year ends on 28 February
    (dt.date(2020, 2, 29), 5, dt.date(2025, 2, 28), dt.date(2025, 3, 1)),
    (dt.date(2020, 2, 29), 1, dt.date(2021, 2, 28), dt.date(2021, 3, 1)),
    # ... and on 29 February when the final year is a leap year
    (dt.date(2020, 2, 29), 4, dt.date(2024, 2, 29), dt.date(2024, 3, 1)),
    # 28 February is an ordinary day: its anniversary exists every year
    (dt.date(2019, 2, 28), 5, dt.date(2024, 2, 28), dt.date(2024, 2, 29)),
])
def test_one_counting_rule_civil_code_201_202(start, years, last_day, clear):
    assert period_end(start, years) == last_day
    assert clears_on(start, years) == clear


def test_leap_day_event_barred_through_28_february_clear_on_1_march():
    rule = RuleDef("N1", RuleGrade.CANNOT, "受过刑事处罚", window_years=5, departments=("公安",))
    hit = [FindingInput("N1", HIT, event_date=dt.date(2020, 2, 29))]
    assert evaluate([rule], hit, dt.date(2025, 2, 28)).outcome is VerdictOutcome.DISQUALIFIED
    assert evaluate([rule], hit, dt.date(2025, 3, 1)).outcome is VerdictOutcome.QUALIFIED
    # the same rule for an ordinary date: barred on the anniversary, clear the next day
    hit = [FindingInput("N1", HIT, event_date=dt.date(2020, 3, 1))]
    assert evaluate([rule], hit, dt.date(2025, 3, 1)).outcome is VerdictOutcome.DISQUALIFIED
    assert evaluate([rule], hit, dt.date(2025, 3, 2)).outcome is VerdictOutcome.QUALIFIED


def test_n2_unhandled_family_planning_violation_disqualifies_without_a_date(zj):
    # "违反计划生育政策未处理，或处理后不满5年的": a hit with no 处理 date is the unhandled case
    assert "undated_hit" in zj.rule("N2").covers
    verdict = evaluate(zj.rules, _all_clear_except(zj.rules, N2={"result": HIT, "department": "卫健（计生）"}),
                       ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED
    assert verdict.status_of("N2").status is HIT
    assert "未录入计生违法处理日期，按未处理认定" in verdict.status_of("N2").reason
    # handled more than 5 years ago: clear; handled 4 years ago: still barred
    old = _all_clear_except(zj.rules, N2={"result": HIT, "event_date": dt.date(2020, 1, 10)})
    assert evaluate(zj.rules, old, ELECTION).outcome is VerdictOutcome.QUALIFIED
    recent = _all_clear_except(zj.rules, N2={"result": HIT, "event_date": dt.date(2022, 1, 10)})
    assert evaluate(zj.rules, recent, ELECTION).outcome is VerdictOutcome.DISQUALIFIED


def test_windowed_hit_without_event_date_waits_for_the_date(zj):
    findings = _all_clear_except(zj.rules, N1={"result": HIT})
    verdict = evaluate(zj.rules, findings, ELECTION)
    assert verdict.outcome is VerdictOutcome.UNDECIDED
    assert verdict.status_of("N1").status is DOUBT
    assert "未录入刑满释放或缓刑期满日期" in verdict.status_of("N1").reason


def test_untimed_hit_is_permanent(zj):
    findings = _all_clear_except(zj.rules, N5={"result": HIT, "event_date": dt.date(1990, 1, 1)})
    assert evaluate(zj.rules, findings, ELECTION).outcome is VerdictOutcome.DISQUALIFIED


def test_until_expiry_rule(zj):
    running = _all_clear_except(zj.rules, N4={"result": HIT, "expiry_date": dt.date(2026, 6, 30)})
    verdict = evaluate(zj.rules, running, ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED and "2026年6月30日才期满" in verdict.reasons[0]
    expired = _all_clear_except(zj.rules, N4={"result": HIT, "expiry_date": dt.date(2025, 12, 31)})
    assert evaluate(zj.rules, expired, ELECTION).outcome is VerdictOutcome.QUALIFIED
    # the 期满日 is the period's last day (民法典 §202): still barred on it, clear the day after
    on_the_day = _all_clear_except(zj.rules, N4={"result": HIT, "expiry_date": ELECTION})
    verdict = evaluate(zj.rules, on_the_day, ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED and "当天仍在期限内" in verdict.reasons[0]
    day_before = _all_clear_except(zj.rules, N4={"result": HIT, "expiry_date": ELECTION - dt.timedelta(days=1)})
    assert evaluate(zj.rules, day_before, ELECTION).outcome is VerdictOutcome.QUALIFIED
    no_date = _all_clear_except(zj.rules, N4={"result": HIT})
    assert evaluate(zj.rules, no_date, ELECTION).outcome is VerdictOutcome.DISQUALIFIED


# ------------------------------------------------------------------------------------------------ grades and verdicts


def test_unsuitable_hit_advises_withdrawal(zj):
    verdict = evaluate(zj.rules, _all_clear_except(zj.rules, S3={"result": HIT}), ELECTION)
    assert verdict.outcome is VerdictOutcome.ADVISED_WITHDRAW
    assert verdict.reasons[0].startswith("不宜 S3")


def test_cannot_beats_unsuitable(zj):
    findings = _all_clear_except(zj.rules, S3={"result": HIT}, N5={"result": HIT})
    verdict = evaluate(zj.rules, findings, ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED
    assert verdict.reasons[0].startswith("不能 N5")


def test_fallback_rule_hit_advises_withdrawal(zj):
    extra = RuleDef("D1", RuleGrade.FALLBACK, "上届任期承诺未兑现", departments=("乡镇党委",))
    rules = list(zj.rules) + [extra]
    verdict = evaluate(rules, _all_clear_except(rules, D1={"result": HIT}), ELECTION)
    assert verdict.outcome is VerdictOutcome.ADVISED_WITHDRAW


def test_pending_doubt_or_missing_findings_leave_verdict_open(zj):
    assert evaluate(zj.rules, [], ELECTION).outcome is VerdictOutcome.UNDECIDED
    pending = evaluate(zj.rules, _all_clear_except(zj.rules, S6={"result": PENDING}), ELECTION)
    assert pending.outcome is VerdictOutcome.UNDECIDED and "S6" in pending.reasons[-1]
    doubt = evaluate(zj.rules, _all_clear_except(zj.rules, N2={"result": DOUBT}), ELECTION)
    assert doubt.outcome is VerdictOutcome.UNDECIDED
    missing_one = [f for f in _all_clear_except(zj.rules) if f.rule_code != "S1"]
    assert evaluate(zj.rules, missing_one, ELECTION).outcome is VerdictOutcome.UNDECIDED


def test_all_clear_is_qualified(zj):
    assert evaluate(zj.rules, _all_clear_except(zj.rules), ELECTION).outcome is VerdictOutcome.QUALIFIED


def test_one_department_hit_outweighs_another_clear(zj):
    findings = _all_clear_except(zj.rules) + [FindingInput("N1", HIT, event_date=dt.date(2024, 1, 1), department="法院")]
    verdict = evaluate(zj.rules, findings, ELECTION)
    assert verdict.outcome is VerdictOutcome.DISQUALIFIED
    assert verdict.status_of("N1").departments == ("法院",)


def test_finding_for_unknown_rule_is_an_error(zj):
    with pytest.raises(ValueError):
        evaluate(zj.rules, [FindingInput("X9", HIT)], ELECTION)


# ------------------------------------------------------------------------------------------------ kinship bar


def test_kinship_bar_flags_spouses_parent_child_siblings_on_one_committee():
    cands = [
        KinCandidate(1, "p1", "王建国", "vc"),
        KinCandidate(2, "p2", "李秀英", "vc"),
        KinCandidate(3, "p3", "王小明", "vc"),
        KinCandidate(4, "p4", "王建军", "vc"),
        KinCandidate(5, "p5", "赵强", "vc"),
        KinCandidate(6, "p2", "李秀英", "party"),
    ]
    relations = [
        Relation("p1", "p2", RelationKind.SPOUSE),
        Relation("p3", "p1", RelationKind.PARENT_CHILD),
        Relation("p1", "p4", RelationKind.SIBLING),
        Relation("p5", "p1", RelationKind.NEAR_RELATIVE),  # cousins: not barred for the committee
    ]
    flags = kinship_conflicts(cands, relations)
    pairs = {(f.first.name, f.second.name, f.kind) for f in flags}
    assert pairs == {
        ("王建国", "李秀英", RelationKind.SPOUSE),
        ("王建国", "王小明", RelationKind.PARENT_CHILD),
        ("王建国", "王建军", RelationKind.SIBLING),
    }
    assert all(f.organization == "vc" for f in flags)
    assert any("配偶" in f.message for f in flags)


def test_kinship_bar_ignores_other_organizations_and_same_person():
    cands = [
        KinCandidate(1, "p1", "王建国", "vc"),
        KinCandidate(2, "p2", "李秀英", "party"),
        KinCandidate(3, "p1", "王建国", "vc"),  # standing for two posts of one committee
    ]
    assert kinship_conflicts(cands, [Relation("p1", "p2", RelationKind.SPOUSE)]) == []
