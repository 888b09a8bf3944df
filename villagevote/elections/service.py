"""Contests, tally entry, results and the official lock — the database side of issue 7.

Every write takes an ``Actor``, checks the permission, refuses changes to an official (locked) contest and writes the
audit log. Functions never commit: the caller's ``db.session()`` unit of work does (all or nothing).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from villagevote import audit, integrity
from villagevote.audit import Actor
from villagevote.auth import Permission, require, requires
from villagevote.elections.tally_logic import (
    Ballot,
    BallotCheck,
    BallotCounter,
    PostTotals,
    TallyTotals,
    check_ballot,
    contest_input,
    normalize_name,
    reconcile,
)
from villagevote.elections.views import CandidateView, ContestView, PostView, VoteRow
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.base import row_dict
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import ElectionCycle, Organization, Township, Village
from villagevote.models.elections import (
    BallotCandidate,
    BallotRecord,
    Contest,
    ContestPost,
    LockEvent,
    Result,
    SpoiltBallot,
    TallyEntry,
    TallyPost,
)
from villagevote.models.enums import CandidacyStatus, ContestMode, ContestRound, Gender, OrgKind
from villagevote.results import (
    BODY_PARTY,
    BODY_VILLAGE,
    COMMITTEE_MAX,
    COMMITTEE_MIN,
    WOMAN,
    check_candidate_margin,
    decide,
    ensure_candidate_margin,
    required_candidates,
)

BODIES: dict[OrgKind, str] = {OrgKind.VILLAGE_COMMITTEE: BODY_VILLAGE, OrgKind.PARTY_BRANCH: BODY_PARTY}
ELIGIBLE = (CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY, CandidacyStatus.CANDIDATE)
MODE_TEXT = {ContestMode.WITH_CANDIDATES: "差额", ContestMode.SELF_NOMINATION: "自荐直选"}
WHOLE = "整张"


def _body_label(kind: OrgKind) -> str:
    return tr("村民委员会") if kind is OrgKind.VILLAGE_COMMITTEE else tr("村党组织")


def _gender_text(g: Gender | str | None) -> str | None:
    if g is None:
        return None
    g = Gender(g)
    return "女" if g is Gender.FEMALE else "男"


def _cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def _stroke_key(name: str) -> tuple:
    try:
        from villagevote.names import stroke_key
    except ImportError:  # pragma: no cover
        return (name,)
    return stroke_key(name)


def _contest(session: Session, contest_id: int) -> Contest:
    return get_row(session, Contest, contest_id, tr("找不到选举（编号 {id}）"))


def _ensure_unlocked(c: Contest) -> None:
    if c.official:
        raise LockedError(tr("该选举结果已确认为正式结果，计票和结果只读；如需更正，须由管理员填写理由后重新开启"))


def _unlocked_contest(session: Session, contest_id: int) -> Contest:
    """The contest, for a write: refused once its result is official."""
    c = _contest(session, contest_id)
    _ensure_unlocked(c)
    return c


def _org(session: Session, c: Contest) -> Organization:
    org = session.get(Organization, c.organization_id)
    assert org is not None
    return org


# ---------------------------------------------------------------------------------------------------------------
# contests
# ---------------------------------------------------------------------------------------------------------------

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
        out.append(OrgChoice(org.id, village.name, f"{village.name} {_body_label(OrgKind(org.kind))}"))
    return out


def registered_voters(session: Session, village_id: int, cycle_id: int) -> int:
    """Voters on the register who may vote on the election day (active and eligible: under-18s and removed voters
    do not count towards "more than half of the registered voters"); 0 when the register is not used."""
    from villagevote.voters.register import registered_voter_count
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
            label=kind.label))
    round_ = ContestRound(round_)
    mode = ContestMode(mode)
    cycle = session.get(ElectionCycle, org.cycle_id)
    if round_ is ContestRound.FIRST:
        existing = session.scalar(select(Contest.id).where(Contest.organization_id == org.id,
                                                           Contest.round == ContestRound.FIRST))
        if existing:
            raise ValidationError(tr("{village}{body}的正式选举已经建立（编号 {id}），不能重复建立").format(
                village=org.village.name, body=_body_label(kind), id=existing))
    if electorate is None:
        electorate = registered_voters(session, org.village_id, org.cycle_id) if kind is OrgKind.VILLAGE_COMMITTEE else 0
    for what, value in ((tr("登记选民/应到会人数"), electorate), (tr("实到会人数"), present)):
        if value is not None and value < 0:
            raise ValidationError(tr("{what}不能为负数").format(what=what))
    c = Contest(organization_id=org.id, round=round_, mode=mode, held_on=held_on or (cycle.election_day if cycle else None),
                electorate=electorate, present=present)
    session.add(c)
    if round_ is ContestRound.ADDITIONAL:
        _setup_additional(session, c, org, from_contest_id)
    else:
        _check_committee_size(session, org, sum(seat.quota for seat in org.seats if seat.quota > 0))
        for seat in org.seats:
            if seat.quota > 0:
                c.posts.append(ContestPost(post=seat.post, rank=seat.rank, seats=seat.quota,
                                           women_seats=min(seat.women_quota, seat.quota)))
        session.flush()
        if mode is ContestMode.WITH_CANDIDATES:
            _add_candidacies(session, c, org)
    session.flush()
    audit.record(session, actor, "create", "contest", c.id, after=row_dict(c),
                 note=tr("{village}{body}{rnd}").format(village=org.village.name, body=_body_label(kind),
                                                        rnd=round_.label))
    return c.id


def _add_candidacies(session: Session, c: Contest, org: Organization) -> None:
    posts = {p.post for p in c.posts}
    rows = session.scalars(select(Candidacy).where(Candidacy.organization_id == org.id,
                                                   Candidacy.status.in_(list(ELIGIBLE)))).all()
    by_post: dict[str, list[Candidacy]] = {}
    for cand in rows:
        if cand.post in posts:
            by_post.setdefault(cand.post, []).append(cand)
    for post, cands in by_post.items():
        cands.sort(key=lambda x: _stroke_key(x.person.name))
        for i, cand in enumerate(cands, start=1):
            session.add(BallotCandidate(contest_id=c.id, candidacy_id=cand.id, name=cand.person.name,
                                        gender=_gender_text(cand.person.gender), post=post, order=i))


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
    prev_labels = _labels(session, prev.id)
    prev_cands = {prev_labels.get(bc.id, bc.name): bc for bc in session.scalars(select(BallotCandidate).where(
        BallotCandidate.contest_id == prev.id, BallotCandidate.merged_into_id.is_(None)))}
    for post in unfilled:
        need = required_candidates(body, unfilled[post])
        ranked = sorted(((v.get(post, 0), n) for n, v in effective.items() if n not in elected_names),
                        key=lambda x: -x[0])
        is_woman = {n: bool(prev_cands.get(n) and prev_cands[n].gender == WOMAN) for _, n in ranked}
        chosen = _pick_additional(ranked, need, women_unfilled.get(post, 0), is_woman)
        for _, name in sorted(chosen, key=lambda x: _stroke_key(x[1])):
            src = prev_cands.get(name)
            session.add(BallotCandidate(contest_id=c.id, candidacy_id=src.candidacy_id if src else None,
                                        name=src.name if src else name,
                                        gender=src.gender if src else None, post=post, order=0))
    session.flush()
    for post in unfilled:
        _renumber(session, c.id, post)


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


def committee_size_limits(session: Session, org: Organization) -> tuple[int, int]:
    """(fewest, most) members of a village committee: 村民委员会组织法 §6 says 3 to 7; a province's profile may set
    ``village_committee_members`` [min, max] in the cycle's profile where its rule differs."""
    cycle = session.get(ElectionCycle, org.cycle_id)
    limits = (cycle.profile or {}).get("village_committee_members") if cycle is not None else None
    if isinstance(limits, (list, tuple)) and len(limits) == 2 and all(isinstance(x, int) for x in limits):
        return int(limits[0]), int(limits[1])
    return COMMITTEE_MIN, COMMITTEE_MAX


