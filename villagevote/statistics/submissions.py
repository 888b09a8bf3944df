"""Frozen, numbered report submissions (tracking.md §B4): generate → approve (a different user) → export.

- :func:`generate_submission` (录入, the 填表人) computes the report from the database now and freezes its
  ``_data`` rows, their SHA-256 (the fingerprint printed on the cover) and a hash of the source input, under the next
  报送序号 of that report and 统计时点. A second submission for the same report and 统计时点 is a correction: it
  needs a reason (更正说明) and supersedes the earlier ones.
- :func:`approve_submission` (审核, the 审核人) signs it off: the 审核人 must be a different user from the 填表人, and the
  figures must still be what the database gives (else it is 已变更: generate a correction).
- :func:`submission_status` recomputes the report and compares: a submission whose figures no longer agree with the
  database is 已变更, with the differences (indicator, village, old → new).
- :func:`export_submission` writes the sealed workbook of an APPROVED submission (the frozen rows, never a
  recomputation) and logs the export.

Every generation, approval, correction and export is audit-logged.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import __version__, audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models.core import ElectionCycle, Township, User, Village
from villagevote.models.statistics import ReportSubmission
from villagevote.seed import get_setting
from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import TOTAL
from villagevote.statistics.sealed import Cover, DataRow, cn_date_text, data_sha256, rows_from_values

__all__ = [
    "APPROVED",
    "DRAFT",
    "SETTING_PHONE",
    "SUPERSEDED",
    "Difference",
    "SubmissionStatus",
    "SubmissionView",
    "approve_submission",
    "compute_report",
    "export_submission",
    "generate_submission",
    "latest_approved",
    "list_submissions",
    "submission_print",
    "submission_status",
]

DRAFT, APPROVED, SUPERSEDED = "draft", "approved", "superseded"
SETTING_PHONE = "statistics.phone"  # the 电话 on the cover


def state_label(state: str) -> str:
    return {DRAFT: tr("待审核"), APPROVED: tr("已审核"), SUPERSEDED: tr("已更正")}.get(state, state)


# --------------------------------------------------------------------------------------------------------------
# Computing a report now
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Computed:
    report_code: str
    period: str
    township_code: str
    township_name: str
    rows: list[DataRow]
    names: dict[str, str]  # village code -> name
    source_hash: str


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


def _source_hash(source: Any) -> str:
    text = json.dumps(_plain(source), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cycle(session: Session, cycle_id: int | None) -> ElectionCycle:
    cycle = session.get(ElectionCycle, cycle_id) if cycle_id is not None else session.scalar(
        select(ElectionCycle).order_by(ElectionCycle.election_day.desc(), ElectionCycle.id.desc()))
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，无法统计"))
    return cycle


def compute_report(session: Session, cycle_id: int | None = None, report_code: str = cat.STRUCTURE,
                   stat_date: dt.date | None = None, period: str | None = None) -> Computed:
    """The report's rows as the database gives them now: structure (HJTJ-01) on the 统计时点 ``stat_date`` (the
    setting or the election day when None); tracking (JNTJ-01) for ``period`` ("2027-05" or "2027-Q2")."""
    from villagevote.statistics.gather import gather, stat_options, village_code
    from villagevote.statistics.indicators import compute

    cycle = _cycle(session, cycle_id)
    township = session.get(Township, cycle.township_id)
    if township is None:
        raise ValidationError(tr("还没有乡镇信息，无法统计"))
    if not township.code.strip():
        raise ValidationError(tr("乡镇“{name}”还没有填写区划代码：县级汇总按区划代码识别乡镇，请先在 系统 → 乡镇信息 中填写").format(
            name=township.name), field="code")
    if report_code == cat.STRUCTURE:
        options = stat_options(session, cycle, stat_date)
        source = gather(session, cycle.id, stat_date=options.stat_date)
        values = compute(source)
        label = options.stat_date.isoformat()
        names = {v.code: v.name for v in source.villages}
        source_hash = _source_hash(source)
    elif report_code == cat.TRACKING:
        from villagevote.statistics.tracking_stats import compute_tracking, gather_tracking
        if not period:
            raise ValidationError(tr("践诺跟踪统计要写明统计期，如 2027-05（月）或 2027-Q2（季度）"), field="period")
        tracking = gather_tracking(session, period, cycle.id)
        values = compute_tracking(tracking)
        label = tracking.period
        villages = session.scalars(select(Village).where(Village.township_id == township.id))
        names = {village_code(v): v.name for v in villages}
        source = _plain(tracking)
        source.pop("as_of", None)  # the day the figures are taken moves with the calendar, the data do not
        source_hash = _source_hash(source)
    else:
        raise ValidationError(tr("没有报表 {code}（本程序的报表：{ok}）").format(code=report_code,
                                                                         ok="、".join(cat.REPORT_CODES)))
    rows = rows_from_values(report_code, cat.TEMPLATE_VERSION, label, township.code.strip(), values)
    return Computed(report_code, label, township.code.strip(), township.name, rows, names, source_hash)


# --------------------------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionView:
    id: int
    report_code: str
    template_version: str
    period: str
    serial: int
    state: str
    state_label: str
    sha256: str
    filled_by: str
    reviewed_by: str
    generated_at: dt.datetime
    reviewed_at: dt.datetime | None
    correction_reason: str
    rows: int


@dataclass(frozen=True)
class Difference:
    indicator: str
    label: str
    village_code: str
    village: str       # name, or 合计
    old: str           # value as submitted
    new: str           # value the database gives now


@dataclass(frozen=True)
class SubmissionStatus:
    submission: SubmissionView
    changed: bool                   # 已变更: the figures differ from what the database gives now
    source_changed: bool            # the source input differs (even when no figure does)
    differences: list[Difference]

    @property
    def label(self) -> str:
        return tr("已变更") if self.changed else self.submission.state_label


def _view(row: ReportSubmission) -> SubmissionView:
    return SubmissionView(id=row.id, report_code=row.report_code, template_version=row.template_version,
                          period=row.period, serial=row.serial, state=row.state, state_label=state_label(row.state),
                          sha256=row.sha256, filled_by=row.filled_by, reviewed_by=row.reviewed_by,
                          generated_at=row.generated_at, reviewed_at=row.reviewed_at,
                          correction_reason=row.correction_reason, rows=len(row.data or []))


def _frozen_rows(row: ReportSubmission) -> list[DataRow]:
    return [DataRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), int(r[6]), int(r[7]), str(r[8]))
            for r in row.data or []]


def _get(session: Session, submission_id: int) -> ReportSubmission:
    row = session.get(ReportSubmission, submission_id)
    if row is None:
        raise NotFound(tr("找不到统计报送（编号 {id}）").format(id=submission_id))
    return row


def list_submissions(session: Session, cycle_id: int | None = None,
                     report_code: str | None = None) -> list[SubmissionView]:
    """The cycle's submissions, newest 统计时点 and 报送序号 first."""
    cycle = _cycle(session, cycle_id)
    query = select(ReportSubmission).where(ReportSubmission.cycle_id == cycle.id)
    if report_code:
        query = query.where(ReportSubmission.report_code == report_code)
    rows = session.scalars(query.order_by(ReportSubmission.period.desc(), ReportSubmission.report_code,
                                          ReportSubmission.serial.desc()))
    return [_view(r) for r in rows]


