"""Pledges in the database: generate, edit goals, review (审诺), sign/refuse (签诺), templates, commitments."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.config import attachments_dir
from villagevote.elections import contests, outcome, tally
from villagevote.errors import LockedError, PermissionDenied, ValidationError
from villagevote.models import Candidacy, Finding, Pledge, PledgeItem
from villagevote.models import PledgeTemplate as TemplateRow
from villagevote.models.elections import BallotCandidate
from villagevote.models.enums import (
    CandidacyStatus,
    CommitmentStatus,
    FindingResult,
    NominationSource,
    OrgKind,
    PledgeKind,
    PledgeStatus,
    PoliticalStatus,
    Role,
)
from villagevote.models.tracking import Commitment, CommitmentStatusChange
from villagevote.pledges import service, store
from villagevote.pledges.templates import ResignationTrigger, TermGoalItem
from villagevote.pledges.term import commitments_from_pledges
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
READONLY = Actor(None, "viewer", Role.READONLY)
ELECTION = dt.date(2026, 3, 15)
REVIEW_DAY = dt.date(2026, 2, 20)
SIGN_DAY = dt.date(2026, 2, 25)


@pytest.fixture
def world(db):
    with db.session() as s:
        world = build_world(s, catalog_key="generic-2018", election_day=ELECTION)
        cands = {}
        for seq, (name, village, kind, post) in enumerate([
            ("王小明", "青山村", OrgKind.VILLAGE_COMMITTEE, "主任"),
            ("刘䶮", "青山村", OrgKind.VILLAGE_COMMITTEE, "委员"),
            ("丁一", "青山村", OrgKind.PARTY_BRANCH, "书记"),
            ("方芳", "绿水村", OrgKind.VILLAGE_COMMITTEE, "主任"),
        ], start=1):
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", dt.date(1970 + seq, 5, 6), 10 + seq * 2 + 1),
                village_id=world.villages[village], political_status=PoliticalStatus.PARTY_MEMBER,
                party_join_date=dt.date(2000, 7, 1)), today=dt.date(2026, 1, 10))
            cands[name] = register_candidacy(s, ADMIN, pid, world.orgs[(village, kind)], post, NominationSource.SELF)
        world.cands = cands  # type: ignore[attr-defined]
        return world


def goals(*specs) -> list[TermGoalItem]:
    return [TermGoalItem(t, c, target, d, Decimal(w) if w else None) for t, c, target, d, w in specs]


GOALS = goals(("清理河塘", "剿劣治水", "清理河塘3处", dt.date(2027, 6, 30), "60"),
              ("村集体增收", "集体经济", "年经营性收入达50万元", dt.date(2028, 12, 31), "40"))


def pledge_id(s, cand_id: int, kind: PledgeKind) -> int:
    return s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cand_id, Pledge.kind == kind))


def pass_all(s, pid: int, day: dt.date = REVIEW_DAY) -> PledgeStatus:
    status = None
    for body in service.REVIEW_BODIES:
        status = service.review_pledge(s, REVIEWER, pid, body, "pass", reviewed_on=day)
    return status


def test_default_templates_are_seeded_once(db):
    with db.session() as s:
        rows = s.scalars(select(TemplateRow)).all()
        assert {PledgeKind(r.kind) for r in rows} == set(PledgeKind)
        assert all(r.version == 1 and r.active for r in rows)
        assert store.seed_default_templates(s) == 0


def test_generate_creates_required_kinds_with_default_triggers(db, world):
    with db.session() as s:
        result = service.generate_pledges(s, CLERK, world.cycle_id)
        assert len(result.created) == 4 * 4
        again = service.generate_pledges(s, CLERK, world.cycle_id)
        assert again.created == [] and again.moved_to_new_template == []
        rows = service.list_pledges(s, world.cycle_id, world.villages["青山村"])
        # 青山村 candidates in stroke order: 丁(2) 王(4) 刘(6)
        names = []
        for r in rows:
            if r.name not in names:
                names.append(r.name)
        assert names == ["丁一", "王小明", "刘䶮"]
        assert {r.kind for r in rows} == {PledgeKind.DISCIPLINE, PledgeKind.TERM_GOALS, PledgeKind.RESIGNATION,
                                          PledgeKind.QUALIFICATION}
        resignation = service.pledge_detail(s, pledge_id(s, world.cands["王小明"], PledgeKind.RESIGNATION))
        assert len(resignation.triggers) == 5
        assert resignation.triggers[0].params == {"count": 4, "period_months": 12}


def test_required_kinds_follow_the_cycle_profile(db, world):
    with db.session() as s:
        service.set_required_kinds(s, ADMIN, world.cycle_id, ["discipline", "integrity"])
        service.generate_pledges(s, CLERK, world.cycle_id, village_id=world.villages["绿水村"])
        kinds = {p.kind for p in s.scalars(select(Pledge))}
        assert kinds == {PledgeKind.DISCIPLINE, PledgeKind.INTEGRITY}
        with pytest.raises(PermissionDenied):
            service.set_required_kinds(s, CLERK, world.cycle_id, ["discipline"])


def test_deadline_before_election_is_refused_and_nothing_saved(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["王小明"], PledgeKind.TERM_GOALS)
        bad = GOALS + goals(("修路", "民生实事", "硬化2公里", dt.date(2026, 3, 1), None))
        with pytest.raises(ValidationError, match="第3项目标“修路”：完成时限2026年3月1日早于选举日2026年3月15日"):
            service.save_goal_items(s, CLERK, pid, goals(*[(g.title, g.category, g.target, g.deadline, None)
                                                            for g in bad]))
        assert s.scalar(select(func.count()).select_from(PledgeItem).where(PledgeItem.pledge_id == pid)) == 0
        with pytest.raises(ValidationError, match="权重合计为60，应为100"):
            service.save_goal_items(s, CLERK, pid, GOALS[:1])
        with pytest.raises(PermissionDenied):
            service.save_goal_items(s, READONLY, pid, GOALS)


def test_review_in_order_freezes_text_and_only_reviewed_pledges_print(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["王小明"], PledgeKind.TERM_GOALS)
        service.save_goal_items(s, CLERK, pid, GOALS)
        with pytest.raises(ValidationError, match="不能打印签字"):
            service.rendered_pledge(s, pid)
        with pytest.raises(ValidationError, match="请先由村党组织审核通过，再由乡镇党委审核"):
            service.review_pledge(s, REVIEWER, pid, "township", "pass", reviewed_on=REVIEW_DAY)
        with pytest.raises(PermissionDenied):
            service.review_pledge(s, CLERK, pid, "village_party", "pass", reviewed_on=REVIEW_DAY)
        with pytest.raises(ValidationError, match="须写明意见"):
            service.review_pledge(s, REVIEWER, pid, "village_party", "fail", reviewed_on=REVIEW_DAY)
        assert pass_all(s, pid) is PledgeStatus.REVIEWED
        rendered = service.rendered_pledge(s, pid)
        assert "年经营性收入达50万元" in rendered.text and "王小明" in rendered.text
        assert s.get(Pledge, pid).rendered_text == rendered.text
        row = service.list_pledges(s, world.cycle_id, candidacy_id=world.cands["王小明"])
        assert [r.status for r in row if r.id == pid] == [PledgeStatus.REVIEWED]


def test_struck_item_leaves_print_and_needs_reason(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["王小明"], PledgeKind.TERM_GOALS)
        bribe = goals(("每户发放红包", "民生实事", "每户500元", dt.date(2026, 6, 1), None))
        service.save_goal_items(s, CLERK, pid, goals(*[(g.title, g.category, g.target, g.deadline, None)
                                                        for g in GOALS + bribe]))
        item_id = s.scalar(select(PledgeItem.id).where(PledgeItem.pledge_id == pid, PledgeItem.title == "每户发放红包"))
        service.review_pledge(s, REVIEWER, pid, "village_party", "pass", reviewed_on=REVIEW_DAY)
        with pytest.raises(ValidationError, match="须写明理由"):
            service.strike_item(s, REVIEWER, item_id, " ")
        service.strike_item(s, REVIEWER, item_id, "以财物许诺拉票，违反换届纪律")
        service.review_pledge(s, REVIEWER, pid, "township_team", "pass", reviewed_on=REVIEW_DAY)
        service.review_pledge(s, REVIEWER, pid, "township", "pass", reviewed_on=REVIEW_DAY)
        text = service.rendered_pledge(s, pid).text
        assert "清理河塘3处" in text and "每户500元" not in text


def test_edit_after_review_goes_back_to_draft(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["王小明"], PledgeKind.RESIGNATION)
        pass_all(s, pid)
        triggers = [ResignationTrigger("a", "一年内累计3次不参加村级重要会议的")]
        service.save_triggers(s, CLERK, pid, triggers)
        detail = service.pledge_detail(s, pid)
        assert detail.row.status is PledgeStatus.DRAFT
        assert all(r.superseded for r in detail.reviews) and detail.row.reviews_passed == ()
        assert "累计3次" in detail.rendered.text  # live preview of the draft


def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def test_signing_needs_witness_and_a_real_scan(db, world, tmp_path):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["王小明"], PledgeKind.DISCIPLINE)
        with pytest.raises(ValidationError, match="还没有通过审诺"):
            service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证")
        pass_all(s, pid)
        with pytest.raises(ValidationError, match="请填写见证人"):
            service.sign_pledge(s, CLERK, pid, SIGN_DAY, "  ")
        fake = tmp_path / "扫描件.pdf"
        fake.write_text("这不是PDF", encoding="utf-8")
        with pytest.raises(ValidationError, match="不是 PDF、JPG 或 PNG 文件"):
            service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证", scan_file=str(fake))
        assert s.get(Pledge, pid).status == PledgeStatus.REVIEWED
        assert not (attachments_dir() / "pledge_scans").exists() or not any((attachments_dir() / "pledge_scans").iterdir())
        with pytest.raises(ValidationError, match="早于审核通过日期"):
            service.sign_pledge(s, CLERK, pid, dt.date(2026, 2, 1), "李见证")
        scan = _png(tmp_path / "scan.jpg")  # misnamed: judged by content
        service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证", scan_file=str(scan))
        pledge = s.get(Pledge, pid)
        assert pledge.status == PledgeStatus.SIGNED and pledge.copies == 2 and pledge.witness == "李见证"
        import hashlib
        assert pledge.scan_sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
        stored = Path(service.scan_file_of(s, pid))
        assert stored.suffix == ".png" and stored.read_bytes() == scan.read_bytes()
        stored.write_bytes(b"\x89PNG\r\n\x1a\nchanged")
        with pytest.raises(ValidationError, match="校验值不符"):
            service.scan_file_of(s, pid)
        with pytest.raises(LockedError):
            service.review_pledge(s, REVIEWER, pid, "township", "pass", reviewed_on=SIGN_DAY)


def test_template_edit_does_not_change_a_signed_pledge(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        signed = pledge_id(s, world.cands["王小明"], PledgeKind.DISCIPLINE)
        draft = pledge_id(s, world.cands["刘䶮"], PledgeKind.DISCIPLINE)
        pass_all(s, signed)
        service.sign_pledge(s, CLERK, signed, SIGN_DAY, "李见证")
        before = service.rendered_pledge(s, signed).to_json()
        tpl_row = store.current_template_row(s, PledgeKind.DISCIPLINE)
        edited = store.template_of(tpl_row)
        edited.body = edited.body.replace("本人郑重承诺", "本人自愿并郑重承诺")
        new_id = store.save_template_version(s, ADMIN, tpl_row.id, edited)
        assert s.get(TemplateRow, new_id).version == 2 and not s.get(TemplateRow, tpl_row.id).active
        moved = service.generate_pledges(s, CLERK, world.cycle_id)
        assert draft in moved.moved_to_new_template and signed not in moved.moved_to_new_template
        assert service.rendered_pledge(s, signed).to_json() == before
        assert "自愿并郑重承诺" not in before
        assert "自愿并郑重承诺" in service.pledge_detail(s, draft).rendered.text
        infos = store.list_templates(s, include_old_versions=True)
        assert [(i.version, i.active) for i in infos if i.kind is PledgeKind.DISCIPLINE] == [(2, True), (1, False)]
        with pytest.raises(PermissionDenied):
            store.save_template_version(s, CLERK, new_id, edited)


def test_template_edit_with_unknown_placeholder_is_refused(db):
    with db.session() as s:
        row = store.current_template_row(s, PledgeKind.DISCIPLINE)
        edited = store.template_of(row)
        edited.body += "\n{签名日期}"
        with pytest.raises(ValidationError, match="未知的占位符“{签名日期}”"):
            store.save_template_version(s, ADMIN, row.id, edited)
        assert s.scalar(select(func.count()).select_from(TemplateRow).where(
            TemplateRow.kind == PledgeKind.DISCIPLINE)) == 1
        copy_id = store.copy_template(s, ADMIN, row.id, "城南镇换届纪律承诺书")
        assert store.current_template_row(s, PledgeKind.DISCIPLINE).id == copy_id
        with pytest.raises(ValidationError, match="已有名为"):
            store.copy_template(s, ADMIN, row.id, "城南镇换届纪律承诺书")


def test_refusal_becomes_a_finding_and_disqualifies_in_the_verdict(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        cand = world.cands["刘䶮"]
        pid = pledge_id(s, cand, PledgeKind.DISCIPLINE)
        assert compute_verdict(s, cand).status_of("GN6").status is not FindingResult.HIT
        with pytest.raises(ValidationError, match="请写明拒签情况"):
            service.refuse_pledge(s, CLERK, pid, SIGN_DAY, "", today=dt.date(2026, 3, 1))
        outcome = service.refuse_pledge(s, CLERK, pid, SIGN_DAY, "2月25日在村委会拒绝签字，称条款太严",
                                        today=dt.date(2026, 3, 1))
        assert outcome.rule_code == "GN6" and outcome.finding_id is not None
        finding = s.get(Finding, outcome.finding_id)
        assert finding.result == FindingResult.HIT and finding.event_date == SIGN_DAY
        assert "拒签" in finding.evidence
        verdict = compute_verdict(s, cand)
        assert verdict.outcome is VerdictOutcome.DISQUALIFIED
        assert any("拒" in reason for reason in verdict.reasons)
        assert s.get(Pledge, pid).status == PledgeStatus.REFUSED
        with pytest.raises(LockedError):
            service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证")


def test_refusal_without_a_covering_rule_is_recorded_and_said(db):
    with db.session() as s:
        world = build_world(s, catalog_key="zhejiang-2013", election_day=ELECTION)
        pid_person = persons.register_person(s, ADMIN, persons.PersonData(
            name="张三", id_number=id_number("330604", dt.date(1980, 1, 2), 31), village_id=world.villages["青山村"]),
            today=dt.date(2026, 1, 10))
        cand = register_candidacy(s, ADMIN, pid_person, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "主任",
                                  NominationSource.SELF)
        service.generate_pledges(s, CLERK, world.cycle_id)
        outcome = service.refuse_pledge(s, CLERK, pledge_id(s, cand, PledgeKind.DISCIPLINE), SIGN_DAY, "拒签",
                                        today=dt.date(2026, 3, 1))
        assert outcome.finding_id is None and "没有“拒签承诺”的条目" in outcome.message
        assert s.scalar(select(func.count()).select_from(Finding)) == 0


def test_elected_candidacy_gets_commitments_linked_to_its_pledge(db, world):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        cand = world.cands["王小明"]
        pid = pledge_id(s, cand, PledgeKind.TERM_GOALS)
        extra = goals(("每户发放红包", "民生实事", "每户500元", dt.date(2026, 6, 1), None))
        service.save_goal_items(s, CLERK, pid, goals(*[(g.title, g.category, g.target, g.deadline, None)
                                                        for g in GOALS + extra]))
        bribe = s.scalar(select(PledgeItem.id).where(PledgeItem.pledge_id == pid, PledgeItem.title == "每户发放红包"))
        service.review_pledge(s, REVIEWER, pid, "village_party", "pass", reviewed_on=REVIEW_DAY)
        service.strike_item(s, REVIEWER, bribe, "许诺发钱")
        service.review_pledge(s, REVIEWER, pid, "township_team", "pass", reviewed_on=REVIEW_DAY)
        service.review_pledge(s, REVIEWER, pid, "township", "pass", reviewed_on=REVIEW_DAY)
        service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证")
        with pytest.raises(ValidationError, match="当选后才能"):
            commitments_from_pledges(s, cand, CLERK)
        s.get(Candidacy, cand).status = CandidacyStatus.ELECTED  # hand-made: the elections module sets this
        s.flush()
        ids = commitments_from_pledges(s, cand, CLERK)
        assert len(ids) == 2
        rows = [s.get(Commitment, i) for i in ids]
        assert [r.title for r in rows] == ["清理河塘", "村集体增收"]
        items = {i.id: i for i in s.scalars(select(PledgeItem).where(PledgeItem.pledge_id == pid))}
        for row in rows:
            item = items[row.pledge_item_id]
            assert (row.target, row.deadline, row.category) == (item.target, item.deadline, item.category)
            assert row.candidacy_id == cand and row.status == CommitmentStatus.REGISTERED
            assert row.starts_on == ELECTION
        assert s.scalar(select(func.count()).select_from(CommitmentStatusChange)) == 2
        assert commitments_from_pledges(s, cand, CLERK) == ids  # calling again adds nothing
        assert s.scalar(select(func.count()).select_from(Commitment)) == 2


def test_elected_without_term_goals_pledge_gives_no_commitments(db, world):
    with db.session() as s:
        cand = world.cands["丁一"]
        s.get(Candidacy, cand).status = CandidacyStatus.ELECTED
        s.flush()
        assert commitments_from_pledges(s, cand, CLERK) == []


def test_names_used_in_pledge_text():
    assert service.organization_name("东山村", "村党组织") == "东山村党组织"
    assert service.organization_name("东山村", "村民委员会") == "东山村村民委员会"
    assert service.organization_name("东山社区", "村务监督委员会") == "东山社区村务监督委员会"
    assert service.cycle_label("2026年村级组织换届") == "2026年"
    assert service.cycle_label("第十二届") == "第十二届"
    assert service.cycle_label("换届") == "换届"


def _confirm(s, contest_id: int) -> None:
    """Count and confirm the contest's result: the one 主任 candidate gets a clear majority."""
    name = s.scalar(select(BallotCandidate.name).where(BallotCandidate.contest_id == contest_id))
    tally.save_totals(s, CLERK, contest_id, issued=100, returned=100, invalid=0,
                      marks={("主任", name): (80, 15, 5)})
    outcome.compute_result(s, CLERK, contest_id)
    outcome.mark_official(s, REVIEWER, contest_id, today=ELECTION)


