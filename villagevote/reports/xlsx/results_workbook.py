"""Results workbook: one summary row per contest, per-candidate votes, the elected list (township → county).

Counts are numbers, the 投票率/到会率 a fraction formatted "0.00%" (the same rounding as the printed report), the
election date a date."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from villagevote.elections.records import ContestView, VoteRow
from villagevote.elections.results import share_percent
from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.result_report import post_lines
from villagevote.reports.xlsx.base import PERCENT_FORMAT, save, set_metadata, write_table

TURNOUT_COLUMN = 12  # 1-based column of 投票率/到会率 in the summary sheet


def _round_label(c: ContestView) -> str:
    return tr("另行选举") if c.round == "additional" else tr("正式选举")


def _status(c: ContestView) -> str:
    r = c.result or {}
    if not r:
        return tr("未计算")
    if r.get("outcome") == "void":
        return tr("选举无效")
    if not r.get("valid"):
        return tr("数据有误")
    return tr("已确认") if c.official else tr("未确认")


def _rate(part: int, whole: int) -> float | None:
    """part / whole as a fraction rounded as the printed percentage (two decimals of a percent); None without a
    basis."""
    if not whole:
        return None
    return float(Decimal(share_percent(part, whole)) / 100)


def results_workbook(out: Path | str, contests: Sequence[tuple[ContestView, Sequence[VoteRow]]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = tr("汇总")
    rows = []
    for c, _ in contests:
        r = c.result or {}
        seats = sum(p.seats for p in c.posts)
        elected = len(r.get("elected") or [])
        women = sum(1 for e in r.get("elected") or [] if (e.get("gender") or next(
            (x.gender for x in c.candidates if x.label == (e.get("label") or e["name"])), None)) == "女")
        turnout_base = (c.present or 0) if c.body == "party_branch" else c.ballots_returned
        rows.append([c.township, c.village, c.body_label, _round_label(c), c.held_on,
                     c.electorate, c.present, c.ballots_printed, c.ballots_issued,
                     c.ballots_returned, c.ballots_invalid, _rate(turnout_base, c.electorate),
                     seats, elected, women,
                     sum((r.get("unfilled") or {}).values()) + sum((r.get("vacant_women") or {}).values()),  # 暂缺 too
                     len(r.get("ties") or []),
                     tr("有效") if r.get("valid") else (tr("无效") if r else ""), _status(c)])
    write_table(ws, [tr("乡镇"), tr("村"), tr("组织"), tr("轮次"), tr("选举日期"), tr("登记选民/应到党员"),
                     tr("实到党员"), tr("印制选票"), tr("发出选票"), tr("收回选票"), tr("废票"), tr("投票率/到会率"),
                     tr("应选"), tr("当选"), tr("其中妇女"), tr("缺额"), tr("票数相等"), tr("选举效力"), tr("状态")],
                rows, title=tr("选举结果汇总表"))
    for row_number in range(3, 3 + len(rows)):  # title row, header row, then the contests
        ws.cell(row=row_number, column=TURNOUT_COLUMN).number_format = PERCENT_FORMAT
    ws2 = wb.create_sheet(tr("得票明细"))
    detail = []
    for c, vote_rows in contests:
        posts = [p.post for p in c.posts]
        posts += sorted({v.post for v in vote_rows} - set(posts))
        for post in posts:
            # The same lines and results as the printed 选举结果报告单 (未当选, 未计算, 票数相等 … spelled out).
            for line in post_lines(c, vote_rows, post):
                detail.append([c.village, c.body_label, _round_label(c), post, line.name, line.gender,
                               tr("是") if line.write_in else "", line.agree, line.disagree, line.abstain,
                               line.effective, line.status,
                               tr("仅高职务得票计入") if line.from_higher else ""])
    write_table(ws2, [tr("村"), tr("组织"), tr("轮次"), tr("职务"), tr("姓名"), tr("性别"), tr("另选"), tr("同意"),
                      tr("不同意"), tr("弃权"), tr("计入本职务得票"), tr("结果"), tr("说明")], detail,
                title=tr("得票明细"))
    ws3 = wb.create_sheet(tr("当选名单"))
    winners = []
    for c, _ in contests:
        g = {x.label: x.gender for x in c.candidates}
        rank = {p.post: i for i, p in enumerate(c.posts)}
        for e in sorted((c.result or {}).get("elected") or [], key=lambda e: (rank.get(e["post"], 99),
                                                                             stroke_key(e["name"]))):
            winners.append([c.village, c.body_label, e["post"], e.get("label") or e["name"],
                            e.get("gender") or g.get(e.get("label") or e["name"]) or "", e["votes"],
                            _status(c)])
    write_table(ws3, [tr("村"), tr("组织"), tr("职务"), tr("姓名"), tr("性别"), tr("得票"), tr("状态")], winners,
                title=tr("当选名单"))
    set_metadata(wb, {"kind": "villagevote.results", "version": 1})
    return save(wb, out)