def _differences(old: Sequence[DataRow], new: Sequence[DataRow], names: dict[str, str]) -> list[Difference]:
    before = {(r.village_code, r.indicator): r for r in old}
    after = {(r.village_code, r.indicator): r for r in new}
    order = {d.code: i for i, d in enumerate(cat.catalog())}
    out: list[Difference] = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0] == TOTAL, k[0], order.get(k[1], 10**6))):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and (a.numerator, a.denominator) == (b.numerator, b.denominator):
            continue
        village, code = key
        try:
            label = cat.indicator(code).title
        except KeyError:
            label = code
        out.append(Difference(code, label, village, tr("合计") if village == TOTAL else names.get(village, village),
                              a.value if a is not None else tr("（无）"), b.value if b is not None else tr("（无）")))
    return out


def submission_status(session: Session, submission_id: int) -> SubmissionStatus:
    """Recompute the report from the database and compare it with the frozen submission (已变更 and the diff)."""
    row = _get(session, submission_id)
    stat_date = dt.date.fromisoformat(row.period) if row.report_code == cat.STRUCTURE else None
    now = compute_report(session, row.cycle_id, row.report_code, stat_date=stat_date, period=row.period)
    old = _frozen_rows(row)
    names = dict((row.options or {}).get("names", {}))
    names.update(now.names)
    differences = _differences(old, now.rows, names)
    return SubmissionStatus(_view(row), changed=bool(differences), source_changed=now.source_hash != row.source_hash,
                            differences=differences)


