"""Message helpers and small form-dialog parts. Tests replace ``Ask`` class methods to answer without a human."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from villagevote.errors import UserError
from villagevote.i18n import tr


class Ask:
    """All interactive questions go through here so tests can monkeypatch them."""

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def text(cls, parent: QWidget | None, title: str, label: str, default: str = "",
             password: bool = False) -> str | None:
        mode = QLineEdit.EchoMode.Password if password else QLineEdit.EchoMode.Normal
        value, ok = QInputDialog.getText(parent, title, label, mode, default)
        return value if ok else None

    @classmethod
    def choose(cls, parent: QWidget | None, title: str, label: str, items: list[str]) -> int | None:
        """The index of the item picked from a list, or None when cancelled."""
        value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return items.index(value) if ok and value in items else None

    @classmethod
    def open_file(cls, parent: QWidget | None, title: str, filters: str, directory: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
        return path or None

    @classmethod
    def save_file(cls, parent: QWidget | None, title: str, filters: str, directory: str = "") -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, directory, filters)
        return path or None

    @classmethod
    def saved(cls, parent: QWidget | None, title: str, path: object, note: str = "") -> bool:
        """Tell where a printed form or export was saved (and ``note``, e.g. names to write in by hand); True when
        the user wants to open it now."""
        text = tr("已保存到：{p}").format(p=path) + (f"\n\n{note}" if note else "")
        box = QMessageBox(QMessageBox.Icon.Warning if note else QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.NoButton, parent)
        open_button = box.addButton(tr("打开"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("关闭"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is open_button

    @classmethod
    def info(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    @classmethod
    def error(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """A UserError shows its message; anything else goes to the global exception hook."""
    if isinstance(exc, UserError):
        Ask.error(parent, title or tr("操作未完成"), str(exc))
    else:
        raise exc


def ok_cancel(dialog: QDialog, on_ok: Callable[[], Any] | None = None, ok_text: str | None = None,
              cancel_text: str | None = None,
              ok_button: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok) -> QDialogButtonBox:
    """OK (or ``ok_button``, e.g. Save) and Cancel buttons with Chinese captions (确定/取消 unless given): OK calls
    ``on_ok`` (default: accept the dialog), Cancel rejects it."""
    box = QDialogButtonBox(ok_button | QDialogButtonBox.StandardButton.Cancel)
    box.button(ok_button).setText(ok_text or tr("确定"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or tr("取消"))
    box.accepted.connect(on_ok or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def date_edit(day: dt.date | None = None) -> QDateEdit:
    """A date field with a calendar pop-up shown as YYYY-MM-DD, set to ``day`` (default: today)."""
    edit = QDateEdit(QDate.currentDate() if day is None else QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def ask_date(parent: QWidget | None, title: str, label: str) -> dt.date | None:
    """Ask for a date typed as YYYY-MM-DD (today filled in). None when cancelled, or when mistyped (after saying
    so)."""
    text = Ask.text(parent, title, label, dt.date.today().isoformat())
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        show_error(parent, UserError(tr("日期格式不对，应为 YYYY-MM-DD")))
        return None


class FieldErrors:
    """Shows a problem beside the field it concerns, in red under it, and keeps the dialog open with all that was
    typed. ``add(form, name, widget)`` registers a field of a QFormLayout under a name (the ``field`` of a
    :class:`~villagevote.errors.ValidationError`); ``show`` puts a message under it (or at the bottom for an error of no
    registered field); ``clear`` hides them all. Typical use::

        self.errors = FieldErrors(layout)          # the dialog's QFormLayout
        self.errors.add("id_number", self.id_edit)
        ...
        ctx.write(fn, Area.CANDIDATES, on_done=lambda _r: self.accept(), on_error=self.errors.show_error)
    """

    STYLE = "color: #b00020;"

    def __init__(self, form: QFormLayout) -> None:
        self._form = form
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._general = QLabel()
        self._general.setStyleSheet(self.STYLE)
        self._general.setWordWrap(True)
        self._general.hide()
        form.addRow(self._general)

    def add(self, name: str, widget: QWidget) -> None:
        label = QLabel()
        label.setStyleSheet(self.STYLE)
        label.setWordWrap(True)
        label.hide()
        row: int = self._form.getWidgetPosition(widget)[0]  # type: ignore[index]  # PySide6 stubs say object
        if row < 0:  # the widget sits inside a row's layout: find that row
            for i in range(self._form.rowCount()):
                item = self._form.itemAt(i, QFormLayout.ItemRole.FieldRole)
                inner = item.layout() if item is not None else None
                if inner is not None and inner.indexOf(widget) >= 0:
                    row = i
                    break
        self._form.insertRow(row + 1 if row >= 0 else self._form.rowCount(), "", label)
        self._fields[name] = (widget, label)
        # the general line stays last
        self._form.removeWidget(self._general)
        self._form.addRow(self._general)

    def show(self, message: str, field: str | None = None) -> None:
        self.clear()
        if field in self._fields:
            widget, label = self._fields[field]
            label.setText(message)
            label.show()
            widget.setProperty("invalid", True)
            widget.setStyleSheet("border: 1px solid #b00020;")
            widget.setFocus()
        else:
            self._general.setText(message)
            self._general.show()

    def show_error(self, exc: BaseException) -> None:
        """The ``on_error`` of a dialog's write: a UserError goes beside its field; anything else is a bug."""
        if isinstance(exc, UserError):
            self.show(str(exc), getattr(exc, "field", None))
        else:
            raise exc

    def clear(self) -> None:
        self._general.hide()
        for widget, label in self._fields.values():
            label.hide()
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                widget.setStyleSheet("")

    def message(self, field: str | None = None) -> str:
        """The message shown (for tests and accessibility): beside ``field``, or the general one."""
        if field is None:
            return self._general.text() if not self._general.isHidden() else ""
        _widget, label = self._fields[field]
        return label.text() if not label.isHidden() else ""
