"""Generate the committed spreadsheet fixtures in this folder (run once; the outputs are committed).

voters.xls needs the BIFF writer ``xlwt``, which is NOT a project dependency:

    python3 -m venv /tmp/xlwtenv && /tmp/xlwtenv/bin/pip install xlwt
    /tmp/xlwtenv/bin/python tests/data/voters/make_fixtures.py

voters.ods is written with the standard library only (a minimal OpenDocument spreadsheet).
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

TITLE = "青山村第十二届村民委员会选民登记表"
HEADER = ["序号", "姓名", "性别", "公民身份号码", "出生日期", "组别", "类别", "备注"]
# (name, gender, id, birth cell, group, category, note); a dt.date birth is written as a real date cell.
GOOD = [
    ("张三", "男", "330523197005010110", "1970-5-1", "第一组", "户籍在本村并居住", ""),
    ("李梅", "女", "330523198512310227", dt.date(1985, 12, 31), "第一组", "", ""),
    ("王  五", "男", "33052319900305037x", "1990年3月5日", "第二组", "户籍在本村不在本村居住", "在杭州务工"),
    ("赵六", "女", "", "2001.3.5", "第二组", "居住一年以上", "2019年起租住"),
    ("钱七", "", "330523200807040412", 20080704, "第三组", "", ""),
]
FOOTER = "制表人：周会计    审核人：村选委会"
# Sheet "问题名单": header on row 1, one problem per row.
BAD_HEADER = ["姓名", "身份证号", "性别", "出生日期"]
BAD = [
    ("孙八", 330523196010100503.0, "女", ""),  # ID stored as a number: last digits lost
    ("周九", "330523198512310227", "男", ""),  # gender contradicts the ID (17th digit even = female)
    ("吴十", "", "男", "85-12-31"),  # two-digit year
    ("郑十一", "330523198512310227", "女", ""),  # duplicate of row 3's ID
    ("", "330523197005010110", "男", ""),  # no name
]


def write_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    notes = book.add_sheet("填表说明")
    notes.write(0, 0, "请按模板填写，身份证号列设为文本格式")
    sheet = book.add_sheet("选民名单")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, TITLE)
    for col, text in enumerate(HEADER):
        sheet.write(1, col, text)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for i, (name, gender, idn, birth, group, cat, note) in enumerate(GOOD):
        r = i + 2
        sheet.write(r, 0, i + 1)
        sheet.write(r, 1, name)
        sheet.write(r, 2, gender)
        sheet.write(r, 3, idn)
        if isinstance(birth, dt.date):
            sheet.write(r, 4, birth, date_style)
        else:
            sheet.write(r, 4, birth)
        sheet.write(r, 5, group)
        sheet.write(r, 6, cat)
        sheet.write(r, 7, note)
    sheet.write(len(GOOD) + 2, 0, FOOTER)
    bad = book.add_sheet("问题名单")
    for col, text in enumerate(BAD_HEADER):
        bad.write(0, col, text)
    for i, row in enumerate(BAD):
        for col, value in enumerate(row):
            bad.write(i + 1, col, value)
    book.save(str(path))


def _ods_cell(value: object) -> str:
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if value in ("", None):
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path) -> None:
    rows = [[TITLE], [], HEADER[1:]]
    for name, gender, idn, birth, group, cat, note in GOOD[:3]:
        rows.append([name, gender, idn, birth, group, cat, note])
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="选民">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    write_xls(HERE / "voters.xls")
    write_ods(HERE / "voters.ods")
    print("wrote", HERE / "voters.xls", HERE / "voters.ods")
