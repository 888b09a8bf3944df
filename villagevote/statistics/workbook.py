"""Writing the sealed statistics workbook (tracking.md §B3): 封面, one sheet per county table, 指标说明, ``_data`` and
``_manifest`` (layout and canonical form in :mod:`villagevote.statistics.sealed`).

The same writer serves a township's workbook and a county's merged workbook (several townships, a 合计 row per
township and one for the county), so what a county writes a city reads. openpyxl in write-only mode: the rows are
streamed to the file, so a county of 1,500 villages does not hold a million styled cells in memory.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from villagevote.i18n import tr
from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import TOTAL
from villagevote.statistics.sealed import (
    COVER_SHEET,
    DATA_COLUMNS,
    DATA_SHEET,
    HEADER_ROWS,
    LEAD_COLUMNS,
    MANIFEST_SHEET,
    NOTES_SHEET,
    Cover,
    DataRow,
    Manifest,
    TableLayout,
    cover_items,
    data_sha256,
    display_order,
    group_hashes,
    manifest_items,
    table_layout,
    value_cell,
)

__all__ = ["REPORT_TITLES", "report_title", "write_workbook"]

FONT_NAME = "宋体"  # a CJK font every office PC has (WPS maps it too)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E7EEF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
_HEAD_FONT = Font(name=FONT_NAME, bold=True, size=10)
_BODY_FONT = Font(name=FONT_NAME, size=10)
_BOLD_FONT = Font(name=FONT_NAME, bold=True, size=10)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

REPORT_TITLES = {cat.STRUCTURE: "村级组织换届统计表", cat.TRACKING: "践诺跟踪统计表"}


def report_title(report_code: str) -> str:
    return tr(REPORT_TITLES.get(report_code, "统计表"))


def _cell(ws: WriteOnlyWorksheet, value: object, font: Font = _BODY_FONT, alignment: Alignment | None = None,
          border: bool = True, fill: PatternFill | None = None, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border:
        cell.border = _BORDER
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def _text_cell(ws: WriteOnlyWorksheet, value: object = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "@"
    return cell


def _text_width(text: str) -> int:
    """Width in column units (the width of "0"): a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _column_width(title: str) -> float:
    """Readable without being wide: about 1.8 units a Chinese character, the header wraps onto 2–3 lines."""
    return max(7.0, min(14.0, len(title) * 1.8 / 2 + 2))


def _write_cover(wb: Workbook, cover: Cover, blocks: int) -> None:
    ws = wb.create_sheet(COVER_SHEET)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 72
    ws.merged_cells.add("A1:B1")
    ws.append([_cell(ws, tr("{title}（封面）").format(title=report_title(cover.report_code)), _TITLE_FONT, _CENTER,
                     border=False), None])
    for label, text in cover_items(cover):
        ws.append([_cell(ws, label, _HEAD_FONT, _LEFT, fill=_HEAD_FILL),
                   _cell(ws, text, _BODY_FONT, _LEFT, number_format="@")])
    ws.append([])
    notes = [
        tr("本表由 villagevote 生成。数据指纹是 _data 工作表规范文本（UTF-8 CSV，按行排序）的 SHA-256，"
           "打印本封面加盖公章报送，县级汇总时核对文件指纹与纸质封面一致。"),
        tr("填表人与审核人须为两个不同的人；更正报送时报送序号加一并写明更正说明。"),
        tr("本表共 {n} 个统计单元（村及合计行），不含任何身份证号码。").format(n=blocks),
    ]
    first = len(cover_items(cover)) + 3  # title, the items, a blank row
    for i, note in enumerate(notes):
        ws.merged_cells.add(f"A{first + i}:B{first + i}")
        ws.row_dimensions[first + i].height = 30
        ws.append([_cell(ws, note, _BODY_FONT, _LEFT, border=False)])
    ws.append([])
    ws.append([_cell(ws, tr("单位（盖章）："), _BODY_FONT, border=False),
               _cell(ws, tr("负责人签字：　　　　　　　　　　日期：　　　年　　月　　日"), _BODY_FONT, border=False)])
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "portrait"