# --------------------------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------------------------
def _who(actor: Actor) -> str:
    return actor.username


def _name_of(session: Session, actor: Actor) -> str:
    """The name printed on the cover (frozen with the submission: a later rename does not change it)."""
    return actor.display_name or _display(session, actor.username)


def _display(session: Session, username: str) -> str:
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username


@requires(Permission.EDIT, note=tr("同一报表、同一统计时点再次生成即为更正，须写明更正说明"))
def generate_submission(session: Session, actor: Actor, cycle_id: int | None = None,
                        report_code: str = cat.STRUCTURE, stat_date: dt.date | None = None,
                        correction_reason: str = "", period: str | None = None) -> SubmissionView:
    """Freeze the report as the database gives it now under the next 报送序号 (the actor is the 填表人): the
    structure report on ``stat_date``, the tracking report for ``period`` (2027-05, 2027-Q2)."""
    cycle = _cycle(session, cycle_id)
    computed = compute_report(session, cycle.id, report_code, stat_date, period)
    earlier = list(session.scalars(select(ReportSubmission).where(
        ReportSubmission.cycle_id == cycle.id, ReportSubmission.report_code == report_code,
        ReportSubmission.period == computed.period)))
    reason = correction_reason.strip()
    if earlier and not reason:
        last = max(earlier, key=lambda r: r.serial)
        raise ValidationError(tr("统计时点 {period} 的{report}已有报送序号 {serial}（{state}）：再次生成是更正报送，请写明更正说明").format(
            period=computed.period, report=report_code, serial=last.serial, state=state_label(last.state)),
            field="correction_reason")
    serial = (session.scalar(select(func.max(ReportSubmission.serial)).where(
        ReportSubmission.cycle_id == cycle.id, ReportSubmission.report_code == report_code,
        ReportSubmission.period == computed.period)) or 0) + 1
    for old in earlier:
        if old.state != SUPERSEDED:
            before = {"state": old.state}
            old.state = SUPERSEDED
            audit.record(session, actor, "supersede", "report_submission", old.id, before=before,
                         after={"state": SUPERSEDED, "by_serial": serial})
    phone = str(get_setting(session, SETTING_PHONE, "") or "")
    row = ReportSubmission(
        cycle_id=cycle.id, report_code=report_code, template_version=cat.TEMPLATE_VERSION, period=computed.period,
        serial=serial, data=[list(r.fields()[:6]) + [r.numerator, r.denominator, r.value] for r in computed.rows],
        sha256=data_sha256(computed.rows), source_hash=computed.source_hash, state=DRAFT, filled_by=_who(actor),
        phone=phone, correction_reason=reason,
        options={"township_code": computed.township_code, "township_name": computed.township_name,
                 "names": computed.names, "software": f"villagevote {__version__}",
                 "filled_by_name": _name_of(session, actor)})
    session.add(row)
    session.flush()
    audit.record(session, actor, "generate" if serial == 1 else "correct", "report_submission", row.id,
                 after={"report_code": report_code, "period": computed.period, "serial": serial,
                        "sha256": row.sha256, "rows": len(computed.rows), "correction_reason": reason})
    return _view(row)


@requires(Permission.REVIEW, note=tr("审核人须与填表人不是同一用户；数据已变更的报送不能审核"))
def approve_submission(session: Session, actor: Actor, submission_id: int) -> SubmissionView:
    """Sign off a draft as the 审核人 (a different user from the 填表人)."""
    row = _get(session, submission_id)
    if row.state != DRAFT:
        raise ValidationError(tr("报送序号 {serial} 的状态是“{state}”，只有待审核的报送可以审核").format(
            serial=row.serial, state=state_label(row.state)))
    if _who(actor) == row.filled_by:
        raise ValidationError(tr("报送序号 {serial} 由“{user}”生成：填表人与审核人须为两个不同的用户，请由另一位审核员审核").format(
            serial=row.serial, user=_display(session, row.filled_by)))
    status = submission_status(session, row.id)
    if status.changed:
        first = status.differences[0]
        raise ValidationError(tr("报送序号 {serial} 生成后数据已变更（共 {n} 处，如 {village}「{label}」{old} → {new}），"
                                 "不能审核：请重新生成（更正报送）").format(
            serial=row.serial, n=len(status.differences), village=first.village, label=first.label, old=first.old,
            new=first.new))
    before = {"state": row.state}
    row.state = APPROVED
    row.reviewed_by = _who(actor)
    row.options = {**(row.options or {}), "reviewed_by_name": _name_of(session, actor)}
    row.reviewed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    audit.record(session, actor, "approve", "report_submission", row.id, before=before,
                 after={"state": APPROVED, "reviewed_by": row.reviewed_by, "sha256": row.sha256})
    return _view(row)


