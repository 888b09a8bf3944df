"""What reading a voter list yields (:class:`VoterRow`, :class:`RowError`, :class:`ParsedSheet`) and the detailed
row-by-row checker that gives every message; persons under age on the election day are left out and listed
(:func:`flag_under_age`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import mul
from pathlib import Path
from typing import Any, NamedTuple

from villagevote.i18n import tr
from villagevote.idcard import PROVINCES, IdInfo, InvalidIdNumber, excel_mangled, parse_id_number
from villagevote.models.enums import VoterCategory
from villagevote.voters.cells import (
    EARLIEST_BIRTH,
    ID_CHECK,
    ID_OFFSET,
    ID_SHAPE,
    ID_WEIGHTS,
    add_birth_dates,
    cell_shown,
    cell_text,
    clean_cell_name,
    parse_category,
    parse_date_value,
    parse_deprived,
    parse_gender,
)
from villagevote.voters.eligibility import adulthood_date, latest_birth_of_age
from villagevote.workbooks import Sheet as RawSheet


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


def flag_under_age(result: ParsedSheet, election_day: dt.date, min_age: int = 18) -> list[tuple[int, str]]:
    """Leave the rows of persons under ``min_age`` on ``election_day`` out of the accepted rows and list them, with
    the row and the day each comes of age, in ``result.under_age``: they are not voters, so they are not written to
    the register, and the check shows them before the import (a police household list holds the children too; they
    are not errors to correct by hand).

    Column-wise and cheap: one comparison per birth date against the last birth date old enough
    (:func:`villagevote.voters.eligibility.latest_birth_of_age`); the columns are rebuilt only when someone is under
    age. Records the day checked in ``result.age_checked_on``; returns the rows newly left out.
    """
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


def invisible_errors(raw: RawSheet, first_row: int, columns: dict[str, int], header_of: Callable[[int], str],
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


def _id_cell(value: Any, today: dt.date) -> tuple[IdInfo | None, str, bool]:
    """An ID-number cell through the full GB 11643 checker: (info, "", False), or (None, the reason, whether Excel
    stored the number as a number and lost its last digits)."""
    try:
        return parse_id_number(value, today=today), "", False
    except InvalidIdNumber as exc:
        reason = exc.message
        lost = excel_mangled(value)
        if lost and isinstance(value, (int, float)):
            reason += tr("；单元格里是数字，末几位已经丢失，无法恢复，请从原始资料重新录入")
        return None, reason, lost


def _gender_cell(value: Any) -> tuple[str | None, str]:
    """A 性别 cell: ("男"/"女" or None, "") or (None, the reason it names neither)."""
    if value == "男" or value == "女":
        return value, ""
    try:
        return parse_gender(value), ""
    except ValueError as exc:
        return None, str(exc)


def _birth_cell(value: Any, today: dt.date) -> dt.date | str:
    """A 出生日期 cell as a date, or the reason it is not a plausible birth date."""
    try:
        day = parse_date_value(value)
    except ValueError as exc:
        return str(exc)
    if day > today:
        return tr("出生日期 {date} 晚于今天").format(date=day.isoformat())
    if day < EARLIEST_BIRTH:
        return tr("出生日期 {date} 早于1900年，不合理").format(date=day.isoformat())
    return day


def _category_cell(value: Any, default: VoterCategory, cache: dict[Any, VoterCategory | str]) -> VoterCategory | str:
    """A 登记类别 cell as a category, or the reason it names none (cached: a column repeats a few values). Keyed by
    type too: True == 1 == 1.0 in Python, and a yes/no cell must not borrow the verdict of a 1."""
    key = value if type(value) is str else (type(value), value)
    cached = cache.get(key)
    if cached is None:
        try:
            cached = parse_category(value, default)
        except ValueError as exc:
            cached = str(exc)
        cache[key] = cached
    return cached


def check_rows(rows: list[list[Any]], indices: Iterable[int], columns: dict[str, int],
                header_of: Callable[[int], str], result: ParsedSheet, today: dt.date, default_category: VoterCategory,
                state: dict) -> None:
    """The detailed per-row checker: every rule, every message. Used for the rows the column-wise fast path in
    :func:`villagevote.voters.fastcheck._parse_block` does not vouch for (and for whole blocks it cannot handle)."""
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
    id_shape = ID_SHAPE.fullmatch
    weights = ID_WEIGHTS
    offset = ID_OFFSET
    checks = ID_CHECK
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
                skipped.append((excel_row, tr("表尾说明行：{text}").format(text=cell_shown(footer))))
                continue
        row_errors_before = len(errors)

        # Name
        name = name_value.strip() if type(name_value) is str else cell_text(name_value)
        if id_value == "" and name and name.startswith(_FOOTER_WORDS):
            skipped.append((excel_row, tr("表尾说明行：{text}").format(text=cell_shown(name_value))))
            continue
        if " " in name or "\u3000" in name or "\t" in name:
            name = clean_cell_name(name)
        if not name:
            errors.append(RowError(excel_row, h_name, "", tr("姓名为空")))
        elif len(name) > 64:
            errors.append(RowError(excel_row, h_name, cell_shown(name_value), tr("姓名过长（超过64个字）")))

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
                        add_birth_dates([key], date_cache, iso_cache, today)
                    id_birth = date_cache[key]
                    if id_birth is not None:
                        id_iso = iso_cache[key]
                        number = s
                        id_gender = "男" if ord(s[16]) & 1 else "女"
            if number is None:
                info, reason, lost = _id_cell(id_value, today)
                if info is None:
                    mangled += lost
                    errors.append(RowError(excel_row, h_id, cell_shown(id_value), reason))
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
                    id_birth is not None and birth_value in (id_iso, id_birth)):
                parsed = cell_date_cache.get(birth_value) if type(birth_value) is str else None
                if parsed is None:
                    parsed = _birth_cell(birth_value, today)
                    if type(birth_value) is str:
                        cell_date_cache[birth_value] = parsed
                if isinstance(parsed, str):
                    errors.append(RowError(excel_row, h_birth, cell_shown(birth_value), parsed))
                elif id_birth is not None and parsed != id_birth:
                    errors.append(RowError(
                        excel_row, h_birth, cell_shown(birth_value),
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
                given, reason = _gender_cell(gender_value)
                if reason:
                    errors.append(RowError(excel_row, h_gender, cell_shown(gender_value), reason))
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
                cached = _category_cell(cat_value, default_category, category_cache)
                if type(cached) is str:  # a message; a VoterCategory is a str too, hence type(), not isinstance
                    errors.append(RowError(excel_row, header_of(c_cat), cell_shown(cat_value), cached))
                else:
                    category = cached  # type: ignore[assignment]  # the str-enum member (type() above tells it apart)
        deprived = False
        if c_dep >= 0 and c_dep < n and cells[c_dep] != "":
            try:
                deprived = parse_deprived(cells[c_dep])
            except ValueError as exc:
                errors.append(RowError(excel_row, header_of(c_dep), cell_shown(cells[c_dep]), str(exc)))

        if len(errors) != row_errors_before:
            continue
        group_value = cells[c_group] if 0 <= c_group < n else ""
        add(Row(
            excel_row, name, number, gender, birth,
            group_value.strip() if type(group_value) is str else cell_text(group_value),
            category, deprived,
            cell_text(cells[c_phone]) if 0 <= c_phone < n else "",
            cell_text(cells[c_village]) if 0 <= c_village < n else "",
            cell_text(cells[c_note]) if 0 <= c_note < n else "",
        ))
    state["mangled"] = mangled
