"""The 实绩比选 page: the entry grid model (values checked against maxima, empty ≠ 0, recusal), keyboard entry,
saving a sheet, results with breakdown, refusals shown to the user."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from tests.helpers_candidates import qualified_secretaries
from villagevote.candidates.sample import build_world
from villagevote.models.enums import CandidacyStatus as S
from villagevote.scoring import service
from villagevote.scoring.scheme import Criterion
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.pages.scoring import EMPTY_BG, FIXED_COLS, RECUSED_BG, ScoreGridModel, ScoringPage

NAMES = ["张三", "李四", "王五"]


def scheme_dict() -> dict:
    return {
        "format": 1, "code": "ui", "name": "界面测试比选",
        "criteria_weights_must_sum_to": None, "group_weights_must_sum_to": "1",
        "rater_groups": [{"code": "lead", "name": "乡镇领导", "weight": "1"}],
        "criteria": [{"code": "work", "name": "服务中心工作", "max": "60", "weight": "1"},
                     {"code": "vote", "name": "民主评议", "max": "40", "weight": "1"}],
        "aggregation": {"method": "mean", "scope": "pooled"},
        "rounding": {"places": 2, "mode": "half_up"}, "entry_places": 1,
        "cutoff": {"min_total": "60", "top_n_per_post": None},
        "tie_rule": {"priority_criteria": []},
    }


@pytest.fixture
def scheme(db, admin):
    with db.session() as s:
        world = build_world(s)
        cids = qualified_secretaries(s, admin, world, NAMES, dt.date(1980, 6, 9), 31, party_join=dt.date(2005, 7, 1))
        sid = service.create_scheme(s, admin, scheme_dict(), cycle_id=world.cycle_id)
        service.add_participants(s, admin, sid, list(cids.values()))
        rid = service.add_rater(s, admin, sid, "甲评委", "lead")
        service.recuse(s, admin, rid, cids["王五"], "王五之兄")
    return sid, cids, rid


def plain_sheet() -> service.SheetData:
    crit = [Criterion("work", "服务中心工作", D(60), D(1)), Criterion("vote", "民主评议", D(40), D(1))]
    rows = [service.ParticipantRow(i, n, "青山村", "村党组织", "书记", "1:书记", "青山村 村党组织 书记", S.QUALIFIED,
                                   False) for i, n in ((1, "王五"), (2, "李四"))]
    return service.SheetData(rater_id=9, rater_name="甲", group_code="lead", group_name="乡镇领导", entry_no=1,
                             criteria=crit, rows=rows, values={(2, "work"): D(0)}, recused={1: "亲属"},
                             complete=False, exists=True, entry_places=1)


def test_grid_model_checks_values_and_shows_empty_apart_from_zero(qtmodeltester, qapp):
    model = ScoreGridModel()
    model.load(plain_sheet())
    qtmodeltester.check(model)
    errors = []
    model.error.connect(errors.append)
    zero = model.index(1, FIXED_COLS)       # 李四 服务中心工作 = 0
    empty = model.index(1, FIXED_COLS + 1)  # 李四 民主评议 empty
    assert model.data(zero) == "0" and model.data(empty) == "未填"
    assert model.data(empty, Qt.ItemDataRole.EditRole) == ""
    assert model.data(empty, Qt.ItemDataRole.BackgroundRole).color() == EMPTY_BG
    assert model.data(zero, Qt.ItemDataRole.BackgroundRole) is None
    # above the maximum: refused, message names row, candidate, criterion and the maximum; value unchanged
    assert not model.setData(zero, "61")
    assert errors[-1] == "第 2 行 李四“服务中心工作”：分数 61 超过满分 60"
    assert model.values[(2, "work")] == D(0)
    assert not model.setData(empty, "-3") and "不能为负数" in errors[-1]
    assert not model.setData(empty, "35.25") and "小数位太多" in errors[-1]
    assert model.setData(empty, "３５.５") and model.values[(2, "vote")] == D("35.5")
    assert model.setData(zero, "") and model.values[(2, "work")] is None  # cleared = empty, not 0
    # recused row: not editable, shown as 回避 on grey
    recused = model.index(0, FIXED_COLS)
    assert not (model.flags(recused) & Qt.ItemFlag.ItemIsEditable)
    assert model.data(recused) == "回避" and model.data(recused, Qt.ItemDataRole.BackgroundRole).color() == RECUSED_BG
    assert not model.setData(recused, "50")
    assert set(model.values_for_save()) == {(2, "work"), (2, "vote")}


def open_page(qtbot, ctx, settle, sid, show=False):
    """The page with scheme ``sid`` chosen, once its data (and the entry grid's) has arrived from the worker."""
    page = ScoringPage(ctx)
    qtbot.addWidget(page)
    if show:
        page.show()
    settle()
    page.scheme_box.setCurrentIndex(page.scheme_box.findData(sid))
    settle()
    return page


def test_keyboard_entry_save_and_results(qtbot, ctx, db, scheme, monkeypatch, settle):
    sid, cids, rid = scheme
    page = open_page(qtbot, ctx, settle, sid, show=True)
    page.tabs.setCurrentIndex(2)
    entry = page.entry
    assert entry.entry_rater.currentData() == rid
    grid = entry.grid
    # rows in stroke order: 王五 (recused, skipped), 李四, 张三; typing goes cell by cell with Enter
    assert [p.name for p in entry.grid_model.sheet.rows] == ["王五", "李四", "张三"]
    assert grid.currentIndex().row() == 1 and grid.currentIndex().column() == FIXED_COLS
    grid.setFocus()
    for text in ("50", "30", "45", "35"):
        qtbot.keyClick(grid, text[0])  # typing starts editing the current cell
        editor = grid.indexWidget(grid.currentIndex())  # the open editor of this cell (not a closed one)
        assert isinstance(editor, QLineEdit)
        qtbot.keyClicks(editor, text[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # saves and moves to the next cell (queued by the delegate)
        qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState, timeout=15000)
    assert entry.grid_model.values[(cids["李四"], "work")] == D(50)
    assert entry.grid_model.values[(cids["李四"], "vote")] == D(30)
    assert entry.grid_model.values[(cids["张三"], "work")] == D(45)
    assert entry.grid_model.values[(cids["张三"], "vote")] == D(35)
    entry.save_grid(True)
    settle()
    with db.session() as s:
        assert service.sheet_state(s, rid).counts
    # the page reloaded after the save; the grid kept its values and says the sheet counts
    assert entry.grid_model.values[(cids["张三"], "vote")] == D(35) and not entry.grid_model.dirty
    assert "已保存。已计入" in entry.entry_info.text()
    page.tabs.setCurrentIndex(4)
    results = page.results
    rows = [results.result_model.row_at(i) for i in range(results.result_model.rowCount())]
    # 李四 50 + 30 = 80.00 first, 张三 45 + 35 = 80.00 too: equal totals, no top-N cut-off -> 并列1, both pass
    assert [(r[2], str(r[-4])) for r in rows[:2]] in ([("李四", "80.00"), ("张三", "80.00")],
                                                [("张三", "80.00"), ("李四", "80.00")])
    assert all(r[1] == "并列1" for r in rows[:2])
    # 王五's only rater recused: no valid score, so the result says so instead of ranking him
    assert rows[2][2] == "王五" and rows[2][-3] == "评分未完成" and rows[2][1] == ""
    results.result_view.setCurrentIndex(results.result_view.model().index(0, 0))
    assert "满分 60" in results.breakdown.toPlainText()


def test_refused_save_shows_message_and_changes_nothing(qtbot, ctx, db, scheme, monkeypatch, settle):
    sid, cids, rid = scheme
    shown = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: shown.append(text)))
    page = open_page(qtbot, ctx, settle, sid)
    page.entry.grid_model.values[(cids["李四"], "work")] = D(50)  # only one of four cells
    page.entry.save_grid(True)
    settle()
    assert page.entry.grid_model.values[(cids["李四"], "work")] == D(50)  # what was typed stays
    assert "标记“已录完”前" in page.entry.entry_error.text()
    assert shown and "标记“已录完”前" in shown[-1] and "张三“服务中心工作”为空" in shown[-1]
    with db.session() as s:
        assert not service.load_sheet(s, rid).exists


def test_readonly_user_sees_disabled_actions(qtbot, db, readonly, scheme):
    from villagevote.ui.context import AppContext
    ro = AppContext(db, readonly)
    page = ScoringPage(ro)
    qtbot.addWidget(page)
    assert ro.wait_idle()
    page.scheme_box.setCurrentIndex(page.scheme_box.findData(scheme[0]))
    assert ro.wait_idle()
    assert not page.entry.save_btn.isEnabled() and not page.results.apply_btn.isEnabled()
    assert not page.new_btn.isEnabled()
    grid = page.entry.grid_model
    assert grid.sheet is not None and not (grid.flags(grid.index(1, FIXED_COLS)) & Qt.ItemFlag.ItemIsEditable)


def test_tie_decision_then_outcome_from_the_page(qtbot, ctx, db, scheme, monkeypatch, settle):
    sid, cids, rid = scheme
    with db.session() as s:
        from villagevote.audit import Actor
        from villagevote.models.core import User
        admin = s.query(User).filter_by(username="admin").one()
        actor = Actor(admin.id, "admin", admin.role)
        service.update_scheme(s, actor, sid, {**scheme_dict(), "cutoff": {"min_total": "60", "top_n_per_post": 1}})
        service.withdraw_recusal(s, actor, rid, cids["王五"])
        # 李四 50+30 = 80, 张三 50+30 = 80 (equal on 服务中心工作 too), 王五 40+20 = 60; top 1 -> open tie
        service.save_sheet(s, actor, rid, 1, {(cids["李四"], "work"): D(50), (cids["李四"], "vote"): D(30),
                                               (cids["张三"], "work"): D(50), (cids["张三"], "vote"): D(30),
                                               (cids["王五"], "work"): D(40), (cids["王五"], "vote"): D(20)},
                           complete=True)
    infos, errors = [], []
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, p, t, text: infos.append(text)))
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, p, t, text: errors.append(text)))
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, p, t, text: True))
    page = open_page(qtbot, ctx, settle, sid)
    assert len(page.view.results.results.open_ties) == 1
    page.results.apply_outcome()  # refused while the tie is open
    settle()
    assert errors and "并列待决定" in errors[-1]
    from villagevote.ui.dialogs.scoring_forms import TieDecisionDialog
    dialogs = []

    def decide(dlg):  # the dialog as a user fills it: 张三 first; OK without a reason first
        dialogs.append(dlg)
        order = {cids["张三"]: 0, cids["李四"]: 1}
        items = sorted((dlg.list.takeItem(0) for _ in range(dlg.list.count())),
                       key=lambda it: order[it.data(Qt.ItemDataRole.UserRole)])
        for it in items:
            dlg.list.addItem(it)
        dlg.submit()
        settle()
        assert dlg.result() != dlg.DialogCode.Accepted  # refused: the reason is required, shown in the dialog
        assert "请写明并列的处理依据" in dlg.errors._fields["reason"][1].text()
        dlg.reason.setPlainText("乡镇党委会议研究决定")
        dlg.submit()
        settle()
        return dlg.result()
    monkeypatch.setattr(TieDecisionDialog, "exec", decide)
    page.results.record_tie()
    settle()
    assert dialogs and page.view.results.results.open_ties == []
    page.results.apply_outcome()
    settle()
    assert "入围（初步人选）：张三" in infos[-1]
    with db.session() as s:
        from villagevote.models import Candidacy
        assert s.get(Candidacy, cids["张三"]).status == S.PRELIMINARY
        assert s.get(Candidacy, cids["李四"]).status == S.QUALIFIED
    assert not page.entry.save_btn.isEnabled() and "锁定" in page.status.text()


