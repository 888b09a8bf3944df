"""Quarterly ranking (issue 17 item 4): the versioned scheme, Decimal scores to 2 places, ties, veto last, 较上季,
frozen and signed snapshots that later edits never change, 末位约谈 proposals and their confirmation."""
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from villagevote.errors import LockedError, PermissionDenied, ValidationError
from villagevote.models.core import Organization
from villagevote.models.enums import (
    CommitmentSource,
    CommitmentStatus,
    ConsequenceState,
    FlagKind,
    InspectionKind,
    OrgKind,
)
from villagevote.models.tracking import Commitment, Flag, Inspection, InspectionFinding, RankingSnapshot
from villagevote.tracking import consequences, ledger, ranking

Q2 = "2027-Q2"
START = dt.date(2027, 4, 1)
END = dt.date(2027, 6, 30)
AFTER = dt.date(2027, 7, 10)


def _org(s, village_id: int, cycle_id: int) -> int:
    return s.scalar(select(Organization.id).where(Organization.village_id == village_id,
                                                  Organization.cycle_id == cycle_id,
                                                  Organization.kind == OrgKind.VILLAGE_COMMITTEE))


def _item(s, actor, cycle_id: int, village_id: int, title: str, deadline: dt.date, weight: str = "1") -> int:
    return ledger.register(s, actor, cycle_id=cycle_id, village_id=village_id,
                           owner=ledger.Owner(organization_id=_org(s, village_id, cycle_id)), title=title,
                           source=CommitmentSource.ASSIGNED, deadline=deadline, weight=Decimal(weight),
                           today=dt.date(2027, 1, 5))


def _close(s, commitment_id: int, on: dt.date) -> None:
    c = s.get(Commitment, commitment_id)
    c.status = CommitmentStatus.CLOSED
    c.closed_on = on
    c.reported_done_on = on
    c.closed_by = "reviewer"
    c.percent_done = 100


@pytest.fixture
def world(db, township, clerk):
    """East closes both items on time; West and South close one of two (a tie)."""
    east, west, south = township.village_ids
    cid = township.cycle_id
    ids: dict[str, list[int]] = {}
    with db.session() as s:
        for vid, name in ((east, "east"), (west, "west"), (south, "south")):
            ids[name] = [_item(s, clerk, cid, vid, f"{name} 修路", dt.date(2027, 5, 31)),
                         _item(s, clerk, cid, vid, f"{name} 清塘", dt.date(2027, 6, 15))]
        _close(s, ids["east"][0], dt.date(2027, 5, 20))
        _close(s, ids["east"][1], dt.date(2027, 6, 10))
        _close(s, ids["west"][0], dt.date(2027, 5, 30))
        _close(s, ids["south"][0], dt.date(2027, 5, 30))
    return township, ids


def test_scores_ties_and_two_places(db, world):
    township, _ids = world
    with db.session() as s:
        rows = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    by_name = {r.village: r for r in rows}
    east, west, south = by_name["东村"], by_name["西村"], by_name["南村"]
    # east: 40 + 20 + report_rate (no reports: 0 of the weeks due) + inspection (none anywhere: full 30)
    assert east.parts["closed_rate"] == Decimal("40.00")
    assert east.parts["on_time_rate"] == Decimal("20.00")
    assert east.parts["report_rate"] == Decimal("0.00")
    assert east.parts["inspection"] == Decimal("30.00")
    assert east.bonus == Decimal("1.00")  # two items closed before their deadlines, 0.5 each
    assert east.total == Decimal("91.00")
    assert west.parts["closed_rate"] == Decimal("20.00") and west.total == south.total
    assert (east.rank, west.rank, south.rank) == (1, 2, 2)  # a tie stays a tie
    assert all(r.total == r.total.quantize(Decimal("0.01")) for r in rows)
    assert east.previous_rank is None and east.change is None


def test_half_up_rounding_with_unequal_weights(db, township, clerk):
    east = township.village_ids[0]
    with db.session() as s:
        a = _item(s, clerk, township.cycle_id, east, "甲", dt.date(2027, 5, 31), weight="2")
        _item(s, clerk, township.cycle_id, east, "乙", dt.date(2027, 5, 31), weight="1")
        _close(s, a, dt.date(2027, 5, 31))
        rows = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    row = next(r for r in rows if r.village_id == east)
    assert row.parts["closed_rate"] == Decimal("26.67")   # 40 × 2/3 = 26.666… → 26.67
    assert row.parts["on_time_rate"] == Decimal("13.33")  # 20 × 2/3 = 13.333… → 13.33


