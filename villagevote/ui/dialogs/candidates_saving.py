"""The dialogs of the candidates page save before they close: 确定 runs the domain write through ``ctx.write``; a
refusal is shown in red beside the field it names (``ValidationError.field``) or under the form, and everything typed
stays. The dialog closes only after the write committed."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QDialog, QFormLayout, QWidget

from villagevote.changes import Area
from villagevote.ui.dialogs.common import FieldErrors

__all__ = ["SavingDialog"]


class SavingDialog(QDialog):
    """Subclasses build their QFormLayout, call :meth:`watch` with it and the fields a refusal may name, and
    implement ``answer()``. ``save(session, answer)`` is the domain write; without one, 确定 just accepts (the caller
    reads ``answer()``)."""

    def __init__(self, ctx: Any, save: Callable[[Any, Any], Any] | None, areas: Iterable[Area],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._save = save
        self._areas = frozenset(areas)
        self.saved: Any = None
        self.errors: FieldErrors | None = None

    def watch(self, form: QFormLayout, fields: dict[str, QWidget]) -> None:
        self.errors = FieldErrors(form)
        for name, widget in fields.items():
            self.errors.add(name, widget)

    def answer(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def message(self, field: str | None = None) -> str:
        """The refusal shown beside ``field`` (or under the form), for tests."""
        return self.errors.message(field) if self.errors is not None else ""

    def submit(self) -> None:
        if self.errors is not None:
            self.errors.clear()
        if self._save is None:
            self.accept()
            return
        save, answer = self._save, self.answer()
        self.ctx.write(lambda s: save(s, answer), self._areas, on_done=self._saved, on_error=self._refused,
                       parent=self)

    def _refused(self, exc: BaseException) -> None:
        if self.errors is None:
            raise exc
        self.errors.show_error(exc)

    def _saved(self, result: Any) -> None:
        self.saved = result
        self.accept()

    def run(self) -> bool:
        """Show the dialog; True when it saved (or, without ``save``, was confirmed)."""
        return self.exec() == QDialog.DialogCode.Accepted
