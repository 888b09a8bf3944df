"""County joint review round trip: export → filled in as the departments would (openpyxl) → preview → import."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.changes import Area
from villagevote.database import open_database
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models import AuditLog, Candidacy, DepartmentSignoff, Finding
from villagevote.models.db import table_counts
from villagevote.models.enums import (
    FindingResult,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
    Role,
)
from villagevote.qualification.county_review import apply_county_import, preview_county_import
from villagevote.qualification.findings import record_finding
from villagevote.qualification.review import record_review
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict
from villagevote.reports.forms_county import export_county_review

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
READONLY = Actor(None, "viewer", Role.READONLY)
TODAY = dt.date(2026, 2, 20)  # election day of the sample world: 2026-03-15
COUNTY_DEPTS = ["公安", "法院", "司法", "卫健（计生）", "政法委", "纪委监委", "组织部", "信访", "自然资源", "综合执法"]
LOCAL_RULES = ("S3", "S4", "S5", "S6")  # checked by the township / village, not by the county

PEOPLE = [
    # name, village, org kind, post, birth, seq
    ("张三", "青山村", OrgKind.VILLAGE_COMMITTEE, "主任", dt.date(1975, 6, 9), 21),
    ("李四", "青山村", OrgKind.VILLAGE_COMMITTEE, "委员", dt.date(1980, 1, 2), 33),
    ("王五", "绿水村", OrgKind.PARTY_BRANCH, "书记", dt.date(1969, 11, 30), 15),
    ("赵六", "绿水村", OrgKind.VILLAGE_COMMITTEE, "委员", dt.date(1988, 4, 5), 42),
    ("钱七", "绿水村", OrgKind.VILLAGE_COMMITTEE, "副主任", dt.date(1990, 9, 9), 57),  # no 乡镇复审 yet
]


def _populate(db, township: str = "城南镇", reviewed: int = 4) -> dict[str, int]:
    """Register the people and candidacies; pass 村级初审 and 乡镇复审 for the first ``reviewed``; record the
    township's own checks (S3–S6) clear. Returns candidacy ids by name."""
    ids: dict[str, int] = {}
    with db.session() as s:
        world = build_world(s, township=township)
        for i, (name, village, kind, post, birth, seq) in enumerate(PEOPLE):
            party = kind is OrgKind.PARTY_BRANCH  # a Party-branch candidate must be a full Party member
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", birth, seq), village_id=world.villages[village],
                political_status=PoliticalStatus.PARTY_MEMBER if party else PoliticalStatus.MASSES,
                party_join_date=dt.date(1995, 7, 1) if party else None), today=TODAY)
            cid = register_candidacy(s, ADMIN, pid, world.orgs[(village, kind)], post, NominationSource.SELF)
            ids[name] = cid
            if i < reviewed:
                record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, decided_on=dt.date(2026, 2, 1),
                              today=TODAY)
                record_review(s, ADMIN, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS,
                              decided_on=dt.date(2026, 2, 5), today=TODAY)
                for code in LOCAL_RULES:
                    record_finding(s, cid, code, FindingResult.CLEAR, ADMIN, department="乡镇", evidence="走访",
                                   today=TODAY)
    return ids


def _cycle_id(db) -> int:
    from villagevote.models import ElectionCycle

    with db.session() as s:
        return s.scalar(select(ElectionCycle.id))


def _export(db, tmp_path: Path, name: str = "county.xlsx") -> Path:
    with db.session() as s:
        return export_county_review(s, ADMIN, tmp_path / name, _cycle_id(db), today=TODAY)


def _columns(ws) -> dict[str, int]:
    """Department -> first column (1-based) from the merged header in row 2."""
    out = {}
    for col in range(9, ws.max_column + 1):
        value = ws.cell(row=2, column=col).value
        if value:
            out[value] = col
    return out


def _rows(ws) -> dict[str, int]:
    return {ws.cell(row=r, column=3).value: r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=3).value}


