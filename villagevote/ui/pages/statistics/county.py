"""县级汇总 — the county mode (issue 19 item 5): choose the townships' sealed workbooks, verify and merge them, see
which were accepted, superseded (a higher 报送序号) or refused and why, and save the county workbook (the same layout:
a city merges county files the same way).

It needs no township database: the login dialog offers it (a county office has no township file to log in to), and
the 统计上报 page opens it too. The merge (:func:`villagevote.statistics.merge.merge_files`, reading every file with
python-calamine) and the writing run as background jobs with a progress dialog and can be cancelled; nothing here
touches a database.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from villagevote.i18n import tr
from villagevote.statistics.merge import ACCEPTED, REFUSED, MergeResult, merge_files, write_county
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.tracking.common import current_row, rows_model, set_rows, table
from villagevote.ui.printing import open_file
from villagevote.ui.table_model import Column
from villagevote.ui.widgets import button
from villagevote.ui.workers import JobRunner, Progress

__all__ = ["CountyMergeDialog", "open_county_mode"]

WORKBOOKS = tr("统计工作簿 (*.xlsx);;所有文件 (*)")

COLUMNS = [
    Column(tr("处理"), field="status_label"),
    Column(tr("文件"), field="file"),
    Column(tr("区划代码"), field="unit_code"),
    Column(tr("单位"), field="unit_name"),
    Column(tr("报送序号"), kind="number", field="serial_text"),
    Column(tr("填表人"), kind="name", field="filled_by"),
    Column(tr("审核人"), kind="name", field="reviewed_by"),
    Column(tr("原因"), field="reason_line"),
]
_SUPERSEDED_BG = QColor("#fff4e0")


class _OutcomeRow:
    """A :class:`~villagevote.statistics.merge.FileOutcome` as the table shows it."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.id = str(outcome.path)
        self.status = outcome.status
        self.status_label = outcome.status_label
        self.file = outcome.path.name
        self.unit_code = outcome.unit_code
        self.unit_name = outcome.unit_name
        self.serial_text = str(outcome.serial) if outcome.serial else ""
        self.filled_by = outcome.filled_by
        self.reviewed_by = outcome.reviewed_by
        self.reason = outcome.reason
        self.reason_line = " ".join(line.strip() for line in outcome.reason.splitlines())


def _brush(row: _OutcomeRow) -> QColor | None:
    if row.status == REFUSED:
        return QColor("#fdecea")
    if row.status != ACCEPTED:
        return _SUPERSEDED_BG
    return None


