"""Dialog: qualification rule catalogs — versions, their rules, copy to a new version, edit rules, add 兜底
conditions, and choose the version the current cycle uses (which freezes it). Reads through ``ctx.query``, writes
through ``ctx.write`` (the qualification area: the candidates page reloads its verdicts)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import RuleGrade
from villagevote.qualification import rulesets
from villagevote.qualification.queries import CatalogOverview, CatalogRule, catalog_overview, catalog_rules
from villagevote.ui.dialogs.candidates_finding import chosen
from villagevote.ui.dialogs.common import Ask, ok_cancel
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button, enum_combo

__all__ = ["CatalogDialog", "RuleEditDialog", "RuleFields"]


@dataclass(frozen=True)
class RuleFields:
    code: str
    grade: RuleGrade
    text: str
    window_years: int | None
    until_expiry: bool
    departments: str
    evidence_hint: str
    event_label: str


class RuleEditDialog(QDialog):
    def __init__(self, fields: RuleFields | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("编辑资格条件") if fields else tr("添加兜底条件"))
        self.setMinimumWidth(480)
        form = QFormLayout(self)
        self.code = QLineEdit(fields.code if fields else "D1")
        form.addRow(tr("编号"), self.code)
        self.grade = enum_combo(RuleGrade)
        self.grade.setCurrentIndex(self.grade.findData((fields.grade if fields else RuleGrade.FALLBACK).value))
        form.addRow(tr("等级"), self.grade)
        self.text = QLineEdit(fields.text if fields else "")
        form.addRow(tr("条件内容"), self.text)
        self.window_years_edit = QSpinBox()
        self.window_years_edit.setRange(0, 30)
        self.window_years_edit.setSpecialValueText(tr("不限年数"))
        self.window_years_edit.setValue(fields.window_years or 0 if fields else 0)
        form.addRow(tr("期限（年）"), self.window_years_edit)
        self.until = QCheckBox(tr("至期满日（如处分影响期）"))
        self.until.setChecked(bool(fields and fields.until_expiry))
        form.addRow("", self.until)
        self.event_label = QLineEdit(fields.event_label if fields else "")
        self.event_label.setPlaceholderText(tr("如：刑满释放日期"))
        form.addRow(tr("起算日期名称"), self.event_label)
        self.departments = QLineEdit(fields.departments if fields else "")
        self.departments.setPlaceholderText(tr("用顿号分隔，如：公安、法院"))
        form.addRow(tr("核查部门"), self.departments)
        self.hint = QLineEdit(fields.evidence_hint if fields else "")
        form.addRow(tr("证据提示"), self.hint)
        form.addRow(ok_cancel(self))

    def answer(self) -> RuleFields:
        return RuleFields(self.code.text().strip(), chosen(self.grade, RuleGrade), self.text.text().strip(),
                          self.window_years_edit.value() or None, self.until.isChecked(), self.departments.text().strip(),
                          self.hint.text().strip(), self.event_label.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, fields: RuleFields | None = None) -> RuleFields | None:
        dialog = cls(fields, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


class CatalogDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("资格条件目录"))
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        self.cycle_label = QLabel()
        layout.addWidget(self.cycle_label)
        split = QSplitter()
        layout.addWidget(split, 1)
        self.sets = QListWidget()
        self.sets.setWordWrap(True)
        split.addWidget(self.sets)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.source = QLabel()
        self.source.setWordWrap(True)
        rv.addWidget(self.source)
        self.rules = QTableView()
        self.rules.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rules.verticalHeader().setVisible(False)
        rv.addWidget(self.rules, 1)
        split.addWidget(right)
        split.setSizes([300, 680])
        row = QHBoxLayout()
        admin = ctx.can(Permission.ADMIN)
        self.copy_btn = QPushButton(tr("复制为新版本"))
        self.edit_btn = QPushButton(tr("编辑所选条件"))
        self.add_btn = QPushButton(tr("添加兜底条件"))
        self.delete_btn = QPushButton(tr("删除所选条件"))
        self.bind_btn = QPushButton(tr("用于本届换届"))
        for b in (self.copy_btn, self.edit_btn, self.add_btn, self.delete_btn, self.bind_btn):
            b.setEnabled(admin)
            row.addWidget(b)
        row.addStretch(1)
        close = button(tr("关闭"), self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        if not admin:
            layout.addWidget(QLabel(tr("只有管理员可以修改资格条件目录。")))
        self.copy_btn.clicked.connect(self._copy)
        self.edit_btn.clicked.connect(self._edit)
        self.add_btn.clicked.connect(self._add)
        self.delete_btn.clicked.connect(self._delete)
        self.bind_btn.clicked.connect(self._bind)
        self.sets.currentRowChanged.connect(lambda _row: self._show_rules())
        self._rules: list[CatalogRule] = []
        self.cycle_id: int | None = None
        self.reload()

    # data ------------------------------------------------------------------------------------------------------
    def _current_set(self) -> int | None:
        item = self.sets.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def reload(self, select_id: int | None = None) -> None:
        self.ctx.query(catalog_overview, lambda overview: self._show_sets(overview, select_id), parent=self)

    def _show_sets(self, overview: CatalogOverview, select_id: int | None) -> None:
        infos, bound = overview.sets, overview.bound_id
        self.cycle_id = overview.cycle_id
        self.cycle_label.setText(
            tr("当前届次：{c}；使用的目录：{r}").format(
                c=overview.cycle_name or tr("（尚未建立）"),
                r=next((f"{i.name} 第{i.version}版" for i in infos if i.id == bound), tr("（尚未选定）"))))
        current = select_id or self._current_set() or bound
        self.sets.blockSignals(True)
        self.sets.clear()
        for info in infos:
            mark = tr("（已用于：{c}，不能修改）").format(c="、".join(info.used_by)) if info.frozen else ""
            item = QListWidgetItem(tr("{name}\n第{v}版，{n}条{mark}").format(
                name=info.name, v=info.version, n=info.rule_count, mark=mark))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.sets.addItem(item)
            if info.id == current:
                self.sets.setCurrentItem(item)
        self.sets.blockSignals(False)
        if self.sets.currentRow() < 0 and self.sets.count():
            self.sets.setCurrentRow(0)
        self._show_rules()

    def _show_rules(self) -> None:
        rs_id = self._current_set()
        if rs_id is None:
            self._fill_rules("", [])
            return
        self.ctx.query(lambda s: catalog_rules(s, rs_id), lambda data: self._fill_rules(*data), parent=self)

    def _fill_rules(self, source: str, rules: list[CatalogRule]) -> None:
        self.source.setText(source)
        self._rules = rules
        rows = [(r.code, r.grade.label, r.text, r.limit, "、".join(r.departments), r.evidence_hint) for r in rules]
        model = RowsModel.from_rows([Column(tr("编号")), Column(tr("等级")), Column(tr("条件")), Column(tr("期限")),
                                     Column(tr("核查部门")), Column(tr("证据提示"))], rows, parent=self)
        old = self.rules.model()
        self.rules.setModel(model)
        if old is not None:
            old.deleteLater()
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(5, 180)
        self.rules.setWordWrap(True)
        self.rules.resizeRowsToContents()

    def _selected_rule(self) -> CatalogRule | None:
        idx = self.rules.currentIndex()
        return self._rules[idx.row()] if idx.isValid() and idx.row() < len(self._rules) else None

    # actions ---------------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None) -> None:
        self.ctx.write(fn, Area.QUALIFICATION, on_done=on_done or (lambda _r: self.reload()), parent=self)

    def _copy(self) -> None:
        rs_id = self._current_set()
        if rs_id is None:
            return
        name = Ask.text(self, tr("复制为新版本"), tr("新版本名称（同名则版本号加一）："),
                        self.sets.currentItem().text().split("\n")[0])
        if name is None:
            return
        actor = self.ctx.actor
        self._run(lambda s: rulesets.copy_rule_set(s, actor, rs_id, name), on_done=lambda new_id: self.reload(new_id))

    def _edit(self) -> None:
        r = self._selected_rule()
        if r is None:
            Ask.info(self, tr("编辑资格条件"), tr("请先在右侧选中一条条件。"))
            return
        fields = RuleFields(r.code, r.grade, r.text, r.window_years, r.until_expiry, "、".join(r.departments),
                            r.evidence_hint, r.event_label)
        answer = RuleEditDialog.ask(self, fields)
        if answer is None:
            return
        actor, rule_id = self.ctx.actor, r.id
        self._run(lambda s: rulesets.update_rule(
            s, actor, rule_id, code=answer.code, grade=answer.grade, text=answer.text,
            window_years=answer.window_years, until_expiry=answer.until_expiry, departments=answer.departments,
            evidence_hint=answer.evidence_hint, event_label=answer.event_label))

    def _add(self) -> None:
        rs_id = self._current_set()
        if rs_id is None:
            return
        answer = RuleEditDialog.ask(self, None)
        if answer is None:
            return
        actor = self.ctx.actor
        self._run(lambda s: rulesets.add_rule(
            s, actor, rs_id, answer.code, answer.text, answer.departments, grade=answer.grade,
            window_years=answer.window_years, until_expiry=answer.until_expiry,
            evidence_hint=answer.evidence_hint, event_label=answer.event_label))

    def _delete(self) -> None:
        rule = self._selected_rule()
        if rule is None or not Ask.confirm(self, tr("删除资格条件"), tr("确定删除所选条件？")):
            return
        actor, rule_id = self.ctx.actor, rule.id
        self._run(lambda s: rulesets.delete_rule(s, actor, rule_id))

    def _bind(self) -> None:
        rs_id, cycle_id = self._current_set(), self.cycle_id
        if rs_id is None or cycle_id is None:
            Ask.info(self, tr("用于本届换届"), tr("请先建立换届届次。"))
            return
        if not Ask.confirm(self, tr("用于本届换届"),
                           tr("选定后此版本将被锁定，不能再修改（需要修改时请复制为新版本）。确定？")):
            return
        actor = self.ctx.actor
        self._run(lambda s: rulesets.bind_cycle(s, actor, cycle_id, rs_id), on_done=lambda _r: self.reload(rs_id))

    @classmethod
    def show_for(cls, ctx: Any, parent: QWidget | None = None) -> None:
        cls(ctx, parent).exec()
