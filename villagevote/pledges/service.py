"""Pledges per candidacy: generate (提诺), edit items, review (审诺), sign or refuse (签诺), and read them for prints.

Status: 草稿 draft → 已审核 reviewed (the village Party organization, the township work team and the township have
each passed it, in that order; its text is frozen then) → 已签订 signed, or 拒签 refused. Editing a reviewed pledge
sends it back to draft and the earlier reviews stop counting. Signed and refused pledges are locked.
Every write checks the actor's permission, validates everything before writing and records the audit log; the
caller's session commits or rolls back the whole step.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Pledge, PledgeItem, PledgeReview
from villagevote.models import PledgeTemplate as TemplateRow
from villagevote.models.core import Township, Village
from villagevote.models.enums import CandidacyStatus, PledgeKind, PledgeStatus, ReviewDecision
from villagevote.models.pledges import PledgeItemKind
from villagevote.names import stroke_key
from villagevote.pledges.kinds import DEFAULT_REQUIRED_KINDS
from villagevote.pledges.store import current_template_row, template_of
from villagevote.pledges.templates import (
    PledgeFacts,
    RenderedPledge,
    ResignationTrigger,
    TermGoalItem,
    build_context,
    render,
    validate_term_goal_items,
    validate_triggers,
)

__all__ = [
    "REVIEW_BODIES",
    "PledgeDetail",
    "PledgeRow",
    "RefusalOutcome",
    "ReviewInfo",
    "cycle_label",
    "facts_for",
    "generate_pledges",
    "list_pledges",
    "organization_name",
    "pledge_detail",
    "refuse_pledge",
    "rendered_pledge",
    "required_kinds",
    "review_body_label",
    "review_pledge",
    "save_goal_items",
    "save_triggers",
    "set_required_kinds",
    "sign_pledge",
    "strike_item",
]

# The three checks of 审诺, in the order they are made.
REVIEW_BODIES: tuple[str, ...] = ("village_party", "township_team", "township")
INACTIVE_CANDIDACY = {CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED}
# Who is posted on the 示诺 notice: people whose qualification review has passed (and, after the vote, its outcome).
NOTICE_CANDIDACY = {CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY, CandidacyStatus.CANDIDATE,
                    CandidacyStatus.ELECTED, CandidacyStatus.NOT_ELECTED}
_KIND_ORDER = {kind: i for i, kind in enumerate(PledgeKind)}


def review_body_label(body: str) -> str:
    labels = {"village_party": tr("村党组织"), "township_team": tr("乡镇驻村工作组"), "township": tr("乡镇党委")}
    return labels.get(body, body)


# --------------------------------------------------------------------------------------------------- plain data
@dataclass(frozen=True)
class ReviewInfo:
    id: int
    body: str
    body_label: str
    decision: ReviewDecision
    note: str
    reviewer: str
    reviewed_on: dt.date
    superseded: bool


@dataclass(frozen=True)
class PledgeRow:
    id: int
    candidacy_id: int
    name: str
    village_id: int
    village: str
    organization: str
    post: str
    kind: PledgeKind
    status: PledgeStatus
    template_name: str
    template_version: int
    goals: int
    struck: int
    reviews_passed: tuple[str, ...]  # bodies whose current review passed
    signed_on: dt.date | None
    witness: str
    refused_on: dt.date | None
    has_scan: bool

    @property
    def next_review_body(self) -> str | None:
        for body in REVIEW_BODIES:
            if body not in self.reviews_passed:
                return body
        return None


@dataclass(frozen=True)
class GoalLine:
    """A term-goal item with its database id (None for a new line from the editor)."""

    id: int | None
    item: TermGoalItem


@dataclass(frozen=True)
class PledgeDetail:
    row: PledgeRow
    election_day: dt.date
    term_end: dt.date
    categories: tuple[str, ...]
    weights_total: Decimal | None
    goals: tuple[GoalLine, ...]
    triggers: tuple[ResignationTrigger, ...]
    reviews: tuple[ReviewInfo, ...]
    rendered: RenderedPledge | None  # frozen text when reviewed/signed, else a preview (None if it cannot render yet)
    preview_problem: str = ""
    scan_path: str = ""
    copies: int = 2
    refusal_note: str = ""


@dataclass(frozen=True)
class RefusalOutcome:
    pledge_id: int
    finding_id: int | None
    rule_code: str | None
    message: str


@dataclass
class GenerateResult:
    created: list[int] = field(default_factory=list)
    moved_to_new_template: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------- lookups
T = TypeVar("T")

def _pledge(session: Session, pledge_id: int) -> Pledge:
    return get_row(session, Pledge, pledge_id, tr("找不到承诺书（编号 {id}）"))


def linked(session: Session, model: type[T], row_id: Any) -> T:
    """A row that another row refers to (its candidacy, organization, village, cycle, template): NotFound when the
    database lost it."""
    return get_row(session, model, row_id, tr("数据不完整：找不到关联记录（编号 {id}）"))


def _who(session: Session, pledge: Pledge) -> str:
    cand = session.get(Candidacy, pledge.candidacy_id)
    name = cand.person.name if cand is not None else "?"
    return tr("{name}的{kind}").format(name=name, kind=PledgeKind(pledge.kind).label)


def organization_name(village_name: str, kind_label: str) -> str:
    """东山村 + 村民委员会 -> 东山村村民委员会; 东山村 + 村党组织 -> 东山村党组织 (no doubled 村)."""
    if village_name.endswith("村") and kind_label.startswith("村党"):
        return village_name + kind_label[1:]
    return village_name + kind_label


def cycle_label(name: str) -> str:
    """The {届次} text: the cycle's name without a trailing 村级组织换届 / 换届, which the templates already say
    (2026年村级组织换届 -> 2026年; 第十二届 stays)."""
    label = name.strip()
    for suffix in ("村级组织换届选举", "村级组织换届", "换届选举", "换届"):
        if label.endswith(suffix) and len(label) > len(suffix):
            return label[: -len(suffix)]
    return label


def term_end_of(cycle: ElectionCycle) -> dt.date:
    day = cycle.election_day
    try:
        return day.replace(year=day.year + cycle.term_years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + cycle.term_years, day=28)


def facts_for(session: Session, candidacy_id: int, signed_on: dt.date | None = None,
              printed_on: dt.date | None = None) -> PledgeFacts:
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    org = linked(session, Organization, cand.organization_id)
    village = linked(session, Village, org.village_id)
    township = session.get(Township, village.township_id)
    cycle = linked(session, ElectionCycle, cand.cycle_id)
    person: Person = cand.person
    return PledgeFacts(
        name=person.name, gender=person.gender.label if person.gender else "",
        id_number=person.id_number or "", birth_date=person.birth_date,
        party_status=person.political_status.label if person.political_status else tr("群众"),
        village=village.name, township=township.name if township else "",
        organization=organization_name(village.name, org.kind.label), post=cand.post,
        cycle_label=cycle_label(cycle.name),
        cycle_year=cycle.year, election_day=cycle.election_day, signed_on=signed_on, printed_on=printed_on)


def required_kinds(session: Session, cycle_id: int) -> list[PledgeKind]:
    """The kinds of pledge every candidate of the cycle signs (cycle profile ``pledge_kinds``; default four)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    kinds = (cycle.profile or {}).get("pledge_kinds")
    if not kinds:
        return list(DEFAULT_REQUIRED_KINDS)
    return [PledgeKind(k) for k in kinds]


