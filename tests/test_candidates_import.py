"""Registration workbook: template, reading .xlsx/.ods, every bad row reported, all-or-nothing or good rows only."""
from __future__ import annotations

import datetime as dt
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.importing import commit_import, preview_import
from villagevote.candidates.sample import id_number
from villagevote.candidates.workbook import COLUMNS, SHEET_NAME, read_candidate_rows
from villagevote.errors import ValidationError
from villagevote.models import Candidacy, Person
from villagevote.models.enums import Education, NominationSource, Role
from villagevote.reports.forms_candidates import export_template

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
TODAY = dt.date(2026, 2, 1)
HEADERS = [c.header for c in COLUMNS]


def _row(name, number, village="青山村", org="村民委员会", post="委员", source="自荐", **kw):
    values = {"姓名": name, "身份证号码": number, "所在村": village, "参选组织": org, "参选职务": post, "推荐方式": source}
    values.update(kw)
    return [values.get(h) for h in HEADERS]


def _fill(template, out, rows):
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET_NAME]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(out)
    return out


def _counts(db):
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Person)),
                s.scalar(select(func.count()).select_from(Candidacy)))


GOOD_A = id_number("330604", dt.date(1976, 5, 4), 15)
GOOD_B = id_number("330604", dt.date(1982, 9, 30), 26)
GOOD_C = id_number("330604", dt.date(1968, 12, 1), 37)


