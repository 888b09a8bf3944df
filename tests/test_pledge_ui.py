"""The 承诺 page and its dialogs, offscreen."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import pytest
from sqlalchemy import select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.changes import Area
from villagevote.models import Pledge, PledgeItem
from villagevote.models.enums import NominationSource, OrgKind, PledgeKind, PledgeStatus, Role
from villagevote.pledges import service
from villagevote.pledges.templates import TermGoalItem
from villagevote.ui.dialogs import common
from villagevote.ui.dialogs.pledges_actions import ReviewDialog, ReviewInput, SignDialog
from villagevote.ui.dialogs.pledges_items import GoalsDialog

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
ELECTION = dt.date(2026, 3, 15)


@pytest.fixture
def data(db):
    with db.session() as s:
        world = build_world(s, catalog_key="generic-2018", election_day=ELECTION)
        cands = {}
        for seq, name in enumerate(("王小明", "丁一", "刘䶮"), start=1):
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", dt.date(1970 + seq, 5, 6), 11 + seq * 2),
                village_id=world.villages["青山村"]), today=dt.date(2026, 1, 10))
            cands[name] = register_candidacy(s, ADMIN, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)],
                                             "委员", NominationSource.SELF)
        service.generate_pledges(s, ADMIN, world.cycle_id)
    return world, cands


@pytest.fixture
def answers(monkeypatch):
    """Record messages instead of showing message boxes."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(common.Ask, "error", classmethod(lambda cls, parent, title, text: seen.append(("error", text))))
    monkeypatch.setattr(common.Ask, "info", classmethod(lambda cls, parent, title, text: seen.append(("info", text))))
    return seen


def _page(qtbot, ctx):
    from villagevote.ui.pages.pledges import PledgesPage

    page = PledgesPage(ctx)
    qtbot.addWidget(page)
    assert ctx.wait_idle()  # the list loads on the database worker
    return page


def _cells(page, column: int) -> list:
    """The cells of one column in the order shown."""
    return [page.proxy.index(i, column).data() for i in range(page.proxy.rowCount())]


def _select(page, row: int) -> None:
    page.view.selectRow(row)
    assert page.ctx.wait_idle()  # the detail loads on the database worker


def test_page_lists_pledges_in_stroke_order_with_status(qtbot, ctx, data):
    page = _page(qtbot, ctx)
    names = []
    for name in _cells(page, 1):
        if name not in names:
            names.append(name)
    assert names == ["丁一", "王小明", "刘䶮"]
    assert page.model.rowCount() == 12
    assert set(_cells(page, 4)) == {"草稿"}
    assert "共12份：草稿12" in page.summary.text()
    page.search.setText("wxm")
    assert set(_cells(page, 1)) == {"王小明"}
    page.search.setText("")
    page.kind_box.setCurrentIndex(page.kind_box.findData(PledgeKind.TERM_GOALS.value))
    assert page.model.rowCount() == 3


def test_review_and_sign_through_the_page(qtbot, ctx, data, monkeypatch, answers):
    world, cands = data
    page = _page(qtbot, ctx)
    page.kind_box.setCurrentIndex(page.kind_box.findData(PledgeKind.DISCIPLINE.value))
    _select(page, 0)
    row = page.selected()
    assert row.name == "丁一" and page.review_btn.isEnabled() and not page.sign_btn.isEnabled()
    assert not page.print_btn.isEnabled()  # drafts do not print

    def fake_review(cls, parent, ctx_, who, body, body_label, items, write, strike, reviewer):
        ctx_.write(write(ReviewInput(body, True, "", dt.date(2026, 2, 20), "审核员")), Area.PLEDGES)
        assert ctx_.wait_idle()
        return True

    monkeypatch.setattr(ReviewDialog, "ask", classmethod(fake_review))
    for _ in range(3):
        page.review()
        assert ctx.wait_idle()  # the page reloads and keeps the pledge selected
    assert page.selected().status is PledgeStatus.REVIEWED
    assert page.sign_btn.isEnabled() and page.print_btn.isEnabled() and not page.review_btn.isEnabled()
    assert "丁一" in page.preview.toPlainText() and "草稿预览" not in page.preview.toPlainText()

    dialog = SignDialog(ctx, "丁一", lambda v: lambda s: service.sign_pledge(
        s, ctx.actor, row.id, v.signed_on, v.witness, v.copies, v.scan_file))
    qtbot.addWidget(dialog)
    dialog.try_submit()  # no witness
    assert ctx.wait_idle()
    assert "请填写见证人" in dialog.errors.message("witness")  # beside the field
    assert dialog.result() == 0  # still open, nothing saved
    dialog.witness.setText("驻村干部 陈建国")
    dialog.date.setDate(dialog.date.date().fromString("2026-02-25", "yyyy-MM-dd"))
    dialog.try_submit()
    assert ctx.wait_idle()
    assert dialog.result() == 1
    with ctx.db.session() as s:
        pledge = s.get(Pledge, row.id)
        assert pledge.status == PledgeStatus.SIGNED and pledge.witness == "驻村干部 陈建国" and pledge.copies == 2


