"""The 践诺跟踪 page (issue 17 item 7): it builds and loads on a township with tracking rows (made through the domain
functions), the ledger's filters, a 报结 → 销号 flow through the buttons by two users, the weekly grid saving, the
other tabs and the charts; screenshots of each tab and of the charts are saved under /tmp/t4/."""
from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from villagevote.audit import Actor
from villagevote.models.enums import CommitmentKind, CommitmentSource, CommitmentStatus, OrgKind

TODAY = dt.date(2027, 3, 10)          # a Wednesday, ISO week 2027-W10
SHOTS = Path(os.environ.get("VILLAGEVOTE_T4_SHOTS", "/tmp/t4"))


def _png(path: Path, size: int = 64) -> Path:
    """A small valid PNG (a stand-in for a completion photo)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes((40 + x * 3) % 256 for x in range(size)) * 3 for _ in range(size))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def _shot(widget: Any, name: str) -> None:
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def items(db, admin, township):
    """Seven items in two villages (owned by the villages' committees): one overdue, one due soon, one with reports,
    one metric item."""
    from villagevote.models.core import Organization
    from villagevote.tracking import ledger, progress
    from villagevote.tracking.ledger import Owner
    ids: dict[str, int] = {}
    with db.session() as s:
        orgs = {o.village_id: o.id for o in s.query(Organization).filter_by(cycle_id=township.cycle_id,
                                                                            kind=OrgKind.VILLAGE_COMMITTEE)}
        east, west = township.village_ids[0], township.village_ids[1]
        start = dt.date(2027, 1, 4)

        def reg(key: str, village: int, title: str, deadline: dt.date, **kw: Any) -> None:
            ids[key] = ledger.register(s, admin, cycle_id=township.cycle_id, village_id=village,
                                       owner=Owner(organization_id=orgs[village]), title=title,
                                       source=kw.pop("source", CommitmentSource.ASSIGNED), deadline=deadline,
                                       starts_on=start, today=start, **kw)
        reg("road", east, "村道硬化2.3公里", dt.date(2027, 6, 30))
        reg("late", east, "修缮村文化礼堂", dt.date(2027, 2, 28))
        reg("soon", east, "安装路灯40盏", dt.date(2027, 3, 14))
        reg("water", east, "生活污水管网改造", dt.date(2027, 9, 30))
        reg("metric", east, "垃圾分类覆盖率", dt.date(2027, 12, 31), kind=CommitmentKind.METRIC,
            baseline=Decimal("40"), target=Decimal("95"), unit="%")
        reg("west1", west, "建设村级养老服务站", dt.date(2027, 8, 31))
        reg("west2", west, "整治河塘3处", dt.date(2027, 5, 31), source=CommitmentSource.SPECIAL)
        progress.record_report(s, admin, ids["road"], period="2027-W09", reported_on=dt.date(2027, 3, 1),
                               percent=30, narrative="完成路基", reported_by="张书记", today=TODAY)
        progress.record_report(s, admin, ids["water"], period="2027-W09", reported_on=dt.date(2027, 3, 1),
                               percent=10, narrative="完成设计", today=TODAY)
    return ids


def _page(qtbot, db, actor: Actor):
    from PySide6.QtWidgets import QApplication

    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    from villagevote.ui.pages.tracking import TrackingPage
    setup_fonts(QApplication.instance())
    ctx = AppContext(db, actor)
    page = TrackingPage(ctx, clock=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 860)
    page.show()
    assert ctx.wait_idle()
    return page, ctx


def _settle(ctx) -> None:
    assert ctx.wait_idle(30_000)


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


def _ledger_ids(tab) -> list[int]:
    return [tab.model.id_at(i) for i in range(tab.model.rowCount())]


def test_page_loads_ledger_with_lights_and_filters(qtbot, db, admin, township, items, messages):
    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert set(_ledger_ids(tab)) == set(items.values())
    lights = {tab.model.row_at(i).ledger_no: tab.model.row_at(i).light_label for i in range(tab.model.rowCount())}
    late = next(tab.model.row_at(i) for i in range(tab.model.rowCount()) if tab.model.id_at(i) == items["late"])
    assert late.light_label == "逾期"
    assert "临期" in lights.values() and "按期" in lights.values()
    assert "逾期" in page.summary.text()
    # the overdue check of the page load turned the late item 逾期 (a status change by 系统)
    assert late.status is CommitmentStatus.OVERDUE or ctx.wait_idle()
    tab.overdue.setChecked(True)
    _settle(ctx)
    assert _ledger_ids(tab) == [items["late"]]
    tab.overdue.setChecked(False)
    tab.search.setText("路灯")
    qtbot.wait(400)  # the search waits 300 ms after the last key
    _settle(ctx)
    assert _ledger_ids(tab) == [items["soon"]]
    tab.search.setText("")
    qtbot.wait(400)
    _settle(ctx)
    tab.village.setCurrentIndex(tab.village.findData(township.village_ids[1]))
    _settle(ctx)
    assert set(_ledger_ids(tab)) == {items["west1"], items["west2"]}
    tab.village.setCurrentIndex(0)
    _settle(ctx)
    ctx.set_village(township.village_ids[1])  # the main window's village tree
    _settle(ctx)
    assert set(_ledger_ids(tab)) == {items["west1"], items["west2"]}
    ctx.set_village(None)
    _settle(ctx)
    # the detail of an item: fields, the timeline with the report and the registration
    assert tab.select_item(items["road"])
    _settle(ctx)
    text = tab.detail.browser.toPlainText()
    assert "村道硬化2.3公里" in text and "完成路基" in text
    _shot(page, "ledger")
    assert not [m for m in messages if m[0] != "已保存"]


def test_report_done_then_accept_by_another_user(qtbot, db, admin, clerk, reviewer, township, items, tmp_path,
                                                monkeypatch, messages):
    from villagevote.tracking import queries
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.tracking import dialogs
    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    photo = _png(tmp_path / "完工照片.png")
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(photo)))

    # the clerk: 报结 with a photo
    page, ctx = _page(qtbot, db, clerk)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert tab.register_btn.isVisible() and not tab.accept_btn.isVisible()  # buttons by role
    assert tab.select_item(items["road"])
    assert tab.done_btn.isEnabled()

    def fill_done(d: dialogs.ReportDoneDialog) -> None:
        d.note.setPlainText("路面全部完工")
        d.add_file()
    _answer(monkeypatch, dialogs.ReportDoneDialog, fill_done)
    tab.done_btn.click()
    _settle(ctx)
    with db.read_session() as s:
        row = queries.item_detail(s, items["road"], today=TODAY).row
    assert row.status is CommitmentStatus.REPORTED_DONE
    # the clerk may not 销号 (hidden), and the same user could not anyway
    assert not tab.accept_btn.isVisible()
    assert tab.select_item(items["road"])
    _settle(ctx)
    assert "文件" in tab.detail.browser.toHtml() or "照片" in tab.detail.browser.toPlainText()
    assert tab.detail.loaded is not None and tab.detail.loaded.thumbs  # the photo's thumbnail
    _shot(page, "detail_after_report_done")

    # the reviewer: 销号
    page2, ctx2 = _page(qtbot, db, reviewer)
    tab2 = page2.show_tab(LedgerTab)
    _settle(ctx2)
    assert not tab2.register_btn.isVisible() and tab2.accept_btn.isVisible()
    assert tab2.select_item(items["road"])
    assert tab2.accept_btn.isEnabled() and tab2.reject_btn.isEnabled()

    def fill_accept(d: dialogs.TextDateDialog) -> None:
        d.text.setPlainText("验收合格")
    _answer(monkeypatch, dialogs.TextDateDialog, fill_accept)
    tab2.accept_btn.click()
    _settle(ctx2)
    with db.read_session() as s:
        row = queries.item_detail(s, items["road"], today=TODAY).row
    assert row.status is CommitmentStatus.CLOSED
    assert not [m for m in messages if m[0] != "已保存"], messages


def test_same_user_cannot_accept_own_report_done(qtbot, db, admin, township, items, tmp_path, monkeypatch, messages):
    """The domain's refusal shows as a Chinese message in the dialog, which stays open; the page stays usable."""
    from villagevote.models.enums import AttachmentKind
    from villagevote.tracking import evidence, machine
    from villagevote.ui.pages.tracking import dialogs
    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    with db.session() as s:
        evidence.attach(s, admin, "commitment", items["water"], _png(tmp_path / "p.png"), kind=AttachmentKind.PHOTO)
        machine.report_done(s, admin, items["water"], on=TODAY, note="完工", today=TODAY)
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert tab.select_item(items["water"])
    seen = _answer(monkeypatch, dialogs.TextDateDialog, lambda d: d.text.setPlainText("同意"))
    tab.accept_btn.click()
    _settle(ctx)
    dialog = seen[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message() or any("销号" in m[1] for m in messages)


def test_weekly_grid_saves_and_shows_missing(qtbot, db, admin, township, items, messages):
    from villagevote.tracking import weekly
    from villagevote.ui.pages.tracking.weekly_tab import FIXED, WeeklyTab
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(WeeklyTab)
    _settle(ctx)
    tab.village.setCurrentIndex(tab.village.findData(township.village_ids[0]))
    _settle(ctx)
    tab.week.setCurrentIndex(tab.week.findData("2027-W10"))
    _settle(ctx)
    grid = tab.grid
    assert grid is not None and grid.period == "2027-W10"
    assert grid.missing == len(grid.rows) > 0
    assert tab.model.data(tab.model.index(0, 4)) == "未报"
    _shot(page, "weekly")
    row = next(i for i, r in enumerate(grid.rows) if r.commitment_id == items["road"])
    model = tab.model
    assert model.setData(model.index(row, len(FIXED)), "45")
    assert model.setData(model.index(row, len(FIXED) + 1), "铺设沥青")
    assert not model.setData(model.index(row, len(FIXED)), "120")   # refused at once, named
    assert tab.save_btn.isEnabled()
    tab.save_btn.click()
    _settle(ctx)
    assert ("保存本周", "已保存 1 条周报。") in messages
    with db.read_session() as s:
        again = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=township.village_ids[0],
                                 period="2027-W10")
    saved = next(r for r in again.rows if r.commitment_id == items["road"])
    assert saved.report is not None and saved.report.percent == 45


def test_weekly_grid_keyboard_moves(qtbot, db, admin, township, items, messages):
    from PySide6.QtTest import QTest

    from villagevote.ui.pages.tracking.weekly_tab import FIXED, WeeklyTab
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(WeeklyTab)
    _settle(ctx)
    tab.view.setCurrentIndex(tab.model.index(0, len(FIXED)))
    QTest.keyClick(tab.view, Qt.Key.Key_Return)
    assert tab.view.currentIndex().row() == 1 and tab.view.currentIndex().column() == len(FIXED)
    QTest.keyClick(tab.view, Qt.Key.Key_Tab)
    assert tab.view.currentIndex().column() == len(FIXED) + 1


def test_other_tabs_and_charts(qtbot, db, admin, township, items, messages):
    from villagevote.ui.pages.tracking.charts import ChartsTab
    from villagevote.ui.pages.tracking.inspections_tab import InspectionsTab
    from villagevote.ui.pages.tracking.ranking_tab import RankingTab
    from villagevote.ui.pages.tracking.supervision_tab import SupervisionTab
    page, ctx = _page(qtbot, db, admin)
    for cls, name in ((InspectionsTab, "inspections"), (SupervisionTab, "supervision"), (RankingTab, "ranking")):
        page.show_tab(cls)
        _settle(ctx)
        _shot(page, name)
    ranking = page.tab(RankingTab)
    assert ranking.model.rowCount() == len(township.village_ids)
    charts = page.show_tab(ChartsTab)
    _settle(ctx)
    import pyqtgraph  # noqa: F401  (imported by the charts tab now)
    assert [w.objectName() for w in charts.charts].count("chart") >= 2
    _shot(page, "charts")


def test_readonly_sees_everything_and_changes_nothing(qtbot, db, readonly, township, items, messages):
    from PySide6.QtWidgets import QPushButton

    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    from villagevote.ui.pages.tracking.weekly_tab import WeeklyTab
    page, ctx = _page(qtbot, db, readonly)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert tab.model.rowCount() == len(items)
    write_buttons = tab.clerk_buttons + tab.reviewer_buttons
    assert not any(b.isVisible() for b in write_buttons)
    weekly = page.show_tab(WeeklyTab)
    _settle(ctx)
    assert not weekly.save_btn.isVisible() and weekly.model.read_only
    visible = [b.text() for b in page.findChildren(QPushButton) if b.isVisibleTo(page)]
    assert "挂号…" not in visible


def test_start_up_does_not_import_pyqtgraph():
    """The page module may be imported without pulling in pyqtgraph (charts import it when first drawn)."""
    import subprocess
    import sys
    code = ("import sys; import villagevote.ui.pages.tracking; "
            "print('pyqtgraph' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False"


def test_weekly_workbook_round_trip_through_the_buttons(qtbot, db, admin, township, items, tmp_path, monkeypatch,
                                                       messages):
    """导出周报表 → filled by the village → 导入周报表: a bad row refuses the whole workbook (the rows are listed in
    the message, nothing is written); corrected, it is imported."""
    import openpyxl

    from villagevote.tracking import weekly
    from villagevote.tracking.weekly_workbook import HEADERS
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.tracking.weekly_tab import WeeklyTab
    out = tmp_path / "东村周报表.xlsx"
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, **k: str(out)))
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(out)))
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(WeeklyTab)
    _settle(ctx)
    tab.village.setCurrentIndex(tab.village.findData(township.village_ids[0]))
    _settle(ctx)
    tab.week.setCurrentIndex(tab.week.findData("2027-W10"))
    _settle(ctx)
    tab.export_btn.click()
    _settle(ctx)
    assert out.exists() and ("已保存", str(out)) in messages
    col = {h: i + 1 for i, h in enumerate(HEADERS)}

    def fill(percent: object) -> None:
        wb = openpyxl.load_workbook(out)
        ws = wb["周报"]
        rows = {ws.cell(row=r, column=col["事项ID"]).value: r for r in range(5, ws.max_row + 1)}
        ws.cell(row=rows[items["road"]], column=col["累计完成%"], value=50)
        ws.cell(row=rows[items["road"]], column=col["本周进展"], value="铺设沥青")
        ws.cell(row=rows[items["road"]], column=col["报告日期"], value=dt.datetime(2027, 3, 8))
        ws.cell(row=rows[items["water"]], column=col["累计完成%"], value=percent)
        ws.cell(row=rows[items["water"]], column=col["报告日期"], value=dt.datetime(2027, 3, 8))
        wb.save(out)

    fill(130)  # above 100 %
    tab.import_btn.click()
    _settle(ctx)
    title, text = messages[-1]
    assert title == "周报表未导入（没有写入任何内容）" and "130" in text, messages[-1]
    with db.read_session() as s:
        grid = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=township.village_ids[0], period="2027-W10")
    assert grid.missing == len(grid.rows)  # nothing written
    fill(20)
    tab.import_btn.click()
    _settle(ctx)
    assert messages[-1][0] == "导入周报表" and "2" in messages[-1][1], messages[-1]
    assert tab.grid is not None and tab.grid.missing == len(tab.grid.rows) - 2


