"""Small dialogs of the 实绩比选 page: add a rater, record a recusal, add a bonus/deduction entry, choose candidacies,
order tied candidates, start a scheme from an example or another scheme.

The dialogs that record something save before they close: OK runs the given domain write through ``ctx.write``; a
refusal is shown in red beside the field it concerns and everything typed stays. ``ask`` returns the write's result
(None when cancelled)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.widgets import button

I = TypeVar("I")  # noqa: E741 - what the dialog collects
#: the domain write a dialog runs on OK: ``write(session, collected)``
Write = Callable[[Any, Any], Any]


class _SavingDialog(QDialog, Generic[I]):
    """OK collects the input, runs ``write(session, input)`` on the database worker and closes only when it worked."""

    AREAS: frozenset[Area] = frozenset({Area.SCORING})

    def __init__(self, ctx: Any, write: Write, parent: QWidget | None, title: str, *, form_is_layout: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.ctx = ctx
        self._write = write
        self.saved: Any = None
        self.form = QFormLayout()
        if form_is_layout:
            self.setLayout(self.form)

    def _finish(self) -> None:
        """Add the buttons and the error line (call at the end of the subclass's constructor)."""
        self.errors = FieldErrors(self.form)
        self.form.addRow(ok_cancel(self, self.submit))

    def collected(self) -> I:
        raise NotImplementedError

    def submit(self) -> None:
        self.errors.clear()
        value = self.collected()
        write = self._write
        self.ctx.write(lambda s: write(s, value), self.AREAS, on_done=self._saved, on_error=self.errors.show_error,
                       parent=self)

    def _saved(self, result: Any) -> None:
        self.saved = result
        self.accept()

    def run(self) -> Any:
        return self.saved if self.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class RaterInput:
    name: str
    group_code: str
    title: str


class RaterDialog(_SavingDialog[RaterInput]):
    """评委: name, group, title."""

    def __init__(self, ctx: Any, groups: Sequence[tuple[str, str]], write: Write,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent, tr("添加评委"))
        self.name = QLineEdit()
        self.group = QComboBox()
        for code, name in groups:
            self.group.addItem(name, code)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(tr("如 党委副书记、驻村干部"))
        self.form.addRow(tr("姓名"), self.name)
        self.form.addRow(tr("评委组"), self.group)
        self.form.addRow(tr("职务"), self.title_edit)
        self._finish()
        self.errors.add("name", self.name)

    def collected(self) -> RaterInput:
        return RaterInput(self.name.text().strip(), self.group.currentData(), self.title_edit.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, groups: Sequence[tuple[str, str]], write: Write) -> Any:
        return cls(ctx, groups, write, parent).run()


@dataclass(frozen=True)
class RecusalInput:
    candidacy_id: int
    reason: str


class RecusalDialog(_SavingDialog[RecusalInput]):
    """回避: which candidate, and why."""

    def __init__(self, ctx: Any, rater: str, candidates: Sequence[tuple[int, str]], write: Write,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent, tr("登记回避"))
        self.form.addRow(QLabel(tr("评委：{r}").format(r=rater)))
        self.candidate = QComboBox()
        for cid, label in candidates:
            self.candidate.addItem(label, cid)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("如 夫妻关系、近亲属、利害关系"))
        self.form.addRow(tr("回避人选"), self.candidate)
        self.form.addRow(tr("回避理由"), self.reason)
        self._finish()
        self.errors.add("candidate", self.candidate)
        self.errors.add("reason", self.reason)

    def collected(self) -> RecusalInput:
        return RecusalInput(self.candidate.currentData(), self.reason.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, rater: str, candidates: Sequence[tuple[int, str]],
            write: Write) -> Any:
        return cls(ctx, rater, candidates, write, parent).run()


@dataclass(frozen=True)
class AdjustmentInput:
    candidacy_id: int
    item_code: str
    points: str
    note: str


class AdjustmentDialog(_SavingDialog[AdjustmentInput]):
    """加分 / 扣分: candidate, item (with its cap), points, note."""

    def __init__(self, ctx: Any, candidates: Sequence[tuple[int, str]], items: Sequence[tuple[str, str]],
                 write: Write, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent, tr("录入加分或扣分"))
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
        self.form.addRow(tr("人选"), self.candidate)
        self.form.addRow(tr("项目"), self.item)
        self.form.addRow(tr("分值"), self.points)
        self.form.addRow(tr("依据"), self.note)
        self._finish()
        self.errors.add("points", self.points)

    def collected(self) -> AdjustmentInput:
        return AdjustmentInput(self.candidate.currentData(), self.item.currentData(), self.points.text().strip(),
                               self.note.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, candidates: Sequence[tuple[int, str]],
            items: Sequence[tuple[str, str]], write: Write) -> Any:
        return cls(ctx, candidates, items, write, parent).run()


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


@dataclass(frozen=True)
class TieInput:
    ranking: list[int]
    reason: str


class TieDecisionDialog(_SavingDialog[TieInput]):
    """Order the candidates still tied (best first) and write down on what basis."""

    def __init__(self, ctx: Any, note: str, candidates: Sequence[tuple[int, str]], write: Write,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent, tr("记录并列处理决定"), form_is_layout=False)
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
        self.reason = QTextEdit()
        self.reason.setPlaceholderText(tr("如 经乡镇党委2026年11月20日会议研究决定；或 重新评议结果"))
        self.reason.setFixedHeight(70)
        self.form.addRow(tr("处理依据（必填）："), self.reason)
        layout.addLayout(self.form)
        self._finish()
        self.errors.add("reason", self.reason)

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

    def collected(self) -> TieInput:
        return TieInput(self.order(), self.reason.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, note: str, candidates: Sequence[tuple[int, str]],
            write: Write) -> Any:
        return cls(ctx, note, candidates, write, parent).run()


@dataclass(frozen=True)
class NewSchemeInput:
    source: str
    name: str


class NewSchemeDialog(_SavingDialog[NewSchemeInput]):
    """Start a scheme from one of the shipped examples (or an existing scheme), under a new name."""

    def __init__(self, ctx: Any, sources: Sequence[tuple[str, str]], write: Write,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent, tr("新建评分方案"))
        self.source = QComboBox()
        for key, label in sources:
            self.source.addItem(label, key)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("如 2026年换届实绩比选"))
        self.form.addRow(tr("以此为基础"), self.source)
        self.form.addRow(tr("方案名称"), self.name)
        hint = QLabel(tr("建立后可在“方案”页修改评分项、权重、上限和入围条件；一旦录入评分即冻结，需复制为新版本再改。"))
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self._finish()
        self.errors.add("source", self.source)
        self.errors.add("name", self.name)

    def collected(self) -> NewSchemeInput:
        return NewSchemeInput(self.source.currentData() or "", self.name.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, sources: Sequence[tuple[str, str]], write: Write) -> Any:
        return cls(ctx, sources, write, parent).run()
