"""The result engine: who is elected, under the village-committee and Party-organization rules.

Pure Python, no Qt, no database. One public entry point, :func:`decide`, with a stable JSON-shaped contract
(documented in ``docs/results-engine.md``)::

    input  {"body": "village_committee" | "party_branch", "round": "first" | "additional",
            "electorate": int, "present": int | null, "ballots_issued": int, "ballots_returned": int,
            "ballots_invalid": int, "seats": {post: int, ... highest post first},
            "candidates": [{"name": str, "gender": "男" | "女" | null, "votes": {post: int, ...}}, ...]}
    output {"valid": bool, "reasons": [str], "threshold": int | null,
            "elected": [{"name", "post", "votes"}], "unfilled": {post: int},
            "ties": [{"post", "names", "votes"}]}

Optional input keys (all may be omitted): ``women_seats`` {post: n}, ``women_scope`` "body" | "post",
``aggregate_higher_posts`` bool, ``elected_before`` [{"name", "post", "gender"}],
``resolved_ties`` [{"post", "names", "how"}] (or ``"ids"`` instead of ``"names"``); each candidate may carry an
``id`` (str or int) that tells apart people of the same name: it is then who the candidate is (also in
``elected_before``), echoed in each elected item (``"id"``) and in each tie (``"ids"``, in the order of ``names``).
Optional output keys: ``outcome`` ("valid" | "void" | "input_error"), ``basis``, ``threshold_rule``,
``pending`` {post: n}, ``unfilled_women`` {post: n}, ``effective_votes`` {name: {post: n}},
``effective_votes_by_id`` [{"id", "name", "votes": {post: n}}] (when ids were given); each elected item
also carries ``share`` (percent of the basis, two decimals, as a string); each tie carries ``seats``.
Issue 14: optional input ``committee_min`` (default 3) and ``reelect_within`` (text); optional output
``vacant_women`` {post: n} (另行选举: women seats left vacant, 暂缺), ``members_elected`` and ``follow_up``
(the sentences, also in the reasons, on what follows a committee left short: 副主任主持工作, 再行选举). In an additional round
``women_seats`` are the women still owed (the first round's ``unfilled_women``, already net of women it elected).

All arithmetic is on integers: "more than half of N" is ``votes * 2 > N`` and "at least one third of N" is
``votes * 3 >= N``. ``threshold`` is always the smallest number of votes that can win (``N // 2 + 1`` or
``ceil(N / 3)``); the reasons say the same thing in the wording of the rules ("须超过 3406 票").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.names import sort_by_strokes

BODY_VILLAGE = "village_committee"
BODY_PARTY = "party_branch"
BODIES = (BODY_VILLAGE, BODY_PARTY)
ROUND_FIRST = "first"
ROUND_ADDITIONAL = "additional"
ROUNDS = (ROUND_FIRST, ROUND_ADDITIONAL)
WOMAN = "女"
MAN = "男"

# 村民委员会组织法 §6: a village committee has 3 to 7 members (a province's profile may narrow this)
COMMITTEE_MIN = 3
COMMITTEE_MAX = 7
DIRECTOR = "主任"
DEPUTY = "副主任"

OUTCOME_VALID = "valid"
OUTCOME_VOID = "void"
OUTCOME_INPUT_ERROR = "input_error"


# ---------------------------------------------------------------------------------------------------------------
# thresholds (exact integer arithmetic)
# ---------------------------------------------------------------------------------------------------------------

def majority_minimum(n: int) -> int:
    """Smallest integer v with v * 2 > n ("more than half of n")."""
    return n // 2 + 1


def one_third_minimum(n: int) -> int:
    """Smallest integer v with v * 3 >= n ("at least one third of n")."""
    return (n + 2) // 3


def four_fifths_minimum(n: int) -> int:
    """Smallest integer p with p * 5 > n * 4 ("more than four fifths of n")."""
    return (4 * n) // 5 + 1


def share_percent(votes: int, basis: int) -> str:
    """votes / basis as a percentage with two decimals, rounded half up (for people, never for decisions)."""
    if basis <= 0:
        return "0.00"
    value = (Decimal(votes) * 100 / Decimal(basis)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(value)


# ---------------------------------------------------------------------------------------------------------------
# 差额 (more candidates than seats) check, used before ballots are printed
# ---------------------------------------------------------------------------------------------------------------

def required_candidates(body: str, seats: int) -> int:
    """Fewest candidates a 差额 election needs for ``seats`` seats.

    Party organization (基层组织选举工作条例 2020): candidates at least 20% more than seats; the extra number is
    rounded up to a whole person (5 → 6, 7 → 9, 3 → 4), i.e. ``seats + ceil(seats / 5)``.
    Village committee (村民委员会组织法 §15, 浙江选举办法): more candidates than seats, i.e. ``seats + 1``.
    """
    if seats <= 0:
        return 0
    if body == BODY_PARTY:
        return seats + (seats + 4) // 5
    if body == BODY_VILLAGE:
        return seats + 1
    raise ValidationError(tr("未知的选举组织类型：{body}（应为 village_committee 或 party_branch）").format(body=body))


def check_candidate_margin(body: str, seats: dict[str, int], candidate_counts: dict[str, int],
                           mode: str = "差额") -> list[str]:
    """Problems (Chinese sentences) that stop ballots from printing; empty when the 差额 rule is met.

    ``mode`` "自荐直选" (no candidates, write-ins only) needs no candidates and returns no problems.
    Party organizations count the committee as a whole (all posts on the ballot together); village committees
    count each post on its own.
    """
    if mode == "自荐直选":
        return []
    problems: list[str] = []
    if body == BODY_PARTY:
        total_seats = sum(n for n in seats.values() if n > 0)
        total_cands = sum(candidate_counts.get(p, 0) for p, n in seats.items() if n > 0)
        need = required_candidates(body, total_seats)
        if total_cands < need:
            problems.append(tr("党组织委员应选 {seats} 名，候选人须比应选人数多 20% 以上，即至少 {need} 名，"
                               "现有 {have} 名，还差 {short} 名").format(
                seats=total_seats, need=need, have=total_cands, short=need - total_cands))
        return problems
    for post, n in seats.items():
        if n <= 0:
            continue
        need = required_candidates(body, n)
        have = candidate_counts.get(post, 0)
        if have < need:
            problems.append(tr("{post}应选 {seats} 名，候选人须多于应选名额，即至少 {need} 名，现有 {have} 名").format(
                post=post, seats=n, need=need, have=have))
    return problems


def ensure_candidate_margin(body: str, seats: dict[str, int], candidate_counts: dict[str, int],
                            mode: str = "差额") -> None:
    """Raise ValidationError listing every shortfall; used before ballots print."""
    problems = check_candidate_margin(body, seats, candidate_counts, mode)
    if problems:
        raise ValidationError(tr("候选人人数不符合差额选举要求，不能印制选票：") + "；".join(problems))


# ---------------------------------------------------------------------------------------------------------------
# input parsing
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class _Cand:
    name: str
    gender: str | None
    votes: dict[str, int]
    effective: dict[str, int] = field(default_factory=dict)
    id: Any = None          # optional caller's id (str or int): tells apart people of the same name, echoed back

    @property
    def woman(self) -> bool:
        return self.gender == WOMAN

    @property
    def key(self) -> Any:
        return _key(self.id, self.name)


def _key(id_: Any, name: Any) -> Any:
    """Who a candidate is: the caller's id when given, else the name (inputs without ids work as before)."""
    return ("id", id_) if id_ is not None else ("name", str(name))


@dataclass
class _Contest:
    body: str
    round: str
    electorate: int
    present: int | None
    issued: int
    returned: int
    invalid: int
    seats: dict[str, int]
    candidates: list[_Cand]
    women_seats: dict[str, int]
    women_scope: str
    aggregate: bool
    elected_before: list[dict[str, Any]]
    resolved_ties: dict[str, dict[str, Any]]
    committee_min: int = 3
    reelect_within: str = ""


def _int(value: Any, what: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(tr("{what} 应为整数，收到：{value!r}").format(what=what, value=value))
    if value < 0:
        raise ValidationError(tr("{what} 不能为负数，收到：{value}").format(what=what, value=value))
    return value


def _parse(contest: Any) -> _Contest:
    if not isinstance(contest, dict):
        raise ValidationError(tr("选举数据应为一个 JSON 对象（字典）"))
    missing = [k for k in ("body", "round", "electorate", "ballots_issued", "ballots_returned", "ballots_invalid",
                           "seats", "candidates") if k not in contest]
    if missing:
        raise ValidationError(tr("选举数据缺少字段：{keys}").format(keys="、".join(missing)))
    body = contest["body"]
    if body not in BODIES:
        raise ValidationError(tr("body 应为 village_committee 或 party_branch，收到：{v!r}").format(v=body))
    rnd = contest["round"]
    if rnd not in ROUNDS:
        raise ValidationError(tr("round 应为 first 或 additional，收到：{v!r}").format(v=rnd))
    electorate = _int(contest["electorate"], "electorate")
    present = _int(contest.get("present"), "present", allow_none=True)
    issued = _int(contest["ballots_issued"], "ballots_issued")
    returned = _int(contest["ballots_returned"], "ballots_returned")
    invalid = _int(contest["ballots_invalid"], "ballots_invalid")
    if body == BODY_PARTY and present is None:
        raise ValidationError(tr("党组织选举须填写实到会有选举权的党员人数（present）"))
    seats_in = contest["seats"]
    if not isinstance(seats_in, dict) or not seats_in:
        raise ValidationError(tr("seats 应为按职务高低排列的 {职务: 应选名额}，且至少有一个职务"))
    seats: dict[str, int] = {}
    for post, n in seats_in.items():
        if not isinstance(post, str) or not post.strip():
            raise ValidationError(tr("职务名称不能为空"))
        seats[post] = _int(n, tr("{post} 的应选名额").format(post=post))  # type: ignore[assignment]
    cands_in = contest["candidates"]
    if not isinstance(cands_in, list):
        raise ValidationError(tr("candidates 应为候选人列表"))
    candidates: list[_Cand] = []
    seen: set[Any] = set()
    for i, c in enumerate(cands_in, start=1):
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not c["name"].strip():
            raise ValidationError(tr("第 {i} 位候选人缺少姓名").format(i=i))
        name = c["name"].strip()
        cid = c.get("id")
        if cid is not None and (isinstance(cid, bool) or not isinstance(cid, (str, int))):
            raise ValidationError(tr("候选人“{name}”的 id 应为文字或整数，收到：{v!r}").format(name=name, v=cid))
        if _key(cid, name) in seen:
            if cid is None:
                raise ValidationError(tr("候选人“{name}”重复出现；同一人的另选票请先合并为一行").format(name=name))
            raise ValidationError(tr("候选人“{name}”的 id {id} 重复出现；同一人只能有一行").format(name=name, id=cid))
        seen.add(_key(cid, name))
        gender = c.get("gender")
        if gender not in (MAN, WOMAN, None):
            raise ValidationError(tr("候选人“{name}”的性别应为 男、女 或空，收到：{g!r}").format(name=name, g=gender))
        votes_in = c.get("votes") or {}
        if not isinstance(votes_in, dict):
            raise ValidationError(tr("候选人“{name}”的 votes 应为 {{职务: 票数}}").format(name=name))
        votes: dict[str, int] = {}
        for post, v in votes_in.items():
            n = _int(v, tr("候选人“{name}”{post}的票数").format(name=name, post=post))
            if post not in seats or seats[post] == 0:
                if n:
                    raise ValidationError(tr("候选人“{name}”在“{post}”有 {n} 票，但本次选举没有该职务的应选名额"
                                             "（应选职务：{posts}）").format(
                        name=name, post=post, n=n,
                        posts="、".join(p for p, s in seats.items() if s > 0)))
                continue
            votes[post] = n  # type: ignore[assignment]
        candidates.append(_Cand(name, gender, votes, id=cid))
    women_in = contest.get("women_seats") or {}
    if not isinstance(women_in, dict):
        raise ValidationError(tr("women_seats 应为 {职务: 妇女名额}"))
    women_seats: dict[str, int] = {}
    for post, n in women_in.items():
        if post not in seats:
            raise ValidationError(tr("妇女名额所在职务“{post}”不在应选职务中").format(post=post))
        count = _int(n, tr("{post} 的妇女名额").format(post=post)) or 0
        if count > seats[post]:
            raise ValidationError(tr("{post} 的妇女名额 {n} 名多于应选名额 {s} 名").format(post=post, n=count, s=seats[post]))
        women_seats[post] = count
    scope = contest.get("women_scope") or "body"
    if scope not in ("body", "post"):
        raise ValidationError(tr("women_scope 应为 body 或 post"))
    aggregate = contest.get("aggregate_higher_posts")
    if aggregate is None:
        aggregate = body == BODY_VILLAGE
    before = contest.get("elected_before") or []
    if not isinstance(before, list):
        raise ValidationError(tr("elected_before 应为列表"))
    resolved: dict[str, dict[str, Any]] = {}
    for item in contest.get("resolved_ties") or []:
        if not isinstance(item, dict) or item.get("post") not in seats or not (
                isinstance(item.get("names"), list) or isinstance(item.get("ids"), list)):
            raise ValidationError(tr("resolved_ties 每项应为 {post, names, how}，且职务须在应选职务中"))
        resolved[item["post"]] = item
    committee_min = _int(contest.get("committee_min", COMMITTEE_MIN), "committee_min")
    reelect_within = contest.get("reelect_within") or ""
    if not isinstance(reelect_within, str):
        raise ValidationError(tr("reelect_within 应为文字（如“三个月内”）"))
    return _Contest(body, rnd, electorate, present, issued, returned, invalid, seats, candidates,  # type: ignore[arg-type]
                    women_seats, scope, bool(aggregate), before, resolved, committee_min,  # type: ignore[arg-type]
                    reelect_within.strip())


# ---------------------------------------------------------------------------------------------------------------
# per-post seat filling
# ---------------------------------------------------------------------------------------------------------------

def _greedy(order: list[_Cand], post: str, seats: int, women_needed: int) -> list[_Cand]:
    """Fill seats in the given strict order; men are capped at seats - women_needed (women seats held back)."""
    taken: list[_Cand] = []
    men = 0
    men_cap = seats - women_needed
    for c in order:
        if len(taken) >= seats:
            break
        if c.woman:
            taken.append(c)
        elif men < men_cap:
            taken.append(c)
            men += 1
    return taken


@dataclass
class _PostOutcome:
    certain: list[_Cand]
    ties: list[tuple[int, list[_Cand], int]]   # (votes, tied candidates, seats in contention)
    filled: int
    unfilled: int
    unfilled_women: int
    over_but_out: list[_Cand]                   # qualified but seats were full


def _fill_post(qualified: list[_Cand], post: str, seats: int, women_needed: int) -> _PostOutcome:
    """Decide one post; ties at the cut are found by placing each candidate first and last in its vote group."""
    qualified = sorted(qualified, key=lambda c: -c.effective[post])
    groups: dict[int, list[_Cand]] = {}
    for c in qualified:
        groups.setdefault(c.effective[post], []).append(c)

    def order_with(x: _Cand, first: bool) -> list[_Cand]:
        out: list[_Cand] = []
        for v in sorted(groups, reverse=True):
            g = [c for c in groups[v] if c is not x]
            if x.effective[post] == v:
                g = [x] + g if first else g + [x]
            out.extend(g)
        return out

    baseline = _greedy(qualified, post, seats, women_needed)
    filled = len(baseline)  # order-independent (see docs/results-engine.md)
    certain: list[_Cand] = []
    possible: list[_Cand] = []
    for c in qualified:
        if c in _greedy(order_with(c, first=False), post, seats, women_needed):
            certain.append(c)
        if c in _greedy(order_with(c, first=True), post, seats, women_needed):
            possible.append(c)
    contested = [c for c in possible if c not in certain]
    ties: list[tuple[int, list[_Cand], int]] = []
    if contested:
        by_votes: dict[int, list[_Cand]] = {}
        for c in contested:
            by_votes.setdefault(c.effective[post], []).append(c)
        for v in sorted(by_votes, reverse=True):
            group_elected = sum(1 for c in baseline if c.effective[post] == v)
            group_certain = sum(1 for c in certain if c.effective[post] == v)
            ties.append((v, by_votes[v], group_elected - group_certain))
    qualified_women = sum(1 for c in qualified if c.woman)
    unfilled_women = max(0, women_needed - qualified_women)
    over_but_out = [c for c in qualified if c not in possible]
    return _PostOutcome(certain, ties, filled, seats - filled, unfilled_women, over_but_out)


# ---------------------------------------------------------------------------------------------------------------
# decide
# ---------------------------------------------------------------------------------------------------------------

def _sort_names(names: Iterable[str]) -> list[str]:
    return list(sort_by_strokes(list(names)))


def _empty_result(c: _Contest, outcome: str, reasons: list[str], basis: int | None) -> dict[str, Any]:
    return {
        "valid": False,
        "reasons": reasons,
        "threshold": None,
        "elected": [],
        "unfilled": {p: n for p, n in c.seats.items() if n > 0},
        "ties": [],
        "outcome": outcome,
        "basis": basis,
        "pending": {},
        "unfilled_women": {},
        "effective_votes": {},
    }


def decide(contest: dict) -> dict:
    """Decide a contest; see the module docstring for the contract. Raises ValidationError on malformed input."""
    c = _parse(contest)
    posts = list(c.seats)
    reasons: list[str] = []
    party = c.body == BODY_PARTY
    additional = c.round == ROUND_ADDITIONAL

    # --- validity of the election as a whole -------------------------------------------------------------
    void: list[str] = []
    if c.returned > c.issued:
        void.append(tr("收回选票 {r} 张，多于发出选票 {i} 张，选举无效").format(r=c.returned, i=c.issued))
    if party:
        basis = c.present or 0
        if c.present is not None and c.present > c.electorate:
            void.append(tr("实到会有选举权的党员 {p} 人，多于应到会 {e} 人，人数有误，选举无效").format(
                p=c.present, e=c.electorate))
        elif c.present is not None and c.present * 5 <= c.electorate * 4:
            void.append(tr("实到会有选举权的党员 {p} 人，未超过应到会 {e} 人的五分之四（须至少 {m} 人），选举无效").format(
                p=c.present, e=c.electorate, m=four_fifths_minimum(c.electorate)))
        if c.present is not None and c.returned > c.present:
            void.append(tr("收回选票 {r} 张，多于投票人数 {p} 人，选举无效").format(r=c.returned, p=c.present))
    else:
        basis = c.returned
        if c.present is not None and c.returned > c.present:
            void.append(tr("收回选票 {r} 张，多于投票人数 {p} 人，选举无效").format(r=c.returned, p=c.present))
        if c.returned > c.electorate:
            void.append(tr("收回选票 {r} 张，多于登记参加选举的村民 {e} 人，选举无效").format(r=c.returned, e=c.electorate))
        elif c.returned * 2 <= c.electorate:
            void.append(tr("参加投票 {r} 人，未超过登记参加选举的村民 {e} 人的半数（须至少 {m} 人），选举无效").format(
                r=c.returned, e=c.electorate, m=majority_minimum(c.electorate)))
    if void:
        return _empty_result(c, OUTCOME_VOID, void + [tr("应重新组织选举")], basis)

    if party:
        reasons.append(tr("应到会有选举权的党员 {e} 人，实到 {p} 人，超过五分之四（至少 {m} 人）；发出选票 {i} 张，"
                          "收回 {r} 张，不多于投票人数，选举有效").format(
            e=c.electorate, p=c.present, m=four_fifths_minimum(c.electorate), i=c.issued, r=c.returned))
    else:
        reasons.append(tr("登记参加选举的村民 {e} 人，参加投票 {r} 人，超过半数（至少 {m} 人）；发出选票 {i} 张，"
                          "收回 {r} 张，不多于发出数，选举有效").format(
            e=c.electorate, r=c.returned, m=majority_minimum(c.electorate), i=c.issued))

    # --- data consistency (a miscount is not a result) ------------------------------------------------------
    errors: list[str] = []
    if c.invalid > c.returned:
        errors.append(tr("作废选票 {v} 张，多于收回选票 {r} 张").format(v=c.invalid, r=c.returned))
    valid_ballots = c.returned - c.invalid
    for cand in c.candidates:
        for post, v in cand.votes.items():
            if v > valid_ballots:
                errors.append(tr("{name} 的{post}得票 {v} 票，多于有效选票 {b} 张").format(
                    name=cand.name, post=post, v=v, b=max(valid_ballots, 0)))
        # one ballot counts a person at one post only (the higher one), so a person's votes over all posts
        # cannot exceed the ballots that could carry them
        counted = {p: v for p, v in cand.votes.items() if v > 0}
        summed = sum(counted.values())
        if len(counted) > 1 and summed > max(valid_ballots, 0):
            errors.append(tr("{name} 各职务得票合计 {t} 票（{parts}），多于有效选票 {b} 张（收回 {r} 张，作废 {i} 张）；"
                             "一张选票对同一人只能计一票").format(
                name=cand.name, t=summed, parts="、".join(tr("{post} {v} 票").format(post=p, v=v) for p, v in counted.items()),
                b=max(valid_ballots, 0), r=c.returned, i=c.invalid))
    for post, n in c.seats.items():
        total = sum(cand.votes.get(post, 0) for cand in c.candidates)
        if total > max(valid_ballots, 0) * n:
            errors.append(tr("{post}各人得票合计 {t} 票，超过有效选票 {b} 张 × 应选 {n} 名 = {cap} 票").format(
                post=post, t=total, b=max(valid_ballots, 0), n=n, cap=max(valid_ballots, 0) * n))
    if errors:
        res = _empty_result(c, OUTCOME_INPUT_ERROR,
                            [tr("计票数据有误，未作当选判定，请核对后重新计算：")] + errors, basis)
        return res

    # --- thresholds -----------------------------------------------------------------------------------------
    if party:
        threshold = majority_minimum(basis)
        rule = tr("当选票数须超过实到会有选举权的党员 {p} 人的半数，即超过 {h} 票（至少 {t} 票）").format(
            p=basis, h=basis // 2, t=threshold)

        def passes(v: int) -> bool:
            return v * 2 > basis
    elif additional:
        threshold = one_third_minimum(basis)
        rule = tr("另行选举以得票多的当选，但得票不得少于参加投票 {b} 人的三分之一，即至少 {t} 票").format(
            b=basis, t=threshold)

        def passes(v: int) -> bool:
            return v > 0 and v * 3 >= basis
    else:
        threshold = majority_minimum(basis)
        rule = tr("当选票数须超过参加投票 {b} 人的半数，即超过 {h} 票（至少 {t} 票）").format(
            b=basis, h=basis // 2, t=threshold)

        def passes(v: int) -> bool:
            return v * 2 > basis
    reasons.append(rule)

    # --- effective votes (higher posts count for lower ones on one ballot) ---------------------------------
    for cand in c.candidates:
        running = 0
        for post in posts:
            if c.aggregate:
                running += cand.votes.get(post, 0)
                cand.effective[post] = running
            else:
                cand.effective[post] = cand.votes.get(post, 0)
    if c.aggregate and len([p for p in posts if c.seats[p] > 0]) > 1:
        reasons.append(tr("一张选票选举多个职务，高职务的得票计入低职务（{chain}）；已当选高职务者不再参加低职务的当选").format(
            chain=" > ".join(posts)))

    # --- fill posts in rank order ---------------------------------------------------------------------------
    elected: list[dict[str, Any]] = []
    unfilled: dict[str, int] = {}
    unfilled_women: dict[str, int] = {}
    pending: dict[str, int] = {}
    ties_out: list[dict[str, Any]] = []
    taken_names: set[Any] = {_key(e.get("id"), e.get("name")) for e in c.elected_before}
    # Women elected in an earlier round are counted once, by the earlier round's decision: its `unfilled_women`
    # already nets them out, and the 另行选举 contest carries that net number as its `women_seats`. So in an
    # additional round `women_seats` are the women still to be elected and `elected_before` only bars re-election
    # (docs/results-engine.md, "Women seat across 另行选举").
    women_elected = 0 if additional else sum(1 for e in c.elected_before if e.get("gender") == WOMAN)
    vacant_women: dict[str, int] = {}
    blocked_by: str | None = None

    for post in posts:
        seats = c.seats[post]
        if seats <= 0:
            continue
        if blocked_by is not None:
            pending[post] = seats
            continue
        pool = [cand for cand in c.candidates if cand.key not in taken_names]
        qualified = [cand for cand in pool if passes(cand.effective[post])]
        women_req = c.women_seats.get(post, 0)
        women_needed = max(0, women_req - (women_elected if c.women_scope == "body" else 0))
        women_needed = min(women_needed, seats)
        out = _fill_post(qualified, post, seats, women_needed)
        winners = list(out.certain)
        ties = out.ties
        resolution = c.resolved_ties.get(post)
        if ties and resolution is not None:
            tied_list = [cand for _, group, _ in ties for cand in group]
            if isinstance(resolution.get("ids"), list):  # by id (people of the same name), else by name
                tied_all = {cand.key: cand for cand in tied_list}
                chosen_keys = [_key(i, None) for i in resolution["ids"]]
            else:
                tied_all = {cand.key: cand for cand in tied_list}
                by_name = {cand.name: cand.key for cand in tied_list}
                chosen_keys = [by_name.get(str(n), ("name", str(n))) for n in resolution["names"]]
            open_seats = sum(s for _, _, s in ties)
            if any(k not in tied_all for k in chosen_keys) or len(chosen_keys) != open_seats:
                raise ValidationError(tr("{post}票数相等的处理结果应从 {names} 中确定 {n} 人").format(
                    post=post, names="、".join(cand.name for cand in tied_list), n=open_seats))
            how = str(resolution.get("how") or tr("重新投票"))
            chosen = [tied_all[k].name for k in chosen_keys]
            for k in chosen_keys:
                winners.append(tied_all[k])
            reasons.append(tr("{post}票数相等，经{how}确定 {names} 当选").format(post=post, how=how, names="、".join(chosen)))
            ties = []
        winners.sort(key=lambda x: -x.effective[post])
        for cand in winners:
            v = cand.effective[post]
            elected.append({"name": cand.name, "post": post, "votes": v, "share": share_percent(v, basis)})
            if cand.id is not None:
                elected[-1]["id"] = cand.id
            taken_names.add(cand.key)
            if cand.woman:
                women_elected += 1
            reasons.append(tr("{name} 得 {v} 票（{post}），达到当选票数，当选{post}").format(name=cand.name, v=v, post=post))
        for cand in out.over_but_out:
            if cand in winners:
                continue
            if women_needed and not cand.woman:
                msg = tr("{name} 得 {v} 票（{post}），虽达到当选票数，但其余名额须由妇女担任，未当选{post}")
            else:
                msg = tr("{name} 得 {v} 票（{post}），虽达到当选票数，但名额已满且得票较少，未当选{post}")
            reasons.append(msg.format(name=cand.name, v=cand.effective[post], post=post))
        for v, group, n in ties:
            names = _sort_names(cand.name for cand in group)
            ties_out.append({"post": post, "names": names, "votes": v, "seats": n})
            if any(cand.id is not None for cand in group):  # ids in the order of names
                ordered = sorted(group, key=lambda x: names.index(x.name))
                ties_out[-1]["ids"] = [cand.id for cand in ordered]
            if party:
                how = tr("须就票数相等的被选举人重新投票，以得票多的当选")
            else:
                how = tr("须就票数相等的人重新投票（或按选举办法规定的方式）确定，不按姓名排序决定")
            reasons.append(tr("{post}：{names} 均得 {v} 票，票数相等，争 {n} 个名额，{how}").format(
                post=post, names="、".join(names), v=v, n=n, how=how))
            blocked_by = post
        if blocked_by == post:
            lower = [p for p in posts[posts.index(post) + 1:] if c.seats[p] > 0]
            if lower:
                reasons.append(tr("{post}的当选人未确定前，{lower}的当选暂不判定").format(post=post, lower="、".join(lower)))
        if additional and out.unfilled_women:
            # the women seat is not held back a second time: after the 另行选举 it stays vacant (暂缺)
            vacant_women[post] = out.unfilled_women
            reasons.append(tr("{post}须有妇女 {w} 名，另行选举中得票达到当选票数（至少 {t} 票）的女性不足，"
                              "{u} 个妇女名额暂缺，不再留作另行选举").format(
                post=post, w=women_needed, t=threshold, u=out.unfilled_women))
        open_seats = out.unfilled - (out.unfilled_women if additional else 0)
        if open_seats:
            unfilled[post] = open_seats
            if out.unfilled_women and not additional:
                unfilled_women[post] = out.unfilled_women
                reasons.append(tr("{post}须有妇女 {w} 名，得票达到当选票数的女性不足，{u} 个名额留给妇女另行选举").format(
                    post=post, w=women_needed, u=out.unfilled_women))
            if party:
                reasons.append(tr("{post}应选 {s} 名，当选 {f} 名，不足的 {u} 名可另行选举").format(
                    post=post, s=seats, f=out.filled, u=out.unfilled))
            elif additional:
                reasons.append(tr("{post}应选 {s} 名，当选 {f} 名，仍缺 {u} 名，应在规定期限内另行选举").format(
                    post=post, s=seats, f=out.filled, u=open_seats))
            else:
                reasons.append(tr("{post}应选 {s} 名，当选 {f} 名，不足的 {u} 名另行选举").format(
                    post=post, s=seats, f=out.filled, u=out.unfilled))

    members = len(c.elected_before) + len(elected)
    follow_up: list[str] = []
    if additional and c.body == BODY_VILLAGE and not pending and not ties_out:
        follow_up = _after_vacancy(c, elected, unfilled, vacant_women, members)
        reasons.extend(follow_up)

    return {
        "valid": True,
        "reasons": reasons,
        "threshold": threshold,
        "elected": elected,
        "unfilled": unfilled,
        "ties": ties_out,
        "outcome": OUTCOME_VALID,
        "basis": basis,
        "threshold_rule": rule,
        "pending": pending,
        "unfilled_women": unfilled_women,
        "vacant_women": vacant_women,
        "members_elected": members,
        "follow_up": follow_up,
        "effective_votes": {cand.name: dict(cand.effective) for cand in c.candidates},
        **({"effective_votes_by_id": [{"id": cand.id, "name": cand.name, "votes": dict(cand.effective)}
                                      for cand in c.candidates if cand.id is not None]}
           if any(cand.id is not None for cand in c.candidates) else {}),
    }


def _after_vacancy(c: _Contest, elected: list[dict[str, Any]], unfilled: dict[str, int],
                   vacant_women: dict[str, int], members: int) -> list[str]:
    """What follows a 另行选举 that leaves the village committee short (村民委员会组织法 §6; provincial 选举办法):
    fewer members than the minimum, or no 主任."""
    out: list[str] = []
    within = c.reelect_within or tr("规定期限内")
    if DIRECTOR in c.seats and (DIRECTOR in unfilled or DIRECTOR in vacant_women):
        deputies = [str(e.get("name")) for e in list(c.elected_before) + elected if e.get("post") == DEPUTY]
        if deputies:
            out.append(tr("主任暂缺，由副主任{names}主持工作，应在{within}再行选举主任").format(
                names="、".join(deputies), within=within))
        else:
            out.append(tr("主任暂缺，且没有当选的副主任，主持工作的人员按本省选举办法确定，应在{within}再行选举主任").format(
                within=within))
    if members < c.committee_min:
        out.append(tr("村民委员会当选成员共 {m} 名，少于村民委员会组织法第六条规定的 {n} 名，"
                      "应在{within}再行选举").format(m=members, n=c.committee_min, within=within))
    return out
