"""The sealed statistics workbook (tracking.md §B3, B4): the ``_data`` rows, their canonical CSV and SHA-256, the
cover and the manifest, the layout of the visible tables, and the verification of a workbook read back.

A township workbook (and a county workbook merged from them: the same layout) has the sheets

- ``封面``: 报表代码, 模板版本, 统计时点, 乡镇 (or 汇总单位) and 区划代码, 填表人, 审核人, 电话, 报送日期, 报送序号,
  更正说明, 软件版本 and 数据指纹 (the SHA-256 of the canonical ``_data``; printed on the cover that gets the seal);
- one sheet per county table (``T1 换届完成情况`` …): two-row merged headers, one row per (乡镇, 村) in code order, a
  合计 row per township (and one per merged county), values only;
- ``指标说明``: each indicator's code, label and stated denominator (informational, not verified);
- ``_data``: long format, exactly :data:`DATA_COLUMNS`;
- ``_manifest``: row counts per sheet, the SHA-256 of the canonical ``_data`` and one SHA-256 per (乡镇, 村) block
  (so an edited block is named even when the numbers in it agree with each other).

Canonical ``_data`` (what the fingerprint is taken of): UTF-8 without BOM; the header line
``report_code,template_version,period,township_code,village_code,indicator,numerator,denominator,value``; then one
line per row, rows sorted by their fields compared as strings (Unicode code points) in column order; numerator and
denominator as plain decimal integers (no thousands separators, no leading zeros, "-" for negatives); ``value`` as
shown (``Value.value_text``: "33.3", "48.25", "12", "—"); fields quoted only when they contain a comma, a quote or
a line break (RFC 4180, quotes doubled); every line ends with "\\n".

Domain: no Qt, no reports. Reading goes through :mod:`villagevote.workbooks` (python-calamine, one sheet at a time).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from villagevote.i18n import tr
from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import TOTAL, Indicator, Value
from villagevote.statistics.compliance import consistency_problems
from villagevote.workbooks import WorkbookError, cell_name, column_letter, open_workbook

__all__ = [
    "COVER_SHEET",
    "DATA_COLUMNS",
    "DATA_SHEET",
    "MANIFEST_SHEET",
    "NOTES_SHEET",
    "SUPPORTED_VERSIONS",
    "Cover",
    "DataRow",
    "Manifest",
    "SealError",
    "SealedFile",
    "canonical_csv",
    "cn_date_text",
    "data_sha256",
    "group_hashes",
    "read_sealed",
    "rows_from_values",
    "table_layout",
    "write_data_csv",
]

COVER_SHEET = "封面"
DATA_SHEET = "_data"
MANIFEST_SHEET = "_manifest"
NOTES_SHEET = "指标说明"
DATA_COLUMNS: tuple[str, ...] = ("report_code", "template_version", "period", "township_code", "village_code",
                                 "indicator", "numerator", "denominator", "value")
SUPPORTED_VERSIONS: tuple[str, ...] = (cat.TEMPLATE_VERSION,)
HEADER_ROWS = 3  # title, group header, indicator header: data from Excel row 4
LEAD_COLUMNS = 3  # 乡镇代码, 村代码, 名称
MAX_PROBLEMS = 12


# --------------------------------------------------------------------------------------------------------------
# Rows and their canonical form
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DataRow:
    """One row of ``_data``."""
    report_code: str
    template_version: str
    period: str
    township_code: str
    village_code: str
    indicator: str
    numerator: int
    denominator: int
    value: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.township_code, self.village_code, self.indicator

    @property
    def group(self) -> tuple[str, str]:
        return self.township_code, self.village_code

    def fields(self) -> tuple[str, ...]:
        return (self.report_code, self.template_version, self.period, self.township_code, self.village_code,
                self.indicator, str(self.numerator), str(self.denominator), self.value)

    def as_value(self, village_code: str | None = None) -> Value:
        return Value(self.indicator, self.village_code if village_code is None else village_code, self.numerator,
                     self.denominator)


def rows_from_values(report_code: str, template_version: str, period: str, township_code: str,
                     values: Iterable[Value]) -> list[DataRow]:
    """``_data`` rows of one township's values (``Value.village_code`` "" = its total), value text as shown."""
    return [DataRow(report_code, template_version, period, township_code, v.village_code, v.indicator,
                     v.numerator, v.denominator, v.value_text()) for v in values]


