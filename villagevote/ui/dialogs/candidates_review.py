"""Dialogs: record a review step (村级初审/乡镇复审/县级联审), and change a candidacy's status with a reason."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import CandidacyStatus, ReviewDecision, ReviewStage
from villagevote.ui.dialogs.candidates_finding import chosen
from villagevote.ui.dialogs.candidates_saving import SavingDialog
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


class ReviewDialog(SavingDialog):
    """``save(session, ReviewAnswer)`` records the decision before the dialog closes."""

    def __init__(self, ctx: Any, stage: ReviewStage, reviewer: str = "", parent: QWidget | None = None,
                 save: Callable[[Any, ReviewAnswer], Any] | None = None) -> None:
        super().__init__(ctx, save, (Area.QUALIFICATION, Area.CANDIDATES), parent)
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
        self.watch(form, {"stage": self.stage, "decision": self.decision, "reason": self.reason,
                          "reviewer": self.reviewer, "decided_on": self.date})
        form.addRow(ok_cancel(self, self.submit))

    def answer(self) -> ReviewAnswer:
        d = self.date.date()
        return ReviewAnswer(chosen(self.stage, ReviewStage), chosen(self.decision, ReviewDecision),
                            self.reason.toPlainText().strip(), self.reviewer.text().strip(),
                            dt.date(d.year(), d.month(), d.day()))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, stage: ReviewStage, reviewer: str,
            save: Callable[[Any, ReviewAnswer], Any]) -> bool:
        """Record a review decision; True when it was saved."""
        return cls(ctx, stage, reviewer, parent, save).run()


class StatusDialog(SavingDialog):
    """``save(session, (status, reason))`` changes the status before the dialog closes."""

    def __init__(self, ctx: Any, current: CandidacyStatus, allowed: Sequence[CandidacyStatus],
                 parent: QWidget | None = None,
                 save: Callable[[Any, tuple[CandidacyStatus, str]], Any] | None = None) -> None:
        super().__init__(ctx, save, (Area.CANDIDATES,), parent)
        self.setWindowTitle(tr("更改状态（当前：{s}）").format(s=current.label))
        form = QFormLayout(self)
        self.status = enum_combo(allowed)
        form.addRow(tr("改为"), self.status)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("劝退、退出、恢复、退回上一步等必须写明理由"))
        form.addRow(tr("理由"), self.reason)
        self.watch(form, {"status": self.status, "reason": self.reason})
        form.addRow(ok_cancel(self, self.submit))

    def answer(self) -> tuple[CandidacyStatus, str]:
        return chosen(self.status, CandidacyStatus), self.reason.text().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, current: CandidacyStatus, allowed: Sequence[CandidacyStatus],
            save: Callable[[Any, tuple[CandidacyStatus, str]], Any]) -> bool:
        """Change the status; True when it was saved."""
        return cls(ctx, current, allowed, parent, save).run()
