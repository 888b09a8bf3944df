"""The 践诺跟踪 dialogs: 挂号, 录入进展, 报结 (with its evidence files), a date + reason for 销号 / 退回 / 撤销 / 解除 /
回执, 延期申请 and 延期审批, 挂牌督办, 催办, 月查 with its findings, 免责.

Each dialog is handed ``write(value) -> fn(session)`` (a domain write of :mod:`villagevote.tracking`); OK runs it
through ``ctx.write(…, Area.TRACKING)`` and closes once it committed. A refusal (the domain's Chinese message naming
the item and the rule) shows in the dialog, which stays open with what was typed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import (
    AttachmentKind,
    CommitmentKind,
    CommitmentSource,
    ExemptionCategory,
    InspectionKind,
    SupervisionLevel,
    SupervisionReason,
)
from villagevote.ui.dialogs.common import Ask, FieldErrors, date_edit, ok_cancel
from villagevote.ui.dialogs.pledges_actions import Write, WriteDialog
from villagevote.ui.widgets import button, combo_enum, enum_combo

if TYPE_CHECKING:
    from villagevote.ui.context import AppContext

__all__ = ["DecideExtensionDialog", "ExemptionDialog", "ExtensionDialog", "FindingLine", "InspectionDialog",
           "InspectionInput", "ProgressDialog", "ProgressInput", "RegisterDialog", "RegisterInput", "ReportDoneDialog",
           "ReportDoneInput", "SuperviseDialog", "SuperviseInput", "TextDateDialog", "TextDateInput", "UrgeDialog",
           "UrgeInput", "pydate"]

URGE_METHODS = (tr("电话"), tr("书面"), tr("现场"))
SEVERITIES = (tr("一般"), tr("较重"), tr("严重"))
IMAGE_FILTER = tr("佐证材料 (*.jpg *.jpeg *.png *.bmp *.pdf *.doc *.docx *.xlsx);;所有文件 (*)")


class TrackingDialog(WriteDialog):
    AREAS = frozenset({Area.TRACKING})


def pydate(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


def decimal_or_none(text: str, what: str, field_name: str) -> Decimal | None:
    text = text.strip().replace("，", "").replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(tr("{what}应为数字：{t}").format(what=what, t=text), field=field_name) from None


def _text_box(height: int = 60, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    if placeholder:
        box.setPlaceholderText(placeholder)
    return box


# --------------------------------------------------------------------------------------------------- date + text
@dataclass(frozen=True)
class TextDateInput:
    on: dt.date
    text: str


class TextDateDialog(TrackingDialog):
    """A date and a text (销号 opinion, 退回 reason, 撤销 reason, 解除 note, 回执): the text is required unless
    ``optional``."""

    def __init__(self, ctx: AppContext, title: str, intro: str, date_label: str, text_label: str, write: Write,
                 *, today: dt.date | None = None, optional: bool = False, ok_text: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(title)
        self.resize(520, 260)
        self.optional = optional
        self.text_label = text_label.rstrip("：:")
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        form = QFormLayout()
        self.date = date_edit(today)
        form.addRow(date_label, self.date)
        self.text = _text_box(90)
        form.addRow(text_label, self.text)
        self.errors = FieldErrors(form)
        self.errors.add("text", self.text)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, ok_text))

    def value(self) -> TextDateInput:
        text = self.text.toPlainText().strip()
        if not text and not self.optional:
            raise ValidationError(tr("请填写{what}").format(what=self.text_label), field="text")
        return TextDateInput(pydate(self.date), text)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, title: str, intro: str, date_label: str, text_label: str,
            write: Write, **kwargs: Any) -> bool:
        return cls(ctx, title, intro, date_label, text_label, write, parent=parent, **kwargs).ask_saved()


# --------------------------------------------------------------------------------------------------- 挂号
@dataclass(frozen=True)
class RegisterInput:
    village_id: int | None
    owner: Any                 # the owner choice's data (the caller turns it into ledger.Owner)
    title: str
    source: CommitmentSource
    kind: CommitmentKind
    category: str
    target_text: str
    baseline: Decimal | None
    target: Decimal | None
    unit: str
    deadline: dt.date
    weight: Decimal
    starts_on: dt.date


class RegisterDialog(TrackingDialog):
    """挂号 of a 交办 / 专项 / 个人工作目标 item: village, owner (a cadre, a role holder or the village's organization),
    the item, metric or milestone, deadline and weight. ``owners(village_id)`` lists (label, owner data)."""

    def __init__(self, ctx: AppContext, villages: Sequence[tuple[str, int | None]], owners: Any, write: Write, *,
                 village_id: int | None, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("挂号：登记一项承诺事项"))
        self.resize(620, 560)
        self._owners = owners
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.village = QComboBox()
        for name, vid in villages:
            self.village.addItem(name, vid)
        index = self.village.findData(village_id)
        self.village.setCurrentIndex(max(index, 0))
        form.addRow(tr("村："), self.village)
        self.owner = QComboBox()
        self.owner.setMinimumWidth(320)
        form.addRow(tr("责任人："), self.owner)
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("如：完成村道硬化 2.3 公里"))
        form.addRow(tr("承诺事项："), self.title)
        self.source = enum_combo([s for s in CommitmentSource if s is not CommitmentSource.PLEDGE])
        form.addRow(tr("来源："), self.source)
        self.category = QLineEdit()
        self.category.setPlaceholderText(tr("如：基础设施、环境整治"))
        form.addRow(tr("类别："), self.category)
        self.kind = enum_combo(CommitmentKind)
        self.kind.setCurrentIndex(self.kind.findData(CommitmentKind.MILESTONE.value))
        form.addRow(tr("类型："), self.kind)
        metric = QHBoxLayout()
        self.baseline, self.target, self.unit = QLineEdit(), QLineEdit(), QLineEdit()
        self.baseline.setPlaceholderText(tr("基数"))
        self.target.setPlaceholderText(tr("目标"))
        self.unit.setPlaceholderText(tr("单位"))
        self.unit.setMaximumWidth(80)
        for w in (self.baseline, QLabel("→"), self.target, self.unit):
            metric.addWidget(w)
        form.addRow(tr("基数→目标："), metric)
        self.target_text = QLineEdit()
        self.target_text.setPlaceholderText(tr("目标要求（文字）"))
        form.addRow(tr("目标要求："), self.target_text)
        self.starts_on = date_edit(today)
        form.addRow(tr("开始日期："), self.starts_on)
        self.deadline = date_edit(today + dt.timedelta(days=90))
        form.addRow(tr("完成时限："), self.deadline)
        self.weight = QLineEdit("1")
        self.weight.setMaximumWidth(80)
        form.addRow(tr("权重："), self.weight)
        self.errors = FieldErrors(form)
        for name, widget in (("owner", self.owner), ("title", self.title), ("baseline", self.baseline),
                             ("target", self.target), ("deadline", self.deadline), ("weight", self.weight)):
            self.errors.add(name, widget)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("挂号")))
        self.village.currentIndexChanged.connect(lambda _i: self._load_owners())
        self.kind.currentIndexChanged.connect(lambda _i: self._metric_shown())
        self._metric_shown()
        self._load_owners()

    def _metric_shown(self) -> None:
        metric = combo_enum(self.kind, CommitmentKind) is CommitmentKind.METRIC
        for w in (self.baseline, self.target, self.unit):
            w.setEnabled(metric)

    def _load_owners(self) -> None:
        self.owner.clear()
        for label, data in self._owners(self.village.currentData()):
            self.owner.addItem(label, data)

    def value(self) -> RegisterInput:
        title = self.title.text().strip()
        if not title:
            raise ValidationError(tr("请填写承诺事项"), field="title")
        if self.owner.currentIndex() < 0:
            raise ValidationError(tr("请选择责任人（本村还没有当选干部或任职人员时，可选村组织）"), field="owner")
        kind = combo_enum(self.kind, CommitmentKind) or CommitmentKind.MILESTONE
        metric = kind is CommitmentKind.METRIC
        baseline = decimal_or_none(self.baseline.text(), tr("基数"), "baseline") if metric else None
        target = decimal_or_none(self.target.text(), tr("目标"), "target") if metric else None
        if metric and target is None:
            raise ValidationError(tr("量化事项须填写目标值"), field="target")
        weight = decimal_or_none(self.weight.text(), tr("权重"), "weight")
        return RegisterInput(self.village.currentData(), self.owner.currentData(), title,
                             combo_enum(self.source, CommitmentSource) or CommitmentSource.ASSIGNED, kind,
                             self.category.text().strip(), self.target_text.text().strip(), baseline, target,
                             self.unit.text().strip() if metric else "", pydate(self.deadline),
                             weight if weight is not None else Decimal(1), pydate(self.starts_on))


# --------------------------------------------------------------------------------------------------- 录入进展
@dataclass(frozen=True)
class ProgressInput:
    period: str
    reported_on: dt.date
    percent: int | None
    value: Decimal | None
    narrative: str
    problems: str
    next_plan: str
    no_progress_reason: str
    reported_by: str
    confirmed_by: str
    confidence: int | None


class ProgressDialog(TrackingDialog):
    """One week's report on one item, as the village reported it: 累计完成% (or the metric's 累计值), 本周进展, 问题,
    下周计划, 无进展原因 (required by the domain when the figure does not move up), 报告人 and 联村干部 confirmation."""

    def __init__(self, ctx: AppContext, item: str, metric: bool, unit: str, last: str, weeks: list[str],
                 write: Write, *, today: dt.date, percent: int = 0, current: Decimal | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("录入进展：{item}").format(item=item))
        self.resize(600, 560)
        self.is_metric = metric
        layout = QVBoxLayout(self)
        if last:
            layout.addWidget(QLabel(tr("上次报告：{last}").format(last=last)))
        form = QFormLayout()
        self.period = QComboBox()
        for w in weeks:
            self.period.addItem(w, w)
        form.addRow(tr("周次："), self.period)
        self.reported_on = date_edit(today)
        form.addRow(tr("报告日期："), self.reported_on)
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.percent.setValue(percent)  # the figures so far: the clerk types the new cumulative one over them
        self.value_edit = QLineEdit("" if current is None else format(current.normalize(), "f"))
        if metric:
            self.value_edit.setPlaceholderText(tr("累计值（{u}）").format(u=unit) if unit else tr("累计值"))
            form.addRow(tr("累计值："), self.value_edit)
        else:
            form.addRow(tr("累计完成："), self.percent)
        self.narrative = _text_box(60, tr("本周做了什么"))
        form.addRow(tr("本周进展："), self.narrative)
        self.problems = _text_box(44)
        form.addRow(tr("存在问题："), self.problems)
        self.next_plan = _text_box(44)
        form.addRow(tr("下周计划："), self.next_plan)
        self.no_progress = QLineEdit()
        self.no_progress.setPlaceholderText(tr("本周无进展或数值未增加时必填"))
        form.addRow(tr("无进展原因："), self.no_progress)
        self.reported_by = QLineEdit()
        form.addRow(tr("报告人："), self.reported_by)
        self.confirmed_by = QLineEdit()
        form.addRow(tr("联村干部确认："), self.confirmed_by)
        self.confidence = QSpinBox()
        self.confidence.setRange(-1, 10)
        self.confidence.setSpecialValueText(tr("不填"))
        self.confidence.setValue(-1)
        form.addRow(tr("完成信心（0–10）："), self.confidence)
        self.errors = FieldErrors(form)
        figure: tuple[str, QWidget] = ("value", self.value_edit) if metric else ("percent", self.percent)
        for name, widget in (figure, ("reported_on", self.reported_on), ("no_progress_reason", self.no_progress),
                             ("period", self.period)):
            self.errors.add(name, widget)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存进展")))

    def value(self) -> ProgressInput:
        value = decimal_or_none(self.value_edit.text(), tr("累计值"), "value") if self.is_metric else None
        if self.is_metric and value is None:
            raise ValidationError(tr("请填写累计值"), field="value")
        return ProgressInput(self.period.currentData(), pydate(self.reported_on),
                             None if self.is_metric else self.percent.value(), value,
                             self.narrative.toPlainText().strip(), self.problems.toPlainText().strip(),
                             self.next_plan.toPlainText().strip(), self.no_progress.text().strip(),
                             self.reported_by.text().strip(), self.confirmed_by.text().strip(),
                             None if self.confidence.value() < 0 else self.confidence.value())


# --------------------------------------------------------------------------------------------------- 报结
@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    kind: AttachmentKind
    caption: str
    taken_on: dt.date | None


@dataclass(frozen=True)
class ReportDoneInput:
    on: dt.date
    note: str
    files: list[EvidenceFile] = field(default_factory=list)


class ReportDoneDialog(TrackingDialog):
    """报结: the date, a note and the evidence (photos, 验收单 …) picked from disk; the files are copied into the data
    folder with their SHA-256 and the 报结 recorded in one transaction. The domain refuses a 报结 with no evidence."""

    def __init__(self, ctx: AppContext, item: str, evidence_count: int, write: Write, *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("报结：{item}").format(item=item))
        self.resize(620, 480)
        self.files: list[EvidenceFile] = []
        layout = QVBoxLayout(self)
        have = QLabel(tr("已有佐证材料 {n} 件。报结至少需要 1 件经核验的佐证材料（照片、验收单等）。").format(n=evidence_count))
        have.setWordWrap(True)
        layout.addWidget(have)
        form = QFormLayout()
        self.date = date_edit(today)
        form.addRow(tr("报结日期："), self.date)
        self.note = _text_box(60, tr("完成情况说明"))
        form.addRow(tr("完成情况："), self.note)
        self.kind = enum_combo(AttachmentKind)
        form.addRow(tr("新增材料种类："), self.kind)
        self.caption = QLineEdit()
        self.caption.setPlaceholderText(tr("如：完工照片（东侧）"))
        form.addRow(tr("说明："), self.caption)
        self.taken_on = date_edit(today)
        form.addRow(tr("拍摄/形成日期："), self.taken_on)
        self.errors = FieldErrors(form)
        self.errors.add("note", self.note)
        layout.addLayout(form)
        self.list = QListWidget()
        layout.addWidget(QLabel(tr("本次新增的佐证材料：")))
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(button(tr("添加文件…"), self.add_file))
        row.addWidget(button(tr("移除所选"), self.remove_file))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("报结")))

    def add_file(self) -> None:
        chosen = Ask.open_file(self, tr("选择佐证材料"), IMAGE_FILTER)
        if not chosen:
            return
        kind = combo_enum(self.kind, AttachmentKind) or AttachmentKind.PHOTO
        evidence = EvidenceFile(Path(chosen), kind, self.caption.text().strip(), pydate(self.taken_on))
        self.files.append(evidence)
        entry = QListWidgetItem(f"{kind.label}　{evidence.path.name}　{evidence.caption}")
        entry.setData(Qt.ItemDataRole.UserRole, len(self.files) - 1)
        self.list.addItem(entry)

    def remove_file(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.list.takeItem(row)
        del self.files[row]

    def value(self) -> ReportDoneInput:
        return ReportDoneInput(pydate(self.date), self.note.toPlainText().strip(), list(self.files))


# --------------------------------------------------------------------------------------------------- 延期
@dataclass(frozen=True)
class ExtensionInput:
    new_date: dt.date
    reason: str


class ExtensionDialog(TrackingDialog):
    """延期申请: only before the due date (the domain refuses later); a reviewer decides."""

    def __init__(self, ctx: AppContext, item: str, due: dt.date | None, write: Write, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("延期申请：{item}").format(item=item))
        self.resize(520, 260)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("现时限：{d}。延期须在时限之前申请。").format(d=due.isoformat() if due else tr("未定"))))
        form = QFormLayout()
        self.new_date = date_edit((due or dt.date.today()) + dt.timedelta(days=30))
        form.addRow(tr("申请延至："), self.new_date)
        self.reason = _text_box(80)
        form.addRow(tr("延期理由："), self.reason)
        self.errors = FieldErrors(form)
        self.errors.add("reason", self.reason)
        self.errors.add("new_date", self.new_date)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("提交申请")))

    def value(self) -> ExtensionInput:
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise ValidationError(tr("请填写延期理由"), field="reason")
        return ExtensionInput(pydate(self.new_date), reason)


@dataclass(frozen=True)
class DecisionInput:
    approve: bool
    note: str


class DecideExtensionDialog(TrackingDialog):
    """延期审批 of one pending request (reviewer): approve (the item's current deadline moves) or refuse."""

    def __init__(self, ctx: AppContext, item: str, request: str, write: Write, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("延期审批：{item}").format(item=item))
        self.resize(520, 260)
        layout = QVBoxLayout(self)
        text = QLabel(request)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.approve = QRadioButton(tr("同意延期"))
        self.refuse = QRadioButton(tr("不同意"))
        self.approve.setChecked(True)
        radios = QHBoxLayout()
        radios.addWidget(self.approve)
        radios.addWidget(self.refuse)
        radios.addStretch(1)
        layout.addLayout(radios)
        form = QFormLayout()
        self.note = _text_box(60)
        form.addRow(tr("审批意见："), self.note)
        self.errors = FieldErrors(form)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("记录审批")))

    def value(self) -> DecisionInput:
        return DecisionInput(self.approve.isChecked(), self.note.toPlainText().strip())


