"""Who is who on a contest's ballot: one identity per person, names only for display (issue 14). People of the
same name get a distinguishing label, e.g. 王伟（男，1975年生）, which is the key the tally counts by."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from villagevote.elections.common import ballot_rows, gender_text
from villagevote.i18n import tr
from villagevote.models.candidates import Candidacy
from villagevote.models.elections import (
    BallotCandidate,
)


@dataclass
class RosterEntry:
    """One person on a contest's ballot (all posts): the tally key (``label``, the name with a distinguishing note
    when another person of the same name stands), the plain name, the engine id and the ballot rows."""
    label: str
    name: str
    id: Any                      # person id (int) when the candidacy is known, else the label (str)
    gender: str | None
    write_in: bool
    candidacy_ids: list[int]
    person_id: int | None
    bc_ids: list[int]


def _person_of(session: Session, bc: BallotCandidate) -> Any:
    if bc.candidacy_id is None:
        return None
    cand = session.get(Candidacy, bc.candidacy_id)
    return cand.person if cand is not None else None


def _distinguishing_notes(people: list[tuple[Any, Any, str | None, int]]) -> dict[Any, str]:
    """people: (identity, person or None, ballot gender, fallback number) → note, the shortest that tells them apart:
    （男，1975年生）, then the full birth date, then a number."""
    def gender_of(person: Any, g: str | None) -> str:
        if person is not None and person.gender is not None:
            return gender_text(person.gender) or ""
        return g or ""

    def year(person: Any) -> str:
        b = person.birth_date if person is not None else None
        return tr("{y}年生").format(y=b.year) if b else ""

    def full(person: Any) -> str:
        b = person.birth_date if person is not None else None
        return tr("{y}年{m}月{d}日生").format(y=b.year, m=b.month, d=b.day) if b else ""

    for born in (year, full):
        notes = {ident: "，".join(x for x in (gender_of(p, g), born(p)) if x) for ident, p, g, _ in people}
        if len(set(notes.values())) == len(notes) and all(notes.values()):
            return notes
    notes = {}
    for ident, p, g, n in people:
        base = "，".join(x for x in (gender_of(p, g), full(p)) if x)
        notes[ident] = (base + "，" if base else "") + tr("编号{n}").format(n=n)
    return notes


def contest_roster(session: Session, contest_id: int) -> dict[str, RosterEntry]:
    """label → the person it stands for. Listed candidates are one person per candidacy's person (the same person
    standing at two posts is one entry); people of the same name get a note, e.g. 王伟（男，1975年生）; written-in
    names (另选他人) are their own entries keyed by the written name."""
    rows = ballot_rows(session, contest_id, include_merged=False)
    listed = [bc for bc in rows if not bc.write_in]
    ident: dict[int, Any] = {}
    person: dict[Any, Any] = {}
    for bc in listed:
        p = _person_of(session, bc)
        key = ("p", p.id) if p is not None else ("n", bc.name)
        ident[bc.id] = key
        person[key] = p
    by_name: dict[str, dict[Any, BallotCandidate]] = {}
    for bc in listed:
        by_name.setdefault(bc.name, {}).setdefault(ident[bc.id], bc)
    label_of: dict[Any, str] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            label_of[next(iter(group))] = name
            continue
        people = [(k, person[k], bc.gender, (person[k].id if person[k] is not None else bc.id))
                  for k, bc in group.items()]
        for k, note in _distinguishing_notes(people).items():
            label_of[k] = tr("{name}（{note}）").format(name=name, note=note)
    out: dict[str, RosterEntry] = {}
    for bc in listed:
        k = ident[bc.id]
        label = label_of[k]
        e = out.get(label)
        if e is None:
            p = person[k]
            e = out[label] = RosterEntry(label, bc.name, p.id if p is not None else label, bc.gender, False, [],
                                         p.id if p is not None else None, [])
        e.bc_ids.append(bc.id)
        if bc.candidacy_id is not None and bc.candidacy_id not in e.candidacy_ids:
            e.candidacy_ids.append(bc.candidacy_id)
    for bc in rows:
        if bc.write_in and bc.name not in out:
            out[bc.name] = RosterEntry(bc.name, bc.name, tr("另选：{name}").format(name=bc.name), bc.gender, True,
                                       [], None, [])
        if bc.write_in:
            out[bc.name].bc_ids.append(bc.id)
    return out


def tally_labels(session: Session, contest_id: int) -> dict[int, str]:
    """ballot_candidate id → its tally key (label)."""
    return {bc_id: e.label for e in contest_roster(session, contest_id).values() for bc_id in e.bc_ids}
