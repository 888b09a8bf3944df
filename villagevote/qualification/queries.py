"""What the 候选人与资格审查 page and its dialogs read, as plain data (run on the GUI's database worker).

Every function takes a read session and returns dataclasses, tuples or enums — never ORM rows — so that the UI holds
no SQL: the page header and village list, the candidate list with each candidacy's verdict and kinship flag, the
detail of one candidacy, the choices a dialog offers (posts, rules, next review stage, status moves), the person form
of a candidacy and the rule catalogs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import CandidacyRow, list_candidacies
from villagevote.candidates.persons import PersonData
from villagevote.candidates.status import allowed_next, edit_choices
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Rule, RuleSet, Seat, Village
from villagevote.models.enums import CandidacyStatus, OrgKind, RelationKind, ReviewStage, RuleGrade
from villagevote.qualification.catalogs import RuleDef
from villagevote.qualification.county_review import build_county_sheet
from villagevote.qualification.review import (
    STAGES,
    ReviewStepRow,
    SignoffRow,
    county_departments,
    current_steps,
    person_signoffs,
    review_history,
)
from villagevote.qualification.rules_engine import Verdict, VerdictOutcome
from villagevote.qualification.rulesets import RuleSetInfo, list_rule_sets, rule_defs
from villagevote.qualification.verdict import compute_verdict, compute_verdicts, kinship_flags
from villagevote.township import current_cycle

__all__ = [
    "NOTICE_STATUSES",
    "CandidateDetail",
    "CandidateListRow",
    "CatalogOverview",
    "CatalogRule",
    "CountyExportOverview",
    "NoticePost",
    "PageHeader",
    "PersonForm",
    "RegistrationChoices",
    "StatusChoices",
    "candidate_detail",
    "candidate_list",
    "catalog_overview",
    "catalog_rules",
    "county_export_overview",
    "current_posts",
    "finding_rules",
    "found_ineligible",
    "next_review_stage",
    "notice_posts",
    "page_header",
    "person_form",
    "registration_choices",
    "require_cycle_id",
    "status_choices",
]


def require_cycle_id(session: Session) -> int:
    """The current cycle's id; a Chinese message when there is none yet."""
    cycle = current_cycle(session)
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，请先在“乡镇与届次”中建立。"))
    return cycle.id


def _villages(session: Session, township_id: int) -> list[tuple[int, str]]:
    return [(v.id, v.name) for v in session.scalars(
        select(Village).where(Village.township_id == township_id).order_by(Village.code, Village.id))]


# --- the page ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageHeader:
    """The current cycle (None when there is none), its villages and the rule catalog it uses ("" = none yet)."""

    cycle_id: int | None
    cycle_name: str = ""
    election_day: str = ""
    catalog: str = ""
    villages: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class CandidateListRow:
    """One row of the candidate list. ``id_number`` is empty unless the user may see it (the filter searches it)."""

    id: int
    village_id: int
    village: str
    org_kind: OrgKind
    org: str
    post: str
    name: str
    gender: str
    age: int | None
    political_status: str
    source: str
    status: CandidacyStatus
    status_label: str
    outcome: VerdictOutcome | None
    verdict: str
    kinship: str
    id_number: str


def page_header(session: Session) -> PageHeader:
    cycle = current_cycle(session)
    if cycle is None:
        return PageHeader(None)
    catalog = ""
    if cycle.rule_set_id is not None:
        rs = session.get(RuleSet, cycle.rule_set_id)
        if rs is not None:
            catalog = tr("{name} 第{v}版").format(name=rs.name, v=rs.version)
    return PageHeader(cycle.id, cycle.name, cycle.election_day.isoformat() if cycle.election_day else "", catalog,
                      tuple(_villages(session, cycle.township_id)))


def candidate_list(session: Session, cycle_id: int, sensitive: bool) -> list[CandidateListRow]:
    """Every candidacy of the cycle with its verdict and kinship flag (the page filters these in memory)."""
    rows = list_candidacies(session, cycle_id)
    verdicts = compute_verdicts(session, cycle_id, [r.id for r in rows])
    flagged: set[int] = set()
    for flag in kinship_flags(session, cycle_id):
        flagged.update((cast(int, flag.first.candidacy_id), cast(int, flag.second.candidacy_id)))
    out = []
    for r in rows:
        verdict = verdicts.get(r.id)
        outcome = verdict.outcome if verdict else None
        out.append(CandidateListRow(
            r.id, r.village_id, r.village, r.org_kind, r.org_kind.label, r.post, r.name, r.gender, r.age,
            r.political_status, r.source.label, r.status, r.status.label, outcome,
            outcome.label if outcome else tr("（未选定目录）"), tr("须回避") if r.id in flagged else "",
            r.id_number if sensitive else ""))
    return out