@requires(Permission.ADMIN)
def set_required_kinds(session: Session, actor: Actor, cycle_id: int, kinds: Sequence[PledgeKind | str]) -> None:
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    chosen = []
    for kind in kinds:
        try:
            chosen.append(PledgeKind(kind))
        except ValueError:
            raise ValidationError(tr("承诺种类“{k}”不认识").format(k=kind)) from None
    if not chosen:
        raise ValidationError(tr("至少选择一种承诺"))
    before = dict(cycle.profile or {})
    cycle.profile = {**before, "pledge_kinds": [k.value for k in chosen]}
    session.flush()
    audit.record(session, actor, "pledge_kinds", "election_cycle", cycle.id,
                 before={"pledge_kinds": before.get("pledge_kinds")}, after={"pledge_kinds": cycle.profile["pledge_kinds"]})


# --------------------------------------------------------------------------------------------------- generate
def _default_items(template_row: TemplateRow) -> list[PledgeItem]:
    template = template_of(template_row)
    return [PledgeItem(item_kind=PledgeItemKind.TRIGGER, code=t.code, params=dict(t.params) or None, title=t.text,
                       sort_order=i) for i, t in enumerate(template.default_triggers)]


@requires(Permission.EDIT)
def generate_pledges(session: Session, actor: Actor, cycle_id: int, village_id: int | None = None) -> GenerateResult:
    """Create the pledges the cycle requires for every standing candidacy (optionally of one village).

    Existing pledges are kept; drafts made from an older template move to the current template of their kind.
    Resignation pledges start with the template's default triggers.
    """
    kinds = required_kinds(session, cycle_id)
    templates = {kind: current_template_row(session, kind) for kind in kinds}
    query = select(Candidacy).where(Candidacy.cycle_id == cycle_id)
    if village_id is not None:
        query = query.join(Organization, Organization.id == Candidacy.organization_id).where(
            Organization.village_id == village_id)
    result = GenerateResult()
    for cand in session.scalars(query.order_by(Candidacy.id)):
        if CandidacyStatus(cand.status) in INACTIVE_CANDIDACY:
            continue
        existing = {PledgeKind(p.kind): p for p in session.scalars(select(Pledge).where(Pledge.candidacy_id == cand.id))}
        for kind in kinds:
            tpl = templates[kind]
            pledge = existing.get(kind)
            if pledge is None:
                pledge = Pledge(candidacy_id=cand.id, template_id=tpl.id, kind=kind, status=PledgeStatus.DRAFT)
                if kind is PledgeKind.RESIGNATION:
                    pledge.items = _default_items(tpl)
                session.add(pledge)
                session.flush()
                audit.record(session, actor, "create", "pledge", pledge.id, after=audit.snapshot(pledge),
                             note=f"candidacy {cand.id} {kind.value} template {tpl.name} v{tpl.version}")
                result.created.append(pledge.id)
            elif pledge.status == PledgeStatus.DRAFT and pledge.template_id != tpl.id:
                before = audit.snapshot(pledge)
                pledge.template_id = tpl.id
                session.flush()
                audit.record(session, actor, "template_update", "pledge", pledge.id, before=before,
                             after=audit.snapshot(pledge))
                result.moved_to_new_template.append(pledge.id)
    return result


