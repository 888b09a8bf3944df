"""Issue 14 item 6: kinship between plain voters, candidates may not hold proxies, the cap from the cycle profile, and
the printed 委托投票名单公告 shows only proxies that are valid today."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.test_voters_import import make_id
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.persons import relationships_of
from villagevote.errors import UserError, ValidationError
from villagevote.models.candidates import Person
from villagevote.models.core import AuditLog, ElectionCycle, Organization
from villagevote.models.enums import Gender, NominationSource, OrgKind, RelationKind
from villagevote.models.voters import Proxy, Voter
from villagevote.reports.registry import Options, find_form
from villagevote.voters.proxies import list_proxies, record_voter_kinship, register_proxy, revoke_proxy
from villagevote.voters.search import initials_key, name_sort_key

DAY = dt.date(2026, 11, 18)  # written authorizations; election day 2026-12-20 in the township fixture


def plain_voters(s, township, names: list[str], village_index: int = 0, *, with_ids: bool = True) -> list[int]:
    """Register entries with no person record (as imported from a village's list)."""
    vid = township.village_ids[village_index]
    ids = []
    for i, name in enumerate(names):
        born = dt.date(1960, 3, 1) + dt.timedelta(days=400 * i)
        voter = Voter(cycle_id=township.cycle_id, village_id=vid, person_id=None,
                      id_number=make_id(born, 201 + 2 * i) if with_ids else None, name=name,
                      name_initials=initials_key(name), name_sort=name_sort_key(name), birth_date=born,
                      gender=Gender.FEMALE if i % 2 else Gender.MALE, eligible=True, age=50)
        s.add(voter)
        s.flush()
        ids.append(voter.id)
    return ids


def make_candidate(s, admin, township, voter_id: int, post: str = "主任") -> int:
    """Register the voter (via its person record, made here if missing) as a village committee candidate."""
    voter = s.get(Voter, voter_id)
    person_id = voter.person_id
    if person_id is None:
        person = Person(id_number=voter.id_number, name=voter.name, village_id=voter.village_id, gender=voter.gender,
                        birth_date=voter.birth_date)
        s.add(person)
        s.flush()
        person_id = person.id
    org = s.scalar(select(Organization.id).where(Organization.village_id == voter.village_id,
                                                 Organization.cycle_id == township.cycle_id,
                                                 Organization.kind == OrgKind.VILLAGE_COMMITTEE))
    return register_candidacy(s, admin, person_id, org, post, NominationSource.SELF)


def print_list(db, admin, tmp_path, village: str = "东村") -> str:
    with db.read_session() as s:
        out = find_form("print", "proxy-list").run(s, admin, tmp_path / "proxy.pdf",
                                                   Options(village=village, extra={"date": "2026-12-15"}))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(out)).pages))


def test_proxy_between_two_plain_voters_once_their_kinship_is_recorded(db, admin, township):
    with db.session() as s:
        husband, wife = plain_voters(s, township, ["赵大山", "钱小梅"])
    with pytest.raises(ValidationError) as err:  # no kinship recorded yet
        with db.session() as s:
            register_proxy(s, admin, wife, husband, DAY, today=DAY)
    assert "未登记钱小梅与赵大山的近亲属关系" in err.value.message
    with db.session() as s:
        audit_before = s.scalar(select(func.count(AuditLog.id)))
        record_voter_kinship(s, admin, husband, wife, RelationKind.SPOUSE, note="户口簿核实")
    with db.session() as s:
        h, w = s.get(Voter, husband), s.get(Voter, wife)
        # both entries now have person records made from the register (ID number, name) and one relationship
        assert h.person_id and w.person_id and h.person_id != w.person_id
        assert s.get(Person, w.person_id).id_number == w.id_number and s.get(Person, w.person_id).name == "钱小梅"
        assert [(name, kind) for _i, _o, name, kind in relationships_of(s, h.person_id)] == [
            ("钱小梅", RelationKind.SPOUSE)]
        actions = [(a.action, a.entity) for a in s.scalars(select(AuditLog).where(AuditLog.id > audit_before))]
        assert actions.count(("register", "person")) == 2 and ("add", "relationship") in actions
        pid = register_proxy(s, admin, wife, husband, DAY, today=DAY)
        assert s.get(Proxy, pid).relation is RelationKind.SPOUSE
    with pytest.raises(ValidationError) as err:  # recorded once per pair
        with db.session() as s:
            record_voter_kinship(s, admin, wife, husband, RelationKind.SIBLING)
    assert "已登记为配偶关系" in err.value.message