# --------------------------------------------------------------------------------------------------- 督办
@dataclass(frozen=True)
class SuperviseInput:
    level: SupervisionLevel
    reason: SupervisionReason
    reason_text: str
    limit_date: dt.date
    notice_no: str | None


class SuperviseDialog(TrackingDialog):
    """挂牌督办 of an item (reviewer): level, reason, a limit date; the notice number is given automatically
    (督〔年〕N号) unless typed."""

    def __init__(self, ctx: AppContext, item: str, write: Write, *, today: dt.date, overdue: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("挂牌督办：{item}").format(item=item))
        self.resize(540, 320)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.level = enum_combo(SupervisionLevel)
        form.addRow(tr("督办级别："), self.level)
        self.reason = enum_combo(SupervisionReason)
        if overdue:
            self.reason.setCurrentIndex(self.reason.findData(SupervisionReason.OVERDUE.value))
        form.addRow(tr("督办理由："), self.reason)
        self.reason_text = _text_box(60)
        form.addRow(tr("具体情况："), self.reason_text)
        self.limit = date_edit(today + dt.timedelta(days=30))
        form.addRow(tr("限期完成："), self.limit)
        self.notice_no = QLineEdit()
        self.notice_no.setPlaceholderText(tr("留空自动编号，如 督〔2027〕3号"))
        form.addRow(tr("督办编号："), self.notice_no)
        self.errors = FieldErrors(form)
        self.errors.add("limit_date", self.limit)
        self.errors.add("notice_no", self.notice_no)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("挂牌督办")))

    def value(self) -> SuperviseInput:
        return SuperviseInput(combo_enum(self.level, SupervisionLevel) or SupervisionLevel.TOWNSHIP,
                              combo_enum(self.reason, SupervisionReason) or SupervisionReason.SLOW,
                              self.reason_text.toPlainText().strip(), pydate(self.limit),
                              self.notice_no.text().strip() or None)


