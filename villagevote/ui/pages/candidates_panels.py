"""Parts of the 候选人与资格审查 page: the list filter (in memory, no query per keystroke) and the detail panel of the
selected candidacy (rule checklist, review steps, county sign-offs, kinship) with its actions.

The detail panel reads :func:`villagevote.qualification.queries.candidate_detail` through ``ctx.query`` and writes
through ``ctx.write``; after a write the page reloads its list (the areas written overlap its own) and shows the same
candidacy again.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.candidates import persons
from villagevote.candidates.status import transition
from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.enums import CandidacyStatus, FindingResult, OrgKind
from villagevote.names import matches
from villagevote.qualification.findings import record_finding
from villagevote.qualification.queries import (
    CandidateDetail,
    CandidateListRow,
    StatusChoices,
    candidate_detail,
    finding_rules,
    next_review_stage,
    person_form,
    status_choices,
)
from villagevote.qualification.review import record_review, settle_qualification
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.ui.dialogs.candidates_finding import FindingAnswer, FindingDialog
from villagevote.ui.dialogs.candidates_person import edit_person
from villagevote.ui.dialogs.candidates_relation import RelationDialog
from villagevote.ui.dialogs.candidates_review import ReviewAnswer, ReviewDialog, StatusDialog
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.table_model import Column, RowsModel, SortProxy

__all__ = ["CandidateFilter", "CandidateFilterProxy", "DetailPanel", "set_model", "table"]

Index = QModelIndex | QPersistentModelIndex
#: What a decision on a candidacy changes: its findings/reviews and (through the verdict) its status.
REVIEW_AREAS = frozenset({Area.QUALIFICATION, Area.CANDIDATES})

_VERDICT_COLORS = {VerdictOutcome.DISQUALIFIED: "#b71c1c", VerdictOutcome.ADVISED_WITHDRAW: "#e65100",
                   VerdictOutcome.QUALIFIED: "#1b5e20"}


def _settles(d: CandidateDetail) -> bool:
    """Whether 按核查结论定资格 would change anything: 不能 → 取消资格, 不宜 → 劝退, 合格 only after 县级联审通过;
    an open verdict is let through (the button then says what is still open)."""
    if d.verdict is None:
        return False
    outcome, status = d.verdict.outcome, d.row.status
    if outcome is VerdictOutcome.DISQUALIFIED:
        return status is not CandidacyStatus.DISQUALIFIED
    if outcome is VerdictOutcome.QUALIFIED:
        return status is CandidacyStatus.COUNTY_REVIEWED
    if outcome is VerdictOutcome.ADVISED_WITHDRAW:
        return status is not CandidacyStatus.ADVISED_WITHDRAW
    return True


def set_model(view: QTableView, model: RowsModel) -> None:
    """Show ``model`` in ``view`` and free the model it replaces (detail tables are rebuilt on every click)."""
    old = view.model()
    view.setModel(model)
    if old is not None and old is not model:
        old.deleteLater()


def table() -> QTableView:
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(True)
    return view


# --- the list filter -----------------------------------------------------------------------------------------------

class CandidateFilter:
    """The filters above the list; ``accepts(row)`` decides in memory (name, pinyin initials, ID fragment)."""

    def __init__(self) -> None:
        self.village_id: int | None = None
        self.org_kind: OrgKind | None = None
        self.status: CandidacyStatus | None = None
        self.outcome: VerdictOutcome | None = None
        self.text = ""

    def accepts(self, row: CandidateListRow) -> bool:
        if self.village_id is not None and row.village_id != self.village_id:
            return False
        if self.org_kind is not None and row.org_kind is not self.org_kind:
            return False
        if self.status is not None and row.status is not self.status:
            return False
        if self.outcome is not None and row.outcome is not self.outcome:
            return False
        query = self.text
        if not query:
            return True
        digits = query.upper()
        return matches(row.name, query) or (len(digits) >= 3 and bool(row.id_number) and digits in row.id_number)


class CandidateFilterProxy(SortProxy):
    """Sorts like every list (numbers, dates, 姓氏笔画) and filters by a :class:`CandidateFilter`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.criteria = CandidateFilter()

    def refilter(self, change: Callable[[CandidateFilter], None]) -> None:
        """Apply ``change`` to the criteria and filter the rows again."""
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            change(self.criteria)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change(self.criteria)
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RowsModel) or source_row >= model.rowCount():
            return True
        return self.criteria.accepts(model.row_at(source_row))


