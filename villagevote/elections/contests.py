"""Contests: creating them (first round from the organization's seats and qualified candidacies, 另行选举 from the
previous round's unfilled seats), their settings, the candidates on the ballot, official ballots (recorded and
frozen), and the plain views prints, exports and the UI read.

Every write takes an ``Actor``, checks the permission, refuses changes to an official (locked) contest and writes the
audit log. Functions never commit: the caller's unit of work does (all or nothing)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, require, requires
from villagevote.elections.common import (
    BODIES,
    ELIGIBLE,
    MODE_TEXT,
    ballot_rows,
    body_label,
    check_committee_size,
    counting_begun,
    ensure_not_frozen,
    ensure_unlocked,
    gender_text,
    get_contest,
    has_tally,
    org_of,
    renumber,
    term_text,
    unlocked_contest,
    village_name,
)
from villagevote.elections.records import CandidateView, ContestView, PostView
from villagevote.elections.results import (
    WOMAN,
    check_candidate_margin,
    ensure_candidate_margin,
    required_candidates,
)
from villagevote.elections.roster import tally_labels
from villagevote.elections.tally_logic import (
    normalize_name,
)
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.base import row_dict
from villagevote.models.candidates import Candidacy
from villagevote.models.core import ElectionCycle, Organization, Township, Village
from villagevote.models.elections import (
    BallotCandidate,
    Contest,
    ContestPost,
    Result,
)
from villagevote.models.enums import ContestMode, ContestRound, OrgKind
from villagevote.names import stroke_key
from villagevote.voters.register import registered_voter_count


@dataclass(frozen=True)
class ContestRow:
    id: int
    village_id: int
    village: str
    body: str
    body_label: str
    round_label: str
    mode_label: str
    held_on: dt.date | None
    seats: int
    candidates: int
    tally_mode: str
    status: str
    official: bool


@dataclass(frozen=True)
class OrgChoice:
    organization_id: int
    village: str
    label: str


def organizations_for(session: Session, village_id: int | None, cycle_id: int | None) -> list[OrgChoice]:
    """The village committee and Party organization of each village in the cycle (contests are made for these)."""
    q = select(Organization, Village).join(Village, Village.id == Organization.village_id).where(
        Organization.kind.in_(list(BODIES)))
    if village_id is not None:
        q = q.where(Organization.village_id == village_id)
    if cycle_id is not None:
        q = q.where(Organization.cycle_id == cycle_id)
    out = []
    for org, village in session.execute(q.order_by(Village.code, Village.id, Organization.kind)):
        out.append(OrgChoice(org.id, village.name, f"{village.name} {body_label(OrgKind(org.kind))}"))
    return out


def registered_voters(session: Session, village_id: int, cycle_id: int) -> int:
    """Voters on the register who may vote on the election day (active and eligible: under-18s and removed voters
    do not count towards "more than half of the registered voters"); 0 when the register is not used."""
    return registered_voter_count(session, cycle_id, village_id)


@requires(Permission.EDIT)
def create_contest(session: Session, actor: Actor, organization_id: int, *,
                   round_: ContestRound | str = ContestRound.FIRST,
                   mode: ContestMode | str = ContestMode.WITH_CANDIDATES, held_on: dt.date | None = None,
                   electorate: int | None = None, present: int | None = None,
                   from_contest_id: int | None = None) -> int:
    """Create a contest with posts (from the organization's seats, or a previous round's unfilled seats) and
    candidates (qualified candidacies in stroke order, or the previous round's highest-polling non-winners)."""
    org = get_row(session, Organization, organization_id, tr("找不到组织（编号 {id}）"))
    kind = OrgKind(org.kind)
    if kind not in BODIES:
        raise ValidationError(tr("选举结果只按村民委员会和村党组织的规则计算；{label}的选举请另行记录").format(
            label=kind.label), field="organization_id")
    round_ = ContestRound(round_)
    mode = ContestMode(mode)
    cycle = session.get(ElectionCycle, org.cycle_id)
    if round_ is ContestRound.FIRST:
        existing = session.scalar(select(Contest.id).where(Contest.organization_id == org.id,
                                                           Contest.round == ContestRound.FIRST))
        if existing:
            raise ValidationError(tr("{village}{body}的正式选举已经建立（编号 {id}），不能重复建立").format(
                village=org.village.name, body=body_label(kind), id=existing), field="organization_id")
    if electorate is None:
        electorate = registered_voters(session, org.village_id, org.cycle_id) if kind is OrgKind.VILLAGE_COMMITTEE else 0
    for name, what, value in (("electorate", tr("登记选民/应到会人数"), electorate),
                              ("present", tr("实到会人数"), present)):
        if value is not None and value < 0:
            raise ValidationError(tr("{what}不能为负数").format(what=what), field=name)
    c = Contest(organization_id=org.id, round=round_, mode=mode, held_on=held_on or (cycle.election_day if cycle else None),
                electorate=electorate, present=present)
    session.add(c)
    if round_ is ContestRound.ADDITIONAL:
        _setup_additional(session, c, org, from_contest_id)
    else:
        check_committee_size(session, org, sum(seat.quota for seat in org.seats if seat.quota > 0))
        for seat in org.seats:
            if seat.quota > 0:
                c.posts.append(ContestPost(post=seat.post, rank=seat.rank, seats=seat.quota,
                                           women_seats=min(seat.women_quota, seat.quota)))
        session.flush()
        if mode is ContestMode.WITH_CANDIDATES:
            _add_candidacies(session, c, org)
    session.flush()
    audit.record(session, actor, "create", "contest", c.id, after=row_dict(c),
                 note=tr("{village}{body}{rnd}").format(village=org.village.name, body=body_label(kind),
                                                        rnd=round_.label))
    return c.id


@requires(Permission.EDIT)
def create_additional_contest(session: Session, actor: Actor, contest_id: int) -> int:
    """The 另行选举 for the seats ``contest_id`` left unfilled: same organization, its electorate and attendance
    carried over, the previous round's best-placed non-winners on the ballot (see :func:`create_contest`)."""
    prev = get_contest(session, contest_id)
    return create_contest(session, actor, prev.organization_id, round_=ContestRound.ADDITIONAL,
                          from_contest_id=prev.id, electorate=prev.electorate, present=prev.present)


def _add_candidacies(session: Session, c: Contest, org: Organization) -> None:
    posts = {p.post for p in c.posts}
    rows = session.scalars(select(Candidacy).where(Candidacy.organization_id == org.id,
                                                   Candidacy.status.in_(list(ELIGIBLE)))).all()
    by_post: dict[str, list[Candidacy]] = {}
    for cand in rows:
        if cand.post in posts:
            by_post.setdefault(cand.post, []).append(cand)
    for post, cands in by_post.items():
        cands.sort(key=lambda x: stroke_key(x.person.name))
        for i, cand in enumerate(cands, start=1):
            session.add(BallotCandidate(contest_id=c.id, candidacy_id=cand.id, name=cand.person.name,
                                        gender=gender_text(cand.person.gender), post=post, order=i))


def _setup_additional(session: Session, c: Contest, org: Organization, from_contest_id: int | None) -> None:
    session.flush()
    prev_id = from_contest_id or session.scalar(
        select(Contest.id).where(Contest.organization_id == org.id, Contest.id != c.id).order_by(Contest.id.desc()))
    prev = session.get(Contest, prev_id) if prev_id else None
    if prev is None or prev.organization_id != org.id:
        raise ValidationError(tr("另行选举须在同一组织已有一次选举之后建立"))
    res = session.scalar(select(Result).where(Result.contest_id == prev.id))
    decision = res.decision if res else None
    if not decision or not decision.get("valid"):
        raise ValidationError(tr("上一次选举还没有有效的计算结果，不能建立另行选举"))
    unfilled: dict[str, int] = decision.get("unfilled") or {}
    if not unfilled:
        raise ValidationError(tr("上一次选举没有缺额，不需要另行选举"))
    women_unfilled: dict[str, int] = decision.get("unfilled_women") or {}
    body = BODIES[OrgKind(org.kind)]
    rank = {p.post: p.rank for p in prev.posts}
    c.mode = ContestMode.WITH_CANDIDATES
    for post in sorted(unfilled, key=lambda p: rank.get(p, 99)):
        c.posts.append(ContestPost(post=post, rank=rank.get(post, 99), seats=unfilled[post],
                                   women_seats=women_unfilled.get(post, 0)))
    session.flush()
    # labels tell homonyms apart; a written-in winner whose election is void (当选无效) does not stand again
    elected_names = {e.get("label", e["name"])
                     for e in decision.get("elected", []) + (decision.get("invalidated") or [])}
    effective: dict[str, dict[str, int]] = decision.get("effective_votes") or {}
    prev_labels = tally_labels(session, prev.id)
    prev_cands = {prev_labels.get(bc.id, bc.name): bc for bc in session.scalars(select(BallotCandidate).where(
        BallotCandidate.contest_id == prev.id, BallotCandidate.merged_into_id.is_(None)))}
    for post in unfilled:
        need = required_candidates(body, unfilled[post])
        ranked = sorted(((v.get(post, 0), n) for n, v in effective.items() if n not in elected_names),
                        key=lambda x: -x[0])
        is_woman = {n: bool(prev_cands.get(n) and prev_cands[n].gender == WOMAN) for _, n in ranked}
        chosen = _pick_additional(ranked, need, women_unfilled.get(post, 0), is_woman)
        for _, name in sorted(chosen, key=lambda x: stroke_key(x[1])):
            src = prev_cands.get(name)
            session.add(BallotCandidate(contest_id=c.id, candidacy_id=src.candidacy_id if src else None,
                                        name=src.name if src else name,
                                        gender=src.gender if src else None, post=post, order=0))
    session.flush()
    for post in unfilled:
        renumber(session, c.id, post)


def _pick_additional(ranked: list[tuple[int, str]], need: int, women: int,
                     is_woman: dict[str, bool]) -> list[tuple[int, str]]:
    """The 另行选举 ballot for one post from the previous round's non-winners ``ranked`` (votes, name), highest first.

    The best-placed people with votes, as many as the 差额 rule needs, plus anyone tied with the last. When
    ``women`` seats for women are unfilled and fewer women than that are among them, the best-placed unelected
    women join the ballot even though men polled more (and anyone tied with the last of them): otherwise a ballot
    of men would hold the women seat back for ever (provincial 选举办法: 妇女名额另行选举 among women)."""
    def with_ties(pool: list[tuple[int, str]], n: int) -> list[tuple[int, str]]:
        head = pool[:n]
        if not head:
            return []
        cut = head[-1][0]
        return [x for x in pool if x[0] >= cut]

    chosen = with_ties([x for x in ranked if x[0] > 0], need)
    have = sum(1 for _, n in chosen if is_woman.get(n))
    if women > have:
        others = [x for x in ranked if is_woman.get(x[1]) and x not in chosen]
        chosen += with_ties(others, women - have)
    return chosen


@requires(Permission.EDIT)
def update_contest(session: Session, actor: Actor, contest_id: int, **fields: Any) -> None:
    """Change held_on, electorate, present, mode, double_entry or the posts' seats (before any tally)."""
    c = unlocked_contest(session, contest_id)
    before = row_dict(c)
    for key in ("held_on", "electorate", "present", "double_entry"):
        if key in fields:
            value = fields[key]
            if key in ("electorate", "present") and value is not None and int(value) < 0:
                raise ValidationError(tr("人数不能为负数"))
            setattr(c, key, value)
    if "mode" in fields:
        c.mode = ContestMode(fields["mode"])
    if "posts" in fields:  # [(post, seats, women_seats)]
        if has_tally(session, c.id):
            raise ValidationError(tr("已经录入计票数据，不能再修改职务和名额"))
        current = [(p.post, p.seats, p.women_seats) for p in c.posts]
        if [(p, int(n), int(w)) for p, n, w in fields["posts"]] != current:
            ensure_not_frozen(session, c)
        c.posts.clear()
        session.flush()
        for rank, (post, seats, women) in enumerate(fields["posts"], start=1):
            if seats < 0 or women < 0 or women > seats:
                raise ValidationError(tr("{post}：应选名额和妇女名额须为非负整数，且妇女名额不多于应选名额").format(post=post))
            c.posts.append(ContestPost(post=post, rank=rank, seats=seats, women_seats=women))
        if ContestRound(c.round) is ContestRound.FIRST:  # a 另行选举 elects only the seats still open
            check_committee_size(session, org_of(session, c), sum(n for _, n, _ in fields["posts"] if n > 0))
        kept = {p for p, _, _ in fields["posts"]}
        for bc in ballot_rows(session, c.id):
            if bc.post not in kept:  # candidates of a post no longer elected here leave the ballot
                session.delete(bc)
    session.flush()
    audit.record(session, actor, "update", "contest", c.id, before=before, after=row_dict(c))


@requires(Permission.EDIT)
def add_ballot_candidate(session: Session, actor: Actor, contest_id: int, post: str, name: str,
                         gender: str | None = None, candidacy_id: int | None = None) -> int:
    c = unlocked_contest(session, contest_id)
    ensure_not_frozen(session, c)
    if post not in {p.post for p in c.posts}:
        raise ValidationError(tr("“{post}”不是本次选举的职务").format(post=post))
    name = normalize_name(name)
    if not name:
        raise ValidationError(tr("姓名不能为空"))
    if session.scalar(select(BallotCandidate.id).where(BallotCandidate.contest_id == c.id,
                                                       BallotCandidate.post == post, BallotCandidate.name == name)):
        raise ValidationError(tr("{post}已有“{name}”").format(post=post, name=name))
    if has_tally(session, c.id) and session.scalar(select(BallotCandidate.id).where(
            BallotCandidate.contest_id == c.id, BallotCandidate.name == name, BallotCandidate.write_in.is_(False))):
        raise ValidationError(tr("已经录入计票数据，不能再往选票上加与“{name}”同名的人：已录入的票按现有名单区分同名者").format(
            name=name))
    bc = BallotCandidate(contest_id=c.id, name=name, gender=gender, post=post, candidacy_id=candidacy_id, order=0)
    session.add(bc)
    session.flush()
    renumber(session, c.id, post)
    audit.record(session, actor, "create", "ballot_candidate", bc.id, after=row_dict(bc))
    return bc.id


@requires(Permission.EDIT)
def remove_ballot_candidate(session: Session, actor: Actor, ballot_candidate_id: int) -> None:
    bc = get_row(session, BallotCandidate, ballot_candidate_id, tr("找不到选票上的候选人（编号 {id}）"))
    c = get_contest(session, bc.contest_id)
    ensure_unlocked(c)
    if has_tally(session, c.id):
        raise ValidationError(tr("已经录入计票数据，不能再从选票上删除候选人"))
    if not bc.write_in:
        ensure_not_frozen(session, c)
    before = row_dict(bc)
    session.delete(bc)
    session.flush()
    renumber(session, c.id, before["post"])
    audit.record(session, actor, "delete", "ballot_candidate", ballot_candidate_id, before=before)


@requires(Permission.EDIT)
def set_candidate_gender(session: Session, actor: Actor, ballot_candidate_id: int, gender: str | None) -> None:
    """Record a written-in person's gender (needed for the women seat)."""
    bc = get_row(session, BallotCandidate, ballot_candidate_id, tr("找不到选票上的候选人（编号 {id}）"))
    ensure_unlocked(get_contest(session, bc.contest_id))
    if gender not in ("男", "女", None):
        raise ValidationError(tr("性别应为 男 或 女"))
    before = row_dict(bc)
    bc.gender = gender
    session.flush()
    audit.record(session, actor, "update", "ballot_candidate", bc.id, before=before, after=row_dict(bc))


@requires(Permission.ADMIN)
def reopen_ballots(session: Session, actor: Actor, contest_id: int, reason: str) -> int:
    """Administrator only, with a reason: unfreeze the ballot's candidate list after official ballots were printed.
    The recorded print count is voided (back to 0; the old count is kept in the audit row) — the printed ballots must
    be destroyed and new ones printed. Refused once counting has begun or the result is official. Returns the voided
    count."""
    c = unlocked_contest(session, contest_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("重新开启选票须填写理由"))
    if not c.ballots_printed:
        raise ValidationError(tr("{village}还没有印制正式选票，选票名单未冻结，不需要重新开启").format(
            village=village_name(session, c)))
    if counting_begun(session, c):
        raise ValidationError(tr("{village}的选举已经开始计票，选票已投出，不能再重新开启选票").format(
            village=village_name(session, c)))
    voided = c.ballots_printed
    c.ballots_printed = 0
    session.flush()
    audit.record(session, actor, "reopen_ballots", "contest", c.id, before={"ballots_printed": voided},
                 after={"ballots_printed": 0},
                 note=tr("重新开启选票，作废已印制的正式选票 {n} 张：{reason}").format(n=voided, reason=reason))
    return voided


def list_contests(session: Session, village_id: int | None = None, cycle_id: int | None = None) -> list[ContestRow]:
    q = select(Contest, Organization, Village).join(Organization, Organization.id == Contest.organization_id).join(
        Village, Village.id == Organization.village_id)
    if village_id is not None:
        q = q.where(Village.id == village_id)
    if cycle_id is not None:
        q = q.where(Organization.cycle_id == cycle_id)
    out = []
    for c, org, village in session.execute(q.order_by(Village.code, Village.id, Organization.kind, Contest.id)):
        res = session.scalar(select(Result).where(Result.contest_id == c.id))
        kind = OrgKind(org.kind)
        ncand = session.scalar(select(func.count(BallotCandidate.id)).where(
            BallotCandidate.contest_id == c.id, BallotCandidate.write_in.is_(False))) or 0
        out.append(ContestRow(c.id, village.id, village.name, BODIES.get(kind, ""), body_label(kind),
                              ContestRound(c.round).label,
                              tr("差额") if ContestMode(c.mode) is ContestMode.WITH_CANDIDATES else tr("自荐直选"),
                              c.held_on,
                              sum(p.seats for p in c.posts), ncand, c.tally_mode,
                              _status_text(c, res.decision if res else None), c.official))
    return out


def _status_text(c: Contest, decision: dict | None) -> str:
    if c.official:
        return tr("已确认")
    if not decision:
        return tr("未计算")
    if decision.get("outcome") == "void":
        return tr("选举无效（未确认）")
    if decision.get("outcome") == "input_error":
        return tr("数据有误")
    if decision.get("ties"):
        return tr("票数相等待处理")
    return tr("已计算（未确认）")


def contest_view(session: Session, contest_id: int) -> ContestView:
    c = get_contest(session, contest_id)
    org = org_of(session, c)
    kind = OrgKind(org.kind)
    village = session.get(Village, org.village_id)
    township = session.get(Township, village.township_id) if village else None
    cycle = session.get(ElectionCycle, org.cycle_id)
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    labels = tally_labels(session, c.id)
    cands = [CandidateView(bc.id, bc.name, bc.gender, bc.post, bc.order, bc.candidacy_id, bc.write_in,
                           label=labels.get(bc.id, bc.name))
             for bc in session.scalars(select(BallotCandidate).where(BallotCandidate.contest_id == c.id,
                                                                     BallotCandidate.merged_into_id.is_(None))
                                       .order_by(BallotCandidate.post, BallotCandidate.order, BallotCandidate.id))]
    term = term_text(cycle)
    return ContestView(c.id, township.name if township else "", village.name if village else "", BODIES.get(kind, ""),
                       body_label(kind), ContestRound(c.round).value, MODE_TEXT[ContestMode(c.mode)], term, c.held_on,
                       c.electorate, c.present, c.ballots_printed, c.ballots_issued, c.ballots_returned,
                       c.ballots_invalid, [PostView(p.post, p.seats, p.women_seats) for p in c.posts], cands,
                       res.decision if res else None, c.official, c.official_by, c.official_at,
                       official_digest=c.official_digest if c.official else "")


def margin_problems(session: Session, contest_id: int) -> list[str]:
    view = contest_view(session, contest_id)
    counts = {p.post: len(view.candidates_for(p.post)) for p in view.posts}
    return check_candidate_margin(view.body, view.seats, counts, view.mode)


@requires(Permission.VIEW, note=tr("正式选票（非样票）须录入权限，并计入印制数"))
def prepare_ballots(session: Session, actor: Actor, contest_id: int, *, sample: bool, copies: int = 1) -> ContestView:
    """The contest as its ballot paper shows it, for the ballot renderer (``reports.forms_elections``). Official
    ballots (not samples) need the EDIT permission and the 差额 rule met, are refused after the lock or once counting
    has begun, and are counted: ``copies`` is added to the recorded print count (audited), which freezes the ballot's
    candidate list. The caller renders in the same transaction, so a failed render records nothing."""
    view = contest_view(session, contest_id)
    if not view.posts:
        raise ValidationError(tr("本次选举还没有设置职务和名额，不能印制选票"))
    if sample:
        return view
    require(actor, Permission.EDIT)
    c = unlocked_contest(session, contest_id)
    if copies < 1:
        raise ValidationError(tr("印制份数须至少 1 份"))
    if counting_begun(session, c):
        raise ValidationError(tr("{village}的选举已经开始计票（已录入发出/收回选票数或计票数据），"
                                 "不能再印制正式选票；样票仍可打印").format(village=view.village))
    counts = {p.post: len(view.candidates_for(p.post)) for p in view.posts}
    ensure_candidate_margin(view.body, view.seats, counts, view.mode)
    before = c.ballots_printed
    c.ballots_printed = before + copies
    session.flush()
    audit.record(session, actor, "print_ballots", "contest", c.id, before={"ballots_printed": before},
                 after={"ballots_printed": c.ballots_printed}, note=tr("印制正式选票 {n} 张").format(n=copies))
    return view
