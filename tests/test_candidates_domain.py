"""Persons, relationships, candidacies and the status machine, on a fresh database per test."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons, status
from villagevote.candidates.candidacies import list_candidacies, register_candidacy
from villagevote.candidates.sample import id_number
from villagevote.errors import NotFound, PermissionDenied, ValidationError
from villagevote.models import AuditLog, Candidacy, Person
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import Education, Gender, NominationSource, OrgKind, PoliticalStatus, RelationKind, Role

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
READONLY = Actor(None, "viewer", Role.READONLY)
TODAY = dt.date(2026, 2, 1)


def _data(name: str, number: str, **kw) -> persons.PersonData:
    return persons.PersonData(name=name, id_number=number, **kw)


def test_register_person_derives_birth_and_gender_and_stores_upper_x(db, world):
    number = id_number("330604", dt.date(1975, 6, 9), 21)
    lower = number[:-1] + number[-1].lower()
    with db.session() as s:
        pid = persons.register_person(s, CLERK, _data("张三", lower, village_id=world.villages["青山村"]), today=TODAY)
    with db.session() as s:
        p = s.get(Person, pid)
        assert p.id_number == number.upper()
        assert p.birth_date == dt.date(1975, 6, 9)
        assert p.gender is Gender.MALE
        assert p.name_initials == "zs"
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "person")) == 1


def test_invalid_and_duplicate_id_numbers_are_refused(db, world):
    good = id_number("330604", dt.date(1980, 1, 2), 33)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with db.session() as s:
        with pytest.raises(ValidationError, match="校验码错误：第18位应为 " + good[-1]):
            persons.register_person(s, CLERK, _data("李四", bad), today=TODAY)
        persons.register_person(s, CLERK, _data("李四", good), today=TODAY)
    with db.session() as s:
        with pytest.raises(ValidationError, match="已登记给「李四」"):
            persons.register_person(s, CLERK, _data("李思", good), today=TODAY)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1


def test_person_field_checks(db, world):
    number = id_number("330604", dt.date(1980, 1, 2), 33)
    with db.session() as s:
        with pytest.raises(ValidationError, match="晚于今天"):
            persons.register_person(s, CLERK, _data("王五", number, political_status=PoliticalStatus.PARTY_MEMBER,
                                                    party_join_date=dt.date(2027, 1, 1)), today=TODAY)
        with pytest.raises(ValidationError, match="只有中共党员或预备党员才填写入党时间"):
            persons.register_person(s, CLERK, _data("王五", number, political_status=PoliticalStatus.MASSES,
                                                    party_join_date=dt.date(2001, 7, 1)), today=TODAY)
        with pytest.raises(ValidationError, match="应为2至20个汉字"):
            persons.register_person(s, CLERK, _data("Wang5", number), today=TODAY)
        with pytest.raises(PermissionDenied):
            persons.register_person(s, READONLY, _data("王五", number), today=TODAY)


def test_update_person_keeps_id_unique(db, world):
    a = id_number("330604", dt.date(1970, 3, 3), 11)
    b = id_number("330604", dt.date(1971, 4, 4), 12)
    with db.session() as s:
        pa = persons.register_person(s, CLERK, _data("赵一", a), today=TODAY)
        persons.register_person(s, CLERK, _data("钱二", b), today=TODAY)
    with db.session() as s:
        with pytest.raises(ValidationError, match="已登记给「钱二」"):
            persons.update_person(s, CLERK, pa, _data("赵一", b), today=TODAY)
    with db.session() as s:
        persons.update_person(s, CLERK, pa, _data("赵一", a, education=Education.COLLEGE, phone="13900001111"),
                              today=TODAY)
    with db.session() as s:
        assert s.get(Person, pa).education is Education.COLLEGE


def test_search_by_name_initials_pinyin_and_id_fragment(db, world):
    with db.session() as s:
        persons.register_person(s, CLERK, _data("张三", id_number("330604", dt.date(1970, 1, 1), 11)), today=TODAY)
        persons.register_person(s, CLERK, _data("张珊珊", id_number("330604", dt.date(1972, 2, 2), 22)), today=TODAY)
        persons.register_person(s, CLERK, _data("李四", id_number("330604", dt.date(1981, 7, 19), 31)), today=TODAY)
    with db.session() as s:
        assert [r.name for r in persons.find_persons(s, "zs")] == ["张三", "张珊珊"]  # initials from the start
        assert [r.name for r in persons.find_persons(s, "zss")] == ["张珊珊"]
        assert {r.name for r in persons.find_persons(s, "张")} == {"张三", "张珊珊"}
        assert [r.name for r in persons.find_persons(s, "lis")] == ["李四"]
        assert [r.name for r in persons.find_persons(s, "19810719")] == ["李四"]
        assert persons.find_persons(s, "wq") == []


def test_relationships(db, world):
    with db.session() as s:
        a = persons.register_person(s, CLERK, _data("王建国", id_number("330604", dt.date(1970, 1, 1), 11)), today=TODAY)
        b = persons.register_person(s, CLERK, _data("李秀英", id_number("330604", dt.date(1972, 2, 2), 22)), today=TODAY)
        persons.add_relationship(s, CLERK, b, a, RelationKind.SPOUSE)
        with pytest.raises(ValidationError, match="已登记为配偶关系"):
            persons.add_relationship(s, CLERK, a, b, RelationKind.SIBLING)
        with pytest.raises(ValidationError, match="不能把一个人登记为自己的亲属"):
            persons.add_relationship(s, CLERK, a, a, RelationKind.SIBLING)
        rels = persons.relationships_of(s, a)
        assert [(r[2], r[3]) for r in rels] == [("李秀英", RelationKind.SPOUSE)]


def _candidate(s, world, name="张三", seq=11, village="青山村", kind=OrgKind.VILLAGE_COMMITTEE, post="主任"):
    pid = persons.register_person(
        s, CLERK, _data(name, id_number("330604", dt.date(1975, 1, 1), seq), village_id=world.villages[village]),
        today=TODAY,
    )
    return register_candidacy(s, CLERK, pid, world.orgs[(village, kind)], post, NominationSource.SELF)


def test_candidacy_needs_a_real_post_and_is_not_duplicated(db, world):
    with db.session() as s:
        cid = _candidate(s, world)
        cand = s.get(Candidacy, cid)
        with pytest.raises(ValidationError, match="「书记」不是青山村村民委员会的职务（可选：主任、副主任、委员）"):
            register_candidacy(s, CLERK, cand.person_id, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "书记",
                               NominationSource.SELF)
        with pytest.raises(ValidationError, match="已登记参选青山村村民委员会主任"):
            register_candidacy(s, CLERK, cand.person_id, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "主任",
                               NominationSource.VILLAGERS)
        assert cand.status is S.REGISTERED and cand.cycle_id == world.cycle_id
        with pytest.raises(ValidationError, match="政治面貌为「未填写」：参选村党组织须为中共正式党员"):
            register_candidacy(s, CLERK, cand.person_id, world.orgs[("青山村", OrgKind.PARTY_BRANCH)], "书记",
                               NominationSource.PARTY_MEMBERS)


def test_status_machine_walks_the_review_path_and_audits(db, world):
    with db.session() as s:
        cid = _candidate(s, world)
        for new in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED, S.CANDIDATE):
            actor = REVIEWER if new in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED) else CLERK
            status.transition(s, cid, new, actor)
        status.transition(s, cid, S.ELECTED, CLERK, origin=status.Origin.CONTEST_RESULT)
        assert s.get(Candidacy, cid).status is S.ELECTED
        notes = list(s.scalars(select(AuditLog.note).where(AuditLog.entity == "candidacy", AuditLog.action == "status")))
        assert notes[0] == "registered -> village_reviewed" and notes[-1] == "candidate -> elected"
        with pytest.raises(ValidationError, match="当前状态为「当选」，不能直接改为「已退出」"):
            status.transition(s, cid, S.WITHDRAWN, CLERK, reason="x")


def test_status_machine_refuses_skipping_stages_and_needs_reasons(db, world):
    with db.session() as s:
        cid = _candidate(s, world)
        with pytest.raises(ValidationError, match="不能直接改为「资格合格」"):
            status.transition(s, cid, S.QUALIFIED, REVIEWER)
        with pytest.raises(ValidationError, match="需要填写理由"):
            status.transition(s, cid, S.ADVISED_WITHDRAW, REVIEWER)
        with pytest.raises(ValidationError, match="需要填写理由"):
            status.transition(s, cid, S.DISQUALIFIED, REVIEWER, origin=status.Origin.QUALIFICATION)
        with pytest.raises(PermissionDenied):
            status.transition(s, cid, S.VILLAGE_REVIEWED, CLERK)
        with pytest.raises(NotFound):
            status.transition(s, 9999, S.WITHDRAWN, CLERK, reason="x")
        status.transition(s, cid, S.WITHDRAWN, CLERK, reason="本人书面申请退出")
        cand = s.get(Candidacy, cid)
        assert cand.status is S.WITHDRAWN and cand.status_reason == "本人书面申请退出"
        assert status.allowed_next(S.WITHDRAWN) == []


def _qualified(s, world, name="张三", seq=11) -> int:
    cid = _candidate(s, world, name, seq)
    for new in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED):
        status.transition(s, cid, new, REVIEWER)
    return cid


def _commitments(s) -> int:
    from villagevote.models.tracking import Commitment
    return s.scalar(select(func.count()).select_from(Commitment))


def test_free_status_edit_cannot_set_outcomes(db, world):
    """当选 / 未当选 come only from an official contest result and 取消资格 only from a qualification decision: the free
    edit (更改状态) refuses them for every role, says why and names the person, and writes nothing."""
    admin = Actor(None, "admin", Role.ADMIN, "管理员")
    with db.session() as s:
        cid = _qualified(s, world)
        audits = s.scalar(select(func.count()).select_from(AuditLog))
        for actor in (CLERK, admin):
            with pytest.raises(ValidationError, match="不能通过更改状态把张三改为「当选」：「当选」只能由确认为正式的选举结果产生"):
                status.transition(s, cid, S.ELECTED, actor)
            with pytest.raises(ValidationError, match="「未当选」只能由确认为正式的选举结果产生"):
                status.transition(s, cid, S.NOT_ELECTED, actor)
        for actor in (REVIEWER, admin):
            with pytest.raises(ValidationError, match="「取消资格」只能由资格审查决定或按核查结论定资格产生"):
                status.transition(s, cid, S.DISQUALIFIED, actor, reason="复核发现问题")
        # a refused move lists only what a free edit may set: never an outcome
        with pytest.raises(ValidationError, match="可改为") as refused:
            status.transition(s, cid, S.COUNTY_REVIEWED, admin)
        assert "当选" not in str(refused.value) and "取消资格" not in str(refused.value)
        status.transition(s, cid, S.CANDIDATE, CLERK)
        with pytest.raises(ValidationError, match="把张三改为「当选」"):
            status.transition(s, cid, S.ELECTED, CLERK)
        assert s.get(Candidacy, cid).status is S.CANDIDATE
        assert _commitments(s) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)) == audits + 1  # only the move to 正式候选人
        # the offered choices match: no outcome, and only the moves the role may make
        assert S.ELECTED not in status.edit_choices(s, cid, admin)
        assert status.edit_choices(s, cid, CLERK) == [S.WITHDRAWN]
        assert status.edit_choices(s, cid, READONLY) == []
        # the other origins: a contest result cannot disqualify, a qualification decision cannot elect
        with pytest.raises(ValidationError, match="「取消资格」不能由选举结果产生"):
            status.transition(s, cid, S.DISQUALIFIED, admin, reason="x", origin=status.Origin.CONTEST_RESULT)
        with pytest.raises(ValidationError, match="「当选」不能由资格审查产生"):
            status.transition(s, cid, S.ELECTED, admin, origin=status.Origin.QUALIFICATION)


def _official_committee(s, world, clerk, reviewer):
    """青山村's 村民委员会 contest with one 主任 seat (and two 委员 seats, nobody standing: a committee has 3–7 members),
    王建国 600 : 李明 180 of 900 ballots, locked official."""
    from villagevote.elections import contests, outcome, tally
    from villagevote.models import Organization

    org = s.get(Organization, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)])
    cids = {}
    for seq, name in ((31, "王建国"), (33, "李明")):
        cids[name] = _qualified(s, world, name, seq)
    contest = contests.create_contest(s, clerk, org.id, electorate=1000)
    contests.update_contest(s, clerk, contest, posts=[("主任", 1, 0), ("委员", 2, 0)])
    tally.save_totals(s, clerk, contest, issued=900, returned=900, invalid=0,
                      marks={("主任", "王建国"): (600, 200, 100), ("主任", "李明"): (180, 600, 120)})
    outcome.compute_result(s, clerk, contest)
    outcome.mark_official(s, reviewer, contest)
    return contest, cids


def test_free_status_edit_refuses_candidacies_of_an_official_result(db, world):
    """The reported attack: a 录入员 moved the loser of an official contest 未当选 → 正式候选人 → 当选. Refused, with the
    person, the current status and the contest named; an administrator must reopen the result instead."""
    admin = Actor(None, "admin", Role.ADMIN, "管理员")
    with db.session() as s:
        contest, cids = _official_committee(s, world, CLERK, REVIEWER)
        assert s.get(Candidacy, cids["李明"]).status is S.NOT_ELECTED
        assert s.get(Candidacy, cids["王建国"]).status is S.ELECTED
        commitments = _commitments(s)
        for actor in (CLERK, admin):
            with pytest.raises(ValidationError,
                               match="李明（当前「未当选」）所在的青山村村民委员会.*结果已确认为正式结果，不能通过更改状态修改"):
                status.transition(s, cids["李明"], S.CANDIDATE, actor, reason="重新参选")
        with pytest.raises(ValidationError, match="王建国（当前「当选」）所在的"):
            status.transition(s, cids["王建国"], S.CANDIDATE, admin, reason="计票有误")
        with pytest.raises(ValidationError, match="已确认为正式结果"):
            status.edit_choices(s, cids["李明"], CLERK)
        assert s.get(Candidacy, cids["李明"]).status is S.NOT_ELECTED
        assert _commitments(s) == commitments
        # the sanctioned way: an administrator reopens the result (both go back to 正式候选人)
        from villagevote.elections import outcome
        outcome.reopen(s, admin, contest, "计票有误")
        assert s.get(Candidacy, cids["李明"]).status is S.CANDIDATE
        assert S.WITHDRAWN in status.edit_choices(s, cids["李明"], CLERK)


def test_candidacy_list_filters_and_stroke_order(db, world):
    with db.session() as s:
        _candidate(s, world, "王五", 11, post="委员")
        _candidate(s, world, "丁一", 12, post="委员")
        _candidate(s, world, "李四", 13, post="委员")
        _candidate(s, world, "赵六", 14, village="绿水村", post="主任")
    with db.session() as s:
        rows = list_candidacies(s, world.cycle_id, village_id=world.villages["青山村"])
        assert [r.name for r in rows] == ["丁一", "王五", "李四"]  # 丁 2 strokes, 王 4, 李 7
        assert all(r.age == 51 for r in rows)  # born 1975-01-01, election 2026-03-15
        assert [r.name for r in list_candidacies(s, world.cycle_id, statuses={S.REGISTERED})][-1] == "赵六"
        assert list_candidacies(s, world.cycle_id, org_kind=OrgKind.PARTY_BRANCH) == []


def test_register_candidate_is_the_one_registration_workflow(db, world):
    """Reuse the person by ID number (same name) or register them, find the village's organization, register the
    candidacy; every refusal names the form field it concerns and writes nothing."""
    from villagevote.candidates.candidacies import register_candidate

    number = id_number("330604", dt.date(1975, 6, 9), 21)
    qs = world.villages["青山村"]
    typed = _data("张三", number, village_id=qs)
    with db.session() as s:
        first = register_candidate(s, CLERK, world.cycle_id, typed, OrgKind.VILLAGE_COMMITTEE, "委员",
                                   NominationSource.SELF, today=TODAY)
        second = register_candidate(s, CLERK, world.cycle_id, typed, OrgKind.VILLAGE_COMMITTEE, "主任",
                                    NominationSource.SELF, today=TODAY)  # the same person, reused
        assert s.get(Candidacy, first).person_id == s.get(Candidacy, second).person_id
        assert s.scalar(select(func.count()).select_from(Person)) == 1

    def refused(person, org_kind=OrgKind.VILLAGE_COMMITTEE, post="委员") -> ValidationError:
        with pytest.raises(ValidationError) as info, db.session() as s:  # the session rolls back
            register_candidate(s, CLERK, world.cycle_id, person, org_kind, post, NominationSource.SELF, today=TODAY)
        return info.value

    assert refused(_data("张山", number, village_id=qs)).field == "id_number"  # another name on that number
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert refused(_data("李四", bad, village_id=qs)).field == "id_number"
    assert refused(_data("李四", id_number("330604", dt.date(1976, 1, 1), 31), village_id=qs), post="书记").field \
        == "post"
    assert refused(_data("李", id_number("330604", dt.date(1976, 1, 1), 31), village_id=qs)).field == "name"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1
        assert s.scalar(select(func.count()).select_from(Candidacy)) == 2


def test_page_queries_return_plain_rows_with_verdicts_and_masking(db, world):
    from villagevote.qualification.queries import candidate_detail, candidate_list, page_header, registration_choices

    number = id_number("330604", dt.date(1975, 6, 9), 21)
    with db.session() as s:
        pid = persons.register_person(s, CLERK, _data("张三", number, village_id=world.villages["青山村"]), today=TODAY)
        cid = register_candidacy(s, CLERK, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "委员",
                                 NominationSource.SELF)
    with db.read_session() as s:
        header = page_header(s)
        assert header.cycle_id == world.cycle_id and header.catalog and len(header.villages) == len(world.villages)
        (row,) = candidate_list(s, world.cycle_id, sensitive=True)
        assert (row.id, row.name, row.id_number, row.kinship) == (cid, "张三", number, "")
        assert row.outcome is not None and row.verdict == row.outcome.label
        assert candidate_list(s, world.cycle_id, sensitive=False)[0].id_number == ""
        detail = candidate_detail(s, cid)
        assert detail.row.id == cid and detail.verdict is not None and detail.steps == []
        choices = registration_choices(s, world.cycle_id)
        assert "委员" in choices.posts[(world.villages["青山村"], OrgKind.VILLAGE_COMMITTEE)]
