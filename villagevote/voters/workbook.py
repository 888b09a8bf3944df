"""Reading voter lists from spreadsheets (.xlsx / .xlsm / .xls / .ods) through the guarded reader ``villagevote.workbooks``.

Township staff receive household lists from the police station and from the villages, often as old .xls files,
with a title row or two above the header, merged header cells, dates typed as text in any format, and ID numbers
that Excel has turned into numbers. This module turns such a sheet into plain :class:`VoterRow` records plus a list
of :class:`RowError` (Excel row number, column, reason in Chinese). Nothing here touches the database: the import
service (``villagevote.voters.importer``) writes the rows in one transaction only when there are no errors.

Speed: the whole sheet is read once as a list of Python values (``CalamineSheet.to_python``). Rows are then checked
in blocks, column by column (:func:`_parse_block`): C-level ``map`` / ``join`` / regular expressions over a column,
the GB 11643 check digit through ``int(…, 13)``, lookup tables for values that repeat (birth dates, categories).
A row the fast path cannot vouch for goes through the detailed per-row checker (:func:`_check_rows`), which gives
every message (and calls :func:`villagevote.idcard.parse_id_number` for bad ID numbers).
"""
from __future__ import annotations

import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import eq, itemgetter, mul
from pathlib import Path
from typing import Any, NamedTuple

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.idcard import PROVINCES, InvalidIdNumber, excel_mangled, parse_id_number
from villagevote.models.enums import VoterCategory
from villagevote.workbooks import SUPPORTED_SUFFIXES, Sheet, column_letter
from villagevote.workbooks import read_sheet as _read_sheet

__all__ = [
    "FIELDS",
    "SUPPORTED_SUFFIXES",
    "FieldSpec",
    "ParsedSheet",
    "RawSheet",
    "RowError",
    "VoterRow",
    "column_letter",
    "detect_header",
    "flag_under_age",
    "gc_paused",
    "parse_category",
    "parse_date_value",
    "parse_deprived",
    "parse_gender",
    "parse_voter_sheet",
    "read_sheet",
    "read_voter_workbook",
]


# How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS = 30


# --------------------------------------------------------------------------------------------------------------
# Fields and their header synonyms
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """One column the import understands."""

    key: str
    label: str  # Chinese, as shown in messages and in the mapping dialog
    synonyms: tuple[str, ...]  # normalised header texts that mean this field (exact match)
    contains: tuple[str, ...] = ()  # substrings that also mean this field when no exact match exists
    excludes: tuple[str, ...] = ()  # a header containing one of these is never this field


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", tr("姓名"), ("姓名", "名字", "选民姓名", "村民姓名", "成员姓名", "人员姓名", "姓 名"),
              contains=("姓名",), excludes=("户主", "委托", "代理", "受托", "联系人", "监护")),
    FieldSpec("id_number", tr("身份证号"),
              ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码", "身份号码", "证件号",
               "居民身份证号码", "身份证件号码"),
              contains=("身份证", "身份号码", "证件号"), excludes=("户主", "委托", "受托", "代理")),
    FieldSpec("gender", tr("性别"), ("性别",)),
    FieldSpec("birth_date", tr("出生日期"), ("出生日期", "出生年月日", "出生年月", "生日", "出生时间", "出生"),
              contains=("出生",)),
    FieldSpec("group", tr("村民小组"), ("村民小组", "组别", "小组", "所在小组", "组", "村组", "组名", "所属小组"),
              contains=("小组",)),
    FieldSpec("category", tr("登记类别"),
              ("类别", "选民类别", "登记类别", "登记类型", "选民类型", "人员类别", "类型", "居住情况", "登记情况"),
              contains=("类别",)),
    FieldSpec("deprived", tr("剥夺政治权利"), ("剥夺政治权利", "是否剥夺政治权利", "政治权利", "被剥夺政治权利"),
              contains=("政治权利",)),
    FieldSpec("phone", tr("联系电话"), ("联系电话", "电话", "手机", "手机号码", "联系方式", "电话号码", "手机号")),
    FieldSpec("village", tr("所在村"), ("村", "所在村", "村名", "行政村", "村社区", "村别", "村委会", "村名称")),
    FieldSpec("note", tr("备注"), ("备注", "说明")),
)
FIELDS_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in FIELDS}

_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_HEADER_JUNK = re.compile(r"[\s*:：_\-/、.·]")


def _norm_header(value: Any) -> str:
    """Header text reduced for comparison: NFKC, no blanks, no bracketed remarks, no '*' or ':' markers."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = _PAREN.sub("", text)
    return _HEADER_JUNK.sub("", text)


def _match_field(header: Any) -> str | None:
    """The field key a header cell stands for, or None."""
    text = _norm_header(header)
    if not text:
        return None
    for spec in FIELDS:
        if text in spec.synonyms and not any(x in text for x in spec.excludes):
            return spec.key
    for spec in FIELDS:
        if any(c in text for c in spec.contains) and not any(x in text for x in spec.excludes):
            return spec.key
    return None


def _column_index(ref: str) -> int | None:
    ref = ref.strip().upper()
    if not ref or not ref.isascii() or not ref.isalpha() or len(ref) > 3:
        return None
    index = 0
    for char in ref:
        index = index * 26 + (ord(char) - 64)
    return index - 1


# --------------------------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------------------------
# The file itself is read by the one guarded reader (villagevote.workbooks): it checks the sheet's extent before
# calamine materialises anything, turns every library error into a Chinese message, fills merged ranges down and
# removes invisible characters (recording the cells, see _invisible_errors).
RawSheet = Sheet


def read_sheet(path: str | Path, sheet: str | int | None = None,
               pick: Callable[[list[list[Any]]], bool] | None = None) -> RawSheet:
    """Read one sheet of a workbook as values (see :func:`villagevote.workbooks.read_sheet`)."""
    return _read_sheet(path, sheet, pick)


# --------------------------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------------------------
@dataclass
class HeaderInfo:
    """Where the header is and which column holds which field."""

    first_row: int  # 0-based index of the first header row
    last_row: int  # 0-based index of the last header row; data starts on the next row
    columns: dict[str, int]  # field key -> 0-based column index
    labels: dict[int, str]  # column index -> header text as written (merged cells filled in)

    @property
    def data_start(self) -> int:
        return self.last_row + 1


def _filled_header_grid(rows: list[list[Any]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]],
                        limit: int) -> list[list[Any]]:
    """The top ``limit`` rows with every merged range's value copied into all its cells."""
    grid = [list(r) for r in rows[:limit]]
    for (r0, c0), (r1, c1) in merged:
        if r0 >= limit or r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, limit - 1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] in ("", None):
                    row[c] = value
    return grid