def submission_cover(session: Session, row: ReportSubmission, today: dt.date | None = None) -> Cover:
    options = row.options or {}
    return Cover(report_code=row.report_code, template_version=row.template_version, period=row.period,
                 unit_name=str(options.get("township_name", "")), unit_code=str(options.get("township_code", "")),
                 filled_by=str(options.get("filled_by_name") or _display(session, row.filled_by)),
                 reviewed_by=str(options.get("reviewed_by_name") or (
                     _display(session, row.reviewed_by) if row.reviewed_by else "")), phone=row.phone,
                 submitted_on=cn_date_text(today or (row.reviewed_at or row.generated_at).date()), serial=row.serial,
                 correction=row.correction_reason, software=str(options.get("software", "")), sha256=row.sha256)


def latest_approved(session: Session, cycle_id: int | None = None, report_code: str = cat.STRUCTURE) -> int:
    """The id of the newest approved submission of the report (raises when there is none)."""
    cycle = _cycle(session, cycle_id)
    row = session.scalar(select(ReportSubmission).where(
        ReportSubmission.cycle_id == cycle.id, ReportSubmission.report_code == report_code,
        ReportSubmission.state == APPROVED).order_by(ReportSubmission.period.desc(), ReportSubmission.serial.desc()))
    if row is None:
        raise ValidationError(tr("还没有已审核的{report}报送：请先由填表人生成报送、再由另一位审核员审核，然后导出").format(
            report=report_code))
    return row.id


@requires(Permission.VIEW, note=tr("只有审核通过的报送可以导出；导出记入操作日志"))
def export_submission(session: Session, actor: Actor, submission_id: int, out: Path | str,
                      csv_out: Path | str | None = None) -> Path:
    """Write the sealed workbook of an approved submission from its frozen rows (and the canonical CSV when
    ``csv_out``); logs the export. Needs only the view permission (checked by the registry)."""
    from villagevote.statistics.sealed import write_data_csv
    from villagevote.statistics.workbook import write_workbook

    row = _get(session, submission_id)
    if row.state != APPROVED:
        raise ValidationError(tr("报送序号 {serial} 的状态是“{state}”：只有审核通过的报送可以导出上报").format(
            serial=row.serial, state=state_label(row.state)))
    rows = _frozen_rows(row)
    if data_sha256(rows) != row.sha256:
        raise ValidationError(tr("报送序号 {serial} 保存的数据与其数据指纹不符（数据库被改动过），不能导出").format(serial=row.serial))
    cover = submission_cover(session, row)
    township = cover.unit_code
    names = {(township, code): name for code, name in dict((row.options or {}).get("names", {})).items()}
    path, _cover = write_workbook(out, cover, rows, names)
    if csv_out is not None:
        write_data_csv(rows, csv_out)
    audit.record(session, actor, "export", "report_submission", row.id,
                 after={"file": Path(path).name, "serial": row.serial, "sha256": row.sha256})
    return path



# --------------------------------------------------------------------------------------------------------------
# The printed summary (the cover that gets the seal, the township figures, the compliance sheet, a chart)
# --------------------------------------------------------------------------------------------------------------
# per report: the indicators of the summary table (township total, per village) and the chart's indicator
SUMMARY_COLUMNS: dict[str, tuple[str, ...]] = {
    cat.STRUCTURE: ("S12.members", "S13.cross_rate", "S14.one_shoulder", "S20.lw_women_rate", "S30.avg_age",
                    "S30.age_le35_rate", "S40.edu_senior_rate", "S50.vc_party_rate", "S70.reps_party_rate",
                    "S70.reps_women_rate", "S80.turnout"),
    cat.TRACKING: ("J01.registered", "J01.new", "J01.reported", "J01.closed", "J01.overdue", "J01.supervised",
                   "J02.closed_rate", "J02.on_time_rate", "J02.report_rate"),
}
CHART_INDICATOR = {cat.STRUCTURE: "S20.lw_women_rate", cat.TRACKING: "J02.closed_rate"}


