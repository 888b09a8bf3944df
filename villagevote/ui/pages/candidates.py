"""候选人与资格审查: candidacies of the current cycle with filters (村, 组织, 状态, 核查结论, 姓名/拼音/身份证号),
a detail panel (:mod:`villagevote.ui.pages.candidates_panels`: rule checklist with the effective status of each bar,
review steps, county sign-offs, kinship flags, actions to record findings and decisions), registration and its
import (background job with preview), the template, prints, the county joint-review round trip and the rule
catalogs.

The list is read once per change (:func:`villagevote.qualification.queries.candidate_list` on the database worker)
and filtered in memory by the proxy: typing in the search box runs no query.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.candidates.importing import ImportResult, commit_import, preview_import
from villagevote.candidates.rowcheck import ImportPreview
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import CandidacyStatus, OrgKind
from villagevote.qualification.queries import (
    CandidateListRow,
    PageHeader,
    candidate_list,
    page_header,
    registration_choices,
)
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.reports.registry import Options
from villagevote.ui.dialogs import county_review
from villagevote.ui.dialogs.candidates_catalog import CatalogDialog
from villagevote.ui.dialogs.candidates_import import ImportPreviewDialog
from villagevote.ui.dialogs.candidates_person import PersonDialog
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.base import Page
from villagevote.ui.pages.candidates_panels import CandidateFilter, CandidateFilterProxy, DetailPanel, table
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button, combo_enum, enum_combo

__all__ = ["COLUMNS", "CandidatesPage"]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
COLUMNS = [Column(tr("村"), field="village"), Column(tr("组织"), field="org"), Column(tr("职务"), field="post"),
           Column(tr("姓名"), kind="name", field="name"), Column(tr("性别"), field="gender"),
           Column(tr("年龄"), _RIGHT, kind="number", field="age"), Column(tr("政治面貌"), field="political_status"),
           Column(tr("推荐方式"), field="source"), Column(tr("状态"), field="status_label"),
           Column(tr("核查结论"), field="verdict"), Column(tr("亲属回避"), field="kinship")]

_ROW_COLORS = {
    VerdictOutcome.DISQUALIFIED: QColor("#ffebee"),
    VerdictOutcome.ADVISED_WITHDRAW: QColor("#fff3e0"),
    VerdictOutcome.QUALIFIED: QColor("#e8f5e9"),
}
_KIN_COLOR = QColor("#fce4ec")


def _row_color(row: CandidateListRow) -> QColor | None:
    return _KIN_COLOR if row.kinship else _ROW_COLORS.get(row.outcome) if row.outcome else None


class CandidatesPage(Page):
    # findings and reviews (qualification), persons and candidacies, a refused pledge (a finding), the cycle and
    # its catalog (township)
    AREAS = frozenset({Area.CANDIDATES, Area.QUALIFICATION, Area.PLEDGES, Area.TOWNSHIP})

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.cycle_id: int | None = None
        self.sensitive = ctx.can(Permission.VIEW_SENSITIVE)
        self._village: int | None = ctx.village_id  # the village chosen here or in the main window
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
        layout.addLayout(self._build_filters())
        layout.addLayout(self._build_actions())

        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split, 1)
        self.model = RowsModel.from_rows(COLUMNS, [], parent=self)
        self.proxy = CandidateFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = table()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)
        self.detail = DetailPanel(ctx, self)
        split.addWidget(self.detail)
        split.setSizes([640, 560])
        self._enable_actions()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_selected(cur))
        ctx.village_changed.connect(self._village_changed)
        self.reload()

    # ------------------------------------------------------------------------------------------------ layout
    def _build_filters(self) -> QHBoxLayout:
        filters = QHBoxLayout()
        self.village_box = QComboBox()
        self.village_box.addItem(tr("全部村"), None)
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
            widget.currentIndexChanged.connect(lambda _i: self._filter())
        filters.addWidget(self.search, 1)
        self.search.textChanged.connect(lambda _t: self._filter())
        return filters

    def _build_actions(self) -> QHBoxLayout:
        actions = QHBoxLayout()
        self.add_btn = QPushButton(tr("登记候选人…"))
        self.import_btn = QPushButton(tr("导入登记表…"))
        self.template_btn = QPushButton(tr("导出登记表模板…"))
        self.forms_btn = QPushButton(tr("打印资格审查表…"))
        self.notice_btn = QPushButton(tr("打印名单公示…"))
        self.county_export_btn = QPushButton(tr("导出县级联审表…"))
        self.county_import_btn = QPushButton(tr("导入县级联审意见…"))
        slots = (self._register, self._import, self._template, self._print_forms, self._print_notice,
                 lambda: county_review.run_county_export(self, self.ctx),
                 lambda: county_review.run_county_import(self, self.ctx))
        for b, slot in zip((self.add_btn, self.import_btn, self.template_btn, self.forms_btn, self.notice_btn,
                            self.county_export_btn, self.county_import_btn), slots):
            actions.addWidget(b)
            b.clicked.connect(lambda _c=False, f=slot: f())
        actions.addStretch(1)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        return actions

    def _enable_actions(self) -> None:
        can_edit, can_review = self.ctx.can(Permission.EDIT), self.ctx.can(Permission.REVIEW)
        has_cycle = self.cycle_id is not None
        self.add_btn.setEnabled(can_edit and has_cycle)
        self.import_btn.setEnabled(can_edit and has_cycle)
        self.forms_btn.setEnabled(self.sensitive)
        self.county_export_btn.setEnabled(self.sensitive)
        self.county_import_btn.setEnabled(self.sensitive and (can_edit or can_review))
        self.catalog_btn.setToolTip(tr("查看资格条件目录；管理员可复制、修改、增加兜底条件并选定本届使用的版本")
                                    if can_review or can_edit else "")

    # ------------------------------------------------------------------------------------------------ data
    def fetch(self, session: Any) -> tuple[PageHeader, list[CandidateListRow]]:
        header = page_header(session)
        rows = candidate_list(session, header.cycle_id, self.sensitive) if header.cycle_id is not None else []
        return header, rows

    def show_data(self, data: tuple[PageHeader, list[CandidateListRow]]) -> None:
        header, rows = data
        self._show_header(header)
        selected = self.detail.current_id
        old = self.model
        self.model = RowsModel.from_rows(COLUMNS, rows, parent=self, row_brush=_row_color)
        self.proxy.setSourceModel(self.model)
        old.deleteLater()
        self._filter()
        if selected is None or not self.select_candidacy(selected):
            self.detail.show_candidacy(None)

    def _show_header(self, header: PageHeader) -> None:
        self.cycle_id = self.detail.cycle_id = header.cycle_id
        wanted = self._village
        self.village_box.blockSignals(True)
        self.village_box.clear()
        self.village_box.addItem(tr("全部村"), None)
        for vid, name in header.villages:
            self.village_box.addItem(name, vid)
        self.village_box.setCurrentIndex(max(0, self.village_box.findData(wanted)))
        self.village_box.blockSignals(False)
        if header.cycle_id is None:
            self.cycle_label.setText(tr("还没有换届届次。请先在「乡镇与届次」中建立届次。"))
        else:
            self.cycle_label.setText(
                tr("<b>{cycle}</b>　选举日 {day}　资格条件目录：{catalog}").format(
                    cycle=html.escape(header.cycle_name), day=header.election_day,
                    catalog=html.escape(header.catalog) or tr("（尚未选定）")))
        self.banner.setVisible(header.cycle_id is not None and not header.catalog)
        self.banner.setText(tr("本届尚未选定资格条件目录，不能记录核查结果。请管理员点击「资格条件目录…」，"
                               "选择「浙江省 五不能、六不宜（2013）」或「通用（2018年后）」目录（可先复制后修改），"
                               "再点「用于本届换届」。"))
        self._enable_actions()

    def _village_changed(self, village_id: int | None) -> None:
        self._village = village_id
        self.village_box.setCurrentIndex(max(0, self.village_box.findData(village_id)))

    def _filter(self) -> None:
        """Apply the filter boxes to the loaded list (in memory: no query)."""
        self._village = self.village_box.currentData()

        def change(criteria: CandidateFilter) -> None:
            criteria.village_id = self._village
            criteria.org_kind = combo_enum(self.org_box, OrgKind)
            criteria.status = combo_enum(self.status_box, CandidacyStatus)
            criteria.outcome = combo_enum(self.verdict_box, VerdictOutcome)
            criteria.text = self.search.text().strip()

        self.proxy.refilter(change)
        self.count_label.setText(tr("共 {n} 人次").format(n=self.proxy.rowCount()))
        current = self.detail.current_id
        if current is not None and self._proxy_row(current) is None:
            self.table.clearSelection()
            self.detail.show_candidacy(None)

    def visible_rows(self) -> list[CandidateListRow]:
        """The rows the list shows, in its order."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def _proxy_row(self, candidacy_id: int) -> int | None:
        for r in range(self.proxy.rowCount()):
            if self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).id == candidacy_id:
                return r
        return None

    def _row_selected(self, index: QModelIndex) -> None:
        if not index.isValid():
            self.detail.show_candidacy(None)
            return
        self.detail.show_candidacy(self.model.row_at(self.proxy.mapToSource(index).row()).id)

    def select_candidacy(self, candidacy_id: int) -> bool:
        """Select ``candidacy_id`` in the list (and show it) when the filters let it through."""
        row = self._proxy_row(candidacy_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.detail.show_candidacy(candidacy_id)  # (re)load: the change that brought us here may concern it
        return True

    # ------------------------------------------------------------------------------------------------ actions
    def _register(self) -> None:
        cycle_id = self.cycle_id
        if cycle_id is None:
            return

        def ask(choices: Any) -> None:
            PersonDialog.ask(self, self.ctx, choices, self.village_box.currentData(), on_saved=self._registered)

        self.ctx.query(lambda s: registration_choices(s, cycle_id), ask, parent=self)

    def _registered(self, candidacy_id: int) -> None:
        """Called right after the write commits, before the page's reload arrives: that reload selects it."""
        self.detail.current_id = candidacy_id

    def _catalogs(self) -> None:
        CatalogDialog.show_for(self.ctx, self)

    # ------------------------------------------------------------------------------------------------ files
    def _import(self) -> None:
        cycle_id = self.cycle_id
        if cycle_id is None:
            return
        path = Ask.open_file(self, tr("导入候选人登记表"), tr("工作簿 (*.xlsx *.xlsm *.xls *.ods)"))
        if not path:
            return
        actor, db, name = self.ctx.actor, self.ctx.db, Path(path).name

        # Both steps report progress, so they are jobs that open their own session (reading, then one write).
        def check(progress: Any) -> ImportPreview:
            with db.read_session() as s:
                return preview_import(s, cycle_id, path, progress=progress)

        def checked(preview: ImportPreview) -> None:
            choice = ImportPreviewDialog.ask(self, preview, name)
            if choice is None:
                return

            def write(progress: Any) -> ImportResult:
                with db.session() as s:
                    return commit_import(s, actor, cycle_id, preview, only_good_rows=(choice == "good"),
                                         progress=progress, source_name=name)

            def written(result: ImportResult) -> None:
                self.ctx.announce(Area.CANDIDATES)
                Ask.info(self, tr("导入完成"), result.summary())

            self.ctx.jobs.submit(write, title=tr("正在导入……"), on_done=written, on_error=self._job_error,
                                 parent=self)

        self.ctx.jobs.submit(check, title=tr("正在检查登记表……"), on_done=checked, on_error=self._job_error,
                             parent=self)

    def _job_error(self, exc: BaseException, _tb: str) -> None:
        show_error(self, exc, tr("导入未完成"))

    def _village_name(self) -> str | None:
        return self.village_box.currentText() if self.village_box.currentData() is not None else None

    def _template(self) -> None:
        produce(self, self.ctx, "export", "candidate-template", Options(), file_name=tr("候选人登记表模板"))

    def _print_forms(self) -> None:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.row_at(r).id for r in rows]
        extra = {"ids": ",".join(str(i) for i in ids)} if ids else {}
        if self.cycle_id is not None:
            extra["cycle"] = str(self.cycle_id)
        produce(self, self.ctx, "print", "qualification-forms", Options(village=self._village_name(), extra=extra),
                file_name=tr("{v}资格审查表").format(v=self._village_name() or ""))

    def _print_notice(self) -> None:
        village = self._village_name()
        if village is None:
            Ask.info(self, tr("打印名单公示"), tr("名单公示按村打印，请先在上方选择村。"))
            return
        produce(self, self.ctx, "print", "candidate-notice", Options(village=village),
                file_name=tr("{v}候选人名单公示").format(v=village))
