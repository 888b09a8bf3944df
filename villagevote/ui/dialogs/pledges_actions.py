"""审诺 (review), 签诺 (signing record) and refusal dialogs, and :class:`WriteDialog`, the base of the pledge dialogs.

The page hands each dialog ``write(value) -> fn(session)`` (a domain write); OK runs it through ``ctx.write`` on the
database worker and the dialog closes once it committed. A refusal is shown under the field it concerns (or as a
message) and the dialog stays open with everything typed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import Ask, FieldErrors, date_edit, ok_cancel, show_error
from villagevote.ui.widgets import button

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from villagevote.ui.context import AppContext

__all__ = ["RefuseDialog", "RefuseInput", "ReviewDialog", "ReviewInput", "SignDialog", "SignInput", "Write",
           "WriteDialog"]

# what a dialog's OK saves: the input -> a domain write ``fn(session)``
Write = Callable[[Any], Callable[["Session"], Any]]


class WriteDialog(QDialog):
    """OK saves ``write(value())`` through ``ctx.write`` (announcing ``AREAS``) and closes when it committed, with the
    write's result in ``saved``; a UserError (from ``value()`` or the domain) is shown beside its field when the
    dialog registered one in ``errors``, else as a message, and the dialog stays open."""

    AREAS: frozenset[Area] = frozenset({Area.PLEDGES})

    def __init__(self, ctx: AppContext, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._write = write
        self.saved: Any = None
        self.errors: FieldErrors | None = None

    def value(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def try_submit(self) -> None:
        if self.errors is not None:
            self.errors.clear()
        try:
            fn = self._write(self.value())
        except UserError as exc:
            self.refused(exc)
            return
        self.ctx.write(fn, self.AREAS, on_done=self._saved, on_error=self.refused, parent=self)

    def _saved(self, result: Any) -> None:
        self.saved = result
        self.accept()

    def refused(self, exc: BaseException) -> None:
        if self.errors is not None:
            self.errors.show_error(exc)
        else:
            show_error(self, exc, tr("未保存"))

    def ask_saved(self) -> bool:
        """Run the dialog; True when it saved."""
        return self.exec() == QDialog.DialogCode.Accepted


def _pydate(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


# --------------------------------------------------------------------------------------------------- review
@dataclass(frozen=True)
class ReviewInput:
    body: str
    passed: bool
    note: str
    reviewed_on: dt.date
    reviewer: str


class ReviewDialog(WriteDialog):
    """One 审诺 check by the next body in line; items can be struck (with a reason) before deciding: ``strike(item
    id, reason)`` gives the domain write, saved at once."""

    def __init__(self, ctx: AppContext, who: str, body: str, body_label: str, items: Sequence[tuple[int, str]],
                 write: Write, strike: Callable[[int, str], Callable[[Session], Any]] | None,
                 reviewer: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("审诺：{who}").format(who=who))
        self.resize(620, 520)
        self.body = body
        self._strike = strike
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("审核单位："), QLabel(body_label))
        self.pass_radio = QRadioButton(tr("通过"))
        self.fail_radio = QRadioButton(tr("不通过"))
        self.pass_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pass_radio)
        group.addButton(self.fail_radio)
        radios = QHBoxLayout()
        radios.addWidget(self.pass_radio)
        radios.addWidget(self.fail_radio)
        radios.addStretch(1)
        form.addRow(tr("结论："), radios)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("审核意见；“不通过”时必须写明哪一项、为什么"))
        self.note.setFixedHeight(70)
        form.addRow(tr("意见："), self.note)
        self.date = date_edit()
        form.addRow(tr("审核日期："), self.date)
        self.reviewer = QLineEdit(reviewer)
        form.addRow(tr("审核人："), self.reviewer)
        self.errors = FieldErrors(form)
        self.errors.add("note", self.note)
        self.errors.add("date", self.date)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("承诺事项（违法违规的承诺，如以财物许诺拉票，可删去并写明理由）：")))
        self.items = QListWidget()
        for item_id, text in items:
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            self.items.addItem(entry)
        layout.addWidget(self.items)
        self.strike_btn = button(tr("删去所选事项…"), self.strike_selected)
        self.strike_btn.setEnabled(strike is not None and bool(items))
        layout.addWidget(self.strike_btn)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("记录审核结论")))

    def strike_selected(self) -> None:
        entry = self.items.currentItem()
        if entry is None or self._strike is None:
            return
        reason = Ask.text(self, tr("删去事项"), tr("删去“{t}”的理由：").format(t=entry.text()))
        if reason is None:
            return

        def struck(_result: object) -> None:
            entry.setText(tr("（已删去：{r}）{t}").format(r=reason.strip(), t=entry.text()))
            entry.setFlags(entry.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.ctx.write(self._strike(int(entry.data(Qt.ItemDataRole.UserRole)), reason), self.AREAS, on_done=struck,
                       on_error=lambda exc: show_error(self, exc, tr("未删去")), parent=self)

    def value(self) -> ReviewInput:
        return ReviewInput(self.body, self.pass_radio.isChecked(), self.note.toPlainText().strip(),
                           _pydate(self.date), self.reviewer.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, who: str, body: str, body_label: str,
            items: Sequence[tuple[int, str]], write: Write,
            strike: Callable[[int, str], Callable[[Session], Any]] | None, reviewer: str) -> bool:
        return cls(ctx, who, body, body_label, items, write, strike, reviewer, parent).ask_saved()


# --------------------------------------------------------------------------------------------------- sign
@dataclass(frozen=True)
class SignInput:
    signed_on: dt.date
    witness: str
    copies: int
    scan_file: str | None


class SignDialog(WriteDialog):
    """签诺 record: date signed, witness (required), copies (一式两份 by default), optional scan."""

    def __init__(self, ctx: AppContext, who: str, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("签诺登记：{who}").format(who=who))
        self.resize(520, 240)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.date = date_edit()
        form.addRow(tr("签订日期："), self.date)
        self.witness = QLineEdit()
        self.witness.setPlaceholderText(tr("必填，如：驻村干部 陈建国"))
        form.addRow(tr("见证人："), self.witness)
        self.copies = QSpinBox()
        self.copies.setRange(1, 10)
        self.copies.setValue(2)
        self.copies.setSuffix(tr(" 份"))
        form.addRow(tr("份数（一式两份：村、乡镇各一）："), self.copies)
        scan_row = QHBoxLayout()
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(tr("可选：签字后的扫描件（PDF、JPG、PNG）"))
        browse = button(tr("选择…"), self.choose_scan)
        scan_row.addWidget(self.scan)
        scan_row.addWidget(browse)
        form.addRow(tr("扫描件："), scan_row)
        self.errors = FieldErrors(form)
        for name, widget in (("date", self.date), ("witness", self.witness), ("copies", self.copies),
                             ("scan", self.scan)):
            self.errors.add(name, widget)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("登记签订")))

    def choose_scan(self) -> None:
        path = Ask.open_file(self, tr("选择扫描件"), tr("扫描件 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)"))
        if path:
            self.scan.setText(path)

    def value(self) -> SignInput:
        return SignInput(_pydate(self.date), self.witness.text().strip(), self.copies.value(),
                         self.scan.text().strip() or None)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, who: str, write: Write) -> bool:
        return cls(ctx, who, write, parent).ask_saved()


# --------------------------------------------------------------------------------------------------- refuse
@dataclass(frozen=True)
class RefuseInput:
    refused_on: dt.date
    note: str


class RefuseDialog(WriteDialog):
    """Record a refusal to sign; it becomes a qualification finding where the cycle's catalog covers it (and may
    take the candidacy off the lists)."""

    AREAS = frozenset({Area.PLEDGES, Area.QUALIFICATION, Area.CANDIDATES})

    def __init__(self, ctx: AppContext, who: str, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("记录拒签：{who}").format(who=who))
        self.resize(520, 260)
        layout = QVBoxLayout(self)
        warning = QLabel(tr("拒签将记入资格审查（本届资格条件中有“拒签承诺”条目时），在资格结论中显示。"))
        warning.setWordWrap(True)
        layout.addWidget(warning)
        form = QFormLayout()
        self.date = date_edit()
        form.addRow(tr("拒签日期："), self.date)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("必填：何时、何地、在场人员、本人所说理由"))
        form.addRow(tr("情况说明："), self.note)
        self.errors = FieldErrors(form)
        self.errors.add("date", self.date)
        self.errors.add("note", self.note)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("记录拒签")))

    def value(self) -> RefuseInput:
        return RefuseInput(_pydate(self.date), self.note.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, who: str, write: Write) -> Any:
        """The write's result (a RefusalOutcome) when recorded, None when cancelled."""
        dialog = cls(ctx, who, write, parent)
        return dialog.saved if dialog.ask_saved() else None
