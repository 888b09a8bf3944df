"""The one guarded reader every workbook import goes through (.xlsx / .xlsm / .xls / .ods, via python-calamine).

python-calamine is fast, but a malformed or hostile file can do worse than raise: one value in cell XFD1048576 makes
it allocate about 512 GiB and abort the whole process (the GUI reads in a thread of the same process), a huge
``count`` in the shared-string table or a forged .xls DIMENSIONS record does the same, and a truncated .xls raises a
pyo3 ``PanicException`` that is not an ``Exception``. This module looks at the file *before* calamine materialises
anything and turns every failure into a :class:`WorkbookError` (a ``ValidationError``) whose Chinese message says
what is wrong with which file, sheet, cell or row. No Qt, no database.

What it checks (``docs/workbooks.md`` has the reasons):

- the kind of file from its first bytes (empty, HTML saved as .xls, CSV renamed, a Word file, random bytes);
- .xlsx/.xlsm: the zip directory, declared part sizes, the shared-string count, and for each sheet read a bounded
  streaming scan of the sheet XML for cell references beyond :data:`MAX_ROWS` / :data:`MAX_COLUMNS` /
  :data:`MAX_CELLS`, cells without references and formulas; only when that cheap scan finds something unusual is
  the sheet parsed exactly (expat, the same positions calamine uses) — formulas without a cached value are refused
  with the cell named;
- .xls: the compound file and the BIFF records of every sheet (calamine reads them all on open): password
  protection, the shared-string count, DIMENSIONS records and the farthest cell;
- .ods: ``content.xml`` parsed once (repeated rows and columns, merged cells, formulas without values);
- after reading: merged ranges are filled down (the value goes into the first column of every row the range
  spans), and invisible characters (control characters, NUL, zero-width and bidi marks) are removed from text
  cells; each cleaned cell is recorded so an importer can refuse it where it would silently change a name or an
  ID number (:meth:`Sheet.cleaned_cells`).
"""
from __future__ import annotations

import gc
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any
from xml.parsers import expat

import python_calamine

from villagevote.errors import ValidationError
from villagevote.i18n import tr

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "SUPPORTED_SUFFIXES",
    "Sheet",
    "Workbook",
    "WorkbookError",
    "cell_name",
    "column_letter",
    "open_workbook",
    "read_sheet",
]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# Limits (see docs/workbooks.md). The largest list an importer takes is a township-wide voter register: about 50,000
# people in a big township, 100,000 in a large 街道. 200,000 rows leaves twice that. A police household list has
# about 30 columns and the county joint-review workbook 8 + 4 per department; 200 columns leaves room. The area from
# A1 to the farthest cell is what calamine and Python allocate (32 + 8 bytes a cell): 10.4 million cells (200,000
# rows x 52 columns) keeps that near 400 MB.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 10_400_000
MAX_PART_BYTES = 1 << 30  # declared uncompressed size of one XML part
_CHUNK = 1 << 20


class WorkbookError(ValidationError):
    """A workbook that cannot be imported, with a Chinese message naming the file (and sheet / cell)."""


