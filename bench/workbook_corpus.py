"""Malformed-workbook corpus: generate files that are broken in every way we know and import each one as the GUI
does, with every importer (voter register, candidate registration, county joint review).

    .venv/bin/python bench/workbook_corpus.py [--keep DIR]

Each file must end in a clean Chinese message (a ``UserError`` whose text has CJK and names the file, sheet, row or
cell) or a correct import — never another exception, never a partial write (row counts unchanged after a refusal).
Prints totals per importer and kind. ``tests/test_workbook_corpus.py`` runs the same cases as tests.

The huge-dimension cases (a value in XFD1048576, a wide row of cells without references, a forged shared-string
count, forged .xls DIMENSIONS) would make python-calamine allocate hundreds of GiB and abort the process if the
reader did not refuse them first; the test runs them in a subprocess under an address-space limit.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 2, 20)
REAL_XLS = ROOT / "tests" / "data" / "voters" / "voters.xls"
IMPORTERS = ("voters", "candidates", "county")
HUGE_KINDS = ("huge-dimension",)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Case:
    importer: str
    kind: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.importer}-{self.path.name}"


@dataclass
class Outcome:
    result: str  # "message" | "imported" | "crashed"
    text: str


# ----------------------------------------------------------------------------------------------------- writing
def _esc(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _col(index: int) -> str:
    from villagevote.workbooks import column_letter
    return column_letter(index)


def sheet_xml(rows: list[list[Any]], merges: list[str] = (), raw_cells: dict[tuple[int, int], str] | None = None,
              tail: str = "") -> str:
    """Minimal worksheet XML with inline strings; ``raw_cells`` replaces cells by literal XML."""
    raw_cells = raw_cells or {}
    out = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main"><sheetData>']
    height = max(len(rows), max((r + 1 for r, _ in raw_cells), default=0))
    for r in range(height):
        row = rows[r] if r < len(rows) else []
        out.append(f'<row r="{r + 1}">')
        width = max(len(row), max((c + 1 for rr, c in raw_cells if rr == r), default=0))
        for c in range(width):
            ref = f"{_col(c)}{r + 1}"
            if (r, c) in raw_cells:
                out.append(raw_cells[(r, c)].replace("{ref}", ref))
                continue
            value = row[c] if c < len(row) else None
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(value))}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData>")
    if merges:
        out.append(f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                   + "</mergeCells>")
    out.append(tail + "</worksheet>")
    return "".join(out)


def xlsx_bytes(sheets: list[tuple[str, str]], extra: dict[str, str] | None = None,
               hidden: tuple[str, ...] = ()) -> bytes:
    """A minimal .xlsx from (sheet name, sheet XML) pairs."""
    n = len(sheets)
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.'
                    f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(n)) + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{_esc(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"'
                      + (' state="hidden"' if name in hidden else "") + "/>" for i, (name, _) in enumerate(sheets))
            + "</sheets></workbook>")
    book_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                           f'2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
                 + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for i, (_, xml) in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return buffer.getvalue()


def ods_bytes(table_xml: str, manifest_extra: str = "") -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet>{table_xml}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                f'"content.xml" manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def ods_table(name: str, rows: list[list[Any]], spans: dict[tuple[int, int], int] | None = None,
              formula_cells: set[tuple[int, int]] = frozenset()) -> str:
    spans = spans or {}
    covered = {(r + k, c) for (r, c), n in spans.items() for k in range(1, n)}
    out = [f'<table:table table:name="{_esc(name)}">']
    for r, row in enumerate(rows):
        out.append("<table:table-row>")
        for c, value in enumerate(row):
            if (r, c) in covered:
                out.append("<table:covered-table-cell/>")
            elif (r, c) in formula_cells:
                out.append('<table:table-cell table:formula="of:=[.A1]"/>')
            elif value in (None, ""):
                out.append("<table:table-cell/>")
            elif isinstance(value, float) and value.is_integer():
                out.append(f'<table:table-cell office:value-type="float" office:value="{int(value)}"><text:p>'
                           f"{int(value)}</text:p></table:table-cell>")
            else:
                span = f' table:number-rows-spanned="{spans[(r, c)]}"' if (r, c) in spans else ""
                out.append(f'<table:table-cell office:value-type="string"{span}><text:p>{_esc(str(value))}</text:p>'
                           "</table:table-cell>")
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


# ------------------------------------------------------------------------------------------------------- world
@dataclass
class World:
    db: Any
    cycle_id: int
    village_id: int
    county_export: Path


def build_world(db_path: Path, workdir: Path) -> World:
    """A fresh database with the sample township, five candidates (four through 乡镇复审) and a county export."""
    from villagevote.audit import Actor
    from villagevote.candidates import persons
    from villagevote.candidates.candidacies import register_candidacy
    from villagevote.candidates.sample import build_world as sample_world
    from villagevote.candidates.sample import id_number
    from villagevote.database import open_database
    from villagevote.models.enums import (
        FindingResult,
        NominationSource,
        OrgKind,
        PoliticalStatus,
        ReviewDecision,
        ReviewStage,
        Role,
    )
    from villagevote.qualification.findings import record_finding
    from villagevote.qualification.review import record_review
    from villagevote.reports.forms_county import export_county_review

    admin = Actor(None, "admin", Role.ADMIN, "管理员")
    db = open_database(db_path)
    people = [("张三", "青山村", OrgKind.VILLAGE_COMMITTEE, "主任", dt.date(1975, 6, 9), 21),
              ("李四", "青山村", OrgKind.VILLAGE_COMMITTEE, "委员", dt.date(1980, 1, 2), 33),
              ("王五", "绿水村", OrgKind.PARTY_BRANCH, "书记", dt.date(1969, 11, 30), 15)]
    with db.session() as s:
        world = sample_world(s)
        for name, village, kind, post, birth, seq in people:
            party = kind is OrgKind.PARTY_BRANCH
            pid = persons.register_person(s, admin, persons.PersonData(
                name=name, id_number=id_number("330604", birth, seq), village_id=world.villages[village],
                political_status=PoliticalStatus.PARTY_MEMBER if party else PoliticalStatus.MASSES,
                party_join_date=dt.date(1995, 7, 1) if party else None), today=TODAY)
            cid = register_candidacy(s, admin, pid, world.orgs[(village, kind)], post, NominationSource.SELF)
            record_review(s, admin, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, decided_on=dt.date(2026, 2, 1),
                          today=TODAY)
            record_review(s, admin, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 2, 5),
                          today=TODAY)
            for code in ("S3", "S4", "S5", "S6"):
                record_finding(s, cid, code, FindingResult.CLEAR, admin, department="乡镇", evidence="走访",
                               today=TODAY)
        cycle_id = world.cycle_id
        village_id = world.villages["青山村"]
    with db.session() as s:
        export = export_county_review(s, admin, workdir / "county-export.xlsx", cycle_id, today=TODAY)
    return World(db=db, cycle_id=cycle_id, village_id=village_id, county_export=Path(export))


# ------------------------------------------------------------------------------------------------- base files
def _id(seq: int, birth: str = "19750609") -> str:
    body = f"330604{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def voter_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [["青山村选民登记表"], ["姓名", "公民身份号码", "性别", "村民小组", "备注"]]
    for i, name in enumerate(("周一", "吴二", "郑三", "冯四", "陈五", "褚六")):
        rows.append([name, _id(100 + i * 2), "", "第一组" if i < 3 else "第二组", ""])
    return rows


def candidate_rows() -> list[list[Any]]:
    from villagevote.candidates.workbook import COLUMNS
    from villagevote.models.enums import NominationSource, OrgKind

    header = [c.header for c in COLUMNS]
    rows: list[list[Any]] = [header]
    for i, name in enumerate(("孙八", "周九")):
        values = {"name": name, "id_number": _id(200 + i * 2, "19800102"), "village": "青山村",
                  "organization": OrgKind.VILLAGE_COMMITTEE.label, "post": "委员",
                  "source": NominationSource.SELF.label}
        rows.append([values.get(c.key, "") for c in COLUMNS])
    return rows


def county_sheets(export: Path) -> tuple[list[tuple[str, list[list[Any]]]], dict[str, Any]]:
    """The county export's sheets as value grids (to be rewritten with defects)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(export))
    sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
    return sheets, {}