def _score(labels: Mapping[int, Any], field_of: Callable[[Any], str | None] = _match_field
           ) -> tuple[dict[str, int], int]:
    columns: dict[str, int] = {}
    for col in sorted(labels):
        key = field_of(labels[col])
        if key is not None and key not in columns:
            columns[key] = col
    return columns, len(columns)


def detect_header(rows: list[list[Any]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
                  header_row: int | None = None) -> HeaderInfo | None:
    """Find the header row(s) among the first rows.

    A header is a row (or two adjacent rows, for two-level headers with merged cells) in which the 姓名 column and at
    least one of 身份证号 / 出生日期 are recognised. ``header_row`` (1-based) forces the row. Returns None when no
    header is found.
    """
    limit = min(len(rows), HEADER_SCAN_ROWS if header_row is None else header_row + 1)
    grid = _filled_header_grid(rows, merged, limit)
    candidates: list[tuple[int, int]] = []
    if header_row is not None:
        r = header_row - 1
        if 0 <= r < len(grid):
            candidates = [(r, r)] + ([(r - 1, r)] if r >= 1 else [])
    else:
        for r in range(len(grid)):
            candidates.append((r, r))
            if r + 1 < len(grid):
                candidates.append((r, r + 1))
    best: HeaderInfo | None = None
    best_score = 0
    known: dict[Any, str | None] = {}  # each cell is looked at in several candidates: match it once

    def field_of(value: Any) -> str | None:
        key = (type(value), value)
        if key not in known:
            known[key] = _match_field(value)
        return known[key]

    for first, last in candidates:
        labels: dict[int, Any] = {}
        for r in range(first, last + 1):
            for c, value in enumerate(grid[r]):
                if isinstance(value, str) and value.strip():
                    # The lower row wins where it names a field; otherwise keep the upper row's text.
                    if c not in labels or field_of(value) is not None:
                        labels[c] = value
        columns, score = _score(labels, field_of)
        if "name" not in columns or not ({"id_number", "birth_date"} & columns.keys()):
            continue
        # Prefer more fields; on a tie the earlier candidate (a single row comes before the pair it starts) wins.
        if score > best_score:
            best_score = score
            best = HeaderInfo(first, last, columns, {c: str(v).strip() for c, v in labels.items()})
    return best


def _looks_like_voter_sheet(rows: list[list[Any]]) -> bool:
    return detect_header(rows) is not None


# --------------------------------------------------------------------------------------------------------------
# Cell parsers
# --------------------------------------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_SEP = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DATE_SHORT_YEAR = re.compile(r"^(\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_DATE_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def _cn_number(text: str) -> str:
    """'十二' -> '12', '二十五' -> '25', '三' -> '3' (days and months only)."""
    if "十" not in text:
        return "".join(_CN_DIGITS.get(ch, ch) for ch in text)
    tens, _, ones = text.partition("十")
    value = (int(_CN_DIGITS.get(tens, "1")) if tens else 1) * 10 + (int(_CN_DIGITS.get(ones, "0")) if ones else 0)
    return str(value)


_CN_DATE = re.compile(r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日?$")


def _make_date(y: int, m: int, d: int, raw: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(tr("「{raw}」不是真实的日期（{y}年{m}月{d}日不存在）").format(raw=raw, y=y, m=m, d=d)) from None


def parse_date_value(value: Any) -> dt.date:
    """A date from a cell: date/datetime objects, Excel serial numbers, 8-digit numbers (20010305) and text such as
    ``2001-3-5``, ``2001/03/05``, ``2001.3.5``, ``20010305``, ``2001年3月5日``, ``二〇〇一年三月五日``.

    Raises ``ValueError`` with a Chinese message for anything else (two-digit years, day-first dates, year-month only).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(tr("应为日期，实际为逻辑值"))
    if isinstance(value, (int, float)):
        if value != value:
            raise ValueError(tr("应为日期，单元格为空值"))
        number = int(value)
        if 19000101 <= number <= 29991231 and number == value:
            text = str(number)
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
        if 1 <= number <= 2958465:
            if number == 60:
                raise ValueError(tr("Excel 日期序号 60 对应不存在的 1900年2月29日"))
            if number < 60:
                number += 1  # Excel counts a fictitious 29 February 1900
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        raise ValueError(tr("数字 {value} 不是日期").format(value=_show(value)))
    if not isinstance(value, str):
        raise ValueError(tr("应为日期，无法识别「{value}」").format(value=_show(value)))
    text = unicodedata.normalize("NFKC", value).strip().replace("'", "")
    if not text:
        raise ValueError(tr("日期为空"))
    m = _DATE_SEP.match(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _DATE_COMPACT.match(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _CN_DATE.match(text.replace(" ", ""))
    if m:
        year = "".join(_CN_DIGITS[ch] for ch in m.group(1))
        return _make_date(int(year), int(_cn_number(m.group(2))), int(_cn_number(m.group(3))), text)
    if _DATE_YEAR_MONTH.match(text):
        raise ValueError(tr("「{raw}」只有年和月，缺少日，请写完整日期，如 2001-03-05").format(raw=text))
    if _DATE_SHORT_YEAR.match(text):
        raise ValueError(tr("「{raw}」的年份只有两位，无法确定世纪，请写四位年份，如 2001-03-05").format(raw=text))
    if _DATE_DAY_FIRST.match(text):
        raise ValueError(tr("「{raw}」是日/月/年顺序，容易误读，请写成 年-月-日，如 2001-03-05").format(raw=text))
    raise ValueError(tr("无法识别的日期「{raw}」，请写成 2001-03-05、2001/3/5、2001.3.5、20010305 或 2001年3月5日").format(
        raw=text))


_GENDER = {"男": "男", "男性": "男", "m": "男", "male": "男", "女": "女", "女性": "女", "f": "女", "female": "女"}


def parse_gender(value: Any) -> str | None:
    """'男' / '女' from a cell, None when empty; ``ValueError`` for anything else."""
    if value is None or value == "":
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text:
        return None
    gender = _GENDER.get(text)
    if gender is None:
        raise ValueError(tr("性别应为「男」或「女」，实际为「{value}」").format(value=_show(value)))
    return gender


_CATEGORY_RULES: tuple[tuple[VoterCategory, tuple[str, ...]], ...] = (
    # Order matters: "户籍不在本村、居住一年以上" contains "不在本村居住" once the punctuation is gone, and
    # "户籍在本村不在本村居住" contains "本村居住"; so group 3, then group 2, then group 1.
    # Not "外来" (外来人员, 外来务工): an incomer is a voter only after a year's residence, an application and the
    # villagers' consent, so a bare "外来人员" is reported as an unknown category rather than filed as group 3.
    (VoterCategory.NONREGISTERED_RESIDENT, ("非户籍", "户籍不在", "无户籍", "居住一年", "居住满一年", "一年以上",
                                            "寄居", "第三类", "三类", "nonregistered_resident")),
    (VoterCategory.REGISTERED_AWAY, ("不在本村居住", "不居住", "不在村居住", "外出", "人户分离", "户在人不在", "在外",
                                     "不在村", "第二类", "二类", "registered_away")),
    (VoterCategory.RESIDENT, ("户籍在本村", "户籍在村", "本村居住", "在村居住", "常住", "本村", "第一类", "一类",
                              "resident")),
)
_CATEGORY_NUMBERS = {"1": VoterCategory.RESIDENT, "2": VoterCategory.REGISTERED_AWAY,
                     "3": VoterCategory.NONREGISTERED_RESIDENT}


def parse_category(value: Any, default: VoterCategory = VoterCategory.RESIDENT) -> VoterCategory:
    """The registration group from a cell; ``default`` for an empty cell; ``ValueError`` when not recognised."""
    if value is None or value == "":
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _norm_header(str(value)).lower()
    if not text:
        return default
    if text in _CATEGORY_NUMBERS:
        return _CATEGORY_NUMBERS[text]
    for member in VoterCategory:
        if text == _norm_header(member.label):
            return member
    for member, needles in _CATEGORY_RULES:
        if any(n in text for n in needles):
            return member
    raise ValueError(
        tr("无法识别的登记类别「{value}」，应为：1 户籍在本村并居住；2 户籍在本村、不在本村居住；3 户籍不在本村、居住一年以上").format(
            value=_show(value))
    )


_YES = {"是", "y", "yes", "√", "✓", "有", "剥夺", "被剥夺", "已剥夺", "1", "true", "是的"}
_NO = {"否", "n", "no", "×", "无", "没有", "未剥夺", "0", "false", "不是", "-", "/", "—"}


def parse_deprived(value: Any) -> bool:
    """Whether the 剥夺政治权利 cell says yes. Empty means no."""
    if value is None or value == "" or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO or not text:
        return False
    raise ValueError(tr("「剥夺政治权利」一栏应填「是」或「否」，实际为「{value}」").format(value=_show(value)))


def _show(value: Any) -> str:
    """A cell value as the user would recognise it (no '3.0', no exponent)."""
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:.0f}"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _text(value: Any) -> str:
    """A cell as plain text: numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


_BLANKS = re.compile(r"[\s\u3000]+")


def _clean_name(value: Any) -> str:
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else _text(value)
    if " " in text or "\t" in text or "\u3000" in text:
        squeezed = _BLANKS.sub("", text)
        # Two-character names are often padded to line up ("张  三"); keep single blanks in Latin names.
        text = squeezed if all(ord(ch) > 0x2E7F or ch == "·" for ch in squeezed) else _BLANKS.sub(" ", text)
    return text


# --------------------------------------------------------------------------------------------------------------
# Fast ID check (same rules as villagevote.idcard.parse_id_number, which produces the message on failure)
# --------------------------------------------------------------------------------------------------------------
_ID_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]", re.ASCII)
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_OFFSET = 48 * sum(_ID_WEIGHTS)  # ord('0') times the weights: bytes give code points, not digits
_ID_CHECK = "10X98765432"
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


# --------------------------------------------------------------------------------------------------------------
# Parsing a sheet into voter rows
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    """One problem in the file: Excel row number (1-based), column header, the cell as read, the reason."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = tr("第 {row} 行").format(row=self.row) if self.row else tr("文件")
        column = tr("「{column}」列").format(column=self.column) if self.column else ""
        value = tr("（单元格内容：{value}）").format(value=self.value) if self.value else ""
        return f"{where}{column}：{self.reason}{value}"


class VoterRow(NamedTuple):
    """One voter as read from the file (validated, normalised). A named tuple: the fast path makes 50,000 of them
    with C-level ``tuple.__new__`` and the import reads them back column-wise with ``zip(*rows)``."""

    row: int  # Excel row number, 1-based
    name: str
    id_number: str | None
    gender: str | None  # '男' / '女'
    birth_date: dt.date | None
    group: str
    category: VoterCategory
    deprived: bool = False
    phone: str = ""
    village: str = ""
    note: str = ""


_BIRTH = VoterRow._fields.index("birth_date")
_ID = VoterRow._fields.index("id_number")
_NAME = VoterRow._fields.index("name")


@dataclass
class ParsedSheet:
    """What the import found in one sheet."""

    path: Path
    sheet_name: str
    sheet_names: list[str]
    header_row: int  # 1-based Excel row of the (last) header row
    columns: dict[str, tuple[int, str]]  # field key -> (0-based column, header text)
    unmapped: dict[int, str]  # columns with a header the import does not use: index -> header text
    errors: list[RowError] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) for footer / note rows
    hints: list[str] = field(default_factory=list)  # file-level advice (e.g. ID column stored as numbers)
    # The accepted rows column by column, one list per VoterRow field, in file order: the fast path fills them a
    # block at a time and the import reads them column-wise, so 50,000 rows are never made into tuples and back.
    data: list[list[Any]] = field(default_factory=lambda: [[] for _ in VoterRow._fields], repr=False)
    age_checked_on: dt.date | None = None  # the election day the rows were checked against (flag_under_age)
    # (row, why) of persons under age on the election day: left out of the register (a household list holds children)
    under_age: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        return len(self.data[0])

    @property
    def rows(self) -> list[VoterRow]:
        """The accepted rows as :class:`VoterRow` (made afresh on each call; ``row_count`` counts them)."""
        return list(map(tuple.__new__, repeat(VoterRow), zip(*self.data)))

    def add(self, row: VoterRow) -> None:
        for column, value in zip(self.data, row):
            column.append(value)

    def extend(self, columns: Sequence[Iterable[Any]]) -> None:
        """Append rows given column-wise (one iterable per VoterRow field, all the same length)."""
        for column, values in zip(self.data, columns):
            column.extend(values)

    def mapping(self) -> dict[str, str]:
        """field key -> header text, fit to remember for the next file from the same source."""
        return {key: header for key, (_, header) in self.columns.items()}

    def error_summary(self, limit: int = 20) -> str:
        """The first ``limit`` errors, one a line, plus a count of the rest."""
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(tr("……另有 {n} 处错误未列出").format(n=len(self.errors) - limit))
        return "\n".join(lines)


_FOOTER_WORDS = ("合计", "总计", "小计", "制表", "填表", "审核", "负责人", "填报", "说明：", "注：", "备注：", "共计")


def _resolve_override(override: Mapping[str, str | int], labels: Mapping[int, str], width: int,
                      sheet: str) -> dict[str, int]:
    resolved: dict[str, int] = {}
    by_text = {}
    for col, text in labels.items():
        by_text.setdefault(_norm_header(text), col)
        by_text.setdefault(text.strip(), col)
    for key, ref in override.items():
        if key not in FIELDS_BY_KEY:
            raise ValidationError(tr("列对应设置里有未知的字段「{key}」").format(key=key))
        if ref is None or ref == "":
            resolved[key] = -1  # explicitly "not in this file"
            continue
        if isinstance(ref, int):
            col: int | None = ref
        else:
            col = by_text.get(ref.strip(), by_text.get(_norm_header(ref)))
            if col is None:
                col = _column_index(ref)
        if col is None or not 0 <= col < max(width, 1):
            available = "、".join(f"「{t}」" for t in labels.values()) or tr("（无）")
            raise ValidationError(
                tr("工作表「{sheet}」中找不到「{field}」对应的列「{ref}」；表头有：{available}").format(
                    sheet=sheet, field=FIELDS_BY_KEY[key].label, ref=ref, available=available)
            )
        resolved[key] = col
    return resolved


def parse_voter_sheet(raw: RawSheet, mapping: Mapping[str, str | int] | None = None, header_row: int | None = None,
                      today: dt.date | None = None, default_category: VoterCategory = VoterCategory.RESIDENT,
                      progress: Callable[[int, int], None] | None = None, *,
                      election_day: dt.date | None = None, min_age: int = 18) -> ParsedSheet:
    """Validate every row of ``raw`` as a voter.

    With ``election_day``, persons under ``min_age`` on that day are left out and listed (:func:`flag_under_age`).

    ``mapping`` overrides the detected columns: field key -> header text, column letter ("C") or 0-based index;
    an empty value means the field is absent from this file. ``header_row`` (1-based) forces the header row.
    Errors never stop the parse: every bad row is reported. Raises ``ValidationError`` only when the sheet has no
    usable header (the message names the sheets in the workbook).
    """
    today = today or dt.date.today()
    rows = raw.rows
    info = detect_header(rows, raw.merged, header_row)
    listing = "、".join(f"「{n}」" for n in raw.sheet_names)
    if info is None and mapping:
        # The caller maps columns explicitly: the header is the given row, or the first non-empty row.
        r = (header_row - 1) if header_row else next((i for i, row in enumerate(rows) if any(
            isinstance(v, str) and v.strip() for v in row)), 0)
        grid = _filled_header_grid(rows, raw.merged, r + 1)
        labels = {c: str(v).strip() for c, v in enumerate(grid[r] if r < len(grid) else []) if _text(v)}
        info = HeaderInfo(r, r, {}, labels)
    if info is None:
        if not any(any(_text(v) for v in row) for row in rows):
            raise ValidationError(tr("工作表「{sheet}」是空的。本文件的工作表有：{listing}").format(
                sheet=raw.name, listing=listing))
        raise ValidationError(
            tr("工作表「{sheet}」前 {n} 行中找不到表头（需要有「姓名」列，以及「身份证号」或「出生日期」列）。"
               "本文件的工作表有：{listing}。请确认选对了工作表，或手动指定各列").format(
                sheet=raw.name, n=HEADER_SCAN_ROWS, listing=listing)
        )
    width = max((len(r) for r in rows[: info.data_start + 1]), default=0)
    columns = dict(info.columns)
    if mapping:
        for key, col in _resolve_override(mapping, info.labels, width, raw.name).items():
            if col < 0:
                columns.pop(key, None)
            else:
                columns[key] = col
    if "name" not in columns:
        raise ValidationError(tr("工作表「{sheet}」中没有「姓名」列，请手动指定哪一列是姓名").format(sheet=raw.name))
    if "id_number" not in columns and "birth_date" not in columns:
        raise ValidationError(
            tr("工作表「{sheet}」中既没有「身份证号」列也没有「出生日期」列，无法判断年龄").format(sheet=raw.name))

    def header_of(col: int) -> str:
        return info.labels.get(col) or column_letter(col)

    result = ParsedSheet(
        path=raw.path, sheet_name=raw.name, sheet_names=raw.sheet_names, header_row=info.last_row + 1,
        columns={k: (c, header_of(c)) for k, c in columns.items()},
        unmapped={c: t for c, t in info.labels.items() if c not in columns.values()},
    )
    _parse_rows(rows, info.data_start, columns, header_of, result, today, default_category, progress)
    if raw.cleaned:
        _invisible_errors(raw, info.data_start, columns, header_of, result)
    if election_day is not None:
        flag_under_age(result, election_day, min_age)
    return result


def flag_under_age(result: ParsedSheet, election_day: dt.date, min_age: int = 18) -> list[tuple[int, str]]:
    """Leave the rows of persons under ``min_age`` on ``election_day`` out of the accepted rows and list them, with
    the row and the day each comes of age, in ``result.under_age``: they are not voters, so they are not written to
    the register, and the check shows them before the import (a police household list holds the children too; they
    are not errors to correct by hand).

    Column-wise and cheap: one comparison per birth date against the last birth date old enough
    (:func:`villagevote.voters.eligibility.latest_birth_of_age`); the columns are rebuilt only when someone is under
    age. Records the day checked in ``result.age_checked_on``; returns the rows newly left out.
    """
    from villagevote.voters.eligibility import adulthood_date, latest_birth_of_age

    result.age_checked_on = election_day
    births = result.data[_BIRTH]
    cutoff = latest_birth_of_age(election_day, min_age)
    if not births or max(filter(None, births), default=cutoff) <= cutoff:
        return []
    young = [b is not None and b > cutoff for b in births]
    names, rows_col = result.data[_NAME], result.data[0]
    new = [
        (rows_col[i], tr("{name}：选举日（{day}）未满{age}周岁（{adult}才年满{age}周岁），不列入选民名单").format(
            name=names[i], day=_cn_date(election_day), age=min_age, adult=_cn_date(adulthood_date(births[i], min_age))))
        for i in compress(range(len(births)), young)
    ]
    keep = [not y for y in young]
    result.data = [list(compress(col, keep)) for col in result.data]
    result.under_age.extend(new)
    result.under_age.sort()
    return new


def _cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def _invisible_errors(raw: RawSheet, first_row: int, columns: dict[str, int], header_of: Callable[[int], str],
                      result: ParsedSheet) -> None:
    """Names and ID numbers from which the reader removed invisible characters (zero-width, bidi, control) are
    refused with the row named: removing them silently would change whom the register names. In other columns
    (村民小组, 备注 …) the cleaned text is used as is."""
    identity = {columns[k]: k for k in ("name", "id_number") if columns.get(k, -1) >= 0}
    found = raw.cleaned_cells(identity, first_row)
    if not found:
        return
    for row, col, what in found:
        result.errors.append(RowError(row, header_of(col), "", tr(
            "含有看不见的字符（{what}），多为从网页或聊天软件复制带入；为免姓名或身份证号码被悄悄改变，"
            "请在原表中删除该单元格内容后重新输入").format(what=what)))
    result.errors.sort(key=lambda e: e.row)


def _check_rows(rows: list[list[Any]], indices: Iterable[int], columns: dict[str, int],
                header_of: Callable[[int], str], result: ParsedSheet, today: dt.date, default_category: VoterCategory,
                state: dict) -> None:
    """The detailed per-row checker: every rule, every message. Used for the rows the column-wise fast path in
    :func:`_parse_block` does not vouch for (and for whole blocks it cannot handle)."""
    # Hot loop for 50,000+ rows: locals only, the common case (a clean text ID) never calls parse_id_number.
    errors = result.errors
    add = result.add
    skipped = result.skipped
    c_name = columns["name"]
    c_id = columns.get("id_number", -1)
    c_gender = columns.get("gender", -1)
    c_birth = columns.get("birth_date", -1)
    c_group = columns.get("group", -1)
    c_cat = columns.get("category", -1)
    c_dep = columns.get("deprived", -1)
    c_phone = columns.get("phone", -1)
    c_village = columns.get("village", -1)
    c_note = columns.get("note", -1)
    h_name, h_id, h_gender, h_birth = header_of(c_name), header_of(c_id), header_of(c_gender), header_of(c_birth)
    id_shape = _ID_SHAPE.fullmatch
    weights = _ID_WEIGHTS
    offset = _ID_OFFSET
    checks = _ID_CHECK
    provinces = PROVINCES
    date_cache: dict[str, dt.date | None] = state.setdefault("date_cache", {})
    iso_cache: dict[str, str] = state.setdefault("iso_cache", {})
    cell_date_cache: dict[Any, dt.date | str] = state.setdefault("cell_date_cache", {})
    seen_ids: dict[str, int] = state.setdefault("seen_ids", {})
    category_cache: dict[Any, VoterCategory | str] = state.setdefault("category_cache", {})
    mangled = state.get("mangled", 0)
    Row = VoterRow

    for index in indices:
        cells = rows[index]
        excel_row = index + 1
        n = len(cells)
        name_value = cells[c_name] if c_name < n else ""
        id_value = cells[c_id] if 0 <= c_id < n else ""
        if name_value == "" and id_value == "":
            if not any(v != "" and v is not None for v in cells):
                continue  # blank row
            footer = next((v for v in cells if type(v) is str and v.strip().startswith(_FOOTER_WORDS)), None)
            if footer is not None:
                skipped.append((excel_row, tr("表尾说明行：{text}").format(text=_show(footer))))
                continue
        row_errors_before = len(errors)

        # Name
        name = name_value.strip() if type(name_value) is str else _text(name_value)
        if id_value == "" and name and name.startswith(_FOOTER_WORDS):
            skipped.append((excel_row, tr("表尾说明行：{text}").format(text=_show(name_value))))
            continue
        if " " in name or "\u3000" in name or "\t" in name:
            name = _clean_name(name)
        if not name:
            errors.append(RowError(excel_row, h_name, "", tr("姓名为空")))
        elif len(name) > 64:
            errors.append(RowError(excel_row, h_name, _show(name_value), tr("姓名过长（超过64个字）")))

        # ID number
        number: str | None = None
        id_birth: dt.date | None = None
        id_gender: str | None = None
        id_iso = ""
        if id_value != "" and id_value is not None:
            s = id_value.strip() if type(id_value) is str else None
            if s is not None and len(s) == 18:
                if s[17] == "x":
                    s = s[:17] + "X"
                if id_shape(s) and checks[(sum(map(mul, s[:17].encode(), weights)) - offset) % 11] == s[17] \
                        and s[:2] in provinces:
                    key = s[6:14]
                    if key not in iso_cache:
                        _add_birth_dates([key], date_cache, iso_cache, today)
                    id_birth = date_cache[key]
                    if id_birth is not None:
                        id_iso = iso_cache[key]
                        number = s
                        id_gender = "男" if ord(s[16]) & 1 else "女"
            if number is None:
                try:
                    info = parse_id_number(id_value, today=today)
                except InvalidIdNumber as exc:
                    reason = exc.message
                    if excel_mangled(id_value):
                        mangled += 1
                        if isinstance(id_value, (int, float)):
                            reason += tr("；单元格里是数字，末几位已经丢失，无法恢复，请从原始资料重新录入")
                    errors.append(RowError(excel_row, h_id, _show(id_value), reason))
                else:
                    number, id_birth, id_gender = info.number, info.birth_date, info.gender
            if number is not None:
                first = seen_ids.get(number)
                if first is not None:
                    errors.append(RowError(excel_row, h_id, number,
                                           tr("身份证号码与第 {row} 行重复").format(row=first)))
                else:
                    seen_ids[number] = excel_row

        # Birth date
        birth: dt.date | None = id_birth
        if c_birth >= 0 and c_birth < n:
            birth_value = cells[c_birth]
            if birth_value != "" and birth_value is not None and not (
                    id_birth is not None and (birth_value == id_iso or birth_value == id_birth)):
                parsed = cell_date_cache.get(birth_value) if type(birth_value) is str else None
                if parsed is None:
                    try:
                        parsed = parse_date_value(birth_value)
                        if parsed > today:
                            parsed = tr("出生日期 {date} 晚于今天").format(date=parsed.isoformat())
                        elif parsed < _EARLIEST_BIRTH:
                            parsed = tr("出生日期 {date} 早于1900年，不合理").format(date=parsed.isoformat())
                    except ValueError as exc:
                        parsed = str(exc)
                    if type(birth_value) is str:
                        cell_date_cache[birth_value] = parsed
                if type(parsed) is str:
                    errors.append(RowError(excel_row, h_birth, _show(birth_value), parsed))
                elif id_birth is not None and parsed != id_birth:
                    errors.append(RowError(
                        excel_row, h_birth, _show(birth_value),
                        tr("出生日期 {date} 与身份证号码中的出生日期 {id_date} 不一致").format(
                            date=parsed.isoformat(), id_date=id_birth.isoformat())))
                else:
                    birth = parsed
        if birth is None and number is None and len(errors) == row_errors_before:
            errors.append(RowError(excel_row, h_id if c_id >= 0 else h_birth, "",
                                   tr("身份证号码和出生日期都为空，无法确定年龄")))

        # Gender
        gender = id_gender
        if c_gender >= 0 and c_gender < n:
            gender_value = cells[c_gender]
            if gender_value != "":
                if gender_value == "男" or gender_value == "女":
                    given = gender_value
                else:
                    try:
                        given = parse_gender(gender_value)
                    except ValueError as exc:
                        errors.append(RowError(excel_row, h_gender, _show(gender_value), str(exc)))
                        given = None
                if given is not None:
                    if id_gender is not None and given != id_gender:
                        errors.append(RowError(
                            excel_row, h_gender, given,
                            tr("性别「{given}」与身份证号码不符（第17位表示{id_gender}性）").format(
                                given=given, id_gender=id_gender)))
                    gender = given

        # Category, deprived, the rest
        category = default_category
        if c_cat >= 0 and c_cat < n:
            cat_value = cells[c_cat]
            if cat_value != "":
                cat_key = cat_value if type(cat_value) is str else (type(cat_value), cat_value)
                cached = category_cache.get(cat_key)
                if cached is None:
                    try:
                        cached = parse_category(cat_value, default_category)
                    except ValueError as exc:
                        cached = str(exc)
                    category_cache[cat_key] = cached
                if type(cached) is str:
                    errors.append(RowError(excel_row, header_of(c_cat), _show(cat_value), cached))
                else:
                    category = cached
        deprived = False
        if c_dep >= 0 and c_dep < n and cells[c_dep] != "":
            try:
                deprived = parse_deprived(cells[c_dep])
            except ValueError as exc:
                errors.append(RowError(excel_row, header_of(c_dep), _show(cells[c_dep]), str(exc)))

        if len(errors) != row_errors_before:
            continue
        group_value = cells[c_group] if 0 <= c_group < n else ""
        add(Row(
            excel_row, name, number, gender, birth,
            group_value.strip() if type(group_value) is str else _text(group_value),
            category, deprived,
            _text(cells[c_phone]) if 0 <= c_phone < n else "",
            _text(cells[c_village]) if 0 <= c_village < n else "",
            _text(cells[c_note]) if 0 <= c_note < n else "",
        ))
    state["mangled"] = mangled


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step.

    Validating and importing 50,000 rows allocates a few hundred thousand small objects (rows, tuples, strings)
    while the whole sheet (one list per row) is alive: the collector would run its full passes over all of them again
    and again, although nothing here creates reference cycles (reference counting frees everything as usual). That
    cost a quarter to a third of the time of these steps. The collector is enabled again afterwards (if it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Rows per block of the column-wise fast path (also the progress step).
_BLOCK = 2500
_ID_UNITS = re.compile("(?:(?:" + "|".join(sorted(PROVINCES)) + r")[0-9]{15}[0-9X])*", re.ASCII)
_X_AS_TEN = str.maketrans("X", "a")  # in base 13 'a' is 10, the value of the check character X
_GENDER_OF_DIGIT = {str(d): ("男" if d % 2 else "女") for d in range(10)}
_ANY_BLANK = re.compile(r"\s")
_PLACEHOLDER_ID = "110000190001010000"  # stands in for a value already sent to the detailed checker


def _parse_rows(rows: list[list[Any]], start: int, columns: dict[str, int], header_of: Callable[[int], str],
                result: ParsedSheet, today: dt.date, default_category: VoterCategory,
                progress: Callable[[int, int], None] | None, end: int | None = None, state: dict | None = None,
                finish: bool = True) -> None:
    """Validate rows ``start``..``end`` block by block (see :func:`_parse_block`); results, errors and skipped rows
    go into ``result`` in row order."""
    state = {} if state is None else state
    total = len(rows) if end is None else min(end, len(rows))
    with gc_paused():
        for begin in range(start, total, _BLOCK):
            if progress is not None:
                progress(begin, total)
            _parse_block(rows, begin, min(begin + _BLOCK, total), columns, header_of, result, today,
                         default_category, state)
    if progress is not None:
        progress(total, total)
    if finish:
        _finish(result, state)


def _parse_block(rows: list[list[Any]], begin: int, end: int, columns: dict[str, int],
                 header_of: Callable[[int], str], result: ParsedSheet, today: dt.date,
                 default_category: VoterCategory, state: dict) -> None:
    """Column-wise fast path for the common case: each column of the block is checked at once (C-level map/join/
    regex, lookup tables for values that repeat) and a row is accepted here only when every rule is certainly met:
    a text name without blanks, an 18-digit ID number with a valid province, check digit (GB 11643: with X read as
    10, the 18 digits read in base 13 leave 1 modulo 11, since 13 = 2 mod 11) and birth date, a birth-date /
    gender cell that is empty or repeats the ID's, a known category. Every other row goes through
    :func:`_check_rows`, the detailed checker, so messages are exactly the detailed checker's. Rows are assembled in
    file order, so duplicate ID numbers point to the first row as before."""
    block = rows[begin:end]
    n = len(block)
    c_name = columns["name"]
    c_id = columns.get("id_number", -1)
    if c_id < 0 or n == 0:
        _check_rows(rows, range(begin, end), columns, header_of, result, today, default_category, state)
        return
    try:
        names = list(map(itemgetter(c_name), block))
        ids = list(map(itemgetter(c_id), block))
        optional = {key: list(map(itemgetter(columns[key]), block)) if columns.get(key, -1) >= 0 else None
                    for key in ("gender", "birth_date", "group", "category", "deprived", "phone", "village", "note")}
    except IndexError:  # ragged rows (not from calamine's rectangular ranges): no fast path
        _check_rows(rows, range(begin, end), columns, header_of, result, today, default_category, state)
        return
    slow: set[int] = set()

    def mark(flags: Iterable[bool]) -> None:  # flags[i] true -> row i needs the detailed checker
        slow.update(compress(range(n), flags))

    # Names: text, not empty, at most 64 characters, no blanks anywhere (nothing to strip or squeeze).
    try:
        joined = "".join(names)
    except TypeError:  # a cell that is not text
        mark(type(v) is not str for v in names)
        names = [v if type(v) is str else "" for v in names]
        joined = "".join(names)
    if _ANY_BLANK.search(joined):
        mark(map(_ANY_BLANK.search, names))
    lengths = list(map(len, names))
    if min(lengths) < 1 or max(lengths) > 64:
        mark(not 1 <= k <= 64 for k in lengths)

    # ID numbers: 18 characters each, then shape + province over the joined column, then the check digit.
    try:
        "".join(ids)
    except TypeError:  # numbers (Excel), dates …
        mark(type(v) is not str for v in ids)
        ids = [v if type(v) is str else "" for v in ids]
    if set(map(len, ids)) != {18}:
        mark(len(v) != 18 for v in ids)
        ids = [v if len(v) == 18 else _PLACEHOLDER_ID for v in ids]
    joined = "".join(ids)
    if not _ID_UNITS.fullmatch(joined):
        mark(not _ID_UNITS.fullmatch(v) for v in ids)
        ids = [v if _ID_UNITS.fullmatch(v) else _PLACEHOLDER_ID for v in ids]
        joined = "".join(ids)
    remainders = list(map(int.__mod__, map(int, _ID_UNITS_SPLIT(joined.translate(_X_AS_TEN)), repeat(13)), repeat(11)))
    if remainders.count(1) != n:
        mark(r != 1 for r in remainders)
    # Birth dates from the ID (8 digits, cached: birth dates repeat).
    date_cache: dict[str, dt.date | None] = state.setdefault("date_cache", {})
    iso_cache: dict[str, str] = state.setdefault("iso_cache", {})
    keys = list(map(itemgetter(slice(6, 14)), ids))
    new = list(set(keys).difference(iso_cache))
    if new:
        _add_birth_dates(new, date_cache, iso_cache, today)
    births = list(map(date_cache.__getitem__, keys))
    if None in births:
        mark(b is None for b in births)
    isos = list(map(iso_cache.__getitem__, keys))
    genders = list(map(_GENDER_OF_DIGIT.__getitem__, map(itemgetter(16), ids)))

    # Birth-date and gender cells: empty or the same as the ID says.
    given = optional["birth_date"]
    if given is not None:
        same = list(map(eq, given, isos))
        if same.count(True) != n:
            mark(not (ok or v == "" or v is None or (type(v) is dt.date and v == b))
                 for ok, v, b in zip(same, given, births))
    given = optional["gender"]
    if given is not None:
        same = list(map(eq, given, genders))
        if same.count(True) != n:
            mark(not (ok or v == "") for ok, v in zip(same, given))

    # Category and 剥夺政治权利: a table per distinct cell value (keyed with the type when not all cells are text:
    # True == 1 == 1.0 would otherwise share an entry).
    categories: list[Any] = [default_category] * n
    cells = optional["category"]
    if cells is not None:
        cache: dict[Any, Any] = state.setdefault("fast_category", {})
        keys = _cell_keys(cells)
        for key in set(keys).difference(cache):
            value = key[1] if type(key) is tuple else key
            if value == "":
                cache[key] = default_category
                continue
            try:
                cache[key] = parse_category(value, default_category)
            except ValueError:
                cache[key] = None
        categories = list(map(cache.__getitem__, keys))
        if None in categories:
            mark(c is None for c in categories)
    deprived: list[Any] = [False] * n
    cells = optional["deprived"]
    if cells is not None:
        cache = state.setdefault("fast_deprived", {})
        keys = _cell_keys(cells)
        for key in set(keys).difference(cache):
            try:
                cache[key] = parse_deprived(key[1] if type(key) is tuple else key)
            except ValueError:
                cache[key] = None
        deprived = list(map(cache.__getitem__, keys))
        if None in deprived:
            mark(d is None for d in deprived)

    def texts(key: str) -> list[str] | Any:
        cells = optional[key]
        if cells is None:
            return [""] * n
        try:
            return list(map(str.strip, cells))
        except TypeError:  # numbers, dates …
            return list(map(_text, cells))

    numbers = range(begin + 1, end + 1)
    columns_out = (numbers, names, ids, genders, births, texts("group"), categories, deprived, texts("phone"),
                   texts("village"), texts("note"))
    seen_ids: dict[str, int] = state.setdefault("seen_ids", {})
    if not slow and len(set(ids)) == n and seen_ids.keys().isdisjoint(ids):
        seen_ids.update(zip(ids, numbers))
        result.extend(columns_out)
        return
    # Some rows need the detailed checker: go through the block in file order.
    errors = result.errors
    h_id = header_of(c_id)
    for i, row in enumerate(map(tuple.__new__, repeat(VoterRow), zip(*columns_out))):
        if i in slow:
            _check_rows(rows, (begin + i,), columns, header_of, result, today, default_category, state)
            continue
        first = seen_ids.get(row.id_number)
        if first is not None:
            errors.append(RowError(row.row, h_id, row.id_number, tr("身份证号码与第 {row} 行重复").format(row=first)))
            continue
        seen_ids[row.id_number] = row.row
        result.add(row)


_ID_UNITS_SPLIT = re.compile(".{18}", re.DOTALL).findall
_YEAR_MONTH_DAY = itemgetter(slice(0, 4), slice(4, 6), slice(6, 8))


def _add_birth_dates(keys: list[str], dates: dict[str, dt.date | None], isos: dict[str, str], today: dt.date) -> None:
    """The birth dates of ID numbers' ``YYYYMMDD`` parts, into ``dates`` (None: no such day, in the future or
    before 1900) and ``isos`` (``YYYY-MM-DD``): C-level ``map`` of slicing, joining and ``date.fromisoformat`` for
    all of them, day by day only when one of them is not a real date."""
    texts = list(map("-".join, map(_YEAR_MONTH_DAY, keys)))
    isos.update(zip(keys, texts))
    try:
        days: list[dt.date | None] = list(map(dt.date.fromisoformat, texts))
    except ValueError:  # 30 February …
        days = [_real_date(text) for text in texts]
    if max(filter(None, days), default=today) > today or min(filter(None, days), default=today) < _EARLIEST_BIRTH:
        days = [day if day is not None and _EARLIEST_BIRTH <= day <= today else None for day in days]
    dates.update(zip(keys, days))


def _real_date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def _cell_keys(cells: list[Any]) -> list[Any]:
    """Table keys for a column: the cells themselves when all are text, else (type, value) pairs."""
    try:
        "".join(cells)
        return cells
    except TypeError:
        return list(zip(map(type, cells), cells))


def _finish(result: ParsedSheet, state: dict) -> None:
    mangled = state.get("mangled", 0)
    if mangled:
        result.hints.append(
            tr("有 {n} 行身份证号码被 Excel 存成了数字，末几位已丢失。请在原始表格中把身份证号列设置为“文本”格式，"
               "从原始资料重新粘贴后再导入；本次没有导入任何数据").format(n=mangled))


def read_voter_workbook(path: str | Path, sheet: str | int | None = None,
                        mapping: Mapping[str, str | int] | None = None, header_row: int | None = None,
                        today: dt.date | None = None, default_category: VoterCategory = VoterCategory.RESIDENT,
                        progress: Callable[[int, int], None] | None = None, *,
                        election_day: dt.date | None = None, min_age: int = 18) -> ParsedSheet:
    """Read and validate a voter list. Picks the first sheet that has a voter header when ``sheet`` is None.
    With ``election_day``, persons under ``min_age`` on that day are left out and listed (:func:`flag_under_age`)."""
    pick = None if (sheet is not None or mapping) else _looks_like_voter_sheet
    # The collector stays paused until the sheet's rows (one list per row, all made while it was paused) are freed
    # again: a collection in between would walk all of them for nothing (see gc_paused).
    with gc_paused():
        raw = read_sheet(path, sheet, pick=pick)
        parsed = parse_voter_sheet(raw, mapping=mapping, header_row=header_row, today=today,
                                   default_category=default_category, progress=progress,
                                   election_day=election_day, min_age=min_age)
        del raw
    return parsed


def header_candidates(raw: RawSheet) -> list[tuple[int, str]]:
    """(0-based column, header text) of the detected header row, for a mapping dialog."""
    info = detect_header(raw.rows, raw.merged)
    if info is None:
        return []
    return sorted(info.labels.items())


def field_choices() -> Iterable[tuple[str, str]]:
    """(key, Chinese label) of every importable field, in display order."""
    return [(f.key, f.label) for f in FIELDS]
