"""The county merge (tracking.md §B3): many sealed township workbooks in, one county workbook out, in the same layout
(so a city merges county workbooks the same way).

Each file is verified on its own (:func:`villagevote.statistics.sealed.read_sealed`: the fingerprint, every cell of
the visible tables against ``_data``, the template version, the B4 consistency rules); a refused file contributes
nothing. Among the files that pass:

- the report code, template version and 统计时点 most files carry are merged; a file with another is refused;
- the same unit (区划代码) twice: the same 报送序号 is a duplicate and the later file is refused; a higher 报送序号
  supersedes the lower one with a warning (whichever order they come in);
- a township already inside another accepted file (a township file beside the county file that contains it) is
  refused.

The output has one row per township and village, each township's 合计 as submitted, and the county total recomputed
from the townships' numerators and denominators (:func:`villagevote.statistics.catalog.totals`); a ``拒收清单`` sheet
lists every refused or superseded file with its reason, and ``报送情况`` every accepted file with its fingerprint to
compare with the sealed paper cover. Files are read one at a time with python-calamine; only their rows are kept.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote import __version__, audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import TOTAL
from villagevote.statistics.sealed import Cover, DataRow, SealedFile, cn_date_text, data_sha256, read_sealed
from villagevote.statistics.workbook import ExtraSheet, write_workbook

__all__ = ["ACCEPTED", "REFUSED", "SUPERSEDED", "FileOutcome", "MergeResult", "merge_files", "record_merge",
           "write_county"]

log = logging.getLogger("villagevote")

ACCEPTED, REFUSED, SUPERSEDED = "accepted", "refused", "superseded"
_LEVELS = (12, 9, 6, 4, 2)  # 区划代码 lengths: village, township, county, city, province


@dataclass
class FileOutcome:
    path: Path
    status: str               # ACCEPTED | REFUSED | SUPERSEDED
    reason: str = ""          # why refused or superseded (Chinese)
    unit_code: str = ""
    unit_name: str = ""
    serial: int = 0
    sha256: str = ""
    filled_by: str = ""
    reviewed_by: str = ""
    blocks: int = 0           # rows of the visible tables it contributes (villages and 合计)
    submitted_on: str = ""    # 报送日期 on its cover
    correction: str = ""      # 更正说明 on its cover

    @property
    def status_label(self) -> str:
        return {ACCEPTED: tr("已汇总"), REFUSED: tr("拒收"), SUPERSEDED: tr("被更正取代")}[self.status]


@dataclass
class MergeResult:
    report_code: str = ""
    template_version: str = ""
    period: str = ""
    unit_code: str = ""
    unit_name: str = ""
    rows: list[DataRow] = field(default_factory=list)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def accepted(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == ACCEPTED]

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == REFUSED]

    @property
    def superseded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == SUPERSEDED]


def _outcome(sealed: SealedFile) -> FileOutcome:
    cover = sealed.cover
    return FileOutcome(path=sealed.path, status=ACCEPTED, unit_code=cover.unit_code, unit_name=cover.unit_name,
                       serial=cover.serial, sha256=sealed.sha256, filled_by=cover.filled_by,
                       reviewed_by=cover.reviewed_by, blocks=len({(r.township_code, r.village_code) for r in sealed.rows}),
                       submitted_on=cover.submitted_on, correction=cover.correction)


def common_code(codes: Sequence[str]) -> str:
    """The 区划代码 of the unit that holds all ``codes``: the longest standard prefix (9, 6, 4 or 2 digits) they
    share and that is shorter than each; "" when there is none."""
    if not codes:
        return ""
    shortest = min(len(c) for c in codes)
    for length in _LEVELS:
        if length >= shortest:
            continue
        prefix = codes[0][:length]
        if all(c[:length] == prefix for c in codes):
            return prefix
    return ""


def merge_files(paths: Sequence[Path | str], unit_code: str | None = None, unit_name: str | None = None,
                progress: Callable[[float, str], None] | None = None) -> MergeResult:
    """Verify and merge ``paths``; nothing of a refused file is used. ``unit_code``/``unit_name`` name the merging
    unit (default: the common 区划代码 prefix of the accepted units, and "汇总"). Raises nothing for bad files: each
    outcome says what happened to its file."""
    result = MergeResult()
    checked: list[tuple[FileOutcome, SealedFile | None]] = []
    for i, raw in enumerate(paths):
        path = Path(raw)
        if progress is not None:
            progress(i / max(len(paths), 1), tr("正在校验 {name}").format(name=path.name))
        try:
            verified = read_sealed(path)
        except UserError as exc:
            checked.append((FileOutcome(path=path, status=REFUSED, reason=exc.message), None))
            continue
        checked.append((_outcome(verified), verified))
    # the report, template version and 统计时点 most files carry (the first of them on a tie) is what is merged
    kinds = Counter((s.cover.report_code, s.cover.template_version, s.cover.period) for _o, s in checked if s)
    if kinds:
        top = max(kinds.values())
        result.report_code, result.template_version, result.period = next(
            k for k in ((s.cover.report_code, s.cover.template_version, s.cover.period) for _o, s in checked if s)
            if kinds[k] == top)

    kept: dict[str, tuple[FileOutcome, SealedFile]] = {}  # unit code -> the file that counts for it
    for outcome, sealed in checked:
        result.outcomes.append(outcome)
        if sealed is None:
            continue
        cover = sealed.cover
        mismatch = [(label, got, want) for label, got, want in (
            (tr("报表代码"), cover.report_code, result.report_code),
            (tr("模板版本"), cover.template_version, result.template_version),
            (tr("统计时点"), cover.period, result.period)) if got != want]
        if mismatch:
            outcome.status = REFUSED
            outcome.reason = "；".join(tr("封面的{label}「{got}」与其他文件的「{want}」不同").format(
                label=label, got=got, want=want) for label, got, want in mismatch)
            continue
        previous = kept.get(cover.unit_code)
        if previous is not None:
            old, _old_file = previous
            if old.serial == cover.serial:
                outcome.status = REFUSED
                same = tr("，内容也相同") if old.sha256 == outcome.sha256 else tr("，但内容不同，请向报送单位核实")
                outcome.reason = tr("{unit}（{code}）报送序号 {serial} 已由文件「{other}」报送，重复报送{same}").format(
                    unit=cover.unit_name, code=cover.unit_code, serial=cover.serial, other=old.path.name, same=same)
                continue
            loser, winner = (old, outcome) if cover.serial > old.serial else (outcome, old)
            loser.status = SUPERSEDED
            loser.reason = tr("{unit}（{code}）的报送序号 {a} 已被文件「{other}」的报送序号 {b} 更正取代").format(
                unit=loser.unit_name, code=loser.unit_code, a=loser.serial, other=winner.path.name, b=winner.serial)
            if winner is outcome:
                kept[cover.unit_code] = (outcome, sealed)
            continue
        kept[cover.unit_code] = (outcome, sealed)
    del checked

    # a township inside two accepted files (a county file and that township's own file): refuse the later one
    owner: dict[str, FileOutcome] = {}
    for code, (outcome, sealed) in list(kept.items()):
        inside = {r.township_code for r in sealed.rows}
        clash = sorted(t for t in inside if t in owner)
        if clash:
            outcome.status = REFUSED
            outcome.reason = tr("乡镇 {codes} 已包含在文件「{other}」中，不能重复汇总").format(
                codes="、".join(clash), other=owner[clash[0]].path.name)
            del kept[code]
            continue
        for t in inside:
            owner[t] = outcome

    if unit_code is None:
        unit_code = common_code(sorted(kept))
    if unit_code in kept or (unit_code and unit_code in owner):
        raise UserError(tr("汇总单位的区划代码 {code} 与被汇总的单位相同，请用 --code 指定上一级区划代码").format(code=unit_code))
    result.unit_code = unit_code
    result.unit_name = unit_name or tr("汇总")

    tops: list[cat.Value] = []
    for code in sorted(kept):
        outcome, sealed = kept[code]
        result.rows += sealed.rows
        result.names.update(sealed.names)
        result.names[(code, TOTAL)] = tr("{name}合计").format(name=sealed.cover.unit_name)
        tops += [r.as_value(village_code=code) for r in sealed.top_totals()]
    for value in cat.totals(tops, TOTAL):
        result.rows.append(DataRow(result.report_code, result.template_version, result.period, unit_code, TOTAL,
                                   value.indicator, value.numerator, value.denominator, value.value_text()))
    result.names[(unit_code, TOTAL)] = tr("{name}合计").format(name=result.unit_name)
    if progress is not None:
        progress(1.0, tr("校验完成"))
    log.info("county merge: %d accepted, %d superseded, %d refused", len(result.accepted), len(result.superseded),
             len(result.refused))
    return result


def write_county(result: MergeResult, out: Path | str, filled_by: str = "", reviewed_by: str = "",
                 phone: str = "", serial: int = 1, correction: str = "", today: dt.date | None = None) -> Path:
    """Write the merged workbook (same layout as a township's: a city merges it the same way) with the 报送情况 and
    拒收清单 sheets. Refuses when nothing was accepted."""
    if not result.accepted:
        raise UserError(tr("没有可汇总的文件：所有文件都被拒收。"))
    cover = Cover(report_code=result.report_code, template_version=result.template_version, period=result.period,
                  unit_name=result.unit_name, unit_code=result.unit_code, filled_by=filled_by,
                  reviewed_by=reviewed_by, phone=phone, submitted_on=cn_date_text(today or dt.date.today()),
                  serial=serial, correction=correction, software=f"villagevote {__version__}", merged=True)
    status_rows = [[o.unit_code, o.unit_name, o.serial, o.submitted_on, o.correction, o.filled_by, o.reviewed_by,
                    o.sha256, o.path.name] for o in sorted(result.accepted, key=lambda o: o.unit_code)]
    refused_rows = [[o.path.name, o.status_label, o.unit_code, o.unit_name, o.serial or "", o.reason]
                    for o in result.outcomes if o.status != ACCEPTED]
    extra: list[ExtraSheet] = [
        (tr("报送情况"), [tr("区划代码"), tr("单位"), tr("报送序号"), tr("报送日期"), tr("更正说明"), tr("填表人"),
                      tr("审核人"), tr("数据指纹（SHA-256）"), tr("文件")], status_rows,
         [12, 16, 9, 16, 24, 10, 10, 70, 30]),
        (tr("拒收清单"), [tr("文件"), tr("处理"), tr("区划代码"), tr("单位"), tr("报送序号"), tr("原因")], refused_rows,
         [30, 12, 12, 16, 9, 100]),
    ]
    path, _cover = write_workbook(out, cover, result.rows, result.names, extra_sheets=extra)
    return path


@requires(Permission.VIEW, note=tr("只在操作日志中记录汇总了哪些文件、拒收了哪些文件"))
def record_merge(session: Session, actor: Actor, result: MergeResult, out: Path | str) -> None:
    """Audit a merge in the open database (the GUI's county mode when a township file is open; the merge itself
    needs none): the output file, its fingerprint and each input file with what happened to it."""
    if not isinstance(result, MergeResult) or not result.outcomes:
        raise ValidationError(tr("没有汇总结果可以记录"))
    audit.record(session, actor, "county_merge", "county_merge", result.unit_code or None, after={
        "out": Path(out).name, "report_code": result.report_code, "period": result.period,
        "sha256": data_sha256(result.rows),
        "files": [{"file": o.path.name, "status": o.status, "unit_code": o.unit_code, "serial": o.serial,
                   "sha256": o.sha256, "reason": o.reason[:300]} for o in result.outcomes]})