def test_inspection_supervision_and_ranking_through_the_buttons(qtbot, db, admin, reviewer, township, items,
                                                                monkeypatch, messages):
    """月查 with a finding, 挂牌督办 of the overdue item and a 催办, then the quarter's ranking frozen — all through the
    page's buttons and dialogs; the tabs show what was written."""
    from PySide6.QtWidgets import QTableWidgetItem

    from villagevote.tracking import queries
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.tracking import dialogs
    from villagevote.ui.pages.tracking.inspections_tab import InspectionsTab
    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    from villagevote.ui.pages.tracking.ranking_tab import RankingTab
    from villagevote.ui.pages.tracking.supervision_tab import SupervisionTab
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    page, ctx = _page(qtbot, db, admin)
    ledger = page.show_tab(LedgerTab)
    _settle(ctx)
    with db.read_session() as s:
        late_no = queries.item_detail(s, items["late"], today=TODAY).row.ledger_no

    def fill_inspection(d: dialogs.InspectionDialog) -> None:
        d.village.setCurrentIndex(d.village.findData(township.village_ids[0]))
        d.inspectors.setText("王五、赵六")
        d.score.setText("86.5")
        d.summary.setPlainText("礼堂修缮未开工")
        d.add_finding()
        d.grid.setItem(0, 0, QTableWidgetItem("文化礼堂修缮逾期未开工"))
        d.grid.setItem(0, 5, QTableWidgetItem(late_no))
    _answer(monkeypatch, dialogs.InspectionDialog, fill_inspection)
    inspections = page.show_tab(InspectionsTab)
    _settle(ctx)
    inspections.add_btn.click()
    _settle(ctx)
    assert inspections.model.rowCount() == 1
    inspections.view.selectRow(0)
    assert "文化礼堂修缮逾期未开工" in inspections.findings.toPlainText()
    _shot(page, "inspections")

    page.show_tab(LedgerTab)
    _settle(ctx)
    assert ledger.select_item(items["late"])
    _answer(monkeypatch, dialogs.SuperviseDialog, lambda d: d.reason_text.setPlainText("逾期未开工"))
    ledger.supervise_btn.click()
    _settle(ctx)
    sup = page.show_tab(SupervisionTab)
    _settle(ctx)
    assert sup.model.rowCount() == 1 and sup.model.row_at(0).ledger_no == late_no
    sup.view.selectRow(0)
    assert sup.urge_btn.isEnabled()
    _answer(monkeypatch, dialogs.UrgeDialog, lambda d: d.note.setPlainText("电话催促村书记"))
    sup.urge_btn.click()
    _settle(ctx)
    assert sup.model.row_at(0).urges == 1
    _shot(page, "supervision")
    # the ledger and the detail show the supervision and the finding
    page.show_tab(LedgerTab)
    _settle(ctx)
    assert ledger.select_item(items["late"])
    _settle(ctx)
    timeline = ledger.detail.browser.toPlainText()
    assert "挂牌督办" in timeline and "催办" in timeline and "发现问题" in timeline

    ranking = page.show_tab(RankingTab)
    _settle(ctx)
    assert ranking.freeze_btn.isEnabled()
    ranking.freeze_btn.click()
    _settle(ctx)
    assert ranking.data is not None and ranking.data.snapshot is not None
    assert not ranking.sign_btn.isEnabled() or ranking.data.snapshot.created_by == "admin"
    _shot(page, "ranking")
    # another user signs it
    page2, ctx2 = _page(qtbot, db, reviewer)
    ranking2 = page2.show_tab(RankingTab)
    _settle(ctx2)
    assert ranking2.sign_btn.isEnabled()
    ranking2.sign_btn.click()
    _settle(ctx2)
    assert ranking2.data is not None and ranking2.data.snapshot is not None and ranking2.data.snapshot.signed
    assert ranking2.interview_btn.isEnabled() and ranking2.print_btn.isEnabled()
    assert not [m for m in messages if m[0] != "已保存"], messages


