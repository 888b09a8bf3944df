"""Dialogs: record a review step (村级初审/乡镇复审/县级联审), and change a candidacy's status with a reason."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from villagevote.i18n import tr
from villagevote.models.enums import CandidacyStatus, ReviewDecision, ReviewStage
from villagevote.ui.dialogs.candidates_finding import chosen
from villagevote.ui.dialogs.common import date_edit, ok_cancel
from villagevote.ui.widgets import enum_combo

__all__ = ["ReviewAnswer", "ReviewDialog", "StatusDialog"]


@dataclass(frozen=True)
class ReviewAnswer:
    stage: ReviewStage
    decision: ReviewDecision
    reason: str
    reviewer: str
    decided_on: dt.date


class ReviewDialog(QDialog):
    def __init__(self, stage: ReviewStage, reviewer: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("记录审查结论"))
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        self.stage = enum_combo(ReviewStage)
        self.stage.setCurrentIndex(self.stage.findData(stage.value))
        form.addRow(tr("审查阶段"), self.stage)
        self.decision = enum_combo(ReviewDecision)
        form.addRow(tr("结论"), self.decision)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(tr("不通过或劝退时必须写明理由"))
        self.reason.setFixedHeight(70)
        form.addRow(tr("理由"), self.reason)
        self.reviewer = QLineEdit(reviewer)
        form.addRow(tr("审查人（单位）"), self.reviewer)
        self.date = date_edit()
        form.addRow(tr("日期"), self.date)
        form.addRow(ok_cancel(self))

    def answer(self) -> ReviewAnswer:
        d = self.date.date()
        return ReviewAnswer(chosen(self.stage, ReviewStage), chosen(self.decision, ReviewDecision),
                            self.reason.toPlainText().strip(), self.reviewer.text().strip(),
                            dt.date(d.year(), d.month(), d.day()))

    @classmethod
    def ask(cls, parent: QWidget | None, stage: ReviewStage, reviewer: str = "") -> ReviewAnswer | None:
        dialog = cls(stage, reviewer, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


class StatusDialog(QDialog):
    def __init__(self, current: CandidacyStatus, allowed: Sequence[CandidacyStatus],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("更改状态（当前：{s}）").format(s=current.label))
        form = QFormLayout(self)
        self.status = enum_combo(allowed)
        form.addRow(tr("改为"), self.status)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("劝退、退出、恢复、退回上一步等必须写明理由"))
        form.addRow(tr("理由"), self.reason)
        form.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, current: CandidacyStatus,
            allowed: Sequence[CandidacyStatus]) -> tuple[CandidacyStatus, str] | None:
        dialog = cls(current, allowed, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.status.currentIndex() < 0:
            return None
        return chosen(dialog.status, CandidacyStatus), dialog.reason.text().strip()
