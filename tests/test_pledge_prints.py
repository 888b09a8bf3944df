"""Pledge prints: render PDFs and check the facts on each page by text extraction."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from villagevote.pledges.kinds import PledgeKind
from villagevote.pledges.templates import (
    PledgeFacts,
    TermGoalItem,
    build_context,
    load_default_templates,
    render,
)
from villagevote.reports.pdf.pledge import PledgePrint, pledge_pdf
from villagevote.reports.pdf.pledge_fonts import missing_glyphs
from villagevote.reports.pdf.pledge_notice import NoticeCandidate, NoticeGoal, pledge_notice_pdf

ELECTION = dt.date(2026, 3, 15)
ID_NUMBER = "330102199001011237"


def pages_text(data: bytes) -> list[str]:
    """Text of each page with all whitespace removed (table cells and drawn strings break lines arbitrarily)."""
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in reader.pages]


def facts(name: str = "王小明", **over) -> PledgeFacts:
    base = dict(name=name, gender="男", id_number=ID_NUMBER, birth_date=dt.date(1990, 1, 1), party_status="中共党员",
                village="东山村", township="城关镇", organization="东山村村民委员会", post="主任",
                cycle_label="第十二届", cycle_year=2026, election_day=ELECTION, printed_on=dt.date(2026, 3, 1))
    base.update(over)
    return PledgeFacts(**base)


def long_items(n: int) -> list[TermGoalItem]:
    return [TermGoalItem(f"清理第{i}号河塘及周边沟渠", "剿劣治水", f"清淤{i * 100}立方米", dt.date(2027, 6, 30), None)
            for i in range(1, n + 1)]


def test_short_pledge_prints_one_page_per_copy_with_signature_lines():
    tpl = load_default_templates()[PledgeKind.DISCIPLINE]
    rendered = render(tpl, build_context(facts()))
    pages = pages_text(pledge_pdf([PledgePrint(rendered, "东山村·王小明")]))
    assert len(pages) == 2  # 一式两份, one page each
    assert "第一联村级留存" in pages[0] and "第二联" not in pages[0]
    assert "第二联乡镇留存" in pages[1] and "第一联" not in pages[1]
    for page in pages:
        assert "东山村村级组织换届选举纪律承诺书" in page
        assert "本人王小明" in page
        assert "承诺人（签名）：" in page and "见证人（签名）：" in page and "签署日期：年月日" in page
        assert "330102********1237" in page and ID_NUMBER not in page


def test_long_items_table_flows_onto_a_second_page_per_copy():
    tpl = load_default_templates()[PledgeKind.TERM_GOALS]
    rendered = render(tpl, build_context(facts()), items=long_items(30))
    pages = pages_text(pledge_pdf([PledgePrint(rendered)]))
    assert len(pages) == 4  # two pages per copy
    first, second = pages[0], pages[1]
    assert "第一联" in first and "第一联" in second and "第二联" in pages[2] and "第二联" in pages[3]
    assert "清理第1号河塘" in first and "清理第30号河塘" not in first
    assert "清理第30号河塘" in second and "清淤3000立方米" in second
    assert second.count("目标项目") == 1  # the header row is repeated on the continuation page
    assert "承诺人（签名）：" in second and "承诺人（签名）：" not in first
    every_row = "".join(pages[:2])
    for i in range(1, 31):
        assert f"清理第{i}号河塘" in every_row


def test_batch_print_keeps_pledges_and_copies_apart():
    templates = load_default_templates()
    prints = [PledgePrint(render(templates[PledgeKind.DISCIPLINE], build_context(facts(name))), name)
              for name in ("王小明", "丁一")]
    pages = pages_text(pledge_pdf(prints))
    assert len(pages) == 4
    assert ["本人王小明" in p for p in pages] == [True, True, False, False]
    assert ["本人丁一" in p for p in pages] == [False, False, True, True]
    assert ["第一联" in p for p in pages] == [True, False, True, False]


def test_rare_characters_print_or_are_reported():
    tpl = load_default_templates()[PledgeKind.DISCIPLINE]
    rendered = render(tpl, build_context(facts("刘䶮")))
    pages = pages_text(pledge_pdf([PledgePrint(rendered)]))
    assert "本人刘䶮" in pages[0]  # Extension A is in the bundled font and is embedded
    assert missing_glyphs([rendered.text]) == []
    rare = render(tpl, build_context(facts("𠮷野")))
    assert missing_glyphs([rare.text]) == ["𠮷"]


def test_roman_numerals_print():
    """水质 classes are written with Roman numerals (Ⅲ类); they must print (as Ⅲ, or folded to III by a font
    without the glyph), never as an empty box."""
    item = [TermGoalItem("河塘治理", "剿劣治水", "水质达到Ⅲ类", dt.date(2027, 6, 30), Decimal("100"))]
    rendered = render(load_default_templates()[PledgeKind.TERM_GOALS], build_context(facts()), items=item)
    assert missing_glyphs([rendered.text]) == []
    text = pages_text(pledge_pdf([PledgePrint(rendered)]))[0]
    assert "水质达到Ⅲ类" in text or "水质达到III类" in text


def test_notice_orders_by_strokes_shows_goals_and_no_id_numbers():
    goal = NoticeGoal("清理河塘", "剿劣治水", "清理河塘3处", dt.date(2027, 6, 30))
    candidates = [
        NoticeCandidate("王小明", "东山村村民委员会", "主任", ("竞职承诺", "辞职承诺"), (goal,)),
        NoticeCandidate("方芳", "东山村村民委员会", "委员", ("竞职承诺",), ()),
        NoticeCandidate("丁一", "东山村党组织", "书记", ("竞职承诺",),
                        (NoticeGoal("安装路灯", "民生实事", "路灯20盏", dt.date(2026, 12, 31)),),
                        posts=(("东山村党组织", "书记"), ("东山村村民委员会", "委员"))),
        NoticeCandidate("刘䶮", "东山村党组织", "委员", (), ()),  # nothing signed: not posted
    ]
    data = pledge_notice_pdf(village="东山村", township="城关镇", cycle_label="2026年", candidates=candidates,
                             posted_from=dt.date(2026, 3, 5), posted_until=dt.date(2026, 3, 10),
                             issuer=["中共城关镇委员会", "东山村党组织"], term="第十二届")
    pages = pages_text(data)
    text = "".join(pages)
    assert "东山村村级组织换届候选人承诺公示" in text
    assert "2026年3月5日至2026年3月10日" in text and "东山村第十二届" in text
    expected = ["丁一", "王小明", "方芳"]  # 丁 2 strokes; 王 and 方 4 strokes, 王 starts with 横, 方 with 点
    positions = [text.index(name + "竞选职务") for name in expected]
    assert positions == sorted(positions)
    assert text.index("王小明竞选职务") < text.index("清理河塘3处") < text.index("方芳竞选职务")
    assert "路灯20盏" in text and "2026年12月31日" in text
    # one entry per person, with every post they stand for
    assert text.count("丁一竞选职务") == 1 and "丁一竞选职务：村党组织书记、村民委员会委员" in text
    assert "刘䶮" not in text and "尚未签订" not in text  # only signed pledges are posted
    # one seal line per body, never two bodies under one seal
    assert "中共城关镇委员会（盖章）" in text and "东山村党组织（盖章）" in text
    assert all(f"第{n}页共{len(pages)}页" in p for n, p in enumerate(pages, start=1))
    assert not re.search(r"\d{17}[\dX]", text) and "*" not in text


def test_notice_with_nothing_signed_is_refused():
    import pytest

    with pytest.raises(ValueError):
        pledge_notice_pdf(village="东山村", township="城关镇", cycle_label="2026年",
                          candidates=[NoticeCandidate("刘䶮", "东山村党组织", "委员")],
                          posted_from=dt.date(2026, 3, 5), posted_until=dt.date(2026, 3, 10), issuer="东山村党组织")


def test_page_numbers_count_each_copy_of_each_pledge():
    """"第 N 页 共 M 页" restarts for every copy of every pledge in a batch (never "第 118 页" on a one-sheet pledge)."""
    templates = load_default_templates()
    prints = [PledgePrint(render(templates[PledgeKind.DISCIPLINE], build_context(facts("丁一")))),
              PledgePrint(render(templates[PledgeKind.TERM_GOALS], build_context(facts()), items=long_items(30)))]
    pages = pages_text(pledge_pdf(prints))
    numbers = [re.search(r"第(\d+)页共(\d+)页", p).groups() for p in pages]  # type: ignore[union-attr]
    per_copy = len(pages[2:]) // 2
    assert numbers[:2] == [("1", "1"), ("1", "1")]
    assert numbers[2:] == [(str(n), str(per_copy)) for n in range(1, per_copy + 1)] * 2


def test_default_templates_name_village_and_cycle_once():
    """The organization already carries the village name and the cycle label the year: the sentence must not say
    东山村东山村 or 2026年2026年 (as a year-named cycle such as 2026年村级组织换届 renders)."""
    from villagevote.pledges.service import cycle_label
    f = facts(cycle_label=cycle_label("2026年村级组织换届"))
    for kind, tpl in load_default_templates().items():
        from villagevote.pledges.templates import ResignationTrigger
        text = render(tpl, build_context(f), items=long_items(1) if kind is PledgeKind.TERM_GOALS else None,
                      triggers=[ResignationTrigger("absence", "连续6个月以上不在岗")]).text
        assert "2026年2026年" not in text, kind
        assert "东山村东山村" not in text, kind
        assert "城关镇" in text or kind is PledgeKind.INTEGRITY or "东山村" in text, kind
