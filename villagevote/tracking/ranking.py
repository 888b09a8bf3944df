"""每季一排名 (tracking.md A3 "quarterly"; issue 17 item 4): the ranking of the villages by a versioned scheme, frozen
into a signed RankingSnapshot that later edits never change, and the 末位约谈 proposals drawn from a signed snapshot.
Domain: no Qt, no reports.

The scheme is the setting ``tracking.ranking_scheme`` (defaults in ``tracking.settings.DEFAULT_RANKING_SCHEME``;
administrators change it with :func:`set_ranking_scheme`, which bumps its ``version``). Per village, over the period
[start, as_of] (as_of = the period's last day, or today while the period runs):

- ``closed_rate`` (40): Σweight of the items due (current deadline ≤ as_of) that are 销号 by as_of ÷ Σweight due;
- ``on_time_rate`` (20): the same against the ORIGINAL deadline, closed no later than it (按期率);
- ``report_rate`` (10): 周报及时率 of the weeks whose reports were due by as_of (``weekly.timeliness_counts``);
- ``inspection`` (30): the mean score of the village's scored inspections in the period ÷ 100;
- minus, per finding of an UNSCORED inspection (暗访, 上级督查 …) in the period, its ``deduction`` or, when it has
  none, ``deduction_per_finding`` (0.5) — a scored inspection's findings are already in its score;
- plus ``early_bonus`` per item 销号 in the period before its original deadline;
- a finding with ``veto`` (一票否决) in the period puts the village last (``veto_last``).

A rate with nothing due gives full marks (nothing was missed); a village no scored inspection visited gets the mean
of the villages that had one (full marks when none had), so avoiding inspection never pays. Items counted are the
village's leaf items (a parent's children are counted, not the parent), not 撤销 or 免责. Each part is rounded to
``places`` (2) decimals ROUND_HALF_UP and the total is the sum of the printed parts; equal totals share a rank (1, 1,
3). ``rank_points`` (e.g. 10, 9, 8, 7) gives points by rank; ranks beyond the list get 0.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.base import utcnow
from villagevote.models.core import ElectionCycle, Setting, User, Village
from villagevote.models.enums import CommitmentStatus, ConsequenceState, FlagKind, InspectionKind
from villagevote.models.tracking import Flag, Inspection, InspectionFinding, RankingSnapshot
from villagevote.tracking.settings import KEY_PREFIX, tracking_settings
from villagevote.tracking.weekly import (
    STRUCK,
    ItemFacts,
    due_date,
    due_weekday,
    item_facts,
    period_bounds,
    period_kind,
    period_label,
    previous_period,
    timeliness_counts,
    weeks_in,
)

__all__ = [
    "COMPONENTS",
    "RankRow",
    "Scheme",
    "SnapshotInfo",
    "component_label",
    "compute_ranking",
    "current_scheme",
    "freeze_ranking",
    "propose_interviews",
    "score_period",
    "set_ranking_scheme",
    "sign_ranking",
    "snapshot_digest",
    "snapshot_info",
    "snapshot_rows",
    "snapshots",
]

SCHEME_KEY = KEY_PREFIX + "ranking_scheme"
COMPONENTS = ("closed_rate", "on_time_rate", "report_rate", "inspection")
CLOSED = frozenset({CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT})
# kinds whose score counts in the inspection part (patrols and unit visits are activity, not a score of the village)
SCORED_KINDS = frozenset(InspectionKind) - {InspectionKind.PATROL, InspectionKind.UNIT_VISIT}
FULL_SCORE = Decimal(100)


def component_label(key: str) -> str:
    return {"closed_rate": tr("销号率"), "on_time_rate": tr("按期率"), "report_rate": tr("周报及时率"),
            "inspection": tr("检查得分")}.get(key, key)


# --------------------------------------------------------------------------------------------------- the scheme
@dataclass(frozen=True)
class Scheme:
    version: int
    weights: dict[str, Decimal]
    deduction_per_finding: Decimal
    early_bonus: Decimal
    veto_last: bool
    rank_points: tuple[Decimal, ...]
    places: int
    raw: dict[str, Any]

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


def _dec(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(tr("排名方案中“{what}”的值“{value}”不是数字。").format(what=what, value=value)) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(tr("排名方案中“{what}”不能为负数（现为 {value}）。").format(what=what, value=value))
    return number


def scheme_from(raw: dict[str, Any]) -> Scheme:
    """Check a scheme (the setting's JSON) and read it with Decimals; ValidationError names the bad entry."""
    if not isinstance(raw, dict):
        raise ValidationError(tr("排名方案格式不对。"))
    components = raw.get("components") or {}
    if not isinstance(components, dict):
        raise ValidationError(tr("排名方案的分项权重格式不对。"))
    unknown = sorted(set(components) - set(COMPONENTS))
    if unknown:
        raise ValidationError(tr("排名方案中有不认识的分项：{names}。").format(names="、".join(unknown)))
    weights = {k: _dec(components.get(k, "0"), component_label(k)) for k in COMPONENTS}
    if sum(weights.values()) <= 0:
        raise ValidationError(tr("排名方案各分项权重之和必须大于 0。"))
    points = raw.get("rank_points") or ()
    if not isinstance(points, (list, tuple)):
        raise ValidationError(tr("排名方案的名次计分应为一列数字，如 10、9、8、7。"))
    try:
        places = int(raw.get("places", 2))
        version = int(raw.get("version", 1))
    except (TypeError, ValueError):
        raise ValidationError(tr("排名方案的版本号或小数位数不是整数。")) from None
    if not 0 <= places <= 4:
        raise ValidationError(tr("排名方案的小数位数应在 0–4 之间。"))
    return Scheme(version=version, weights=weights,
                  deduction_per_finding=_dec(raw.get("deduction_per_finding", "0"), tr("每个问题扣分")),
                  early_bonus=_dec(raw.get("early_bonus", "0") or "0", tr("提前销号加分")),
                  veto_last=bool(raw.get("veto_last", True)),
                  rank_points=tuple(_dec(p, tr("名次计分")) for p in points), places=places, raw=copy.deepcopy(raw))


def current_scheme(session: Session) -> Scheme:
    """The scheme in force (the setting, or the defaults of tracking.md A3)."""
    return scheme_from(tracking_settings(session).ranking_scheme)


@requires(Permission.ADMIN)
def set_ranking_scheme(session: Session, actor: Actor, scheme: dict[str, Any]) -> int:
    """Replace the ranking scheme: checked, stored as the setting with the next version number (snapshots already
    frozen keep the scheme they used). Returns the new version."""
    old = current_scheme(session)
    raw = copy.deepcopy(scheme)
    raw["version"] = old.version + 1
    checked = scheme_from(raw)
    raw["components"] = {k: str(v) for k, v in checked.weights.items()}
    row = session.get(Setting, SCHEME_KEY)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=SCHEME_KEY, value=raw))
    else:
        row.value = raw
    audit.record(session, actor, "update", "setting", SCHEME_KEY, before={"value": before}, after={"value": raw})
    return checked.version