def _check_committee_size(session: Session, org: Organization, total: int) -> None:
    """Refuse a village committee contest whose seats add up to fewer or more members than the law allows."""
    if OrgKind(org.kind) is not OrgKind.VILLAGE_COMMITTEE:
        return
    low, high = committee_size_limits(session, org)
    if not low <= total <= high:
        raise ValidationError(tr("{village}村民委员会应选 {n} 名：村民委员会由主任、副主任和委员共 {low} 至 {high} 人组成"
                                 "（村民委员会组织法第六条），请调整各职务的应选名额").format(
            village=org.village.name, n=total, low=low, high=high))


@requires(Permission.EDIT)
def update_contest(session: Session, actor: Actor, contest_id: int, **fields: Any) -> None:
    """Change held_on, electorate, present, mode, double_entry or the posts' seats (before any tally)."""
    c = _unlocked_contest(session, contest_id)
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
        if _has_tally(session, c.id):
            raise ValidationError(tr("已经录入计票数据，不能再修改职务和名额"))
        current = [(p.post, p.seats, p.women_seats) for p in c.posts]
        if [(p, int(n), int(w)) for p, n, w in fields["posts"]] != current:
            _ensure_not_frozen(session, c)
        c.posts.clear()
        session.flush()
        for rank, (post, seats, women) in enumerate(fields["posts"], start=1):
            if seats < 0 or women < 0 or women > seats:
                raise ValidationError(tr("{post}：应选名额和妇女名额须为非负整数，且妇女名额不多于应选名额").format(post=post))
            c.posts.append(ContestPost(post=post, rank=rank, seats=seats, women_seats=women))
        if ContestRound(c.round) is ContestRound.FIRST:  # a 另行选举 elects only the seats still open
            _check_committee_size(session, _org(session, c), sum(n for _, n, _ in fields["posts"] if n > 0))
        kept = {p for p, _, _ in fields["posts"]}
        for bc in _candidates(session, c.id):
            if bc.post not in kept:  # candidates of a post no longer elected here leave the ballot
                session.delete(bc)
    session.flush()
    audit.record(session, actor, "update", "contest", c.id, before=before, after=row_dict(c))


@requires(Permission.EDIT)
def add_ballot_candidate(session: Session, actor: Actor, contest_id: int, post: str, name: str,
                         gender: str | None = None, candidacy_id: int | None = None) -> int:
    c = _unlocked_contest(session, contest_id)
    _ensure_not_frozen(session, c)
    if post not in {p.post for p in c.posts}:
        raise ValidationError(tr("“{post}”不是本次选举的职务").format(post=post))
    name = normalize_name(name)
    if not name:
        raise ValidationError(tr("姓名不能为空"))
    if session.scalar(select(BallotCandidate.id).where(BallotCandidate.contest_id == c.id,
                                                       BallotCandidate.post == post, BallotCandidate.name == name)):
        raise ValidationError(tr("{post}已有“{name}”").format(post=post, name=name))
    if _has_tally(session, c.id) and session.scalar(select(BallotCandidate.id).where(
            BallotCandidate.contest_id == c.id, BallotCandidate.name == name, BallotCandidate.write_in.is_(False))):
        raise ValidationError(tr("已经录入计票数据，不能再往选票上加与“{name}”同名的人：已录入的票按现有名单区分同名者").format(
            name=name))
    bc = BallotCandidate(contest_id=c.id, name=name, gender=gender, post=post, candidacy_id=candidacy_id, order=0)
    session.add(bc)
    session.flush()
    _renumber(session, c.id, post)
    audit.record(session, actor, "create", "ballot_candidate", bc.id, after=row_dict(bc))
    return bc.id


@requires(Permission.EDIT)
def remove_ballot_candidate(session: Session, actor: Actor, ballot_candidate_id: int) -> None:
    bc = get_row(session, BallotCandidate, ballot_candidate_id, tr("找不到选票上的候选人（编号 {id}）"))
    c = _contest(session, bc.contest_id)
    _ensure_unlocked(c)
    if _has_tally(session, c.id):
        raise ValidationError(tr("已经录入计票数据，不能再从选票上删除候选人"))
    if not bc.write_in:
        _ensure_not_frozen(session, c)
    before = row_dict(bc)
    session.delete(bc)
    session.flush()
    _renumber(session, c.id, before["post"])
    audit.record(session, actor, "delete", "ballot_candidate", ballot_candidate_id, before=before)


def _renumber(session: Session, contest_id: int, post: str) -> None:
    bcs = session.scalars(select(BallotCandidate).where(BallotCandidate.contest_id == contest_id,
                                                        BallotCandidate.post == post,
                                                        BallotCandidate.write_in.is_(False))).all()
    for i, bc in enumerate(sorted(bcs, key=lambda b: _stroke_key(b.name)), start=1):
        bc.order = i


def _has_tally(session: Session, contest_id: int) -> bool:
    return bool(session.scalar(select(func.count(TallyEntry.id)).where(TallyEntry.contest_id == contest_id))
                or session.scalar(select(func.count(BallotRecord.id)).where(BallotRecord.contest_id == contest_id)))


def _counting_begun(session: Session, c: Contest) -> bool:
    """Any tally entry, ballot record or saved ballot counts: the count is under way (or done)."""
    return bool(_has_tally(session, c.id) or c.ballots_issued or c.ballots_returned or c.ballots_invalid)


def _village_name(session: Session, c: Contest) -> str:
    village = session.get(Village, _org(session, c).village_id)
    return village.name if village else ""


def _ensure_not_frozen(session: Session, c: Contest) -> None:
    """Official ballots fix the ballot's candidate list, posts and seats (选举规程: 选票印制后不得变更候选人名单)."""
    if c.ballots_printed:
        raise ValidationError(tr(
            "{village}的正式选票已印制 {n} 张，选票上的候选人名单、职务和名额已冻结，不能再修改；"
            "如确需更改，须由管理员填写理由“重新开启选票”，已印制的选票作废").format(
            village=_village_name(session, c), n=c.ballots_printed))