def test_scheme_editor_refuses_weights_that_do_not_sum(qtbot, monkeypatch):
    from villagevote.scoring.scheme import load_example_schemes, scheme_to_dict
    from villagevote.ui.dialogs.scoring_scheme import SchemeEditor
    data = scheme_to_dict(next(s for s in load_example_schemes() if s.code == "longyou-2017"))
    dlg = SchemeEditor(data)
    qtbot.addWidget(dlg)
    dlg.criteria.table.item(0, 3).setText("50")  # 服务中心工作 60 -> 50: weights now sum to 90, not 100
    dlg._accept()
    assert dlg.answer is None and "评分项权重之和为 90，方案要求等于 100" in dlg.problems.text()
    assert dlg.problems.isVisibleTo(dlg) and dlg.criteria.table.item(0, 3).text() == "50"  # stays open, kept
    dlg.criteria.table.item(1, 3).setText("25")  # 综合素质 15 -> 25: 50 + 25 + 15 + 10 = 100
    dlg.min_total.setText("70")
    dlg._accept()
    assert dlg.answer is not None
    assert dlg.answer["criteria"][0]["weight"] == "50" and dlg.answer["cutoff"]["min_total"] == "70"
    assert dlg.answer["criteria"][0]["group_weights"] == {"township_leaders": "50", "stationed_cadres": "50"}