# --------------------------------------------------------------------------------------------------- scoring
@dataclass(frozen=True)
class RankRow:
    """One village's place. ``parts`` by component key; ``figures`` the counts behind them (for the circular)."""

    village_id: int
    village: str
    rank: int
    total: Decimal
    parts: dict[str, Decimal]
    deduction: Decimal
    bonus: Decimal
    veto: bool
    points: Decimal | None
    previous_rank: int | None
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def change(self) -> int | None:
        """较上季: places gained (positive) or lost (negative) since the previous snapshot; None without one."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    def to_json(self) -> dict[str, Any]:
        return {"village_id": self.village_id, "village": self.village, "rank": self.rank, "total": str(self.total),
                "parts": {k: str(v) for k, v in self.parts.items()}, "deduction": str(self.deduction),
                "bonus": str(self.bonus), "veto": self.veto,
                "points": None if self.points is None else str(self.points), "previous_rank": self.previous_rank,
                "figures": self.figures}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RankRow:
        return cls(village_id=int(data["village_id"]), village=str(data["village"]), rank=int(data["rank"]),
                   total=Decimal(data["total"]), parts={k: Decimal(v) for k, v in data.get("parts", {}).items()},
                   deduction=Decimal(data.get("deduction", "0")), bonus=Decimal(data.get("bonus", "0")),
                   veto=bool(data.get("veto")),
                   points=None if data.get("points") is None else Decimal(data["points"]),
                   previous_rank=data.get("previous_rank"), figures=dict(data.get("figures") or {}))


def _rate(done: Decimal, due: Decimal) -> Decimal:
    return Decimal(1) if due == 0 else done / due


def _q(value: Decimal, scheme: Scheme) -> Decimal:
    return value.quantize(scheme.quantum, rounding=ROUND_HALF_UP)


def _leaf(f: ItemFacts) -> bool:
    return not f.is_parent and f.status not in STRUCK and f.village_id is not None


def score_period(session: Session, *, cycle_id: int, start: dt.date, end: dt.date, today: dt.date,
                 scheme: Scheme | None = None, facts: Sequence[ItemFacts] | None = None) -> list[RankRow]:
    """Score and rank every village of the cycle's township over [start, min(end, today)] (no previous ranks).
    ``facts``: the cycle's items when the caller has read them already."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    scheme = scheme or current_scheme(session)
    as_of = min(end, today)
    villages = list(session.execute(select(Village.id, Village.name).where(Village.township_id == cycle.township_id)
                                    .order_by(Village.code, Village.id)))
    w_due: dict[int, Decimal] = defaultdict(Decimal)
    w_closed: dict[int, Decimal] = defaultdict(Decimal)
    n_due: dict[int, int] = defaultdict(int)
    n_closed: dict[int, int] = defaultdict(int)
    w_deadline: dict[int, Decimal] = defaultdict(Decimal)
    w_on_time: dict[int, Decimal] = defaultdict(Decimal)
    n_deadline: dict[int, int] = defaultdict(int)
    n_on_time: dict[int, int] = defaultdict(int)
    early: dict[int, int] = defaultdict(int)
    overdue: dict[int, int] = defaultdict(int)
    facts = item_facts(session, cycle_id=cycle_id, owners=False) if facts is None else facts
    for f in facts:
        if not _leaf(f) or f.village_id is None:
            continue
        v = f.village_id
        closed_on = f.closed_on if f.status in CLOSED and f.closed_on is not None and f.closed_on <= as_of else None
        current = f.deadline_current or f.deadline
        original = f.deadline or f.deadline_current
        if current is not None and current <= as_of:
            w_due[v] += f.weight
            n_due[v] += 1
            if closed_on is not None:
                w_closed[v] += f.weight
                n_closed[v] += 1
            elif current < as_of:
                overdue[v] += 1
        if original is not None and original <= as_of:
            w_deadline[v] += f.weight
            n_deadline[v] += 1
            if closed_on is not None and closed_on <= original:
                w_on_time[v] += f.weight
                n_on_time[v] += 1
        if closed_on is not None and closed_on >= start and original is not None and closed_on < original:
            early[v] += 1
    weekday = due_weekday(session)
    weeks = [w for w in weeks_in(start, end) if due_date(w, weekday) <= as_of]
    reports = timeliness_counts(session, cycle_id=cycle_id, periods=weeks, facts=facts)
    # inspections of the period: scores and findings
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for village_id, score in session.execute(
            select(Inspection.village_id, Inspection.score).where(
                Inspection.cycle_id == cycle_id, Inspection.village_id.is_not(None), Inspection.score.is_not(None),
                Inspection.kind.in_([k.value for k in SCORED_KINDS]), Inspection.held_on >= start,
                Inspection.held_on <= as_of)):
        scores[village_id].append(Decimal(str(score)))
    deduction: dict[int, Decimal] = defaultdict(Decimal)
    findings: dict[int, int] = defaultdict(int)
    veto: dict[int, int] = defaultdict(int)
    for village_id, scored, cut, is_veto in session.execute(
            select(Inspection.village_id, Inspection.score.is_not(None), InspectionFinding.deduction,
                   InspectionFinding.veto)
            .join(Inspection, Inspection.id == InspectionFinding.inspection_id)
            .where(Inspection.cycle_id == cycle_id, Inspection.village_id.is_not(None), Inspection.held_on >= start,
                   Inspection.held_on <= as_of)):
        findings[village_id] += 1
        if is_veto:
            veto[village_id] += 1
        if not scored:
            cut = Decimal(str(cut)) if cut is not None else Decimal(0)
            deduction[village_id] += cut if cut > 0 else scheme.deduction_per_finding
    means = {v: sum(s, Decimal(0)) / len(s) for v, s in scores.items() if s}
    fallback = (sum(means.values(), Decimal(0)) / len(means)) if means else FULL_SCORE
    weights = scheme.weights
    unranked = []
    for vid, name in villages:
        on_time_reports, due_reports = reports.get(vid, (0, 0))
        mean = means.get(vid, fallback)
        parts = {
            "closed_rate": _q(weights["closed_rate"] * _rate(w_closed[vid], w_due[vid]), scheme),
            "on_time_rate": _q(weights["on_time_rate"] * _rate(w_on_time[vid], w_deadline[vid]), scheme),
            "report_rate": _q(weights["report_rate"] * _rate(Decimal(on_time_reports), Decimal(due_reports)), scheme),
            "inspection": _q(weights["inspection"] * min(mean, FULL_SCORE) / FULL_SCORE, scheme),
        }
        cut = _q(deduction[vid], scheme)
        bonus = _q(scheme.early_bonus * early[vid], scheme)
        total = sum(parts.values(), Decimal(0)) - cut + bonus
        figures = {"items_due": n_due[vid], "items_closed": n_closed[vid], "items_overdue": overdue[vid],
                   "deadline_due": n_deadline[vid], "closed_on_time": n_on_time[vid],
                   "reports_due": due_reports, "reports_on_time": on_time_reports,
                   "inspections": len(scores.get(vid, [])),
                   "inspection_mean": str(_q(means[vid], scheme)) if vid in means else None,
                   "findings": findings[vid], "veto_findings": veto[vid], "early": early[vid]}
        unranked.append((vid, name, total, parts, cut, bonus, veto[vid] > 0, figures))
    return _ranked(unranked, scheme)


