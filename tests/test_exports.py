"""The registry exports as a township's staff and the county open them (issue 16 item 7), read with openpyxl:
numbers are numbers with number formats and dates are dates; ``--village`` is honoured by every export; the sheets
meant to be filled in are protected except their fill-in cells; the voter category labels are one set, shared by
the import template and the register export (and read back by the import)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from villagevote.audit import Actor
from villagevote.models.enums import Role, VoterCategory

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
VILLAGE, OTHER = "青溪村", "上塘村"   # the demo's two villages
FILL_IN = ("voter-template", "candidate-template", "county-review")

# Text that should have been a number, a percentage or a date.
NUMBER_LIKE = re.compile(r"-?\d+(\.\d+)?%?|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}")


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo township (fixed seed, two villages, a few voters each) in a file of this module's own."""
    from villagevote import demo
    from villagevote.database import open_database

    base = tmp_path_factory.mktemp("exports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(base / "home"))
        path = base / "township.sqlite3"
        demo.build_demo(path, villages=2, voters_per_village=12, seed=3)
        db = open_database(path)
        yield db, base
        db.dispose()


_made: dict[tuple[str, str | None], Path] = {}


def export(township: Any, name: str, village: str | None = None) -> Workbook:
    """The export of the module's township, opened afresh (each file is written once)."""
    from villagevote.reports.registry import Options, find_form, produce

    db, base = township
    out = _made.get((name, village))
    if out is None or not out.exists():
        out = base / f"{name}-{village or 'all'}.xlsx"
        with db.session() as s:
            produce(s, ADMIN, find_form("export", name), out, Options(village=village))
        _made[(name, village)] = out
    return load_workbook(out)


def visible_sheets(wb: Workbook) -> list[Worksheet]:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def texts(wb: Workbook) -> list[str]:
    """Every text of the workbook but the hidden export information (drop-down lists on hidden sheets count)."""
    return [str(c.value) for ws in wb.worksheets if ws.title != "_meta" for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]


def export_names() -> list[str]:
    from villagevote.reports.registry import forms_of
    return [f.name for f in forms_of("export")]


# ---------------------------------------------------------------------------------------------------------------
# Numbers and dates
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", export_names())
def test_no_number_or_date_stored_as_text(township: Any, name: str) -> None:
    wb = export(township, name)
    wrong = []
    for ws in visible_sheets(wb):
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.number_format != "@" and NUMBER_LIKE.fullmatch(c.value.strip()):
                    wrong.append(f"{ws.title}!{c.coordinate}={c.value!r}")
    assert not wrong, f"“{name}” stores numbers or dates as text: {wrong[:10]}"


def test_results_turnout_is_a_percentage_and_the_date_a_date(township: Any) -> None:
    ws = export(township, "results").worksheets[0]
    headers = [c.value for c in ws[2]]
    rate_col = headers.index("投票率/到会率") + 1
    date_col = headers.index("选举日期") + 1
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value]
    assert rows
    for r in rows:
        rate = ws.cell(r, rate_col)
        assert isinstance(rate.value, float) and 0 < rate.value <= 1 and rate.number_format == "0.00%"
        assert round(rate.value, 4) == rate.value        # as rounded on the printed report: 85.19%
        day = ws.cell(r, date_col)
        assert isinstance(day.value, dt.datetime) and day.number_format in ("yyyy-mm-dd", "yyyy年m月d日")
    counts = [ws.cell(rows[0], headers.index(h) + 1).value for h in ("登记选民/应到党员", "发出选票", "收回选票")]
    assert all(isinstance(v, int) for v in counts)


def test_voter_register_dates_and_ages(township: Any) -> None:
    ws = export(township, "voters", VILLAGE).worksheets[0]
    headers = [c.value for c in ws[2]]
    birth, age, idn = (headers.index(h) + 1 for h in ("出生日期", "选举日年龄", "身份证号"))
    assert ws.max_row > 3
    for r in range(3, ws.max_row + 1):
        assert isinstance(ws.cell(r, birth).value, dt.datetime) and ws.cell(r, birth).number_format == "yyyy-mm-dd"
        assert isinstance(ws.cell(r, age).value, int)
        id_cell = ws.cell(r, idn)
        assert isinstance(id_cell.value, str) and len(id_cell.value) == 18 and id_cell.number_format == "@"


