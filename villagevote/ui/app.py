"""Start-up: fonts, translator, exception hook, the login dialog (painted first), database, main window.

Nothing here imports SQLAlchemy or the models at module level: at start-up the login dialog paints first and the
database layer is imported and the file opened behind it (:meth:`Controller.start`, :mod:`villagevote.ui.opening`);
``bench/bench_startup.py`` measures it."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from villagevote.backup import backup_database, backup_if_due, restore_database
from villagevote.config import default_db_path
from villagevote.errors import UserError
from villagevote.fonts import bundled_font_path, extra_font_path
from villagevote.i18n import install_translator, tr
from villagevote.resources import resource_path
from villagevote.ui.dialogs.common import Ask

if TYPE_CHECKING:  # types only: importing either imports the models (villagevote.models.enums is in that package)
    from villagevote.actor import Actor
    from villagevote.database import Database

log = logging.getLogger("villagevote")
PREFERRED_UI_FAMILIES = ("Microsoft YaHei", "微软雅黑", "SimSun", "宋体", "SimHei", "黑体")


def setup_fonts(app: QApplication) -> str:
    """Register the bundled CJK font and make the application font one that has Chinese glyphs."""
    font_id = QFontDatabase.addApplicationFont(str(bundled_font_path()))
    QFontDatabase.addApplicationFont(str(extra_font_path()))  # CJK Extension A for rare name characters
    bundled = QFontDatabase.applicationFontFamilies(font_id)[0] if font_id >= 0 else ""
    families = set(QFontDatabase.families())
    family = next((f for f in PREFERRED_UI_FAMILIES if f in families), bundled)
    font = QFont(family, 10)
    app.setFont(font)
    return family


# qtbase holds Qt's dialog and button texts. qt_zh_CN.qm is only a meta file naming qtbase_zh_CN and
# qtmultimedia_zh_CN; PySide6 does not ship the latter, so loading it fails and it is not used.
QT_TRANSLATION_FILES = ("qtbase_zh_CN",)
# Texts Qt's widgets use that qtbase_zh_CN (Qt 6.11) leaves in English ("&Look in:", "Files of &type:" in the file
# dialog): compiled from resources/translations/qt_extra_zh_CN.ts, installed after qtbase so it is asked first.
QT_EXTRA_TRANSLATION = ("translations", "qt_extra_zh_CN.qm")


def _qt_reported_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def qt_translation_dirs() -> list[Path]:
    """Folders that may hold Qt's own .qm files, most trusted first: what Qt reports (PySide6 points it into the
    wheel through its built-in qt.conf), the wheel layouts next to the PySide6 package (``PySide6/Qt/translations``
    on Linux/macOS, ``PySide6/translations`` on Windows), and the same two under the PyInstaller bundle folder,
    where build.spec and PyInstaller's Qt hook put them."""
    import PySide6
    dirs = [_qt_reported_translations_dir()]
    roots = [Path(PySide6.__file__).resolve().parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle) / "PySide6")
    for root in roots:
        dirs += [root / "Qt" / "translations", root / "translations"]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def find_qt_translation(name: str = "qtbase_zh_CN") -> Path | None:
    """The .qm file ``name`` from the first folder of :func:`qt_translation_dirs` that has it, or None."""
    for folder in qt_translation_dirs():
        candidate = folder / f"{name}.qm"
        if candidate.is_file():
            return candidate
    return None


def install_qt_translations(app: QApplication) -> list[Path]:
    """Qt's own strings (Yes/No/OK/Cancel, file and input dialogs, context menus) in Chinese, from the translations
    PySide6 ships, and the Chinese locale for Qt's calendars and number fields. Must run before the first widget is
    built (``make_qapp`` does). Returns the .qm files installed; a missing file is logged, never fatal."""
    QLocale.setDefault(QLocale("zh_CN"))
    paths: list[Path] = []
    for name in QT_TRANSLATION_FILES:
        found = find_qt_translation(name)
        if found is None:
            log.warning("Qt translation %s.qm not found in %s", name, [str(d) for d in qt_translation_dirs()])
        else:
            paths.append(found)
    paths.append(resource_path(*QT_EXTRA_TRANSLATION))
    installed: list[Path] = []
    for path in paths:
        translator = QTranslator(app)  # parented to the app, so it lives as long as the app
        if translator.load(str(path)):
            app.installTranslator(translator)
            installed.append(path)
        else:
            log.warning("Qt translation %s could not be loaded", path)
    return installed


