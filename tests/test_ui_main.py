"""Main window: Chinese glyphs really render (no empty boxes), pages that are not built say so, system page works."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QImage, QPainter, QRawFont
from PySide6.QtWidgets import QApplication

from villagevote.ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("VILLAGEVOTE_SCREENSHOTS") == "1"  # refresh the committed PNGs


def render_text(text: str, font: QFont) -> QImage:
    img = QImage(400, 60, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(QRect(0, 0, 400, 60), Qt.AlignmentFlag.AlignLeft, text)
    painter.end()
    return img


def ink(img: QImage) -> int:
    return sum(1 for x in range(img.width()) for y in range(img.height()) if img.pixelColor(x, y).lightness() < 128)


def test_main_window_renders_chinese_glyphs(qtbot, ctx, township, tmp_path):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    font = QApplication.font()
    raw = QRawFont.fromFont(font)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    text = "".join(titles) + window.windowTitle()
    missing = [ch for ch in text if not raw.supportsCharacter(ord(ch))]
    assert not missing, f"font {QFontInfo(font).family()} lacks {missing}"
    # Distinct characters must draw distinct, non-empty shapes (tofu boxes look alike).
    a, b, tofu = render_text("村级组织", font), render_text("换届选举", font), render_text("\ue000" * 4, font)
    assert ink(a) > 50 and ink(b) > 50
    assert a != b and a != tofu and b != tofu
    shot = window.grab()
    assert not shot.isNull()
    target = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    assert shot.save(str(target / "main_window.png"))


def test_every_page_is_built(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    for title in ("践诺跟踪", "统计上报"):
        assert window.pages[title].objectName() != "not_built"


def test_status_bar_shows_database_path_and_user(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert str(ctx.db.path) in window.db_label.text()
    assert "admin" in window.user_label.text()


def test_village_tree_drives_context(qtbot, ctx, township, settle):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pages.is_built("概览"))  # at the first paint: the page in front, then the tree
    settle()
    root = window.tree_model.item(0)
    assert root.text() == "测试镇"
    assert [root.child(i).text() for i in range(root.rowCount())] == ["东村", "西村", "南村"]
    with qtbot.waitSignal(ctx.village_changed) as sig:
        window.tree.setCurrentIndex(root.child(1).index())
    assert sig.args == [township.village_ids[1]]
    # reloading the tree (a village was renamed) keeps the village chosen and does not announce a change
    changes: list[object] = []
    ctx.village_changed.connect(changes.append)
    window.refresh_tree()
    settle()
    assert window.tree.currentIndex().data(Qt.ItemDataRole.UserRole) == township.village_ids[1]
    assert ctx.village_id == township.village_ids[1] and changes == []


def test_window_paints_before_any_page_or_data_is_loaded(qtbot, ctx, township, settle):
    """Start-up: the frame is painted with a placeholder page and an empty tree; the page in front is built and the
    tree is asked of the database worker after the first paint."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert [t for t in window.pages if window.pages.is_built(t)] == []
    assert window.stack.currentWidget().objectName() == "page_placeholder" and window.tree_model.rowCount() == 0
    window.show()
    qtbot.waitUntil(lambda: window.pages.is_built("概览"))
    settle()
    assert window.tree_model.item(0).text() == "测试镇"


def test_system_page_lists_audit_rows(qtbot, ctx, township):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    system = window.pages["系统"]
    system.audit.refresh()
    assert ctx.wait_idle()  # the log loads on the database worker
    model = system.audit.model
    assert model.total >= 5  # township, 3 villages, cycle
    actions = {model.row_at(r)[2] for r in range(model.rowCount())}
    assert "新建" in actions  # Chinese action labels (villagevote.audit_labels)


def test_township_tab_adds_a_village_with_organizations(qtbot, ctx, township, monkeypatch):
    from sqlalchemy import func, select

    from villagevote.models import Organization, Village
    from villagevote.ui.pages import township_tab

    def fake_exec(self):  # type: ignore[no-untyped-def]
        self.name.setText("北村")
        self.groups.setValue(6)
        self.save()  # OK: the dialog saves through ctx.write and closes once it committed
        assert ctx.wait_idle()
        return self.result()
    monkeypatch.setattr(township_tab.VillageDialog, "exec", fake_exec)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.pages["系统"].township.add_village()
    assert ctx.wait_idle()
    root = window.tree_model.item(0)
    assert "北村" in [root.child(i).text() for i in range(root.rowCount())]
    with ctx.db.session() as s:
        vid = s.scalar(select(Village.id).where(Village.name == "北村"))
        assert s.scalar(select(func.count(Organization.id)).where(Organization.village_id == vid)) == 4


def test_file_menu_offers_switch_user_and_logout(qtbot, ctx):
    calls: list[str] = []
    window = MainWindow(ctx, switch_user=lambda: calls.append("switch"), logout=lambda: calls.append("logout"))
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"切换用户…", "注销", "修改我的密码…"} <= set(texts)
    window.action_switch_user.trigger()
    window.action_logout.trigger()
    assert calls == ["switch", "logout"]
    plain = MainWindow(ctx)  # without the application's controller there is nobody to hand over to
    qtbot.addWidget(plain)
    assert not plain.action_switch_user.isEnabled() and not plain.action_logout.isEnabled()


def test_pages_are_built_when_first_shown(qtbot, ctx, township):
    from villagevote.ui.pages.overview import OverviewPage
    from villagevote.ui.pages.scoring import ScoringPage
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.ensure_ready()  # what the first paint does
    titles = list(window.pages)
    assert titles[0] == "概览" and titles[-1] == "系统" and len(titles) == window.nav.count()
    # start-up builds only the page in front
    assert window.pages.is_built("概览") and isinstance(window.stack.currentWidget(), OverviewPage)
    assert [t for t in titles if window.pages.is_built(t)] == ["概览"]
    assert not window.findChildren(ScoringPage)
    row = titles.index("实绩比选")
    window.show_page(row)
    assert window.current_page() == row
    assert window.pages.is_built("实绩比选")
    page = window.stack.currentWidget()
    assert isinstance(page, ScoringPage) and window.stack.indexOf(page) == row
    assert window.pages["实绩比选"] is page  # built once; looking it up again returns the same page
    window.show_page(0)
    window.show_page(row)
    assert window.stack.currentWidget() is page and len(window.findChildren(ScoringPage)) == 1
    # looking a page up (code and tests reach into window.pages) builds it without bringing it to the front
    system = window.pages["系统"]
    assert window.pages.is_built("系统") and window.stack.currentWidget() is page
    assert window.stack.indexOf(system) == titles.index("系统")
    assert window.stack.count() == len(titles)


def test_window_opens_on_a_chosen_page_building_only_that_one(qtbot, ctx, township):
    from villagevote.ui.pages.system import SystemPage
    probe = MainWindow(ctx)
    qtbot.addWidget(probe)
    row = list(probe.pages).index("系统")
    window = MainWindow(ctx, initial_page=row)  # switching user keeps the page that was in front
    qtbot.addWidget(window)
    window.ensure_ready()
    assert window.current_page() == row and isinstance(window.stack.currentWidget(), SystemPage)
    assert [t for t in window.pages if window.pages.is_built(t)] == ["系统"]
