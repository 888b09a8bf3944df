"""Tally entry, both modes: totals per candidate (with optional double entry) and ballot by ballot (唱票); written-in
names and their merges, the spoilt-ballot register, and the counted votes per candidate for reports."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.elections.common import WHOLE, ballot_rows, ensure_unlocked, get_contest, unlocked_contest
from villagevote.elections.records import VoteRow
from villagevote.elections.roster import contest_roster, tally_labels
from villagevote.elections.tally_logic import (
    Ballot,
    BallotCheck,
    BallotCounter,
    PostTotals,
    TallyTotals,
    check_ballot,
    normalize_name,
    reconcile,
)
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.base import row_dict
from villagevote.models.elections import (
    BallotCandidate,
    BallotRecord,
    Contest,
    SpoiltBallot,
    TallyEntry,
    TallyPost,
)
from villagevote.names import stroke_key


def write_in_row(session: Session, c: Contest, post: str, name: str) -> BallotCandidate:
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
    c = unlocked_contest(session, contest_id)
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
    c = unlocked_contest(session, contest_id)
    if session.scalar(select(func.count(BallotRecord.id)).where(BallotRecord.contest_id == c.id)):
        raise ValidationError(tr("本次选举已按逐张唱票方式录入，不能再按合计方式录入"))
    _check_counts(issued, returned, invalid, present)
    seats = {p.post: p.seats for p in c.posts}
    labels = tally_labels(session, c.id)
    listed = {(bc.post, labels.get(bc.id, bc.name)): bc for bc in ballot_rows(session, c.id, include_merged=False)
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
            bc = write_in_row(session, c, post, name)
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


def merge_map(session: Session, contest_id: int) -> dict[int, BallotCandidate]:
    """ballot_candidate id -> the row its votes belong to (following merges)."""
    rows = {bc.id: bc for bc in ballot_rows(session, contest_id)}
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
    c = get_contest(session, contest_id)
    seats = {p.post: p.seats for p in c.posts}
    if c.tally_mode == "ballots":
        counter = ballot_counter(session, contest_id)
        return counter.totals()
    t = TallyTotals(c.ballots_issued, c.ballots_returned, c.ballots_invalid)
    for post in seats:
        t.post(post)
    merged = merge_map(session, c.id)
    labels = tally_labels(session, c.id)  # people of the same name are kept apart (issue 14)
    for bc in ballot_rows(session, c.id, include_merged=False):
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
    labels = tally_labels(session, contest_id)
    cands: dict[str, list[str]] = {}
    for bc in ballot_rows(session, contest_id, include_merged=False):
        if not bc.write_in:
            cands.setdefault(bc.post, []).append(labels.get(bc.id, bc.name))
    return cands


def ballot_counter(session: Session, contest_id: int) -> BallotCounter:
    c = get_contest(session, contest_id)
    seats = {p.post: p.seats for p in c.posts}
    cands = _listed_by_post(session, c.id)
    counter = BallotCounter(seats, cands, issued=c.ballots_issued, returned=c.ballots_returned)
    labels = tally_labels(session, c.id)
    merged = {(bc.post, bc.name): labels.get(t.id, t.name) for bc_id, t in merge_map(session, c.id).items()
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
    c = unlocked_contest(session, contest_id)
    if session.scalar(select(func.count(TallyEntry.id)).where(TallyEntry.contest_id == c.id)):
        raise ValidationError(tr("本次选举已按合计方式录入，不能再逐张录入"))
    seats = {p.post: p.seats for p in c.posts}
    cands = _listed_by_post(session, c.id)
    check = check_ballot(ballot, seats, cands)
    serial = (session.scalar(select(func.max(BallotRecord.serial)).where(BallotRecord.contest_id == c.id)) or 0) + 1
    clean_write_ins = {p: [normalize_name(n) for n in names if normalize_name(n)] for p, names in ballot.write_ins.items()}
    for post, names in clean_write_ins.items():
        for n in names:
            write_in_row(session, c, post, n)
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
    c = unlocked_contest(session, contest_id)
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


@requires(Permission.EDIT)
def merge_write_in(session: Session, actor: Actor, contest_id: int, post: str, source: str, target: str) -> str:
    """Count a written-in name as another person (listed candidate or another write-in); logged, reversible."""
    c = unlocked_contest(session, contest_id)
    by_label = {lab: bc_id for bc_id, lab in tally_labels(session, c.id).items()
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
        dst = write_in_row(session, c, post, target)
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
    c = unlocked_contest(session, contest_id)
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
    merged = merge_map(session, contest_id)
    labels = tally_labels(session, contest_id)
    out = []
    for bc in ballot_rows(session, contest_id):
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
            for name in sorted(set(da) | set(db_), key=stroke_key):
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
    c = unlocked_contest(session, contest_id)
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
    ensure_unlocked(get_contest(session, row.contest_id))
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


def vote_rows(session: Session, contest_id: int) -> list[VoteRow]:
    """Per post, every listed candidate and every (merged) write-in with their counts, in stroke order."""
    c = get_contest(session, contest_id)
    t = totals(session, c.id)
    genders = {e.label: e.gender for e in contest_roster(session, c.id).values()}
    out: list[VoteRow] = []
    for p in c.posts:
        pt = t.posts.get(p.post, PostTotals())
        for name in sorted(pt.votes, key=stroke_key):
            out.append(VoteRow(name, genders.get(name), p.post, pt.votes[name], pt.disagree.get(name, 0),
                               pt.abstain.get(name, 0), False))
        for name in sorted(pt.write_ins, key=stroke_key):
            out.append(VoteRow(name, genders.get(name), p.post, pt.write_ins[name], 0, 0, True))
    return out
