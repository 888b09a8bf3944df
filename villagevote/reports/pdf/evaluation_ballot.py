"""民主评议票 (issue 18 item 7, tracking.md A7): the numbered ballots of one 评议 session, portrait A4, black and white.

Each ballot: the title (village, year, kind), its number (No. 270101 … from the session's first ballot number), the
meeting, a grid of the cadres rated (姓名, 职务, then one drawn tick box per choice of the session's scale, best first),
a box for 意见建议 and the 填票说明 (12 pt; never under 10.5 pt). As many ballots as fit go on a page (measured), with
a dashed cut line between two ballots of the same page (none at a page's top); a ballot never splits across pages.
One document per session (page numbers restart).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.reports.pdf.base import cell_table, documents, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_common import build_tracking_pdf, frame_width
from villagevote.reports.pdf.tracking_supervision import CutLine

__all__ = ["BallotSet", "ballots_pdf"]

INSTRUCTION_SIZE = 12   # 填票说明: ≥ 10.5 pt (DESIGN: instructions readable by older voters)


@dataclass(frozen=True)
class BallotSet:
    """The ballots of one session."""
    township: str
    village: str
    year: int
    kind_label: str       # 村述民评
    meeting_label: str    # 村民代表会议
    scale: list[str]      # best first
    cadres: list[tuple[str, str]]   # (姓名, 职务), posts then surname strokes
    numbers: list[int | None]       # one per ballot; None: no number assigned (a blank to fill by hand)
    held_on_text: str     # 2027年12月3日 ("" when not known)


class TickBox(Flowable):
    """The square a voter ticks: drawn, 5 mm, not a font glyph (which prints tiny in the body face)."""

    SIZE = 5 * mm

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = self.SIZE
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.SIZE, self.SIZE

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.SIZE, self.SIZE)


def _title(b: BallotSet) -> str:
    return tr("{village}{year}年度村干部述职述诺民主评议票（{kind}）").format(village=b.village, year=b.year,
                                                                   kind=b.kind_label)


def _ballot(b: BallotSet, number: int | None, width: float) -> list[Flowable]:
    st = styles()
    number_text = tr("No. {n}").format(n=f"{number:06d}") if number is not None else tr("No. ________")
    head = Table([[para(_title(b), st["heading"]), para(number_text, st["right"])]],
                 colWidths=[width - 40 * mm, 40 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    meeting = tr("{meeting}　{day}").format(meeting=b.meeting_label, day=b.held_on_text or tr("____年__月__日"))
    name_w, post_w = 26 * mm, 30 * mm
    choice_w = (width - name_w - post_w) / max(len(b.scale), 1)
    rows: list[list[object]] = [[tr("姓名"), tr("职务"), *b.scale]]
    for name, post in b.cadres:
        rows.append([name, post, *(TickBox() for _ in b.scale)])
    grid = cell_table(rows, [name_w, post_w, *([choice_w] * len(b.scale))], font_size=12, repeat_header=False)
    grid.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 4)]))
    remarks = Table([[para(tr("意见建议："), st["small"])]], colWidths=[width], rowHeights=[16 * mm])
    remarks.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    size = INSTRUCTION_SIZE
    style = st["small"].clone("ballot_instructions", fontSize=size, leading=size * 1.4)
    note = tr("填票说明：1. 请在每位被评议人对应的一栏方框内划“√”，每人只能划一个；2. 不划或多划的，"
              "对该人的评议按空白票计；3. 本票不记名，请勿在票面上书写与评议无关的内容；4. 当场投票，当场公开计票。")
    return [head, para(meeting, st["small"]), Spacer(1, 1.5 * mm), grid, Spacer(1, 1.5 * mm), remarks,
            Spacer(1, 1 * mm), para(note, style)]


def _height(flowables: list[Flowable], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def _set_story(b: BallotSet, width: float, frame_height: float) -> list[Flowable]:
    """The ballots as many to a page as fit, a cut line between two ballots on the same page only."""
    if not b.numbers:
        return []
    ballot_h = _height(_ballot(b, b.numbers[0], width), width)
    cut_h = _height([CutLine(tr("（沿此线剪开）"))], width)
    per_page = max(1, int((frame_height + cut_h) // (ballot_h + cut_h)))
    story: list[Flowable] = []
    for i, number in enumerate(b.numbers):
        if i and i % per_page == 0:
            story.append(PageBreak())
        elif i:
            story.append(CutLine(tr("（沿此线剪开）")))
        story.append(KeepTogether(_ballot(b, number, width)))
    return story


MARGINS = dict(topMargin=14 * mm, bottomMargin=16 * mm)


def ballots_pdf(out: Path | str, sets: Sequence[BallotSet]) -> Path:
    width = frame_width(False)
    # the frame's height less its paddings (6 pt above and below) and 2 mm to spare
    frame_height = A4[1] - MARGINS["topMargin"] - MARGINS["bottomMargin"] - 12 - 2 * mm
    story = documents(_set_story(b, width, frame_height) for b in sets)
    return build_tracking_pdf(out, story, title=tr("民主评议票"), landscape_pages=False, margins=MARGINS)