class CountyMergeDialog(QDialog):
    """Files to merge on the left, the outcome of each file on the right, the reason of the one selected below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("县级汇总：校验并汇总各乡镇报送的统计工作簿"))
        self.resize(1080, 640)
        self.jobs = JobRunner(self)
        self.files: list[Path] = []
        self.merged: MergeResult | None = None
        self.saved: Path | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(tr("选择各乡镇报送的统计工作簿（封面有数据指纹的 .xlsx），点“校验并汇总”。每个文件都核对模板版本、"
                          "数据指纹、表内数字与 _data 是否一致及数字间的逻辑关系；同一乡镇报送序号较大的取代较小的，"
                          "重复报送的拒收。不需要打开乡镇数据库。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(tr("待汇总的文件")))
        self.file_list = QListWidget()
        self.file_list.setObjectName("county_files")
        left.addWidget(self.file_list, 1)
        row = QHBoxLayout()
        row.addWidget(button(tr("添加文件…"), self.add_files))
        row.addWidget(button(tr("移除"), self.remove_file))
        row.addWidget(button(tr("清空"), self.clear_files))
        left.addLayout(row)
        form = QFormLayout()
        self.unit_name = QLineEdit()
        self.unit_name.setPlaceholderText(tr("如 某某县（默认“汇总”）"))
        self.unit_code = QLineEdit()
        self.unit_code.setPlaceholderText(tr("默认取各乡镇区划代码的共同前缀"))
        self.filled_by = QLineEdit()
        self.reviewed_by = QLineEdit()
        self.serial = QSpinBox()
        self.serial.setRange(1, 99)
        form.addRow(tr("汇总单位"), self.unit_name)
        form.addRow(tr("区划代码"), self.unit_code)
        form.addRow(tr("填表人"), self.filled_by)
        form.addRow(tr("审核人"), self.reviewed_by)
        form.addRow(tr("报送序号"), self.serial)
        left.addLayout(form)
        holder = QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(360)
        top.addWidget(holder)
        right = QVBoxLayout()
        self.summary = QLabel(tr("还没有汇总。"))
        self.summary.setWordWrap(True)
        self.summary.setObjectName("county_summary")
        right.addWidget(self.summary)
        self.model = rows_model(COLUMNS, row_brush=_brush)
        self.view: QTableView = table(self.model, self)
        right.addWidget(self.view, 2)
        self.detail = QTextBrowser()
        self.detail.setObjectName("county_reason")
        right.addWidget(self.detail, 1)
        top.addLayout(right, 1)
        layout.addLayout(top, 1)
        buttons = QHBoxLayout()
        self.merge_btn = button(tr("校验并汇总"), self.merge, False)
        self.save_btn = button(tr("保存汇总表…"), self.save, False)
        buttons.addWidget(self.merge_btn)
        buttons.addWidget(self.save_btn)
        buttons.addStretch(1)
        buttons.addWidget(button(tr("关闭"), self.reject))
        layout.addLayout(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_reason())

    # ------------------------------------------------------------------------------------------------ files
    def add_files(self) -> None:
        chosen = Ask.open_file(self, tr("选择乡镇报送的统计工作簿"), WORKBOOKS)
        if chosen:
            self.set_files([*self.files, Path(chosen)])

    def set_files(self, paths: list[Path]) -> None:
        seen: list[Path] = []
        for p in paths:
            if Path(p) not in seen:
                seen.append(Path(p))
        self.files = seen
        self.file_list.clear()
        for p in self.files:
            self.file_list.addItem(p.name)
            self.file_list.item(self.file_list.count() - 1).setToolTip(str(p))
        self.merge_btn.setEnabled(bool(self.files))
        self.merged = None
        self.save_btn.setEnabled(False)

    def remove_file(self) -> None:
        row = self.file_list.currentRow()
        if row < 0:
            Ask.info(self, tr("请先选择"), tr("请先在左边的列表中选中一个文件。"))
            return
        self.set_files([p for i, p in enumerate(self.files) if i != row])

    def clear_files(self) -> None:
        self.set_files([])

    # ------------------------------------------------------------------------------------------------ merge
    def merge(self) -> None:
        if not self.files:
            Ask.info(self, tr("没有文件"), tr("请先添加要汇总的统计工作簿。"))
            return
        files = list(self.files)
        code = self.unit_code.text().strip() or None
        name = self.unit_name.text().strip() or None

        def job(progress: Progress) -> MergeResult:
            return merge_files(files, unit_code=code, unit_name=name, progress=progress)

        self.jobs.submit(job, title=tr("校验并汇总"), parent=self, on_done=self.show_result,
                         on_error=lambda exc, _tb: show_error(self, exc))

    def show_result(self, result: MergeResult) -> None:
        self.merged = result
        rows = [_OutcomeRow(o) for o in result.outcomes]
        set_rows(self.model, rows)
        villages = len({(r.township_code, r.village_code) for r in result.rows if r.village_code})
        self.summary.setText(tr("共 {n} 个文件：汇总 {a} 个（{v} 个村），被更正取代 {s} 个，拒收 {r} 个。"
                                "报表 {code}，模板版本 {version}，统计时点 {period}。").format(
            n=len(result.outcomes), a=len(result.accepted), v=villages, s=len(result.superseded),
            r=len(result.refused), code=result.report_code or "—", version=result.template_version or "—",
            period=result.period or "—"))
        self.save_btn.setEnabled(bool(result.accepted))
        if rows:
            self.view.selectRow(0)
        self._show_reason()

    def _show_reason(self) -> None:
        row = current_row(self.view)
        if row is None:
            self.detail.setPlainText("")
            return
        text = tr("{file}：{status}").format(file=row.file, status=row.status_label)
        if row.outcome.sha256:
            text += "\n" + tr("数据指纹：{sha}").format(sha=row.outcome.sha256)
        if row.reason:
            text += "\n\n" + row.reason
        self.detail.setPlainText(text)

    def save(self) -> None:
        result = self.merged
        if result is None or not result.accepted:
            Ask.info(self, tr("没有可保存的汇总"), tr("请先校验并汇总；所有文件都被拒收时不生成汇总表。"))
            return
        suggested = tr("{name}{period}统计汇总.xlsx").format(name=result.unit_name, period=result.period)
        chosen = Ask.save_file(self, tr("保存汇总表"), WORKBOOKS, suggested)
        if not chosen:
            return
        out = Path(chosen)
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        filled, reviewed, serial = self.filled_by.text().strip(), self.reviewed_by.text().strip(), self.serial.value()

        def job(progress: Progress) -> Path:
            progress(0.1, tr("正在写汇总表……"))
            return write_county(result, out, filled_by=filled, reviewed_by=reviewed, serial=serial)

        def done(path: Path) -> None:
            self.saved = path
            if Ask.saved(self, tr("汇总表"), path):
                open_file(path)

        self.jobs.submit(job, title=tr("保存汇总表"), parent=self, on_done=done,
                         on_error=lambda exc, _tb: show_error(self, exc))

    def done(self, r: int) -> None:
        self.jobs.wait_idle()
        super().done(r)


def open_county_mode(parent: QWidget | None = None) -> None:
    """Run the county mode as a modal window over ``parent`` (the login dialog or the main window)."""
    dialog = CountyMergeDialog(parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.exec()
