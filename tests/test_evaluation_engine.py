"""民主评议 engine tests (issue 18 item 2, tracking.md A4): every boundary worked out by hand from the rules.

组织法 §26: 村民代表会议 needs 三分之二以上 of its members (以上 includes the number: present * 3 >= due * 2);
组织法 §22: 村民会议 more than half; shares are over valid ballots (blank and invalid shown, not counted);
worst >= 50 % → 不称职; else worst >= 30 % → 基本称职 + 诫勉谈话; else best >= 90 % → 优秀 + 表彰; else 称职.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from villagevote.cli import main
from villagevote.evaluation import decide
from villagevote.evaluation.engine import PROPOSAL_KINDS, percent_string
from villagevote.evaluation.thresholds import DEFAULT, merge

THREE = ["满意", "基本满意", "不满意"]
FOUR = ["优秀", "合格", "基本合格", "不合格"]


def cadre(name="张三", post="主任", body="village_committee", counts=None, blank=0, invalid=0, **extra):
    data = {"name": name, "post": post, "body": body, "counts": counts or {"满意": 40}, "blank": blank,
            "invalid": invalid}
    data.update(extra)
    return data


def session(cadres=None, meeting="村民代表会议", due=45, present=None, scale=None, history=None, year=2026, **extra):
    cadres = cadres if cadres is not None else [cadre()]
    if present is None:
        # enough people for the ballots given, and a quorum unless a test says otherwise
        present = max([sum(c["counts"].values()) + c.get("blank", 0) + c.get("invalid", 0) for c in cadres] + [due])
        due = max(due, present)
    data = {"meeting": meeting, "scale": scale or THREE, "due": due, "present": present, "cadres": cadres,
            "history": history or []}
    if year is not None:
        data["year"] = year
    data.update(extra)
    return data


def one(res):
    assert res["valid"] is True, res["reasons"]
    assert len(res["results"]) == 1
    return res["results"][0]


def kinds(result):
    return [p["kind"] for p in result["proposals"]]


def votes(satisfied, basic, unsatisfied):
    return {"满意": satisfied, "基本满意": basic, "不满意": unsatisfied}


# --- quorum -------------------------------------------------------------------------------------------------------

def test_representatives_exactly_two_thirds_is_a_quorum():
    res = decide(session([cadre(counts=votes(30, 0, 0))], due=45, present=30))
    assert res["valid"] is True and res["outcome"] == "valid"
    assert res["quorum_minimum"] == 30
    assert any("应到 45 人，实到 30 人，达到三分之二以上（至少 30 人）" in r for r in res["reasons"])


def test_representatives_one_short_of_two_thirds_is_void():
    res = decide(session([cadre(counts=votes(29, 0, 0))], due=45, present=29))
    assert res["valid"] is False and res["outcome"] == "below_quorum"
    assert res["results"] == []
    assert any("实到 29 人，未达到三分之二以上（须至少 30 人）" in r for r in res["reasons"])


def test_representatives_two_thirds_rounds_up_for_an_uneven_roll():
    # 46 × 2/3 = 30.67: 30 present is short, 31 is enough
    assert decide(session([cadre(counts=votes(30, 0, 0))], due=46, present=30))["outcome"] == "below_quorum"
    assert decide(session([cadre(counts=votes(31, 0, 0))], due=46, present=31))["valid"] is True


@pytest.mark.parametrize("meeting", ["村民会议", "villagers"])
def test_more_than_half_meetings(meeting):
    half = decide(session([cadre(counts=votes(50, 0, 0))], meeting=meeting, due=100, present=50))
    assert half["outcome"] == "below_quorum"
    assert any("过半数（须至少 51 人）" in r for r in half["reasons"])
    assert decide(session([cadre(counts=votes(51, 0, 0))], meeting=meeting, due=100, present=51))["valid"] is True


@pytest.mark.parametrize("meeting", ["党员大会", "party"])
def test_party_members_meeting_needs_half_or_more(meeting):
    # 支部工作条例（试行）§11: 半数以上有表决权的党员到会 (以上 includes the number)
    half = decide(session([cadre(counts=votes(50, 0, 0))], meeting=meeting, due=100, present=50))
    assert half["valid"] is True
    assert any("达到半数以上（至少 50 人）" in r for r in half["reasons"])
    short = decide(session([cadre(counts=votes(49, 0, 0))], meeting=meeting, due=100, present=49))
    assert short["outcome"] == "below_quorum"
    assert decide(session([cadre(counts=votes(50, 0, 0))], meeting=meeting, due=101, present=50))["outcome"] == \
        "below_quorum"


def test_township_panel_has_no_quorum():
    res = decide(session([cadre(counts={"称职": 2})], meeting="乡镇评议组", scale=["称职", "基本称职", "不称职"],
                         due=9, present=2))
    assert res["valid"] is True and res["quorum_minimum"] is None
    assert any("不设到会人数要求" in r for r in res["reasons"])


def test_quorum_is_a_threshold_that_can_be_overridden():
    res = decide(session([cadre(counts={"称职": 2})], meeting="乡镇评议组", scale=["称职", "基本称职", "不称职"],
                         due=9, present=2, thresholds={"quorum": {"township_panel": ">1/2"}}))
    assert res["outcome"] == "below_quorum"
    # the other meetings keep their defaults
    assert decide(session([cadre(counts=votes(30, 0, 0))], due=45, present=30,
                          thresholds={"quorum": {"乡镇评议组": ">1/2"}}))["valid"] is True


def test_unknown_meeting_is_refused():
    res = decide(session(meeting="茶话会"))
    assert res["outcome"] == "input_error"
    assert any("未知的会议类型“茶话会”" in r for r in res["reasons"])


# --- the worst choice: 30 % and 50 % ---------------------------------------------------------------------------

def test_worst_exactly_thirty_percent_is_basic_with_a_warning_talk():
    r = one(decide(session([cadre(counts=votes(20, 8, 12))])))
    assert r["valid_ballots"] == 40
    assert r["percent"] == {"满意": "50.0", "基本满意": "20.0", "不满意": "30.0"}
    assert r["grade"] == "基本称职"
    assert kinds(r) == ["warning_talk"]
    assert r["proposals"][0]["why"] == "不满意 12 票，占有效票 40 张的 30.0%，达到 30%，建议诫勉谈话"


def test_worst_one_vote_below_thirty_percent_is_competent():
    r = one(decide(session([cadre(counts=votes(21, 8, 11))])))
    assert r["percent"]["不满意"] == "27.5"
    assert r["grade"] == "称职" and r["proposals"] == []


def test_worst_that_prints_as_thirty_but_is_below_is_competent():
    # 2996 / 10000 = 29.96 % prints as 30.0 but does not reach 30 %: decisions use the integers, not the text
    r = one(decide(session([cadre(counts=votes(5004, 2000, 2996))], due=10000, present=10000)))
    assert r["percent"]["不满意"] == "30.0"
    assert r["grade"] == "称职"
    r = one(decide(session([cadre(counts=votes(5000, 2000, 3000))], due=10000, present=10000)))
    assert r["grade"] == "基本称职"


def test_worst_exactly_fifty_percent_is_unfit():
    r = one(decide(session([cadre(counts=votes(10, 10, 20))])))
    assert r["percent"]["不满意"] == "50.0"
    assert r["grade"] == "不称职"
    # the 诫勉谈话 line (30 %) is passed too
    assert kinds(r) == ["warning_talk"]
    assert any("不满意 20 票，占有效票 40 张的 50.0%，达到 50%，评为不称职" in x for x in r["reasons"])


def test_worst_one_vote_below_fifty_percent_is_basic():
    r = one(decide(session([cadre(counts=votes(11, 10, 19))])))
    assert r["percent"]["不满意"] == "47.5"
    assert r["grade"] == "基本称职"


def test_middle_choices_do_not_matter():
    # all 基本满意: neither the worst nor the best share reaches its line
    r = one(decide(session([cadre(counts=votes(0, 40, 0))])))
    assert r["grade"] == "称职"


# --- the best choice: 90 % ---------------------------------------------------------------------------------------

def test_best_exactly_ninety_percent_is_excellent_with_commendation():
    r = one(decide(session([cadre(counts=votes(36, 4, 0))])))
    assert r["percent"]["满意"] == "90.0"
    assert r["grade"] == "优秀"
    assert kinds(r) == ["commendation"]
    assert "满意 36 票，占有效票 40 张的 90.0%，达到 90%" in r["proposals"][0]["why"]


def test_best_one_vote_below_ninety_percent_is_competent():
    r = one(decide(session([cadre(counts=votes(35, 5, 0))])))
    assert r["percent"]["满意"] == "87.5"
    assert r["grade"] == "称职"


def test_four_level_scale_uses_its_first_and_last_choice():
    scale_votes = {"优秀": 18, "合格": 1, "基本合格": 0, "不合格": 1}
    r = one(decide(session([cadre(counts=scale_votes)], scale=FOUR)))
    assert r["grade"] == "优秀"       # 18/20 = 90 % on 优秀
    r = one(decide(session([cadre(counts={"优秀": 5, "合格": 5, "基本合格": 4, "不合格": 6})], scale=FOUR)))
    assert r["grade"] == "基本称职"   # 6/20 = 30 % on 不合格
    assert r["percent"] == {"优秀": "25.0", "合格": "25.0", "基本合格": "20.0", "不合格": "30.0"}


def test_thresholds_override_the_lines():
    res = decide(session([cadre(counts=votes(30, 0, 10))], thresholds={"warning_percent": 25}))
    assert one(res)["grade"] == "基本称职"
    assert "达到 25%" in one(res)["proposals"][0]["why"]
    res = decide(session([cadre(counts=votes(34, 6, 0))], thresholds={"excellent_percent": "85"}))
    assert one(res)["grade"] == "优秀"


def test_bad_thresholds_are_refused():
    res = decide(session(thresholds={"warning_percent": 120}))
    assert res["outcome"] == "input_error" and "warning_percent" in res["reasons"][-1]
    res = decide(session(thresholds={"no_such_key": 1}))
    assert res["outcome"] == "input_error" and "no_such_key" in res["reasons"][-1]
    res = decide(session(thresholds={"quorum": {"村民代表会议": "two thirds"}}))
    assert res["outcome"] == "input_error"


# --- blank and invalid ballots -----------------------------------------------------------------------------------

def test_blank_and_invalid_are_shown_but_not_in_the_denominator():
    # 27 of 30 valid = 90 % → 优秀; over all 40 ballots it would be 67.5 %
    r = one(decide(session([cadre(counts=votes(27, 3, 0), blank=6, invalid=4)], due=45, present=40)))
    assert r["valid_ballots"] == 30
    assert r["blank"] == 6 and r["invalid"] == 4
    assert r["percent"]["满意"] == "90.0"
    assert r["grade"] == "优秀"
    assert any("空白 6 张、无效 4 张已计数，不计入比例" in x for x in r["reasons"])


def test_zero_valid_ballots_is_refused_naming_the_cadre():
    res = decide(session([cadre(counts=votes(0, 0, 0), blank=30)], due=45, present=30))
    assert res["valid"] is False and res["results"] == []
    assert any("张三（主任）有效票为 0 张（空白 30 张、无效 0 张）" in r for r in res["reasons"])


# --- history: two years running --------------------------------------------------------------------------------

def test_unfit_two_years_running_ends_a_village_committee_office():
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=[{"name": "张三", "year": 2025, "grade": "不称职"}]))
    r = one(res)
    assert kinds(r) == ["warning_talk", "termination", "resignation_trigger"]
    why = r["proposals"][1]["why"]
    assert "连续 2 年民主评议不称职（2025 年、2026 年）" in why and "第三十三条" in why


def test_unfit_two_years_running_for_a_party_branch_member_is_team_adjustment():
    res = decide(session([cadre(post="书记", body="party_branch", counts=votes(10, 10, 20))],
                         history=[{"name": "张三", "year": 2025, "grade": "不称职"}]))
    assert kinds(one(res)) == ["warning_talk", "team_adjustment", "resignation_trigger"]


def test_history_of_another_person_is_ignored():
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=[{"name": "李四", "year": 2025, "grade": "不称职"}]))
    assert kinds(one(res)) == ["warning_talk"]


def test_history_of_a_non_consecutive_year_is_ignored():
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=[{"name": "张三", "year": 2024, "grade": "不称职"}]))
    assert kinds(one(res)) == ["warning_talk"]


def test_history_of_a_better_grade_does_not_count():
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=[{"name": "张三", "year": 2025, "grade": "称职"}]))
    assert kinds(one(res)) == ["warning_talk"]


def test_history_in_another_scale_words_counts():
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=[{"name": "张三", "year": 2025, "grade": "不合格"}]))
    assert "termination" in kinds(one(res))


def test_worst_thirty_percent_two_years_running_is_team_adjustment():
    res = decide(session([cadre(counts=votes(20, 8, 12))], history=[{"name": "张三", "year": 2025, "grade": "基本称职"}]))
    r = one(res)
    assert kinds(r) == ["warning_talk", "team_adjustment"]
    assert "连续 2 年不满意票达到有效票的 30%（2025 年、2026 年）" in r["proposals"][1]["why"]
    # the share of last year may be given where the grade does not say it
    res = decide(session([cadre(counts=votes(20, 8, 12))],
                         history=[{"name": "张三", "year": 2025, "grade": "称职", "worst_percent": "31.5"}]))
    assert kinds(one(res)) == ["warning_talk", "team_adjustment"]


def test_people_of_the_same_name_are_told_apart_by_id():
    cadres = [cadre(id=1, counts=votes(10, 10, 20)), cadre(id=2, post="委员", counts=votes(10, 10, 20))]
    res = decide(session(cadres, history=[{"name": "张三", "id": 2, "year": 2025, "grade": "不称职"}]))
    assert res["valid"] is True
    first, second = res["results"]
    assert (first["id"], kinds(first)) == (1, ["warning_talk"])
    assert (second["id"], "termination" in kinds(second)) == (2, True)


def test_year_is_inferred_from_history_when_missing():
    res = decide(session([cadre(counts=votes(10, 10, 20))], year=None,
                         history=[{"name": "张三", "year": 2025, "grade": "不称职"}]))
    assert res["year"] == 2026
    assert "termination" in kinds(one(res))
    assert any("推定为 2026 年" in r for r in res["reasons"])


def test_three_years_setting_needs_three_years():
    hist = [{"name": "张三", "year": 2025, "grade": "不称职"}]
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=hist, thresholds={"unfit_years": 3}))
    assert "termination" not in kinds(one(res))
    hist.append({"name": "张三", "year": 2024, "grade": "不称职"})
    res = decide(session([cadre(counts=votes(10, 10, 20))], history=hist, thresholds={"unfit_years": 3}))
    assert "连续 3 年民主评议不称职（2024 年、2025 年、2026 年）" in one(res)["proposals"][1]["why"]


# --- bad input: nothing decided, a Chinese message naming the cadre and the number -------------------------------

def refused(res):
    assert res["valid"] is False and res["outcome"] == "input_error" and res["results"] == []
    return "\n".join(res["reasons"])


def test_counts_exceeding_those_present():
    text = refused(decide(session([cadre(counts=votes(20, 8, 12), blank=2, invalid=1)], due=45, present=40)))
    assert "张三（主任）的票数合计 43 张（满意 20、基本满意 8、不满意 12、空白 2、无效 1），多于实到 40 人" in text


def test_a_choice_not_on_the_scale():
    text = refused(decide(session([cadre(counts={"满意": 30, "很满意": 3})])))
    assert "张三（主任）的“很满意”3 票：“很满意”不是本次评议的档次" in text


def test_the_same_person_twice():
    text = refused(decide(session([cadre(), cadre(post="委员")])))
    assert "张三 在被评议人中出现 2 次" in text


def test_more_present_than_due():
    text = refused(decide(session([cadre(counts=votes(30, 0, 0))], due=30, present=31)))
    assert "实到 31 人，多于应到 30 人" in text


def test_negative_and_non_integer_counts():
    text = refused(decide(session([cadre(counts={"满意": -1, "不满意": 2.5})])))
    assert "张三（主任）的“满意”票数为 -1，不能为负数" in text
    assert "张三（主任）的“不满意”票数应为整数，而不是 2.5" in text
    text = refused(decide(session([cadre(counts={"满意": True})])))
    assert "应为整数" in text


def test_a_cadre_not_in_office():
    text = refused(decide(session([cadre(in_office=False)])))
    assert "张三（主任）该年度不在任" in text


def test_malformed_sessions():
    assert "对象" in refused(decide([]))  # type: ignore[arg-type]
    assert "没有被评议人" in refused(decide(session(cadres=[], present=0)))
    assert "至少要有两档" in refused(decide(session(scale=["满意"])))
    assert "重复" in refused(decide(session(scale=["满意", "满意", "不满意"])))
    assert "年度" in refused(decide(session(history=[{"name": "张三", "year": "去年", "grade": "不称职"}])))
    assert "不是优秀、称职" in refused(decide(session(history=[{"name": "张三", "year": 2025, "grade": "差"}])))


# --- the contract ----------------------------------------------------------------------------------------------

def test_output_keys_and_types():
    res = decide(session([cadre(counts=votes(20, 8, 12)), cadre(name="李四", post="委员", counts=votes(36, 4, 0))]))
    assert {"valid", "reasons", "results"} <= set(res)
    assert [r["name"] for r in res["results"]] == ["张三", "李四"]  # the order of the input
    for r in res["results"]:
        assert {"name", "post", "valid_ballots", "percent", "grade", "proposals"} <= set(r)
        assert isinstance(r["valid_ballots"], int)
        assert all(isinstance(v, str) and "." in v for v in r["percent"].values())
        assert r["grade"] in ("优秀", "称职", "基本称职", "不称职")
        for p in r["proposals"]:
            assert p["kind"] in PROPOSAL_KINDS and p["why"]
    json.dumps(res, ensure_ascii=False)  # plain JSON, no Decimal


def test_percent_string_rounds_half_up_from_integers():
    assert percent_string(1, 3) == "33.3"
    assert percent_string(2, 3) == "66.7"
    assert percent_string(1, 8) == "12.5"
    assert percent_string(1, 16) == "6.3"       # 6.25 → 6.3 (half up, not to even)
    assert percent_string(3, 16) == "18.8"      # 18.75
    assert percent_string(0, 0) == "0.0"


def test_proposal_kinds_are_consequence_codes():
    from villagevote.models.enums import FlagKind
    assert set(PROPOSAL_KINDS) <= {k.value for k in FlagKind}


def test_defaults_are_the_documented_ones():
    assert DEFAULT.unfit_percent == Decimal(50) and DEFAULT.warning_percent == Decimal(30)
    assert DEFAULT.excellent_percent == Decimal(90) and DEFAULT.unfit_years == 2
    assert merge({"warning_percent": 0.25 * 100}).warning_percent == Decimal("25.0")  # a JSON float, read exactly


# --- the command line -------------------------------------------------------------------------------------------

def test_cli_evaluate_prints_json(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(session([cadre(counts=votes(20, 8, 12))]), ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["results"][0]["grade"] == "基本称职"


def test_cli_evaluate_reads_stdin_and_exits_2_when_refused(monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(session([cadre(counts=votes(29, 0, 0))], due=45,
                                                                         present=29))))
    assert main(["evaluate", "--json", "-"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["outcome"] == "below_quorum"
    assert "未达到三分之二以上" in captured.err


def test_cli_evaluate_bad_json_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["evaluate", "--json", str(bad)]) == 1
    assert "JSON" in capsys.readouterr().err


def test_the_engines_are_pure():
    """No database, Qt or PDF code is loaded by the evaluation engines (plain data in, plain data out)."""
    import subprocess
    import sys
    code = ("import sys, villagevote.evaluation, villagevote.evaluation.verdicts, villagevote.evaluation.triggers; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'PySide6', 'reportlab'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
