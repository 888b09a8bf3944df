"""The guarded workbook reader (villagevote.workbooks): what it refuses before calamine reads, and what it changes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from workbook_corpus import sheet_xml, xlsx_bytes  # noqa: E402

from villagevote import workbooks  # noqa: E402
from villagevote.errors import ValidationError  # noqa: E402


def _write(tmp_path: Path, name: str, xml: str) -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([("名单", xml)]))
    return path


def test_far_cell_is_refused_before_calamine_reads_the_sheet(tmp_path, monkeypatch):
    import python_calamine

    def never(*args, **kwargs):  # materialising this sheet would allocate 512 GiB and abort the process
        raise AssertionError("calamine was asked to read the sheet")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", never, raising=False)
    path = _write(tmp_path, "far.xlsx", sheet_xml([["姓名"]], raw_cells={(1048575, 16383): '<c r="{ref}"><v>1</v></c>'}))
    with pytest.raises(workbooks.WorkbookError, match="工作表「名单」的单元格 XFD1048576 超出可导入范围"):
        workbooks.read_sheet(path)


def test_limits_are_inclusive(tmp_path):
    ok = _write(tmp_path, "ok.xlsx", sheet_xml([["a"]], raw_cells={(workbooks.MAX_ROWS - 1, 0): '<c r="{ref}"><v>1</v></c>'}))
    assert len(workbooks.read_sheet(ok).rows) == workbooks.MAX_ROWS
    wide = _write(tmp_path, "wide.xlsx", sheet_xml([["a"]], raw_cells={(0, workbooks.MAX_COLUMNS): '<c r="{ref}"><v>1</v></c>'}))
    with pytest.raises(workbooks.WorkbookError, match="GS1"):
        workbooks.read_sheet(wide)


def test_merged_range_fills_the_first_column_of_every_row(tmp_path):
    rows = [["户号", "姓名", "村民小组"], ["001", "张三", "第一组"], ["", "李四", ""], ["", "王五", ""],
            ["制表：李会计"]]
    path = _write(tmp_path, "merged.xlsx", sheet_xml(rows, merges=["A2:A4", "C2:C4", "A5:C5"]))
    sheet = workbooks.read_sheet(path)
    assert [r[0] for r in sheet.rows[1:4]] == ["001"] * 3
    assert [r[2] for r in sheet.rows[1:4]] == ["第一组"] * 3
    assert sheet.rows[4] == ["制表：李会计", "", ""]  # a merged footer stays one cell


def test_invisible_characters_are_removed_and_recorded(tmp_path):
    rows = [["姓名", "备注"], ["张\u200b三", "见\u202e附件"], ["李四", "正常"]]
    sheet = workbooks.read_sheet(_write(tmp_path, "zw.xlsx", sheet_xml(rows)))
    assert sheet.rows[1] == ["张三", "见附件"]
    assert sheet.cleaned_cells([0], 1) == [(2, 0, "零宽字符 U+200B")]
    assert sheet.cleaned_cells([1], 1) == [(2, 1, "文字方向控制符 U+202E")]


def test_formula_without_value_names_the_cell(tmp_path):
    path = _write(tmp_path, "f.xlsx", sheet_xml([["姓名"], ["x"]], raw_cells={(1, 1): '<c r="{ref}"><f>A2</f></c>'}))
    with pytest.raises(workbooks.WorkbookError, match="单元格 B2 是公式"):
        workbooks.read_sheet(path)
    ok = _write(tmp_path, "g.xlsx", sheet_xml([["姓名"]], raw_cells={(1, 0): '<c r="{ref}"><f>1+1</f><v>2</v></c>'}))
    assert workbooks.read_sheet(ok).rows[1] == [2.0]


def test_panic_from_calamine_becomes_a_message(tmp_path, monkeypatch):
    import python_calamine

    class PanicException(BaseException):  # what pyo3 raises: not an Exception
        pass

    def panic(self, name):
        raise PanicException("index out of bounds: the len is 3 but the index is 7")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", panic, raising=False)
    path = _write(tmp_path, "p.xlsx", sheet_xml([["姓名"]]))
    with pytest.raises(ValidationError, match="文件「p.xlsx」已损坏或不完整（工作表「名单」读取失败）") as info:
        workbooks.read_sheet(path)
    assert "技术信息：PanicException" in str(info.value)


def test_xlsb_and_other_zips_are_named(tmp_path):
    path = tmp_path / "a.xlsb"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(workbooks.WorkbookError, match="另存为"):
        workbooks.read_sheet(path)


def test_chunk_boundaries_neither_hide_nor_invent_unusual_cells(tmp_path, monkeypatch):
    """The scan reads the sheet XML in chunks: a tag cut at a chunk's end must not send an ordinary sheet to the
    slow exact parse, and a far reference cut in two must still be found."""
    rows = [["姓名", "身份证号"]] + [[f"张{i}", f"33052319700101{i:04d}"] for i in range(300)]
    plain = _write(tmp_path, "plain.xlsx", sheet_xml(rows))
    far = _write(tmp_path, "far.xlsx", sheet_xml(rows, raw_cells={(5, 16383): '<c r="{ref}"><v>1</v></c>'}))
    exact = workbooks._exact_xlsx_sheet
    for size in (7, 13, 37, 64, 1000):
        monkeypatch.setattr(workbooks, "_CHUNK", size)
        monkeypatch.setattr(workbooks, "_exact_xlsx_sheet", lambda *a, size=size: pytest.fail(f"exact parse at chunk {size}"))
        assert len(workbooks.read_sheet(plain).rows) == 301
        monkeypatch.setattr(workbooks, "_exact_xlsx_sheet", exact)
        with pytest.raises(workbooks.WorkbookError, match="XFD6"):
            workbooks.read_sheet(far)