def test_kinship_for_a_voter_without_an_id_number_and_one_already_a_person(db, admin, township):
    with db.session() as s:
        (mother,) = plain_voters(s, township, ["孙秀英"], with_ids=False)
        (son,) = plain_voters(s, township, ["李国强"])
        existing = Person(id_number=s.get(Voter, son).id_number, name="李国强", gender=Gender.MALE)
        s.add(existing)
        s.flush()
        existing_id = existing.id
        record_voter_kinship(s, admin, mother, son, RelationKind.PARENT_CHILD)
    with db.session() as s:
        assert s.get(Voter, son).person_id == existing_id  # linked to the registered person, not a duplicate
        assert s.get(Person, s.get(Voter, mother).person_id).id_number is None
        assert s.scalar(select(func.count(Person.id))) == 2
        register_proxy(s, admin, mother, son, DAY, today=DAY)


def test_kinship_refused_when_the_id_number_belongs_to_someone_else_nothing_written(db, admin, township):
    with db.session() as s:
        a, b = plain_voters(s, township, ["周建华", "吴丽"])
        s.add(Person(id_number=s.get(Voter, b).id_number, name="吴丽娟"))
    with db.session() as s:
        persons_before = s.scalar(select(func.count(Person.id)))
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            record_voter_kinship(s, admin, a, b, RelationKind.SPOUSE)
    assert "吴丽" in err.value.message and "吴丽娟" in err.value.message
    with db.session() as s:  # the first voter's person record was rolled back with the refusal
        assert s.scalar(select(func.count(Person.id))) == persons_before
        assert s.get(Voter, a).person_id is None


def test_a_candidate_may_not_hold_a_proxy(db, admin, township):
    with db.session() as s:
        holder, principal = plain_voters(s, township, ["郑国华", "王桂兰"])
        record_voter_kinship(s, admin, holder, principal, RelationKind.SPOUSE)
        make_candidate(s, admin, township, holder)
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            register_proxy(s, admin, principal, holder, DAY, today=DAY)
    message = err.value.message
    assert "郑国华是本届村民委员会主任候选人" in message and "不能接受王桂兰的委托" in message
    assert "村民委员会选举规程" in message
    with db.session() as s:
        assert s.scalar(select(func.count(Proxy.id))) == 0
        # the candidate may still give a proxy to the relative
        register_proxy(s, admin, holder, principal, DAY, today=DAY)


def test_a_withdrawn_candidate_may_hold_a_proxy(db, admin, township):
    from villagevote.candidates.status import transition
    from villagevote.models.enums import CandidacyStatus
    with db.session() as s:
        holder, principal = plain_voters(s, township, ["冯志刚", "陈玉"])
        record_voter_kinship(s, admin, holder, principal, RelationKind.SIBLING)
        cid = make_candidate(s, admin, township, holder)
        transition(s, cid, CandidacyStatus.WITHDRAWN, admin, reason="本人书面申请退出")
        register_proxy(s, admin, principal, holder, DAY, today=DAY)


def test_proxy_cap_from_the_profile_set_to_two(db, admin, township):
    with db.session() as s:
        cycle = s.get(ElectionCycle, township.cycle_id)
        cycle.profile = {**cycle.profile, "proxy_cap": 2}
        holder, *principals = plain_voters(s, township, ["褚父亲", "褚一", "褚二", "褚三"])
        for p in principals:
            record_voter_kinship(s, admin, holder, p, RelationKind.PARENT_CHILD)
    with db.session() as s:
        for p in principals[:2]:
            register_proxy(s, admin, p, holder, DAY, today=DAY)
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            register_proxy(s, admin, principals[2], holder, DAY, today=DAY)
    assert "褚父亲已接受 2 人委托，每位受托人最多接受 2 人委托" in err.value.message
    with db.session() as s:
        assert len(list_proxies(s, township.cycle_id)) == 2


def test_printed_list_shows_only_accepted_proxies_with_chinese_dates(db, admin, township, tmp_path):
    with db.session() as s:
        husband, wife, candidate, mother = plain_voters(s, township, ["卫东", "蒋红", "沈建国", "韩春花"])
        record_voter_kinship(s, admin, husband, wife, RelationKind.SPOUSE)
        record_voter_kinship(s, admin, candidate, mother, RelationKind.PARENT_CHILD)
        make_candidate(s, admin, township, candidate, post="委员")
        register_proxy(s, admin, wife, husband, DAY, today=DAY)
    with pytest.raises(ValidationError):
        with db.session() as s:
            register_proxy(s, admin, mother, candidate, DAY, today=DAY)
    text = print_list(db, admin, tmp_path)
    assert "下列1名选民" in text
    assert "1蒋红卫东配偶2026年11月18日" in text and "2026-11-18" not in text
    assert "韩春花" not in text and "沈建国" not in text


