"""What the speed work on the weekly reports must not change: the tracking settings kept in ``session.info`` follow
every change of a ``tracking.*`` setting in the same session (before and after a flush, deleted, rolled back), each
caller gets its own ranking scheme, and the one-statement look-around of ``record_report`` keeps the rules of the
earlier, the same and a later week."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from villagevote.models import Candidacy, Organization, Person, Setting
from villagevote.models.enums import CandidacyStatus, CommitmentSource, NominationSource, OrgKind
from villagevote.models.tracking import Commitment, ProgressReport
from villagevote.tracking import ledger, progress
from villagevote.tracking.ledger import Owner
from villagevote.tracking.settings import tracking_settings

REG = dt.date(2027, 1, 4)
TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def item(db, township, clerk):
    with db.session() as s:
        org = s.scalar(select(Organization.id).where(Organization.village_id == township.village_ids[0],
                                                     Organization.cycle_id == township.cycle_id,
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        person = Person(name="赵六", name_initials="zl", village_id=township.village_ids[0])
        s.add(person)
        s.flush()
        cand = Candidacy(person_id=person.id, organization_id=org, cycle_id=township.cycle_id, post="村委会主任",
                         source=NominationSource.SELF, status=CandidacyStatus.ELECTED)
        s.add(cand)
        s.flush()
        return ledger.register(s, clerk, title="修建文化礼堂", cycle_id=township.cycle_id, village_id=None,
                               owner=Owner(candidacy_id=cand.id), source=CommitmentSource.PLEDGE,
                               deadline=dt.date(2027, 12, 31), today=REG)


def test_kept_settings_follow_changes_in_the_same_session(db, admin):
    from villagevote.seed import set_setting
    with db.session() as s:
        assert tracking_settings(s).warn_days == 7
        set_setting(s, admin, "tracking.warn_days", 3)  # not flushed yet
        assert tracking_settings(s).warn_days == 3
        s.flush()
        assert tracking_settings(s).warn_days == 3
        row = s.get(Setting, "tracking.warn_days")
        row.value = 5
        assert tracking_settings(s).warn_days == 5
        s.delete(row)
        assert tracking_settings(s).warn_days == 7
        s.flush()
        assert tracking_settings(s).warn_days == 7
    with db.session() as s:
        s.add(Setting(key="tracking.warn_days", value=9))
        s.flush()
        assert tracking_settings(s).warn_days == 9
        s.rollback()
        assert tracking_settings(s).warn_days == 7


def test_each_caller_gets_its_own_ranking_scheme(db):
    with db.session() as s:
        first = tracking_settings(s)
        first.ranking_scheme["components"]["closed_rate"] = "99"
        assert tracking_settings(s).ranking_scheme["components"]["closed_rate"] == "40"


def test_an_earlier_week_entered_late_leaves_the_current_figures(db, item, clerk):
    with db.session() as s:
        def rec(week: int, pct: int, **kw: object) -> int:
            return progress.record_report(s, clerk, item, period=f"2027-W{week:02d}", percent=pct,
                                          reported_on=dt.date.fromisocalendar(2027, week, 3), today=TODAY, **kw)
        rec(2, 10)
        rec(4, 30)
        rec(3, 20)  # entered after week 4: week 4 stays the item's latest
        assert s.get(Commitment, item).percent_done == 30
        again = rec(4, 40)  # week 4 reported again: replaces it, and the item follows
        assert s.get(Commitment, item).percent_done == 40
        assert s.scalars(select(ProgressReport.id).where(ProgressReport.commitment_id == item,
                                                         ProgressReport.period == "2027-W04")).all() == [again]
        with pytest.raises(Exception, match="低于上次报告（2027-W04）"):
            rec(5, 35)  # below the earlier week (W04, 40 %) without a reason
        rec(5, 35, no_progress_reason="雨季停工")
        assert s.get(Commitment, item).percent_done == 35