@dataclass(frozen=True)
class UrgeInput:
    on: dt.date
    method: str
    note: str


class UrgeDialog(TrackingDialog):
    def __init__(self, ctx: AppContext, notice: str, write: Write, *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("催办：{n}").format(n=notice))
        self.resize(480, 240)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.date = date_edit(today)
        form.addRow(tr("催办日期："), self.date)
        self.method = QComboBox()
        for m in URGE_METHODS:
            self.method.addItem(m, m)
        form.addRow(tr("方式："), self.method)
        self.note = _text_box(60)
        form.addRow(tr("催办情况："), self.note)
        self.errors = FieldErrors(form)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("记录催办")))

    def value(self) -> UrgeInput:
        return UrgeInput(pydate(self.date), self.method.currentData(), self.note.toPlainText().strip())


# --------------------------------------------------------------------------------------------------- 免责
@dataclass(frozen=True)
class ExemptionInput:
    category: ExemptionCategory
    reason: str
    decision_no: str
    decided_on: dt.date


class ExemptionDialog(TrackingDialog):
    """保护清单 (容错免责) for an item: the category, the reason and the Party committee's decision."""

    def __init__(self, ctx: AppContext, item: str, write: Write, *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("免责认定：{item}").format(item=item))
        self.resize(540, 300)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.category = enum_combo(ExemptionCategory)
        form.addRow(tr("免责情形："), self.category)
        self.reason = _text_box(70)
        form.addRow(tr("理由："), self.reason)
        self.decision_no = QLineEdit()
        form.addRow(tr("决定文号："), self.decision_no)
        self.decided_on = date_edit(today)
        form.addRow(tr("决定日期："), self.decided_on)
        self.errors = FieldErrors(form)
        self.errors.add("reason", self.reason)
        self.errors.add("decision_no", self.decision_no)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("记录免责")))

    def value(self) -> ExemptionInput:
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise ValidationError(tr("请填写免责理由"), field="reason")
        if not self.decision_no.text().strip():
            raise ValidationError(tr("请填写乡镇党委的决定文号"), field="decision_no")
        return ExemptionInput(combo_enum(self.category, ExemptionCategory) or ExemptionCategory.EXTERNAL, reason,
                              self.decision_no.text().strip(), pydate(self.decided_on))


