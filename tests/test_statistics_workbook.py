"""The sealed township workbook (issue 19 item 4, tracking.md §B3): its sheets, the county-table layout, the exact
``_data`` columns, the canonical CSV and its SHA-256, the manifest, no ID numbers; and the read-back verification."""
from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import openpyxl
import pytest

from tests.helpers_statistics import PERIOD, township_rows, write_township
from villagevote.statistics import catalog as cat
from villagevote.statistics.sealed import (
    COVER_SHEET,
    DATA_COLUMNS,
    DATA_SHEET,
    MANIFEST_SHEET,
    NOTES_SHEET,
    canonical_csv,
    data_sha256,
    display_order,
    read_sealed,
    table_layout,
    version_problem,
    write_data_csv,
)
from villagevote.workbooks import open_workbook

T1 = "330999101"


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    return write_township(tmp_path / "清河镇.xlsx", T1, villages=5, seed=4)


def test_sheets_and_cover(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    tables = [layout.title for layout in table_layout(cat.STRUCTURE)]
    assert tables == ["T1 换届完成情况", "T2 两委成员结构", "T3 村民代表"]
    assert wb.sheetnames == [COVER_SHEET, *tables, NOTES_SHEET, DATA_SHEET, MANIFEST_SHEET]
    assert wb[DATA_SHEET].sheet_state == "hidden" and wb[MANIFEST_SHEET].sheet_state == "hidden"
    cover = {wb[COVER_SHEET].cell(r, 1).value: wb[COVER_SHEET].cell(r, 2).value for r in range(2, 15)}
    for label in ("报表代码", "模板版本", "统计时点", "乡镇", "区划代码", "填表人", "审核人", "电话", "报送日期", "报送序号",
                  "更正说明", "软件版本", "数据指纹（SHA-256）"):
        assert label in cover, label
    assert cover["报表代码"] == cat.STRUCTURE and cover["模板版本"] == cat.TEMPLATE_VERSION
    assert cover["区划代码"] == T1 and cover["报送序号"] == "1"
    assert re.fullmatch(r"[0-9a-f]{64}", cover["数据指纹（SHA-256）"])


def test_data_sheet_has_exactly_the_columns_and_one_row_per_indicator(book: Path) -> None:
    ws = openpyxl.load_workbook(book, read_only=True)[DATA_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == DATA_COLUMNS
    indicators = len(cat.catalog(cat.STRUCTURE))
    assert len(rows) - 1 == 6 * indicators  # five villages and the 合计
    assert {r[4] or "" for r in rows[1:]} == {"001", "002", "003", "004", "005", ""}
    assert all(isinstance(r[6], int) and isinstance(r[7], int) and isinstance(r[8], str) for r in rows[1:])


def test_tables_in_the_county_layout(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    sealed = read_sealed(book)
    index = {r.key: r for r in sealed.rows}
    for layout in table_layout(cat.STRUCTURE):
        ws = wb[layout.title]
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert "A2:A3" in merged and "B2:B3" in merged and "C2:C3" in merged  # lead columns span both header rows
        groups = [d.group for d in layout.indicators]
        spans = [r for r in ws.merged_cells.ranges if r.min_row == r.max_row == 2]
        if len(set(groups)) < len(groups):  # a group over several columns is one merged cell in row 2
            assert spans and all(r.min_col >= 4 and r.max_col > r.min_col for r in spans)
        assert ws.freeze_panes == "D4"
        codes = [ws.cell(r, 2).value or "" for r in range(4, ws.max_row + 1)]
        assert codes == ["001", "002", "003", "004", "005", ""]  # villages in code order, then 合计
        assert ws.cell(ws.max_row, 3).value == "合计" and ws.cell(ws.max_row, 3).font.b
        assert ws.cell(4, 3).value == "第1村"
        for i, definition in enumerate(layout.indicators):
            cell = ws.cell(ws.max_row, 4 + i)
            want = index[(T1, "", definition.code)].value
            if want == "—":
                assert cell.value == "—"
            else:
                assert isinstance(cell.value, (int, float)), (layout.title, definition.code, cell.value)
                assert f"{cell.value:.{definition.precision}f}" == want
                assert cell.number_format == {0: "0", 1: "0.0", 2: "0.00"}[definition.precision]
        assert ws.cell(3, 4).font.name == "宋体"
        assert ws.column_dimensions["C"].width >= 10


def test_totals_are_recomputed_from_counts(book: Path) -> None:
    sealed = read_sealed(book)
    villages = [r.as_value() for r in sealed.rows if r.village_code != ""]
    expected = {v.indicator: v for v in cat.township_totals(villages)}
    for row in sealed.top_totals():
        want = expected[row.indicator]
        assert (row.numerator, row.denominator) == (want.numerator, want.denominator), row.indicator
    rate = next(r for r in sealed.top_totals() if r.indicator == "S13.cross_rate")
    cross = sum(r.numerator for r in sealed.rows if r.indicator == "S13.cross" and r.village_code)
    members = sum(r.numerator for r in sealed.rows if r.indicator == "S12.members" and r.village_code)
    assert (rate.numerator, rate.denominator) == (cross, members)  # never an average of the villages' percents


def test_canonical_csv_and_fingerprint(book: Path, tmp_path: Path) -> None:
    rows, _names = township_rows(T1, 5, seed=4)
    text = canonical_csv(rows)
    assert not text.startswith(b"\xef\xbb\xbf") and b"\r" not in text and text.endswith(b"\n")
    lines = text.decode("utf-8").split("\n")[:-1]
    assert lines[0] == ",".join(DATA_COLUMNS)
    assert lines[1:] == sorted(lines[1:], key=lambda line: line.split(","))  # sorted field by field
    assert lines[1].startswith(f"{cat.STRUCTURE},{cat.TEMPLATE_VERSION},{PERIOD},{T1},,S")  # 合计 ("") sorts first
    assert all(re.fullmatch(r"-?\d+", line.split(",")[6]) for line in lines[1:])
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert data_sha256(shuffled) == data_sha256(rows) == hashlib.sha256(text).hexdigest()
    sealed = read_sealed(book)
    assert sealed.sha256 == data_sha256(rows) == sealed.cover.sha256
    csv_path = write_data_csv(sealed.rows, tmp_path / "data.csv")
    assert hashlib.sha256(csv_path.read_bytes()).hexdigest() == sealed.sha256


def test_manifest_counts_and_hashes(book: Path) -> None:
    ws = openpyxl.load_workbook(book, read_only=True)[MANIFEST_SHEET]
    items = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    sealed = read_sealed(book)
    assert items["data_sha256"] == sealed.sha256
    assert items["data_rows"] == len(sealed.rows)
    assert items["rows:T2 两委成员结构"] == 6
    assert len([k for k in items if str(k).startswith("block:")]) == 6


def test_no_id_numbers_anywhere(book: Path) -> None:
    with open_workbook(book) as wb:
        for name in wb.sheet_names:
            for row in wb.read(name).rows:
                for value in row:
                    assert not re.search(r"\d{17}[\dXx]", str(value)), (name, value)


def test_display_order() -> None:
    blocks = [("3302", ""), (T1, "002"), (T1, ""), ("330999102", "001"), (T1, "001"), ("330999102", ""),
              ("330998", "")]
    assert display_order(blocks, "3302") == [(T1, "001"), (T1, "002"), (T1, ""), ("330999102", "001"),
                                             ("330999102", ""), ("330998", ""), ("3302", "")]


def test_version_problem() -> None:
    assert version_problem(cat.TEMPLATE_VERSION) is None
    assert "比本程序支持的 2026.1 新" in (version_problem("2027.1") or "")
    assert "旧版本" in (version_problem("2025.3") or "")
    assert "无法识别" in (version_problem("abc") or "")


def test_township_workbook_of_twenty_villages_is_quick(tmp_path: Path) -> None:
    import time
    start = time.process_time()
    write_township(tmp_path / "big.xlsx", T1, villages=20, seed=2)
    assert time.process_time() - start < 3
    assert len(read_sealed(tmp_path / "big.xlsx").names) == 21