def test_scores_are_numbers(township: Any) -> None:
    ws = export(township, "scores").worksheets[0]
    headers = [c.value for c in ws[2]]
    rank_col, total_col = headers.index("排名") + 1, headers.index("总分") + 1
    ranked = [r for r in range(3, ws.max_row + 1) if ws.cell(r, rank_col).value is not None]
    assert ranked
    for r in ranked:
        assert isinstance(ws.cell(r, rank_col).value, int)
        assert isinstance(ws.cell(r, total_col).value, (int, float)) and ws.cell(r, total_col).number_format.startswith("0")


def test_county_review_numbers_and_birth_dates(township: Any) -> None:
    ws = export(township, "county-review")["县级联审"]
    from villagevote.qualification.county_workbook import FIRST_DATA_ROW, FIXED_COLUMNS
    keys = [k for k, _, _ in FIXED_COLUMNS]
    assert ws.max_row >= FIRST_DATA_ROW
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        assert isinstance(ws.cell(r, keys.index("seq") + 1).value, int)
        birth = ws.cell(r, keys.index("birth") + 1)
        assert isinstance(birth.value, dt.datetime) and "yyyy" in birth.number_format
        assert ws.cell(r, keys.index("id_number") + 1).number_format == "@"


# ---------------------------------------------------------------------------------------------------------------
# --village
# ---------------------------------------------------------------------------------------------------------------
TOWNSHIP_ONLY = ("stats-workbook",)  # the sealed county report is the township's whole report: --village refused


@pytest.mark.parametrize("name", [n for n in export_names() if n not in TOWNSHIP_ONLY])
def test_village_option_is_honoured(township: Any, name: str) -> None:
    whole = texts(export(township, name))
    one = texts(export(township, name, VILLAGE))
    assert any(VILLAGE in t for t in one), f"“{name}” for {VILLAGE} does not name it"
    assert not [t for t in one if OTHER in t], f"“{name}” for {VILLAGE} still lists {OTHER}"
    if name != "voter-template":  # the blank voter list names no village unless one is chosen
        assert any(OTHER in t for t in whole), f"“{name}” of the whole township leaves out {OTHER}"


def test_township_only_exports_refuse_a_village(township: Any) -> None:
    from villagevote.errors import UserError
    for name in TOWNSHIP_ONLY:
        with pytest.raises(UserError, match="按乡镇整体报送"):
            export(township, name, VILLAGE)


def test_unknown_village_is_refused(township: Any) -> None:
    from villagevote.errors import UserError
    for name in ("county-review", "candidate-template"):
        with pytest.raises(UserError, match="没有名为"):
            export(township, name, "无此村")


# ---------------------------------------------------------------------------------------------------------------
# Fill-in sheets
# ---------------------------------------------------------------------------------------------------------------
def _locked(ws: Worksheet, coordinate: str) -> bool:
    return bool(ws[coordinate].protection.locked)


def test_voter_template_is_protected_except_the_rows_to_fill(township: Any) -> None:
    ws = export(township, "voter-template", VILLAGE).worksheets[0]
    assert ws.protection.sheet
    assert _locked(ws, "A1") and _locked(ws, "A2") and _locked(ws, "F2")        # title, header
    assert not any(_locked(ws, f"{col}{row}") for col in "ABCDEFGHI" for row in (3, 100, 3002))
    assert _locked(ws, "J3")                                                     # beside the list


def test_candidate_template_is_protected_except_the_rows_to_fill(township: Any) -> None:
    from villagevote.candidates.workbook import COLUMNS, TEMPLATE_ROWS
    ws = export(township, "candidate-template").worksheets[0]
    last = get_column_letter(len(COLUMNS))
    assert ws.protection.sheet
    assert _locked(ws, "A1") and _locked(ws, f"{last}1")
    assert not _locked(ws, "A2") and not _locked(ws, f"{last}{TEMPLATE_ROWS + 1}")
    assert ws.data_validations.dataValidation, "the drop-down lists stay"


