"""Pure tally helpers: checking one ballot, running totals, reconciliation, write-in merging.

No Qt, no database. Used by both entry modes (totals and ballot by ballot) and by the result engine's input builder.

Vocabulary per post on one ballot: a *choice* is a 同意 mark for a listed candidate or a written-in name; the
ballot may make at most ``seats`` choices for the post, otherwise that post's part of the ballot is invalid (the
other posts on the same ballot still count). Unused places (``seats - choices`` on a valid part) are counted so
that, per post, ``valid ballots for the post × seats = choices + unused`` can be checked.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr

AGREE = "同意"
DISAGREE = "不同意"
ABSTAIN = "弃权"
MARKS = (AGREE, DISAGREE, ABSTAIN)

_NOTE_RE = re.compile(r"[（(][^）)]*[）)]")
_SPACE_RE = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """A written name as it should be compared: NFKC (full-width → normal), no spaces, no bracketed notes."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _NOTE_RE.sub("", s)
    s = _SPACE_RE.sub("", s)
    s = s.replace("•", "·").replace("．", "·").replace("・", "·")
    return s.strip()


# ---------------------------------------------------------------------------------------------------------------
# one ballot
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Ballot:
    """One paper ballot as called out: marks per post per listed candidate, written-in names per post."""
    marks: dict[str, dict[str, str]] = field(default_factory=dict)
    write_ins: dict[str, list[str]] = field(default_factory=dict)
    wholly_invalid: bool = False
    invalid_reason: str | None = None


@dataclass
class BallotCheck:
    """What one ballot contributes to the count."""
    wholly_invalid: bool
    reason: str | None
    choices: dict[str, list[str]]          # post -> names that receive a vote
    unused: dict[str, int]                 # post -> unused places on a valid part
    invalid_parts: dict[str, str]          # post -> reason the part is invalid
    notes: list[str]                       # warnings that did not invalidate anything

    @property
    def problems(self) -> list[str]:
        out = list(self.invalid_parts.values())
        if self.wholly_invalid and self.reason:
            out.insert(0, self.reason)
        return out


def check_ballot(ballot: Ballot, seats: dict[str, int], candidates_by_post: dict[str, list[str]]) -> BallotCheck:
    """Validate one ballot. Raises ValidationError only for entry mistakes (unknown post or candidate, bad mark).

    Rules: more choices than seats for a post → that post's part invalid; the same person chosen at two posts
    on one ballot counts only at the higher post (the lower place is counted as unused); writing in a listed
    candidate of the same post who is also marked 同意 counts once.
    """
    posts = list(seats)
    if ballot.wholly_invalid:
        return BallotCheck(True, ballot.invalid_reason or tr("整张选票无效"), {}, {}, {}, [])
    for post in list(ballot.marks) + list(ballot.write_ins):
        if (post not in seats or seats[post] <= 0) and (
                ballot.marks.get(post) or [n for n in ballot.write_ins.get(post, []) if normalize_name(n)]):
            raise ValidationError(tr("“{post}”没有应选名额，不能在该职务下投票或另选他人（应选职务：{posts}）").format(
                post=post, posts="、".join(p for p in posts if seats[p] > 0)))
    choices: dict[str, list[str]] = {}
    unused: dict[str, int] = {}
    invalid_parts: dict[str, str] = {}
    notes: list[str] = []
    chosen_higher: set[str] = set()
    for post in posts:
        n = seats[post]
        if n <= 0:
            continue
        listed = candidates_by_post.get(post, [])
        names: list[str] = []
        for cand, mark in (ballot.marks.get(post) or {}).items():
            if cand not in listed:
                raise ValidationError(tr("“{name}”不是{post}的候选人").format(name=cand, post=post))
            if mark in (None, ""):
                continue
            if mark not in MARKS:
                raise ValidationError(tr("{name} 的标记应为 同意、不同意 或 弃权，收到：{m}").format(name=cand, m=mark))
            if mark == AGREE:
                names.append(cand)
        for raw in ballot.write_ins.get(post, []):
            name = normalize_name(raw)
            if not name:
                continue
            if name in names:
                notes.append(tr("{post}：另选的“{name}”与已同意的人相同，只计一票").format(post=post, name=name))
                continue
            names.append(name)
        if len(names) > n:
            invalid_parts[post] = tr("{post}应选 {n} 名，此票选了 {k} 名，该职务部分无效").format(post=post, n=n, k=len(names))
            continue
        counted = []
        for name in names:
            if name in chosen_higher:
                notes.append(tr("{name} 在本票已被选为更高职务，{post}的这一票不计").format(name=name, post=post))
                continue
            counted.append(name)
        chosen_higher.update(counted)
        choices[post] = counted
        unused[post] = n - len(counted)
    return BallotCheck(False, None, choices, unused, invalid_parts, notes)


# ---------------------------------------------------------------------------------------------------------------
# totals
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class PostTotals:
    invalid_parts: int = 0
    unused: int | None = None                       # None in totals mode when not counted separately
    votes: dict[str, int] = field(default_factory=dict)        # listed candidates' 同意 votes
    disagree: dict[str, int] = field(default_factory=dict)
    abstain: dict[str, int] = field(default_factory=dict)
    write_ins: dict[str, int] = field(default_factory=dict)

    def choices(self) -> int:
        return sum(self.votes.values()) + sum(self.write_ins.values())


@dataclass
class TallyTotals:
    issued: int = 0
    returned: int = 0
    wholly_invalid: int = 0
    posts: dict[str, PostTotals] = field(default_factory=dict)
    ballots_entered: int | None = None              # ballot-by-ballot mode only

    def post(self, name: str) -> PostTotals:
        return self.posts.setdefault(name, PostTotals())

    def valid_for_post(self, post: str) -> int:
        return self.returned - self.wholly_invalid - self.post(post).invalid_parts

    def to_dict(self) -> dict[str, Any]:
        return {
            "issued": self.issued, "returned": self.returned, "wholly_invalid": self.wholly_invalid,
            "ballots_entered": self.ballots_entered,
            "posts": {p: {"invalid_parts": t.invalid_parts, "unused": t.unused, "votes": dict(t.votes),
                          "disagree": dict(t.disagree), "abstain": dict(t.abstain), "write_ins": dict(t.write_ins)}
                      for p, t in self.posts.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TallyTotals:
        t = cls(int(d.get("issued", 0)), int(d.get("returned", 0)), int(d.get("wholly_invalid", 0)),
                ballots_entered=d.get("ballots_entered"))
        for p, pd in (d.get("posts") or {}).items():
            t.posts[p] = PostTotals(int(pd.get("invalid_parts", 0)), pd.get("unused"),
                                    {k: int(v) for k, v in (pd.get("votes") or {}).items()},
                                    {k: int(v) for k, v in (pd.get("disagree") or {}).items()},
                                    {k: int(v) for k, v in (pd.get("abstain") or {}).items()},
                                    {k: int(v) for k, v in (pd.get("write_ins") or {}).items()})
        return t


@dataclass
class SpoiltBallot:
    """One entry of the 废票 register."""
    number: int
    scope: str           # "整张" or a post name
    reason: str


class BallotCounter:
    """Running totals for ballot-by-ballot entry (唱票), with undo of the last ballot."""

    def __init__(self, seats: dict[str, int], candidates_by_post: dict[str, list[str]],
                 issued: int = 0, returned: int = 0) -> None:
        self.seats = dict(seats)
        self.candidates_by_post = {p: list(v) for p, v in candidates_by_post.items()}
        self.issued = issued
        self.returned = returned
        self.checks: list[BallotCheck] = []
        self.ballots: list[Ballot] = []

    def add(self, ballot: Ballot) -> BallotCheck:
        check = check_ballot(ballot, self.seats, self.candidates_by_post)
        self.ballots.append(ballot)
        self.checks.append(check)
        return check

    def undo(self) -> Ballot | None:
        if not self.ballots:
            return None
        self.checks.pop()
        return self.ballots.pop()

    def totals(self) -> TallyTotals:
        t = TallyTotals(self.issued, self.returned, 0, ballots_entered=len(self.checks))
        for post, n in self.seats.items():
            if n > 0:
                pt = t.post(post)
                pt.unused = 0
                for cand in self.candidates_by_post.get(post, []):
                    pt.votes.setdefault(cand, 0)
        for ballot, check in zip(self.ballots, self.checks):
            if check.wholly_invalid:
                t.wholly_invalid += 1
                continue
            for post in check.invalid_parts:
                t.post(post).invalid_parts += 1
            for post, names in check.choices.items():
                pt = t.post(post)
                pt.unused = (pt.unused or 0) + check.unused[post]
                listed = self.candidates_by_post.get(post, [])
                for name in names:
                    if name in listed:
                        pt.votes[name] = pt.votes.get(name, 0) + 1
                    else:
                        pt.write_ins[name] = pt.write_ins.get(name, 0) + 1
                for cand, mark in (ballot.marks.get(post) or {}).items():
                    if mark == DISAGREE:
                        pt.disagree[cand] = pt.disagree.get(cand, 0) + 1
                    elif mark == ABSTAIN:
                        pt.abstain[cand] = pt.abstain.get(cand, 0) + 1
        return t

    def spoilt_register(self) -> list[SpoiltBallot]:
        out: list[SpoiltBallot] = []
        for i, check in enumerate(self.checks, start=1):
            if check.wholly_invalid:
                out.append(SpoiltBallot(i, tr("整张"), check.reason or tr("整张选票无效")))
            for post, reason in check.invalid_parts.items():
                out.append(SpoiltBallot(i, post, reason))
        return out


# ---------------------------------------------------------------------------------------------------------------
# reconciliation
# ---------------------------------------------------------------------------------------------------------------

def reconcile(t: TallyTotals, seats: dict[str, int]) -> list[str]:
    """Every inconsistency as a Chinese sentence with the numbers; empty when the count reconciles."""
    problems: list[str] = []
    if t.returned > t.issued:
        problems.append(tr("收回选票 {r} 张，多于发出选票 {i} 张（选举无效）").format(r=t.returned, i=t.issued))
    if t.wholly_invalid > t.returned:
        problems.append(tr("整张无效的选票 {v} 张，多于收回选票 {r} 张").format(v=t.wholly_invalid, r=t.returned))
    if t.ballots_entered is not None and t.ballots_entered != t.returned:
        problems.append(tr("已录入 {k} 张选票，与收回选票 {r} 张不一致").format(k=t.ballots_entered, r=t.returned))
    for post, pt in t.posts.items():
        if post not in seats or seats[post] <= 0:
            if pt.choices():
                problems.append(tr("“{post}”没有应选名额，却有 {k} 票").format(post=post, k=pt.choices()))
            continue
        n = seats[post]
        valid = t.valid_for_post(post)
        if valid < 0:
            problems.append(tr("{post}：无效部分 {p} 张加整张无效 {w} 张，多于收回选票 {r} 张").format(
                post=post, p=pt.invalid_parts, w=t.wholly_invalid, r=t.returned))
            continue
        for name in sorted(set(pt.votes) | set(pt.disagree) | set(pt.abstain)):
            a, d, b = pt.votes.get(name, 0), pt.disagree.get(name, 0), pt.abstain.get(name, 0)
            if a > valid:
                problems.append(tr("{post}：{name} 同意 {a} 票，多于该职务有效选票 {v} 张").format(
                    post=post, name=name, a=a, v=valid))
            elif a + d + b > valid:
                problems.append(tr("{post}：{name} 同意 {a}、不同意 {d}、弃权 {b}，合计 {s}，多于该职务有效选票 {v} 张").format(
                    post=post, name=name, a=a, d=d, b=b, s=a + d + b, v=valid))
        for name, k in pt.write_ins.items():
            if k > valid:
                problems.append(tr("{post}：另选的 {name} 得 {k} 票，多于该职务有效选票 {v} 张").format(
                    post=post, name=name, k=k, v=valid))
        expected = valid * n
        got = pt.choices()
        if pt.unused is None:
            if got > expected:
                problems.append(tr("{post}：得票合计 {g} 票，超过有效选票 {v} 张 × 应选 {n} 名 = {e} 票").format(
                    post=post, g=got, v=valid, n=n, e=expected))
        elif got + pt.unused != expected:
            problems.append(tr("{post}：有效选票 {v} 张 × 应选 {n} 名 = {e}，但得票 {g} + 空余 {u} = {s}，相差 {d}").format(
                post=post, v=valid, n=n, e=expected, g=got, u=pt.unused, s=got + pt.unused, d=got + pt.unused - expected))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# write-in merging
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class MergeRecord:
    post: str
    source: str
    target: str
    votes: int


def merge_write_in(t: TallyTotals, post: str, source: str, target: str) -> MergeRecord:
    """Move the write-in votes of ``source`` onto ``target`` (a listed candidate or another write-in)."""
    if post not in t.posts:
        raise ValidationError(tr("没有“{post}”的计票数据").format(post=post))
    pt = t.posts[post]
    if source not in pt.write_ins:
        raise ValidationError(tr("{post}的另选名单中没有“{name}”").format(post=post, name=source))
    if source == target:
        raise ValidationError(tr("不能把“{name}”合并到自己").format(name=source))
    k = pt.write_ins.pop(source)
    if target in pt.votes:
        pt.votes[target] += k
    else:
        pt.write_ins[target] = pt.write_ins.get(target, 0) + k
    return MergeRecord(post, source, target, k)


def _pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin  # lazy: loading its dictionaries is a real cost only the merge hints need
    return "".join(lazy_pinyin(name))


def suggest_merges(names: Iterable[str], known: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """Pairs (written name, probable same person, why) for staff to confirm; never merged automatically."""
    names = list(dict.fromkeys(names))
    known = list(dict.fromkeys(known))
    out: list[tuple[str, str, str]] = []
    targets = known + names
    for a in names:
        for b in targets:
            if a == b:
                continue
            if (a, b) in [(x, y) for x, y, _ in out] or (b, a) in [(x, y) for x, y, _ in out]:
                continue
            if normalize_name(a) == normalize_name(b):
                out.append((a, b, tr("去掉空格和括注后相同")))
            elif len(normalize_name(a)) == len(normalize_name(b)) and _pinyin(normalize_name(a)) == _pinyin(normalize_name(b)):
                out.append((a, b, tr("读音相同，可能是同音字")))
    return out


# ---------------------------------------------------------------------------------------------------------------
# engine input
# ---------------------------------------------------------------------------------------------------------------

def contest_input(t: TallyTotals, body: str, round_: str, electorate: int, present: int | None,
                  seats: dict[str, int], genders: dict[str, str | None] | None = None,
                  women_seats: dict[str, int] | None = None) -> dict[str, Any]:
    """Build the :func:`villagevote.elections.results.decide` input from totals (votes = 同意 + write-ins, per person)."""
    genders = genders or {}
    people: dict[str, dict[str, int]] = {}
    for post in seats:
        pt = t.posts.get(post)
        if pt is None:
            continue
        for name, k in list(pt.votes.items()) + list(pt.write_ins.items()):
            people.setdefault(name, {})
            people[name][post] = people[name].get(post, 0) + k
    data: dict[str, Any] = {
        "body": body, "round": round_, "electorate": electorate, "present": present,
        "ballots_issued": t.issued, "ballots_returned": t.returned, "ballots_invalid": t.wholly_invalid,
        "seats": dict(seats),
        "candidates": [{"name": n, "gender": genders.get(n), "votes": v} for n, v in people.items()],
    }
    if women_seats:
        data["women_seats"] = dict(women_seats)
    return data
