"""Contests, tally entry, results and the official lock against a real (temporary) database."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.helpers_elections import committee_contest, organization, print_ballots
from villagevote.elections import contests, outcome, tally
from villagevote.elections.tally_logic import AGREE, DISAGREE, Ballot
from villagevote.errors import LockedError, PermissionDenied, ValidationError
from villagevote.models.candidates import Candidacy
from villagevote.models.core import AuditLog
from villagevote.models.elections import Contest
from villagevote.models.enums import CandidacyStatus, OrgKind


@pytest.fixture
def contest_id(db, admin, clerk, township):
    with db.session() as s:
        return committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)

ELECTION_DAY = dt.date(2026, 12, 20)  # the township fixture's election day: results are confirmed on it


def _marks(**kw):
    return {tuple(k.split("_")): v for k, v in kw.items()}


FULL = {("主任", "王建国"): (600, 150, 50), ("主任", "李明"): (180, 500, 120),
        ("副主任", "张伟"): (420, 300, 80), ("副主任", "丁丽"): (350, 350, 100),
        ("委员", "刘芳"): (520, 200, 80), ("委员", "孙强"): (610, 120, 70), ("委员", "周杰"): (560, 160, 80),
        ("委员", "马超"): (300, 400, 100)}


def test_contest_created_from_seats_and_qualified_candidacies_in_stroke_order(db, contest_id):
    with db.session() as s:
        v = contests.contest_view(s, contest_id)
    assert [(p.post, p.seats, p.women_seats) for p in v.posts] == [("主任", 1, 0), ("副主任", 1, 0), ("委员", 3, 1)]
    # 委员 in 姓氏笔画 order: 马(3) 刘(6) 孙(6) 周(8); 刘 before 孙 (stroke shapes 丶 vs 乛 after equal count)
    assert [c.name for c in v.candidates_for("委员")] == ["马超", "刘芳", "孙强", "周杰"]
    assert v.electorate == 1000 and v.mode == "差额"


def test_official_ballots_need_the_margin_and_are_counted(db, clerk, admin, contest_id, tmp_path):
    with db.session() as s:
        assert contests.margin_problems(s, contest_id) == []
        print_ballots(s, clerk, contest_id, tmp_path / "b.pdf", sample=False, copies=2)
        print_ballots(s, clerk, contest_id, tmp_path / "s.pdf", sample=True)
        assert s.get(Contest, contest_id).ballots_printed == 2
        bc = contests.contest_view(s, contest_id).candidates_for("委员")[0]
        with pytest.raises(ValidationError, match="已冻结"):  # official ballots freeze the list (issue 14)
            contests.remove_ballot_candidate(s, clerk, bc.ballot_candidate_id)
        contests.reopen_ballots(s, admin, contest_id, "候选人名单有误")
        contests.remove_ballot_candidate(s, clerk, bc.ballot_candidate_id)
        with pytest.raises(ValidationError, match="至少 4 名"):
            print_ballots(s, clerk, contest_id, tmp_path / "b2.pdf", sample=False)
        print_ballots(s, clerk, contest_id, tmp_path / "s2.pdf", sample=True)  # samples still print
        assert s.get(Contest, contest_id).ballots_printed == 0


def test_totals_entry_result_lock_and_reopen(db, clerk, reviewer, admin, contest_id):
    with db.session() as s:
        problems = tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL,
                                   write_ins={"委员": {"赵民": 20, "赵敏": 8, "赵 敏": 2}})
        assert problems == []
        assert tally.totals(s, contest_id).posts["委员"].write_ins == {"赵民": 20, "赵敏": 10}
        note = tally.merge_write_in(s, clerk, contest_id, "委员", "赵民", "赵敏")
        assert "20 票" in note
        assert tally.totals(s, contest_id).posts["委员"].write_ins == {"赵敏": 30}
        res = outcome.compute_result(s, clerk, contest_id)
        # basis 898 → more than 449; 主任 王建国 600; 副主任 张伟 420+0 (李明 180 主任 + 0) no: 420 < 450 → unfilled
        assert {(e["name"], e["post"]) for e in res["elected"]} == {("王建国", "主任"), ("孙强", "委员"),
                                                                    ("周杰", "委员"), ("刘芳", "委员")}
        assert res["unfilled"] == {"副主任": 1}
        with pytest.raises(PermissionDenied):
            outcome.mark_official(s, clerk, contest_id, today=ELECTION_DAY)
        notes = outcome.mark_official(s, reviewer, contest_id, today=ELECTION_DAY)
        assert any("王建国" in n for n in notes)
        statuses = {c.person.name: CandidacyStatus(c.status) for c in s.scalars(select(Candidacy))}
        assert statuses["王建国"] is CandidacyStatus.ELECTED and statuses["李明"] is CandidacyStatus.NOT_ELECTED
    with db.session() as s:
        with pytest.raises(LockedError):
            tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL)
        with pytest.raises(LockedError):
            outcome.compute_result(s, clerk, contest_id)
        with pytest.raises(PermissionDenied):
            outcome.reopen(s, reviewer, contest_id, "更正")
        with pytest.raises(ValidationError):
            outcome.reopen(s, admin, contest_id, "  ")
        notes = outcome.reopen(s, admin, contest_id, "监票人发现第3箱漏计")
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.entity == "contest"))]
        assert {"tally", "compute_result", "lock", "reopen"} <= set(actions)
        assert [e[1] for e in outcome.lock_history(s, contest_id)] == ["lock", "reopen"]
        assert tally.totals(s, contest_id).posts["委员"].write_ins == {"赵敏": 30}  # nothing lost
        # the outcome the lock recorded is undone, with the reason: everyone on the ballot is 正式候选人 again
        assert any("王建国" in n for n in notes)
        statuses = {c.person.name: c for c in s.scalars(select(Candidacy))}
        assert {CandidacyStatus(c.status) for c in statuses.values()} == {CandidacyStatus.CANDIDATE}
        assert "监票人发现第3箱漏计" in statuses["王建国"].status_reason
    with db.session() as s:  # the corrected count elects 李明; confirming again sets the new outcome
        corrected = dict(FULL)
        corrected[("主任", "王建国")], corrected[("主任", "李明")] = (180, 500, 120), (600, 150, 50)
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=corrected)
        outcome.compute_result(s, clerk, contest_id)
        outcome.mark_official(s, reviewer, contest_id, today=ELECTION_DAY)
        statuses = {c.person.name: CandidacyStatus(c.status) for c in s.scalars(select(Candidacy))}
        assert statuses["李明"] is CandidacyStatus.ELECTED and statuses["王建国"] is CandidacyStatus.NOT_ELECTED


def test_first_round_cannot_be_reopened_while_its_additional_round_is_official(db, clerk, reviewer, admin,
                                                                              contest_id):
    from villagevote.models.enums import ContestRound
    with db.session() as s:
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL)
        outcome.compute_result(s, clerk, contest_id)
        outcome.mark_official(s, reviewer, contest_id, today=ELECTION_DAY)
        org_id = s.get(Contest, contest_id).organization_id
        later = contests.create_contest(s, clerk, org_id, round_=ContestRound.ADDITIONAL, from_contest_id=contest_id)
        s.get(Contest, later).official = True  # its own lock path is tested above; here only the order matters
    with db.session() as s, pytest.raises(ValidationError, match="请先重新开启"):
        outcome.reopen(s, admin, contest_id, "复核")
    with db.session() as s:
        assert s.get(Contest, contest_id).official
        statuses = {c.person.name: CandidacyStatus(c.status) for c in s.scalars(select(Candidacy))}
        assert statuses["王建国"] is CandidacyStatus.ELECTED


def test_more_returned_than_issued_is_kept_and_declared_void(db, clerk, contest_id):
    with db.session() as s:
        problems = tally.save_totals(s, clerk, contest_id, issued=800, returned=801, invalid=0, marks={
            ("主任", "王建国"): (600, 100, 101)})
        assert any("多于发出选票 800 张" in p for p in problems)
        res = outcome.compute_result(s, clerk, contest_id)
        assert res["valid"] is False and res["outcome"] == "void"
        assert s.get(Contest, contest_id).ballots_returned == 801


def test_votes_exceeding_ballots_block_the_result_and_the_lock(db, clerk, reviewer, contest_id):
    with db.session() as s:
        problems = tally.save_totals(s, clerk, contest_id, issued=600, returned=600, invalid=10, marks={
            ("主任", "王建国"): (595, 0, 0), ("主任", "李明"): (10, 0, 0)})
        assert any("王建国" in p and "590" in p for p in problems)
        res = outcome.compute_result(s, clerk, contest_id)
        assert res["valid"] is False and res["elected"] == []
        with pytest.raises(ValidationError):
            outcome.mark_official(s, reviewer, contest_id, today=ELECTION_DAY)


def test_write_in_for_post_without_seats_is_refused(db, clerk, contest_id):
    with db.session() as s:
        with pytest.raises(ValidationError, match="没有应选名额"):
            tally.save_totals(s, clerk, contest_id, issued=10, returned=10, invalid=0, marks={},
                            write_ins={"会计": {"赵敏": 3}})
        with pytest.raises(ValidationError, match="没有应选名额"):
            tally.add_ballot(s, clerk, contest_id, Ballot(write_ins={"会计": ["赵敏"]}))


def test_ballot_by_ballot_entry(db, clerk, contest_id):
    with db.session() as s:
        tally.save_counts(s, clerk, contest_id, issued=4, returned=4)
        tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"王建国": AGREE, "李明": DISAGREE},
                                                          "委员": {"刘芳": AGREE}}, write_ins={"委员": ["赵敏"]}))
        _, chk = tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"王建国": AGREE, "李明": AGREE}}))
        assert "主任" in chk.invalid_parts
        tally.add_ballot(s, clerk, contest_id, Ballot(wholly_invalid=True, invalid_reason="字迹无法辨认"))
        tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"李明": AGREE}}))
        tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"李明": AGREE}}))
        assert tally.undo_last_ballot(s, clerk, contest_id) == 5
        t = tally.totals(s, contest_id)
        assert t.ballots_entered == 4 and t.wholly_invalid == 1
        assert t.posts["主任"].votes == {"王建国": 1, "李明": 1} and t.posts["主任"].invalid_parts == 1
        assert t.posts["委员"].write_ins == {"赵敏": 1}
        reg = tally.spoilt_register(s, contest_id)
        assert [(r.serial, r.scope) for r in reg] == [(2, "主任"), (3, "整张")]
        with pytest.raises(ValidationError, match="逐张"):
            tally.save_totals(s, clerk, contest_id, issued=4, returned=4, invalid=0, marks={})
        res = outcome.compute_result(s, clerk, contest_id)
        assert res["valid"] is False  # 4 of 1000 voted


def test_double_entry_diff_blocks_the_result(db, clerk, contest_id):
    with db.session() as s:
        contests.update_contest(s, clerk, contest_id, double_entry=True)
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL)
        second = dict(FULL)
        second[("委员", "周杰")] = (506, 160, 80)
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=second, entry_no=2)
        diff = tally.double_entry_diff(s, contest_id)
        assert [(d.post, d.name, d.field, d.first, d.second) for d in diff] == [("委员", "周杰", "同意", 560, 506)]
        with pytest.raises(ValidationError, match="不一致"):
            outcome.compute_result(s, clerk, contest_id)
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL, entry_no=2)
        assert tally.double_entry_diff(s, contest_id) == []
        assert outcome.compute_result(s, clerk, contest_id)["valid"] is True


def test_additional_round_takes_top_non_winners_and_the_one_third_rule(db, clerk, reviewer, contest_id, township):
    with db.session() as s:
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=FULL)
        outcome.compute_result(s, clerk, contest_id)
        outcome.mark_official(s, reviewer, contest_id, today=ELECTION_DAY)
        org_id = s.get(Contest, contest_id).organization_id
        add_id = contests.create_contest(s, clerk, org_id, round_="additional", electorate=1000)
        v = contests.contest_view(s, add_id)
        assert [(p.post, p.seats) for p in v.posts] == [("副主任", 1)]
        # 副主任 effective votes: 张伟 420, 丁丽 350, 李明 180 (主任 votes count) → 2 needed (1 seat + 1)
        assert sorted(c.name for c in v.candidates_for("副主任")) == sorted(["张伟", "丁丽"])
        tally.save_totals(s, clerk, add_id, issued=700, returned=700, invalid=0, marks={
            ("副主任", "张伟"): (300, 0, 0), ("副主任", "丁丽"): (233, 0, 0)})
        res = outcome.compute_result(s, clerk, add_id)
        assert res["threshold"] == 234                     # one third of 700 rounds up to 234
        assert [(e["name"], e["post"]) for e in res["elected"]] == [("张伟", "副主任")]
        outcome.mark_official(s, reviewer, add_id, today=ELECTION_DAY)
        st = {c.person.name: CandidacyStatus(c.status) for c in s.scalars(select(Candidacy))}
        assert st["张伟"] is CandidacyStatus.ELECTED


def test_party_contest_needs_present(db, clerk, township):
    with db.session() as s:
        org = organization(s, township.village_ids[1], OrgKind.PARTY_BRANCH)
        cid = contests.create_contest(s, clerk, org.id, mode="self_nomination", electorate=40)
        tally.save_totals(s, clerk, cid, issued=35, returned=35, invalid=0, marks={}, write_ins={"委员": {"赵敏": 30}})
        with pytest.raises(ValidationError, match="实到会"):
            outcome.compute_result(s, clerk, cid)
        tally.save_counts(s, clerk, cid, issued=35, returned=35, invalid=0, present=35)
        res = outcome.compute_result(s, clerk, cid)
        assert res["valid"] and ("赵敏", "委员") in {(e["name"], e["post"]) for e in res["elected"]}


def test_electorate_counts_only_voters_who_may_vote(db, admin, township):
    """"More than half of the registered voters" is measured against active, eligible voters: under-18s on the
    register and removed voters do not count."""
    import datetime as dt

    from villagevote.models.enums import VoterStatus
    from villagevote.models.voters import Voter
    vid = township.village_ids[0]
    with db.session() as s:
        rows = [Voter(cycle_id=township.cycle_id, village_id=vid, name=f"选民{i}", eligible=True,
                      birth_date=dt.date(1980, 1, 1)) for i in range(5)]
        rows.append(Voter(cycle_id=township.cycle_id, village_id=vid, name="少年", eligible=False,
                          birth_date=dt.date(2009, 1, 1)))
        rows.append(Voter(cycle_id=township.cycle_id, village_id=vid, name="迁出", eligible=True,
                          status=VoterStatus.MOVED_OUT, birth_date=dt.date(1970, 1, 1)))
        s.add_all(rows)
        s.flush()
        assert contests.registered_voters(s, vid, township.cycle_id) == 5
        cid = contests.create_contest(s, admin, organization(s, vid).id)
        assert s.get(Contest, cid).electorate == 5
