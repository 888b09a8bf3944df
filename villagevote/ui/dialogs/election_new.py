"""Dialog: create a contest (first round) for a village committee or Party organization."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from villagevote.elections.service import OrgChoice
from villagevote.i18n import tr


@dataclass
class NewContest:
    organization_id: int
    mode: str
    electorate: int
    present: int | None


class NewContestDialog(QDialog):
    def __init__(self, orgs: list[OrgChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> NewContest:
        return NewContest(int(self.org.currentData()), str(self.mode.currentData()),
                          self.electorate.value(), self.present.value() or None)

    @classmethod
    def ask(cls, orgs: list[OrgChoice], parent: QWidget | None = None) -> NewContest | None:
        """Tests replace this class method."""
        dlg = cls(orgs, parent)
        return dlg.value() if dlg.exec() == QDialog.DialogCode.Accepted else None
