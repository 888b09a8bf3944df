"""Write the golden images of the print-form snapshot tests (``tests/golden/<form>-p<N>.png``).

    python scripts/update_golden.py                 # every print form of the registry
    python scripts/update_golden.py ballots voter-notice   # only these forms

It runs ``tests/test_form_snapshots.py`` with ``VILLAGEVOTE_UPDATE_GOLDEN=1``: each form is produced from the fixed
snapshot township and its first pages are written as PNGs instead of being compared (golden images of forms no
longer in the registry are removed when every form is updated). LOOK at every PNG it lists before committing: a
golden image is what the form is meant to look like, and it is committed in the same commit as the layout change.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
TEST = "tests/test_form_snapshots.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", help="registry print form names (default: all)")
    args = parser.parse_args(argv)
    before = {p: p.stat().st_mtime_ns for p in GOLDEN.glob("*.png")}
    if args.forms:
        selected = [f"{TEST}::test_form_matches_golden[{name}]" for name in args.forms]
    else:
        selected = [TEST]
    env = dict(os.environ, VILLAGEVOTE_UPDATE_GOLDEN="1", QT_QPA_PLATFORM="offscreen")
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selected],
                           cwd=ROOT, env=env)
    after = {p: p.stat().st_mtime_ns for p in GOLDEN.glob("*.png")}
    changed = sorted(p for p, t in after.items() if before.get(p) != t)
    removed = sorted(set(before) - set(after))
    for path in changed:
        print(f"written: {path.relative_to(ROOT)}")
    for path in removed:
        print(f"removed: {path.relative_to(ROOT)}")
    if changed:
        print("Look at every written PNG before committing it (git diff shows which changed).")
    return code


if __name__ == "__main__":
    sys.exit(main())
