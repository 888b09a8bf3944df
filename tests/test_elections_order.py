"""Order of events (issue 14, build item 7): official ballots freeze the ballot, no official ballots once counting has
begun, no result confirmed before the election day, and the statutory calendar enforced when a notice is dated."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers_elections import committee_contest, print_ballots
from villagevote.elections import contests, outcome, tally
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models.core import AuditLog
from villagevote.models.elections import Contest
from villagevote.models.voters import VillageMilestone
from villagevote.reports.registry import Options, find_form
from villagevote.voters.calendar import RuleProfile, notice_date_problem
from villagevote.voters.schedule import NoticeDateRefused, record_notice_override

DAY = dt.date(2026, 12, 20)  # the township fixture's election day
MARKS = {("主任", "王建国"): (600, 150, 50), ("主任", "李明"): (180, 500, 120),
         ("副主任", "张伟"): (420, 300, 80), ("副主任", "丁丽"): (350, 350, 100),
         ("委员", "刘芳"): (520, 200, 80), ("委员", "孙强"): (610, 120, 70), ("委员", "周杰"): (560, 160, 80),
         ("委员", "马超"): (300, 400, 100)}


@pytest.fixture
def contest_id(db, clerk, township) -> int:
    with db.session() as s:
        return committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)


@pytest.fixture
def east_village_lists(db, admin, township) -> None:
    """东村 (and 西村) have something to post: a few registered voters and a qualified candidate (the notices refuse to print an
    empty list, issue 16)."""
    from tests.test_voters_proxies_kinship import make_candidate, plain_voters
    from villagevote.models.candidates import Candidacy
    from villagevote.models.enums import CandidacyStatus
    with db.session() as s:
        voters = plain_voters(s, township, ["王建国", "李明", "张伟"])
        plain_voters(s, township, ["赵敏", "钱进"], village_index=1, with_ids=False)  # 西村 too: its own notice date is checked
        candidacy = s.get(Candidacy, make_candidate(s, admin, township, voters[0]))
        candidacy.status = CandidacyStatus.QUALIFIED


def _text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


def _audit(db, action: str) -> list[AuditLog]:
    with db.read_session() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == action)))
        s.expunge_all()
        return rows


# ---------------------------------------------------------------------------------------------------------------
# ballots
# ---------------------------------------------------------------------------------------------------------------

def test_official_print_freezes_the_ballot_and_only_an_admin_with_a_reason_reopens_it(db, clerk, admin, contest_id,
                                                                                      tmp_path):
    """民政部《村民委员会选举规程》: the ballot carries the 正式候选人 announced before the vote, and printed ballots are
    counted and kept under seal — so once official ballots are printed the names, posts and seats on them are fixed.
    Changing them takes an administrator's reopening with a reason, which voids the printed ballots (count → 0)."""
    with db.session() as s:
        print_ballots(s, clerk, contest_id, tmp_path / "b.pdf", sample=False, copies=900)
        first = contests.contest_view(s, contest_id).candidates_for("委员")[0]
        with pytest.raises(ValidationError, match="东村的正式选票已印制 900 张.*已冻结"):
            contests.add_ballot_candidate(s, clerk, contest_id, "委员", "赵敏", gender="女")
        with pytest.raises(ValidationError, match="已冻结"):
            contests.remove_ballot_candidate(s, clerk, first.ballot_candidate_id)
        with pytest.raises(ValidationError, match="已冻结"):
            contests.update_contest(s, clerk, contest_id, posts=[("主任", 1, 0), ("副主任", 1, 0), ("委员", 2, 1)])
        # saving the contest with its posts unchanged (the dialog always sends them) is not a change
        contests.update_contest(s, clerk, contest_id, posts=[("主任", 1, 0), ("副主任", 1, 0), ("委员", 3, 1)],
                           electorate=1001)
        with pytest.raises(PermissionDenied):
            contests.reopen_ballots(s, clerk, contest_id, "名单有误")
        with pytest.raises(ValidationError, match="理由"):
            contests.reopen_ballots(s, admin, contest_id, "  ")
    with db.session() as s:
        assert contests.reopen_ballots(s, admin, contest_id, "委员候选人刘芳已书面退出") == 900
    with db.session() as s:
        assert s.get(Contest, contest_id).ballots_printed == 0
        contests.add_ballot_candidate(s, clerk, contest_id, "委员", "赵敏", gender="女")  # editable again
        with pytest.raises(ValidationError, match="还没有印制正式选票"):
            contests.reopen_ballots(s, admin, contest_id, "再次")
    [row] = _audit(db, "reopen_ballots")
    assert row.username == "admin"
    assert row.before == {"ballots_printed": 900} and row.after == {"ballots_printed": 0}
    assert "委员候选人刘芳已书面退出" in row.note and "900" in row.note


