"""Start-up benchmark: process start → main window painted, on the demo township (20 villages × 2,500 voters).

    .venv/bin/python bench/bench_startup.py [--db demo.sqlite3] [--runs 7]

Builds the demo township when --db does not exist (``villagevote demo --villages 20 --voters-per-village 2500``,
about 25 s; the same file bench_voters.py uses), copies it to a scratch folder, then alternates ``--runs`` times:
(a) a process that opens the copy and shows the application's main window as an administrator through
``Controller.show_main`` (bench/startup_entry.py app), and (b) a process that shows a bare QMainWindow
(bench/startup_entry.py bare). Each is timed from before the process is started until it reports its first paint.
Prints the medians (wall, and the child's CPU time) and the ratios of the medians. Target: at most 4× (wall).
On a shared, loaded machine the CPU ratio is the steadier figure (wall time then includes waiting for a core).

Set PYTHONPATH to another checkout to measure that code (e.g. ``git worktree add /tmp/old <commit>``), or pass
``--baseline /tmp/old`` to alternate that checkout's start-up with this one's and the bare window in one run.
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


def run_once(args: list[str], code: Path | None = None) -> tuple[float, float]:
    """(wall seconds from process start to the first paint, child CPU seconds at that moment); ``code``: the checkout
    whose villagevote the child imports (default: whatever the interpreter finds)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ENTRY), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wall = time.perf_counter() - start
    _out, err = proc.communicate(timeout=180)
    if not line.startswith("painted"):
        raise SystemExit(f"start-up run failed ({' '.join(args)}):\n{err}")
    return wall, float(line.split()[1])


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
    if args.baseline is not None:
        shutil.copy2(args.db, old_db)  # a file of its own: each program seeds/stamps what it opens
    try:
        run_once(["app", str(db)])  # warm-up: migrate the copy if needed, fill the OS file cache
        run_once(["bare"])
        if args.baseline is not None:
            run_once(["app", str(old_db)], args.baseline)
        app_runs, bare_runs, old_runs = [], [], []
        for i in range(max(args.runs, 1)):
            app_runs.append(run_once(["app", str(db)]))
            bare_runs.append(run_once(["bare"]))
            line = f"  run {i + 1}: app {app_runs[-1][0]:.2f} s, bare {bare_runs[-1][0]:.2f} s"
            if args.baseline is not None:
                old_runs.append(run_once(["app", str(old_db)], args.baseline))
                line += f", baseline app {old_runs[-1][0]:.2f} s"
            print(line, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    bare_wall = statistics.median(w for w, _c in bare_runs)
    bare_cpu = statistics.median(c for _w, c in bare_runs)
    ratio = 0.0
    for label, runs in (("main window painted", app_runs), (f"baseline ({args.baseline})", old_runs)):
        if not runs:
            continue
        wall = statistics.median(w for w, _c in runs)
        cpu = statistics.median(c for _w, c in runs)
        print(f"{label}: median {wall:.2f} s wall, {cpu:.2f} s CPU ({len(runs)} runs); "
              f"ratio to bare {wall / bare_wall:.1f}x wall, {cpu / bare_cpu:.1f}x CPU")
        ratio = ratio or wall / bare_wall
    print(f"bare QMainWindow: median {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU ({len(bare_runs)} runs)")
    print(f"ratio {ratio:.1f}x (target at most {TARGET_RATIO:.0f}x): {'met' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
