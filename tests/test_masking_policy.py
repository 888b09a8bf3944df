"""The masking policy (villagevote/reports/masking.py, docs/masking.md) against what every registry form prints.

Every print and export of the registry is produced from a small demo township whose people's ID numbers, phones,
birth dates, raters and recusal reasons are known; the PDF text (pypdf) or the workbook cells (openpyxl) are checked
against the table: a full ID number only where the table says ``full``, the masked form where it says ``masked``,
neither where it says ``absent``; 注意保密 on every form that shows something in full. Forms whose owners have not
wired them to the table yet are marked xfail by name (``NOT_WIRED``).
"""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from villagevote.audit import Actor
from villagevote.idcard import mask_id_number
from villagevote.models.enums import Role
from villagevote.reports import masking
from villagevote.reports.masking import ABSENT, FULL, MASKED
from villagevote.reports.registry import Options, forms_of

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
VILLAGE = "青溪村"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "masking.md"

# form (or variant) -> why it is expected to disagree with the table today; remove the entry when wired.
NOT_WIRED: dict[str, str] = {}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from villagevote.demo import build_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(tmp_path_factory.mktemp("home")))
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        build_demo(path, villages=2, voters_per_village=40, seed=1)
    return path


@pytest.fixture(scope="module")
def known(demo):
    """What the township holds about people: the values a form must not leak beyond the table."""
    with sqlite3.connect(demo) as conn:
        ids = {r[0] for q in ("SELECT id_number FROM person", "SELECT id_number FROM voter")
               for r in conn.execute(q) if r[0]}
        phones = {r[0] for q in ("SELECT phone FROM person", "SELECT phone FROM voter")
                  for r in conn.execute(q) if r[0] and len(r[0]) >= 7}
        births = {dt.date.fromisoformat(r[0]) for q in ("SELECT birth_date FROM person", "SELECT birth_date FROM voter")
                  for r in conn.execute(q) if r[0]}
        raters = {r[0] for r in conn.execute("SELECT name FROM rater") if r[0]}
        reasons = {r[0] for r in conn.execute("SELECT reason FROM recusal") if r[0]}
        pledge = conn.execute("SELECT id FROM pledge WHERE kind = 'qualification' AND status = 'signed' "
                              "ORDER BY id").fetchone()[0]
        official = conn.execute("SELECT id FROM contest WHERE official = 1 ORDER BY id").fetchone()[0]
    return {"ids": ids, "phones": phones, "births": births, "raters": raters, "reasons": reasons,
            "pledge": pledge, "official": official}


def _options(name: str, known: dict) -> Options:
    """What each form needs to print something for the first demo village."""
    if name in ("ballots", "result-report", "certificates"):
        return Options(village=VILLAGE, contest_id=known["official"])
    if name == "pledge":
        return Options(village=VILLAGE, extra={"pledge": str(known["pledge"])})
    if name in ("election-staff-notice", "election-committee-notice"):  # the model records no such members
        return Options(village=VILLAGE, contest_id=known["official"], extra={"blank": "1"})
    if name == "score-summary:internal":  # the whole scheme: the demo's one recusal is in the other village
        return Options(extra={"internal": "1"})
    if name == "stats-workbook":  # the township's whole report (a village is refused)
        return Options()
    return Options(village=VILLAGE)


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "".join(re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(str(path)).pages)
    import openpyxl

    values = []
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, dt.datetime):
                    value = value.date()
                if value is not None:
                    values.append(str(value))
    return "|".join(re.sub(r"\s+", "", v) for v in values)


def _mask_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _full_dates(day: dt.date) -> list[str]:
    return [f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month:02d}月{day.day:02d}日",
            day.isoformat(), f"{day.year}.{day.month:02d}.{day.day:02d}", f"{day.year}/{day.month:02d}/{day.day:02d}"]


def _month(day: dt.date) -> list[str]:
    return [f"{day.year}年{day.month}月", f"{day.year}.{day.month:02d}", f"{day.year}-{day.month:02d}"]


def _check(text: str, level: masking.Show, full: set[str], masked: set[str], what: str) -> list[str]:
    shown_full = sorted(v for v in full if v in text)
    shown_masked = sorted(v for v in masked if v in text)
    problems = []
    if level is FULL and not shown_full:
        problems.append(f"{what}: the table says full, none printed in full")
    if level is not FULL and shown_full:
        problems.append(f"{what}: the table says {level.value}, printed in full: {shown_full[:3]}")
    if level is MASKED and not shown_masked:
        problems.append(f"{what}: the table says masked, no masked value printed")
    if level is ABSENT and shown_masked:
        problems.append(f"{what}: the table says absent, printed masked: {shown_masked[:3]}")
    return problems


