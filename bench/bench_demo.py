"""Benchmark: `villagevote demo --villages 20 --voters-per-village 2500` (50,000 voters) must finish within a minute.

Prints each run's time and the median; the bar is a ratio to 60 s, not a pass/fail timed test.
Usage: python bench/bench_demo.py [--runs 3] [--villages 20] [--voters 2500]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--voters", type=int, default=2500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VILLAGEVOTE_HOME"] = str(Path(tmp) / "home")
        from villagevote.checkdb import check_database
        from villagevote.demo import build_demo
        times = []
        for i in range(args.runs):
            path = Path(tmp) / f"demo{i}.sqlite3"
            started = time.perf_counter()
            summary = build_demo(path, villages=args.villages, voters_per_village=args.voters, seed=1)
            times.append(time.perf_counter() - started)
            ok = check_database(path).ok
            print(f"run {i + 1}: {times[-1]:.2f} s, voters {summary.counts.get('voter')}, "
                  f"candidacies {summary.counts.get('candidacy')}, check-db {'ok' if ok else 'PROBLEM'}")
        median = statistics.median(times)
        print(f"demo {args.villages}x{args.voters}: median {median:.2f} s over {args.runs} runs; "
              f"ratio to the 60 s budget {median / 60:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
