"""Snapshot tests of every print form (issue 16 item 6, the practice of VotingWorks' VxSuite).

Each registry print form is produced from a fixed township — the demo township built in the test with a fixed seed,
two villages of 40 voters, and a frozen clock (no real date reaches the output) — and its first pages are
rendered with pypdfium2 to grey PNGs at 50 dpi. They are compared with the committed golden images
``tests/golden/<form>-p<N>.png``: the image size must be equal, the mean absolute difference of the grey values
(0–255) at most ``TOLERANCE``, and at most ``MAX_STRONG`` of the pixels changed by more than ``STRONG`` (a word added
to a title moves the mean by about 1 but changes 0.5 % of the pixels).

A layout change updates the golden images in the same commit, after looking at them: run
``python scripts/update_golden.py`` (all forms, or name some), open the PNGs it lists, and commit them. A failed
comparison leaves the rendered page and a difference image under pytest's temporary directory and names them.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat
from sqlalchemy import select

from villagevote.audit import Actor
from villagevote.models.enums import Role

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is in the test extra: pip install -e .[test]")

GOLDEN = Path(__file__).parent / "golden"
UPDATE_ENV = "VILLAGEVOTE_UPDATE_GOLDEN"  # set by scripts/update_golden.py: write the golden images instead
DPI = 50
MAX_PAGES = 2          # the first page or two of each form keep the golden set small
TOLERANCE = 1.5        # mean absolute difference of the grey values, 0–255
STRONG = 96            # a pixel whose grey value moved by more than this has changed (not antialiasing)
MAX_STRONG = 0.0005    # at most this share of the pixels may have changed (a new word in a title is ~0.5 %)

BUILD_DAY = dt.date(2026, 12, 28)    # "today" while the demo township is built (after its election day)
PRINT_DAY = dt.date(2026, 11, 25)    # "today" while the forms are printed (before the election: notices are posted)
SEED = 1
VILLAGE = "青溪村"                    # the demo's first village: its election is counted and official

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")

# What each form is asked for beyond ``Options(village=VILLAGE)``: extra options, or a village of None for a form
# of the whole township. ``{pledge}`` is filled with the id of the village's first signed pledge.
FORM_EXTRA: dict[str, dict[str, str]] = {
    "pledge": {"pledge": "{pledge}"},
    "pledge-notice": {"from": "2026-11-25", "until": "2026-12-19"},
    "voter-notice": {"date": "2026-11-20"},
    "proxy-list": {"date": "2026-12-15"},
    "ballots": {"sample": "1", "copies": "1"},
}


# ---------------------------------------------------------------------------------------------------------------
# A frozen clock: ``dt.date.today()`` and ``dt.datetime.now()`` give fixed values while the township is built and
# the forms are printed. Values stay real ``date``/``datetime`` objects; only the classes looked up through the
# ``datetime`` module are replaced (isinstance and issubclass answer as for the real classes).
# ---------------------------------------------------------------------------------------------------------------
_REAL_DATE = dt.date
_REAL_DATETIME = dt.datetime


class _FrozenMeta(type):
    _real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._real)


@contextmanager
def frozen_clock(day: dt.date) -> Iterator[None]:
    class FrozenDate(_REAL_DATE, metaclass=_FrozenMeta):
        _real = _REAL_DATE

        def __new__(cls, *args: Any, **kwargs: Any) -> dt.date:  # type: ignore[misc]
            return _REAL_DATE(*args, **kwargs)

        @classmethod
        def today(cls) -> dt.date:
            return _REAL_DATE(day.year, day.month, day.day)

    class FrozenDateTime(_REAL_DATETIME, metaclass=_FrozenMeta):
        _real = _REAL_DATETIME

        def __new__(cls, *args: Any, **kwargs: Any) -> dt.datetime:  # type: ignore[misc]
            return _REAL_DATETIME(*args, **kwargs)

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
            return _REAL_DATETIME(day.year, day.month, day.day, 9, 30, tzinfo=tz)

        @classmethod
        def today(cls) -> dt.datetime:
            return cls.now()

        @classmethod
        def utcnow(cls) -> dt.datetime:
            return cls.now()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dt, "date", FrozenDate)
        mp.setattr(dt, "datetime", FrozenDateTime)
        yield


# ---------------------------------------------------------------------------------------------------------------
# The fixed township and the rendered forms
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class Rendered:
    pages: list[Image.Image]   # the first MAX_PAGES pages, grey
    page_count: int
    error: str = ""            # why the form could not be produced

    def __repr__(self) -> str:  # short in pytest's report of a failure
        return f"Rendered({len(self.pages)} of {self.page_count} pages{', ' + self.error if self.error else ''})"


def render_pages(pdf_path: Path, limit: int = MAX_PAGES) -> tuple[list[Image.Image], int]:
    """The first ``limit`` pages of a PDF as grey images at DPI, and the number of pages."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        images = []
        for index in range(min(limit, len(pdf))):
            page = pdf[index]
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            page.close()
        return images, len(pdf)
    finally:
        pdf.close()


