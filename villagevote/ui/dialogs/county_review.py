"""County joint review (县级联审) dialogs: export the workbook, preview and confirm the returned one.

The candidates page calls :func:`run_county_export` (the ``county-review`` export of the registry, through
``ui.printing.produce``) and :func:`run_county_import`. Nothing is written by the import until the user confirms a
preview without errors; the preview is read on the database worker, the import is one write transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.qualification.county_review import (
    ApplyResult,
    CountyDecisionPlan,
    CountyImportPreview,
    apply_county_decisions,
    apply_county_import,
    plan_county_decisions,
    preview_county_import,
)
from villagevote.qualification.queries import CountyExportOverview, county_export_overview, require_cycle_id
from villagevote.reports.registry import Options
from villagevote.ui.dialogs.common import Ask, ok_cancel
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy

__all__ = ["CountyExportDialog", "CountyImportDialog", "run_county_export", "run_county_import"]



class CountyExportDialog(QDialog):
    """Choose the departments; shows who will be in the workbook and warns that it carries ID numbers."""

    def __init__(self, parent: QWidget | None, departments: list[str], count: int, township: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("导出县级联审表"))
        self.setObjectName("county_export_dialog")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("{township}：已通过乡镇复审、待县级联审的候选人共 {n} 人。").format(
            township=township, n=count)))
        warning = QLabel(tr("联审表含完整身份证号码，只发给县级联审部门，请妥善保管，勿公开张贴。"
                            "县里填好后请原文件返回，再用“导入县级联审意见”读回。"))
        warning.setStyleSheet("color: #a33;")
        warning.setWordWrap(True)
        layout.addWidget(warning)
        layout.addWidget(QLabel(tr("参加联审的部门（每个部门一组“有无情况、意见、经办人、日期”）：")))
        self.list = QListWidget()
        for dept in departments:
            item = QListWidgetItem(dept)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        layout.addWidget(ok_cancel(self, self._accept, tr("导出…")))
        self.resize(460, 420)

    def chosen(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _accept(self) -> None:
        if not self.chosen():
            Ask.error(self, tr("导出县级联审表"), tr("请至少选择一个部门。"))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, departments: list[str], count: int, township: str) -> list[str] | None:
        """The departments to export, or None when cancelled (tests replace this)."""
        dialog = cls(parent, departments, count, township)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


RESULT_AREAS = frozenset({Area.QUALIFICATION, Area.CANDIDATES})


def run_county_export(parent: QWidget | None, ctx: Any, on_done: Callable[[Path], None] | None = None) -> None:
    """Choose the departments, then export the joint-review workbook of the current cycle (the registry's
    ``county-review`` export: asks where to save, logs the export, offers to open the file)."""
    title = tr("导出县级联审表")
    if not ctx.can(Permission.VIEW_SENSITIVE):
        Ask.error(parent, title, tr("当前用户无权查看完整身份证号码，不能导出联审表。"))
        return

    def chosen(overview: CountyExportOverview) -> None:
        departments = CountyExportDialog.ask(parent, overview.departments, overview.count, overview.township)
        if not departments:
            return
        options = Options(extra={"departments": ",".join(departments), "cycle": str(overview.cycle_id)})
        name = tr("{township}县级联审表_{day}").format(township=overview.township, day=f"{dt.date.today():%Y%m%d}")
        produce(parent, ctx, "export", "county-review", options, file_name=name,  # type: ignore[arg-type]  # None = no parent
                on_done=on_done)

    ctx.query(county_export_overview, chosen, title=title, parent=parent)


class CountyImportDialog(QDialog):
    """Shows a preview: problems (errors first) and the changes; 确认导入 only for a clean preview with changes."""

    def __init__(self, parent: QWidget | None, preview: CountyImportPreview) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(tr("导入县级联审意见 — 预览"))
        self.setObjectName("county_import_dialog")
        layout = QVBoxLayout(self)
        head = QLabel(tr("文件：{name}（导出编号 {id}，{township}）").format(
            name=preview.path.name, id=preview.export_id, township=preview.township))
        layout.addWidget(head)
        self.summary = QLabel(preview.summary())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        if preview.errors:
            state = QLabel(tr("有错误，不能导入。请让县里改正后返回，或改正原文件后重新选择。数据库未作任何改动。"))
            state.setStyleSheet("color: #a33; font-weight: bold;")
        elif not preview.change_count:
            state = QLabel(tr("没有需要更新的内容（同一文件已导入过）。"))
        else:
            state = QLabel(tr("检查通过。确认后一次写入全部部门意见和核查结果。"))
            state.setStyleSheet("color: #262;")
        state.setWordWrap(True)
        layout.addWidget(state)

        tabs = QTabWidget()
        issues = [(tr("错误"), i.row or "", i.name, i.department, i.message) for i in preview.errors]
        issues += [(tr("提醒"), i.row or "", i.name, i.department, i.message) for i in preview.warnings]
        self.issue_model = RowsModel.from_rows(
            [Column(tr("类别")), Column(tr("行号"), kind="number"), Column(tr("姓名"), kind="name"), Column(tr("部门")),
             Column(tr("问题"))], issues,
            parent=self, row_brush=lambda r: QColor("#fbe3e3") if r[0] == tr("错误") else None)
        tabs.addTab(self._table(self.issue_model), tr("问题（{n}）").format(n=len(issues)))
        changes = [(s.name, s.department, tr("部门意见"), tr("新增") if s.is_new else tr("更新"),
                    (tr("有") if s.has_issue else tr("无")) + (f"：{s.opinion}" if s.opinion else ""))
                   for s in preview.signoffs]
        changes += [(f.name, f.department, f.rule_code, f.before.label if f.before else tr("（未记录）"),
                     f.result.label + (f"，{f.event_date.isoformat()}" if f.event_date else ""))
                    for f in preview.findings]
        self.change_model = RowsModel.from_rows(
            [Column(tr("姓名"), kind="name"), Column(tr("部门")), Column(tr("项目")), Column(tr("原来")),
             Column(tr("导入后"))],
            changes, parent=self,
            row_brush=lambda r: QColor("#fff3cd") if r[4].startswith((tr("有"), tr("存疑"))) else None)
        tabs.addTab(self._table(self.change_model), tr("将写入（{n}）").format(n=len(changes)))
        tabs.setCurrentIndex(0 if issues else 1)
        layout.addWidget(tabs, 1)

        buttons = QDialogButtonBox()
        self.confirm_button = QPushButton(tr("确认导入"))
        self.confirm_button.setEnabled(preview.clean and preview.change_count > 0)
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(920, 560)

    def _table(self, model: RowsModel) -> QTableView:
        view = QTableView()
        view.setModel(sorting_proxy(model, view))
        view.setSortingEnabled(True)
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setWordWrap(True)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    @classmethod
    def ask(cls, parent: QWidget | None, preview: CountyImportPreview) -> bool:
        """True when the user confirmed the import (tests replace this)."""
        dialog = cls(parent, preview)
        return dialog.exec() == QDialog.DialogCode.Accepted


def run_county_import(parent: QWidget | None, ctx: Any, path: str | Path | None = None) -> None:
    """Pick the returned workbook, preview it on the database worker, and apply it after confirmation."""
    title = tr("导入县级联审意见")
    if not (ctx.can(Permission.EDIT) or ctx.can(Permission.REVIEW)):
        Ask.error(parent, title, tr("当前用户无权导入县级联审意见。"))
        return
    chosen = path or Ask.open_file(parent, title, tr("联审表 (*.xlsx *.xls *.ods);;所有文件 (*)"))
    if not chosen:
        return
    source = Path(chosen)
    ctx.query(lambda s: preview_county_import(s, source, require_cycle_id(s)),
              lambda preview: _confirm_and_apply(parent, ctx, preview),
              title=tr("正在检查联审表…"), parent=parent)


def _confirm_and_apply(parent: QWidget | None, ctx: Any, preview: CountyImportPreview) -> None:
    title = tr("导入县级联审意见")
    if not CountyImportDialog.ask(parent, preview):
        return

    def applied(result: ApplyResult) -> None:
        Ask.info(parent, title, tr("已导入：部门意见 {s} 条，核查结果 {f} 条。各候选人的资格结论已按新结果重新计算。").format(
            s=result.signoffs, f=result.findings))
        _offer_county_decisions(parent, ctx, preview.cycle_id)

    ctx.write(lambda s: apply_county_import(s, ctx.actor, preview), RESULT_AREAS, on_done=applied, title=title,
              parent=parent)


def _offer_county_decisions(parent: QWidget | None, ctx: Any, cycle_id: int) -> None:
    """After an import: offer to record the 县级联审 decisions the imported answers support (a reviewer confirms)."""
    if not ctx.can(Permission.REVIEW):
        return
    title = tr("按联审表记录县级联审结论")

    def offer(plan: CountyDecisionPlan) -> None:
        if not plan.decisions:
            return
        text = tr("根据已导入的联审意见，可以为以下 {n} 项候选人登记记录县级联审结论（审查人记为县委组织部）：\n\n{lines}"
                  "\n\n确认记录吗？").format(n=len(plan.decisions), lines=plan.summary())
        if not Ask.confirm(parent, title, text):
            return
        ctx.write(lambda s: apply_county_decisions(s, ctx.actor, plan), RESULT_AREAS, title=title, parent=parent,
                  on_done=lambda count: Ask.info(parent, title, tr("已记录县级联审结论 {n} 项。").format(n=count)))

    ctx.query(lambda s: plan_county_decisions(s, cycle_id), offer, title=title, parent=parent)
