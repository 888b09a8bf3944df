"""Click everything (DESIGN.md §7, issues 13 and 15): on a small demo township, as each role, open every page, every
tab and the village tree, and trigger every enabled push/tool button and menu action — also after selecting the
first row of every table. Questions and file choosers are answered by fakes; every modal dialog is either cancelled
or accepted with its default values (the "accept" pass also walks the buttons inside each dialog). Any exception
or crash dialog fails the test with its text; a PermissionDenied after clicking a button the role could click is a
defect (the button should have been disabled for that role) and fails it too. Plain Chinese messages (validation,
"nothing selected", …) are expected and only counted.

A per-role summary (pages, tabs, buttons, actions, dialogs, messages) is printed to the pytest output.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import sys
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, QtMsgType
from PySide6.QtGui import QAction, QDesktopServices, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from villagevote.audit import Actor
from villagevote.errors import PermissionDenied, UserError
from villagevote.models.enums import Role

ROLES = {"管理员": Role.ADMIN, "录入员": Role.CLERK, "审核员": Role.REVIEWER, "只读": Role.READONLY}
ROLE_IDS = {"管理员": "admin", "录入员": "clerk", "审核员": "reviewer", "只读": "readonly"}
CASES = [(name, "cancel") for name in ROLES] + [(name, "accept") for name in ROLES]

# Buttons and menu actions that are deliberately NOT triggered, by their text, with the reason. Keep this tiny.
SKIP: dict[str, str] = {
}
# The default walk clicks everything for the whole township and the first village and opens every page and tab for
# the others (CI time); VILLAGEVOTE_CLICK_ALL_VILLAGES=1 clicks everything in every village (a longer local run).
FULL_WALK_ALL_VILLAGES = os.environ.get("VILLAGEVOTE_CLICK_ALL_VILLAGES") == "1"

# Qt warnings that pyproject.toml ignores (artefacts of the offscreen platform).
QT_LOG_IGNORE = ("propagateSizeHints", "QFont::setPointSize", "This plugin does not support")



# ------------------------------------------------------------------------------------------------ the demo township
@dataclass
class DemoFiles:
    db: Path
    samples: dict[str, Path]   # keyword of a file chooser's title/filter -> a file to answer it with


def _png(path: Path) -> Path:
    """A valid 1×1 white PNG (a stand-in for a signed pledge scan)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\xff\xff"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="session")
def demo_township(tmp_path_factory) -> DemoFiles:
    """One demo township per test session (3 villages × 60 voters), plus sample files the app itself exports."""
    from villagevote.audit import SYSTEM
    from villagevote.database import open_database
    from villagevote.demo import build_demo
    from villagevote.reports.registry import Options, find_form
    from villagevote.township import list_villages

    base = tmp_path_factory.mktemp("click_everything")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(base / "home"))
        build_demo(base / "demo.sqlite3", villages=3, voters_per_village=60, seed=1)
        scratch = base / "scratch.sqlite3"
        shutil.copy(base / "demo.sqlite3", scratch)
        db = open_database(scratch)
        samples: dict[str, Path] = {}
        try:
            with db.session() as s:
                village = list_villages(s)[0].name
                exports = (("候选人", "candidate-template"), ("联审", "county-review"), ("选民", "voters"))
                for key, name in exports:
                    out = base / f"sample-{name}.xlsx"
                    find_form("export", name).run(s, SYSTEM, out, Options(village=village))
                    samples[key] = out
        finally:
            db.dispose()
    samples["扫描件"] = _png(base / "scan.png")
    return DemoFiles(base / "demo.sqlite3", samples)


def _actor_for(db, role: Role) -> Actor:  # type: ignore[no-untyped-def]
    from villagevote import users
    from villagevote.models.core import User
    with db.session() as s:
        admin = users.create_first_admin(s, "admin", "admin-pass-1")
        if role is not Role.ADMIN:
            users.create_user(s, admin, "clicker", "clicker-pass-1", role)
        user = s.query(User).filter_by(username="admin" if role is Role.ADMIN else "clicker").one()
        return Actor(user.id, user.username, user.role, user.display_name)


