"""Objections (due dates, outcome applied to the register, overdue), proxies (cap, near relatives), the calendar."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.test_voters_import import make_id
from villagevote.candidates.persons import add_relationship
from villagevote.errors import ValidationError
from villagevote.models.candidates import Person
from villagevote.models.enums import Gender, ObjectionOutcome, RelationKind, VoterStatus
from villagevote.models.voters import ObjectionRequest, Voter
from villagevote.voters import register as reg
from villagevote.voters.calendar import DeadlineStatus
from villagevote.voters.objections import answer_objection, list_objections, register_objection
from villagevote.voters.proxies import list_proxies, register_proxy, revoke_proxy
from villagevote.voters.schedule import village_calendar
from villagevote.voters.search import initials_key, name_sort_key

PUBLISHED = dt.date(2026, 11, 30)  # election day 2026-12-20 in the township fixture


def add_voters(s, township, village_index: int, names: list[str], *, persons: bool = True, born=dt.date(1970, 1, 1),
               first_seq: int = 101) -> list[int]:
    vid = township.village_ids[village_index]
    ids = []
    for i, name in enumerate(names):
        idn = make_id(born + dt.timedelta(days=i + 40 * village_index), first_seq + 2 * i)
        person_id = None
        if persons:
            person = Person(id_number=idn, name=name, village_id=vid, gender=Gender.MALE, birth_date=born)
            s.add(person)
            s.flush()
            person_id = person.id
        voter = Voter(cycle_id=township.cycle_id, village_id=vid, person_id=person_id, id_number=idn, name=name,
                      name_initials=initials_key(name), name_sort=name_sort_key(name), birth_date=born,
                      gender=Gender.MALE, eligible=True, age=56)
        s.add(voter)
        s.flush()
        ids.append(voter.id)
    return ids


# ---------------------------------------------------------------------------------------------------------------
# Objections
# ---------------------------------------------------------------------------------------------------------------
def test_objection_needs_a_published_list(db, admin, township):
    with db.session() as s:
        [vid] = add_voters(s, township, 0, ["张三"])
    with pytest.raises(ValidationError, match="尚未公布"):
        with db.session() as s:
            register_objection(s, admin, township.cycle_id, township.village_ids[0], raised_by="李四", ground="已迁出",
                               received_on=dt.date(2026, 12, 1), request=ObjectionRequest.REMOVE, voter_id=vid)


def test_objection_due_dates_outcome_and_overdue(db, admin, township):
    east = township.village_ids[0]
    with db.session() as s:
        zhang, wang = add_voters(s, township, 0, ["张三", "王五"])
        reg.publish_voter_list(s, admin, township.cycle_id, east, PUBLISHED)
    with db.session() as s:
        oid = register_objection(s, admin, township.cycle_id, east, raised_by="李四", ground="张三已于2026年迁往杭州落户",
                                 received_on=dt.date(2026, 12, 2), request=ObjectionRequest.REMOVE, voter_id=zhang)
        late = register_objection(s, admin, township.cycle_id, east, raised_by="赵六", ground="王五户口不在本村",
                                  received_on=dt.date(2026, 12, 7), request=ObjectionRequest.REMOVE, voter_id=wang)
    with db.session() as s:
        rows = {r.id: r for r in list_objections(s, township.cycle_id, east, today=dt.date(2026, 12, 6))}
    assert rows[oid].raise_deadline == dt.date(2026, 12, 5) and rows[oid].answer_due == dt.date(2026, 12, 5)
    assert rows[oid].overdue and not rows[oid].filed_late
    assert rows[late].filed_late and rows[late].answer_due == dt.date(2026, 12, 10)
    with db.session() as s:
        notes = answer_objection(s, admin, oid, ObjectionOutcome.UPHELD, "经核实已迁出，予以除名", dt.date(2026, 12, 6))
    assert any("逾期" in n for n in notes)
    with db.session() as s:
        removed = s.get(Voter, zhang)
        assert removed.status == VoterStatus.REMOVED and "李四" in removed.status_reason
        assert [h.kind for h in reg.voter_history(s, zhang)] == ["登记", "除名"]
        answer_objection(s, admin, late, ObjectionOutcome.REJECTED, "王五户籍在本村，异议不成立", dt.date(2026, 12, 8))
    with db.session() as s:
        assert s.get(Voter, wang).status == VoterStatus.ACTIVE
        rows = {r.id: r for r in list_objections(s, township.cycle_id, east, today=dt.date(2026, 12, 9))}
        assert rows[oid].overdue and not rows[late].overdue  # answered late stays marked; answered in time is not
        with pytest.raises(ValidationError, match="已于"):
            answer_objection(s, admin, late, ObjectionOutcome.UPHELD, "改判", dt.date(2026, 12, 9))


def test_upheld_objection_adds_a_missing_voter(db, admin, township):
    east = township.village_ids[0]
    missing = make_id(dt.date(1990, 6, 1), 55)
    with db.session() as s:
        add_voters(s, township, 0, ["张三"])
        reg.publish_voter_list(s, admin, township.cycle_id, east, PUBLISHED)
        oid = register_objection(s, admin, township.cycle_id, east, raised_by="孙七", ground="本人户籍在本村，漏登",
                                 received_on=dt.date(2026, 12, 1), request=ObjectionRequest.ADD,
                                 details={"name": "孙七", "id_number": missing})
    with db.session() as s:
        answer_objection(s, admin, oid, ObjectionOutcome.UPHELD, "予以补登", dt.date(2026, 12, 3))
    with db.session() as s:
        added = s.scalar(select(Voter).where(Voter.id_number == missing))
        assert added.name == "孙七" and added.status == VoterStatus.ACTIVE and added.eligible and added.age == 36
        assert added.birth_date == dt.date(1990, 6, 1)


# ---------------------------------------------------------------------------------------------------------------
# Proxies
# ---------------------------------------------------------------------------------------------------------------
def _relate(s, admin, holder_voter: int, others: list[int], kind=RelationKind.PARENT_CHILD) -> None:
    holder = s.get(Voter, holder_voter)
    for other in others:
        add_relationship(s, admin, holder.person_id, s.get(Voter, other).person_id, kind)


def test_proxy_cap_from_the_profile(db, admin, township):
    with db.session() as s:
        holder, *principals = add_voters(s, township, 0, ["王父", "王一", "王二", "王三", "王四"])
        _relate(s, admin, holder, principals)
    day = dt.date(2026, 12, 10)
    with db.session() as s:
        for p in principals[:3]:
            register_proxy(s, admin, p, holder, day, today=day)
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            register_proxy(s, admin, principals[3], holder, day, today=day)
    assert "最多接受 3 人" in err.value.message
    with db.session() as s:
        assert len(list_proxies(s, township.cycle_id)) == 3


def test_proxy_cap_of_one_when_the_province_says_so(db, admin, township):
    from villagevote.models.core import ElectionCycle
    with db.session() as s:
        cycle = s.get(ElectionCycle, township.cycle_id)
        cycle.profile = {**cycle.profile, "proxy_cap": 1}
        holder, a, b = add_voters(s, township, 0, ["李父", "李一", "李二"])
        _relate(s, admin, holder, [a, b])
    day = dt.date(2026, 12, 10)
    with db.session() as s:
        register_proxy(s, admin, a, holder, day, today=day)
    with pytest.raises(ValidationError, match="最多接受 1 人"):
        with db.session() as s:
            register_proxy(s, admin, b, holder, day, today=day)


def test_proxy_needs_a_recorded_near_relative_in_the_same_village(db, admin, township):
    day = dt.date(2026, 12, 10)
    with db.session() as s:
        holder, stranger, wife = add_voters(s, township, 0, ["赵大", "钱二", "赵妻"])
        [cousin_elsewhere] = add_voters(s, township, 1, ["赵表"], first_seq=301)
        _relate(s, admin, holder, [wife], RelationKind.SPOUSE)
        _relate(s, admin, holder, [cousin_elsewhere], RelationKind.NEAR_RELATIVE)
    with pytest.raises(ValidationError, match="近亲属关系"):
        with db.session() as s:
            register_proxy(s, admin, stranger, holder, day, today=day)
    with pytest.raises(ValidationError, match="所在村"):
        with db.session() as s:
            register_proxy(s, admin, cousin_elsewhere, holder, day, today=day)
    with db.session() as s:
        pid = register_proxy(s, admin, wife, holder, day, today=day)
        [row] = list_proxies(s, township.cycle_id)
        assert (row.principal, row.holder, row.relation) == ("赵妻", "赵大", "配偶")
    with pytest.raises(ValidationError, match="只能委托一人"):
        with db.session() as s:
            register_proxy(s, admin, wife, holder, day, today=day)
    with pytest.raises(ValidationError, match="已委托他人投票"):
        with db.session() as s:  # the holder cannot hand their own vote to the wife now
            register_proxy(s, admin, holder, wife, day, today=day)
    with db.session() as s:
        revoke_proxy(s, admin, pid, "本人可以到场投票")
        assert list_proxies(s, township.cycle_id) == []


def test_removed_or_under_age_voters_cannot_give_or_hold_proxies(db, admin, township):
    day = dt.date(2026, 12, 10)
    with db.session() as s:
        holder, son = add_voters(s, township, 0, ["周父", "周子"])
        _relate(s, admin, holder, [son])
        s.get(Voter, son).eligible = False
        s.get(Voter, son).ineligible_reason = "选举日未满18周岁"
    with pytest.raises(ValidationError, match="未满18周岁"):
        with db.session() as s:
            register_proxy(s, admin, son, holder, day, today=day)


def test_removing_a_holder_cancels_their_proxies(db, admin, township):
    day = dt.date(2026, 12, 10)
    with db.session() as s:
        holder, wife = add_voters(s, township, 0, ["吴夫", "吴妻"])
        _relate(s, admin, holder, [wife], RelationKind.SPOUSE)
        register_proxy(s, admin, wife, holder, day, today=day)
    with db.session() as s:
        notes = reg.remove_voter(s, admin, holder, VoterStatus.DECEASED, "病故", day, today=day)
    assert notes and "吴妻" in notes[0]
    with db.session() as s:
        assert list_proxies(s, township.cycle_id) == []


# ---------------------------------------------------------------------------------------------------------------
# Calendar per village
# ---------------------------------------------------------------------------------------------------------------
def test_village_calendar_shows_due_done_and_late(db, admin, township):
    east = township.village_ids[0]
    with db.session() as s:
        [vid] = add_voters(s, township, 0, ["张三"])
        rows = {r.code: r for r in village_calendar(s, township.cycle_id, east, today=dt.date(2026, 12, 1))}
    assert rows["voter_list"].due == dt.date(2026, 11, 30) and rows["voter_list"].status == DeadlineStatus.LATE
    assert rows["candidate_list"].status == DeadlineStatus.UPCOMING
    with db.session() as s:
        reg.publish_voter_list(s, admin, township.cycle_id, east, dt.date(2026, 11, 28))
        register_objection(s, admin, township.cycle_id, east, raised_by="李四", ground="不是本村人",
                           received_on=dt.date(2026, 11, 30), request=ObjectionRequest.REMOVE, voter_id=vid)
    with db.session() as s:
        rows = {r.code: r for r in village_calendar(s, township.cycle_id, east, today=dt.date(2026, 12, 4))}
    assert rows["voter_list"].status == DeadlineStatus.DONE and rows["voter_list"].done_on == dt.date(2026, 11, 28)
    assert rows["objection_deadline"].due == dt.date(2026, 12, 3)  # counted from the actual publication
    assert rows["objection_answers"].status == DeadlineStatus.LATE and "逾期答复 1 件" in rows["objection_answers"].detail


def test_a_calendar_step_marked_done_is_one_domain_write(db, admin, township):
    """The calendar's 登记完成日期: the voter list goes through publish_voter_list (checks, warnings), other markable
    steps are recorded as they are, and the objection steps follow from the objections themselves."""
    from villagevote.voters.schedule import record_step_done
    east = township.village_ids[0]
    with db.session() as s:
        add_voters(s, township, 0, ["张三"])
        assert isinstance(record_step_done(s, admin, township.cycle_id, east, "voter_list", PUBLISHED), list)
        assert record_step_done(s, admin, township.cycle_id, east, "proxy_list", dt.date(2026, 12, 10)) == []
        with pytest.raises(ValidationError, match="由异议记录自动判断"):
            record_step_done(s, admin, township.cycle_id, east, "objection_deadline", PUBLISHED)
        done = reg.milestones(s, township.cycle_id, east)
    assert done[(east, "voter_list")] == PUBLISHED and done[(east, "proxy_list")] == dt.date(2026, 12, 10)
