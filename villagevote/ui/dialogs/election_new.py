"""Dialog: create a contest (first round) for a village committee or Party organization.

OK creates the contest through ``ctx.write``; a refusal (the organization already has its contest, a committee size
the law does not allow) is shown beside the field and the dialog stays open with what was chosen."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QSpinBox, QWidget

from villagevote.changes import Area
from villagevote.elections.contests import OrgChoice, create_contest
from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel


@dataclass
class NewContest:
    organization_id: int
    mode: str
    electorate: int
    present: int | None


class NewContestDialog(QDialog):
    def __init__(self, ctx: AppContext, orgs: list[OrgChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contest_id: int | None = None
        self.setWindowTitle(tr("新建选举"))
        form = QFormLayout(self)
        self.org = QComboBox()
        for o in orgs:
            self.org.addItem(o.label, o.organization_id)
        self.mode = QComboBox()
        self.mode.addItem(tr("有候选人的差额选举"), "with_candidates")
        self.mode.addItem(tr("无候选人的自荐直选"), "self_nomination")
        self.electorate = QSpinBox()
        self.electorate.setRange(0, 1_000_000)
        self.electorate.setSpecialValueText(tr("按选民登记自动填写"))
        self.present = QSpinBox()
        self.present.setRange(0, 1_000_000)
        self.present.setSpecialValueText(tr("投票时再填"))
        form.addRow(tr("组织"), self.org)
        form.addRow(tr("选举方式"), self.mode)
        form.addRow(tr("登记选民 / 应到会党员"), self.electorate)
        form.addRow(tr("实到会党员（党组织选举）"), self.present)
        self.errors = FieldErrors(form)
        self.errors.add("organization_id", self.org)
        self.errors.add("electorate", self.electorate)
        self.errors.add("present", self.present)
        form.addRow(ok_cancel(self, self.check))

    def value(self) -> NewContest:
        return NewContest(int(self.org.currentData()), str(self.mode.currentData()),
                          self.electorate.value(), self.present.value() or None)

    def check(self) -> None:
        """OK: create the contest on the database worker; close only once it is created."""
        self.errors.clear()
        v, actor = self.value(), self.ctx.actor
        self.ctx.write(lambda s: create_contest(s, actor, v.organization_id, mode=v.mode,
                                                electorate=v.electorate or None, present=v.present),
                       Area.ELECTIONS, on_done=self._created, on_error=self.errors.show_error, parent=self)

    def _created(self, contest_id: int) -> None:
        self.contest_id = contest_id
        self.accept()

    @classmethod
    def ask(cls, ctx: AppContext, orgs: list[OrgChoice], parent: QWidget | None = None) -> int | None:
        """The id of the contest created, None when cancelled."""
        dlg = cls(ctx, orgs, parent)
        return dlg.contest_id if dlg.exec() == QDialog.DialogCode.Accepted else None
