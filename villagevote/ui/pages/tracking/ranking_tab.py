"""The 季度排名 tab (每季一排名一通报): the quarter's ranking computed now by the current scheme (a preview), or the
frozen snapshot of the quarter when there is one (never recomputed); 冻结 (the clerk prepares it), 签发 (a reviewer,
not the one who froze it), 拟约谈 (末位 villages get a proposed 约谈 that a reviewer confirms) and the printed
季度排名通报."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.evaluation.queries import proposals
from villagevote.i18n import tr
from villagevote.models.enums import FlagKind
from villagevote.reports.registry import Options
from villagevote.township import cycle_info
from villagevote.tracking import ranking
from villagevote.tracking.ranking import RankRow, SnapshotInfo
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.pages.tracking.common import TrackingTab, fill_texts, quarter_of, recent_quarters, set_rows, table
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button

__all__ = ["RankingData", "RankingTab"]

VETO_BG = QColor("#fdecea")


@dataclass(frozen=True)
class RankingData:
    cycle_id: int | None
    quarter: str
    rows: list[RankRow]
    snapshot: SnapshotInfo | None     # the latest frozen version of the quarter, whose rows are shown
    components: list[tuple[str, str]]  # (key, label) of the scheme's parts
    interviews: list[Any] = field(default_factory=list)  # 末位约谈 proposals of the quarter's snapshots


def read_ranking(session: Any, quarter: str, today: Any) -> RankingData:
    """The quarter's frozen ranking (latest version) or, when none, the preview by the current scheme."""
    cycle = cycle_info(session)
    if cycle is None:
        return RankingData(None, quarter, [], None, [])
    frozen = [s for s in ranking.snapshots(session, cycle.id) if s.period == quarter]
    if frozen:
        snap = frozen[0]
        rows = ranking.snapshot_rows(session, snap.id)
    else:
        snap = None
        rows = ranking.compute_ranking(session, cycle_id=cycle.id, quarter=quarter, today=today)
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r.parts if k not in keys]
    snapshot_ids = {s.id for s in frozen}
    interviews = [p for p in proposals(session, cycle.id, kinds=frozenset({FlagKind.INTERVIEW}))
                  if p.source_type == "ranking_snapshot" and p.source_id in snapshot_ids]
    return RankingData(cycle.id, quarter, rows, snap, [(k, ranking.component_label(k)) for k in keys], interviews)


def _change(r: RankRow) -> str:
    change = r.change
    if change is None:
        return ""
    if change == 0:
        return tr("持平")
    return tr("↑{n}").format(n=change) if change > 0 else tr("↓{n}").format(n=-change)