def _elect_with_signed_goals(s, world, name: str) -> tuple[int, int]:
    """Sign GOALS as the candidacy's term goals, walk it through review to 资格合格, and elect it by an official
    result of its organization's contest; returns (candidacy id, contest id)."""
    from villagevote.candidates.status import transition
    service.generate_pledges(s, CLERK, world.cycle_id)
    cand = world.cands[name]
    pid = pledge_id(s, cand, PledgeKind.TERM_GOALS)
    service.save_goal_items(s, CLERK, pid, GOALS)
    pass_all(s, pid)
    service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证")
    for status in (CandidacyStatus.VILLAGE_REVIEWED, CandidacyStatus.TOWNSHIP_REVIEWED,
                   CandidacyStatus.COUNTY_REVIEWED, CandidacyStatus.QUALIFIED):
        transition(s, cand, status, ADMIN)
    contest_id = contests.create_contest(s, CLERK, s.get(Candidacy, cand).organization_id, electorate=120)
    _confirm(s, contest_id)
    assert CandidacyStatus(s.get(Candidacy, cand).status) is CandidacyStatus.ELECTED
    return cand, contest_id


def test_confirming_the_result_creates_the_commitments(db, world):
    """Confirming an official result calls commitments_from_pledges for each candidacy it makes 当选."""
    with db.session() as s:
        cand, _ = _elect_with_signed_goals(s, world, "方芳")
        titles = list(s.scalars(select(Commitment.title).where(Commitment.candidacy_id == cand)
                                .order_by(Commitment.id)))
        assert titles == ["清理河塘", "村集体增收"]


