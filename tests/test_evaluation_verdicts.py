"""Verdicts, 践诺率 and the composite score (tracking.md A6, A4), worked out by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from villagevote.evaluation.thresholds import merge
from villagevote.evaluation.verdicts import (
    BROKEN,
    EXCUSED,
    KEPT,
    PARTLY_KEPT,
    VERDICTS,
    WITHDRAWN,
    ItemFacts,
    RatedItem,
    composite,
    composite_score,
    decide_verdict,
    fulfilment_rate,
    metric_progress,
    rate_percent,
)

D = dt.date
YEAR_END = D(2026, 12, 31)
DUE = D(2026, 6, 30)


def closed(on, **kw):
    return ItemFacts("closed", deadline=DUE, closed_on=on, evidence_count=kw.pop("evidence_count", 1), **kw)


def open_item(status="in_progress", **kw):
    return ItemFacts(status, deadline=kw.pop("deadline", DUE), evidence_count=kw.pop("evidence_count", 1), **kw)


def metric(baseline, target, current, **kw):
    return open_item(kind="metric", baseline=Decimal(baseline), target=Decimal(target), current=Decimal(current), **kw)


def test_verdict_codes_are_the_enum_values():
    from villagevote.models.enums import Verdict
    assert set(VERDICTS) == {v.value for v in Verdict}


# --- kept / partly kept by the 销号 date -------------------------------------------------------------------------

def test_closed_on_the_deadline_is_kept():
    v = decide_verdict(closed(DUE), YEAR_END)
    assert v.verdict == KEPT and not v.evidence_missing
    assert "2026年6月30日销号" in v.why and v.label == "已兑现"


def test_closed_a_day_late_is_partly_kept():
    v = decide_verdict(closed(D(2026, 7, 1)), YEAR_END)
    assert v.verdict == PARTLY_KEPT
    assert "超过时限 2026年6月30日" in v.why


def test_an_extension_moves_the_deadline():
    facts = closed(D(2026, 8, 31), deadline_current=D(2026, 8, 31))
    v = decide_verdict(facts, YEAR_END)
    assert v.verdict == KEPT and "延期后时限 2026年8月31日" in v.why
    assert decide_verdict(closed(D(2026, 9, 1), deadline_current=D(2026, 8, 31)), YEAR_END).verdict == PARTLY_KEPT


def test_a_closure_after_as_of_does_not_count_yet():
    v = decide_verdict(closed(D(2027, 1, 5)), YEAR_END)
    assert v.verdict == BROKEN


def test_no_deadline_closed_is_kept():
    v = decide_verdict(ItemFacts("closed", closed_on=D(2026, 3, 1), evidence_count=2), YEAR_END)
    assert v.verdict == KEPT


# --- open items -------------------------------------------------------------------------------------------------

def test_open_past_the_deadline_is_broken():
    v = decide_verdict(open_item(), YEAR_END)
    assert v.verdict == BROKEN and "已过时限 2026年6月30日，尚未销号" in v.why


def test_an_annual_item_judged_at_its_year_end_says_so_not_the_end_of_the_term():
    """The year's annual items get their verdict when the year is over; the reason names the year, never 任期届满
    (the term runs on, and the ledger shows the reason beside the item)."""
    v = decide_verdict(open_item(), YEAR_END, final=True, year=2026)
    assert v.verdict == BROKEN and v.why.startswith("2026年度届满") and "任期届满" not in v.why
    assert decide_verdict(open_item(), YEAR_END, final=True).why.startswith("任期届满")


def test_reported_but_not_accepted_is_still_open():
    v = decide_verdict(open_item("reported_done"), YEAR_END)
    assert v.verdict == BROKEN and "已报结但尚未验收销号" in v.why


def test_open_before_its_deadline_has_no_verdict_until_the_end_of_the_term():
    facts = open_item(deadline=D(2027, 6, 30))
    v = decide_verdict(facts, YEAR_END)
    assert v.verdict is None and not v.evidence_missing and "尚未到" in v.why
    assert decide_verdict(facts, YEAR_END, final=True).verdict == BROKEN
    # the deadline day itself is not past
    assert decide_verdict(open_item(deadline=YEAR_END), YEAR_END).verdict is None


def test_metric_half_way_is_partly_kept_and_one_unit_less_is_broken():
    v = decide_verdict(metric(0, 100, 50), YEAR_END)
    assert v.verdict == PARTLY_KEPT and v.progress == Decimal("50.0")
    assert "完成 50.0%，达到 50%" in v.why
    assert decide_verdict(metric(0, 100, 49), YEAR_END).verdict == BROKEN


def test_metric_reduction_targets_count_the_other_way():
    # 80 → 20 wanted; at 50 it has gone 30 of 60 = 50 %
    assert decide_verdict(metric(80, 20, 50), YEAR_END).verdict == PARTLY_KEPT
    assert decide_verdict(metric(80, 20, 51), YEAR_END).verdict == BROKEN


def test_metric_progress_is_clamped_and_undefined_without_a_span():
    assert metric_progress(Decimal(0), Decimal(10), Decimal(15)) == 1
    assert metric_progress(Decimal(0), Decimal(10), Decimal(-5)) == 0
    assert metric_progress(Decimal(5), Decimal(5), Decimal(5)) is None
    assert metric_progress(None, Decimal(5), Decimal(5)) is None


def test_the_partial_line_is_a_threshold():
    th = merge({"partly_progress_percent": 60})
    assert decide_verdict(metric(0, 100, 50), YEAR_END, thresholds=th).verdict == BROKEN


# --- excused and withdrawn --------------------------------------------------------------------------------------

def test_an_exemption_turns_broken_into_excused():
    v = decide_verdict(open_item(exempted=True, decision_no="东委〔2026〕12号"), YEAR_END)
    assert v.verdict == EXCUSED and not v.evidence_missing
    assert "保护清单" in v.why and "东委〔2026〕12号" in v.why


def test_an_exemption_does_not_change_a_kept_item():
    assert decide_verdict(closed(DUE, exempted=True), YEAR_END).verdict == KEPT


def test_withdrawn_comes_first():
    v = decide_verdict(closed(DUE, withdrawn=True, decision_no="东委〔2026〕3号"), YEAR_END)
    assert v.verdict == WITHDRAWN and not v.evidence_missing
    assert decide_verdict(ItemFacts("withdrawn"), YEAR_END).verdict == WITHDRAWN


def test_missing_evidence_is_flagged():
    v = decide_verdict(closed(DUE, evidence_count=0), YEAR_END)
    assert v.verdict == KEPT and v.evidence_missing and "缺少佐证材料" in v.why
    v = decide_verdict(open_item(exempted=True), YEAR_END)
    assert v.verdict == EXCUSED and v.evidence_missing and "缺少批准文件编号" in v.why


# --- 践诺率 --------------------------------------------------------------------------------------------------------

def test_fulfilment_rate_weights_kept_one_partly_half():
    items = [RatedItem(KEPT, Decimal(2)), RatedItem(PARTLY_KEPT), RatedItem(BROKEN),
             RatedItem(EXCUSED, Decimal(5)), RatedItem(WITHDRAWN, Decimal(3)), RatedItem(None),
             RatedItem(KEPT, Decimal(4), measurable=False)]
    # (2 + 0.5) / (2 + 1 + 1) = 5/8
    rate = fulfilment_rate(items)
    assert rate == Fraction(5, 8)
    assert rate_percent(rate) == "62.5"


def test_fulfilment_rate_with_no_measurable_item_is_none():
    assert fulfilment_rate([RatedItem(EXCUSED), RatedItem(None)]) is None
    assert fulfilment_rate([]) is None
    assert rate_percent(None) == "—"


def test_fulfilment_rate_accepts_mappings_and_verdicts():
    v = decide_verdict(closed(DUE), YEAR_END)
    assert fulfilment_rate([v, {"verdict": BROKEN, "weight": "1.5"}]) == Fraction(2, 5)  # 1 / (1 + 1.5)
    assert fulfilment_rate([{"verdict": KEPT}, {"verdict": BROKEN}]) == Fraction(1, 2)
    with pytest.raises(ValueError):
        fulfilment_rate([{"verdict": "done"}])


# --- composite score --------------------------------------------------------------------------------------------

def test_composite_default_weights_and_grade_points():
    # 称职 100 × 50 + 基本称职 60 × 30 + 践诺率 62.5 × 20 = 5000 + 1800 + 1250 = 8050 / 100
    c = composite("称职", "基本称职", Fraction(5, 8))
    assert c.score == Decimal("80.50")
    assert c.parts == {"people": Decimal("100.00"), "township": Decimal("60.00"), "fulfilment": Decimal("62.50")}
    assert "民评 100 分 × 50" in c.why and c.proposals == ()


def test_composite_is_exact_then_rounded_half_up():
    # 践诺率 2/3 → 66.666… × 20 + 不称职 0 × 50 + 优秀 100 × 30 = 1333.33… + 3000 = 4333.33… / 100 = 43.33
    assert composite_score("不称职", "优秀", Fraction(2, 3)) == Decimal("43.33")
    # 1/8 of 20 weight alone → 12.5 exactly; a score of x.xx5 rounds up: 民评 0, 践诺率 0.00025
    assert composite_score(None, None, Fraction(1, 8)) == Decimal("12.50")
    assert composite_score(Decimal("0.005"), None, None) == Decimal("0.01")


def test_composite_missing_parts_share_the_weight():
    c = composite("基本称职", None, None)
    assert c.score == Decimal("60.00") and set(c.parts) == {"people"}
    assert composite(None, None, None).score is None


def test_composite_below_sixty_proposes_team_adjustment():
    c = composite("基本称职", "不称职", Fraction(1, 2))  # 3000 + 0 + 1000 = 40
    assert c.score == Decimal("40.00")
    assert [p["kind"] for p in c.proposals] == ["team_adjustment"]
    assert "低于 60 分" in c.proposals[0]["why"]
    assert composite("基本称职", "基本称职", Fraction(3, 5)).proposals == ()  # exactly 60 is not below


def test_composite_weights_and_points_are_thresholds():
    th = merge({"grade_points": {"称职": 80}, "composite_weights": {"people": 1, "township": 1, "fulfilment": 0}})
    assert composite_score("称职", "优秀", Fraction(0), thresholds=th) == Decimal("90.00")
    assert composite_score("称职", "优秀", None, weights={"people": 3, "township": 1}) == Decimal("100.00")
    with pytest.raises(ValueError):
        composite_score("差", None, None)