def test_veto_ranks_last_and_findings_deduct(db, world, clerk):
    township, _ids = world
    east, west, _south = township.village_ids
    with db.session() as s:
        unscored = Inspection(cycle_id=township.cycle_id, kind=InspectionKind.UNANNOUNCED,
                              held_on=dt.date(2027, 6, 1), village_id=west, inspectors="王")
        vetoed = Inspection(cycle_id=township.cycle_id, kind=InspectionKind.UPPER, held_on=dt.date(2027, 6, 2),
                            village_id=east, inspectors="县督查组")
        s.add_all([unscored, vetoed])
        s.flush()
        s.add_all([InspectionFinding(inspection_id=unscored.id, text="垃圾未清运"),
                   InspectionFinding(inspection_id=unscored.id, text="河面漂浮物", deduction=Decimal("1.5")),
                   InspectionFinding(inspection_id=vetoed.id, text="发生重大污染事件", veto=True)])
    with db.session() as s:
        rows = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    by_id = {r.village_id: r for r in rows}
    assert by_id[west].deduction == Decimal("2.00")  # 0.5 (default) + 1.5 (its own)
    assert by_id[east].veto and by_id[east].rank == 3 and rows[-1].village_id == east
    assert by_id[east].total > by_id[west].total  # the best score, and still last


def test_inspection_scores_and_mean_for_the_uninspected(db, world):
    township, _ids = world
    east, west, south = township.village_ids
    with db.session() as s:
        s.add_all([Inspection(cycle_id=township.cycle_id, kind=InspectionKind.MONTHLY, held_on=dt.date(2027, 4, 28),
                              village_id=east, score=Decimal("90"), period="2027-04"),
                   Inspection(cycle_id=township.cycle_id, kind=InspectionKind.MONTHLY, held_on=dt.date(2027, 5, 28),
                              village_id=east, score=Decimal("80"), period="2027-05"),
                   Inspection(cycle_id=township.cycle_id, kind=InspectionKind.MONTHLY, held_on=dt.date(2027, 5, 28),
                              village_id=west, score=Decimal("70"), period="2027-05")])
    with db.session() as s:
        rows = {r.village_id: r for r in ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2,
                                                                 today=AFTER)}
    assert rows[east].parts["inspection"] == Decimal("25.50")  # 30 × 85/100
    assert rows[west].parts["inspection"] == Decimal("21.00")
    assert rows[south].parts["inspection"] == Decimal("23.25")  # the mean of 85 and 70