def test_ledger_reads_page_by_page(qtbot, db, admin, township, messages):
    """More items than one page: the first page comes with the tab's query, the next one on the worker when the view
    asks for more (scrolling to the end)."""
    from villagevote.models.core import Organization
    from villagevote.tracking import ledger
    from villagevote.tracking.ledger import Owner
    from villagevote.ui.pages.tracking.ledger_tab import FIRST_PAGE, LedgerTab
    from villagevote.ui.table_model import PAGE_SIZE
    n = FIRST_PAGE + PAGE_SIZE + 12
    with db.session() as s:
        org = s.query(Organization).filter_by(cycle_id=township.cycle_id, village_id=township.village_ids[0],
                                              kind=OrgKind.VILLAGE_COMMITTEE).one()
        for i in range(n):
            ledger.register(s, admin, cycle_id=township.cycle_id, village_id=None, owner=Owner(organization_id=org.id),
                            title=f"事项{i:04d}", source=CommitmentSource.ASSIGNED, deadline=dt.date(2027, 12, 31),
                            starts_on=dt.date(2027, 1, 4), today=dt.date(2027, 1, 4))
    page, ctx = _page(qtbot, db, admin)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert tab.model.total == n and tab.model.rowCount() == FIRST_PAGE
    for expected in (FIRST_PAGE + PAGE_SIZE, n):
        assert tab.model.canFetchMore()
        tab.view.scrollToBottom()
        tab.model.fetchMore()
        _settle(ctx)
        assert tab.model.rowCount() == expected
    assert not tab.model.canFetchMore()
    assert len(set(_ledger_ids(tab))) == n