def test_print_buttons_write_the_files_in_the_background(qtbot, ctx, db, scheme, monkeypatch, tmp_path, settle,
                                                         messages):
    sid, cids, rid = scheme
    page = open_page(qtbot, ctx, settle, sid)
    buttons = {"score-sheets": page.results.sheets_btn, "score-summary": page.results.summary_btn,
               "scores": page.results.export_btn}
    for name, file in (("score-sheets", "sheets.pdf"), ("score-summary", "summary.pdf"), ("scores", "s.xlsx")):
        monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, f=file: str(tmp_path / f)))
        buttons[name].click()
        settle(60_000)
        assert ("已保存", str(tmp_path / file)) in messages
        assert (tmp_path / file).stat().st_size > 0


def test_village_choice_filters_lists_and_results(qtbot, ctx, db, scheme, settle):
    sid, cids, rid = scheme
    from villagevote.models.core import Village
    page = open_page(qtbot, ctx, settle, sid)
    assert page.people.part_model.rowCount() == 3
    with db.session() as s:
        other = s.query(Village).filter_by(name="绿水村").one().id
        own = s.query(Village).filter_by(name="青山村").one().id
    ctx.set_village(other)
    settle()
    assert page.people.part_model.rowCount() == 0 and page.results.result_model.rowCount() == 0
    ctx.set_village(own)
    settle()
    assert page.people.part_model.rowCount() == 3 and page.results.result_model.rowCount() == 3
    assert "只显示“青山村”的人选" in page.results.results_info.text()


def test_typed_scores_survive_a_reload_of_the_page(qtbot, ctx, db, scheme, settle):
    """Another write (here: a rater added) reloads the page; the grid keeps what was typed and not yet saved."""
    sid, cids, rid = scheme
    page = open_page(qtbot, ctx, settle, sid)
    grid = page.entry.grid_model
    assert grid.setData(grid.index(1, FIXED_COLS), "44")  # 李四 服务中心工作
    with db.session() as s:
        from villagevote.audit import Actor
        from villagevote.models.core import User
        admin = s.query(User).filter_by(username="admin").one()
        service.add_rater(s, Actor(admin.id, "admin", admin.role), sid, "乙评委", "lead")
    from villagevote.changes import Area
    ctx.announce(Area.SCORING)
    settle()
    assert page.entry.entry_rater.count() == 2 and page.entry.entry_rater.currentData() == rid
    assert grid.values[(cids["李四"], "work")] == D(44) and grid.dirty


def test_rater_dialog_keeps_what_was_typed_and_shows_the_refusal_beside_the_name(qtbot, ctx, db, scheme, settle,
                                                                                monkeypatch):
    sid, cids, rid = scheme
    page = open_page(qtbot, ctx, settle, sid)
    from villagevote.ui.dialogs.scoring_forms import RaterDialog
    seen = []

    def fill(dlg):
        seen.append(dlg)
        dlg.name.setText("甲评委")  # already a rater of this scheme: refused by the domain
        dlg.title_edit.setText("党委副书记")
        dlg.submit()
        settle()
        assert dlg.result() != dlg.DialogCode.Accepted
        assert "已在本方案中" in dlg.errors._fields["name"][1].text()
        assert dlg.title_edit.text() == "党委副书记"  # everything typed stays
        dlg.name.setText("丙评委")
        dlg.submit()
        settle()
        return dlg.result()
    monkeypatch.setattr(RaterDialog, "exec", fill)
    page.people.add_rater()
    settle()
    assert seen and [r.name for r in page.view.raters if r.name == "丙评委"] == ["丙评委"]
    assert page.entry.entry_rater.count() == 2


def test_scheme_edit_saves_through_the_editor_before_it_closes(qtbot, ctx, db, scheme, settle, monkeypatch):
    sid, cids, rid = scheme
    page = open_page(qtbot, ctx, settle, sid)
    from villagevote.ui.dialogs.scoring_scheme import SchemeEditor

    def edit(dlg):
        dlg.min_total.setText("70")
        dlg._accept()
        settle()
        return dlg.result()
    monkeypatch.setattr(SchemeEditor, "exec", edit)
    page.scheme_panel.edit_scheme()
    settle()
    assert page.view.scheme.min_total == D(70) and "总分不低于 70 分" in page.scheme_panel.scheme_view.toPlainText()