# --------------------------------------------------------------------------------------------------- corpus
def generate(out: Path, world: World, importers: tuple[str, ...] = IMPORTERS) -> list[Case]:
    """Write the corpus into ``out`` and return the cases (about 70 per importer)."""
    rng = random.Random(13)
    out.mkdir(parents=True, exist_ok=True)
    xls = REAL_XLS.read_bytes()
    cases: list[Case] = []
    county_grid, _ = county_sheets(world.county_export)
    meta_name = next(n for n, _ in county_grid if n.startswith("_"))

    def write(importer: str, kind: str, name: str, data: bytes | str) -> None:
        path = out / importer / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(importer, kind, path))

    for importer in importers:
        if importer == "voters":
            main_name, rows, name_col, id_col, data_row = "选民", voter_rows(), 0, 1, 2
            others: list[tuple[str, str]] = []
            hidden: tuple[str, ...] = ()
        elif importer == "candidates":
            main_name, rows, name_col, id_col, data_row = "候选人登记", candidate_rows(), 0, 1, 1
            others, hidden = [], ()
        else:
            main_name = "县级联审"
            rows = next(g for n, g in county_grid if n == main_name)
            name_col, id_col, data_row = 2, 4, 3
            others = [(n, sheet_xml(g)) for n, g in county_grid if n != main_name]
            hidden = (meta_name,)

        def book(sheet: str, extra: dict[str, str] | None = None, name: str = main_name,
                 others: list[tuple[str, str]] = others, hidden: tuple[str, ...] = hidden) -> bytes:
            return xlsx_bytes([(name, sheet)] + others, extra, hidden)

        good = book(sheet_xml(rows))
        write(importer, "valid", "valid.xlsx", good)
        # truncated zip
        for frac in (0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
            write(importer, "truncated-zip", f"truncated-{int(frac * 100):02d}.xlsx", good[: int(len(good) * frac)])
        # a damaged byte in the middle of the deflate streams
        for k in range(3):
            data = bytearray(good)
            for _ in range(8):
                data[rng.randrange(200, len(data) - 200)] ^= 0xFF
            write(importer, "corrupted-zip", f"corrupted-{k}.xlsx", bytes(data))
        # random bytes
        for k, (size, ext) in enumerate(((17, ".xlsx"), (4096, ".xlsx"), (65536, ".xls"), (3000, ".ods"),
                                         (512, ".xlsm"), (100_000, ".xlsx"))):
            write(importer, "random-bytes", f"random-{k}{ext}", bytes(rng.randrange(256) for _ in range(size)))
        write(importer, "random-bytes", "zip-magic-then-garbage.xlsx",
              b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(2000)))
        write(importer, "random-bytes", "ole-magic-then-garbage.xls",
              b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(5000)))
        # HTML saved as .xls, CSV renamed
        html = "<html><body><table>" + "".join(
            "<tr>" + "".join(f"<td>{_esc(str(v))}</td>" for v in row) + "</tr>" for row in rows) + "</table></body></html>"
        write(importer, "html-as-xls", "html.xls", html)
        write(importer, "html-as-xls", "html-bom.xls", "\ufeff<!DOCTYPE html>" + html)
        write(importer, "html-as-xls", "html-gbk.xls", html.encode("gb18030"))
        csv_text = "\n".join(",".join(str(v) for v in row) for row in rows)
        write(importer, "csv-renamed", "csv-utf8.xlsx", csv_text)
        write(importer, "csv-renamed", "csv-gbk.xlsx", csv_text.encode("gb18030"))
        write(importer, "csv-renamed", "csv.ods", csv_text)
        # empty and no-sheet workbooks
        write(importer, "empty-file", "empty.xlsx", b"")
        write(importer, "empty-file", "empty.xls", b"")
        write(importer, "no-sheets", "no-sheets.xlsx", xlsx_bytes([]))
        write(importer, "not-a-workbook", "word.xlsx", _zip({"word/document.xml": "<w:document/>"}))
        write(importer, "not-a-workbook", "xlsb.xlsb", good)
        # broken XML
        write(importer, "broken-xml", "sheet-xml-cut.xlsx", book(sheet_xml(rows)[:-40]))
        write(importer, "broken-xml", "workbook-xml-bad.xlsx",
              _replace_member(good, "xl/workbook.xml", "<workbook><sheets><sheet"))
        write(importer, "broken-xml", "shared-string-missing.xlsx",
              book(sheet_xml(rows, raw_cells={(data_row, name_col): '<c r="{ref}" t="s"><v>99</v></c>'})))
        # huge dimension (each would make calamine allocate hundreds of GiB)
        write(importer, "huge-dimension", "far-cell.xlsx",
              book(sheet_xml(rows, raw_cells={(1048575, 16383): '<c r="{ref}"><v>1</v></c>'})))
        write(importer, "huge-dimension", "far-row.xlsx",
              book(sheet_xml(rows, raw_cells={(1048575, 0): '<c r="{ref}"><v>1</v></c>'})))
        write(importer, "huge-dimension", "far-column.xlsx",
              book(sheet_xml(rows, raw_cells={(0, 16383): '<c r="{ref}"><v>1</v></c>'})))
        wide = '<row r="99999">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 400 + "</row>"
        write(importer, "huge-dimension", "wide-row-without-refs.xlsx",
              book(sheet_xml(rows).replace("</sheetData>", wide + "</sheetData>")))
        write(importer, "huge-dimension", "shared-string-count.xlsx", book(sheet_xml(rows), extra={
            "xl/sharedStrings.xml": '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                    'spreadsheetml/2006/main" count="2000000000" uniqueCount="2000000000">'
                                    "<si><t>x</t></si></sst>"}))
        write(importer, "huge-dimension", "xls-dimensions.xls", _patch_xls(xls, "dimensions"))
        write(importer, "huge-dimension", "xls-far-cell.xls", _patch_xls(xls, "far-cell"))
        write(importer, "huge-dimension", "ods-far-cell.ods", ods_bytes(
            '<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="1000"/></table:table-row><table:table-row><table:table-cell '
            'table:number-columns-repeated="1000"/><table:table-cell office:value-type="string"><text:p>x</text:p>'
            "</table:table-cell></table:table-row></table:table>"))
        # formulas without cached values
        write(importer, "formula-no-value", "formula-name.xlsx",
              book(sheet_xml(rows, raw_cells={(data_row, name_col): '<c r="{ref}" t="str"><f>"张"&amp;"三"</f></c>'})))
        write(importer, "formula-no-value", "formula-id.xlsx",
              book(sheet_xml(rows, raw_cells={(data_row + 1, id_col): '<c r="{ref}"><f>A1</f><v></v></c>'})))
        write(importer, "formula-no-value", "formula.ods", ods_bytes(ods_table(main_name, rows, formula_cells={
            (data_row, id_col)})))
        # merged cells (filled down: a merged 村民小组 / village / answer column)
        merge_col = 3 if importer == "voters" else (7 if importer == "candidates" else 1)
        last = len(rows)
        merged_rows = [list(r) for r in rows]
        for r in range(data_row + 1, last):
            if merge_col < len(merged_rows[r]):
                merged_rows[r][merge_col] = ""
        write(importer, "merged-cells", "merged-down.xlsx",
              book(sheet_xml(merged_rows, merges=[f"{_col(merge_col)}{data_row + 1}:{_col(merge_col)}{last}"])))
        write(importer, "merged-cells", "merged-down.ods",
              ods_bytes(ods_table(main_name, merged_rows, spans={(data_row, merge_col): last - data_row})
                        + "".join(ods_table(n, g) for n, g in (county_grid if importer == "county" else [])
                                  if n != main_name)))
        write(importer, "merged-cells", "merged-identity.xlsx",
              book(sheet_xml(rows, merges=[f"{_col(id_col)}{data_row + 1}:{_col(id_col)}{data_row + 2}"])))
        # invisible characters
        for label, col, text in (("zero-width-name", name_col, "\u200b"), ("bidi-id", id_col, "\u202e"),
                                 ("nul-name", name_col, "\x00"), ("bom-id", id_col, "\ufeff"),
                                 ("control-other", len(rows[data_row]) - 1, "\x07")):
            bad = [list(r) for r in rows]
            if col >= len(bad[data_row]):
                continue
            bad[data_row][col] = f"{bad[data_row][col] or '备注'}{text}"
            xml = sheet_xml(bad).replace("\x00", "&#0;") if text == "\x00" else sheet_xml(bad)
            if text in "\x00\x07":  # XML 1.0 cannot hold them: Excel writes the _xHHHH_ escape
                xml = sheet_xml(bad).replace(text, f"_x{ord(text):04X}_")
            write(importer, "invisible-characters", f"{label}.xlsx", book(xml))
        # wrong headers / wrong sheet / empty sheet
        wrong = [list(r) for r in rows]
        wrong[data_row - 1] = [f"列{i}" for i in range(len(wrong[data_row - 1]))]
        write(importer, "wrong-headers", "wrong-headers.xlsx", book(sheet_xml(wrong)))
        write(importer, "wrong-headers", "empty-sheet.xlsx", book(sheet_xml([])))
        write(importer, "wrong-headers", "renamed-sheet.xlsx", book(sheet_xml(rows), name="Sheet9"))
        # .xls: the real file, truncated, password, forged records
        write(importer, "xls", "real.xls", xls)
        for frac in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999):
            write(importer, "truncated-xls", f"truncated-{int(frac * 1000):03d}.xls", xls[: int(len(xls) * frac)])
        write(importer, "password", "password.xls", _patch_xls(xls, "filepass"))
        write(importer, "password", "password.ods", ods_bytes(ods_table("S", rows), '<manifest:encryption-data/>'))
        write(importer, "xls", "xls-sst-count.xls", _patch_xls(xls, "sst"))
        # ODS truncated / valid
        ods = ods_bytes(ods_table(main_name, rows))
        for frac in (0.3, 0.6, 0.9):
            write(importer, "truncated-zip", f"truncated-{int(frac * 100)}.ods", ods[: int(len(ods) * frac)])
        write(importer, "ods", "plain.ods", ods)
    return cases


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buffer.getvalue()