def fill(path: Path, answers: dict[tuple[str, str], tuple], default: tuple | None = ("无", "未发现", "经办员", None),
         out: Path | None = None) -> Path:
    """Fill the workbook as the county departments would: every department answers ``default`` for everyone
    except the (name, department) pairs given in ``answers``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["县级联审"]
    cols, rows = _columns(ws), _rows(ws)
    for name, r in rows.items():
        for dept, c in cols.items():
            value = answers.get((name, dept), default)
            if value is None:
                continue
            has, opinion, handler, day = value
            ws.cell(row=r, column=c, value=has)
            ws.cell(row=r, column=c + 1, value=opinion)
            ws.cell(row=r, column=c + 2, value=handler)
            ws.cell(row=r, column=c + 3, value=day or dt.date(2026, 2, 15))
    out = out or path.with_name(path.stem + "-returned.xlsx")
    wb.save(out)
    return out


def _preview(db, path: Path):
    with db.session() as s:
        return preview_county_import(s, path, _cycle_id(db), today=TODAY)


def _apply(db, preview):
    with db.session() as s:
        return apply_county_import(s, ADMIN, preview, today=TODAY)


def _verdicts(db, ids: dict[str, int]) -> dict[str, VerdictOutcome]:
    with db.session() as s:
        return {name: compute_verdict(s, cid).outcome for name, cid in ids.items()}


def test_exported_workbook_layout(db, tmp_path):
    _populate(db)
    path = _export(db, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["县级联审"]
    assert "城南镇" in ws["A1"].value
    assert [ws.cell(row=2, column=c).value for c in range(1, 9)] == [
        "序号", "村", "姓名", "性别", "身份证号码", "出生年月", "政治面貌", "参选职务"]
    assert list(_columns(ws)) == COUNTY_DEPTS
    first = _columns(ws)["公安"]
    assert [ws.cell(row=3, column=first + k).value for k in range(4)] == ["有无情况", "意见", "经办人", "日期"]
    # one row per candidate who passed 乡镇复审 (钱七 has not), village by village, stroke order inside a village
    assert list(_rows(ws)) == ["李四", "张三", "王五", "赵六"]  # 李 (横 first) before 张 (折 first), both 7
    row = _rows(ws)["张三"]
    number = id_number("330604", dt.date(1975, 6, 9), 21)
    assert ws.cell(row=row, column=5).value == number and ws.cell(row=row, column=5).number_format == "@"
    assert ws.cell(row=row, column=8).value == "村民委员会主任"
    assert ws.freeze_panes == "F4"
    assert ws.print_title_rows == "$2:$3" and ws.print_title_cols == "$A:$E"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert any('"无,有"' in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    meta = wb["_meta"]
    assert meta.sheet_state == "hidden"
    values = {meta.cell(row=r, column=1).value: meta.cell(row=r, column=2).value for r in range(1, meta.max_row + 1)}
    assert values["township"] == "城南镇" and values["export_id"]
    assert "N1" in [c.value for c in wb["填写说明"]["B"]]
    with db.session() as s:
        logged = s.scalar(select(AuditLog).where(AuditLog.action == "county_review_export"))
        assert logged.note == values["export_id"]


def test_export_needs_permission_to_see_id_numbers(db, tmp_path):
    _populate(db)
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            export_county_review(s, READONLY, tmp_path / "x.xlsx", _cycle_id(db), today=TODAY)
    assert not (tmp_path / "x.xlsx").exists()


def test_round_trip_answers_become_findings_signoffs_and_verdicts(db, tmp_path):
    ids = _populate(db)
    returned = fill(_export(db, tmp_path), {
        ("李四", "公安"): ("有", "因盗窃罪被判处有期徒刑，2023年5月10日刑满释放（N1）", "刘警官", None),
        ("王五", "信访"): ("有", "多次组织越级上访，扰乱公共秩序，属 S1 情形", "陈科长", None),
        ("赵六", "纪委监委"): ("有", "正在接受立案审查调查", "周主任", None),
    })
    preview = _preview(db, returned)
    assert preview.clean, [i.text() for i in preview.errors]
    assert preview.persons_matched == 4
    assert len(preview.signoffs) == 4 * len(COUNTY_DEPTS)
    result = _apply(db, preview)
    assert result.signoffs == 40

    verdicts = _verdicts(db, {k: v for k, v in ids.items() if k != "钱七"})
    assert verdicts == {
        "张三": VerdictOutcome.QUALIFIED,
        "李四": VerdictOutcome.DISQUALIFIED,       # released 2023-05-10, election 2026-03-15: within 5 years
        "王五": VerdictOutcome.ADVISED_WITHDRAW,   # 不宜 S1
        "赵六": VerdictOutcome.UNDECIDED,          # 有 without a rule code: 纪委监委's rules are doubtful
    }
    with db.session() as s:
        def of(cid: int):  # findings belong to the candidacy's person within the cycle
            cand = s.get(Candidacy, cid)
            return (Finding.person_id == cand.person_id) & (Finding.cycle_id == cand.cycle_id)

        hit = s.scalar(select(Finding).where(
            of(ids["李四"]), Finding.department == "公安", Finding.result == FindingResult.HIT))
        assert hit.event_date == dt.date(2023, 5, 10)
        assert "刑满释放" in hit.evidence and "刘警官" in hit.evidence
        doubts = s.scalars(select(Finding).where(of(ids["赵六"]),
                                                 Finding.department == "纪委监委")).all()
        assert {FindingResult(f.result) for f in doubts} == {FindingResult.DOUBT}
        sign = s.scalar(select(DepartmentSignoff).where(DepartmentSignoff.candidacy_id == ids["王五"],
                                                        DepartmentSignoff.department == "信访"))
        assert sign.has_issue is True and sign.handler == "陈科长" and sign.signed_on == dt.date(2026, 2, 15)
        assert sign.source_file.startswith(returned.name)
        assert s.scalar(select(func.count()).select_from(DepartmentSignoff).where(
            DepartmentSignoff.candidacy_id == ids["钱七"])) == 0


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    _populate(db)
    returned = fill(_export(db, tmp_path), {("李四", "公安"): ("有", "N1，2023年5月10日刑满释放", "刘警官", None)})
    _apply(db, _preview(db, returned))
    counts = table_counts(db.engine)
    with db.session() as s:
        before = s.execute(select(Finding.id, Finding.result, Finding.evidence, Finding.recorded_at)).all()
    again = _preview(db, returned)
    assert again.clean and again.change_count == 0
    assert "没有需要更新的内容" in again.summary()
    assert _apply(db, again).signoffs == 0
    assert table_counts(db.engine) == counts  # not even an audit entry
    with db.session() as s:
        assert s.execute(select(Finding.id, Finding.result, Finding.evidence, Finding.recorded_at)).all() == before


def test_a_corrected_answer_is_imported_as_a_change(db, tmp_path):
    ids = _populate(db)
    exported = _export(db, tmp_path)
    first = fill(exported, {("李四", "公安"): ("有", "N1，2023年5月10日刑满释放", "刘警官", None)})
    _apply(db, _preview(db, first))
    second = fill(exported, {}, out=tmp_path / "second.xlsx")  # the county corrects: nothing found
    preview = _preview(db, second)
    assert preview.clean
    changed = {(f.rule_code, f.before, f.result) for f in preview.findings}
    assert ("N1", FindingResult.HIT, FindingResult.CLEAR) in changed
    _apply(db, preview)
    assert _verdicts(db, {"李四": ids["李四"]}) == {"李四": VerdictOutcome.QUALIFIED}


def test_workbook_from_another_township_is_refused(db, tmp_path):
    other = open_database(tmp_path / "other.db", backup_dir=tmp_path / "bk2")
    try:
        _populate(other, township="城北镇")
        foreign = fill(_export(other, tmp_path, "other.xlsx"), {})
    finally:
        other.dispose()
    _populate(db)
    counts = table_counts(db.engine)
    with pytest.raises(ValidationError, match="“城北镇”导出的.*不是本乡镇“城南镇”的，已拒绝导入"):
        _preview(db, foreign)
    assert table_counts(db.engine) == counts


def test_copy_without_export_information_is_refused(db, tmp_path):
    _populate(db)
    returned = fill(_export(db, tmp_path), {})
    wb = openpyxl.load_workbook(returned)
    del wb["_meta"]
    wb.save(returned)
    with pytest.raises(ValidationError, match="没有本系统导出时写入的隐藏信息"):
        _preview(db, returned)


def test_problems_are_listed_with_row_and_nothing_is_applied(db, tmp_path):
    _populate(db)
    exported = _export(db, tmp_path)
    returned = fill(exported, {
        ("张三", "公安"): ("无", "不同意提名", "刘警官", None),          # contradictory
        ("张三", "法院"): ("有", "", "吴法官", None),                    # 有 without saying what
        ("李四", "信访"): ("也许", "", "陈科长", None),                  # not 有/无
        ("李四", "司法"): (None, "已核查", "孙所长", None),              # opinion without 有无情况
        ("王五", "组织部"): ("无", "", "郑部长", dt.date(2026, 12, 1)),  # date in the future
        ("王五", "政法委"): ("有", "属于 X9 情形", "冯书记", None),      # unknown rule code
    })
    wb = openpyxl.load_workbook(returned)
    ws = wb["县级联审"]
    rows = _rows(ws)
    ws.cell(row=rows["赵六"], column=3, value="赵陆")                      # name changed
    extra = ws.max_row + 1                                                   # a person the township never sent
    for c in range(1, ws.max_column + 1):
        ws.cell(row=extra, column=c, value=ws.cell(row=rows["张三"], column=c).value)
    ws.cell(row=extra, column=3, value="孙八")
    ws.cell(row=extra, column=5, value=id_number("330604", dt.date(1977, 7, 7), 77))
    ws.cell(row=extra + 1, column=3, value="周九")                            # ID number mangled by Excel
    ws.cell(row=extra + 1, column=5, value=3.30604197707071e17)
    wb.save(returned)

    counts = table_counts(db.engine)
    preview = _preview(db, returned)
    messages = [i.text() for i in preview.errors]
    text = "\n".join(messages)
    assert not preview.clean
    assert f"第{rows['张三']}行 张三【公安】：选了“无”，但意见为“不同意提名”，前后矛盾" in messages
    assert f"第{rows['张三']}行 张三【法院】：选了“有”，但意见为空，没有写明具体情况" in messages
    assert "“有无情况”应为“无”或“有”，实际为“也许”" in text
    assert "但“有无情况”为空" in text
    assert "日期 2026-12-01 晚于今天" in text
    assert "条款编号“X9”不在本届资格条件目录中" in text
    assert f"第{rows['赵六']}行 赵陆：姓名与系统中不一致：表中为“赵陆”，系统中为“赵六”" in text
    assert f"第{extra}行 孙八：身份证号码 330604********077" in text and "找不到" in text
    assert f"第{extra + 1}行 周九：" in text and "被 Excel 存成了数字" in text
    # the person whose row lost its name match is still reported as missing from the answers
    with db.session() as s:
        with pytest.raises(ValidationError, match="还有 9 处错误"):
            apply_county_import(s, ADMIN, preview, today=TODAY)
    assert len(preview.errors) == 9
    assert table_counts(db.engine) == counts


def test_missing_answers_are_listed_but_do_not_block(db, tmp_path):
    _populate(db)
    exported = _export(db, tmp_path)
    returned = fill(exported, {("张三", "信访"): None}, default=None)
    wb = openpyxl.load_workbook(returned)
    ws = wb["县级联审"]
    c = _columns(ws)["公安"]
    for r in _rows(ws).values():
        ws.cell(row=r, column=c, value="无")
        ws.cell(row=r, column=c + 1, value="未发现")
    ws.cell(row=_rows(ws)["张三"], column=c + 2, value="刘警官")
    ws.cell(row=_rows(ws)["张三"], column=c + 3, value=dt.date(2026, 2, 15))
    wb.save(returned)
    preview = _preview(db, returned)
    assert preview.clean
    text = "\n".join(i.text() for i in preview.warnings)
    assert "全表【法院】：该部门没有填写任何意见" in text
    assert "以下部门未填写：法院、司法" in text
    assert "没有填写经办人" in text and "没有填写日期" in text
    assert len(preview.signoffs) == 4  # only 公安 answered
    _apply(db, preview)


def test_changed_file_after_preview_is_not_applied(db, tmp_path):
    _populate(db)
    returned = fill(_export(db, tmp_path), {})
    preview = _preview(db, returned)
    assert preview.clean
    fill(returned, {("张三", "公安"): ("有", "N3", "刘警官", None)}, out=returned)
    counts = table_counts(db.engine)
    with db.session() as s:
        with pytest.raises(ValidationError, match="在预览之后被改动"):
            apply_county_import(s, ADMIN, preview, today=TODAY)
    assert table_counts(db.engine) == counts


def test_registry_entry_writes_the_workbook_for_the_current_cycle(db, tmp_path):
    from villagevote.reports.registry import Options, find_form

    _populate(db)
    form = find_form("export", "county-review")
    assert form.sensitive
    with db.session() as s:
        out = form.run(s, ADMIN, tmp_path / "cli.xlsx", Options(extra={"departments": "公安，法院"}))
    ws = openpyxl.load_workbook(out)["县级联审"]
    assert list(_columns(ws)) == ["公安", "法院"]
    with db.session() as s:
        with pytest.raises(ValidationError, match="“税务”不是本届县级联审的部门"):
            form.run(s, ADMIN, tmp_path / "bad.xlsx", Options(extra={"departments": "税务"}))


# Committed screenshots are refreshed only on request (VILLAGEVOTE_SCREENSHOTS=1); otherwise they go to a temp dir.
SCREENSHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots"
               if os.environ.get("VILLAGEVOTE_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "vv-screens")


def test_dialogs_export_then_preview_and_confirm(qtbot, ctx, settle, tmp_path, monkeypatch):
    from villagevote.ui.dialogs import county_review as dlg
    from villagevote.ui.dialogs.common import Ask

    ids = _populate(ctx.db)
    messages: list[str] = []
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: messages.append(text)))
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: messages.append("ERR " + text)))
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, **k: str(tmp_path / "out")))
    monkeypatch.setattr(Ask, "saved", classmethod(lambda cls, parent, title, path, note="": messages.append(f"已保存 {path}")
                                                  and False))
    offered: list[str] = []  # the offer to take the 县级联审 decisions from the workbook (declined here)
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text: offered.append(text) or False))

    def choose(cls, parent, departments, count, township):
        dialog = cls(parent, departments, count, township)
        qtbot.addWidget(dialog)
        assert count == 4 and dialog.list.count() == len(COUNTY_DEPTS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SCREENSHOTS / "county_review_export.png"))
        return dialog.chosen()

    monkeypatch.setattr(dlg.CountyExportDialog, "ask", classmethod(choose))
    exported: list[Path] = []
    dlg.run_county_export(None, ctx, on_done=exported.append)  # through the registry's county-review export
    settle()
    written = tmp_path / "out.xlsx"
    assert exported == [written] and written.exists(), messages
    assert messages[-1] == f"已保存 {written}"
    with ctx.db.read_session() as s:  # the export is logged with its number, as from the command line
        logged = s.scalars(select(AuditLog).where(AuditLog.action == "county_review_export")).all()
        assert len(logged) == 1 and logged[0].after["rows"] == 4 and len(logged[0].after["departments"]) == 10

    returned = fill(written, {("李四", "公安"): ("有", "N1，2023年5月10日刑满释放", "刘警官", None)})
    seen = []

    def confirm(cls, parent, preview):
        dialog = cls(parent, preview)
        qtbot.addWidget(dialog)
        dialog.show()
        seen.append(dialog.confirm_button.isEnabled())
        dialog.grab().save(str(SCREENSHOTS / "county_review_import_preview.png"))
        return True

    monkeypatch.setattr(dlg.CountyImportDialog, "ask", classmethod(confirm))
    changed: list[frozenset] = []
    ctx.changed.connect(changed.append)
    dlg.run_county_import(None, ctx, path=returned)
    settle()
    assert changed and Area.QUALIFICATION in changed[0]
    assert seen == [True]
    assert "已导入：部门意见 40 条" in messages[-1]
    assert _verdicts(ctx.db, {"李四": ids["李四"]}) == {"李四": VerdictOutcome.DISQUALIFIED}
    assert len(offered) == 1 and "李四（委员）：不通过" in offered[0]


def test_import_dialog_with_errors_cannot_be_confirmed(qtbot, ctx, tmp_path):
    from villagevote.ui.dialogs.county_review import CountyImportDialog

    _populate(ctx.db)
    returned = fill(_export(ctx.db, tmp_path), {("张三", "公安"): ("无", "不同意提名", "刘警官", None),
                                               ("王五", "法院"): ("有", "", "吴法官", None)})
    cycle_id = _cycle_id(ctx.db)
    with ctx.db.read_session() as s:
        preview = preview_county_import(s, returned, cycle_id)
    dialog = CountyImportDialog(None, preview)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.confirm_button.isEnabled()
    assert dialog.issue_model.rowCount() >= 2
    dialog.grab().save(str(SCREENSHOTS / "county_review_import_errors.png"))
