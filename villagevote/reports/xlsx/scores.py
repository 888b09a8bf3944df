"""实绩比选 workbook: ranked summary with breakdown columns, every candidate's breakdown, the raw scores and the
bonus/deduction entries, so that anyone can redo the arithmetic from the workbook alone."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from villagevote.i18n import tr
from villagevote.reports.xlsx.base import save, set_metadata, write_table
from villagevote.scoring.records import OUTCOME_FAIL, OUTCOME_PASS, Results, outcome_label
from villagevote.scoring.rows import RawAdjustment, RawScore
from villagevote.scoring.values import round_half_up

PASS_FILL = PatternFill("solid", fgColor="E2EFDA")
PENDING_FILL = PatternFill("solid", fgColor="FFF2CC")


def scores_workbook(out: Path | str, results: Results, post_labels: Mapping[str, str], *,
                    raw_scores: Sequence[RawScore] = (), adjustments: Sequence[RawAdjustment] = (),
                    place: str = "", scheme_id: int | None = None) -> Path:
    scheme = results.scheme
    wb = Workbook()
    ws = wb.active
    ws.title = tr("汇总")
    heads = [tr("职位"), tr("排名"), tr("姓名")]
    heads += [tr("{name}（满分{m}，权重{w}）").format(name=c.name, m=_n(c.max), w=_n(c.weight)) for c in scheme.criteria]
    if scheme.bonus_items:
        heads += [tr("加分（录入）"), tr("加分（计入）")]
    if scheme.deduction_items:
        heads += [tr("扣分（录入）"), tr("扣分（计入）")]
    heads += [tr("总分（精确值）"), tr("总分"), tr("结果"), tr("说明")]
    rows = []
    for r in results.candidates:
        post = post_labels.get(r.candidate.post, r.candidate.post)
        rank = r.rank  # a number; a shared rank is shown "并列2" by its number format
        row: list[object] = [post, rank, r.candidate.name]
        for c in scheme.criteria:
            score = r.criterion(c.code).score
            row.append(None if score is None else round_half_up(score, scheme.places))
        if scheme.bonus_items:
            row += [r.bonus_entered, r.bonus_counted]
        if scheme.deduction_items:
            row += [r.deduction_entered, r.deduction_counted]
        row.append(None if r.total_exact is None else round_half_up(r.total_exact, 6))
        row.append(r.total)
        row.append(outcome_label(r.outcome))
        row.append(r.outcome_reason)
        rows.append(row)
    title = tr("实绩比选结果汇总表　{scheme}").format(scheme=scheme.name)
    if place:
        title = place + "　" + title
    title += tr("　（内部存档，注意保密）")  # raters named with their scores (masking table: scores)
    write_table(ws, heads, rows, title=title,
                widths=[22, 8, 10] + [14] * (len(heads) - 7) + [14, 10, 12, 50])
    places_fmt = "0" if scheme.places == 0 else "0." + "0" * scheme.places
    total_col = len(heads) - 2
    for i, r in enumerate(results.candidates, start=3):
        ws.cell(row=i, column=total_col).number_format = places_fmt
        ws.cell(row=i, column=total_col).font = Font(name="宋体", bold=True, size=11)
        for col in range(4, 4 + len(scheme.criteria)):
            ws.cell(row=i, column=col).number_format = places_fmt
        if r.shared_rank and r.rank is not None:
            ws.cell(row=i, column=2).number_format = '"' + tr("并列") + '"0'
        ws.cell(row=i, column=total_col - 1).number_format = "0.000000"
        if r.outcome == OUTCOME_PASS:
            ws.cell(row=i, column=total_col + 1).fill = PASS_FILL
        elif r.outcome != OUTCOME_FAIL:
            for col in range(1, len(heads) + 1):
                ws.cell(row=i, column=col).fill = PENDING_FILL
    note_row = len(results.candidates) + 4
    notes = list(results.notes) + [t.note for t in results.ties]
    notes.append(tr("“总分（精确值）”保留 6 位小数仅供核对；“总分”按四舍五入保留 {p} 位，以此排名。").format(p=scheme.places))
    for k, text in enumerate(notes):
        ws.cell(row=note_row + k, column=1, value=text).font = Font(name="宋体", size=10)

    ws2 = wb.create_sheet(tr("计分明细"))
    detail_rows = []
    for r in results.candidates:
        post = post_labels.get(r.candidate.post, r.candidate.post)
        for line in r.lines:
            detail_rows.append([r.candidate.name, post, line])
    write_table(ws2, [tr("姓名"), tr("职位"), tr("说明")], detail_rows, widths=[10, 22, 120])

    ws3 = wb.create_sheet(tr("原始评分"))
    write_table(ws3, [tr("评委"), tr("评委组"), tr("人选"), tr("评分项"), tr("分数"), tr("状态")],
                [[x.rater, x.group, x.candidate, x.criterion, x.value, x.status or
                  (tr("空") if x.value is None else "")] for x in raw_scores],
                widths=[12, 14, 10, 16, 10, 16])

    ws4 = wb.create_sheet(tr("加扣分"))
    write_table(ws4, [tr("人选"), tr("类别"), tr("项目"), tr("分值"), tr("说明")],
                [[a.candidate, a.kind, a.item, a.points, a.note] for a in adjustments], widths=[10, 8, 16, 8, 40])
    set_metadata(wb, {"kind": "villagevote-scores", "scheme": scheme.code, "scheme_id": scheme_id or "",
                      "places": scheme.places})
    return save(wb, out)


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")
