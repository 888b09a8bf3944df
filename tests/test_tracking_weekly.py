"""每周一报 (issue 17 item 3): the ISO-week helpers, the village's weekly grid with 未报 visible, the 缺报清单, saving a
week as one transaction (one bad entry: nothing written, the message names the ledger number), and 周报及时率."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from villagevote.errors import ValidationError
from villagevote.models.core import Organization
from villagevote.models.enums import CommitmentKind, CommitmentSource, CommitmentStatus, OrgKind
from villagevote.models.tracking import Commitment, ProgressReport
from villagevote.tracking import ledger, weekly
from villagevote.tracking.weekly import WeekEntry

W14 = "2027-W14"            # 2027-04-05 … 2027-04-11, due Monday 2027-04-12
REGISTERED = dt.date(2027, 3, 29)
TODAY = dt.date(2027, 4, 20)


def test_week_helpers():
    assert weekly.week_of(dt.date(2027, 4, 7)) == W14
    assert weekly.week_bounds(W14) == (dt.date(2027, 4, 5), dt.date(2027, 4, 11))
    assert weekly.due_date(W14) == dt.date(2027, 4, 12)
    assert weekly.due_date(W14, 1) == dt.date(2027, 4, 13)
    assert weekly.week_label(W14) == "2027年第14周"
    assert weekly.week_of(dt.date(2027, 1, 1)) == "2026-W53"  # the ISO year
    assert weekly.weeks_between("2026-W52", "2027-W02") == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    # the weeks of a month: those whose Thursday falls in it
    assert weekly.weeks_in(dt.date(2027, 4, 1), dt.date(2027, 4, 30)) == ["2027-W13", "2027-W14", "2027-W15",
                                                                        "2027-W16", "2027-W17"]
    assert weekly.period_bounds("2027-Q2") == (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
    assert weekly.period_bounds("2027-02") == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert weekly.period_bounds("2027-H2") == (dt.date(2027, 7, 1), dt.date(2027, 12, 31))
    assert weekly.previous_period("2027-Q1") == "2026-Q4"
    assert weekly.previous_period("2027-01") == "2026-12"
    assert weekly.previous_period("2027-W01") == "2026-W53"
    assert weekly.period_label("2027-Q2") == "2027年第二季度"
    for bad in ("2027-W54", "2027W14", "2026-W00", "14"):
        with pytest.raises(ValidationError, match="ISO 周"):
            weekly.week_bounds(bad)
    with pytest.raises(ValidationError, match="2026-Q2"):
        weekly.period_bounds("2027-13")


def _org(s, village_id: int, cycle_id: int) -> int:
    return s.scalar(select(Organization.id).where(Organization.village_id == village_id,
                                                  Organization.cycle_id == cycle_id,
                                                  Organization.kind == OrgKind.VILLAGE_COMMITTEE))


@pytest.fixture
def items(db, township, clerk):
    """East: a milestone, a metric item, a parent with one child (the parent reports through its child), an item
    closed before the week and one starting after it; West: one item."""
    east, west, _south = township.village_ids
    cid = township.cycle_id

    def reg(s, vid, title, **kw):
        return ledger.register(s, clerk, cycle_id=cid, village_id=vid, owner=ledger.Owner(
            organization_id=_org(s, vid, cid)), title=title, source=CommitmentSource.ASSIGNED,
            deadline=dt.date(2027, 9, 30), today=REGISTERED, **kw)

    with db.session() as s:
        ids = {
            "road": reg(s, east, "硬化村道"),
            "trees": reg(s, east, "植树", kind=CommitmentKind.METRIC, baseline=Decimal(0), target=Decimal(200),
                         unit="株"),
            "ponds": reg(s, east, "清理河塘（一点一策）"),
            "late": reg(s, east, "修建公厕", starts_on=dt.date(2027, 5, 1)),
            "done": reg(s, east, "安装路灯"),
            "west": reg(s, west, "修缮祠堂"),
        }
        ids["pond1"] = reg(s, east, "清理一号塘", parent_id=ids["ponds"])
        done = s.get(Commitment, ids["done"])
        done.status, done.closed_on, done.reported_done_on = CommitmentStatus.CLOSED, dt.date(2027, 4, 2), \
            dt.date(2027, 4, 1)
    return township, ids


def test_grid_shows_open_items_and_unreported(db, items):
    township, ids = items
    with db.session() as s:
        grid = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=township.village_ids[0], period=W14)
    assert grid.village == "东村" and grid.label == "2027年第14周" and grid.due == dt.date(2027, 4, 12)
    assert [r.commitment_id for r in grid.rows] == [ids["road"], ids["trees"], ids["pond1"]]
    assert grid.missing == 3 and all(r.state == "未报" and r.last_period == "" for r in grid.rows)
    trees = grid.rows[1]
    assert trees.kind is CommitmentKind.METRIC and trees.unit == "株" and trees.target == Decimal(200)
    assert "东村村民委员会" in grid.rows[0].owner


def test_save_week_then_grid_missing_list_and_timeliness(db, items, clerk):
    township, ids = items
    east = township.village_ids[0]
    with db.session() as s:
        saved = weekly.save_week(s, clerk, village_id=east, period=W14, today=TODAY, entries=[
            WeekEntry(ids["road"], dt.date(2027, 4, 11), percent=30, narrative="路基完成", reported_by="王书记"),
            WeekEntry(ids["trees"], dt.date(2027, 4, 14), value=Decimal(40), narrative="种了40株"),  # late
        ])
        assert len(saved) == 2
    with db.session() as s:
        grid = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=east, period=W14)
        states = {r.commitment_id: r.state for r in grid.rows}
        assert states == {ids["road"]: "按时", ids["trees"]: "迟报", ids["pond1"]: "未报"}
        road = next(r for r in grid.rows if r.commitment_id == ids["road"])
        assert road.report.percent == 30 and road.report.reported_by == "王书记" and road.report.entered_by == "clerk"
        missing = weekly.missing_reports(s, cycle_id=township.cycle_id, period=W14)
        assert [(m.village, m.commitment_id) for m in missing] == [("东村", ids["pond1"]), ("西村", ids["west"])]
        assert missing[0].due == dt.date(2027, 4, 12) and missing[0].last_period == ""
        # the next week's grid shows the last cumulative figures
        w15 = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=east, period="2027-W15")
        trees = next(r for r in w15.rows if r.commitment_id == ids["trees"])
        assert (trees.last_period, trees.last_value, trees.report) == (W14, Decimal(40), None)
        # 及时率: east owed 3 and sent 1 on time; west owed 1, sent none
        assert weekly.timeliness(s, township.cycle_id, W14, W14, village_id=east) == Fraction(1, 3)
        assert weekly.timeliness(s, township.cycle_id, W14, W14) == Fraction(1, 4)
        counts = weekly.timeliness_counts(s, cycle_id=township.cycle_id, periods=[W14])
        assert counts[east] == (1, 3) and counts[township.village_ids[1]] == (0, 1)


def test_one_bad_entry_writes_nothing(db, items, clerk):
    township, ids = items
    east = township.village_ids[0]

    def count() -> int:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(ProgressReport))

    before = count()
    with db.session() as s:
        road_no = s.get(Commitment, ids["road"]).ledger_no
    with pytest.raises(ValidationError) as err, db.session() as s:
        weekly.save_week(s, clerk, village_id=east, period=W14, today=TODAY, entries=[
            WeekEntry(ids["trees"], dt.date(2027, 4, 11), value=Decimal(40)),
            WeekEntry(ids["road"], dt.date(2027, 4, 11), percent=120),
        ])
    assert road_no in err.value.message
    assert count() == before
    # an item of another village, a date before the week, two lines for one item: refused before anything
    for entries, words in (
            ([WeekEntry(ids["west"], dt.date(2027, 4, 11), percent=10)], "不是本村的事项"),
            ([WeekEntry(ids["road"], dt.date(2027, 4, 2), percent=10)], "早于"),
            ([WeekEntry(ids["road"], dt.date(2027, 4, 9), percent=10),
              WeekEntry(ids["road"], dt.date(2027, 4, 10), percent=20)], "两行"),
    ):
        with pytest.raises(ValidationError, match=words), db.session() as s:
            weekly.save_week(s, clerk, village_id=east, period=W14, entries=entries, today=TODAY)
    assert count() == before
    # a date in the future, a closed item: record_report's rules, named by ledger number
    with pytest.raises(ValidationError, match="晚于今天"), db.session() as s:
        weekly.save_week(s, clerk, village_id=east, period="2027-W16", today=TODAY, entries=[
            WeekEntry(ids["road"], dt.date(2027, 4, 21), percent=10)])
    with pytest.raises(ValidationError, match="不能再录入进展"), db.session() as s:
        weekly.save_week(s, clerk, village_id=east, period=W14, today=TODAY, entries=[
            WeekEntry(ids["done"], dt.date(2027, 4, 9), percent=100)])
    assert count() == before
