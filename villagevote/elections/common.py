"""What the elections modules share: the bodies elected, the contest look-ups every write starts from (refused
once a result is official, or once official ballots froze the ballot), ballot rows in order, the committee size rule."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.elections.results import (
    BODY_PARTY,
    BODY_VILLAGE,
    COMMITTEE_MAX,
    COMMITTEE_MIN,
)
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.core import ElectionCycle, Organization, Village
from villagevote.models.elections import (
    BallotCandidate,
    BallotRecord,
    Contest,
    TallyEntry,
)
from villagevote.models.enums import CandidacyStatus, ContestMode, Gender, OrgKind
from villagevote.names import stroke_key

BODIES: dict[OrgKind, str] = {OrgKind.VILLAGE_COMMITTEE: BODY_VILLAGE, OrgKind.PARTY_BRANCH: BODY_PARTY}


ELIGIBLE = (CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY, CandidacyStatus.CANDIDATE)


MODE_TEXT = {ContestMode.WITH_CANDIDATES: "差额", ContestMode.SELF_NOMINATION: "自荐直选"}


WHOLE = "整张"


def body_label(kind: OrgKind) -> str:
    return tr("村民委员会") if kind is OrgKind.VILLAGE_COMMITTEE else tr("村党组织")


def gender_text(g: Gender | str | None) -> str | None:
    if g is None:
        return None
    g = Gender(g)
    return "女" if g is Gender.FEMALE else "男"


def cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


_CN_DIGITS = "零一二三四五六七八九"
_TERM_IN_NAME = re.compile(r"第\s*([0-9０-９]+|[零〇一二三四五六七八九十百千]+)\s*届")


def _cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Arabic digits above 9999)."""
    if n < 0 or n > 9999:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _CN_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


def term_text(cycle: ElectionCycle | None) -> str:
    """The 届次 the election forms name the body with, "第十二届": the cycle profile's ``term_number`` when set, else
    a "第…届" in the cycle's name (Arabic digits written in Chinese numerals), else "" (never guessed)."""
    if cycle is None:
        return ""
    number = (cycle.profile or {}).get("term_number")
    texts = [str(number)] if number not in (None, "") else []
    for text in [*texts, cycle.name or ""]:
        if text.strip().isdigit() and int(text) > 0:
            return tr("第{n}届").format(n=_cn_number(int(text)))
        match = _TERM_IN_NAME.search(text)
        if match:
            raw = match.group(1)
            if raw[0] in "0123456789０１２３４５６７８９":
                raw = _cn_number(int(raw))
            return tr("第{n}届").format(n=raw)
    return ""


def get_contest(session: Session, contest_id: int) -> Contest:
    return get_row(session, Contest, contest_id, tr("找不到选举（编号 {id}）"))


def ensure_unlocked(c: Contest) -> None:
    if c.official:
        raise LockedError(tr("该选举结果已确认为正式结果，计票和结果只读；如需更正，须由管理员填写理由后重新开启"))


def unlocked_contest(session: Session, contest_id: int) -> Contest:
    """The contest, for a write: refused once its result is official."""
    c = get_contest(session, contest_id)
    ensure_unlocked(c)
    return c


def org_of(session: Session, c: Contest) -> Organization:
    org = session.get(Organization, c.organization_id)
    assert org is not None
    return org


def village_name(session: Session, c: Contest) -> str:
    village = session.get(Village, org_of(session, c).village_id)
    return village.name if village else ""


def election_day_of(session: Session, c: Contest) -> dt.date | None:
    """The day the contest is held: its own date, else the cycle's election day."""
    if c.held_on is not None:
        return c.held_on
    cycle = session.get(ElectionCycle, org_of(session, c).cycle_id)
    return cycle.election_day if cycle else None


def committee_size_limits(session: Session, org: Organization) -> tuple[int, int]:
    """(fewest, most) members of a village committee: 村民委员会组织法 §6 says 3 to 7; a province's profile may set
    ``village_committee_members`` [min, max] in the cycle's profile where its rule differs."""
    cycle = session.get(ElectionCycle, org.cycle_id)
    limits = (cycle.profile or {}).get("village_committee_members") if cycle is not None else None
    if isinstance(limits, (list, tuple)) and len(limits) == 2 and all(isinstance(x, int) for x in limits):
        return int(limits[0]), int(limits[1])
    return COMMITTEE_MIN, COMMITTEE_MAX


def check_committee_size(session: Session, org: Organization, total: int) -> None:
    """Refuse a village committee contest whose seats add up to fewer or more members than the law allows."""
    if OrgKind(org.kind) is not OrgKind.VILLAGE_COMMITTEE:
        return
    low, high = committee_size_limits(session, org)
    if not low <= total <= high:
        raise ValidationError(tr("{village}村民委员会应选 {n} 名：村民委员会由主任、副主任和委员共 {low} 至 {high} 人组成"
                                 "（村民委员会组织法第六条），请调整各职务的应选名额").format(
            village=org.village.name, n=total, low=low, high=high))


def ballot_rows(session: Session, contest_id: int, *, include_merged: bool = True) -> list[BallotCandidate]:
    q = select(BallotCandidate).where(BallotCandidate.contest_id == contest_id)
    if not include_merged:
        q = q.where(BallotCandidate.merged_into_id.is_(None))
    return list(session.scalars(q.order_by(BallotCandidate.order, BallotCandidate.id)))


def renumber(session: Session, contest_id: int, post: str) -> None:
    bcs = session.scalars(select(BallotCandidate).where(BallotCandidate.contest_id == contest_id,
                                                        BallotCandidate.post == post,
                                                        BallotCandidate.write_in.is_(False))).all()
    for i, bc in enumerate(sorted(bcs, key=lambda b: stroke_key(b.name)), start=1):
        bc.order = i


def has_tally(session: Session, contest_id: int) -> bool:
    return bool(session.scalar(select(func.count(TallyEntry.id)).where(TallyEntry.contest_id == contest_id))
                or session.scalar(select(func.count(BallotRecord.id)).where(BallotRecord.contest_id == contest_id)))


def counting_begun(session: Session, c: Contest) -> bool:
    """Any tally entry, ballot record or saved ballot counts: the count is under way (or done)."""
    return bool(has_tally(session, c.id) or c.ballots_issued or c.ballots_returned or c.ballots_invalid)


def ensure_not_frozen(session: Session, c: Contest) -> None:
    """Official ballots fix the ballot's candidate list, posts and seats (选举规程: 选票印制后不得变更候选人名单)."""
    if c.ballots_printed:
        raise ValidationError(tr(
            "{village}的正式选票已印制 {n} 张，选票上的候选人名单、职务和名额已冻结，不能再修改；"
            "如确需更改，须由管理员填写理由“重新开启选票”，已印制的选票作废").format(
            village=village_name(session, c), n=c.ballots_printed))
