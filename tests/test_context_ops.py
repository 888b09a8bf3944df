"""ctx.query / ctx.write / printing.produce: the one way from a page to the data and to a printed file."""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.models import Village


def test_query_runs_on_the_worker_and_answers_on_the_gui_thread(ctx, township, settle):
    gui = threading.get_ident()
    seen: dict = {}

    def read(s):
        seen["thread"] = threading.get_ident()
        return sorted(s.scalars(select(Village.name)))

    ctx.query(read, lambda names: seen.update(names=names, done_thread=threading.get_ident()))
    settle()
    assert seen["names"] == ["东村", "南村", "西村"]
    assert seen["thread"] != gui and seen["done_thread"] == gui


def test_write_commits_then_announces_typed_areas(ctx, township, settle):
    heard: list = []
    ctx.changed.connect(heard.append)
    done: list = []

    def rename(s):
        s.get(Village, township.village_ids[0]).name = "东山村"
        return "ok"

    ctx.write(rename, Area.TOWNSHIP, on_done=done.append)
    settle()
    assert done == ["ok"] and heard == [frozenset({Area.TOWNSHIP})]
    with ctx.db.read_session() as s:
        assert s.get(Village, township.village_ids[0]).name == "东山村"


def test_failed_write_rolls_back_shows_chinese_message_and_announces_nothing(ctx, township, settle, messages):
    heard: list = []
    ctx.changed.connect(heard.append)

    def half_then_refuse(s):
        s.get(Village, township.village_ids[0]).name = "改了一半"
        raise UserError("村名不能这样改")

    ctx.write(half_then_refuse, Area.TOWNSHIP)
    settle()
    assert messages == [("操作未完成", "村名不能这样改")] and heard == []
    with ctx.db.read_session() as s:
        assert s.get(Village, township.village_ids[0]).name == "东村"
    # the worker is still usable afterwards
    names: list = []
    ctx.query(lambda s: s.scalar(select(Village.name).where(Village.id == township.village_ids[0])), names.append)
    settle()
    assert names == ["东村"]


def test_on_error_receives_the_error_instead_of_a_message_box(ctx, township, settle, messages):
    errors: list = []
    ctx.write(lambda s: (_ for _ in ()).throw(UserError("身份证号码校验位错误")), Area.CANDIDATES,
              on_error=errors.append)
    settle()
    assert [str(e) for e in errors] == ["身份证号码校验位错误"] and messages == []


def test_a_write_inside_query_is_refused(ctx, township, settle):
    errors: list = []

    def sneaky(s):
        s.get(Village, township.village_ids[0]).name = "x"
        s.flush()

    ctx.query(sneaky, lambda _r: None, on_error=errors.append)
    settle()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)


def test_produce_saves_where_asked_remembers_the_folder_and_offers_to_open(ctx, township, settle, messages,
                                                                            monkeypatch, tmp_path, qtbot):
    from PySide6.QtWidgets import QWidget

    from villagevote.reports.registry import Options
    from villagevote.ui import printing
    from villagevote.ui.dialogs.common import Ask

    asked: list = []
    target = tmp_path / "out" / "名单"
    target.parent.mkdir()
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, p, t, f, d="": asked.append(d) or str(target)))
    parent = QWidget()
    qtbot.addWidget(parent)
    printing.produce(parent, ctx, "export", "candidate-template", Options())
    settle()
    written = target.with_name("名单.xlsx")
    assert written.exists() and messages == [("已保存", str(written))]
    assert asked[0].endswith(".xlsx")
    printing.produce(parent, ctx, "export", "candidate-template", Options())
    settle()
    assert Path(asked[1]).parent == target.parent  # the last folder used for this form


def test_produce_refuses_a_sensitive_form_to_a_read_only_user(ctx, readonly, township, settle, messages,
                                                               monkeypatch, tmp_path, qtbot):
    from PySide6.QtWidgets import QWidget

    from villagevote.reports.registry import Options
    from villagevote.ui import printing
    from villagevote.ui.dialogs.common import Ask

    ctx.actor = readonly
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, p, t, f, d="": str(tmp_path / "v.xlsx")))
    parent = QWidget()
    qtbot.addWidget(parent)
    printing.produce(parent, ctx, "export", "voters", Options(village="东村"))
    settle()
    assert not (tmp_path / "v.xlsx").exists()
    assert len(messages) == 1 and "无权查看敏感信息" in messages[0][1]


def test_field_errors_show_beside_the_field_and_keep_the_text(qtbot):
    from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit

    from villagevote.errors import ValidationError
    from villagevote.ui.dialogs.common import FieldErrors

    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    id_edit, name_edit = QLineEdit("33010219800101001X"), QLineEdit("张三")
    form.addRow("身份证号码", id_edit)
    form.addRow("姓名", name_edit)
    errors = FieldErrors(form)
    errors.add("id_number", id_edit)
    errors.add("name", name_edit)
    errors.show_error(ValidationError("身份证号码校验位错误", field="id_number"))
    assert errors.message("id_number") == "身份证号码校验位错误" and errors.message("name") == ""
    assert id_edit.text() == "33010219800101001X"
    _row, _role = form.getWidgetPosition(id_edit)
    assert form.itemAt(_row + 1, QFormLayout.ItemRole.FieldRole).widget().text() == "身份证号码校验位错误"
    errors.show_error(ValidationError("无法保存"))
    assert errors.message() == "无法保存" and errors.message("id_number") == ""


def test_a_name_no_font_can_print_is_left_blank_and_named_before_printing(ctx, admin, township, settle, messages,
                                                                          monkeypatch, tmp_path, qtbot):
    """𠮷 (U+20BB7) is in no bundled face: the 选民名单公告 leaves it blank for handwriting, and the user is told which
    name, before printing and posting it (issue 16, bad input); the command line says the same on stderr."""
    import datetime as dt

    from pypdf import PdfReader
    from PySide6.QtWidgets import QWidget

    from villagevote.models.enums import Gender
    from villagevote.models.voters import Voter
    from villagevote.reports.registry import Options, find_form, produce
    from villagevote.ui import printing
    from villagevote.ui.dialogs.common import Ask
    from villagevote.voters.search import initials_key, name_sort_key

    with ctx.db.session() as s:
        for name in ("𠮷祥", "王建国"):
            s.add(Voter(cycle_id=township.cycle_id, village_id=township.village_ids[0], name=name,
                        name_initials=initials_key(name), name_sort=name_sort_key(name),
                        birth_date=dt.date(1970, 1, 1), gender=Gender.MALE, eligible=True, age=56))
    posted = Options(village="东村", extra={"date": "2026-11-30"})
    with ctx.db.read_session() as s:
        produced = produce(s, admin, find_form("print", "voter-notice"), tmp_path / "cli.pdf", posted)
    assert produced.handwritten == ("𠮷祥",) and "𠮷祥" in produced.handwriting_note()
    text = "".join(p.extract_text() or "" for p in PdfReader(str(produced.path)).pages)
    assert "王建国" in text and "𠮷" not in text and "祥" in text  # the rest of the name prints
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, p, t, f, d="": str(tmp_path / "gui.pdf")))
    parent = QWidget()
    qtbot.addWidget(parent)
    printing.produce(parent, ctx, "print", "voter-notice", posted)
    settle()
    assert ("已保存", str(tmp_path / "gui.pdf")) in messages
    [note] = [text for title, text in messages if title == "手写"]
    assert "𠮷祥" in note and "手写" in note
