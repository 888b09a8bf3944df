"""Start-up benchmark: process start → the first window painted, on the demo township (20 villages × 2,500 voters).

    .venv/bin/python bench/bench_startup.py [--db demo.sqlite3] [--runs 7] [--baseline /tmp/old]

Builds the demo township when --db does not exist (``villagevote demo --villages 20 --voters-per-village 2500``,
about 25 s; the same file bench_voters.py uses), copies it to a scratch folder and gives the copy an administrator
(the demo has no users), then alternates ``--runs`` times (bench/startup_entry.py):

(a) ``start``: the program as a user starts it, ``villagevote --db <copy>``. Its first window is the login dialog;
    timed from before the process is started until the dialog's first paint — the figure the target is about. The
    same run then reports when the database behind the dialog is open and, a second later (typing), logs in and
    reports the time from 登录 to the main window's first paint (the password check, the township check, the open
    backup and the window).
(b) ``main``: the older definition, kept for comparison with the earlier figures: the database opened first, then
    the main window shown as an administrator through ``Controller.show_main`` (no login dialog).
(c) ``bare``: a bare QMainWindow, the baseline.

Prints the medians (wall, and the child's CPU time) and the ratios to the bare window. Target: login dialog painted
within 4× the bare window (wall). On a shared, loaded machine the CPU ratio is the steadier figure (wall time then
includes waiting for a core).

Set PYTHONPATH to another checkout to measure that code (e.g. ``git worktree add /tmp/old <commit>``), or pass
``--baseline /tmp/old`` to alternate that checkout's (a) and (b) with this one's and the bare window in one run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = Path(__file__).resolve().parent / "startup_entry.py"
TARGET_RATIO = 4.0
USER, PASSWORD = "admin", "bench-admin-1"

Run = dict[str, tuple[float, float]]  # line kind → (seconds, child CPU seconds)


def run_once(args: list[str], code: Path | None = None) -> Run:
    """The child's reports: for each line kind (painted, ready, main) the wall seconds from process start to the
    line (for ``main``: the seconds from 登录 to the main window's paint, measured by the child) and the child's CPU
    seconds then; ``code``: the checkout whose villagevote the child imports (default: whatever the interpreter
    finds)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    expected = {"start": 3, "main": 1, "bare": 1, "adduser": 0}[args[0]]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ENTRY), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    result: Run = {}
    for _ in range(expected):
        line = proc.stdout.readline()
        wall = time.perf_counter() - start
        kind, *values = line.split() or [""]
        if kind not in ("painted", "ready", "main"):
            break
        result[kind] = (float(values[0]), float(values[1])) if kind == "main" else (wall, float(values[0]))
    _out, err = proc.communicate(timeout=180)
    if len(result) != expected or proc.returncode:
        raise SystemExit(f"start-up run failed ({' '.join(args)}, exit {proc.returncode}, got {result}):\n{err}")
    return result


def median(runs: list[Run], kind: str) -> tuple[float, float]:
    return (statistics.median(r[kind][0] for r in runs), statistics.median(r[kind][1] for r in runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "villagevote-bench-demo.sqlite3")
    parser.add_argument("--runs", type=int, default=7, help="runs of each kind, alternating (at least 7)")
    parser.add_argument("--baseline", type=Path, help="another checkout to alternate with (its own copy of the demo)")
    args = parser.parse_args()
    if not args.db.exists():
        sys.path.insert(0, str(ROOT))
        from villagevote.demo import build_demo
        print(f"building demo township in {args.db} …", flush=True)
        summary = build_demo(args.db, villages=20, voters_per_village=2500)
        print(f"  demo built in {summary.seconds:.1f} s", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="vv-bench-startup-"))
    db = workdir / "demo.sqlite3"
    shutil.copy2(args.db, db)  # the benchmark never writes to the shared demo file
    old_db = workdir / "baseline.sqlite3"
    kinds: list[tuple[str, list[str], Path | None]] = [
        ("start", ["start", str(db), USER, PASSWORD], None), ("main", ["main", str(db)], None)]
    if args.baseline is not None:
        shutil.copy2(args.db, old_db)  # a file of its own: each program seeds/stamps what it opens
        kinds += [("baseline start", ["start", str(old_db), USER, PASSWORD], args.baseline),
                  ("baseline main", ["main", str(old_db)], args.baseline)]
    kinds.append(("bare", ["bare"], None))
    runs: dict[str, list[Run]] = {label: [] for label, _a, _c in kinds}
    try:
        run_once(["adduser", str(db), USER, PASSWORD])  # also migrates the copy if needed
        if args.baseline is not None:
            run_once(["adduser", str(old_db), USER, PASSWORD], args.baseline)
        for _label, child_args, code in kinds:
            run_once(child_args, code)  # warm-up: fill the OS file cache
        for i in range(max(args.runs, 1)):
            parts = []
            for label, child_args, code in kinds:
                runs[label].append(run_once(child_args, code))
                parts.append(f"{label} {runs[label][-1]['painted'][0]:.2f} s")
            print(f"  run {i + 1}: " + ", ".join(parts), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    bare_wall, bare_cpu = median(runs["bare"], "painted")
    ratio = 0.0
    for prefix in ("", "baseline "):
        start_runs, main_runs = runs.get(prefix + "start"), runs.get(prefix + "main")
        if not start_runs or not main_runs:
            continue
        who = f"baseline ({args.baseline}) " if prefix else ""
        wall, cpu = median(start_runs, "painted")
        print(f"{who}login dialog painted (the first window): median {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({len(start_runs)} runs); ratio to bare {wall / bare_wall:.1f}x wall, {cpu / bare_cpu:.1f}x CPU")
        ratio = ratio or wall / bare_wall
        wall, cpu = median(start_runs, "ready")
        print(f"{who}  database open behind it: median {wall:.2f} s wall, {cpu:.2f} s CPU after process start")
        wall, cpu = median(start_runs, "main")
        print(f"{who}  登录 → main window painted: median {wall:.2f} s wall (CPU at that paint {cpu:.2f} s)")
        wall, cpu = median(main_runs, "painted")
        print(f"{who}main window painted, older definition (database first, no login): median {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU; ratio to bare {wall / bare_wall:.1f}x wall, {cpu / bare_cpu:.1f}x CPU")
    print(f"bare QMainWindow: median {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU ({len(runs['bare'])} runs)")
    print(f"ratio {ratio:.1f}x (first window, target at most {TARGET_RATIO:.0f}x): "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