def _first_signed_pledge(session: Any) -> int:
    from villagevote.models import Candidacy, Organization, Pledge, Village
    from villagevote.models.enums import PledgeStatus
    pid = session.scalar(
        select(Pledge.id).join(Candidacy, Candidacy.id == Pledge.candidacy_id)
        .join(Organization, Organization.id == Candidacy.organization_id)
        .join(Village, Village.id == Organization.village_id)
        .where(Village.name == VILLAGE, Pledge.status == PledgeStatus.SIGNED).order_by(Pledge.id).limit(1))
    assert pid is not None, "the demo township has a signed pledge in " + VILLAGE
    return int(pid)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every print form of the registry produced once from the fixed township and rendered."""
    from villagevote import demo
    from villagevote.database import open_database
    from villagevote.demo import core as demo_core
    from villagevote.reports.registry import Options, forms_of, produce

    base = tmp_path_factory.mktemp("snapshots")
    results: dict[str, Rendered] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(base / "home"))
        mp.delenv("VILLAGEVOTE_FONT_DIR", raising=False)   # the bundled faces only: goldens are made with them
        # The demo keeps ID numbers unique within a process; start from an empty set so that they do not depend on
        # which tests built a demo before this one.
        mp.setattr(demo_core, "_USED_IDS", set())
        path = base / "township.sqlite3"
        with frozen_clock(BUILD_DAY):
            demo.build_demo(path, villages=2, voters_per_village=40, seed=SEED)
        db = open_database(path)
        try:
            with db.read_session() as s:
                pledge_id = _first_signed_pledge(s)
            for form in forms_of("print"):
                extra = {k: v.format(pledge=pledge_id) for k, v in FORM_EXTRA.get(form.name, {}).items()}
                out = base / f"{form.name}.pdf"
                try:
                    with frozen_clock(PRINT_DAY), db.session() as s:
                        produce(s, ADMIN, form, out, Options(village=VILLAGE, extra=extra))
                except Exception as exc:  # one broken form fails its own test, not the others'
                    results[form.name] = Rendered([], 0, f"{type(exc).__name__}: {exc}")
                    continue
                pages, count = render_pages(out)
                results[form.name] = Rendered(pages, count)
        finally:
            db.dispose()
    return results


# ---------------------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------------------
def golden_path(form: str, page: int) -> Path:
    return GOLDEN / f"{form}-p{page}.png"


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two grey images of the same size, 0–255."""
    return float(ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean[0])


