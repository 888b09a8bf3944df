"""The columns of a voter list: the importable fields and their header synonyms, finding the header row (titles
above it, merged and two-row headers) and resolving a clerk's column mapping. Nothing here reads files or touches
the database."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.voters.cells import norm_header
from villagevote.workbooks import Sheet as RawSheet

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

def _match_field(header: Any) -> str | None:
    """The field key a header cell stands for, or None."""
    text = norm_header(header)
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


def filled_header_grid(rows: list[list[Any]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]],
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
    grid = filled_header_grid(rows, merged, limit)
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
                # The lower row wins where it names a field; otherwise keep the upper row's text.
                if isinstance(value, str) and value.strip() and (c not in labels or field_of(value) is not None):
                    labels[c] = value
        columns, score = _score(labels, field_of)
        if "name" not in columns or not ({"id_number", "birth_date"} & columns.keys()):
            continue
        # Prefer more fields; on a tie the earlier candidate (a single row comes before the pair it starts) wins.
        if score > best_score:
            best_score = score
            best = HeaderInfo(first, last, columns, {c: str(v).strip() for c, v in labels.items()})
    return best


def looks_like_voter_sheet(rows: list[list[Any]]) -> bool:
    return detect_header(rows) is not None


def resolve_override(override: Mapping[str, str | int], labels: Mapping[int, str], width: int,
                      sheet: str) -> dict[str, int]:
    resolved: dict[str, int] = {}
    by_text: dict[str, int] = {}
    for index, text in labels.items():
        by_text.setdefault(norm_header(text), index)
        by_text.setdefault(text.strip(), index)
    for key, ref in override.items():
        if key not in FIELDS_BY_KEY:
            raise ValidationError(tr("列对应设置里有未知的字段「{key}」").format(key=key))
        if ref is None or ref == "":
            resolved[key] = -1  # explicitly "not in this file"
            continue
        col: int | None
        if isinstance(ref, int):
            col = ref
        else:
            col = by_text.get(ref.strip(), by_text.get(norm_header(ref)))
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


def header_candidates(raw: RawSheet) -> list[tuple[int, str]]:
    """(0-based column, header text) of the detected header row, for a mapping dialog."""
    info = detect_header(raw.rows, raw.merged)
    if info is None:
        return []
    return sorted(info.labels.items())


def field_choices() -> Iterable[tuple[str, str]]:
    """(key, Chinese label) of every importable field, in display order."""
    return [(f.key, f.label) for f in FIELDS]