def test_no_official_ballots_once_counting_has_begun(db, clerk, admin, contest_id, tmp_path):
    """选举规程: ballots are printed and sealed before the vote; once ballots have been issued and the count begun, new
    official ballots would be ballots outside the count — refused (samples still print for the projector/training),
    and the ballot cannot be reopened either."""
    with db.session() as s:
        print_ballots(s, clerk, contest_id, tmp_path / "b.pdf", sample=False, copies=900)
        tally.save_counts(s, clerk, contest_id, issued=900, returned=898)
    with db.session() as s:
        with pytest.raises(ValidationError, match="东村的选举已经开始计票.*不能再印制正式选票"):
            print_ballots(s, clerk, contest_id, tmp_path / "b2.pdf", sample=False)
        with pytest.raises(ValidationError, match="已经开始计票"):
            contests.reopen_ballots(s, admin, contest_id, "补印")
        print_ballots(s, clerk, contest_id, tmp_path / "s.pdf", sample=True)
        assert s.get(Contest, contest_id).ballots_printed == 900


def test_no_official_ballots_after_tally_entries(db, clerk, contest_id, tmp_path):
    """The same rule when the count is entered as totals (tally entries) rather than issued/returned counts first."""
    with db.session() as s:
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=MARKS)
        with pytest.raises(ValidationError, match="已经开始计票"):
            print_ballots(s, clerk, contest_id, tmp_path / "b.pdf", sample=False)


# ---------------------------------------------------------------------------------------------------------------
# confirming a result
# ---------------------------------------------------------------------------------------------------------------

def test_no_result_confirmed_before_the_election_day(db, clerk, reviewer, contest_id):
    """组织法 §15/选举规程: the result is announced on the election day after the public count (当场公布选举结果); a
    result cannot be official before the vote has been held — refused with both dates named."""
    with db.session() as s:
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=MARKS)
        outcome.compute_result(s, clerk, contest_id)
    with db.session() as s:
        with pytest.raises(ValidationError, match="东村的选举日是2026年12月20日，今天是2026年12月6日，选举日之前不能确认"):
            outcome.mark_official(s, reviewer, contest_id, today=DAY - dt.timedelta(days=14))
        assert not s.get(Contest, contest_id).official
    with db.session() as s:
        outcome.mark_official(s, reviewer, contest_id, today=DAY)
        assert s.get(Contest, contest_id).official


def test_the_contests_own_date_decides(db, clerk, reviewer, contest_id):
    """A contest held on another day than the cycle's (e.g. 另行选举 a week later) is confirmed from its own date."""
    with db.session() as s:
        contests.update_contest(s, clerk, contest_id, held_on=DAY + dt.timedelta(days=7))
        tally.save_totals(s, clerk, contest_id, issued=900, returned=898, invalid=8, marks=MARKS)
        outcome.compute_result(s, clerk, contest_id)
        with pytest.raises(ValidationError, match="2026年12月27日"):
            outcome.mark_official(s, reviewer, contest_id, today=DAY)
        outcome.mark_official(s, reviewer, contest_id, today=DAY + dt.timedelta(days=7))


# ---------------------------------------------------------------------------------------------------------------
# the statutory calendar when a notice is dated
# ---------------------------------------------------------------------------------------------------------------

def test_notice_days_from_the_profile():
    """组织法 §14: 选民名单应当在选举日的二十日以前公布; 选举规程: 候选人名单 at least 5 days before — the days come from
    the cycle's profile (a province may set more)."""
    assert notice_date_problem("voter_list", dt.date(2026, 11, 30), DAY) == ""  # exactly 20 days: lawful
    problem = notice_date_problem("voter_list", dt.date(2026, 12, 1), DAY)
    assert "只有 19 天" in problem and "至少 20 天" in problem and "不晚于 2026年11月30日" in problem
    assert notice_date_problem("candidate_list", dt.date(2026, 12, 15), DAY) == ""
    assert "至少 5 天" in notice_date_problem("candidate_list", dt.date(2026, 12, 16), DAY)
    assert "至少 7 天" in notice_date_problem("candidate_list", dt.date(2026, 12, 15), DAY,
                                           RuleProfile(candidate_list_days_before=7))
    assert "不能在选举日当天或之后" in notice_date_problem("voter_list", DAY, DAY)