@requires(Permission.ADMIN)
def reopen_ballots(session: Session, actor: Actor, contest_id: int, reason: str) -> int:
    """Administrator only, with a reason: unfreeze the ballot's candidate list after official ballots were printed.
    The recorded print count is voided (back to 0; the old count is kept in the audit row) — the printed ballots must
    be destroyed and new ones printed. Refused once counting has begun or the result is official. Returns the voided
    count."""
    c = _unlocked_contest(session, contest_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("重新开启选票须填写理由"))
    if not c.ballots_printed:
        raise ValidationError(tr("{village}还没有印制正式选票，选票名单未冻结，不需要重新开启").format(
            village=_village_name(session, c)))
    if _counting_begun(session, c):
        raise ValidationError(tr("{village}的选举已经开始计票，选票已投出，不能再重新开启选票").format(
            village=_village_name(session, c)))
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
        out.append(ContestRow(c.id, village.id, village.name, BODIES.get(kind, ""), _body_label(kind),
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
    c = _contest(session, contest_id)
    org = _org(session, c)
    kind = OrgKind(org.kind)
    village = session.get(Village, org.village_id)
    township = session.get(Township, village.township_id) if village else None
    cycle = session.get(ElectionCycle, org.cycle_id)
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    labels = _labels(session, c.id)
    cands = [CandidateView(bc.id, bc.name, bc.gender, bc.post, bc.order, bc.candidacy_id, bc.write_in,
                           label=labels.get(bc.id, bc.name))
             for bc in session.scalars(select(BallotCandidate).where(BallotCandidate.contest_id == c.id,
                                                                     BallotCandidate.merged_into_id.is_(None))
                                       .order_by(BallotCandidate.post, BallotCandidate.order, BallotCandidate.id))]
    term = cycle.name if cycle and cycle.name.startswith("第") else ""
    return ContestView(c.id, township.name if township else "", village.name if village else "", BODIES.get(kind, ""),
                       _body_label(kind), ContestRound(c.round).value, MODE_TEXT[ContestMode(c.mode)], term, c.held_on,
                       c.electorate, c.present, c.ballots_printed, c.ballots_issued, c.ballots_returned,
                       c.ballots_invalid, [PostView(p.post, p.seats, p.women_seats) for p in c.posts], cands,
                       res.decision if res else None, c.official, c.official_by, c.official_at,
                       official_digest=c.official_digest if c.official else "")


def margin_problems(session: Session, contest_id: int) -> list[str]:
    view = contest_view(session, contest_id)
    counts = {p.post: len(view.candidates_for(p.post)) for p in view.posts}
    return check_candidate_margin(view.body, view.seats, counts, view.mode)


# ---------------------------------------------------------------------------------------------------------------
# ballots
# ---------------------------------------------------------------------------------------------------------------

@requires(Permission.VIEW, note=tr("正式选票（非样票）须录入权限，并计入印制数"))
def print_ballots(session: Session, actor: Actor, contest_id: int, out: Path | str, *, sample: bool,
                  copies: int = 1) -> Path:
    """Render ballots. Official ballots need the 差额 rule met, are refused after the lock, and are counted."""
    from villagevote.reports.pdf.ballot import render_ballots
    view = contest_view(session, contest_id)
    if not view.posts:
        raise ValidationError(tr("本次选举还没有设置职务和名额，不能印制选票"))
    if not sample:
        require(actor, Permission.EDIT)
        c = _unlocked_contest(session, contest_id)
        if copies < 1:
            raise ValidationError(tr("印制份数须至少 1 份"))
        if _counting_begun(session, c):
            raise ValidationError(tr("{village}的选举已经开始计票（已录入发出/收回选票数或计票数据），"
                                     "不能再印制正式选票；样票仍可打印").format(village=view.village))
        counts = {p.post: len(view.candidates_for(p.post)) for p in view.posts}
        ensure_candidate_margin(view.body, view.seats, counts, view.mode)
    path = render_ballots(view, out, sample=sample, copies=max(1, copies))
    if not sample:
        before = c.ballots_printed
        c.ballots_printed = before + copies
        session.flush()
        audit.record(session, actor, "print_ballots", "contest", c.id, before={"ballots_printed": before},
                     after={"ballots_printed": c.ballots_printed}, note=tr("印制正式选票 {n} 张").format(n=copies))
    return path


# ---------------------------------------------------------------------------------------------------------------
# tally entry
# ---------------------------------------------------------------------------------------------------------------

def _candidates(session: Session, contest_id: int, *, include_merged: bool = True) -> list[BallotCandidate]:
    q = select(BallotCandidate).where(BallotCandidate.contest_id == contest_id)
    if not include_merged:
        q = q.where(BallotCandidate.merged_into_id.is_(None))
    return list(session.scalars(q.order_by(BallotCandidate.order, BallotCandidate.id)))


# --- who is who on the ballot: one identity per person, names only for display (issue 14) ---------------------

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
            return _gender_text(person.gender) or ""
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
    rows = _candidates(session, contest_id, include_merged=False)
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


def _labels(session: Session, contest_id: int) -> dict[int, str]:
    """ballot_candidate id → its tally key (label)."""
    return {bc_id: e.label for e in contest_roster(session, contest_id).values() for bc_id in e.bc_ids}


def _write_in(session: Session, c: Contest, post: str, name: str) -> BallotCandidate:
    """The row a written-in name is counted on: the listed candidate of that name, unless two listed people share
    it (then the name stays a write-in of its own until staff merge it onto one of them)."""
    rows = list(session.scalars(select(BallotCandidate).where(
        BallotCandidate.contest_id == c.id, BallotCandidate.post == post, BallotCandidate.name == name)
        .order_by(BallotCandidate.write_in.desc(), BallotCandidate.id)))
    written = [bc for bc in rows if bc.write_in]
    bc = written[0] if written else (rows[0] if len(rows) == 1 else None)
    if bc is None:
        bc = BallotCandidate(contest_id=c.id, name=name, post=post, write_in=True, order=10_000)
        session.add(bc)
        session.flush()
    return bc


def _check_counts(issued: int, returned: int, invalid: int, present: int | None) -> None:
    for what, v in ((tr("发出选票"), issued), (tr("收回选票"), returned), (tr("废票"), invalid)):
        if not isinstance(v, int) or v < 0:
            raise ValidationError(tr("{what}须为非负整数，收到：{v}").format(what=what, v=v))
    if present is not None and present < 0:
        raise ValidationError(tr("实到会人数不能为负数"))


@requires(Permission.EDIT)
def save_counts(session: Session, actor: Actor, contest_id: int, *, issued: int, returned: int, invalid: int | None = None,
                present: int | None = None) -> None:
    """Ballots issued/returned (and wholly invalid in totals mode). More returned than issued is saved as counted:
    the result engine then declares the election void with the reason."""
    c = _unlocked_contest(session, contest_id)
    _check_counts(issued, returned, invalid or 0, present)
    before = row_dict(c)
    c.ballots_issued, c.ballots_returned = issued, returned
    if invalid is not None:
        c.ballots_invalid = invalid
    if present is not None:
        c.present = present
    session.flush()
    audit.record(session, actor, "tally_counts", "contest", c.id, before=before, after=row_dict(c))


@requires(Permission.EDIT)
def save_totals(session: Session, actor: Actor, contest_id: int, *, issued: int, returned: int, invalid: int,
                marks: dict[tuple[str, str], tuple[int, int, int]], write_ins: dict[str, dict[str, int]] | None = None,
                post_extra: dict[str, tuple[int, int | None]] | None = None, present: int | None = None,
                entry_no: int = 1) -> list[str]:
    """Totals mode: per (post, candidate) the 同意/不同意/弃权 counts, write-ins per post, and per post the invalid
    parts and (optionally) unused places. Saved as entered — one transaction — and the reconciliation problems are
    returned so the clerk sees them; results are not computed while they remain."""
    if entry_no not in (1, 2):
        raise ValidationError(tr("录入次数只能是第 1 次或第 2 次"))
    c = _unlocked_contest(session, contest_id)
    if session.scalar(select(func.count(BallotRecord.id)).where(BallotRecord.contest_id == c.id)):
        raise ValidationError(tr("本次选举已按逐张唱票方式录入，不能再按合计方式录入"))
    _check_counts(issued, returned, invalid, present)
    seats = {p.post: p.seats for p in c.posts}
    labels = _labels(session, c.id)
    listed = {(bc.post, labels.get(bc.id, bc.name)): bc for bc in _candidates(session, c.id, include_merged=False)
              if not bc.write_in}
    for (post, name), counts in marks.items():
        if (post, name) not in listed:
            raise ValidationError(tr("“{name}”不是本次选举{post}的候选人").format(name=name, post=post))
        if any((not isinstance(v, int)) or v < 0 for v in counts):
            raise ValidationError(tr("{post} {name} 的票数须为非负整数").format(post=post, name=name))
    for post, names in (write_ins or {}).items():
        if post not in seats or seats[post] <= 0:
            bad = [n for n, k in names.items() if k]
            if bad:
                raise ValidationError(tr("“{post}”没有应选名额，不能录入另选他人（{names}）").format(
                    post=post, names="、".join(bad)))
        for n, k in names.items():
            if not normalize_name(n) or not isinstance(k, int) or k < 0:
                raise ValidationError(tr("{post}另选他人“{name}”的票数须为非负整数").format(post=post, name=n))
    before = totals(session, c.id, entry_no).to_dict()
    session.execute(delete(TallyEntry).where(TallyEntry.contest_id == c.id, TallyEntry.entry_no == entry_no))
    session.execute(delete(TallyPost).where(TallyPost.contest_id == c.id, TallyPost.entry_no == entry_no))
    for (post, name), (a, d, b) in marks.items():
        session.add(TallyEntry(contest_id=c.id, entry_no=entry_no, ballot_candidate_id=listed[(post, name)].id,
                               post=post, agree=a, disagree=d, abstain=b))
    for post, names in (write_ins or {}).items():
        summed: dict[str, int] = {}
        for raw, k in names.items():  # the same name typed with stray spaces counts as one name
            summed[normalize_name(raw)] = summed.get(normalize_name(raw), 0) + k
        for name, k in summed.items():
            if not k:
                continue
            bc = _write_in(session, c, post, name)
            session.add(TallyEntry(contest_id=c.id, entry_no=entry_no, ballot_candidate_id=bc.id, post=post, agree=k))
    for post, (parts, unused) in (post_extra or {}).items():
        if post not in seats:
            raise ValidationError(tr("“{post}”不是本次选举的职务").format(post=post))
        if parts < 0 or (unused is not None and unused < 0):
            raise ValidationError(tr("{post}的无效部分和空余数不能为负数").format(post=post))
        session.add(TallyPost(contest_id=c.id, entry_no=entry_no, post=post, invalid_parts=parts, unused=unused))
    if entry_no == 1:
        c.ballots_issued, c.ballots_returned, c.ballots_invalid = issued, returned, invalid
        if present is not None:
            c.present = present
    c.tally_mode = "totals"
    session.flush()
    after = totals(session, c.id, entry_no)
    audit.record(session, actor, "tally", "contest", c.id, before=before, after=after.to_dict(),
                 note=tr("合计录入（第 {n} 次）").format(n=entry_no))
    return reconcile(after, seats)


def _merge_map(session: Session, contest_id: int) -> dict[int, BallotCandidate]:
    """ballot_candidate id -> the row its votes belong to (following merges)."""
    rows = {bc.id: bc for bc in _candidates(session, contest_id)}
    out: dict[int, BallotCandidate] = {}
    for bc_id, bc in rows.items():
        target = bc
        seen = set()
        while target.merged_into_id is not None and target.id not in seen:
            seen.add(target.id)
            target = rows[target.merged_into_id]
        out[bc_id] = target
    return out


def totals(session: Session, contest_id: int, entry_no: int = 1) -> TallyTotals:
    """Current totals for the contest (merged write-ins applied), from either entry mode."""
    c = _contest(session, contest_id)
    seats = {p.post: p.seats for p in c.posts}
    if c.tally_mode == "ballots":
        counter = ballot_counter(session, contest_id)
        return counter.totals()
    t = TallyTotals(c.ballots_issued, c.ballots_returned, c.ballots_invalid)
    for post in seats:
        t.post(post)
    merged = _merge_map(session, c.id)
    labels = _labels(session, c.id)  # people of the same name are kept apart (issue 14)
    for bc in _candidates(session, c.id, include_merged=False):
        if not bc.write_in and bc.post in seats:
            pt = t.post(bc.post)
            pt.votes.setdefault(labels.get(bc.id, bc.name), 0)
    for e in session.scalars(select(TallyEntry).where(TallyEntry.contest_id == c.id, TallyEntry.entry_no == entry_no)):
        target = merged[e.ballot_candidate_id]
        key = labels.get(target.id, target.name)
        pt = t.post(e.post)
        if target.write_in:
            pt.write_ins[key] = pt.write_ins.get(key, 0) + e.agree
        else:
            pt.votes[key] = pt.votes.get(key, 0) + e.agree
            if e.disagree:
                pt.disagree[key] = pt.disagree.get(key, 0) + e.disagree
            if e.abstain:
                pt.abstain[key] = pt.abstain.get(key, 0) + e.abstain
    for tp in session.scalars(select(TallyPost).where(TallyPost.contest_id == c.id, TallyPost.entry_no == entry_no)):
        pt = t.post(tp.post)
        pt.invalid_parts, pt.unused = tp.invalid_parts, tp.unused
    return t


def _listed_by_post(session: Session, contest_id: int) -> dict[str, list[str]]:
    """post → the listed candidates' tally keys (labels) in ballot order."""
    labels = _labels(session, contest_id)
    cands: dict[str, list[str]] = {}
    for bc in _candidates(session, contest_id, include_merged=False):
        if not bc.write_in:
            cands.setdefault(bc.post, []).append(labels.get(bc.id, bc.name))
    return cands


def ballot_counter(session: Session, contest_id: int) -> BallotCounter:
    c = _contest(session, contest_id)
    seats = {p.post: p.seats for p in c.posts}
    cands = _listed_by_post(session, c.id)
    counter = BallotCounter(seats, cands, issued=c.ballots_issued, returned=c.ballots_returned)
    labels = _labels(session, c.id)
    merged = {(bc.post, bc.name): labels.get(t.id, t.name) for bc_id, t in _merge_map(session, c.id).items()
              for bc in [session.get(BallotCandidate, bc_id)] if bc is not None and t.id != bc_id}
    for rec in session.scalars(select(BallotRecord).where(BallotRecord.contest_id == c.id).order_by(BallotRecord.serial)):
        data = rec.marks or {}
        write_ins = {p: [merged.get((p, normalize_name(n)), normalize_name(n)) for n in names]
                     for p, names in (data.get("write_ins") or {}).items()}
        ballot = Ballot(marks=data.get("marks") or {}, write_ins=write_ins, wholly_invalid=rec.wholly_invalid,
                        invalid_reason=rec.invalid_reason or None)
        counter.add(ballot)
    return counter


@requires(Permission.EDIT)
def add_ballot(session: Session, actor: Actor, contest_id: int, ballot: Ballot) -> tuple[int, BallotCheck]:
    """Ballot-by-ballot entry (唱票): validate the ballot, store it with its verdict, return its serial number."""
    c = _unlocked_contest(session, contest_id)
    if session.scalar(select(func.count(TallyEntry.id)).where(TallyEntry.contest_id == c.id)):
        raise ValidationError(tr("本次选举已按合计方式录入，不能再逐张录入"))
    seats = {p.post: p.seats for p in c.posts}
    cands = _listed_by_post(session, c.id)
    check = check_ballot(ballot, seats, cands)
    serial = (session.scalar(select(func.max(BallotRecord.serial)).where(BallotRecord.contest_id == c.id)) or 0) + 1
    clean_write_ins = {p: [normalize_name(n) for n in names if normalize_name(n)] for p, names in ballot.write_ins.items()}
    for post, names in clean_write_ins.items():
        for n in names:
            _write_in(session, c, post, n)
    rec = BallotRecord(contest_id=c.id, serial=serial,
                       marks={"marks": {p: dict(m) for p, m in ballot.marks.items()}, "write_ins": clean_write_ins},
                       invalid_posts=[[p, r] for p, r in check.invalid_parts.items()],
                       wholly_invalid=check.wholly_invalid, invalid_reason=check.reason or "",
                       entered_by=actor.username)
    session.add(rec)
    c.tally_mode = "ballots"
    session.flush()
    audit.record(session, actor, "ballot", "contest", c.id, after={"serial": serial, **rec.marks,
                                                                  "invalid_posts": rec.invalid_posts,
                                                                  "wholly_invalid": rec.wholly_invalid})
    return serial, check


@requires(Permission.EDIT)
def undo_last_ballot(session: Session, actor: Actor, contest_id: int) -> int | None:
    c = _unlocked_contest(session, contest_id)
    rec = session.scalar(select(BallotRecord).where(BallotRecord.contest_id == c.id)
                         .order_by(BallotRecord.serial.desc()))
    if rec is None:
        return None
    before = {"serial": rec.serial, **(rec.marks or {}), "wholly_invalid": rec.wholly_invalid}
    serial = rec.serial
    session.delete(rec)
    session.flush()
    audit.record(session, actor, "ballot_undo", "contest", c.id, before=before, note=tr("撤销第 {n} 张选票").format(n=serial))
    return serial


# ---------------------------------------------------------------------------------------------------------------
# write-in merges, double entry, spoilt register
# ---------------------------------------------------------------------------------------------------------------

@requires(Permission.EDIT)
def merge_write_in(session: Session, actor: Actor, contest_id: int, post: str, source: str, target: str) -> str:
    """Count a written-in name as another person (listed candidate or another write-in); logged, reversible."""
    c = _unlocked_contest(session, contest_id)
    by_label = {lab: bc_id for bc_id, lab in _labels(session, c.id).items()
                if (b := session.get(BallotCandidate, bc_id)) is not None and b.post == post and not b.write_in}
    labelled = session.get(BallotCandidate, by_label[target]) if target in by_label else None
    target = target if labelled is not None else normalize_name(target)
    src = session.scalar(select(BallotCandidate).where(
        BallotCandidate.contest_id == c.id, BallotCandidate.post == post, BallotCandidate.name == source,
        BallotCandidate.write_in.is_(True)))
    if src is None or not src.write_in:
        raise ValidationError(tr("{post}的另选名单中没有“{name}”").format(post=post, name=source))
    if src.merged_into_id is not None:
        raise ValidationError(tr("“{name}”已经合并过").format(name=source))
    if not target or target == source:
        raise ValidationError(tr("请选择要合并到的另一个姓名"))
    dst = labelled or session.scalar(select(BallotCandidate).where(
        BallotCandidate.contest_id == c.id, BallotCandidate.post == post, BallotCandidate.name == target))
    if dst is None:
        dst = _write_in(session, c, post, target)
    if dst.merged_into_id is not None:
        raise ValidationError(tr("“{name}”已经合并到别人名下，请直接合并到最终的姓名").format(name=target))
    before = totals(session, c.id).posts.get(post, PostTotals())
    moved = before.write_ins.get(source, 0)
    src.merged_into_id = dst.id
    session.flush()
    note = tr("{post}：另选“{src}”（{n} 票）合并为“{dst}”").format(post=post, src=source, n=moved, dst=target)
    audit.record(session, actor, "merge_write_in", "ballot_candidate", src.id,
                 before={"name": source, "post": post}, after={"merged_into": target, "votes": moved}, note=note)
    return note


@requires(Permission.EDIT)
def unmerge_write_in(session: Session, actor: Actor, contest_id: int, post: str, source: str) -> None:
    c = _unlocked_contest(session, contest_id)
    src = session.scalar(select(BallotCandidate).where(
        BallotCandidate.contest_id == c.id, BallotCandidate.post == post, BallotCandidate.name == source,
        BallotCandidate.write_in.is_(True)))
    if src is None or src.merged_into_id is None:
        raise ValidationError(tr("“{name}”没有被合并").format(name=source))
    src.merged_into_id = None
    session.flush()
    audit.record(session, actor, "unmerge_write_in", "ballot_candidate", src.id, note=tr("撤销合并“{n}”").format(n=source))


def merge_log(session: Session, contest_id: int) -> list[tuple[str, str, str]]:
    """(post, written name, counted as) for every merge in force."""
    merged = _merge_map(session, contest_id)
    labels = _labels(session, contest_id)
    out = []
    for bc in _candidates(session, contest_id):
        if bc.merged_into_id is not None:
            out.append((bc.post, bc.name, labels.get(merged[bc.id].id, merged[bc.id].name)))
    return out


@dataclass(frozen=True)
class DiffRow:
    post: str
    name: str
    field: str
    first: int | None
    second: int | None


def double_entry_diff(session: Session, contest_id: int) -> list[DiffRow]:
    """Every count that differs between entry 1 and entry 2 (side-by-side)."""
    a, b = totals(session, contest_id, 1), totals(session, contest_id, 2)
    out: list[DiffRow] = []
    labels = (("votes", tr("同意")), ("disagree", tr("不同意")), ("abstain", tr("弃权")), ("write_ins", tr("另选")))
    for post in sorted(set(a.posts) | set(b.posts)):
        pa, pb = a.posts.get(post, PostTotals()), b.posts.get(post, PostTotals())
        for attr, label in labels:
            da, db_ = getattr(pa, attr), getattr(pb, attr)
            for name in sorted(set(da) | set(db_), key=_stroke_key):
                va, vb = da.get(name, 0), db_.get(name, 0)
                if va != vb:
                    out.append(DiffRow(post, name, label, va, vb))
        if pa.invalid_parts != pb.invalid_parts:
            out.append(DiffRow(post, "", tr("无效部分"), pa.invalid_parts, pb.invalid_parts))
        if pa.unused != pb.unused:
            out.append(DiffRow(post, "", tr("空余"), pa.unused, pb.unused))
    return out


@dataclass(frozen=True)
class SpoiltRow:
    serial: int
    scope: str
    reason: str
    source: str          # "逐张录入" or "登记"
    id: int | None = None


@requires(Permission.EDIT)
def add_spoilt(session: Session, actor: Actor, contest_id: int, scope: str, reason: str, serial: int = 0) -> int:
    c = _unlocked_contest(session, contest_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError(tr("请写明废票原因"))
    if scope != WHOLE and scope not in {p.post for p in c.posts}:
        raise ValidationError(tr("废票范围应为“整张”或本次选举的某个职务"))
    row = SpoiltBallot(contest_id=c.id, serial=serial, scope=scope, reason=reason, entered_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "spoilt_ballot", row.id, after=row_dict(row))
    return row.id


@requires(Permission.EDIT)
def delete_spoilt(session: Session, actor: Actor, spoilt_id: int) -> None:
    row = get_row(session, SpoiltBallot, spoilt_id, tr("找不到废票登记（编号 {id}）"))
    _ensure_unlocked(_contest(session, row.contest_id))
    before = row_dict(row)
    session.delete(row)
    audit.record(session, actor, "delete", "spoilt_ballot", spoilt_id, before=before)


def spoilt_register(session: Session, contest_id: int) -> list[SpoiltRow]:
    rows: list[SpoiltRow] = []
    for rec in session.scalars(select(BallotRecord).where(BallotRecord.contest_id == contest_id)
                               .order_by(BallotRecord.serial)):
        if rec.wholly_invalid:
            rows.append(SpoiltRow(rec.serial, tr("整张"), rec.invalid_reason or tr("整张选票无效"), tr("逐张录入")))
        for post, reason in rec.invalid_posts or []:
            rows.append(SpoiltRow(rec.serial, post, reason, tr("逐张录入")))
    for sb in session.scalars(select(SpoiltBallot).where(SpoiltBallot.contest_id == contest_id)
                              .order_by(SpoiltBallot.serial, SpoiltBallot.id)):
        rows.append(SpoiltRow(sb.serial, sb.scope, sb.reason, tr("登记"), sb.id))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# results and the official lock
# ---------------------------------------------------------------------------------------------------------------

def engine_input(session: Session, contest_id: int) -> tuple[dict[str, Any], list[str]]:
    """The decide() input for the contest and the reconciliation problems of its tally."""
    c = _contest(session, contest_id)
    org = _org(session, c)
    body = BODIES[OrgKind(org.kind)]
    t = totals(session, c.id)
    seats = {p.post: p.seats for p in c.posts}
    problems = reconcile(t, seats)
    roster = contest_roster(session, c.id)
    genders = {label: e.gender for label, e in roster.items()}
    women = {p.post: p.women_seats for p in c.posts if p.women_seats}
    cycle = session.get(ElectionCycle, org.cycle_id)
    if cycle is not None and (cycle.profile or {}).get("women_seat_rule", "reserve") != "reserve":
        women = {}  # the cycle's rule profile does not hold seats back for women
    data = contest_input(t, body, ContestRound(c.round).value, c.electorate, c.present, seats, genders, women)
    for cand in data["candidates"]:  # the engine tells people apart by id; the name is for display
        entry = roster.get(cand["name"])
        cand["id"] = entry.id if entry is not None else cand["name"]
        if entry is not None:
            cand["name"] = entry.name
    if c.tally_mode == "ballots":
        data["ballots_invalid"] = t.wholly_invalid
    if ContestRound(c.round) is ContestRound.ADDITIONAL:
        before = []
        for prev in session.scalars(select(Contest).where(Contest.organization_id == org.id, Contest.id < c.id)):
            res = session.scalar(select(Result).where(Result.contest_id == prev.id))
            for e in (res.decision or {}).get("elected", []) if res else []:
                item = {"name": e["name"], "post": e["post"], "gender": e.get("gender") or genders.get(e["name"])
                        or _gender_of(session, prev.id, e["name"])}
                same = [r.id for r in roster.values() if r.name == e["name"]]
                if e.get("id") is not None or len(same) == 1:  # a decision stored before ids: a unique name
                    item["id"] = e["id"] if e.get("id") is not None else same[0]
                before.append(item)
        data["elected_before"] = before
        # what follows a short committee after the 另行选举 (the province's profile: minimum, re-election period)
        data["committee_min"] = committee_size_limits(session, org)[0]
        if cycle is not None and (cycle.profile or {}).get("reelect_within"):
            data["reelect_within"] = str(cycle.profile["reelect_within"])
    old = session.scalar(select(Result).where(Result.contest_id == c.id))
    if old and old.decision.get("resolved_ties_input"):
        data["resolved_ties"] = old.decision["resolved_ties_input"]
    if old and old.decision.get("write_in_identities_input"):
        data["_write_in_identities"] = old.decision["write_in_identities_input"]
    return data, problems


def _decide(session: Session, c: Contest, data: dict[str, Any]) -> dict[str, Any]:
    """decide() on the engine input, then: labels and genders on the elected and tied people (by id), the
    effective votes keyed by label, and written-in winners screened against 五不能 (see :func:`_screen_write_ins`)."""
    decision = decide({k: v for k, v in data.items() if not k.startswith("_")})
    roster = contest_roster(session, c.id)
    by_id = {e.id: e for e in roster.values()}
    for e in decision.get("elected", []):
        r = by_id.get(e.get("id"))
        if r is not None:
            e["label"], e["gender"] = r.label, r.gender
    for t in decision.get("ties", []):
        if t.get("ids"):
            t["labels"] = [by_id[i].label if i in by_id else n for i, n in zip(t["ids"], t["names"])]
    if decision.get("effective_votes_by_id"):
        decision["effective_votes"] = {(by_id[x["id"]].label if x["id"] in by_id else x["name"]): x["votes"]
                                       for x in decision["effective_votes_by_id"]}
        for x in decision["effective_votes_by_id"]:  # the engine's sentences name people: use the label there too
            r = by_id.get(x["id"])
            if r is None or r.label == r.name:
                continue
            for post, v in x["votes"].items():
                said = tr("{name} 得 {v} 票（{post}）").format(name=r.name, v=v, post=post)
                decision["reasons"] = [line.replace(said, tr("{name} 得 {v} 票（{post}）").format(
                    name=r.label, v=v, post=post)) for line in decision["reasons"]]
    return _screen_write_ins(session, c, decision, roster, data.get("_write_in_identities") or {})


def _write_in_bars(session: Session, cycle_id: int, day: dt.date | None, person: Any) -> list[str]:
    """Why a written-in person cannot be elected: a 不能 verdict or 取消资格 in the cycle, or under 18 on the day."""
    from villagevote.idcard import age_on
    from villagevote.qualification.rules_engine import VerdictOutcome
    from villagevote.qualification.verdict import compute_verdicts
    bars: list[str] = []
    if isinstance(person, Person):
        cands = list(session.scalars(select(Candidacy).where(Candidacy.person_id == person.id,
                                                             Candidacy.cycle_id == cycle_id)))
        if any(CandidacyStatus(x.status) is CandidacyStatus.DISQUALIFIED for x in cands):
            bars.append(tr("本届已被取消候选人资格"))
        verdicts = compute_verdicts(session, cycle_id, [x.id for x in cands]) if cands else {}
        for v in verdicts.values():
            if v.outcome is VerdictOutcome.DISQUALIFIED:
                bars.append(tr("资格审查结论为不能：{why}").format(why="；".join(v.reasons[:2]) or v.label))
                break
    birth = getattr(person, "birth_date", None)
    if birth is not None and day is not None and age_on(birth, day) < 18:
        bars.append(tr("选举日（{day}）未满十八周岁（{b}出生）").format(
            day=tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day),
            b=tr("{y}年{m}月{d}日").format(y=birth.year, m=birth.month, d=birth.day)))
    return list(dict.fromkeys(bars))


def write_in_matches(session: Session, contest_id: int, name: str) -> list[tuple[str, Any]]:
    """Who a written-in name may be: persons of the village with that name ("person:<id>") and voters on the
    cycle's register not linked to a person ("voter:<id>")."""
    from villagevote.models.voters import Voter
    c = _contest(session, contest_id)
    org = _org(session, c)
    out: list[tuple[str, Any]] = [(f"person:{p.id}", p) for p in session.scalars(
        select(Person).where(Person.name == name, Person.village_id == org.village_id).order_by(Person.id))]
    linked = {p.id for _, p in out}
    for v in session.scalars(select(Voter).where(Voter.name == name, Voter.village_id == org.village_id,
                                                 Voter.cycle_id == org.cycle_id).order_by(Voter.id)):
        if v.person_id is None or v.person_id not in linked:
            out.append((f"voter:{v.id}", v))
    return out


def write_in_choices(session: Session, contest_id: int, name: str) -> list[tuple[str, str]]:
    """(key for :func:`identify_write_in`, description) for each person a written-in name may be, then "none"."""
    out: list[tuple[str, str]] = []
    for key, x in write_in_matches(session, contest_id, name):
        b = x.birth_date
        born = tr("{y}年{m}月{d}日生").format(y=b.year, m=b.month, d=b.day) if b else tr("出生日期不详")
        kind = tr("人员登记") if key.startswith("person:") else tr("选民登记")
        out.append((key, tr("{name}（{g}，{born}，{kind}）").format(name=name, g=_gender_text(x.gender) or tr("性别不详"),
                                                                 born=born, kind=kind)))
    out.append(("none", tr("都不是（本村登记中没有这个人）")))
    return out


def _screen_write_ins(session: Session, c: Contest, decision: dict[str, Any], roster: dict[str, RosterEntry],
                      identities: dict[str, str]) -> dict[str, Any]:
    """A written-in winner (另选他人) who is a person barred in the cycle (不能 finding, 取消资格) or under 18 on the
    election day is 当选无效: taken off the elected list with the reason, and the seat is added to ``unfilled`` (另行
    选举). When the name fits several people of the village and one of them is barred, the case is recorded in
    ``write_in_unresolved`` and :func:`mark_official` refuses until staff record who it is (:func:`identify_write_in`)."""
    if not decision.get("valid") or not decision.get("elected"):
        return decision
    org = _org(session, c)
    cycle = session.get(ElectionCycle, org.cycle_id)
    day = c.held_on or (cycle.election_day if cycle else None)
    by_id = {e.id: e for e in roster.values()}
    kept: list[dict[str, Any]] = []
    for e in decision["elected"]:
        r = by_id.get(e.get("id"))
        if r is None or not r.write_in:
            kept.append(e)
            continue
        matches = write_in_matches(session, c.id, r.name)
        chosen = identities.get(r.name)
        if chosen is not None:
            matches = [(k, x) for k, x in matches if k == chosen]
        barred = [(k, x, _write_in_bars(session, org.cycle_id, day, x)) for k, x in matches]
        hits = [(k, x, bars) for k, x, bars in barred if bars]
        if not hits:
            kept.append(e)
            continue
        if len(matches) > 1:
            decision.setdefault("write_in_unresolved", []).append({
                "name": r.name, "post": e["post"], "candidates": [k for k, _ in matches],
                "reason": tr("本村有 {n} 人名为“{name}”，其中有人{why}").format(n=len(matches), name=r.name,
                                                                         why=hits[0][2][0])})
            decision["reasons"].append(tr("另选当选的“{name}”（{post}）须核实身份：本村有 {n} 人同名，其中有人{why}").format(
                name=r.name, post=e["post"], n=len(matches), why=hits[0][2][0]))
            kept.append(e)
            continue
        why = "；".join(hits[0][2])
        decision.setdefault("invalidated", []).append(dict(e, reason=why, who=hits[0][0]))
        decision["unfilled"][e["post"]] = decision["unfilled"].get(e["post"], 0) + 1
        decision["reasons"].append(tr("另选他人“{name}”得 {v} 票当选{post}，但{why}，不能成为候选人，依法当选无效；"
                                      "{post}缺额 1 名，应另行选举").format(name=r.name, v=e["votes"], post=e["post"],
                                                                      why=why))
    decision["elected"] = kept
    return decision


@requires(Permission.EDIT)
def identify_write_in(session: Session, actor: Actor, contest_id: int, name: str, who: str, reason: str) -> dict:
    """Record which person a written-in winner is (``who`` from :func:`write_in_matches`, or "none" for nobody on
    record), with a reason; recomputes the result. Audited."""
    c = _unlocked_contest(session, contest_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("请写明核实的依据（如：经本人身份证核对）"))
    known = [k for k, _ in write_in_matches(session, c.id, name)]
    if who != "none" and who not in known:
        raise ValidationError(tr("“{name}”的同名人员中没有 {who}").format(name=name, who=who))
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    if res is None:
        raise ValidationError(tr("还没有计算选举结果"))
    ids = dict(res.decision.get("write_in_identities_input") or {})
    ids[name] = who
    res.decision = dict(res.decision, write_in_identities_input=ids)
    session.flush()
    audit.record(session, actor, "identify_write_in", "contest", c.id, after={"name": name, "who": who}, note=reason)
    return compute_result(session, actor, contest_id)


def _gender_of(session: Session, contest_id: int, name: str) -> str | None:
    return session.scalar(select(BallotCandidate.gender).where(BallotCandidate.contest_id == contest_id,
                                                               BallotCandidate.name == name))


@requires(Permission.EDIT)
def compute_result(session: Session, actor: Actor, contest_id: int) -> dict[str, Any]:
    """Run the engine on the current tally and store the decision with its reasons."""
    c = _unlocked_contest(session, contest_id)
    if not c.posts:
        raise ValidationError(tr("本次选举还没有设置职务和名额"))
    if c.double_entry and c.tally_mode == "totals":
        diff = double_entry_diff(session, c.id)
        if diff:
            raise ValidationError(tr("两次录入有 {n} 处不一致（如 {post} {name} {field}：{a} / {b}），请核对后再计算结果").format(
                n=len(diff), post=diff[0].post, name=diff[0].name, field=diff[0].field, a=diff[0].first,
                b=diff[0].second))
    data, problems = engine_input(session, c.id)
    decision = _decide(session, c, data)
    blocking = [p for p in problems if tr("多于发出选票") not in p]
    if blocking and decision.get("outcome") == "valid":
        decision = dict(decision, valid=False, outcome="input_error", elected=[], ties=[], threshold=None,
                        reasons=[tr("计票核对不符，未作当选判定，请核对后重新计算：")] + blocking)
    elif blocking:
        decision = dict(decision, reasons=list(decision["reasons"]) + blocking)
    if data.get("resolved_ties"):
        decision["resolved_ties_input"] = data["resolved_ties"]
    if data.get("_write_in_identities"):
        decision["write_in_identities_input"] = data["_write_in_identities"]
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    before = res.decision if res else None
    if res is None:
        res = Result(contest_id=c.id)
        session.add(res)
    res.valid = bool(decision["valid"])
    res.decision = decision
    res.decided_at = dt.datetime.now()
    session.flush()
    audit.record(session, actor, "compute_result", "contest", c.id, before={"decision": before},
                 after={"valid": decision["valid"], "elected": decision["elected"], "unfilled": decision["unfilled"],
                        "ties": decision["ties"], "invalidated": decision.get("invalidated") or []})
    return decision


@requires(Permission.EDIT)
def resolve_tie(session: Session, actor: Actor, contest_id: int, post: str, names: list[str], how: str) -> dict:
    """Record how a reported tie was settled (e.g. 重新投票) and recompute."""
    c = _unlocked_contest(session, contest_id)
    how = how.strip()
    if not how:
        raise ValidationError(tr("请写明票数相等是如何解决的（如：重新投票，某某得 N 票）"))
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    if res is None or not any(t["post"] == post for t in res.decision.get("ties", [])):
        raise ValidationError(tr("{post}没有待处理的票数相等").format(post=post))
    resolved = [r for r in res.decision.get("resolved_ties_input", []) if r["post"] != post]
    tie = next(t for t in res.decision["ties"] if t["post"] == post)
    item: dict[str, Any] = {"post": post, "names": list(names), "how": how}
    if tie.get("ids"):  # by id: a label (王伟（男，1975年生）) or a name only one tied person has
        by_label = dict(zip(tie.get("labels") or tie["names"], tie["ids"]))
        by_name: dict[str, list[Any]] = {}
        for n, i in zip(tie["names"], tie["ids"]):
            by_name.setdefault(n, []).append(i)
        ids = []
        for n in names:
            if n in by_label:
                ids.append(by_label[n])
            elif len(by_name.get(n, [])) == 1:
                ids.append(by_name[n][0])
            else:
                raise ValidationError(tr("{post}票数相等的人中有同名的“{name}”，请写明是哪一位：{labels}").format(
                    post=post, name=n, labels="、".join(tie.get("labels") or tie["names"])))
        item["ids"] = ids
    resolved.append(item)
    res.decision = dict(res.decision, resolved_ties_input=resolved)
    session.flush()
    audit.record(session, actor, "resolve_tie", "contest", c.id, after={"post": post, "names": names, "how": how})
    return compute_result(session, actor, contest_id)


def election_day_of(session: Session, c: Contest) -> dt.date | None:
    """The day the contest is held: its own date, else the cycle's election day."""
    if c.held_on is not None:
        return c.held_on
    cycle = session.get(ElectionCycle, _org(session, c).cycle_id)
    return cycle.election_day if cycle else None


@requires(Permission.REVIEW)
def mark_official(session: Session, actor: Actor, contest_id: int, *, today: dt.date | None = None) -> list[str]:
    """Lock the result as official; elected candidacies become 当选 (which hands term goals to commitments).
    Refused before the election day (``today`` defaults to the real date)."""
    c = _contest(session, contest_id)
    if c.official:
        raise LockedError(tr("该选举结果已经确认"))
    today = today or dt.date.today()
    day = election_day_of(session, c)
    if day is not None and today < day:
        raise ValidationError(tr("{village}的选举日是{day}，今天是{today}，选举日之前不能确认选举结果").format(
            village=_village_name(session, c), day=_cn_date(day), today=_cn_date(today)))
    res = session.scalar(select(Result).where(Result.contest_id == c.id))
    if res is None:
        raise ValidationError(tr("还没有计算选举结果，不能确认"))
    d = res.decision
    if d.get("outcome") == "input_error":
        raise ValidationError(tr("计票数据有误，不能确认：") + "；".join(d.get("reasons", [])[1:3]))
    if d.get("ties"):
        raise ValidationError(tr("还有票数相等未处理（{post}），请重新投票后记录结果再确认").format(post=d["ties"][0]["post"]))
    if d.get("write_in_unresolved"):
        u = d["write_in_unresolved"][0]
        raise ValidationError(tr("另选当选的“{name}”（{post}）须先核实是哪一位：{why}；请在结果页“核实另选当选人”后重新计算再确认").format(
            name=u["name"], post=u["post"], why=u["reason"]))
    data, _ = engine_input(session, c.id)
    if _decide(session, c, data).get("elected") != d.get("elected"):
        raise ValidationError(tr("计票数据在计算结果后有改动，请先重新计算结果"))
    c.official = True
    c.official_by = actor.username
    c.official_at = dt.datetime.now()
    session.add(LockEvent(contest_id=c.id, action="lock", by=actor.username, reason=""))
    session.flush()
    c.official_digest = integrity.contest_digest(session.connection(), c.id)  # decision + tally, checked by check-db
    audit.record(session, actor, "lock", "contest", c.id, after={"official": True, "digest": c.official_digest},
                 note=tr("确认为正式结果"))
    return _update_candidacies(session, actor, c, d)


def _update_candidacies(session: Session, actor: Actor, c: Contest, d: dict) -> list[str]:
    """Elected → 当选, others on the ballot → 未当选 (where the status machine allows). A 审核员 may confirm results
    but not edit candidacies, so then the change runs as the system with the confirming user named in the reason."""
    from villagevote.auth import can
    from villagevote.candidates.status import Origin, can_transition, transition
    notes: list[str] = []
    if not d.get("valid"):
        return notes
    # who is elected: by id (people of the same name are different people); decisions stored before ids by name
    roster = contest_roster(session, c.id)
    ident = {bc_id: e for e in roster.values() for bc_id in e.bc_ids}
    elected_ids = {e["id"] for e in d.get("elected", []) if e.get("id") is not None}
    elected_names = {e["name"] for e in d.get("elected", []) if e.get("id") is None}

    def is_elected(bc: BallotCandidate) -> bool:
        r = ident.get(bc.id)
        return (r is not None and r.id in elected_ids) or bc.name in elected_names

    system = actor if can(actor, Permission.EDIT) else audit.SYSTEM
    why = tr("{user}确认选举结果").format(user=actor.username)
    for bc in _candidates(session, c.id, include_merged=False):
        shown = ident[bc.id].label if bc.id in ident else bc.name
        if bc.candidacy_id is None:
            if is_elected(bc):
                notes.append(tr("{name} 当选但没有候选人登记，请在候选人页面补登").format(name=shown))
            continue
        cand = session.get(Candidacy, bc.candidacy_id)
        if cand is None:
            continue
        current = CandidacyStatus(cand.status)
        if is_elected(bc):
            path = [CandidacyStatus.ELECTED]
            if not can_transition(current, CandidacyStatus.ELECTED) and can_transition(current, CandidacyStatus.CANDIDATE):
                path = [CandidacyStatus.CANDIDATE, CandidacyStatus.ELECTED]
        else:
            path = [CandidacyStatus.NOT_ELECTED]
            if not can_transition(current, CandidacyStatus.NOT_ELECTED) and can_transition(current, CandidacyStatus.CANDIDATE):
                path = [CandidacyStatus.CANDIDATE, CandidacyStatus.NOT_ELECTED]
        if current in path:
            continue
        try:
            for step in path:
                transition(session, cand.id, step, system, why, origin=Origin.CONTEST_RESULT)
            notes.append(tr("{name}：{status}").format(name=shown, status=path[-1].label))
        except ValidationError as exc:
            notes.append(tr("{name} 的状态未改：{msg}").format(name=shown, msg=exc.message))
    return notes


@requires(Permission.ADMIN)
def reopen(session: Session, actor: Actor, contest_id: int, reason: str) -> list[str]:
    """Administrator only, with a reason: the tally and result become editable again (audit-logged), and the outcome
    the lock recorded is undone: this contest's 当选 and 未当选 candidacies go back to 正式候选人 (with the reason), and
    the commitments an elected cadre got are withdrawn. Refused, with nothing changed, while a later 另行选举 of the
    same organization has an official result, or once a cadre's term tracking has begun. Confirming again sets the
    outcome from the corrected result. Returns one line per candidacy changed."""
    from villagevote.candidates.status import Origin, transition
    c = _contest(session, contest_id)
    if not c.official:
        raise ValidationError(tr("该选举结果尚未确认，不需要重新开启"))
    reason = reason.strip()
    if not reason:
        raise ValidationError(tr("重新开启已确认的结果须填写理由"))
    later = session.scalar(select(Contest).where(Contest.organization_id == c.organization_id, Contest.id > c.id,
                                                 Contest.official.is_(True)))
    if later is not None:
        raise ValidationError(tr("该组织之后的{round}结果已经确认，请先重新开启那一次的结果").format(
            round=ContestRound(later.round).label))
    c.official = False
    digest, c.official_digest = c.official_digest, ""
    session.add(LockEvent(contest_id=c.id, action="reopen", by=actor.username, reason=reason))
    session.flush()
    audit.record(session, actor, "reopen", "contest", c.id, before={"official": True, "digest": digest},
                 after={"official": False}, note=reason)
    why = tr("重新开启选举结果：{reason}").format(reason=reason)
    notes: list[str] = []
    for bc in _candidates(session, c.id, include_merged=False):
        cand = session.get(Candidacy, bc.candidacy_id) if bc.candidacy_id is not None else None
        if cand is None or CandidacyStatus(cand.status) not in (CandidacyStatus.ELECTED, CandidacyStatus.NOT_ELECTED):
            continue
        transition(session, cand.id, CandidacyStatus.CANDIDATE, actor, why, origin=Origin.CONTEST_RESULT)
        notes.append(tr("{name}：改回“{status}”").format(name=bc.name, status=CandidacyStatus.CANDIDATE.label))
    return notes


def lock_history(session: Session, contest_id: int) -> list[tuple[dt.datetime, str, str, str]]:
    return [(e.created_at, e.action, e.by, e.reason) for e in session.scalars(
        select(LockEvent).where(LockEvent.contest_id == contest_id).order_by(LockEvent.id))]


def vote_rows(session: Session, contest_id: int) -> list[VoteRow]:
    """Per post, every listed candidate and every (merged) write-in with their counts, in stroke order."""
    c = _contest(session, contest_id)
    t = totals(session, c.id)
    genders = {e.label: e.gender for e in contest_roster(session, c.id).values()}
    out: list[VoteRow] = []
    for p in c.posts:
        pt = t.posts.get(p.post, PostTotals())
        for name in sorted(pt.votes, key=_stroke_key):
            out.append(VoteRow(name, genders.get(name), p.post, pt.votes[name], pt.disagree.get(name, 0),
                               pt.abstain.get(name, 0), False))
        for name in sorted(pt.write_ins, key=_stroke_key):
            out.append(VoteRow(name, genders.get(name), p.post, pt.write_ins[name], 0, 0, True))
    return out


def contests_for_export(session: Session, cycle_id: int | None = None,
                        village_id: int | None = None) -> list[tuple[ContestView, list[VoteRow]]]:
    return [(contest_view(session, r.id), vote_rows(session, r.id)) for r in list_contests(session, village_id, cycle_id)]


@requires(Permission.EDIT)
def set_candidate_gender(session: Session, actor: Actor, ballot_candidate_id: int, gender: str | None) -> None:
    """Record a written-in person's gender (needed for the women seat)."""
    bc = get_row(session, BallotCandidate, ballot_candidate_id, tr("找不到选票上的候选人（编号 {id}）"))
    _ensure_unlocked(_contest(session, bc.contest_id))
    if gender not in ("男", "女", None):
        raise ValidationError(tr("性别应为 男 或 女"))
    before = row_dict(bc)
    bc.gender = gender
    session.flush()
    audit.record(session, actor, "update", "ballot_candidate", bc.id, before=before, after=row_dict(bc))
