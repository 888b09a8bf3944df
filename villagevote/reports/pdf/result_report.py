"""选举结果报告单: counts, per-candidate votes, the decision with its reasons, signature lines.

Stamped 未确认 on every page until the result is marked official.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from villagevote.elections.print_data import ElectedPerson
from villagevote.elections.records import ContestView, VoteRow
from villagevote.elections.results import share_percent
from villagevote.i18n import tr
from villagevote.reports.pdf.base import (
    Spacer,
    build_pdf,
    cell_table,
    closing_block,
    cn_date,
    continuation,
    document_break,
    mm,
    styles,
)
from villagevote.reports.pdf.text import para

UNCONFIRMED = "未确认"


# --- the shared typesetting API of base.py, under the names the election renderers use ----------------------------
def closing(*flowables: Flowable) -> Flowable:
    """A signature/seal/date block kept on the page of the lines above it."""
    return closing_block(*flowables)


def doc_break() -> Flowable:
    """Between two documents of one file (a post's tally sheet, a certificate): page numbers restart."""
    return document_break()


def running_head(title: str, group: str = "") -> Flowable:
    """Later pages of the document repeat ``title`` and ``group`` ("委员（续）")."""
    return continuation(title, group)


def build(out: Path | str, story: list, *, title: str, page_numbers: bool = True, **kw: Any) -> Path:
    """``build_pdf`` to a path; ``page_numbers=False`` for certificates."""
    return build_pdf(Path(out), story, title=title, page_numbers=page_numbers, **kw)


def stamp_for(contest: ContestView) -> str | None:
    return None if contest.official else tr("未确认")


def digest_lines(contest: ContestView) -> list:
    """The official result's check code in small type (first 16 hex digits of the digest check-db verifies)."""
    if not (contest.official and contest.official_digest):
        return []
    return [Spacer(1, 3 * mm), para(tr("校验码：{code}（前16位，用于核对本结果与计票数据确认后未被改动）").format(
        code=contest.official_digest[:16]), styles()["small"])]


def date_text(contest: ContestView) -> str:
    return cn_date(contest.held_on) if contest.held_on else tr("____年__月__日")


def counts_rows(contest: ContestView) -> list[list[str]]:
    party = contest.body == "party_branch"
    valid = contest.ballots_returned - contest.ballots_invalid
    if party:
        head = [tr("应到会党员"), tr("实到会党员"), tr("发出选票"), tr("收回选票"), tr("有效票"), tr("废票"), tr("到会率")]
        present = contest.present or 0
        vals = [contest.electorate, present, contest.ballots_issued, contest.ballots_returned, valid,
                contest.ballots_invalid]
        rate = share_percent(present, contest.electorate) + "%"
    else:
        head = [tr("登记选民"), tr("参加投票"), tr("发出选票"), tr("收回选票"), tr("有效票"), tr("废票"), tr("投票率")]
        vals = [contest.electorate, contest.ballots_returned, contest.ballots_issued, contest.ballots_returned, valid,
                contest.ballots_invalid]
        rate = share_percent(contest.ballots_returned, contest.electorate) + "%"
    return [head, [str(v) for v in vals] + [rate]]


def _status(result: dict | None, name: str, post: str) -> str:
    if not result:
        return tr("未计算")
    if not result.get("valid"):
        return tr("选举无效") if result.get("outcome") == "void" else tr("数据有误")
    for e in result.get("elected", []):  # ``name`` is the label (王伟（男，1975年生）) when names are shared
        if (e.get("label") or e["name"]) == name:
            return tr("当选") if e["post"] == post else tr("当选{post}").format(post=e["post"])
    for e in result.get("invalidated") or []:
        if (e.get("label") or e["name"]) == name and e["post"] == post:
            return tr("当选无效")
    for t in result.get("ties", []):
        if t["post"] == post and name in (t.get("labels") or t["names"]):
            return tr("票数相等")
    if post in (result.get("pending") or {}):
        return tr("待定")
    return tr("未当选")


@dataclass(frozen=True)
class PostLine:
    """One line of a post's vote table, shared by the result report and the results workbook."""
    name: str
    gender: str
    agree: int
    disagree: int | None  # None: not asked (write-ins, votes counted from a higher post)
    abstain: int | None
    effective: int        # votes that count for this post (higher posts included)
    write_in: bool
    from_higher: bool     # not on this post's list: the votes come only from higher posts
    status: str           # 当选 / 未当选 / 票数相等 / 待定 / 未计算 …


def post_lines(contest: ContestView, rows: Sequence[VoteRow], post: str) -> list[PostLine]:
    """The vote lines of ``post`` in ballot order, then people whose votes here come only from higher posts."""
    result = contest.result or {}
    eff_all = result.get("effective_votes") or {}
    lines = []
    for r in (r for r in rows if r.post == post):
        lines.append(PostLine(r.name, r.gender or "", r.agree, None if r.write_in else r.disagree,
                              None if r.write_in else r.abstain, eff_all.get(r.name, {}).get(post, r.agree),
                              r.write_in, False, _status(result, r.name, post)))
    listed = {line.name for line in lines}
    genders = {c.label: c.gender or "" for c in contest.candidates}
    for name, per_post in eff_all.items():
        eff = per_post.get(post, 0)
        if name not in listed and eff > 0:
            lines.append(PostLine(name, genders.get(name, ""), 0, None, None, eff, False, True, _status(result, name, post)))
    return lines


def _blank(n: int | None) -> str:
    return "" if n is None else str(n)


def _elected_from_result(contest: ContestView) -> list[ElectedPerson]:
    """Those elected as the stored decision names them (without the person records: gender from the ballot)."""
    result = contest.result or {}
    if not result.get("valid"):
        return []
    gender = {c.label: c.gender or "" for c in contest.candidates}
    return [ElectedPerson(e["post"], e["name"], e.get("label") or e["name"],
                          gender.get(e.get("label") or e["name"], ""), None, "", "", int(e.get("votes", 0)))
            for e in result.get("elected", [])]


def elected_table(contest: ContestView, elected: Sequence[ElectedPerson]) -> Table:
    rows: list[list[str]] = [[tr("职务"), tr("姓名"), tr("性别"), tr("年龄"), tr("文化程度"), tr("政治面貌"), tr("得票")]]
    order = {p.post: i for i, p in enumerate(contest.posts)}
    for e in sorted(elected, key=lambda e: order.get(e.post, len(order))):
        rows.append([e.post, e.label, e.gender, "" if e.age is None else str(e.age), e.education, e.political,
                     str(e.votes)])
    return cell_table(rows, [24 * mm, 40 * mm, 14 * mm, 14 * mm, 26 * mm, 30 * mm, 22 * mm])


def proxy_text(proxies: int | None) -> str:
    return tr("委托投票数：{n} 人（经村民选举委员会登记的委托投票）").format(n=proxies) if proxies is not None else ""


def filing_text(contest: ContestView) -> str:
    """Where the report goes: a village committee's result is filed with the township government (报乡镇（街道）备案);
    a Party branch's goes to the township Party committee for approval."""
    if contest.body == "party_branch":
        return tr("报乡镇（街道）党（工）委审批：中共{t}委员会　　报送日期：______年____月____日").format(t=contest.township)
    return tr("报乡镇（街道）备案：{t}人民政府　　报送日期：______年____月____日").format(t=contest.township)


def report_story(contest: ContestView, rows: Sequence[VoteRow], elected: Sequence[ElectedPerson] | None = None,
                 proxies: int | None = None) -> list:
    st = styles()
    post_head = ParagraphStyle("post_head", parent=st["body_noindent"], spaceBefore=2 * mm)
    result = contest.result or {}
    title = tr("{title}结果报告单").format(title=contest.title)
    story: list = [para(title, st["title"])]
    story.append(para(tr("乡镇：{t}　　选举日期：{d}").format(t=contest.township, d=date_text(contest)),
                      st["body_noindent"], True))
    if not contest.official:
        story.append(para(tr("本结果尚未确认为正式结果（未确认）。"), st["small"]))
    story.append(para(tr("一、投票情况"), st["heading"]))
    story.append(cell_table(counts_rows(contest), [24 * mm] * 7))
    if proxy_text(proxies):
        story += [Spacer(1, 2 * mm), para(proxy_text(proxies), st["body_noindent"])]
    basis = result.get("basis") or contest.ballots_returned
    story.append(para(tr("二、得票情况"), st["heading"]))
    carried = False
    for post in contest.posts:
        head = tr("{post}（应选 {n} 名）").format(post=post.post, n=post.seats)
        table_rows: list[list[str]] = [[tr("姓名"), tr("性别"), tr("同意"), tr("不同意"), tr("弃权"),
                                        tr("计入本职务得票"), tr("得票率"), tr("结果")]]
        for line in post_lines(contest, rows, post.post):
            carried = carried or line.from_higher
            name = line.name + (tr("（另选）") if line.write_in else "") + ("※" if line.from_higher else "")
            # a carried-over line was not on this post's ballot: nothing was asked, so no "同意 0"
            table_rows.append([name, line.gender, "" if line.from_higher else str(line.agree),
                               _blank(line.disagree), _blank(line.abstain), str(line.effective),
                               share_percent(line.effective, basis) + "%", line.status])
        if len(table_rows) == 1:
            table_rows.append([tr("（无得票）"), "", "", "", "", "", "", ""])
        story.append(KeepTogether([running_head(title, post.post), para(head, post_head),
                                   cell_table(table_rows, [34 * mm, 13 * mm, 15 * mm, 16 * mm, 15 * mm, 30 * mm,
                                                           20 * mm, 27 * mm])]))
    if carried:
        story.append(para(tr("注：姓名后有“※”的，未列入该职务的选票，其得票为在较高职务所得的票，按规定计入该职务。"),
                          st["small"]))
    # The heading stays on the page of its first lines (it was left alone at the foot of page 1).
    outcome: list = [running_head(title, tr("选举结果")), para(tr("三、选举结果"), st["heading"])]
    if not result:
        outcome.append(para(tr("尚未计算选举结果。"), st["body_noindent"]))
    else:
        outcome.append(para(tr("选举有效") if result.get("valid") else tr("选举无效或数据有误，未产生当选人"),
                            st["body_noindent"]))
        outcome += [para(f"{i}. {reason}", st["small"]) for i, reason in enumerate(result.get("reasons", []), start=1)]
    story.append(KeepTogether(outcome[:4]))  # the mark, the heading, the verdict and its first reason
    story.extend(outcome[4:])
    people = list(elected) if elected is not None else _elected_from_result(contest)
    if people:
        story.append(KeepTogether([para(tr("四、当选人员名单"), st["heading"]), elected_table(contest, people)]))
    story.append(Spacer(1, 8 * mm))
    sig = Table([[para(tr("总监票人（签名）：______________"), st["body_noindent"]),
                  para(tr("监票人（签名）：______________"), st["body_noindent"])],
                 [para(tr("计票人（签名）：______________"), st["body_noindent"]),
                  para(tr("主持人（签名）：______________"), st["body_noindent"])]],
                colWidths=[85 * mm, 85 * mm])
    sig.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 10)]))
    closing_parts: list = [sig, Spacer(1, 4 * mm), para(filing_text(contest), st["body_noindent"], True)]
    if contest.body == "village_committee":
        closing_parts += [Spacer(1, 6 * mm), para(tr("{village}村民选举委员会（盖章）").format(village=contest.village),
                                                   st["right"])]
    closing_parts.append(para(tr("日期：______年____月____日"), st["right"]))
    story.append(closing(*closing_parts, *digest_lines(contest)))
    return story


def render_result_report(contest: ContestView, rows: Sequence[VoteRow], out: Path | str,
                         elected: Sequence[ElectedPerson] | None = None, proxies: int | None = None) -> Path:
    """The report of ``contest``; ``elected`` (with the person records' particulars) and ``proxies`` (委托投票数)
    from ``elections.print_data.result_facts`` — without them the table of those elected shows what the decision
    holds."""
    return build(out, report_story(contest, rows, elected, proxies),
                 title=tr("{title}结果报告单").format(title=contest.title), stamp=stamp_for(contest),
                 watermark=stamp_for(contest))
