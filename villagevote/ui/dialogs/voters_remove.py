"""Removing a voter from the list: status (death, moved out, deprived, struck off), reason and date."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QWidget

from villagevote.i18n import tr
from villagevote.models.enums import VoterStatus
from villagevote.ui.dialogs.common import date_edit, ok_cancel
from villagevote.ui.widgets import combo_enum
from villagevote.voters.eligibility import REMOVAL_STATUSES


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
        form.addRow(ok_cancel(self))

    def values(self) -> tuple[VoterStatus, str, dt.date]:
        return combo_enum(self.status, VoterStatus), self.reason.text(), self.date.date().toPython()

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[VoterStatus, str, dt.date] | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
