"""County joint review (县级联审) dialogs: export the workbook, preview and confirm the returned one.

The candidates page calls :func:`run_county_export` and :func:`run_county_import`. Nothing is written by the import
until the user confirms a preview without errors.
"""
from __future__ import annotations

import datetime as dt
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
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.qualification.county_review import (
    CountyImportPreview,
    apply_county_decisions,
    apply_county_import,
    build_county_sheet,
    export_county_review,
    plan_county_decisions,
    preview_county_import,
)
from villagevote.qualification.review import county_departments
from villagevote.ui.dialogs.common import Ask, ok_cancel, show_error
from villagevote.ui.table_model import Column, RowsModel

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
        warning = QLabel(tr("联审表含完整身份证号码，只发给县级联审部门，请妥善保管，勿公开张贴。"))
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


def run_county_export(parent: QWidget | None, ctx: Any) -> Path | None:
    """Export the joint-review workbook for the current cycle; returns the written path or None."""
    title = tr("导出县级联审表")
    if not ctx.can(Permission.VIEW_SENSITIVE):
        Ask.error(parent, title, tr("当前用户无权查看完整身份证号码，不能导出联审表。"))
        return None
    cycle_id = ctx.cycle_id()
    if cycle_id is None:
        Ask.error(parent, title, tr("还没有换届届次，请先在“乡镇与届次”中建立。"))
        return None
    try:
        with ctx.session() as s:
            departments = county_departments(s, cycle_id)
            sheet = build_county_sheet(s, cycle_id)
    except UserError as exc:
        show_error(parent, exc, title)
        return None
    chosen = CountyExportDialog.ask(parent, departments, len(sheet.rows), sheet.township)
    if not chosen:
        return None
    default = tr("{township}县级联审表_{day}.xlsx").format(township=sheet.township, day=f"{dt.date.today():%Y%m%d}")
    target = Ask.save_file(parent, title, tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"), default)
    if not target:
        return None
    path = Path(target)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    try:
        with ctx.session() as s:
            written = export_county_review(s, ctx.actor, path, cycle_id, departments=chosen)
    except UserError as exc:
        show_error(parent, exc, title)
        return None
    Ask.info(parent, title, tr("已导出 {n} 人、{d} 个部门的联审表：\n{path}\n\n县里填好后请原文件返回，再用“导入县级联审意见”读回。").format(
        n=len(sheet.rows), d=len(chosen), path=written))
    return written


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
            [Column(tr("类别")), Column(tr("行号")), Column(tr("姓名")), Column(tr("部门")), Column(tr("问题"))], issues,
            parent=self, row_brush=lambda r: QColor("#fbe3e3") if r[0] == tr("错误") else None)
        tabs.addTab(self._table(self.issue_model), tr("问题（{n}）").format(n=len(issues)))
        changes = [(s.name, s.department, tr("部门意见"), tr("新增") if s.is_new else tr("更新"),
                    (tr("有") if s.has_issue else tr("无")) + (f"：{s.opinion}" if s.opinion else ""))
                   for s in preview.signoffs]
        changes += [(f.name, f.department, f.rule_code, f.before.label if f.before else tr("（未记录）"),
                     f.result.label + (f"，{f.event_date.isoformat()}" if f.event_date else ""))
                    for f in preview.findings]
        self.change_model = RowsModel.from_rows(
            [Column(tr("姓名")), Column(tr("部门")), Column(tr("项目")), Column(tr("原来")), Column(tr("导入后"))],
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
        view.setModel(model)
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
    """Pick the returned workbook, preview it in a background job, and apply after confirmation."""
    title = tr("导入县级联审意见")
    if not (ctx.can(Permission.EDIT) or ctx.can(Permission.REVIEW)):
        Ask.error(parent, title, tr("当前用户无权导入县级联审意见。"))
        return
    cycle_id = ctx.cycle_id()
    if cycle_id is None:
        Ask.error(parent, title, tr("还没有换届届次，请先在“乡镇与届次”中建立。"))
        return
    chosen = path or Ask.open_file(parent, title, tr("联审表 (*.xlsx *.xls *.ods);;所有文件 (*)"))
    if not chosen:
        return
    source = Path(chosen)

    def job(progress: Any) -> CountyImportPreview:
        progress(0.1, tr("正在读取 {name}…").format(name=source.name))
        with ctx.db.session() as s:
            result = preview_county_import(s, source, cycle_id)
        progress(1.0, "")
        return result

    def on_error(exc: BaseException, tb: str) -> None:
        if isinstance(exc, UserError):
            Ask.error(parent, title, str(exc))
        else:  # a bug: let the global hook show and log it
            raise exc

    ctx.jobs.submit(job, title=tr("正在检查联审表…"), parent=parent,
                    on_done=lambda preview: _confirm_and_apply(parent, ctx, preview), on_error=on_error)


def _confirm_and_apply(parent: QWidget | None, ctx: Any, preview: CountyImportPreview) -> None:
    title = tr("导入县级联审意见")
    if not CountyImportDialog.ask(parent, preview):
        return
    try:
        with ctx.session() as s:
            result = apply_county_import(s, ctx.actor, preview)
    except UserError as exc:
        show_error(parent, exc, title)
        return
    ctx.data_changed.emit("candidates")
    Ask.info(parent, title, tr("已导入：部门意见 {s} 条，核查结果 {f} 条。各候选人的资格结论已按新结果重新计算。").format(
        s=result.signoffs, f=result.findings))
    _offer_county_decisions(parent, ctx, preview.cycle_id)


def _offer_county_decisions(parent: QWidget | None, ctx: Any, cycle_id: int) -> None:
    """After an import: offer to record the 县级联审 decisions the imported answers support (a reviewer confirms)."""
    if not ctx.can(Permission.REVIEW):
        return
    title = tr("按联审表记录县级联审结论")
    with ctx.read_session() as s:
        plan = plan_county_decisions(s, cycle_id)
    if not plan.decisions:
        return
    text = tr("根据已导入的联审意见，可以为以下 {n} 项候选人登记记录县级联审结论（审查人记为县委组织部）：\n\n{lines}"
              "\n\n确认记录吗？").format(n=len(plan.decisions), lines=plan.summary())
    if not Ask.confirm(parent, title, text):
        return
    try:
        with ctx.session() as s:
            count = apply_county_decisions(s, ctx.actor, plan)
    except UserError as exc:
        show_error(parent, exc, title)
        return
    ctx.data_changed.emit("candidates")
    Ask.info(parent, title, tr("已记录县级联审结论 {n} 项。").format(n=count))
