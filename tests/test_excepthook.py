"""The global exception hook: unexpected errors are logged to the data dir and shown with copyable details;
user errors show just their message."""
from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QMessageBox

from villagevote.config import log_dir
from villagevote.errors import ValidationError
from villagevote.ui import excepthook


def test_unexpected_error_is_logged_and_shown_with_details(qapp, monkeypatch):
    shown = {}

    def fake_exec(box):  # type: ignore[no-untyped-def]
        shown["text"] = box.text()
        shown["details"] = box.detailedText()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    excepthook.setup_logging()
    try:
        raise RuntimeError("磁盘读取异常 disk-42")
    except RuntimeError:
        excepthook.handle_exception(*sys.exc_info())
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = (log_dir() / "villagevote.log").read_text(encoding="utf-8")
    assert "disk-42" in log_text and "Traceback" in log_text
    assert "日志文件" in shown["text"]
    assert "RuntimeError: 磁盘读取异常 disk-42" in shown["details"]
    for handler in list(logging.getLogger().handlers):
        if isinstance(handler, logging.FileHandler):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_user_error_shows_only_its_message(qapp, monkeypatch):
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: seen.append((title, text)))
    try:
        raise ValidationError("第5行：性别与身份证号码不一致")
    except ValidationError:
        excepthook.handle_exception(*sys.exc_info())
    assert seen == [("操作未完成", "第5行：性别与身份证号码不一致")]
