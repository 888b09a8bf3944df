"""Benchmark of 践诺跟踪 (issue 17 "Must show"): a township of 20 villages with about 1,300 commitments and two years
of weekly reports (about 130,000), measuring the medians of

1. the ledger's first page: ``queries.ledger_page`` (offset 0, limit 100) + ``queries.ledger_count``   < 100 ms
2. the 月查月比表 of one month: ``monthly.monthly_comparison``                                       < 1 s
3. a quarterly ranking: ``ranking.compute_ranking``                                                 < 1 s
4. the township 践诺台账 PDF: registry ``produce`` of the print form ``tracking-ledger``                < 5 s

    .venv/bin/python bench/bench_tracking.py [--runs 7] [--rebuild] [--db PATH]

The township is built once and kept (``<tmp>/villagevote-bench/tracking-v1.sqlite3``; ``--rebuild`` makes it anew):
the demo township of 20 villages (``build_demo``: persons, organizations, the elected cadres, and the demo's own
two years of tracking in its first villages), then, per village, 联村干部 and elected-cadre roles and about 62 items
with their weekly reports written by bulk SQL inserts — valid rows with consistent states: 已销号 items have their
报结 and 销号 dates, acceptance and a verified evidence file, and no report after the 报结; 逾期 items are past their
current deadline; 已报结 items wait for 验收; every open item reports weekly (with gaps: 未报, late reports) until
the bench's "today" (the demo's tracking today, two years after the election day). Monthly 月查 with scores,
some 挂牌督办. Wall-clock medians are printed with the CPU time beside (the machine may be shared).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VILLAGES = 20
ITEMS_PER_VILLAGE = 63          # + the demo's own items: about 1,300 in all
MISSING = 0.03                  # share of (item, week) reports never sent (未报)
LATE = 0.06                     # share sent after the Monday they were due
BENCH_VERSION = "v1"
TARGETS = {"ledger first page": 0.100, "月查月比表 (one month)": 1.0, "quarterly ranking": 1.0,
           "township 践诺台账 PDF": 5.0}


def bench_dir() -> Path:
    return Path(tempfile.gettempdir()) / "villagevote-bench"


# --------------------------------------------------------------------------------------------------- the township
def _png() -> bytes:
    from villagevote.demo.tracking import png_bytes
    return png_bytes(48, 36, (90, 140, 70), (230, 230, 230))


def build(path: Path) -> None:
    """The demo township of 20 villages, then the bulk items, reports, inspections and supervisions."""
    from sqlalchemy import insert, select

    from villagevote.database import open_database
    from villagevote.demo import build_demo
    from villagevote.demo.tracking import CLERK, REVIEWER, tracking_today
    from villagevote.models import ElectionCycle, Organization, Person, Village
    from villagevote.models.enums import (
        AssessedRoleKind,
        AttachmentKind,
        CommitmentKind,
        CommitmentSource,
        CommitmentStatus,
        InspectionKind,
        OrgKind,
        SupervisionLevel,
        SupervisionReason,
    )
    from villagevote.models.tracking import (
        AssessedRole,
        Attachment,
        Commitment,
        CommitmentStatusChange,
        Inspection,
        ProgressReport,
        Supervision,
    )
    from villagevote.tracking.ledger import short_name
    from villagevote.tracking.progress import due_date, iso_week

    started = time.perf_counter()
    if path.exists():
        path.unlink()
    summary = build_demo(path, villages=VILLAGES, voters_per_village=30, seed=1)
    print(f"demo township of {VILLAGES} villages built in {summary.seconds:.1f} s", flush=True)
    rng = random.Random(20_261_220)
    png = _png()
    digest = hashlib.sha256(png).hexdigest()
    stored = f"attachments/{digest[:2]}/{digest}.png"
    (path.parent / stored).parent.mkdir(parents=True, exist_ok=True)
    (path.parent / stored).write_bytes(png)
    db = open_database(path)
    try:
        with db.session() as s:
            cycle = s.scalars(select(ElectionCycle)).one()
            e = cycle.election_day
            today = tracking_today(e)
            villages = list(s.execute(select(Village.id, Village.name).order_by(Village.code, Village.id)))
            orgs = {(v, k): i for i, v, k in s.execute(select(Organization.id, Organization.village_id,
                                                             Organization.kind))}
            persons: dict[int, list[int]] = {}
            for pid, vid in s.execute(select(Person.id, Person.village_id).order_by(Person.id)):
                persons.setdefault(vid, []).append(pid)
            # roles: a 联村干部 and two "elected" cadres per village (persons of the village; the demo elects in
            # one village only), so the owners join to persons as on a real ledger
            role_rows = []
            for vid, _name in villages:
                pool = persons.get(vid, [])
                for n, (kind, title) in enumerate(((AssessedRoleKind.LIAISON, "联村干部"),
                                                   (AssessedRoleKind.ELECTED, "村委会主任"),
                                                   (AssessedRoleKind.ELECTED, "村党组织书记"))):
                    role_rows.append(dict(cycle_id=cycle.id, person_id=pool[(5 + n) % len(pool)], kind=kind,
                                          title=title, village_id=vid, starts_on=e, appointing_unit="清河镇党委"))
            s.execute(insert(AssessedRole), role_rows)
            roles: dict[int, list[int]] = {}
            for rid, vid in s.execute(select(AssessedRole.id, AssessedRole.village_id).order_by(AssessedRole.id)):
                if vid is not None:
                    roles.setdefault(vid, []).append(rid)
            items: list[dict[str, Any]] = []
            for vid, vname in villages:
                prefix = short_name(vname)
                for n in range(ITEMS_PER_VILLAGE):
                    registered = e + dt.timedelta(days=rng.randint(1, 10))
                    fate = rng.random()
                    metric = n % 9 == 0
                    if fate < 0.62:   # under way, due after today
                        status = CommitmentStatus.IN_PROGRESS
                        deadline = today + dt.timedelta(days=rng.randint(30, 700))
                        closed = done = None
                    elif fate < 0.80:  # 销号 in the last months
                        status = CommitmentStatus.CLOSED
                        done = today - dt.timedelta(days=rng.randint(20, 200))
                        closed = done + dt.timedelta(days=rng.randint(3, 12))
                        deadline = done + dt.timedelta(days=rng.randint(-30, 90))
                    elif fate < 0.90:  # 逾期
                        status = CommitmentStatus.OVERDUE
                        deadline = today - dt.timedelta(days=rng.randint(10, 300))
                        closed = done = None
                    else:              # 已报结, waiting for 验收
                        status = CommitmentStatus.REPORTED_DONE
                        done = today - dt.timedelta(days=rng.randint(1, 20))
                        deadline = done + dt.timedelta(days=rng.randint(5, 200))
                        closed = None
                    extended = status is CommitmentStatus.OVERDUE and n % 5 == 0
                    owner: dict[str, Any] = {"candidacy_id": None, "organization_id": None, "assessed_role_id": None}
                    if n % 3 == 0:
                        owner["assessed_role_id"] = roles[vid][n % len(roles[vid])]
                    else:
                        kind = OrgKind.PARTY_BRANCH if n % 3 == 1 else OrgKind.VILLAGE_COMMITTEE
                        owner["organization_id"] = orgs[(vid, kind)]
                    finished = status in (CommitmentStatus.CLOSED, CommitmentStatus.REPORTED_DONE)
                    percent = 100 if finished else rng.randint(20, 95)
                    items.append(dict(
                        ledger_no=f"{prefix}-{registered.year}-{100 + n:03d}", cycle_id=cycle.id, village_id=vid,
                        **owner, source=CommitmentSource.ASSIGNED if n % 2 else CommitmentSource.PLEDGE,
                        kind=CommitmentKind.METRIC if metric else CommitmentKind.MILESTONE,
                        title=f"践诺事项{n + 1:02d}：{rng.choice(('道路硬化', '河塘整治', '美丽庭院', '集体增收', '便民服务'))}",
                        category=rng.choice(("民生实事", "美丽乡村", "剿劣治水", "集体经济")),
                        target="按计划完成并通过验收", metric_baseline=Decimal(40) if metric else None,
                        metric_target=Decimal(90) if metric else None,
                        metric_current=(Decimal(40) + Decimal(percent) / 2) if metric else None,
                        unit="%" if metric else "", detail={}, starts_on=registered, registered_on=registered,
                        deadline=deadline - dt.timedelta(days=60) if extended else deadline,
                        deadline_current=deadline, weight=Decimal(rng.choice((1, 1, 2, 3))), status=status,
                        percent_done=percent, reported_done_on=done,
                        reported_done_by=CLERK.username if done else "", closed_on=closed,
                        closed_by=REVIEWER.username if closed else "",
                        acceptance_opinion="经现场查看，同意销号" if closed else ""))
            s.execute(insert(Commitment), items)
            rows = list(s.execute(select(Commitment.id, Commitment.status, Commitment.registered_on,
                                         Commitment.reported_done_on, Commitment.percent_done,
                                         Commitment.kind, Commitment.closed_on)
                                  .where(Commitment.ledger_no.in_([i["ledger_no"] for i in items]))))
            changes, reports, attachments, sups = [], [], [], []
            last_week = today - dt.timedelta(days=today.weekday() + 7)  # the Monday of the last week reported
            for cid, status, registered, done, percent, kind, closed_on in rows:
                changes.append(dict(commitment_id=cid, from_status=None, to_status="registered",
                                    changed_on=registered, changed_by=CLERK.username, note="挂号"))
                changes.append(dict(commitment_id=cid, from_status="registered", to_status="in_progress",
                                    changed_on=registered + dt.timedelta(days=7), changed_by=CLERK.username,
                                    note="首次报告进展"))
                end = min(done or last_week, last_week)
                monday = registered - dt.timedelta(days=registered.weekday())
                weeks = max(1, (end - monday).days // 7 + 1)
                for k in range(weeks):
                    week_monday = monday + dt.timedelta(days=7 * k)
                    if rng.random() < MISSING and week_monday + dt.timedelta(days=7) < end:
                        continue
                    late = rng.random() < LATE
                    on = week_monday + dt.timedelta(days=9 if late else 4)
                    period = iso_week(week_monday)
                    pct = max(1, percent * (k + 1) // weeks)
                    reports.append(dict(
                        commitment_id=cid, period=period, reported_on=on, percent=pct,
                        value=(Decimal(40) + Decimal(pct) / 2) if kind == CommitmentKind.METRIC else None,
                        narrative=f"累计完成{pct}%", reported_by="村报告员", entered_by=CLERK.username,
                        confirmed_by="联村干部", on_time=on <= due_date(period)))
                if status in (CommitmentStatus.CLOSED, CommitmentStatus.REPORTED_DONE):
                    changes.append(dict(commitment_id=cid, from_status="in_progress", to_status="reported_done",
                                        changed_on=done, changed_by=CLERK.username, note="村报结"))
                    if status is CommitmentStatus.CLOSED:
                        changes.append(dict(commitment_id=cid, from_status="reported_done", to_status="closed",
                                            changed_on=closed_on, changed_by=REVIEWER.username, note="同意销号"))
                    attachments.append(dict(owner_type="commitment", owner_id=cid, kind=AttachmentKind.PHOTO,
                                            file_name="现场照片.png", stored_path=stored, sha256=digest,
                                            size=len(png), taken_on=done, caption="完成后现场照片",
                                            added_by=CLERK.username))
                if status is CommitmentStatus.OVERDUE:
                    changes.append(dict(commitment_id=cid, from_status="in_progress", to_status="overdue",
                                        changed_on=last_week, changed_by="系统", note="超过时限未报结"))
                    if len(sups) < 60:
                        sups.append(dict(commitment_id=cid, level=SupervisionLevel.TOWNSHIP,
                                         reason=SupervisionReason.OVERDUE, notice_no=f"督〔bench〕{len(sups) + 1}号",
                                         issued_on=today - dt.timedelta(days=20), issued_by=REVIEWER.username,
                                         limit_date=today + dt.timedelta(days=10)))
            s.execute(insert(CommitmentStatusChange), changes)
            s.execute(insert(Attachment), attachments)
            s.execute(insert(Supervision), sups)
            for chunk in range(0, len(reports), 20_000):
                s.execute(insert(ProgressReport), reports[chunk:chunk + 20_000])
            inspections = []
            month = dt.date(e.year, e.month, 1)
            while month < today.replace(day=1):
                nxt = (month + dt.timedelta(days=32)).replace(day=1)
                for vid, _name in villages:
                    inspections.append(dict(cycle_id=cycle.id, kind=InspectionKind.MONTHLY,
                                            held_on=nxt - dt.timedelta(days=3), period=f"{month:%Y-%m}",
                                            village_id=vid, inspectors="乡镇检查组",
                                            score=Decimal(rng.randint(75, 99)), summary="月查",
                                            recorded_by=CLERK.username))
                month = nxt
            s.execute(insert(Inspection), inspections)
            print(f"bulk: {len(items)} items, {len(reports)} reports, {len(inspections)} inspections, "
                  f"{len(sups)} supervisions in {time.perf_counter() - started:.1f} s in all", flush=True)
    finally:
        db.dispose()


# --------------------------------------------------------------------------------------------------- measuring
def timed(runs: int, fn: Callable[[], object]) -> tuple[float, float, object]:
    """(median wall seconds, median CPU seconds, the last result) over ``runs`` calls."""
    walls, cpus = [], []
    result: object = None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def measure(path: Path, runs: int) -> bool:
    from sqlalchemy import func, select

    from villagevote.audit import Actor
    from villagevote.database import open_database
    from villagevote.demo.tracking import tracking_today
    from villagevote.models import ElectionCycle
    from villagevote.models.enums import Role
    from villagevote.models.tracking import Commitment, ProgressReport
    from villagevote.reports.registry import Options, find_form, produce
    from villagevote.tracking import monthly, queries, ranking
    from villagevote.tracking.queries import LedgerFilter

    db = open_database(path)
    actor = Actor(None, "bench", Role.ADMIN, "基准测试")
    out = bench_dir() / "tracking-ledger.pdf"
    try:
        with db.read_session() as s:
            cycle = s.scalars(select(ElectionCycle)).one()
            items = s.scalar(select(func.count()).select_from(Commitment))
            reports = s.scalar(select(func.count()).select_from(ProgressReport))
        today = tracking_today(cycle.election_day)
        last_month_end = today.replace(day=1) - dt.timedelta(days=1)
        month = f"{last_month_end:%Y-%m}"
        q_end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
        quarter = f"{q_end.year}-Q{(q_end.month - 1) // 3 + 1}"
        print(f"township: {items} commitments, {reports} progress reports; today {today}, month {month}, "
              f"quarter {quarter}; {runs} runs each", flush=True)
        f = LedgerFilter(cycle_id=cycle.id)

        def first_page() -> int:
            with db.read_session() as s:
                rows = queries.ledger_page(s, f, offset=0, limit=100, today=today)
                return queries.ledger_count(s, f, today=today) + 0 * len(rows)

        def month_table() -> int:
            with db.read_session() as s:
                return len(monthly.monthly_comparison(s, cycle_id=cycle.id, month=month, today=today))

        def quarter_ranking() -> int:
            with db.read_session() as s:
                return len(ranking.compute_ranking(s, cycle_id=cycle.id, quarter=quarter, today=today))

        form = find_form("print", "tracking-ledger")

        def ledger_pdf() -> int:
            with db.session() as s:
                produce(s, actor, form, out, Options(village=None, extra={"date": today.isoformat()}))
            return out.stat().st_size

        cases = [("ledger first page", first_page), ("月查月比表 (one month)", month_table),
                 ("quarterly ranking", quarter_ranking), ("township 践诺台账 PDF", ledger_pdf)]
        ok = True
        lines = []
        for name, fn in cases:
            fn()  # warm: imports, fonts, the SQLite page cache
            wall, cpu, result = timed(runs, fn)
            target = TARGETS[name]
            passed = wall < target
            ok &= passed
            lines.append(f"{name:<24} {wall * 1000:>10.1f} {cpu * 1000:>10.1f} {target * 1000:>10.0f}   "
                         f"{'PASS' if passed else 'FAIL'}   ({result})")
        print(f"{'measure':<24} {'median ms':>10} {'cpu ms':>10} {'target ms':>10}   result")
        for line in lines:
            print(line)
        print(f"PDF: {out}")
        return ok
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    folder = bench_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("VILLAGEVOTE_HOME", str(folder / "home"))
    path = args.db or folder / f"tracking-{BENCH_VERSION}.sqlite3"
    if args.rebuild or not path.exists():
        build(path)
    return 0 if measure(path, max(1, args.runs)) else 1


if __name__ == "__main__":
    sys.exit(main())