def test_goals_dialog_keeps_input_when_a_deadline_is_before_the_election(qtbot, ctx, data, answers):
    world, cands = data
    with ctx.db.session() as s:
        pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cands["王小明"],
                                               Pledge.kind == PledgeKind.TERM_GOALS))

    def save(goals):
        return lambda s: service.save_goal_items(s, ctx.actor, pid, goals)

    dialog = GoalsDialog(ctx, "王小明的创业承诺", [], ["剿劣治水", "集体经济"], ELECTION, save)
    qtbot.addWidget(dialog)
    dialog.add_row(TermGoalItem("清理河塘", "剿劣治水", "清理河塘3处", dt.date(2027, 6, 30), Decimal("60")))
    dialog.add_row(TermGoalItem("修路", "集体经济", "硬化2公里", dt.date(2026, 3, 1), Decimal("40")))
    dialog.try_submit()
    assert ctx.wait_idle()
    assert "第2项目标“修路”" in answers[-1][1] and "早于选举日" in answers[-1][1]
    assert dialog.table.rowCount() == 2 and dialog.result() == 0
    with ctx.db.session() as s:
        assert s.scalar(select(PledgeItem.id).where(PledgeItem.pledge_id == pid)) is None
    dialog.table.cellWidget(1, 3).setDate(dialog.table.cellWidget(1, 3).date().fromString("2027-12-31", "yyyy-MM-dd"))
    dialog.try_submit()
    assert ctx.wait_idle()
    with ctx.db.session() as s:
        titles = list(s.scalars(select(PledgeItem.title).where(PledgeItem.pledge_id == pid)
                                .order_by(PledgeItem.sort_order)))
    assert titles == ["清理河塘", "修路"]


def test_review_dialog_strikes_an_item_with_reason(qtbot, ctx, data, monkeypatch, answers):
    world, cands = data
    with ctx.db.session() as s:
        pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cands["王小明"],
                                               Pledge.kind == PledgeKind.TERM_GOALS))
        service.save_goal_items(s, ctx.actor, pid, [
            TermGoalItem("清理河塘", "剿劣治水", "清理河塘3处", dt.date(2027, 6, 30), None),
            TermGoalItem("每户发红包", "民生实事", "每户500元", dt.date(2026, 6, 1), None)])
        items = [(i.id, i.title) for i in s.scalars(select(PledgeItem).where(PledgeItem.pledge_id == pid))]

    def strike(item_id, reason):
        return lambda s: service.strike_item(s, ctx.actor, item_id, reason)

    dialog = ReviewDialog(ctx, "王小明的创业承诺", "village_party", "村党组织", items, lambda v: None, strike,
                          "审核员")
    qtbot.addWidget(dialog)
    dialog.items.setCurrentRow(1)
    monkeypatch.setattr(common.Ask, "text", classmethod(lambda cls, *a, **k: "以财物许诺拉票"))
    dialog.strike_selected()
    assert ctx.wait_idle()
    assert dialog.items.item(1).text().startswith("（已删去：以财物许诺拉票）")
    with ctx.db.session() as s:
        item = s.get(PledgeItem, items[1][0])
        assert item.struck and item.struck_reason == "以财物许诺拉票"


def test_templates_dialog_checks_placeholders_and_sets_required_kinds(qtbot, ctx, data):
    from villagevote.ui.dialogs.pledges_templates import TemplatesDialog

    world, cands = data
    dialog = TemplatesDialog(ctx)
    qtbot.addWidget(dialog)
    assert ctx.wait_idle()
    assert dialog.kind_checks[PledgeKind.DISCIPLINE].isChecked()
    assert not dialog.kind_checks[PledgeKind.INTEGRITY].isChecked()
    dialog.body.setPlainText(dialog.body.toPlainText() + "\n{村子}")
    assert dialog.check() is False and "未知的占位符“{村子}”" in dialog.status.text()
    dialog.kind_checks[PledgeKind.INTEGRITY].setChecked(True)
    dialog.save_kinds()
    assert ctx.wait_idle()
    with ctx.db.session() as s:
        assert PledgeKind.INTEGRITY in service.required_kinds(s, world.cycle_id)