@dataclass(frozen=True)
class CandidateDetail:
    """The detail panel of one candidacy. ``verdict`` is None while the cycle has no catalog."""

    row: CandidacyRow
    verdict: Verdict | None
    steps: list[ReviewStepRow]
    signoffs: list[SignoffRow]
    kinship: list[str]
    relatives: list[tuple[int, int, str, RelationKind]]


def candidate_detail(session: Session, candidacy_id: int) -> CandidateDetail:
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    row = list_candidacies(session, cand.cycle_id, ids=[candidacy_id])[0]
    cycle = session.get(ElectionCycle, cand.cycle_id)
    verdict = compute_verdict(session, candidacy_id) if cycle is not None and cycle.rule_set_id else None
    flags = [f.message for f in kinship_flags(session, cand.cycle_id, row.village_id)
             if candidacy_id in (f.first.candidacy_id, f.second.candidacy_id)]
    return CandidateDetail(row, verdict, review_history(session, candidacy_id),
                           person_signoffs(session, candidacy_id),  # the person's answers, same on every candidacy
                           flags, persons.relationships_of(session, row.person_id))


# --- choices the dialogs offer -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegistrationChoices:
    """``posts``: {(village id, organization kind): [post, …]} of the cycle's organizations."""

    cycle_id: int
    villages: list[tuple[int, str]]
    posts: dict[tuple[int, OrgKind], list[str]]


def registration_choices(session: Session, cycle_id: int) -> RegistrationChoices:
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    posts: dict[tuple[int, OrgKind], list[str]] = {}
    for village_id, kind, post in session.execute(
            select(Organization.village_id, Organization.kind, Seat.post)
            .join(Seat, Seat.organization_id == Organization.id)
            .where(Organization.cycle_id == cycle_id).order_by(Seat.rank)):
        posts.setdefault((village_id, OrgKind(kind)), []).append(post)
    return RegistrationChoices(cycle.id, _villages(session, cycle.township_id), posts)


@dataclass(frozen=True)
class PersonForm:
    """A candidacy's person as the edit form loads it; ``version`` goes back with the save."""

    person_id: int
    name: str
    version: int
    data: PersonData
    villages: list[tuple[int, str]]


def person_form(session: Session, candidacy_id: int) -> PersonForm:
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    p = cand.person
    cycle = get_row(session, ElectionCycle, cand.cycle_id, tr("找不到换届届次（编号 {id}）"))
    data = PersonData(p.name, p.id_number or "", p.education, p.political_status, p.party_join_date, p.phone,
                      p.village_id, p.group_id, p.current_post, p.note)
    return PersonForm(p.id, p.name, p.version, data, _villages(session, cycle.township_id))


def finding_rules(session: Session, cycle_id: int) -> list[RuleDef] | None:
    """The rules of the cycle's catalog, None while it has none (findings cannot be recorded then)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    return rule_defs(session, cycle.rule_set_id) if cycle.rule_set_id is not None else None


def next_review_stage(session: Session, candidacy_id: int) -> ReviewStage:
    """The first review stage not yet recorded (县级联审 when all are)."""
    done = current_steps(session, candidacy_id)
    return next((st for st in STAGES if st not in done), ReviewStage.COUNTY)


@dataclass(frozen=True)
class StatusChoices:
    """The status a candidacy has, the version loaded with it, whether it is final, and the moves this user may
    make by hand."""

    current: CandidacyStatus
    version: int
    final: bool
    allowed: list[CandidacyStatus]


def status_choices(session: Session, candidacy_id: int, actor: Actor) -> StatusChoices:
    """Raises a UserError when the status cannot be edited at all (e.g. the contest result is official)."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    current = CandidacyStatus(cand.status)
    allowed = edit_choices(session, candidacy_id, actor)
    return StatusChoices(current, cand.version, not allowed_next(current), allowed)


@dataclass(frozen=True)
class CountyExportOverview:
    cycle_id: int
    township: str
    departments: list[str]
    count: int


def county_export_overview(session: Session) -> CountyExportOverview:
    """Who the joint-review workbook of the current cycle would list, and the departments that may answer it."""
    cycle_id = require_cycle_id(session)
    sheet = build_county_sheet(session, cycle_id)
    return CountyExportOverview(cycle_id, sheet.township, county_departments(session, cycle_id), len(sheet.rows))


# --- the public list (名单公示) -------------------------------------------------------------------------------------

#: Statuses that appear on the public notice: passed the review (and what may follow).
NOTICE_STATUSES = frozenset({CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY, CandidacyStatus.CANDIDATE,
                             CandidacyStatus.ELECTED, CandidacyStatus.NOT_ELECTED})


