"""The village's weekly workbook (每周一报 on paper or in Excel; tracking.md A3, issue 17 item 3): exported for one
village and one ISO week, filled in by the village, imported back as ONE transaction. The same layout out and in.
Domain: writes with openpyxl, reads with python-calamine through ``villagevote.workbooks``; no Qt, no reports.

Layout of the sheet «周报» (``LAYOUT_VERSION`` 1)::

    row 1   title: 东村 2027年第14周 践诺事项周报表
    row 2   村 / 周次 (dates) / 报送截止 / 导出时间
    row 3   a one-line hint
    row 4   the header (HEADERS): 事项ID (hidden) | 编号 | 事项 | 责任人 | 类别 | 目标 | 上次累计 |
            本周进展 | 累计完成% | 累计值 | 问题 | 下周计划 | 无进展原因 | 信心(0-10) | 报告人 | 报告日期
    row 5…  one row per open item of the week (``weekly.week_grid``), ledger order

Columns A–G are locked (sheet protection without a password) and grey; H–P are the village's. 累计完成% takes a
whole number 0–100 (milestone items), 累计值 a number (metric items; the other column is shaded), 无进展原因 offers
a drop-down of common reasons but takes any text, 信心 a drop-down 0–10, 报告日期 a date. A week's reports already
entered are written in, so a workbook exported again shows them; an unchanged row is skipped on import.

A hidden sheet «_meta» carries kind, layout version, cycle, village id and name, week, export time and the item ids,
so that a workbook of another village or week, an older layout, or a copy without it is refused with a message
saying which. Import checks every row first (row-level Chinese messages, "第 7 行（东山-2026-007）：累计完成 120% 超过
100%"), then records every filled row through ``progress.record_report`` in the caller's transaction; a row that
rule refuses is reported the same way, and any error raises :class:`WeekImportError` (all messages in ``errors``) so
the caller's session writes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.cells import cell_text, is_blank
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.core import Village
from villagevote.models.enums import CommitmentKind
from villagevote.models.tracking import Commitment, ProgressReport
from villagevote.tracking import progress
from villagevote.tracking.weekly import WeekGrid, WeekRow, parse_week, week_bounds, week_grid, week_label
from villagevote.workbooks import open_workbook

__all__ = [
    "HEADERS",
    "LAYOUT_VERSION",
    "META_KIND",
    "NO_PROGRESS_REASONS",
    "SHEET_NAME",
    "WeekImportError",
    "export_week",
    "import_week",
]

SHEET_NAME = "周报"
HELP_SHEET = "填写说明"
META_SHEET = "_meta"
META_KIND = "villagevote.weekly_report"
LAYOUT_VERSION = 1
HEADER_ROW = 4
FIRST_DATA_ROW = 5
MAX_ERRORS = 200

# (key, header, width, filled in by the village)
COLUMNS: tuple[tuple[str, str, float, bool], ...] = (
    ("id", "事项ID", 8, False),
    ("ledger_no", "编号", 15, False),
    ("title", "事项", 30, False),
    ("owner", "责任人", 16, False),
    ("kind", "类别", 7, False),
    ("target", "目标", 18, False),
    ("last", "上次累计", 16, False),
    ("narrative", "本周进展", 30, True),
    ("percent", "累计完成%", 10, True),
    ("value", "累计值", 10, True),
    ("problems", "问题", 22, True),
    ("next_plan", "下周计划", 22, True),
    ("no_progress_reason", "无进展原因", 16, True),
    ("confidence", "信心(0-10)", 9, True),
    ("reported_by", "报告人", 10, True),
    ("reported_on", "报告日期", 12, True),
)
HEADERS = tuple(h for _, h, _, _ in COLUMNS)
KEYS = tuple(k for k, _, _, _ in COLUMNS)
INPUT_KEYS = tuple(k for k, _, _, filled in COLUMNS if filled)
NO_PROGRESS_REASONS = ("天气影响", "资金未到位", "等待上级审批", "群众工作未做通", "施工队未进场", "季节性停工", "其他（请在问题栏说明）")

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")
_SHADE_FILL = PatternFill("solid", fgColor="BFBFBF")
_FONT = Font(name="宋体", size=11)
_BOLD = Font(name="宋体", size=11, bold=True)
_DATE_FORMAT = "yyyy-mm-dd"


def _col(key: str) -> int:
    """1-based column of a key."""
    return KEYS.index(key) + 1


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _target_text(row: WeekRow) -> str:
    if row.kind is CommitmentKind.METRIC:
        return tr("{base}→{target}{unit}").format(base=_num(row.baseline), target=_num(row.target), unit=row.unit)
    return tr("完成")


def _last_text(row: WeekRow) -> str:
    if not row.last_period:
        return tr("（尚未报告）")
    figure = (f"{_num(row.last_value)}{row.unit}" if row.kind is CommitmentKind.METRIC
              else f"{row.last_percent if row.last_percent is not None else 0}%")
    return f"{figure}（{row.last_period}）"


def _cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


# --------------------------------------------------------------------------------------------------- export
def export_week(session: Session, *, cycle_id: int, village_id: int, period: str, out: Path,
                now: dt.datetime | None = None) -> Path:
    """Write the village's workbook for the week to ``out`` (returned). Refuses when the village owes no report that
    week (nothing to fill in)."""
    grid = week_grid(session, cycle_id=cycle_id, village_id=village_id, period=period)
    if not grid.rows:
        raise ValidationError(tr("{village}在{week}没有需要报告的事项，无需导出周报表。").format(
            village=grid.village, week=grid.label))
    now = (now or dt.datetime.now()).replace(microsecond=0)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _write_sheet(ws, grid, now)
    _write_help(wb, grid)
    meta = wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate((
            ("kind", META_KIND), ("layout_version", LAYOUT_VERSION), ("cycle_id", cycle_id),
            ("village_id", village_id), ("village", grid.village), ("period", grid.period),
            ("exported_at", now.isoformat(sep=" ")), ("rows", len(grid.rows)),
            ("ids", ",".join(str(r.commitment_id) for r in grid.rows))), start=1):
        meta.cell(row=i, column=1, value=key)
        meta.cell(row=i, column=2, value=value)
    meta.sheet_state = "hidden"
    wb.active = 0
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _write_sheet(ws: Any, grid: WeekGrid, now: dt.datetime) -> None:
    n_cols = len(COLUMNS)
    last_col = get_column_letter(n_cols)
    title = tr("{village}　{week}　践诺事项周报表").format(village=grid.village, week=grid.label)
    ws.cell(row=1, column=1, value=title).font = Font(name="黑体", size=14, bold=True)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    info = tr("村：{village}　　周次：{period}（{monday}—{sunday}）　　报送截止：{due}　　导出时间：{now}").format(
        village=grid.village, period=grid.period, monday=_cn_date(grid.monday), sunday=_cn_date(grid.sunday),
        due=_cn_date(grid.due), now=now.strftime("%Y-%m-%d %H:%M"))
    ws.cell(row=2, column=1, value=info).font = _FONT
    ws.merge_cells(f"A2:{last_col}2")
    hint = tr("灰色各列由乡镇导出，请勿改动；请在白色各列填写本周情况。一行一个事项，不要增删行、列或改工作表名称。详见“填写说明”。")
    ws.cell(row=3, column=1, value=hint).font = Font(name="宋体", size=10, color="C00000")
    ws.merge_cells(f"A3:{last_col}3")
    ws.row_dimensions[1].height = 26
    for c, (_key, header, width, _is_input) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=header)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.column_dimensions["A"].hidden = True  # the item id: how a returned row finds its item
    ws.row_dimensions[HEADER_ROW].height = 30
    unlocked = Protection(locked=False)
    last_row = FIRST_DATA_ROW + len(grid.rows) - 1
    for r, row in enumerate(grid.rows, start=FIRST_DATA_ROW):
        rep = row.report
        metric = row.kind is CommitmentKind.METRIC
        fixed = {"id": row.commitment_id, "ledger_no": row.ledger_no, "title": row.title, "owner": row.owner,
                 "kind": tr("量化") if metric else tr("节点"), "target": _target_text(row), "last": _last_text(row)}
        filled: dict[str, Any] = {}
        if rep is not None:
            filled = {"narrative": rep.narrative, "percent": None if metric else rep.percent,
                      "value": float(rep.value) if metric and rep.value is not None else None,
                      "problems": rep.problems, "next_plan": rep.next_plan,
                      "no_progress_reason": rep.no_progress_reason, "confidence": rep.confidence,
                      "reported_by": rep.reported_by, "reported_on": rep.reported_on}
        for c, (key, _header, _width, is_input) in enumerate(COLUMNS, start=1):
            value = fixed.get(key) if not is_input else filled.get(key)
            if value == "":
                value = None
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = _FONT, _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=key in ("title", "narrative", "problems",
                                                                            "next_plan", "last"))
            if not is_input:
                cell.fill = _FIXED_FILL
                if key in ("ledger_no", "owner", "title"):
                    cell.number_format = "@"
                continue
            cell.protection = unlocked
            if key == "reported_on":
                cell.number_format = _DATE_FORMAT
            elif key == "percent":
                cell.number_format = "0"
                if metric:
                    cell.fill = _SHADE_FILL
            elif key == "value":
                cell.number_format = "0.##"
                if not metric:
                    cell.fill = _SHADE_FILL
            elif key != "confidence":
                cell.number_format = "@"
        ws.row_dimensions[r].height = 32
    _validations(ws, last_row)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=_col("owner"))  # 编号 and 事项 stay in view
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = tr("第 &P 页，共 &N 页")
    ws.oddFooter.left.text = tr("填报人：　　　　　　联村干部：")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validations(ws: Any, last_row: int) -> None:
    def rng(key: str) -> str:
        letter = get_column_letter(_col(key))
        return f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"

    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, errorTitle=tr("累计完成%"),
                             error=tr("请填写 0 到 100 之间的整数（不带 % 号），量化事项请填“累计值”"))
    value = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-999999999", allow_blank=True,
                           showErrorMessage=True, errorTitle=tr("累计值"), error=tr("请填写数字"))
    reasons = DataValidation(type="list", formula1='"{}"'.format(",".join(NO_PROGRESS_REASONS)), allow_blank=True,
                             showErrorMessage=True, errorStyle="information", errorTitle=tr("无进展原因"),
                             error=tr("可从下拉列表选择，也可直接填写其他原因"))
    confidence = DataValidation(type="list", formula1='"{}"'.format(",".join(str(i) for i in range(11))),
                                allow_blank=True, showErrorMessage=True, errorTitle=tr("信心"),
                                error=tr("请选择 0 到 10"))
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorTitle=tr("报告日期"), error=tr("请填写日期，如 2027-04-12"))
    for dv, key in ((percent, "percent"), (value, "value"), (reasons, "no_progress_reason"),
                    (confidence, "confidence"), (dates, "reported_on")):
        ws.add_data_validation(dv)
        dv.add(rng(key))


def _write_help(wb: Workbook, grid: WeekGrid) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    lines = [
        tr("填写说明"),
        tr("1. 本表是{village}{week}（{monday}至{sunday}）的践诺事项周报表，请于{due}前报送乡镇。").format(
            village=grid.village, week=grid.label, monday=_cn_date(grid.monday), sunday=_cn_date(grid.sunday),
            due=_cn_date(grid.due)),
        tr("2. 灰色各列（编号、事项、责任人、类别、目标、上次累计）由乡镇导出，已锁定，请勿改动；不要增删行、列，不要改工作表名称，"
           "不要把内容复制到新工作簿——导入时按隐藏的事项ID和编号核对。"),
        tr("3. 节点类事项填写“累计完成%”（0 到 100 的整数，不带 % 号，是到本周为止的累计进度，不是本周增加的部分）；"
           "量化事项填写“累计值”（到本周为止的实际数值，单位见“目标”列）。另一列为深灰色，不要填写。"),
        tr("4. 本周没有进展的，累计完成%照上次填写，并在“无进展原因”中选择或填写原因；累计进度比上次低的，必须填写原因。"),
        tr("5. “本周进展”“问题”“下周计划”如实简要填写；“信心”为对按期完成的把握（0 到 10，可不填）；“报告人”填写村里的报告人姓名。"),
        tr("6. “报告日期”填写村里报告的日期（如 2027-04-12），不填则按乡镇录入当天计；晚于报送截止日的计为迟报。"),
        tr("7. 某一行不填写任何内容，该事项本周记为“未报”。导入时任何一行有错，整张表都不会导入，请按提示改正后重新导入。"),
    ]
    for i, text in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text)
        cell.font = _BOLD if i == 1 else _FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 16 * max(1, -(-len(text) // 60))  # about 60 characters a line at width 110
    ws.column_dimensions["A"].width = 110


# --------------------------------------------------------------------------------------------------- import
class WeekImportError(ValidationError):
    """A weekly workbook that was not imported; ``errors`` lists every row's problem (nothing was written)."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class _Parsed:
    row_number: int
    commitment: Commitment
    percent: int | None
    value: Decimal | None
    narrative: str
    problems: str
    next_plan: str
    no_progress_reason: str
    confidence: int | None
    reported_by: str
    reported_on: dt.date


