"""Dialogs of the 统计上报 page: a village representative (add / edit) and a previous-cycle member (add). Each is
handed ``write(value) -> fn(session)`` (a domain write of :mod:`villagevote.statistics.roster`); OK runs it through
``ctx.write(…, Area.STATISTICS)`` and closes once committed; a refusal shows beside its field."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import Education, Gender, OrgKind, PoliticalStatus
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.dialogs.pledges_actions import Write, WriteDialog
from villagevote.ui.widgets import combo_enum, enum_combo, select_enum

if TYPE_CHECKING:
    from villagevote.ui.context import AppContext

__all__ = ["MemberDialog", "MemberInput", "RepresentativeDialog", "RepresentativeInput"]


@dataclass(frozen=True)
class RepresentativeInput:
    village_id: int
    name: str
    gender: Gender | None
    political_status: PoliticalStatus | None
    birth_date: dt.date | None
    group_name: str
    note: str


@dataclass(frozen=True)
class MemberInput:
    village_id: int
    name: str
    body: OrgKind
    post: str
    gender: Gender | None
    birth_date: dt.date | None
    education: Education | None


class _BirthDate(QWidget):
    """A birth date that may be left blank (a check box says whether it is known)."""

    def __init__(self, day: dt.date | None) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.known = QCheckBox(tr("已知"))
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setCalendarPopup(True)
        start = day or dt.date(1980, 1, 1)
        self.edit.setDate(QDate(start.year, start.month, start.day))
        self.known.setChecked(day is not None)
        self.edit.setEnabled(day is not None)
        self.known.toggled.connect(self.edit.setEnabled)
        lay.addWidget(self.known)
        lay.addWidget(self.edit, 1)

    def value(self) -> dt.date | None:
        if not self.known.isChecked():
            return None
        q = self.edit.date()
        return dt.date(q.year(), q.month(), q.day())


def _village_combo(villages: Sequence[tuple[int, str]], chosen: int | None) -> QComboBox:
    combo = QComboBox()
    for vid, name in villages:
        combo.addItem(name, vid)
    index = combo.findData(chosen)
    combo.setCurrentIndex(max(index, 0))
    return combo


class RepresentativeDialog(WriteDialog):
    AREAS = frozenset({Area.STATISTICS})

    def __init__(self, ctx: AppContext, villages: Sequence[tuple[int, str]], write: Write, *,
                 row: Any = None, village_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("修改村民代表") if row is not None else tr("添加村民代表"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.village = _village_combo(villages, row.village_id if row is not None else village_id)
        self.name = QLineEdit(row.name if row is not None else "")
        self.gender = enum_combo(Gender, tr("（未填）"))
        self.political = enum_combo(PoliticalStatus, tr("（未填）"))
        if row is not None:
            select_enum(self.gender, next((g for g in Gender if g.label == row.gender), None))
            select_enum(self.political, next((p for p in PoliticalStatus if p.label == row.political_status), None))
        self.birth = _BirthDate(row.birth_date if row is not None else None)
        self.group = QLineEdit(row.group_name if row is not None else "")
        self.note = QLineEdit(row.note if row is not None else "")
        form.addRow(tr("村"), self.village)
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("性别"), self.gender)
        form.addRow(tr("政治面貌"), self.political)
        form.addRow(tr("出生日期"), self.birth)
        form.addRow(tr("村民小组"), self.group)
        form.addRow(tr("备注"), self.note)
        self.errors = FieldErrors(form)
        self.errors.add("name", self.name)
        self.errors.add("village_id", self.village)
        self.errors.add("birth_date", self.birth)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存")))

    def value(self) -> RepresentativeInput:
        return RepresentativeInput(int(self.village.currentData()), self.name.text(), combo_enum(self.gender, Gender),
                                   combo_enum(self.political, PoliticalStatus), self.birth.value(),
                                   self.group.text(), self.note.text())


class MemberDialog(WriteDialog):
    AREAS = frozenset({Area.STATISTICS})

    def __init__(self, ctx: AppContext, villages: Sequence[tuple[int, str]], write: Write, *,
                 village_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(tr("添加上届两委成员"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.village = _village_combo(villages, village_id)
        self.name = QLineEdit()
        self.body = QComboBox()
        for kind in (OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE):
            self.body.addItem(kind.label, kind.value)
        self.post = QLineEdit()
        self.post.setPlaceholderText(tr("如 书记、主任、委员"))
        self.gender = enum_combo(Gender, tr("（未填）"))
        self.birth = _BirthDate(None)
        self.education = enum_combo(Education, tr("（未填）"))
        form.addRow(tr("村"), self.village)
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("组织"), self.body)
        form.addRow(tr("职务"), self.post)
        form.addRow(tr("性别"), self.gender)
        form.addRow(tr("出生日期"), self.birth)
        form.addRow(tr("文化程度"), self.education)
        self.errors = FieldErrors(form)
        self.errors.add("name", self.name)
        self.errors.add("body", self.body)
        self.errors.add("birth_date", self.birth)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存")))

    def value(self) -> MemberInput:
        return MemberInput(int(self.village.currentData()), self.name.text(), OrgKind(self.body.currentData()),
                           self.post.text(), combo_enum(self.gender, Gender), self.birth.value(),
                           combo_enum(self.education, Education))
