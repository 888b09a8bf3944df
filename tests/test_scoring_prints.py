"""实绩比选 prints and export, checked by extracting their text: blank sheets, ranked summary, workbook, CLI."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from tests.helpers_candidates import qualified_secretaries
from villagevote.audit import SYSTEM
from villagevote.candidates.sample import build_world
from villagevote.names import sort_by_strokes
from villagevote.reports.registry import Options, find_form
from villagevote.scoring import service

NAMES = ["赵六", "王五", "李四", "张三"]  # stroke order: 王 李 张 赵


def scheme_dict() -> dict:
    return {
        "format": 1, "code": "p", "name": "打印测试比选",
        "criteria_weights_must_sum_to": None, "group_weights_must_sum_to": "1",
        "rater_groups": [{"code": "lead", "name": "乡镇领导", "weight": "1"}],
        "criteria": [{"code": "work", "name": "服务中心工作", "max": "60", "weight": "1"},
                     {"code": "vote", "name": "民主评议", "max": "40", "weight": "1"}],
        "deduction_items": [{"code": "disc", "name": "党纪处分", "cap": "5"}],
        "aggregation": {"method": "mean", "scope": "pooled"},
        "rounding": {"places": 2, "mode": "half_up"}, "entry_places": 1,
        "cutoff": {"min_total": "60", "top_n_per_post": 2},
        "tie_rule": {"priority_criteria": ["work"]},
    }


@pytest.fixture
def scored(db, admin):
    with db.session() as s:
        world = build_world(s)
        cids = qualified_secretaries(s, admin, world, NAMES, dt.date(1970, 5, 2), 21)
        sid = service.create_scheme(s, admin, scheme_dict(), cycle_id=world.cycle_id)
        service.add_participants(s, admin, sid, list(cids.values()))
        r1 = service.add_rater(s, admin, sid, "甲评委", "lead")
        r2 = service.add_rater(s, admin, sid, "乙评委", "lead")
        service.recuse(s, admin, r2, cids["李四"], "系李四之妻")
        # 张三: (50+54)/2 = 52, (30+32)/2 = 31 -> 83.00
        # 李四: only 甲: 45 + 35 = 80.00
        # 王五: (41+42)/2 = 41.5, (20+21)/2 = 20.5 -> 62.00, deduction 7 capped at 5 -> 57.00 (below 60)
        # 赵六: (40+40)/2 = 40, (25+26)/2 = 25.5 -> 65.50
        rows1 = {"张三": ("50", "30"), "李四": ("45", "35"), "王五": ("41", "20"), "赵六": ("40", "25")}
        rows2 = {"张三": ("54", "32"), "王五": ("42", "21"), "赵六": ("40", "26")}
        for rid, rows in ((r1, rows1), (r2, rows2)):
            service.save_sheet(s, admin, rid, 1, {(cids[n], c): v for n, (w, vt) in rows.items()
                                                  for c, v in (("work", w), ("vote", vt))}, complete=True)
        service.add_adjustment(s, admin, sid, cids["王五"], "disc", "7", "严重警告")
    return sid, cids


def pdf_text(path) -> list[str]:
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def test_blank_score_sheets_one_per_rater_in_stroke_order(db, admin, scored, tmp_path):
    sid, cids = scored
    with db.session() as s:
        out = find_form("print", "score-sheets").run(s, admin, tmp_path / "sheets.pdf",
                                                     Options(extra={"scheme": str(sid)}))
    pages = pdf_text(out)
    assert len(pages) == 2
    for page, rater in zip(pages, ("乙评委", "甲评委")):  # raters in stroke order too: 乙 (1 stroke) before 甲 (5)
        assert "实绩比选评分表" in page and f"评委：{rater}（乡镇领导）" in page
        assert "服务中心工作" in page and "满分 60" in page and "民主评议" in page and "满分 40" in page
        assert "评委签名" in page
        positions = [page.index(n) for n in NAMES]
        order = [n for _, n in sorted(zip(positions, NAMES))]
        assert order == sort_by_strokes(NAMES) == ["王五", "李四", "张三", "赵六"]
    assert "回避，不评" in pages[0]  # 乙 recused from 李四: the row says so
    assert "回避，不评" not in pages[1]


def test_summary_pdf_ranks_with_breakdown(db, admin, scored, tmp_path):
    sid, cids = scored
    with db.session() as s:
        out = find_form("print", "score-summary").run(s, admin, tmp_path / "sum.pdf",
                                                      Options(extra={"scheme": "打印测试比选"}))
    text = "\n".join(pdf_text(out))
    flat = re.sub(r"\s+", "", text)
    assert "实绩比选结果汇总表" in text and "入围条件：总分不低于 60 分，且每个职位前 2 名" in text
    # ranked: 张三 83.00, 李四 80.00, 赵六 65.50, 王五 57.00
    for rank, name, total in ((1, "张三", "83.00"), (2, "李四", "80.00"), (3, "赵六", "65.50"), (4, "王五", "57.00")):
        assert f"{rank}{name}" in flat and total in text
    assert flat.index("1张三") < flat.index("2李四") < flat.index("3赵六") < flat.index("4王五")
    assert "第3名，不在前2名内" in flat and "总分57.00低于最低分60" in flat
    assert "比选结果尚未确定" in text
    # breakdown
    assert "(50+54)÷2 = 52" in text
    assert "党纪处分（严重警告） 录入 7，超过上限 5，计 5" in text
    # the published copy is anonymous: no rater, no recusal relationship (the count of recusals only)
    assert "甲评委" not in flat and "乙评委" not in flat and "系李四之妻" not in flat
    assert "1位评委依规回避，其评分不计入" in flat
    assert "注意保密" not in flat and "内部存档" not in flat
    assert re.search(r"第1页共(\d+)页", flat)


def test_summary_pages_are_black_and_white(db, admin, scored, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    from PIL import ImageChops

    with db.session() as s:
        out = find_form("print", "score-summary").run(s, admin, tmp_path / "sum.pdf", Options())
    pdf = pdfium.PdfDocument(str(out))
    for index in range(len(pdf)):
        red, green, blue = pdf[index].render(scale=50 / 72).to_pil().convert("RGB").split()
        spread = max(ImageChops.difference(red, green).getextrema()[1],
                     ImageChops.difference(green, blue).getextrema()[1])
        assert spread <= 24, f"page {index + 1}: coloured pixels (channel spread {spread})"


def test_internal_summary_names_raters_for_the_file(db, admin, scored, tmp_path):
    from villagevote.audit import Actor
    from villagevote.errors import PermissionDenied
    from villagevote.models.enums import Role
    from villagevote.reports.registry import produce

    sid, cids = scored
    form = find_form("print", "score-summary")
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            produce(s, Actor(None, "viewer", Role.READONLY), form, tmp_path / "x.pdf",
                    Options(extra={"internal": "1"}))
        out = form.run(s, admin, tmp_path / "int.pdf", Options(extra={"internal": "1"}))
    pages = [re.sub(r"\s+", "", p) for p in pdf_text(out)]
    flat = "".join(pages)
    assert "实绩比选结果汇总表（内部存档）" in flat
    assert all("注意保密" in p for p in pages)
    assert "乙评委回避（系李四之妻），其评分不计入" in flat
    assert "评委及回避情况" in flat and "李四：系李四之妻" in flat


def trimmed_scheme() -> dict:
    data = scheme_dict()
    data["aggregation"] = {"method": "trimmed_mean", "scope": "pooled", "trim_min_raters": 3}
    data["cutoff"] = {"min_total": "60", "top_n_per_post": 1}
    return data


def test_dropped_scores_never_name_their_rater(db, admin, tmp_path):
    """'去掉一个最高分 93（王建国）' names who gave a score: neither copy prints it."""
    with db.session() as s:
        world = build_world(s)
        cids = qualified_secretaries(s, admin, world, ["张三", "李四"], dt.date(1970, 5, 2), 21)
        sid = service.create_scheme(s, admin, trimmed_scheme(), cycle_id=world.cycle_id)
        service.add_participants(s, admin, sid, list(cids.values()))
        for rater, (w, v) in (("甲评委", ("50", "30")), ("乙评委", ("55", "35")), ("丙评委", ("45", "25")),
                              ("丁评委", ("52", "31"))):
            rid = service.add_rater(s, admin, sid, rater, "lead")
            service.save_sheet(s, admin, rid, 1, {(cid, c): x for cid in cids.values()
                                                  for c, x in (("work", w), ("vote", v))}, complete=True)
    form = find_form("print", "score-summary")
    for extra in ({}, {"internal": "1"}):
        with db.session() as s:
            out = form.run(s, admin, tmp_path / "t.pdf", Options(extra={"scheme": str(sid), **extra}))
        flat = re.sub(r"\s+", "", "".join(pdf_text(out)))
        assert "去掉一个最高分55和一个最低分45" in flat, extra
        assert not re.search(r"最高分\d+（|最低分\d+（", flat), extra
        for rater in ("甲评委", "乙评委", "丙评委", "丁评委"):
            # the public copy names no rater; the internal copy only in its table of raters
            assert (rater in flat) == bool(extra), (extra, rater)


def test_score_sheet_numbers_follow_the_print_order(db, admin, scored, tmp_path):
    sid, cids = scored
    with db.session() as s:
        out = find_form("print", "score-sheets").run(s, admin, tmp_path / "sheets.pdf",
                                                     Options(extra={"scheme": str(sid)}))
        one = find_form("print", "score-sheets").run(s, admin, tmp_path / "one.pdf",
                                                     Options(extra={"scheme": str(sid), "rater": "甲评委"}))
    numbers = [re.search(r"表号：(\S+)", p).group(1) for p in pdf_text(out)]  # type: ignore[union-attr]
    assert numbers == [f"{sid}-01", f"{sid}-02"]
    # every rater's sheet is a document of its own: its pages are counted alone
    assert all("第 1 页 共 1 页" in page for page in pdf_text(out))
    assert f"表号：{sid}-02" in pdf_text(one)[0]  # 甲评委 keeps the number of the whole set


def test_scores_workbook(db, admin, scored, tmp_path):
    sid, cids = scored
    with db.session() as s:
        out = find_form("export", "scores").run(s, admin, tmp_path / "s.xlsx", Options())
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names[:4] == ["汇总", "计分明细", "原始评分", "加扣分"]
    rows = wb.get_sheet_by_name("汇总").to_python()
    header = rows[1]
    assert header[:3] == ["职位", "排名", "姓名"] and "总分" in header
    body = {r[2]: r for r in rows[2:6]}
    col = header.index("总分")
    assert D(str(body["张三"][col])) == D("83") and D(str(body["王五"][col])) == D("57")
    assert body["王五"][header.index("扣分（计入）")] == 5
    raw = wb.get_sheet_by_name("原始评分").to_python()
    assert any(r[0] == "乙评委" and r[2] == "李四" and "回避" in r[5] for r in raw[1:])
    # 3 rated by 甲 ×2 criteria... 4 candidates × 2 (甲) + 3 × 2 (乙) = 14 scores, plus 1 recusal row
    assert len(raw) - 1 == 15


def test_cli_prints_score_summary(db, admin, scored, tmp_path):
    path = db.path
    out = tmp_path / "cli.pdf"
    proc = subprocess.run([sys.executable, "-m", "villagevote", "print", "score-summary", "--db", str(path),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "张三" in "".join(pdf_text(out))


def test_unknown_scheme_option_is_a_clear_error(db, admin, scored, tmp_path):
    from villagevote.errors import NotFound
    with db.session() as s:
        with pytest.raises(NotFound, match="没有名为“不存在”的评分方案"):
            find_form("print", "score-summary").run(s, SYSTEM, tmp_path / "x.pdf", Options(extra={"scheme": "不存在"}))


def test_nothing_to_print_is_said_in_chinese(db, admin, tmp_path):
    from villagevote.errors import UserError

    with db.session() as s:
        world = build_world(s)
        sid = service.create_scheme(s, admin, scheme_dict(), cycle_id=world.cycle_id)
    with db.session() as s:
        with pytest.raises(UserError, match="还没有人选"):
            find_form("print", "score-summary").run(s, admin, tmp_path / "x.pdf", Options(extra={"scheme": str(sid)}))
        with pytest.raises(UserError, match="还没有人选"):
            find_form("print", "score-sheets").run(s, admin, tmp_path / "x.pdf", Options(extra={"scheme": str(sid)}))
    with db.session() as s:
        cids = qualified_secretaries(s, admin, world, ["张三"], dt.date(1970, 5, 2), 21)
        service.add_participants(s, admin, sid, list(cids.values()))
    with db.session() as s, pytest.raises(UserError, match="还没有评委"):
        find_form("print", "score-sheets").run(s, admin, tmp_path / "x.pdf", Options(extra={"scheme": str(sid)}))
