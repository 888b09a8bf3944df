"""Registering and answering objections to a published voter list. Both dialogs save through ``ctx.write`` and stay
open with everything typed when the domain refuses, showing the reason beside the field it concerns."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import ObjectionOutcome
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, FieldErrors, date_edit, ok_cancel
from villagevote.ui.dialogs.voters_pick import VoterPicker, day_of, fill_groups, fill_villages
from villagevote.ui.widgets import combo_enum
from villagevote.voters.objections import ObjectionRequest, answer_objection, register_objection
from villagevote.voters.queries import current_cycle_id

__all__ = ["AnswerDialog", "ObjectionDialog"]


class ObjectionDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("登记选民名单异议"))
        self.resize(640, 560)
        form = QFormLayout(self)
        self.village = QComboBox()
        self.request = QComboBox()
        for r in ObjectionRequest:
            self.request.addItem(r.label, r)
        self.raised_by = QLineEdit()
        self.ground = QPlainTextEdit()
        self.ground.setFixedHeight(70)
        self.received = date_edit()
        self.picker = VoterPicker(ctx, None)
        self.add_name = QLineEdit()
        self.add_id = QLineEdit()
        self.group = QComboBox()
        form.addRow(tr("村："), self.village)
        form.addRow(tr("请求："), self.request)
        form.addRow(tr("提出人："), self.raised_by)
        form.addRow(tr("事实和理由："), self.ground)
        form.addRow(tr("收到日期："), self.received)
        form.addRow(tr("涉及的选民（错登/更正）："), self.picker)
        form.addRow(tr("漏登者姓名："), self.add_name)
        form.addRow(tr("漏登者身份证号："), self.add_id)
        form.addRow(tr("村民小组（补登/更正为）："), self.group)
        self.errors = FieldErrors(form)
        for name, widget in (("raised_by", self.raised_by), ("ground", self.ground), ("received_on", self.received),
                             ("voter", self.picker), ("name", self.add_name), ("id_number", self.add_id)):
            self.errors.add(name, widget)
        form.addRow(ok_cancel(self, self.save))
        self.village.currentIndexChanged.connect(self._village_changed)
        fill_villages(ctx, self.village, ctx.village_id, then=self._village_changed)

    def _village_changed(self) -> None:
        vid = self.village.currentData()
        self.picker.set_village(vid)
        fill_groups(self.ctx, self.group, vid, tr("（不变 / 未指定）"))

    def save(self) -> None:
        self.errors.clear()
        request = combo_enum(self.request, ObjectionRequest)
        details = {}
        if request == ObjectionRequest.ADD:
            details = {"name": self.add_name.text().strip(), "id_number": self.add_id.text().strip() or None,
                       "group_id": self.group.currentData()}
        elif request == ObjectionRequest.CORRECT and self.group.currentData():
            details = {"group_id": self.group.currentData()}
        actor, village_id, voter_id = self.ctx.actor, self.village.currentData(), self.picker.current()
        raised_by, ground = self.raised_by.text(), self.ground.toPlainText()
        received_on = day_of(self.received)
        if village_id is None or request is None:
            self.errors.show(tr("请选择村"))
            return
        self.ctx.write(lambda s: register_objection(
            s, actor, current_cycle_id(s), village_id, raised_by=raised_by, ground=ground, received_on=received_on,
            request=request, voter_id=voter_id, details=details),
            Area.VOTERS, on_done=lambda _id: self.accept(), on_error=self.errors.show_error, parent=self)

    @classmethod
    def ask_new(cls, parent: QWidget | None, ctx: AppContext) -> bool:
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted


class AnswerDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx: AppContext, objection_id: int) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.objection_id = objection_id
        self.setWindowTitle(tr("答复异议"))
        form = QFormLayout(self)
        self.outcome = QComboBox()
        self.outcome.addItem(ObjectionOutcome.UPHELD.label, ObjectionOutcome.UPHELD)
        self.outcome.addItem(ObjectionOutcome.REJECTED.label, ObjectionOutcome.REJECTED)
        self.answer = QPlainTextEdit()
        self.answer.setFixedHeight(80)
        self.date = date_edit()
        form.addRow(tr("结论："), self.outcome)
        form.addRow(tr("处理意见："), self.answer)
        form.addRow(tr("答复日期："), self.date)
        note = QLabel(tr("异议成立时立即按请求更新选民名单（除名、补登或更正），并记入登记历史。"))
        note.setWordWrap(True)
        form.addRow(note)
        self.errors = FieldErrors(form)
        for name, widget in (("outcome", self.outcome), ("answer", self.answer), ("answered_on", self.date)):
            self.errors.add(name, widget)
        form.addRow(ok_cancel(self, self.save))

    def save(self) -> None:
        self.errors.clear()
        actor, objection_id = self.ctx.actor, self.objection_id
        outcome = combo_enum(self.outcome, ObjectionOutcome) or ObjectionOutcome.PENDING  # PENDING is refused
        answer, on = self.answer.toPlainText(), day_of(self.date)

        def done(notes: list[str]) -> None:
            if notes:
                Ask.info(self, tr("已答复"), "\n".join(notes))
            self.accept()

        self.ctx.write(lambda s: answer_objection(s, actor, objection_id, outcome, answer, on), Area.VOTERS,
                       on_done=done, on_error=self.errors.show_error, parent=self)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, objection_id: int) -> bool:
        return cls(parent, ctx, objection_id).exec() == QDialog.DialogCode.Accepted
