"""Eligibility on the election day and the statutory calendar (domain.md §4)."""
from __future__ import annotations

import datetime as dt

import pytest

from villagevote.errors import ValidationError
from villagevote.idcard import age_on
from villagevote.models.enums import VoterCategory, VoterStatus
from villagevote.voters.calendar import (
    DeadlineStatus,
    RuleProfile,
    deadline_status,
    objection_dates,
    objection_overdue,
    publication_warnings,
    statutory_calendar,
)
from villagevote.voters.eligibility import adulthood_date, ages_on, assess, check_removal

ELECTION = dt.date(2026, 12, 20)


# ---------------------------------------------------------------------------------------------------------------
# Age on the election day
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("day", [ELECTION, dt.date(2024, 2, 29), dt.date(2026, 2, 28), dt.date(2026, 3, 1),
                                 dt.date(2025, 1, 1)])
def test_ages_of_many_birth_dates_agree_with_age_on(day):
    """The import's table-driven ages are the same as age_on for every birth date: birthdays the day before, on and
    after the election day, 29 February births, very old and not yet born."""
    births = [dt.date(1899, 1, 1) + dt.timedelta(days=k) for k in range(0, 47_000, 7)]
    for year in range(1850, day.year + 2):
        for month, d in ((2, 28), (3, 1), (day.month, day.day if (day.month, day.day) != (2, 29) else 28), (12, 31)):
            births.append(dt.date(year, month, d))
        if year % 4 == 0 and (year % 100 or year % 400 == 0):
            births.append(dt.date(year, 2, 29))
    births.append(dt.date(1, 1, 1))
    assert ages_on(births, day) == [age_on(b, day) for b in births]


def test_turns_18_on_election_day_may_vote():
    verdict = assess(dt.date(2008, 12, 20), ELECTION)
    assert verdict.eligible and verdict.age == 18


def test_turns_18_the_day_after_may_not_vote():
    verdict = assess(dt.date(2008, 12, 21), ELECTION)
    assert not verdict.eligible and verdict.age == 17
    assert "未满18周岁" in verdict.reason_text and "2026年12月21日" in verdict.reason_text


def test_born_on_29_february():
    # Born 2008-02-29: in the common year 2026 the 18th birthday falls on 1 March.
    assert adulthood_date(dt.date(2008, 2, 29)) == dt.date(2026, 3, 1)
    assert not assess(dt.date(2008, 2, 29), dt.date(2026, 2, 28)).eligible
    assert assess(dt.date(2008, 2, 29), dt.date(2026, 3, 1)).eligible


def test_profile_minimum_age_is_respected():
    assert not assess(dt.date(2007, 12, 20), ELECTION, min_age=20).eligible
    assert assess(dt.date(2006, 12, 20), ELECTION, min_age=20).eligible


def test_unknown_birth_date_is_not_eligible():
    verdict = assess(None, ELECTION)
    assert not verdict.eligible and verdict.age is None and "出生日期不明" in verdict.reason_text


# ---------------------------------------------------------------------------------------------------------------
# Political rights, removal, registration groups
# ---------------------------------------------------------------------------------------------------------------
def test_deprived_of_political_rights():
    verdict = assess(dt.date(1970, 1, 1), ELECTION, deprived=True)
    assert not verdict.eligible and "剥夺政治权利" in verdict.reason_text
    assert not assess(dt.date(1970, 1, 1), ELECTION, status=VoterStatus.DEPRIVED).eligible


@pytest.mark.parametrize("status, words", [
    (VoterStatus.DECEASED, "已死亡"), (VoterStatus.MOVED_OUT, "迁出"), (VoterStatus.REMOVED, "除名")])
def test_removed_voters_are_not_eligible(status, words):
    verdict = assess(dt.date(1970, 1, 1), ELECTION, status=status)
    assert not verdict.eligible and words in verdict.reason_text


def test_registered_away_voter_is_eligible():
    assert assess(dt.date(1970, 1, 1), ELECTION, category=VoterCategory.REGISTERED_AWAY).eligible


def test_non_registered_resident_needs_one_year_and_consent():
    born = dt.date(1980, 1, 1)
    cat = VoterCategory.NONREGISTERED_RESIDENT
    # 民法典 §201/§202: residence from 2025-10-31 makes a year ending 2026-10-31, complete on 2026-11-01
    ok = assess(born, ELECTION, category=cat, residence_since=dt.date(2025, 10, 31),
                application_date=dt.date(2026, 11, 1), consent_note="2026年11月10日村民代表会议同意")
    assert ok.eligible
    # from 2025-11-01 the year's last day is the application day itself: not yet complete
    short = assess(born, ELECTION, category=cat, residence_since=dt.date(2025, 11, 1),
                   application_date=dt.date(2026, 11, 1), consent_note="同意")
    assert not short.eligible and "不满1年" in short.reason_text
    no_consent = assess(born, ELECTION, category=cat, residence_since=dt.date(2020, 1, 1),
                        application_date=dt.date(2026, 11, 1))
    assert not no_consent.eligible and "同意" in no_consent.reason_text
    no_date = assess(born, ELECTION, category=cat, consent_note="同意")
    assert not no_date.eligible and "居住的起始日期" in no_date.reason_text


def test_all_reasons_are_listed_together():
    verdict = assess(dt.date(2010, 1, 1), ELECTION, deprived=True, status=VoterStatus.MOVED_OUT)
    assert len(verdict.reasons) == 3