# --------------------------------------------------------------------------------------------------- read
def _current_reviews(pledge: Pledge, session: Session) -> list[PledgeReview]:
    return list(session.scalars(select(PledgeReview).where(PledgeReview.pledge_id == pledge.id)
                                .order_by(PledgeReview.reviewed_on, PledgeReview.id)))


def _passed_bodies(reviews: Sequence[PledgeReview]) -> tuple[str, ...]:
    latest: dict[str, PledgeReview] = {}
    for review in reviews:
        if not review.superseded:
            latest[review.reviewer_body] = review
    return tuple(b for b in REVIEW_BODIES if b in latest and latest[b].decision == ReviewDecision.PASS)


def _row(session: Session, pledge: Pledge, cand: Candidacy, org: Organization, village: Village,
         template: TemplateRow, reviews: Sequence[PledgeReview]) -> PledgeRow:
    goals = [i for i in pledge.items if i.item_kind == PledgeItemKind.GOAL]
    return PledgeRow(
        id=pledge.id, candidacy_id=cand.id, name=cand.person.name, village_id=village.id, village=village.name,
        organization=organization_name(village.name, org.kind.label), post=cand.post, kind=PledgeKind(pledge.kind),
        status=PledgeStatus(pledge.status), template_name=template.name, template_version=template.version,
        goals=sum(1 for g in goals if not g.struck), struck=sum(1 for i in pledge.items if i.struck),
        reviews_passed=_passed_bodies(reviews), signed_on=pledge.signed_on, witness=pledge.witness,
        refused_on=pledge.refused_on, has_scan=bool(pledge.scan_path))


