"""候选人与资格审查: candidacies of the current cycle with filters (村, 组织, 状态, 核查结论, 姓名/拼音/身份证号),
a detail panel (rule checklist with the effective status of each bar, review steps, county sign-offs, kinship
flags), actions to record findings and decisions, registration import (background job with preview), the template,
prints, the county joint-review round trip and the rule catalogs.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from villagevote.auth import Permission
from villagevote.candidates import persons
from villagevote.candidates.candidacies import CandidacyRow, list_candidacies, register_candidacy
from villagevote.candidates.importing import commit_import, preview_import
from villagevote.candidates.status import allowed_next, edit_choices, transition
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models import Candidacy, ElectionCycle, Organization, RuleSet, Seat, Village
from villagevote.models.enums import CandidacyStatus, FindingResult, OrgKind, ReviewStage
from villagevote.names import matches
from villagevote.qualification.findings import record_finding
from villagevote.qualification.review import (
    STAGES,
    current_steps,
    person_signoffs,
    record_review,
    review_history,
    settle_qualification,
)
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.rulesets import rule_defs
from villagevote.qualification.verdict import compute_verdict, compute_verdicts, kinship_flags
from villagevote.reports.registry import Options, find_form
from villagevote.ui.dialogs.candidates_catalog import CatalogDialog
from villagevote.ui.dialogs.candidates_finding import FindingDialog
from villagevote.ui.dialogs.candidates_import import ImportPreviewDialog
from villagevote.ui.dialogs.candidates_person import PersonDialog, edit_person
from villagevote.ui.dialogs.candidates_relation import RelationDialog
from villagevote.ui.dialogs.candidates_review import ReviewDialog, StatusDialog
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button, combo_enum, enum_combo

__all__ = ["CandidatesPage"]

COLUMNS = [Column(tr("村")), Column(tr("组织")), Column(tr("职务")), Column(tr("姓名"), kind="name"),
           Column(tr("性别")), Column(tr("年龄"), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
           Column(tr("政治面貌")),
           Column(tr("推荐方式")), Column(tr("状态")), Column(tr("核查结论")), Column(tr("亲属回避"))]
ID_COL = len(COLUMNS)          # hidden: candidacy id
VERDICT_COL = ID_COL + 1       # hidden: VerdictOutcome or None

_VERDICT_COLORS = {
    VerdictOutcome.DISQUALIFIED: QColor("#ffebee"),
    VerdictOutcome.ADVISED_WITHDRAW: QColor("#fff3e0"),
    VerdictOutcome.QUALIFIED: QColor("#e8f5e9"),
}
_RESULT_COLORS = {FindingResult.HIT: "#b71c1c", FindingResult.DOUBT: "#e65100", FindingResult.PENDING: "#555555",
                  FindingResult.CLEAR: "#1b5e20"}


def _set_model(view: QTableView, model: RowsModel) -> None:
    """Show ``model`` in ``view`` and free the model it replaces (detail tables are rebuilt on every click)."""
    old = view.model()
    view.setModel(model)
    if old is not None and old is not model:
        old.deleteLater()


def _table() -> QTableView:
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(True)
    return view


class CandidatesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.cycle_id: int | None = None
        self._current_id: int | None = None
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        self.cycle_label = QLabel()
        head.addWidget(self.cycle_label, 1)
        self.catalog_btn = button(tr("资格条件目录…"), self._catalogs)
        head.addWidget(self.catalog_btn)
        layout.addLayout(head)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff8e1; color:#6d4c00; padding:6px; border:1px solid #ffe082;")
        self.banner.setVisible(False)
        layout.addWidget(self.banner)

        filters = QHBoxLayout()
        self.village_box = QComboBox()
        self.org_box = enum_combo(OrgKind, first=tr("全部组织"))
        self.status_box = enum_combo(CandidacyStatus, first=tr("全部状态"))
        self.verdict_box = enum_combo(VerdictOutcome, first=tr("全部结论"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("姓名、拼音首字母或身份证号码片段"))
        self.search.setClearButtonEnabled(True)
        for label, widget in ((tr("村"), self.village_box), (tr("组织"), self.org_box), (tr("状态"), self.status_box),
                              (tr("结论"), self.verdict_box)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        self.add_btn = QPushButton(tr("登记候选人…"))
        self.import_btn = QPushButton(tr("导入登记表…"))
        self.template_btn = QPushButton(tr("导出登记表模板…"))
        self.forms_btn = QPushButton(tr("打印资格审查表…"))
        self.notice_btn = QPushButton(tr("打印名单公示…"))
        self.county_export_btn = QPushButton(tr("导出县级联审表…"))
        self.county_import_btn = QPushButton(tr("导入县级联审意见…"))
        for b in (self.add_btn, self.import_btn, self.template_btn, self.forms_btn, self.notice_btn,
                  self.county_export_btn, self.county_import_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        layout.addLayout(actions)

        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split, 1)
        self.model = RowsModel.from_rows(COLUMNS, [], parent=self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = _table()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)
        split.addWidget(self._build_detail())
        split.setSizes([640, 560])

        can_edit = ctx.can(Permission.EDIT)
        can_review = ctx.can(Permission.REVIEW)
        sensitive = ctx.can(Permission.VIEW_SENSITIVE)
        self.add_btn.setEnabled(can_edit)
        self.import_btn.setEnabled(can_edit)
        self.forms_btn.setEnabled(sensitive)
        self.catalog_btn.setToolTip(tr("查看资格条件目录；管理员可复制、修改、增加兜底条件并选定本届使用的版本")
                                    if can_review or can_edit else "")
        self._setup_county_buttons(sensitive)

        self.add_btn.clicked.connect(self._register)
        self.import_btn.clicked.connect(self._import)
        self.template_btn.clicked.connect(self._template)
        self.forms_btn.clicked.connect(self._print_forms)
        self.notice_btn.clicked.connect(self._print_notice)
        for box in (self.village_box, self.org_box, self.status_box, self.verdict_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_selected(cur))
        ctx.village_changed.connect(self._village_changed)
        ctx.data_changed.connect(lambda area: self.reload() if area in ("candidates", "county_review", "pledges")
                                 else None)
        ctx.database_replaced.connect(self.full_reload)
        self.full_reload()

    # ------------------------------------------------------------------------------------------------ layout
    def _build_detail(self) -> QWidget:
        panel = QWidget()
        v = QVBoxLayout(panel)
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
        self.finding_btn.clicked.connect(self._record_finding)
        self.review_btn.clicked.connect(self._record_review)
        self.settle_btn.clicked.connect(self._settle)
        self.status_btn.clicked.connect(self._change_status)
        self.relation_btn.clicked.connect(self._add_relation)
        self.edit_person_btn.clicked.connect(self._edit_person)
        rules_box = QGroupBox(tr("资格条件核查（按选举日计算期限）"))
        rb = QVBoxLayout(rules_box)
        self.rules_view = _table()
        self.rules_view.doubleClicked.connect(lambda idx: self._record_finding(self._rule_code_at(idx.row())))
        rb.addWidget(self.rules_view)
        v.addWidget(rules_box, 3)
        steps_box = QGroupBox(tr("三级审查记录与县级部门意见"))
        sb = QVBoxLayout(steps_box)
        self.steps_view = _table()
        sb.addWidget(self.steps_view)
        self.signoffs_view = _table()
        sb.addWidget(self.signoffs_view)
        v.addWidget(steps_box, 2)
        self._rule_codes: list[str] = []
        self._set_detail_enabled(False)
        return panel

    def _setup_county_buttons(self, sensitive: bool) -> None:
        import importlib.util

        available = importlib.util.find_spec("villagevote.ui.dialogs.county_review") is not None
        for btn, name in ((self.county_export_btn, "run_county_export"), (self.county_import_btn, "run_county_import")):
            btn.setEnabled(available and sensitive)
            if not available:
                btn.setToolTip(tr("县级联审表的导出与导入尚未建成"))
            else:
                btn.clicked.connect(lambda _c=False, n=name: self._county(n))

    def _set_detail_enabled(self, on: bool) -> None:
        can_edit, can_review = self.ctx.can(Permission.EDIT), self.ctx.can(Permission.REVIEW)
        self.finding_btn.setEnabled(on and (can_edit or can_review))
        self.review_btn.setEnabled(on and can_review)
        self.settle_btn.setEnabled(on and can_review)
        self.status_btn.setEnabled(on and (can_edit or can_review))
        self.relation_btn.setEnabled(on and can_edit)
        self.edit_person_btn.setEnabled(on and can_edit)

    # ------------------------------------------------------------------------------------------------ data
    def full_reload(self) -> None:
        self.cycle_id = self.ctx.cycle_id()
        self.village_box.blockSignals(True)
        self.village_box.clear()
        self.village_box.addItem(tr("全部村"), None)
        bound_name = ""
        with self.ctx.read_session() as s:
            cycle = s.get(ElectionCycle, self.cycle_id) if self.cycle_id else None
            if cycle is not None:
                for v in s.scalars(select(Village).where(Village.township_id == cycle.township_id)
                                   .order_by(Village.code, Village.id)):
                    self.village_box.addItem(v.name, v.id)
                if cycle.rule_set_id is not None:
                    rs = s.get(RuleSet, cycle.rule_set_id)
                    bound_name = tr("{name} 第{v}版").format(name=rs.name, v=rs.version)
            cycle_name = cycle.name if cycle else ""
            election = cycle.election_day if cycle else None
        if self.ctx.village_id is not None:
            self.village_box.setCurrentIndex(max(0, self.village_box.findData(self.ctx.village_id)))
        self.village_box.blockSignals(False)
        if cycle is None:
            self.cycle_label.setText(tr("还没有换届届次。请先在「乡镇与届次」中建立届次。"))
        else:
            self.cycle_label.setText(
                tr("<b>{cycle}</b>　选举日 {day}　资格条件目录：{catalog}").format(
                    cycle=html.escape(cycle_name), day=election.isoformat() if election else "",
                    catalog=html.escape(bound_name) or tr("（尚未选定）")))
        self.banner.setVisible(cycle is not None and not bound_name)
        self.banner.setText(tr("本届尚未选定资格条件目录，不能记录核查结果。请管理员点击「资格条件目录…」，"
                               "选择「浙江省 五不能、六不宜（2013）」或「通用（2018年后）」目录（可先复制后修改），"
                               "再点「用于本届换届」。"))
        self.reload()

    def _filters(self) -> tuple[int | None, OrgKind | None, set[CandidacyStatus] | None, VerdictOutcome | None, str]:
        status = combo_enum(self.status_box, CandidacyStatus)
        return (self.village_box.currentData(), combo_enum(self.org_box, OrgKind),
                {status} if status else None, combo_enum(self.verdict_box, VerdictOutcome),
                self.search.text().strip())

    def fetch_rows(self) -> list[tuple[Any, ...]]:
        """The table rows for the current filters (plain tuples; the last two are hidden: id and verdict)."""
        if self.cycle_id is None:
            return []
        village_id, org_kind, statuses, verdict_filter, query = self._filters()
        sensitive = self.ctx.can(Permission.VIEW_SENSITIVE)
        with self.ctx.read_session() as s:
            rows = list_candidacies(s, self.cycle_id, village_id=village_id, org_kind=org_kind, statuses=statuses)
            if query:
                digits = query.upper()
                rows = [r for r in rows if matches(r.name, query)
                        or (sensitive and len(digits) >= 3 and digits in r.id_number)]
            verdicts = compute_verdicts(s, self.cycle_id, [r.id for r in rows])
            flagged: dict[int, str] = {}
            for flag in kinship_flags(s, self.cycle_id, village_id):
                flagged.setdefault(flag.first.candidacy_id, flag.message)
                flagged.setdefault(flag.second.candidacy_id, flag.message)
        out = []
        for r in rows:
            verdict = verdicts.get(r.id)
            outcome = verdict.outcome if verdict else None
            if verdict_filter is not None and outcome is not verdict_filter:
                continue
            out.append((r.village, r.org_kind.label, r.post, r.name, r.gender, r.age, r.political_status,
                        r.source.label, r.status.label, outcome.label if outcome else tr("（未选定目录）"),
                        tr("须回避") if r.id in flagged else "", r.id, outcome))
        return out

    def reload(self) -> None:
        rows = self.fetch_rows()
        self.model = RowsModel.from_rows(
            COLUMNS, rows, parent=self, id_of=lambda row: row[ID_COL],
            row_brush=lambda row: QColor("#fce4ec") if row[10] else _VERDICT_COLORS.get(row[VERDICT_COL]))
        old = self.proxy.sourceModel()
        self.proxy.setSourceModel(self.model)
        if old is not None and old is not self.model:
            old.deleteLater()
        self.count_label.setText(tr("共 {n} 人次").format(n=len(rows)))
        selected = self._current_id
        self._current_id = None
        if selected is not None:
            for i, row in enumerate(rows):
                if row[ID_COL] == selected:
                    self.table.selectRow(self.proxy.mapFromSource(self.model.index(i, 0)).row())
                    break
        if self._current_id is None:
            self._show_detail(None)

    def _row_selected(self, index) -> None:  # type: ignore[no-untyped-def]
        if not index.isValid():
            self._show_detail(None)
            return
        source = self.proxy.mapToSource(index)
        self._show_detail(self.model.row_at(source.row())[ID_COL])

    def select_candidacy(self, candidacy_id: int) -> bool:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i)[ID_COL] == candidacy_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(i, 0)).row())
                return True
        return False

    def _show_detail(self, candidacy_id: int | None) -> None:
        self._current_id = candidacy_id
        self._rule_codes = []
        if candidacy_id is None:
            self.detail_title.setText(tr("请在左侧选择一位候选人。"))
            self.verdict_label.setText("")
            for view in (self.rules_view, self.steps_view, self.signoffs_view):
                _set_model(view, RowsModel.from_rows([Column("")], [], parent=self))
            self._set_detail_enabled(False)
            return
        sensitive = self.ctx.can(Permission.VIEW_SENSITIVE)
        with self.ctx.read_session() as s:
            row = list_candidacies(s, self.cycle_id, ids=[candidacy_id])[0]
            cycle = s.get(ElectionCycle, self.cycle_id)
            verdict = compute_verdict(s, candidacy_id) if cycle.rule_set_id else None
            steps = review_history(s, candidacy_id)
            signoffs = person_signoffs(s, candidacy_id)  # the person's answers, same on every candidacy
            flags = [f for f in kinship_flags(s, self.cycle_id, row.village_id)
                     if candidacy_id in (f.first.candidacy_id, f.second.candidacy_id)]
            relatives = persons.relationships_of(s, row.person_id)
        self._fill_title(row, sensitive, relatives)
        if verdict is None:
            self.verdict_label.setText(tr("本届尚未选定资格条件目录。"))
        else:
            color = {VerdictOutcome.DISQUALIFIED: "#b71c1c", VerdictOutcome.ADVISED_WITHDRAW: "#e65100",
                     VerdictOutcome.QUALIFIED: "#1b5e20"}.get(verdict.outcome, "#555")
            reasons = "".join(f"<li>{html.escape(r)}</li>" for r in verdict.reasons) if sensitive else ""
            kin = "".join(f"<li style='color:#ad1457'>{html.escape(tr('亲属回避：') + f.message)}</li>" for f in flags)
            self.verdict_label.setText(
                f"<b style='color:{color}'>{html.escape(tr('核查结论：') + verdict.label)}</b><ul>{reasons}{kin}</ul>")
        if sensitive and verdict is not None:
            rule_rows = []
            for st in verdict.statuses:
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
        _set_model(self.rules_view, model)
        self.rules_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.rules_view.horizontalHeader().setStretchLastSection(True)
        steps_model = RowsModel.from_rows(
            [Column(tr("阶段")), Column(tr("结论")), Column(tr("理由")), Column(tr("审查人")), Column(tr("日期")),
             Column(tr("记录"))],
            [(st.stage.label, st.decision.label, st.reason, st.reviewer, st.decided_on.isoformat(),
              tr("已被后一次记录替代") if st.superseded else tr("有效")) for st in steps]
            or [(tr("尚无审查记录"), "", "", "", "", "")], parent=self)
        _set_model(self.steps_view, steps_model)
        self.steps_view.horizontalHeader().setStretchLastSection(True)
        so_model = RowsModel.from_rows(
            [Column(tr("县级部门")), Column(tr("有无情况")), Column(tr("意见")), Column(tr("经办人")),
             Column(tr("日期"))],
            [(so.department, tr("未答复") if so.has_issue is None else (tr("有") if so.has_issue else tr("无")),
              so.opinion if sensitive else "", so.handler, so.signed_on.isoformat() if so.signed_on else "")
             for so in signoffs] or [(tr("尚无县级部门意见"), "", "", "", "")], parent=self)
        _set_model(self.signoffs_view, so_model)
        self.signoffs_view.horizontalHeader().setStretchLastSection(True)
        self._set_detail_enabled(True)

    def _fill_title(self, row: CandidacyRow, sensitive: bool, relatives: list) -> None:  # type: ignore[type-arg]
        number = row.id_number if sensitive else mask_id_number(row.id_number)
        rel = "、".join(f"{k.label}{n}" for _rid, _pid, n, k in relatives)
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

    def _rule_code_at(self, row: int) -> str | None:
        return self._rule_codes[row] if 0 <= row < len(self._rule_codes) else None

    # ------------------------------------------------------------------------------------------------ actions
    def _write(self, fn: Callable[[Any], Any]) -> Any:
        try:
            with self.ctx.session() as s:
                result = fn(s)
        except Exception as exc:
            show_error(self, exc)
            return None
        self.ctx.data_changed.emit("candidates")
        return result if result is not None else True

    def _village_changed(self, village_id: int | None) -> None:
        self.village_box.setCurrentIndex(max(0, self.village_box.findData(village_id)))

    def _register(self) -> None:
        if self.cycle_id is None:
            return
        with self.ctx.session() as s:
            cycle = s.get(ElectionCycle, self.cycle_id)
            villages = [(v.id, v.name) for v in s.scalars(select(Village).where(
                Village.township_id == cycle.township_id).order_by(Village.code))]
            posts: dict[tuple[int, OrgKind], list[str]] = {}
            for org, seat in s.execute(select(Organization, Seat).join(Seat, Seat.organization_id == Organization.id)
                                       .where(Organization.cycle_id == self.cycle_id).order_by(Seat.rank)):
                posts.setdefault((org.village_id, OrgKind(org.kind)), []).append(seat.post)
        answer = PersonDialog.ask(self, villages, posts, self.village_box.currentData())
        if answer is None:
            return

        def write(s):  # type: ignore[no-untyped-def]
            existing = persons.person_by_id_number(s, answer.person.id_number)
            if existing is not None:
                if existing.name != answer.person.name.strip():
                    raise UserError(tr("身份证号码已登记给「{name}」").format(name=existing.name))
                pid = existing.id
            else:
                pid = persons.register_person(s, self.ctx.actor, answer.person)
            org_id = s.scalar(select(Organization.id).where(
                Organization.cycle_id == self.cycle_id, Organization.village_id == answer.person.village_id,
                Organization.kind == answer.org_kind))
            if org_id is None:
                raise UserError(tr("该村本届没有设立{org}").format(org=answer.org_kind.label))
            return register_candidacy(s, self.ctx.actor, pid, org_id, answer.post, answer.source, answer.incumbent)

        new_id = self._write(write)
        if new_id:
            self._current_id = new_id
            self.reload()

    def _record_finding(self, code: str | None = None) -> None:
        cid = self._current_id
        if cid is None:
            return
        with self.ctx.session() as s:
            cycle = s.get(ElectionCycle, self.cycle_id)
            if cycle.rule_set_id is None:
                Ask.info(self, tr("记录核查结果"), tr("本届尚未选定资格条件目录。"))
                return
            rules = rule_defs(s, cycle.rule_set_id)
        answer = FindingDialog.ask(self, rules, code if isinstance(code, str) else None)
        if answer is None:
            return
        if self._write(lambda s: record_finding(s, cid, answer.rule_code, answer.result, self.ctx.actor,
                                                department=answer.department, evidence=answer.evidence,
                                                event_date=answer.event_date, expiry_date=answer.expiry_date)):
            self._current_id = cid
            self.reload()

    def _record_review(self) -> None:
        cid = self._current_id
        if cid is None:
            return
        with self.ctx.read_session() as s:
            done = current_steps(s, cid)
        nxt = next((st for st in STAGES if st not in done), ReviewStage.COUNTY)
        answer = ReviewDialog.ask(self, nxt, self.ctx.actor.display_name or self.ctx.actor.username)
        if answer is None:
            return
        if self._write(lambda s: record_review(s, self.ctx.actor, cid, answer.stage, answer.decision, answer.reason,
                                               answer.reviewer, answer.decided_on)):
            self._current_id = cid
            self.reload()

    def _settle(self) -> None:
        cid = self._current_id
        if cid is None:
            return
        result = self._write(lambda s: settle_qualification(s, self.ctx.actor, cid) or "undecided")
        if result == "undecided":
            Ask.info(self, tr("按核查结论定资格"), tr("还有待查或存疑的条件，暂不能定资格。"))
        self._current_id = cid
        self.reload()

    def _change_status(self) -> None:
        cid = self._current_id
        if cid is None:
            return
        try:
            with self.ctx.read_session() as s:
                cand = s.get(Candidacy, cid)
                current, loaded_version = CandidacyStatus(cand.status), cand.version
                allowed = edit_choices(s, cid, self.ctx.actor)
        except UserError as exc:  # e.g. the contest result is official
            Ask.info(self, tr("更改状态"), exc.message)
            return
        if not allowed_next(current):
            Ask.info(self, tr("更改状态"), tr("「{s}」是最终状态，不能再更改。").format(s=current.label))
            return
        if not allowed:
            Ask.info(self, tr("更改状态"), tr("当前状态「{s}」不能在这里更改：当选、未当选只能由正式选举结果产生，"
                                            "取消资格只能由资格审查决定产生，其余改动当前用户无权进行。").format(s=current.label))
            return
        answer = StatusDialog.ask(self, current, allowed)
        if answer is None:
            return
        if self._write(lambda s: transition(s, cid, answer[0], self.ctx.actor, reason=answer[1],
                                            expected_version=loaded_version)):
            self._current_id = cid
            self.reload()

    def _add_relation(self) -> None:
        cid = self._current_id
        if cid is None:
            return
        with self.ctx.read_session() as s:
            cand = s.get(Candidacy, cid)
            person_id, name = cand.person_id, cand.person.name

        def search(text: str) -> list[persons.PersonRow]:
            with self.ctx.read_session() as s2:
                return persons.find_persons(s2, text)

        answer = RelationDialog.ask(self, name, search, person_id)
        if answer is None:
            return
        if self._write(lambda s: persons.add_relationship(s, self.ctx.actor, person_id, answer[0], answer[1])):
            self._current_id = cid
            self.reload()

    def _edit_person(self) -> None:
        cid = self._current_id
        if cid is None:
            return
        with self.ctx.read_session() as s:
            cand = s.get(Candidacy, cid)
            p = cand.person
            person_id, loaded_version = p.id, p.version
            data = persons.PersonData(p.name, p.id_number or "", p.education, p.political_status, p.party_join_date,
                                      p.phone, p.village_id, p.group_id, p.current_post, p.note)
            cycle = s.get(ElectionCycle, self.cycle_id)
            villages = [(v.id, v.name) for v in s.scalars(select(Village).where(
                Village.township_id == cycle.township_id).order_by(Village.code))]
        answer = edit_person(self, villages, data)
        if answer is None:
            return
        if self._write(lambda s: persons.update_person(s, self.ctx.actor, person_id, answer,
                                                       expected_version=loaded_version)):
            self._current_id = cid
            self.reload()

    def _catalogs(self) -> None:
        CatalogDialog.show_for(self.ctx, self)
        self.full_reload()

    # ------------------------------------------------------------------------------------------------ files
    def _import(self) -> None:
        if self.cycle_id is None:
            return
        path = Ask.open_file(self, tr("导入候选人登记表"), tr("工作簿 (*.xlsx *.xlsm *.xls *.ods)"))
        if not path:
            return
        cycle_id, actor, db = self.cycle_id, self.ctx.actor, self.ctx.db

        def check(progress):  # type: ignore[no-untyped-def]
            with db.session() as s:
                return preview_import(s, cycle_id, path, progress=progress)

        def checked(preview) -> None:  # type: ignore[no-untyped-def]
            choice = ImportPreviewDialog.ask(self, preview, Path(path).name)
            if choice is None:
                return

            def write(progress):  # type: ignore[no-untyped-def]
                with db.session() as s:
                    return commit_import(s, actor, cycle_id, preview, only_good_rows=(choice == "good"),
                                         progress=progress, source_name=Path(path).name).summary()

            def written(summary: str) -> None:
                self.ctx.data_changed.emit("candidates")
                self.reload()
                Ask.info(self, tr("导入完成"), summary)

            self.ctx.jobs.submit(write, title=tr("正在导入……"), on_done=written, on_error=self._job_error,
                                 parent=self)

        self.ctx.jobs.submit(check, title=tr("正在检查登记表……"), on_done=checked, on_error=self._job_error,
                             parent=self)

    def _job_error(self, exc: BaseException, _tb: str) -> None:
        show_error(self, exc, tr("导入未完成"))

    def _run_form(self, kind: str, name: str, default_name: str, options: Options, filters: str) -> None:
        path = Ask.save_file(self, tr("保存"), filters, default_name)
        if not path:
            return
        form = find_form(kind, name)
        actor, db = self.ctx.actor, self.ctx.db

        def job(progress):  # type: ignore[no-untyped-def]
            progress(0.1, tr("正在生成……"))
            with db.session() as s:
                return str(form.run(s, actor, Path(path), options))

        from villagevote.ui.pages.voter_register import offer_notice_override

        def start() -> None:  # a notice dated inside the statutory period: an administrator may give the reason
            self.ctx.jobs.submit(job, title=tr("正在生成……"), parent=self,
                                 on_done=lambda out: Ask.info(self, tr("已生成"), tr("已生成：{path}").format(path=out)),
                                 on_error=lambda exc, _tb: start() if offer_notice_override(self, self.ctx, exc)
                                 else show_error(self, exc))
        start()

    def _template(self) -> None:
        self._run_form("export", "candidate-template", tr("候选人登记表模板.xlsx"), Options(),
                       tr("Excel 工作簿 (*.xlsx)"))

    def _print_forms(self) -> None:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        ids = [self.model.row_at(r)[ID_COL] for r in sorted(rows)]
        extra = {"ids": ",".join(str(i) for i in ids)} if ids else {}
        village = self.village_box.currentData() and self.village_box.currentText()
        self._run_form("print", "qualification-forms", tr("资格审查表.pdf"),
                       Options(village=village or None, extra=extra), tr("PDF 文件 (*.pdf)"))

    def _print_notice(self) -> None:
        if self.village_box.currentData() is None:
            Ask.info(self, tr("打印名单公示"), tr("名单公示按村打印，请先在上方选择村。"))
            return
        village = self.village_box.currentText()
        self._run_form("print", "candidate-notice", tr("{v}候选人名单公示.pdf").format(v=village),
                       Options(village=village), tr("PDF 文件 (*.pdf)"))

    def _county(self, func_name: str) -> None:
        import importlib

        module = importlib.import_module("villagevote.ui.dialogs.county_review")
        getattr(module, func_name)(self, self.ctx)
        self.reload()