def test_charts_without_data_say_so(qtbot, db, admin, township, messages):
    """A township with no items yet: each chart says in Chinese that there is nothing to draw."""
    from PySide6.QtWidgets import QLabel

    from villagevote.ui.pages.tracking.charts import ChartsTab
    page, ctx = _page(qtbot, db, admin)
    charts = page.show_tab(ChartsTab)
    _settle(ctx)
    notes = [w.text() for w in charts.findChildren(QLabel) if w.objectName() == "chart_no_data"]
    assert any("暂无数据" in t and "挂号" in t for t in notes)
    assert any("逾期" in t for t in notes)
    assert not any(w.objectName() == "chart" for w in charts.charts[:2])


def test_progress_through_the_dialog_and_refusal_shown(qtbot, db, clerk, township, items, monkeypatch, messages):
    """录入进展 starts from the figures so far; a figure below the last one without a reason is refused by the domain
    with its Chinese message in the dialog (nothing written); with 40 % it is saved and the item moves on."""
    from villagevote.tracking import queries
    from villagevote.ui.pages.tracking import dialogs
    from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
    page, ctx = _page(qtbot, db, clerk)
    tab = page.show_tab(LedgerTab)
    _settle(ctx)
    assert tab.select_item(items["road"])
    seen = _answer(monkeypatch, dialogs.ProgressDialog, lambda d: (d.percent.value() == 30 or pytest.fail("start"),
                                                                    d.percent.setValue(20)))
    tab.report_btn.click()
    _settle(ctx)
    assert seen[0].result() != QDialog.DialogCode.Accepted
    shown = [seen[0].errors.message(f) for f in (None, "percent", "no_progress_reason", "reported_on", "period")]
    assert any("东-2027-001" in m for m in shown), (shown, messages)
    seen = _answer(monkeypatch, dialogs.ProgressDialog, lambda d: (d.percent.setValue(40),
                                                                    d.narrative.setPlainText("完成一半路面")))
    tab.report_btn.click()
    _settle(ctx)
    assert seen[0].result() == QDialog.DialogCode.Accepted
    with db.read_session() as s:
        row = queries.item_detail(s, items["road"], today=TODAY).row
    assert row.percent == 40 and row.last_period == "2027-W10"
