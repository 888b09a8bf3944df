"""辞职承诺 triggers (tracking.md A5), at their boundaries."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from villagevote.evaluation.thresholds import merge
from villagevote.evaluation.triggers import (
    CODES,
    Absence,
    ItemRecord,
    add_months,
    annual_evaluation,
    assigned_tasks,
    long_absence,
    missed_meetings,
    term_goals,
)

D = dt.date
AS_OF = D(2026, 12, 31)


def test_codes_are_those_of_the_resignation_pledge_template():
    from villagevote.resources import resource_path
    template = json.loads((resource_path("pledge_templates") / "resignation.json").read_text(encoding="utf-8"))
    assert [t["code"] for t in template["default_triggers"]] == list(CODES)


def test_add_months_clamps_to_the_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2025, 3, 1), 12) == D(2026, 3, 1)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


# --- missed_meetings --------------------------------------------------------------------------------------------

def test_four_missed_within_twelve_months_fires():
    absences = [(D(2025, 3, 1), False, 1), (D(2025, 7, 1), False, 2), (D(2025, 12, 1), False, 3),
                (D(2026, 2, 28), False, 4)]
    f = missed_meetings(absences, AS_OF)
    assert f.fired and f.code == "missed_meetings"
    assert f.evidence == (1, 2, 3, 4)
    assert "缺席会议 4 次" in f.why and "达到 4 次以上" in f.why


def test_the_fourth_on_the_anniversary_is_outside_the_window():
    absences = [(D(2025, 3, 1), False), (D(2025, 7, 1), False), (D(2025, 12, 1), False), (D(2026, 3, 1), False)]
    f = missed_meetings(absences, AS_OF)
    assert not f.fired
    assert "最多 3 次，未达到 4 次" in f.why


def test_three_missed_do_not_fire_and_excused_absences_do_not_count():
    absences = [Absence(D(2026, 1, 5), False), Absence(D(2026, 2, 5), False), Absence(D(2026, 3, 5), True),
                Absence(D(2026, 4, 5), False)]
    assert not missed_meetings(absences, AS_OF).fired
    assert missed_meetings(absences[:2] + [Absence(D(2026, 3, 5), False)] + absences[3:], AS_OF).fired


def test_absences_after_as_of_are_ignored():
    absences = [(D(2026, m, 1), False) for m in (1, 2, 3, 4)]
    assert not missed_meetings(absences, D(2026, 3, 31)).fired
    assert missed_meetings(absences, D(2026, 4, 1)).fired


def test_the_pledge_params_and_the_settings_override_the_defaults():
    absences = [(D(2026, m, 1), False) for m in (1, 2, 3)]
    assert missed_meetings(absences, AS_OF, threshold=3).fired
    assert missed_meetings(absences, AS_OF, thresholds=merge({"missed_meetings_count": 3})).fired
    assert not missed_meetings(absences, AS_OF, threshold=3, months=1).fired


def test_an_exemption_neutralises_missed_meetings():
    absences = [(D(2026, m, 1), False) for m in (1, 2, 3, 4)]
    f = missed_meetings(absences, AS_OF, exempted=True)
    assert not f.fired and f.neutralised
    assert "保护清单" in f.why


# --- long_absence ------------------------------------------------------------------------------------------------

def test_six_months_exactly_fires_and_a_day_less_does_not():
    assert long_absence([(D(2026, 1, 10), D(2026, 7, 9), "a")], AS_OF).fired
    f = long_absence([(D(2026, 1, 10), D(2026, 7, 8), "a")], AS_OF)
    assert not f.fired and "不足 6 个月" in f.why


def test_an_open_absence_runs_to_as_of():
    periods = [(D(2026, 3, 1), None, "x")]
    assert not long_absence(periods, D(2026, 8, 30)).fired
    f = long_absence(periods, D(2026, 8, 31))  # 3月1日 through 8月31日: six whole months
    assert f.fired and "至今（2026年8月31日）" in f.why


def test_adjoining_periods_join_and_a_gap_breaks_them():
    joined = [(D(2026, 1, 1), D(2026, 3, 31), 1), (D(2026, 4, 1), D(2026, 6, 30), 2)]
    f = long_absence(joined, AS_OF)
    assert f.fired and f.evidence == (1, 2)
    gap = [(D(2026, 1, 1), D(2026, 3, 30), 1), (D(2026, 4, 1), D(2026, 6, 30), 2)]
    assert not long_absence(gap, AS_OF).fired


def test_long_absence_exemption_and_bad_periods():
    assert long_absence([(D(2026, 1, 1), None)], AS_OF, exempted=True).neutralised
    assert not long_absence([], AS_OF).fired
    with pytest.raises(ValueError):
        long_absence([(D(2026, 5, 1), D(2026, 4, 1))], AS_OF)


# --- assigned_tasks ---------------------------------------------------------------------------------------------

def test_assigned_tasks_needs_overdue_items_and_a_judgement():
    assert not assigned_tasks([], True).fired
    assert not assigned_tasks([7], False).fired
    f = assigned_tasks([7, 9], True)
    assert f.fired and f.evidence == (7, 9)
    assert assigned_tasks([7], True, exempted=True).neutralised


# --- annual_evaluation --------------------------------------------------------------------------------------------

def test_unfit_two_years_running_fires():
    f = annual_evaluation({2025: "不称职", 2026: "不称职"})
    assert f.fired and f.evidence == (2025, 2026)
    assert "连续 2 年民主评议不称职（2025 年、2026 年）" in f.why


def test_a_gap_year_or_a_better_year_breaks_the_run():
    assert not annual_evaluation({2024: "不称职", 2026: "不称职"}).fired
    assert not annual_evaluation({2024: "不称职", 2025: "不称职", 2026: "称职"}).fired
    assert annual_evaluation({2024: "不称职", 2025: "不称职", 2026: "称职"}, as_of_year=2025).fired


def test_other_scales_and_one_year_setting():
    assert annual_evaluation({2025: "不合格", 2026: "不满意"}).fired
    assert annual_evaluation({2026: "不称职"}, years=1).fired
    assert not annual_evaluation({2026: "不称职"}).fired
    assert annual_evaluation({2025: "不称职", 2026: "不称职"}, exempted=True).neutralised
    assert not annual_evaluation({}).fired


# --- term_goals ---------------------------------------------------------------------------------------------------

def test_any_broken_special_item_fires():
    f = term_goals([ItemRecord("kept", False, 1), ItemRecord("broken", True, 2)])
    assert f.fired and f.evidence == (2,)
    assert "剿劣专项任务 1 项未兑现" in f.why


def test_an_excused_special_item_does_not_fire():
    assert not term_goals([("kept", False, 1), ("excused", True, 2)]).fired


def test_rate_below_the_line_fires_only_at_the_end_of_the_term():
    items = [("kept", False, 1), ("broken", False, 2), ("partly_kept", False, 3)]  # (1 + 0.5) / 3 = 50 %
    assert not term_goals(items).fired
    f = term_goals(items, final=True)
    assert f.fired and f.evidence == (2,) and "践诺率 50.0%，低于 60%" in f.why
    # exactly 60 % is not below: 3 kept of 5
    five = [("kept", False, i) for i in range(3)] + [("broken", False, 3), ("broken", False, 4)]
    assert not term_goals(five, final=True).fired
    assert not term_goals(items, final=True, thresholds=merge({"term_goals_rate_below": None})).fired


def test_term_goals_exemption_neutralises():
    f = term_goals([{"verdict": "broken", "special": True, "ref": 5}], exempted=True)
    assert not f.fired and f.neutralised and f.evidence == (5,)
    assert f.to_dict()["neutralised"] is True