# --------------------------------------------------------------------------------------------------- 月查
@dataclass(frozen=True)
class FindingLine:
    text: str
    severity: str
    deduction: Decimal
    veto: bool
    relapse: bool
    ledger_no: str
    rectify: bool


@dataclass(frozen=True)
class InspectionInput:
    kind: InspectionKind
    held_on: dt.date
    village_id: int | None
    inspectors: str
    score: Decimal | None
    summary: str
    findings: list[FindingLine]


_FINDING_COLUMNS = (tr("发现问题"), tr("程度"), tr("扣分"), tr("一票否决"), tr("反弹"), tr("涉及事项编号"), tr("列入整改"))


class InspectionDialog(TrackingDialog):
    """月查 (or another inspection) of one village: who inspected, the score, and the findings — each with its
    deduction, 一票否决, 反弹 (reopens the item named by its ledger number) and whether to register a rectification."""

    def __init__(self, ctx: AppContext, villages: Sequence[tuple[str, int | None]], write: Write, *,
                 village_id: int | None, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("录入检查（月查）"))
        self.resize(860, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = enum_combo(InspectionKind)
        self.kind.setCurrentIndex(self.kind.findData(InspectionKind.MONTHLY.value))
        form.addRow(tr("检查类别："), self.kind)
        self.village = QComboBox()
        for name, vid in villages:
            self.village.addItem(name, vid)
        self.village.setCurrentIndex(max(self.village.findData(village_id), 0))
        form.addRow(tr("被检查村："), self.village)
        self.held_on = date_edit(today)
        form.addRow(tr("检查日期："), self.held_on)
        self.inspectors = QLineEdit()
        self.inspectors.setPlaceholderText(tr("检查人员，多人用顿号分隔"))
        form.addRow(tr("检查人员："), self.inspectors)
        self.score = QLineEdit()
        self.score.setPlaceholderText(tr("月查得分（可不填）"))
        self.score.setMaximumWidth(140)
        form.addRow(tr("得分："), self.score)
        self.summary = _text_box(50)
        form.addRow(tr("检查情况："), self.summary)
        self.errors = FieldErrors(form)
        self.errors.add("score", self.score)
        self.errors.add("inspectors", self.inspectors)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("发现的问题（每行一条；扣分按条计，反弹的事项将重新打开）：")))
        self.grid = QTableWidget(0, len(_FINDING_COLUMNS))
        self.grid.setHorizontalHeaderLabels(list(_FINDING_COLUMNS))
        self.grid.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.addWidget(button(tr("添加一条"), self.add_finding))
        row.addWidget(button(tr("删除所选"), self.remove_finding))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存检查")))

    def add_finding(self) -> None:
        r = self.grid.rowCount()
        self.grid.insertRow(r)
        self.grid.setItem(r, 0, QTableWidgetItem(""))
        severity = QComboBox()
        for s in SEVERITIES:
            severity.addItem(s, s)
        self.grid.setCellWidget(r, 1, severity)
        self.grid.setItem(r, 2, QTableWidgetItem("0.5"))
        for col in (3, 4, 6):
            box = QCheckBox()
            self.grid.setCellWidget(r, col, box)
        self.grid.setItem(r, 5, QTableWidgetItem(""))

    def remove_finding(self) -> None:
        r = self.grid.currentRow()
        if r >= 0:
            self.grid.removeRow(r)

    def _cell(self, r: int, c: int) -> str:
        item = self.grid.item(r, c)
        return item.text().strip() if item is not None else ""

    def _checked(self, r: int, c: int) -> bool:
        box = self.grid.cellWidget(r, c)
        return isinstance(box, QCheckBox) and box.isChecked()

    def value(self) -> InspectionInput:
        findings = []
        for r in range(self.grid.rowCount()):
            text = self._cell(r, 0)
            if not text:
                continue
            severity = self.grid.cellWidget(r, 1)
            deduction = decimal_or_none(self._cell(r, 2), tr("第 {n} 条的扣分").format(n=r + 1), "score")
            findings.append(FindingLine(text, severity.currentData() if isinstance(severity, QComboBox) else "",
                                        deduction or Decimal(0), self._checked(r, 3), self._checked(r, 4),
                                        self._cell(r, 5), self._checked(r, 6)))
        return InspectionInput(combo_enum(self.kind, InspectionKind) or InspectionKind.MONTHLY,
                               pydate(self.held_on), self.village.currentData(), self.inspectors.text().strip(),
                               decimal_or_none(self.score.text(), tr("得分"), "score"),
                               self.summary.toPlainText().strip(), findings)