def test_voter_notice_dated_14_days_before_is_refused_and_an_admin_reason_is_printed_and_audited(
        db, clerk, admin, township, east_village_lists, tmp_path):
    """组织法 §14 (二十日以前公布). The reported case: the 选民名单公告 printed on 2026-12-06 for a vote on 2026-12-20
    carried that date with no warning. Now refused for everyone (the GUI button and the CLI call the same form); an
    administrator may record a reason, which is audited and printed on the notice."""
    form = find_form("print", "voter-notice")
    late = Options(village="东村", extra={"date": "2026-12-06"})
    with db.read_session() as s:
        with pytest.raises(NoticeDateRefused, match="东村：选民名单公告日期 2026年12月6日 距选举日 2026年12月20日 只有 14 天"):
            form.run(s, clerk, tmp_path / "late.pdf", late)
        form.run(s, clerk, tmp_path / "ok.pdf", Options(village="东村", extra={"date": "2026-11-30"}))
    assert "未满法定公告期" not in _text(tmp_path / "ok.pdf")
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            record_notice_override(s, clerk, township.cycle_id, township.village_ids[0], "voter_list",
                                   dt.date(2026, 12, 6), "补登漏登选民后重新公布")
        record_notice_override(s, admin, township.cycle_id, township.village_ids[0], "voter_list",
                               dt.date(2026, 12, 6), "补登漏登选民后重新公布", today=dt.date(2026, 12, 6))
    with db.read_session() as s:
        form.run(s, clerk, tmp_path / "filed.pdf", late)
        with pytest.raises(NoticeDateRefused):  # the reason covers that date only
            form.run(s, clerk, tmp_path / "x.pdf", Options(village="东村", extra={"date": "2026-12-07"}))
        with pytest.raises(NoticeDateRefused):  # and that village only
            form.run(s, clerk, tmp_path / "x.pdf", Options(village="西村", extra={"date": "2026-12-06"}))
    text = _text(tmp_path / "filed.pdf")
    assert "未满法定公告期：选民名单公告日期2026年12月6日距选举日2026年12月20日只有14天" in text
    assert "补登漏登选民后重新公布，管理员admin，2026年12月6日" in text
    [row] = _audit(db, "notice_override")
    assert row.username == "admin" and "补登漏登选民后重新公布" in row.note and "东村" in row.note
    with db.read_session() as s:
        stored = s.scalar(select(VillageMilestone).where(VillageMilestone.code == "voter_list_override"))
        assert stored.done_on == dt.date(2026, 12, 6) and json.loads(stored.note)["reason"] == "补登漏登选民后重新公布"


def test_candidate_notice_inside_five_days_is_refused_and_late_reason_needs_an_admin(db, clerk, admin, township,
                                                                                     east_village_lists, tmp_path):
    """选举规程: 候选人名单 is posted at least 5 days before the vote (profile candidate_list_days_before). The default
    date (election day − 5) prints; a date 3 days before is refused; ``late_reason`` (CLI --option) records the
    reason only for an administrator, then prints it on the notice."""
    form = find_form("print", "candidate-notice")
    with db.session() as s:
        form.run(s, clerk, tmp_path / "ok.pdf", Options(village="东村"))
        assert "2026年12月15日" in _text(tmp_path / "ok.pdf")
        with pytest.raises(NoticeDateRefused, match="东村：候选人名单公示日期 2026年12月17日.*只有 3 天.*至少 5 天"):
            form.run(s, clerk, tmp_path / "late.pdf", Options(village="东村", extra={"date": "2026-12-17"}))
        with pytest.raises(PermissionDenied):
            form.run(s, clerk, tmp_path / "late.pdf",
                     Options(village="东村", extra={"date": "2026-12-17", "late_reason": "候选人退出后递补"}))
    with db.session() as s:
        form.run(s, admin, tmp_path / "late.pdf",
                 Options(village="东村", extra={"date": "2026-12-17", "late_reason": "候选人退出后递补"}))
    text = _text(tmp_path / "late.pdf")
    assert "未满法定公告期：候选人名单公示日期2026年12月17日" in text and "候选人退出后递补，管理员admin" in text
    [row] = _audit(db, "notice_override")
    assert "候选人退出后递补" in row.note
    with db.session() as s:  # nothing excuses a notice on or after the election day
        with pytest.raises(ValidationError, match="不能在选举日当天或之后"):
            form.run(s, admin, tmp_path / "x.pdf",
                     Options(village="东村", extra={"date": "2026-12-20", "late_reason": "补"}))


# ---------------------------------------------------------------------------------------------------------------
# what the user sees
# ---------------------------------------------------------------------------------------------------------------

def _election_tab(ctx, township, qtbot):
    from villagevote.ui.pages.election_tab import ElectionTab
    ctx.set_village(township.village_ids[0])
    tab = ElectionTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    assert ctx.wait_idle()  # the tab loads on the database worker
    return tab


def test_reopen_ballots_button_for_the_administrator_only(qapp, db, ctx, clerk, contest_id, township, qtbot,
                                                          monkeypatch, tmp_path, settle):
    """The frozen ballot in the 职务与选票 panel: a 录入员 sees the add/remove refusal; only an administrator's button
    reopens it, after giving a reason (选举规程: changing a printed ballot is an exceptional, recorded decision)."""
    from villagevote.ui.context import AppContext
    from villagevote.ui.dialogs.common import Ask
    tab = _election_tab(ctx, township, qtbot)
    assert not tab.ballots.reopen_ballots_btn.isEnabled()  # nothing printed yet
    with db.session() as s:
        print_ballots(s, clerk, contest_id, tmp_path / "b.pdf", sample=False, copies=900)
    tab.refresh()
    settle()
    assert tab.ballots.reopen_ballots_btn.isEnabled() and "900" in tab.ballots.printed.text()
    tab.grab().save(str(tmp_path / "ballots_frozen.png"))
    clerk_ctx = AppContext(db, clerk)
    clerk_tab = _election_tab(clerk_ctx, township, qtbot)
    assert not clerk_tab.ballots.reopen_ballots_btn.isEnabled()
    assert not clerk_tab.ballots.add_btn.isEnabled() and not clerk_tab.ballots.remove_btn.isEnabled()
    errors: list[str] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: errors.append(text)))
    clerk_tab.ballots.add_name.setText("赵敏")
    clerk_tab.ballots.add_candidate()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors and "已冻结" in errors[0]
    infos: list[str] = []
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, *a, **k: "委员候选人刘芳已书面退出"))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: infos.append(text)))
    tab.ballots.reopen_ballots()
    qtbot.waitUntil(lambda: bool(infos), timeout=10_000)
    settle()
    assert infos and "900" in infos[0]
    assert "已印制正式选票 0 张" in tab.ballots.printed.text() and not tab.ballots.reopen_ballots_btn.isEnabled()
    assert tab.ballots.add_btn.isEnabled()


def test_gui_voter_notice_asks_the_administrator_for_the_reason(qapp, db, ctx, township, east_village_lists, qtbot,
                                                                monkeypatch, tmp_path, messages, settle):
    """The 打印选民名单公告 button prints dated the recorded publication day (else today); here the list was recorded
    as published 14 days before the vote: the domain refuses; the administrator is asked for the reason, it is
    recorded and the notice prints with it (组织法 §14)."""
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.voter_register import VoterRegisterTab
    from villagevote.voters.register import set_milestone
    with db.session() as s:
        set_milestone(s, ctx.actor, township.cycle_id, township.village_ids[0], "voter_list", DAY - dt.timedelta(days=14))
    tab = VoterRegisterTab(ctx)
    qtbot.addWidget(tab)
    settle()  # the tab loads on the database worker
    tab.village.setCurrentIndex(tab.village.findData(township.village_ids[0]))
    settle()
    out = tmp_path / "notice.pdf"
    asked: list[str] = []
    monkeypatch.setattr(Ask, "save_file", classmethod(lambda cls, *a, **k: str(out)))
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, parent, title, label, *a, **k: asked.append(label)
                                                 or "补登漏登选民后重新公布"))
    tab.print_form("voter-notice")
    qtbot.waitUntil(lambda: ("已保存", str(out)) in messages, timeout=30000)
    assert asked and "至少 20 天" in asked[0]
    assert "补登漏登选民后重新公布" in _text(out) and "未满法定公告期" in _text(out)
    assert len(_audit(db, "notice_override")) == 1
