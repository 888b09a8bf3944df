"""资格审查表: one A4 page per candidate (identity, posts, one box per county department, a row for the township's
own checks, township and county opinions, signature and seal lines). Plain data in, PDF out; no database, no Qt.

Findings belong to the person within the cycle: the caller gives every candidacy of one person the same boxes and
township row, so two forms of one person never contradict each other.

The form carries the full ID number (masking table: ``qualification-forms`` — the caller masks through
``villagevote.reports.masking``): its receivers (the county departments) need it to look the person up; every page
says 注意保密.

Each opinion row is closed the way the paper form is: the body that decides seals ("青溪村党组织（盖章）"), its
responsible person signs by hand ("负责人（签名）："), then the date.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import MARGINS, PAGE, build_pdf, cn_date, documents, styles
from villagevote.reports.pdf.text import para as _para

__all__ = ["DepartmentBox", "QualificationForm", "StageOpinion", "TownshipCheck", "render_qualification_forms"]


def _p(text: str, style) -> Paragraph:
    """Mixed text; blanks left for handwriting (U+3000) stay blank."""
    return _para(text, style, keep_ideographic_spaces=True)


@dataclass(frozen=True)
class DepartmentBox:
    department: str
    checks: str  # what the department is asked about, e.g. "有无受过刑事处罚……情况"
    has_issue: bool | None = None  # None: not answered yet (box left blank for hand-writing)
    opinion: str = ""
    handler: str = ""
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class TownshipCheck:
    """The township's (乡镇/村) own checks: what it found (不宜 items and others), already worded for the form."""
    checked: bool = False  # False: nothing recorded yet (row left blank for hand-writing)
    items: Sequence[str] = ()  # one line per item found (有 or 存疑), e.g. "【不宜】S3 长期不在村居住（有）：常年在外"
    recorded_by: str = ""
    recorded_on: dt.date | None = None


@dataclass(frozen=True)
class StageOpinion:
    decision: str = ""  # Chinese label, blank when not recorded
    reason: str = ""
    reviewer: str = ""  # a person who recorded the decision (printed as 审查人), "" when the body decided
    decided_on: dt.date | None = None
    body: str = ""  # the body that seals, e.g. 青溪村党组织 / 中共清河镇委员会 / 中共安平县委员会组织部


@dataclass(frozen=True)
class QualificationForm:
    township: str
    village: str
    cycle: str
    name: str
    gender: str
    birth_date: dt.date | None
    age: int | None
    id_number: str
    education: str
    political_status: str
    party_join_date: dt.date | None
    phone: str
    current_post: str  # "" prints 无
    intended_post: str  # e.g. 村民委员会主任
    source: str
    departments: Sequence[DepartmentBox] = ()
    township_check: TownshipCheck = field(default_factory=TownshipCheck)
    village_opinion: StageOpinion = field(default_factory=StageOpinion)
    township_opinion: StageOpinion = field(default_factory=StageOpinion)
    county_opinion: StageOpinion = field(default_factory=StageOpinion)
    term: str = ""  # 届次, e.g. 第十二届 ("" when unknown)
    confidential: bool = True  # prints 注意保密 (the masking table says so for a form with a full ID number)


def _ym(day: dt.date | None) -> str:
    return f"{day.year}.{day.month:02d}" if day else ""


def _cn(day: dt.date | None) -> str:
    return cn_date(day) if day else tr("　年　月　日")


def _opinion_cell(title: str, op: StageOpinion, st: dict) -> list:
    text = op.decision + (tr("。{reason}").format(reason=op.reason) if op.reason else "") if op.decision else ""
    parts = [_p(text, st["cell"])]
    if op.reviewer:
        parts.append(_p(tr("审查人：{who}").format(who=op.reviewer), st["cell_small"]))
    if not text:
        parts.append(Spacer(1, 6 * mm))
    # the body seals, its responsible person signs by hand: never a body's name on the signature line
    parts.append(_p(tr("{body}（盖章）").format(body=op.body) if op.body else tr("（盖章）"), st["cell_right"]))
    parts.append(_p(tr("负责人（签名）：{line}\u3000{date}").format(line="_" * 14, date=_cn(op.decided_on)),
                    st["cell_right"]))
    return [_p(title, st["cell_center_bold"]), parts]


def _signer(who: str, day: dt.date | None, st: dict) -> list:
    """Who answered and when, on two lines (a date never splits)."""
    return [_p(who, st["cell_small"]), _p(_cn(day) if day else "", st["cell_small"])]


