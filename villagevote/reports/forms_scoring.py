"""实绩比选 prints and export for the CLI and GUI registry.

* ``villagevote print score-sheets``  — blank score sheets, one per rater (``--option rater=姓名`` for one rater)
* ``villagevote print score-summary`` — ranked summary with breakdown columns and every candidate's breakdown;
  anonymous (no rater beside a dropped score, no recusal relationship). ``--option internal=1`` prints the internal
  copy for the township's file (raters named, 注意保密; needs the right to see sensitive data)
* ``villagevote export scores``       — the same as a styled workbook, with the raw scores and adjustments

Common option: ``--option scheme=编号或名称`` (not needed when only one scheme has candidates). ``--village 村名``
limits sheets and summary to one village's candidates. Score sheets are numbered in print order (``表号 4-01``,
``4-02`` … for scheme 4); a sheet printed for one rater keeps its number in the full set.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import NotFound, UserError
from villagevote.i18n import tr
from villagevote.reports.pdf.score_sheets import RaterSheet, SheetCriterion, SheetRow, SheetsHeader, score_sheets_pdf
from villagevote.reports.pdf.score_summary import RaterLine, SummaryHeader, score_summary_pdf
from villagevote.reports.registry import Form, Options
from villagevote.reports.xlsx.scores import scores_workbook
from villagevote.scoring import service
from villagevote.scoring.records import Results

__all__ = ["FORMS", "export_scores", "print_score_sheets", "print_score_summary"]


def _village_filter(results: Results, participants: list[service.ParticipantRow], village: str | None) -> Results:
    if not village:
        return results
    keep = {p.candidacy_id for p in participants if p.village == village}
    if not keep:
        raise NotFound(tr("本评分方案中没有“{v}”的人选").format(v=village))
    return Results(scheme=results.scheme, candidates=[r for r in results.candidates if r.candidate.id in keep],
                   ties=[t for t in results.ties if set(t.candidate_ids) <= keep], notes=results.notes,
                   public_notes=results.public_notes)


def print_score_sheets(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """Blank score sheets for every rater of the scheme (or one rater), candidates in surname-stroke order."""
    require(actor, Permission.VIEW)
    scheme_id = service.find_scheme(session, options.extra.get("scheme"))
    scheme = service.get_scheme(session, scheme_id)
    participants = service.list_participants(session, scheme_id)
    if options.village:
        participants = [p for p in participants if p.village == options.village]
    if not participants:
        raise UserError(tr("评分方案“{s}”还没有人选，无法打印评分表").format(s=scheme.name))
    # sheet numbers follow the print order of the whole set (groups, then raters in stroke order)
    numbered = list(enumerate(service.list_raters(session, scheme_id), start=1))
    want = options.extra.get("rater")
    if want:
        numbered = [(n, r) for n, r in numbered if r.name == want]
        if not numbered:
            raise NotFound(tr("评分方案中没有名为“{r}”的评委").format(r=want))
    if not numbered:
        raise UserError(tr("评分方案“{s}”还没有评委，无评分表可打印").format(s=scheme.name))
    sheets = []
    for number, r in numbered:
        criteria = [SheetCriterion(c.name, c.max, note=" ".join(f"{lv.label}{_n(lv.score)}" for lv in c.levels))
                    for c in scheme.criteria if r.group_code in scheme.groups_for(c)]
        recused = {x.candidacy_id for x in r.recusals}
        rows = [SheetRow(p.name, f"{p.village} {p.post}", recused=p.candidacy_id in recused) for p in participants]
        sheets.append(RaterSheet(rater_name=r.name, group_name=r.group_name, criteria=criteria, rows=rows,
                                 sheet_no=f"{scheme_id}-{number:02d}"))
    instructions = [tr("请在每格填写 0 至该项满分之间的分数（最多 {n} 位小数）；标“回避”的人选不评分；"
                       "不要空格，确无法评分的请在备注栏说明。").format(n=scheme.entry_places)]
    row = next(x for x in service.list_schemes(session) if x.id == scheme_id)
    place = service.scheme_place(session, scheme_id)
    return score_sheets_pdf(out, SheetsHeader(scheme_name=row.label, place=place, instructions=instructions), sheets)


def print_score_summary(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """The ranked summary with breakdown columns, the ties, the notes and every candidate's breakdown: anonymous,
    or with ``internal=1`` the internal copy naming raters and recusals (VIEW_SENSITIVE; 注意保密)."""
    internal = (options.extra.get("internal") or "").strip().lower() in ("1", "true", "yes", "是")
    require(actor, Permission.VIEW_SENSITIVE if internal else Permission.VIEW)
    scheme_id = service.find_scheme(session, options.extra.get("scheme"))
    res = service.compute(session, scheme_id)
    results = _village_filter(res.results, res.participants, options.village)
    if not results.candidates:
        raise UserError(tr("评分方案还没有人选，没有可汇总的结果"))
    raters: tuple[RaterLine, ...] = ()
    if internal:  # who rated, and who stood aside from whom (only the candidates on this copy)
        shown = {r.candidate.id for r in results.candidates}
        raters = tuple(RaterLine(r.group_name, r.name, r.state.text, tuple(
            tr("{c}：{why}").format(c=x.candidate, why=x.reason) for x in r.recusals if x.candidacy_id in shown))
            for r in service.list_raters(session, scheme_id))
    header = SummaryHeader(place=res.place,
                           status_note=tr("比选结果已确定") if res.outcome_applied else tr("比选结果尚未确定（仅供核对）"),
                           stamp="" if res.outcome_applied else tr("未确定"), internal=internal, raters=raters)
    return score_summary_pdf(out, results, res.post_labels, header)


def export_scores(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    scheme_id = service.find_scheme(session, options.extra.get("scheme"))
    res = service.compute(session, scheme_id)
    results = _village_filter(res.results, res.participants, options.village)
    names = {r.candidate.name for r in results.candidates}
    return scores_workbook(out, results, res.post_labels,
                           raw_scores=[x for x in res.raw_scores if x.candidate in names],
                           adjustments=[a for a in res.raw_adjustments if a.candidate in names],
                           place=res.place, scheme_id=scheme_id)


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")


FORMS = [
    Form(name="score-sheets", kind="print", title=tr("实绩比选评分表（空白，每位评委一份）"), run=print_score_sheets),
    Form(name="score-summary", kind="print", title=tr("实绩比选结果汇总表"), run=print_score_summary),
    Form(name="scores", kind="export", title=tr("实绩比选评分与结果（Excel）"), run=export_scores),
]
