"""Election prints rendered from plain data: text checks on the PDFs and the workbook."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from villagevote.elections.tally_logic import PostTotals, TallyTotals, contest_input
from villagevote.elections.views import CandidateView, ContestView, PostView, VoteRow
from villagevote.errors import ValidationError
from villagevote.reports.pdf.ballot import render_ballots
from villagevote.reports.pdf.certificates import render_certificates
from villagevote.reports.pdf.result_report import render_result_report
from villagevote.reports.pdf.winners_notice import render_winners_notice
from villagevote.reports.xlsx.results_workbook import results_workbook
from villagevote.results import decide


def text_of(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


def make_contest(official: bool = False) -> tuple[ContestView, list[VoteRow]]:
    c = ContestView(7, "城关镇", "东山村", "village_committee", "村民委员会", "first", "差额", term="第十二届",
                    held_on=dt.date(2026, 3, 3), electorate=1200, ballots_printed=1250, ballots_issued=1000,
                    ballots_returned=998, ballots_invalid=8,
                    posts=[PostView("主任", 1), PostView("委员", 2, 1)],
                    candidates=[CandidateView(1, "王一", "男", "主任", 1), CandidateView(2, "李二", "男", "主任", 2),
                                CandidateView(3, "丁三", "女", "委员", 1), CandidateView(4, "孙六", "男", "委员", 2),
                                CandidateView(5, "周八", "男", "委员", 3)],
                    official=official)
    t = TallyTotals(1000, 998, 8)
    t.posts["主任"] = PostTotals(votes={"王一": 700, "李二": 280}, disagree={"王一": 200, "李二": 600},
                                abstain={"王一": 90, "李二": 110})
    t.posts["委员"] = PostTotals(votes={"丁三": 520, "孙六": 610, "周八": 560}, write_ins={"赵九": 30})
    genders = {x.name: x.gender for x in c.candidates}
    c.result = decide(contest_input(t, c.body, c.round, c.electorate, None, c.seats, genders, {"委员": 1}))
    rows = [VoteRow(n, genders.get(n), p, a, t.posts[p].disagree.get(n, 0), t.posts[p].abstain.get(n, 0), False)
            for p in t.posts for n, a in t.posts[p].votes.items()]
    rows.append(VoteRow("赵九", None, "委员", 30, 0, 0, True))
    return c, rows


def test_engine_outcome_used_by_the_prints():
    c, _ = make_contest()
    # 王一 700 > 499 → 主任; 委员 (women seat 1): 孙六 610, 周八 560 (李二 280+0), 丁三 520 woman → 孙六 + 丁三
    assert {(e["name"], e["post"]) for e in c.result["elected"]} == {("王一", "主任"), ("孙六", "委员"), ("丁三", "委员")}


def test_ballot_pdf_text(tmp_path):
    c, _ = make_contest()
    sample = render_ballots(c, tmp_path / "sample.pdf", sample=True)
    txt = text_of(sample)
    assert "东山村第十二届村民委员会选举选票" in txt
    assert "主任（应选1名）" in txt and "委员（应选2名），其中妇女不少于1名" in txt
    assert "样票" in txt
    # candidates in the order given (stroke order set by the domain), and one write-in line per seat
    assert txt.index("丁三") < txt.index("孙六") < txt.index("周八")
    assert txt.count("另选他人") >= 3
    official = render_ballots(c, tmp_path / "official.pdf", sample=False, copies=3)
    assert len(PdfReader(str(official)).pages) == 3
    assert "样票" not in text_of(official) and "正式选票" in text_of(official)


def test_result_report_text_and_unconfirmed_stamp(tmp_path):
    c, rows = make_contest()
    txt = text_of(render_result_report(c, rows, tmp_path / "r.pdf"))
    assert "选举结果报告单" in txt and "未确认" in txt
    assert "1200" in txt and "998" in txt and "83.17%" in txt     # 998 / 1200
    assert "700" in txt and "70.14%" in txt                        # 700 / 998
    assert "超过499票" in txt
    for label in ("监票人", "计票人", "主持人"):
        assert label in txt
    c.official = True
    assert "未确认" not in text_of(render_result_report(c, rows, tmp_path / "r2.pdf"))


def test_winners_notice_and_certificates(tmp_path):
    c, _ = make_contest(official=True)
    txt = text_of(render_winners_notice(c, tmp_path / "n.pdf"))
    assert "结果公告" in txt and "主任：王一（700票）" in txt
    assert "丁三（女）（520票）" in txt and "选举有效" in txt
    cert = render_certificates(c, tmp_path / "c.pdf")
    assert len(PdfReader(str(cert)).pages) == 3
    ctxt = text_of(cert)
    assert "当选证书" in ctxt and "城关镇人民政府" in ctxt and "当选为东山村村民委员会主任" in ctxt


def test_certificates_refused_without_winners(tmp_path):
    c, _ = make_contest()
    c.result = dict(c.result, valid=False, elected=[])
    with pytest.raises(ValidationError):
        render_certificates(c, tmp_path / "c.pdf")


def test_results_workbook(tmp_path):
    from openpyxl import load_workbook
    c, rows = make_contest()
    wb = load_workbook(results_workbook(tmp_path / "r.xlsx", [(c, rows)]))
    summary = [[cell.value for cell in r] for r in wb["汇总"].iter_rows(min_row=3)]
    assert summary[0][1] == "东山村" and summary[0][13] == 3 and summary[0][14] == 1 and summary[0][18] == "未确认"
    winners = {(r[3].value, r[2].value) for r in wb["当选名单"].iter_rows(min_row=3)}
    assert winners == {("王一", "主任"), ("孙六", "委员"), ("丁三", "委员")}


def test_thousands_of_official_ballots_render_quickly(tmp_path):
    import time
    c, _ = make_contest()
    started = time.perf_counter()
    path = render_ballots(c, tmp_path / "many.pdf", sample=False, copies=3000)
    elapsed = time.perf_counter() - started
    reader = PdfReader(str(path))
    assert len(reader.pages) == 3000
    assert "王一" in (reader.pages[2999].extract_text() or "")
    assert elapsed < 20, f"3000 ballots took {elapsed:.1f} s"


def test_self_nomination_and_additional_round_ballots(tmp_path):
    c, _ = make_contest()
    c.mode = "自荐直选"
    c.candidates = []
    txt = text_of(render_ballots(c, tmp_path / "zj.pdf", sample=True))
    assert "本次选举不设候选人" in txt and "所选人姓名" in txt and "另选他人" not in txt and "王一" not in txt
    c.round = "additional"
    c.body, c.body_label = "party_branch", "村党组织"
    txt = text_of(render_ballots(c, tmp_path / "add.pdf", sample=True))
    assert "东山村第十二届党组织选举另行选举选票" in txt