def test_county_review_is_protected_except_the_answer_cells(township: Any) -> None:
    from villagevote.qualification.county_workbook import ANSWER_FIELDS, FIRST_DATA_ROW, FIXED_COLUMNS
    ws = export(township, "county-review")["县级联审"]
    assert ws.protection.sheet
    n_fixed = len(FIXED_COLUMNS)
    last_answer = n_fixed + (ws.max_column - n_fixed) // len(ANSWER_FIELDS) * len(ANSWER_FIELDS)
    for r in (1, 2, 3):
        assert _locked(ws, f"{get_column_letter(n_fixed + 1)}{r}")
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        assert all(_locked(ws, f"{get_column_letter(c)}{r}") for c in range(1, n_fixed + 1)), "names and IDs"
        assert not any(_locked(ws, f"{get_column_letter(c)}{r}") for c in range(n_fixed + 1, last_answer + 1))


@pytest.mark.parametrize("name", FILL_IN)
def test_fill_in_sheet_reads_back(township: Any, name: str, tmp_path: Path) -> None:
    """Protection changes nothing for the readers: the template still opens in the import."""
    wb = export(township, name, VILLAGE if name != "county-review" else None)
    assert wb.worksheets[0].protection.sheet
    if name == "voter-template":
        from villagevote.voters.workbook import read_voter_workbook
        path = tmp_path / "filled.xlsx"
        ws = wb.worksheets[0]
        ws["A3"], ws["D3"], ws["F3"] = "张三", dt.date(1980, 5, 6), "户籍在村且居住"
        wb.save(path)
        parsed = read_voter_workbook(path, today=dt.date(2026, 11, 1))
        from villagevote.voters.rowcheck import VoterRow
        assert not parsed.errors and parsed.data[VoterRow._fields.index("name")] == ["张三"]


# ---------------------------------------------------------------------------------------------------------------
# One set of voter category labels
# ---------------------------------------------------------------------------------------------------------------
def test_one_set_of_voter_category_labels(township: Any, tmp_path: Path) -> None:
    from villagevote.reports.xlsx.voters import CATEGORY_LABELS
    from villagevote.voters.cells import parse_category
    from villagevote.voters.rowcheck import VoterRow
    from villagevote.voters.workbook import read_voter_workbook

    assert tuple(c.label for c in VoterCategory) == CATEGORY_LABELS
    template = export(township, "voter-template", VILLAGE)
    ws = template.worksheets[0]
    header = [c.value for c in ws[2]]
    col = header.index("登记类别") + 1
    letter = get_column_letter(col)
    offered = [dv for dv in ws.data_validations.dataValidation if f"{letter}3" in dv.sqref]
    assert len(offered) == 1
    assert offered[0].formula1.strip('"').split(",") == list(CATEGORY_LABELS)
    notes = " ".join(texts(template))
    assert all(label in notes for label in CATEGORY_LABELS)

    register = export(township, "voters").worksheets[0]
    export_col = [c.value for c in register[2]].index("登记类别") + 1
    exported = {register.cell(r, export_col).value for r in range(3, register.max_row + 1)}
    assert exported and exported <= set(CATEGORY_LABELS)

    # and the import reads every label back as its category
    assert [parse_category(label) for label in CATEGORY_LABELS] == list(VoterCategory)
    for i, label in enumerate(CATEGORY_LABELS):
        ws.cell(3 + i, 1, f"测试{i}")
        ws.cell(3 + i, 4, dt.date(1970 + i, 1, 2))
        ws.cell(3 + i, col, label)
    path = tmp_path / "filled.xlsx"
    template.save(path)
    parsed = read_voter_workbook(path, today=dt.date(2026, 11, 1))
    assert not parsed.errors
    assert parsed.data[VoterRow._fields.index("category")] == list(VoterCategory)
