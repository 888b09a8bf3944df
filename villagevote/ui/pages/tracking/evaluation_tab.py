"""The 双述双评 tab of the 践诺跟踪 page (issue 18 items 1–4, 7): the 评议 sessions of a village and year, the count
entry grid, the proposals and the 辞职承诺 triggers.

- 评议会议: the sessions of the chosen village and year; 登记评议会议… (clerk) opens :class:`SessionDialog`; 删除 removes
  an unconfirmed one.
- 票数录入: one row per cadre in office that year, one column per choice of the session's scale, then 空白 and 无效.
  Typing a number starts editing, Enter / Tab moves on. Every change runs the pure engine
  (:func:`villagevote.evaluation.engine.decide`) on the GUI thread with the session's own input (its meeting, quorum
  thresholds and each cadre's history, read once with the session), so 有效, the shares, the 等次 and the proposals
  show before anything is saved; the engine's reasons (or its refusal, in Chinese) stand beside the grid. 保存票数
  (clerk) stores them through ``sessions.enter_counts`` (refused: the message shows beside the grid and what was typed
  stays); 确认结果 (reviewer) freezes them through ``sessions.confirm_session``, which proposes the consequences.
- 处理建议: the proposals of the village and year (诫勉谈话, 表彰, 职务终止, 班子调整 …) with 确认… (a decision number)
  and 免责… (an exemption, 保护清单) for reviewers.
- 辞职承诺情形: the triggers, with 核对情形 (evaluate the records now), 确认…, 打印告知书…, 记录辞职…, 记录拒绝….
- Prints through ``ui.printing.produce``: 评议票, 统计表, 年度汇总, the chosen cadre's 任期践诺档案.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.evaluation import engine, queries, resignation, sessions
from villagevote.evaluation.queries import CadreRow, ProposalRow, SessionDetail, SessionSummary
from villagevote.i18n import tr
from villagevote.models.enums import ConsequenceState, FlagKind
from villagevote.reports.registry import Options
from villagevote.township import cycle_info, list_villages
from villagevote.tracking import consequences, exemptions
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.pages.tracking import dialogs
from villagevote.ui.pages.tracking.common import (
    TAB_AREAS,
    TrackingTab,
    current_row,
    fill_texts,
    reselect,
    rows_model,
    set_rows,
    table,
)
from villagevote.ui.pages.tracking.evaluation_dialogs import DecisionDialog, SessionDialog, SessionInput
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column
from villagevote.ui.widgets import button

__all__ = ["CountGrid", "EvaluationData", "EvaluationTab", "read_evaluation"]

TRIGGER_KINDS = frozenset({FlagKind.RESIGNATION_TRIGGER})
REFUSED_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"
PROPOSED_BG = QColor("#fff4e0")

SESSION_COLUMNS = [
    Column(tr("类别"), field="kind_label"),
    Column(tr("会议"), field="meeting_label"),
    Column(tr("日期"), kind="date", field="held_on"),
    Column(tr("应到"), kind="number", field="due"),
    Column(tr("实到"), kind="number", field="present"),
    Column(tr("发票"), kind="number", field="ballots_issued"),
    Column(tr("已录人数"), kind="number", field="cadres"),
    Column(tr("档次"), field="scale_text"),
    Column(tr("状态"), field="state"),
]
PROPOSAL_COLUMNS = [
    Column(tr("姓名"), kind="name", field="name"),
    Column(tr("处理"), field="kind_label"),
    Column(tr("状态"), field="state_label"),
    Column(tr("决定文号"), field="decision_no"),
    Column(tr("事由"), field="why"),
]
TRIGGER_COLUMNS = [
    Column(tr("姓名"), kind="name", field="name"),
    Column(tr("情形"), field="rule_label"),
    Column(tr("状态"), field="state_label"),
    Column(tr("决定文号"), field="decision_no"),
    Column(tr("结果"), field="outcome_label"),
    Column(tr("事实"), field="why"),
]


@dataclass(frozen=True)
class SessionRow:
    """A session as the table shows it."""
    id: int
    kind_label: str
    meeting_label: str
    held_on: dt.date | None
    due: int
    present: int
    ballots_issued: int
    cadres: int
    scale_text: str
    state: str


@dataclass(frozen=True)
class TriggerRow:
    id: int
    name: str
    rule_label: str
    state_label: str
    decision_no: str
    outcome_label: str
    why: str
    proposal: ProposalRow


@dataclass(frozen=True)
class EvaluationData:
    cycle_id: int | None
    years: list[int]
    year: int | None
    villages: list[tuple[int, str]]
    village_id: int | None
    sessions: list[SessionSummary]
    session_id: int | None
    detail: SessionDetail | None
    cadres: list[CadreRow]                      # the grid's rows: counted people first-in-office order
    base: dict[str, Any] | None                 # the engine's input for the session with no counts (history …)
    proposals: list[ProposalRow]
    triggers: list[ProposalRow]
    scales: dict[str, list[str]] = field(default_factory=dict)


def _engine_base(session: Any, session_id: int, cadres: list[CadreRow]) -> dict[str, Any]:
    """The engine's input for the session with every grid row and no counts: its meeting, scale, attendance,
    thresholds and each cadre's history (earlier confirmed sessions), so the grid decides live like the domain will.
    (The domain's ``engine_input`` takes the session row; the tab names it by id.)"""
    return sessions.preview_input(session, session_id,
                                  [sessions.CountInput(c.person_id, c.post, c.body) for c in cadres])


TERM_YEARS = 5   # the year choice covers the election year and the five after it (the domain checks the term)


def read_evaluation(session: Any, village_id: int | None, year: int | None, session_id: int | None,
                    today: dt.date) -> EvaluationData:
    """Everything the tab shows for a village and year (the first village, and the latest year with a session or
    else this year within the term, by default), with the chosen session's counts."""
    cycle = cycle_info(session)
    villages = [(v.id, v.name) for v in list_villages(session)]
    if cycle is None or not villages:
        return EvaluationData(None, [], None, villages, None, [], None, None, [], None, [], [])
    first = cycle.election_day.year
    years = list(range(first, first + TERM_YEARS + 1))
    if village_id not in {v for v, _ in villages}:
        village_id = villages[0][0]
    held = queries.sessions_of(session, cycle.id, village_id)
    if year not in years:
        year = max((s.year for s in held), default=min(max(today.year, first), years[-1]))
    found = [s for s in held if s.year == year]
    if session_id not in {s.id for s in found}:
        session_id = found[0].id if found else None
    detail = queries.session_detail(session, session_id) if session_id is not None else None
    in_office = queries.cadres_in_office(session, cycle.id, village_id, year)
    cadres = list(in_office)
    if detail is not None:   # people counted who are not in office any more stay visible (the engine refuses them)
        known = {c.person_id for c in cadres}
        cadres += [CadreRow(c.person_id, c.name, c.post, c.body, None, None) for c in detail.counts
                   if c.person_id not in known]
    base = _engine_base(session, session_id, cadres) if session_id is not None and cadres else None
    flags = queries.proposals(session, cycle.id, village_id=village_id, year=year)
    return EvaluationData(cycle.id, years, year, villages, village_id, found, session_id, detail, cadres, base,
                          [f for f in flags if f.kind not in TRIGGER_KINDS],
                          [f for f in flags if f.kind in TRIGGER_KINDS], sessions.scales(session))


# ---------------------------------------------------------------------------------------------------- the grid
class CountGrid(QTableWidget):
    """Cadres × (choices, 空白, 无效) of whole numbers, then the engine's answer in read-only columns (有效, shares,
    等次, 处理建议). Enter moves to the next cell to fill (right, then the next row), as Tab does."""

    def __init__(self) -> None:
        super().__init__()
        self.scale: list[str] = []
        self.editable = True
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setDefaultSectionSize(26)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    @property
    def first_input(self) -> int:
        return 2

    @property
    def input_columns(self) -> int:
        return len(self.scale) + 2   # the choices, 空白, 无效

    def next_cell(self) -> None:
        row, col = self.currentRow(), self.currentColumn()
        last = self.first_input + self.input_columns - 1
        if col < self.first_input:
            col = self.first_input
        elif col < last:
            col += 1
        elif row + 1 < self.rowCount():
            row, col = row + 1, self.first_input
        self.setCurrentCell(row, col)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.next_cell()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: Any) -> None:
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:   # Enter while typing: on to the next cell
            self.next_cell()