def list_pledges(session: Session, cycle_id: int, village_id: int | None = None,
                 candidacy_id: int | None = None) -> list[PledgeRow]:
    """Pledges of a cycle: by village, then candidate in surname-stroke order, then kind."""
    query = (select(Pledge, Candidacy, Organization, Village, TemplateRow)
             .join(Candidacy, Candidacy.id == Pledge.candidacy_id)
             .join(Organization, Organization.id == Candidacy.organization_id)
             .join(Village, Village.id == Organization.village_id)
             .join(TemplateRow, TemplateRow.id == Pledge.template_id)
             .where(Candidacy.cycle_id == cycle_id)
             .options(selectinload(Pledge.items), selectinload(Candidacy.person), defer(Pledge.rendered_json),
                      defer(Pledge.rendered_text)))
    if village_id is not None:
        query = query.where(Village.id == village_id)
    if candidacy_id is not None:
        query = query.where(Candidacy.id == candidacy_id)
    rows = session.execute(query).all()
    reviews: dict[int, list[PledgeReview]] = {}
    ids = [p.id for p, *_ in rows]
    if ids:
        for review in session.scalars(select(PledgeReview).where(PledgeReview.pledge_id.in_(ids))
                                      .order_by(PledgeReview.reviewed_on, PledgeReview.id)):
            reviews.setdefault(review.pledge_id, []).append(review)
    out = [_row(session, p, c, o, v, t, reviews.get(p.id, [])) for p, c, o, v, t in rows]
    out.sort(key=lambda r: (r.village, stroke_key(r.name), r.candidacy_id, _KIND_ORDER[r.kind]))
    return out


def goal_deadline(item: PledgeItem) -> dt.date:
    """A term goal's 完成时限 (goal rows always carry one; only trigger rows have none)."""
    if item.deadline is None:
        raise ValidationError(tr("目标“{t}”没有完成时限").format(t=item.title))
    return item.deadline


def _goal_items(pledge: Pledge) -> list[GoalLine]:
    return [GoalLine(i.id, TermGoalItem(i.title, i.category, i.target, goal_deadline(i), i.weight, i.struck,
                                        i.struck_reason))
            for i in pledge.items if i.item_kind == PledgeItemKind.GOAL]


def _triggers(pledge: Pledge) -> list[ResignationTrigger]:
    return [ResignationTrigger(i.code, i.title, dict(i.params or {}))
            for i in pledge.items if i.item_kind == PledgeItemKind.TRIGGER and not i.struck]


def _render_live(session: Session, pledge: Pledge, printed_on: dt.date | None = None) -> RenderedPledge:
    template_row = linked(session, TemplateRow, pledge.template_id)
    template = template_of(template_row)
    facts = facts_for(session, pledge.candidacy_id, printed_on=printed_on)
    return render(template, build_context(facts, template.id_number),
                  items=[g.item for g in _goal_items(pledge)], triggers=_triggers(pledge))


def rendered_pledge(session: Session, pledge_id: int) -> RenderedPledge:
    """The text to print: the frozen text of a reviewed or signed pledge; drafts cannot be printed for signing."""
    pledge = _pledge(session, pledge_id)
    if pledge.rendered_json:
        return RenderedPledge.from_json(pledge.rendered_json)
    raise ValidationError(tr("{who}还没有通过审诺（村党组织、乡镇驻村工作组、乡镇党委依次审核），不能打印签字").format(
        who=_who(session, pledge)))


def pledge_detail(session: Session, pledge_id: int) -> PledgeDetail:
    pledge = _pledge(session, pledge_id)
    cand = linked(session, Candidacy, pledge.candidacy_id)
    org = linked(session, Organization, cand.organization_id)
    village = linked(session, Village, org.village_id)
    cycle = linked(session, ElectionCycle, cand.cycle_id)
    template_row = linked(session, TemplateRow, pledge.template_id)
    template = template_of(template_row)
    reviews = _current_reviews(pledge, session)
    problem = ""
    rendered: RenderedPledge | None
    if pledge.rendered_json:
        rendered = RenderedPledge.from_json(pledge.rendered_json)
    else:
        try:
            rendered = _render_live(session, pledge)
        except ValidationError as exc:
            rendered, problem = None, exc.message
    infos = tuple(ReviewInfo(r.id, r.reviewer_body, review_body_label(r.reviewer_body), ReviewDecision(r.decision),
                             r.note, r.reviewer, r.reviewed_on, r.superseded) for r in reviews)
    all_triggers = tuple(ResignationTrigger(i.code, i.title, dict(i.params or {}))
                         for i in pledge.items if i.item_kind == PledgeItemKind.TRIGGER)
    return PledgeDetail(
        row=_row(session, pledge, cand, org, village, template_row, reviews), election_day=cycle.election_day,
        term_end=term_end_of(cycle), categories=tuple(template.categories), weights_total=template.weights_total,
        goals=tuple(_goal_items(pledge)), triggers=all_triggers, reviews=infos, rendered=rendered,
        preview_problem=problem, scan_path=pledge.scan_path, copies=pledge.copies, refusal_note=pledge.refusal_note)


