"""The county joint-review workbook (县级联审表): its layout, the plain data written into it, and the reader of the
returned file. No Qt, no database. The writer is ``villagevote.reports.xlsx.county_review`` (a report), called by the
``county-review`` export.

Layout of the sheet «县级联审»::

    row 1   title (township, cycle, export number)
    row 2   序号 | 村 | 姓名 | 性别 | 身份证号码 | 出生年月 | 政治面貌 | 参选职务 | <department 1, merged over 4> | …
    row 3   (merged with row 2)                                         | 有无情况 | 意见 | 经办人 | 日期 | …
    row 4…  one row per candidate (person), ID number stored as text

The header is frozen under row 3 and beside the ID column; each printed page repeats rows 2–3 and columns A–E.
«有无情况» cells carry a drop-down (无 / 有) and dates are formatted yyyy-mm-dd. A second sheet «填写说明» tells the
departments what to fill in and lists the rule codes each department checks. A hidden sheet ``_meta`` carries the
township, cycle and export number so that a workbook from another township (or an edited copy without it) is
recognised when it comes back.

:func:`read_county_workbook` reads the returned file (.xlsx, .xls or .ods via ``villagevote.workbooks``) into plain rows that
keep their sheet row numbers; judging the answers is ``villagevote.qualification.county_review``'s job.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from villagevote.cells import cell_text, is_blank
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.workbooks import column_letter, open_workbook

__all__ = [
    "ANSWER_FIELDS",
    "FIXED_COLUMNS",
    "META_KIND",
    "SHEET_NAME",
    "CountyRow",
    "CountySheet",
    "RawAnswer",
    "ReturnedRow",
    "ReturnedWorkbook",
    "read_county_workbook",
]

SHEET_NAME = "县级联审"
META_SHEET = "_meta"  # the hidden sheet ``reports.xlsx.base.set_metadata`` writes
HELP_SHEET = "填写说明"
META_KIND = "villagevote.county_review"
FORMAT_VERSION = 1

# (key, header, width)
FIXED_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("seq", "序号", 5),
    ("village", "村", 9),
    ("name", "姓名", 8),
    ("gender", "性别", 5),
    ("id_number", "身份证号码", 20),
    ("birth", "出生年月", 9),
    ("political", "政治面貌", 9),
    ("posts", "参选职务", 18),
)
# per department: (key, header, width)
ANSWER_FIELDS: tuple[tuple[str, str, float], ...] = (
    ("has_issue", "有无情况", 8),
    ("opinion", "意见", 18),
    ("handler", "经办人", 8),
    ("date", "日期", 11),
)
HEADER_ROW_1 = 2
HEADER_ROW_2 = 3
FIRST_DATA_ROW = 4


@dataclass(frozen=True)
class CountyRow:
    """One candidate (person) as exported."""

    seq: int
    village: str
    name: str
    gender: str
    id_number: str
    birth: str
    political: str
    posts: str


@dataclass(frozen=True)
class CountySheet:
    """Everything the writer needs."""

    township_id: int
    township: str
    county: str
    cycle_id: int
    cycle_name: str
    export_id: str
    exported_on: dt.date
    departments: tuple[str, ...]
    rules_by_department: dict[str, list[tuple[str, str]]]  # department -> [(code, text)]
    rows: Sequence[CountyRow]
    village: str = ""  # the one village exported, or "" for the whole township


@dataclass(frozen=True)
class RawAnswer:
    """One department's cells for one row, as read (values untouched, blanks as None)."""

    has_issue: Any
    opinion: Any
    handler: Any
    date: Any

    def is_blank(self) -> bool:
        return all(is_blank(v) for v in (self.has_issue, self.opinion, self.handler, self.date))


@dataclass(frozen=True)
class ReturnedRow:
    row_number: int  # 1-based sheet row, as Excel shows it
    id_number: Any
    name: Any
    village: Any
    answers: dict[str, RawAnswer]


@dataclass
class ReturnedWorkbook:
    path: Path
    meta: dict[str, str]
    departments: list[str]
    rows: list[ReturnedRow] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------------------------

