"""Reading the stored 实绩比选 rows that every part of the service needs: the scheme and rater looked up by id
(refused once the outcome is applied, for changes), the rater groups, the criterion codes, a sheet's values and state,
the participants in surname-stroke order."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.errors import LockedError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, Organization, Person, Village
from villagevote.models.enums import CandidacyStatus, OrgKind
from villagevote.models.scoring import (
    Rater,
    RaterGroup,
    Score,
    ScoreCriterion,
    ScoreParticipant,
    ScoreScheme,
    ScoreSheet,
)
from villagevote.names import stroke_key
from villagevote.scoring.rows import (
    ParticipantRow,
    SheetState,
)
from villagevote.scoring.scheme import (
    Scheme,
    scheme_from_dict,
)
from villagevote.scoring.values import Mismatch, compare_entries

MAX_LISTED_PROBLEMS = 12
#: candidacies in these statuses stay listed but take no part in the ranking (their scores are kept)
EXCLUDED_STATUSES = frozenset({CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED,
                               CandidacyStatus.ADVISED_WITHDRAW})


# -- helpers -----------------------------------------------------------------------------------------------------------

def scheme_row(session: Session, scheme_id: int) -> ScoreScheme:
    return get_row(session, ScoreScheme, scheme_id, tr("找不到评分方案（编号 {id}）"))


def rater_row(session: Session, rater_id: int) -> Rater:
    return get_row(session, Rater, rater_id, tr("找不到评委（编号 {id}）"))


def get_scheme(session: Session, scheme_id: int) -> Scheme:
    """The engine's scheme object for a stored scheme."""
    return scheme_from_dict(scheme_row(session, scheme_id).definition)


def score_count(session: Session, scheme_id: int) -> int:
    return session.scalar(
        select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
        .join(Rater, ScoreSheet.rater_id == Rater.id).where(Rater.scheme_id == scheme_id)) or 0


def check_not_applied(row: ScoreScheme) -> None:
    if row.outcome_applied_at is not None:
        raise LockedError(tr("评分方案“{name}”的结果已于 {at} 确定（{who}），评分、评委和加扣分不能再修改").format(
            name=row.name, at=row.outcome_applied_at.strftime("%Y-%m-%d %H:%M"), who=row.outcome_applied_by))


def open_scheme(session: Session, scheme_id: int) -> ScoreScheme:
    """The scheme, for a change to its scores, raters or adjustments: refused once its outcome is applied."""
    row = scheme_row(session, scheme_id)
    check_not_applied(row)
    return row


def num_text(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.normalize(), "f") if d != 0 else "0"


def post_key(organization_id: int, post: str) -> str:
    return f"{organization_id}:{post}"



def rater_groups(session: Session, scheme_id: int) -> dict[int, RaterGroup]:
    return {g.id: g for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == scheme_id))}



def sheet_values(session: Session, sheet: ScoreSheet | None, codes: Mapping[int, str]) -> dict[tuple[int, str], Decimal]:
    if sheet is None:
        return {}
    return {(s.candidacy_id, codes[s.criterion_id]): s.value
            for s in session.scalars(select(Score).where(Score.sheet_id == sheet.id)) if s.criterion_id in codes}


def criterion_codes(session: Session, scheme_id: int) -> dict[int, str]:
    return {c.id: c.code for c in session.scalars(
        select(ScoreCriterion).where(ScoreCriterion.scheme_id == scheme_id, ScoreCriterion.kind == "criterion"))}


def sheet_of(session: Session, rater_id: int, entry_no: int) -> ScoreSheet | None:
    return session.scalar(select(ScoreSheet).where(ScoreSheet.rater_id == rater_id, ScoreSheet.entry_no == entry_no))


def state_of(session: Session, rater: Rater, double_entry: bool) -> SheetState:
    s1, s2 = sheet_of(session, rater.id, 1), sheet_of(session, rater.id, 2)

    def state(s: ScoreSheet | None) -> str:
        return "" if s is None else ("complete" if s.confirmed else "partial")
    mism: tuple[Mismatch, ...] = ()
    if double_entry:
        counts = False
        if s1 is not None and s2 is not None and s1.confirmed and s2.confirmed:
            codes = criterion_codes(session, rater.scheme_id)
            mism = tuple(compare_entries(sheet_values(session, s1, codes), sheet_values(session, s2, codes)))
            counts = not mism
    else:
        counts = s1 is not None and s1.confirmed
    return SheetState(rater_id=rater.id, entry1=state(s1), entry2=state(s2), double_entry=double_entry,
                      mismatches=mism, counts=counts)


def sheet_state(session: Session, rater_id: int) -> SheetState:
    rater = rater_row(session, rater_id)
    return state_of(session, rater, scheme_row(session, rater.scheme_id).double_entry)


# -- participants ------------------------------------------------------------------------------------------------------

def participant_rows(session: Session, candidacy_ids: Iterable[int]) -> list[ParticipantRow]:
    ids = list(candidacy_ids)
    if not ids:
        return []
    stmt = (select(Candidacy, Person, Organization, Village)
            .join(Person, Candidacy.person_id == Person.id)
            .join(Organization, Candidacy.organization_id == Organization.id)
            .join(Village, Organization.village_id == Village.id)
            .where(Candidacy.id.in_(ids)))
    rows = []
    for cand, person, org, village in session.execute(stmt):
        org_label = OrgKind(org.kind).label
        rows.append(ParticipantRow(
            candidacy_id=cand.id, name=person.name, village=village.name, org_label=org_label, post=cand.post,
            post_key=post_key(org.id, cand.post), post_label=f"{village.name} {org_label} {cand.post}",
            status=CandidacyStatus(cand.status), incumbent=cand.incumbent))
    kind_order = {k.label: i for i, k in enumerate(OrgKind)}
    rows.sort(key=lambda r: (r.village, kind_order.get(r.org_label, 9), r.post, stroke_key(r.name)))
    return rows


def list_participants(session: Session, scheme_id: int) -> list[ParticipantRow]:
    """Candidacies in the selection, grouped by village, organization and post, in surname-stroke order."""
    scheme_row(session, scheme_id)
    ids = session.scalars(select(ScoreParticipant.candidacy_id).where(ScoreParticipant.scheme_id == scheme_id))
    return participant_rows(session, ids)
