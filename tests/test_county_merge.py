"""The county merge and the tamper checks (issue 19 item 5, Must show and Bad input): every refused file is named with
its reason (file, sheet, cell), nothing of it is merged; the merged workbook reads back like a township's, so a city
merges county workbooks the same way."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pytest

from tests.helpers_statistics import township_values, write_township
from villagevote import cli
from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import Value
from villagevote.statistics.merge import ACCEPTED, REFUSED, SUPERSEDED, common_code, merge_files, write_county
from villagevote.statistics.sealed import (
    DATA_SHEET,
    MANIFEST_SHEET,
    SealError,
    data_sha256,
    read_sealed,
    table_layout,
)
from villagevote.workbooks import WorkbookError, cell_name

T1, T2, T3 = "330999101", "330999102", "330999103"


def edit(path: Path, out: Path, sheet: str, cell: str, value: object) -> Path:
    """A copy of ``path`` with one cell changed, saved by openpyxl (as Excel or WPS would save an edit)."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(out)
    return out


def data_cell(path: Path, township: str, village: str, code: str, column: str) -> str:
    """The ``_data`` cell (e.g. "G12") of one indicator's numerator/value."""
    wb = openpyxl.load_workbook(path, read_only=True)
    for r, row in enumerate(wb[DATA_SHEET].iter_rows(values_only=True), start=1):
        if row[3] == township and (row[4] or "") == village and row[5] == code:
            wb.close()
            return f"{column}{r}"
    raise AssertionError(code)


def table_cell(code: str, village_index: int) -> tuple[str, str]:
    """(sheet, cell) of an indicator for the village_index-th village (0-based) in the visible table."""
    for layout in table_layout(cat.STRUCTURE):
        if any(i.code == code for i in layout.indicators):
            return layout.title, cell_name(3 + village_index, layout.column_of(code))
    raise AssertionError(code)


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return write_township(tmp_path / "清河镇.xlsx", T1, villages=4, seed=1)


def refused_reason(path: Path) -> str:
    with pytest.raises(WorkbookError) as info:
        read_sealed(path)
    return info.value.message


# ---------------------------------------------------------------------------------------------------------------
# tamper tests
# ---------------------------------------------------------------------------------------------------------------
def test_a_data_cell_edited_is_refused_with_the_cell_named(good: Path, tmp_path: Path) -> None:
    cell = data_cell(good, T1, "002", "S13.cross", "G")
    bad = edit(good, tmp_path / "edited.xlsx", DATA_SHEET, cell, 9)
    message = refused_reason(bad)
    assert "edited.xlsx" in message
    assert f"_data!I{cell[1:]}" in message  # the value no longer equals numerator ÷ denominator
    assert "数据指纹" in message  # and the fingerprint no longer matches
    result = merge_files([bad])
    assert result.outcomes[0].status == REFUSED and not result.rows


def test_a_data_row_edited_consistently_is_refused_naming_its_block(good: Path, tmp_path: Path) -> None:
    """Numerator, value and the visible cell all changed together: only the fingerprint can tell, and the
    manifest's per-block hash names the rows of that village."""
    g = data_cell(good, T1, "003", "S90.coop", "G")
    step = edit(good, tmp_path / "s1.xlsx", DATA_SHEET, g, 42)
    step = edit(step, tmp_path / "s2.xlsx", DATA_SHEET, "I" + g[1:], "42")
    sheet, cell = table_cell("S90.coop", 2)
    bad = edit(step, tmp_path / "s3.xlsx", sheet, cell, 42)
    message = refused_reason(bad)
    assert "数据指纹与 _manifest 记录的不一致" in message
    assert re.search(r"_data!A\d+:I\d+（乡镇 330999101 村 003）", message), message


