"""Global exception hook: user errors as a plain message; anything else logged to the data dir and shown in a
dialog whose details the user can copy. The log and the details never carry SQL parameters, ID or phone numbers
(``villagevote.logsafe``)."""
from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from villagevote.config import log_dir
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.logsafe import install as install_scrubbing
from villagevote.logsafe import scrub

log = logging.getLogger("villagevote")


def setup_logging() -> None:
    handler = logging.FileHandler(log_dir() / "villagevote.log", encoding="utf-8")
    install_scrubbing(handler)  # no SQL parameters, ID or phone numbers in the log file
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    app = QApplication.instance()
    if isinstance(exc, UserError):
        if isinstance(app, QApplication):
            QMessageBox.warning(app.activeWindow(), tr("操作未完成"), str(exc))
        return
    text = scrub("".join(traceback.format_exception(exc_type, exc, tb)))
    log.error("unhandled exception\n%s", text)
    if not isinstance(app, QApplication):  # no GUI (yet): the plain traceback on stderr
        sys.__excepthook__(exc_type, exc, tb)
        return
    box = QMessageBox(app.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("程序出错"))
    box.setText(tr("程序遇到意外错误，当前操作未完成，数据未被部分写入。\n请把“详细信息”复制给技术支持。日志文件：{path}").format(
        path=log_dir() / "villagevote.log"))
    box.setDetailedText(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{text}")
    box.exec()


def install() -> None:
    setup_logging()
    sys.excepthook = handle_exception