def make_qapp(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("villagevote")
    app.setApplicationDisplayName(tr("村级组织换届与承诺管理"))
    install_translator(lambda context, text: QCoreApplication.translate(context, text))
    install_qt_translations(app)
    setup_fonts(app)
    return app


def open_database(path: Path) -> Database:
    """:func:`villagevote.database.open_database`, imported on first use: importing it imports SQLAlchemy and the
    mapped models (about half a second), which must not happen before the first window has painted."""
    from villagevote.database import open_database as open_file
    return open_file(path)


class Controller:
    """Owns the open database and the main window; switches databases and restores backups."""

    def __init__(self) -> None:
        self.db: Database | None = None
        self.window: QWidget | None = None
        self.timer = QTimer()
        self.timer.setInterval(60 * 60 * 1000)
        self.timer.timeout.connect(self.daily_backup)

    def is_open(self, path: Path) -> bool:
        """True when ``path`` names the database file that is open now. Decided from names and ``os.stat`` only:
        the live file must never be opened by anything but SQLite (closing another descriptor on it drops this
        process's POSIX locks, after which another program can delete the -wal file under us)."""
        if self.db is None:
            return False
        current, other = Path(self.db.path), Path(path)
        try:
            if current.resolve() == other.resolve():
                return True
            return other.exists() and os.path.samefile(current, other)
        except OSError:
            return False

    def start(self, path: Path) -> bool:
        """The program's first open: the login dialog paints at once and the database opens behind it, on a thread
        of its own (:class:`~villagevote.ui.opening.DatabaseOpening`; the import of SQLAlchemy and the models, the
        checks, the backup before an upgrade, the migrations and the seeding, exactly as :meth:`open` does them);
        登录 waits for it. A file that cannot be opened shows its message as :meth:`open` does; a new file (or one
        without users) goes through the first-start dialogs."""
        from villagevote.ui.dialogs.login import FirstAdminDialog, LoginDialog
        from villagevote.ui.opening import DatabaseOpening
        path = Path(path)
        if not path.exists():  # first start on a new file: nothing to log in to yet
            return self.open(path)
        opening = DatabaseOpening(path, open_database)
        dialog = LoginDialog(opening)
        code = dialog.exec()
        actor = dialog.actor
        if actor is None and code != LoginDialog.FIRST_START:
            opening.discard()  # cancelled (perhaps while still opening): close what was opened
            if opening.error is not None:
                if isinstance(opening.error, UserError):
                    Ask.error(None, tr("无法打开数据库"), str(opening.error))
                    return False
                raise opening.error  # a bug: the exception hook reports it, as before
            return False
        db = opening.take()
        if actor is None:  # the file has no user yet
            actor = FirstAdminDialog.ask(db)
            if actor is None:
                db.dispose()
                return False
        self.ensure_township(db, actor, None)
        self._enter(db, actor, None)
        return True

    def open(self, path: Path, parent: QWidget | None = None) -> bool:
        if self.is_open(path):
            self.already_open(parent)
            return True
        try:
            db = open_database(path)
        except UserError as exc:
            Ask.error(parent, tr("无法打开数据库"), str(exc))
            return False
        actor = self.login(db, parent)
        if actor is None:
            db.dispose()
            return False
        self._enter(db, actor, parent)
        return True

    def _enter(self, db: Database, actor: Actor, parent: QWidget | None) -> None:
        """``actor`` has logged in on ``db``: the open backup, then ``db`` replaces the open database and the main
        window is shown."""
        self.startup_backup(db, parent)
        if self.db is not None:
            self._wait_idle()  # the open window's queued reads and writes finish on the file they were meant for
            self.db.dispose()
        self.db = db
        self.show_main(actor)
        self.timer.start()

    def login(self, db: Database, parent: QWidget | None) -> Actor | None:
        from villagevote import users
        from villagevote.ui.dialogs.login import FirstAdminDialog, LoginDialog
        with db.read_session() as s:
            first = not users.has_users(s)
        actor = FirstAdminDialog.ask(db, parent) if first else LoginDialog.ask(db, parent)
        if actor is None:
            return None
        self.ensure_township(db, actor, parent)
        return actor

    def already_open(self, parent: QWidget | None) -> None:
        """文件 → 打开数据库 chose the file that is open now: nothing is re-opened; offer to switch user."""
        assert self.db is not None
        if Ask.confirm(parent, tr("数据库已打开"), tr(
                "所选文件就是当前正在使用的数据库，不需要再次打开：\n{path}\n\n要切换用户吗？").format(path=self.db.path)):
            self.switch_user()

    def _wait_idle(self) -> None:
        """Let the window's database jobs finish (before its database is closed or replaced)."""
        ctx = getattr(self.window, "ctx", None)
        if ctx is not None:
            ctx.wait_idle()

    def _current_actor(self) -> Actor | None:
        return getattr(getattr(self.window, "ctx", None), "actor", None)

    def _jobs_running(self) -> bool:
        ctx = getattr(self.window, "ctx", None)
        if ctx is not None and ctx.jobs.busy:
            Ask.info(self.window, tr("请稍候"), tr("后台任务还在进行，请等它完成后再切换用户或注销。"))
            return True
        return False

    def _record_logout(self) -> None:
        from villagevote import users
        actor = self._current_actor()
        if self.db is None or actor is None:
            return
        try:
            with self.db.session() as s:
                users.record_logout(s, actor)
        except UserError as exc:  # the audit row is a courtesy; never keep someone from logging out
            log.warning("logout not recorded: %s", exc)

    def switch_user(self) -> bool:
        """文件 → 切换用户: log in again on the open database (the file is not re-opened); the window is rebuilt for
        the new user's permissions. Cancelling keeps the current user."""
        from villagevote.ui.dialogs.login import LoginDialog
        if self.db is None or self._jobs_running():
            return False
        actor = LoginDialog.ask(self.db, self.window, tr("切换用户：请以另一个账号登录。"), cancel_text=tr("取消"))
        if actor is None:
            return False
        self._record_logout()
        self.show_main(actor)
        return True

    def logout(self) -> bool:
        """文件 → 注销: the window is hidden and the login dialog shown; cancelling it quits the program."""
        from villagevote.ui.dialogs.login import LoginDialog
        if self.db is None or self.window is None or self._jobs_running():
            return False
        self._record_logout()
        old = self.window
        old.hide()
        # The hidden window stays the dialog's parent, so closing the dialog is not "the last window closed".
        actor = LoginDialog.ask(self.db, old, tr("已注销。请登录，或点“退出”关闭程序。"))
        if actor is None:
            self.quit()
            return False
        self.show_main(actor)
        return True

    def quit(self) -> None:
        """Close the window and the database, then leave the event loop."""
        self.timer.stop()
        self._wait_idle()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.db is not None:
            self.db.dispose()
            self.db = None
        QApplication.quit()

    def ensure_township(self, db: Database, actor: Actor, parent: QWidget | None) -> None:
        from villagevote import township as tw
        from villagevote.ui.dialogs.login import TownshipSetupDialog
        with db.session() as s:
            if tw.get_township(s) is not None:
                return
        dialog = TownshipSetupDialog(parent)
        result = dialog.exec()
        if result == TownshipSetupDialog.DEMO:
            from villagevote.demo import populate_demo
            with db.session() as s:
                populate_demo(s, actor, villages=8, voters_per_village=300, seed=1)
        elif result == QDialog.DialogCode.Accepted:
            name, county, cycle, day = dialog.values()
            with db.session() as s:
                tid = tw.create_township(s, actor, name, county)
                tw.create_cycle(s, actor, tid, cycle, day.year, day)

    def startup_backup(self, db: Database, parent: QWidget | None) -> None:
        from villagevote.shell import backup_keep
        try:
            with db.read_session() as s:
                keep = backup_keep(s)
            backup_database(db.path, db.backup_dir, reason="open", keep=keep)
        except UserError as exc:
            Ask.error(parent, tr("自动备份失败"), str(exc))

    def daily_backup(self) -> None:
        if self.db is None:
            return
        try:
            backup_if_due(self.db.path, self.db.backup_dir)
        except UserError as exc:
            log.warning("daily backup failed: %s", exc)

    def show_main(self, actor: Actor) -> None:
        from villagevote.ui.context import AppContext
        from villagevote.ui.main_window import MainWindow
        assert self.db is not None
        ctx = AppContext(self.db, actor)
        old = self.window
        # the same page stays in front after switching user; it is the only page built before the window shows
        page = old.current_page() if old is not None and old.ctx.db is self.db else 0  # type: ignore[attr-defined]
        window = MainWindow(ctx, open_other=lambda p: self.open(p, self.window), restore=self.restore,
                            switch_user=self.switch_user, logout=self.logout, initial_page=page)
        self.window = window
        if old is not None:
            window.ensure_ready()  # another user's window replaces this one: its page is there when it appears
        window.show()
        if old is not None:
            old.close()
            old.deleteLater()

    def restore(self) -> None:
        from villagevote.auth import Permission, require
        assert self.db is not None and self.window is not None
        ctx = self.window.ctx  # type: ignore[attr-defined]
        try:
            require(ctx.actor, Permission.ADMIN)
        except UserError as exc:
            Ask.error(self.window, tr("无法恢复"), str(exc))
            return
        chosen = Ask.open_file(self.window, tr("选择要恢复的备份"), tr("数据库备份 (*.sqlite3);;所有文件 (*)"),
                               str(self.db.backup_dir))
        if not chosen:
            return
        if not Ask.confirm(self.window, tr("从备份恢复"), tr(
                "将用所选备份替换当前数据库的全部内容。恢复前会先自动备份当前数据。是否继续？")):
            return
        path, backup_dir = self.db.path, self.db.backup_dir
        self._wait_idle()
        self.db.dispose()
        try:
            safety = restore_database(Path(chosen), path, backup_dir)
        except UserError as exc:
            Ask.error(self.window, tr("恢复失败"), str(exc))
            self.db = open_database(path)
            self.show_main(ctx.actor)
            return
        Ask.info(self.window, tr("恢复完成"), tr("已从备份恢复。恢复前的数据保存在：{path}\n请重新登录。").format(path=safety))
        self.db = None
        self.open(path, self.window)


def run_gui(db_path: Path | None = None) -> int:
    from villagevote.ui import excepthook
    app = make_qapp()
    excepthook.install()
    controller = Controller()
    path = Path(db_path) if db_path else default_db_path()
    while not controller.start(path):
        chosen = Ask.open_file(None, tr("选择其他数据库文件，或取消退出"), tr("villagevote 数据库 (*.sqlite3 *.db);;所有文件 (*)"))
        if not chosen:
            return 1
        path = Path(chosen)
    return app.exec()
