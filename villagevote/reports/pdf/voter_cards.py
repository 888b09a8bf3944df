"""选民证: voter cards printed eight to an A4 sheet, with dashed cut lines.

Each card: title, township/village and round, card number, name, gender, 村民小组, election day and the election
committee's seal line. Cards are drawn straight on the canvas (no platypus layout), so a township's 50,000 cards
print in seconds. No ID numbers are printed. Cards come in print order — by 村民小组, then 姓氏笔画 — and their numbers
run in that order (村编码-序号), so a cut stack can be checked and handed out in sequence. Every glyph, digits
included, comes from an embedded face (``reports.pdf.text``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import cn_date
from villagevote.reports.pdf.text import draw_text, string_width
from villagevote.reports.pdf.voter_common import plain_ok
from villagevote.voters.groups import group_sort_key

__all__ = ["CARDS_PER_PAGE", "VillageCards", "VoterCard", "voter_cards_pdf"]

COLS, ROWS = 2, 4
CARDS_PER_PAGE = COLS * ROWS
CARD_W = 85 * mm
CARD_H = 62 * mm


@dataclass(frozen=True)
class VoterCard:
    number: str  # card number in print order, e.g. 001-0001
    name: str
    gender: str
    group: str


@dataclass
class VillageCards:
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    cards: list[VoterCard] = field(default_factory=list)
    issuer: str = ""
    presorted: bool = False  # cards already by group, then 姓氏笔画


def _draw_mixed(c: Canvas, x: float, y: float, text: str, font: str, size: float, centred: bool = False) -> None:
    """Draw ``text``, each character in an embedded face that has it (straight in ``font`` when it has them all:
    50,000 cards)."""
    if not centred and plain_ok(text, font):
        c.setFont(font, size)
        c.drawString(x, y, text)
        return
    draw_text(c, x, y, text, size, "center" if centred else "left", font)


def _draw_template(c: Canvas, fonts, issuer: str, subtitle: str, election: str) -> None:
    """The parts every card of a village shares, drawn once as a form XObject at the origin."""
    top = CARD_H
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.8)
    c.rect(3 * mm, 3 * mm, CARD_W - 6 * mm, CARD_H - 6 * mm)
    _draw_mixed(c, CARD_W / 2, top - 14 * mm, tr("选 民 证"), fonts.heading, 18, centred=True)
    size = 10.5  # as large as the card's width allows (a long township and cycle name shrinks it, not below 8)
    while size > 8 and string_width(subtitle, size, fonts.body) > CARD_W - 14 * mm:
        size -= 0.5
    _draw_mixed(c, CARD_W / 2, top - 20 * mm, subtitle, fonts.body, size, centred=True)
    left = 8 * mm
    _draw_mixed(c, left, top - 28 * mm, tr("姓名："), fonts.body, 12)
    _draw_mixed(c, CARD_W - 30 * mm, top - 28 * mm, tr("性别："), fonts.body, 12)
    _draw_mixed(c, left, top - 35 * mm, tr("村民小组："), fonts.body, 10.5)
    _draw_mixed(c, left, top - 41 * mm, tr("编号："), fonts.body, 10.5)
    _draw_mixed(c, left, top - 47 * mm, tr("选举日：{day}").format(day=election), fonts.body, 10.5)
    seal = issuer + tr("（盖章）")
    draw_text(c, CARD_W - 8 * mm, 8 * mm, seal, 9, "right", fonts.body)


@lru_cache(maxsize=8)
def _label_widths(font: str) -> tuple[float, float, float, float]:
    """Widths of the labels the filled-in values follow (姓名：, 性别：, 村民小组：, 编号：)."""
    return (string_width(tr("姓名："), 12, font), string_width(tr("性别："), 12, font),
            string_width(tr("村民小组："), 10.5, font), string_width(tr("编号："), 10.5, font))


def _draw_card(c: Canvas, x: float, y: float, card: VoterCard, form: str, fonts) -> None:
    c.saveState()
    c.translate(x, y)
    c.doForm(form)
    c.restoreState()
    top = y + CARD_H
    left = x + 8 * mm
    name_w, gender_w, group_w, number_w = _label_widths(fonts.body)
    _draw_mixed(c, left + name_w, top - 28 * mm, card.name, fonts.body, 12)
    _draw_mixed(c, x + CARD_W - 30 * mm + gender_w, top - 28 * mm, card.gender, fonts.body, 12)
    _draw_mixed(c, left + group_w, top - 35 * mm, card.group, fonts.body, 10.5)
    _draw_mixed(c, left + number_w, top - 41 * mm, card.number, fonts.body, 10.5)


def _cut_lines(c: Canvas, x0: float, y0: float) -> None:
    c.saveState()
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.3)
    c.setDash(3, 3)
    for col in range(COLS + 1):
        x = x0 + col * CARD_W
        c.line(x, y0 - 4 * mm, x, y0 + ROWS * CARD_H + 4 * mm)
    for row in range(ROWS + 1):
        y = y0 + row * CARD_H
        c.line(x0 - 4 * mm, y, x0 + COLS * CARD_W + 4 * mm, y)
    c.restoreState()


def voter_cards_pdf(villages: Sequence[VillageCards], out: Path | str) -> Path:
    """Render voter cards of one or more villages; each village starts on a new sheet. Cards are ordered by group,
    then surname strokes."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fonts = pdf_fonts()
    # the page preamble's font is the bundled face (reportlab's default, Helvetica, is never embedded)
    c = Canvas(str(out), pagesize=A4, initialFontName=fonts.body, initialFontSize=10)
    c.setTitle(tr("选民证"))
    c.setAuthor("villagevote")
    page_w, page_h = A4
    x0 = (page_w - COLS * CARD_W) / 2
    y0 = (page_h - ROWS * CARD_H) / 2
    page = 0
    for index, village in enumerate(villages):
        issuer = village.issuer or tr("{village}村民选举委员会").format(village=village.village)
        subtitle = tr("{township}{village}{cycle}村民委员会选举").format(
            township=village.township, village=village.village, cycle=village.cycle_label)
        form = f"card{index}"
        c.beginForm(form, lowerx=0, lowery=0, upperx=CARD_W, uppery=CARD_H)
        _draw_template(c, fonts, issuer, subtitle, cn_date(village.election_day))
        c.endForm()
        cards = village.cards if village.presorted else sorted(
            village.cards, key=lambda card: (group_sort_key(card.group), stroke_key(card.name)))
        sheets = -(-len(cards) // CARDS_PER_PAGE)
        for start in range(0, len(cards), CARDS_PER_PAGE):
            if page:
                c.showPage()
            page += 1
            _cut_lines(c, x0, y0)
            for i, card in enumerate(cards[start:start + CARDS_PER_PAGE]):
                col, row = i % COLS, i // COLS
                _draw_card(c, x0 + col * CARD_W, y0 + (ROWS - 1 - row) * CARD_H, card, form, fonts)
            _draw_mixed(c, page_w / 2, 8 * mm, tr("{village}选民证 第 {p} 页 共 {n} 页 · 沿虚线裁开").format(
                village=village.village, p=start // CARDS_PER_PAGE + 1, n=sheets), fonts.body, 9, centred=True)
    if page == 0:
        _draw_mixed(c, page_w / 2, page_h / 2, tr("（没有选民证可打印）"), fonts.body, 14, centred=True)
    c.save()
    return out
