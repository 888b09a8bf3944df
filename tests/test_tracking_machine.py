"""践诺跟踪 status machine (tracking.md A2): every transition and every refusal. Each refusal names the item's ledger
number and the rule, and writes nothing (counted in the same session right after the refusal)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models import AuditLog, Organization
from villagevote.models.enums import (
    AttachmentKind,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    DecisionState,
    ExemptionCategory,
    OrgKind,
    SupervisionLevel,
    SupervisionReason,
    Verdict,
)
from villagevote.models.tracking import (
    Attachment,
    Commitment,
    CommitmentStatusChange,
    Extension,
    ProgressReport,
    Supervision,
)
from villagevote.tracking import evidence, exemptions, extensions, ledger, machine, progress, supervision
from villagevote.tracking.ledger import Owner

REG = dt.date(2027, 1, 4)     # registration (a Monday, week 2027-W01)
TODAY = dt.date(2027, 3, 15)  # "today" of most steps
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    cycle_id: int
    village_id: int
    org_id: int
    data: Path
    photo: Path


@pytest.fixture
def w(db, township, tmp_path) -> World:
    with db.session() as s:
        org = s.scalar(select(Organization.id).where(Organization.village_id == township.village_ids[0],
                                                     Organization.cycle_id == township.cycle_id,
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    return World(township.cycle_id, township.village_ids[0], org, tmp_path / "data", photo)


def _register(s, actor, w: World, title="清理河塘", **kw) -> int:
    args = dict(cycle_id=w.cycle_id, village_id=None, owner=Owner(organization_id=w.org_id), title=title,
                source=CommitmentSource.ASSIGNED, deadline=dt.date(2027, 6, 30), today=REG)
    args.update(kw)
    return ledger.register(s, actor, **args)


def _counts(s) -> tuple[int, ...]:
    return tuple(s.scalar(select(func.count()).select_from(m)) for m in
                 (AuditLog, CommitmentStatusChange, ProgressReport, Attachment, Supervision, Extension))


def _refused(s, match: str, fn, *args, **kwargs) -> str:
    """The call is refused with a Chinese message matching ``match`` and nothing is written."""
    before = _counts(s)
    state = {c.id: (c.status, c.percent_done, c.deadline_current, c.reported_done_on, c.closed_on)
             for c in s.scalars(select(Commitment))}
    with pytest.raises(ValidationError, match=match) as info:
        fn(s, *args, **kwargs)
    assert _counts(s) == before
    assert {c.id: (c.status, c.percent_done, c.deadline_current, c.reported_done_on, c.closed_on)
            for c in s.scalars(select(Commitment))} == state
    return info.value.message


def _status(s, cid) -> CommitmentStatus:
    return CommitmentStatus(s.get(Commitment, cid).status)


def _report(s, actor, cid, week: int, pct=None, **kw) -> int:
    monday = dt.date.fromisocalendar(2027, week, 1)
    return progress.record_report(s, actor, cid, period=f"2027-W{week:02d}", reported_on=kw.pop("on", monday),
                                  percent=pct, today=TODAY, **kw)


def test_register_assigns_ledger_numbers_per_village_and_year(db, w, clerk):
    with db.session() as s:
        a = _register(s, clerk, w)
        b = _register(s, clerk, w, title="修缮村道")
        c = s.get(Commitment, a)
        assert c.ledger_no == "东-2027-001" and s.get(Commitment, b).ledger_no == "东-2027-002"
        assert (c.status, c.village_id, c.cycle_id, c.registered_on) == (CommitmentStatus.REGISTERED, w.village_id,
                                                                         w.cycle_id, REG)
        assert c.deadline_current == c.deadline == dt.date(2027, 6, 30)
        change = s.scalar(select(CommitmentStatusChange).where(CommitmentStatusChange.commitment_id == a))
        assert (change.from_status, change.to_status, change.changed_by) == (None, "registered", "clerk")
        msg = _refused(s, "只有一个责任主体", ledger.register, clerk, cycle_id=w.cycle_id, village_id=None,
                       owner=Owner(), title="无主事项", source=CommitmentSource.ASSIGNED)
        assert "无主事项" in msg
        _refused(s, "基数和目标值", ledger.register, clerk, cycle_id=w.cycle_id, village_id=None,
                 owner=Owner(organization_id=w.org_id), title="垃圾分类覆盖率", source=CommitmentSource.SPECIAL,
                 kind=CommitmentKind.METRIC)


def test_full_path_register_report_evidence_report_done_accept(db, w, clerk, reviewer, admin):
    with db.session() as s:
        cid = _register(s, clerk, w)
        _refused(s, "须先录入进展", machine.report_done, clerk, cid, on=TODAY, today=TODAY, data_dir=w.data)
        _report(s, clerk, cid, 2, 0, narrative="筹备")
        assert _status(s, cid) is CommitmentStatus.REGISTERED  # no progress yet
        _report(s, clerk, cid, 3, 30, narrative="已开工")
        assert _status(s, cid) is CommitmentStatus.IN_PROGRESS
        msg = _refused(s, "没有佐证材料", machine.report_done, clerk, cid, on=TODAY, today=TODAY, data_dir=w.data)
        assert "东-2027-001" in msg
        rid = _report(s, clerk, cid, 10, 100, narrative="完工")
        evidence.attach(s, clerk, "progress_report", rid, w.photo, kind=AttachmentKind.PHOTO, caption="完工照片",
                        data_dir=w.data)
        machine.report_done(s, clerk, cid, on=TODAY, note="村报结", today=TODAY, data_dir=w.data)
        c = s.get(Commitment, cid)
        assert (c.status, c.reported_done_on, c.reported_done_by) == (CommitmentStatus.REPORTED_DONE, TODAY, "clerk")
        _refused(s, "验收意见", machine.accept, reviewer, cid, on=TODAY, opinion=" ", today=TODAY)
        machine.accept(s, reviewer, cid, on=TODAY, opinion="现场验收合格", today=TODAY)
        c = s.get(Commitment, cid)
        assert (c.status, c.closed_on, c.closed_by, c.percent_done) == (CommitmentStatus.CLOSED, TODAY, "reviewer", 100)
        changes = list(s.scalars(select(CommitmentStatusChange).where(CommitmentStatusChange.commitment_id == cid)
                                 .order_by(CommitmentStatusChange.id)))
        assert [(x.from_status, x.to_status, x.changed_by) for x in changes] == [
            (None, "registered", "clerk"), ("registered", "in_progress", "clerk"),
            ("in_progress", "reported_done", "clerk"), ("reported_done", "closed", "reviewer")]
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.entity == "commitment",
                                                              AuditLog.entity_id == str(cid))))
        assert {"register", "status", "report_done", "accept"} <= actions
        _refused(s, "已销号.*不能再录入进展", _report, clerk, cid, 11, 100)


def test_accept_by_the_user_who_entered_report_done_is_refused(db, w, admin, reviewer):
    """An administrator may do both steps, but never on the same item: 报结 and 销号 are two people."""
    with db.session() as s:
        cid = _register(s, admin, w)
        rid = _report(s, admin, cid, 3, 100)
        evidence.attach(s, admin, "progress_report", rid, w.photo, kind=AttachmentKind.PHOTO, data_dir=w.data)
        machine.report_done(s, admin, cid, on=TODAY, today=TODAY, data_dir=w.data)
        msg = _refused(s, "同一人", machine.accept, admin, cid, on=TODAY, opinion="合格", today=TODAY)
        assert "东-2027-001" in msg and "admin" in msg
        machine.accept(s, reviewer, cid, on=TODAY, opinion="合格", today=TODAY)
        assert _status(s, cid) is CommitmentStatus.CLOSED


def test_clerk_cannot_accept_and_reviewer_cannot_report_done(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w)
        with pytest.raises(PermissionDenied):
            machine.accept(s, clerk, cid, on=TODAY, opinion="合格", today=TODAY)
        with pytest.raises(PermissionDenied):
            machine.report_done(s, reviewer, cid, on=TODAY, today=TODAY)
        with pytest.raises(PermissionDenied):  # A3: the clerk registers
            _register(s, reviewer, w, title="审核员挂号")


def _done(s, clerk, w, cid, week=4) -> None:
    rid = _report(s, clerk, cid, week, 100)
    evidence.attach(s, clerk, "progress_report", rid, w.photo, kind=AttachmentKind.PHOTO, data_dir=w.data)
    machine.report_done(s, clerk, cid, on=TODAY, today=TODAY, data_dir=w.data)


def test_reject_returns_to_in_progress_and_forgets_the_report_date(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w)
        _done(s, clerk, w, cid)
        _refused(s, "退回须填写理由", machine.reject, reviewer, cid, on=TODAY, reason="", today=TODAY)
        machine.reject(s, reviewer, cid, on=TODAY, reason="照片不能说明完工", today=TODAY)
        c = s.get(Commitment, cid)
        assert (c.status, c.reported_done_on, c.reported_done_by) == (CommitmentStatus.IN_PROGRESS, None, "")
        last = s.scalar(select(CommitmentStatusChange).order_by(CommitmentStatusChange.id.desc()).limit(1))
        assert last.changed_by == "reviewer" and "照片不能说明完工" in last.note
        _refused(s, "只有已报结的事项才能退回", machine.reject, reviewer, cid, on=TODAY, reason="x", today=TODAY)


def test_relapse_reopens_and_counts(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w)
        _refused(s, "只有已销号的事项", machine.reopen, reviewer, cid, on=TODAY, reason="反弹", today=TODAY)
        for n in (1, 2):
            _done(s, clerk, w, cid, week=4 + n)
            machine.accept(s, reviewer, cid, on=TODAY, opinion="合格", today=TODAY)
            _refused(s, "须填写理由", machine.reopen, reviewer, cid, on=TODAY, reason=" ", today=TODAY)
            machine.reopen(s, reviewer, cid, on=TODAY, reason="暗访发现河塘又有垃圾", today=TODAY)
            c = s.get(Commitment, cid)
            assert (c.status, c.reopen_count, c.closed_on, c.closed_by) == (CommitmentStatus.IN_PROGRESS, n, None, "")
            assert c.percent_done < 100


def test_report_done_of_a_metric_item_below_target_is_refused(db, w, clerk):
    with db.session() as s:
        cid = _register(s, clerk, w, title="垃圾分类覆盖率", kind=CommitmentKind.METRIC, baseline=Decimal("40"),
                        target=Decimal("70"), unit="%")
        rid = progress.record_report(s, clerk, cid, period="2027-W05", reported_on=dt.date(2027, 2, 1),
                                     value=Decimal("61"), today=TODAY)
        c = s.get(Commitment, cid)
        assert (c.metric_current, c.percent_done, c.status) == (Decimal("61"), 70, CommitmentStatus.IN_PROGRESS)
        evidence.attach(s, clerk, "progress_report", rid, w.photo, kind=AttachmentKind.PHOTO, data_dir=w.data)
        msg = _refused(s, "未达到目标值", machine.report_done, clerk, cid, on=TODAY, today=TODAY, data_dir=w.data)
        assert "东-2027-001" in msg and "61" in msg
        progress.record_report(s, clerk, cid, period="2027-W06", reported_on=dt.date(2027, 2, 8),
                               value=Decimal("70"), today=TODAY)
        machine.report_done(s, clerk, cid, on=TODAY, today=TODAY, data_dir=w.data)
        assert _status(s, cid) is CommitmentStatus.REPORTED_DONE


def test_parent_with_an_open_child_cannot_report_done_and_rolls_up_in_decimal(db, w, clerk, reviewer):
    with db.session() as s:
        parent = _register(s, clerk, w, title="剿劣清单", source=CommitmentSource.SPECIAL)
        a = _register(s, clerk, w, title="前塘", parent_id=parent, weight=Decimal("3"))
        b = _register(s, clerk, w, title="后塘", parent_id=parent, weight=Decimal("1"))
        c3 = _register(s, clerk, w, title="沟渠", parent_id=parent, weight=Decimal("0.5"))
        _report(s, clerk, a, 3, 50)
        _report(s, clerk, b, 3, 25)
        _report(s, clerk, c3, 3, 11)
        # (50·3 + 25·1 + 11·0.5) / 4.5 = 180.5 / 4.5 = 40.11 → 40
        assert s.get(Commitment, parent).percent_done == 40
        assert progress.parent_percent([(50, Decimal(3)), (25, Decimal(1)), (11, Decimal("0.5"))]) == 40
        assert progress.parent_percent([(100, Decimal("0.3")), (99, Decimal("0.7"))]) == 99  # never rounded up
        # the parent itself: a report keeps the roll-up
        rid = _report(s, clerk, parent, 3, 90)
        assert s.get(Commitment, parent).percent_done == 40 and s.get(ProgressReport, rid).percent == 40
        evidence.attach(s, clerk, "commitment", parent, w.photo, kind=AttachmentKind.DOCUMENT, data_dir=w.data)
        s.get(Commitment, parent).status = CommitmentStatus.IN_PROGRESS
        msg = _refused(s, "子项未销号或免责", machine.report_done, clerk, parent, on=TODAY, today=TODAY,
                       data_dir=w.data)
        assert "东-2027-001" in msg and "东-2027-002" in msg
        for child in (a, b):
            _done(s, clerk, w, child, week=5)
            machine.accept(s, reviewer, child, on=TODAY, opinion="合格", today=TODAY)
        _refused(s, "东-2027-004", machine.report_done, clerk, parent, on=TODAY, today=TODAY, data_dir=w.data)
        exemptions.grant_exemption(s, reviewer, category=ExemptionCategory.FORCE_MAJEURE, reason="台风冲毁",
                                   decision_no="镇委〔2027〕5号", decided_on=TODAY, commitment_id=c3)
        assert _status(s, c3) is CommitmentStatus.EXCUSED
        assert s.get(Commitment, c3).verdict is Verdict.EXCUSED
        assert s.get(Commitment, parent).percent_done == 100  # the exempt child no longer counts
        machine.report_done(s, clerk, parent, on=TODAY, today=TODAY, data_dir=w.data)
        assert _status(s, parent) is CommitmentStatus.REPORTED_DONE


def test_overdue_is_computed_from_the_current_deadline(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w, deadline=dt.date(2027, 3, 31))
        other = _register(s, clerk, w, title="修缮村道", deadline=dt.date(2027, 3, 31))
        _report(s, clerk, cid, 3, 20)
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 3, 31)) == []
        # an extension asked before the due date and approved moves deadline_current
        ext = extensions.request_extension(s, clerk, cid, new_date=dt.date(2027, 5, 31), reason="雨季施工受阻",
                                           today=dt.date(2027, 3, 20))
        assert machine.light(dt.date(2027, 3, 31), CommitmentStatus.IN_PROGRESS, dt.date(2027, 3, 25), 7) == \
            "due_soon"
        extensions.decide_extension(s, reviewer, ext, approve=True, note="同意", today=dt.date(2027, 3, 22))
        c = s.get(Commitment, cid)
        assert (c.deadline, c.deadline_current) == (dt.date(2027, 3, 31), dt.date(2027, 5, 31))
        assert s.get(Extension, ext).state is DecisionState.APPROVED
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 4, 1)) == [other]
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 4, 1)) == []  # idempotent
        assert _status(s, cid) is CommitmentStatus.IN_PROGRESS and _status(s, other) is CommitmentStatus.OVERDUE
        change = s.scalar(select(CommitmentStatusChange).where(CommitmentStatusChange.commitment_id == other)
                          .order_by(CommitmentStatusChange.id.desc()).limit(1))
        assert (change.to_status, change.changed_by) == ("overdue", "系统")
        assert machine.light(c.deadline_current, c.status, dt.date(2027, 4, 1), 7) == "ok"
        assert machine.light(dt.date(2027, 3, 31), CommitmentStatus.OVERDUE, dt.date(2027, 4, 1), 7) == "overdue"
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 6, 1)) == [cid]
        # an overdue item can still be 报结 (推进中/逾期 → 已报结)
        _done(s, clerk, w, cid, week=8)
        assert _status(s, cid) is CommitmentStatus.REPORTED_DONE
        assert machine.light(None, CommitmentStatus.REPORTED_DONE, TODAY, 7) == "done"


def test_a_clock_behind_the_record_does_not_undo_overdue(db, w, clerk):
    """An item recorded 逾期 on 2027-04-01 stays 逾期 when the daily check runs with an earlier date (a computer whose
    clock is wrong, or records entered ahead of it): only a moved deadline takes it back to 推进中."""
    with db.session() as s:
        cid = _register(s, clerk, w, deadline=dt.date(2027, 3, 31))
        _report(s, clerk, cid, 3, 20)
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 4, 1)) == [cid]
        assert machine.refresh_overdue(s, cycle_id=w.cycle_id, today=dt.date(2027, 2, 1)) == []
        assert _status(s, cid) is CommitmentStatus.OVERDUE
        changes = s.scalars(select(CommitmentStatusChange.to_status)
                            .where(CommitmentStatusChange.commitment_id == cid)).all()
        assert changes[-1] == "overdue"


def test_extension_on_or_after_the_due_date_is_refused(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w, deadline=dt.date(2027, 3, 31))
        for day in (dt.date(2027, 3, 31), dt.date(2027, 4, 2)):
            msg = _refused(s, "须在时限之前提出", extensions.request_extension, clerk, cid,
                           new_date=dt.date(2027, 6, 30), reason="来不及", today=day)
            assert "东-2027-001" in msg
        _refused(s, "须晚于当前时限", extensions.request_extension, clerk, cid, new_date=dt.date(2027, 3, 1),
                 reason="来不及", today=dt.date(2027, 3, 1))
        ext = extensions.request_extension(s, clerk, cid, new_date=dt.date(2027, 6, 30), reason="资金未到位",
                                           today=dt.date(2027, 3, 1))
        _refused(s, "待审批", extensions.request_extension, clerk, cid, new_date=dt.date(2027, 7, 30),
                 reason="再延", today=dt.date(2027, 3, 2))
        _refused(s, "不予批准延期须说明理由", extensions.decide_extension, reviewer, ext, approve=False,
                 today=dt.date(2027, 3, 3))
        extensions.decide_extension(s, reviewer, ext, approve=False, note="理由不充分", today=dt.date(2027, 3, 3))
        assert s.get(Commitment, cid).deadline_current == dt.date(2027, 3, 31)
        _refused(s, "已于", extensions.decide_extension, reviewer, ext, approve=True, today=dt.date(2027, 3, 4))


def test_supervision_is_a_flag_lifted_at_accept(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w)
        _report(s, clerk, cid, 3, 10)
        sid = supervision.supervise(s, reviewer, cid, level=SupervisionLevel.TOWNSHIP, reason=SupervisionReason.SLOW,
                                    limit_date=dt.date(2027, 4, 30), today=dt.date(2027, 3, 1))
        sup = s.get(Supervision, sid)
        assert sup.notice_no == "督〔2027〕1号" and sup.issued_by == "reviewer"
        assert _status(s, cid) is CommitmentStatus.IN_PROGRESS  # a flag, not a status
        _refused(s, "已在挂牌督办中", supervision.supervise, reviewer, cid, level=SupervisionLevel.COUNTY,
                 reason=SupervisionReason.KEY, limit_date=dt.date(2027, 4, 30), today=dt.date(2027, 3, 2))
        supervision.urge(s, clerk, sid, on=dt.date(2027, 3, 10), method="电话", note="催促进度",
                         today=dt.date(2027, 3, 10))
        supervision.record_receipt(s, clerk, sid, on=dt.date(2027, 3, 12), text="已增派人手",
                                   today=dt.date(2027, 3, 12))
        _done(s, clerk, w, cid)
        machine.accept(s, reviewer, cid, on=TODAY, opinion="合格", today=TODAY)
        sup = s.get(Supervision, sid)
        assert sup.lifted_on == TODAY and "销号" in sup.lifted_note
        _refused(s, "已于", supervision.urge, clerk, sid, on=TODAY, method="电话", today=TODAY)
        other = _register(s, clerk, w, title="修缮村道")
        sid2 = supervision.supervise(s, reviewer, other, level=SupervisionLevel.COUNTY, reason=SupervisionReason.KEY,
                                     limit_date=dt.date(2027, 5, 30), today=dt.date(2027, 3, 20))
        assert s.get(Supervision, sid2).notice_no == "督〔2027〕2号"


def test_withdraw_strikes_an_open_item(db, w, clerk, reviewer):
    with db.session() as s:
        cid = _register(s, clerk, w)
        _refused(s, "须填写理由", ledger.withdraw, reviewer, cid, reason="", today=TODAY)
        ledger.withdraw(s, reviewer, cid, reason="上级政策调整，不再实施", today=TODAY)
        c = s.get(Commitment, cid)
        assert (c.status, c.verdict) == (CommitmentStatus.WITHDRAWN, Verdict.WITHDRAWN)
        _refused(s, "不能撤销", ledger.withdraw, reviewer, cid, reason="再撤", today=TODAY)
        _refused(s, "已撤销|不能再录入进展", _report, clerk, cid, 5, 10)
