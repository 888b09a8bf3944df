"""Chinese typesetting of every printed form (issue 16 items 1, 2): the shared API in reports/pdf/base.py and
text.py, then every registry print form rendered from a small demo township and checked for
(a) fonts: every font a page (or a form XObject on it) references is embedded — no Helvetica;
(b) line breaking: no extracted line begins with closing punctuation or ends with opening punctuation;
(c) page numbers: footers "第 N 页 共 M 页" counted per document, N restarting for every village or person of a batch.
Forms whose owners have not adopted the API yet are marked xfail by name (``PENDING``) — remove the entry when fixed.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from villagevote.audit import Actor
from villagevote.models.enums import Role
from villagevote.reports.pdf import base
from villagevote.reports.pdf.base import (
    build_pdf,
    closing_block,
    cn_date,
    cn_number,
    continuation,
    document_break,
    grid_table,
    seal_line,
    styles,
    term_label,
    today_text,
)
from villagevote.reports.pdf.text import CANNOT_END, CANNOT_START, break_lines, markup
from villagevote.reports.registry import Options, forms_of

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
VILLAGE = "青溪村"
NOTICE_DAY = "2026-11-25"  # 25 days before the demo's election day (2026-12-20)
CLOSING = "，。、；：？！）》」』”’…"
FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")

# form -> why it does not pass yet (owner and what is missing); remove the entry when it is fixed.
PENDING: dict[str, str] = {}
# forms that carry no page numbers at all (a certificate or a ballot paper is one sheet)
NO_PAGE_NUMBERS = {"certificates", "ballots", "proxy-certificates", "voter-cards"}


# --- the API ------------------------------------------------------------------------------------------------------
def _pages(data: bytes | Path) -> list[str]:
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    return [page.extract_text() or "" for page in reader.pages]


def _footers(pages: list[str]) -> list[tuple[int, int] | None]:
    out: list[tuple[int, int] | None] = []
    for text in pages:
        found = FOOTER.findall(text)
        out.append((int(found[-1][0]), int(found[-1][1])) if found else None)
    return out


def _lines(pages: list[str]) -> list[str]:
    return [line.strip() for text in pages for line in text.splitlines() if line.strip()]


def _para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(markup(text, styles()[style].fontName), styles()[style])


def test_cn_date_term_label_and_numerals():
    assert cn_date(dt.date(2026, 11, 8)) == "2026年11月8日"
    assert cn_date(None) == ""
    assert today_text(dt.date(2026, 1, 2)) == "2026年1月2日"
    assert [cn_number(n) for n in (1, 10, 12, 20, 21, 100, 105, 110, 2026)] == [
        "一", "十", "十二", "二十", "二十一", "一百", "一百零五", "一百一十", "二千零二十六"]
    assert term_label(12) == "第十二届"
    assert term_label("第十二届村级组织换届") == "第十二届"
    assert term_label("第12届") == "第十二届"
    assert term_label("2026年村级组织换届") == ""
    assert term_label({"term_number": 11}) == "第十一届"
    assert term_label({"term_number": "第九届"}) == "第九届"
    assert term_label({}, "第三届") == "第三届"
    assert term_label(None) == ""

    class Cycle:
        def __init__(self, name: str, profile: dict) -> None:
            self.name = name
            self.profile = profile

    assert term_label(Cycle("2026年村级组织换届", {"term_number": 12, "proxy_cap": 3})) == "第十二届"
    assert term_label(Cycle("第十一届换届", {})) == "第十一届"
    assert term_label(Cycle("2026年换届", {})) == ""


def test_styles_follow_office_sizes():
    st = styles()
    assert st["title"].fontSize >= 20  # 二号 22 pt or close
    assert 12 <= st["body"].fontSize <= 14 and 12 <= st["formal"].fontSize <= 14
    assert min(s.fontSize for s in st.values()) >= 10
    assert all(s.textColor in (None, base.BLACK) or s.textColor.hexval() == "0x000000" for s in st.values())


def test_break_lines_never_starts_with_closing_nor_ends_with_opening_punctuation():
    text = ("本村共有选民197人，其中男100人、女97人；现予公布。“选民”（含委托）：如有异议，请于5日内提出！"
            "《村民委员会组织法》规定……书记、主任（兼）。") * 3
    for max_width in range(2, 30):
        lines = break_lines(text, lambda _k, _w: 1.0, [float(max_width)])
        assert "".join(text[s:e] for s, e, _u in lines) == text
        for n, (s, e, _u) in enumerate(lines):
            if n:
                assert text[s] not in CANNOT_START, (max_width, text[s:e])
            if e < len(text):
                assert text[e - 1] not in CANNOT_END, (max_width, text[s:e])
    # numbers and codes stay whole: "2026", "N3", "82.15"
    text = "本村共有选民2026人，涉黑涉恶受过处理不满3年（N3）；总分82.15分，ABC级。" * 2
    for max_width in range(6, 30):
        for _s, e, _u in break_lines(text, lambda _k, _w: 1.0, [float(max_width)])[:-1]:
            assert not (text[e - 1].isascii() and text[e].isascii()), (max_width, text[e - 3:e + 3])
            assert text[e] not in CANNOT_START and text[e - 1] not in CANNOT_END
    # digits stay together when a break before them is near
    lines = break_lines("共有选民 2026 人", lambda _k, _w: 1.0, [7.0])
    assert "共有选民 2026 人"[: lines[0][1]] == "共有选民 "


@pytest.mark.parametrize("mixed", [False, True], ids=["one-font", "mixed-fonts"])
def test_paragraphs_of_every_width_break_by_the_rules(mixed):
    """Both reportlab CJK paths (one font; several fonts through <font> tags, as text.py writes a rare
    character) follow the rules, at every width."""
    text = "依据《村民委员会组织法》，经审查，该同志符合条件；同意提名为候选人（主任）。" + ("䶮" if mixed else "")
    st = styles()["body_noindent"]
    for width in range(60, 400, 7):
        p = Paragraph(markup(text, st.fontName), st)
        p.wrap(width, 1000)
        lines = p.blPara.lines
        texts = []
        for line in lines:
            if p.blPara.kind == 0:
                texts.append("".join(line[1]))
            else:
                texts.append("".join(w.text for w in line.words))
        assert "".join(texts).replace(" ", "") == text
        for n, line in enumerate(texts):
            if n:
                assert line[:1] not in CANNOT_START, (width, texts)
            if n < len(texts) - 1:
                assert line[-1:] not in CANNOT_END, (width, texts)


def test_page_numbers_restart_per_document_and_no_blank_page():
    story = [document_break()]  # a break before the first document makes no blank page
    for n, lines in enumerate((60, 5, 130)):
        if n:
            story.append(document_break())
        story.append(_para(f"第{n + 1}份文件", "title"))
        story += [_para(f"第{n + 1}份文件的第{k}段，内容若干。") for k in range(lines)]
    story.append(document_break())  # a trailing break makes no blank page either
    out = build_pdf(io.BytesIO(), story, title="测试")
    pages = _pages(out.getvalue())
    footers = _footers(pages)
    assert None not in footers
    docs: list[list[tuple[int, int]]] = []
    for f in footers:
        if f[0] == 1:
            docs.append([])
        docs[-1].append(f)
    assert len(docs) == 3
    for doc in docs:
        assert [n for n, _m in doc] == list(range(1, len(doc) + 1))
        assert {m for _n, m in doc} == {len(doc)}
    assert len(docs[1]) == 1 and len(docs[0]) > 1 and len(docs[2]) > 1


def test_no_page_numbers_when_asked():
    out = build_pdf(io.BytesIO(), [_para("当选证书")], title="证书", page_numbers=False)
    assert not FOOTER.search(_pages(out.getvalue())[0])


def test_continuation_pages_repeat_title_and_group():
    story: list = []
    for group in ("第1村民小组", "第2村民小组"):
        story.append(continuation("青溪村选民名单公告", group))
        story.append(_para(group, "heading"))
        story += [_para(f"{group}选民{k}号") for k in range(70)]
    pages = _pages(build_pdf(io.BytesIO(), story, title="选民名单公告").getvalue())
    assert len(pages) >= 4
    assert "（续）" not in pages[0]
    assert "青溪村选民名单公告　第1村民小组（续）" in pages[1]
    assert any("第2村民小组（续）" in p for p in pages[2:])
    assert not any("第1村民小组（续）" in p for p in pages if "第2村民小组选民" in p and "第1村民小组选民" not in p)


def _closing_story(rows: int, extra_space: float) -> list:
    table = grid_table([["序号", "姓名"]] + [[str(k), f"姓名{k}号"] for k in range(1, rows + 1)], [30 * mm, 60 * mm])
    return [Spacer(1, extra_space), table, Spacer(1, 6 * mm),
            closing_block(seal_line("青溪村村民选举委员会"), _para(cn_date(dt.date(2026, 11, 18)), "right"))]


def test_a_seal_never_lands_alone_on_a_page():
    """Whatever the length of the table above, the seal and date share their page with the table's last row, and
    at most a row or two moves: no half page left blank."""
    for rows in range(30, 46):
        for extra in (0, 9, 21):
            pages = _pages(build_pdf(io.BytesIO(), _closing_story(rows, extra * mm), title="公告").getvalue())
            seal_page = next(p for p in pages if "盖章" in p)
            assert f"姓名{rows}号" in seal_page, (rows, extra, len(pages))
            if len(pages) == 2:  # what moved over is the tail of the table, not the whole table
                assert "姓名1号" in pages[0] and "姓名2号" in pages[0]


def test_closing_block_keeps_a_paragraph_and_a_kept_group_above():
    for lines in range(20, 40):
        story = [_para("公告正文。" * 8) for _k in range(lines)] + [
            _para("特此公告。"), closing_block(seal_line("青溪村村民委员会"))]
        pages = _pages(build_pdf(io.BytesIO(), story, title="公告").getvalue())
        assert "特此公告" in next(p for p in pages if "盖章" in p), lines
    for rows in range(28, 40, 3):
        kept = KeepTogether([_para("汇总", "heading"), Table([[str(k)] for k in range(8)])])
        story = [Table([[f"行{k}"] for k in range(rows)]), kept, closing_block(seal_line("某某"))]
        pages = _pages(build_pdf(io.BytesIO(), story, title="公告").getvalue())
        assert "汇总" in next(p for p in pages if "盖章" in p), rows


def test_build_pdf_embeds_every_font_digits_included(tmp_path):
    story = [_para("2026年换届 ABC xyz 123 “引号” ‘单引’ — … ％ ① 䶮", "body"),
             Table([[1, 2.5, "三"]]), Paragraph("plain Latin 0123", styles()["small"])]
    path = build_pdf(tmp_path / "x.pdf", story, title="字体", footer="测试镇 123", stamp="未确认", watermark="样票")
    assert _unembedded_fonts(path) == []
    assert "Helvetica" not in path.read_bytes().decode("latin-1")


# --- every registry print form ------------------------------------------------------------------------------------
def _unembedded_fonts(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    bad: set[str] = set()

    def descriptor_embedded(font) -> bool:
        if font.get("/Subtype") == "/Type0":
            return all(descriptor_embedded(d.get_object()) for d in font["/DescendantFonts"])
        desc = font.get("/FontDescriptor")
        if desc is None:
            return False
        desc = desc.get_object()
        return any(key in desc for key in ("/FontFile", "/FontFile2", "/FontFile3"))

    def visit(resources, seen: set[int]) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            if not descriptor_embedded(font):
                bad.add(str(font.get("/BaseFont")))
        for ref in (resources.get("/XObject") or {}).values():
            xobj = ref.get_object()
            key = id(xobj)
            if key not in seen and xobj.get("/Subtype") == "/Form":
                seen.add(key)
                visit(xobj.get("/Resources"), seen)

    for page in reader.pages:
        visit(page.get("/Resources"), set())
    return sorted(bad)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from villagevote.demo import build_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(tmp_path_factory.mktemp("home")))
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        build_demo(path, villages=2, voters_per_village=40, seed=1)
    with sqlite3.connect(path) as conn:
        pledge = conn.execute("SELECT id FROM pledge WHERE status = 'signed' ORDER BY id").fetchone()[0]
        official = conn.execute("SELECT id FROM contest WHERE official = 1 ORDER BY id").fetchone()[0]
        villages = [r[0] for r in conn.execute("SELECT name FROM village ORDER BY id")]
    return {"path": path, "pledge": pledge, "official": official, "villages": villages, "pdfs": {}}


def _options(name: str, module: str, demo: dict) -> Options:
    """What each form needs to print something; batches where a form makes them (all villages' voter notices,
    one village's pledges person by person)."""
    if name == "voter-notice":
        return Options(extra={"date": NOTICE_DAY})  # every village: a batch
    if name == "pledge":
        return Options(village=VILLAGE, extra={"pledge": str(demo["pledge"])})
    if module.endswith("forms_elections"):
        return Options(village=VILLAGE, contest_id=demo["official"])
    return Options(village=VILLAGE)


def _render(demo: dict, name: str) -> Path:
    from villagevote.database import open_database
    from villagevote.reports.registry import find_form, produce

    if name not in demo["pdfs"]:
        form = find_form("print", name)
        out = demo["path"].parent / f"{name}.pdf"
        db = open_database(demo["path"], single_instance=False)
        try:
            with db.session() as s:
                produce(s, ADMIN, form, out, _options(name, form.run.__module__, demo))
        finally:
            db.dispose()
        demo["pdfs"][name] = out
    return demo["pdfs"][name]


def _cases() -> list:
    return [pytest.param(f.name, id=f.name,
                         marks=[pytest.mark.xfail(strict=False, reason=PENDING[f.name])] if f.name in PENDING else [])
            for f in forms_of("print")]


@pytest.mark.parametrize("name", _cases())
def test_every_font_is_embedded(demo, name):
    path = _render(demo, name)
    assert _unembedded_fonts(path) == [], f"{name}: fonts referenced but not embedded"


@pytest.mark.parametrize("name", _cases())
def test_no_line_begins_with_closing_punctuation(demo, name):
    lines = _lines(_pages(_render(demo, name)))
    starts = [line for line in lines if line[0] in CLOSING]
    assert not starts, f"{name}: lines beginning with closing punctuation: {starts[:5]}"
    ends = [line for line in lines if line[-1] in "（《「『“‘"]
    assert not ends, f"{name}: lines ending with opening punctuation: {ends[:5]}"


@pytest.mark.parametrize("name", _cases())
def test_page_numbers_count_each_document(demo, name):
    footers = _footers(_pages(_render(demo, name)))
    if name in NO_PAGE_NUMBERS and not any(footers):
        return
    assert None not in footers, f"{name}: pages without '第 N 页 共 M 页': {footers}"
    docs: list[list[tuple[int, int]]] = []
    for footer in footers:
        assert footer is not None
        if footer[0] == 1 or not docs:
            docs.append([])
        docs[-1].append(footer)
    for doc in docs:
        assert doc == [(k, len(doc)) for k in range(1, len(doc) + 1)], f"{name}: numbering {footers}"


def test_a_batch_restarts_numbering_per_village(demo):
    """The voter notice of every village: each village's notice starts at 第 1 页 and says how many it has."""
    path = _render(demo, "voter-notice")
    pages = _pages(path)
    footers = _footers(pages)
    firsts = [i for i, f in enumerate(footers) if f and f[0] == 1]
    assert len(firsts) == len(demo["villages"]) >= 2, footers
    assert {v for i in firsts for v in demo["villages"] if v in pages[i]} == set(demo["villages"])


def test_column_widths_keep_header_words_whole_and_two_line_headers():
    from villagevote.reports.pdf.base import cell_table, column_widths

    rows = [["序号", "姓名", "服务中心工作\n（权重60）", "综合素质（权重15）", "说明"],
            ["1", "姜鑫鑫", "82.50", "81.60", "总分 82.15 不低于最低分 60；第 1 名，在前 1 名内" * 2]]
    total = 170 * mm
    widths = column_widths(rows, total)
    assert abs(sum(widths) - total) < 0.01
    header = cell_table(rows, widths)._cellvalues[0]
    for c, cell in enumerate(header):
        para = cell[0] if isinstance(cell, (list, tuple)) else cell
        para.wrap(widths[c] - 12, 100)
        lines = len(para.blPara.lines)
        assert lines == (2 if c == 2 else 1), (rows[0][c], lines)
    assert widths[4] == max(widths)  # the long body text takes what is left
    narrow = column_widths(rows, 40 * mm)  # not even the headers fit: scaled down, still the whole width
    assert abs(sum(narrow) - 40 * mm) < 0.01


def test_a_character_no_font_has_prints_blank_and_is_reported():
    from villagevote.reports.pdf.text import missing_glyphs, printable

    assert missing_glyphs(["王𠮷明", "䶮"]) == ["𠮷"]
    assert printable("王𠮷明") == "王\u3000明"
    pages = _pages(build_pdf(io.BytesIO(), [_para("姓名：王𠮷明"), _para("无（　）　有（　）")], title="x").getvalue())
    assert "𠮷" not in pages[0]
    # the blank left for handwriting and the authored ideographic spaces keep their width
    st = styles()["body_noindent"]
    assert _width(markup("王　明", st.fontName)) >= _width(markup("王明", st.fontName)) + st.fontSize * 0.9


def _width(markup_text: str) -> float:
    """The width of the first line of a paragraph (body style) set in 400 pt."""
    p = Paragraph(markup_text, styles()["body_noindent"])
    p.wrap(400, 100)
    line = p.blPara.lines[0]
    return 400 - (line[0] if p.blPara.kind == 0 else line.extraSpace)
