"""Keyboard code for ballot-by-ballot entry (唱票), so a clerk never leaves the keyboard.

One line per ballot, posts in rank order separated by ``/``::

    1/2/134+赵敏     主任: candidate 1 同意; 副主任: candidate 2 同意; 委员: 1, 3, 4 同意 and 赵敏 written in
    -1/ /2           主任: candidate 1 不同意 (others blank); 副主任 blank; 委员: candidate 2 同意
    x 字迹无法辨认    the whole ballot is invalid, with the reason

Candidates are numbered in ballot order (1-9, 0 = the 10th). Digits mark 同意, ``-`` before a digit marks 不同意,
``*`` before a digit marks 弃权, ``+name`` writes in a name. Blank or missing segments leave the post blank.
"""
from __future__ import annotations

from villagevote.elections.tally_logic import ABSTAIN, AGREE, DISAGREE, Ballot, BallotCheck
from villagevote.errors import ValidationError
from villagevote.i18n import tr

SEPARATORS = ("／", "。")


def parse_code(code: str, posts: list[str], candidates_by_post: dict[str, list[str]]) -> Ballot:
    text = (code or "").strip()
    for sep in SEPARATORS:
        text = text.replace(sep, "/")
    if text[:1] in ("x", "X", "×"):
        reason = text[1:].strip() or tr("整张选票无效")
        return Ballot(wholly_invalid=True, invalid_reason=reason)
    segments = text.split("/") if text else []
    if len(segments) > len(posts):
        raise ValidationError(tr("本票只有 {n} 个职务，输入了 {k} 段（用 / 分隔）").format(n=len(posts), k=len(segments)))
    ballot = Ballot()
    for post, seg in zip(posts, segments):
        listed = candidates_by_post.get(post, [])
        marks: dict[str, str] = {}
        write_ins: list[str] = []
        i = 0
        seg = seg.strip()
        while i < len(seg):
            ch = seg[i]
            if ch.isspace() or ch in ",，":
                i += 1
                continue
            if ch == "+":
                j = i + 1
                while j < len(seg) and seg[j] not in "+/":
                    j += 1
                name = seg[i + 1:j].strip()
                if not name:
                    raise ValidationError(tr("{post}：“+”后面要写另选人的姓名").format(post=post))
                write_ins.append(name)
                i = j
                continue
            mark = AGREE
            if ch in "-*":
                mark = DISAGREE if ch == "-" else ABSTAIN
                i += 1
                if i >= len(seg) or not seg[i].isdigit():
                    raise ValidationError(tr("{post}：“{c}”后面要跟候选人序号").format(post=post, c=ch))
                ch = seg[i]
            if not ch.isdigit():
                raise ValidationError(tr("{post}：无法识别“{c}”（数字=同意，-数字=不同意，*数字=弃权，+姓名=另选）").format(
                    post=post, c=ch))
            number = 10 if ch == "0" else int(ch)
            if number > len(listed):
                raise ValidationError(tr("{post}没有第 {n} 号候选人（共 {k} 名）").format(post=post, n=number, k=len(listed)))
            name = listed[number - 1]
            if name in marks and marks[name] != mark:
                raise ValidationError(tr("{post}：{name} 被标了两种意见").format(post=post, name=name))
            marks[name] = mark
            i += 1
        if marks:
            ballot.marks[post] = marks
        if write_ins:
            ballot.write_ins[post] = write_ins
    return ballot


def describe(check: BallotCheck, posts: list[str]) -> str:
    """One line saying how the ballot counts, for the live preview."""
    if check.wholly_invalid:
        return tr("整张无效：{r}").format(r=check.reason or "")
    parts = []
    for post in posts:
        if post in check.invalid_parts:
            parts.append(check.invalid_parts[post])
        elif post in check.choices:
            names = "、".join(check.choices[post]) or tr("未选")
            parts.append(tr("{post}：{names}").format(post=post, names=names))
    return "；".join(parts)