def _write_table(wb: Workbook, layout: TableLayout, order: list[tuple[str, str]],
                 index: dict[tuple[str, str, str], DataRow], names: dict[tuple[str, str], str],
                 cover: Cover) -> list[str]:
    """The sheet with its title and header rows; returns the XML of its data rows (written into the file later)."""
    ws = wb.create_sheet(layout.title)
    width = LEAD_COLUMNS + len(layout.indicators)
    last = get_column_letter(width)
    for i, w in enumerate((13, 14, 14)):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    for i, definition in enumerate(layout.indicators):
        ws.column_dimensions[get_column_letter(LEAD_COLUMNS + i + 1)].width = _column_width(definition.title)
    ws.freeze_panes = f"D{HEADER_ROWS + 1}"  # before the first row: a write-only sheet writes its views then
    ws.row_dimensions[3].height = 54
    # title
    ws.merged_cells.add(f"A1:{last}1")
    title = tr("{table}（{unit}　统计时点：{period}）").format(table=layout.title, unit=cover.unit_name,
                                                          period=cover.period)
    ws.append([_cell(ws, title, _TITLE_FONT, _CENTER, border=False)])
    # two header rows: the lead columns merged down, the groups merged across
    row2: list[object] = [_cell(ws, h, _HEAD_FONT, _CENTER, fill=_HEAD_FILL)
                          for h in (tr("乡镇代码"), tr("村代码"), tr("名称"))]
    row3: list[object] = [_cell(ws, None, _HEAD_FONT, _CENTER, fill=_HEAD_FILL) for _ in range(LEAD_COLUMNS)]
    for c in range(LEAD_COLUMNS):
        letter = get_column_letter(c + 1)
        ws.merged_cells.add(f"{letter}2:{letter}3")
    start = 0
    for i, definition in enumerate(layout.indicators):
        row2.append(_cell(ws, definition.group if i == start else None, _HEAD_FONT, _CENTER, fill=_HEAD_FILL))
        row3.append(_cell(ws, definition.title, _HEAD_FONT, _CENTER, fill=_HEAD_FILL))
        end_of_group = i + 1 == len(layout.indicators) or layout.indicators[i + 1].group != definition.group
        if end_of_group:
            if i > start:
                a, b = get_column_letter(LEAD_COLUMNS + start + 1), get_column_letter(LEAD_COLUMNS + i + 1)
                ws.merged_cells.add(f"{a}2:{b}2")
            start = i + 1
    ws.append(row2)
    ws.append(row3)
    formats = {0: "0", 1: "0.0", 2: "0.00"}
    right = Alignment(horizontal="right")

    # the data rows are written as XML straight into the file (see _table_rows); here only their styles are
    # registered with the workbook: one per column and row kind
    def styles(font: Font, fill: PatternFill | None) -> list[int]:
        cells = ([_cell(ws, None, font, _CENTER, fill=fill, number_format="@") for _ in range(2)]
                 + [_cell(ws, None, font, _LEFT, fill=fill)]
                 + [_cell(ws, None, font, right, fill=fill, number_format=formats.get(d.precision, "General"))
                    for d in layout.indicators])
        return [cell.style_id for cell in cells]

    plain, bold = styles(_BODY_FONT, None), styles(_BOLD_FONT, _TOTAL_FILL)
    rows = _table_rows(layout, order, index, names, plain, bold)
    ws.print_title_rows = f"2:{HEADER_ROWS}"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return rows


def _write_notes(wb: Workbook, layouts: Sequence[TableLayout]) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for letter, w in zip("ABCDEF", (20, 24, 18, 12, 44, 10), strict=True):
        ws.column_dimensions[letter].width = w
    ws.append([_cell(ws, h, _HEAD_FONT, _CENTER, fill=_HEAD_FILL)
               for h in (tr("指标代码"), tr("指标"), tr("所在表"), tr("类型"), tr("分母（比例、平均数取自）"), tr("小数位"))])
    kinds = {"count": tr("人数/村数"), "ratio": tr("比例（%）"), "average": tr("平均数")}
    for layout in layouts:
        for definition in layout.indicators:
            ws.append([_cell(ws, definition.code), _cell(ws, definition.title, alignment=_LEFT),
                       _cell(ws, layout.title), _cell(ws, kinds[definition.kind]),
                       _cell(ws, definition.denominator or "—", alignment=_LEFT), _cell(ws, definition.precision)])
    ws.freeze_panes = "A2"


ExtraSheet = tuple[str, Sequence[str], Sequence[Sequence[object]], Sequence[float]]


