"""The 加分扣分 tab: bonus and deduction entries with the scheme's caps."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.scoring import service
from villagevote.scoring.queries import SchemeView
from villagevote.scoring.rows import AdjustmentRow
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.dialogs.scoring_forms import AdjustmentDialog
from villagevote.ui.pages.scoring.common import Panel, rows_source, selected, table
from villagevote.ui.pages.scoring.grid import num_text
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button


class AdjustPanel(Panel):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        lay = QVBoxLayout(self)
        self.adj_caps = QLabel()
        self.adj_caps.setWordWrap(True)
        lay.addWidget(self.adj_caps)
        self.adj_model = RowsModel([Column(tr("人选"), kind="name", field="candidate"), Column(tr("类别"), field="kind_label"),
                                    Column(tr("项目"), field="item_name"), Column(tr("分值"), field="points"),
                                    Column(tr("依据"), field="note")])
        self.adj_view = table(self.adj_model, self)
        lay.addWidget(self.adj_view)
        row = QHBoxLayout()
        self.add_adj_btn = button(tr("录入加分或扣分…"), self.add_adjustment)
        self.del_adj_btn = button(tr("删除所选"), self.delete_adjustment)
        row.addWidget(self.add_adj_btn)
        row.addWidget(self.del_adj_btn)
        row.addStretch(1)
        lay.addLayout(row)

    def show_view(self, view: SchemeView | None) -> None:
        self.adj_model.set_source(*rows_source([_AdjLine(a) for a in view.adjustments] if view else []))
        for b in (self.add_adj_btn, self.del_adj_btn):
            b.setEnabled(self.page.can_change)
        self.adj_caps.setText(caps_text(view) if view is not None else "")

    def add_adjustment(self) -> None:
        view = self.view
        if view is None:
            return
        scheme = view.scheme
        items = [(b.code, tr("加分：{n}（上限 {c}）").format(n=b.name, c=num_text(b.cap))) for b in scheme.bonus_items]
        items += [(d.code, tr("扣分：{n}（上限 {c}）").format(n=d.name, c=num_text(d.cap)))
                  for d in scheme.deduction_items]
        if not items:
            Ask.info(self, tr("加分扣分"), tr("本方案没有加分或扣分项。"))
            return
        scheme_id, actor = view.info.id, self.ctx.actor
        AdjustmentDialog.ask(self, self.ctx, [(p.candidacy_id, f"{p.name}（{p.post_label}）") for p in view.participants],
                             items, lambda s, v: service.add_adjustment(s, actor, scheme_id, v.candidacy_id,
                                                                        v.item_code, v.points, v.note))

    def delete_adjustment(self) -> None:
        line = selected(self, self.adj_view)
        if line is not None:
            adjustment_id, actor = line.id, self.ctx.actor
            self.ctx.write(lambda s: service.delete_adjustment(s, actor, adjustment_id), Area.SCORING, parent=self)


class _AdjLine:
    def __init__(self, a: AdjustmentRow) -> None:
        self.id, self.candidate, self.item_name, self.note = a.id, a.candidate, a.item_name, a.note
        self.points = Decimal(num_text(a.points))  # shown as entered ("2", not "2.000"), sorted as a number
        self.kind_label = tr("加分") if a.kind == "bonus" else tr("扣分")


def caps_text(view: SchemeView) -> str:
    scheme = view.scheme
    caps = [tr("{n}（每人上限 {c}）").format(n=b.name, c=num_text(b.cap)) for b in scheme.bonus_items]
    dcaps = [tr("{n}（每人上限 {c}）").format(n=d.name, c=num_text(d.cap)) for d in scheme.deduction_items]
    text = tr("加分项：{b}").format(b="；".join(caps) or tr("无"))
    if scheme.bonus_total_cap is not None:
        text += tr("，加分合计上限 {c}").format(c=num_text(scheme.bonus_total_cap))
    text += "\n" + tr("扣分项：{d}").format(d="；".join(dcaps) or tr("无"))
    if scheme.deduction_total_cap is not None:
        text += tr("，扣分合计上限 {c}").format(c=num_text(scheme.deduction_total_cap))
    return text + "\n" + tr("同一项目可多次录入（如多项荣誉），计分时按上限封顶，结果明细中写明封顶前后的分值。")