# ------------------------------------------------------------------------------------------------ the clicker
_CJK = re.compile(r"[\u3400-\u9fff]")
_INTERNAL_PARENTS = (QLineEdit, QTabBar, QCalendarWidget, QAbstractSpinBox, QComboBox)


def _alive(obj: Any) -> bool:
    return obj is not None and shiboken6.isValid(obj)


class Clicker:
    """Walks a main window and triggers everything; collects failures, permission defects and messages."""

    def __init__(self, qtbot, qtlog, controller, mode: str, out_dir: Path,  # type: ignore[no-untyped-def]
                 samples: dict[str, Path]) -> None:
        self.qtbot = qtbot
        self.qtlog = qtlog
        self.controller = controller
        self.accept = mode == "accept"
        self.out_dir = out_dir
        self.samples = samples
        self.stats: Counter[str] = Counter()
        self.messages: Counter[str] = Counter()
        self.failures: list[str] = []
        self.denied: list[str] = []
        self.skipped: list[str] = []
        self.log: list[str] = []   # every action, in order (written next to the test's database)
        self.slowest: list[tuple[float, str]] = []
        self.here = ""
        self._denied_now: list[str] = []
        self._in_call = 0
        self._handling: set[int] = set()
        self._depth = 0
        self._walked: set[tuple[str, str]] = set()
        self._counter = 0
        self._pending_menu = False
        self._last_window = controller.window
        self._clicked: set[tuple] = set()  # type: ignore[type-arg]
        self.watchdog = QTimer()
        self.watchdog.setInterval(50)
        self.watchdog.timeout.connect(self._watch)

    # ---- fakes ------------------------------------------------------------------------------------------------
    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from villagevote.ui import excepthook
        from villagevote.ui.dialogs.common import Ask
        c = self
        # (extra arguments a later version of Ask may add are accepted and ignored)
        monkeypatch.setattr(Ask, "confirm", classmethod(
            lambda cls, parent, title, text, *a, **k: c._confirm(title, text)))
        monkeypatch.setattr(Ask, "text", classmethod(
            lambda cls, parent, title, label, default="", password=False, *a, **k:
            c._text(title, label, default, password)))
        monkeypatch.setattr(Ask, "open_file", classmethod(
            lambda cls, parent, title, filters, directory="", *a, **k: c._open_file(title, filters)))
        monkeypatch.setattr(Ask, "save_file", classmethod(
            lambda cls, parent, title, filters, directory="", *a, **k: c._save_file(title, filters, directory)))
        monkeypatch.setattr(Ask, "info", classmethod(
            lambda cls, parent, title, text, *a, **k: c._message("提示", title, text)))
        monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text, *a, **k: c._error(title, text)))
        # Direct Qt dialogs (bypassing Ask) are answered too, and noted.
        buttons = QMessageBox.StandardButton

        def box(kind: str) -> Callable[..., Any]:
            def answer(parent, title="", text="", *args, **kwargs):  # type: ignore[no-untyped-def]
                c._message(f"QMessageBox.{kind}", title, text)
                if kind in ("warning", "critical") and not _CJK.search(str(text)):
                    c.failures.append(f"{c.here}: QMessageBox.{kind} without Chinese «{title}»: {text}")
                if kind == "critical":
                    c.failures.append(f"{c.here}: QMessageBox.critical «{title}»: {text}")
                if kind == "question":
                    return buttons.Yes if c.accept else buttons.No
                return buttons.Ok
            return staticmethod(answer)  # type: ignore[return-value]
        for kind in ("warning", "information", "question", "critical"):
            monkeypatch.setattr(QMessageBox, kind, box(kind))
        monkeypatch.setattr(QMessageBox, "exec", lambda box_: c._message_box_exec(box_))
        for name in ("getOpenFileName", "getSaveFileName", "getOpenFileNames"):
            monkeypatch.setattr(QFileDialog, name, staticmethod(
                lambda *a, _n=name, **k: (c._message(f"QFileDialog.{_n}", "", ""), ("", ""))[1]))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(
            lambda *a, **k: (c._message("QFileDialog.getExistingDirectory", "", ""), "")[1]))
        for name in ("getText", "getMultiLineText", "getItem", "getInt", "getDouble"):
            monkeypatch.setattr(QInputDialog, name, staticmethod(
                lambda *a, _n=name, **k: (c._message(f"QInputDialog.{_n}", "", ""), (None, False))[1]))
        for cls in (QDialog, QFileDialog, QInputDialog, QProgressDialog):
            for attr in ("exec", "exec_"):
                if hasattr(cls, attr):
                    monkeypatch.setattr(cls, attr, lambda dialog, *a: c._dialog_exec(dialog))
        # Opening a file in the desktop's viewer (a signed pledge scan) must not start another program.
        monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(
            lambda url: (c._message("打开外部文件", "", url.toLocalFile()), True)[1]))
        monkeypatch.setattr(excepthook, "handle_exception", self._excepthook)
        original = PermissionDenied.__init__

        def denied(exc: PermissionDenied, message: str) -> None:
            c._denied_now.append(message)
            original(exc, message)
        monkeypatch.setattr(PermissionDenied, "__init__", denied)

    def _message(self, kind: str, title: str, text: str) -> None:
        if "无权" in str(text):  # "not allowed" said without raising PermissionDenied is the same defect
            self._denied_now.append(str(text))
        self.stats["messages"] += 1
        self.messages[f"{kind}：{title}：{' '.join(str(text).split())[:80]}"] += 1

    def _confirm(self, title: str, text: str) -> bool:
        self._message("确认", title, text)
        return self.accept

    def _text(self, title: str, label: str, default: str, password: bool) -> str | None:
        self._message("输入", title, label)
        if not self.accept:
            return None
        self._counter += 1
        if password:
            return "Click-pass-123456"
        if default:
            return default
        if "用户名" in label:
            return f"clicker{self._counter}"
        return "点击测试"

    def _open_file(self, title: str, filters: str) -> str | None:
        self._message("打开文件", title, filters)
        if not self.accept or "sqlite3" in filters:  # never open or restore another database under the walk
            return None
        for key, path in self.samples.items():
            if key in title or key in filters:
                return str(path)
        return None

    def _save_file(self, title: str, filters: str, directory: str) -> str:
        self._counter += 1
        suffix = re.search(r"\*(\.\w+)", filters)
        stem = Path(directory).stem if directory else "out"
        return str(self.out_dir / f"{self._counter:03d}-{stem or 'out'}{suffix.group(1) if suffix else '.out'}")

    def _error(self, title: str, text: str) -> None:
        self._message("错误提示", title, text)
        if not _CJK.search(str(text)):  # raw library text (English, a repr) is not a message for township staff
            self.failures.append(f"{self.here}: error message without Chinese «{title}»: {text}")

    def _message_box_exec(self, box: QMessageBox) -> int:
        if box.icon() == QMessageBox.Icon.Critical:
            self.failures.append(
                f"{self.here}: crash dialog «{box.windowTitle()}» {box.text()}\n{box.detailedText()}")
        else:
            self._message("QMessageBox", box.windowTitle(), box.text())
        return int(QMessageBox.StandardButton.Ok)

    def _excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if isinstance(exc, UserError):
            self._message("操作未完成", type(exc).__name__, str(exc))  # the app shows it as a plain warning
            return
        self.failures.append(f"{self.here}:\n" + "".join(traceback.format_exception(exc_type, exc, tb)))

    def _choose_in_menu(self, menu: QMenu) -> None:
        """A context menu is open (its own loop; QMenu.exec cannot be patched in PySide6): the first enabled action
        not yet chosen at this place is chosen with the keyboard, so exec() returns it; callers ask again."""
        self.stats["context menus"] += 1
        for action in menu.actions():
            key = ("menu", self.here, action.text())
            if action.isEnabled() and not action.isSeparator() and action.text() and key not in self._clicked:
                self._clicked.add(key)
                self._pending_menu = True
                self.stats["actions"] += 1
                menu.setActiveAction(action)
                QTest.keyClick(menu, Qt.Key.Key_Return)
                return
        menu.close()

    def _dialog_exec(self, dialog: QDialog) -> int:
        """Cancel pass: reject. Accept pass: walk the dialog's own buttons (first level only), then press its OK."""
        self.stats["dialogs"] += 1
        self._handling.add(id(dialog))
        try:
            QDialog.setResult(dialog, 0)  # (some dialogs shadow result/reject with their own attributes)
            if not self.accept:
                QDialog.reject(dialog)
                return int(QDialog.DialogCode.Rejected)
            if self._depth == 0 and self._first_time(dialog):
                self._walk_window(dialog)
            ok = _accept_button(dialog)
            if _alive(ok) and ok.isEnabled():
                here = self.here
                ok.click()
                self.here = here
            return QDialog.result(dialog)
        finally:
            self._handling.discard(id(dialog))

    def _first_time(self, window: QWidget) -> bool:
        """Each kind of dialog has its own buttons walked once per test (later openings are just accepted)."""
        key = (type(window).__name__, window.windowTitle())
        if key in self._walked:
            return False
        self._walked.add(key)
        return True

    def _walk_window(self, window: QWidget) -> None:
        here = self.here
        self._depth += 1
        self._handling.add(id(window))
        try:
            self.explore(window, window, f"{here} » 「{window.windowTitle()}」", in_dialog=True)
        finally:
            self._depth -= 1
            self._handling.discard(id(window))
            self.here = here

    def _watch(self) -> None:
        """Safety net: a modal loop entered while a click is running means something called a real exec()."""
        if self._in_call <= 0:
            return
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            self._choose_in_menu(popup)
            return
        w = QApplication.activeModalWidget()
        if w is None or isinstance(w, QProgressDialog) or id(w) in self._handling:
            return
        self.failures.append(f"{self.here}: a real modal loop ran: {type(w).__name__} «{w.windowTitle()}»")
        if isinstance(w, QDialog):
            QDialog.reject(w)
        else:
            w.close()

    # ---- acting -----------------------------------------------------------------------------------------------
    @property
    def window(self) -> QWidget:
        if self.controller.window is not None:
            self._last_window = self.controller.window
        return self._last_window

    def settle(self) -> None:
        QApplication.processEvents()
        runner = self.window.ctx.jobs
        saved, self._in_call = self._in_call, 0
        try:
            self.qtbot.waitUntil(lambda: not runner.busy, timeout=120_000)  # queued jobs keep it busy
        finally:
            self._in_call = saved
        QApplication.processEvents()

    def act(self, label: str, fn: Callable[[], Any]) -> None:
        """Run ``fn`` as a user action at ``label``: exceptions, background jobs and new windows are accounted for."""
        outer_here, outer_hook = self.here, sys.excepthook
        self.here = label
        self.log.append(label)
        started = time.perf_counter()
        sys.excepthook = self._excepthook
        before = {id(w) for w in _windows()}
        logged = len(self.qtlog.records)
        try:
            self._in_call += 1
            try:
                fn()
            except Exception as exc:
                self._excepthook(type(exc), exc, exc.__traceback__)
            finally:
                self._in_call -= 1
            self.settle()
            for w in _windows():
                if id(w) not in before and id(w) not in self._handling and w is not self.window:
                    self.stats["windows"] += 1
                    if self.accept and self._depth == 0 and isinstance(w, QDialog) and self._first_time(w):
                        self._walk_window(w)
                    if _alive(w) and w.isVisible():
                        QDialog.reject(w) if isinstance(w, QDialog) else w.close()
                    self.settle()
        finally:
            self.slowest.append((time.perf_counter() - started, label))
            sys.excepthook = outer_hook
            for record in self.qtlog.records[logged:]:  # Qt warnings fail the test anyway; this says where
                if record.type != QtMsgType.QtDebugMsg and record.type != QtMsgType.QtInfoMsg \
                        and not any(text in record.message for text in QT_LOG_IGNORE):
                    self.failures.append(f"{label}: Qt warning «{record.message}»")
            if self._denied_now:
                self.denied.append(f"{label}: {' / '.join(dict.fromkeys(self._denied_now))}")
                self._denied_now.clear()
            self.here = outer_here

    def click_all(self, root: QWidget, container: QWidget, path: str, state: str, in_dialog: bool) -> None:
        for _ in range(500):
            seen: Counter[tuple] = Counter()  # type: ignore[type-arg]
            todo = None
            for b in _own(container, (QPushButton, QToolButton)):
                if not _alive(b) or _internal(b, container, in_dialog) or not b.isVisibleTo(root):
                    continue
                text = b.text().replace("&", "") or b.toolTip() or b.objectName() or type(b).__name__
                base = (path, state, text)
                seen[base] += 1
                key = base + (seen[base],)
                if b.isEnabled() and key not in self._clicked:
                    todo = (key, text, b)
                    break
            if todo is None:
                return
            key, text, b = todo
            self._clicked.add(key)
            label = f"{path}{state} ▸ [{text}]"
            if text in SKIP:
                self.skipped.append(f"{label}（{SKIP[text]}）")
                continue
            self.stats["buttons"] += 1
            self.act(label, b.click)
            if _alive(b) and b.menu() is not None:
                for action in b.menu().actions():
                    if action.isEnabled() and not action.isSeparator():
                        self.stats["actions"] += 1
                        self.act(f"{label} ▸ {action.text()}", action.trigger)

    def explore(self, root: QWidget, container: QWidget, path: str, in_dialog: bool = False) -> None:
        """Every enabled button of ``container``; again with the first row of each table selected; then each tab."""
        if not _alive(container):
            return
        self.click_all(root, container, path, "", in_dialog)
        views = [v for v in _own(container, QAbstractItemView)
                 if _alive(v) and v.isVisibleTo(root) and v.model() is not None and v.model().rowCount() > 0]
        if views:
            for view in views:
                self.act(f"{path} ▸ 选中首行", lambda v=view: _select_first(v))
            self.click_all(root, container, path, "（已选首行）", in_dialog)
        for shortcut in container.findChildren(QShortcut):
            owner = shortcut.parent()
            key = ("shortcut", path, shortcut.key().toString())
            if (_alive(shortcut) and shortcut.isEnabled() and key not in self._clicked and isinstance(owner, QWidget)
                    and owner in _own(container, QWidget) and owner.isVisibleTo(root) and owner.isEnabled()):
                self._clicked.add(key)
                self.stats["shortcuts"] += 1
                self.act(f"{path} ▸ 快捷键 {shortcut.key().toString()}", shortcut.activated.emit)
        for widget in _own(container, QWidget):
            if (_alive(widget) and widget.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
                    and widget.isVisibleTo(root)):
                for _ in range(20):  # each request chooses the next action (see _choose_in_menu)
                    self._pending_menu = False
                    self.act(f"{path} ▸ 右键菜单",
                             lambda w=widget: w.customContextMenuRequested.emit(QPoint(5, 5)))
                    if not self._pending_menu:
                        break
        for tabs in _own(container, QTabWidget):
            if not (_alive(tabs) and tabs.isVisibleTo(root)):
                continue
            for i in range(tabs.count()):
                if not (_alive(tabs) and i < tabs.count() and tabs.isTabEnabled(i)):
                    continue
                title = tabs.tabText(i)
                self.stats["tabs"] += 1
                self.act(f"{path} › {title}", lambda t=tabs, i=i: t.setCurrentIndex(i))
                if _alive(tabs):
                    self.explore(root, tabs.widget(i), f"{path} › {title}", in_dialog)

    def visit(self, container: QWidget, path: str) -> None:
        """Open every tab (no clicks): the pages must load for the chosen village."""
        for tabs in _own(container, QTabWidget):
            for i in range(tabs.count() if _alive(tabs) else 0):
                self.stats["tabs"] += 1
                self.act(f"{path} › {tabs.tabText(i)}", lambda t=tabs, i=i: t.setCurrentIndex(i))
                if _alive(tabs):
                    self.visit(tabs.widget(i), f"{path} › {tabs.tabText(i)}")

    def run(self) -> None:
        self.watchdog.start()
        try:
            self._run()
        finally:
            self.watchdog.stop()

    def _tree_items(self) -> list[Any]:
        root = self.window.tree_model.item(0)
        return [root] + [root.child(i) for i in range(root.rowCount())]

    def _choose(self, index: int) -> str:
        item = self._tree_items()[index]
        name = item.text()
        self.act(f"选择「{name}」", lambda: self.window.tree.setCurrentIndex(item.index()))
        return name

    def _run(self) -> None:
        window = self.window
        villages = len(self._tree_items()) - 1
        # whole township, then the first village: every page, every tab, every button
        for scope in range(villages + 1 if FULL_WALK_ALL_VILLAGES else min(2, villages + 1)):
            name = self._choose(scope)
            for row in range(window.nav.count()):
                title = window.nav.item(row).text()
                self.stats["pages"] += 1
                self.act(f"{name} › {title}", lambda r=row: window.nav.setCurrentRow(r))
                self.explore(window, window.stack.currentWidget(), f"{name} › {title}")
        # every other village: every page and tab opens
        for scope in range(villages + 1 if FULL_WALK_ALL_VILLAGES else 2, villages + 1):
            name = self._choose(scope)
            for row in range(window.nav.count()):
                title = window.nav.item(row).text()
                self.stats["pages"] += 1
                self.act(f"{name} › {title}", lambda r=row: window.nav.setCurrentRow(r))
                self.visit(window.stack.currentWidget(), f"{name} › {title}")
        self._choose(0)
        # the menus; quitting and logging out (which quits when the login is cancelled) last
        last: list[tuple[str, QAction]] = []
        for label, action in _menu_actions(window.menuBar().actions(), ""):
            if action.text().replace("&", "") in SKIP:
                self.skipped.append(f"菜单 {label}（{SKIP[action.text().replace('&', '')]}）")
            elif label.endswith(("退出", "注销")):
                last.append((label, action))
            elif action.isEnabled():
                self.stats["actions"] += 1
                self.act(f"菜单 {label}", action.trigger)
        for label, action in sorted(last, key=lambda la: la[0].endswith("注销")):
            if action.isEnabled():
                self.stats["actions"] += 1
                self.act(f"菜单 {label}", action.trigger)

    def summary(self, role: str, mode: str, seconds: float) -> str:
        lines = [f"[{role}/{'取消' if mode == 'cancel' else '接受默认值'}] {seconds:.1f} s — "
                 + "，".join(f"{k} {v}" for k, v in sorted(self.stats.items()))
                 + f"，distinct messages {len(self.messages)}"]
        for text, n in self.messages.most_common(5):
            lines.append(f"    {n:>3} × {text}")
        for seconds_, label in sorted(self.slowest, reverse=True)[:5]:
            lines.append(f"    slowest {seconds_:5.2f} s  {label}")
        lines += [f"    skipped: {s}" for s in self.skipped]
        lines += [f"    PERMISSION DEFECT: {d}" for d in self.denied]
        lines += [f"    FAILURE: {f.splitlines()[0]}" for f in self.failures]
        return "\n".join(lines)


