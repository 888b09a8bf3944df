"""当选公告: the public notice of who was elected (no ID numbers), stamped 未确认 until official."""
from __future__ import annotations

import re
from pathlib import Path

from villagevote.elections.records import ContestView
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.names import sort_by_strokes
from villagevote.reports.pdf.base import Spacer, build_pdf, mm, styles
from villagevote.reports.pdf.result_report import closing, date_text, digest_lines, stamp_for
from villagevote.reports.pdf.text import para


def _sorted_by_strokes(names: list[str]) -> list[str]:
    return list(sort_by_strokes(names))


def notice_story(contest: ContestView) -> list:
    st = styles()
    result = contest.result or {}
    if not result:  # still being counted: "选举无效" would be a false statement on a public notice
        raise ValidationError(tr("{title}尚未计算选举结果，不能打印结果公告；请先录完计票并计算结果").format(
            title=contest.title))
    story: list = [para(tr("{title}结果公告").format(title=contest.title), st["title"])]
    if contest.body == "party_branch":
        counts = tr("应到会有选举权的党员 {e} 名，实到会 {p} 名，发出选票 {i} 张，收回选票 {r} 张").format(
            e=contest.electorate, p=contest.present or 0, i=contest.ballots_issued, r=contest.ballots_returned)
    else:
        counts = tr("登记参加选举的村民 {e} 人，参加投票 {r} 人，发出选票 {i} 张，收回选票 {r} 张").format(
            e=contest.electorate, r=contest.ballots_returned, i=contest.ballots_issued)
    valid = bool(result.get("valid"))
    story.append(para(tr("{date}，{village}举行{body}选举。{counts}，{verdict}。").format(
        date=date_text(contest), village=contest.village, body=contest.body_label, counts=counts,
        verdict=tr("选举有效") if valid else tr("选举无效")), st["body"]))
    if not valid:
        for r in result.get("reasons", []):
            story.append(para(r, st["body"]))
    else:
        story.append(para(tr("经投票选举，下列人员当选（同一职务按姓氏笔画为序）：") if result.get("elected")
                          else tr("经投票选举，本次无人当选。"), st["body"]))
        gender = {c.label: c.gender for c in contest.candidates}
        for post in contest.posts:
            winners = [e for e in result.get("elected", []) if e["post"] == post.post]
            if not winners:
                continue
            votes = {(e.get("label") or e["name"]): e["votes"] for e in winners}  # labels keep homonyms apart
            names = _sorted_by_strokes(list(votes))
            text = "、".join(
                n + (tr("（女）") if gender.get(n) == "女" and not n.endswith("）") else "") + tr("（{v}票）").format(v=votes[n]) for n in names)
            story.append(para(tr("{post}：{names}").format(post=post.post, names=text), st["body"]))
        for e in result.get("invalidated") or []:  # a public notice: the reason without dates in brackets
            why = re.sub(r"（[^）]*）", "", e.get("reason", ""))
            story.append(para(tr("另选的{name}得 {v} 票，因{why}，当选无效。").format(
                name=e.get("label") or e["name"], v=e["votes"], why=why), st["body"]))
        for post, n in (result.get("unfilled") or {}).items():
            story.append(para(tr("{post}尚缺 {n} 名，将依法另行选举。").format(post=post, n=n), st["body"]))
        for post, n in (result.get("vacant_women") or {}).items():  # 另行选举 left the women seat vacant (暂缺)
            story.append(para(tr("{post}中应有的妇女名额 {n} 名，经另行选举无人当选，暂缺。").format(post=post, n=n), st["body"]))
        for sentence in result.get("follow_up") or []:  # committee left short: who presides, 再行选举
            story.append(para(sentence + tr("。"), st["body"]))
        for t in result.get("ties") or []:
            story.append(para(tr("{post}：{names} 票数相等（各 {v} 票），将重新投票确定。").format(
                post=t["post"], names="、".join(t.get("labels") or t["names"]), v=t["votes"]), st["body"]))
        story.append(para(tr("特此公告。"), st["body"]))
    story.append(Spacer(1, 14 * mm))
    issuer = tr("{village}村民选举委员会").format(village=contest.village) if contest.body == "village_committee" \
        else tr("{village}党组织换届选举大会").format(village=contest.village)
    story.append(closing(para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]),
                         para(date_text(contest), st["right"]), *digest_lines(contest)))
    return story


def render_winners_notice(contest: ContestView, out: Path | str) -> Path:
    return build_pdf(out, notice_story(contest), title=tr("{title}结果公告").format(title=contest.title),
                     stamp=stamp_for(contest), watermark=stamp_for(contest))
