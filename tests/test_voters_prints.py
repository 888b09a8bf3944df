"""Voter prints checked by text extraction: 选民名单公告, 委托投票名单, 选民证; the register export and template."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import python_calamine
from pypdf import PdfReader
from sqlalchemy import select

from tests.test_voters_import import make_id, people, write_list
from villagevote.errors import ValidationError
from villagevote.names import sort_by_strokes
from villagevote.reports.pdf.voter_cards import VillageCards, VoterCard, voter_cards_pdf
from villagevote.reports.pdf.voter_notice import (
    CHUNK_ROWS,
    PER_LINE,
    NoticeGroup,
    NoticeVoter,
    VillageNotice,
    voter_notice_pdf,
)
from villagevote.reports.registry import Options, find_form


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_notice_lists_every_voter_grouped_with_counts_in_stroke_order(tmp_path):
    names_1 = ["王毅", "丁一", "张三", "王沪宁", "李四", "马兰"]
    names_2 = ["赵六", "于敏"]
    notice = VillageNotice(
        village="青山村", township="清河镇", cycle_label="第十二届", election_day=dt.date(2026, 12, 20),
        published_on=dt.date(2026, 11, 30), objection_deadline=dt.date(2026, 12, 5),
        groups=[NoticeGroup("第一村民小组", [NoticeVoter(n, "女" if n in ("马兰",) else "男") for n in names_1]),
                NoticeGroup("第二村民小组", [NoticeVoter(n, "男") for n in names_2])])
    out = voter_notice_pdf([notice], tmp_path / "n.pdf")
    text = compact(pdf_text(out))
    assert "青山村第十二届村民委员会选举" in text and "选民名单公告" in text
    assert "本村共有选民8人" in text
    assert "2026年12月5日前" in text and "2026年12月20日" in text
    assert "第一村民小组（共6人，其中男5人、女1人）" in text
    assert "第二村民小组（共2人，其中男2人、女0人）" in text
    # names in 姓氏笔画 order within the group (the names module is the reference)
    positions = [text.index(n) for n in sort_by_strokes(names_1)]
    assert positions == sorted(positions)
    assert text.index("王毅") < text.index("王沪宁")  # shorter name first within one surname
    # summary table: group, total, men, women, then 合计
    assert "第一村民小组651" in text and "第二村民小组220" in text and "合计871" in text
    assert "青山村村民选举委员会（盖章）" in text


def test_long_registers_are_cut_into_page_sized_tables(tmp_path):
    from villagevote.reports.pdf import voter_notice as vn
    voters = [NoticeVoter(f"张{chr(0x4E00 + i)}{chr(0x4E00 + i * 7 % 500)}", "男") for i in range(3000)]
    notice = VillageNotice("大村", "镇", "第十二届", dt.date(2026, 12, 20), dt.date(2026, 11, 30), dt.date(2026, 12, 5),
                           [NoticeGroup("第一组", voters)])
    tables = vn._group_tables(notice.groups[0], "Helvetica", None)
    assert len(tables) == -(-3000 // (PER_LINE * CHUNK_ROWS))
    assert all(len(t._cellvalues) <= CHUNK_ROWS for t in tables)
    out = voter_notice_pdf([notice], tmp_path / "big.pdf")
    assert compact(pdf_text(out)).count("张") == 3000


def test_cards_and_proxy_list_render_their_facts(tmp_path):
    from villagevote.reports.pdf.proxy_list import ProxyLine, VillageProxyList, proxy_list_pdf
    cards = [VoterCard("001-000010", "张三", "男", "第2组"), VoterCard("001-000011", "丁一", "女", "第10组"),
             VoterCard("001-000012", "王五", "男", "第2组")]
    out = voter_cards_pdf([VillageCards("青山村", "清河镇", "第十二届", dt.date(2026, 12, 20), cards)], tmp_path / "c.pdf")
    text = compact(pdf_text(out))
    assert text.count("选民证清河镇") == 3 and "001-000011" in text and "2026年12月20日" in text
    assert "青山村选民证第1页共1页" in text
    assert text.index("王五") < text.index("张三") < text.index("丁一")  # group 2 before group 10, then strokes
    lines = [ProxyLine("张妻", "第1组", "张三", "第1组", "配偶", dt.date(2026, 12, 1))]
    out = proxy_list_pdf([VillageProxyList("青山村", "清河镇", "第十二届", dt.date(2026, 12, 20), dt.date(2026, 12, 15), 2,
                                           lines)], tmp_path / "p.pdf")
    text = compact(pdf_text(out))
    assert "委托投票名单公告" in text and "张妻第1组张三第1组配偶2026年12月1日" in text
    assert "不超过2人" in text


def test_cli_forms_over_the_register(db, admin, township, tmp_path):
    from villagevote.models.enums import VoterStatus
    from villagevote.models.voters import Voter
    from villagevote.voters import register as reg
    from villagevote.voters.importer import import_file
    east, west, _ = township.village_ids
    rows = people(12)
    rows[0][0] = "故人"
    young = [["少年", make_id(dt.date(2010, 1, 1), 77), "第1村民小组"]]
    with db.session() as s:  # never reaches the register, so never the notice
        assert import_file(s, admin, write_list(tmp_path / "y.xlsx", young), township.cycle_id, east).under_age == 1
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "e.xlsx", rows), township.cycle_id, east)
        gone = s.scalar(select(Voter.id).where(Voter.name == rows[0][0]))
        reg.remove_voter(s, admin, gone, VoterStatus.DECEASED, "病故", dt.date(2026, 10, 1), today=dt.date(2026, 11, 1))
    form = find_form("print", "voter-notice")
    with db.session() as s:
        out = form.run(s, admin, tmp_path / "notice.pdf", Options(village="东村", extra={"date": "2026-11-30"}))
    text = compact(pdf_text(out))
    assert "本村共有选民11人" in text  # 12 imported, one deceased
    assert rows[0][0] not in text and "少年" not in text
    assert not any(r[1] in text or r[1][:6] + "********" in text for r in rows)  # no ID numbers at all
    assert "2026年12月5日前" in text
    # the same ID registered in 西村 too: the notice of either village is refused
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "w.xlsx", [rows[3]]), township.cycle_id, west)
    for village in ("东村", "西村"):
        with pytest.raises(ValidationError, match="两个村"):
            with db.session() as s:
                form.run(s, admin, tmp_path / "x.pdf", Options(village=village))
    # the export carries full ID numbers as text; the readonly role may not export
    export = find_form("export", "voters")
    assert export.sensitive
    with db.session() as s:
        xlsx = export.run(s, admin, tmp_path / "voters.xlsx", Options(village="东村"))
    sheet = python_calamine.CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    ids = {r[6] for r in sheet[2:]}
    assert rows[5][1] in ids and all(isinstance(i, str) for i in ids)


def test_template_round_trips_through_the_importer(db, admin, township, tmp_path):
    import openpyxl

    from villagevote.voters.workbook import read_voter_workbook
    with db.session() as s:
        path = find_form("export", "voter-template").run(s, admin, tmp_path / "t.xlsx", Options(village="东村"))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(row=3, column=1, value="张三")
    ws.cell(row=3, column=2, value=make_id(dt.date(1980, 1, 2), 11))
    ws.cell(row=3, column=5, value="第2村民小组")
    ws.cell(row=3, column=6, value="户籍在本村不在本村居住")
    wb.save(path)
    parsed = read_voter_workbook(path, today=dt.date(2026, 11, 1))
    assert parsed.ok, parsed.error_summary()
    assert [(r.name, r.group, r.category.value) for r in parsed.rows] == [("张三", "第2村民小组", "registered_away")]
