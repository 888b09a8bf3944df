"""Dialog: register a person (or reuse one by ID number) and a candidacy for one organization's post, or edit a
person. The dialog saves through ``ctx.write`` before it closes: a problem (a wrong ID number, a post the village does
not have …) is shown in red beside its field and everything typed stays."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from villagevote.candidates.candidacies import register_candidate
from villagevote.candidates.persons import PersonData, update_person
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.idcard import InvalidIdNumber, parse_id_number
from villagevote.models.enums import Education, NominationSource, OrgKind, PoliticalStatus
from villagevote.qualification.queries import PersonForm, RegistrationChoices
from villagevote.ui.dialogs.candidates_finding import OptionalDate, chosen
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.widgets import combo_enum, enum_combo

__all__ = ["NewCandidacy", "PersonDialog", "edit_person"]

#: fields of the 参选 box; every other field name belongs to the person box
_CANDIDACY_FIELDS = {"village_id", "org_kind", "post", "source"}


@dataclass(frozen=True)
class NewCandidacy:
    person: PersonData
    org_kind: OrgKind
    post: str
    source: NominationSource
    incumbent: bool


class PersonDialog(QDialog):
    """``villages``: [(id, name)]; ``posts``: {(village id, OrgKind): [post, …]}. ``save(session, answer)`` is the
    domain write run by 确定 (on the database worker, one transaction); the dialog closes only when it succeeded,
    with its result in :attr:`saved`."""

    def __init__(self, ctx: Any, villages: list[tuple[int, str]], posts: dict[tuple[int, OrgKind], list[str]],
                 village_id: int | None = None, parent: QWidget | None = None,
                 person: PersonData | None = None,
                 save: Callable[[Any, NewCandidacy], Any] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._save = save
        self.saved: Any = None
        self.on_saved: Callable[[Any], None] | None = None
        self.setWindowTitle(tr("修改人员信息") if person else tr("登记候选人（自荐人）"))
        self.setMinimumWidth(460)
        self.posts = posts
        outer = QVBoxLayout(self)
        person_box = QGroupBox(tr("人员"))
        form = QFormLayout(person_box)
        self.name = QLineEdit()
        form.addRow(tr("姓名"), self.name)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(tr("18位，末位 x 可小写"))
        self.id_info = QLabel()
        self.id_info.setStyleSheet("color:#555")
        self.id_number.textChanged.connect(self._id_changed)
        form.addRow(tr("身份证号码"), self.id_number)
        form.addRow("", self.id_info)
        self.education = enum_combo(Education, first=tr("（未填）"))
        form.addRow(tr("文化程度"), self.education)
        self.political = enum_combo(PoliticalStatus, first=tr("（未填）"))
        form.addRow(tr("政治面貌"), self.political)
        self.join_date = OptionalDate(tr("填写"))
        form.addRow(tr("入党时间"), self.join_date)
        self.phone = QLineEdit()
        form.addRow(tr("联系电话"), self.phone)
        self.current_post = QLineEdit()
        form.addRow(tr("现任职务"), self.current_post)
        outer.addWidget(person_box)
        self.person_errors = FieldErrors(form)
        for name, widget in (("name", self.name), ("id_number", self.id_number), ("political_status", self.political),
                             ("party_join_date", self.join_date), ("phone", self.phone)):
            self.person_errors.add(name, widget)

        cand_box = QGroupBox(tr("参选"))
        cform = QFormLayout(cand_box)
        self.village = QComboBox()
        for vid, name in villages:
            self.village.addItem(name, vid)
        if village_id is not None:
            self.village.setCurrentIndex(max(0, self.village.findData(village_id)))
        cform.addRow(tr("所在村"), self.village)
        self.org = enum_combo(OrgKind)
        self.org.setCurrentIndex(self.org.findData(OrgKind.VILLAGE_COMMITTEE.value))
        cform.addRow(tr("参选组织"), self.org)
        self.post = QComboBox()
        cform.addRow(tr("参选职务"), self.post)
        self.source = enum_combo(NominationSource)
        cform.addRow(tr("推荐方式"), self.source)
        self.incumbent = QCheckBox(tr("现任"))
        cform.addRow("", self.incumbent)
        outer.addWidget(cand_box)
        self.candidacy_errors = FieldErrors(cform)
        for name, widget in (("village_id", self.village), ("org_kind", self.org), ("post", self.post),
                             ("source", self.source)):
            self.candidacy_errors.add(name, widget)
        self.village.currentIndexChanged.connect(self._refresh_posts)
        self.org.currentIndexChanged.connect(self._refresh_posts)
        self._refresh_posts()
        if person is not None:  # edit mode: person fields only, the village stays in the 参选 box
            self._fill(person)
            for row_widget in (self.org, self.post, self.source, self.incumbent):
                cform.setRowVisible(row_widget, False)
            cand_box.setTitle(tr("所在村"))
        outer.addWidget(ok_cancel(self, self.submit))

    def _fill(self, p: PersonData) -> None:
        self.name.setText(p.name)
        self.id_number.setText(p.id_number)
        self.education.setCurrentIndex(max(0, self.education.findData(p.education.value if p.education else None)))
        self.political.setCurrentIndex(
            max(0, self.political.findData(p.political_status.value if p.political_status else None)))
        self.join_date.set_value(p.party_join_date)
        self.phone.setText(p.phone)
        self.current_post.setText(p.current_post)
        if p.village_id is not None:
            self.village.setCurrentIndex(max(0, self.village.findData(p.village_id)))
        self._note = p.note
        self._group_id = p.group_id

    def _id_changed(self, text: str) -> None:
        if len(text.strip()) < 18:
            self.id_info.setText("")
            return
        try:
            info = parse_id_number(text)
        except InvalidIdNumber as exc:
            self.id_info.setText(exc.message)
            self.id_info.setStyleSheet("color:#b71c1c")
            return
        self.id_info.setStyleSheet("color:#555")
        self.id_info.setText(tr("{g}，{y}年{m}月{d}日出生，{p}").format(
            g=info.gender, y=info.birth_date.year, m=info.birth_date.month, d=info.birth_date.day, p=info.province))

    def _refresh_posts(self) -> None:
        self.post.clear()
        key = (self.village.currentData(), chosen(self.org, OrgKind))
        for post in self.posts.get(key, []):
            self.post.addItem(post)

    def answer(self) -> NewCandidacy:
        person = PersonData(
            name=self.name.text().strip(), id_number=self.id_number.text().strip(),
            education=combo_enum(self.education, Education), political_status=combo_enum(self.political, PoliticalStatus),
            party_join_date=self.join_date.value(), phone=self.phone.text().strip(),
            village_id=self.village.currentData(), current_post=self.current_post.text().strip(),
            group_id=getattr(self, "_group_id", None), note=getattr(self, "_note", ""),
        )
        return NewCandidacy(person, chosen(self.org, OrgKind), self.post.currentText(),
                            chosen(self.source, NominationSource), self.incumbent.isChecked())

    def show_error(self, exc: BaseException) -> None:
        """A write's error: beside its field (in the box holding that field), the rest at the bottom of the person
        box; a bug goes on to the exception hook."""
        field = getattr(exc, "field", None)
        target, other = ((self.candidacy_errors, self.person_errors) if field in _CANDIDACY_FIELDS
                         else (self.person_errors, self.candidacy_errors))
        other.clear()
        target.show_error(exc)

    def message(self, field: str | None = None) -> str:
        """The message shown beside ``field`` (or the general one), for tests."""
        errors = self.candidacy_errors if field in _CANDIDACY_FIELDS else self.person_errors
        return errors.message(field)

    def submit(self) -> None:
        """确定: checks that need no database, then the save; the dialog stays open on any problem."""
        self.person_errors.clear()
        self.candidacy_errors.clear()
        answer = self.answer()
        if not answer.person.name:
            self.person_errors.show(tr("请填写姓名"), "name")
            return
        if not answer.person.id_number:
            self.person_errors.show(tr("请填写身份证号码"), "id_number")
            return
        if self._save is None:
            self.accept()
            return
        save = self._save
        self.ctx.write(lambda s: save(s, answer), Area.CANDIDATES, on_done=self._saved, on_error=self.show_error,
                       parent=self)

    def _saved(self, result: Any) -> None:
        self.saved = result
        if self.on_saved is not None:
            self.on_saved(result)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, choices: RegistrationChoices, village_id: int | None = None,
            on_saved: Callable[[int], None] | None = None) -> int | None:
        """Register a candidacy (and the person when new); the new candidacy's id, or None when cancelled.
        ``on_saved(id)`` runs as soon as the write has committed (before the pages reload)."""
        actor = ctx.actor

        def save(s: Any, a: NewCandidacy) -> int:
            return register_candidate(s, actor, choices.cycle_id, a.person, a.org_kind, a.post, a.source,
                                      a.incumbent)

        dialog = cls(ctx, choices.villages, choices.posts, village_id, parent, save=save)
        dialog.on_saved = on_saved
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


def edit_person(parent: QWidget | None, ctx: Any, form: PersonForm) -> bool:
    """Edit a person's fields (name, ID number, education, party, phone, post, village); True when saved."""
    actor = ctx.actor

    def save(s: Any, a: NewCandidacy) -> None:
        update_person(s, actor, form.person_id, a.person, expected_version=form.version)

    dialog = PersonDialog(ctx, form.villages, {}, form.data.village_id, parent, person=form.data, save=save)
    return dialog.exec() == QDialog.DialogCode.Accepted