def _write_extra(wb: Workbook, sheet: ExtraSheet) -> None:
    title, headers, rows, widths = sheet
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    ws.append([_cell(ws, h, _HEAD_FONT, _CENTER, fill=_HEAD_FILL) for h in headers])
    for r, row in enumerate(rows, start=2):
        # a write-only sheet cannot be fitted later: room for each line of the longest text (a refusal lists several)
        lines = max((sum(_text_width(line) // max(int(w), 1) + 1 for line in v.split("\n"))
                     for v, w in zip(row, widths, strict=False) if isinstance(v, str)), default=1)
        if lines > 1:
            ws.row_dimensions[r].height = 15 * min(lines, 24)
        ws.append([_cell(ws, v, alignment=_LEFT, number_format="@" if isinstance(v, str) else None) for v in row])
    if not rows:
        ws.append([_cell(ws, tr("（无）"), alignment=_LEFT)])
    ws.freeze_panes = "A2"


def write_workbook(out: Path | str, cover: Cover, rows: Sequence[DataRow],
                   names: dict[tuple[str, str], str] | None = None,
                   extra_sheets: Sequence[ExtraSheet] = ()) -> tuple[Path, Cover]:
    """Write a sealed workbook of ``rows`` (every block: villages and 合计 rows, already computed) with ``cover``
    (its fingerprint filled in here); ``names`` maps (township_code, village_code) to the name shown in the tables;
    ``extra_sheets`` (title, headers, rows, widths) follow the tables (not verified: the merge's 拒收清单).
    Returns the path and the cover as written (with ``sha256``)."""
    out = Path(out)
    names = names or {}
    digest = data_sha256(rows)
    cover = replace(cover, sha256=digest)
    layouts = table_layout(cover.report_code)
    index = {row.key: row for row in rows}
    blocks = group_hashes(rows)
    order = display_order(blocks, cover.unit_code)

    wb = Workbook(write_only=True)
    _write_cover(wb, cover, len(order))
    sheet_rows: dict[str, int] = {}
    tables: dict[str, list[str]] = {}
    for layout in layouts:
        table_xml = _write_table(wb, layout, order, index, names, cover)
        sheet_rows[layout.title] = len(table_xml)
        tables[f"xl/worksheets/sheet{len(wb.worksheets)}.xml"] = table_xml
    for sheet in extra_sheets:
        _write_extra(wb, sheet)
    _write_notes(wb, layouts)

    data_sheet = wb.create_sheet(DATA_SHEET)  # a placeholder: its XML is written below, straight into the file
    data_sheet.sheet_state = "hidden"
    data_part = f"xl/worksheets/sheet{wb.worksheets.index(data_sheet) + 1}.xml"
    position = {code: i for i, code in enumerate(i.code for i in cat.catalog())}
    ordered: list[DataRow] = []
    for block in order:
        ordered += sorted((row for row in (index.get((block[0], block[1], code)) for code in position)
                           if row is not None), key=lambda r: position[r.indicator])

    manifest = Manifest(report_code=cover.report_code, template_version=cover.template_version, period=cover.period,
                        unit_code=cover.unit_code, serial=cover.serial, sheet_rows=sheet_rows, data_rows=len(rows),
                        data_sha256=digest, groups={k: blocks[k] for k in order})
    ms = wb.create_sheet(MANIFEST_SHEET)
    ms.sheet_state = "hidden"
    ms.column_dimensions["A"].width = 34
    ms.column_dimensions["B"].width = 72
    ms.append(["key", "value"])
    for key, item in manifest_items(manifest):
        ms.append([key, _text_cell(ms, item) if isinstance(item, str) else item])

    out.parent.mkdir(parents=True, exist_ok=True)
    styled = out.with_suffix(out.suffix + ".styled.partial")
    tmp = out.with_suffix(out.suffix + ".partial")
    try:
        wb.save(styled)
        _replace_parts(styled, tmp, data_part, ordered, tables)
        tmp.replace(out)
    finally:
        styled.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return out, cover


class _Texts(dict[str, str]):
    """Inline-string XML of a text, escaped once (codes and shown values repeat thousands of times)."""

    def __missing__(self, value: str) -> str:
        xml = f'<is><t>{escape(value)}</t></is>'
        self[value] = xml
        return xml


def _table_rows(layout: TableLayout, order: list[tuple[str, str]], index: dict[tuple[str, str, str], DataRow],
                names: dict[tuple[str, str], str], plain: list[int], bold: list[int]) -> list[str]:
    """XML of a table's data rows (from Excel row HEADER_ROWS + 1): codes and names as text, values as numbers
    (a "—" without a denominator as text), each cell with its registered style."""
    letters = [get_column_letter(c + 1) for c in range(LEAD_COLUMNS + len(layout.indicators))]
    texts = _Texts()
    out: list[str] = []
    for r, (township, village) in enumerate(order, start=HEADER_ROWS + 1):
        total = village == TOTAL
        style = bold if total else plain
        name = names.get((township, village), "") or (tr("合计") if total else "")
        cells = [f'<row r="{r}">']
        for c, text in enumerate((township, village, name)):
            cells.append(f'<c r="{letters[c]}{r}" s="{style[c]}" t="inlineStr">{texts[text]}</c>' if text
                         else f'<c r="{letters[c]}{r}" s="{style[c]}"/>')
        for c, definition in enumerate(layout.indicators, start=LEAD_COLUMNS):
            row = index.get((township, village, definition.code))
            value = "" if row is None else value_cell(row)
            ref = f"{letters[c]}{r}"
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" s="{style[c]}" t="inlineStr">{texts[value]}</c>' if value
                             else f'<c r="{ref}" s="{style[c]}"/>')
            else:
                cells.append(f'<c r="{ref}" s="{style[c]}"><v>{value}</v></c>')
        cells.append("</row>")
        out.append("".join(cells))
    return out


