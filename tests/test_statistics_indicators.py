"""Issue 19 Must show: the structure indicators on a small hand-built township whose answers are worked out here.

Reference date 2026-11-18. Three villages:

东村 330101001 — 党组织 张一 书记, 王三 副书记, 李二 委员; 村委会 张一 主任 (一肩挑, 交叉任职), 赵四 副主任, 钱五 委员.
    张一 m 1970-03-01 → 56, 本科, 党员, 连任
    李二 f 1991-11-18 → 35 exactly on the reference date (35周岁以下), 高中, 党员, 新进 → a 青年委员
    王三 m 1960-01-01 → 66, 初中, 党员, 连任
    赵四 f 1990-11-17 → 36 (birthday the day before), 大专, 预备党员, 新进
    钱五 m 1966-11-18 → 60 exactly (60 and over), 小学, 群众, 连任
    previous cycle (reference date 2021-11-18): 张一 51, 王三 61, 钱五 55, 孙老 (1950-06-01) 71
    9 representatives: 2 党员 + 1 预备党员, 3 women; 监委会 s1 s2 s3, 合作社 s3 s4
西村 330101002 — 党组织 孙六 书记, 周七 委员; 村委会 周七 主任 (支委兼任主任), 郑九 委员, 冯十 委员; no woman;
    孙六 m 1975-05-05 → 51, 高中, 党员; 周七 m 1980-01-01 → 46, 大专, 党员;
    郑九 m 2000-06-01 → 26 but 初中 (not a 青年委员); 冯十 m, no birth date, no education, 群众;
    no previous roster, no representatives; the 村委会 first round filled 3 of 5 seats, then 另行选举
南村 330101003 — nothing elected yet.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from villagevote.errors import ValidationError
from villagevote.models.enums import (
    CommitmentStatus,
    ConsequenceState,
    Education,
    FlagKind,
    Gender,
    OrgKind,
    PoliticalStatus,
)
from villagevote.statistics.catalog import (
    STRUCTURE,
    TABLES,
    TRACKING,
    Value,
    catalog,
    indicator,
    township_totals,
)
from villagevote.statistics.compliance import compliance_rows, consistency_errors, consistency_problems
from villagevote.statistics.indicators import (
    ElectionIn,
    MemberIn,
    PreviousMemberIn,
    RepresentativeIn,
    TownshipInput,
    VillageIn,
    age_in_years,
    compute,
)
from villagevote.statistics.tracking_stats import (
    ConsequenceIn,
    GradeIn,
    ItemIn,
    TrackingInput,
    compute_tracking,
    parse_period,
)

PB, VC = OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE
M, F = Gender.MALE, Gender.FEMALE
PM, PROB, MASSES = PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY, PoliticalStatus.MASSES
A, B, C = "330101001", "330101002", "330101003"
DAY = dt.date(2026, 11, 18)


def member(person: str, village: str, body: OrgKind, post: str, gender: Gender | None, born: dt.date | None,
           edu: Education | None, status: PoliticalStatus | None, returning: bool | None = None) -> MemberIn:
    return MemberIn(person, village, body, post, gender, born, edu, status, returning)


P1 = ("张一", M, dt.date(1970, 3, 1), Education.BACHELOR, PM, True)
P7 = ("周七", M, dt.date(1980, 1, 1), Education.COLLEGE, PM, None)


def township(count_probationary: bool = True) -> TownshipInput:
    n1, g1, b1, e1, s1, r1 = P1
    n7, g7, b7, e7, s7, r7 = P7
    members = [
        member(n1, A, PB, "书记", g1, b1, e1, s1, r1),
        member("王三", A, PB, "副书记", M, dt.date(1960, 1, 1), Education.JUNIOR, PM, True),
        member("李二", A, PB, "委员", F, dt.date(1991, 11, 18), Education.SENIOR, PM, False),
        member(n1, A, VC, "主任", g1, b1, e1, s1, r1),
        member("赵四", A, VC, "副主任", F, dt.date(1990, 11, 17), Education.COLLEGE, PROB, False),
        member("钱五", A, VC, "委员", M, dt.date(1966, 11, 18), Education.PRIMARY, MASSES, True),
        member("s1", A, OrgKind.SUPERVISION_COMMITTEE, "主任", M, None, None, None),
        member("s2", A, OrgKind.SUPERVISION_COMMITTEE, "委员", M, None, None, None),
        member("s3", A, OrgKind.SUPERVISION_COMMITTEE, "委员", F, None, None, None),
        member("s3", A, OrgKind.COOP, "理事长", F, None, None, None),
        member("s4", A, OrgKind.COOP, "理事", M, None, None, None),
        member("孙六", B, PB, "书记", M, dt.date(1975, 5, 5), Education.SENIOR, PM),
        member(n7, B, PB, "委员", g7, b7, e7, s7, r7),
        member(n7, B, VC, "主任", g7, b7, e7, s7, r7),
        member("郑九", B, VC, "委员", M, dt.date(2000, 6, 1), Education.JUNIOR, MASSES),
        member("冯十", B, VC, "委员", M, None, None, MASSES),
    ]
    elections = [
        ElectionIn(A, PB, seats=3, filled_first=3, first_valid=True, electorate=40, present=36),
        ElectionIn(A, VC, seats=3, filled_first=3, first_valid=True, electorate=1000, ballots_returned=876),
        ElectionIn(B, PB, seats=2, filled_first=2, first_valid=True, electorate=20, present=None),
        ElectionIn(B, VC, seats=5, filled_first=3, first_valid=True, additional_held=True, electorate=500,
                   ballots_returned=400),
    ]
    reps = ([RepresentativeIn(A, F, PM)] + [RepresentativeIn(A, M, PM)] + [RepresentativeIn(A, F, PROB)]
            + [RepresentativeIn(A, F, MASSES)] + [RepresentativeIn(A, M, MASSES)] * 5)
    previous = [
        PreviousMemberIn("张一", A, PB, dt.date(1970, 3, 1)),
        PreviousMemberIn("张一", A, VC, dt.date(1970, 3, 1)),  # counted once
        PreviousMemberIn("王三", A, PB, dt.date(1960, 1, 1)),
        PreviousMemberIn("钱五", A, VC, dt.date(1966, 11, 18)),
        PreviousMemberIn("孙老", A, VC, dt.date(1950, 6, 1)),
    ]
    return TownshipInput("330101", "东山镇", DAY,
                         [VillageIn(C, "南村"), VillageIn(A, "东村"), VillageIn(B, "西村")],
                         members, elections, reps, previous, dt.date(2021, 11, 18), count_probationary)


def table(values: list[Value]) -> dict[tuple[str, str], Value]:
    return {(v.village_code, v.indicator): v for v in values}


@pytest.fixture(scope="module")
def got() -> dict[tuple[str, str], Value]:
    return table(compute(township()))


def frac(got: dict[tuple[str, str], Value], village: str, code: str) -> tuple[int, int]:
    v = got[(village, code)]
    return v.numerator, v.denominator


def text(got: dict[tuple[str, str], Value], village: str, code: str) -> str:
    return got[(village, code)].value_text()


def test_ages_are_full_years_on_the_reference_date() -> None:
    assert age_in_years(dt.date(1991, 11, 18), DAY) == 35  # birthday on the day: 35, so 35周岁以下
    assert age_in_years(dt.date(1990, 11, 17), DAY) == 36  # the day after the 36th birthday
    assert age_in_years(dt.date(1990, 11, 19), DAY) == 35  # 36 only tomorrow
    assert age_in_years(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25


def test_every_village_and_the_total_have_every_structure_indicator(got: dict[tuple[str, str], Value]) -> None:
    codes = [d.code for d in catalog(STRUCTURE)]
    for village in (A, B, C, ""):
        assert [k for (v, k) in got if v == village] == codes
    # villages in code order, then the total
    assert [k[0] for k in got][:: len(codes)] == [A, B, C, ""]
    # every B1 group appears
    groups = {c.split(".")[0] for c in codes}
    assert {"S01", "S02", "S03", "S04", "S05", "S10", "S11", "S12", "S13", "S14", "S15", "S20", "S30", "S40", "S50",
            "S60", "S70", "S80", "S90"} <= groups


def test_completion_and_first_round(got: dict[tuple[str, str], Value]) -> None:
    # 东村: both bodies filled every seat in a valid, official first round → 一次选举成功
    assert frac(got, A, "S03.first_success") == (1, 1)
    # 西村: 村委会 filled 3 of 5 seats in the first round, then 另行选举; completed (书记, 主任, 3 members)
    assert frac(got, B, "S03.first_success") == (0, 1)
    assert frac(got, B, "S04.additional") == (1, 1)
    assert frac(got, B, "S02.completed") == (1, 1)
    # 南村: nothing elected → not completed = 未成功
    assert frac(got, C, "S02.completed") == (0, 1) and frac(got, C, "S05.failed") == (1, 1)
    # total: 3 villages, 2 completed, 1 first-round success = 1/3 = 33.3 %, 1 additional, 1 failed
    assert frac(got, "", "S01.villages") == (3, 1)
    assert frac(got, "", "S02.completed") == (2, 1)
    assert frac(got, "", "S03.first_success_rate") == (1, 3) and text(got, "", "S03.first_success_rate") == "33.3"
    assert frac(got, "", "S04.additional") == (1, 1)
    assert frac(got, "", "S05.failed") == (1, 1)


def test_turnout_and_party_attendance(got: dict[tuple[str, str], Value]) -> None:
    assert frac(got, A, "S80.turnout") == (876, 1000) and text(got, A, "S80.turnout") == "87.6"
    # total: (876 + 400) / (1000 + 500) = 1276/1500 = 85.0666… → 85.1 (not the mean of 87.6 and 80.0 = 83.8)
    assert frac(got, "", "S80.turnout") == (1276, 1500) and text(got, "", "S80.turnout") == "85.1"
    # 党员到会率: 36/40 in 东村; 西村 recorded no 实到 → 0/0 shown "—" and adds nothing to the total
    assert text(got, A, "S80.party_attendance") == "90.0"
    assert text(got, B, "S80.party_attendance") == "—"
    assert frac(got, "", "S80.party_attendance") == (36, 40)


def test_bodies_cross_posts_one_shoulder(got: dict[tuple[str, str], Value]) -> None:
    # 东村: 党组织 3, 村委会 3, 张一 in both → 两委 = 3 + 3 − 1 = 5 distinct persons
    assert frac(got, A, "S10.members") == (3, 1)
    assert frac(got, A, "S11.members") == (3, 1)
    assert frac(got, A, "S13.cross") == (1, 1)
    assert frac(got, A, "S12.members") == (5, 1)
    assert frac(got, A, "S13.cross_rate") == (1, 5) and text(got, A, "S13.cross_rate") == "20.0"
    assert frac(got, A, "S14.one_shoulder") == (1, 1)  # 张一 书记 and 主任
    assert frac(got, A, "S15.branch_director") == (0, 1)  # the 主任 is the 书记 himself
    # 西村: 周七 is a branch 委员 and the 主任 → 支委兼任主任, not 一肩挑
    assert frac(got, B, "S14.one_shoulder") == (0, 1)
    assert frac(got, B, "S15.branch_director") == (1, 1)
    assert frac(got, B, "S12.members") == (4, 1)  # 2 + 3 − 1
    # posts of the 村委会: 主任 2, 副主任 1 (赵四), 委员 3 (钱五, 郑九, 冯十)
    assert frac(got, "", "S11.director") == (2, 1)
    assert frac(got, "", "S11.deputy") == (1, 1)
    assert frac(got, "", "S11.member") == (3, 1)
    assert frac(got, "", "S10.secretary") == (2, 1)
    # total: S12 = 5 + 4 = 9, S13 = 2 → 2/9 = 22.2 %; 一肩挑 1 of 3 villages = 33.3 %
    assert frac(got, "", "S12.members") == (9, 1)
    assert frac(got, "", "S13.cross_rate") == (2, 9) and text(got, "", "S13.cross_rate") == "22.2"
    assert frac(got, "", "S14.one_shoulder_rate") == (1, 3)
    assert frac(got, "", "S15.branch_director") == (1, 1)


def test_women(got: dict[tuple[str, str], Value]) -> None:
    # 东村: 李二 (党组织), 赵四 (村委会) → 1 of 3 each, 2 of 5 in 两委
    assert frac(got, A, "S20.pb_women_rate") == (1, 3)
    assert frac(got, A, "S20.vc_women_rate") == (1, 3)
    assert frac(got, A, "S20.lw_women_rate") == (2, 5) and text(got, A, "S20.lw_women_rate") == "40.0"
    assert frac(got, B, "S20.vc_women") == (0, 1)
    assert frac(got, "", "S20.villages_vc_woman") == (1, 1)
    assert frac(got, "", "S20.villages_pb_woman") == (1, 1)
    assert frac(got, "", "S20.female_secretary") == (0, 1)
    assert frac(got, "", "S20.female_director") == (0, 1)
    # total: 党组织 1/5 = 20.0, 村委会 1/6 = 16.7, 两委 2/9 = 22.2
    assert text(got, "", "S20.pb_women_rate") == "20.0"
    assert text(got, "", "S20.vc_women_rate") == "16.7"
    assert text(got, "", "S20.lw_women_rate") == "22.2"


def test_ages(got: dict[tuple[str, str], Value]) -> None:
    # 东村 ages 56, 35, 66, 36, 60: ≤ 35: 李二 (exactly 35); ≥ 60: 王三, 钱五 (exactly 60); 36–59: 张一, 赵四
    assert frac(got, A, "S30.age_le35") == (1, 1)
    assert frac(got, A, "S30.age_ge60") == (2, 1)
    assert frac(got, A, "S30.age_36_59") == (2, 1)
    assert frac(got, A, "S30.age_unknown") == (0, 1)
    assert frac(got, A, "S30.avg_age") == (253, 5) and text(got, A, "S30.avg_age") == "50.60"
    assert text(got, A, "S30.avg_age_secretary") == "56.00"
    assert text(got, A, "S30.avg_age_director") == "56.00"
    assert frac(got, A, "S30.youth_villages") == (1, 1)  # 李二: 35 and 高中
    # 西村: 51, 46, 26, unknown → 郑九 is 26 but 初中: no 青年委员; 冯十 has no birth date
    assert frac(got, B, "S30.age_unknown") == (1, 1)
    assert frac(got, B, "S30.avg_age") == (123, 3)  # over the 3 with a date
    assert frac(got, B, "S30.youth_villages") == (0, 1)
    # total: (253 + 123) / (5 + 3) = 376/8 = 47.00 (the mean of 50.60 and 41.00 would be 45.80)
    assert frac(got, "", "S30.avg_age") == (376, 8) and text(got, "", "S30.avg_age") == "47.00"
    assert frac(got, "", "S30.age_le35_rate") == (2, 9) and text(got, "", "S30.age_le35_rate") == "22.2"
    assert frac(got, "", "S30.age_ge60_rate") == (2, 9)
    assert frac(got, "", "S30.youth_villages") == (1, 1)
    # two days earlier (2026-11-16) 赵四 is still 35 (36 on the 17th) and 李二 34: both ≤ 35; 钱五 is still 59
    earlier = dataclasses.replace(township(), stat_date=dt.date(2026, 11, 16))
    before = table(compute(earlier))
    assert frac(before, A, "S30.age_le35") == (2, 1)
    assert frac(before, A, "S30.age_ge60") == (1, 1)


def test_education(got: dict[tuple[str, str], Value]) -> None:
    # 东村: 本科 张一, 高中 李二, 大专 赵四 → 高中及以上 3, 大专及以上 2, 本科及以上 1; 书记 张一 本科 → 1, 1, 1
    assert frac(got, A, "S40.edu_senior") == (3, 1)
    assert frac(got, A, "S40.edu_college") == (2, 1)
    assert frac(got, A, "S40.edu_bachelor") == (1, 1)
    assert frac(got, A, "S40.secretary_bachelor") == (1, 1)
    # 西村: 孙六 高中 (书记), 周七 大专 → 2, 1, 0; 书记 高中 → 1, 0, 0
    assert frac(got, B, "S40.secretary_senior") == (1, 1) and frac(got, B, "S40.secretary_college") == (0, 1)
    # total: 5/9 = 55.6, 3/9 = 33.3, 1/9 = 11.1
    assert frac(got, "", "S40.edu_senior_rate") == (5, 9) and text(got, "", "S40.edu_senior_rate") == "55.6"
    assert text(got, "", "S40.edu_college_rate") == "33.3"
    assert text(got, "", "S40.edu_bachelor_rate") == "11.1"


def test_party_members_and_the_probationary_setting(got: dict[tuple[str, str], Value]) -> None:
    # 东村 村委会: 张一 党员, 赵四 预备党员, 钱五 群众 → 2/3 counted, 1/3 not
    assert frac(got, A, "S50.vc_party") == (2, 1)
    assert frac(got, "", "S50.vc_party_rate") == (3, 6) and text(got, "", "S50.vc_party_rate") == "50.0"
    strict = table(compute(township(count_probationary=False)))
    assert frac(strict, A, "S50.vc_party") == (1, 1)
    assert frac(strict, "", "S50.vc_party_rate") == (2, 6) and text(strict, "", "S50.vc_party_rate") == "33.3"
    # representatives alike: 3 of 9 with the 预备党员, 2 of 9 without
    assert frac(got, A, "S70.reps_party_rate") == (3, 9)
    assert frac(strict, A, "S70.reps_party_rate") == (2, 9)


def test_new_reelected_and_the_change_of_the_average_age(got: dict[tuple[str, str], Value]) -> None:
    # 东村: 连任 张一, 王三, 钱五; 新进 李二, 赵四 → 2/5 = 40.0 %; 西村 has no previous roster → counts in neither
    assert frac(got, A, "S60.new") == (2, 1) and frac(got, A, "S60.reelected") == (3, 1)
    assert frac(got, B, "S60.new_rate") == (0, 0) and text(got, B, "S60.new_rate") == "—"
    assert text(got, "", "S60.new_rate") == "40.0"
    # previous cycle on 2021-11-18: 张一 51, 王三 61, 钱五 55 (birthday that day), 孙老 71 → 238/4 = 59.50
    assert frac(got, A, "S60.prev_avg_age") == (238, 4) and text(got, A, "S60.prev_avg_age") == "59.50"
    # change: 253/5 − 238/4 = (1012 − 1190)/20 = −178/20 = −8.90
    assert frac(got, A, "S60.avg_age_change") == (-178, 20) and text(got, A, "S60.avg_age_change") == "-8.90"
    # total: 376/8 − 238/4 = 47.00 − 59.50 = −12.50, recomputed from the totals (not a sum of village changes)
    assert text(got, "", "S60.avg_age_change") == "-12.50"
    assert text(got, B, "S60.avg_age_change") == "—"


def test_representatives_supervision_and_coop(got: dict[tuple[str, str], Value]) -> None:
    assert frac(got, A, "S70.reps") == (9, 1)
    assert frac(got, A, "S70.reps_women") == (3, 1)
    assert text(got, A, "S70.reps_women_rate") == "33.3"
    assert frac(got, B, "S70.reps") == (0, 1)
    assert frac(got, "", "S70.reps_party_rate") == (3, 9)  # 西村 and 南村 add 0/0
    assert frac(got, A, "S90.supervision") == (3, 1)
    assert frac(got, A, "S90.coop") == (2, 1)
    assert frac(got, A, "S90.cross") == (1, 1)  # s3 on both


def test_totals_are_recomputed_from_numerators_and_denominators(got: dict[tuple[str, str], Value]) -> None:
    villages = [v for v in got.values() if v.village_code != ""]
    again = table(township_totals(villages))
    assert {k: v for k, v in got.items() if k[0] == ""} == again
    for d in catalog(STRUCTURE):
        total = got[("", d.code)]
        parts = [got[(c, d.code)] for c in (A, B, C)]
        if d.difference_of is None:
            assert total.numerator == sum(p.numerator for p in parts)
            if d.kind != "count":
                assert total.denominator == sum(p.denominator for p in parts)


def test_value_text_rounds_half_up() -> None:
    assert Value("S13.cross_rate", "", 1, 16).value_text() == "6.3"  # 6.25 → 6.3 (banker's rounding gives 6.2)
    assert Value("S30.avg_age", "", 1, 8).value_text() == "0.13"  # 0.125
    assert Value("S30.avg_age", "", 1, 8).value_text(1) == "0.1"
    assert Value("S10.members", "", 12, 1).value_text() == "12"
    assert Value("S13.cross_rate", "", 0, 0).decimal() is None
    assert Value("S13.cross_rate", "", 2, 3).decimal() == Decimal("66.7")


def test_catalogue_states_denominators_and_tables() -> None:
    for d in catalog():
        assert d.table in TABLES
        assert d.kind in ("count", "ratio", "average")
        if d.kind != "count":
            assert d.denominator, d.code
        assert d.precision == {"count": 0, "ratio": 1, "average": 2}[d.kind]
    assert {d.report for d in catalog()} == {STRUCTURE, TRACKING}
    assert indicator("S13.cross_rate").title == "交叉任职率（%）"
    assert len({d.code for d in catalog()}) == len(catalog())


def test_compliance_sheet() -> None:
    values = compute(township())
    names = {A: "东村", B: "西村", C: "南村"}
    rows = [(r.village, r.rule) for r in compliance_rows(values, names)]
    # 东村 complies (3 of 9 Party-member representatives is one third, not under it); 西村 has no woman on the
    # 村委会, no 青年委员, no representatives; 南村 has nothing elected: a 村委会 of 0 members (not also "no woman" and
    # "no 青年委员" of an empty body), no representatives
    assert rows == [("西村", "C1"), ("西村", "C2"), ("西村", "C6"), ("南村", "C5"), ("南村", "C6")]
    strict = compliance_rows(compute(township(count_probationary=False)), names)
    party = [r for r in strict if r.rule == "C3"]
    assert [(r.village, r.figure) for r in party] == [("东村", "村民代表 9 人，党员 2 人（22.2%）")]
    assert "三分之一" in party[0].text


def test_consistency_checks_pass_on_computed_values() -> None:
    assert consistency_errors(compute(township())) == []


def _edit(values: list[Value], village: str, code: str, numerator: int, denominator: int = 1) -> list[Value]:
    return [Value(v.indicator, v.village_code, numerator, denominator)
            if (v.village_code, v.indicator) == (village, code) else v for v in values]


def test_consistency_checks_fire() -> None:
    values = compute(township())
    # 交叉任职 above either body
    errors = consistency_errors(_edit(values, A, "S13.cross", 4))
    assert any("交叉任职人数 4 大于党组织成员 3" in e for e in errors)
    # women above total
    errors = consistency_errors(_edit(values, A, "S20.vc_women", 5))
    assert any(e == "村 330101001：村委会女性成员 5 大于村委会成员 3" for e in errors)
    # 一肩挑 above the villages, on the total row
    errors = consistency_errors(_edit(values, "", "S14.one_shoulder", 4))
    assert any(e.startswith("合计：一肩挑村数 4 大于村数 3") for e in errors)
    # age bands not adding up
    problems = consistency_problems(_edit(values, B, "S30.age_unknown", 0))
    assert [(p.village_code, p.indicators[0]) for p in problems] == [(B, "S30.age_le35")]
    assert "各年龄段人数之和 3 不等于两委成员 4" in problems[0].message
    # a share above 100 %
    errors = consistency_errors(_edit(values, A, "S70.reps_women_rate", 10, 9))
    assert any("妇女代表占比 为 10/9，超出 0–100%" in e for e in errors)


# --------------------------------------------------------------------------------------------- tracking (JNTJ-01)
# May 2027, taken on the 31st (or part-way, on the 20th).
MAY = ("2027-05", dt.date(2027, 5, 1), dt.date(2027, 5, 31))


def _items() -> list[ItemIn]:
    d = dt.date
    return [
        # i1: due 30 Apr, 报结 20 Apr, 销号 25 Apr (on time), weight 2.00
        ItemIn(A, CommitmentStatus.CLOSED, d(2027, 3, 1), d(2027, 4, 30), d(2027, 4, 30), 200,
               d(2027, 4, 20), d(2027, 4, 25)),
        # i2: extended to 20 May, 销号 19 May: due and closed, but after its original deadline
        ItemIn(A, CommitmentStatus.CLOSED, d(2027, 3, 1), d(2027, 4, 30), d(2027, 5, 20), 100,
               d(2027, 5, 18), d(2027, 5, 19)),
        # i3: new on 10 May, due 25 May, open → 逾期; under 挂牌督办 since 26 May
        ItemIn(A, CommitmentStatus.OVERDUE, d(2027, 5, 10), d(2027, 5, 25), d(2027, 5, 25), 100,
               supervisions=((d(2027, 5, 26), None),)),
        # i4: 免责 from 10 May: counted as registered and 免责, in no rate, never 逾期
        ItemIn(A, CommitmentStatus.EXCUSED, d(2027, 4, 1), d(2027, 5, 15), d(2027, 5, 15), 100,
               exemptions=((d(2027, 5, 10), None),)),
        # 撤销, registered after the period, a parent (its children count): nowhere
        ItemIn(A, CommitmentStatus.WITHDRAWN, d(2027, 3, 1), d(2027, 4, 1), d(2027, 4, 1)),
        ItemIn(A, CommitmentStatus.REGISTERED, d(2027, 6, 2), d(2027, 6, 30), d(2027, 6, 30)),
        ItemIn(A, CommitmentStatus.IN_PROGRESS, d(2027, 3, 1), d(2027, 4, 1), d(2027, 4, 1), is_parent=True),
        # 西村 j1: due 31 May, open (not 逾期 on the 31st itself), weight 3.00
        ItemIn(B, CommitmentStatus.IN_PROGRESS, d(2027, 1, 1), d(2027, 5, 31), d(2027, 5, 31), 300),
    ]


def _tracking(as_of: dt.date = dt.date(2027, 5, 31)) -> dict[tuple[str, str], Value]:
    period, start, end = MAY
    grades = [GradeIn(A, g) for g in ("优秀", "满意", "基本合格", "不称职", "称职")]
    cons = [ConsequenceIn(A, FlagKind.WARNING_TALK, ConsequenceState.PROPOSED),
            ConsequenceIn(A, FlagKind.WARNING_TALK, ConsequenceState.CONFIRMED),
            ConsequenceIn(A, FlagKind.COMMENDATION, ConsequenceState.EXECUTED)]
    # (on-time reports, reports due) per village, as tracking.weekly.timeliness_counts gives them
    reports = {A: (4, 9), B: (5, 5)}
    return table(compute_tracking(TrackingInput([A, B], period, start, end, as_of, _items(), reports, grades,
                                                cons)))


def test_tracking_counts_and_rates() -> None:
    got = _tracking()
    # 东村: 挂号 i1–i4 = 4, 新增 i3, 报结 i1 i2, 销号 i1 i2, 逾期 i3, 督办 i3, 免责 i4
    assert [frac(got, A, f"J01.{k}")[0] for k in
            ("registered", "new", "reported", "closed", "overdue", "supervised", "exempted")] == [4, 1, 2, 2, 1, 1, 1]
    # due by 31 May (not 免责): i1 i2 i3; 销号 i1 i2 → 2/3; by weight (2.00 + 1.00)/(2.00 + 1.00 + 1.00) = 75 %
    assert frac(got, A, "J02.closed_rate") == (2, 3) and text(got, A, "J02.closed_rate") == "66.7"
    assert frac(got, A, "J02.closed_weight_rate") == (300, 400) and text(got, A, "J02.closed_weight_rate") == "75.0"
    # original deadline come: i1 i2 i3; 销号 by it: i1 only
    assert frac(got, A, "J02.on_time_rate") == (1, 3)
    assert frac(got, A, "J02.report_rate") == (4, 9) and text(got, A, "J02.report_rate") == "44.4"
    assert frac(got, B, "J01.overdue") == (0, 1)
    # totals from summed fractions: 销号率 2/4 = 50.0, by weight 300/700 = 42.9, 及时率 9/14 = 64.3
    assert frac(got, "", "J02.closed_rate") == (2, 4)
    assert text(got, "", "J02.closed_weight_rate") == "42.9"
    assert frac(got, "", "J02.report_rate") == (9, 14) and text(got, "", "J02.report_rate") == "64.3"
    # grades by any scale's words; consequences by state and kind
    assert [frac(got, A, f"J03.grade_{g}")[0] for g in ("top", "pass", "basic", "fail")] == [1, 2, 1, 1]
    assert [frac(got, A, f"J04.{s}")[0] for s in ("proposed", "confirmed", "executed", "waived")] == [1, 1, 1, 0]
    assert frac(got, A, "J05.warning_talk") == (2, 1) and frac(got, "", "J05.commendation") == (1, 1)
    assert consistency_errors(list(got.values())) == []


def test_tracking_part_way_through_the_period() -> None:
    got = _tracking(as_of=dt.date(2027, 5, 20))
    # on 20 May i3 is not 逾期 yet (due 25 May) nor under 督办 (26 May)
    assert frac(got, A, "J01.overdue") == (0, 1)
    assert frac(got, A, "J01.supervised") == (0, 1)
    # due by then: i1 and i2 (extended to the 20th), both 销号 → 2/2
    assert frac(got, A, "J02.closed_rate") == (2, 2)


def test_periods() -> None:
    assert parse_period("2027-5") == ("2027-05", dt.date(2027, 5, 1), dt.date(2027, 5, 31))
    assert parse_period("2027q4") == ("2027-Q4", dt.date(2027, 10, 1), dt.date(2027, 12, 31))
    assert parse_period("2028-02")[2] == dt.date(2028, 2, 29)
    for bad in ("2027-13", "2027", "2027-W14", ""):
        with pytest.raises(ValidationError, match="2027-Q2"):
            parse_period(bad)


def test_docs_list_every_indicator() -> None:
    """docs/statistics.md ends with the catalogue as a table; regenerate its rows from catalog() when this fails."""
    from pathlib import Path

    kinds = {"count": "计数", "ratio": "比例（%）", "average": "平均数"}
    doc = (Path(__file__).parent.parent / "docs" / "statistics.md").read_text(encoding="utf-8")
    for d in catalog():
        assert f"| `{d.code}` | {d.title} | {d.table} | {d.group} | {kinds[d.kind]} | {d.denominator or '—'} |" \
            in doc, d.code
