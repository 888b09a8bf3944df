"""Dialog: record one finding (核查结果) for a candidacy — rule, result, department, evidence, event/expiry dates."""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import FindingResult
from villagevote.qualification.catalogs import RuleDef
from villagevote.ui.dialogs.candidates_saving import SavingDialog
from villagevote.ui.dialogs.common import date_edit, ok_cancel
from villagevote.ui.widgets import combo_enum, enum_combo

__all__ = ["FindingAnswer", "FindingDialog", "OptionalDate", "chosen"]

E = TypeVar("E", bound=enum.Enum)


def chosen(combo: QComboBox, enum_cls: type[E]) -> E:
    """The member chosen in a combo that offers no empty choice (made by ``enum_combo`` without ``first``)."""
    member = combo_enum(combo, enum_cls)
    if member is None:  # pragma: no cover - such a combo always has a member selected
        raise ValueError(f"no {enum_cls.__name__} chosen")
    return member


@dataclass(frozen=True)
class FindingAnswer:
    rule_code: str
    result: FindingResult
    department: str
    evidence: str
    event_date: dt.date | None
    expiry_date: dt.date | None


class OptionalDate(QWidget):
    """A date that may be left empty (check box off)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label)
        self.edit = date_edit()
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def value(self) -> dt.date | None:
        if not self.check.isChecked():
            return None
        d = self.edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_value(self, day: dt.date | None) -> None:
        self.check.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(QDate(day.year, day.month, day.day))


class FindingDialog(SavingDialog):
    """``save(session, FindingAnswer)`` records the finding before the dialog closes."""

    def __init__(self, ctx: Any, rules: Sequence[RuleDef], code: str | None = None, parent: QWidget | None = None,
                 save: Callable[[Any, FindingAnswer], Any] | None = None) -> None:
        super().__init__(ctx, save, (Area.QUALIFICATION, Area.CANDIDATES), parent)
        self.setWindowTitle(tr("记录资格核查结果"))
        self.setMinimumWidth(520)
        self.rules = list(rules)
        form = QFormLayout(self)
        self.rule = QComboBox()
        for rule in self.rules:
            self.rule.addItem(f"{rule.code}　{rule.grade.label}　{rule.text}", rule.code)
        if code is not None:
            self.rule.setCurrentIndex(max(0, self.rule.findData(code)))
        form.addRow(tr("资格条件"), self.rule)
        self.result_box = enum_combo(FindingResult)
        self.result_box.setCurrentIndex(self.result_box.findData(FindingResult.CLEAR.value))
        form.addRow(tr("核查结果"), self.result_box)
        self.department = QComboBox()
        self.department.setEditable(True)
        form.addRow(tr("核查部门"), self.department)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText(tr("如：判决书文号、处理决定、情况说明"))
        form.addRow(tr("依据说明"), self.evidence)
        self.event_date_edit = OptionalDate(tr("填写"))
        form.addRow(tr("事件日期"), self.event_date_edit)
        self.expiry_date_edit = OptionalDate(tr("填写"))
        form.addRow(tr("期满日"), self.expiry_date_edit)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#555")
        form.addRow(self.hint)
        self.watch(form, {"rule_code": self.rule, "result": self.result_box, "department": self.department,
                          "event_date": self.event_date_edit, "expiry_date": self.expiry_date_edit})
        form.addRow(ok_cancel(self, self.submit))
        self.rule.currentIndexChanged.connect(self._rule_changed)
        self._rule_changed()

    def _rule_changed(self) -> None:
        rule = self.rules[self.rule.currentIndex()] if self.rules else None
        self.department.clear()
        self.department.addItem("")
        if rule is None:
            return
        for dept in rule.departments:
            self.department.addItem(dept)
        hint = tr("证据：{hint}").format(hint=rule.evidence_hint) if rule.evidence_hint else ""
        if rule.window_years:
            hint += tr("　期限：{n}年，从「{label}」起算到选举日").format(n=rule.window_years,
                                                                 label=rule.event_label or tr("事件日期"))
        elif rule.until_expiry:
            hint += tr("　期限：至期满日（期满日当天起不再限制）")
        self.hint.setText(hint)

    def answer(self) -> FindingAnswer:
        return FindingAnswer(
            rule_code=self.rule.currentData(),
            result=chosen(self.result_box, FindingResult),
            department=self.department.currentText().strip(),
            evidence=self.evidence.text().strip(),
            event_date=self.event_date_edit.value(),
            expiry_date=self.expiry_date_edit.value(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, rules: Sequence[RuleDef], code: str | None,
            save: Callable[[Any, FindingAnswer], Any]) -> bool:
        """Record a finding; True when it was saved."""
        return cls(ctx, rules, code, parent, save).run()