def read_county_workbook(path: Path | str) -> ReturnedWorkbook:
    """Read a returned joint-review workbook. Raises ValidationError when it is not one (wrong file, sheet renamed,
    header changed, metadata missing); answers are returned raw for the domain to judge."""
    path = Path(path)
    # The guarded reader: unreadable, truncated, oversized or password-protected files become a Chinese message.
    with open_workbook(path) as wb:
        names = list(wb.sheet_names)
        if META_SHEET not in names:
            raise ValidationError(tr(
                "“{name}”里没有本系统导出时写入的隐藏信息，无法确认是哪个乡镇、哪一次导出的联审表。"
                "请让县里在本系统导出的原文件上填写后返回，不要复制到新工作簿。").format(name=path.name))
        meta: dict[str, str] = {}
        for row in wb.read(META_SHEET).rows:
            if len(row) >= 2 and not is_blank(row[0]):
                meta[str(row[0]).strip()] = cell_text(row[1])
        if meta.get("kind") != META_KIND:
            raise ValidationError(tr("“{name}”不是县级联审表（导出信息中的类型为“{kind}”）。").format(
                name=path.name, kind=meta.get("kind", "")))
        if SHEET_NAME not in names:
            raise ValidationError(tr("“{name}”中找不到工作表“{sheet}”（工作表是否被改名？现有：{names}）").format(
                name=path.name, sheet=SHEET_NAME, names="、".join(n for n in names if n != META_SHEET)))
        sheet = wb.read(SHEET_NAME)
    grid = sheet.rows
    # ID numbers and names from which invisible characters (zero-width, bidi, control) were removed are refused:
    # the returned answers are matched to candidates by them.
    keys = [k for k, _, _ in FIXED_COLUMNS]
    identity = {keys.index(k): h for k, h, _ in FIXED_COLUMNS if k in ("id_number", "name")}
    cleaned = sheet.cleaned_cells(identity, FIRST_DATA_ROW - 1)
    if cleaned:
        lines = [tr("第{row}行“{label}”含有看不见的字符（{what}）").format(row=row, label=tr(identity[col]), what=what)
                 for row, col, what in cleaned[:20]]
        raise ValidationError(tr(
            "“{name}”的工作表“{sheet}”中有 {n} 个姓名或身份证号码单元格含有看不见的字符（多为从网页或聊天软件复制带入），"
            "为免对错人，未导入任何数据。请在原表中删除这些单元格的内容后重新输入：\n{lines}").format(
            name=path.name, sheet=SHEET_NAME, n=len(cleaned), lines="\n".join(lines)))
    return _parse_grid(path, meta, grid)


def _parse_grid(path: Path, meta: dict[str, str], grid: list[list[Any]]) -> ReturnedWorkbook:
    if len(grid) < HEADER_ROW_2:
        raise ValidationError(tr("“{name}”的工作表“{sheet}”是空的或缺少表头。").format(name=path.name, sheet=SHEET_NAME))
    top = [cell_text(v) for v in grid[HEADER_ROW_1 - 1]]
    sub = [cell_text(v) for v in grid[HEADER_ROW_2 - 1]]
    width = max(len(top), len(sub))
    top += [""] * (width - len(top))
    sub += [""] * (width - len(sub))
    for col, (_, text, _) in enumerate(FIXED_COLUMNS):
        if top[col] != tr(text):
            raise ValidationError(tr("第{row}行第{col}列的表头应为“{expected}”，实际为“{actual}”。请不要改动左侧各列。").format(
                row=HEADER_ROW_1, col=column_letter(col), expected=tr(text), actual=top[col]))
    departments: list[str] = []
    columns: dict[str, int] = {}
    col = len(FIXED_COLUMNS)
    n = len(ANSWER_FIELDS)
    while col < width and (top[col] or any(sub[col:col + n])):
        dept = top[col]
        expected = [tr(h) for _, h, _ in ANSWER_FIELDS]
        got = sub[col:col + n] + [""] * max(0, col + n - width)
        if not dept:
            raise ValidationError(tr("第{row}行第{col}列应为部门名称，实际为空。").format(
                row=HEADER_ROW_1, col=column_letter(col)))
        if got != expected:
            raise ValidationError(tr("“{dept}”下的四列应为“{expected}”，实际为“{actual}”（第{row}行，从{col}列起）。").format(
                dept=dept, expected="、".join(expected), actual="、".join(got), row=HEADER_ROW_2,
                col=column_letter(col)))
        if dept in columns:
            raise ValidationError(tr("部门“{dept}”在表头中出现了两次。").format(dept=dept))
        departments.append(dept)
        columns[dept] = col
        col += n
    result = ReturnedWorkbook(path=path, meta=meta, departments=departments)
    keys = [k for k, _, _ in FIXED_COLUMNS]
    for r in range(FIRST_DATA_ROW - 1, len(grid)):
        cells = list(grid[r]) + [None] * (width - len(grid[r]))
        if all(is_blank(v) for v in cells):
            continue
        fixed = dict(zip(keys, cells[: len(FIXED_COLUMNS)]))
        answers = {}
        for dept, c in columns.items():
            answers[dept] = RawAnswer(*(None if is_blank(v) else v for v in cells[c:c + n]))
        result.rows.append(ReturnedRow(row_number=r + 1, id_number=fixed["id_number"], name=fixed["name"],
                                       village=fixed["village"], answers=answers))
    return result