def _replace_member(data: bytes, member: str, text: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, text if info.filename == member else source.read(info))
    return buffer.getvalue()


def _patch_xls(xls: bytes, how: str) -> bytes:
    """The real .xls with one BIFF record changed in place (the compound file stays valid)."""
    data = bytearray(xls)
    if how == "dimensions":
        i = data.find(b"\x00\x02\x0e\x00")
        data[i + 8:i + 12] = (0xFFFFFFF0).to_bytes(4, "little")
        data[i + 14:i + 16] = (0xFFFF).to_bytes(2, "little")
    elif how == "far-cell":
        i = data.find(b"\xfd\x00\x0a\x00")
        data[i + 4:i + 6] = (65535).to_bytes(2, "little")
        data[i + 6:i + 8] = (65000).to_bytes(2, "little")
    elif how == "filepass":  # WINDOW1 (0x003D) in the globals becomes FILEPASS (0x002F): a password-protected file
        i = data.find(b"\x3d\x00\x12\x00")
        data[i:i + 2] = (0x002F).to_bytes(2, "little")
    elif how == "sst":
        i = data.find(b"\xfc\x00")
        data[i + 8:i + 12] = (0x7FFFFFF0).to_bytes(4, "little")
    return bytes(data)


# ---------------------------------------------------------------------------------------------------- running
def _counts(db: Any) -> dict[str, int]:
    from villagevote.models.db import table_counts

    counts = table_counts(db.engine)
    return {k: v for k, v in counts.items() if k not in ("audit_log", "setting")}


