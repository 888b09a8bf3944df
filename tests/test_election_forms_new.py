"""The election forms added for issue 16: 计票单 (tally-sheets), 监票人、计票人名单公告 (election-staff-notice),
村民选举委员会成员名单公告 (election-committee-notice); the 届次 read from the cycle; the result report's facts (those
elected with their particulars, 委托投票数) read from a demo township."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from villagevote.audit import Actor
from villagevote.elections.common import term_text
from villagevote.elections.print_data import VillageFacts
from villagevote.elections.records import CandidateView, ContestView, PostView
from villagevote.errors import UserError, ValidationError
from villagevote.models.enums import Role
from villagevote.reports.forms_elections import names_option
from villagevote.reports.pdf.committee_notice import CommitteeNames, render_committee_notice
from villagevote.reports.pdf.election_staff_notice import StaffNames, render_staff_notice
from villagevote.reports.pdf.tally_sheet import render_tally_sheets, stroke_height
from villagevote.reports.registry import Options, find_form, produce

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
VILLAGE = "青溪村"


def pages_of(path: Path) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(str(path)).pages]


def contest(**kw: object) -> ContestView:
    c = ContestView(7, "城关镇", "东山村", "village_committee", "村民委员会", "first", "差额", term="第十二届",
                    held_on=dt.date(2026, 3, 3), electorate=1200, ballots_issued=1000,
                    posts=[PostView("主任", 1), PostView("委员", 2, 1)],
                    candidates=[CandidateView(1, "王一", "男", "主任", 1), CandidateView(2, "李二", "男", "主任", 2),
                                CandidateView(3, "丁三", "女", "委员", 1), CandidateView(4, "孙六", "男", "委员", 2),
                                CandidateView(5, "周八", "男", "委员", 3)])
    for key, value in kw.items():
        setattr(c, key, value)
    return c


# --- 届次 -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("profile", "name", "expected"), [
    ({"term_number": 12}, "2026年村级组织换届", "第十二届"),
    ({"term_number": "10"}, "", "第十届"),
    ({}, "第11届村级组织换届", "第十一届"),
    ({}, "第十三届", "第十三届"),
    ({}, "2026年村级组织换届", ""),          # never guessed
])
def test_term_from_the_cycle(profile, name, expected):
    assert term_text(SimpleNamespace(profile=profile, name=name)) == expected
    assert term_text(None) == ""


# --- 计票单 ---------------------------------------------------------------------------------------------------------
def test_tally_sheets_one_document_per_post(tmp_path):
    pages = pages_of(render_tally_sheets(contest(), tmp_path / "t.pdf"))
    first = pages[0]
    assert "东山村第十二届村民委员会选举计票单" in first and "职务：主任（应选1名）" in first
    assert "王一" in first and "李二" in first and "丁三" not in first and "第1页共1页" in first
    rest = "".join(pages[1:])
    assert "委员（应选2名），其中妇女不少于1名" in pages[1] and "丁三" in rest and "周八" in rest
    assert "计票（划“正”字）" in first and "合计" in first
    # the 委员 sheet numbers its own pages; its later pages repeat the title and the post
    footers = [re.search(r"第(\d+)页共(\d+)页", p).groups() for p in pages[1:]]
    assert footers[0][0] == "1" and all(total == str(len(pages) - 1) for _n, total in footers)
    assert all("委员（续）" in p for p in pages[2:])
    for label in ("唱票人", "计票人", "监票人"):
        assert label in first and label in pages[-1]
    # listed candidates: 同意, 不同意, 弃权 each; written-in names: 同意 only, one more line than seats
    assert rest.count("不同意") == 3 and rest.count("另选") == 3
    # a small village: each post on one sheet
    pages = pages_of(render_tally_sheets(contest(ballots_issued=150, electorate=160), tmp_path / "s.pdf"))
    assert len(pages) == 2 and all("第1页共1页" in p for p in pages)


def test_tally_boxes_grow_with_the_village_and_stay_on_the_page():
    assert stroke_height(100) < stroke_height(1000) <= stroke_height(100000)


def test_tally_sheets_without_posts_say_so(tmp_path):
    with pytest.raises(ValidationError, match="没有计票单可打印"):
        render_tally_sheets(contest(posts=[]), tmp_path / "t.pdf")


def test_self_nomination_tally_sheet_has_only_blank_lines(tmp_path):
    text = "".join(pages_of(render_tally_sheets(contest(mode="自荐直选", candidates=[]), tmp_path / "t.pdf")))
    assert "所选人姓名" in text and "王一" not in text and "不同意" not in text


# --- 监票人、计票人名单公告 -------------------------------------------------------------------------------------------
def test_staff_notice_with_names_and_blank(tmp_path):
    staff = StaffNames(["王建国"], ["李明", "赵红"], ["张伟", "刘芳"])
    (text,) = pages_of(render_staff_notice(contest(), staff, tmp_path / "s.pdf", dt.date(2026, 2, 20)))
    assert "东山村第十二届村民委员会选举监票人、计票人名单公告" in text
    assert "总监票人王建国" in text and "监票人李明" in text and "计票人刘芳" in text
    assert "候选人及其近亲属不得担任总监票人、监票人、计票人" in text
    assert "东山村村民选举委员会（盖章）" in text and "2026年2月20日" in text
    (blank,) = pages_of(render_staff_notice(contest(), None, tmp_path / "b.pdf"))
    assert blank.count("监票人") >= 5 and "王建国" not in blank and "____年" in blank


# --- 村民选举委员会成员名单公告 ---------------------------------------------------------------------------------------
def test_committee_notice(tmp_path):
    facts = VillageFacts("东山村", "城关镇", "第十二届", "第十二届", dt.date(2026, 3, 3))
    names = CommitteeNames(["周立新"], [], ["吴敏", "郑海"])
    (text,) = pages_of(render_committee_notice(facts, names, tmp_path / "c.pdf", dt.date(2026, 1, 5)))
    assert "东山村第十二届村民选举委员会成员名单公告" in text
    assert "1主任周立新" in text and "3委员郑海" in text and "（共3人）" in text
    assert "应当退出村民选举委员会" in text and "选举日：2026年3月3日" in text
    (blank,) = pages_of(render_committee_notice(facts, None, tmp_path / "b.pdf"))
    assert "周立新" not in blank and "1主任" in blank


def test_names_option_splits_on_chinese_and_ascii_separators():
    assert names_option(Options(extra={"x": "张三、李四，王五,赵六 钱七；孙八"}), "x") == [
        "张三", "李四", "王五", "赵六", "钱七", "孙八"]
    assert names_option(Options(), "x") == []


# --- from a demo township through the registry ------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from villagevote.demo import build_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(tmp_path_factory.mktemp("home")))
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        build_demo(path, villages=2, voters_per_village=40, seed=1)
    return path


def _produce(demo: Path, out: Path, name: str, options: Options) -> Path:
    from villagevote.database import open_database

    db = open_database(demo, single_instance=False)
    try:
        with db.session() as s:
            return produce(s, ADMIN, find_form("print", name), out, options).path
    finally:
        db.dispose()


def test_new_forms_are_registered():
    for name in ("tally-sheets", "election-staff-notice", "election-committee-notice"):
        assert find_form("print", name).kind == "print"
    assert find_form("print", "election-committee-notice").needs_village


def test_demo_result_report_and_facts(demo, tmp_path):
    from villagevote.database import open_database
    from villagevote.elections.print_data import result_facts

    with sqlite3.connect(demo) as conn:
        official = conn.execute("SELECT id FROM contest WHERE official = 1 ORDER BY id").fetchone()[0]
    db = open_database(demo, single_instance=False)
    try:
        with db.read_session() as s:
            facts = result_facts(s, official)
    finally:
        db.dispose()
    assert facts.elected and facts.proxies is not None
    assert all(e.age and e.education and e.political and e.gender for e in facts.elected)
    text = "".join(pages_of(_produce(demo, tmp_path / "r.pdf", "result-report", Options(contest_id=official))))
    first = facts.elected[0]
    assert f"{first.post}{first.label}{first.gender}{first.age}{first.education}{first.political}{first.votes}" in text
    assert f"委托投票数：{facts.proxies}人" in text


def test_demo_notices_through_the_registry(demo, tmp_path):
    text = "".join(pages_of(_produce(demo, tmp_path / "c.pdf", "election-committee-notice", Options(
        village=VILLAGE, extra={"chair": "周立新", "members": "吴敏、郑海", "date": "2026-11-20"}))))
    assert f"{VILLAGE}第十二届村民选举委员会成员名单公告" in text and "2026年11月20日" in text and "2委员吴敏" in text
    blank = "".join(pages_of(_produce(demo, tmp_path / "b.pdf", "election-committee-notice",
                                      Options(village=VILLAGE, extra={"date": "none"}))))
    assert "周立新" not in blank and "____年" in blank
    with pytest.raises(UserError, match="村民选举委员会须有主任"):
        _produce(demo, tmp_path / "x.pdf", "election-committee-notice",
                 Options(village=VILLAGE, extra={"members": "吴敏"}))
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        _produce(demo, tmp_path / "x.pdf", "election-staff-notice",
                 Options(village=VILLAGE, extra={"date": "11月20日"}))
    staff = "".join(pages_of(_produce(demo, tmp_path / "s.pdf", "election-staff-notice", Options(
        village=VILLAGE, extra={"chief": "王建国", "scrutineers": "李明、赵红", "tellers": "张伟"}))))
    assert "总监票人王建国" in staff and "计票人张伟" in staff
    sheets = pages_of(_produce(demo, tmp_path / "t.pdf", "tally-sheets", Options(village=VILLAGE)))
    assert sheets and all("计票单" in p or "（续）" in p for p in sheets)


# --- the election tab's buttons -------------------------------------------------------------------------------------
def test_election_tab_buttons_print_the_new_forms(ctx, db, township, qtbot, settle, messages, monkeypatch, tmp_path):
    from tests.helpers_elections import committee_contest
    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.pages.election_tab import ElectionTab

    with db.session() as s:
        committee_contest(s, ctx.actor, township.village_ids[0], township.cycle_id, electorate=7)
    ctx.set_village(township.village_ids[0])
    tab = ElectionTab(ctx)
    qtbot.addWidget(tab)
    settle()
    saved: list[str] = []

    def save_file(cls, parent, title, filters, directory=""):
        saved.append(directory)
        return str(tmp_path / f"{len(saved)}.pdf")
    answers = iter(["钱大同", "孟涛、赵红", "", "周立新", "", "吴敏、郑海"])
    monkeypatch.setattr(Ask, "save_file", classmethod(save_file))
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, *a, **k: next(answers)))
    for button in (tab.ballots.tally_btn, tab.ballots.staff_btn, tab.ballots.committee_btn):
        button.click()
    settle()
    assert [t for t, _ in messages] == ["已保存"] * 3, messages
    assert "计票单" in saved[0] and "监票人、计票人名单公告" in saved[1] and "村民选举委员会成员名单公告" in saved[2]
    tally, staff, committee = ("".join(pages_of(tmp_path / f"{n}.pdf")) for n in (1, 2, 3))
    assert "计票单" in tally and "王建国" in tally            # a candidate of the helper's contest
    assert "总监票人钱大同" in staff and "监票人赵红" in staff and "计票人" in staff
    assert "1主任周立新" in committee and "3委员郑海" in committee
    # cancelling a question prints nothing
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, *a, **k: None))
    tab.ballots.staff_btn.click()
    settle()
    assert len(saved) == 3