def test_a_proxy_made_invalid_later_is_shown_and_blocks_the_print(db, admin, township, tmp_path):
    """A holder who becomes a candidate after the proxy was recorded: the proxies page says why, the 公告 is not
    printed with that proxy listed as approved, and it prints once the proxy is revoked."""
    with db.session() as s:
        holder, principal = plain_voters(s, township, ["杨树林", "朱晓燕"])
        record_voter_kinship(s, admin, holder, principal, RelationKind.SPOUSE)
        pid = register_proxy(s, admin, principal, holder, DAY, today=DAY)
        make_candidate(s, admin, township, holder)
    with db.read_session() as s:
        (row,) = list_proxies(s, township.cycle_id)
    assert "杨树林是本届村民委员会主任候选人" in row.problem
    with pytest.raises(ValidationError) as err:
        print_list(db, admin, tmp_path)
    assert "东村：朱晓燕 委托 杨树林" in err.value.message and "请先撤销" in err.value.message
    with db.session() as s:
        revoke_proxy(s, admin, pid, "受托人已登记为候选人")
    # with the only proxy revoked there is nothing to announce: a Chinese refusal, not an empty notice (issue 16)
    with pytest.raises(UserError) as err:
        print_list(db, admin, tmp_path)
    assert "没有登记委托投票" in err.value.message


def test_a_lowered_cap_flags_the_later_proxies(db, admin, township):
    with db.session() as s:
        holder, *principals = plain_voters(s, township, ["秦父", "秦一", "秦二", "秦三"])
        for p in principals:
            record_voter_kinship(s, admin, holder, p, RelationKind.PARENT_CHILD)
        for n, p in enumerate(principals):
            register_proxy(s, admin, p, holder, DAY - dt.timedelta(days=3 - n), today=DAY)
        cycle = s.get(ElectionCycle, township.cycle_id)
        cycle.profile = {**cycle.profile, "proxy_cap": 1}
    with db.read_session() as s:
        rows = {r.principal: r.problem for r in list_proxies(s, township.cycle_id)}
    assert rows["秦一"] == ""  # the earliest authorization keeps its place
    assert "最多 1 人" in rows["秦二"] and "第 2 件" in rows["秦二"] and "第 3 件" in rows["秦三"]


def test_proxy_dialog_records_the_kinship_of_two_plain_voters_then_the_proxy(qapp, ctx, db, admin, township,
                                                                             tmp_path, settle):
    from villagevote.ui.dialogs.voters_proxy import ProxyDialog
    from villagevote.ui.widgets import select_enum

    with db.session() as s:
        plain_voters(s, township, ["何建平", "吕淑珍"])

    def errors() -> list[str]:  # what the dialog shows beside its fields or at the bottom
        return [m for m in [dialog.errors.message()] + [dialog.errors.message(f) for f in
                                                         ("principal", "holder", "kind", "authorized_on")] if m]

    def choose(picker, name: str) -> None:
        picker.search.setText(name)
        picker.reload()
        settle()
        assert picker.model.rowCount() == 1
        picker.view.selectRow(0)
        settle()

    dialog = ProxyDialog(None, ctx)
    settle()
    dialog.village.setCurrentIndex(dialog.village.findData(township.village_ids[0]))
    settle()
    dialog.save()  # nobody chosen yet: said beside the field, the dialog stays open
    assert dialog.errors.message("principal") == "请选中委托人" and dialog.result() == 0
    choose(dialog.principal, "吕淑珍")
    choose(dialog.holder, "何建平")
    assert "未登记吕淑珍与何建平的近亲属关系" in dialog.kinship.text()
    assert dialog.record_kinship.isEnabled()
    select_enum(dialog.kind, RelationKind.SPOUSE)
    dialog.record_kinship.click()
    settle()
    assert errors() == []
    assert dialog.kinship.text() == "已登记：吕淑珍与何建平为配偶" and not dialog.record_kinship.isEnabled()
    dialog.grab().save(str(tmp_path / "proxy_dialog.png"))
    dialog.date.setDate(min(dt.date.today(), township.election_day))
    dialog.save()
    settle()
    assert errors() == [] and dialog.result() == ProxyDialog.DialogCode.Accepted
    with db.read_session() as s:
        (row,) = list_proxies(s, township.cycle_id)
    assert (row.principal, row.holder, row.relation, row.problem) == ("吕淑珍", "何建平", "配偶", "")


def test_an_unapproved_proxy_is_never_printed_as_approved(db, admin, township, tmp_path):
    with db.session() as s:
        holder, principal = plain_voters(s, township, ["许文", "曹兰"])
        record_voter_kinship(s, admin, holder, principal, RelationKind.SPOUSE)
        s.get(Proxy, register_proxy(s, admin, principal, holder, DAY, today=DAY)).approved = False
    with db.read_session() as s:
        (row,) = list_proxies(s, township.cycle_id)
    assert row.problem == "曹兰委托许文未经村民选举委员会同意"
    with pytest.raises(ValidationError):
        print_list(db, admin, tmp_path)