# --------------------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------------------
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based (row, column) -> "B7"."""
    return f"{column_letter(col)}{row + 1}"


def _ref_position(ref: bytes | str) -> tuple[int, int] | None:
    """ "XFD1048576" -> (1048575, 16383) (0-based); None when it is not a cell reference."""
    text = ref.decode("ascii", "replace") if isinstance(ref, bytes) else ref
    m = re.fullmatch(r"\$?([A-Za-z]{1,7})\$?([0-9]{1,12})", text.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    text = f"{name}: {text}" if text else name
    return text if len(text) <= 160 else text[:160] + "…"


def _damaged(path: Path, exc: BaseException | None = None, what: str = "") -> WorkbookError:
    detail = tr("（技术信息：{detail}）").format(detail=_detail(exc)) if exc is not None else ""
    return WorkbookError(
        tr("文件「{name}」已损坏或不完整{what}，无法读取。请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入{detail}").format(
            name=path.name, what=what, detail=detail))


def _is_panic(exc: BaseException) -> bool:
    # pyo3's PanicException derives from BaseException: catch it by name, never KeyboardInterrupt / SystemExit.
    return type(exc).__name__ == "PanicException"


@contextmanager
def _gc_paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _far_error(path: Path, sheet: str, row: int, col: int) -> WorkbookError:
    return WorkbookError(
        tr("文件「{name}」工作表「{sheet}」的单元格 {cell} 超出可导入范围（最多 {rows} 行、{cols} 列、从 A1 起共 {cells} 个单元格），"
           "读取它需要极大的内存。常见原因是表格远处有误输入的内容或格式。请在 Excel 中删除多余的行和列（或只把需要的数据复制到新工作簿）"
           "后保存再导入").format(name=path.name, sheet=sheet, cell=cell_name(row, col), rows=f"{MAX_ROWS:,}",
                              cols=MAX_COLUMNS, cells=f"{MAX_CELLS:,}"))


def _check_extent(path: Path, sheet: str, row: int, col: int) -> None:
    """Refuse when the farthest cell (0-based) makes the A1-based area too large."""
    if row < 0 or col < 0:
        return
    if row >= MAX_ROWS or col >= MAX_COLUMNS or (row + 1) * (col + 1) > MAX_CELLS:
        raise _far_error(path, sheet, row, col)


def _formula_error(path: Path, sheet: str, cells: list[str], count: int) -> WorkbookError:
    listing = "、".join(cells[:5]) + (tr(" 等 {n} 处").format(n=count) if count > 5 else "")
    return WorkbookError(
        tr("文件「{name}」工作表「{sheet}」的单元格 {cells} 是公式，但文件里没有保存计算结果（常见于由其他程序生成、"
           "未经 Excel 打开保存的文件），读出来会是空的。请用 Excel 或 WPS 打开该文件、保存后再导入，"
           "或把公式列“复制 → 选择性粘贴 → 数值”").format(name=path.name, sheet=sheet, cells=listing))


# --------------------------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------------------------
_CONTROL = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0)))
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = re.compile("[" + re.escape(_CONTROL + _ZERO_WIDTH + _BIDI) + "]")
_DELETE = str.maketrans("", "", _CONTROL + _ZERO_WIDTH + _BIDI)


def _describe(chars: Iterable[str]) -> str:
    """'零宽空格 U+200B、控制字符 U+0007' for the removed characters (each kind once)."""
    seen: list[str] = []
    for ch in dict.fromkeys(chars):
        code = f"U+{ord(ch):04X}"
        if ch == "\x00":
            kind = tr("空字符")
        elif ch in _CONTROL:
            kind = tr("控制字符")
        elif ch == "\ufeff":
            kind = tr("字节顺序标记")
        elif ch in _ZERO_WIDTH:
            kind = tr("零宽字符")
        else:
            kind = tr("文字方向控制符")
        seen.append(f"{kind} {code}")
    return "、".join(seen[:4])


def _clean_text(rows: list[list[Any]]) -> dict[tuple[int, int], str]:
    """Remove invisible characters from every text cell in place; returns {(row0, col): description} of the cells
    that changed. The common case (nothing to remove) costs one join and one regular-expression search."""
    try:
        joined = "".join(chain.from_iterable(rows))
    except TypeError:  # numbers, dates … : check the text cells only
        joined = "".join(v for row in rows for v in row if type(v) is str)
    if not _INVISIBLE.search(joined):
        return {}
    cleaned: dict[tuple[int, int], str] = {}
    search = _INVISIBLE.search
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is str and search(value):
                cleaned[(r, c)] = _describe(_INVISIBLE.findall(value))
                row[c] = value.translate(_DELETE)
    return cleaned


# --------------------------------------------------------------------------------------------------------------
# What a read gives back
# --------------------------------------------------------------------------------------------------------------
Merged = list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass
class Sheet:
    """A sheet read as values. ``rows[i][j]`` is Excel row ``i + 1``, column ``j`` (0-based); every row has the same
    length. Merged ranges are already filled down; ``cleaned`` maps (row0, col) of text cells from which invisible
    characters were removed to a description of them."""

    path: Path
    name: str
    sheet_names: list[str]
    rows: list[list[Any]]
    merged: Merged = field(default_factory=list)  # ((row0, col0), (row1, col1)) inclusive, 0-based
    cleaned: dict[tuple[int, int], str] = field(default_factory=dict)

    def cleaned_cells(self, columns: Iterable[int], first_row: int = 0) -> list[tuple[int, int, str]]:
        """(Excel row, column, description) of cleaned cells in ``columns`` from 0-based ``first_row`` on."""
        wanted = set(columns)
        return sorted((r + 1, c, what) for (r, c), what in self.cleaned.items() if c in wanted and r >= first_row)


def _fill_merged(rows: list[list[Any]], merged: Merged) -> None:
    """Each merged range's value (its top-left cell, what Excel shows) goes into the first column of every row the
    range spans — never only the first row. Other columns of a range stay empty (a merged footer or title stays one
    cell, as the importers expect)."""
    n = len(rows)
    for (r0, c0), (r1, _c1) in merged:
        if r0 >= n or r1 <= r0 or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, n - 1) + 1):
            row = rows[r]
            if c0 < len(row):
                row[c0] = value


# --------------------------------------------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------------------------------------------
def _sniff(path: Path) -> str:
    """'zip', 'ole', 'html', 'text', 'empty' or 'unknown' from the first bytes of the file."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head", b"<body", b"<!--")):
        return "html"
    if b"\x00" in head:
        return "unknown"
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 512-byte window
                return "text"
    return "unknown"


