"""Weekly progress reports (每周一报): the refusals of issue 17's "bad input", on-time by the first working day of the
next week, one report per week (a second replaces the first), metric items computed, and a cadre who left office."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from villagevote.errors import ValidationError
from villagevote.models import AuditLog, Candidacy, Organization, Person, Setting
from villagevote.models.enums import (
    AssessedRoleKind,
    CandidacyStatus,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    NominationSource,
    OrgKind,
)
from villagevote.models.tracking import AssessedRole, Commitment, CommitmentStatusChange, ProgressReport
from villagevote.tracking import ledger, progress, roles
from villagevote.tracking.ledger import Owner
from villagevote.tracking.settings import tracking_settings

REG = dt.date(2027, 1, 4)
TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def item(db, township, clerk):
    """A cadre's milestone item and a metric item (a falling target: 劣V类水体 from 12 down to 0)."""
    with db.session() as s:
        org = s.scalar(select(Organization.id).where(Organization.village_id == township.village_ids[0],
                                                     Organization.cycle_id == township.cycle_id,
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        person = Person(name="王五", name_initials="ww", village_id=township.village_ids[0])
        s.add(person)
        s.flush()
        cand = Candidacy(person_id=person.id, organization_id=org, cycle_id=township.cycle_id, post="村委会主任",
                         source=NominationSource.SELF, status=CandidacyStatus.ELECTED)
        s.add(cand)
        s.flush()
        common = dict(cycle_id=township.cycle_id, village_id=None, owner=Owner(candidacy_id=cand.id),
                      source=CommitmentSource.PLEDGE, deadline=dt.date(2027, 12, 31), today=REG)
        cid = ledger.register(s, clerk, title="修建文化礼堂", **common)
        metric = ledger.register(s, clerk, title="劣V类水体清零", kind=CommitmentKind.METRIC, baseline=Decimal("12"),
                                 target=Decimal("0"), unit="处", **common)
        return dict(id=cid, metric=metric, cand=cand.id, person=person.id, cycle=township.cycle_id)


def _rec(s, actor, cid, week, **kw):
    kw.setdefault("reported_on", dt.date.fromisocalendar(2027, week, 3))
    kw.setdefault("today", TODAY)
    return progress.record_report(s, actor, cid, period=f"2027-W{week:02d}", **kw)


def _refused(s, match, fn, *args, **kwargs) -> str:
    counts = (s.scalar(select(func.count()).select_from(AuditLog)),
              s.scalar(select(func.count()).select_from(ProgressReport)),
              s.scalar(select(func.count()).select_from(CommitmentStatusChange)))
    states = [(c.status, c.percent_done, c.metric_current) for c in s.scalars(select(Commitment).order_by(Commitment.id))]
    with pytest.raises(ValidationError, match=match) as info:
        fn(s, *args, **kwargs)
    assert counts == (s.scalar(select(func.count()).select_from(AuditLog)),
                      s.scalar(select(func.count()).select_from(ProgressReport)),
                      s.scalar(select(func.count()).select_from(CommitmentStatusChange)))
    assert states == [(c.status, c.percent_done, c.metric_current)
                      for c in s.scalars(select(Commitment).order_by(Commitment.id))]
    assert "东-2027-00" in info.value.message  # the ledger number is named
    return info.value.message


def test_report_moves_registered_to_in_progress_and_sets_on_time(db, item, clerk):
    with db.session() as s:
        rid = _rec(s, clerk, item["id"], 2, percent=10, narrative="设计完成", reported_by="王书记",
                   confirmed_by="刘联村", confidence=7, reported_on=dt.date(2027, 1, 18))  # due Monday of W03
        r = s.get(ProgressReport, rid)
        assert (r.percent, r.on_time, r.entered_by, r.reported_by, r.confirmed_by, r.confidence) == (
            10, True, "clerk", "王书记", "刘联村", 7)
        assert s.get(Commitment, item["id"]).status is CommitmentStatus.IN_PROGRESS
        late = _rec(s, clerk, item["id"], 3, percent=20, reported_on=dt.date(2027, 1, 26))  # a Tuesday: late
        assert s.get(ProgressReport, late).on_time is False
        assert s.get(Commitment, item["id"]).percent_done == 20


def test_due_weekday_is_a_setting(db, item, clerk, admin):
    from villagevote.seed import set_setting
    with db.session() as s:
        set_setting(s, admin, "tracking.report_due_weekday", 1)  # Tuesday
        assert tracking_settings(s).report_due_weekday == 1
        rid = _rec(s, clerk, item["id"], 3, percent=20, reported_on=dt.date(2027, 1, 26))
        assert s.get(ProgressReport, rid).on_time is True
        s.add(Setting(key="tracking.warn_days", value="many"))  # a broken value falls back to the default
        s.flush()
        assert tracking_settings(s).warn_days == 7


def test_a_second_report_of_the_same_week_replaces_the_first(db, item, clerk):
    with db.session() as s:
        first = _rec(s, clerk, item["id"], 5, percent=30)
        again = _rec(s, clerk, item["id"], 5, percent=35, narrative="更正")
        assert first == again
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 1
        assert s.get(ProgressReport, first).percent == 35
        assert s.scalar(select(AuditLog.action).where(AuditLog.entity == "progress_report")
                        .order_by(AuditLog.id.desc()).limit(1)) == "update"


def test_bad_reports_are_refused_with_the_rule(db, item, clerk):
    with db.session() as s:
        cid = item["id"]
        msg = _refused(s, "晚于今天", _rec, clerk, cid, 11, percent=10, reported_on=TODAY + dt.timedelta(days=1))
        assert "修建文化礼堂" in msg
        _refused(s, "不在0到100之间", _rec, clerk, cid, 4, percent=101)
        _refused(s, "不在0到100之间", _rec, clerk, cid, 4, percent=-1)
        _refused(s, "格式不对", progress.record_report, clerk, cid, period="2027-14", reported_on=TODAY, percent=5,
                 today=TODAY)
        _refused(s, "早于所报周次", _rec, clerk, cid, 6, percent=5, reported_on=dt.date(2027, 2, 1))
        _refused(s, "信心指数", _rec, clerk, cid, 4, percent=5, confidence=11)
        _rec(s, clerk, cid, 4, percent=50)
        msg = _refused(s, "低于上次报告.*须填写", _rec, clerk, cid, 5, percent=40)
        assert "50%" in msg and "40%" in msg
        _rec(s, clerk, cid, 5, percent=40, no_progress_reason="返工：墙体验收不合格")
        _rec(s, clerk, cid, 6, percent=40)  # no progress, same percent: allowed


def test_metric_items_report_a_value_and_the_percent_is_computed(db, item, clerk):
    with db.session() as s:
        mid = item["metric"]
        _refused(s, "请填写当前值", _rec, clerk, mid, 3, percent=50)
        _rec(s, clerk, mid, 3, value=Decimal("9"))
        c = s.get(Commitment, mid)
        assert (c.metric_current, c.percent_done, c.status) == (Decimal("9"), 25, CommitmentStatus.IN_PROGRESS)
        _refused(s, "倒退", _rec, clerk, mid, 4, value=Decimal("10"))  # a falling target: 10 is worse than 9
        _rec(s, clerk, mid, 4, value=Decimal("10"), no_progress_reason="新发现一处")
        _rec(s, clerk, mid, 5, value=Decimal("0"))
        assert s.get(Commitment, mid).percent_done == 100
    assert progress.metric_percent(Decimal("40"), Decimal("70"), Decimal("61")) == 70
    assert progress.metric_percent(Decimal("40"), Decimal("70"), Decimal("69.99")) == 99  # 100 only when reached
    assert progress.metric_percent(Decimal("40"), Decimal("70"), Decimal("90")) == 100
    assert progress.metric_percent(Decimal("40"), Decimal("70"), Decimal("30")) == 0
    assert progress.metric_percent(Decimal("12"), Decimal("0"), Decimal("3")) == 75


def test_reports_for_closed_or_withdrawn_items_are_refused(db, item, clerk, reviewer):
    with db.session() as s:
        s.get(Commitment, item["id"]).status = CommitmentStatus.CLOSED
        s.flush()
        _refused(s, "已销号.*不能再录入进展", _rec, clerk, item["id"], 4, percent=90)
        ledger.withdraw(s, reviewer, item["metric"], reason="合并到其他事项", today=TODAY)
        _refused(s, "“撤销”.*不能再录入进展", _rec, clerk, item["metric"], 4, value=Decimal("3"))


def test_a_cadre_who_has_left_office_can_report_no_more(db, item, clerk):
    with db.session() as s:
        ids = roles.roles_for_elected(s, clerk, item["cycle"])
        assert roles.roles_for_elected(s, clerk, item["cycle"]) == ids  # idempotent
        role = s.scalar(select(AssessedRole).where(AssessedRole.candidacy_id == item["cand"]))
        assert (role.kind, role.title) == (AssessedRoleKind.ELECTED, "村委会主任")
        _rec(s, clerk, item["id"], 4, percent=20)
        with pytest.raises(ValidationError, match="离任须写明原因"):
            roles.end_role(s, clerk, role.id, on=dt.date(2027, 2, 10), reason=" ")
        roles.end_role(s, clerk, role.id, on=dt.date(2027, 2, 10), reason="辞职")
        msg = _refused(s, "已于 2027-02-10 离任", _rec, clerk, item["id"], 7, percent=30)
        assert "辞职" in msg
        _rec(s, clerk, item["id"], 6, percent=30, reported_on=dt.date(2027, 2, 10))  # the last day still counts
        # records stay
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 2
        with pytest.raises(ValidationError, match="已于"):
            roles.end_role(s, clerk, role.id, on=dt.date(2027, 2, 11), reason="再次")


def test_appoint_checks_the_patrol_minimum(db, item, clerk):
    with db.session() as s:
        with pytest.raises(ValidationError, match="须同时写明周期"):
            roles.appoint(s, clerk, cycle_id=item["cycle"], person_id=item["person"],
                          kind=AssessedRoleKind.RIVER_CHIEF, title="村级河长", starts_on=REG, patrol_min=4)
        rid = roles.appoint(s, clerk, cycle_id=item["cycle"], person_id=item["person"],
                            kind=AssessedRoleKind.RIVER_CHIEF, title="村级河长", starts_on=REG, patrol_min=4,
                            patrol_period="month")
        assert s.get(AssessedRole, rid).patrol_min == 4
