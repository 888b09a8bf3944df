"""Registering a proxy (委托投票): principal and holder from the same village's register, authorization date."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QWidget

from villagevote.i18n import tr
from villagevote.ui.dialogs.common import date_edit, ok_cancel, show_error
from villagevote.ui.dialogs.voters_pick import VoterPicker
from villagevote.ui.widgets import village_combo


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
        form.addRow(tr("书面委托日期："), self.date)
        form.addRow(tr("备注："), self.note)
        form.addRow(ok_cancel(self, self.save))
        self.village.currentIndexChanged.connect(lambda _i: (self.principal.set_village(self.village.currentData()),
                                                             self.holder.set_village(self.village.currentData())))

    def save(self) -> None:
        from villagevote.errors import ValidationError
        from villagevote.voters.proxies import register_proxy
        try:
            if self.principal.current() is None or self.holder.current() is None:
                raise ValidationError(tr("请分别选中委托人和受托人"))
            with self.ctx.session() as s:
                register_proxy(s, self.ctx.actor, self.principal.current(), self.holder.current(),
                               self.date.date().toPython(), self.note.text())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.accept()

    @classmethod
    def ask_new(cls, parent: QWidget | None, ctx) -> bool:  # type: ignore[no-untyped-def]
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted
