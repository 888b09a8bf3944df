"""Reading voter lists from .xlsx / .xls / .ods: headers, mapping, per-row validation, broken files."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from villagevote.errors import ValidationError
from villagevote.models.enums import VoterCategory
from villagevote.voters.workbook import (
    parse_category,
    parse_date_value,
    read_sheet,
    read_voter_workbook,
)

DATA = Path(__file__).parent / "data" / "voters"
TODAY = dt.date(2026, 11, 1)

# Valid GB 11643 numbers (check digits verified by hand against the MOD 11-2 table).
ID_ZHANG = "330523197005010110"  # 1970-05-01, male
ID_LI = "330523198512310227"  # 1985-12-31, female
ID_WANG = "33052319900305037X"  # 1990-03-05, male
ID_QIAN = "330523200807040412"  # 2008-07-04, male
ID_SUN = "330523196010100503"  # 1960-10-10, female


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx", title: str = "选民",
          merges: tuple[str, ...] = (), extra_sheets: dict[str, list[list[object]]] | None = None,
          first_sheet: dict[str, list[list[object]]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if first_sheet:
        (sheet_title, sheet_rows), = first_sheet.items()
        ws.title = sheet_title
        for row in sheet_rows:
            ws.append(row)
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    for sheet_title, sheet_rows in (extra_sheets or {}).items():
        extra = wb.create_sheet(sheet_title)
        for row in sheet_rows:
            extra.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Real .xls and .ods files (generated once by tests/data/voters/make_fixtures.py and committed)
# ---------------------------------------------------------------------------------------------------------------
def test_real_xls_is_read_with_title_row_footer_and_padded_names():
    parsed = read_voter_workbook(DATA / "voters.xls", today=TODAY)
    # The first sheet is the instructions; the list is found on the second.
    assert parsed.sheet_name == "选民名单"
    assert parsed.ok, parsed.error_summary()
    assert parsed.header_row == 2
    assert [r.name for r in parsed.rows] == ["张三", "李梅", "王五", "赵六", "钱七"]
    assert [r.row for r in parsed.rows] == [3, 4, 5, 6, 7]
    zhang, li, wang, zhao, qian = parsed.rows
    assert zhang.id_number == ID_ZHANG and zhang.birth_date == dt.date(1970, 5, 1) and zhang.gender == "男"
    assert li.birth_date == dt.date(1985, 12, 31) and li.gender == "女"  # a real date cell
    assert wang.id_number == ID_WANG  # lower-case x normalised
    assert wang.category == VoterCategory.REGISTERED_AWAY and wang.note == "在杭州务工"
    assert zhao.id_number is None and zhao.birth_date == dt.date(2001, 3, 5) and zhao.gender == "女"
    assert zhao.category == VoterCategory.NONREGISTERED_RESIDENT
    assert qian.gender == "男"  # empty gender cell: taken from the ID
    assert qian.birth_date == dt.date(2008, 7, 4)  # the number 20080704 read as a date, consistent with the ID
    assert [r.group for r in parsed.rows] == ["第一组", "第一组", "第二组", "第二组", "第三组"]
    assert li.category == VoterCategory.RESIDENT  # empty category: the default group
    assert len(parsed.skipped) == 1 and parsed.skipped[0][0] == 8 and "制表人" in parsed.skipped[0][1]


def test_real_xls_problem_sheet_reports_every_bad_row_and_keeps_none_of_them():
    parsed = read_voter_workbook(DATA / "voters.xls", sheet="问题名单", today=TODAY)
    assert not parsed.ok
    by_row = {}
    for error in parsed.errors:
        by_row.setdefault(error.row, []).append(error)
    assert sorted(by_row) == [2, 3, 4, 5, 6]
    mangled = by_row[2][0]
    assert mangled.column == "身份证号" and "数字" in mangled.reason and "丢失" in mangled.reason
    assert "330523196010100" in mangled.value  # the digits as Excel kept them are shown
    assert by_row[3][0].column == "性别" and "不符" in by_row[3][0].reason
    assert by_row[4][0].column == "出生日期" and "两位" in by_row[4][0].reason
    assert "第 3 行重复" in by_row[5][0].reason
    assert by_row[6][0].column == "姓名" and "姓名为空" in by_row[6][0].reason
    assert any("Excel" in h and "1 行" in h for h in parsed.hints)
    # Rows with an error are not among the importable rows.
    assert {r.row for r in parsed.rows}.isdisjoint(by_row)
    assert "第 2 行「身份证号」列" in str(mangled)


def test_real_ods_is_read():
    parsed = read_voter_workbook(DATA / "voters.ods", today=TODAY)
    assert parsed.ok, parsed.error_summary()
    assert parsed.header_row == 3
    assert [(r.row, r.name, r.id_number) for r in parsed.rows] == [
        (4, "张三", ID_ZHANG), (5, "李梅", ID_LI), (6, "王五", ID_WANG)]


def test_xls_with_xlsx_content_is_still_read(tmp_path):
    path = _xlsx(tmp_path, [["姓名", "身份证号"], ["张三", ID_ZHANG]])
    renamed = tmp_path / "renamed.xls"
    shutil.copy(path, renamed)
    parsed = read_voter_workbook(renamed, today=TODAY)
    assert [r.id_number for r in parsed.rows] == [ID_ZHANG]


# ---------------------------------------------------------------------------------------------------------------
# Headers, sheets and mapping
# ---------------------------------------------------------------------------------------------------------------
def test_two_level_merged_header_is_understood(tmp_path):
    rows = [
        ["某村选民名单", None, None, None, None],
        [None],
        ["序号", "姓名", "身份信息", None, "所在小组"],
        [None, None, "身份证号码（18位）", "性别", None],
        [1, "张三", ID_ZHANG, "男", "一组"],
        [2, "李梅", ID_LI, "女", "二组"],
    ]
    path = _xlsx(tmp_path, rows, merges=("A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"))
    parsed = read_voter_workbook(path, today=TODAY)
    assert parsed.ok, parsed.error_summary()
    assert parsed.header_row == 4
    assert parsed.columns["name"][0] == 1 and parsed.columns["id_number"][0] == 2
    assert parsed.columns["gender"][0] == 3 and parsed.columns["group"][0] == 4
    assert [(r.row, r.name, r.group) for r in parsed.rows] == [(5, "张三", "一组"), (6, "李梅", "二组")]


def test_header_synonyms(tmp_path):
    rows = [["名字", "公民身份号码", "性别", "组别", "类别", "备注"],
            ["张三", ID_ZHANG, "男", 3, "2", "外出务工"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    assert parsed.ok, parsed.error_summary()
    row = parsed.rows[0]
    assert row.group == "3"  # a number read as 3.0 is shown as "3"
    assert row.category == VoterCategory.REGISTERED_AWAY
    assert row.note == "外出务工"


def test_wrong_sheet_name_lists_the_sheets(tmp_path):
    path = _xlsx(tmp_path, [["姓名", "身份证号"], ["张三", ID_ZHANG]], title="名单",
                 extra_sheets={"统计": [["合计", 1]]})
    with pytest.raises(ValidationError) as err:
        read_voter_workbook(path, sheet="选民名单")
    assert "「选民名单」" in err.value.message and "「名单」" in err.value.message and "「统计」" in err.value.message


def test_sheet_without_header_says_which_sheets_exist(tmp_path):
    path = _xlsx(tmp_path, [["说明"], ["本表为统计数据"]], title="统计", extra_sheets={"名单": [["姓名", "身份证号"]]})
    with pytest.raises(ValidationError) as err:
        read_voter_workbook(path, sheet="统计")
    message = err.value.message
    assert "找不到表头" in message and "「统计」" in message and "「名单」" in message


def test_list_on_second_sheet_is_found(tmp_path):
    path = _xlsx(tmp_path, [["姓名", "身份证号"], ["张三", ID_ZHANG]], title="名单",
                 first_sheet={"封面": [["青山村选民登记"], ["2026年"]]})
    parsed = read_voter_workbook(path, today=TODAY)
    assert parsed.sheet_name == "名单" and [r.name for r in parsed.rows] == ["张三"]


def test_explicit_mapping_overrides_unknown_headers(tmp_path):
    rows = [["人", "号", "小队"], ["张三", ID_ZHANG, "一队"], ["李梅", ID_LI, "二队"]]
    path = _xlsx(tmp_path, rows)
    with pytest.raises(ValidationError):
        read_voter_workbook(path, today=TODAY)  # nothing recognisable without a mapping
    parsed = read_voter_workbook(path, mapping={"name": "人", "id_number": "B", "group": 2}, today=TODAY)
    assert parsed.ok, parsed.error_summary()
    assert parsed.mapping() == {"name": "人", "id_number": "号", "group": "小队"}
    assert [(r.name, r.id_number, r.group) for r in parsed.rows] == [("张三", ID_ZHANG, "一队"), ("李梅", ID_LI, "二队")]


def test_mapping_to_a_missing_column_names_the_headers(tmp_path):
    path = _xlsx(tmp_path, [["姓名", "身份证号"], ["张三", ID_ZHANG]])
    with pytest.raises(ValidationError) as err:
        read_voter_workbook(path, mapping={"group": "村民小组"})
    assert "村民小组" in err.value.message and "「姓名」" in err.value.message


def test_mapping_can_drop_a_misdetected_column(tmp_path):
    rows = [["姓名", "身份证号", "出生日期"], ["张三", ID_ZHANG, "见身份证"]]
    path = _xlsx(tmp_path, rows)
    assert not read_voter_workbook(path, today=TODAY).ok
    parsed = read_voter_workbook(path, mapping={"birth_date": ""}, today=TODAY)
    assert parsed.ok and parsed.rows[0].birth_date == dt.date(1970, 5, 1)


# ---------------------------------------------------------------------------------------------------------------
# Per-row validation
# ---------------------------------------------------------------------------------------------------------------
def test_id_numbers_stored_as_numbers_are_refused_with_the_row(tmp_path):
    rows = [["姓名", "身份证号"], ["张三", ID_ZHANG], ["孙八", int(ID_SUN)], ["李梅", "3.30523198512310E+17"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    assert [r.name for r in parsed.rows] == ["张三"]
    assert [e.row for e in parsed.errors] == [3, 4]
    # An 18-digit integer written to .xlsx comes back as a double: the last digits are gone.
    assert "丢失" in parsed.errors[0].reason and "科学计数法" in parsed.errors[1].reason
    assert parsed.errors[1].value == "3.30523198512310E+17"


def test_bad_check_digit_and_short_number(tmp_path):
    rows = [["姓名", "身份证号"], ["张三", ID_ZHANG[:-1] + "9"], ["李梅", ID_LI[:15]], ["王五", ID_WANG[:-2]]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    reasons = {e.row: e.reason for e in parsed.errors}
    assert "校验码" in reasons[2] and "应为 0" in reasons[2]
    assert "15位" in reasons[3]
    assert "18位" in reasons[4] and "16 位" in reasons[4]
    assert parsed.rows == []


def test_gender_and_birth_date_must_agree_with_the_id(tmp_path):
    rows = [["姓名", "身份证号", "性别", "出生日期"],
            ["张三", ID_ZHANG, "女", "1970-05-01"],
            ["李梅", ID_LI, "女", "1985-12-30"],
            ["王五", ID_WANG, "男", dt.date(1990, 3, 5)],
            ["钱七", ID_QIAN, "不详", ""]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    errors = {e.row: e for e in parsed.errors}
    assert errors[2].column == "性别" and "男" in errors[2].reason
    assert errors[3].column == "出生日期" and "1985-12-31" in errors[3].reason
    assert errors[5].column == "性别" and "不详" in errors[5].value
    assert [r.name for r in parsed.rows] == ["王五"]


def test_duplicate_ids_within_the_file(tmp_path):
    rows = [["姓名", "身份证号"], ["张三", ID_ZHANG], ["李梅", ID_LI], ["张三", ID_ZHANG.lower()], ["张三", ID_ZHANG]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    assert [(e.row, e.reason) for e in parsed.errors] == [(4, "身份证号码与第 2 行重复"), (5, "身份证号码与第 2 行重复")]


def test_dates_as_text_in_many_formats_without_id(tmp_path):
    cells = ["2001-3-5", "2001/03/05", "2001.3.5", "20010305", "2001年3月5日", "2001 年 3 月 5 日", 20010305,
             36955, dt.datetime(2001, 3, 5, 0, 0), "二〇〇一年三月五日", "2001-03-05 00:00:00", "２００１－０３－０５"]
    rows = [["姓名", "出生日期"]] + [[f"人{i}", c] for i, c in enumerate(cells)]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    assert parsed.ok, parsed.error_summary()
    assert {r.birth_date for r in parsed.rows} == {dt.date(2001, 3, 5)}
    assert len(parsed.rows) == len(cells)


@pytest.mark.parametrize("text, words", [
    ("2001年3月", "缺少日"),
    ("01-3-5", "两位"),
    ("5/3/2001", "年-月-日"),
    ("2001-2-30", "不存在"),
    ("三月五日", "无法识别"),
    ("", "为空"),
])
def test_unreadable_dates_are_explained(text, words):
    with pytest.raises(ValueError) as err:
        parse_date_value(text)
    assert words in str(err.value)


def test_excel_serial_dates_including_the_1900_quirk():
    # Excel's serial 36955 is 2001-03-05 and 61 is 1900-03-01 (60 is the fictitious 1900-02-29).
    assert parse_date_value(36955) == dt.date(2001, 3, 5)
    assert parse_date_value(36955.75) == dt.date(2001, 3, 5)
    assert parse_date_value(61) == dt.date(1900, 3, 1)
    assert parse_date_value(59) == dt.date(1900, 2, 28)
    with pytest.raises(ValueError):
        parse_date_value(60)


def test_future_birth_date_and_missing_id_and_date(tmp_path):
    rows = [["姓名", "身份证号", "出生日期"], ["甲", "", "2030-01-01"], ["乙", "", ""], ["", "", ""], ["丙", "", "1999-9-9"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    errors = {e.row: e.reason for e in parsed.errors}
    assert "晚于今天" in errors[2]
    assert "都为空" in errors[3]
    assert 4 not in errors  # a blank row is skipped, not an error
    assert [(r.row, r.name) for r in parsed.rows] == [(5, "丙")]


def test_category_texts():
    assert parse_category("户籍在本村并居住") == VoterCategory.RESIDENT
    assert parse_category("户籍在本村，不在本村居住") == VoterCategory.REGISTERED_AWAY
    assert parse_category("户籍不在本村，在本村居住一年以上") == VoterCategory.NONREGISTERED_RESIDENT
    assert parse_category(3.0) == VoterCategory.NONREGISTERED_RESIDENT
    assert parse_category("") == VoterCategory.RESIDENT
    with pytest.raises(ValueError) as err:
        parse_category("党员")
    assert "党员" in str(err.value)


def test_deprived_column(tmp_path):
    rows = [["姓名", "身份证号", "是否剥夺政治权利"], ["张三", ID_ZHANG, "是"], ["李梅", ID_LI, "否"], ["王五", ID_WANG, "待查"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    assert [(r.name, r.deprived) for r in parsed.rows] == [("张三", True), ("李梅", False)]
    assert parsed.errors[0].row == 4 and "是" in parsed.errors[0].reason


# ---------------------------------------------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------------------------------------------
def test_truncated_workbook_gives_a_message(tmp_path):
    path = _xlsx(tmp_path, [["姓名", "身份证号"]] + [[f"人{i}", ID_ZHANG] for i in range(200)])
    data = path.read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValidationError) as err:
        read_voter_workbook(broken)
    assert "不完整" in err.value.message and "broken.xlsx" in err.value.message


def test_empty_html_csv_and_missing_files(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    html = tmp_path / "export.xls"
    html.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    csv = tmp_path / "list.xls"
    csv.write_text("姓名,身份证号\n张三,330523197005010110\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="0 字节"):
        read_voter_workbook(empty)
    with pytest.raises(ValidationError, match="HTML"):
        read_voter_workbook(html)
    with pytest.raises(ValidationError, match="纯文本"):
        read_voter_workbook(csv)
    with pytest.raises(ValidationError, match="找不到文件"):
        read_voter_workbook(tmp_path / "nope.xlsx")
    docx = tmp_path / "list.docx"
    docx.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValidationError, match="不支持"):
        read_voter_workbook(docx)


def test_garbage_with_a_zip_signature(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    with pytest.raises(ValidationError) as err:
        read_voter_workbook(bad)
    assert "bad.xlsx" in err.value.message


def test_read_sheet_rows_keep_excel_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "姓名"
    ws["D5"] = "身份证号"
    ws["C6"] = "张三"
    ws["D6"] = ID_ZHANG
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    raw = read_sheet(path)
    assert raw.rows[4][2] == "姓名"
    parsed = read_voter_workbook(path, today=TODAY)
    assert parsed.header_row == 5 and parsed.rows[0].row == 6


def _messy_sheet(seed: int, n: int, spread: int = 1) -> list[list[object]]:
    """A sheet mixing clean rows with every kind of trouble the detailed checker knows about."""
    import random

    from villagevote.idcard import check_character

    rng = random.Random(seed)
    header = ["姓名", "身份证号", "性别", "出生日期", "村民小组", "类别", "剥夺政治权利", "所在村"]
    rows: list[list[object]] = [["某镇选民登记表"], header]
    made: list[list[object]] = []
    for i in range(n):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(36500))
        first = f"{rng.choice(['330523', '110101', '440305'])}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        idn = first + check_character(first)
        gender = "男" if int(first[16]) % 2 else "女"
        row: list[object] = [rng.choice(["张三", "李梅", "欧阳修", "长孙无忌", "王五"]) + str(i % 7), idn, gender,
                             birth.isoformat(), rng.choice(["第1组", "第2组", " 三组 ", 3.0, ""]),
                             rng.choice(["户籍在本村并居住", "1", 2.0, "", "外出务工"]), "", rng.choice(["东村", " 西村"])]
        trouble = rng.randrange(40 * spread)  # 14 kinds of trouble; spread > 1 leaves whole blocks clean
        if trouble == 0:
            row[1] = idn[:-1] + ("0" if idn[-1] != "0" else "1")  # check digit
        elif trouble == 1:
            row[1] = idn.lower() if idn.endswith("X") else idn[:6] + idn[8:17]  # lowercase x / 15-digit number
        elif trouble == 2:
            row[1] = float(idn[:-1] + "0") if not idn.endswith("X") else 3.30523198512310E+17  # Excel number
        elif trouble == 3 and made:
            row[1:4] = rng.choice(made)  # number, gender and birth date of an earlier row: a duplicate
        elif trouble == 4:
            row[0] = rng.choice(["", "  ", "张  三", "张\u3000三", "Li  Mei", "名" * 70, 12.0])
        elif trouble == 5:
            row[3] = rng.choice([birth, dt.datetime(birth.year, birth.month, birth.day), f"{birth:%Y/%m/%d}",
                                 f"{birth:%Y%m%d}", "1999-9-9", "见身份证", "", None])
        elif trouble == 6:
            row[2] = rng.choice(["女" if gender == "男" else "男", "男性", "M", "不详", ""])
        elif trouble == 7:
            row[5] = rng.choice(["不知道", 7.0, "第三类", True, 1.0, 3])
        elif trouble == 8:
            row[6] = rng.choice(["是", "否", "待查", 1.0])
        elif trouble == 9:
            row[:2] = ["", ""]  # no name, no number: blank or a note row
            row[2:] = rng.choice([[""] * 6, ["制表人：王", "", "", "", "", ""]])
        elif trouble == 10:
            row[1] = ""  # no ID: birth date column decides
        elif trouble == 11:
            row[1] = first[:6] + "20991231" + first[14:17]
            row[1] += check_character(row[1])  # born in the future
        elif trouble == 12:
            row = row[:1]  # a short row
        elif trouble == 13:
            row[1] = "99" + first[2:17]
            row[1] += check_character(row[1])  # no such province
        made.append([idn, gender, birth.isoformat()])
        rows.append(row)
    rows.append(["合计", "", "", "", "", "", "", ""])
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows] if seed % 2 else rows


@pytest.mark.parametrize("seed, spread", [(1, 1), (2, 1), (3, 6), (4, 6)])
def test_fast_path_agrees_with_the_detailed_checker(seed, spread, monkeypatch):
    """The column-wise fast path must give exactly what the row-by-row checker gives: rows, values, errors (row,
    column, cell, reason and order), skipped rows and hints, also across block boundaries."""
    from villagevote.voters import fastcheck, rowcheck
    from villagevote.voters import workbook as wb

    monkeypatch.setattr(fastcheck, "_BLOCK", 13)
    raw = wb.RawSheet(Path("messy.xlsx"), "选民", ["选民"], _messy_sheet(seed, 900, spread), [])
    fast = wb.parse_voter_sheet(raw, today=TODAY)

    def detailed_only(rows, begin, end, columns, header_of, result, today, default_category, state):
        rowcheck.check_rows(rows, range(begin, end), columns, header_of, result, today, default_category, state)

    monkeypatch.setattr(fastcheck, "_parse_block", detailed_only)
    slow = wb.parse_voter_sheet(raw, today=TODAY)
    assert len(fast.rows) > 500 and len(fast.errors) > 10 and fast.skipped  # the sheet does exercise both paths
    assert any("重复" in e.reason for e in fast.errors)
    assert fast.rows == slow.rows
    assert [str(e) for e in fast.errors] == [str(e) for e in slow.errors]
    assert fast.skipped == slow.skipped and fast.hints == slow.hints


def test_category_cells_true_and_one_are_not_confused():
    """True == 1 == 1.0 in Python: a yes/no cell in the category column must not borrow the verdict of a 1."""
    from villagevote.voters import workbook as wb

    rows = [["姓名", "身份证号", "类别"], ["张三", ID_ZHANG, True], ["李梅", ID_LI, 1.0], ["王五", ID_WANG, 2]]
    for sheet in (rows, [rows[0], rows[2], rows[1], rows[3]]):
        parsed = wb.parse_voter_sheet(wb.RawSheet(Path("x.xlsx"), "选民", ["选民"], sheet, []), today=TODAY)
        assert {r.name: r.category for r in parsed.rows} == {"李梅": VoterCategory.RESIDENT,
                                                            "王五": VoterCategory.REGISTERED_AWAY}
        assert [(e.row, "登记类别" in e.reason) for e in parsed.errors] == [(sheet.index(rows[1]) + 1, True)]


@pytest.mark.parametrize("election_day, flagged", [
    (dt.date(2026, 2, 28), ["闰日生"]),  # born 2008-02-29: 17 on 28 February of a common year
    (dt.date(2026, 3, 1), []),  # 18 from 1 March
])
def test_under_age_on_the_election_day_is_left_out_naming_the_row(tmp_path, election_day, flagged):
    rows = [["姓名", "出生日期", "登记类别"],
            ["张大山", "1970-01-01", "1"],
            ["闰日生", "2008-02-29", "1"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY, election_day=election_day)
    assert [r.name for r in parsed.rows] == ["张大山"] + [n for n in ["闰日生"] if n not in flagged]
    assert parsed.ok
    if flagged:
        ((row, why),) = parsed.under_age
        assert row == 3 and "闰日生：选举日（2026年2月28日）未满18周岁（2026年3月1日才年满18周岁）" in why
    else:
        assert parsed.under_age == []
    # without an election day the reader does not judge age (the import does, against the cycle's day)
    assert read_voter_workbook(_xlsx(tmp_path, rows, name="b.xlsx"), today=TODAY).ok


def test_incomer_without_group_is_an_unknown_category(tmp_path):
    rows = [["姓名", "出生日期", "登记类别"], ["李外来", "1980-01-01", "外来人员"],
            ["王寄居", "1981-01-01", "户籍不在本村、居住一年以上"]]
    parsed = read_voter_workbook(_xlsx(tmp_path, rows), today=TODAY)
    (error,) = parsed.errors
    assert error.row == 2 and "无法识别的登记类别「外来人员」" in error.reason
    assert [r.category for r in parsed.rows] == [VoterCategory.NONREGISTERED_RESIDENT]
