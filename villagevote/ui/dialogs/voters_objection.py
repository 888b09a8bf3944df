"""Registering and answering objections to a published voter list."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy import select

from villagevote.i18n import tr
from villagevote.models.core import VillageGroup
from villagevote.models.enums import ObjectionOutcome
from villagevote.models.voters import ObjectionRequest
from villagevote.ui.dialogs.common import date_edit, ok_cancel, show_error
from villagevote.ui.dialogs.voters_pick import VoterPicker
from villagevote.ui.widgets import combo_enum, village_combo


class ObjectionDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("登记选民名单异议"))
        self.resize(640, 560)
        form = QFormLayout(self)
        self.village = village_combo(ctx, ctx.village_id)
        self.request = QComboBox()
        for r in ObjectionRequest:
            self.request.addItem(r.label, r)
        self.raised_by = QLineEdit()
        self.ground = QPlainTextEdit()
        self.ground.setFixedHeight(70)
        self.received = date_edit()
        self.picker = VoterPicker(ctx, self.village.currentData())
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
        form.addRow(ok_cancel(self, self.save))
        self.village.currentIndexChanged.connect(self._village_changed)
        self._village_changed()

    def _village_changed(self) -> None:
        vid = self.village.currentData()
        self.picker.set_village(vid)
        self.group.clear()
        self.group.addItem(tr("（不变 / 未指定）"), None)
        with self.ctx.session() as s:
            for g in s.scalars(select(VillageGroup).where(VillageGroup.village_id == vid).order_by(VillageGroup.number)):
                self.group.addItem(g.name, g.id)

    def save(self) -> None:
        from villagevote.voters.objections import register_objection
        request = combo_enum(self.request, ObjectionRequest)
        details = {}
        if request == ObjectionRequest.ADD:
            details = {"name": self.add_name.text().strip(), "id_number": self.add_id.text().strip() or None,
                       "group_id": self.group.currentData()}
        elif request == ObjectionRequest.CORRECT and self.group.currentData():
            details = {"group_id": self.group.currentData()}
        try:
            with self.ctx.session() as s:
                register_objection(s, self.ctx.actor, self.ctx.cycle_id(), self.village.currentData(),
                                   raised_by=self.raised_by.text(), ground=self.ground.toPlainText(),
                                   received_on=self.received.date().toPython(), request=request,
                                   voter_id=self.picker.current(), details=details)
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()

    @classmethod
    def ask_new(cls, parent: QWidget | None, ctx) -> bool:  # type: ignore[no-untyped-def]
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted


class AnswerDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx, objection_id: int) -> None:  # type: ignore[no-untyped-def]
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
        form.addRow(ok_cancel(self, self.save))

    def save(self) -> None:
        from villagevote.ui.dialogs.common import Ask
        from villagevote.voters.objections import answer_objection
        try:
            with self.ctx.session() as s:
                notes = answer_objection(s, self.ctx.actor, self.objection_id, combo_enum(self.outcome, ObjectionOutcome),
                                         self.answer.toPlainText(), self.date.date().toPython())
        except Exception as exc:
            show_error(self, exc)
            return
        if notes:
            Ask.info(self, tr("已答复"), "\n".join(notes))
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx, objection_id: int) -> bool:  # type: ignore[no-untyped-def]
        return cls(parent, ctx, objection_id).exec() == QDialog.DialogCode.Accepted