def test_snapshot_is_frozen_signed_by_another_user_and_gives_the_previous_rank(db, world, clerk, reviewer, admin):
    township, ids = world
    with db.session() as s:
        snap_id = ranking.freeze_ranking(s, clerk, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    with db.session() as s:
        frozen = [r.to_json() for r in ranking.snapshot_rows(s, snap_id)]
        info = ranking.snapshot_info(s, snap_id)
        assert info.intact and not info.signed and info.as_of == "2027-06-30" and info.serial == 1
    # later edits: the south village closes its second item after the quarter; a re-computation changes, the
    # snapshot does not
    with db.session() as s:
        _close(s, ids["south"][1], dt.date(2027, 6, 20))
    with db.session() as s:
        live = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
        assert [r.to_json() for r in live] != frozen
        assert [r.to_json() for r in ranking.snapshot_rows(s, snap_id)] == frozen
    # the clerk who froze it cannot sign; a reviewer can, once
    with db.session() as s, pytest.raises(PermissionDenied):
        ranking.sign_ranking(s, clerk, snap_id)
    with db.session() as s:
        ranking.sign_ranking(s, reviewer, snap_id)
    with db.session() as s, pytest.raises(LockedError, match="已由reviewer签发"):
        ranking.sign_ranking(s, admin, snap_id)
    # an administrator who froze one cannot sign it either
    with db.session() as s:
        second = ranking.freeze_ranking(s, admin, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    with db.session() as s, pytest.raises(ValidationError, match="须由另一位审核人员签发"):
        ranking.sign_ranking(s, admin, second)
    with db.session() as s:
        assert s.get(RankingSnapshot, second).serial == 2
        # the next quarter's ranking shows 较上季 from the signed snapshot of Q2
        q3 = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter="2027-Q3", today=dt.date(2027, 10, 8))
    previous = {r["village_id"]: r["rank"] for r in frozen}
    assert all(r.previous_rank == previous[r.village_id] for r in q3)


def test_tampered_snapshot_is_not_signed(db, world, clerk, reviewer):
    township, _ids = world
    with db.session() as s:
        snap_id = ranking.freeze_ranking(s, clerk, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    with db.session() as s:
        snap = s.get(RankingSnapshot, snap_id)
        rows = [dict(r) for r in snap.rows]
        rows[0]["total"] = "99.99"
        snap.rows = rows
    with db.session() as s:
        assert not ranking.snapshot_info(s, snap_id).intact
        with pytest.raises(ValidationError, match="数据指纹不符"):
            ranking.sign_ranking(s, reviewer, snap_id)


def test_interview_proposals_bottom_with_ties_then_confirmed(db, world, clerk, reviewer):
    township, _ids = world
    _east, west, south = township.village_ids
    with db.session() as s:
        snap_id = ranking.freeze_ranking(s, clerk, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    with db.session() as s, pytest.raises(ValidationError, match="尚未签发"):
        ranking.propose_interviews(s, clerk, snap_id, today=AFTER)
    with db.session() as s:
        ranking.sign_ranking(s, reviewer, snap_id)
    with db.session() as s:
        flags = ranking.propose_interviews(s, clerk, snap_id, bottom_n=1, today=AFTER)
    with db.session() as s:
        rows = list(s.scalars(select(Flag).where(Flag.id.in_(flags))))
        assert {f.village_id for f in rows} == {west, south}  # tied for last: both
        assert all(f.kind is FlagKind.INTERVIEW and f.state is ConsequenceState.PROPOSED
                   and f.source_type == "ranking_snapshot" and f.source_id == snap_id for f in rows)
        assert "拟末位约谈" in rows[0].why
        # a second call proposes nothing new
        assert ranking.propose_interviews(s, clerk, snap_id, bottom_n=1, today=AFTER) == []
    # confirming is the reviewer's; the clerk may not
    with db.session() as s, pytest.raises(PermissionDenied):
        consequences.confirm(s, clerk, flags[0], decision_no="镇党委〔2027〕5号", decided_on=AFTER)
    with db.session() as s:
        consequences.confirm(s, reviewer, flags[0], decision_no="镇党委〔2027〕5号", decided_on=AFTER)
        consequences.execute(s, reviewer, flags[0], on=dt.date(2027, 7, 15), note="已约谈村书记")
    with db.session() as s:
        flag = s.get(Flag, flags[0])
        assert flag.state is ConsequenceState.EXECUTED and flag.decision_no == "镇党委〔2027〕5号"
        assert flag.decided_by == "reviewer" and flag.executed_on == dt.date(2027, 7, 15)


def test_scheme_is_versioned_and_checked(db, admin, world):
    township, _ids = world
    with db.session() as s:
        assert ranking.current_scheme(s).version == 1
        version = ranking.set_ranking_scheme(s, admin, {
            "components": {"closed_rate": "50", "on_time_rate": "10", "report_rate": "10", "inspection": "30"},
            "deduction_per_finding": "0.5", "early_bonus": "0", "veto_last": True,
            "rank_points": ["10", "9", "8"]})
        assert version == 2
    with db.session() as s:
        scheme = ranking.current_scheme(s)
        assert scheme.version == 2 and scheme.weights["closed_rate"] == Decimal(50)
        rows = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
        assert [r.points for r in rows] == [Decimal(10), Decimal(9), Decimal(9)]
        with pytest.raises(ValidationError, match="不认识的分项"):
            ranking.set_ranking_scheme(s, admin, {"components": {"speed": "10"}})
        with pytest.raises(ValidationError, match="不能为负数"):
            ranking.set_ranking_scheme(s, admin, {"components": {"closed_rate": "-1"}})
        with pytest.raises(ValidationError, match="2026-Q2"):
            ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter="2027-13", today=AFTER)


def test_ranking_of_twenty_villages_under_a_second(db, admin, township, clerk):
    """20 villages × 65 items (1,300), a quarter: the ranking is computed in well under a second."""
    from villagevote import township as tw
    with db.session() as s:
        vids = list(township.village_ids)
        for i in range(17):
            vids.append(tw.add_village(s, admin, township.township_id, f"新村{i}", code=f"1{i:02d}", groups=1))
        for vid in vids:
            org = _org(s, vid, township.cycle_id)
            for k in range(65):
                s.add(Commitment(cycle_id=township.cycle_id, village_id=vid, organization_id=org,
                                 title=f"事项{k}", ledger_no=f"{vid}-{k}", deadline=dt.date(2027, 4, 1 + k % 28),
                                 deadline_current=dt.date(2027, 4, 1 + k % 28), registered_on=dt.date(2027, 1, 4),
                                 status=CommitmentStatus.CLOSED if k % 3 else CommitmentStatus.IN_PROGRESS,
                                 closed_on=dt.date(2027, 4, 20) if k % 3 else None, weight=Decimal(1)))
    with db.session() as s:
        started = time.perf_counter()
        rows = ranking.compute_ranking(s, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
        elapsed = time.perf_counter() - started
    assert len(rows) == 20 and elapsed < 1.0


def test_circular_from_the_snapshot(db, world, clerk, reviewer):
    from villagevote.models.enums import SupervisionLevel, SupervisionReason
    from villagevote.models.tracking import Supervision
    from villagevote.tracking import circulars
    township, ids = world
    with db.session() as s:
        # the south village's open item is overdue and supervised
        s.add(Supervision(commitment_id=ids["south"][1], level=SupervisionLevel.TOWNSHIP,
                          reason=SupervisionReason.OVERDUE, notice_no="督〔2027〕3号", issued_on=dt.date(2027, 6, 20),
                          limit_date=dt.date(2027, 7, 31)))
        c = s.get(Commitment, ids["south"][1])
        c.status = CommitmentStatus.OVERDUE
        snap_id = ranking.freeze_ranking(s, clerk, cycle_id=township.cycle_id, quarter=Q2, today=AFTER)
    with db.session() as s:
        circular_id = circulars.draft_circular(s, clerk, snap_id, number="践诺通报〔2027〕2期", issued_on=AFTER)
        with pytest.raises(ValidationError, match="已被另一份通报使用"):
            circulars.draft_circular(s, clerk, snap_id, number="践诺通报〔2027〕2期", issued_on=AFTER)
    with db.session() as s:
        data = circulars.circular_data(s, circular_id)
        assert data.title == "关于测试镇2027年第二季度践诺工作排名情况的通报"
        assert [row["village"] for row in data.table] == ["东村", "西村", "南村"]
        assert data.table[0]["parts"]["销号率"] == "40.00" and data.table[0]["change"] == "—"
        assert data.named["red"] == ["东村"] and data.named["bottom"] == ["西村", "南村"]  # 3 villages: a red list of 1
        assert [x["ledger_no"] for x in data.named["supervised"]] == [s.get(Commitment, ids["south"][1]).ledger_no]
        assert len(data.named["overdue"]) == 2  # south's and west's second items, both past 2027-06-15
        assert "红榜" in data.body and "末位" in data.body and "督〔2027〕3号" in data.body
        assert "全镇3个村参加排名" in data.body and "数据截至2027年6月30日" in data.body and "限2027年7月31日前办结" in data.body
        with pytest.raises(ValidationError, match="尚未签发"):
            circulars.sign_circular(s, reviewer, circular_id)
    with db.session() as s:
        ranking.sign_ranking(s, reviewer, snap_id)
        circulars.sign_circular(s, reviewer, circular_id)
    with db.session() as s, pytest.raises(LockedError):
        circulars.sign_circular(s, reviewer, circular_id)
    with db.session() as s:
        assert [c.number for c in circulars.circulars_of(s, township.cycle_id)] == ["践诺通报〔2027〕2期"]
