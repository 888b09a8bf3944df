"""Dialogs of the 双述双评 tab: a new 评议 session (kind, meeting, the scale chosen from the township's scales, date,
应到/实到, ballots and their first number, 监票/计票) and a Party committee decision (确认 a proposal: decision number and
date).

Each is handed ``write(value) -> fn(session)`` (a domain write of :mod:`villagevote.evaluation` or
:mod:`villagevote.tracking.consequences`); OK runs it through ``ctx.write(…, Area.EVALUATION)`` and closes once it
committed. A refusal (the domain's Chinese message) shows in the dialog, which keeps what was typed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from villagevote.changes import Area
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import EvaluationKind, MeetingKind
from villagevote.ui.dialogs.common import FieldErrors, date_edit, ok_cancel
from villagevote.ui.dialogs.pledges_actions import Write, WriteDialog
from villagevote.ui.pages.tracking.dialogs import pydate
from villagevote.ui.widgets import combo_enum, enum_combo

if TYPE_CHECKING:
    from villagevote.ui.context import AppContext

__all__ = ["DecisionDialog", "DecisionInput", "SessionDialog", "SessionInput", "scale_text"]

# the meeting each kind is usually held at (the dialog's first guess; any can be chosen)
DEFAULT_MEETING = {
    EvaluationKind.PEOPLE: MeetingKind.REPRESENTATIVES,
    EvaluationKind.TOWNSHIP: MeetingKind.TOWNSHIP_PANEL,
    EvaluationKind.MID_TERM: MeetingKind.REPRESENTATIVES,
    EvaluationKind.END_TERM: MeetingKind.REPRESENTATIVES,
    EvaluationKind.SPECIAL: MeetingKind.COMMITTEES,
}
DEFAULT_SCALE = {EvaluationKind.PEOPLE: "satisfaction", EvaluationKind.TOWNSHIP: "competence"}


def scale_text(choices: list[str]) -> str:
    return "/".join(choices)


class EvaluationDialog(WriteDialog):
    AREAS = frozenset({Area.EVALUATION})


def _count(maximum: int = 100_000) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    box.setAccelerated(True)
    return box


@dataclass(frozen=True)
class SessionInput:
    kind: EvaluationKind
    meeting: MeetingKind
    scale: str                 # the name of a scale of evaluation.sessions.scales
    held_on: dt.date
    due: int
    present: int
    ballots_issued: int
    first_ballot_no: int | None
    scrutineers: str
    counters: str
    note: str


class SessionDialog(EvaluationDialog):
    """登记评议会议 for the village and year chosen on the tab."""

    def __init__(self, ctx: AppContext, where: str, scales: dict[str, list[str]], write: Write, *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("登记评议会议：{where}").format(where=where))
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("先登记会议（到会人数须达到法定人数），再在表格中录入每人的票数。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind = enum_combo(EvaluationKind)
        form.addRow(tr("评议类别："), self.kind)
        self.meeting = enum_combo(MeetingKind)
        form.addRow(tr("会议："), self.meeting)
        self.scale = QComboBox()
        for name, choices in scales.items():
            self.scale.addItem(scale_text(choices), name)
        form.addRow(tr("评议档次："), self.scale)
        self.held_on = date_edit(today)
        form.addRow(tr("会议日期："), self.held_on)
        self.due = _count()
        form.addRow(tr("应到人数："), self.due)
        self.present = _count()
        form.addRow(tr("实到人数："), self.present)
        self.ballots = _count()
        form.addRow(tr("发出评议票："), self.ballots)
        self.first_no = QLineEdit()
        self.first_no.setPlaceholderText(tr("例如 280101；不编号可不填"))
        form.addRow(tr("起始票号："), self.first_no)
        self.scrutineers = QLineEdit()
        form.addRow(tr("监票人："), self.scrutineers)
        self.counters = QLineEdit()
        form.addRow(tr("计票人："), self.counters)
        self.note = QLineEdit()
        form.addRow(tr("备注："), self.note)
        self.errors = FieldErrors(form)
        for name, widget in (("kind", self.kind), ("meeting", self.meeting), ("scale", self.scale),
                             ("held_on", self.held_on), ("due", self.due), ("present", self.present),
                             ("ballots_issued", self.ballots), ("first_ballot_no", self.first_no)):
            self.errors.add(name, widget)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("登记")))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        self._ballots_follow, self._setting_ballots = True, False
        self.present.valueChanged.connect(self._present_changed)
        self.ballots.valueChanged.connect(self._ballots_changed)
        self._kind_chosen()

    def _kind_chosen(self) -> None:
        kind = combo_enum(self.kind, EvaluationKind) or EvaluationKind.PEOPLE
        index = self.meeting.findData(DEFAULT_MEETING[kind].value)
        if index >= 0:
            self.meeting.setCurrentIndex(index)
        scale = self.scale.findData(DEFAULT_SCALE.get(kind, "competence"))
        if scale >= 0:
            self.scale.setCurrentIndex(scale)

    def _present_changed(self, value: int) -> None:
        """发出评议票 follows 实到 until it is typed by hand (and never stays above it)."""
        if self._ballots_follow or self.ballots.value() > value:
            self._setting_ballots = True
            self.ballots.setValue(value)
            self._setting_ballots = False

    def _ballots_changed(self, _value: int) -> None:
        if not self._setting_ballots:
            self._ballots_follow = False

    def value(self) -> SessionInput:
        raw = self.first_no.text().strip()
        first: int | None = None
        if raw:
            if not raw.isdigit() or int(raw) < 1:
                raise ValidationError(tr("起始票号应为正整数：{v}").format(v=raw), field="first_ballot_no")
            first = int(raw)
        if self.due.value() < 1:
            raise ValidationError(tr("请填写应到人数"), field="due")
        return SessionInput(
            combo_enum(self.kind, EvaluationKind) or EvaluationKind.PEOPLE,
            combo_enum(self.meeting, MeetingKind) or MeetingKind.REPRESENTATIVES, str(self.scale.currentData()),
            pydate(self.held_on), self.due.value(), self.present.value(), self.ballots.value(), first,
            self.scrutineers.text().strip(), self.counters.text().strip(), self.note.text().strip())


@dataclass(frozen=True)
class DecisionInput:
    decision_no: str
    decided_on: dt.date
    note: str


class DecisionDialog(EvaluationDialog):
    """乡镇党委确认一项处理建议: the decision number (required), its date and a note."""

    def __init__(self, ctx: AppContext, what: str, write: Write, *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("确认处理建议"))
        self.resize(520, 240)
        layout = QVBoxLayout(self)
        label = QLabel(what)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.decision_no = QLineEdit()
        self.decision_no.setPlaceholderText(tr("例如 党委〔2028〕12号"))
        form.addRow(tr("决定文号："), self.decision_no)
        self.decided_on = date_edit(today)
        form.addRow(tr("决定日期："), self.decided_on)
        self.note = QLineEdit()
        form.addRow(tr("备注："), self.note)
        self.errors = FieldErrors(form)
        self.errors.add("decision_no", self.decision_no)
        self.errors.add("decided_on", self.decided_on)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("确认")))

    def value(self) -> DecisionInput:
        number = self.decision_no.text().strip()
        if not number:
            raise ValidationError(tr("请填写乡镇党委的决定文号"), field="decision_no")
        return DecisionInput(number, pydate(self.decided_on), self.note.text().strip())
