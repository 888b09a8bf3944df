"""Main window: township → village tree on the left, workflow pages on the right, File menu, status bar."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
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
from villagevote.i18n import tr
from villagevote.seed import get_setting
from villagevote.township import get_township, list_villages
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.base import load_widget


def pages() -> list[tuple[str, str, str, str]]:
    """(title, module, class, note shown while the module is not built) of each workflow page, in menu order."""
    return [
        (tr("概览"), "villagevote.ui.pages.overview", "OverviewPage", ""),
        (tr("候选人与资格审查"), "villagevote.ui.pages.candidates", "CandidatesPage",
         tr("候选人登记、五不能六不宜审查、三级联审。")),
        (tr("承诺"), "villagevote.ui.pages.pledges", "PledgesPage", tr("承诺书模板、审诺、签诺、示诺。")),
        (tr("实绩比选"), "villagevote.ui.pages.scoring", "ScoringPage", tr("评分方案、评分录入、汇总排名。")),
        (tr("选民与选举"), "villagevote.ui.pages.voters_elections", "VotersElectionsPage", ""),
        (tr("践诺跟踪"), "villagevote.ui.pages.tracking", "TrackingPage",
         tr("任期承诺事项的进度报告、年度述诺评诺和辞职承诺触发。")),
        (tr("统计上报"), "villagevote.ui.pages.statistics", "StatisticsPage",
         tr("按村和全镇汇总换届结果并导出给县里的工作簿。")),
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
    def __init__(self, ctx: AppContext, *, open_other: Callable[[Path], None] | None = None,
                 restore: Callable[[], None] | None = None, switch_user: Callable[[], object] | None = None,
                 logout: Callable[[], object] | None = None, initial_page: int = 0) -> None:
        """``initial_page``: the page shown first (menu order) — the only page built before the window is shown."""
        super().__init__()
        self.ctx = ctx
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
        for title, module, cls, note in pages():
            self._add_page(title, lambda m=module, c=cls, t=title, n=note: load_widget(m, c, ctx, t, n))
        self._add_page(tr("系统"), self._system_page)
        self.nav.currentRowChanged.connect(self._page_selected)
        self.nav.setCurrentRow(initial_page if 0 <= initial_page < len(self.pages) else 0)

        self._build_menu()
        self.db_label = QLabel()
        self.user_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self.refresh_tree()
        self.update_status()

    # construction helpers
    def _add_page(self, title: str, factory: Callable[[], QWidget]) -> None:
        self.pages.add(title, factory)
        self.nav.addItem(title)

    def _system_page(self) -> QWidget:
        from villagevote.ui.pages.system import SystemPage
        return SystemPage(self.ctx, self.restore_backup, self._township_changed)

    def _page_selected(self, row: int) -> None:
        """Pages are constructed when first shown (start-up builds only the overview)."""
        if 0 <= row < len(self.pages):
            self.stack.setCurrentWidget(self.pages.build(row))

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
        self.tree_model.clear()
        with self.ctx.read_session() as s:
            township = get_township(s)
            villages = list_villages(s)
        root = QStandardItem(township.name if township else tr("（未设置乡镇）"))
        root.setData(None, Qt.ItemDataRole.UserRole)
        for v in villages:
            item = QStandardItem(v.name)
            item.setData(v.id, Qt.ItemDataRole.UserRole)
            root.appendRow(item)
        self.tree_model.appendRow(root)
        self.tree.expandAll()

    def _township_changed(self) -> None:
        self.refresh_tree()
        self.ctx.data_changed.emit("township")

    def update_status(self) -> None:
        self.db_label.setText(tr("数据库：{path}").format(path=self.ctx.db.path))
        self.user_label.setText(tr("用户：{name}（{role}）").format(
            name=self.ctx.actor.display_name or self.ctx.actor.username, role=self.ctx.actor.role.label))

    def current_page(self) -> int:
        return self.nav.currentRow()

    def show_page(self, index: int) -> None:
        if 0 <= index < self.nav.count():
            self.nav.setCurrentRow(index)

    def _village_selected(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        self.ctx.set_village(current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None)

    # file actions
    def backup_now(self) -> None:
        try:
            with self.ctx.session() as s:
                keep = int(get_setting(s, "backup.keep", 10))  # type: ignore[arg-type]
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