def _names_where(text: str, case: Case) -> bool:
    """The message names the file, a sheet, a row or a cell."""
    return (case.path.name in text or "工作表" in text or re.search(r"第\s*\d+\s*行", text) is not None
            or "全表" in text)


def run_case(world: World, case: Case) -> Outcome:
    """Run one file through its importer as the GUI does; classify the outcome."""
    from villagevote.audit import Actor
    from villagevote.errors import UserError
    from villagevote.models.enums import Role

    admin = Actor(None, "admin", Role.ADMIN, "管理员")
    before = _counts(world.db)
    try:
        if case.importer == "voters":
            from villagevote.voters.importer import import_parsed
            from villagevote.voters.workbook import read_voter_workbook

            parsed = read_voter_workbook(case.path, today=TODAY)
            if not parsed.ok:
                outcome = Outcome("message", parsed.error_summary())
            else:
                with world.db.session() as s:
                    summary = import_parsed(s, admin, parsed, world.cycle_id, world.village_id, create_groups=True)
                outcome = Outcome("imported", summary.text())
        elif case.importer == "candidates":
            from villagevote.candidates.importing import commit_import, preview_import

            with world.db.session() as s:
                preview = preview_import(s, world.cycle_id, case.path, today=TODAY)
            if preview.errors:
                outcome = Outcome("message", preview.error_text(limit=20))
            else:
                with world.db.session() as s:
                    result = commit_import(s, admin, world.cycle_id, preview, source_name=case.path.name)
                outcome = Outcome("imported", result.summary())
        else:
            from villagevote.qualification.county_review import apply_county_import, preview_county_import

            with world.db.session() as s:
                preview = preview_county_import(s, case.path, world.cycle_id, today=TODAY)
            if preview.errors:
                outcome = Outcome("message", "\n".join(i.text() for i in preview.errors[:20]))
            else:
                with world.db.session() as s:
                    apply_county_import(s, admin, preview, today=TODAY)
                outcome = Outcome("imported", preview.summary())
    except UserError as exc:
        outcome = Outcome("message", str(exc))
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return Outcome("crashed", f"{type(exc).__name__}: {exc}")
    after = _counts(world.db)
    if outcome.result == "message":
        if not _CJK.search(outcome.text) or not _names_where(outcome.text, case):
            return Outcome("crashed", "unclear message: " + outcome.text)
        if after != before:
            return Outcome("crashed", f"partial write after a refusal: {before} -> {after}")
    return outcome