def _windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets()
            if _alive(w) and w.isVisible() and w.isWindow() and not isinstance(w, (QProgressDialog, QMenu))]


def _own(container: QWidget, cls: Any) -> list[Any]:
    """Children of ``container`` of type ``cls`` that are not inside a nested tab widget's pages (those are walked
    tab by tab) nor inside another window."""
    result = []
    for w in container.findChildren(QWidget):
        if not isinstance(w, cls):
            continue
        p = w.parentWidget()
        ok = True
        while p is not None and p is not container:
            if (isinstance(p, QTabWidget) and w is not p) or p.isWindow():
                ok = False
                break
            p = p.parentWidget()
        if ok and not (w.isWindow() and w is not container):
            result.append(w)
    return result


def _internal(b: QAbstractButton, container: QWidget, in_dialog: bool) -> bool:
    """Qt's own parts (line-edit clear buttons, tab scrollers, calendar arrows) and, inside a dialog, the OK/Cancel
    box that ends it."""
    if b.objectName().startswith("qt_"):
        return True
    p = b.parentWidget()
    while p is not None and p is not container:
        if isinstance(p, _INTERNAL_PARENTS) or (in_dialog and isinstance(p, QDialogButtonBox)):
            return True
        p = p.parentWidget()
    return False


def _accept_button(dialog: QDialog) -> QAbstractButton | None:
    for box in dialog.findChildren(QDialogButtonBox):
        for b in box.buttons():
            if box.buttonRole(b) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole):
                return b
    return None