# --------------------------------------------------------------------------------------------------- edit
def _ensure_editable(session: Session, pledge: Pledge) -> None:
    if pledge.status in (PledgeStatus.SIGNED, PledgeStatus.REFUSED):
        raise LockedError(tr("{who}已{state}，不能再修改").format(
            who=_who(session, pledge), state=PledgeStatus(pledge.status).label))


def _back_to_draft(session: Session, actor: Actor, pledge: Pledge, why: str) -> None:
    """An edit after review: the reviews stop counting and the frozen text is dropped."""
    for review in session.scalars(select(PledgeReview).where(PledgeReview.pledge_id == pledge.id,
                                                             PledgeReview.superseded.is_(False))):
        review.superseded = True
    if pledge.status == PledgeStatus.REVIEWED:
        audit.record(session, actor, "back_to_draft", "pledge", pledge.id, note=why)
    pledge.status = PledgeStatus.DRAFT
    pledge.rendered_json = ""
    pledge.rendered_text = ""
    pledge.rendered_title = ""


@requires(Permission.EDIT)
def save_goal_items(session: Session, actor: Actor, pledge_id: int, goals: Sequence[TermGoalItem]) -> None:
    """Replace the term goals of a 创业承诺 (struck lines included, as the editor shows them).

    Checks every line first (deadline not before the election day nor after the term, category from the template,
    weights); nothing is written when any line is wrong. A reviewed pledge goes back to draft.
    """
    pledge = _pledge(session, pledge_id)
    _ensure_editable(session, pledge)
    if pledge.kind != PledgeKind.TERM_GOALS:
        raise ValidationError(tr("只有创业承诺（任期目标）有目标项"))
    cand = linked(session, Candidacy, pledge.candidacy_id)
    cycle = linked(session, ElectionCycle, cand.cycle_id)
    template = template_of(linked(session, TemplateRow, pledge.template_id))
    validate_term_goal_items(goals, cycle.election_day, template.categories, template.weights_total,
                             term_end_of(cycle))
    before = [audit.snapshot(i) for i in pledge.items]
    pledge.items = [i for i in pledge.items if i.item_kind != PledgeItemKind.GOAL]
    session.flush()
    for order, goal in enumerate(goals):
        pledge.items.append(PledgeItem(item_kind=PledgeItemKind.GOAL, title=goal.title.strip(), category=goal.category,
                                       target=goal.target.strip(), deadline=goal.deadline, weight=goal.weight,
                                       struck=goal.struck, struck_reason=goal.strike_reason.strip(),
                                       sort_order=order))
    _back_to_draft(session, actor, pledge, "goals edited")
    session.flush()
    audit.record(session, actor, "goals", "pledge", pledge.id, before={"items": before},
                 after={"items": [audit.snapshot(i) for i in pledge.items]})


@requires(Permission.EDIT)
def save_triggers(session: Session, actor: Actor, pledge_id: int, triggers: Sequence[ResignationTrigger]) -> None:
    """Replace the trigger conditions of a 辞职承诺. A reviewed pledge goes back to draft."""
    pledge = _pledge(session, pledge_id)
    _ensure_editable(session, pledge)
    if pledge.kind != PledgeKind.RESIGNATION:
        raise ValidationError(tr("只有辞职承诺有辞职情形"))
    validate_triggers(triggers)
    before = [audit.snapshot(i) for i in pledge.items]
    pledge.items = []
    session.flush()
    for order, trig in enumerate(triggers):
        pledge.items.append(PledgeItem(item_kind=PledgeItemKind.TRIGGER, code=trig.code or f"custom{order + 1}",
                                       params=dict(trig.params) or None, title=trig.text.strip(), sort_order=order))
    _back_to_draft(session, actor, pledge, "triggers edited")
    session.flush()
    audit.record(session, actor, "triggers", "pledge", pledge.id, before={"items": before},
                 after={"items": [audit.snapshot(i) for i in pledge.items]})