def test_removal_needs_reason_and_a_past_date():
    today = dt.date(2026, 11, 1)
    check_removal(VoterStatus.DECEASED, "死亡证明 2026-10-03", dt.date(2026, 10, 3), today=today)
    with pytest.raises(ValidationError, match="原因"):
        check_removal(VoterStatus.MOVED_OUT, "  ", dt.date(2026, 10, 3), today=today)
    with pytest.raises(ValidationError, match="晚于今天"):
        check_removal(VoterStatus.MOVED_OUT, "迁往县城", dt.date(2026, 11, 2), today=today)
    with pytest.raises(ValidationError, match="不是除名原因"):
        check_removal(VoterStatus.ACTIVE, "x", dt.date(2026, 10, 3), today=today)


# ---------------------------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------------------------
def test_default_calendar_counts_backwards_from_the_election_day():
    dates = {d.code: d.due for d in statutory_calendar(ELECTION)}
    assert dates == {
        "voter_list": dt.date(2026, 11, 30),  # 20 days before 20 December
        "objection_deadline": dt.date(2026, 12, 5),  # 5 days after publication (start day not counted)
        "objection_answers": dt.date(2026, 12, 8),  # 3 days after the last objection day
        "candidate_list": dt.date(2026, 12, 15),
        "proxy_list": dt.date(2026, 12, 19),
        "election": ELECTION,
    }
    items = statutory_calendar(ELECTION)
    assert [d.due for d in items] == sorted(d.due for d in items)
    assert items[0].basis == "选举日前20天"


def test_objections_count_from_the_actual_publication_day():
    dates = {d.code: d.due for d in statutory_calendar(ELECTION, published_on=dt.date(2026, 11, 25))}
    assert dates["objection_deadline"] == dt.date(2026, 11, 30)
    assert dates["voter_list"] == dt.date(2026, 11, 30)  # the statutory latest day does not move


def test_province_profile_with_objections_closing_before_the_vote():
    profile = RuleProfile(objection_deadline_days_before=10, answer_deadline_days_before=5)
    dates = {d.code: d.due for d in statutory_calendar(ELECTION, profile)}
    assert dates["objection_deadline"] == dt.date(2026, 12, 10)
    assert dates["objection_answers"] == dt.date(2026, 12, 13)  # 10th + 3 days, before the 15th cap
    od = objection_dates(dt.date(2026, 12, 9), dt.date(2026, 11, 30), ELECTION, profile)
    assert od.answer_due == dt.date(2026, 12, 12) and not od.filed_late
    late = objection_dates(dt.date(2026, 12, 14), dt.date(2026, 11, 30), ELECTION, profile)
    assert late.filed_late and late.answer_due == dt.date(2026, 12, 15)  # capped at 5 days before the vote


def test_objection_due_dates_with_default_profile():
    published = dt.date(2026, 11, 30)
    od = objection_dates(dt.date(2026, 12, 2), published, ELECTION)
    assert od.raise_deadline == dt.date(2026, 12, 5) and od.answer_due == dt.date(2026, 12, 5)
    assert not od.filed_late
    assert objection_dates(dt.date(2026, 12, 5), published, ELECTION).filed_late is False
    assert objection_dates(dt.date(2026, 12, 6), published, ELECTION).filed_late is True
    # Received two days before the vote: the answer is due the day before the vote, not after it.
    assert objection_dates(dt.date(2026, 12, 18), published, ELECTION).answer_due == dt.date(2026, 12, 19)


def test_objection_dates_refuse_impossible_receipts():
    with pytest.raises(ValidationError, match="早于选民名单公布日期"):
        objection_dates(dt.date(2026, 11, 29), dt.date(2026, 11, 30), ELECTION)
    with pytest.raises(ValidationError, match="选举日"):
        objection_dates(ELECTION, dt.date(2026, 11, 30), ELECTION)


def test_overdue_objection_answers():
    due = dt.date(2026, 12, 5)
    assert not objection_overdue(due, today=dt.date(2026, 12, 5))
    assert objection_overdue(due, today=dt.date(2026, 12, 6))
    assert not objection_overdue(due, today=dt.date(2026, 12, 9), answered_on=dt.date(2026, 12, 4))
    assert objection_overdue(due, today=dt.date(2026, 12, 9), answered_on=dt.date(2026, 12, 7))


def test_deadline_status():
    due = dt.date(2026, 11, 30)
    assert deadline_status(due, dt.date(2026, 11, 20)) == DeadlineStatus.UPCOMING
    assert deadline_status(due, dt.date(2026, 11, 27)) == DeadlineStatus.DUE_SOON
    assert deadline_status(due, dt.date(2026, 12, 1)) == DeadlineStatus.LATE
    assert deadline_status(due, dt.date(2026, 12, 1), done_on=dt.date(2026, 11, 29)) == DeadlineStatus.DONE
    assert deadline_status(due, dt.date(2026, 12, 3), done_on=dt.date(2026, 12, 2)) == DeadlineStatus.DONE_LATE
    assert DeadlineStatus.LATE.label == "已逾期"


def test_late_publication_is_warned():
    assert publication_warnings(dt.date(2026, 11, 30), ELECTION) == []
    warning = publication_warnings(dt.date(2026, 12, 1), ELECTION)
    assert len(warning) == 1 and "前20天" in warning[0] and "2026年11月30日" in warning[0]


def test_rule_profile_validation_and_storage():
    assert RuleProfile.from_mapping({"proxy_cap": 2, "unknown": 1}).proxy_cap == 2
    assert RuleProfile.from_mapping(None) == RuleProfile()
    assert RuleProfile.from_mapping(RuleProfile(objection_answer_days=5).to_mapping()).objection_answer_days == 5
    with pytest.raises(ValidationError, match="1、2 或 3"):
        RuleProfile(proxy_cap=4)
    with pytest.raises(ValidationError, match="不小于 0"):
        RuleProfile(objection_answer_days=-1)
    with pytest.raises(ValidationError, match="早于候选人名单"):
        RuleProfile(voter_list_days_before=5, candidate_list_days_before=5)
