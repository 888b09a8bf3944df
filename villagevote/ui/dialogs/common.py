"""Message helpers. Tests replace ``Ask`` class methods to answer without a human."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

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
    def open_file(cls, parent: QWidget | None, title: str, filters: str, directory: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
        return path or None

    @classmethod
    def save_file(cls, parent: QWidget | None, title: str, filters: str, directory: str = "") -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, directory, filters)
        return path or None

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
