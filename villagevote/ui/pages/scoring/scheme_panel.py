"""The 方案 tab: the scheme explained (criteria, rater groups, caps, aggregation, cut-off, ties) and editing it while
no score exists."""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QVBoxLayout

from villagevote.i18n import tr
from villagevote.scoring import service
from villagevote.scoring.queries import SchemeView
from villagevote.scoring.scheme import SCOPE_PER_GROUP, method_label, scheme_to_dict, scope_label
from villagevote.ui.dialogs.scoring_scheme import SchemeEditor
from villagevote.ui.pages.scoring.common import Panel
from villagevote.ui.pages.scoring.grid import num_text
from villagevote.ui.widgets import button


class SchemePanel(Panel):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        lay = QVBoxLayout(self)
        self.scheme_view = QTextBrowser()
        lay.addWidget(self.scheme_view)
        row = QHBoxLayout()
        self.edit_btn = button(tr("修改方案…"), self.edit_scheme)
        row.addWidget(self.edit_btn)
        row.addStretch(1)
        lay.addLayout(row)

    def show_view(self, view: SchemeView | None) -> None:
        self.scheme_view.setHtml(scheme_html(view.scheme) if view is not None else "")
        self.edit_btn.setEnabled(view is not None and self.page.admin and not view.info.frozen)

    def edit_scheme(self) -> None:
        view = self.view
        if view is None:
            return
        actor, scheme_id = self.ctx.actor, view.info.id
        SchemeEditor.ask(self, scheme_to_dict(view.scheme), ctx=self.ctx,
                         write=lambda s, data: service.update_scheme(s, actor, scheme_id, data))


def scheme_html(s: Any) -> str:
    """The scheme explained for the 方案 tab: criteria, groups, bonus/deduction caps, aggregation, cut-off, ties."""
    e = html.escape
    parts = [f"<h3>{e(s.name)}</h3>"]
    if s.description:
        parts.append(f"<p>{e(s.description)}</p>")
    if s.source:
        parts.append(f"<p style='color:#666'>{e(tr('来源：'))}{e(s.source)}</p>")
    divisor = s.criteria_weights_must_sum_to
    head = tr("评分项（权重之和须为 {d}）").format(d=num_text(divisor)) if divisor is not None else tr("评分项（按分值相加）")
    rows = []
    for c in s.criteria:
        groups = "、".join(s.group(g).name for g in s.groups_for(c))
        gw = ""
        if s.scope == SCOPE_PER_GROUP:
            gw = "，".join(f"{s.group(g).name} {num_text(w)}" for g, w in s.group_weights_for(c).items())
        levels = " ".join(f"{lv.label}{num_text(lv.score)}" for lv in c.levels)
        rows.append(f"<tr><td>{e(c.name)}</td><td align='center'>{num_text(c.max)}</td><td align='center'>{num_text(c.weight)}"
                    f"</td><td>{e(groups)}</td><td>{e(gw)}</td><td>{e(levels or c.hint)}</td></tr>")
    parts.append(f"<h4>{e(head)}</h4><table border='1' cellspacing='0' cellpadding='4'>"
                 f"<tr><th>{e(tr('评分项'))}</th><th>{e(tr('满分'))}</th><th>{e(tr('权重'))}</th>"
                 f"<th>{e(tr('评分的评委组'))}</th><th>{e(tr('组权重'))}</th><th>{e(tr('说明'))}</th></tr>"
                 + "".join(rows) + "</table>")
    groups = "；".join(tr("{g}（权重 {w}）").format(g=g.name, w=num_text(g.weight)) for g in s.rater_groups)
    parts.append(f"<p><b>{e(tr('评委组：'))}</b>{e(groups)}</p>")
    parts.append(f"<p><b>{e(tr('计分方法：'))}</b>{e(method_label(s.method))}；{e(scope_label(s.scope))}。"
                 + e(tr("评委不足 {n} 人时不去分，直接平均。").format(n=s.trim_min_raters)) + "</p>")
    for label, items, cap in ((tr("加分项"), s.bonus_items, s.bonus_total_cap),
                              (tr("扣分项"), s.deduction_items, s.deduction_total_cap)):
        text = "；".join(tr("{n}（上限 {c}{h}）").format(n=i.name, c=num_text(i.cap), h="，" + i.hint if i.hint else "")
                        for i in items) or tr("无")
        if cap is not None:
            text += tr("；合计上限 {c}").format(c=num_text(cap))
        parts.append(f"<p><b>{e(label)}：</b>{e(text)}</p>")
    cut = []
    if s.min_total is not None:
        cut.append(tr("总分不低于 {m} 分").format(m=num_text(s.min_total)))
    if s.top_n_per_post is not None:
        cut.append(tr("每个职位前 {n} 名").format(n=s.top_n_per_post))
    parts.append(f"<p><b>{e(tr('入围条件：'))}</b>{e(tr('，且').join(cut))}</p>")
    parts.append(f"<p><b>{e(tr('舍入：'))}</b>"
                 + e(tr("只对总分四舍五入，保留 {p} 位小数；评分最多录入 {q} 位小数。").format(p=s.places, q=s.entry_places))
                 + "</p>")
    ties = "、".join(s.criterion(c).name for c in s.tie_priority) or tr("未规定")
    parts.append(f"<p><b>{e(tr('同分规则：'))}</b>"
                 + e(tr("总分相同时依次比较：{t}；仍相同且处于入围分界的，须记录决定（不按排列顺序自动取舍）。").format(t=ties))
                 + "</p>")
    return "".join(parts)
