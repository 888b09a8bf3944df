"""Results and the official lock: the engine input from the tally, the decision (with written-in winners screened
against 五不能), ties settled by a re-vote, confirming the result (当选/未当选) and reopening it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit, integrity
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.candidates.status import Origin, can_transition, transition
from villagevote.elections.common import (
    BODIES,
    ballot_rows,
    cn_date,
    committee_size_limits,
    election_day_of,
    gender_text,
    get_contest,
    org_of,
    unlocked_contest,
    village_name,
)
from villagevote.elections.contests import contest_view, list_contests
from villagevote.elections.records import ContestView, VoteRow
from villagevote.elections.results import (
    decide,
)
from villagevote.elections.roster import RosterEntry, contest_roster
from villagevote.elections.tally import double_entry_diff, totals, vote_rows
from villagevote.elections.tally_logic import (
    contest_input,
    reconcile,
)
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.idcard import age_on
from villagevote.lookup import get_row
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import ElectionCycle
from villagevote.models.elections import (
    BallotCandidate,
    Contest,
    LockEvent,
    Result,
)
from villagevote.models.enums import CandidacyStatus, ContestRound, OrgKind
from villagevote.models.voters import Voter
from villagevote.pledges.term import commitments_from_pledges, withdraw_commitments
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdicts


def engine_input(session: Session, contest_id: int) -> tuple[dict[str, Any], list[str]]:
    """The decide() input for the contest and the reconciliation problems of its tally."""
    c = get_contest(session, contest_id)
    org = org_of(session, c)
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
    c = get_contest(session, contest_id)
    org = org_of(session, c)
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
        out.append((key, tr("{name}（{g}，{born}，{kind}）").format(name=name, g=gender_text(x.gender) or tr("性别不详"),
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
    org = org_of(session, c)
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
    c = unlocked_contest(session, contest_id)
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
    c = unlocked_contest(session, contest_id)
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
    c = unlocked_contest(session, contest_id)
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


@requires(Permission.REVIEW)
def mark_official(session: Session, actor: Actor, contest_id: int, *, today: dt.date | None = None) -> list[str]:
    """Lock the result as official; elected candidacies become 当选 (which hands term goals to commitments).
    Refused before the election day (``today`` defaults to the real date)."""
    c = get_contest(session, contest_id)
    if c.official:
        raise LockedError(tr("该选举结果已经确认"))
    today = today or dt.date.today()
    day = election_day_of(session, c)
    if day is not None and today < day:
        raise ValidationError(tr("{village}的选举日是{day}，今天是{today}，选举日之前不能确认选举结果").format(
            village=village_name(session, c), day=cn_date(day), today=cn_date(today)))
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
    for bc in ballot_rows(session, c.id, include_merged=False):
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
                _apply_outcome(session, system, cand.id, step, why)
            notes.append(tr("{name}：{status}").format(name=shown, status=path[-1].label))
        except ValidationError as exc:
            notes.append(tr("{name} 的状态未改：{msg}").format(name=shown, msg=exc.message))
    return notes


def _apply_outcome(session: Session, actor: Actor, candidacy_id: int, new: CandidacyStatus, reason: str) -> None:
    """Move one candidacy as an official result (or its reopening) does, with what follows for the term: becoming
    当选 turns its reviewed term goals into tracked commitments (践诺); leaving 当选 withdraws those commitments
    first, refused with nothing changed once their tracking has begun (or for anyone but an administrator).
    Callers (``mark_official``, ``reopen``) have checked the actor's permission."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    if CandidacyStatus(cand.status) is CandidacyStatus.ELECTED and new is not CandidacyStatus.ELECTED:
        # before the move, as the move itself checks nothing withdrawing could spoil: leaving 当选 needs an
        # administrator (withdraw_commitments checks that first) and a reason (the callers always give one)
        withdraw_commitments(session, candidacy_id, actor, reason)
    transition(session, candidacy_id, new, actor, reason, origin=Origin.CONTEST_RESULT)
    if new is CandidacyStatus.ELECTED:
        commitments_from_pledges(session, candidacy_id, actor)


@requires(Permission.ADMIN)
def reopen(session: Session, actor: Actor, contest_id: int, reason: str) -> list[str]:
    """Administrator only, with a reason: the tally and result become editable again (audit-logged), and the outcome
    the lock recorded is undone: this contest's 当选 and 未当选 candidacies go back to 正式候选人 (with the reason), and
    the commitments an elected cadre got are withdrawn. Refused, with nothing changed, while a later 另行选举 of the
    same organization has an official result, or once a cadre's term tracking has begun. Confirming again sets the
    outcome from the corrected result. Returns one line per candidacy changed."""
    c = get_contest(session, contest_id)
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
    for bc in ballot_rows(session, c.id, include_merged=False):
        cand = session.get(Candidacy, bc.candidacy_id) if bc.candidacy_id is not None else None
        if cand is None or CandidacyStatus(cand.status) not in (CandidacyStatus.ELECTED, CandidacyStatus.NOT_ELECTED):
            continue
        _apply_outcome(session, actor, cand.id, CandidacyStatus.CANDIDATE, why)
        notes.append(tr("{name}：改回“{status}”").format(name=bc.name, status=CandidacyStatus.CANDIDATE.label))
    return notes


def lock_history(session: Session, contest_id: int) -> list[tuple[dt.datetime, str, str, str]]:
    return [(e.created_at, e.action, e.by, e.reason) for e in session.scalars(
        select(LockEvent).where(LockEvent.contest_id == contest_id).order_by(LockEvent.id))]


def contests_for_export(session: Session, cycle_id: int | None = None,
                        village_id: int | None = None) -> list[tuple[ContestView, list[VoteRow]]]:
    return [(contest_view(session, r.id), vote_rows(session, r.id)) for r in list_contests(session, village_id, cycle_id)]
