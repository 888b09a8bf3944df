"""The 双述双评 tab of the 践诺跟踪 page (issue 18 item 7): it builds on a township with elected cadres, a session is
registered through its dialog, counts are typed in the grid (Enter moves on) and the engine's result shows before
saving, bad input shows the engine's Chinese reasons beside the grid and keeps what was typed, the clerk saves, a
reviewer confirms, and a proposal is confirmed with a decision number; screenshots under /tmp/e3/ui/."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from villagevote.audit import Actor
from villagevote.candidates.sample import build_world
from villagevote.models import Candidacy, Organization, Person
from villagevote.models.enums import CandidacyStatus, ConsequenceState, EvaluationKind, NominationSource, OrgKind
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import Flag

ELECTION = dt.date(2026, 3, 15)
TODAY = dt.date(2027, 12, 28)
VILLAGE = "青山村"
SHOTS = Path(os.environ.get("VILLAGEVOTE_E3_SHOTS", "/tmp/e3/ui"))


def _shot(widget: Any, name: str) -> None:
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def town(db):
    with db.session() as s:
        world = build_world(s, election_day=ELECTION)
        people = {}
        for name, kind, post in (("王主任", OrgKind.VILLAGE_COMMITTEE, "主任"), ("丁书记", OrgKind.PARTY_BRANCH, "书记"),
                                 ("李委员", OrgKind.VILLAGE_COMMITTEE, "委员")):
            person = Person(name=name, village_id=world.villages[VILLAGE])
            s.add(person)
            s.flush()
            org = s.get(Organization, world.orgs[(VILLAGE, kind)])
            s.add(Candidacy(person_id=person.id, organization_id=org.id, cycle_id=world.cycle_id, post=post,
                            source=NominationSource.SELF, status=CandidacyStatus.ELECTED))
            people[name] = person.id
        s.flush()
        world.people = people  # type: ignore[attr-defined]
        return world


def _page(qtbot, db, actor: Actor, village_id: int):
    from PySide6.QtWidgets import QApplication

    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    from villagevote.ui.pages.tracking import TrackingPage
    from villagevote.ui.pages.tracking.evaluation_tab import EvaluationTab
    setup_fonts(QApplication.instance())
    ctx = AppContext(db, actor)
    ctx.set_village(village_id)
    page = TrackingPage(ctx, clock=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    assert ctx.wait_idle()
    tab = page.show_tab(EvaluationTab)
    assert ctx.wait_idle(30_000)
    return page, tab, ctx


def _answer(monkeypatch, dialog_cls, fill) -> list[Any]:
    """Run ``dialog_cls`` without a modal loop: ``fill(dialog)`` types into it, OK is pressed, the write runs."""
    seen: list[Any] = []

    def ask_saved(self) -> bool:
        fill(self)
        self.try_submit()
        self.ctx.wait_idle()
        seen.append(self)
        return self.result() == QDialog.DialogCode.Accepted
    monkeypatch.setattr(dialog_cls, "ask_saved", ask_saved)
    return seen


def _type(tab, row: int, values: list[str]) -> None:
    for k, text in enumerate(values):
        tab.grid.item(row, 2 + k).setText(text)


def _row_of(tab, name: str) -> int:
    return next(r for r in range(tab.grid.rowCount()) if tab.grid.item(r, 0).text() == name)


def test_register_type_save_confirm_and_decide(qtbot, db, admin, clerk, reviewer, town, monkeypatch, messages):
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.tracking.evaluation_dialogs import DecisionDialog, SessionDialog

    village = town.villages[VILLAGE]
    page, tab, ctx = _page(qtbot, db, clerk, village)
    assert tab.village.currentData() == village and tab.year_box.currentData() == 2027
    assert tab.grid.rowCount() == 0 and "请先选择或登记" in tab.quorum.text()
    _shot(page, "01_empty")

    # 登记评议会议 through the dialog: a meeting below its quorum is refused in the dialog, which keeps the typing
    def fill(d) -> None:
        d.kind.setCurrentIndex(d.kind.findData(EvaluationKind.PEOPLE.value))
        d.due.setValue(45)
        d.present.setValue(29)
        d.first_no.setText("270101")
        d.scrutineers.setText("张监票")
        d.counters.setText("李计票")
    seen = _answer(monkeypatch, SessionDialog, fill)
    tab.new_btn.click()
    assert seen and seen[-1].result() != QDialog.DialogCode.Accepted
    assert "未达到三分之二以上" in seen[-1].errors._fields["present"][1].text()
    assert seen[-1].first_no.text() == "270101"

    def fill_ok(d) -> None:
        fill(d)
        d.present.setValue(40)
    _answer(monkeypatch, SessionDialog, fill_ok)
    tab.new_btn.click()
    assert ctx.wait_idle()
    with db.read_session() as s:
        session = s.query(EvaluationSession).one()
        assert (session.due, session.present, session.ballots_issued, session.first_ballot_no) == (45, 40, 40, 270101)
        assert session.scale == ["满意", "基本满意", "不满意"]
    assert tab.grid.rowCount() == 3
    assert [tab.grid.horizontalHeaderItem(c).text() for c in range(2, 7)] == ["满意", "基本满意", "不满意", "空白", "无效"]

    # keyboard: Enter moves to the next count cell, then to the next row
    tab.grid.setFocus()
    tab.grid.setCurrentCell(0, 6)
    QTest.keyClick(tab.grid, Qt.Key.Key_Return)
    assert (tab.grid.currentRow(), tab.grid.currentColumn()) == (1, 2)

    # live result before saving
    wang, ding, li = _row_of(tab, "王主任"), _row_of(tab, "丁书记"), _row_of(tab, "李委员")
    _type(tab, wang, ["38", "2", "0", "0", "0"])
    _type(tab, ding, ["20", "8", "12", "0", "0"])
    _type(tab, li, ["10", "8", "20", "2", "0"])
    grade = 2 + 5 + 2
    assert tab.grid.item(wang, grade).text() == "优秀" and "表彰" in tab.grid.item(wang, grade + 1).text()
    assert tab.grid.item(ding, grade).text() == "基本称职" and "诫勉谈话" in tab.grid.item(ding, grade + 1).text()
    assert tab.grid.item(li, grade).text() == "不称职" and tab.grid.item(li, 7).text() == "38"
    assert "满意 95.0%" in tab.grid.item(wang, 8).text()
    assert tab.save_btn.isEnabled() and "可以保存" in tab.reasons.text()
    with db.read_session() as s:
        assert s.query(EvaluationCount).count() == 0        # nothing written yet
    _shot(page, "02_typed")

    # bad input: more ballots than present — the engine's reason names the cadre and the number; typing stays
    _type(tab, wang, ["45"])
    assert not tab.save_btn.isEnabled()
    assert "王主任" in tab.reasons.text() and "45" in tab.reasons.text() and "不能保存" in tab.reasons.text()
    assert tab.grid.item(wang, 2).text() == "45"
    _shot(page, "03_refused")
    _type(tab, wang, ["3x"])
    assert "第 " in tab.reasons.text() and "3x" in tab.reasons.text()
    _type(tab, wang, ["38"])
    assert tab.save_btn.isEnabled()
    tab.save_btn.click()
    assert ctx.wait_idle()
    with db.read_session() as s:
        assert s.query(EvaluationCount).count() == 3
    assert not tab.confirm_btn.isVisible()                  # a clerk does not confirm

    # a reviewer confirms; the engine's proposals appear for the Party committee's decision
    page2, tab2, ctx2 = _page(qtbot, db, reviewer, village)
    assert tab2.confirm_btn.isEnabled()
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    tab2.confirm_btn.click()
    assert ctx2.wait_idle()
    with db.read_session() as s:
        assert s.query(EvaluationSession).one().confirmed_at is not None
        assert {f.kind.value for f in s.query(Flag)} >= {"commendation", "warning_talk"}
    assert "已确认" in tab2.quorum.text() and not tab2.save_btn.isEnabled()
    assert tab2.proposals_model.rowCount() >= 3
    talk = next(r for r in range(tab2.proposals_model.rowCount())
                if tab2.proposals_model.row_at(r).kind_label == "诫勉谈话")
    tab2.proposals_view.selectRow(talk)
    talk_id = tab2.proposals_model.row_at(talk).id
    assert tab2.confirm_flag_btn.isEnabled() and tab2.waive_btn.isEnabled()
    _answer(monkeypatch, DecisionDialog, lambda d: d.decision_no.setText("党委〔2027〕9号"))
    tab2.confirm_flag_btn.click()
    assert ctx2.wait_idle()
    with db.read_session() as s:
        flag = s.get(Flag, talk_id)
        assert flag.state is ConsequenceState.CONFIRMED and flag.decision_no == "党委〔2027〕9号"
    _shot(page2, "04_confirmed")


def test_triggers_confirm_print_notice_and_refusal(qtbot, db, clerk, reviewer, town, monkeypatch, messages,
                                                   tmp_path):
    """李委员 不称职 in 2026 and 2027: the 2027 session proposes the 辞职承诺 trigger; in the tab a reviewer confirms it
    with a decision number, prints the 告知书 and records the refusal, which the trigger list then shows."""
    from villagevote.evaluation import sessions
    from villagevote.evaluation.sessions import CountInput
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.tracking import dialogs
    from villagevote.ui.pages.tracking.evaluation_dialogs import DecisionDialog

    village = town.villages[VILLAGE]
    with db.session() as s:
        for year in (2026, 2027):
            sid = sessions.create_session(
                s, clerk, cycle_id=town.cycle_id, village_id=village, year=year, kind="people",
                meeting="representatives", scale="satisfaction", due=45, present=40, held_on=dt.date(year, 12, 20),
                today=TODAY)
            sessions.enter_counts(s, clerk, sid, [CountInput(town.people["李委员"],
                                                                counts={"满意": 10, "基本满意": 8, "不满意": 22})])
            sessions.confirm_session(s, reviewer, sid, today=TODAY)
    page, tab, ctx = _page(qtbot, db, reviewer, village)
    assert tab.year_box.currentData() == 2027
    assert tab.triggers_model.rowCount() == 1
    tab.triggers_view.selectRow(0)
    trigger = tab.triggers_model.row_at(0)
    assert trigger.rule_label == "年度评议不合格" and trigger.state_label == "建议"
    assert tab.confirm_trigger_btn.isEnabled() and not tab.refused_btn.isEnabled()
    _answer(monkeypatch, DecisionDialog, lambda d: d.decision_no.setText("党委〔2027〕11号"))
    tab.confirm_trigger_btn.click()
    assert ctx.wait_idle()
    tab.triggers_view.selectRow(0)
    assert tab.notice_btn.isEnabled() and tab.refused_btn.isEnabled() and tab.resigned_btn.isEnabled()

    out = tmp_path / "notice.pdf"
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, **k: str(out)))
    tab.notice_btn.click()
    assert ctx.wait_idle()
    assert ("已保存", str(out)) in messages
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", "")
    assert "李委员同志" in text and "党委〔2027〕11号" in text

    _answer(monkeypatch, dialogs.TextDateDialog, lambda d: d.text.setPlainText("本人拒绝辞职，称评议不公"))
    tab.refused_btn.click()
    assert ctx.wait_idle()
    with db.read_session() as s:
        flag = s.get(Flag, trigger.id)
        assert flag.outcome is not None and flag.outcome.value == "refused"
    assert tab.triggers_model.row_at(0).outcome_label
    _shot(page, "05_trigger_refused")
