"""County joint review round trip (县级联审): export one workbook per township, read back the departments' answers.

Export (:func:`build_county_sheet`, written by the ``county-review`` export of ``villagevote.reports.forms_county``,
which logs it with :func:`record_county_export`): one row per candidate (person) who passed the 乡镇复审 — ID number included,
because the departments look people up by it — and one column group per county department (有无情况 / 意见 /
经办人 / 日期). The workbook carries the township, cycle and an export number in a hidden sheet.

Import, in two steps, nothing written before the second:

1. :func:`preview_county_import` reads the returned workbook, matches rows by ID number and lists every problem —
   a workbook from another township or cycle is refused outright; unknown or invalid ID numbers, changed names,
   contradictory or unreadable answers are errors; missing answers are warnings. It also works out the changes:
   per candidacy × department a sign-off, and per rule the department checks a finding:

   * 无 → every rule that department checks is clear;
   * 有 and the opinion names rule codes (e.g. "N1") → those rules are hits (with the first date in the opinion as
     the event date of a time-windowed rule), the department's other rules clear;
   * 有 without a rule code → the department's rules are doubtful, for the township to settle.

   Only what differs from the database is planned, so importing the same file again plans nothing.
2. :func:`apply_county_import` writes the planned sign-offs (``review.record_signoff``) and findings
   (``findings.record_finding``) in the caller's transaction, after checking that the file has not changed since the
   preview and that the preview had no errors.

The 县级联审 decision can then be taken from what the workbook brought in instead of being retyped:
:func:`plan_county_decisions` works out, for each candidacy waiting at 乡镇复审通过 whose county departments have all
answered, the decision those answers support (通过 when every department said 无 and the verdict has no 不能; 不通过
when the verdict is 不能, with its reasons); anything else (有 without a 不能: 不宜 or 存疑) is left for a person to
decide and listed with why. :func:`apply_county_decisions` records the planned decisions (``review.record_review``)
after the user confirmed them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.candidates.rowcheck import parse_date
from villagevote.cells import cell_text
from villagevote.errors import NotFound, PermissionDenied, ValidationError
from villagevote.i18n import tr
from villagevote.idcard import InvalidIdNumber, mask_id_number, parse_id_number
from villagevote.lookup import get_row
from villagevote.models import Candidacy, DepartmentSignoff, ElectionCycle, Finding, Organization, Person, Rule, Village
from villagevote.models.core import AuditLog, Township
from villagevote.models.enums import (
    CandidacyStatus,
    FindingResult,
    Gender,
    OrgKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
)
from villagevote.names import stroke_key
from villagevote.qualification.county_workbook import (
    CountyRow,
    CountySheet,
    RawAnswer,
    ReturnedWorkbook,
    read_county_workbook,
)
from villagevote.qualification.findings import record_finding
from villagevote.qualification.review import county_departments, current_steps, record_review, record_signoff
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict

__all__ = [
    "EXPORT_ACTION",
    "IMPORT_ACTION",
    "ApplyResult",
    "CountyDecisionPlan",
    "CountyImportPreview",
    "Issue",
    "PlannedDecision",
    "PlannedFinding",
    "PlannedSignoff",
    "apply_county_decisions",
    "apply_county_import",
    "build_county_sheet",
    "plan_county_decisions",
    "preview_county_import",
    "record_county_export",
]

EXPORT_ACTION = "county_review_export"
IMPORT_ACTION = "county_review_import"

# Candidacies still in the running: the ones the county is asked about.
_OUT_OF_RUNNING = {CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED}

_YES = {"有", "有情况", "是", "存在", "有问题"}
_NO = {"无", "无情况", "否", "没有", "未发现", "无问题", "/", "—", "-"}
_CLEAN_OPINIONS = {"无", "无情况", "同意", "未发现", "未发现问题", "无异常", "通过", "没有"}
_NEGATIVE_WORDS = ("不同意", "不宜", "不符合", "取消资格", "不能作为")
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,3}\d{1,2})(?![A-Za-z0-9])")
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


# --- export -------------------------------------------------------------------------------------------------------

def _cycle(session: Session, cycle_id: int) -> ElectionCycle:
    return get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))


def _township(session: Session, cycle: ElectionCycle) -> Township:
    township = session.get(Township, cycle.township_id)
    if township is None:
        raise NotFound(tr("找不到届次“{cycle}”所属的乡镇").format(cycle=cycle.name))
    return township


def _township_passed(session: Session, candidacy_id: int) -> bool:
    step = current_steps(session, candidacy_id).get(ReviewStage.TOWNSHIP)
    return step is not None and ReviewDecision(step.decision) is ReviewDecision.PASS


def _exportable(session: Session, cycle_id: int) -> list[Candidacy]:
    cands = session.scalars(select(Candidacy).where(Candidacy.cycle_id == cycle_id).order_by(Candidacy.id)).all()
    return [c for c in cands if CandidacyStatus(c.status) not in _OUT_OF_RUNNING and _township_passed(session, c.id)]


def _rules_by_department(session: Session, cycle: ElectionCycle) -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    if cycle.rule_set_id is None:
        return out
    rules = session.scalars(select(Rule).where(Rule.rule_set_id == cycle.rule_set_id)
                            .order_by(Rule.sort_order, Rule.id)).all()
    for rule in rules:
        for dept in rule.departments or []:
            out.setdefault(dept, []).append(rule)
    return out


def build_county_sheet(session: Session, cycle_id: int, departments: Iterable[str] | None = None,
                       export_id: str | None = None, today: dt.date | None = None,
                       village: str | None = None) -> CountySheet:
    """Plain data for the workbook: candidates who passed 乡镇复审, by village, in stroke order within a village;
    only those of ``village`` (a village name) when given."""
    cycle = _cycle(session, cycle_id)
    township = _township(session, cycle)
    all_depts = county_departments(session, cycle.id)
    depts = list(departments) if departments is not None else all_depts
    if not depts:
        raise ValidationError(tr("本届资格条件目录中没有需要县级部门核查的条款，无法生成联审表（请先为届次绑定资格条件目录）。"))
    unknown = [d for d in depts if d not in all_depts]
    if unknown:
        raise ValidationError(tr("“{depts}”不是本届县级联审的部门（有：{all}）").format(
            depts="、".join(unknown), all="、".join(all_depts)))
    cands = _exportable(session, cycle.id)
    if village:
        chosen = session.scalar(select(Village).where(Village.township_id == cycle.township_id,
                                                      Village.name == village))
        if chosen is None:
            raise ValidationError(tr("没有名为“{v}”的村").format(v=village), field="village")
        cands = [c for c in cands if (org := session.get(Organization, c.organization_id)) is not None
                 and org.village_id == chosen.id]
    if not cands:
        raise ValidationError(tr("{cycle}{village}没有已通过乡镇复审、待县级联审的候选人。").format(
            cycle=cycle.name, village=village or ""))

    by_person: dict[int, list[Candidacy]] = {}
    for cand in cands:
        by_person.setdefault(cand.person_id, []).append(cand)
    entries = []
    for person_id, pcands in by_person.items():
        person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
        orgs = [session.get(Organization, c.organization_id) for c in pcands]
        home = session.get(Village, orgs[0].village_id) if orgs and orgs[0] is not None else None
        posts = "；".join(f"{OrgKind(o.kind).label}{c.post}" for c, o in zip(pcands, orgs) if o is not None)
        entries.append((home.code if home else "", home.name if home else "", person, posts))
    entries.sort(key=lambda e: (e[0], e[1], stroke_key(e[2].name)))

    rows = []
    for seq, (_, village_name, person, posts) in enumerate(entries, start=1):
        rows.append(CountyRow(
            seq=seq,
            village=village_name,
            name=person.name,
            gender=Gender(person.gender).label if person.gender else "",
            id_number=person.id_number or "",
            birth=f"{person.birth_date.year}.{person.birth_date.month:02d}" if person.birth_date else "",
            political=PoliticalStatus(person.political_status).label if person.political_status else "",
            posts=posts,
        ))
    rules = _rules_by_department(session, cycle)
    return CountySheet(
        township_id=township.id,
        township=township.name,
        county=township.county or "",
        cycle_id=cycle.id,
        cycle_name=cycle.name,
        export_id=export_id or uuid.uuid4().hex[:12].upper(),
        exported_on=today or dt.date.today(),
        departments=tuple(depts),
        rules_by_department={d: [(r.code, r.text) for r in rules.get(d, [])] for d in depts},
        rows=rows,
        village=village or "",
    )


@requires(Permission.VIEW_SENSITIVE)
def record_county_export(session: Session, actor: Actor, cycle_id: int, export_id: str, file_name: str, rows: int,
                         departments: list[str]) -> None:
    """Log that the joint-review workbook (full ID numbers) ``export_id`` was written, so that the returned file is
    recognised and the export can be traced."""
    _cycle(session, cycle_id)
    audit.record(session, actor, EXPORT_ACTION, "election_cycle", cycle_id, after={
        "export_id": export_id, "file": file_name, "rows": rows, "departments": list(departments)}, note=export_id)


# --- import -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """A problem found in the returned workbook; ``row`` is the sheet row (None for the whole file)."""

    level: str  # "error" blocks the import; "warning" is listed only
    row: int | None
    name: str
    department: str
    message: str

    def text(self) -> str:
        where = tr("第{row}行").format(row=self.row) if self.row else tr("全表")
        who = f" {self.name}" if self.name else ""
        dept = f"【{self.department}】" if self.department else ""
        return f"{where}{who}{dept}：{self.message}"


@dataclass(frozen=True)
class PlannedSignoff:
    candidacy_id: int
    name: str
    department: str
    has_issue: bool
    opinion: str
    handler: str
    signed_on: dt.date | None
    is_new: bool


@dataclass(frozen=True)
class PlannedFinding:
    candidacy_id: int
    name: str
    rule_code: str
    department: str
    result: FindingResult
    evidence: str
    event_date: dt.date | None
    before: FindingResult | None  # None = no earlier answer from this department


@dataclass
class CountyImportPreview:
    path: Path
    sha256: str
    export_id: str
    cycle_id: int
    township: str
    departments: list[str]
    rows_read: int = 0
    persons_matched: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    signoffs: list[PlannedSignoff] = field(default_factory=list)
    findings: list[PlannedFinding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors

    @property
    def change_count(self) -> int:
        return len(self.signoffs) + len(self.findings)

    def summary(self) -> str:
        text = tr("读取 {rows} 行，匹配 {persons} 人；错误 {errors} 项，提醒 {warnings} 项；"
                  "将写入部门意见 {signoffs} 条、核查结果 {findings} 条。").format(
            rows=self.rows_read, persons=self.persons_matched, errors=len(self.errors),
            warnings=len(self.warnings), signoffs=len(self.signoffs), findings=len(self.findings))
        if self.clean and not self.change_count:
            text += tr("与系统中已有的记录完全一致，没有需要更新的内容。")
        return text


@dataclass(frozen=True)
class ApplyResult:
    signoffs: int
    findings: int


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # an Excel serial number that arrived without a date format
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    return parse_date(value)


def _evidence(dept: str, has_issue: bool, opinion: str, handler: str, day: dt.date | None) -> str:
    parts = [tr("县级联审 {dept}：{answer}").format(dept=dept, answer=opinion or (tr("有") if has_issue else tr("无")))]
    extra = [p for p in (tr("经办人 {h}").format(h=handler) if handler else "", day.isoformat() if day else "") if p]
    if extra:
        parts.append(f"（{'，'.join(extra)}）")
    return "".join(parts)


def preview_county_import(session: Session, path: Path | str, cycle_id: int,
                          today: dt.date | None = None) -> CountyImportPreview:
    """Read a returned workbook and work out what importing it would do. Writes nothing.

    Raises ValidationError when the file is not a joint-review workbook of this township and cycle."""
    today = today or dt.date.today()
    path = Path(path)
    book = read_county_workbook(path)
    cycle = _cycle(session, cycle_id)
    township = _township(session, cycle)
    meta = book.meta
    if meta.get("township_id") != str(township.id) or meta.get("township") != township.name:
        raise ValidationError(tr(
            "这份联审表是“{other}”导出的（导出编号 {export_id}），不是本乡镇“{ours}”的，已拒绝导入，数据库未作任何改动。").format(
            other=meta.get("township") or tr("未知乡镇"), export_id=meta.get("export_id", ""), ours=township.name))
    if meta.get("cycle_id") != str(cycle.id):
        raise ValidationError(tr(
            "这份联审表属于“{other}”，不是当前届次“{ours}”的，已拒绝导入。").format(
            other=meta.get("cycle") or meta.get("cycle_id", ""), ours=cycle.name))

    preview = CountyImportPreview(path=path, sha256=_sha256(path), export_id=meta.get("export_id", ""),
                                  cycle_id=cycle.id, township=township.name, departments=list(book.departments))
    _check_file_level(session, book, preview, cycle)
    _check_rows(session, book, preview, cycle, today)
    return preview


def _check_file_level(session: Session, book: ReturnedWorkbook, preview: CountyImportPreview,
                      cycle: ElectionCycle) -> None:
    def warn(message: str, dept: str = "") -> None:
        preview.warnings.append(Issue("warning", None, "", dept, message))

    exported = [d for d in (book.meta.get("departments") or "").split("|") if d]
    if exported and exported != book.departments:
        warn(tr("表头中的部门与导出时不同：导出时为“{a}”，现在为“{b}”").format(
            a="、".join(exported), b="、".join(book.departments)))
    allowed = county_departments(session, cycle.id)
    for dept in book.departments:
        if dept not in allowed:
            preview.errors.append(Issue("error", None, "", dept, tr(
                "“{dept}”不是本届县级联审的部门（有：{all}）").format(dept=dept, all="、".join(allowed))))
    logged = session.scalar(select(AuditLog.id).where(AuditLog.action == EXPORT_ACTION,
                                                      AuditLog.note == preview.export_id))
    if logged is None:
        warn(tr("本数据库中没有导出编号 {id} 的记录（可能是在恢复备份之前导出的），请核对是否是本乡镇的表。").format(
            id=preview.export_id or tr("（空）")))
    for dept in book.departments:
        if book.rows and all(r.answers[dept].is_blank() for r in book.rows):
            warn(tr("该部门没有填写任何意见，本次不会为该部门记录结果"), dept)


def _classify(value: Any) -> bool | str | None:
    """True = 有, False = 无, None = blank, str = unreadable (the text)."""
    text = cell_text(value).replace(" ", "").replace("\u3000", "")
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    return text


def _check_rows(session: Session, book: ReturnedWorkbook, preview: CountyImportPreview, cycle: ElectionCycle,
                today: dt.date) -> None:
    rules_by_dept = _rules_by_department(session, cycle)
    all_rules = {r.code.upper(): r for rules in rules_by_dept.values() for r in rules}
    if cycle.rule_set_id is not None:
        for r in session.scalars(select(Rule).where(Rule.rule_set_id == cycle.rule_set_id)):
            all_rules.setdefault(r.code.upper(), r)
    exportable = _exportable(session, cycle.id)
    cands_by_person: dict[int, list[Candidacy]] = {}
    for cand in exportable:
        cands_by_person.setdefault(cand.person_id, []).append(cand)
    seen: dict[str, tuple[int, dict[str, RawAnswer]]] = {}
    matched: set[int] = set()
    for row in book.rows:
        preview.rows_read += 1
        name = cell_text(row.name)

        def err(message: str, dept: str = "", _row: int = row.row_number, _name: str = name) -> None:
            preview.errors.append(Issue("error", _row, _name, dept, message))

        def warn(message: str, dept: str = "", _row: int = row.row_number, _name: str = name) -> None:
            preview.warnings.append(Issue("warning", _row, _name, dept, message))

        try:
            info = parse_id_number(row.id_number, today=today)
        except InvalidIdNumber as exc:
            err(tr("身份证号码“{v}”有误：{msg}").format(v=cell_text(row.id_number), msg=exc.message))
            continue
        number = info.number
        if number in seen:
            first_row, first_answers = seen[number]
            if first_answers != row.answers:
                err(tr("与第{row}行是同一人（{id}），但两行填写的意见不一致，请合并为一行").format(
                    row=first_row, id=mask_id_number(number)))
            else:
                warn(tr("与第{row}行重复（内容相同），只导入一次").format(row=first_row))
            continue
        seen[number] = (row.row_number, row.answers)
        person = session.scalar(select(Person).where(Person.id_number == number))
        if person is None:
            err(tr("身份证号码 {id} 在本乡镇的人员中找不到（是否被改动？）").format(id=mask_id_number(number)))
            continue
        cands = cands_by_person.get(person.id)
        if not cands:
            err(tr("{name}（{id}）不在待县级联审的候选人中（未通过乡镇复审、已退出或不是本届候选人）").format(
                name=person.name, id=mask_id_number(number)))
            continue
        if name != person.name:
            err(tr("姓名与系统中不一致：表中为“{a}”，系统中为“{b}”（身份证号码 {id}）").format(
                a=name, b=person.name, id=mask_id_number(number)))
            continue
        matched.add(person.id)
        missing = []
        for dept in book.departments:
            answer = row.answers[dept]
            if answer.is_blank():
                missing.append(dept)
                continue
            _plan_answer(session, preview, dept, answer, cands, person, rules_by_dept.get(dept, []), all_rules,
                         today, err, warn)
        if missing and len(missing) < len(book.departments):
            warn(tr("以下部门未填写：{depts}").format(depts="、".join(missing)))
        elif missing:
            warn(tr("各部门都没有填写"))
    preview.persons_matched = len(matched)
    for person_id in cands_by_person:
        person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
        if (person.id_number or "") not in seen:
            preview.warnings.append(Issue("warning", None, person.name, "", tr(
                "待联审的候选人{name}（{id}）不在返回的表中").format(
                name=person.name, id=mask_id_number(person.id_number or ""))))


def _plan_answer(session: Session, preview: CountyImportPreview, dept: str, answer: RawAnswer,
                 cands: list[Candidacy], person: Person, dept_rules: list[Rule], all_rules: dict[str, Rule],
                 today: dt.date, err: Any, warn: Any) -> None:
    kind = _classify(answer.has_issue)
    opinion = cell_text(answer.opinion)
    handler = cell_text(answer.handler)
    if kind is None:
        err(tr("填写了意见、经办人或日期，但“有无情况”为空，请选择“无”或“有”"), dept)
        return
    if isinstance(kind, str):
        err(tr("“有无情况”应为“无”或“有”，实际为“{v}”").format(v=kind), dept)
        return
    day: dt.date | None = None
    if answer.date is not None:
        try:
            day = _parse_date(answer.date)
        except (ValueError, OverflowError) as exc:
            err(tr("日期无法识别：{msg}").format(msg=exc), dept)
            return
        if day > today:
            err(tr("日期 {d} 晚于今天（{t}）").format(d=day.isoformat(), t=today.isoformat()), dept)
            return
    else:
        warn(tr("没有填写日期"), dept)
    if not handler:
        warn(tr("没有填写经办人"), dept)
    codes = [c.upper() for c in _CODE.findall(opinion)]
    unknown_codes = [c for c in codes if c not in all_rules]
    if unknown_codes:
        err(tr("意见中的条款编号“{codes}”不在本届资格条件目录中").format(codes="、".join(unknown_codes)), dept)
        return
    if kind is False:
        if codes:
            err(tr("选了“无”，但意见中写了条款 {codes}，前后矛盾").format(codes="、".join(codes)), dept)
            return
        if any(w in opinion for w in _NEGATIVE_WORDS):
            err(tr("选了“无”，但意见为“{op}”，前后矛盾").format(op=opinion), dept)
            return
        results: dict[str, tuple[FindingResult, dt.date | None]] = {
            r.code: (FindingResult.CLEAR, None) for r in dept_rules}
    else:
        if not opinion or opinion in _CLEAN_OPINIONS:
            err(tr("选了“有”，但意见{op}，没有写明具体情况").format(
                op=tr("为“{op}”").format(op=opinion) if opinion else tr("为空")), dept)
            return
        event = _date_in(opinion)
        if event is not None and event > today:
            err(tr("意见中的日期 {d} 晚于今天").format(d=event.isoformat()), dept)
            return
        if codes:
            results = {r.code: (FindingResult.CLEAR, None) for r in dept_rules}
            for code in dict.fromkeys(codes):
                rule = all_rules[code]
                windowed = bool(rule.window_years)
                results[rule.code] = (FindingResult.HIT, event if windowed else None)
                if windowed and event is None:
                    warn(tr("条款 {code} 有时限，意见中没有写明日期，导入后请补录事件日期（否则按存疑处理）").format(
                        code=rule.code), dept)
                if rule.until_expiry:
                    warn(tr("条款 {code} 到期后解除，导入后请补录期满日").format(code=rule.code), dept)
        else:
            if not dept_rules:
                warn(tr("选了“有”，但该部门不核查本届任何条款，意见中也没有条款编号，只记录部门意见"), dept)
            else:
                warn(tr("选了“有”但没有写条款编号，该部门核查的条款（{codes}）将记为“存疑”，请乡镇核实后确定").format(
                    codes="、".join(r.code for r in dept_rules)), dept)
            results = {r.code: (FindingResult.DOUBT, None) for r in dept_rules}

    evidence = _evidence(dept, bool(kind), opinion, handler, day)
    for cand in cands:
        existing = session.scalar(select(DepartmentSignoff).where(
            DepartmentSignoff.candidacy_id == cand.id, DepartmentSignoff.department == dept))
        wanted = (bool(kind), opinion, handler, day)
        if existing is None or (existing.has_issue, existing.opinion, existing.handler, existing.signed_on) != wanted:
            preview.signoffs.append(PlannedSignoff(cand.id, person.name, dept, bool(kind), opinion, handler, day,
                                                   existing is None))
    # findings belong to the person within the cycle: planned once, through the person's first candidacy
    first = cands[0]
    for code, (result, event_date) in results.items():
        rule = all_rules[code.upper()]
        finding = session.scalar(select(Finding).where(
            Finding.person_id == person.id, Finding.cycle_id == first.cycle_id, Finding.rule_id == rule.id,
            Finding.department == dept))
        if finding is not None and (FindingResult(finding.result), finding.evidence, finding.event_date) == (
                result, evidence, event_date):
            continue
        preview.findings.append(PlannedFinding(
            first.id, person.name, rule.code, dept, result, evidence, event_date,
            FindingResult(finding.result) if finding is not None else None))


def _date_in(text: str) -> dt.date | None:
    m = _DATE_IN_TEXT.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@requires(Permission.EDIT, Permission.REVIEW)
def apply_county_import(session: Session, actor: Actor, preview: CountyImportPreview,
                        today: dt.date | None = None) -> ApplyResult:
    """Write a clean preview's planned changes in the caller's transaction (all or nothing)."""
    if not (can(actor, Permission.EDIT) or can(actor, Permission.REVIEW)):
        raise PermissionDenied(tr("当前用户“{user}”（{role}）无权导入县级联审意见。").format(
            user=actor.username, role=actor.role.label))
    if not preview.clean:
        raise ValidationError(tr("联审表还有 {n} 处错误，改正后重新预览才能导入。").format(n=len(preview.errors)))
    if not preview.path.exists() or _sha256(preview.path) != preview.sha256:
        raise ValidationError(tr("“{name}”在预览之后被改动或移走了，请重新预览。").format(name=preview.path.name))
    if not preview.change_count:
        return ApplyResult(0, 0)
    source = f"{preview.path.name}#{preview.export_id}"
    for s in preview.signoffs:
        record_signoff(session, actor, s.candidacy_id, s.department, s.has_issue, s.opinion, s.handler,
                       s.signed_on, source_file=source, today=today)
    for f in preview.findings:
        record_finding(session, f.candidacy_id, f.rule_code, f.result, actor, department=f.department,
                       evidence=f.evidence, event_date=f.event_date, today=today)
    audit.record(session, actor, IMPORT_ACTION, "election_cycle", preview.cycle_id, after={
        "export_id": preview.export_id, "file": preview.path.name, "sha256": preview.sha256,
        "signoffs": len(preview.signoffs), "findings": len(preview.findings)}, note=preview.export_id)
    return ApplyResult(len(preview.signoffs), len(preview.findings))


@dataclass(frozen=True)
class PlannedDecision:
    candidacy_id: int
    name: str
    post: str
    decision: ReviewDecision
    reason: str
    decided_on: dt.date


@dataclass
class CountyDecisionPlan:
    decisions: list[PlannedDecision] = field(default_factory=list)
    open: list[str] = field(default_factory=list)  # candidacies left for a person to decide, and why (Chinese)

    def summary(self, limit: int = 20) -> str:
        """For the confirmation: one line per decision (the reason only for 不通过), then the ones left open; each
        list cut after ``limit`` lines with how many more there are."""
        def cut(lines: list[str]) -> list[str]:
            if len(lines) <= limit:
                return lines
            return lines[:limit] + [tr("……另有 {n} 项").format(n=len(lines) - limit)]

        lines = cut([tr("{name}（{post}）：{decision}{reason}").format(
            name=d.name, post=d.post, decision=d.decision.label,
            reason=tr("，理由：{r}").format(r=d.reason) if d.decision is ReviewDecision.FAIL else "")
            for d in self.decisions])
        if self.open:
            lines.append(tr("以下人员需人工决定，不自动记录："))
            lines += cut(self.open)
        return "\n".join(lines)


def plan_county_decisions(session: Session, cycle_id: int, today: dt.date | None = None) -> CountyDecisionPlan:
    """The 县级联审 decisions the recorded county answers support, for candidacies at 乡镇复审通过. Writes nothing."""
    today = today or dt.date.today()
    cycle = _cycle(session, cycle_id)
    depts = county_departments(session, cycle.id)
    plan = CountyDecisionPlan()
    if not depts:
        return plan
    waiting = session.scalars(
        select(Candidacy).where(Candidacy.cycle_id == cycle.id, Candidacy.status == CandidacyStatus.TOWNSHIP_REVIEWED)
        .order_by(Candidacy.id)).all()
    for cand in waiting:
        name, post = cand.person.name, cand.post
        answers = {r.department: r for r in session.scalars(select(DepartmentSignoff).where(
            DepartmentSignoff.candidacy_id == cand.id, DepartmentSignoff.has_issue.is_not(None)))}
        if any(d not in answers for d in depts):
            continue  # not every department has answered: nothing to take from the workbook yet
        township_step = current_steps(session, cand.id).get(ReviewStage.TOWNSHIP)
        dates = [a.signed_on for a in answers.values() if a.signed_on is not None]
        day = min(max(dates) if dates else today, today)
        if township_step is not None and day < township_step.decided_on:
            day = township_step.decided_on
        verdict = compute_verdict(session, cand.id)
        issues = [d for d in depts if answers[d].has_issue]
        if verdict.outcome is VerdictOutcome.DISQUALIFIED:
            plan.decisions.append(PlannedDecision(cand.id, name, post, ReviewDecision.FAIL,
                                                  tr("县级联审：") + "；".join(verdict.reasons), day))
        elif not issues and verdict.outcome is VerdictOutcome.QUALIFIED:
            plan.decisions.append(PlannedDecision(
                cand.id, name, post, ReviewDecision.PASS,
                tr("县级联审各部门（{depts}）均无异议").format(depts="、".join(depts)), day))
        elif issues:
            plan.open.append(tr("{name}（{post}）：{depts}反映有情况，结论为“{verdict}”").format(
                name=name, post=post, depts="、".join(issues), verdict=verdict.outcome.label))
        else:
            plan.open.append(tr("{name}（{post}）：各部门无异议，但资格结论为“{verdict}”（还有待查或存疑的条件）").format(
                name=name, post=post, verdict=verdict.outcome.label))
    return plan


@requires(Permission.REVIEW, note=tr("只记录用户确认过的、由已导入的联审意见得出的县级联审结论"))
def apply_county_decisions(session: Session, actor: Actor, plan: CountyDecisionPlan,
                           today: dt.date | None = None) -> int:
    """Record the planned 县级联审 decisions (the user confirmed them) in the caller's transaction; returns how many.

    Each goes through ``review.record_review`` (same checks and audit as a decision typed in by hand); a 不通过 moves
    the candidacy to 取消资格."""
    for d in plan.decisions:
        record_review(session, actor, d.candidacy_id, ReviewStage.COUNTY, d.decision, d.reason,
                      reviewer=tr("县委组织部"), decided_on=d.decided_on, today=today)
    return len(plan.decisions)