def _form_story(form: QualificationForm, st: dict) -> list:
    f = pdf_fonts()
    width = PAGE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    P = lambda text, style="cell": _p(text, st[style])  # noqa: E731
    L = lambda text: _p(text, st["cell_center_bold"])  # noqa: E731

    subtitle = _p(tr("{township}　{village}　{cycle}{term}").format(
        township=form.township, village=form.village, cycle=form.cycle,
        term=tr("（{term}）").format(term=form.term) if form.term else ""), st["subtitle_small"])
    # 注意保密 at the left of the line under the title (the form must fit one page at full size)
    mark = _p(tr("注意保密"), st["secret"]) if form.confidential else ""
    line = Table([[mark, subtitle, ""]], colWidths=[width * 0.14, width * 0.72, width * 0.14])
    line.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm)]))
    head = [Paragraph(tr("村级组织换届候选人（自荐人）资格审查表"), st["form_title"]), line]
    c = width / 8
    ident = [
        [L(tr("姓名")), P(form.name, "cell_center"), L(tr("性别")), P(form.gender, "cell_center"),
         L(tr("出生年月")), P(_ym(form.birth_date), "cell_center"), L(tr("年龄")),
         P(str(form.age) if form.age is not None else "", "cell_center")],
        [L(tr("身份证号码")), P(form.id_number, "cell_center"), "", "", L(tr("文化程度")),
         P(form.education, "cell_center"), L(tr("政治面貌")), P(form.political_status, "cell_center")],
        [L(tr("入党时间")), P(_ym(form.party_join_date), "cell_center"), L(tr("电话")), P(form.phone, "cell_center"), "",
         L(tr("推荐方式")), P(form.source, "cell_center"), ""],
        [L(tr("现任职务")), P(form.current_post or tr("无")), "", "", L(tr("拟任职务")), P(form.intended_post), "", ""],
    ]
    t1 = Table(ident, colWidths=[c * 1.05, c * 1.2, c * 0.75, c * 1.0, c * 1.0, c * 1.0, c * 0.95, c * 1.05])
    t1.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (1, 1), (3, 1)),
        ("SPAN", (3, 2), (4, 2)),
        ("SPAN", (6, 2), (7, 2)),
        ("SPAN", (1, 3), (3, 3)),
        ("SPAN", (5, 3), (7, 3)),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))

    # a deliberate two-line header: the words never split across lines
    dept_rows = [[L(tr("审查部门")), L(tr("审查内容")), L(tr("有无情况及意见")),
                  [L(tr("经办人签名")), L(tr("日期（盖章）"))]]]
    for box in form.departments:
        # The bundled font has no check-box glyphs: blank brackets to tick by hand, plain words once answered.
        if box.has_issue is None:
            answer = tr("无（　）　有（　）")
        else:
            answer = tr("有情况") if box.has_issue else tr("无此情况")
            if box.opinion and box.opinion not in ("有", "无"):
                answer += "\n" + box.opinion
        answer_cell = [_p(line, st["cell"]) for line in answer.split("\n")]
        signer = _signer(box.handler, box.signed_on, st) if box.has_issue is not None else ""
        dept_rows.append([P(box.department, "cell_center"), P(box.checks, "cell_small"), answer_cell, signer])
    if not form.departments:
        dept_rows.append([P(tr("（本届规则目录未列出县级审查部门）"), "cell_center"), "", "", ""])
    tc = form.township_check
    # the township's own findings go under what it checked (the wide column), the answer column says 有/无
    own_checks = [_p(tr("乡镇（街道）、村自行核查的情形（含“六不宜”等）"), st["cell_small"])]
    if not tc.checked:
        own_answer = [_p(tr("无（　）　有（　）"), st["cell"])]
        own_signer: object = ""
    elif tc.items:
        own_answer = [_p(tr("有情况"), st["cell"])]
        own_checks += [_p(tr("查有：{item}").format(item=item), st["cell_small"]) for item in tc.items]
        own_signer = _signer(tc.recorded_by, tc.recorded_on, st)
    else:
        own_answer = [_p(tr("无此情况"), st["cell"])]
        own_signer = _signer(tc.recorded_by, tc.recorded_on, st)
    dept_rows.append([P(tr("乡镇（街道）"), "cell_center"), own_checks, own_answer, own_signer])
    t2 = Table(dept_rows, colWidths=[width * 0.16, width * 0.47, width * 0.19, width * 0.18], repeatRows=1)
    t2.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("FONTNAME", (0, 0), (-1, -1), f.body),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))

    opinions = Table(
        [
            _opinion_cell(tr("村级初审意见"), form.village_opinion, st),
            _opinion_cell(tr("乡镇（街道）党委复审意见"), form.township_opinion, st),
            _opinion_cell(tr("县级联审意见"), form.county_opinion, st),
        ],
        colWidths=[width * 0.2, width * 0.8],
    )
    opinions.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    note = _p(tr("说明：各部门在“有无情况及意见”栏勾选并签署意见；有情况的请写明事由及时间（如刑满释放日期、处分期满日期）。"
                 "本表含身份证号码，仅供资格审查使用，不得公开，注意保密。"), st["cell_small"])
    body = head + [t1, Spacer(1, 2 * mm), t2, Spacer(1, 2 * mm), opinions, Spacer(1, 1.5 * mm), note]
    frame_height = PAGE[1] - MARGINS["topMargin"] - MARGINS["bottomMargin"] - 4 * mm
    return [KeepInFrame(width, frame_height, body, mode="shrink", name="qualification-form")]


def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    st = dict(styles())
    f = pdf_fonts()
    st["subtitle_small"] = ParagraphStyle("subtitle_small", parent=st["cell"], fontSize=11, leading=16,
                                          alignment=TA_CENTER)
    st["form_title"] = ParagraphStyle("form_title", parent=st["title"], spaceAfter=1 * mm)
    st["cell_center_bold"] = ParagraphStyle("cell_center_bold", parent=st["cell_center"], fontName=f.heading)
    st["cell_small"] = ParagraphStyle("cell_small", parent=st["cell"], fontSize=10, leading=12.5)
    st["cell_right"] = ParagraphStyle("cell_right", parent=st["cell"], alignment=TA_RIGHT)
    st["secret"] = ParagraphStyle("secret", parent=st["cell"], fontName=f.heading, fontSize=12, leading=16)
    return st


def render_qualification_forms(out: Path | str, forms: Sequence[QualificationForm], title: str = "") -> Path:
    """Write one page per form (in the order given) to ``out``."""
    st = _styles()
    story: list = []
    if not forms:
        story.append(Paragraph(tr("村级组织换届候选人（自荐人）资格审查表"), st["title"]))
        story.append(_p(tr("所选范围内没有候选人（自荐人）。"), st["body_noindent"]))
    # one document per candidacy: 第 1 页 共 1 页 on each
    story.extend(documents(_form_story(form, st) for form in forms))
    return build_pdf(out, story, title=title or tr("资格审查表"),
                     footer=tr("资格审查表（含身份证号码，注意保密）"))