def _csv_lines(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def canonical_csv(rows: Iterable[DataRow]) -> bytes:
    """The canonical UTF-8 CSV of ``_data`` (see the module documentation): header, rows sorted, "\\n" line ends."""
    body = sorted(row.fields() for row in rows)
    return (_csv_lines([DATA_COLUMNS]) + _csv_lines(body)).encode("utf-8")


def data_sha256(rows: Iterable[DataRow]) -> str:
    """SHA-256 (hex, lower case) of :func:`canonical_csv`."""
    return hashlib.sha256(canonical_csv(rows)).hexdigest()


def group_hashes(rows: Iterable[DataRow]) -> dict[tuple[str, str], str]:
    """SHA-256 of the canonical lines (without header) of each (township_code, village_code) block."""
    groups: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for row in rows:
        groups.setdefault((row.township_code, row.village_code), []).append(row.fields())
    return {key: hashlib.sha256(_csv_lines(sorted(lines)).encode("utf-8")).hexdigest()
            for key, lines in groups.items()}


def write_data_csv(rows: Iterable[DataRow], out: Path | str) -> Path:
    """The canonical ``_data`` alone, as a CSV file (its SHA-256 is the workbook's fingerprint)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    tmp.write_bytes(canonical_csv(rows))
    tmp.replace(out)
    return out


# --------------------------------------------------------------------------------------------------------------
# Cover and manifest
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cover:
    report_code: str
    template_version: str
    period: str            # 统计时点: "2026-11-18" (structure), "2026-11" or "2026Q4" (tracking)
    unit_name: str         # 乡镇 (or the county of a merged workbook)
    unit_code: str         # 区划代码 of that unit
    filled_by: str = ""
    reviewed_by: str = ""
    phone: str = ""
    submitted_on: str = ""  # 2026年11月18日
    serial: int = 1         # 报送序号
    correction: str = ""    # 更正说明 (the reason of a correction)
    software: str = ""
    sha256: str = ""
    merged: bool = False    # a merged (county) workbook: 汇总单位 instead of 乡镇


def cover_items(cover: Cover) -> list[tuple[str, str]]:
    """(label, text) pairs of the cover, in print order."""
    return [
        (tr("报表代码"), cover.report_code),
        (tr("模板版本"), cover.template_version),
        (tr("统计时点"), cover.period),
        (tr("汇总单位") if cover.merged else tr("乡镇"), cover.unit_name),
        (tr("区划代码"), cover.unit_code),
        (tr("填表人"), cover.filled_by),
        (tr("审核人"), cover.reviewed_by),
        (tr("电话"), cover.phone),
        (tr("报送日期"), cover.submitted_on),
        (tr("报送序号"), str(cover.serial)),
        (tr("更正说明"), cover.correction),
        (tr("软件版本"), cover.software),
        (tr("数据指纹（SHA-256）"), cover.sha256),
    ]


@dataclass(frozen=True)
class Manifest:
    report_code: str
    template_version: str
    period: str
    unit_code: str
    serial: int
    sheet_rows: dict[str, int]
    data_rows: int
    data_sha256: str
    groups: dict[tuple[str, str], str] = field(default_factory=dict)


def manifest_items(manifest: Manifest) -> list[tuple[str, str | int]]:
    """(key, value) rows of ``_manifest`` (keys are stable English codes; read back by :func:`_read_manifest`)."""
    items: list[tuple[str, str | int]] = [
        ("report_code", manifest.report_code),
        ("template_version", manifest.template_version),
        ("period", manifest.period),
        ("unit_code", manifest.unit_code),
        ("serial", manifest.serial),
    ]
    items += [(f"rows:{name}", n) for name, n in manifest.sheet_rows.items()]
    items += [("data_rows", manifest.data_rows), ("data_sha256", manifest.data_sha256),
              ("canonical", "utf-8 csv; header " + ",".join(DATA_COLUMNS)
               + "; rows sorted as strings field by field; integers plain; LF")]
    items += [(f"block:{t}/{v}", h) for (t, v), h in manifest.groups.items()]
    return items


# --------------------------------------------------------------------------------------------------------------
# Layout of the visible tables (shared by the writer and the verifier)
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableLayout:
    key: str                       # "T2"
    title: str                     # "T2 两委成员结构" (the sheet name)
    indicators: tuple[Indicator, ...]

    def column_of(self, code: str) -> int:
        """0-based column of an indicator on the sheet."""
        for i, definition in enumerate(self.indicators):
            if definition.code == code:
                return LEAD_COLUMNS + i
        raise KeyError(code)


def table_layout(report_code: str) -> list[TableLayout]:
    """The visible tables of one report, in print order, each with its indicator columns in catalogue order."""
    indicators = cat.catalog(report_code)
    return [TableLayout(key, cat.table_title(key), tuple(i for i in indicators if i.table == key))
            for key in cat.TABLES if any(i.table == key for i in indicators)]


def display_order(groups: Iterable[tuple[str, str]], unit_code: str) -> list[tuple[str, str]]:
    """(township_code, village_code) blocks in print order: each township's villages in code order, then its 合计;
    townships in code order; totals of other units (a county inside a city file) after them; the file's own total
    (``unit_code``, "") last."""
    keys = set(groups)
    grand = (unit_code, TOTAL)
    with_villages = {t for t, v in keys if v != TOTAL}
    ordered = sorted((k for k in keys if k != grand and k[0] in with_villages),
                     key=lambda k: (k[0], k[1] == TOTAL, k[1]))
    others = sorted(k for k in keys if k != grand and k[0] not in with_villages)
    return ordered + others + ([grand] if grand in keys else [])


def value_cell(row: DataRow) -> Any:
    """What a visible table cell holds: the shown value as a number (Decimal keeps the digits), "—" without one."""
    if row.value in ("", "—"):
        return row.value
    try:
        number = Decimal(row.value)
    except InvalidOperation:
        return row.value
    return int(number) if number == number.to_integral_value() and "." not in row.value else number


# --------------------------------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------------------------------
def cn_date_text(day: dt.date) -> str:
    """2026年11月18日 (the reports' ``cn_date``; the domain may not import reports)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _version_key(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in version.strip().split("."))
    except ValueError:
        return None


def version_problem(version: str) -> str | None:
    """None when ``version`` is supported; else why not (newer, older or unreadable), in Chinese."""
    if version in SUPPORTED_VERSIONS:
        return None
    newest = max(SUPPORTED_VERSIONS, key=lambda v: _version_key(v) or ())
    key, newest_key = _version_key(version), _version_key(newest)
    if key is None or newest_key is None:
        return tr("模板版本「{v}」无法识别（本程序支持 {ok}）").format(v=version, ok="、".join(SUPPORTED_VERSIONS))
    if key > newest_key:
        return tr("模板版本 {v} 比本程序支持的 {ok} 新，请升级软件后再汇总").format(v=version, ok=newest)
    return tr("模板版本 {v} 是旧版本，本程序只支持 {ok}，请让报送单位用新版软件重新生成").format(
        v=version, ok="、".join(SUPPORTED_VERSIONS))


# --------------------------------------------------------------------------------------------------------------
# Reading and verifying
# --------------------------------------------------------------------------------------------------------------
class SealError(WorkbookError):
    """A statistics workbook that fails verification; ``problems`` lists each problem (file, sheet and cell)."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        shown = list(problems[:MAX_PROBLEMS])
        more = tr("\n（另有 {n} 处问题未列出）").format(n=len(problems) - len(shown)) if len(problems) > len(shown) else ""
        super().__init__(tr("文件「{name}」未通过校验，不能汇总：\n{lines}{more}").format(
            name=path.name, lines="\n".join("· " + p for p in shown), more=more))
        self.path = path
        self.problems = list(problems)


@dataclass
class SealedFile:
    """A verified statistics workbook."""
    path: Path
    cover: Cover
    rows: list[DataRow]
    names: dict[tuple[str, str], str]
    sha256: str

    def top_totals(self) -> list[DataRow]:
        """The file's own total rows (区划代码 of the cover, village "")."""
        return [r for r in self.rows if r.township_code == self.cover.unit_code and r.village_code == TOTAL]


def _where(sheet: str, row0: int, col: int) -> str:
    return f"{sheet}!{cell_name(row0, col)}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        return None


def _read_cover(rows: list[list[Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and _text(row[0]):
            found.setdefault(_text(row[0]), _text(row[1]))
    return found


def _cover_from(found: dict[str, str], problems: list[str]) -> Cover:
    def get(label: str) -> str:
        value = found.get(label)
        if value is None:
            problems.append(tr("工作表「{sheet}」缺少项目「{label}」").format(sheet=COVER_SHEET, label=label))
            return ""
        return value

    merged = tr("汇总单位") in found
    serial_text = get(tr("报送序号"))
    serial = _integer(serial_text)
    if serial is None or serial < 1:
        if serial_text:
            problems.append(tr("工作表「{sheet}」的报送序号「{v}」不是正整数").format(sheet=COVER_SHEET, v=serial_text))
        serial = 0
    return Cover(report_code=get(tr("报表代码")), template_version=get(tr("模板版本")), period=get(tr("统计时点")),
                 unit_name=found.get(tr("汇总单位"), "") if merged else get(tr("乡镇")),
                 unit_code=get(tr("区划代码")), filled_by=found.get(tr("填表人"), ""),
                 reviewed_by=found.get(tr("审核人"), ""), phone=found.get(tr("电话"), ""),
                 submitted_on=found.get(tr("报送日期"), ""), serial=serial,
                 correction=found.get(tr("更正说明"), ""), software=found.get(tr("软件版本"), ""),
                 sha256=get(tr("数据指纹（SHA-256）")).lower(), merged=merged)


def _read_data(rows: list[list[Any]], problems: list[str]) -> tuple[list[DataRow], list[int]]:
    """``_data`` rows and their 0-based sheet rows; malformed cells are named in ``problems``."""
    if not rows:
        problems.append(tr("工作表「{sheet}」是空的").format(sheet=DATA_SHEET))
        return [], []
    header = [_text(v) for v in rows[0]]
    if tuple(header[:len(DATA_COLUMNS)]) != DATA_COLUMNS or any(header[len(DATA_COLUMNS):]):
        problems.append(tr("工作表「{sheet}」第 1 行的列名应为 {cols}，实际为 {got}").format(
            sheet=DATA_SHEET, cols=",".join(DATA_COLUMNS), got=",".join(h for h in header if h)))
        return [], []
    out: list[DataRow] = []
    lines: list[int] = []
    intern = sys.intern
    for r in range(1, len(rows)):
        raw = rows[r]
        t = [intern(v.strip()) if type(v) is str else intern(_text(v)) for v in raw[:6]]
        if not any(t) and not any(_text(v) for v in raw[6:]):
            continue
        numbers: list[int] = []
        for c in (6, 7):
            cell = raw[c]
            number = int(cell) if type(cell) is float and cell.is_integer() else _integer(cell)
            if number is None:
                problems.append(tr("{where}：「{v}」不是整数").format(where=_where(DATA_SHEET, r, c), v=_text(cell)))
                number = 0
            numbers.append(number)
        value = raw[8]
        value_text = value.strip() if type(value) is str else repr(value) if isinstance(value, float) else _text(value)
        out.append(DataRow(t[0], t[1], t[2], t[3], t[4], t[5], numbers[0], numbers[1], value_text))
        lines.append(r)
    return out, lines


def _read_manifest(rows: list[list[Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows[1:]:
        if len(row) >= 2 and _text(row[0]):
            found[_text(row[0])] = _text(row[1])
    return found


def _check_data(path: Path, cover: Cover, data: list[DataRow], lines: list[int], problems: list[str]) -> None:
    """Row by row: codes match the cover, known indicators, no duplicates, value = numerator/denominator shown."""
    seen: dict[tuple[str, str, str], int] = {}
    labels = (tr("报表代码"), tr("模板版本"), tr("统计时点"))
    wanted = (cover.report_code, cover.template_version, cover.period)
    definitions: dict[str, Indicator | None] = {}
    shown: dict[tuple[str, int, int], str] = {}
    for row, r in zip(data, lines, strict=True):
        if (row.report_code, row.template_version, row.period) != wanted:
            for c, (got, want, label) in enumerate(zip((row.report_code, row.template_version, row.period), wanted,
                                                       labels, strict=True)):
                if got != want:
                    problems.append(tr("{where}：{label}「{got}」与封面的「{want}」不一致").format(
                        where=_where(DATA_SHEET, r, c), label=label, got=got, want=want))
        if row.indicator not in definitions:
            try:
                definitions[row.indicator] = cat.indicator(row.indicator)
            except KeyError:
                definitions[row.indicator] = None
        definition = definitions[row.indicator]
        if definition is None:
            problems.append(tr("{where}：指标代码「{code}」不在模板 {v} 中").format(
                where=_where(DATA_SHEET, r, 5), code=row.indicator, v=cover.template_version))
            continue
        if definition.report != cover.report_code:
            problems.append(tr("{where}：指标「{code}」不属于报表 {report}").format(
                where=_where(DATA_SHEET, r, 5), code=row.indicator, report=cover.report_code))
        key = (row.township_code, row.village_code, row.indicator)
        if key in seen:
            problems.append(tr("{where}：乡镇 {t} 村 {v} 的指标「{code}」重复（另见第 {other} 行）").format(
                where=_where(DATA_SHEET, r, 5), t=row.township_code, v=row.village_code or tr("合计"),
                code=row.indicator, other=seen[key] + 1))
        seen[key] = r
        if row.denominator < 0 or (row.numerator < 0 and definition.difference_of is None):
            problems.append(tr("{where}：分子、分母不能为负数").format(where=_where(DATA_SHEET, r, 6)))
            continue
        if definition.kind == "count" and row.denominator != 1:
            problems.append(tr("{where}：「{label}」是人数或村数，分母应为 1，实际为 {d}").format(
                where=_where(DATA_SHEET, r, 7), label=definition.label, d=row.denominator))
        fraction = (row.indicator, row.numerator, row.denominator)
        expected = shown.get(fraction)
        if expected is None:
            expected = shown[fraction] = Value(row.indicator, "", row.numerator, row.denominator).value_text()
        if row.value != expected:
            problems.append(tr("{where}：「{label}」的值「{got}」与分子 {n} ÷ 分母 {d} 算出的「{want}」不符").format(
                where=_where(DATA_SHEET, r, 8), label=definition.label, got=row.value, n=row.numerator,
                d=row.denominator, want=expected))


def _check_complete(cover: Cover, data: list[DataRow], lines: list[int], problems: list[str]) -> None:
    """Every block carries every indicator of the report, and each township's 合计 equals its villages' totals."""
    wanted = [i.code for i in cat.catalog(cover.report_code)]
    blocks: dict[tuple[str, str], dict[str, tuple[DataRow, int]]] = {}
    for row, r in zip(data, lines, strict=True):
        blocks.setdefault((row.township_code, row.village_code), {})[row.indicator] = (row, r)
    for (t, v), got in blocks.items():
        missing = [code for code in wanted if code not in got]
        if missing:
            problems.append(tr("工作表「{sheet}」乡镇 {t} 村 {v} 缺少指标：{codes}").format(
                sheet=DATA_SHEET, t=t, v=v or tr("合计"), codes="、".join(missing[:6])
                + (tr(" 等 {n} 项").format(n=len(missing)) if len(missing) > 6 else "")))
    if (cover.unit_code, TOTAL) not in blocks:
        problems.append(tr("工作表「{sheet}」没有区划代码 {code} 的合计行").format(sheet=DATA_SHEET, code=cover.unit_code))
    townships = sorted({t for t, v in blocks if v != TOTAL})
    township_totals: list[Value] = []
    for t in townships:
        if (t, TOTAL) not in blocks:
            problems.append(tr("工作表「{sheet}」没有乡镇 {t} 的合计行").format(sheet=DATA_SHEET, t=t))
            continue
        members = [row.as_value() for (tt, v), got in blocks.items() if tt == t and v != TOTAL
                   for row, _r in got.values()]
        _compare_totals(blocks[(t, TOTAL)], cat.totals(members), t, problems)
        township_totals += [row.as_value(village_code=t) for row, _r in blocks[(t, TOTAL)].values()]
    if (cover.unit_code, TOTAL) in blocks and cover.unit_code not in townships and township_totals:
        # a merged file: its own total is recomputed from its townships' totals
        _compare_totals(blocks[(cover.unit_code, TOTAL)], cat.totals(township_totals), cover.unit_code, problems)
    # a city's file holds each county's total too: checked against the townships whose 区划代码 begins with the
    # county's (codes are hierarchical; a total whose code begins none is left to the fingerprint)
    for unit in sorted(t for t, v in blocks if v == TOTAL and t not in townships and t != cover.unit_code):
        inside = [value for value in township_totals if value.village_code.startswith(unit)]
        if inside:
            _compare_totals(blocks[(unit, TOTAL)], cat.totals(inside), unit, problems)


def _compare_totals(got: dict[str, tuple[DataRow, int]], expected: list[Value], unit: str,
                    problems: list[str]) -> None:
    for value in expected:
        found = got.get(value.indicator)
        if found is None:
            continue
        row, r = found
        if (row.numerator, row.denominator) != (value.numerator, value.denominator):
            problems.append(tr("{where}：{unit} 合计的「{label}」为 {n}/{d}，由各村（各乡镇）分子分母重新汇总应为 "
                               "{en}/{ed}").format(where=_where(DATA_SHEET, r, 6), unit=unit,
                                                   label=cat.indicator(value.indicator).label, n=row.numerator,
                                                   d=row.denominator, en=value.numerator, ed=value.denominator))


def _check_consistency(data: list[DataRow], lines: list[int], problems: list[str]) -> None:
    """tracking.md §B4 rules on every block (:func:`villagevote.statistics.compliance.consistency_problems`), each
    problem named at the ``_data`` cells of the indicators it involves (the first is the one to look at)."""
    blocks: dict[tuple[str, str], list[tuple[DataRow, int]]] = {}
    for row, r in zip(data, lines, strict=True):
        blocks.setdefault((row.township_code, row.village_code), []).append((row, r))
    for (t, _v), members in blocks.items():
        found = consistency_problems([row.as_value() for row, _r in members])
        if not found:
            continue
        by_code = {row.indicator: r for row, r in members}
        for problem in found:
            cells = [_where(DATA_SHEET, by_code[code], 6) for code in problem.indicators if code in by_code]
            problems.append(tr("{where}（乡镇 {t}）：{msg}").format(where="、".join(cells[:4]) or DATA_SHEET, t=t,
                                                               msg=problem.message))


def _check_table(sheet_rows: list[list[Any]], layout: TableLayout, data: dict[tuple[str, str, str], DataRow],
                 groups: set[tuple[str, str]], problems: list[str]) -> tuple[int, dict[tuple[str, str], str]]:
    """Each visible data row (from Excel row 4) names its (乡镇, 村) in columns A–B and its cells equal ``_data``;
    every block appears once. Returns the number of data rows and the names read."""
    sheet = layout.title
    seen: set[tuple[str, str]] = set()
    names: dict[tuple[str, str], str] = {}
    count = 0
    width = LEAD_COLUMNS + len(layout.indicators)
    for r in range(HEADER_ROWS, len(sheet_rows)):
        raw = sheet_rows[r]
        if not any(_text(v) for v in raw[:width]):
            continue
        count += 1
        key = (_text(raw[0]), _text(raw[1]) if len(raw) > 1 else "")
        if key not in groups:
            problems.append(tr("{where}：第 {row} 行的乡镇代码「{t}」、村代码「{v}」在 _data 中没有").format(
                where=_where(sheet, r, 0), row=r + 1, t=key[0], v=key[1]))
            continue
        if key in seen:
            problems.append(tr("{where}：乡镇 {t} 村 {v} 出现了两次").format(where=_where(sheet, r, 0), t=key[0],
                                                                       v=key[1] or tr("合计")))
        seen.add(key)
        names[key] = _text(raw[2]) if len(raw) > 2 else ""
        for i, definition in enumerate(layout.indicators):
            c = LEAD_COLUMNS + i
            cell = raw[c] if c < len(raw) else ""
            row = data.get((key[0], key[1], definition.code))
            if row is None:
                continue
            if not _same_value(cell, row.value):
                problems.append(tr("{where}：「{label}」显示为「{got}」，与 _data 的「{want}」不符（表格单元格被改过）").format(
                    where=_where(sheet, r, c), label=definition.label, got=_text(cell), want=row.value))
    for t, v in sorted(groups - seen):
        problems.append(tr("工作表「{sheet}」缺少乡镇 {t} 村 {v} 的行").format(sheet=sheet, t=t, v=v or tr("合计")))
    return count, names


def _same_value(cell: Any, shown: str) -> bool:
    if shown in ("", "—"):
        return _text(cell) == shown
    got, want = _decimal(cell), _decimal(shown)
    return got is not None and want is not None and got == want


def read_sealed(path: Path | str) -> SealedFile:
    """Open and verify a statistics workbook; :class:`SealError` (a ``WorkbookError``) lists every problem with the
    file, sheet and cell. A file that is not a workbook or lacks a sheet raises ``WorkbookError`` naming it."""
    path = Path(path)
    problems: list[str] = []
    with open_workbook(path, suffixes=(".xlsx", ".xlsm")) as book:
        needed = [COVER_SHEET, DATA_SHEET, MANIFEST_SHEET]
        missing = [name for name in needed if name not in book.sheet_names]
        if missing:
            raise SealError(path, [tr("缺少工作表「{sheet}」（现有：{have}）").format(
                sheet=name, have="、".join(book.sheet_names)) for name in missing])
        cover = _cover_from(_read_cover(book.read(COVER_SHEET).rows), problems)
        if problems:
            raise SealError(path, problems)
        why = version_problem(cover.template_version)
        if why:
            raise SealError(path, [tr("{where}：{why}").format(where=f"{COVER_SHEET}", why=why)])
        if cover.report_code not in cat.REPORT_CODES:
            raise SealError(path, [tr("工作表「{sheet}」：报表代码「{code}」不是本程序认识的报表（{ok}）").format(
                sheet=COVER_SHEET, code=cover.report_code, ok="、".join(cat.REPORT_CODES))])
        layouts = table_layout(cover.report_code)
        missing = [layout.title for layout in layouts if layout.title not in book.sheet_names]
        if missing:
            raise SealError(path, [tr("缺少工作表「{sheet}」（现有：{have}）").format(
                sheet=name, have="、".join(book.sheet_names)) for name in missing])
        manifest = _read_manifest(book.read(MANIFEST_SHEET).rows)
        data_sheet = book.read(DATA_SHEET)
        data, lines = _read_data(data_sheet.rows, problems)
        del data_sheet
        if problems:
            raise SealError(path, problems)
        digest = data_sha256(data)
        blocks = group_hashes(data)
        recorded = manifest.get("data_sha256", "").lower()
        if recorded != digest:
            detail = _changed_blocks(data, lines, blocks, manifest)
            problems.append(tr("工作表「{sheet}」的数据指纹与 _manifest 记录的不一致（_data 或 _manifest 被改过）{detail}").format(
                sheet=DATA_SHEET, detail=detail))
        if cover.sha256 != digest:
            problems.append(tr("{where}：封面的数据指纹「{got}」与 _data 重新计算的「{want}」不一致").format(
                where=f"{COVER_SHEET}!B{_cover_row(tr('数据指纹（SHA-256）'))}", got=cover.sha256 or tr("（空）"),
                want=digest))
        for key, want in ((("report_code"), cover.report_code), ("template_version", cover.template_version),
                          ("period", cover.period), ("unit_code", cover.unit_code), ("serial", str(cover.serial))):
            if manifest.get(key, "") != want:
                problems.append(tr("工作表「{sheet}」的 {key}「{got}」与封面「{want}」不一致").format(
                    sheet=MANIFEST_SHEET, key=key, got=manifest.get(key, ""), want=want))
        if _integer(manifest.get("data_rows")) != len(data):
            problems.append(tr("工作表「{sheet}」记录 _data 有 {n} 行，实际 {m} 行").format(
                sheet=MANIFEST_SHEET, n=manifest.get("data_rows", "?"), m=len(data)))
        _check_data(path, cover, data, lines, problems)
        _check_complete(cover, data, lines, problems)
        _check_consistency(data, lines, problems)
        index = {row.key: row for row in data}
        groups = set(blocks)
        names: dict[tuple[str, str], str] = {}
        for layout in layouts:
            count, read_names = _check_table(book.read(layout.title).rows, layout, index, groups, problems)
            names.update(read_names)
            recorded_count = _integer(manifest.get(f"rows:{layout.title}"))
            if recorded_count != count:
                problems.append(tr("工作表「{sheet}」有 {m} 行数据，_manifest 记录为 {n} 行").format(
                    sheet=layout.title, m=count, n=manifest.get(f"rows:{layout.title}", "?")))
    if problems:
        raise SealError(path, problems)
    return SealedFile(path=path, cover=cover, rows=data, names=names, sha256=digest)


def _cover_row(label: str) -> int:
    """Excel row of a cover label (the cover has a title row, then one row per item)."""
    for i, (item, _value) in enumerate(cover_items(Cover("", "", "", "", "")), start=2):
        if item == label:
            return i
    return 0


def _changed_blocks(data: list[DataRow], lines: list[int], blocks: dict[tuple[str, str], str],
                    manifest: dict[str, str]) -> str:
    """"：改动在第 92–181 行（乡镇 … 村 …）" from the per-block hashes of the manifest, when they tell."""
    rows_of: dict[tuple[str, str], list[int]] = {}
    for row, r in zip(data, lines, strict=True):
        rows_of.setdefault(row.group, []).append(r)
    changed = []
    for key, digest in blocks.items():
        recorded = manifest.get(f"block:{key[0]}/{key[1]}")
        if recorded is not None and recorded.lower() != digest:
            changed.append(key)
    listed = set(blocks)
    gone = [k for k in manifest if k.startswith("block:") and tuple(k[6:].split("/", 1)) not in listed]
    if not changed and not gone:
        return ""
    parts = [tr("{sheet}!A{a}:{last}{b}（乡镇 {t} 村 {v}）").format(
        sheet=DATA_SHEET, a=min(rows_of[k]) + 1, last=column_letter(len(DATA_COLUMNS) - 1), b=max(rows_of[k]) + 1,
        t=k[0], v=k[1] or tr("合计")) for k in sorted(changed)[:5]]
    parts += [tr("{block} 的行不见了").format(block=k[6:]) for k in gone[:3]]
    return tr("：改动在 {parts}").format(parts="；".join(parts))