@dataclass(frozen=True)
class TotalLine:
    code: str
    label: str           # with its unit: "交叉任职率（%）"
    value: str           # as shown
    fraction: str        # "12 / 50" for ratios and averages, "" for counts
    denominator: str     # what it is taken over (the template states it)


@dataclass(frozen=True)
class SubmissionPrint:
    cover: Cover
    state_label: str
    changed: bool                         # 已变更 since it was frozen
    title: str                            # 村级组织换届统计表 / 践诺跟踪统计表
    totals: list[TotalLine]
    columns: list[str]                    # labels of the per-village table's indicator columns
    villages: list[tuple[str, list[str]]]  # (name, values) in code order, then ("合计", …)
    compliance: list[tuple[str, str, str]]  # (village, rule, figure)
    chart_title: str
    chart: list[tuple[str, Decimal | None]]  # (village, value) for the chart


def submission_print(session: Session, submission_id: int | None = None, report_code: str = cat.STRUCTURE,
                     village: str | None = None) -> SubmissionPrint:
    """What the printed summary shows of a submission (the newest approved one of ``report_code`` when None); with
    ``village`` (a name) the per-village table and the chart keep that village only."""
    from villagevote.statistics.compliance import compliance_rows

    if submission_id is None:
        submission_id = latest_approved(session, report_code=report_code)
    row = _get(session, submission_id)
    rows = _frozen_rows(row)
    names: dict[str, str] = dict((row.options or {}).get("names", {}))
    if village is not None and village not in names.values():
        raise ValidationError(tr("报送中没有名为“{v}”的村").format(v=village))
    values = [r.as_value() for r in rows]
    by_key = {(v.village_code, v.indicator): v for v in values}
    codes = sorted({v.village_code for v in values if v.village_code != TOTAL})
    if village is not None:
        codes = [c for c in codes if names.get(c) == village]
    try:
        changed = submission_status(session, row.id).changed
    except ValidationError:
        changed = False
    totals: list[TotalLine] = []
    for definition in cat.catalog(row.report_code):
        total = by_key.get((TOTAL, definition.code))
        if total is None:
            continue
        fraction = "" if definition.kind == "count" else f"{total.numerator} / {total.denominator}"
        if definition.difference_of is not None:
            fraction = ""
        totals.append(TotalLine(definition.code, definition.title, total.value_text(), fraction,
                                definition.denominator))
    columns = [c for c in SUMMARY_COLUMNS.get(row.report_code, ()) if _known_code(c)]
    table: list[tuple[str, list[str]]] = []
    for code in [*codes, TOTAL]:
        cells = [by_key[(code, c)].value_text() if (code, c) in by_key else "" for c in columns]
        table.append((tr("合计") if code == TOTAL else names.get(code, code), cells))
    compliance = [(names.get(r.village_code, r.village_code), r.text, r.figure)
                  for r in compliance_rows(values, names) if r.village_code in codes] \
        if row.report_code == cat.STRUCTURE else []
    chart_code = CHART_INDICATOR.get(row.report_code, "")
    chart = [(names.get(code, code), by_key[(code, chart_code)].decimal() if (code, chart_code) in by_key else None)
             for code in codes] if _known_code(chart_code) else []
    title = tr("村级组织换届统计表") if row.report_code == cat.STRUCTURE else tr("践诺跟踪统计表")
    return SubmissionPrint(cover=submission_cover(session, row), state_label=state_label(row.state),
                           changed=changed, title=title, totals=totals,
                           columns=[cat.indicator(c).title for c in columns], villages=table, compliance=compliance,
                           chart_title=tr("各村{label}").format(label=cat.indicator(chart_code).title)
                           if _known_code(chart_code) else "", chart=chart)


def _known_code(code: str) -> bool:
    try:
        cat.indicator(code)
    except KeyError:
        return False
    return True