def _ranked(unranked: list[Any], scheme: Scheme) -> list[RankRow]:
    order = {vid: i for i, (vid, *_rest) in enumerate(unranked)}

    def key(item: Any) -> tuple[bool, Decimal, int]:
        vid, _name, total, _parts, _cut, _bonus, is_veto, _fig = item
        return (is_veto and scheme.veto_last, -total, order[vid])

    rows: list[RankRow] = []
    previous: tuple[bool, Decimal] | None = None
    rank = 0
    for i, item in enumerate(sorted(unranked, key=key), start=1):
        vid, name, total, parts, cut, bonus, is_veto, figures = item
        group = (is_veto and scheme.veto_last, total)
        if group != previous:
            rank = i
            previous = group
        points = None
        if scheme.rank_points:
            points = scheme.rank_points[rank - 1] if rank <= len(scheme.rank_points) else Decimal(0)
        rows.append(RankRow(village_id=vid, village=name, rank=rank, total=total, parts=parts, deduction=cut,
                            bonus=bonus, veto=is_veto, points=points, previous_rank=None, figures=figures))
    return rows


def _check_period(period: str, kinds: Sequence[str] = ("quarter",)) -> tuple[dt.date, dt.date]:
    if period_kind(period) not in kinds:
        raise ValidationError(tr("排名期间“{period}”不对：季度排名应写成 2026-Q2 这样的季度。").format(period=period),
                              field="quarter")
    return period_bounds(period)