def strong_share(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels whose grey value differs by more than STRONG."""
    histogram = ImageChops.difference(a.convert("L"), b.convert("L")).histogram()
    return sum(histogram[STRONG + 1:]) / (a.size[0] * a.size[1])


def updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def print_form_names() -> list[str]:
    from villagevote.reports.registry import forms_of
    return [f.name for f in forms_of("print")]


def write_goldens(form: str, result: Rendered) -> list[Path]:
    """Write the form's golden pages that are missing or not pixel-identical; remove pages it no longer has."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    keep = {golden_path(form, number) for number in range(1, len(result.pages) + 1)}
    for stale in GOLDEN.glob(f"{form}-p*.png"):
        if stale not in keep:
            stale.unlink()
    written = []
    for number, image in enumerate(result.pages, start=1):
        path = golden_path(form, number)
        if path.exists():
            with Image.open(path) as old:
                if old.size == image.size and old.convert("L").tobytes() == image.tobytes():
                    continue
        image.save(path, optimize=True)
        written.append(path)
    return written


@pytest.mark.skipif(sys.platform == "win32", reason="golden images are made with the bundled fonts on Linux")
@pytest.mark.parametrize("form", print_form_names())
def test_form_matches_golden(form: str, rendered: dict[str, Rendered], tmp_path: Path) -> None:
    result = rendered[form]
    assert not result.error, (f"“{form}” could not be produced from the snapshot township: {result.error} "
                              f"(give it options in FORM_EXTRA of {Path(__file__).name})")
    assert result.pages, f"“{form}” printed no page"
    if updating():
        for path in write_goldens(form, result):
            print(f"golden written: {path}")
        return
    goldens = sorted(GOLDEN.glob(f"{form}-p*.png"))
    if not goldens:
        pytest.fail(f"no golden image for “{form}” ({golden_path(form, 1).relative_to(GOLDEN.parent.parent)}): run "
                    f"`python scripts/update_golden.py {form}`, look at the PNGs it writes, and commit them")
    expected_pages = min(MAX_PAGES, result.page_count)
    assert len(goldens) == expected_pages, (
        f"“{form}” now has {result.page_count} page(s); the golden set has {len(goldens)} of the first {MAX_PAGES}: "
        f"run `python scripts/update_golden.py {form}` and look at the result")
    failures = []
    for number, image in enumerate(result.pages, start=1):
        golden = Image.open(golden_path(form, number))
        actual_path = tmp_path / f"{form}-p{number}.actual.png"
        if golden.size != image.size:
            image.save(actual_path)
            failures.append(f"page {number}: size {image.size} != golden {golden.size} (rendered: {actual_path})")
            continue
        diff, strong = mean_difference(golden, image), strong_share(golden, image)
        if diff > TOLERANCE or strong > MAX_STRONG:
            image.save(actual_path)
            diff_path = tmp_path / f"{form}-p{number}.diff.png"
            ImageChops.invert(ImageChops.difference(golden.convert("L"), image)).save(diff_path)
            failures.append(f"page {number}: mean difference {diff:.2f} (at most {TOLERANCE}), changed pixels "
                            f"{strong:.3%} (at most {MAX_STRONG:.3%}) "
                            f"(rendered: {actual_path}; difference: {diff_path})")
    assert not failures, (f"“{form}” differs from its golden images:\n  " + "\n  ".join(failures) +
                          "\nIf the change is intended, run `python scripts/update_golden.py "
                          f"{form}`, look at the new PNGs, and commit them with the layout change.")


def test_no_golden_without_form() -> None:
    """Golden images of a form that no longer exists are removed (by the update script) rather than kept."""
    names = set(print_form_names())
    orphans = sorted(p for p in GOLDEN.glob("*-p*.png") if p.stem.rsplit("-p", 1)[0] not in names)
    if updating():
        for path in orphans:
            path.unlink()
        return
    assert not orphans, "golden images of no registry print form: " + ", ".join(p.name for p in orphans)


def test_comparison_notices_a_change() -> None:
    """The tolerance lets through rendering noise but not a moved or missing line."""
    blank = Image.new("L", (400, 560), 255)
    noisy = blank.copy()
    noisy.putpixel((10, 10), 0)
    assert mean_difference(blank, noisy) <= TOLERANCE and strong_share(blank, noisy) <= MAX_STRONG
    moved = blank.copy()
    for x in range(40, 360):
        for y in range(100, 112):
            moved.putpixel((x, y), 0)
    assert mean_difference(blank, moved) > TOLERANCE
    word = blank.copy()
    for x in range(40, 70):
        for y in range(100, 110):
            word.putpixel((x, y), 0)
    assert mean_difference(blank, word) <= TOLERANCE < mean_difference(blank, moved)
    assert strong_share(blank, word) > MAX_STRONG, "a new word is a change though the mean barely moves"


def test_frozen_clock_keeps_real_dates() -> None:
    with frozen_clock(dt.date(2026, 11, 25)):
        today = dt.date.today()
        assert today == _REAL_DATE(2026, 11, 25) and type(today) is _REAL_DATE
        assert isinstance(_REAL_DATE(2020, 1, 1), dt.date) and isinstance(today, dt.date)
        assert dt.date(2020, 1, 2) - dt.timedelta(days=1) == _REAL_DATE(2020, 1, 1)
        assert dt.datetime.now().date() == today and isinstance(dt.datetime.now(), dt.datetime)
        assert dt.date.fromisoformat("2026-01-05") == _REAL_DATE(2026, 1, 5)
    assert dt.date is _REAL_DATE and dt.datetime is _REAL_DATETIME