def _cases() -> list:
    names = [f.name for f in forms_of("print")] + [f.name for f in forms_of("export")]
    names.append("score-summary:internal")
    cases = []
    for name in names:
        marks = [pytest.mark.xfail(strict=False, reason=NOT_WIRED[name])] if name in NOT_WIRED else []
        cases.append(pytest.param(name, marks=marks, id=name))
    return cases


def test_docs_carry_the_table_from_the_code():
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- masking-table:start -->\n", 1)[1].split("<!-- masking-table:end -->", 1)[0]
    assert block == masking.markdown_table(), (
        "docs/masking.md is out of date; regenerate the block between the masking-table markers with "
        "masking.markdown_table()")


def test_every_registry_form_is_in_the_table():
    names = {f.name for f in forms_of("print")} | {f.name for f in forms_of("export")}
    missing = sorted(names - set(masking.POLICY))
    assert not missing, f"forms without a row in villagevote/reports/masking.py POLICY: {missing}"
    stale = sorted(n for n in masking.POLICY if n.split(":")[0] not in names)
    assert not stale, f"rows in POLICY for forms the registry does not have: {stale}"


def test_mask_functions_follow_the_table():
    number = "330999197609290124"
    assert masking.mask_id(number, "qualification-forms") == number
    assert masking.mask_id(number, "pledges") == mask_id_number(number) == "330999********0124"
    assert masking.mask_id(number, "candidate-notice") == ""
    assert masking.mask_phone("13991244035", "qualification-forms") == "13991244035"
    assert masking.mask_phone("13991244035", "candidate-notice") == ""
    assert masking.mask_birth(dt.date(1976, 9, 29), "voters") == "1976年9月29日"
    assert masking.mask_birth(dt.date(1976, 9, 29), "pledges") == "1976年9月"
    assert masking.mask_rater("王建国", 3, "score-summary") == ""
    assert masking.mask_rater("王建国", 3, "score-summary:internal") == "王建国"
    assert masking.confidential("qualification-forms") and masking.confidential("county-review")
    assert not masking.confidential("score-sheets")  # the rater's own name on the rater's own sheet
    for name, p in masking.POLICY.items():  # public notices never carry a full ID number or phone
        if "公示" in p.audience or "张贴" in p.audience:
            assert p.show("id_number") is not FULL and p.show("phone") is not FULL, name
    with pytest.raises(KeyError):
        masking.policy("no-such-form")


@pytest.mark.parametrize("name", _cases())
def test_form_output_follows_the_masking_table(demo, known, tmp_path, name):
    from villagevote.database import open_database
    from villagevote.reports.registry import find_form

    form_name = name.split(":")[0]
    form = next((f for kind in ("print", "export") for f in forms_of(kind) if f.name == form_name), None)
    assert form is not None
    form = find_form(form.kind, form_name)
    p = masking.policy(name)
    db = open_database(demo)
    try:
        with db.session() as s:
            out = form.run(s, ADMIN, tmp_path / f"{form_name}{form.file_suffix}", _options(name, known))
    finally:
        db.dispose()
    text = _text(Path(out))

    problems = _check(text, p.show("id_number"), known["ids"], {mask_id_number(v) for v in known["ids"]},
                      "ID number")
    problems += _check(text, p.show("phone"), known["phones"], {_mask_phone(v) for v in known["phones"]}, "phone")
    full_dates = {s for d in known["births"] for s in _full_dates(d)}
    if p.show("birth_date") is FULL:
        problems += _check(text, FULL, full_dates, set(), "birth date")
    elif any(s in text for s in full_dates):  # masked or absent: never the whole date (a year-month may coincide)
        problems.append(f"birth date: the table says {p.show('birth_date').value}, a full birth date is printed")
    if form_name.startswith("score"):  # rater names are common names: checked where raters are the subject
        problems += _check(text, p.show("rater"), known["raters"], set(), "rater")
        problems += _check(text, p.show("relation"), known["reasons"], set(), "recusal relationship")
    if form_name == "score-summary":  # public or internal: never a rater's name beside a dropped score
        dropped = re.findall(r"去掉一个最[高低]分[\d.]+（([^）]*)）", text)
        if any(name in known["raters"] for name in dropped):
            problems.append(f"a rater named beside a dropped score: {dropped[:3]}")
    if p.confidential and masking.CONFIDENTIAL_MARK not in text:
        problems.append(f"shows personal data in full but does not print {masking.CONFIDENTIAL_MARK}")
    assert not problems, f"{name}: " + "; ".join(problems)