@requires(Permission.REVIEW)
def strike_item(session: Session, actor: Actor, item_id: int, reason: str) -> None:
    """审诺: strike one item (e.g. an illegal promise of money to voters) with a reason; it is left out of the print
    and never becomes a commitment. Only while the pledge is a draft."""
    item = get_row(session, PledgeItem, item_id, tr("找不到承诺事项（编号 {id}）"))
    pledge = _pledge(session, item.pledge_id)
    _ensure_editable(session, pledge)
    if pledge.status != PledgeStatus.DRAFT:
        raise ValidationError(tr("{who}已审核完成；要删去事项请先修改承诺（将退回草稿重新审核）").format(
            who=_who(session, pledge)))
    reason = reason.strip()
    if not reason:
        raise ValidationError(tr("删去“{t}”须写明理由（如：以财物许诺拉票）").format(t=item.title))
    if item.struck:
        raise ValidationError(tr("“{t}”已删去").format(t=item.title))
    remaining = [i for i in pledge.items if i.item_kind == item.item_kind and not i.struck and i.id != item.id]
    if not remaining:
        raise ValidationError(tr("不能删去最后一项；承诺全部不合规时请记“不通过”"))
    before = audit.snapshot(item)
    item.struck = True
    item.struck_reason = reason
    session.flush()
    audit.record(session, actor, "strike", "pledge_item", item.id, before=before, after=audit.snapshot(item))


# --------------------------------------------------------------------------------------------------- review
@requires(Permission.REVIEW)
def review_pledge(session: Session, actor: Actor, pledge_id: int, body: str, decision: ReviewDecision | str,
                  note: str = "", reviewed_on: dt.date | None = None, reviewer: str | None = None) -> PledgeStatus:
    """Record one 审诺 check. Bodies go in order (村党组织 → 乡镇驻村工作组 → 乡镇党委); "不通过" needs a note.

    When the township passes it the pledge becomes 已审核 and its text is frozen exactly as it will be printed and
    signed. Returns the pledge's status afterwards.
    """
    pledge = _pledge(session, pledge_id)
    _ensure_editable(session, pledge)
    if body not in REVIEW_BODIES:
        raise ValidationError(tr("审核单位“{b}”不认识，应为：村党组织、乡镇驻村工作组、乡镇党委").format(b=body))
    decision = ReviewDecision(decision)
    if decision not in (ReviewDecision.PASS, ReviewDecision.FAIL):
        raise ValidationError(tr("审诺结论只能是“通过”或“不通过”"))
    note = note.strip()
    if decision is ReviewDecision.FAIL and not note:
        raise ValidationError(tr("审诺“不通过”须写明意见（哪一项、为什么）"), field="note")
    reviewed_on = reviewed_on or dt.date.today()
    if reviewed_on > dt.date.today():
        raise ValidationError(tr("审核日期{d}晚于今天").format(d=reviewed_on.isoformat()), field="date")
    if pledge.status == PledgeStatus.REVIEWED:
        raise ValidationError(tr("{who}已审核完成").format(who=_who(session, pledge)))
    reviews = _current_reviews(pledge, session)
    passed = _passed_bodies(reviews)
    index = REVIEW_BODIES.index(body)
    for earlier in REVIEW_BODIES[:index]:
        if earlier not in passed:
            raise ValidationError(tr("请先由{first}审核通过，再由{body}审核").format(
                first=review_body_label(earlier), body=review_body_label(body)))
    live = [r for r in reviews if not r.superseded]
    if live and reviewed_on < max(r.reviewed_on for r in live):
        raise ValidationError(tr("审核日期{d}早于前一次审核日期").format(d=reviewed_on.isoformat()), field="date")
    if body == "township" and decision is ReviewDecision.PASS:
        # Freeze the text now: any problem (a missing date, no goals …) stops the pass before anything is written.
        rendered = _render_live(session, pledge)
    for review in live:
        if review.reviewer_body == body:
            review.superseded = True
    review = PledgeReview(pledge_id=pledge.id, reviewer_body=body, decision=decision, note=note,
                          reviewer=(reviewer or actor.display_name or actor.username), reviewed_on=reviewed_on)
    session.add(review)
    before = audit.snapshot(pledge)
    if body == "township" and decision is ReviewDecision.PASS:
        pledge.status = PledgeStatus.REVIEWED
        pledge.rendered_json = rendered.to_json()
        pledge.rendered_text = rendered.text
        pledge.rendered_title = rendered.title[:128]
    session.flush()
    audit.record(session, actor, "review", "pledge", pledge.id, before=before, after=audit.snapshot(pledge),
                 note=f"{body}: {decision.value}" + (f": {note}" if note else ""))
    return PledgeStatus(pledge.status)


