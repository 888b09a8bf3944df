"""Registering a proxy (委托投票): principal and holder from the same village's register, authorization date; the
two voters' near-relative relationship can be recorded here when it is not yet (both may be plain voters). Saves
through ``ctx.write``; a refusal is shown beside the field it concerns and the dialog keeps what was chosen."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import RelationKind
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import FieldErrors, date_edit, ok_cancel
from villagevote.ui.dialogs.voters_pick import VoterPicker, day_of, fill_villages
from villagevote.ui.widgets import button, combo_enum, enum_combo
from villagevote.voters.proxies import record_voter_kinship, register_proxy
from villagevote.voters.queries import PairStatus, pair_status

__all__ = ["ProxyDialog"]

_RED = "color: #b00020;"


class ProxyDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("登记委托投票"))
        self.resize(640, 600)
        form = QFormLayout(self)
        self.village = QComboBox()
        self.principal = VoterPicker(ctx, None)
        self.holder = VoterPicker(ctx, None)
        self.date = date_edit()
        self.note = QLineEdit()
        form.addRow(tr("村："), self.village)
        form.addRow(tr("委托人："), self.principal)
        form.addRow(tr("受托人（近亲属）："), self.holder)
        self.kinship = QLabel()
        self.kinship.setWordWrap(True)
        self.kind: QComboBox = enum_combo(RelationKind)
        self.record_kinship = button(tr("登记亲属关系"), self.add_kinship, ctx.can(Permission.EDIT))
        kin_row = QHBoxLayout()
        kin_row.addWidget(self.kind)
        kin_row.addWidget(self.record_kinship)
        kin_row.addStretch(1)
        form.addRow(tr("二人关系："), self.kinship)
        form.addRow(tr("登记近亲属关系："), kin_row)
        form.addRow(tr("书面委托日期："), self.date)
        form.addRow(tr("备注："), self.note)
        self.errors = FieldErrors(form)
        for name, widget in (("principal", self.principal), ("holder", self.holder), ("kind", self.kind),
                             ("authorized_on", self.date)):
            self.errors.add(name, widget)
        form.addRow(ok_cancel(self, self.save))
        self.village.currentIndexChanged.connect(lambda _i: self._village_changed())
        self.principal.picked.connect(lambda _v: self.refresh_kinship())
        self.holder.picked.connect(lambda _v: self.refresh_kinship())
        fill_villages(ctx, self.village, ctx.village_id, then=self._village_changed)
        self.refresh_kinship()

    def _village_changed(self) -> None:
        vid = self.village.currentData()
        self.principal.set_village(vid)
        self.holder.set_village(vid)

    def refresh_kinship(self) -> None:
        """Say what is recorded between the two chosen voters, and whether the holder may hold a proxy at all."""
        p_id, h_id = self.principal.current(), self.holder.current()
        self.record_kinship.setEnabled(False)
        if p_id is None or h_id is None or p_id == h_id:
            self.kinship.setText(tr("请分别选中委托人和受托人"))
            self.kinship.setStyleSheet("")
            return
        self.ctx.query(lambda s: pair_status(s, p_id, h_id), self._show_kinship, parent=self)

    def _show_kinship(self, status: PairStatus | None) -> None:
        if status is None:
            return
        if status.holder_standing is not None:
            text = tr("{h}是本届{what}候选人，候选人不得接受委托投票").format(h=status.holder, what=status.holder_standing)
            self.kinship.setStyleSheet(_RED)
        elif status.relation is None:
            text = tr("未登记{p}与{h}的近亲属关系；核实（如户口簿）后可在下面选择关系并登记").format(
                p=status.principal, h=status.holder)
            self.kinship.setStyleSheet(_RED)
        else:
            text = tr("已登记：{p}与{h}为{kind}").format(p=status.principal, h=status.holder, kind=status.relation.label)
            self.kinship.setStyleSheet("")
        self.kinship.setText(text)
        self.record_kinship.setEnabled(status.relation is None and self.ctx.can(Permission.EDIT))

    def _both_chosen(self) -> tuple[int, int] | None:
        p_id, h_id = self.principal.current(), self.holder.current()
        if p_id is None:
            self.errors.show(tr("请选中委托人"), "principal")
            return None
        if h_id is None:
            self.errors.show(tr("请选中受托人"), "holder")
            return None
        return p_id, h_id

    def add_kinship(self) -> None:
        self.errors.clear()
        pair = self._both_chosen()
        kind = combo_enum(self.kind, RelationKind)
        if pair is None:
            return
        if kind is None:
            self.errors.show(tr("请选择二人的关系"), "kind")
            return
        actor, note = self.ctx.actor, tr("登记委托投票时登记")
        self.ctx.write(lambda s: record_voter_kinship(s, actor, pair[0], pair[1], kind, note),
                       (Area.VOTERS, Area.CANDIDATES), on_done=lambda _id: self.refresh_kinship(),
                       on_error=self.errors.show_error, parent=self)

    def save(self) -> None:
        self.errors.clear()
        pair = self._both_chosen()
        if pair is None:
            return
        actor, on, note = self.ctx.actor, day_of(self.date), self.note.text()
        self.ctx.write(lambda s: register_proxy(s, actor, pair[0], pair[1], on, note), Area.VOTERS,
                       on_done=lambda _id: self.accept(), on_error=self.errors.show_error, parent=self)

    @classmethod
    def ask_new(cls, parent: QWidget | None, ctx: AppContext) -> bool:
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted
