"""Logs and error-dialog details never contain SQL parameters or personal data (issue 13): an unexpected database
error whose statement carried a full ID number and phone number leaves neither in logs/villagevote.log."""
from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy.exc import IntegrityError

from villagevote.config import log_dir
from villagevote.logsafe import scrub
from villagevote.models.candidates import Person
from villagevote.models.enums import Gender
from villagevote.ui import excepthook

ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def log_file():
    excepthook.setup_logging()
    yield log_dir() / "villagevote.log"
    for handler in list(logging.getLogger().handlers):
        if isinstance(handler, logging.FileHandler):
            logging.getLogger().removeHandler(handler)
            handler.close()


def _read(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _integrity_error(db) -> IntegrityError:
    """A real IntegrityError from the database: two persons with the same ID number."""
    with pytest.raises(IntegrityError) as info:
        with db.session() as s:
            for name in ("张三", "李四"):
                s.add(Person(name=name, gender=Gender.FEMALE, id_number=ID, phone=PHONE, note="东村3组"))
            s.flush()
    assert ID in str(info.value) and PHONE in str(info.value)  # what SQLAlchemy itself puts in the message
    return info.value


def test_database_error_through_the_exception_hook_leaves_no_personal_data(db, qapp, monkeypatch, log_file):
    shown = {}

    def fake_exec(box):  # type: ignore[no-untyped-def]
        shown["details"] = box.detailedText()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    exc = _integrity_error(db)
    try:
        raise exc
    except IntegrityError:
        excepthook.handle_exception(*sys.exc_info())
    text = _read(log_file)
    for where in (text, shown["details"]):
        assert "IntegrityError" in where and "UNIQUE constraint failed: person.id_number" in where
        assert "[parameters: <removed>]" in where
        assert ID not in where and ID[:17] not in where and PHONE not in where and "东村3组" not in where


def test_any_logged_exception_is_scrubbed(db, log_file):
    exc = _integrity_error(db)
    log = logging.getLogger("villagevote.voters")
    try:
        raise exc
    except IntegrityError:
        log.exception("import failed for %s (phone %s)", ID, PHONE)
    log.warning("caller gave %s", "+86 139-1234-5678 is not matched, 13912345678 is")
    text = _read(log_file)
    assert "import failed for <id-number> (phone <phone>)" in text and "Traceback" in text
    assert ID not in text and PHONE not in text and "[parameters: <removed>]" in text


def test_scrub_masks_numbers_only_where_they_stand_alone():
    assert scrub(f"身份证{ID}，电话{PHONE}。") == "身份证<id-number>，电话<phone>。"
    assert scrub("旧证 110105491231002 号") == "旧证 <id-number> 号"
    assert scrub("row 12, 2026-12-20 10:00:00, contest #3") == "row 12, 2026-12-20 10:00:00, contest #3"
    digest = "c9b9ce79a92a6f03" + "1" * 20 + "13912345678" + "ab"  # digits inside a hex hash are not a phone
    assert scrub(digest) == digest
    assert scrub("[SQL: INSERT INTO person (name) VALUES (?)]\n[parameters: ('张三', 'x')]\n(Background)") == (
        "[SQL: INSERT INTO person (name) VALUES (?)]\n[parameters: <removed>]\n(Background)")
