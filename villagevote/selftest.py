"""`villagevote --self-test`: prove a build works without clicking — temporary database, migrations, one PDF with
Chinese text, one workbook. Returns 0 on success."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from villagevote.database import head_revision, open_database
from villagevote.reports.pdf.base import Paragraph, build_pdf, styles
from villagevote.reports.xlsx.base import save, write_table


def self_test(out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up at call time: a default bound at import would keep an old stdout

    with tempfile.TemporaryDirectory(prefix="villagevote-selftest-") as tmp:
        tmpdir = Path(tmp)
        os.environ.setdefault("VILLAGEVOTE_HOME", str(tmpdir / "home"))
        db = open_database(tmpdir / "selftest.sqlite3", backup_dir=tmpdir / "backups")
        revision = db.revision()
        db.dispose()
        if revision != head_revision():
            print(f"FAIL schema {revision} != {head_revision()}", file=out)
            return 1
        st = styles()
        pdf = build_pdf(tmpdir / "selftest.pdf", [Paragraph("村级组织换届自检：中文字体嵌入正常。", st["title"])],
                        title="自检")
        data = pdf.read_bytes()
        if not data.startswith(b"%PDF") or b"FontFile2" not in data:
            print("FAIL pdf: no embedded TrueType font", file=out)
            return 1
        wb = Workbook()
        write_table(wb.active, ["姓名", "村"], [["张三", "青溪村"]], title="自检")
        xlsx = save(wb, tmpdir / "selftest.xlsx")
        sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
        if sheet[2][0] != "张三":
            print("FAIL xlsx round trip", file=out)
            return 1
        print(f"self-test ok: schema {revision}, pdf {len(data)} bytes, xlsx ok", file=out)
    return 0