def test_undoing_elected_withdraws_untracked_commitments_and_refuses_tracked_ones(db, world):
    """Leaving 当选 (a reopened result) is for administrators, needs a reason, withdraws the commitments made at
    election, and is refused with nothing changed once the term's tracking has begun."""
    from villagevote.models.tracking import ProgressReport

    with db.session() as s:
        cand, contest_id = _elect_with_signed_goals(s, world, "方芳")
        assert s.scalar(select(func.count()).select_from(Commitment).where(Commitment.candidacy_id == cand)) == 2
        with pytest.raises(PermissionDenied):
            outcome.reopen(s, REVIEWER, contest_id, "计票有误")
        with pytest.raises(ValidationError, match="须填写理由"):
            outcome.reopen(s, ADMIN, contest_id, " ")
        outcome.reopen(s, ADMIN, contest_id, "计票有误，重新确认")
        assert CandidacyStatus(s.get(Candidacy, cand).status) is CandidacyStatus.CANDIDATE
        assert s.scalar(select(func.count()).select_from(Commitment).where(Commitment.candidacy_id == cand)) == 0
        # elected again: the commitments come back from the pledge; once a progress report exists, no undo
        _confirm(s, contest_id)
        first = s.scalar(select(Commitment.id).where(Commitment.candidacy_id == cand))
        s.add(ProgressReport(commitment_id=first, reported_on=dt.date(2027, 3, 1), percent=20, narrative="已开工"))
        s.flush()
        with pytest.raises(ValidationError, match="践诺跟踪已经开始"):
            outcome.reopen(s, ADMIN, contest_id, "计票有误")
        assert CandidacyStatus(s.get(Candidacy, cand).status) is CandidacyStatus.ELECTED
        assert s.scalar(select(func.count()).select_from(Commitment).where(Commitment.candidacy_id == cand)) == 2


def test_scan_can_be_added_after_signing(db, world, tmp_path):
    with db.session() as s:
        service.generate_pledges(s, CLERK, world.cycle_id)
        pid = pledge_id(s, world.cands["方芳"], PledgeKind.QUALIFICATION)
        with pytest.raises(ValidationError, match="尚未签订"):
            service.attach_scan(s, CLERK, pid, str(_png(tmp_path / "a.png")))
        pass_all(s, pid)
        service.sign_pledge(s, CLERK, pid, SIGN_DAY, "李见证", copies=3)
        word = tmp_path / "scan.jpg"
        word.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a .docx renamed to .jpg
        with pytest.raises(ValidationError, match="不是 PDF、JPG 或 PNG"):
            service.attach_scan(s, CLERK, pid, str(word))
        assert s.get(Pledge, pid).scan_path == ""
        pdf = tmp_path / "scan.pdf"
        pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
        digest = service.attach_scan(s, CLERK, pid, str(pdf))
        pledge = s.get(Pledge, pid)
        assert pledge.scan_sha256 == digest and pledge.scan_path.endswith(".pdf") and pledge.copies == 3
        assert Path(service.scan_file_of(s, pid)).read_bytes() == pdf.read_bytes()
