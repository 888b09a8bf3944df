"""选票: the ballot paper for one contest (one page per copy), sample (样票 watermark) or official."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepTogether

from villagevote.elections.records import ContestView
from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import MARGINS, PAGE, Spacer, build_pdf, cell_table, mm, styles
from villagevote.reports.pdf.result_report import closing, date_text, doc_break
from villagevote.reports.pdf.text import para

INSTRUCTION_PT = 11  # at least 10.5 pt (五号) for elderly voters

BOX = ""  # an empty bordered cell; the CJK font has no box glyph


def ballot_title(contest: ContestView) -> str:
    return tr("{title}选票").format(title=contest.title)


def instructions(contest: ContestView) -> list[str]:
    lines = [
        tr("在候选人姓名后的“同意”“不同意”“弃权”三栏中选一栏画“〇”，每人只能画一处，不画视为弃权。"),
        tr("不同意候选人而想选其他人的，在“另选他人”栏写上其姓名，并在同一行“同意”栏内画“〇”。"),
        tr("每一职务所选的人数（画“同意”的候选人加另选他人）不得多于应选名额，多于应选名额的，该职务的选票无效。"),
        tr("书写模糊无法辨认或不按规定符号填写的部分无效。"),
    ]
    if contest.mode == "自荐直选":
        lines[0] = tr("本次选举不设候选人，请在各职务的空格内写上您所选的人的姓名，并在同一行“同意”栏内画“〇”。")
        lines[2] = tr("每一职务所写的人数不得多于应选名额，多于应选名额的，该职务的选票无效。")
        lines.pop(1)
    if len(contest.posts) > 1:
        lines.append(tr("同一人只能在一个职务中选择；同一人在多个职务被选时，只计较高职务的票。"))
    return lines


def _post_block(contest: ContestView, post_index: int, keep_together: bool = True) -> list:
    st = styles()
    post = contest.posts[post_index]
    head = tr("{post}（应选 {n} 名）").format(post=post.post, n=post.seats)
    if post.women_seats:
        head += tr("，其中妇女不少于 {w} 名").format(w=post.women_seats)
    free = contest.mode == "自荐直选"
    name_head = tr("所选人姓名") if free else tr("候选人姓名")
    rows: list[list[object]] = [[tr("序号"), name_head, tr("同意"), tr("不同意"), tr("弃权")]]
    cands = [] if free else sorted(contest.candidates_for(post.post), key=lambda c: c.order)
    for i, cand in enumerate(cands, start=1):
        rows.append([str(i), cand.label, BOX, BOX, BOX])  # 王伟（男，1975年生） when two people share the name
    for i in range(post.seats):
        rows.append([str(i + 1) if free else tr("另选他人"), "", BOX, "—", "—"])
    # black and white: no tinted rows or header (header_rows=0: the header is a row of plain cells)
    table = cell_table(rows, [24 * mm, 58 * mm, 26 * mm, 26 * mm, 26 * mm], font_size=12, header_rows=0)
    table.setStyle([("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 4)])
    heading = ParagraphStyle("ballot_post", parent=st["heading"], spaceBefore=2 * mm, spaceAfter=1.5 * mm)
    block = [para(head, heading), table]
    return [KeepTogether(block)] if keep_together else block


def ballot_story(contest: ContestView, sample: bool, keep_together: bool = True) -> list:
    st = styles()
    title = ParagraphStyle("ballot_title", parent=st["title"], spaceAfter=2 * mm)
    story: list = [para(ballot_title(contest), title)]
    if contest.held_on:
        story.append(para(tr("选举日期：{d}").format(d=date_text(contest)), st["right"]))
    story.append(para(tr("填写说明"), ParagraphStyle("ballot_head", parent=st["heading"], spaceBefore=1 * mm,
                                                 spaceAfter=1 * mm)))
    note = ParagraphStyle("ballot_note", parent=st["small"], fontSize=INSTRUCTION_PT, leading=INSTRUCTION_PT * 1.4)
    for i, line in enumerate(instructions(contest), start=1):
        story.append(para(f"{i}. {line}", note))
    for idx in range(len(contest.posts)):
        story.extend(_post_block(contest, idx, keep_together))
    story.append(Spacer(1, 3 * mm))
    seal = tr("{village}村民选举委员会（盖章）").format(village=contest.village) if contest.body == "village_committee" \
        else tr("{village}党员大会选举（监票人签章）").format(village=contest.village)
    seal_line = para(seal, st["right"])
    story.append(closing(seal_line) if keep_together else seal_line)  # the fast path draws into one frame
    return story


def _render_copies_fast(contest: ContestView, out: Path, copies: int) -> bool:
    """Lay the ballot out once as a PDF form object and place it on ``copies`` pages (fast for thousands).
    Returns False when the ballot does not fit on one page (the caller then lays out every copy)."""


    width, height = PAGE
    frame = Frame(MARGINS["leftMargin"], MARGINS["bottomMargin"],
                  width - MARGINS["leftMargin"] - MARGINS["rightMargin"],
                  height - MARGINS["topMargin"] - MARGINS["bottomMargin"], leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    story = ballot_story(contest, sample=False, keep_together=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(out), pagesize=PAGE)
    canvas.setTitle(ballot_title(contest))
    canvas.setCreator("villagevote")
    canvas.beginForm("ballot")
    frame.addFromList(story, canvas)
    canvas.endForm()
    if story:  # something did not fit on the page
        return False
    font = pdf_fonts().body
    for _ in range(copies):
        canvas.doForm("ballot")
        canvas.setFont(font, 9)
        canvas.drawString(MARGINS["leftMargin"], 10 * mm, tr("正式选票"))
        canvas.showPage()
    canvas.save()
    return True


def render_ballots(contest: ContestView, out: Path | str, *, sample: bool, copies: int = 1) -> Path:
    """Render ``copies`` ballots (one per page). Samples carry a 样票 watermark on every page. Ballots carry no
    serial number (secret ballot)."""
    if copies < 1:
        raise ValueError("copies must be >= 1")
    if not sample and copies > 1 and _render_copies_fast(contest, Path(out), copies):
        return Path(out)
    story: list = []
    for i in range(copies):
        if i:
            story.append(doc_break())  # each copy numbered on its own
        story.extend(ballot_story(contest, sample))
    kind = tr("样票：仅供公示和培训，不得用于投票") if sample else tr("正式选票")
    # a ballot paper carries no page numbers (nor do the official copies of the fast path)
    return Path(build_pdf(out, story, title=ballot_title(contest), footer=kind, page_numbers=False,
                          watermark=tr("样票") if sample else None))