class RankingTab(TrackingTab):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.data: RankingData | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.quarter = QComboBox()
        bar.addWidget(QLabel(tr("季度")))
        bar.addWidget(self.quarter)
        self.state = QLabel()
        self.state.setWordWrap(True)
        bar.addWidget(self.state, 1)
        layout.addLayout(bar)
        self.model = RowsModel.from_rows([Column(tr("名次"))], [], row_brush=self._brush)
        self.view = table(self.model, self)
        layout.addWidget(self.view, 1)
        self.proposals = QLabel()
        self.proposals.setWordWrap(True)
        layout.addWidget(self.proposals)
        row = QHBoxLayout()
        prepare = ctx.can(Permission.EDIT) or ctx.can(Permission.REVIEW)
        self.refresh_btn = button(tr("重新计算预览"), self.reload)
        self.freeze_btn = button(tr("冻结排名"), self.freeze, False)
        self.sign_btn = button(tr("签发"), self.sign, False)
        self.interview_btn = button(tr("提出末位约谈…"), self.propose, False)
        self.freeze_btn.setVisible(prepare)
        self.sign_btn.setVisible(ctx.can(Permission.REVIEW))
        self.interview_btn.setVisible(prepare)
        self.print_btn = button(tr("打印排名通报…"), self.print_circular, False)
        for b in (self.refresh_btn, self.freeze_btn, self.sign_btn, self.interview_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.print_btn)
        layout.addLayout(row)
        self.quarter.currentIndexChanged.connect(lambda _i: self.reload())
        self._stale = True

    def chosen_quarter(self) -> str:
        return self.quarter.currentData() or quarter_of(self.today)

    @staticmethod
    def _brush(row: Any) -> QColor | None:
        return VETO_BG if row[-1] else None

    def reload(self) -> None:
        self._quarter = self.chosen_quarter()  # read on the GUI thread, used on the worker
        super().reload()

    def fetch(self, session: Any) -> RankingData:
        return read_ranking(session, self._quarter, self.today)

    def show_data(self, data: RankingData) -> None:
        self.data = data
        fill_texts(self.quarter, [(tr("{y}年第{q}季度").format(y=q[:4], q=q[-1]), q)
                                  for q in recent_quarters(self.today)], data.quarter)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        columns = [Column(tr("名次"), right, kind="number"), Column(tr("村")), Column(tr("总分"), right, kind="number")]
        columns += [Column(label, right, kind="number") for _, label in data.components]
        columns += [Column(tr("扣分"), right, kind="number"), Column(tr("加分"), right, kind="number"),
                    Column(tr("一票否决")), Column(tr("较上季"))]
        rows = []
        for r in data.rows:
            rows.append((r.rank, r.village, r.total, *(r.parts.get(k) for k, _ in data.components), r.deduction,
                         r.bonus, tr("否决") if r.veto else "", _change(r), r.veto))
        self.model.columns = columns
        set_rows(self.model, rows)
        snap = data.snapshot
        prepare = self.ctx.can(Permission.EDIT) or self.ctx.can(Permission.REVIEW)
        if data.cycle_id is None:
            self.state.setText(tr("还没有换届届次。"))
        elif snap is None:
            self.state.setText(tr("预览：按现行方案即时计算，尚未冻结。冻结后排名不再随数据变化，由审核员签发。"))
        else:
            signed = tr("已由 {u} 签发").format(u=snap.signed_by_name or snap.signed_by) if snap.signed else tr("待签发")
            broken = "" if snap.intact else tr("；数据指纹不符，请重新冻结")
            self.state.setText(tr("{label} 第{n}版：{who} 冻结于 {at}，{signed}{broken}。").format(
                label=snap.label, n=snap.serial, who=snap.created_by_name or snap.created_by, at=snap.created_at.strftime("%Y-%m-%d %H:%M"),
                signed=signed, broken=broken))
        self.freeze_btn.setEnabled(prepare and data.cycle_id is not None and bool(data.rows)
                                   and (snap is None or not snap.signed))
        self.sign_btn.setEnabled(self.ctx.can(Permission.REVIEW) and snap is not None and not snap.signed)
        self.interview_btn.setEnabled(prepare and snap is not None and snap.signed)
        self.print_btn.setEnabled(snap is not None)
        self.proposals.setText(tr("末位约谈：{items}").format(items="；".join(
            tr("{v}（{state}{no}）").format(v=p.village, state=p.state_label,
                                            no=f"，{p.decision_no}" if p.decision_no else "")
            for p in data.interviews)) if data.interviews else "")

    # ------------------------------------------------------------------------------------------------ writes
    def freeze(self) -> None:
        data, actor, today = self.data, self.ctx.actor, self.today
        if data is None or data.cycle_id is None:
            return
        cycle_id, quarter = data.cycle_id, data.quarter
        if not Ask.confirm(self, tr("冻结排名"), tr("冻结后，本季度排名以此为准，之后的数据修改不再改变它。冻结吗？")):
            return
        self.ctx.write(lambda s: ranking.freeze_ranking(s, actor, cycle_id=cycle_id, quarter=quarter, today=today),
                       Area.TRACKING, title=tr("冻结排名"), parent=self)

    def sign(self) -> None:
        data, actor = self.data, self.ctx.actor
        if data is None or data.snapshot is None:
            return
        snapshot_id = data.snapshot.id
        if Ask.confirm(self, tr("签发排名"), tr("签发 {label} 第{n}版排名？").format(label=data.snapshot.label,
                                                                            n=data.snapshot.serial)):
            self.ctx.write(lambda s: ranking.sign_ranking(s, actor, snapshot_id), Area.TRACKING, parent=self)

    def propose(self) -> None:
        data, actor, today = self.data, self.ctx.actor, self.today
        if data is None or data.snapshot is None:
            return
        snapshot_id = data.snapshot.id
        text = Ask.text(self, tr("提出末位约谈"), tr("对排名最后几个村提出约谈建议（由审核员确认后执行）："), "1")
        if not text:
            return
        try:
            bottom = int(text.strip())
        except ValueError:
            Ask.error(self, tr("提出末位约谈"), tr("请填写村数（整数）"))
            return

        def done(ids: list[int]) -> None:
            Ask.info(self, tr("提出末位约谈"), tr("已提出 {n} 项末位约谈建议，待乡镇党委确认。").format(n=len(ids)) if ids
                     else tr("这些村已提出过约谈建议，没有新增。"))
        self.ctx.write(lambda s: ranking.propose_interviews(s, actor, snapshot_id, bottom, today=today),
                       Area.TRACKING, on_done=done, parent=self)

    def print_circular(self) -> None:
        quarter = self.chosen_quarter()
        produce(self, self.ctx, "print", "ranking-circular", Options(extra={"quarter": quarter}),
                file_name=tr("{q}排名通报").format(q=quarter))
