"""Importing a voter list: check the file (background job), show every bad row, adjust the column mapping, then
import in one transaction (background job with progress and cancel)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.voters_pick import fill_villages
from villagevote.ui.widgets import button
from villagevote.ui.workers import Cancelled
from villagevote.voters.importer import check_settings, header_signature, import_parsed, remembered_mapping
from villagevote.voters.queries import current_cycle_id
from villagevote.voters.workbook import FIELDS, ParsedSheet, column_letter, read_sheet, read_voter_workbook

__all__ = ["ImportDialog", "start_import"]


def start_import(parent: QWidget, ctx: AppContext, village_id: int | None) -> ImportDialog | None:
    path = Ask.open_file(parent, tr("选择选民名单文件"), tr("表格文件 (*.xlsx *.xls *.ods *.xlsm)"))
    if not path:
        return None
    dialog = ImportDialog(parent, ctx, Path(path), village_id)
    dialog.check()
    dialog.open()
    return dialog


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, ctx: AppContext, path: Path, village_id: int | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.parsed: ParsedSheet | None = None
        self.summary_text = ""
        self.setWindowTitle(tr("导入选民名单"))
        self.resize(760, 620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("文件："), QLabel(str(path)))
        self.village = QComboBox()
        fill_villages(ctx, self.village, village_id, first=tr("按表格中的「所在村」列（全镇名单）"))
        form.addRow(tr("导入到："), self.village)
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("如：派出所、村报送（同一来源下次自动沿用列对应）"))
        form.addRow(tr("名单来源："), self.source)
        self.sheet = QComboBox()
        self.sheet.currentIndexChanged.connect(lambda _i: self._sheet_picked())
        form.addRow(tr("工作表："), self.sheet)
        self.create_groups = QCheckBox(tr("表中有本村没有的村民小组时自动新建"))
        form.addRow("", self.create_groups)
        layout.addLayout(form)

        box = QGroupBox(tr("列对应（自动识别，可修改）"))
        self.mapping_form = QFormLayout(box)
        self.combos: dict[str, QComboBox] = {}
        for spec in FIELDS:
            combo = QComboBox()
            combo.addItem(tr("（无此列）"), "")
            self.combos[spec.key] = combo
            self.mapping_form.addRow(spec.label + "：", combo)
        layout.addWidget(box)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        buttons = QHBoxLayout()
        self.check_button = button(tr("按以上设置重新检查"), lambda: self.check(use_form=True))
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        self.import_button = button(tr("导入"), self.do_import)
        self.import_button.setEnabled(False)
        buttons.addWidget(self.import_button)
        close = button(tr("关闭"), self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    # ---- checking ------------------------------------------------------------------------------------------------
    def form_mapping(self) -> dict[str, Any]:
        return {key: combo.currentData() for key, combo in self.combos.items()}

    def _sheet_picked(self) -> None:
        # another sheet has other columns: detect them afresh
        self.check(use_form=False, sheet=self.sheet.currentText() or None)

    def check(self, use_form: bool = False, sheet: str | None = None) -> None:
        mapping = self.form_mapping() if use_form else None
        if mapping is not None and not any(mapping.values()):
            mapping = None
        if use_form:
            sheet = self.sheet.currentText() or None
        source = self.source.text().strip()
        self.import_button.setEnabled(False)
        self.report.setPlainText(tr("正在检查文件…"))
        path, db = self.path, self.ctx.db

        def job(progress):
            def report(i: int, n: int) -> None:
                progress(i / max(n, 1), tr("正在检查第 {i} / {n} 行…").format(i=i, n=n))
            nonlocal mapping
            ages: dict[str, Any] = {}  # persons under age on the election day are row errors at the check already
            with db.read_session() as s:
                if mapping is None and source:
                    mapping = remembered_mapping(s, source)
                cycle_id = current_cycle_id(s)
                ages["election_day"], ages["min_age"] = check_settings(s, cycle_id)
            try:
                parsed = read_voter_workbook(path, sheet=sheet, mapping=mapping, progress=report, **ages)
            except ValidationError as exc:
                try:
                    raw = read_sheet(path, sheet)
                    first = next((r for r in raw.rows if any(str(v).strip() for v in r)), [])
                    headers = {i: str(v).strip() for i, v in enumerate(first) if str(v).strip()}
                    return exc, raw.sheet_names, raw.name, headers
                except UserError:
                    return exc, [], "", {}
            if mapping is None:
                # a layout seen before: use the mapping remembered for it
                with db.read_session() as s:
                    remembered = remembered_mapping(s, signature=header_signature(
                        [h for _, h in sorted(parsed.columns.values())] + list(parsed.unmapped.values())))
                if remembered and remembered != parsed.mapping():
                    parsed = read_voter_workbook(path, sheet=parsed.sheet_name, mapping=remembered, progress=report,
                                                 **ages)
            return parsed

        self.ctx.jobs.submit(job, title=tr("检查选民名单"), parent=self, on_done=self._checked,
                             on_error=lambda exc, _tb: self._failed(exc))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.report.setPlainText(str(exc))
        else:
            show_error(self, exc)

    def _fill_combos(self, headers: dict[int, str], chosen: dict[str, int]) -> None:
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("（无此列）"), "")
            for col, text in sorted(headers.items()):
                combo.addItem(f"{column_letter(col)}  {text}", column_letter(col))
            if key in chosen:
                combo.setCurrentIndex(max(combo.findData(column_letter(chosen[key])), 0))
            combo.blockSignals(False)

    def _fill_sheets(self, names: list[str], current: str) -> None:
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(names)
        self.sheet.setCurrentText(current)
        self.sheet.blockSignals(False)

    def _checked(self, result: Any) -> None:
        if isinstance(result, tuple):
            exc, names, current, headers = result
            self._fill_sheets(names, current)
            self._fill_combos(headers, {})
            self.report.setPlainText(str(exc) + "\n\n" + tr("请在上方选择工作表并指定各列，然后点“按以上设置重新检查”。"))
            self.parsed = None
            return
        parsed: ParsedSheet = result
        self.parsed = parsed
        self._fill_sheets(parsed.sheet_names, parsed.sheet_name)
        headers = {c: h for c, h in parsed.columns.values()}
        headers.update(parsed.unmapped)
        self._fill_combos(headers, {k: c for k, (c, _h) in parsed.columns.items()})
        lines = [tr("工作表「{s}」，表头在第 {r} 行；可导入 {n} 行。").format(
            s=parsed.sheet_name, r=parsed.header_row, n=parsed.row_count)]
        lines += parsed.hints
        if parsed.skipped:
            lines.append(tr("跳过 {n} 行表尾说明。").format(n=len(parsed.skipped)))
        if parsed.under_age:
            lines.append(tr("{n} 人选举日未满18周岁，不列入选民名单（不导入）：").format(n=len(parsed.under_age)))
            lines += [tr("第 {row} 行 {why}").format(row=row, why=why) for row, why in parsed.under_age[:50]]
            if len(parsed.under_age) > 50:
                lines.append(tr("……另有 {n} 人").format(n=len(parsed.under_age) - 50))
        if parsed.errors:
            lines.append(tr("发现 {n} 处错误，改正后才能导入（不会只导入一部分）：").format(n=len(parsed.errors)))
            lines += [str(e) for e in parsed.errors[:300]]
            if len(parsed.errors) > 300:
                lines.append(tr("……另有 {n} 处").format(n=len(parsed.errors) - 300))
        else:
            lines.append(tr("检查通过，可以导入。"))
        self.report.setPlainText("\n".join(lines))
        self.import_button.setEnabled(parsed.ok and parsed.row_count > 0)

    # ---- importing -----------------------------------------------------------------------------------------------
    def do_import(self) -> None:
        parsed = self.parsed
        if parsed is None:
            return
        village_id = self.village.currentData()
        source = self.source.text().strip()
        create = self.create_groups.isChecked()
        actor, db = self.ctx.actor, self.ctx.db
        self.import_button.setEnabled(False)

        def job(progress):
            with db.session() as s:  # one transaction with progress: cancel or any error rolls everything back
                return import_parsed(s, actor, parsed, current_cycle_id(s), village_id, source=source,
                                     create_groups=create, progress=progress)

        def done(summary) -> None:
            self.summary_text = summary.text()
            self.report.setPlainText(self.summary_text)
            self.ctx.announce(Area.VOTERS)
            Ask.info(self, tr("导入完成"), self.summary_text)
            self.accept()

        def failed(exc: BaseException, _tb: str) -> None:
            if isinstance(exc, Cancelled):
                self.report.setPlainText(tr("已取消导入，名单未作任何改动。"))
            elif isinstance(exc, UserError):
                self.report.setPlainText(str(exc))
            else:
                show_error(self, exc)
            self.import_button.setEnabled(True)

        self.ctx.jobs.submit(job, title=tr("导入选民名单"), parent=self, on_done=done, on_error=failed)