# --------------------------------------------------------------------------------------------------- sign / refuse
@requires(Permission.EDIT)
def sign_pledge(session: Session, actor: Actor, pledge_id: int, signed_on: dt.date, witness: str, copies: int = 2,
                scan_file: str | None = None, today: dt.date | None = None) -> None:
    """签诺: record the signing of a reviewed pledge (date, witness, copies, optional scan PDF/JPG/PNG).

    Everything is checked before anything is written or copied: a missing witness, a date in the future or before
    the review, a scan that is not an image or PDF.
    """
    pledge = _pledge(session, pledge_id)
    _ensure_editable(session, pledge)
    who = _who(session, pledge)
    if pledge.status != PledgeStatus.REVIEWED:
        raise ValidationError(tr("{who}还没有通过审诺，不能签订").format(who=who))
    witness = (witness or "").strip()
    if not witness:
        raise ValidationError(tr("{who}：请填写见证人").format(who=who), field="witness")
    if not isinstance(signed_on, dt.date):
        raise ValidationError(tr("{who}：请填写签订日期").format(who=who), field="date")
    today = today or dt.date.today()
    if signed_on > today:
        raise ValidationError(tr("{who}：签订日期{d}晚于今天").format(who=who, d=signed_on.isoformat()), field="date")
    last_review = max((r.reviewed_on for r in _current_reviews(pledge, session) if not r.superseded), default=None)
    if last_review and signed_on < last_review:
        raise ValidationError(tr("{who}：签订日期{d}早于审核通过日期{r}").format(
            who=who, d=signed_on.isoformat(), r=last_review.isoformat()))
    if not isinstance(copies, int) or copies < 1 or copies > 10:
        raise ValidationError(tr("{who}：份数应为1到10之间的整数（一般一式两份）").format(who=who), field="copies")
    stored: tuple[str, str] | None = None
    if scan_file:
        from villagevote.pledges.scans import detect_scan_type, store_scan

        detect_scan_type(scan_file)  # raises with a clear message before anything is written
        stored = store_scan(scan_file, pledge.id)
    before = audit.snapshot(pledge)
    pledge.signed_on = signed_on
    pledge.witness = witness
    pledge.copies = copies
    if stored:
        pledge.scan_path, pledge.scan_sha256 = stored
    pledge.status = PledgeStatus.SIGNED
    session.flush()
    audit.record(session, actor, "sign", "pledge", pledge.id, before=before, after=audit.snapshot(pledge))


@requires(Permission.EDIT)
def attach_scan(session: Session, actor: Actor, pledge_id: int, scan_file: str) -> str:
    """Add or replace the scan of a signed pledge; returns its SHA-256."""
    from villagevote.pledges.scans import store_scan

    pledge = _pledge(session, pledge_id)
    if pledge.status != PledgeStatus.SIGNED:
        raise ValidationError(tr("{who}尚未签订，签订时再上传扫描件").format(who=_who(session, pledge)))
    relative, digest = store_scan(scan_file, pledge.id)
    before = audit.snapshot(pledge)
    pledge.scan_path, pledge.scan_sha256 = relative, digest
    session.flush()
    audit.record(session, actor, "scan", "pledge", pledge.id, before=before, after=audit.snapshot(pledge))
    return digest