def test_manifest_edited_is_refused(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    ws = wb[MANIFEST_SHEET]
    for row in ws.iter_rows():
        if row[0].value == "data_sha256":
            row[1].value = "0" * 64
    wb.save(tmp_path / "manifest.xlsx")
    message = refused_reason(tmp_path / "manifest.xlsx")
    assert "manifest.xlsx" in message and "_manifest" in message


def test_cover_fingerprint_edited_is_refused(good: Path, tmp_path: Path) -> None:
    bad = edit(good, tmp_path / "cover.xlsx", "封面", "B14", "f" * 64)
    message = refused_reason(bad)
    assert "封面!B14" in message and "数据指纹" in message


def test_a_visible_table_cell_edited_is_refused_with_sheet_and_cell(good: Path, tmp_path: Path) -> None:
    sheet, cell = table_cell("S11.members", 3)
    bad = edit(good, tmp_path / "table.xlsx", sheet, cell, 99)
    message = refused_reason(bad)
    assert f"{sheet}!{cell}" in message and "T2 两委成员结构" in message
    assert "表格单元格被改过" in message


def test_a_newer_template_version_is_refused(good: Path, tmp_path: Path) -> None:
    bad = edit(good, tmp_path / "newer.xlsx", "封面", "B3", "2027.1")
    assert "模板版本 2027.1 比本程序支持的 2026.1 新" in refused_reason(bad)
    older = edit(good, tmp_path / "older.xlsx", "封面", "B3", "2025.1")
    assert "模板版本 2025.1 是旧版本" in refused_reason(older)


def test_not_a_workbook_is_refused(tmp_path: Path, good: Path) -> None:
    fake = tmp_path / "统计表.xlsx"
    fake.write_text("乡镇,村,人数\n清河镇,一村,5\n", encoding="utf-8")
    assert "统计表.xlsx" in refused_reason(fake)
    result = merge_files([fake, good])
    assert [o.status for o in result.outcomes] == [REFUSED, ACCEPTED]
    assert "纯文本" in result.outcomes[0].reason


def test_a_missing_sheet_is_refused(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    del wb["_manifest"]
    wb.save(tmp_path / "nosheet.xlsx")
    assert "缺少工作表「_manifest」" in refused_reason(tmp_path / "nosheet.xlsx")
    wb = openpyxl.load_workbook(good)
    del wb["T3 村民代表"]
    wb.save(tmp_path / "notable.xlsx")
    assert "缺少工作表「T3 村民代表」" in refused_reason(tmp_path / "notable.xlsx")


def _contradict(values: list[Value], village: str, **changes: int) -> list[Value]:
    out = []
    for v in values:
        if v.village_code == village and v.indicator in changes:
            v = dataclasses.replace(v, numerator=changes[v.indicator])
        out.append(v)
    return out


@pytest.mark.parametrize(("changes", "words"), [
    ({"S13.cross": 9}, "交叉任职人数 9 大于党组织成员"),
    ({"S20.vc_women": 9}, "村委会女性成员 9 大于村委会成员"),
    ({"S30.age_le35": 40}, "各年龄段人数之和"),
])
def test_contradictory_numbers_are_refused_naming_file_sheet_cell(tmp_path: Path, good: Path,
                                                                  changes: dict[str, int], words: str) -> None:
    """Sealed properly (the fingerprint matches) but the numbers contradict each other (tracking.md §B4)."""
    values = [v for v in township_values(4, seed=1) if v.village_code != cat.TOTAL]
    bad = write_township(tmp_path / "矛盾.xlsx", T2, values=_contradict(values, "002", **changes))
    message = refused_reason(bad)
    code = next(iter(changes))
    cell = data_cell(bad, T2, "002", code, "G")
    assert "矛盾.xlsx" in message and words in message
    assert f"_data!{cell}" in message
    result = merge_files([good, bad])
    assert [o.status for o in result.outcomes] == [ACCEPTED, REFUSED]
    assert {r.township_code for r in result.rows} == {T1, result.unit_code}  # nothing of the refused file


def test_a_wrong_total_row_is_refused(good: Path, tmp_path: Path) -> None:
    """The 合计 row must be recomputed from the villages' counts (edited consistently in value and table)."""
    g = data_cell(good, T1, "", "S70.reps", "G")
    sealed = read_sealed(good)
    total = next(r for r in sealed.rows if r.key == (T1, "", "S70.reps"))
    step = edit(good, tmp_path / "t1.xlsx", DATA_SHEET, g, total.numerator + 1)
    step = edit(step, tmp_path / "t2.xlsx", DATA_SHEET, "I" + g[1:], str(total.numerator + 1))
    message = refused_reason(step)
    assert f"_data!{g}" in message and "合计" in message and "重新汇总" in message


# ---------------------------------------------------------------------------------------------------------------
# the merge
# ---------------------------------------------------------------------------------------------------------------
def test_same_township_twice(tmp_path: Path) -> None:
    a = write_township(tmp_path / "a.xlsx", T1, seed=1, serial=1)
    again = write_township(tmp_path / "a-copy.xlsx", T1, seed=1, serial=1)
    other = write_township(tmp_path / "a-other.xlsx", T1, seed=5, serial=1)
    b = write_township(tmp_path / "b.xlsx", T2, seed=2)
    result = merge_files([a, again, other, b])
    assert [o.status for o in result.outcomes] == [ACCEPTED, REFUSED, REFUSED, ACCEPTED]
    assert "报送序号 1 已由文件「a.xlsx」报送，重复报送，内容也相同" in result.outcomes[1].reason
    assert "内容不同" in result.outcomes[2].reason


@pytest.mark.parametrize("newer_first", [False, True])
def test_a_higher_serial_supersedes_with_a_warning(tmp_path: Path, newer_first: bool) -> None:
    old = write_township(tmp_path / "old.xlsx", T1, seed=1, serial=1)
    new = write_township(tmp_path / "new.xlsx", T1, seed=7, serial=2, correction="三村妇女人数录错")
    b = write_township(tmp_path / "b.xlsx", T2, seed=2)
    result = merge_files([new, old, b] if newer_first else [old, new, b])
    status = {o.path.name: o for o in result.outcomes}
    assert status["new.xlsx"].status == ACCEPTED
    assert status["old.xlsx"].status == SUPERSEDED
    assert "报送序号 1 已被文件「new.xlsx」的报送序号 2 更正取代" in status["old.xlsx"].reason
    new_rows = {r.key: r for r in read_sealed(new).rows}
    merged = {r.key: r for r in result.rows if r.township_code == T1}
    assert merged == new_rows


def test_another_period_or_report_is_refused(tmp_path: Path) -> None:
    """The 统计时点 most files carry is merged, even when the odd file comes first."""
    a = write_township(tmp_path / "a.xlsx", T1, seed=1)
    b = write_township(tmp_path / "b.xlsx", T2, seed=2, period="2021-11-18")
    c = write_township(tmp_path / "c.xlsx", T3, seed=3)
    result = merge_files([b, a, c])
    assert [o.status for o in result.outcomes] == [REFUSED, ACCEPTED, ACCEPTED]
    result.outcomes[1] = result.outcomes[0]
    assert "统计时点「2021-11-18」与其他文件的「2026-11-18」不同" in result.outcomes[1].reason


def test_county_total_recomputed_from_counts_and_the_output_verifies(tmp_path: Path) -> None:
    paths = [write_township(tmp_path / f"{code}.xlsx", code, villages=3 + i, seed=i)
             for i, code in enumerate((T1, T2, T3))]
    result = merge_files(paths)
    assert result.unit_code == "330999" and len(result.accepted) == 3
    out = write_county(result, tmp_path / "county.xlsx", filled_by="王五", reviewed_by="赵六")
    county = read_sealed(out)  # the same checks a city runs
    assert county.cover.unit_code == "330999" and county.cover.merged
    villages = [v for i in range(3) for v in township_values(3 + i, seed=i) if v.village_code != cat.TOTAL]
    expected = {v.indicator: v for v in cat.totals(villages)}
    top = {r.indicator: r for r in county.top_totals()}
    for code in ("S12.members", "S13.cross_rate", "S30.avg_age", "S14.one_shoulder", "S60.avg_age_change"):
        assert (top[code].numerator, top[code].denominator) == (expected[code].numerator, expected[code].denominator)
    assert top["S01.villages"].numerator == 3 + 4 + 5
    assert county.sha256 == data_sha256(result.rows)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "拒收清单" in wb.sheetnames and "报送情况" in wb.sheetnames


def test_a_city_merges_county_files_the_same_way(tmp_path: Path) -> None:
    c1 = [write_township(tmp_path / f"a{i}.xlsx", f"33099910{i}", villages=2, seed=i) for i in (1, 2)]
    c2 = [write_township(tmp_path / f"b{i}.xlsx", f"33099820{i}", villages=3, seed=10 + i) for i in (1, 2)]
    county1 = write_county(merge_files(c1, unit_name="安平县"), tmp_path / "county1.xlsx")
    county2 = write_county(merge_files(c2, unit_name="临溪县"), tmp_path / "county2.xlsx")
    city = merge_files([county1, county2], unit_name="某市")
    assert [o.status for o in city.outcomes] == [ACCEPTED, ACCEPTED]
    assert city.unit_code == "3309"
    out = write_county(city, tmp_path / "city.xlsx")
    sealed = read_sealed(out)
    top = {r.indicator: r for r in sealed.top_totals()}
    assert top["S01.villages"].numerator == 2 + 2 + 3 + 3
    # a county total inside the city file is checked against its townships (codes are hierarchical)
    county_total = next(r for r in sealed.rows if (r.township_code, r.village_code, r.indicator)
                        == ("330999", "", "S70.reps"))
    g = data_cell(out, "330999", "", "S70.reps", "G")
    step = edit(out, tmp_path / "city-1.xlsx", DATA_SHEET, g, county_total.numerator + 1)
    step = edit(step, tmp_path / "city-2.xlsx", DATA_SHEET, "I" + g[1:], str(county_total.numerator + 1))
    assert f"_data!{g}：330999 合计" in refused_reason(step)
    # the same township inside a county file and on its own: the later one is refused
    again = merge_files([county1, c1[0]], unit_code="3309")
    assert again.outcomes[1].status == REFUSED and "已包含在文件「county1.xlsx」中" in again.outcomes[1].reason


def test_common_code() -> None:
    assert common_code(["330999101", "330999102"]) == "330999"
    assert common_code(["330999", "330998"]) == "3309"
    assert common_code(["330999101"]) == "330999"
    assert common_code(["110000001", "330999102"]) == ""


def test_cli_county_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_township(tmp_path / "a.xlsx", T1, seed=1)
    b = write_township(tmp_path / "b.xlsx", T2, seed=2)
    bad = edit(b, tmp_path / "bad.xlsx", "封面", "B3", "2027.1")
    out = tmp_path / "county.xlsx"
    assert cli.main(["county-merge", str(a), str(bad), "--out", str(out), "--name", "安平县"]) == 0
    text = capsys.readouterr().out
    assert "已汇总" in text and "a.xlsx" in text and "拒收" in text and "比本程序支持的 2026.1 新" in text
    assert read_sealed(out).cover.unit_name == "安平县"
    nothing = tmp_path / "none.xlsx"
    assert cli.main(["county-merge", str(bad), "--out", str(nothing)]) == 2
    assert not nothing.exists()
    capsys.readouterr()
    csv_out = tmp_path / "county.csv"
    assert cli.main(["county-merge", str(a), "--out", str(tmp_path / "c2.xlsx"), "--csv", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith(b"report_code,template_version,period,township_code,village_code,")


def test_seal_error_lists_problems(good: Path, tmp_path: Path) -> None:
    sheet, cell = table_cell("S11.members", 0)
    bad = edit(good, tmp_path / "x.xlsx", sheet, cell, 99)
    with pytest.raises(SealError) as info:
        read_sealed(bad)
    assert info.value.problems and all(isinstance(p, str) for p in info.value.problems)


def test_a_merge_is_audited_when_a_database_is_open(db, readonly, tmp_path: Path) -> None:
    from sqlalchemy import select

    from villagevote.models import AuditLog
    from villagevote.statistics.merge import record_merge

    a = write_township(tmp_path / "a.xlsx", T1, seed=1)
    bad = edit(a, tmp_path / "bad.xlsx", "封面", "B3", "2027.1")
    result = merge_files([a, bad])
    with db.session() as s:
        record_merge(s, readonly, result, tmp_path / "county.xlsx")
    with db.read_session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "county_merge")).one()
    assert row.username == "viewer" and row.after is not None
    assert [f["status"] for f in row.after["files"]] == [ACCEPTED, REFUSED]
    assert row.after["sha256"] == data_sha256(result.rows)