def run_corpus(workdir: Path, only: Callable[[Case], bool] = lambda c: True) -> list[tuple[Case, Outcome]]:
    results: list[tuple[Case, Outcome]] = []
    for importer in IMPORTERS:
        world = build_world(workdir / f"{importer}.sqlite3", workdir)
        for case in generate(workdir / "files", world, (importer,)):
            if only(case):
                results.append((case, run_case(world, case)))
        world.db.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--only-kind", help="run only this kind (e.g. huge-dimension)")
    parser.add_argument("--memory-limit-gb", type=float, help="address-space limit for this process (Linux)")
    args = parser.parse_args()
    if args.memory_limit_gb:
        import resource

        limit = int(args.memory_limit_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("VILLAGEVOTE_HOME", tempfile.mkdtemp(prefix="vv-corpus-home-"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="vv-corpus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = run_corpus(workdir, (lambda c: c.kind == args.only_kind) if args.only_kind else (lambda c: True))
    totals: Counter[tuple[str, str, str]] = Counter()
    for case, outcome in results:
        totals[(case.importer, case.kind, outcome.result)] += 1
    print(f"{'importer':<11}{'kind':<22}{'files':>6}{'message':>9}{'imported':>10}{'crashed':>9}")
    grand: Counter[str] = Counter()
    for importer in IMPORTERS:
        kinds = sorted({c.kind for c, _ in results if c.importer == importer})
        for kind in kinds:
            row = {r: totals[(importer, kind, r)] for r in ("message", "imported", "crashed")}
            print(f"{importer:<11}{kind:<22}{sum(row.values()):>6}{row['message']:>9}{row['imported']:>10}"
                  f"{row['crashed']:>9}")
            grand.update(row)
    print(f"{'total':<33}{sum(grand.values()):>6}{grand['message']:>9}{grand['imported']:>10}{grand['crashed']:>9}")
    for case, outcome in results:
        if outcome.result == "crashed":
            print(f"CRASHED {case.id} ({case.kind}): {outcome.text[:300]}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if grand["crashed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
