"""Benchmark of the county merge (issue 19 item 7): 20 township workbooks of 75 villages each (1,500 villages)
merged into one county workbook.

    .venv/bin/python bench/bench_county.py [--townships 20] [--villages 75] [--runs 5] [--db demo.sqlite3]
                                           [--only merge|generation]

1. Each township's values come from a synthetic township (members of both bodies with genders, birth dates,
   education and Party status; first-round and additional elections; village representatives; a previous roster)
   through the real ``statistics.indicators.compute``; each is written as a sealed workbook by the real writer.
2. merge: ``merge_files`` (every file verified: fingerprint, every visible cell against ``_data``, totals,
   consistency rules) + ``write_county``, each run in a fresh subprocess so its peak resident memory (ru_maxrss of
   that process alone, from ``os.wait4``) is the merge's, interpreter and libraries included. Median of ``--runs``
   (target < 10 s, < 500 MB).
3. township workbook generation for 20 villages: ``compute`` + ``write_workbook`` on a synthetic 20-village township
   (target < 3 s), and, with ``--db`` (a demo database of 20 villages), the real path from the database:
   ``compute_report`` (gather + compute) + ``write_workbook``.

Wall-clock medians; CPU time beside them (the machine may be shared).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from villagevote.models.enums import Education, Gender, OrgKind, PoliticalStatus  # noqa: E402
from villagevote.statistics import catalog as cat  # noqa: E402
from villagevote.statistics.indicators import (  # noqa: E402
    ElectionIn,
    MemberIn,
    PreviousMemberIn,
    RepresentativeIn,
    TownshipInput,
    VillageIn,
    compute,
)
from villagevote.statistics.sealed import Cover, rows_from_values  # noqa: E402

STAT_DATE = dt.date(2026, 11, 18)
COUNTY = "330999"
EDUCATION = (Education.JUNIOR, Education.SENIOR, Education.VOCATIONAL, Education.COLLEGE, Education.BACHELOR)


def synthetic_township(index: int, villages: int, seed: int) -> TownshipInput:
    rng = random.Random(seed)
    code = f"{COUNTY}{index:03d}"
    vs = [VillageIn(f"{code}{i:03d}", f"第{i}村") for i in range(1, villages + 1)]
    members: list[MemberIn] = []
    elections: list[ElectionIn] = []
    reps: list[RepresentativeIn] = []
    previous: list[PreviousMemberIn] = []

    def person(key: str, village: str, body: OrgKind, post: str, returning: bool) -> MemberIn:
        birth = dt.date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
        return MemberIn(key, village, body, post, rng.choice((Gender.MALE, Gender.MALE, Gender.FEMALE)), birth,
                        rng.choice(EDUCATION), rng.choice((PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY,
                                                           PoliticalStatus.MASSES)), returning)

    for v in vs:
        n_branch, n_committee = rng.randint(3, 7), rng.randint(3, 7)
        branch = [person(f"{v.code}-b{i}", v.code, OrgKind.PARTY_BRANCH, "书记" if i == 0 else "委员",
                         rng.random() < 0.6) for i in range(n_branch)]
        committee = [person(f"{v.code}-c{i}", v.code, OrgKind.VILLAGE_COMMITTEE,
                            "主任" if i == 0 else "副主任" if i == 1 else "委员", rng.random() < 0.6)
                     for i in range(n_committee)]
        # cross-membership: some committee members are branch members (same person key), 一肩挑 in most villages
        cross = rng.randint(0, min(n_branch, n_committee) - 1)
        for i in range(cross):
            b = branch[i]
            committee[i] = MemberIn(b.person, v.code, OrgKind.VILLAGE_COMMITTEE, committee[i].post, b.gender,
                                    b.birth_date, b.education, b.political_status, b.returning)
        members += branch + committee
        electorate = rng.randint(600, 2400)
        elections.append(ElectionIn(v.code, OrgKind.VILLAGE_COMMITTEE, n_committee, n_committee, True,
                                    rng.random() < 0.1, electorate, rng.randint(electorate * 3 // 4, electorate)))
        due = rng.randint(30, 90)
        elections.append(ElectionIn(v.code, OrgKind.PARTY_BRANCH, n_branch, n_branch, True, False, due, due,
                                    rng.randint(due * 2 // 3, due)))
        for _ in range(rng.randint(20, 45)):
            reps.append(RepresentativeIn(v.code, rng.choice((Gender.MALE, Gender.FEMALE)),
                                         rng.choice((PoliticalStatus.PARTY_MEMBER, PoliticalStatus.MASSES))))
        for i in range(rng.randint(6, 10)):
            previous.append(PreviousMemberIn(f"{v.code}-p{i}", v.code, OrgKind.PARTY_BRANCH,
                                             dt.date(rng.randint(1955, 1995), 6, 1)))
    return TownshipInput(code, f"第{index}镇", STAT_DATE, vs, members, elections, reps, previous,
                         previous_stat_date=dt.date(2021, 11, 18))


def write_township(index: int, villages: int, out: Path, seed: int) -> Path:
    from villagevote.statistics.workbook import write_workbook
    township = synthetic_township(index, villages, seed)
    rows = rows_from_values(cat.STRUCTURE, cat.TEMPLATE_VERSION, STAT_DATE.isoformat(), township.code,
                            compute(township))
    names = {(township.code, v.code): v.name for v in township.villages}
    cover = Cover(cat.STRUCTURE, cat.TEMPLATE_VERSION, STAT_DATE.isoformat(), township.name, township.code,
                  filled_by="张晓梅", reviewed_by="陈国华", submitted_on="2026年11月20日", serial=1,
                  software="villagevote bench")
    path, _cover = write_workbook(out, cover, rows, names)
    return path


def merge_child(out: str, files: list[str]) -> None:
    """Run in a subprocess: merge and write, print the seconds (wall, cpu) on stdout."""
    from villagevote.statistics.merge import merge_files, write_county
    wall, cpu = time.perf_counter(), time.process_time()
    result = merge_files(files, unit_name="安平县")
    write_county(result, out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    refused = [o.path.name + ": " + o.reason for o in result.outcomes if o.status != "accepted"]
    print(f"{wall:.3f} {cpu:.3f} {len(result.accepted)} {len(result.rows)}")
    for line in refused:
        print(line, file=sys.stderr)


def run_merge(out: Path, files: list[Path]) -> tuple[float, float, float, int, int]:
    """(wall s, cpu s, peak MB, files accepted, rows) of one merge in a fresh process."""
    proc = subprocess.Popen([sys.executable, __file__, "--merge-child", str(out), *map(str, files)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"merge failed ({proc.returncode})")
    wall, cpu, accepted, rows = output.split()[:4]
    return float(wall), float(cpu), usage.ru_maxrss / 1024, int(accepted), int(rows)


def bench_generation(runs: int, villages: int, work: Path, db: Path | None) -> None:
    from villagevote.statistics.workbook import write_workbook

    walls, cpus = [], []
    for i in range(runs):
        w, c = time.perf_counter(), time.process_time()
        write_township(99, villages, work / f"gen-{i}.xlsx", seed=i)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    print(f"township workbook, synthetic {villages} villages (compute + write): median {statistics.median(walls):.2f} s "
          f"wall / {statistics.median(cpus):.2f} s cpu over {runs} runs (target < 3 s)")
    if db is None:
        return
    from villagevote.database import open_database
    from villagevote.statistics.submissions import compute_report

    database = open_database(db)
    walls, cpus = [], []
    try:
        for i in range(runs):
            w, c = time.perf_counter(), time.process_time()
            with database.read_session() as s:
                computed = compute_report(s)
            cover = Cover(computed.report_code, cat.TEMPLATE_VERSION, computed.period, computed.township_name,
                          computed.township_code, serial=1)
            names = {(computed.township_code, k): v for k, v in computed.names.items()}
            write_workbook(work / f"db-{i}.xlsx", cover, computed.rows, names)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
    finally:
        database.dispose()
    print(f"township workbook from the database {db.name} ({len(computed.names)} villages; gather + compute + write): "
          f"median {statistics.median(walls):.2f} s wall / {statistics.median(cpus):.2f} s cpu (target < 3 s)")

    # the whole path a township runs: freeze (填表人), approve (another user, recomputing), export — on a copy
    import shutil

    from villagevote.audit import Actor
    from villagevote.models.enums import Role
    from villagevote.statistics.submissions import approve_submission, export_submission, generate_submission

    copy = work / "submissions.sqlite3"
    shutil.copyfile(db, copy)
    filler, reviewer = Actor(None, "bench-clerk", Role.CLERK), Actor(None, "bench-reviewer", Role.REVIEWER)
    database = open_database(copy)
    walls, cpus = [], []
    try:
        for i in range(runs):
            w, c = time.perf_counter(), time.process_time()
            with database.session() as s:
                sub = generate_submission(s, filler, correction_reason=f"bench run {i}")
                approve_submission(s, reviewer, sub.id)
                export_submission(s, filler, sub.id, work / f"export-{i}.xlsx")
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
    finally:
        database.dispose()
    print(f"generate + approve + export a submission ({db.name}): median {statistics.median(walls):.2f} s wall / "
          f"{statistics.median(cpus):.2f} s cpu")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--townships", type=int, default=20)
    p.add_argument("--villages", type=int, default=75)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--db", type=Path, help="a demo database (e.g. 20 villages) for the generation from the database")
    p.add_argument("--work", type=Path)
    p.add_argument("--only", choices=("merge", "generation"))
    p.add_argument("--merge-child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.merge_child:
        merge_child(args.merge_child[0], args.merge_child[1:])
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-county-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.only == "generation":
        bench_generation(args.runs, 20, work, args.db)
        return
    w = time.perf_counter()
    files = [write_township(i, args.villages, work / f"township-{i:03d}.xlsx", seed=i)
             for i in range(1, args.townships + 1)]
    size = sum(f.stat().st_size for f in files)
    print(f"built {len(files)} township workbooks x {args.villages} villages = {len(files) * args.villages} villages "
          f"in {time.perf_counter() - w:.1f} s ({size / 1e6:.1f} MB) under {work}")
    results = [run_merge(work / f"county-{i}.xlsx", files) for i in range(args.runs)]
    walls = [r[0] for r in results]
    print(f"merge runs (wall s): {' '.join(f'{x:.2f}' for x in walls)}")
    print(f"merge {len(files)} files, {results[0][3]} accepted, {results[0][4]} _data rows: median "
          f"{statistics.median(walls):.2f} s wall / {statistics.median(r[1] for r in results):.2f} s cpu "
          f"(target < 10 s); peak memory {max(r[2] for r in results):.0f} MB (median "
          f"{statistics.median(r[2] for r in results):.0f} MB; target < 500 MB); output "
          f"{(work / 'county-0.xlsx').stat().st_size / 1e6:.1f} MB")
    if args.only != "merge":
        bench_generation(args.runs, 20, work, args.db)


if __name__ == "__main__":
    main()
