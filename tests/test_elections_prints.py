"""Election prints rendered from plain data: text checks on the PDFs and the workbook."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from villagevote.elections.records import CandidateView, ContestView, PostView, VoteRow
from villagevote.elections.results import decide
from villagevote.elections.tally_logic import PostTotals, TallyTotals, contest_input
from villagevote.errors import ValidationError
from villagevote.reports.pdf.ballot import render_ballots
from villagevote.reports.pdf.certificates import render_certificates
from villagevote.reports.pdf.result_report import render_result_report
from villagevote.reports.pdf.winners_notice import render_winners_notice
from villagevote.reports.xlsx.results_workbook import results_workbook


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
    assert "东山村第十二届村民委员会选举选票" in txt   # the 届次 on the ballot
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


def test_result_report_lists_those_elected_and_where_it_is_filed(tmp_path):
    from villagevote.elections.print_data import ElectedPerson

    c, rows = make_contest(official=True)
    elected = [ElectedPerson("主任", "王一", "王一", "男", 52, "高中", "中共党员", 700),
               ElectedPerson("委员", "孙六", "孙六", "男", 41, "大专", "群众", 610),
               ElectedPerson("委员", "丁三", "丁三", "女", 38, "本科", "中共党员", 520)]
    txt = text_of(render_result_report(c, rows, tmp_path / "r.pdf", elected=elected, proxies=12))
    assert "四、当选人员名单" in txt
    assert "职务姓名性别年龄文化程度政治面貌得票" in txt
    assert "主任王一男52高中中共党员700" in txt and "委员丁三女38本科中共党员520" in txt
    assert "委托投票数：12人" in txt
    assert "总监票人（签名）" in txt and "报乡镇（街道）备案：城关镇人民政府" in txt
    # 李二 stood for 主任 only: his line under 委员 carries the higher post's votes and no "同意 0"
    assert "李二※男280" in txt and "较高职务" in txt
    assert "高职务得票计入" not in txt
    # without the person records the table still names those elected (from the decision)
    txt = text_of(render_result_report(c, rows, tmp_path / "r2.pdf"))
    assert "主任王一男700" in txt and "委托投票数" not in txt


def test_party_branch_report_goes_for_approval(tmp_path):
    c, rows = make_contest(official=True)
    c.body, c.body_label = "party_branch", "村党组织"
    txt = text_of(render_result_report(c, rows, tmp_path / "r.pdf"))
    assert "审批：中共城关镇委员会" in txt and "备案：" not in txt


def test_winners_notice_and_certificates(tmp_path):
    c, _ = make_contest(official=True)
    txt = text_of(render_winners_notice(c, tmp_path / "n.pdf"))
    assert "结果公告" in txt and "主任：王一（700票）" in txt
    assert "丁三（女）（520票）" in txt and "选举有效" in txt
    cert = render_certificates(c, tmp_path / "c.pdf")
    pages = PdfReader(str(cert)).pages
    assert len(pages) == 3
    ctxt = text_of(cert)
    assert "当选证书" in ctxt and "城关镇人民政府" in ctxt and "当选为东山村村民委员会主任" in ctxt
    # a legible serial on every certificate, and no page numbers
    for n, page in enumerate(pages, start=1):
        assert f"编号：2026-0007-0{n}" in re.sub(r"\s+", "", page.extract_text())
    assert "页" not in ctxt


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


def test_winners_notice_refused_while_counting(tmp_path):
    # A contest still being counted has no result: the public notice must not announce "选举无效".
    c, _ = make_contest()
    c.result = None
    with pytest.raises(ValidationError, match="尚未计算选举结果"):
        render_winners_notice(c, tmp_path / "n.pdf")


def test_winners_notice_and_report_carry_the_seal_line(tmp_path):
    c, rows = make_contest(official=True)
    assert "东山村村民选举委员会（盖章）" in text_of(render_winners_notice(c, tmp_path / "n.pdf"))
    assert "东山村村民选举委员会（盖章）" in text_of(render_result_report(c, rows, tmp_path / "r.pdf"))


def test_result_heading_never_left_alone_at_a_page_foot(tmp_path):
    # More or fewer write-in lines move "三、选举结果" down page 1 and over to page 2; wherever it lands, the
    # verdict starts on the same page.
    base, rows = make_contest(official=True)
    for extra in range(0, 24, 2):
        more = rows + [VoteRow(f"写{i}", None, "委员", 1, 0, 0, True) for i in range(extra)]
        pages = [re.sub(r"\s+", "", p.extract_text() or "")
                 for p in PdfReader(str(render_result_report(base, more, tmp_path / f"r{extra}.pdf"))).pages]
        where = [i for i, p in enumerate(pages) if "三、选举结果" in p]
        assert len(where) == 1 and "选举有效" in pages[where[0]], (extra, where)


def test_results_workbook_detail_matches_the_report(tmp_path):
    from python_calamine import CalamineWorkbook
    c, rows = make_contest()
    counting, counting_rows = make_contest()
    counting.village, counting.result = "西山村", None
    path = results_workbook(tmp_path / "r.xlsx", [(c, rows), (counting, counting_rows)])
    detail = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("得票明细").to_python()
    head = detail[1]
    col = {h: head.index(h) for h in ("村", "职务", "姓名", "不同意", "弃权", "计入本职务得票", "结果", "说明")}
    by = {(r[col["村"]], r[col["职务"]], r[col["姓名"]]): r for r in detail[2:]}
    assert by[("东山村", "主任", "李二")][col["结果"]] == "未当选"
    assert by[("东山村", "主任", "王一")][col["结果"]] == "当选"
    write_in = by[("东山村", "委员", "赵九")]
    assert write_in[col["不同意"]] == "" and write_in[col["弃权"]] == ""   # not asked of a written-in name
    # 李二's 280 votes for 主任 also count for 委员 (the report lists the line too)
    higher = by[("东山村", "委员", "李二")]
    assert higher[col["计入本职务得票"]] == 280 and higher[col["说明"]] == "仅高职务得票计入"
    assert {r[col["结果"]] for k, r in by.items() if k[0] == "西山村"} == {"未计算"}


def test_election_forms_explain_wrong_choices(db, admin, township):
    from villagevote.errors import UserError
    from villagevote.reports.registry import Options, find_form

    form = find_form("print", "result-report")
    with db.session() as s:
        with pytest.raises(UserError, match="选项 body=村委会 不认识，可用：village_committee（村民委员会）"):
            form.run(s, admin, Path("x.pdf"), Options(village="东村", extra={"body": "村委会"}))
        with pytest.raises(UserError, match="没有名为“北村”的村（有：东村、西村、南村）"):
            form.run(s, admin, Path("x.pdf"), Options(village="北村"))
        with pytest.raises(UserError, match="东村还没有村民委员会另行选举"):
            form.run(s, admin, Path("x.pdf"), Options(village="东村", extra={"round": "additional"}))


def test_ballot_instructions_large_enough_and_black_only(tmp_path):
    from reportlab.platypus import Paragraph

    from villagevote.reports.pdf.ballot import ballot_story, instructions

    c, _ = make_contest()
    first_words = {line[:6] for line in instructions(c)}
    notes = [f for f in ballot_story(c, sample=False) if isinstance(f, Paragraph)
             and any(w in f.getPlainText() for w in first_words)]
    assert len(notes) == len(instructions(c))
    assert all(n.style.fontSize >= 10.5 for n in notes)
    # an official ballot (no watermark): every colour set in the page content is black or white
    path = render_ballots(c, tmp_path / "b.pdf", sample=False, copies=1)
    page = PdfReader(str(path)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    colours = set(re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content))
    assert colours and all(len(set(rgb)) == 1 and float(rgb[0]) in (0.0, 1.0) for rgb in colours), colours
    assert len(PdfReader(str(path)).pages) == 1