def _item(text: str, editable: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if editable:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _percent_text(scale: list[str], percent: dict[str, str]) -> str:
    return "　".join(f"{c} {percent[c]}%" for c in scale if c in percent)


# ---------------------------------------------------------------------------------------------------- the tab
class EvaluationTab(TrackingTab):
    AREAS = TAB_AREAS | {Area.EVALUATION}

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.data: EvaluationData | None = None
        self.village_id: int | None = None
        self.year: int | None = None
        self.session_id: int | None = None
        self._filling = False
        self.last_result: dict[str, Any] | None = None
        edit, review = ctx.can(Permission.EDIT), ctx.can(Permission.REVIEW)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.village = QComboBox()
        self.year_box = QComboBox()
        bar.addWidget(QLabel(tr("村")))
        bar.addWidget(self.village)
        bar.addWidget(QLabel(tr("年度")))
        bar.addWidget(self.year_box)
        self.info = QLabel()
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.sessions_model = rows_model(SESSION_COLUMNS)
        self.sessions_view = table(self.sessions_model, self, sortable=False)
        self.sessions_view.setMaximumHeight(140)
        top_layout.addWidget(self.sessions_view)
        row = QHBoxLayout()
        self.new_btn = button(tr("登记评议会议…"), self.new_session)
        self.delete_btn = button(tr("删除会议"), self.delete_session, False)
        self.new_btn.setVisible(edit)
        self.delete_btn.setVisible(edit)
        self.ballots_btn = button(tr("打印评议票…"), self.print_ballots, False)
        self.tally_btn = button(tr("打印统计表…"), self.print_tally, False)
        self.summary_btn = button(tr("打印年度汇总…"), self.print_summary)
        for b in (self.new_btn, self.delete_btn):
            row.addWidget(b)
        row.addStretch(1)
        for b in (self.ballots_btn, self.tally_btn, self.summary_btn):
            row.addWidget(b)
        top_layout.addLayout(row)

        grid_box = QGroupBox(tr("票数录入（输入数字，回车或 Tab 到下一格；结果随输入即时计算，保存前不写入）"))
        grid_layout = QHBoxLayout(grid_box)
        left = QVBoxLayout()
        self.quorum = QLabel()
        self.quorum.setWordWrap(True)
        left.addWidget(self.quorum)
        self.grid = CountGrid()
        self.grid.itemChanged.connect(self._cell_changed)
        left.addWidget(self.grid, 1)
        buttons = QHBoxLayout()
        self.save_btn = button(tr("保存票数"), self.save_counts, False)
        self.confirm_btn = button(tr("确认结果"), self.confirm_session, False)
        self.dossier_btn = button(tr("打印任期践诺档案…"), self.print_dossier, False)
        self.save_btn.setVisible(edit)
        self.confirm_btn.setVisible(review)
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.confirm_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.dossier_btn)
        left.addLayout(buttons)
        grid_layout.addLayout(left, 3)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reasons.setMinimumWidth(260)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid_layout.addWidget(self.reasons, 2)
        top_layout.addWidget(grid_box, 1)
        split.addWidget(top)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        proposals_box = QGroupBox(tr("处理建议（由乡镇党委确认或免责）"))
        p_layout = QVBoxLayout(proposals_box)
        self.proposals_model = rows_model(PROPOSAL_COLUMNS, row_brush=self._brush)
        self.proposals_view = table(self.proposals_model, self)
        p_layout.addWidget(self.proposals_view, 1)
        p_row = QHBoxLayout()
        self.confirm_flag_btn = button(tr("确认…"), self.confirm_proposal, False)
        self.waive_btn = button(tr("免责…"), self.waive_proposal, False)
        self.confirm_flag_btn.setVisible(review)
        self.waive_btn.setVisible(review)
        p_row.addWidget(self.confirm_flag_btn)
        p_row.addWidget(self.waive_btn)
        p_row.addStretch(1)
        p_layout.addLayout(p_row)
        bottom.addWidget(proposals_box)
        triggers_box = QGroupBox(tr("辞职承诺情形"))
        t_layout = QVBoxLayout(triggers_box)
        self.triggers_model = rows_model(TRIGGER_COLUMNS, row_brush=self._brush)
        self.triggers_view = table(self.triggers_model, self)
        t_layout.addWidget(self.triggers_view, 1)
        t_row = QHBoxLayout()
        self.check_btn = button(tr("核对情形"), self.check_triggers, False)
        self.confirm_trigger_btn = button(tr("确认…"), self.confirm_trigger, False)
        self.notice_btn = button(tr("打印告知书…"), self.print_notice, False)
        self.resigned_btn = button(tr("记录辞职…"), self.record_resigned, False)
        self.refused_btn = button(tr("记录拒绝…"), self.record_refused, False)
        self.check_btn.setVisible(edit or review)
        for b in (self.confirm_trigger_btn, self.resigned_btn, self.refused_btn):
            b.setVisible(review)
        for b in (self.check_btn, self.confirm_trigger_btn, self.notice_btn, self.resigned_btn, self.refused_btn):
            t_row.addWidget(b)
        t_row.addStretch(1)
        t_layout.addLayout(t_row)
        bottom.addWidget(triggers_box)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)

        self.village.currentIndexChanged.connect(lambda _i: self._choose(village=True))
        self.year_box.currentIndexChanged.connect(lambda _i: self._choose())
        self.sessions_view.selectionModel().currentRowChanged.connect(lambda *_a: self._session_chosen())
        self.proposals_view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.triggers_view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.grid.currentCellChanged.connect(lambda *_a: self._enable())
        self._stale = True

    @staticmethod
    def _brush(row: Any) -> QColor | None:
        state = getattr(row, "state", None) or getattr(getattr(row, "proposal", None), "state", None)
        return PROPOSED_BG if state is ConsequenceState.PROPOSED else None

    # ------------------------------------------------------------------------------------------------ loading
    def fetch(self, session: Any) -> EvaluationData:
        village = self.village_id if self.village_id is not None else self.ctx.village_id
        return read_evaluation(session, village, self.year, self.session_id, self.today)

    def show_data(self, data: EvaluationData) -> None:
        self.data = data
        self.village_id, self.year, self.session_id = data.village_id, data.year, data.session_id
        self.village.blockSignals(True)
        self.village.clear()
        for vid, name in data.villages:
            self.village.addItem(name, vid)
        self.village.setCurrentIndex(max(self.village.findData(data.village_id), 0))
        self.village.blockSignals(False)
        fill_texts(self.year_box, [(tr("{y}年").format(y=y), y) for y in data.years], data.year)
        if data.cycle_id is None:
            self.info.setText(tr("还没有换届届次。"))
        else:
            confirmed = sum(1 for s in data.sessions if s.confirmed)
            self.info.setText(tr("本年度评议会议 {n} 次，已确认 {c} 次；处理建议 {p} 项，辞职承诺情形 {t} 项。").format(
                n=len(data.sessions), c=confirmed, p=len(data.proposals), t=len(data.triggers)))
        set_rows(self.sessions_model, [SessionRow(
            s.id, s.kind_label, s.meeting_label, s.held_on, s.due, s.present, s.ballots_issued, s.cadres,
            "/".join(s.scale), tr("已确认（{who}）").format(who=s.confirmed_by) if s.confirmed else tr("未确认"))
            for s in data.sessions])
        reselect(self.sessions_view, data.session_id)
        self._fill_grid(data)
        set_rows(self.proposals_model, list(data.proposals))
        set_rows(self.triggers_model, [TriggerRow(f.id, f.name, queries.trigger_label(f.rule), f.state_label,
                                                  f.decision_no, f.outcome_label, f.why, f) for f in data.triggers])
        self._enable()

    def _choose(self, village: bool = False) -> None:
        self.village_id = self.village.currentData()
        self.year = self.year_box.currentData()
        self.session_id = None
        self.reload()

    def _session_chosen(self) -> None:
        row = current_row(self.sessions_view)
        if row is None or self.data is None or row.id == self.session_id:
            return
        self.session_id = row.id
        self.reload()

    # ------------------------------------------------------------------------------------------------ the grid
    def _fill_grid(self, data: EvaluationData) -> None:
        detail = data.detail
        self._filling = True
        try:
            grid = self.grid
            grid.clear()
            if detail is None:
                grid.setRowCount(0)
                grid.setColumnCount(0)
                self.quorum.setText(tr("请先选择或登记一次评议会议。") if data.cycle_id is not None else "")
                self.reasons.setText("")
                self.last_result = None
                return
            scale = detail.summary.scale
            grid.scale = list(scale)
            grid.editable = not detail.summary.confirmed
            headers = [tr("姓名"), tr("职务"), *scale, tr("空白"), tr("无效"), tr("有效"), tr("各档比例"), tr("等次"),
                       tr("处理建议")]
            grid.setColumnCount(len(headers))
            grid.setHorizontalHeaderLabels(headers)
            grid.setRowCount(len(data.cadres))
            counted = {c.person_id: c for c in detail.counts}
            for r, cadre in enumerate(data.cadres):
                grid.setItem(r, 0, _item(cadre.name, False))
                grid.setItem(r, 1, _item(cadre.post, False))
                c = counted.get(cadre.person_id)
                values = ([str(c.counts.get(x, 0)) for x in scale] + [str(c.blank), str(c.invalid)]) if c else \
                    [""] * (len(scale) + 2)
                for k, text in enumerate(values):
                    grid.setItem(r, 2 + k, _item(text, grid.editable))
                for k in range(4):
                    grid.setItem(r, 2 + len(scale) + 2 + k, _item("", False))
            self.quorum.setText(detail.quorum_text + ("" if grid.editable else tr("（已确认，票数不能再改）")))
        finally:
            self._filling = False
        self.recompute()

    def _cell_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.recompute()

    def _text(self, row: int, col: int) -> str:
        item = self.grid.item(row, col)
        return item.text().strip() if item is not None else ""

    def typed_rows(self) -> tuple[list[sessions.CountInput], list[str]]:
        """The rows typed in the grid (a row left empty is not rated) and the problems of the typing itself."""
        data = self.data
        rows: list[sessions.CountInput] = []
        problems: list[str] = []
        if data is None or data.detail is None:
            return rows, problems
        scale = data.detail.summary.scale
        names = [*scale, tr("空白"), tr("无效")]
        for r, cadre in enumerate(data.cadres):
            texts = [self._text(r, 2 + k) for k in range(len(names))]
            if not any(texts):
                continue
            numbers: list[int] = []
            for name, text in zip(names, texts, strict=True):
                if not text:
                    numbers.append(0)
                elif text.isdigit():
                    numbers.append(int(text))
                else:
                    problems.append(tr("第 {r} 行 {who}：“{col}”应为不小于 0 的整数，现为“{t}”").format(
                        r=r + 1, who=cadre.name, col=name, t=text))
                    numbers.append(0)
            rows.append(sessions.CountInput(cadre.person_id, cadre.post, cadre.body,
                                            dict(zip(scale, numbers[:len(scale)], strict=True)),
                                            numbers[len(scale)], numbers[len(scale) + 1]))
        return rows, problems

    def recompute(self) -> None:
        """Run the engine on what is typed and show its answer in the grid and beside it."""
        data = self.data
        if data is None or data.detail is None or data.base is None:
            return
        rows, problems = self.typed_rows()
        self.last_result = None
        if problems:
            self._show_reasons(False, problems)
            return
        if not rows:
            self._show_reasons(True, [tr("还没有录入票数。")])
            self._show_results({})
            return
        by_id = {c["id"]: c for c in data.base["cadres"]}
        given = copy.deepcopy(data.base)
        given["cadres"] = []
        for row in rows:
            cadre = dict(by_id.get(row.person_id, {"id": row.person_id, "name": "", "post": row.post,
                                                    "body": row.body, "in_office": False}))
            cadre.update(counts=dict(row.counts), blank=row.blank, invalid=row.invalid)
            given["cadres"].append(cadre)
        result = engine.decide(given)
        self.last_result = result
        self._show_reasons(bool(result.get("valid")), [str(x) for x in result.get("reasons", [])])
        self._show_results({r.get("id"): r for r in result.get("results", [])} if result.get("valid") else {})
        self._enable()

    def _show_reasons(self, valid: bool, reasons: list[str]) -> None:
        confirmed = bool(self.data and self.data.detail and self.data.detail.summary.confirmed)
        if confirmed:
            head = tr("评议结果（已确认）：")
        else:
            head = tr("评议引擎：可以保存") if valid else tr("评议引擎：不能保存，请核对")
        self.reasons.setStyleSheet(OK_STYLE if valid else REFUSED_STYLE)
        self.reasons.setText(head + "\n" + "\n".join(f"· {queries.plain_why(x)}" for x in reasons))
        self.save_btn.setEnabled(valid and self._can_save())

    def _show_results(self, by_id: dict[Any, dict[str, Any]]) -> None:
        data = self.data
        if data is None or data.detail is None:
            return
        scale = data.detail.summary.scale
        start = 2 + len(scale) + 2
        self._filling = True
        try:
            for r, cadre in enumerate(data.cadres):
                res = by_id.get(cadre.person_id)
                texts = ["", "", "", ""]
                if res is not None:
                    texts = [str(res.get("valid_ballots", "")), _percent_text(scale, res.get("percent", {})),
                             str(res.get("grade", "")),
                             "、".join(FlagKind(p["kind"]).label for p in res.get("proposals", [])) or tr("无")]
                for k, text in enumerate(texts):
                    item = self.grid.item(r, start + k)
                    if item is not None:
                        item.setText(text)
        finally:
            self._filling = False

    def _can_save(self) -> bool:
        d = self.data.detail if self.data else None
        return self.ctx.can(Permission.EDIT) and d is not None and not d.summary.confirmed

    # ------------------------------------------------------------------------------------------------ buttons
    def _enable(self) -> None:
        d = self.data.detail if self.data else None
        review = self.ctx.can(Permission.REVIEW)
        self.delete_btn.setEnabled(d is not None and not d.summary.confirmed)
        self.ballots_btn.setEnabled(d is not None)
        self.tally_btn.setEnabled(d is not None and bool(d.counts))
        self.confirm_btn.setEnabled(review and d is not None and not d.summary.confirmed and bool(d.counts)
                                    and d.valid)
        self.dossier_btn.setEnabled(self.data is not None and 0 <= self.grid.currentRow() < len(self.data.cadres))
        p = current_row(self.proposals_view)
        open_flag = p is not None and p.state in (ConsequenceState.PROPOSED, ConsequenceState.CONFIRMED)
        self.confirm_flag_btn.setEnabled(review and p is not None and p.state is ConsequenceState.PROPOSED)
        self.waive_btn.setEnabled(review and open_flag)
        t = current_row(self.triggers_view)
        tp = t.proposal if t is not None else None
        self.check_btn.setEnabled(self.data is not None and self.data.cycle_id is not None)
        self.confirm_trigger_btn.setEnabled(review and tp is not None and tp.state is ConsequenceState.PROPOSED)
        self.notice_btn.setEnabled(tp is not None and tp.state is not ConsequenceState.WAIVED)
        decided = review and tp is not None and tp.state is ConsequenceState.CONFIRMED and tp.outcome is None
        self.resigned_btn.setEnabled(decided)
        self.refused_btn.setEnabled(decided)

    def _where(self) -> str:
        d = self.data
        if d is None:
            return ""
        village = dict(d.villages).get(d.village_id or 0, "")
        return tr("{v}{y}年").format(v=village, y=d.year)

    def new_session(self) -> None:
        d, actor = self.data, self.ctx.actor
        if d is None or d.cycle_id is None or d.village_id is None or d.year is None:
            return
        cycle_id, village_id, year = d.cycle_id, d.village_id, d.year

        def write(v: SessionInput) -> Any:
            return lambda s: sessions.create_session(
                s, actor, cycle_id=cycle_id, village_id=village_id, year=year, kind=v.kind, meeting=v.meeting,
                scale=v.scale, due=v.due, present=v.present, ballots_issued=v.ballots_issued,
                first_ballot_no=v.first_ballot_no, scrutineers=v.scrutineers, counters=v.counters,
                held_on=v.held_on, note=v.note, today=self.today)
        dialog = SessionDialog(self.ctx, self._where(), d.scales, write, today=min(self.today, dt.date(year, 12, 31)),
                               parent=self)
        if dialog.ask_saved():
            # the new meeting comes to the front: the reload the write started may have read the old choice
            self.session_id = dialog.saved
            self.reload()

    def delete_session(self) -> None:
        d, actor = self.data, self.ctx.actor
        if d is None or d.detail is None:
            return
        sid = d.detail.summary.id
        if Ask.confirm(self, tr("删除评议会议"), tr("删除这次评议会议及其已录入的票数？（已确认的不能删除）")):
            self.session_id = None
            self.ctx.write(lambda s: sessions.delete_session(s, actor, sid), Area.EVALUATION, parent=self)

    def save_counts(self) -> None:
        d, actor = self.data, self.ctx.actor
        if d is None or d.detail is None:
            return
        rows, problems = self.typed_rows()
        if problems:
            self._show_reasons(False, problems)
            return
        sid = d.detail.summary.id

        def refused(exc: BaseException) -> None:   # beside the grid; what was typed stays
            self.reasons.setStyleSheet(REFUSED_STYLE)
            self.reasons.setText(tr("未保存：{e}").format(e=getattr(exc, "message", None) or str(exc)))
        self.ctx.write(lambda s: sessions.enter_counts(s, actor, sid, rows), Area.EVALUATION, on_error=refused,
                       title=tr("保存票数"), parent=self)

    def confirm_session(self) -> None:
        d, actor, today = self.data, self.ctx.actor, self.today
        if d is None or d.detail is None:
            return
        sid = d.detail.summary.id
        if not Ask.confirm(self, tr("确认评议结果"), tr("确认后票数不能再改，评议引擎提出的处理建议将列入“处理建议”，"
                                                     "由乡镇党委确认或免责。确认吗？")):
            return

        def refused(exc: BaseException) -> None:
            self.reasons.setStyleSheet(REFUSED_STYLE)
            self.reasons.setText(tr("未确认：{e}").format(e=getattr(exc, "message", None) or str(exc)))
        self.ctx.write(lambda s: sessions.confirm_session(s, actor, sid, today=today), Area.EVALUATION,
                       on_error=refused, title=tr("确认评议结果"), parent=self)

    def _decide(self, p: ProposalRow) -> None:
        actor = self.ctx.actor
        what = tr("{name}：{kind}\n{why}").format(name=p.name, kind=p.kind_label, why=p.why)

        def write(v: Any) -> Any:
            return lambda s: consequences.confirm(s, actor, p.id, decision_no=v.decision_no,
                                                  decided_on=v.decided_on, note=v.note)
        DecisionDialog(self.ctx, what, write, today=self.today, parent=self).ask_saved()

    def confirm_proposal(self) -> None:
        p = current_row(self.proposals_view)
        if p is not None:
            self._decide(p)

    def confirm_trigger(self) -> None:
        t = current_row(self.triggers_view)
        if t is not None:
            self._decide(t.proposal)

    def waive_proposal(self) -> None:
        p = current_row(self.proposals_view)
        if p is None:
            return
        actor = self.ctx.actor

        def write(v: dialogs.ExemptionInput) -> Any:
            def run(s: Any) -> None:
                exemption_id = exemptions.grant_exemption(s, actor, category=v.category, reason=v.reason,
                                                          decision_no=v.decision_no, decided_on=v.decided_on,
                                                          flag_id=p.id)
                consequences.waive(s, actor, p.id, exemption_id=exemption_id, on=v.decided_on)
            return run
        dialog = dialogs.ExemptionDialog(self.ctx, tr("{name} {kind}").format(name=p.name, kind=p.kind_label), write,
                                         today=self.today, parent=self)
        dialog.AREAS = frozenset({Area.EVALUATION, Area.TRACKING})
        dialog.ask_saved()

    def check_triggers(self) -> None:
        d, actor, today = self.data, self.ctx.actor, self.today
        if d is None or d.cycle_id is None:
            return
        cycle_id = d.cycle_id

        def done(ids: list[int]) -> None:
            Ask.info(self, tr("核对辞职承诺情形"), tr("核对完毕：共 {n} 项情形（含已提出的）。").format(n=len(ids)))
        self.ctx.write(lambda s: resignation.propose_triggers(s, actor, cycle_id=cycle_id, as_of=today),
                       Area.EVALUATION, on_done=done, title=tr("核对辞职承诺情形"), parent=self)

    def record_resigned(self) -> None:
        t = current_row(self.triggers_view)
        if t is None:
            return
        actor, today, fid = self.ctx.actor, self.today, t.id
        dialogs.TextDateDialog.ask(
            self, self.ctx, tr("记录辞职"), tr("{name}按辞职承诺辞职：其本届职务自辞职之日终止。").format(name=t.name),
            tr("辞职日期："), tr("说明："),
            lambda v: (lambda s: resignation.record_resignation(s, actor, fid, on=v.on, note=v.text, today=today)),
            today=today, optional=True, ok_text=tr("记录辞职"))

    def record_refused(self) -> None:
        t = current_row(self.triggers_view)
        if t is None:
            return
        actor, today, fid = self.ctx.actor, self.today, t.id
        dialogs.TextDateDialog.ask(
            self, self.ctx, tr("记录拒绝辞职"),
            tr("{name}拒不履行辞职承诺：将记入任期践诺档案，下一届参选时在资格审查中列为情形。").format(name=t.name),
            tr("日期："), tr("情况说明："),
            lambda v: (lambda s: resignation.record_refusal(s, actor, fid, on=v.on, note=v.text, today=today)),
            today=today, ok_text=tr("记录拒绝"))

    # ------------------------------------------------------------------------------------------------ prints
    def _session_options(self) -> Options | None:
        d = self.data
        if d is None or d.detail is None:
            return None
        return Options(extra={"session": str(d.detail.summary.id)})

    def print_ballots(self) -> None:
        options = self._session_options()
        if options is not None:
            produce(self, self.ctx, "print", "evaluation-ballots", options,
                    file_name=tr("{w}民主评议票").format(w=self._where()))

    def print_tally(self) -> None:
        options = self._session_options()
        if options is not None:
            produce(self, self.ctx, "print", "evaluation-tally", options,
                    file_name=tr("{w}评议结果统计表").format(w=self._where()))

    def print_summary(self) -> None:
        d = self.data
        if d is None or d.year is None:
            return
        produce(self, self.ctx, "print", "evaluation-summary", Options(extra={"year": str(d.year)}),
                file_name=tr("{y}年度述职评议汇总").format(y=d.year))

    def print_dossier(self) -> None:
        d = self.data
        r = self.grid.currentRow()
        if d is None or not 0 <= r < len(d.cadres):
            return
        cadre = d.cadres[r]
        produce(self, self.ctx, "print", "term-dossier",
                Options(extra={"person": str(cadre.person_id), "date": self.today.isoformat()}),
                file_name=tr("{n}任期践诺档案").format(n=cadre.name))

    def print_notice(self) -> None:
        t = current_row(self.triggers_view)
        if t is not None:
            produce(self, self.ctx, "print", "resignation-notice", Options(extra={"flag": str(t.id)}),
                    file_name=tr("{n}辞职承诺触发告知书").format(n=t.name))
