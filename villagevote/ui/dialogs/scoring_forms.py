"""Small dialogs of the 实绩比选 page: add a rater, record a recusal, add a bonus/deduction entry, choose candidacies,
order tied candidates, start a scheme from an example or file. Each has a class method ``ask`` that tests replace."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from villagevote.i18n import tr
from villagevote.ui.dialogs.common import ok_cancel
from villagevote.ui.widgets import button


@dataclass(frozen=True)
class RaterInput:
    name: str
    group_code: str
    title: str


class RaterDialog(QDialog):
    """评委: name, group, title."""

    def __init__(self, groups: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("添加评委"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.group = QComboBox()
        for code, name in groups:
            self.group.addItem(name, code)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(tr("如 党委副书记、驻村干部"))
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("评委组"), self.group)
        form.addRow(tr("职务"), self.title_edit)
        form.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, groups: Sequence[tuple[str, str]]) -> RaterInput | None:
        dlg = cls(groups, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return RaterInput(dlg.name.text().strip(), dlg.group.currentData(), dlg.title_edit.text().strip())


class RecusalDialog(QDialog):
    """回避: which candidate, and why."""

    def __init__(self, rater: str, candidates: Sequence[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("登记回避"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr("评委：{r}").format(r=rater)))
        self.candidate = QComboBox()
        for cid, label in candidates:
            self.candidate.addItem(label, cid)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("如 夫妻关系、近亲属、利害关系"))
        form.addRow(tr("回避人选"), self.candidate)
        form.addRow(tr("回避理由"), self.reason)
        form.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, rater: str,
            candidates: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
        dlg = cls(rater, candidates, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.candidate.currentData(), dlg.reason.text().strip()


@dataclass(frozen=True)
class AdjustmentInput:
    candidacy_id: int
    item_code: str
    points: str
    note: str


class AdjustmentDialog(QDialog):
    """加分 / 扣分: candidate, item (with its cap), points, note."""

    def __init__(self, candidates: Sequence[tuple[int, str]], items: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("录入加分或扣分"))
        form = QFormLayout(self)
        self.candidate = QComboBox()
        for cid, label in candidates:
            self.candidate.addItem(label, cid)
        self.item = QComboBox()
        for code, label in items:
            self.item.addItem(label, code)
        self.points = QLineEdit()
        self.points.setPlaceholderText(tr("扣分也填正数"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("依据，如 2024年度县级优秀共产党员"))
        form.addRow(tr("人选"), self.candidate)
        form.addRow(tr("项目"), self.item)
        form.addRow(tr("分值"), self.points)
        form.addRow(tr("依据"), self.note)
        form.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, candidates: Sequence[tuple[int, str]],
            items: Sequence[tuple[str, str]]) -> AdjustmentInput | None:
        dlg = cls(candidates, items, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return AdjustmentInput(dlg.candidate.currentData(), dlg.item.currentData(), dlg.points.text().strip(),
                               dlg.note.text().strip())


class PickCandidaciesDialog(QDialog):
    """Tick the candidacies to add to the selection."""

    def __init__(self, rows: Sequence[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("添加比选人选"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("资格审查合格的人选（勾选后确定）：")))
        self.list = QListWidget()
        for cid, label in rows:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        bar = QHBoxLayout()
        all_btn = button(tr("全选"), lambda: self._check_all(True))
        none_btn = button(tr("全不选"), lambda: self._check_all(False))
        bar.addWidget(all_btn)
        bar.addWidget(none_btn)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(ok_cancel(self))

    def _check_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    @classmethod
    def ask(cls, parent: QWidget | None, rows: Sequence[tuple[int, str]]) -> list[int] | None:
        dlg = cls(rows, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.checked()


class TieDecisionDialog(QDialog):
    """Order the candidates still tied (best first) and write down on what basis."""

    def __init__(self, note: str, candidates: Sequence[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("记录并列处理决定"))
        layout = QVBoxLayout(self)
        info = QLabel(note)
        info.setWordWrap(True)
        layout.addWidget(info)
        layout.addWidget(QLabel(tr("按决定的先后排列（上面的在前），可用按钮调整：")))
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for cid, name in candidates:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.list.addItem(item)
        layout.addWidget(self.list)
        bar = QHBoxLayout()
        up = button(tr("上移"), lambda: self._move(-1))
        down = button(tr("下移"), lambda: self._move(1))
        bar.addWidget(up)
        bar.addWidget(down)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(QLabel(tr("处理依据（必填）：")))
        self.reason = QTextEdit()
        self.reason.setPlaceholderText(tr("如 经乡镇党委2026年11月20日会议研究决定；或 重新评议结果"))
        self.reason.setFixedHeight(70)
        layout.addWidget(self.reason)
        layout.addWidget(ok_cancel(self))

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        new = row + step
        if row < 0 or not 0 <= new < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(new, item)
        self.list.setCurrentRow(new)

    def order(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    @classmethod
    def ask(cls, parent: QWidget | None, note: str,
            candidates: Sequence[tuple[int, str]]) -> tuple[list[int], str] | None:
        dlg = cls(note, candidates, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.order(), dlg.reason.toPlainText().strip()


class NewSchemeDialog(QDialog):
    """Start a scheme from one of the shipped examples (or an existing scheme), under a new name."""

    def __init__(self, sources: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("新建评分方案"))
        form = QFormLayout(self)
        self.source = QComboBox()
        for key, label in sources:
            self.source.addItem(label, key)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("如 2026年换届实绩比选"))
        form.addRow(tr("以此为基础"), self.source)
        form.addRow(tr("方案名称"), self.name)
        hint = QLabel(tr("建立后可在“方案”页修改评分项、权重、上限和入围条件；一旦录入评分即冻结，需复制为新版本再改。"))
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, sources: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
        dlg = cls(sources, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.source.currentData(), dlg.name.text().strip()
