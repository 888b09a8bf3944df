"""The election tab: keyboard-only 唱票 with live validation, the projector window, totals entry, lock in the UI."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.helpers_elections import committee_contest
from villagevote.elections import contests
from villagevote.elections.contests import organizations_for
from villagevote.elections.tally import totals


@pytest.fixture
def tab(ctx, db, township, qtbot, settle):
    with db.session() as s:
        committee_contest(s, ctx.actor, township.village_ids[0], township.cycle_id, electorate=7)
    from villagevote.ui.pages.election_tab import ElectionTab
    ctx.set_village(township.village_ids[0])
    widget = ElectionTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    settle()
    return widget


def test_keyboard_entry_validates_and_counts(tab, qtbot, settle):
    assert tab.contest_id is not None
    call = tab.call
    call.issued.setValue(5)
    call.returned.setValue(5)
    call.save_counts()
    settle()
    qtbot.keyClicks(call.code, "1/2/124")          # 委员 has 3 seats: three choices are fine
    assert "应选 3 名" not in call.live.text()
    call.code.clear()
    qtbot.keyClicks(call.code, "1/2/1234")          # four 委员 choices → that part invalid, shown in red
    assert "该职务部分无效" in call.live.text()
    qtbot.keyClick(call.code, Qt.Key.Key_Return)
    for code in ("1/1/234", "2/2/13+赵敏", "x 撕毁"):
        call.code.setText(code)
        qtbot.keyClick(call.code, Qt.Key.Key_Return)
    settle()
    with tab.ctx.db.read_session() as s:
        t = totals(s, tab.contest_id)
    assert t.ballots_entered == 4 and t.wholly_invalid == 1
    assert t.posts["委员"].invalid_parts == 1 and t.posts["委员"].write_ins == {"赵敏": 1}
    assert t.posts["主任"].votes == {"王建国": 2, "李明": 1}
    # undo with Ctrl+Z from the entry line
    call.code.setFocus()
    call.undo()
    settle()
    with tab.ctx.db.read_session() as s:
        assert totals(s, tab.contest_id).ballots_entered == 3
    # projector shows the running totals in large type
    call.open_projector()
    proj = call.projector
    qtbot.addWidget(proj)
    texts = [w.text() for w in proj.findChildren(type(call.live))]
    assert any("已唱票 3 张" in x for x in texts)
    assert any(x == "王建国" for x in texts)
    proj.close()


def test_totals_entry_then_lock_makes_the_tab_read_only(tab, qtbot, monkeypatch, settle):
    from villagevote.ui.dialogs.common import Ask
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: True))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, *a: None))
    from PySide6.QtCore import QDate
    tab.ballots.held_on.setDate(QDate.currentDate())  # held today: a result is confirmed on or after the day (issue 14)
    tab.ballots.save_settings()
    settle()
    panel = tab.totals_panel
    panel.issued.setValue(7)
    panel.returned.setValue(6)
    panel.invalid.setValue(0)
    values = {"王建国": (5, 1, 0), "李明": (1, 4, 1), "张伟": (4, 2, 0), "丁丽": (2, 3, 1),
              "刘芳": (4, 1, 1), "孙强": (5, 1, 0), "周杰": (4, 2, 0), "马超": (1, 4, 1)}
    for r in range(panel.marks.rowCount()):
        name = panel.marks.item(r, 1).text()
        for c, v in enumerate(values[name], start=2):
            panel.marks.item(r, c).setText(str(v))
    panel.save()
    settle()
    assert "核对无误" in panel.problems.item(0).text()
    tab.result.compute()
    settle()
    assert "选举有效" in tab.result.verdict.text()
    tab.result.lock()
    settle()
    assert tab.view.official
    assert not tab.totals_panel.save_btn.isEnabled() and not tab.call.code.isEnabled()
    assert not tab.result.compute_btn.isEnabled() and tab.result.reopen_btn.isEnabled()
    assert "已确认" in tab.banner.text()


def test_new_contest_from_the_dialog_and_reopen_needs_a_reason(tab, qtbot, monkeypatch, township, settle):
    """The dialog creates the contest before it closes; a second contest for the same organization is refused beside
    the organization field and the dialog keeps what was chosen."""
    from PySide6.QtWidgets import QDialog

    from villagevote.ui.dialogs.election_new import NewContestDialog
    with tab.ctx.db.read_session() as s:
        orgs = organizations_for(s, township.village_ids[0], township.cycle_id)
    party = next(o for o in orgs if "党组织" in o.label)
    refused: list[tuple[str, int]] = []

    def fill_and_ok(dlg: NewContestDialog) -> int:
        dlg.org.setCurrentIndex(dlg.org.findData(party.organization_id))
        dlg.mode.setCurrentIndex(dlg.mode.findData("self_nomination"))
        dlg.electorate.setValue(40)
        dlg.present.setValue(36)
        dlg.check()
        settle()
        if dlg.result() != QDialog.DialogCode.Accepted:
            refused.append((dlg.errors.message("organization_id"), dlg.electorate.value()))
        return dlg.result()
    monkeypatch.setattr(NewContestDialog, "exec", fill_and_ok)
    tab.new_contest()
    settle()
    assert len(tab._rows) == 2 and tab.view.body == "party_branch" and tab.view.present == 36
    assert "自荐直选" in tab.ballots.margin.text()
    tab.new_contest()                                   # the same organization twice is refused in the dialog
    qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
    message, electorate = refused[0]
    assert "不能重复建立" in message and electorate == 40


def test_prints_go_through_the_registry_with_its_permission_check(tab, qtbot, monkeypatch, messages, settle, db,
                                                                  readonly, tmp_path):
    """Every print button of the tab runs the registry form the command line uses (as a job, asking where to save,
    offering to open it); official ballots are counted, and a 只读 user's official ballots are refused there."""
    from villagevote.ui.context import AppContext
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.election_tab import ElectionTab
    asked: list[str] = []

    def save_file(cls, parent, title, filters, directory=""):
        asked.append(directory)
        return str(tmp_path / f"{len(asked)}.{'xlsx' if 'xlsx' in filters else 'pdf'}")
    monkeypatch.setattr(Ask, "save_file", classmethod(save_file))
    tab.ballots.print_ballots(True)
    tab.ballots.copies.setValue(3)
    tab.ballots.print_ballots(False)
    for print_it in (tab.result.print_report, tab.result.print_notice, tab.result.print_certificates,
                     tab.result.export):
        print_it()
    settle()
    saved = [text for title, text in messages if title == "已保存"]
    assert saved == [str(tmp_path / name) for name in ("1.pdf", "2.pdf", "3.pdf", "6.xlsx")]
    assert all(tmp_path.joinpath(name).stat().st_size > 1000 for name in ("1.pdf", "2.pdf", "3.pdf", "6.xlsx"))
    refused = [text for title, text in messages if title != "已保存"]  # no result yet: said plainly, nothing written
    assert len(refused) == 2 and "尚未计算选举结果" in refused[0] and "没有有效的当选人" in refused[1]
    assert not tmp_path.joinpath("4.pdf").exists() and not tmp_path.joinpath("5.pdf").exists()
    assert "正式选票" in asked[1] and "选举结果报告单" in asked[2]
    assert "已印制正式选票 3 张" in tab.ballots.printed.text()     # counted, and the tab reloaded
    ro_ctx = AppContext(db, readonly)
    ro_ctx.set_village(tab.ctx.village_id)
    ro_tab = ElectionTab(ro_ctx)
    qtbot.addWidget(ro_tab)
    assert ro_ctx.wait_idle()                                     # its own database worker
    assert not ro_tab.ballots.official_btn.isEnabled()
    ro_tab.ballots.print_ballots(False)                           # even if called: refused by the registry's form
    assert ro_ctx.wait_idle()
    assert len(messages) == 7 and "无权" in messages[-1][1], messages
    with db.read_session() as s:
        assert contests.contest_view(s, tab.contest_id).ballots_printed == 3