def found_ineligible(session: Session, cycle_id: int, candidacy_ids: list[int]) -> set[int]:
    """Candidacies whose person's findings make the verdict 不能: never posted on a public notice, even before the
    verdict has been applied to the status (shared by the 名单公示 and the 示诺公示)."""
    verdicts = compute_verdicts(session, cycle_id, candidacy_ids)
    return {cid for cid, v in verdicts.items() if v.outcome is VerdictOutcome.DISQUALIFIED}


@dataclass(frozen=True)
class NoticePost:
    """One post of one organization on a village's 名单公示, with the candidacies posted for it."""

    org_kind: OrgKind
    post: str
    quota: int
    rows: list[CandidacyRow]


def notice_posts(session: Session, cycle_id: int, village_id: int) -> list[NoticePost]:
    """The village's posts in organization and seat order, each with its candidacies that passed the review and
    are not found ineligible (posts with nobody are left out)."""
    rows = list_candidacies(session, cycle_id, village_id=village_id, statuses=set(NOTICE_STATUSES))
    barred = found_ineligible(session, cycle_id, [r.id for r in rows])
    rows = [r for r in rows if r.id not in barred]
    kinds = {org_id: OrgKind(kind) for org_id, kind in session.execute(
        select(Organization.id, Organization.kind).where(Organization.cycle_id == cycle_id,
                                                         Organization.village_id == village_id))}
    out = []
    for org_id, kind in sorted(kinds.items(), key=lambda kv: list(OrgKind).index(kv[1])):
        for post, quota in session.execute(
                select(Seat.post, Seat.quota).where(Seat.organization_id == org_id).order_by(Seat.rank)):
            posted = [r for r in rows if r.organization_id == org_id and r.post == post]
            if posted:
                out.append(NoticePost(kind, post, quota, posted))
    return out


def current_posts(session: Session, cycle_id: int, person_ids: list[int]) -> dict[int, str]:
    """现任职务 of each person for the forms: as recorded on the person; else the posts the person holds now and
    stands for again (candidacies marked 现任 in the cycle, e.g. "村民委员会主任"); else "" (the form says 无)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    out: dict[int, str] = {}
    recorded = dict(session.execute(select(Person.id, Person.current_post).where(Person.id.in_(ids))).tuples().all())
    held: dict[int, list[str]] = {}
    for person_id, kind, post in session.execute(
            select(Candidacy.person_id, Organization.kind, Candidacy.post)
            .join(Organization, Candidacy.organization_id == Organization.id)
            .where(Candidacy.cycle_id == cycle_id, Candidacy.person_id.in_(ids), Candidacy.incumbent.is_(True))
            .order_by(Candidacy.id)).tuples():
        text = f"{OrgKind(kind).label}{post}"
        if text not in held.setdefault(person_id, []):
            held[person_id].append(text)
    for person_id in ids:
        out[person_id] = (recorded.get(person_id) or "").strip() or "、".join(held.get(person_id, []))
    return out


# --- the rule catalogs ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogOverview:
    cycle_id: int | None
    cycle_name: str
    bound_id: int | None
    sets: list[RuleSetInfo]


@dataclass(frozen=True)
class CatalogRule:
    id: int
    code: str
    grade: RuleGrade
    text: str
    window_years: int | None
    until_expiry: bool
    departments: tuple[str, ...]
    evidence_hint: str
    event_label: str

    @property
    def limit(self) -> str:
        if self.window_years:
            return tr("{n}年").format(n=self.window_years)
        return tr("至期满日") if self.until_expiry else tr("不限")


def catalog_overview(session: Session) -> CatalogOverview:
    cycle = current_cycle(session)
    return CatalogOverview(cycle.id if cycle else None, cycle.name if cycle else "",
                           cycle.rule_set_id if cycle else None, list_rule_sets(session))


def catalog_rules(session: Session, rule_set_id: int) -> tuple[str, list[CatalogRule]]:
    """The catalog version's source note and its rules in order."""
    rs = get_row(session, RuleSet, rule_set_id, tr("找不到资格条件目录（编号 {id}）"))
    source = tr("来源：{src}").format(src=rs.source) + ("\n" + rs.note if rs.note else "")
    rules = [CatalogRule(r.id, r.code, RuleGrade(r.grade), r.text, r.window_years, r.until_expiry,
                         tuple(r.departments or []), r.evidence_hint, r.event_label)
             for r in session.scalars(select(Rule).where(Rule.rule_set_id == rule_set_id).order_by(Rule.sort_order))]
    return source, rules
