"""Removing a voter from the list: status (death, moving out, deprived, struck off), reason and date. The dialog
checks what needs no database (a reason, a date not in the future) before it closes and keeps what was typed."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QWidget

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import VoterStatus
from villagevote.ui.dialogs.common import FieldErrors, date_edit, ok_cancel
from villagevote.ui.dialogs.voters_pick import day_of
from villagevote.ui.widgets import combo_enum
from villagevote.voters.eligibility import REMOVAL_STATUSES, check_removal

__all__ = ["RemoveDialog"]


class RemoveDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("除名"))
        form = QFormLayout(self)
        self.status = QComboBox()
        for status in REMOVAL_STATUSES:
            self.status.addItem(status.label, status)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("如：2026年10月8日病故，村卫生室证明"))
        self.date = date_edit()
        form.addRow(tr("原因类别："), self.status)
        form.addRow(tr("具体原因："), self.reason)
        form.addRow(tr("日期："), self.date)
        self.errors = FieldErrors(form)
        self.errors.add("reason", self.reason)
        self.errors.add("date", self.date)
        form.addRow(ok_cancel(self, self.check))

    def values(self) -> tuple[VoterStatus, str, dt.date]:
        status = combo_enum(self.status, VoterStatus)
        assert status is not None  # the combo has no empty item
        return status, self.reason.text(), day_of(self.date)

    def check(self) -> None:
        """Close only when the removal passes the checks that need no database."""
        try:
            check_removal(*self.values())
        except ValidationError as exc:
            self.errors.show(exc.message, exc.field)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[VoterStatus, str, dt.date] | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