def test_readonly_user_sees_masked_id_numbers(qtbot, db, data, readonly):
    from villagevote.ui.context import AppContext

    world, cands = data
    page = _page(qtbot, AppContext(db, readonly))
    page.kind_box.setCurrentIndex(page.kind_box.findData(PledgeKind.QUALIFICATION.value))
    _select(page, 0)
    text = page.preview.toPlainText()
    assert "资格承诺书" in text and "********" in text
    import re
    assert not re.search(r"\d{17}[\dX]", text)
    assert not page.review_btn.isEnabled() and not page.sign_btn.isEnabled() and not page.generate_btn.isEnabled()


def _review_all(s, pledge_id):
    for body, day in zip(service.REVIEW_BODIES, (18, 19, 20)):
        service.review_pledge(s, ADMIN, pledge_id, body, "pass", "", dt.date(2026, 2, day), "审核员")


def test_prints_go_through_the_registry_and_remember_the_folder(qtbot, ctx, data, monkeypatch, messages, tmp_path):
    from villagevote.ui import printing

    world, cands = data
    with ctx.db.session() as s:
        pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cands["丁一"],
                                               Pledge.kind == PledgeKind.DISCIPLINE))
        _review_all(s, pid)
    asked: list[str] = []

    def save_file(cls, parent, title, filters, directory=""):
        asked.append(directory)
        return str(tmp_path / "out" / "一份.pdf")
    monkeypatch.setattr(common.Ask, "save_file", classmethod(save_file))
    _FakeSettings.values = {}
    monkeypatch.setattr(printing, "_settings", lambda: _FakeSettings())
    page = _page(qtbot, ctx)
    page.select_pledge(pid)
    assert ctx.wait_idle()
    assert page.print_btn.isEnabled()
    page.print_btn.click()
    assert ctx.wait_idle()
    assert messages[-1] == ("已保存", str(tmp_path / "out" / "一份.pdf"))
    assert (tmp_path / "out" / "一份.pdf").read_bytes().startswith(b"%PDF")
    assert asked[0].startswith("青山村-丁一-") and asked[0].endswith(".pdf")  # nothing remembered yet
    page.print_btn.click()  # the second time the dialog starts in the folder used last
    assert ctx.wait_idle()
    assert asked[-1].startswith(str(tmp_path / "out"))
    # by village: the township is chosen, so the page asks for a village first
    page.notice_btn.click()
    assert messages[-1][0] == "请选择村"


class _FakeSettings:
    """QSettings kept in memory for one test (the folder remembered per form)."""
    values: ClassVar[dict] = {}

    def value(self, key, default=None):
        return self.values.get(key, default)

    def setValue(self, key, value):
        self.values[key] = value


def test_refusal_is_recorded_from_the_page_and_reported(qtbot, ctx, data, monkeypatch, messages):
    from villagevote.ui.dialogs.pledges_actions import RefuseDialog, RefuseInput

    world, cands = data
    page = _page(qtbot, ctx)
    page.kind_box.setCurrentIndex(page.kind_box.findData(PledgeKind.DISCIPLINE.value))
    _select(page, 0)
    pid = page.selected().id

    def fake_refuse(cls, parent, ctx_, who, write):
        dialog = cls(ctx_, who, write, parent)
        dialog.try_submit()  # no note: refused beside the field, dialog stays open
        assert ctx_.wait_idle()
        assert "请写明拒签情况" in dialog.errors.message("note") and dialog.result() == 0
        dialog.note.setPlainText("2026年2月21日在村委会，本人称不愿受约束")
        dialog.try_submit()
        assert ctx_.wait_idle()
        return dialog.saved
    monkeypatch.setattr(RefuseDialog, "ask", classmethod(fake_refuse))
    assert RefuseInput  # the dialog's value type
    page.refuse()
    assert ctx.wait_idle()
    assert messages and messages[-1][0] == "记录拒签"
    with ctx.db.session() as s:
        assert s.get(Pledge, pid).status == PledgeStatus.REFUSED
    assert page.selected().id == pid and page.selected().status is PledgeStatus.REFUSED
