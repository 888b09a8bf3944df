"""The 候选人与资格审查 page: filters, detail panel, recording findings and decisions, import as a background job."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.models.enums import (
    FindingResult,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
)
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.candidates.workbook import COLUMNS as XLSX_COLUMNS
from villagevote.candidates.workbook import SHEET_NAME
from villagevote.reports.forms_candidates import export_template
from villagevote.ui.dialogs.candidates_finding import FindingAnswer, FindingDialog
from villagevote.ui.dialogs.candidates_import import ImportPreviewDialog
from villagevote.ui.dialogs.candidates_review import ReviewAnswer, ReviewDialog
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.table_model import RowsModel

TODAY = dt.date.today()
PEOPLE = [("张三", 11, "青山村", "主任"), ("李四", 13, "青山村", "委员"), ("王五", 15, "绿水村", "主任"),
          ("赵六", 17, "绿水村", "委员")]


@pytest.fixture
def world(db, admin):
    with db.session() as s:
        w = build_world(s, election_day=TODAY + dt.timedelta(days=60))
        for name, seq, village, post in PEOPLE:
            pid = persons.register_person(s, admin, persons.PersonData(
                name, id_number("330604", dt.date(1975, 1, 1), seq), political_status=PoliticalStatus.PARTY_MEMBER,
                village_id=w.villages[village]))
            register_candidacy(s, admin, pid, w.orgs[(village, OrgKind.VILLAGE_COMMITTEE)], post,
                               NominationSource.SELF)
    return w


def _names(page) -> list[str]:
    return [page.model.row_at(i)[3] for i in range(page.model.rowCount())]


def _page(qtbot, ctx):
    from villagevote.ui.pages.candidates import CandidatesPage
    page = CandidatesPage(ctx)
    qtbot.addWidget(page)
    return page


def test_table_filters(qtbot, ctx, world):
    page = _page(qtbot, ctx)
    assert sorted(_names(page)) == sorted(p[0] for p in PEOPLE)
    assert set(page.model.row_at(0)[9:10]) == {VerdictOutcome.UNDECIDED.label}
    page.village_box.setCurrentIndex(page.village_box.findData(world.villages["绿水村"]))
    assert sorted(_names(page)) == ["王五", "赵六"]
    page.village_box.setCurrentIndex(0)
    page.search.setText("zs")
    assert _names(page) == ["张三"]
    page.search.setText("")
    page.org_box.setCurrentIndex(page.org_box.findData(OrgKind.PARTY_BRANCH.value))
    assert _names(page) == []
    assert page.count_label.text() == "共 0 人次"


def test_record_finding_and_review_from_the_detail_panel(qtbot, ctx, world, monkeypatch):
    page = _page(qtbot, ctx)
    page.search.setText("李四")
    page.table.selectRow(0)
    assert "李四" in page.detail_title.text()
    assert page.finding_btn.isEnabled()
    released = TODAY - dt.timedelta(days=365 * 4)  # well inside the 5-year window
    monkeypatch.setattr(FindingDialog, "ask", classmethod(lambda cls, parent, rules, code=None: FindingAnswer(
        "N1", FindingResult.HIT, "公安", "刑满释放证明", released, None)))
    page._record_finding()
    assert page.model.row_at(0)[9] == VerdictOutcome.DISQUALIFIED.label
    assert "不能（取消资格）" in page.verdict_label.text() and "公安" in page.verdict_label.text()
    rules_model: RowsModel = page.rules_view.model()
    assert rules_model.row_at(0)[0] == "N1" and rules_model.row_at(0)[4] == "有"

    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, stage, reviewer="": ReviewAnswer(
        ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "镇党委", TODAY)))
    errors: list[str] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: errors.append(text)))
    page._record_review()  # township before village: refused with a message, nothing written
    assert errors and "还没有村级初审记录" in errors[0]
    assert page.steps_view.model().row_at(0)[0] == "尚无审查记录"


def test_readonly_user_sees_masked_ids_and_no_actions(qtbot, db, readonly, world):
    from PySide6.QtWidgets import QApplication

    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    setup_fonts(QApplication.instance())
    ctx = AppContext(db, readonly)
    page = _page(qtbot, ctx)
    page.table.selectRow(0)
    text = page.detail_title.text()
    assert "********" in text
    assert not page.add_btn.isEnabled() and not page.import_btn.isEnabled() and not page.forms_btn.isEnabled()
    assert not page.finding_btn.isEnabled() and not page.review_btn.isEnabled()
    assert page.rules_view.model().row_at(0)[0] == "无权查看核查详情"


def test_import_runs_in_background_with_preview(qtbot, ctx, db, world, tmp_path, monkeypatch):
    with db.session() as s:
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET_NAME]
    headers = [c.header for c in XLSX_COLUMNS]
    rows = [{"姓名": "孙七", "身份证号码": id_number("330604", dt.date(1980, 2, 2), 21), "所在村": "青山村",
             "参选组织": "村民委员会", "参选职务": "委员", "推荐方式": "自荐"},
            {"姓名": "周八", "身份证号码": "330604198002020000", "所在村": "青山村", "参选组织": "村民委员会",
             "参选职务": "委员", "推荐方式": "自荐"}]
    for r, row in enumerate(rows, start=2):
        for c, h in enumerate(headers, start=1):
            ws.cell(row=r, column=c, value=row.get(h))
    wb.save(tmp_path / "in.xlsx")
    page = _page(qtbot, ctx)
    seen: dict = {}
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(tmp_path / "in.xlsx")))

    def choose(cls, parent, preview, name):
        seen["errors"] = [e.row for e in preview.errors]
        return "good"
    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(choose))
    infos: list[str] = []
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: infos.append(text)))
    page._import()
    qtbot.waitUntil(lambda: bool(infos), timeout=20000)
    assert seen["errors"] == [3]
    assert "已导入1条参选登记" in infos[0] and "有误的1行未导入" in infos[0]
    assert "孙七" in _names(page) and "周八" not in _names(page)


def test_unbound_cycle_shows_banner(qtbot, ctx, db, admin):
    with db.session() as s:
        build_world(s, bind=False)
    page = _page(qtbot, ctx)
    assert not page.banner.isHidden()
    assert "尚未选定资格条件目录" in page.banner.text()


def test_edit_person_from_the_detail_panel(qtbot, ctx, db, world, monkeypatch):
    import villagevote.ui.pages.candidates as page_mod
    from villagevote.models import Person
    page = _page(qtbot, ctx)
    page.search.setText("王五")
    page.table.selectRow(0)

    def edit(parent, villages, data):
        assert data.name == "王五" and data.political_status is PoliticalStatus.PARTY_MEMBER
        return persons.PersonData("王武", data.id_number, political_status=data.political_status,
                                  phone="13811112222", village_id=data.village_id)
    monkeypatch.setattr(page_mod, "edit_person", edit)
    page._edit_person()
    with db.session() as s:
        p = s.query(Person).filter_by(phone="13811112222").one()
        assert p.name == "王武" and p.name_initials == "ww"


def test_change_status_offers_no_outcomes(qtbot, ctx, world, monkeypatch):
    """更改状态 on a qualified candidacy offers no 当选 / 未当选 / 取消资格 (those come from an official result or a
    qualification decision) and applies the chosen move."""
    from villagevote.candidates import status
    from villagevote.models import Candidacy
    from villagevote.models.enums import CandidacyStatus as S
    from villagevote.ui.dialogs.candidates_review import StatusDialog
    page = _page(qtbot, ctx)
    page.search.setText("张三")
    page.table.selectRow(0)
    cid = page._current_id
    with ctx.session() as s:
        for new in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED):
            status.transition(s, cid, new, ctx.actor)
    offered = []

    def ask(cls, parent, current, allowed):
        offered.extend(allowed)
        return S.CANDIDATE, ""
    monkeypatch.setattr(StatusDialog, "ask", classmethod(ask))
    page._change_status()
    assert offered and not {S.ELECTED, S.NOT_ELECTED, S.DISQUALIFIED} & set(offered)
    assert S.CANDIDATE in offered
    with ctx.session() as s:
        assert s.get(Candidacy, cid).status is S.CANDIDATE