_DATA_WIDTHS = (12, 16, 12, 14, 14, 26, 12, 12, 10)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _data_xml(rows: Sequence[DataRow]) -> Iterator[str]:
    """The ``_data`` worksheet XML: header and rows, text as inline strings, numerator and denominator as numbers,
    the header frozen. Written directly (openpyxl spends ~20 µs a cell; a county has about a million)."""
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
           f'<dimension ref="A1:I{len(rows) + 1}"/><sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>')
    yield "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(_DATA_WIDTHS, 1))
    yield "</cols><sheetData>"
    texts = _Texts()

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr">{texts[value]}</c>' if value else ""

    yield '<row r="1">' + "".join(text(f"{chr(65 + i)}1", name) for i, name in enumerate(DATA_COLUMNS)) + "</row>"
    chunk: list[str] = []
    for r, row in enumerate(rows, start=2):
        chunk.append(f'<row r="{r}">{text(f"A{r}", row.report_code)}{text(f"B{r}", row.template_version)}'
                     f'{text(f"C{r}", row.period)}{text(f"D{r}", row.township_code)}'
                     f'{text(f"E{r}", row.village_code)}{text(f"F{r}", row.indicator)}'
                     f'<c r="G{r}"><v>{row.numerator}</v></c><c r="H{r}"><v>{row.denominator}</v></c>'
                     f'{text(f"I{r}", row.value)}</row>')
        if len(chunk) >= 2000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    yield ('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
           "</worksheet>")


def _with_rows(xml: bytes, rows: list[str]) -> Iterator[bytes]:
    """openpyxl's XML of a sheet holding its header rows, with ``rows`` added at the end of its sheetData."""
    head, sep, tail = xml.partition(b"</sheetData>")
    if not sep:
        raise RuntimeError("sheetData not found")
    yield head
    for i in range(0, len(rows), 500):
        yield "".join(rows[i:i + 500]).encode("utf-8")
    yield sep + tail


def _replace_parts(source: Path, out: Path, data_part: str, rows: Sequence[DataRow],
                   tables: dict[str, list[str]]) -> None:
    """Copy the workbook ``source`` to ``out``, writing ``data_part`` from ``rows`` and adding to each part of
    ``tables`` its data rows."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        names = set(zin.namelist())
        missing = [p for p in (data_part, *tables) if p not in names]
        if missing:
            raise RuntimeError(f"workbook parts not found: {missing}")
        for info in zin.infolist():
            name = info.filename
            if name == data_part:
                pieces: Iterator[bytes] = (piece.encode("utf-8") for piece in _data_xml(rows))
            elif name in tables:
                pieces = _with_rows(zin.read(name), tables[name])
            else:
                zout.writestr(name, zin.read(name))
                continue
            with zout.open(name, "w", force_zip64=True) as handle:
                for piece in pieces:
                    handle.write(piece)