# --------------------------------------------------------------------------------------------------------------
# .xlsx / .xlsm
# --------------------------------------------------------------------------------------------------------------
# Anything in a sheet's XML that is not a plain, near cell: a reference beyond column AZ or row 199,999, a cell
# without a reference (calamine then counts positions), a formula. One search over the decompressed text; a hit
# sends the sheet through the exact parse.
_UNUSUAL = re.compile(rb'<(?:c(?: r="(?:[A-Z]{3}|[B-Z][A-Z]|[A-Z]{1,2}(?:[2-9][0-9]{5}|[0-9]{7}))|>| (?!r=")|/)'
                      rb'|f[\s>/])')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|f|row)[\s>/]")
_SST_COUNT = re.compile(rb'\b(?:count|uniqueCount)\s*=\s*["\']([0-9]+)')


class _Stop(Exception):
    pass


def _xlsx_parts(zf: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """sheet name -> zip part of its XML, from xl/workbook.xml and its relationships (small files)."""
    import xml.etree.ElementTree as ET  # lazy: ~20 ms, needed only when an .xlsx is checked cell by cell

    def load(name: str) -> Any:
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > 20 << 20:
            raise _damaged(path, what=tr("（工作簿目录异常庞大）"))
        try:
            return ET.fromstring(zf.read(info))
        except Exception as exc:
            raise _damaged(path, exc) from None

    book = load("xl/workbook.xml")
    rels = load("xl/_rels/workbook.xml.rels")
    if book is None:
        raise _damaged(path, what=tr("（缺少工作簿目录 xl/workbook.xml）"))
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels:
            if rel.get("Id") and rel.get("Target"):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                parts: list[str] = []
                for piece in target.split("/"):
                    if piece == "..":
                        if parts:
                            parts.pop()
                    elif piece and piece != ".":
                        parts.append(piece)
                targets[rel.get("Id", "")] = "/".join(parts)
    result: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            name = element.get("name")
            if name is not None and rid in targets:
                result[name] = targets[rid]
    return result


def _xlsx_preflight(zf: zipfile.ZipFile, path: Path) -> dict[str, str]:
    for info in zf.infolist():
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(tr("文件「{name}」中的部件 {part} 解压后超过 1 GB，不是正常的表格文件，无法导入").format(
                name=path.name, part=info.filename))
    try:
        sst = zf.getinfo("xl/sharedStrings.xml")
    except KeyError:
        sst = None
    if sst is not None:
        try:
            with zf.open(sst) as handle:
                head = handle.read(4096)
        except Exception as exc:
            raise _damaged(path, exc) from None
        for m in _SST_COUNT.finditer(head[: head.find(b"<si") if b"<si" in head else len(head)]):
            if int(m.group(1)) > MAX_CELLS:
                raise WorkbookError(
                    tr("文件「{name}」的共享文字表声明了 {n} 项，远超可导入范围（最多 {max} 个单元格），文件已损坏或被篡改，无法导入").format(
                        name=path.name, n=m.group(1).decode(), max=f"{MAX_CELLS:,}"))
    return _xlsx_parts(zf, path)


def _scan_xlsx_sheet(zf: zipfile.ZipFile, part: str, path: Path, sheet: str) -> None:
    """The bounded scan of one sheet's XML before calamine reads it (see _UNUSUAL); the exact parse on a hit."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        return  # calamine reports the missing part
    unusual = False
    try:
        with zf.open(info) as handle:
            tail = b""
            first = True
            chunk = handle.read(_CHUNK)
            while chunk:
                following = handle.read(_CHUNK)
                data = tail + chunk
                if first and _PREFIXED.search(data[:4096]):
                    unusual = True
                    break
                first = False
                # A match in the last 40 bytes of a chunk may be a tag cut in two (`<c ` at the very end): those
                # bytes are searched again with the next chunk.
                keep = 40 if following else 0
                hit = _UNUSUAL.search(data)
                if hit is not None and hit.start() < len(data) - keep:
                    unusual = True
                    break
                tail = data[-keep:] if keep else b""
                chunk = following
    except Exception as exc:
        raise _damaged(path, exc, tr("（工作表「{sheet}」的数据无法解压）").format(sheet=sheet)) from None
    if unusual:
        _exact_xlsx_sheet(zf, info, path, sheet)


def _feed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, parser: Any, path: Path, bad_xml: str, bad_zip: str = "") -> None:
    """Stream one zip member through an expat parser in chunks; XML and decompression errors become WorkbookError
    (``_Stop`` and WorkbookError raised by the handlers pass through)."""
    try:
        with zf.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except (_Stop, WorkbookError):
        raise
    except expat.ExpatError as exc:
        raise _damaged(path, exc, bad_xml) from None
    except Exception as exc:
        raise _damaged(path, exc, bad_zip) from None


@dataclass(slots=True)
class _SheetScan:
    """Where expat is in a sheet's XML (see :func:`_exact_xlsx_sheet`)."""
    row: int = 0
    col: int = 0
    in_c: bool = False          # inside a <c> cell element
    pos: tuple[int, int] = (0, 0)
    has_f: bool = False         # the cell has a formula
    value: bool = False         # the cell holds a value
    in_v: bool = False          # inside its <v> element
    max_row: int = -1
    max_col: int = -1


def _exact_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, sheet: str) -> None:
    """Parse the sheet XML with expat, tracking positions as calamine does: the farthest cell that holds a value
    and the formulas without a cached value. Stops at the first cell beyond the limits."""
    state = _SheetScan()
    missing: list[str] = []
    count = [0]

    def local(name: str) -> str:
        return name.rsplit(":", 1)[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local(name)
        if tag == "row":
            r = attrs.get("r")
            if r is not None and r.isdigit():
                state.row = int(r) - 1
            if state.row >= MAX_ROWS:
                state.max_row = max(state.max_row, state.row)
        elif tag == "c":
            ref = attrs.get("r")
            pos = _ref_position(ref) if ref is not None else None
            if pos is None:
                pos = (state.row, state.col)
            else:
                state.col = pos[1]
            state.in_c, state.pos, state.has_f, state.value = True, pos, False, False
        elif state.in_c:
            if tag == "f":
                state.has_f = True
            elif tag == "is":
                state.value = True
            elif tag == "v":
                state.in_v = True

    def end(name: str) -> None:
        tag = local(name)
        if tag == "row":
            state.row += 1
            state.col = 0
        elif tag == "c" and state.in_c:
            row, col = state.pos
            if state.value:
                if row > state.max_row:
                    state.max_row = row
                if col > state.max_col:
                    state.max_col = col
                if row >= MAX_ROWS or col >= MAX_COLUMNS or (row + 1) * (col + 1) > MAX_CELLS:
                    raise _Stop
            elif state.has_f:
                count[0] += 1
                if len(missing) < 5:
                    missing.append(cell_name(row, col))
            state.in_c = False
            state.col += 1
        elif tag == "v":
            state.in_v = False

    def text(data: str) -> None:
        if state.in_v and data.strip():
            state.value = True

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    with suppress(_Stop):  # a cell beyond the limits: _check_extent below says which
        _feed(zf, info, parser, path, tr("（工作表「{sheet}」的 XML 不完整或有错）").format(sheet=sheet),
              tr("（工作表「{sheet}」的数据无法解压）").format(sheet=sheet))
    _check_extent(path, sheet, state.max_row, max(state.max_col, 0))
    if missing:
        raise _formula_error(path, sheet, missing, count[0])


# --------------------------------------------------------------------------------------------------------------
# .ods
# --------------------------------------------------------------------------------------------------------------
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@dataclass
class _OdsTable:
    merged: Merged = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_count: int = 0


def _ods_preflight(zf: zipfile.ZipFile, path: Path) -> dict[str, _OdsTable]:
    """Parse content.xml once: the farthest non-empty cell (repeats counted), merged ranges, formulas without values."""
    try:
        manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in zf.namelist() else b""
    except Exception as exc:
        raise _damaged(path, exc) from None
    if b"encryption-data" in manifest:
        raise WorkbookError(tr("文件「{name}」设置了打开密码，请在 WPS 或 LibreOffice 中取消密码后再导入").format(name=path.name))
    try:
        info = zf.getinfo("content.xml")
    except KeyError:
        raise _damaged(path, what=tr("（缺少 content.xml）")) from None
    if info.file_size > MAX_PART_BYTES:
        raise WorkbookError(tr("文件「{name}」中的部件 content.xml 解压后超过 1 GB，不是正常的表格文件，无法导入").format(
            name=path.name))
    tables: dict[str, _OdsTable] = {}
    st: dict[str, Any] = {"table": None, "name": "", "row": 0, "col": 0, "rrep": 1, "depth": 0, "cell": None}

    def num(attrs: dict[str, str], key: str) -> int:
        try:
            return max(1, int(attrs.get(f"{_TABLE} {key}", "1")))
        except ValueError:
            return 1

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            st["name"] = attrs.get(f"{_TABLE} name", "")
            st["table"] = tables.setdefault(st["name"], _OdsTable())
            st["row"] = 0
        elif st["table"] is None:
            return
        elif name == f"{_TABLE} table-row":
            st["col"] = 0
            st["rrep"] = num(attrs, "number-rows-repeated")
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            crep = num(attrs, "number-columns-repeated")
            has_value = f"{_OFFICE} value-type" in attrs
            st["cell"] = [st["col"], crep, has_value, f"{_TABLE} formula" in attrs]
            if name == f"{_TABLE} table-cell":
                rs, cs = num(attrs, "number-rows-spanned"), num(attrs, "number-columns-spanned")
                if rs > 1 or cs > 1:
                    r0, c0 = st["row"], st["col"]
                    _check_extent(path, st["name"], r0 + rs - 1, c0 + cs - 1)
                    st["table"].merged.append(((r0, c0), (r0 + rs - 1, c0 + cs - 1)))
        elif st["cell"] is not None and name.endswith(" p"):
            st["cell"][2] = True

    def end(name: str) -> None:
        if name == f"{_TABLE} table":
            st["table"] = None
        elif st["table"] is None:
            return
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and st["cell"] is not None:
            col, crep, has_value, formula = st["cell"]
            if has_value:
                _check_extent(path, st["name"], st["row"] + st["rrep"] - 1, col + crep - 1)
            elif formula:
                table = st["table"]
                table.missing_count += 1
                if len(table.missing) < 5:
                    table.missing.append(cell_name(st["row"], col))
            st["col"] = col + crep
            st["cell"] = None
        elif name == f"{_TABLE} table-row":
            st["row"] += st["rrep"]

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(zf, info, parser, path, tr("（content.xml 不完整或有错）"))
    return tables


# --------------------------------------------------------------------------------------------------------------
# .xls (compound file + BIFF)
# --------------------------------------------------------------------------------------------------------------
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class _Cfb:
    """A minimal, bounds-checked reader of an OLE compound file (enough to find and read the Workbook stream)."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise ValueError("short header")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        mini_shift = struct.unpack_from("<H", data, 0x20)[0]
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("bad sector size")
        self.size = 1 << shift
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff = struct.unpack_from("<I", data, 0x38)[0]
        first_mini, n_mini, first_difat, n_difat = struct.unpack_from("<IIII", data, 0x3C)
        self.n_sectors = max(0, (len(data) - 512) // self.size + 1)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, guard = first_difat, 0
        while sector not in (_END, _FREE) and guard <= self.n_sectors and n_difat:
            block = self._sector(sector)
            entries = struct.unpack(f"<{self.size // 4}I", block)
            difat.extend(entries[:-1])
            sector = entries[-1]
            guard += 1
        fat: list[int] = []
        for sector in difat[:n_fat]:
            if sector in (_END, _FREE):
                continue
            fat.extend(struct.unpack(f"<{self.size // 4}I", self._sector(sector)))
        self.fat = fat
        self.entries: dict[str, tuple[int, int, int]] = {}  # name -> (type, start, size)
        directory = self._chain(first_dir, self.fat, self._sector)
        root: tuple[int, int, int] | None = None
        for offset in range(0, len(directory) - 127, 128):
            raw = directory[offset:offset + 128]
            name_len = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            name = raw[: name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, 116)
            if self.size == 512:
                size &= 0xFFFFFFFF
            if kind == 5 and root is None:
                root = (kind, start, size)
            else:
                self.entries.setdefault(name, (kind, start, size))
        self.mini_stream = self._chain(root[1], self.fat, self._sector)[: root[2]] if root else b""
        self.mini_fat = list(struct.unpack(f"<{len(m) // 4}I", m)) if (m := self._chain(
            first_mini, self.fat, self._sector)[: n_mini * self.size]) else []

    def _sector(self, n: int) -> bytes:
        start = 512 + n * self.size
        if n >= self.n_sectors or start + self.size > len(self.data):
            raise ValueError(f"sector {n} beyond end of file")
        return self.data[start:start + self.size]

    def _mini(self, n: int) -> bytes:
        start = n * 64
        if start + 64 > len(self.mini_stream):
            raise ValueError(f"mini sector {n} beyond mini stream")
        return self.mini_stream[start:start + 64]

    def _chain(self, start: int, fat: list[int], read: Callable[[int], bytes]) -> bytes:
        out: list[bytes] = []
        sector, seen = start, 0
        while sector not in (_END, _FREE):
            if sector >= len(fat) or seen > len(fat):
                raise ValueError("broken sector chain")
            out.append(read(sector))
            sector = fat[sector]
            seen += 1
        return b"".join(out)

    def stream(self, name: str) -> bytes | None:
        entry = self.entries.get(name)
        if entry is None or entry[0] != 2:
            return None
        _, start, size = entry
        if size < self.cutoff:
            data = self._chain(start, self.mini_fat, self._mini)
        else:
            data = self._chain(start, self.fat, self._sector)
        if len(data) < size:
            raise ValueError("stream shorter than its directory entry")
        return data[:size]


_VALUE_RECORDS = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x00D6}  # number, label, boolerr, rk, labelsst …


def _xls_preflight(path: Path) -> str:
    """Check an .xls before calamine reads every sheet of it on open. Returns 'xls' or 'encrypted-ooxml'."""
    data = path.read_bytes()
    try:
        cfb = _Cfb(data)
        if "EncryptedPackage" in cfb.entries or "EncryptionInfo" in cfb.entries:
            return "encrypted-ooxml"
        stream = cfb.stream("Workbook")
        if stream is None:
            stream = cfb.stream("Book")
    except (ValueError, struct.error, IndexError) as exc:
        raise _damaged(path, exc, tr("（复合文档结构不完整，可能没有复制或下载完整）")) from None
    if stream is None:
        raise WorkbookError(tr("文件「{name}」不是 Excel 表格（可能是 Word 文档或其他 Office 文件），请选择 .xls 或 .xlsx 表格").format(
            name=path.name))
    unpack = struct.unpack_from
    end = len(stream)
    sheets: list[tuple[int, str]] = []
    pos = 0
    # Workbook globals
    while pos + 4 <= end:
        typ, size = unpack("<HH", stream, pos)
        body = pos + 4
        if body + size > end:
            raise _damaged(path, what=tr("（工作簿记录被截断，可能没有复制或下载完整）"))
        if typ == 0x002F:
            raise WorkbookError(tr("文件「{name}」设置了打开密码，请在 Excel 中取消密码后再导入").format(name=path.name))
        if typ == 0x0085 and size >= 8:
            offset = unpack("<I", stream, body)[0]
            nlen = stream[body + 6]
            raw_name = stream[body + 8: body + 8 + nlen * (2 if size > 8 and stream[body + 7] & 1 else 1)]
            try:
                sname = raw_name.decode("utf-16-le" if stream[body + 7] & 1 else "latin-1")
            except UnicodeDecodeError:
                sname = "?"
            sheets.append((offset, sname))
        if typ == 0x00FC and size >= 8:
            unique = unpack("<i", stream, body + 4)[0]
            if unique < 0 or unique > MAX_CELLS or unique > end:
                raise _damaged(path, what=tr("（共享文字表的项数异常：{n}）").format(n=unique))
        pos = body + size
        if typ == 0x000A:
            break
    for offset, sname in sheets:
        if offset >= end:
            raise _damaged(path, what=tr("（工作表「{sheet}」的位置超出文件末尾，文件不完整）").format(sheet=sname))
        pos = offset
        max_row = max_col = -1
        while pos + 4 <= end:
            typ, size = unpack("<HH", stream, pos)
            body = pos + 4
            if body + size > end:
                raise _damaged(path, what=tr("（工作表「{sheet}」的记录被截断，可能没有复制或下载完整）").format(sheet=sname))
            if typ in _VALUE_RECORDS and size >= 4:
                row, col = unpack("<HH", stream, body)
                if row > max_row:
                    max_row = row
                if col > max_col:
                    max_col = col
            elif typ == 0x00BD and size >= 6:  # MULRK: last column at the end
                row = unpack("<H", stream, body)[0]
                col = unpack("<H", stream, body + size - 2)[0]
                max_row, max_col = max(max_row, row), max(max_col, col)
            elif typ == 0x0200 and size in (10, 14):
                if size == 14:
                    rf, rl, cf, cl = unpack("<IIHH", stream, body)
                else:
                    rf, rl, cf, cl = unpack("<HHHH", stream, body)
                if rl >= 1 and cl >= 1:
                    if rf > rl - 1 or cf > cl - 1:
                        raise _damaged(path, what=tr("（工作表「{sheet}」的范围记录首尾颠倒）").format(sheet=sname))
                    _check_extent(path, sname, rl - 1, cl - 1)
            elif typ == 0x000A:
                break
            pos = body + size
            if max_row >= MAX_ROWS or max_col >= MAX_COLUMNS:
                break
        _check_extent(path, sname, max_row, max_col)
    return "xls"


# --------------------------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------------------------
class Workbook:
    """An opened, pre-checked workbook. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, kind: str, book: Any, zf: zipfile.ZipFile | None = None,
                 parts: dict[str, str] | None = None, ods: dict[str, _OdsTable] | None = None) -> None:
        self.path = path
        self.kind = kind
        self._book = book
        self._zip = zf
        self._parts = parts or {}
        self._ods = ods or {}
        self.sheet_names: list[str] = list(book.sheet_names)
        visible: list[str] = []
        for meta in book.sheets_metadata:
            if "Visible" in str(meta.visible) and "Hidden" not in str(meta.visible) and "WorkSheet" in str(meta.typ):
                visible.append(meta.name)
        self.visible_sheet_names = visible

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for closer in (getattr(self._book, "close", None), getattr(self._zip, "close", None)):
            if closer is not None:
                with suppress(Exception):  # closing is best effort: the data was read already
                    closer()

    def read(self, name: str) -> Sheet:
        """Read one sheet (checked first; merged ranges filled down; invisible characters removed)."""
        if name not in self.sheet_names:
            listing = "、".join(f"「{n}」" for n in self.sheet_names)
            raise WorkbookError(tr("文件「{name}」里没有名为「{sheet}」的工作表，现有工作表：{listing}").format(
                name=self.path.name, sheet=name, listing=listing))
        if self.kind == "xlsx":
            if self._zip is None or name not in self._parts:  # never read a sheet that was not scanned
                raise _damaged(self.path, what=tr("（找不到工作表「{sheet}」的数据）").format(sheet=name))
            _scan_xlsx_sheet(self._zip, self._parts[name], self.path, name)
        ods = self._ods.get(name)
        if ods is not None and ods.missing:
            raise _formula_error(self.path, name, ods.missing, ods.missing_count)
        try:
            with _gc_paused():
                sheet = self._book.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = list(sheet.merged_cell_ranges or []) if ods is None else list(ods.merged)
        except BaseException as exc:
            if not (isinstance(exc, Exception) or _is_panic(exc)):
                raise
            raise _damaged(self.path, exc, tr("（工作表「{sheet}」读取失败）").format(sheet=name)) from None
        if len(rows) > MAX_ROWS or (rows and len(rows[0]) > MAX_COLUMNS):  # defensive: the checks above bound it
            raise _far_error(self.path, name, len(rows) - 1, len(rows[0]) - 1)
        width = max(map(len, rows), default=0)
        if rows and min(map(len, rows)) != width:
            for row in rows:
                row.extend([""] * (width - len(row)))
        _fill_merged(rows, merged)
        cleaned = _clean_text(rows)
        return Sheet(path=self.path, name=name, sheet_names=list(self.sheet_names), rows=rows, merged=merged,
                     cleaned=cleaned)