# --- the detail panel ----------------------------------------------------------------------------------------------

class DetailPanel(QWidget):
    """The selected candidacy: who, the verdict, the rule checklist, review steps and county sign-offs, and the
    actions that record findings and decisions. ``cycle_id`` is set by the page."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cycle_id: int | None = None
        self.current_id: int | None = None
        self.detail: CandidateDetail | None = None
        self.sensitive = ctx.can(Permission.VIEW_SENSITIVE)
        self._rule_codes: list[str] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        self.detail_title = QLabel(tr("请在左侧选择一位候选人。"))
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.detail_title)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.verdict_label)
        buttons = QHBoxLayout()
        self.finding_btn = QPushButton(tr("记录核查结果…"))
        self.review_btn = QPushButton(tr("记录审查结论…"))
        self.settle_btn = QPushButton(tr("按核查结论定资格"))
        self.status_btn = QPushButton(tr("更改状态…"))
        self.relation_btn = QPushButton(tr("登记亲属关系…"))
        self.edit_person_btn = QPushButton(tr("修改人员信息…"))
        for b in (self.finding_btn, self.review_btn, self.settle_btn, self.status_btn, self.relation_btn,
                  self.edit_person_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        v.addLayout(buttons)
        self.finding_btn.clicked.connect(lambda: self.record_finding())
        self.review_btn.clicked.connect(self.record_review)
        self.settle_btn.clicked.connect(self.settle)
        self.status_btn.clicked.connect(self.change_status)
        self.relation_btn.clicked.connect(self.add_relation)
        self.edit_person_btn.clicked.connect(self.edit_person)
        rules_box = QGroupBox(tr("资格条件核查（按选举日计算期限）"))
        rb = QVBoxLayout(rules_box)
        self.rules_view = table()
        self.rules_view.doubleClicked.connect(lambda idx: self.record_finding(self._rule_code_at(idx.row())))
        rb.addWidget(self.rules_view)
        v.addWidget(rules_box, 3)
        steps_box = QGroupBox(tr("三级审查记录与县级部门意见"))
        sb = QVBoxLayout(steps_box)
        self.steps_view = table()
        sb.addWidget(self.steps_view)
        self.signoffs_view = table()
        sb.addWidget(self.signoffs_view)
        v.addWidget(steps_box, 2)
        self._set_enabled(False)

    # -- showing ----------------------------------------------------------------------------------------------------
    def _set_enabled(self, on: bool) -> None:
        can_edit, can_review = self.ctx.can(Permission.EDIT), self.ctx.can(Permission.REVIEW)
        self.finding_btn.setEnabled(on and (can_edit or can_review))
        self.review_btn.setEnabled(on and can_review)
        self.settle_btn.setEnabled(on and can_review)
        self.status_btn.setEnabled(on and (can_edit or can_review))
        self.relation_btn.setEnabled(on and can_edit)
        self.edit_person_btn.setEnabled(on and can_edit)

    def show_candidacy(self, candidacy_id: int | None) -> None:
        """Load and show ``candidacy_id`` (None clears the panel)."""
        self.current_id = candidacy_id
        if candidacy_id is None:
            self._clear()
            return
        self.ctx.query(lambda s: candidate_detail(s, candidacy_id), self._show, parent=self,
                       on_error=lambda exc: self._failed(candidacy_id, exc))

    def _failed(self, candidacy_id: int, exc: BaseException) -> None:
        if self.current_id == candidacy_id:  # e.g. deleted meanwhile: show nothing rather than stale data
            self._clear()
        if not isinstance(exc, UserError):
            raise exc

    def _clear(self) -> None:
        self.detail = None
        self._rule_codes = []
        self.detail_title.setText(tr("请在左侧选择一位候选人。"))
        self.verdict_label.setText("")
        for view in (self.rules_view, self.steps_view, self.signoffs_view):
            set_model(view, RowsModel.from_rows([Column("")], [], parent=self))
        self._set_enabled(False)

    def _show(self, d: CandidateDetail) -> None:
        if d.row.id != self.current_id:
            return  # another candidacy was selected while this one loaded
        self.detail = d
        self._fill_title(d)
        self._fill_verdict(d)
        self._fill_rules(d)
        self._fill_steps(d)
        self._set_enabled(True)
        if self.settle_btn.isEnabled() and not _settles(d):
            self.settle_btn.setEnabled(False)

    def _fill_title(self, d: CandidateDetail) -> None:
        row = d.row
        number = row.id_number if self.sensitive else mask_id_number(row.id_number)
        rel = "、".join(f"{k.label}{n}" for _rid, _pid, n, k in d.relatives)
        self.detail_title.setText(
            tr("<span style='font-size:15px'><b>{name}</b></span>　{gender}　{age}岁　{pol}<br/>"
               "{idl}{number}<br/>{village}　{org}{post}　（{source}）　{status_l}<b>{status}</b>{reason}{rel}").format(
                name=html.escape(row.name), gender=html.escape(row.gender), age=row.age or "",
                pol=html.escape(row.political_status), idl=tr("身份证号码："), number=html.escape(number),
                village=html.escape(row.village), org=html.escape(row.org_kind.label), post=html.escape(row.post),
                source=html.escape(row.source.label), status_l=tr("状态："), status=html.escape(row.status.label),
                reason=("　" + html.escape(row.status_reason)) if row.status_reason else "",
                rel=("<br/>" + html.escape(tr("亲属：") + rel)) if rel else "",
            ))

    def _fill_verdict(self, d: CandidateDetail) -> None:
        verdict = d.verdict
        if verdict is None:
            self.verdict_label.setText(tr("本届尚未选定资格条件目录。"))
            return
        color = _VERDICT_COLORS.get(verdict.outcome, "#555")
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in verdict.reasons) if self.sensitive else ""
        kin = "".join(f"<li style='color:#ad1457'>{html.escape(tr('亲属回避：') + m)}</li>" for m in d.kinship)
        self.verdict_label.setText(
            f"<b style='color:{color}'>{html.escape(tr('核查结论：') + verdict.label)}</b><ul>{reasons}{kin}</ul>")

    def _fill_rules(self, d: CandidateDetail) -> None:
        self._rule_codes = []
        if self.sensitive and d.verdict is not None:
            rule_rows = []
            for st in d.verdict.statuses:
                self._rule_codes.append(st.rule.code)
                rule_rows.append((st.rule.code, st.rule.grade.label, st.rule.text, st.rule.time_limit_label,
                                  st.status.label, st.reason))
            model = RowsModel.from_rows(
                [Column(tr("编号")), Column(tr("等级")), Column(tr("条件")), Column(tr("期限")), Column(tr("结果")),
                 Column(tr("依据"))], rule_rows, parent=self,
                row_brush=lambda r: QColor("#ffebee") if r[4] == FindingResult.HIT.label
                else QColor("#fff3e0") if r[4] == FindingResult.DOUBT.label else None)
        else:
            model = RowsModel.from_rows([Column(tr("说明"))], [(tr("无权查看核查详情"),)], parent=self)
        set_model(self.rules_view, model)
        self.rules_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.rules_view.horizontalHeader().setStretchLastSection(True)

    def _fill_steps(self, d: CandidateDetail) -> None:
        steps_model = RowsModel.from_rows(
            [Column(tr("阶段")), Column(tr("结论")), Column(tr("理由")), Column(tr("审查人")),
             Column(tr("日期"), kind="date"), Column(tr("记录"))],
            [(st.stage.label, st.decision.label, st.reason, st.reviewer, st.decided_on,
              tr("已被后一次记录替代") if st.superseded else tr("有效")) for st in d.steps]
            or [(tr("尚无审查记录"), "", "", "", None, "")], parent=self)
        set_model(self.steps_view, steps_model)
        self.steps_view.horizontalHeader().setStretchLastSection(True)
        so_model = RowsModel.from_rows(
            [Column(tr("县级部门")), Column(tr("有无情况")), Column(tr("意见")), Column(tr("经办人")),
             Column(tr("日期"), kind="date")],
            [(so.department, tr("未答复") if so.has_issue is None else (tr("有") if so.has_issue else tr("无")),
              so.opinion if self.sensitive else "", so.handler, so.signed_on)
             for so in d.signoffs] or [(tr("尚无县级部门意见"), "", "", "", None)], parent=self)
        set_model(self.signoffs_view, so_model)
        self.signoffs_view.horizontalHeader().setStretchLastSection(True)

    def _rule_code_at(self, row: int) -> str | None:
        return self._rule_codes[row] if 0 <= row < len(self._rule_codes) else None

    # -- actions ----------------------------------------------------------------------------------------------------
    def _write(self, fn: Callable[[Any], Any], areas: frozenset[Area] = REVIEW_AREAS,
               on_done: Callable[[Any], None] | None = None) -> None:
        self.ctx.write(fn, areas, on_done=on_done, parent=self)

    def record_finding(self, code: str | None = None) -> None:
        cid, cycle_id = self.current_id, self.cycle_id
        if cid is None or cycle_id is None:
            return

        def ask(rules: Any) -> None:
            if rules is None:
                Ask.info(self, tr("记录核查结果"), tr("本届尚未选定资格条件目录。"))
                return
            actor = self.ctx.actor

            def save(s: Any, a: FindingAnswer) -> None:
                record_finding(s, cid, a.rule_code, a.result, actor, department=a.department, evidence=a.evidence,
                               event_date=a.event_date, expiry_date=a.expiry_date)

            FindingDialog.ask(self, self.ctx, rules, code if isinstance(code, str) else None, save)

        self.ctx.query(lambda s: finding_rules(s, cycle_id), ask, parent=self)

    def record_review(self) -> None:
        cid = self.current_id
        if cid is None:
            return
        actor = self.ctx.actor

        def save(s: Any, a: ReviewAnswer) -> None:
            record_review(s, actor, cid, a.stage, a.decision, a.reason, a.reviewer, a.decided_on)

        def ask(stage: Any) -> None:
            ReviewDialog.ask(self, self.ctx, stage, actor.display_name or actor.username, save)

        self.ctx.query(lambda s: next_review_stage(s, cid), ask, parent=self)

    def settle(self) -> None:
        cid = self.current_id
        if cid is None:
            return
        actor = self.ctx.actor

        def done(result: Any) -> None:
            if result is None:
                Ask.info(self, tr("按核查结论定资格"), tr("还有待查或存疑的条件，暂不能定资格。"))

        self._write(lambda s: settle_qualification(s, actor, cid), on_done=done)

    def change_status(self) -> None:
        cid = self.current_id
        if cid is None:
            return
        actor = self.ctx.actor
        title = tr("更改状态")

        def ask(choices: StatusChoices) -> None:
            if choices.final:
                Ask.info(self, title, tr("「{s}」是最终状态，不能再更改。").format(s=choices.current.label))
                return
            if not choices.allowed:
                Ask.info(self, title, tr("当前状态「{s}」不能在这里更改：当选、未当选只能由正式选举结果产生，"
                                         "取消资格只能由资格审查决定产生，其余改动当前用户无权进行。").format(
                    s=choices.current.label))
                return
            def save(s: Any, a: tuple[CandidacyStatus, str]) -> None:
                transition(s, cid, a[0], actor, reason=a[1], expected_version=choices.version)

            StatusDialog.ask(self, self.ctx, choices.current, choices.allowed, save)

        def refused(exc: BaseException) -> None:  # e.g. the contest result is official
            if not isinstance(exc, UserError):
                raise exc
            Ask.info(self, title, exc.message)

        self.ctx.query(lambda s: status_choices(s, cid, actor), ask, on_error=refused, parent=self)

    def add_relation(self) -> None:
        d = self.detail
        if d is None or self.current_id is None:
            return
        person_id = d.row.person_id
        answer = RelationDialog.ask(self, self.ctx, d.row.name, person_id)
        if answer is None:
            return
        actor = self.ctx.actor
        self._write(lambda s: persons.add_relationship(s, actor, person_id, answer[0], answer[1]),
                    frozenset({Area.CANDIDATES}))

    def edit_person(self) -> None:
        cid = self.current_id
        if cid is None:
            return
        self.ctx.query(lambda s: person_form(s, cid), lambda form: edit_person(self, self.ctx, form), parent=self)