def test_template_has_header_dropdowns_and_text_id_column(db, world, tmp_path):
    with db.session() as s:
        path = export_template(s, world.cycle_id, tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAME]
    assert [c.value.rstrip("*") for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws["B2"].number_format == "@"  # ID numbers stay text
    lists = wb["选项"]
    columns = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                        if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert columns["所在村"] == ["青山村", "绿水村"]
    assert columns["性别"] == ["男", "女"]
    assert "村务监督委员会" in columns["参选组织"] and "书记" in columns["参选职务"]
    assert "大专" in columns["文化程度"] and "中共党员" in columns["政治面貌"]
    validated = {str(dv.sqref).split(":")[0][:1] for dv in ws.data_validations.dataValidation}
    for header in ("性别", "文化程度", "政治面貌", "所在村", "参选组织", "参选职务", "推荐方式"):
        letter = openpyxl.utils.get_column_letter(HEADERS.index(header) + 1)
        assert letter in validated, header


def test_clean_file_imports_in_one_go(db, world, tmp_path):
    with db.session() as s:
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    path = _fill(template, tmp_path / "in.xlsx", [
        _row("张三", GOOD_A, post="主任", 性别="男", 文化程度="大专", 政治面貌="中共党员", 入党时间=dt.date(2001, 7, 1),
             村民小组="第2村民小组", 是否现任="是"),
        _row("李四", GOOD_B.lower(), org="村党组织", post="书记", source="党员推荐", 政治面貌="中共党员"),
        _row("李四", GOOD_B, post="委员"),  # same person, second organization
    ])
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
        assert preview.clean and len(preview.good) == 3
        result = commit_import(s, CLERK, world.cycle_id, preview)
        assert (result.persons_created, result.candidacies_created) == (2, 3)
    with db.session() as s:
        zhang = s.scalar(select(Person).where(Person.name == "张三"))
        assert zhang.education is Education.COLLEGE and zhang.party_join_date == dt.date(2001, 7, 1)
        assert zhang.group_id is not None
        li = s.scalar(select(Person).where(Person.name == "李四"))
        assert li.id_number == GOOD_B.upper()
        sources = {c.source for c in s.scalars(select(Candidacy).where(Candidacy.person_id == li.id))}
        assert sources == {NominationSource.PARTY_MEMBERS, NominationSource.SELF}


def test_every_bad_row_is_reported_and_nothing_is_written(db, world, tmp_path):
    with db.session() as s:
        persons.register_person(s, CLERK, persons.PersonData("王五", GOOD_C), today=TODAY)
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    bad_check = GOOD_A[:-1] + ("1" if GOOD_A[-1] != "1" else "2")
    path = _fill(template, tmp_path / "in.xlsx", [
        _row("张三", GOOD_A, post="主任"),                                    # row 2 good
        _row("赵六", bad_check),                                              # row 3 check digit
        _row("钱七", GOOD_B, village="白云村"),                                # row 4 unknown village
        _row("孙八", id_number("330604", dt.date(1980, 1, 1), 41), post="会计"),  # row 5 unknown post
        _row("张三", GOOD_A, post="主任"),                                    # row 6 duplicate of row 2
        _row("王伍", GOOD_C),                                                 # row 7 ID registered as 王五
        _row("周九", id_number("330604", dt.date(1979, 3, 3), 51), 入党时间="2030-01-01", 政治面貌="中共党员"),
        _row("吴十", id_number("330604", dt.date(1979, 3, 3), 63), org="妇联"),  # row 9 unknown organization
        _row("郑一", id_number("330604", dt.date(1990, 3, 3), 73), 性别="女"),  # row 10 gender contradicts ID
        _row("冯二", 330604197903037000),                                      # row 11 number mangled by Excel
        _row("陈三", id_number("330604", dt.date(1985, 3, 3), 83), org="村党组织", post="委员",
             政治面貌="中共预备党员"),                                          # row 12 probationary member
    ])
    before = _counts(db)
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
        by_row = {e.row: " ".join(e.problems) for e in preview.errors}
        assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        assert f"第18位应为 {GOOD_A[-1]}" in by_row[3]
        assert "所在村「白云村」不在本乡镇的村名单中" in by_row[4]
        assert "「会计」不是青山村村民委员会的职务" in by_row[5]
        assert "与第2行重复" in by_row[6]
        assert "已登记给「王五」" in by_row[7]
        assert "入党时间 2030-01-01 晚于今天" in by_row[8]
        assert "参选组织「妇联」不是可选项" in by_row[9]
        assert "身份证号码第17位表明是「男」" in by_row[10]
        assert "科学计数法" in by_row[11]
        assert "政治面貌为「中共预备党员」：参选村党组织须为中共正式党员" in by_row[12]
        assert "第3行（赵六）" in preview.error_text()
        with pytest.raises(ValidationError, match="10行有误，未导入任何数据"):
            commit_import(s, CLERK, world.cycle_id, preview)
    assert _counts(db) == before


def test_user_may_import_only_the_good_rows(db, world, tmp_path):
    with db.session() as s:
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    path = _fill(template, tmp_path / "in.xlsx", [
        _row("张三", GOOD_A, post="主任"),
        _row("钱七", GOOD_B, village="白云村"),
    ])
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
        result = commit_import(s, CLERK, world.cycle_id, preview, only_good_rows=True)
        assert "有误的1行未导入" in result.summary()
    assert _counts(db)[1] == 1
    # the same file again: row 2 is now a duplicate of the database, nothing new is possible
    with db.session() as s:
        again = preview_import(s, world.cycle_id, path, today=TODAY)
        assert not again.good and "不能重复登记" in again.errors[0].problems[0]


def test_failure_during_commit_rolls_back_everything(db, world, tmp_path):
    with db.session() as s:
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    path = _fill(template, tmp_path / "in.xlsx", [_row("张三", GOOD_A, post="主任"), _row("李四", GOOD_B)])
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
    with db.session() as s:  # someone registers 李四 between preview and commit
        persons.register_person(s, CLERK, persons.PersonData("李四", GOOD_B), today=TODAY)
    before = _counts(db)
    with pytest.raises(ValidationError, match="第3行：身份证号码 .* 在预览后已被登记"):
        with db.session() as s:
            commit_import(s, CLERK, world.cycle_id, preview)
    assert _counts(db) == before  # 张三 (row 2) was rolled back too


def test_wrong_or_missing_headers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证", "性别", "籍贯", "性别", "参选组织", "推荐方式"])
    ws.append(["张三", GOOD_A, "男", "浙江", "男", "村民委员会", "自荐"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(ValidationError) as info:
        read_candidate_rows(tmp_path / "bad.xlsx")
    msg = info.value.message
    assert "缺少必填列：所在村、参选职务" in msg
    assert "第1行D列的列名「籍贯」不是模板中的列" in msg
    assert "第1行E列的列名「性别」与C列重复" in msg
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(ValidationError, match="不支持的文件类型「.csv」"):
        read_candidate_rows(tmp_path / "x.csv")


def _write_ods(path, rows):
    """A minimal OpenDocument spreadsheet (what LibreOffice/WPS save) with string cells."""
    def cell(v):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>' \
            if v not in (None, "") else "<table:table-cell/>"
    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{SHEET_NAME}">{body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_ods_workbook_is_read(db, world, tmp_path):
    path = _write_ods(tmp_path / "in.ods", [HEADERS, _row("张三", GOOD_A, post="主任"), [None] * len(HEADERS),
                                            _row("李四", GOOD_B, village="白云村")])
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
    assert [r.name for r in preview.good] == ["张三"]
    assert [e.row for e in preview.errors] == [4]  # the blank row 3 is skipped but numbering is kept
