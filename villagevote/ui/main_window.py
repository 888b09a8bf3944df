"""Main window: township → village tree on the left, workflow pages on the right, File menu, status bar.

Start-up paints the frame first: the window is shown with an empty tree and a placeholder page; at its first paint
it builds the page in front and asks the database worker for the tree (``ctx.query``), so nothing that reads data
or imports an area's code delays the first paint.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.backup import backup_database
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.base import NotBuiltPage

if TYPE_CHECKING:
    from villagevote.shell import TownshipTree


# Each page's module is imported when the page is first shown (start-up imports none of them): a page module pulls in
# its area's domain code, which the first paint must not wait for.

def _overview(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.overview import OverviewPage
    return OverviewPage(ctx)


def _candidates(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.candidates import CandidatesPage
    return CandidatesPage(ctx)


def _pledges(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.pledges import PledgesPage
    return PledgesPage(ctx)


def _scoring(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.scoring import ScoringPage
    return ScoringPage(ctx)


def _voters_elections(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.voters_elections import VotersElectionsPage
    return VotersElectionsPage(ctx)


def _tracking(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.tracking import TrackingPage
    return TrackingPage(ctx)


def _statistics(ctx: AppContext) -> QWidget:
    from villagevote.ui.pages.statistics import StatisticsPage
    return StatisticsPage(ctx)


def _not_built(title: str, detail: str) -> tuple[str, Callable[[AppContext], QWidget]]:
    """A page that says plainly it is not built yet (its slot keeps the menu's order)."""
    return title, lambda _ctx: NotBuiltPage(title, detail)


def pages() -> list[tuple[str, Callable[[AppContext], QWidget]]]:
    """(title, page factory) of each workflow page, in menu order (系统 is added by the window)."""
    return [
        (tr("概览"), _overview),
        (tr("候选人与资格审查"), _candidates),
        (tr("承诺"), _pledges),
        (tr("实绩比选"), _scoring),
        (tr("选民与选举"), _voters_elections),
        (tr("践诺跟踪"), _tracking),
        (tr("统计上报"), _statistics),
    ]


class LazyPages(Mapping[str, QWidget]):
    """The window's pages by title, in menu order. A page is constructed the first time it is shown or looked up
    here; until then the stack holds an empty placeholder in its place (start-up builds only the first page)."""

    def __init__(self, stack: QStackedWidget) -> None:
        self._stack = stack
        self._titles: list[str] = []
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        self._placeholders: dict[str, QWidget] = {}

    def add(self, title: str, factory: Callable[[], QWidget]) -> None:
        placeholder = QWidget()
        placeholder.setObjectName("page_placeholder")
        self._titles.append(title)
        self._factories[title] = factory
        self._placeholders[title] = placeholder
        self._stack.addWidget(placeholder)

    def is_built(self, title: str) -> bool:
        return title in self._built

    def build(self, index: int) -> QWidget:
        """The page at ``index`` (menu order), constructed now and swapped into the stack if it was not yet."""
        title = self._titles[index]
        page = self._built.get(title)
        if page is not None:
            return page
        page = self._factories.pop(title)()
        self._built[title] = page
        placeholder = self._placeholders.pop(title)
        was_current = self._stack.currentWidget() is placeholder
        self._stack.insertWidget(index, page)
        if was_current:
            self._stack.setCurrentWidget(page)
        self._stack.removeWidget(placeholder)
        placeholder.deleteLater()
        return page

    def __getitem__(self, title: str) -> QWidget:
        if title not in self._factories and title not in self._built:
            raise KeyError(title)
        return self.build(self._titles.index(title))

    def __iter__(self) -> Iterator[str]:
        return iter(self._titles)

    def __len__(self) -> int:
        return len(self._titles)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, open_other: Callable[[Path], object] | None = None,
                 restore: Callable[[], None] | None = None, switch_user: Callable[[], object] | None = None,
                 logout: Callable[[], object] | None = None, initial_page: int = 0) -> None:
        """``initial_page``: the page shown first (menu order) — built at the window's first paint, the only one."""
        super().__init__()
        self.ctx = ctx
        self._painted = False
        self._rebuilding_tree = False
        self._open_other = open_other
        self._restore = restore
        self._switch_user = switch_user
        self._logout = logout
        self.setWindowTitle(tr("村级组织换届与承诺管理"))
        self.resize(1280, 800)

        self.tree_model = QStandardItemModel()
        self.tree = QTreeView()
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.tree_model)
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._village_selected)

        self.nav = QListWidget()
        self.nav.setMaximumHeight(260)
        self.stack = QStackedWidget()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(QLabel(tr("功能")))
        left_layout.addWidget(self.nav)
        left_layout.addWidget(QLabel(tr("乡镇与村")))
        left_layout.addWidget(self.tree, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1020])
        self.setCentralWidget(splitter)

        self.pages = LazyPages(self.stack)
        for title, factory in pages():
            self._add_page(title, functools.partial(factory, ctx))
        self._add_page(tr("系统"), self._system_page)
        self.nav.setCurrentRow(initial_page if 0 <= initial_page < len(self.pages) else 0)
        self.stack.setCurrentIndex(self.nav.currentRow())  # its placeholder until the first paint
        self.nav.currentRowChanged.connect(self._page_selected)

        self._build_menu()
        self.db_label = QLabel()
        self.user_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self.update_status()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._after_first_paint)  # not after the window is gone

    def _after_first_paint(self) -> None:
        """The page in front and the village tree, once the frame is on screen."""
        self._page_selected(self.nav.currentRow())
        self.refresh_tree()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Queued reads and writes finish before the window (and then the database) goes away."""
        self.ctx.wait_idle()
        super().closeEvent(event)

    # construction helpers
    def _add_page(self, title: str, factory: Callable[[], QWidget]) -> None:
        self.pages.add(title, factory)
        self.nav.addItem(title)

    def _system_page(self) -> QWidget:
        from villagevote.ui.pages.system import SystemPage
        return SystemPage(self.ctx, self.restore_backup, self._township_changed)

    def _page_selected(self, row: int) -> None:
        """Pages are constructed when first shown (start-up builds only the one in front, after the first paint)."""
        if 0 <= row < len(self.pages):
            self.stack.setCurrentWidget(self.pages.build(row))

    def ensure_ready(self) -> None:
        """Build the page in front and load the tree now if the first paint has not done it yet (tests, a window
        never shown)."""
        if not self._painted:
            self._painted = True
            self._after_first_paint()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(tr("文件(&F)"))
        self.action_new = QAction(tr("新建数据库…"), self)
        self.action_open = QAction(tr("打开数据库…"), self)
        self.action_open.setShortcut(QKeySequence.StandardKey.Open)
        self.action_backup = QAction(tr("立即备份"), self)
        self.action_restore = QAction(tr("从备份恢复…"), self)
        self.action_switch_user = QAction(tr("切换用户…"), self)
        self.action_logout = QAction(tr("注销"), self)
        self.action_password = QAction(tr("修改我的密码…"), self)
        self.action_quit = QAction(tr("退出"), self)
        self.action_switch_user.setEnabled(self._switch_user is not None)
        self.action_logout.setEnabled(self._logout is not None)
        self.action_switch_user.triggered.connect(lambda: self._switch_user and self._switch_user())
        self.action_logout.triggered.connect(lambda: self._logout and self._logout())
        self.action_password.triggered.connect(self.change_own_password)
        self.action_new.triggered.connect(self.new_database)
        self.action_open.triggered.connect(self.open_database)
        self.action_backup.triggered.connect(self.backup_now)
        self.action_restore.triggered.connect(self.restore_backup)
        self.action_restore.setEnabled(self.ctx.can(Permission.ADMIN))  # restoring replaces everyone's data
        self.action_quit.triggered.connect(self.close)
        for action in (self.action_new, self.action_open, None, self.action_switch_user, self.action_logout,
                       self.action_password, None, self.action_backup, self.action_restore, None, self.action_quit):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        help_menu = self.menuBar().addMenu(tr("帮助(&H)"))
        about = QAction(tr("关于"), self)
        about.triggered.connect(lambda: Ask.info(self, tr("关于"), tr(
            "村级组织换届与承诺管理 villagevote\n离线运行，数据保存在本机 SQLite 数据库中。")))
        help_menu.addAction(about)

    # state
    def refresh_tree(self) -> None:
        """Reload the township → village tree (on the database worker); the selected village stays selected."""
        from villagevote import shell  # the domain layer's reads: imported after the first paint, not before
        self.ctx.query(shell.township_tree, self._show_tree, parent=self)

    def _show_tree(self, tree: TownshipTree) -> None:
        """Rebuild the tree; the village chosen before stays chosen (the pages are not told of a change unless it
        is gone)."""
        selected = self.ctx.village_id
        self._rebuilding_tree = True
        try:
            self.tree_model.clear()
            root = QStandardItem(tree.name if tree.name is not None else tr("（未设置乡镇）"))
            root.setData(None, Qt.ItemDataRole.UserRole)
            for v in tree.villages:
                item = QStandardItem(v.name)
                item.setData(v.id, Qt.ItemDataRole.UserRole)
                root.appendRow(item)
            self.tree_model.appendRow(root)
            self.tree.expandAll()
            rows = [root.child(r) for r in range(root.rowCount())]
            chosen = next((i for i in rows if selected is not None and i.data(Qt.ItemDataRole.UserRole) == selected),
                          None)
            if chosen is not None:
                self.tree.setCurrentIndex(chosen.index())
        finally:
            self._rebuilding_tree = False
        if selected is not None and chosen is None:
            self.ctx.set_village(None)

    def _township_changed(self) -> None:
        self.refresh_tree()
        self.ctx.announce(Area.TOWNSHIP)

    def update_status(self) -> None:
        self.db_label.setText(tr("数据库：{path}").format(path=self.ctx.db.path))
        self.user_label.setText(tr("用户：{name}（{role}）").format(
            name=self.ctx.actor.display_name or self.ctx.actor.username, role=self.ctx.actor.role.label))

    def current_page(self) -> int:
        return self.nav.currentRow()

    def show_page(self, index: int) -> None:
        if 0 <= index < self.nav.count():
            self.nav.setCurrentRow(index)

    def _village_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._rebuilding_tree:
            return
        self.ctx.set_village(current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None)

    # file actions
    def backup_now(self) -> None:
        """文件 → 立即备份: the number of backups to keep is read on the worker, then the backup is made."""
        from villagevote import shell
        self.ctx.query(shell.backup_keep, self._backup, parent=self)

    def _backup(self, keep: int) -> None:
        try:
            path = backup_database(self.ctx.db.path, self.ctx.db.backup_dir, reason="manual", keep=keep)
        except Exception as exc:
            show_error(self, exc, tr("备份失败"))
            return
        self.statusBar().showMessage(tr("已备份到：{path}").format(path=path), 8000)

    def open_database(self) -> None:
        path = Ask.open_file(self, tr("打开数据库"), tr("villagevote 数据库 (*.sqlite3 *.db);;所有文件 (*)"))
        if path and self._open_other:
            self._open_other(Path(path))

    def new_database(self) -> None:
        path = Ask.save_file(self, tr("新建数据库"), tr("villagevote 数据库 (*.sqlite3)"))
        if path and self._open_other:
            target = Path(path if path.endswith((".sqlite3", ".db")) else path + ".sqlite3")
            if target.exists():
                Ask.error(self, tr("新建数据库"), tr("文件已存在，请换一个文件名：{path}").format(path=target))
                return
            self._open_other(target)

    def restore_backup(self) -> None:
        if self._restore:
            self._restore()

    def change_own_password(self) -> None:
        from villagevote.ui.pages.system import change_own_password
        change_own_password(self, self.ctx)
