"""Register tab (lazy model, filters, search), import dialog as background jobs, calendar panel."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from tests.test_voters_import import make_id, voter_count
from villagevote.ui.dialogs.common import Ask


@pytest.fixture
def big_register(db, admin, township, tmp_path):
    from villagevote.voters.importer import import_file
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村民小组"])
    for i in range(1200):
        ws.append([("张" if i % 3 else "李") + "甲乙丙丁戊己庚辛"[i % 8] + "一二三四五六七八九十"[i % 10],
                   make_id(dt.date(1950, 1, 1) + dt.timedelta(days=i * 7), 1 + (i % 400) * 2), f"第{1 + i % 4}村民小组"])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    with db.session() as s:
        import_file(s, admin, path, township.cycle_id, township.village_ids[0])
    return township


def test_register_model_fetches_lazily_and_filters(qtbot, ctx, big_register, qtmodeltester, settle):
    from villagevote.ui.pages.voter_register import VoterRegisterTab
    from villagevote.ui.table_model import PAGE_SIZE
    tab = VoterRegisterTab(ctx)
    qtbot.addWidget(tab)
    settle()
    assert tab.model.total == 1200
    assert tab.model.rowCount() == PAGE_SIZE and tab.model.canFetchMore()
    tab.model.fetchMore()  # the next page is read on the database worker
    assert not tab.model.canFetchMore()  # one page at a time
    settle()
    assert tab.model.rowCount() == 2 * PAGE_SIZE
    # The clerk sees full ID numbers (VIEW_SENSITIVE); eligible column reads 是
    first = tab.model.row_at(0)
    assert len(first[6]) == 18 and "*" not in first[6] and first[9] == "是"
    tab.search.setText("lbq")  # pinyin initials: only 李丙七 has them (丙 bing, 七 qi)
    qtbot.waitUntil(lambda: 0 < tab.model.total < 1200)
    assert {tab.model.row_at(i)[2] for i in range(tab.model.rowCount())} == {"李丙七"}
    tab.search.setText("")
    qtbot.waitUntil(lambda: tab.model.total == 1200)
    tab.group.setCurrentIndex(0)
    tab.village.setCurrentIndex(tab.village.findData(big_register.village_ids[0]))
    settle()  # the village's groups come with the register
    tab.group.setCurrentIndex(tab.group.findText("第2村民小组"))
    settle()
    assert tab.model.total == 300
    assert {tab.model.row_at(i)[1] for i in range(tab.model.rowCount())} == {"第2村民小组"}
    qtmodeltester.check(tab.model, force_py=True)
    settle()


def test_readonly_user_sees_masked_ids_and_no_import(qtbot, qapp, db, readonly, big_register):
    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    from villagevote.ui.pages.voter_register import VoterRegisterTab
    setup_fonts(qapp)
    ro = AppContext(db, readonly)
    tab = VoterRegisterTab(ro)
    qtbot.addWidget(tab)
    assert ro.wait_idle()
    assert "********" in tab.model.row_at(0)[6]
    assert not tab.import_button.isEnabled()


def test_import_dialog_checks_then_imports_in_a_job(qtbot, ctx, township, monkeypatch, tmp_path):
    from villagevote.ui.dialogs.voters_import import ImportDialog
    infos = []
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: infos.append(text)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某村选民名单"])
    ws.append(["姓名", "公民身份号码", "组别"])
    ws.append(["王一", make_id(dt.date(1960, 3, 3), 11), "第1村民小组"])
    ws.append(["王二", 330523196003030131, "第1村民小组"])  # stored as a number by Excel
    path = tmp_path / "list.xlsx"
    wb.save(path)
    dialog = ImportDialog(None, ctx, path, township.village_ids[0])
    qtbot.addWidget(dialog)
    dialog.check()
    qtbot.waitUntil(lambda: "正在检查" not in dialog.report.toPlainText(), timeout=10000)
    assert "第 4 行" in dialog.report.toPlainText() and not dialog.import_button.isEnabled()
    ws.delete_rows(4)
    wb.save(path)
    dialog.check(use_form=True)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.do_import()
    assert voter_count(dialog.ctx.db) == 1 and infos and "新增 1 人" in infos[-1]


def test_calendar_panel_highlights_late_items(qtbot, ctx, township, settle):
    from villagevote.ui.pages.overview_calendar import CalendarPanel
    panel = CalendarPanel(ctx, today=dt.date(2026, 12, 1))
    qtbot.addWidget(panel)
    settle()
    rows = [panel.model.row_at(i) for i in range(panel.model.rowCount())]
    late = [r for r in rows if r[5] == "已逾期"]
    assert {r[0] for r in late} == {"东村", "西村", "南村"} and all(r[1] == "公布选民名单" for r in late)
    assert "已逾期 3 项" in panel.summary.text()


def test_objection_answer_dialog_opens_and_answers(qtbot, ctx, big_register, township, admin, settle):
    from villagevote.models.voters import Objection
    from villagevote.ui.dialogs.voters_objection import AnswerDialog
    from villagevote.voters.objections import ObjectionRequest, register_objection
    from villagevote.voters.register import publish_voter_list
    with ctx.db.session() as s:
        publish_voter_list(s, admin, township.cycle_id, township.village_ids[0], dt.date(2026, 11, 18))
        oid = register_objection(s, admin, township.cycle_id, township.village_ids[0], raised_by="张三",
                                 ground="漏登本人", received_on=dt.date(2026, 11, 20), request=ObjectionRequest.ADD,
                                 about_name="张小三", details={"name": "张小三"})
    dialog = AnswerDialog(None, ctx, oid)
    qtbot.addWidget(dialog)
    dialog.outcome.setCurrentIndex(dialog.outcome.count() - 1)  # 不成立
    dialog.answer.setPlainText("经核实，张小三户籍不在本村")
    dialog.date.setDate(dt.date(2026, 11, 22))  # within the answer period, whatever today is
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.save()
    settle()
    with ctx.db.read_session() as s:
        row = s.get(Objection, oid)
        assert row.outcome.value == "rejected" and row.answer == "经核实，张小三户籍不在本村"


def test_register_prints_through_the_registry_and_removes_through_a_write(qtbot, ctx, big_register, monkeypatch,
                                                                          tmp_path, messages, settle):
    """选民证 goes through ui.printing.produce (asks where to save, says where it was saved); 除名 is one ctx.write
    with the version loaded with the row, after which the register (a Page on Area.VOTERS) reloads by itself."""
    from villagevote.models.enums import VoterStatus
    from villagevote.ui.dialogs.voters_remove import RemoveDialog
    from villagevote.ui.pages.voter_register import VoterRegisterTab
    tab = VoterRegisterTab(ctx)
    qtbot.addWidget(tab)
    settle()
    tab.village.setCurrentIndex(tab.village.findData(big_register.village_ids[0]))
    settle()
    out = tmp_path / "cards.pdf"
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, **k: str(out)))
    tab.print_form("voter-cards")
    settle()
    assert out.stat().st_size > 0 and ("已保存", str(out)) in messages
    monkeypatch.setattr(RemoveDialog, "ask", classmethod(
        lambda cls, parent: (VoterStatus.DECEASED, "死亡证明", dt.date(2026, 10, 1))))
    tab.status.setCurrentIndex(tab.status.findData("active"))
    settle()
    assert tab.model.total == 1200
    tab.view.selectRow(0)
    removed = tab.selected_id()
    tab.remove_selected()
    settle()
    assert tab.model.total == 1199
    assert removed not in {tab.model.row_at(i)[11] for i in range(tab.model.rowCount())}
    tab.view.selectRow(0)
    tab.show_history()
    settle()
    assert messages[-1][0] == "登记历史"


def test_dialogs_keep_what_was_typed_and_say_what_is_wrong_beside_the_field(qtbot, ctx, township, settle):
    from villagevote.ui.dialogs.voters_objection import ObjectionDialog
    from villagevote.ui.dialogs.voters_remove import RemoveDialog
    dialog = ObjectionDialog(None, ctx)
    qtbot.addWidget(dialog)
    settle()
    dialog.ground.setPlainText("张三已迁出本村")
    dialog.save()  # no 提出人: refused by the domain, shown under the field, nothing lost
    settle()
    assert dialog.errors.message("raised_by") == "请填写异议提出人"
    assert dialog.ground.toPlainText() == "张三已迁出本村" and dialog.result() == 0
    remove = RemoveDialog(None)
    qtbot.addWidget(remove)
    remove.check()  # no reason: said before the dialog closes
    assert "请填写除名的具体原因" in remove.errors.message("reason") and remove.result() == 0
    remove.reason.setText("死亡证明")
    remove.date.setDate(dt.date(2026, 10, 1))
    remove.check()
    assert remove.result() == remove.DialogCode.Accepted
