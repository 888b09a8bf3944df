"""The 人选与评委 tab: the candidacies in the selection and the raters with their recusals."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QSplitter, QVBoxLayout

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.scoring import service
from villagevote.scoring.queries import SchemeView
from villagevote.scoring.rows import ParticipantRow, RaterRow
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.dialogs.scoring_forms import PickCandidaciesDialog, RaterDialog, RecusalDialog
from villagevote.ui.pages.scoring.common import Panel, rows_source, selected, table
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button


def _recusals(r: RaterRow) -> str:
    return "；".join(f"{x.candidate}（{x.reason}）" for x in r.recusals)


class PeoplePanel(Panel):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        lay = QHBoxLayout(self)
        left = QGroupBox(tr("比选人选（按村、职位、姓氏笔画）"))
        ll = QVBoxLayout(left)
        self.part_model = RowsModel([Column(tr("姓名"), kind="name", field="name"), Column(tr("村"), field="village"),
                                     Column(tr("组织"), field="org_label"), Column(tr("职位"), field="post"),
                                     Column(tr("状态"), field="status_label")],
                                    id_of=lambda p: p.candidacy_id)
        self.part_view = table(self.part_model, self)
        ll.addWidget(self.part_view)
        pb = QHBoxLayout()
        self.add_part_btn = button(tr("添加人选…"), self.add_participants)
        self.del_part_btn = button(tr("移出"), self.remove_participant)
        pb.addWidget(self.add_part_btn)
        pb.addWidget(self.del_part_btn)
        pb.addStretch(1)
        ll.addLayout(pb)
        right = QGroupBox(tr("评委（按组、姓氏笔画）"))
        rl = QVBoxLayout(right)
        self.rater_model = RowsModel([Column(tr("评委组"), field="group_name"),
                                      Column(tr("姓名"), kind="name", field="name"), Column(tr("职务"), field="title"),
                                      Column(tr("回避"), field="recusal_text"), Column(tr("评分表"), field="state_text")])
        self.rater_view = table(self.rater_model, self)
        rl.addWidget(self.rater_view)
        rb = QHBoxLayout()
        self.add_rater_btn = button(tr("添加评委…"), self.add_rater)
        self.del_rater_btn = button(tr("删除评委"), self.remove_rater)
        self.recuse_btn = button(tr("登记回避…"), self.recuse)
        self.unrecuse_btn = button(tr("撤销回避"), self.withdraw_recusal)
        for b in (self.add_rater_btn, self.del_rater_btn, self.recuse_btn, self.unrecuse_btn):
            rb.addWidget(b)
        rb.addStretch(1)
        rl.addLayout(rb)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        lay.addWidget(splitter)
        self.buttons = (self.add_part_btn, self.del_part_btn, self.add_rater_btn, self.del_rater_btn,
                        self.recuse_btn, self.unrecuse_btn)

    def show_view(self, view: SchemeView | None) -> None:
        self.part_model.set_source(*rows_source([_PartLine(p) for p in view.participants] if view else []))
        self.rater_model.set_source(*rows_source([_RaterLine(r) for r in view.raters] if view else []))
        for b in self.buttons:
            b.setEnabled(self.page.can_change)

    def add_participants(self) -> None:
        view = self.view
        if view is None:
            return
        scheme_id, actor = view.info.id, self.ctx.actor

        def chosen(rows: list[ParticipantRow]) -> None:
            if not rows:
                Ask.info(self, tr("添加比选人选"), tr("没有可添加的资格审查合格人选。"))
                return
            picked = PickCandidaciesDialog.ask(self, [(r.candidacy_id, f"{r.post_label}　{r.name}") for r in rows])
            if picked:
                self.ctx.write(lambda s: service.add_participants(s, actor, scheme_id, picked), Area.SCORING,
                               parent=self)
        self.ctx.query(lambda s: service.eligible_candidacies(s, scheme_id), chosen, parent=self)

    def remove_participant(self) -> None:
        line = selected(self, self.part_view)
        view = self.view
        if line is not None and view is not None:
            scheme_id, actor, cid = view.info.id, self.ctx.actor, line.row.candidacy_id
            self.ctx.write(lambda s: service.remove_participant(s, actor, scheme_id, cid), Area.SCORING, parent=self)

    def add_rater(self) -> None:
        view = self.view
        if view is None:
            return
        scheme_id, actor = view.info.id, self.ctx.actor
        RaterDialog.ask(self, self.ctx, [(g.code, g.name) for g in view.scheme.rater_groups],
                        lambda s, v: service.add_rater(s, actor, scheme_id, v.name, v.group_code, v.title))

    def remove_rater(self) -> None:
        line = selected(self, self.rater_view)
        if line is None:
            return
        r, actor = line.row, self.ctx.actor
        if Ask.confirm(self, tr("删除评委"), tr("确定删除评委“{n}”？").format(n=r.name)):
            self.ctx.write(lambda s: service.remove_rater(s, actor, r.id), Area.SCORING, parent=self)

    def recuse(self) -> None:
        line = selected(self, self.rater_view)
        view = self.view
        if line is None or view is None:
            return
        r, actor = line.row, self.ctx.actor
        RecusalDialog.ask(self, self.ctx, r.name, [(p.candidacy_id, f"{p.name}（{p.post_label}）")
                                                   for p in view.participants],
                          lambda s, v: service.recuse(s, actor, r.id, v.candidacy_id, v.reason))

    def withdraw_recusal(self) -> None:
        line = selected(self, self.rater_view)
        if line is None or not line.row.recusals:
            return
        r, actor = line.row, self.ctx.actor
        rec = r.recusals[0]
        if Ask.confirm(self, tr("撤销回避"), tr("撤销评委“{r}”对“{c}”的回避？").format(r=r.name, c=rec.candidate)):
            self.ctx.write(lambda s: service.withdraw_recusal(s, actor, r.id, rec.candidacy_id), Area.SCORING,
                           parent=self)


class _PartLine:
    """A participant as its table row (the status as its Chinese label)."""

    def __init__(self, row: ParticipantRow) -> None:
        self.row = row
        self.name, self.village, self.org_label, self.post = row.name, row.village, row.org_label, row.post
        self.status_label = row.status.label
        self.candidacy_id = row.candidacy_id


class _RaterLine:
    def __init__(self, row: RaterRow) -> None:
        self.row = row
        self.id, self.group_name, self.name, self.title = row.id, row.group_name, row.name, row.title
        self.recusal_text = _recusals(row)
        self.state_text = row.state.text

