"""Demo elections: one finished, official village-committee election with tallies (first village), and one
Party-organization election being counted ballot by ballot (second village), so every screen has something real."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.demo.context import DemoContext
from villagevote.elections import contests, outcome, tally
from villagevote.elections.tally_logic import ABSTAIN, AGREE, DISAGREE, Ballot
from villagevote.models.core import Organization
from villagevote.models.enums import OrgKind


def _org(session: Session, village_id: int, cycle_id: int, kind: OrgKind) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.village_id == village_id,
                                                     Organization.cycle_id == cycle_id, Organization.kind == kind))


def populate(session: Session, ctx: DemoContext) -> None:
    if not ctx.village_ids:
        return
    rng = ctx.rng
    actor = ctx.actor
    first = ctx.village_ids[0]
    org = _org(session, first, ctx.cycle_id, OrgKind.VILLAGE_COMMITTEE)
    if org is None:
        return
    electorate = contests.registered_voters(session, first, ctx.cycle_id) or 1260
    cid = contests.create_contest(session, actor, org.id, electorate=electorate)
    view = contests.contest_view(session, cid)
    returned = electorate * 86 // 100
    issued = returned + 4
    invalid = max(1, returned // 120)
    valid = returned - invalid
    marks: dict[tuple[str, str], tuple[int, int, int]] = {}
    write_ins: dict[str, dict[str, int]] = {}
    for post in view.posts:
        cands = view.candidates_for(post.post)
        # women first among the 委员 so the women seat is met by votes; others in a fixed shuffled order
        order = sorted(cands, key=lambda c: (c.gender != "女", rng.random()))
        shares = [0.74, 0.61, 0.57, 0.33, 0.21, 0.15][:len(order)] if post.seats > 1 else [0.66, 0.24, 0.07][:len(order)]
        for cand, share in zip(order, shares):
            agree = int(valid * share)
            disagree = int((valid - agree) * 0.6)
            marks[(post.post, cand.name)] = (agree, disagree, max(0, valid - agree - disagree - rng.randint(0, 5)))
        if post.seats > 1 and valid >= 60:
            write_ins[post.post] = {"陈小红": valid // 30, "陈晓红": valid // 60}
    tally.save_totals(session, actor, cid, issued=issued, returned=returned, invalid=invalid, marks=marks,
                      write_ins=write_ins)
    for post_name in write_ins:
        tally.merge_write_in(session, actor, cid, post_name, "陈晓红", "陈小红")
    tally.add_spoilt(session, actor, cid, "整张", "选票上写有与选举无关的内容", serial=1)
    tally.add_spoilt(session, actor, cid, "委员", "委员栏选了4人，多于应选3名", serial=2)
    res = outcome.compute_result(session, actor, cid)
    if res.get("valid") and not res.get("ties"):
        # the fictional township is shown after its count: the result is confirmed on the election day
        outcome.mark_official(session, actor, cid, today=ctx.election_day)
    ctx.notes.append("elections: {v} village committee counted, {n} elected, official={o}".format(
        v=view.village, n=len(res.get("elected", [])), o=bool(res.get("valid") and not res.get("ties"))))

    if len(ctx.village_ids) < 2:
        return
    second = ctx.village_ids[1]
    porg = _org(session, second, ctx.cycle_id, OrgKind.PARTY_BRANCH)
    if porg is None:
        return
    pid = contests.create_contest(session, actor, porg.id, electorate=46, present=42)
    contests.update_contest(session, actor, pid, posts=[("委员", 3, 1)])
    pview = contests.contest_view(session, pid)
    members = [c.name for c in pview.candidates_for("委员")]
    if len(members) < 4:  # too few qualified 委员 candidacies in the demo branch: add fictional candidates
        for extra in ("王丽华", "方志强", "朱建明", "沈秀英")[: 4 - len(members)]:
            contests.add_ballot_candidate(session, actor, pid, "委员", extra, gender="女" if extra[-1] in "华英" else "男")
        members = [c.name for c in contests.contest_view(session, pid).candidates_for("委员")]
    tally.save_counts(session, actor, pid, issued=42, returned=42)
    for i in range(17):
        chosen = rng.sample(members, 3 if i % 6 else 4)
        marks_b = {"委员": {n: (AGREE if n in chosen else rng.choice([DISAGREE, ABSTAIN])) for n in members}}
        tally.add_ballot(session, actor, pid, Ballot(marks=marks_b))
    ctx.notes.append("elections: party branch of village 2 being counted ballot by ballot (17 of 42 entered)")