def _meta(path: Path, rows: list[list[Any]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and not is_blank(row[0]):
            meta[cell_text(row[0]).strip()] = cell_text(row[1]).strip()
    if meta.get("kind") != META_KIND:
        raise ValidationError(tr("“{name}”不是本系统导出的践诺周报表（隐藏信息中的类型为“{kind}”）。").format(
            name=path.name, kind=meta.get("kind", "")))
    return meta


def _int_text(text: str) -> int | None:
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _number(value: Any) -> Decimal | None:
    """A cell as a Decimal (numbers come as float/int from calamine, text as str); None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = cell_text(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _same_as_stored(p: _Parsed, rep: ProgressReport | None) -> bool:
    if rep is None:
        return False
    return (rep.narrative or "", rep.problems or "", rep.next_plan or "", rep.no_progress_reason or "",
            rep.reported_by or "", rep.confidence, rep.reported_on) == (
        p.narrative, p.problems, p.next_plan, p.no_progress_reason, p.reported_by, p.confidence, p.reported_on) and (
        (p.value is not None and rep.value is not None and Decimal(rep.value) == p.value)
        or (p.value is None and p.percent == rep.percent))


@requires(Permission.EDIT, note=tr("只收本村本周、本系统导出的同一版式；任一行有错整表不导入"))
def import_week(session: Session, actor: Actor, path: Path, *, expected_village_id: int | None = None,
                expected_period: str | None = None, today: dt.date | None = None) -> list[int]:
    """Read a returned weekly workbook and record its reports in the caller's transaction (module docstring).
    Returns the ids of the reports written (unchanged rows and blank rows — 未报 — are skipped)."""
    today = today or dt.date.today()
    path = Path(path)
    with open_workbook(path) as wb:
        if META_SHEET not in wb.sheet_names:
            raise ValidationError(tr("“{name}”里没有本系统导出时写入的隐藏信息，无法确认是哪个村、哪一周的周报表。"
                                     "请在本系统导出的原文件上填写后再导入，不要复制到新工作簿。").format(name=path.name))
        meta = _meta(path, wb.read(META_SHEET).rows)
        if SHEET_NAME not in wb.sheet_names:
            raise ValidationError(tr("“{name}”中找不到工作表“{sheet}”（工作表是否被改名？）").format(
                name=path.name, sheet=SHEET_NAME))
        sheet = wb.read(SHEET_NAME)
    if _int_text(meta.get("layout_version", "")) != LAYOUT_VERSION:
        raise ValidationError(tr("“{name}”的版式（第 {got} 版）与本系统当前的周报表版式（第 {want} 版）不同，请重新导出后填写。").format(
            name=path.name, got=meta.get("layout_version", "?"), want=LAYOUT_VERSION))
    village_id = _int_text(meta.get("village_id", ""))
    period = meta.get("period", "")
    village_name = meta.get("village", "")
    if village_id is None:
        raise ValidationError(tr("“{name}”的隐藏信息不完整（缺少村），无法导入。").format(name=path.name))
    parse_week(period)
    if expected_village_id is not None and village_id != expected_village_id:
        expected = session.get(Village, expected_village_id)
        raise ValidationError(tr("“{name}”是{other}的周报表，不是{this}的，未导入。请选择本村的周报表。").format(
            name=path.name, other=village_name or village_id, this=expected.name if expected else expected_village_id))
    if expected_period is not None and period != expected_period:
        raise ValidationError(tr("“{name}”是{other}的周报表，不是{this}的，未导入。请选择本周的周报表，或先切换到{other}。").format(
            name=path.name, other=week_label(period), this=week_label(expected_period)))
    village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    grid_rows = sheet.rows
    if len(grid_rows) < HEADER_ROW:
        raise ValidationError(tr("“{name}”的工作表“{sheet}”缺少表头。").format(name=path.name, sheet=SHEET_NAME))
    header = [cell_text(v).strip() for v in grid_rows[HEADER_ROW - 1]][:len(HEADERS)]
    if header != [tr(h) for h in HEADERS]:
        raise ValidationError(tr("“{name}”第 {row} 行的表头与导出时不同（应为：{expected}），请不要增删或移动列。").format(
            name=path.name, row=HEADER_ROW, expected="、".join(HEADERS[1:])))
    exported_ids = {int(x) for x in meta.get("ids", "").split(",") if x.strip().isdigit()}
    cleaned = sheet.cleaned_cells([_col("id") - 1, _col("ledger_no") - 1], FIRST_DATA_ROW - 1)
    errors: list[str] = [tr("第 {row} 行：编号或事项ID中含有看不见的字符（{what}），请删除后重新输入").format(row=r, what=w)
                         for r, _c, w in cleaned]
    monday, _sunday = week_bounds(period)
    parsed: list[_Parsed] = []
    seen: dict[int, int] = {}
    for r in range(FIRST_DATA_ROW - 1, len(grid_rows)):
        cells = dict(zip(KEYS, list(grid_rows[r]) + [None] * len(KEYS), strict=False))
        row_number = r + 1
        if all(is_blank(cells[k]) for k in KEYS):
            continue
        number = _number(cells["id"])
        ledger_no = cell_text(cells["ledger_no"]).strip()
        where = tr("第 {row} 行（{no}）").format(row=row_number, no=ledger_no or tr("无编号"))
        if number is None or number != number.to_integral_value() or int(number) not in exported_ids:
            errors.append(tr("{where}：不是导出时的事项行（事项ID被改动，或是后来加的行），请删除此行").format(where=where))
            continue
        cid = int(number)
        if cid in seen:
            errors.append(tr("{where}：与第 {first} 行是同一事项，请合并为一行").format(where=where, first=seen[cid]))
            continue
        seen[cid] = row_number
        c = session.get(Commitment, cid)
        if c is None or c.village_id != village_id:
            errors.append(tr("{where}：该事项已不在{village}的台账中").format(where=where, village=village.name))
            continue
        if ledger_no != (c.ledger_no or ""):
            errors.append(tr("{where}：编号被改动（台账中为 {no}），请勿修改灰色各列").format(where=where, no=c.ledger_no))
            continue
        if all(is_blank(cells[k]) for k in INPUT_KEYS):
            continue  # nothing reported this week: 未报
        problem = _parse_row(cells, c, where, monday, today, row_number, parsed)
        if problem:
            errors.append(problem)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise _refusal(path, errors)
    stored = {rep.commitment_id: rep for rep in session.scalars(select(ProgressReport).where(
        ProgressReport.commitment_id.in_([p.commitment.id for p in parsed]), ProgressReport.period == period))}
    ids: list[int] = []
    for p in parsed:
        if _same_as_stored(p, stored.get(p.commitment.id)):
            continue
        try:
            ids.append(progress.record_report(
                session, actor, p.commitment.id, period=period, reported_on=p.reported_on, percent=p.percent,
                value=p.value, narrative=p.narrative, problems=p.problems, next_plan=p.next_plan,
                no_progress_reason=p.no_progress_reason, reported_by=p.reported_by, confidence=p.confidence,
                today=today))
        except UserError as exc:
            no = p.commitment.ledger_no or ""
            name = tr("事项 {no}「{title}」").format(no=no, title=p.commitment.title)
            text = exc.message
            text = text[len(name):].lstrip("：:") if text.startswith(name + "：") else text.replace(name, tr("该事项"))
            errors.append(tr("第 {row} 行（{no}）：{message}").format(row=p.row_number, no=no, message=text))
    if errors:
        raise _refusal(path, errors)
    return ids


def _refusal(path: Path, errors: list[str]) -> WeekImportError:
    shown = "\n".join(errors[:20])
    more = tr("\n……共 {n} 处问题").format(n=len(errors)) if len(errors) > 20 else ""
    return WeekImportError(tr("“{name}”有 {n} 处问题，整张表没有导入（没有写入任何内容）。请改正后重新导入：\n{rows}{more}").format(
        name=path.name, n=len(errors), rows=shown, more=more), errors)


def _parse_row(cells: dict[str, Any], c: Commitment, where: str, monday: dt.date, today: dt.date, row_number: int,
               parsed: list[_Parsed]) -> str:
    """Check one filled row; append it to ``parsed`` or return the row's message."""
    metric = CommitmentKind(c.kind) is CommitmentKind.METRIC
    text = {k: cell_text(cells[k]).strip() for k in ("narrative", "problems", "next_plan", "no_progress_reason",
                                                     "reported_by")}
    percent: int | None = None
    value: Decimal | None = None
    raw_percent, raw_value = cells["percent"], cells["value"]
    if not is_blank(raw_percent):
        if metric:
            return tr("{where}：量化事项请填写“累计值”，不要填“累计完成%”").format(where=where)
        pct_text = cell_text(raw_percent).strip().rstrip("%％")
        number = _number(raw_percent) if not isinstance(raw_percent, str) else _number(pct_text)
        if number is None or number != number.to_integral_value():
            return tr("{where}：累计完成“{v}”应为 0 到 100 的整数").format(where=where, v=cell_text(raw_percent))
        percent = int(number)
        if percent > 100:
            return tr("{where}：累计完成 {v}% 超过 100%").format(where=where, v=percent)
        if percent < 0:
            return tr("{where}：累计完成 {v}% 不能为负数").format(where=where, v=percent)
    if not is_blank(raw_value):
        if not metric:
            return tr("{where}：节点类事项请填写“累计完成%”，不要填“累计值”").format(where=where)
        value = _number(raw_value)
        if value is None:
            return tr("{where}：累计值“{v}”不是数字").format(where=where, v=cell_text(raw_value))
    if percent is None and value is None:
        if not text["no_progress_reason"]:
            return tr("{where}：请填写{what}；本周无进展的请照上次填写并写明无进展原因").format(
                where=where, what=tr("累计值") if metric else tr("累计完成%"))
        # no progress: the last figure stands
        if metric:
            value = Decimal(c.metric_current) if c.metric_current is not None else Decimal(c.metric_baseline or 0)
        else:
            percent = int(c.percent_done or 0)
    confidence = None
    if not is_blank(cells["confidence"]):
        number = _number(cells["confidence"])
        if number is None or number != number.to_integral_value() or not 0 <= number <= 10:
            return tr("{where}：信心“{v}”应为 0 到 10 的整数").format(where=where, v=cell_text(cells["confidence"]))
        confidence = int(number)
    reported_on = today
    if not is_blank(cells["reported_on"]):
        day = _date(cells["reported_on"])
        if day is None:
            return tr("{where}：报告日期“{v}”不是日期（应如 2027-04-12）").format(where=where,
                                                                         v=cell_text(cells["reported_on"]))
        reported_on = day
    if reported_on > today:
        return tr("{where}：报告日期 {day} 晚于今天").format(where=where, day=reported_on.isoformat())
    if reported_on < monday:
        return tr("{where}：报告日期 {day} 早于本周第一天（{monday}）").format(
            where=where, day=reported_on.isoformat(), monday=monday.isoformat())
    parsed.append(_Parsed(row_number=row_number, commitment=c, percent=percent, value=value,
                          narrative=text["narrative"], problems=text["problems"], next_plan=text["next_plan"],
                          no_progress_reason=text["no_progress_reason"], confidence=confidence,
                          reported_by=text["reported_by"], reported_on=reported_on))
    return ""