def _previous_ranks(session: Session, cycle_id: int, period: str) -> dict[int, int]:
    """Ranks of the previous period's snapshot (the latest signed one, else the latest)."""
    prev = previous_period(period)
    snaps = list(session.scalars(select(RankingSnapshot).where(
        RankingSnapshot.cycle_id == cycle_id, RankingSnapshot.period == prev).order_by(RankingSnapshot.serial)))
    if not snaps:
        return {}
    signed = [s for s in snaps if s.signed_by]
    chosen = (signed or snaps)[-1]
    return {int(r["village_id"]): int(r["rank"]) for r in chosen.rows}


def compute_ranking(session: Session, *, cycle_id: int, quarter: str, today: dt.date | None = None,
                    scheme: Scheme | None = None) -> list[RankRow]:
    """The ranking of a quarter ("2026-Q2") by the scheme in force, with 较上季 from the previous quarter's
    snapshot. A preview: nothing is stored (see :func:`freeze_ranking`)."""
    start, end = _check_period(quarter, ("quarter", "month"))
    today = today or dt.date.today()
    if today < start:
        raise ValidationError(tr("{period}尚未开始，不能排名。").format(period=period_label(quarter)), field="quarter")
    rows = score_period(session, cycle_id=cycle_id, start=start, end=end, today=today, scheme=scheme)
    previous = _previous_ranks(session, cycle_id, quarter)
    return [RankRow(village_id=r.village_id, village=r.village, rank=r.rank, total=r.total, parts=r.parts,
                    deduction=r.deduction, bonus=r.bonus, veto=r.veto, points=r.points,
                    previous_rank=previous.get(r.village_id), figures=r.figures) for r in rows]


