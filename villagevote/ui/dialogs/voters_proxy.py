"""Registering a proxy (委托投票): principal and holder from the same village's register, authorization date; the
two voters' near-relative relationship can be recorded here when it is not yet (both may be plain voters)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.models.enums import RelationKind
from villagevote.ui.dialogs.common import date_edit, ok_cancel, show_error
from villagevote.ui.dialogs.voters_pick import VoterPicker
from villagevote.ui.widgets import button, combo_enum, enum_combo, village_combo


class ProxyDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("登记委托投票"))
        self.resize(640, 600)
        form = QFormLayout(self)
        self.village = village_combo(ctx, ctx.village_id)
        self.principal = VoterPicker(ctx, self.village.currentData())
        self.holder = VoterPicker(ctx, self.village.currentData())
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
        form.addRow(ok_cancel(self, self.save))
        self.village.currentIndexChanged.connect(lambda _i: (self.principal.set_village(self.village.currentData()),
                                                             self.holder.set_village(self.village.currentData())))
        self.principal.picked.connect(lambda _v: self.refresh_kinship())
        self.holder.picked.connect(lambda _v: self.refresh_kinship())
        self.refresh_kinship()

    def refresh_kinship(self) -> None:
        """Say what is recorded between the two chosen voters, and whether the holder may hold a proxy at all."""
        from villagevote.models.voters import Voter
        from villagevote.voters.proxies import holder_candidacy, near_relation
        p_id, h_id = self.principal.current(), self.holder.current()
        if p_id is None or h_id is None or p_id == h_id:
            self.kinship.setText(tr("请分别选中委托人和受托人"))
            self.kinship.setStyleSheet("")
            self.record_kinship.setEnabled(False)
            return
        with self.ctx.read_session() as s:
            p, h = s.get(Voter, p_id), s.get(Voter, h_id)
            relation = near_relation(s, p, h)
            standing = holder_candidacy(s, h)
            p_name, h_name = p.name, h.name
        if standing is not None:
            text = tr("{h}是本届{what}候选人，候选人不得接受委托投票").format(h=h_name, what=standing)
            self.kinship.setStyleSheet("color: #b00020;")
        elif relation is None:
            text = tr("未登记{p}与{h}的近亲属关系；核实（如户口簿）后可在下面选择关系并登记").format(p=p_name, h=h_name)
            self.kinship.setStyleSheet("color: #b00020;")
        else:
            text = tr("已登记：{p}与{h}为{kind}").format(p=p_name, h=h_name, kind=relation.label)
            self.kinship.setStyleSheet("")
        self.kinship.setText(text)
        self.record_kinship.setEnabled(relation is None and self.ctx.can(Permission.EDIT))

    def add_kinship(self) -> None:
        from villagevote.voters.proxies import record_voter_kinship
        p_id, h_id = self.principal.current(), self.holder.current()
        kind = combo_enum(self.kind, RelationKind)
        try:
            if p_id is None or h_id is None or kind is None:
                from villagevote.errors import ValidationError
                raise ValidationError(tr("请分别选中委托人和受托人，并选择二人的关系"))
            with self.ctx.session() as s:
                record_voter_kinship(s, self.ctx.actor, p_id, h_id, kind, tr("登记委托投票时登记"))
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh_kinship()

    def save(self) -> None:
        from villagevote.errors import ValidationError
        from villagevote.voters.proxies import register_proxy
        try:
            if self.principal.current() is None or self.holder.current() is None:
                raise ValidationError(tr("请分别选中委托人和受托人"))
            with self.ctx.session() as s:
                register_proxy(s, self.ctx.actor, self.principal.current(), self.holder.current(),
                               self.date.date().toPython(), self.note.text())
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()

    @classmethod
    def ask_new(cls, parent: QWidget | None, ctx) -> bool:  # type: ignore[no-untyped-def]
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted
