"""每季一通报 (tracking.md A3, A7 "季度排名通报"; issue 17 item 4): the circular drafted from a FROZEN ranking snapshot
— 文号/期数, the text, the table (名次, 村, 总分, 分项, 较上季), 红榜 (the first three), 末位, and the lists of
overdue and supervised items with their villages and cadres named ([衢州剿劣讲话] "指名道姓的通报曝光"; [河长制讲话]
"不仅要有文字通报,还要有表格通报"). The snapshot's rows are never recomputed; the overdue and supervised lists are
read once, when the circular is drafted (as of its date), and frozen in it. The reviewer signs it once the snapshot
is signed. Domain: no Qt, no reports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.core import ElectionCycle, Township
from villagevote.models.enums import CommitmentStatus, SupervisionLevel
from villagevote.models.tracking import Circular, RankingSnapshot, Supervision
from villagevote.names import stroke_key
from villagevote.tracking.ranking import COMPONENTS, RankRow, component_label
from villagevote.tracking.weekly import item_facts, period_label

__all__ = ["CircularData", "circular_data", "circulars_of", "draft_circular", "sign_circular"]

RED_LIST_SIZE = 3  # 红榜: the first three — fewer in a small township (a third of the villages, at least one)
OPEN = frozenset({CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE})


@dataclass(frozen=True)
class CircularData:
    id: int
    cycle_id: int
    snapshot_id: int | None
    number: str
    period: str
    title: str
    body: str
    table: list[dict[str, Any]]     # [{rank, village, total, parts {label: text}, change, veto}]
    named: dict[str, Any]           # red, bottom, villages, cadres, overdue [...], supervised [...]
    issued_on: dt.date | None
    signed_by: str


def _data(c: Circular) -> CircularData:
    return CircularData(id=c.id, cycle_id=c.cycle_id, snapshot_id=c.snapshot_id, number=c.number, period=c.period,
                        title=c.title, body=c.body, table=list(c.table or []), named=dict(c.named or {}),
                        issued_on=c.issued_on, signed_by=c.signed_by or "")


def circular_data(session: Session, circular_id: int) -> CircularData:
    return _data(get_row(session, Circular, circular_id, tr("找不到通报（编号 {id}）")))


def circulars_of(session: Session, cycle_id: int, snapshot_id: int | None = None) -> list[CircularData]:
    """The cycle's circulars (of one snapshot), latest first."""
    stmt = select(Circular).where(Circular.cycle_id == cycle_id)
    if snapshot_id is not None:
        stmt = stmt.where(Circular.snapshot_id == snapshot_id)
    return [_data(c) for c in session.scalars(stmt.order_by(Circular.issued_on.desc(), Circular.id.desc()))]


def _change_text(row: RankRow) -> str:
    change = row.change
    if change is None:
        return "—"
    if change > 0:
        return tr("↑{n}").format(n=change)
    if change < 0:
        return tr("↓{n}").format(n=-change)
    return tr("持平")


def _person(owner: str) -> str:
    return owner.split("（", 1)[0]


def _lists(session: Session, cycle_id: int, on: dt.date,
           township_level: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open items past their current deadline on ``on``, and items under 挂牌督办 then; village and ledger order
    (an item of no village is listed as ``township_level``, e.g. 清河镇)."""
    facts = item_facts(session, cycle_id=cycle_id)
    by_id = {f.id: f for f in facts}
    overdue = [{"ledger_no": f.ledger_no, "village": f.village or township_level, "title": f.title, "owner": f.owner,
                "deadline": f.deadline_current.isoformat()}
               for f in facts if not f.is_parent and f.status in OPEN and f.deadline_current is not None
               and f.deadline_current < on]
    supervised = []
    for sup in session.scalars(select(Supervision).where(Supervision.issued_on <= on, Supervision.lifted_on.is_(None))
                               .order_by(Supervision.issued_on, Supervision.id)):
        f = by_id.get(sup.commitment_id)
        if f is None:
            continue
        supervised.append({"notice_no": sup.notice_no, "level": SupervisionLevel(sup.level).label,
                           "ledger_no": f.ledger_no, "village": f.village or township_level, "title": f.title, "owner": f.owner,
                           "limit_date": sup.limit_date.isoformat()})
    return overdue, supervised


def _unit(township: str) -> str:
    """镇 / 乡 / 街道 from the township's name (乡镇 when it says none)."""
    for suffix in ("街道", "镇", "乡"):
        if township.endswith(suffix):
            return suffix
    return tr("乡镇")


def _cn(text: str) -> str:
    """An ISO date as it prints: 2027-10-13 -> 2027年10月13日 (other text unchanged)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def _body(township: str, period: str, as_of: str, version: int, rows: list[RankRow], red: list[RankRow],
          bottom: list[RankRow], overdue: list[dict[str, Any]], supervised: list[dict[str, Any]]) -> str:
    n = len(rows)
    average = (sum((r.total for r in rows), Decimal(0)) / n).quantize(Decimal("0.01")) if n else Decimal(0)
    due = sum(int(r.figures.get("items_due", 0)) for r in rows)
    closed = sum(int(r.figures.get("items_closed", 0)) for r in rows)
    rate = f"{(Decimal(closed) * 100 / due).quantize(Decimal('0.1'))}%" if due else "—"
    parts = [
        tr("各村党组织、村民委员会："),
        tr("　　根据践诺工作季度排名办法（第 {v} 版），乡镇对各村{period}践诺工作进行了排名（数据截至{as_of}），现将有关情况通报如下。").format(
            v=version, period=period, as_of=_cn(as_of)),
        tr("　　一、总体情况。全{township}{n}个村参加排名，平均得分{avg}分。应销号事项{due}件，已销号{closed}件，销号率{rate}；"
           "逾期未完成事项{overdue}件，挂牌督办事项{supervised}件。").format(
            township=_unit(township), n=n, avg=average, due=due, closed=closed, rate=rate,
            overdue=len(overdue), supervised=len(supervised)),
    ]
    if red:
        parts.append(tr("　　二、红榜。{names}位列前{k}名，予以通报表扬。").format(
            names="、".join(tr("{v}（{t}分）").format(v=r.village, t=r.total) for r in red), k=len(red)))
    if bottom:
        vetoed = [r for r in bottom if r.veto]
        text = "、".join(tr("{v}（{t}分）").format(v=r.village, t=r.total) for r in bottom)
        parts.append(tr("　　三、末位。{names}排名末位{veto}，拟由乡镇党委进行末位约谈，限期整改。").format(
            names=text, veto=tr("（其中{v}因一票否决事项列末位）").format(v="、".join(r.village for r in vetoed))
            if vetoed else ""))
    if overdue or supervised:
        parts.append(tr("　　四、逾期与督办事项。以下事项逾期未完成或正在挂牌督办，责任村和责任人须于督办限期内办结并报结，逾期不办的将点名通报："))
        for item in supervised:
            parts.append(tr("　　{notice}　{village}　{title}（{no}），责任人{owner}，限{limit}前办结。").format(
                notice=item["notice_no"], village=item["village"], title=item["title"], no=item["ledger_no"],
                owner=item["owner"] or tr("（未定）"), limit=_cn(item["limit_date"])))
        for item in overdue:
            parts.append(tr("　　逾期　{village}　{title}（{no}），责任人{owner}，时限{deadline}。").format(
                village=item["village"], title=item["title"], no=item["ledger_no"], owner=item["owner"] or tr("（未定）"),
                deadline=_cn(item["deadline"])))
    parts.append(tr("　　各村要对照排名和问题清单，认真查找差距，落实每周一报、每月一查一比，确保承诺事项按期销号。"))
    return "\n".join(parts)


@requires(Permission.EDIT, Permission.REVIEW, note=tr("文号不得重复"))
def draft_circular(session: Session, actor: Actor, snapshot_id: int, *, number: str, issued_on: dt.date) -> int:
    """Draft the 季度排名通报 of a frozen snapshot (module docstring); returns the circular's id."""
    snap = get_row(session, RankingSnapshot, snapshot_id, tr("找不到排名快照（编号 {id}）"))
    number = (number or "").strip()
    if not number:
        raise ValidationError(tr("请填写通报的文号或期数"), field="number")
    if session.scalar(select(Circular.id).where(Circular.number == number)) is not None:
        raise ValidationError(tr("文号“{n}”已被另一份通报使用").format(n=number), field="number")
    cycle = get_row(session, ElectionCycle, snap.cycle_id, tr("找不到换届届次（编号 {id}）"))
    township = session.get(Township, cycle.township_id)
    township_name = township.name if township else ""
    rows = sorted((RankRow.from_json(r) for r in snap.rows), key=lambda r: r.rank)  # stable: code order in a tie
    label = period_label(snap.period)
    last_rank = rows[-1].rank if rows else 0
    bottom = [r for r in rows if r.rank == last_rank] if len(rows) > 1 else []
    red_size = min(RED_LIST_SIZE, max(1, len(rows) // 3))
    red = [r for r in rows if r.rank <= red_size and not r.veto and r not in bottom]
    overdue, supervised = _lists(session, snap.cycle_id, issued_on, township_name or tr("乡镇"))
    as_of = str((snap.scheme or {}).get("as_of", ""))
    body = _body(township_name, label, as_of, snap.scheme_version, rows, red, bottom, overdue, supervised)
    table = [{"rank": r.rank, "village": r.village, "total": str(r.total),
              "parts": {component_label(k): str(r.parts.get(k, Decimal(0))) for k in COMPONENTS},
              "deduction": str(r.deduction), "bonus": str(r.bonus), "veto": r.veto,
              "points": None if r.points is None else str(r.points), "change": _change_text(r)} for r in rows]
    people = {_person(x["owner"]) for x in overdue + supervised if x["owner"] and "（" in x["owner"]}
    named = {"red": [r.village for r in red], "bottom": [r.village for r in bottom],
             "villages": sorted({x["village"] for x in overdue + supervised} | {r.village for r in red + bottom}),
             "cadres": sorted(people, key=stroke_key), "overdue": overdue, "supervised": supervised}
    circular = Circular(cycle_id=snap.cycle_id, snapshot_id=snap.id, number=number, period=snap.period,
                        title=tr("关于{township}{period}践诺工作排名情况的通报").format(township=township_name, period=label),
                        body=body, table=table, named=named, issued_on=issued_on)
    return audit.add_recorded(session, actor, "draft", "circular", circular)


@requires(Permission.REVIEW, note=tr("须先签发所依据的排名；已签发的不能再签"))
def sign_circular(session: Session, actor: Actor, circular_id: int) -> None:
    """The reviewer signs (签发) a drafted circular; its ranking must be signed first."""
    c = get_row(session, Circular, circular_id, tr("找不到通报（编号 {id}）"))
    if c.signed_by:
        raise LockedError(tr("通报“{n}”已由{user}签发").format(n=c.number, user=c.signed_by))
    snap = session.get(RankingSnapshot, c.snapshot_id) if c.snapshot_id is not None else None
    if snap is not None and not snap.signed_by:
        raise ValidationError(tr("通报“{n}”所依据的{period}排名尚未签发，请先签发排名。").format(
            n=c.number, period=period_label(snap.period)))
    before = audit.snapshot(c)
    c.signed_by = actor.username
    audit.record(session, actor, "sign", "circular", c.id, before=before, after=audit.snapshot(c))