# --------------------------------------------------------------------------------------------------- snapshots
def snapshot_digest(cycle_id: int, period: str, serial: int, scheme: dict[str, Any], rows: list[Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps({"cycle_id": cycle_id, "period": period, "serial": serial, "scheme": scheme, "rows": rows},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    cycle_id: int
    period: str
    label: str
    serial: int
    scheme_version: int
    as_of: str
    created_by: str
    created_at: dt.datetime
    signed_by: str
    signed_at: dt.datetime | None
    digest: str
    intact: bool      # the digest still matches the stored rows
    created_by_name: str = ""   # the users' display names (the login when a user has none)
    signed_by_name: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signed_by)


def _display_names(session: Session | None, *usernames: str) -> dict[str, str]:
    wanted = [u for u in usernames if u]
    if session is None or not wanted:
        return {}
    return {u: d for u, d in session.execute(select(User.username, User.display_name)
                                             .where(User.username.in_(wanted))) if d}


def _info(s: RankingSnapshot) -> SnapshotInfo:
    intact = snapshot_digest(s.cycle_id, s.period, s.serial, s.scheme, s.rows) == s.digest
    names = _display_names(object_session(s), s.created_by, s.signed_by or "")
    return SnapshotInfo(id=s.id, cycle_id=s.cycle_id, period=s.period, label=period_label(s.period), serial=s.serial,
                        scheme_version=s.scheme_version, as_of=str((s.scheme or {}).get("as_of", "")),
                        created_by=s.created_by, created_at=s.created_at, signed_by=s.signed_by or "",
                        signed_at=s.signed_at, digest=s.digest, intact=intact,
                        created_by_name=names.get(s.created_by, s.created_by),
                        signed_by_name=names.get(s.signed_by or "", s.signed_by or ""))


def _snapshot(session: Session, snapshot_id: int) -> RankingSnapshot:
    return get_row(session, RankingSnapshot, snapshot_id, tr("找不到排名快照（编号 {id}）"))


def snapshots(session: Session, cycle_id: int) -> list[SnapshotInfo]:
    """Every frozen ranking of the cycle, latest period first."""
    rows = session.scalars(select(RankingSnapshot).where(RankingSnapshot.cycle_id == cycle_id)
                           .order_by(RankingSnapshot.period.desc(), RankingSnapshot.serial.desc()))
    return [_info(s) for s in rows]


def snapshot_info(session: Session, snapshot_id: int) -> SnapshotInfo:
    return _info(_snapshot(session, snapshot_id))


def snapshot_rows(session: Session, snapshot_id: int) -> list[RankRow]:
    """The frozen rows, as they were when frozen (never recomputed)."""
    return [RankRow.from_json(r) for r in _snapshot(session, snapshot_id).rows]


@requires(Permission.EDIT, Permission.REVIEW)
def freeze_ranking(session: Session, actor: Actor, *, cycle_id: int, quarter: str,
                   today: dt.date | None = None) -> int:
    """Freeze the quarter's ranking (the clerk prepares it): the rows and a copy of the scheme (with ``as_of``) are
    stored with their SHA-256; a second freeze of the same quarter gets the next serial. Returns the snapshot id."""
    today = today or dt.date.today()
    _check_period(quarter, ("quarter", "month"))
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    scheme = current_scheme(session)
    rows = compute_ranking(session, cycle_id=cycle_id, quarter=quarter, today=today, scheme=scheme)
    if not rows:
        raise ValidationError(tr("本乡镇没有村，无法排名。"))
    _, end = period_bounds(quarter)
    serial = (session.scalar(select(func.max(RankingSnapshot.serial)).where(
        RankingSnapshot.cycle_id == cycle_id, RankingSnapshot.period == quarter)) or 0) + 1
    frozen_scheme = {**copy.deepcopy(scheme.raw), "as_of": min(end, today).isoformat()}
    data = [r.to_json() for r in rows]
    snap = RankingSnapshot(cycle_id=cycle_id, period=quarter, serial=serial, scheme_version=scheme.version,
                           scheme=frozen_scheme, rows=data, created_by=actor.username,
                           digest=snapshot_digest(cycle_id, quarter, serial, frozen_scheme, data))
    return audit.add_recorded(session, actor, "freeze", "ranking_snapshot", snap)


@requires(Permission.REVIEW, note=tr("签发人不能是冻结该排名的用户；已签发的不能再签；数据指纹不符的拒签"))
def sign_ranking(session: Session, actor: Actor, snapshot_id: int) -> None:
    """The reviewer signs a frozen ranking: another user than the one who froze it; its digest must still match."""
    snap = _snapshot(session, snapshot_id)
    label = tr("{period}排名（第{serial}版）").format(period=period_label(snap.period), serial=snap.serial)
    if snap.signed_by:
        raise LockedError(tr("{label}已由{user}签发，不能再次签发。").format(label=label, user=snap.signed_by))
    if snap.created_by == actor.username:
        raise ValidationError(tr("{label}由您（{user}）冻结，须由另一位审核人员签发。").format(
            label=label, user=actor.username))
    if snapshot_digest(snap.cycle_id, snap.period, snap.serial, snap.scheme, snap.rows) != snap.digest:
        raise ValidationError(tr("{label}的数据与冻结时的数据指纹不符，可能被改动，不能签发。请重新冻结。").format(label=label))
    before = audit.snapshot(snap)
    snap.signed_by = actor.username
    snap.signed_at = utcnow()
    audit.record(session, actor, "sign", "ranking_snapshot", snap.id, before=before, after=audit.snapshot(snap))


@requires(Permission.EDIT, Permission.REVIEW, note=tr("只能依据已签发的排名；每村每次排名只提一次"))
def propose_interviews(session: Session, actor: Actor, snapshot_id: int, bottom_n: int = 1,
                       today: dt.date | None = None) -> list[int]:
    """末位约谈: propose an interview (Flag kind interview, state proposed) for the villages in the last ``bottom_n``
    places of a signed snapshot — villages tied with the last of them too. Proposals only: a reviewer confirms or
    waives each (``tracking.consequences``). Already proposed villages are skipped. Returns the new flag ids."""
    today = today or dt.date.today()
    snap = _snapshot(session, snapshot_id)
    if not snap.signed_by:
        raise ValidationError(tr("{period}排名尚未签发，不能据此提出末位约谈。").format(period=period_label(snap.period)))
    if bottom_n < 1:
        raise ValidationError(tr("末位约谈的村数至少为 1。"), field="bottom_n")
    rows = sorted((RankRow.from_json(r) for r in snap.rows), key=lambda r: r.rank)
    if not rows:
        return []
    cut = rows[max(0, len(rows) - bottom_n)].rank
    chosen = [r for r in rows if r.rank >= cut]
    existing = set(session.scalars(select(Flag.village_id).where(
        Flag.source_type == "ranking_snapshot", Flag.source_id == snap.id, Flag.kind == FlagKind.INTERVIEW)))
    label = period_label(snap.period)
    ids = []
    for r in chosen:
        if r.village_id in existing:
            continue
        why = (tr("{period}排名第{rank}名（共{n}村），一票否决，拟末位约谈") if r.veto
               else tr("{period}排名第{rank}名（共{n}村），总分{total}，拟末位约谈")).format(
            period=label, rank=r.rank, n=len(rows), total=r.total)
        flag = Flag(kind=FlagKind.INTERVIEW, state=ConsequenceState.PROPOSED, cycle_id=snap.cycle_id,
                    village_id=r.village_id, rule="ranking_bottom", why=why, year=int(snap.period[:4]),
                    source_type="ranking_snapshot", source_id=snap.id, raised_on=today, proposed_by=actor.username)
        ids.append(audit.add_recorded(session, actor, "propose", "flag", flag))
    return ids
