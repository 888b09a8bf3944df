"""Removing a voter from the list: status (death, moved out, deprived, struck off), reason and date."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from villagevote.i18n import tr
from villagevote.models.enums import VoterStatus
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
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(tr("原因类别："), self.status)
        form.addRow(tr("具体原因："), self.reason)
        form.addRow(tr("日期："), self.date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[VoterStatus, str, dt.date]:
        return self.status.currentData(), self.reason.text(), self.date.date().toPython()

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[VoterStatus, str, dt.date] | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