def open_workbook(path: str | Path, suffixes: Iterable[str] = SUPPORTED_SUFFIXES) -> Workbook:
    """Open a workbook after checking what it is; every problem is a :class:`WorkbookError` naming the file."""
    path = Path(path)
    suffixes = tuple(suffixes)
    if not path.exists():
        raise WorkbookError(tr("找不到文件：{path}").format(path=path))
    if path.is_dir():
        raise WorkbookError(tr("选择的是文件夹，不是表格文件：{path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".xlsb":
        raise WorkbookError(tr("文件「{name}」是 Excel 二进制工作簿（.xlsb），本程序不读取这种格式。请在 Excel 中“另存为” .xlsx 再导入").format(
            name=path.name))
    if suffix not in suffixes:
        raise WorkbookError(tr("不支持的文件类型「{suffix}」（文件「{name}」）：请选择 .xlsx、.xls 或 .ods 表格文件").format(
            name=path.name, suffix=path.suffix or tr("无扩展名")))
    try:
        kind = _sniff(path)
    except OSError as exc:
        raise WorkbookError(tr("无法打开文件「{name}」：{detail}").format(name=path.name, detail=_detail(exc))) from None
    if kind == "empty":
        raise WorkbookError(tr("文件「{name}」是空的（0 字节），可能没有保存完整或复制时中断").format(name=path.name))
    if kind == "html":
        raise WorkbookError(
            tr("文件「{name}」虽然扩展名是 {suffix}，实际是网页（HTML）格式，常见于从业务系统导出的表格。"
               "请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入").format(name=path.name, suffix=suffix))
    if kind == "text":
        raise WorkbookError(
            tr("文件「{name}」是纯文本（可能是 CSV），不是 Excel 表格。请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入").format(
                name=path.name))
    if kind == "unknown":
        raise WorkbookError(tr("文件「{name}」不是可识别的表格文件（.xlsx/.xls/.ods），可能已损坏或不是表格").format(name=path.name))

    zf: zipfile.ZipFile | None = None
    parts: dict[str, str] = {}
    ods: dict[str, _OdsTable] = {}
    fmt = ""
    if kind == "zip":
        try:
            zf = zipfile.ZipFile(path)
            names = set(zf.namelist())
        except Exception as exc:
            raise WorkbookError(
                tr("文件「{name}」不完整或已损坏（压缩结构缺失），可能没有下载或复制完整。"
                   "请重新获取文件，或用 Excel 打开后另存一份再导入（技术信息：{detail}）").format(
                    name=path.name, detail=_detail(exc))) from None
        try:
            if "xl/workbook.xml" in names:
                fmt = "xlsx"
                parts = _xlsx_preflight(zf, path)
            elif "content.xml" in names:
                fmt = "ods"
                ods = _ods_preflight(zf, path)
            elif "xl/workbook.bin" in names:
                raise WorkbookError(tr("文件「{name}」是 Excel 二进制工作簿（.xlsb），本程序不读取这种格式。"
                                       "请在 Excel 中“另存为” .xlsx 再导入").format(name=path.name))
            else:
                raise WorkbookError(tr("文件「{name}」是压缩包，但不是 Excel 或 WPS 表格（可能是 Word 文档或其他文件），"
                                       "请选择 .xlsx、.xls 或 .ods 表格").format(name=path.name))
        except BaseException:
            zf.close()
            raise
    else:  # ole
        fmt = _xls_preflight(path)
        if fmt == "encrypted-ooxml":
            raise WorkbookError(tr("文件「{name}」设置了打开密码，请在 Excel 中取消密码后再导入").format(name=path.name))
    try:
        expected = {"xlsx": (".xlsx", ".xlsm"), "ods": (".ods",), "xls": (".xls",)}[fmt]
        if suffix in expected:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # the extension and the content disagree (an .xlsx saved as .xls, …): calamine sniffs the content
            with path.open("rb") as handle:
                book = python_calamine.CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        if zf is not None:
            zf.close()
        raise WorkbookError(tr("文件「{name}」设置了打开密码，请在 Excel 中取消密码后再导入").format(name=path.name)) from None
    except BaseException as exc:
        if zf is not None:
            zf.close()
        if not (isinstance(exc, Exception) or _is_panic(exc)):
            raise
        raise _damaged(path, exc) from None
    workbook = Workbook(path, "xlsx" if fmt == "xlsx" else fmt, book, zf, parts, ods)
    if not workbook.sheet_names:
        workbook.close()
        raise WorkbookError(tr("文件「{name}」里没有工作表").format(name=path.name))
    return workbook


def read_sheet(path: str | Path, sheet: str | int | None = None,
               pick: Callable[[list[list[Any]]], bool] | None = None,
               suffixes: Iterable[str] = SUPPORTED_SUFFIXES) -> Sheet:
    """Read one sheet of a workbook.

    ``sheet`` is a sheet name, a 0-based index or None. With None, the first visible sheet for which ``pick(rows)``
    is true is used (the first visible sheet when no sheet passes). A missing sheet raises :class:`WorkbookError`
    naming the sheets that exist.
    """
    path = Path(path)
    with open_workbook(path, suffixes) as workbook:
        names = workbook.sheet_names
        listing = "、".join(f"「{n}」" for n in names)
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise WorkbookError(tr("文件「{name}」只有 {n} 个工作表：{listing}").format(
                    name=path.name, n=len(names), listing=listing))
            candidates = [names[sheet]]
        elif isinstance(sheet, str) and sheet:
            if sheet not in names:
                raise WorkbookError(tr("文件「{name}」里没有名为「{sheet}」的工作表，现有工作表：{listing}").format(
                    name=path.name, sheet=sheet, listing=listing))
            candidates = [sheet]
        else:
            candidates = workbook.visible_sheet_names or names
        first: Sheet | None = None
        for name in candidates:
            raw = workbook.read(name)
            if first is None:
                first = raw
            if pick is None or pick(raw.rows):
                return raw
        assert first is not None
        return first