def _select_first(view: QAbstractItemView) -> None:
    model = view.model()
    index = model.index(0, 0)
    view.setCurrentIndex(index)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    if view.selectionModel() is not None:
        view.selectionModel().select(index, flags)


def _menu_actions(actions: list[QAction], prefix: str) -> list[tuple[str, QAction]]:
    out: list[tuple[str, QAction]] = []
    for a in actions:
        label = f"{prefix} › {a.text().replace('&', '')}" if prefix else a.text().replace("&", "")
        if a.menu() is not None:
            out += _menu_actions(a.menu().actions(), label)
        elif not a.isSeparator() and a.text():
            out.append((label, a))
    return out


# ------------------------------------------------------------------------------------------------ the test
@pytest.mark.parametrize("role_name,mode", CASES, ids=[f"{ROLE_IDS[r]}-{m}" for r, m in CASES])
def test_click_everything(role_name, mode, demo_township, qtbot, qtlog, tmp_path, monkeypatch, capsys):
    from villagevote.database import open_database
    from villagevote.ui.app import Controller, setup_fonts

    setup_fonts(QApplication.instance())
    path = tmp_path / "township.sqlite3"
    shutil.copy(demo_township.db, path)
    db = open_database(path)
    actor = _actor_for(db, ROLES[role_name])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    controller = Controller()
    controller.db = db
    controller.show_main(actor)
    window = controller.window
    qtbot.addWidget(window)
    window.ensure_ready()  # the page in front and the village tree (the first paint would do it)
    assert window.ctx.wait_idle()
    clicker = Clicker(qtbot, qtlog, controller, mode, out_dir, demo_township.samples)
    clicker.install(monkeypatch)
    started = time.perf_counter()
    clicker.run()
    seconds = time.perf_counter() - started
    (tmp_path / "clicks.txt").write_text("\n".join(clicker.log), encoding="utf-8")
    (tmp_path / "messages.txt").write_text("\n".join(f"{n} × {m}" for m, n in clicker.messages.most_common()),
                                           encoding="utf-8")
    with capsys.disabled():
        print("\n" + clicker.summary(role_name, mode, seconds))
    if controller.window is not window and _alive(controller.window):
        controller.window.close()
    if controller.db is not None:
        controller.db.dispose()
    assert clicker.stats["pages"] >= 8 and clicker.stats["buttons"] > 0
    # the built 践诺跟踪 page is walked tab by tab (issue 17), not a not-built notice
    assert any("践诺跟踪 › 践诺台账" in line for line in clicker.log)
    assert any("践诺跟踪 › 周报录入" in line for line in clicker.log)
    # the built 统计上报 page (issue 19) is walked tab by tab too
    assert any("统计上报 › 换届统计" in line for line in clicker.log)
    assert any("统计上报 › 报送" in line for line in clicker.log)
    problems = clicker.failures + [f"PermissionDenied after a click the role could make — {d}"
                                   for d in clicker.denied]
    assert not problems, "\n\n".join(problems)


