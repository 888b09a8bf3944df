"""The demo township's two years of 践诺跟踪 (issue 17 item 8), asserted through the tracking domain's queries: items
in every status of the machine, weekly reports with 未报 gaps, a 反弹, a 挂牌督办 with 催办 and 回执, frozen signed
rankings with signed circulars, a 末位约谈 proposal, evidence that verifies, 销号 by another user than the 报结."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from villagevote.demo import tracking as demo_tracking
from villagevote.models.enums import CommitmentStatus, FlagKind
from villagevote.models.tracking import Flag
from villagevote.tracking import circulars, queries, ranking, weekly
from villagevote.tracking.evidence import attachments_for_item
from villagevote.tracking.queries import LedgerFilter


@dataclass
class Demo:
    db: object
    cycle_id: int
    today: dt.date


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from villagevote.database import open_database
    from villagevote.demo import build_demo
    from villagevote.demo import core as demo_core
    from villagevote.models import ElectionCycle

    base = tmp_path_factory.mktemp("tracking-demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(base / "home"))
        mp.setattr(demo_core, "_USED_IDS", set())
        path = Path(base / "demo.sqlite3")
        summary = build_demo(path, villages=3, voters_per_village=40, seed=1)
        assert any(note.startswith("tracking:") for note in summary.notes), summary.notes
        db = open_database(path)
        try:
            with db.read_session() as s:
                cycle = s.scalars(select(ElectionCycle)).one()
                yield Demo(db, cycle.id, demo_tracking.tracking_today(cycle.election_day))
        finally:
            db.dispose()


def _rows(s: object, demo: Demo, **kw: object) -> list[queries.LedgerRow]:
    return queries.ledger_all(s, LedgerFilter(cycle_id=demo.cycle_id, **kw), today=demo.today)  # type: ignore[arg-type]


def test_every_status_of_the_machine(demo: Demo) -> None:
    with demo.db.read_session() as s:  # type: ignore[attr-defined]
        for status in (CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.REPORTED_DONE,
                       CommitmentStatus.CLOSED, CommitmentStatus.OVERDUE, CommitmentStatus.EXCUSED,
                       CommitmentStatus.WITHDRAWN):
            assert queries.ledger_count(s, LedgerFilter(cycle_id=demo.cycle_id, status=status),
                                        today=demo.today) >= 1, status
        rows = _rows(s, demo)
        sources = {r.source.value for r in rows}
        assert {"pledge", "assigned", "inspection", "special", "personal_goal"} <= sources
        assert any(r.kind.value == "metric" and r.village_id is None for r in rows)  # the township's item
        assert any(r.kind.value == "metric" and r.village_id is not None for r in rows)
        overdue = _rows(s, demo, overdue_only=True)
        assert overdue and all(r.light == "overdue" for r in overdue)
        # 销号 by another user than the one who entered the 报结, with evidence that verifies
        closed = _rows(s, demo, status=CommitmentStatus.CLOSED)
        assert closed and all(r.closed_by == demo_tracking.REVIEWER.username for r in closed)
        first = closed[0]
        detail = queries.item_detail(s, first.id, today=demo.today)
        assert any(a.state == "ok" for a in detail.attachments)
        to_done = [e for e in detail.timeline if e.kind == "status" and "已报结" in e.label.split("→")[-1]]
        to_closed = [e for e in detail.timeline if e.kind == "status" and "已销号" in e.label.split("→")[-1]]
        assert to_done and to_closed
        assert to_done[-1].by != to_closed[-1].by
        assert attachments_for_item(s, first.id) and all(a.state == "ok" for a in attachments_for_item(s, first.id))


def test_parent_list_with_water_bodies(demo: Demo) -> None:
    with demo.db.read_session() as s:  # type: ignore[attr-defined]
        parents = [r for r in _rows(s, demo) if r.source.value == "special" and r.parent_id is None]
        assert parents
        detail = queries.item_detail(s, parents[0].id, today=demo.today)
        assert len(detail.children) == len(demo_tracking.WATER_BODIES)
        assert all("名称" in (queries.item_detail(s, c.id, today=demo.today).detail) for c in detail.children)


def test_weekly_reports_have_gaps_and_late_weeks(demo: Demo) -> None:
    with demo.db.read_session() as s:  # type: ignore[attr-defined]
        last = weekly.week_of(demo.today - dt.timedelta(days=7))
        first = weekly.week_of(demo.today - dt.timedelta(days=700))
        rate = weekly.timeliness(s, demo.cycle_id, first, last)
        assert 0.6 < rate < 1  # most on time, not all
        weeks = weekly.weeks_between(first, last)
        missing = sum(len(weekly.missing_reports(s, cycle_id=demo.cycle_id, period=w)) for w in weeks[::4])
        assert missing > 0  # 未报
        reports = [r for row in _rows(s, demo)[:20] for r in queries.item_detail(s, row.id, today=demo.today).reports]
        assert any(r.no_progress_reason for r in reports)


def test_relapse_supervision_extensions_exemption(demo: Demo) -> None:
    with demo.db.read_session() as s:  # type: ignore[attr-defined]
        rows = _rows(s, demo)
        reopened = [r for r in rows if r.reopen_count >= 1]
        assert reopened
        detail = queries.item_detail(s, reopened[0].id, today=demo.today)
        assert any(f.relapse for f in detail.findings)
        sups = queries.supervisions(s, cycle_id=demo.cycle_id, open_only=False)
        assert any(sup.receipt_on is not None and sup.urges >= 1 for sup in sups)
        assert any(sup.lifted_on is not None for sup in sups)  # lifted when its item was 销号
        states = {e.state for r in rows for e in queries.item_detail(s, r.id, today=demo.today).extensions}
        assert {"approved", "rejected"} <= {x.value for x in states}


def test_rankings_frozen_signed_with_circulars(demo: Demo) -> None:
    with demo.db.read_session() as s:  # type: ignore[attr-defined]
        snaps = ranking.snapshots(s, demo.cycle_id)
        assert len(snaps) >= 4
        assert all(snap.signed and snap.intact and snap.signed_by != snap.created_by for snap in snaps)
        issued = circulars.circulars_of(s, demo.cycle_id)
        assert len(issued) == len(snaps) and all(c.signed_by for c in issued)
        assert len({c.number for c in issued}) == len(issued)
        interviews = list(s.scalars(select(Flag).where(Flag.kind == FlagKind.INTERVIEW,
                                                       Flag.source_type == "ranking_snapshot")))
        assert interviews


def test_png_is_valid() -> None:
    import struct
    import zlib
    data = demo_tracking.png_bytes(4, 3, (10, 20, 30), (200, 0, 0))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    length = struct.unpack(">I", data[8:12])[0]
    assert data[12:16] == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (4, 3)
    idat = data.index(b"IDAT")
    size = struct.unpack(">I", data[idat - 4:idat])[0]
    raw = zlib.decompress(data[idat + 4:idat + 4 + size])
    assert len(raw) == 3 * (1 + 4 * 3)