def scan_file_of(session: Session, pledge_id: int) -> str:
    """Absolute path of a pledge's scan, checked against its SHA-256 (for opening from the app)."""
    from villagevote.pledges.scans import scan_path

    pledge = _pledge(session, pledge_id)
    if not pledge.scan_path:
        raise ValidationError(tr("{who}没有上传扫描件").format(who=_who(session, pledge)))
    return str(scan_path(pledge.scan_path, pledge.scan_sha256))


@requires(Permission.EDIT)
def refuse_pledge(session: Session, actor: Actor, pledge_id: int, refused_on: dt.date, note: str,
                  today: dt.date | None = None) -> RefusalOutcome:
    """Record that the candidate refused to sign. The refusal becomes a finding (result 有) against the rule of the
    cycle's catalog that covers pledge refusal, so it shows in the qualification verdict; where the catalog has no
    such rule, the refusal is recorded and the message says so.

    When the verdict that follows is 不能, it is applied at once through the qualification verdict
    (:func:`villagevote.qualification.review.apply_disqualifying_verdict`, origin QUALIFICATION): every candidacy of
    the person in the cycle becomes 取消资格, so the person leaves the 名单公示 and the 示诺公示. The status change
    is the verdict's consequence, not the clerk's judgement: it is written and audited as the system (系统), with a
    reason naming the clerk who recorded the refusal; the refusal and the finding are audited as the clerk."""
    from villagevote.models.enums import FindingResult
    from villagevote.qualification.findings import record_finding, rule_for_cover
    from villagevote.qualification.review import apply_disqualifying_verdict
    from villagevote.qualification.rules_engine import VerdictOutcome
    from villagevote.qualification.verdict import compute_verdict

    pledge = _pledge(session, pledge_id)
    _ensure_editable(session, pledge)
    who = _who(session, pledge)
    note = (note or "").strip()
    if not note:
        raise ValidationError(tr("{who}：请写明拒签情况（何时、在场人员、本人理由）").format(who=who), field="note")
    today = today or dt.date.today()
    if not isinstance(refused_on, dt.date) or refused_on > today:
        raise ValidationError(tr("{who}：拒签日期应为今天或以前").format(who=who), field="date")
    rule_code = rule_for_cover(session, pledge.candidacy_id, "pledge_refusal")
    before = audit.snapshot(pledge)
    pledge.status = PledgeStatus.REFUSED
    pledge.refused_on = refused_on
    pledge.refusal_note = note
    session.flush()
    audit.record(session, actor, "refuse", "pledge", pledge.id, before=before, after=audit.snapshot(pledge))
    finding_id = None
    if rule_code is not None:
        finding_id = record_finding(
            session, pledge.candidacy_id, rule_code, FindingResult.HIT, actor, department=tr("乡镇党委"),
            evidence=tr("拒签{kind}：{note}").format(kind=PledgeKind(pledge.kind).label, note=note),
            event_date=refused_on, today=today)
        message = tr("已记录拒签，并记入资格审查（{code}）").format(code=rule_code)
        verdict = compute_verdict(session, pledge.candidacy_id)
        if verdict.outcome is VerdictOutcome.DISQUALIFIED:
            reason = tr("拒签{kind}，资格审查结论为“不能”：{reasons}（拒签由{who}记录）").format(
                kind=PledgeKind(pledge.kind).label, reasons="；".join(verdict.reasons),
                who=actor.display_name or actor.username)
            outcome = apply_disqualifying_verdict(session, audit.SYSTEM, pledge.candidacy_id, reason)
            if outcome.moved:
                message += tr("；资格审查结论为“不能”，{n}项候选人登记已改为取消资格，不再列入名单公示和示诺公示").format(
                    n=len(outcome.moved))
            if outcome.left:
                message += "；" + "；".join(msg for _, msg in outcome.left)
    else:
        message = tr("已记录拒签。本届资格条件目录中没有“拒签承诺”的条目，未记入资格审查；如需处理请按本届选举办法办理")
    return RefusalOutcome(pledge.id, finding_id, rule_code, message)