_REAL_EXEC = QDialog.exec  # saved before any test patches it


def test_clicker_reports_crashes_modal_loops_and_permission_defects(qtbot, qtlog, db, readonly, tmp_path,
                                                                    monkeypatch):
    """The harness itself: an exception in a slot, a real modal loop and a PermissionDenied after a click each
    fail the walk with the place they happened; a plain Chinese UserError is only counted."""
    from PySide6.QtWidgets import QVBoxLayout

    from villagevote.auth import Permission, require
    from villagevote.errors import ValidationError
    from villagevote.ui.context import AppContext
    from villagevote.ui.dialogs.common import show_error

    class Window(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.ctx = AppContext(db, readonly)
            layout = QVBoxLayout(self)
            slots = (("崩溃", self.crash), ("模态", self.modal), ("无权", self.denied), ("校验", self.invalid))
            for text, slot in slots:
                b = QPushButton(text)
                b.clicked.connect(slot)
                layout.addWidget(b)
            self.chosen: list[str] = []
            self.area = QWidget()
            self.area.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.area.customContextMenuRequested.connect(self.context_menu)
            layout.addWidget(self.area)

        def context_menu(self, pos: QPoint) -> None:
            menu = QMenu(self)
            for name in ("甲", "乙"):
                menu.addAction(name, lambda n=name: self.chosen.append(n))
            menu.addAction("丙").setEnabled(False)
            menu.exec(self.area.mapToGlobal(pos))

        def crash(self) -> None:
            raise RuntimeError("boom")

        def modal(self) -> None:
            dialog = QDialog(self)
            dialog.setWindowTitle("真的模态")
            QTimer.singleShot(10_000, dialog.reject)  # never hang the suite, even if the watchdog failed
            _REAL_EXEC(dialog)

        def denied(self) -> None:
            try:
                require(self.ctx.actor, Permission.ADMIN)
            except UserError as exc:
                show_error(self, exc)

        def invalid(self) -> None:
            show_error(self, ValidationError("姓名不能为空"))

    window = Window()
    qtbot.addWidget(window)
    window.show()

    class Controller:
        pass
    controller = Controller()
    controller.window = window  # type: ignore[attr-defined]
    clicker = Clicker(qtbot, qtlog, controller, "cancel", tmp_path, {})
    clicker.install(monkeypatch)
    clicker.watchdog.start()
    try:
        clicker.explore(window, window, "测试")
    finally:
        clicker.watchdog.stop()
    assert clicker.stats["buttons"] == 4
    text = "\n".join(clicker.failures)
    assert "测试 ▸ [崩溃]" in text and "RuntimeError: boom" in text
    assert "测试 ▸ [模态]: a real modal loop ran: QDialog «真的模态»" in text
    assert len(clicker.failures) == 2
    assert clicker.denied == ["测试 ▸ [无权]: 当前用户“viewer”（只读）无权执行管理员操作。"]
    assert any("姓名不能为空" in m for m in clicker.messages)
    assert window.chosen == ["甲", "乙"]  # every enabled context-menu action, each by its own right click
