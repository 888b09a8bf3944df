"""The 候选人与资格审查 page: filters, detail panel, recording findings and decisions, import as a background job."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.candidates.workbook import COLUMNS as XLSX_COLUMNS
from villagevote.candidates.workbook import SHEET_NAME
from villagevote.models.enums import (
    FindingResult,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
)
from villagevote.qualification.rules_engine import VerdictOutcome
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
    """The names the list shows (after its filters)."""
    return [r.name for r in page.visible_rows()]


def _page(qtbot, ctx, settle):
    from villagevote.ui.pages.candidates import CandidatesPage
    page = CandidatesPage(ctx)
    qtbot.addWidget(page)
    settle()
    return page


def _answer(monkeypatch, settle, dialog_cls, answer, seen: list) -> None:
    """The dialog, when shown, is answered with ``answer`` and 确定; ``seen`` gets (accepted, message shown)."""
    monkeypatch.setattr(dialog_cls, "answer", lambda self: answer)

    def exec_(dialog):
        dialog.submit()
        settle()
        seen.append((dialog.result() == dialog.DialogCode.Accepted, dialog.message()))
        return dialog.result()
    monkeypatch.setattr(dialog_cls, "exec", exec_)


def _select(page, settle, name: str) -> None:
    page.search.setText(name)
    page.table.selectRow(0)
    settle()


def test_table_filters(qtbot, ctx, settle, world, monkeypatch):
    page = _page(qtbot, ctx, settle)
    assert sorted(_names(page)) == sorted(p[0] for p in PEOPLE)
    assert {r.verdict for r in page.visible_rows()} == {VerdictOutcome.UNDECIDED.label}
    queries: list = []  # filtering runs in memory: no query per keystroke
    monkeypatch.setattr(ctx, "query", lambda *a, **k: queries.append(a))
    page.village_box.setCurrentIndex(page.village_box.findData(world.villages["绿水村"]))
    assert sorted(_names(page)) == ["王五", "赵六"]
    page.village_box.setCurrentIndex(0)
    page.search.setText("zs")
    assert _names(page) == ["张三"]
    page.search.setText("")
    page.org_box.setCurrentIndex(page.org_box.findData(OrgKind.PARTY_BRANCH.value))
    assert _names(page) == []
    assert page.count_label.text() == "共 0 人次"
    assert queries == []


def test_record_finding_and_review_from_the_detail_panel(qtbot, ctx, settle, world, monkeypatch):
    page = _page(qtbot, ctx, settle)
    _select(page, settle, "李四")
    detail = page.detail
    assert "李四" in detail.detail_title.text()
    assert detail.finding_btn.isEnabled()
    released = TODAY - dt.timedelta(days=365 * 4)  # well inside the 5-year window
    seen: list = []
    _answer(monkeypatch, settle, FindingDialog,
            FindingAnswer("N1", FindingResult.HIT, "公安", "刑满释放证明", released, None), seen)
    detail.finding_btn.click()
    settle()
    assert seen == [(True, "")]
    assert page.visible_rows()[0].verdict == VerdictOutcome.DISQUALIFIED.label
    assert "不能（取消资格）" in detail.verdict_label.text() and "公安" in detail.verdict_label.text()
    rules_model: RowsModel = detail.rules_view.model()
    assert rules_model.row_at(0)[0] == "N1" and rules_model.row_at(0)[4] == "有"

    seen.clear()
    _answer(monkeypatch, settle, ReviewDialog,
            ReviewAnswer(ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "镇党委", TODAY), seen)
    detail.review_btn.click()  # township before village: refused in the dialog, which stays open; nothing written
    settle()
    (accepted, message), = seen
    assert not accepted and "还没有村级初审记录" in message
    assert detail.steps_view.model().row_at(0)[0] == "尚无审查记录"

    seen.clear()  # a 不通过 without its reason: the message stands under the reason field
    monkeypatch.setattr(ReviewDialog, "answer", lambda self: ReviewAnswer(
        ReviewStage.VILLAGE, ReviewDecision.FAIL, "", "村党组织", TODAY))

    def exec_(dialog):
        dialog.submit()
        settle()
        seen.append(dialog.message("reason"))
        return dialog.result()
    monkeypatch.setattr(ReviewDialog, "exec", exec_)
    detail.review_btn.click()
    settle()
    assert seen and "必须填写理由" in seen[0]


def test_readonly_user_sees_masked_ids_and_no_actions(qtbot, db, readonly, world):
    from PySide6.QtWidgets import QApplication

    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    setup_fonts(QApplication.instance())
    ctx = AppContext(db, readonly)

    def settle() -> None:
        assert ctx.wait_idle(30_000)
    page = _page(qtbot, ctx, settle)
    page.table.selectRow(0)
    settle()
    text = page.detail.detail_title.text()
    assert "********" in text
    assert not page.add_btn.isEnabled() and not page.import_btn.isEnabled() and not page.forms_btn.isEnabled()
    assert not page.detail.finding_btn.isEnabled() and not page.detail.review_btn.isEnabled()
    assert page.detail.rules_view.model().row_at(0)[0] == "无权查看核查详情"
    page.search.setText("330604")  # ID fragments find nobody for a user who may not see them
    assert _names(page) == []


def test_import_runs_in_background_with_preview(qtbot, ctx, settle, db, world, tmp_path, monkeypatch):
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
    page = _page(qtbot, ctx, settle)
    seen: dict = {}
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(tmp_path / "in.xlsx")))

    def choose(cls, parent, preview, name):
        seen["errors"] = [e.row for e in preview.errors]
        return "good"
    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(choose))
    infos: list[str] = []
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: infos.append(text)))
    page.import_btn.click()
    settle()
    assert seen["errors"] == [3]
    assert "已导入1条参选登记" in infos[0] and "有误的1行未导入" in infos[0]
    assert "孙七" in _names(page) and "周八" not in _names(page)


def test_unbound_cycle_shows_banner(qtbot, ctx, settle, db, admin):
    with db.session() as s:
        build_world(s, bind=False)
    page = _page(qtbot, ctx, settle)
    assert not page.banner.isHidden()
    assert "尚未选定资格条件目录" in page.banner.text()


def test_edit_person_from_the_detail_panel(qtbot, ctx, settle, db, world, monkeypatch):
    from villagevote.models import Person
    from villagevote.ui.dialogs.candidates_person import PersonDialog
    page = _page(qtbot, ctx, settle)
    _select(page, settle, "王五")
    seen = []

    def exec_(dialog):
        assert dialog.name.text() == "王五" and dialog.political.currentText() == "中共党员"
        dialog.name.setText("王武")
        dialog.phone.setText("13811112222")
        dialog.submit()
        settle()
        seen.append(dialog.result())
        return dialog.result()
    monkeypatch.setattr(PersonDialog, "exec", exec_)
    page.detail.edit_person_btn.click()
    settle()
    assert seen == [PersonDialog.DialogCode.Accepted]
    with db.session() as s:
        p = s.query(Person).filter_by(phone="13811112222").one()
        assert p.name == "王武" and p.name_initials == "ww"
    page.search.setText("ww")  # the list was reloaded after the write: the new name and initials
    assert _names(page) == ["王武"]


def test_register_keeps_what_was_typed_and_shows_the_error_beside_the_field(qtbot, ctx, settle, db, world,
                                                                             monkeypatch):
    """A wrong ID number: the message appears under the ID field, the dialog stays open with everything typed;
    corrected, the person and the candidacy are registered in one write and the new candidacy is selected."""
    from villagevote.ui.dialogs.candidates_person import PersonDialog
    page = _page(qtbot, ctx, settle)
    page.village_box.setCurrentIndex(page.village_box.findData(world.villages["青山村"]))
    outcomes = []

    def exec_(dialog):
        dialog.name.setText("孙七")
        dialog.id_number.setText("330604198002020000")  # wrong check digit
        dialog.phone.setText("13900001111")
        dialog.post.setCurrentIndex(dialog.post.findText("委员"))
        dialog.submit()
        settle()
        outcomes.append((dialog.result(), dialog.message("id_number"), dialog.name.text(), dialog.phone.text()))
        dialog.id_number.setText(id_number("330604", dt.date(1980, 2, 2), 21))
        dialog.submit()
        settle()
        return dialog.result()
    monkeypatch.setattr(PersonDialog, "exec", exec_)
    page.add_btn.click()
    settle()
    rejected, message, name, phone = outcomes[0]
    assert rejected != PersonDialog.DialogCode.Accepted
    assert "身份证号码" in message and (name, phone) == ("孙七", "13900001111")
    assert "孙七" in _names(page)
    assert "孙七" in page.detail.detail_title.text()


def test_change_status_offers_no_outcomes(qtbot, ctx, settle, world, monkeypatch):
    """更改状态 on a qualified candidacy offers no 当选 / 未当选 / 取消资格 (those come from an official result or a
    qualification decision) and applies the chosen move."""
    from villagevote.candidates import status
    from villagevote.models import Candidacy
    from villagevote.models.enums import CandidacyStatus as S
    from villagevote.ui.dialogs.candidates_review import StatusDialog
    page = _page(qtbot, ctx, settle)
    _select(page, settle, "张三")
    cid = page.detail.current_id
    with ctx.db.session() as s:
        for new in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED):
            status.transition(s, cid, new, ctx.actor)
    offered: list = []
    seen: list = []
    _answer(monkeypatch, settle, StatusDialog, (S.CANDIDATE, ""), seen)
    original = StatusDialog.__init__

    def init(dialog, ctx, current, allowed, *a, **k):
        offered.extend(allowed)
        original(dialog, ctx, current, allowed, *a, **k)
    monkeypatch.setattr(StatusDialog, "__init__", init)
    page.detail.status_btn.click()
    settle()
    assert seen == [(True, "")]
    assert offered and not {S.ELECTED, S.NOT_ELECTED, S.DISQUALIFIED} & set(offered)
    assert S.CANDIDATE in offered
    with ctx.db.session() as s:
        assert s.get(Candidacy, cid).status is S.CANDIDATE


def test_relation_search_runs_on_the_worker_after_typing_stops(qtbot, ctx, settle, db, world, monkeypatch):
    """登记亲属关系: the search waits for a pause in typing (one query, not one per keystroke), leaves the person out
    and records the chosen relative."""
    from villagevote.models import Relationship
    from villagevote.models.enums import RelationKind
    from villagevote.ui.dialogs.candidates_relation import RelationDialog
    page = _page(qtbot, ctx, settle)
    _select(page, settle, "张三")
    queries: list = []
    real_query = ctx.query

    def counting(fn, on_done, **kw):
        queries.append(fn)
        real_query(fn, on_done, **kw)

    def exec_(dialog):
        monkeypatch.setattr(ctx, "query", counting)
        for text in ("l", "li", "lis"):
            dialog.query.setText(text)
        qtbot.wait(RelationDialog.DEBOUNCE_MS + 100)
        settle()
        monkeypatch.setattr(ctx, "query", real_query)
        assert len(queries) == 1
        assert dialog.results.count() == 1 and "李四" in dialog.results.item(0).text()
        dialog.kind.setCurrentIndex(dialog.kind.findData(RelationKind.SIBLING.value))
        return dialog.DialogCode.Accepted
    monkeypatch.setattr(RelationDialog, "exec", exec_)
    page.detail.relation_btn.click()
    settle()
    with db.session() as s:
        (rel,) = s.query(Relationship).all()
        assert rel.kind is RelationKind.SIBLING
    assert "李四" in page.detail.detail_title.text()  # the detail shows the new relative after the reload
