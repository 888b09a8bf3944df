"""Importing a voter list into the register: one transaction, all rows or none.

Two steps, so the user sees every problem before anything is written:

1. :func:`villagevote.voters.workbook.read_voter_workbook` reads and validates the file (no database);
2. :func:`import_parsed` checks the rows against the register (village names, 村民小组, IDs already registered) and
   writes them in the caller's transaction. Any problem raises ``ValidationError`` listing every bad row, and the
   caller's unit of work rolls back: a bad row at the end leaves the register exactly as it was.

Rows whose ID number (or, without ID, name and birth date) is already on the same village's list update that entry;
the others are added. An ID number registered in another village is imported and then flagged by the township-wide
check, which blocks publishing either list until one entry is removed.

The column mapping used for a file is remembered per source (the label the clerk gives, e.g. 派出所) and per header
layout, and offered again next time.

Speed: rows are built column by column (eligibility, pinyin initials and stroke-order keys from tables of repeating
values) and inserted in chunks of 5,000 (progress and cancel between chunks) with multi-row ``INSERT`` statements on
the session's own DB-API connection (same transaction); columns that hold one value for a chunk are bound once per
statement. The cyclic garbage collector is paused while the rows are built and written (see
:func:`villagevote.voters.workbook.gc_paused`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.candidates import Person
from villagevote.models.core import Setting, Village, VillageGroup
from villagevote.models.enums import VoterCategory
from villagevote.models.voters import Voter
from villagevote.voters.eligibility import ages_on, assess
from villagevote.voters.groups import group_number, match_group
from villagevote.voters.register import cycle_profile
from villagevote.voters.search import name_keys_many
from villagevote.voters.workbook import ParsedSheet, RowError, VoterRow, flag_under_age, gc_paused, read_voter_workbook

__all__ = [
    "MAPPINGS_SETTING",
    "ImportSummary",
    "check_settings",
    "header_signature",
    "import_file",
    "import_parsed",
    "remember_mapping",
    "remembered_mapping",
]

MAPPINGS_SETTING = "voters.import_mappings"
Progress = Callable[[float, str], None]


@dataclass
class ImportSummary:
    """What an import wrote."""

    file: str
    sheet: str
    added: int = 0
    updated: int = 0
    groups_created: list[str] = field(default_factory=list)
    cross_village: int = 0  # rows whose ID number is also registered in another village
    ineligible: int = 0  # rows added or updated that cannot vote on the election day (age, rights, residence)
    skipped_rows: int = 0
    under_age: int = 0  # rows left out: under 18 on the election day

    def text(self) -> str:
        lines = [tr("从「{file}」工作表「{sheet}」导入：新增 {a} 人，更新 {u} 人。").format(
            file=self.file, sheet=self.sheet, a=self.added, u=self.updated)]
        if self.ineligible:
            lines.append(tr("其中 {n} 人在选举日无选举权（未满18周岁、被剥夺政治权利等），已标注原因。").format(n=self.ineligible))
        if self.groups_created:
            lines.append(tr("新建村民小组：{groups}").format(groups="、".join(self.groups_created)))
        if self.cross_village:
            lines.append(tr("有 {n} 人的身份证号码已在其他村登记，公布名单前须处理。").format(n=self.cross_village))
        if self.under_age:
            lines.append(tr("{n} 人选举日未满18周岁，未列入选民名单。").format(n=self.under_age))
        if self.skipped_rows:
            lines.append(tr("跳过表尾说明行 {n} 行。").format(n=self.skipped_rows))
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Remembered mappings
# ---------------------------------------------------------------------------------------------------------------
def header_signature(headers: Mapping[int, str] | list[str]) -> str:
    """A short fingerprint of a header layout (same columns in the same order -> same signature)."""
    texts = list(headers.values()) if isinstance(headers, Mapping) else list(headers)
    return "hdr:" + hashlib.sha1("\x1f".join(t.strip() for t in texts).encode("utf-8")).hexdigest()[:12]


def remembered_mapping(session: Session, source: str = "", signature: str = "") -> dict[str, str] | None:
    """The mapping last used for ``source`` (a label such as 派出所) or for a file with the same header layout."""
    row = session.get(Setting, MAPPINGS_SETTING)
    stored: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    for key in (source.strip(), signature):
        if key and isinstance(stored.get(key), dict):
            return dict(stored[key])
    return None


@requires(Permission.EDIT)
def remember_mapping(session: Session, actor: Actor, mapping: Mapping[str, str], source: str = "",
                     signature: str = "") -> None:
    row = session.get(Setting, MAPPINGS_SETTING)
    before = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
    stored = dict(before)
    for key in (source.strip(), signature):
        if key:
            stored[key] = dict(mapping)
    if row is None:
        session.add(Setting(key=MAPPINGS_SETTING, value=stored))
    else:
        row.value = stored
    audit.record(session, actor, "remember", "import_mapping", source or signature, after={"mapping": dict(mapping)})


# ---------------------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------------------
def _match_village(text: str, villages: dict[str, int]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text in villages:
        return villages[text]
    for suffix in ("村民委员会", "村委会", "社区居委会", "居委会", "村"):
        if text.endswith(suffix) and text[: -len(suffix)] in villages:
            return villages[text[: -len(suffix)]]
    hits = {vid for name, vid in villages.items() if name and (name in text or text in name)}
    return hits.pop() if len(hits) == 1 else None


CHUNK = 5000
_COLUMNS = ("cycle_id", "village_id", "group_id", "person_id", "id_number", "name", "name_initials", "name_sort",
            "gender", "birth_date", "category", "status", "status_reason", "consent_note", "source", "eligible", "age",
            "ineligible_reason", "phone", "note", "created_at", "updated_at")
# SQLite's historical limit of bound variables a statement (newer builds allow more; 999 is safe everywhere).
_MAX_VARIABLES = 999
_MAX_ROWS_PER_STATEMENT = 100


@lru_cache(maxsize=64)
def _insert_statement(variable: tuple[int, ...], rows: int) -> str:
    """A multi-row INSERT binding the ``variable`` columns per row (?1 … in row order) and every other column once
    for the whole statement (numbered parameters after the rows')."""
    per_row = len(variable)
    shared = {c: f"?{rows * per_row + j + 1}" for j, c in enumerate(c for c in range(len(_COLUMNS)) if c not in variable)}
    values = []
    for r in range(rows):
        own = {c: f"?{r * per_row + j + 1}" for j, c in enumerate(variable)}
        values.append("(" + ",".join(own.get(c) or shared[c] for c in range(len(_COLUMNS))) + ")")
    return f"INSERT INTO voter ({', '.join(_COLUMNS)}) VALUES " + ",".join(values)


_UPDATE = ("UPDATE voter SET name=?, name_initials=?, name_sort=?, gender=?, birth_date=?, group_id=?, category=?, "
           "status=?, eligible=?, age=?, ineligible_reason=?, phone=?, note=?, source=?, "
           "updated_at=CURRENT_TIMESTAMP, version=version+1 WHERE id=?")  # an open edit form sees the change


@dataclass
class _RowBuilder:
    """Turns validated rows into INSERT / UPDATE parameter tuples: stored eligibility, search and sort keys."""

    cycle_id: int
    election_day: dt.date
    min_age: int
    min_residence_years: int
    source: str
    existing: dict
    existing_noid: dict
    other_village_ids: set
    persons: dict
    timestamp: str  # the database's CURRENT_TIMESTAMP, bound once per statement instead of evaluated per row
    ineligible: int = 0
    cross_village: int = 0
    _verdicts: dict = field(default_factory=dict)
    _name_parts: dict = field(default_factory=dict)
    _status_reasons: dict = field(default_factory=lambda: {False: "", True: tr("被依法剥夺政治权利")})

    def forget(self) -> None:
        """Drop the lookup tables (eligibility, name parts)."""
        self._verdicts, self._name_parts = {}, {}

    def _verdict(self, birth: dt.date | None, category: VoterCategory, deprived: bool) -> tuple[int | None, int, str]:
        """(age, eligible 1/0, reason) on the election day; the same for every row with these three values."""
        verdict = assess(birth, self.election_day, category=category, deprived=deprived, min_age=self.min_age,
                         min_residence_years=self.min_residence_years)
        return verdict.age, 1 if verdict.eligible else 0, verdict.reason_text

    def _eligibility(self, births: list, categories: list, deprived: list) -> tuple[list, list[int], list[str]]:
        """Ages, eligible flags and reasons of a chunk: ages with :func:`ages_on` (C-level), and the rows that are
        not plainly of age, registered here and in possession of their rights through :meth:`_verdict` (cached per
        distinct birth date, group and rights)."""
        n, e, min_age = len(births), self.election_day, self.min_age
        undated = None in births
        ages: list = ages_on([e if b is None else b for b in births] if undated else births, e)
        eligible, reasons = [1] * n, [""] * n
        resident_like = _RESIDENT_LIKE
        check = [i for i, (age, category, out) in enumerate(zip(ages, categories, deprived))
                 if age < min_age or out or category not in resident_like]  # undated rows have age 0 here
        verdicts = self._verdicts
        for i in check:
            key = (births[i], categories[i], deprived[i])
            found = verdicts.get(key)
            if found is None:
                found = verdicts[key] = self._verdict(*key)
            ages[i], eligible[i], reasons[i] = found
        self.ineligible += eligible.count(0)
        return ages, eligible, reasons

    def build(self, data: list[list], resolved: list) -> tuple[list[list], list[tuple]]:
        """Column by column: eligibility (:meth:`_eligibility`), search and sort keys per name part, dates as text,
        then the INSERT columns (the 22 of ``_COLUMNS``, one list each) and the UPDATE tuples."""
        n = len(resolved)
        if not n:
            return [], []
        _rows, names, ids, gender_texts, births, _groups, categories, deprived, phones, _villages, notes = data
        ages, eligible, reasons = self._eligibility(births, categories, deprived)
        initials, sorts = name_keys_many(names, self._name_parts)
        birth_texts = (list(map(dt.date.isoformat, births)) if None not in births
                       else [None if b is None else b.isoformat() for b in births])
        genders = list(map(_GENDER_CODES.get, gender_texts))
        category_values = list(map(_CATEGORY_VALUES.__getitem__, categories))
        statuses = list(map(_STATUS.__getitem__, deprived))
        status_reasons = list(map(self._status_reasons.__getitem__, deprived))
        vids = list(map(_FIRST, resolved))
        gids = list(map(_SECOND, resolved))
        src = self.source
        existing, existing_noid = self.existing, self.existing_noid
        if existing or existing_noid:  # rows already on the village's list are updated
            current = [existing.get((vid, idn)) if idn else existing_noid.get((vid, name, birth))
                       for vid, idn, name, birth in zip(vids, ids, names, births)]
        else:
            current = [None] * n
        updates = [(names[i], initials[i], sorts[i], genders[i], birth_texts[i], gids[i], category_values[i],
                    statuses[i], eligible[i], ages[i], reasons[i], phones[i], notes[i], src, current[i])
                   for i in range(n) if current[i] is not None] if current.count(None) != n else []
        columns = [[self.cycle_id] * n, vids, gids, list(map(self.persons.get, ids)), ids, names, initials, sorts,
                   genders, birth_texts, category_values, statuses, status_reasons, [""] * n, [src] * n, eligible,
                   ages, reasons, phones, notes, [self.timestamp] * n, [self.timestamp] * n]
        if updates:
            keep = list(map(_IS_NONE, current))
            columns = [list(compress(column, keep)) for column in columns]
            ids = columns[4]
        self.cross_village += sum(map(self.other_village_ids.__contains__, ids))
        return columns, updates


_RESIDENT_LIKE = frozenset({VoterCategory.RESIDENT, VoterCategory.REGISTERED_AWAY})
_CATEGORY_VALUES = {c: c.value for c in VoterCategory}
_GENDER_CODES = {"男": "male", "女": "female"}
_STATUS = {False: "active", True: "deprived"}
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _IS_NONE(value: Any) -> bool:
    return value is None


@dataclass
class _Context:
    """Plain data the import needs from the database (read once, in the session's thread)."""

    cycle_id: int
    election_day: dt.date
    min_age: int
    min_residence_years: int
    villages: dict[str, int]
    groups: dict[int, dict[str, int]]
    existing: dict[tuple[int, str], int]
    existing_noid: dict[tuple[int, str, dt.date | None], int]
    other_village_ids: set[str]
    persons: dict[str, int]
    timestamp: str


def _context(session: Session, cycle_id: int, village_id: int | None, has_village_column: bool) -> _Context:
    cycle, profile = cycle_profile(session, cycle_id)
    villages: dict[str, int] = {name: vid for name, vid in session.execute(
        select(Village.name, Village.id).where(Village.township_id == cycle.township_id))}
    if village_id is not None and village_id not in villages.values():
        raise ValidationError(tr("所选的村不属于本届换届的乡镇"))
    if village_id is None and not has_village_column:
        raise ValidationError(tr("请选择要导入到哪个村；或者在表格中加一列「所在村」"))
    groups: dict[int, dict[str, int]] = {}
    for village, name, group_id in session.execute(select(VillageGroup.village_id, VillageGroup.name, VillageGroup.id)):
        groups.setdefault(village, {})[name] = group_id
    existing: dict[tuple[int, str], int] = {}
    existing_noid: dict[tuple[int, str, dt.date | None], int] = {}
    other_village_ids: set[str] = set()
    for vid_, vil, idn, name, birth in session.execute(
            select(Voter.id, Voter.village_id, Voter.id_number, Voter.name, Voter.birth_date)
            .where(Voter.cycle_id == cycle_id)):
        if idn:
            existing[(vil, idn)] = vid_
            other_village_ids.add(idn)
        else:
            existing_noid[(vil, name, birth)] = vid_
    persons: dict[str, int] = {idn: pid for idn, pid in session.execute(
        select(Person.id_number, Person.id).where(Person.id_number.is_not(None))) if idn is not None}
    timestamp = session.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()  # text, exactly as a default
    return _Context(cycle_id, cycle.election_day, profile.min_age, profile.min_residence_years, villages, groups,
                    existing, existing_noid, other_village_ids, persons, str(timestamp))


@dataclass
class _Resolver:
    """Village and 村民小组 of each row; bad rows become RowErrors. Groups are created only through ``create``."""

    village_id: int | None
    ctx: _Context
    village_header: str
    group_header: str
    create: Callable[[int, str], int] | None = None
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)
    _pairs: dict = field(default_factory=dict)
    _villages: dict = field(default_factory=dict)

    def resolve(self, data: list[list]) -> tuple[list[list], list[tuple[int, int | None]]]:
        """(the rows that can be written, column-wise; their (village id, group id)). Bad rows go to ``errors``."""
        if self.create is None and data[0]:
            fast = self._resolve_fast(data)
            if fast is not None:
                return data, fast
        ok_rows, resolved = self._resolve_rows(list(map(tuple.__new__, repeat(VoterRow), zip(*data))))
        return [list(column) for column in zip(*ok_rows)] if ok_rows else [[] for _ in data], resolved

    def _resolve_fast(self, data: list[list]) -> list[tuple[int, int | None]] | None:
        """(village, group) per distinct pair of cell texts; None when any row fails (then :meth:`_resolve_rows`
        reports each bad row in order)."""
        villages, groups, by_text = self.ctx.villages, self.ctx.groups, self._villages
        if self.village_id is None:
            pairs = list(zip(data[_VILLAGE], data[_GROUP]))
        else:
            pairs = list(zip(repeat(self.village_id), data[_GROUP]))
        cache = self._pairs
        for pair in set(pairs).difference(cache):
            village, text = pair
            if self.village_id is None:
                if village not in by_text:
                    by_text[village] = _match_village(village, villages)
                vid = by_text[village]
            else:
                vid = village
            gid = (match_group(text, groups.get(vid, {})) if text else _NO_GROUP) if vid is not None else None
            cache[pair] = None if gid is None else (vid, None if gid is _NO_GROUP else gid)
        resolved = list(map(cache.__getitem__, pairs))
        return None if None in resolved else resolved

    def _resolve_rows(self, rows: list) -> tuple[list, list[tuple[int, int | None]]]:
        ok_rows, resolved = [], []
        villages, groups, cache = self.ctx.villages, self.ctx.groups, self._cache
        for row in rows:
            vid = self.village_id
            if vid is None:
                vid = _match_village(row.village, villages)
                if vid is None:
                    self.errors.append(RowError(row.row, self.village_header, row.village,
                                                tr("本乡镇没有这个村；现有的村：{names}").format(names="、".join(villages))))
                    continue
            gid: int | None = None
            if row.group:
                key = (vid, row.group)
                cached = cache.get(key, "?")
                if cached == "?":
                    cached = match_group(row.group, groups.get(vid, {}))
                    if cached is None and self.create is not None:
                        cached = self.create(vid, row.group)
                        self.created.append(row.group)
                    cache[key] = cached
                if cached is None:
                    known = "、".join(groups.get(vid, {})) or tr("（该村还没有村民小组）")
                    self.errors.append(RowError(row.row, self.group_header, row.group, tr(
                        "该村没有这个村民小组；现有：{known}。可选择“自动新建村民小组”后重新导入").format(known=known)))
                    continue
                gid = cached
            ok_rows.append(row)
            resolved.append((vid, gid))
        return ok_rows, resolved


_VILLAGE, _GROUP = VoterRow._fields.index("village"), VoterRow._fields.index("group")
_NO_GROUP = object()  # a row without a 村民小组 (allowed)


def _errors_message(errors: list[RowError], prefix: str) -> str:
    return (prefix.format(n=len(errors)) + "\n" + "\n".join(str(e) for e in errors[:20])
            + (tr("\n……另有 {n} 处").format(n=len(errors) - 20) if len(errors) > 20 else ""))


def _insert(raw: Any, columns: list[list]) -> None:
    """INSERT the rows given as ``columns`` (one list per entry of ``_COLUMNS``). A column holding one value for
    the whole chunk (the cycle, the source, an absent phone column …) is bound once per statement instead of once
    per row: parameter binding is most of the cost of an INSERT here."""
    n = len(columns[0]) if columns else 0
    if not n:
        return
    variable = tuple(i for i, column in enumerate(columns) if column.count(column[0]) != n) or (0,)
    shared = [columns[i][0] for i in range(len(columns)) if i not in variable]
    per_row = len(variable)
    k = min(_MAX_ROWS_PER_STATEMENT, (_MAX_VARIABLES - len(shared)) // per_row)
    flat: list[Any] = [None] * (n * per_row)  # row-major parameters, filled a column at a time (no row tuples)
    for j, i in enumerate(variable):
        flat[j::per_row] = columns[i]
    step = k * per_row
    full = n // k * step
    if full:
        raw.executemany(_insert_statement(variable, k), [flat[a:a + step] + shared for a in range(0, full, step)])
    if full < len(flat):
        raw.execute(_insert_statement(variable, n - full // per_row), flat[full:] + shared)


def _write_chunks(session: Session, tasks: Sequence[Callable[..., tuple[list[list], list[tuple]]]],
                  report: Progress, total: int) -> tuple[int, int]:
    """Run ``tasks`` (each validates/builds one chunk's INSERT/UPDATE tuples from plain data) and execute them on the
    session's own DB-API connection, inside the caller's transaction.

    (Building the next chunk in a helper thread while SQLite inserts was tried: the per-row parameter binding needs
    the GIL, so on this workload the two threads mostly waited for each other and gained nothing measurable.)"""
    raw = session.connection().connection.driver_connection
    assert raw is not None  # the session's connection is open inside the transaction
    added = updated = 0
    indexes: list[str] = []
    existing_rows = raw.execute("SELECT count(*) FROM voter").fetchone()[0]
    if total >= max(existing_rows, 10_000):
        # A big file into a small register: building the indexes once afterwards is much cheaper than updating them
        # row by row. DDL is transactional in SQLite: on rollback the indexes are back as they were.
        indexes = [sql for name, sql in raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='voter' AND sql IS NOT NULL")]
        for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='voter' "
                                   "AND sql IS NOT NULL").fetchall():
            raw.execute(f'DROP INDEX "{name}"')
    for index, task in enumerate(tasks):
        new_columns, updates = task()
        if new_columns:
            _insert(raw, new_columns)
        if updates:
            raw.executemany(_UPDATE, updates)
        added += len(new_columns[0]) if new_columns else 0
        updated += len(updates)
        done = min(total, (index + 1) * total // max(len(tasks), 1))
        report(0.1 + 0.85 * (index + 1) / len(tasks), tr("正在写入第 {i} / {n} 行…").format(i=done, n=total))
    for sql in indexes:
        raw.execute(sql)
    return added, updated


def _finish_import(session: Session, actor: Actor, parsed: ParsedSheet, summary: ImportSummary, source: str,
                   village_id: int | None, remember: bool, report: Progress) -> ImportSummary:
    session.expire_all()
    audit.record(session, actor, "import", "voter", None, after={
        "file": parsed.path.name, "sheet": parsed.sheet_name, "source": source, "village_id": village_id,
        "added": summary.added, "updated": summary.updated, "mapping": parsed.mapping()})
    if remember:
        remember_mapping(session, actor, parsed.mapping(), source, header_signature(
            [h for _, h in sorted(parsed.columns.values())] + list(parsed.unmapped.values())))
    report(1.0, tr("导入完成"))
    return summary


def _builder(ctx: _Context, source: str) -> _RowBuilder:
    return _RowBuilder(cycle_id=ctx.cycle_id, election_day=ctx.election_day, min_age=ctx.min_age,
                       min_residence_years=ctx.min_residence_years, source=source[:128], existing=ctx.existing,
                       existing_noid=ctx.existing_noid, other_village_ids=ctx.other_village_ids, persons=ctx.persons,
                       timestamp=ctx.timestamp)


def check_settings(session: Session, cycle_id: int) -> tuple[dt.date, int]:
    """(election day, minimum age) a voter file is checked against: pass them to ``read_voter_workbook`` so that
    persons under age are row errors before anything is imported."""
    cycle, profile = cycle_profile(session, cycle_id)
    return cycle.election_day, profile.min_age


@requires(Permission.EDIT)
def import_parsed(session: Session, actor: Actor, parsed: ParsedSheet, cycle_id: int, village_id: int | None = None,
                  *, source: str = "", create_groups: bool = False, progress: Progress | None = None,
                  remember: bool = True) -> ImportSummary:
    """Write validated rows into the register in the caller's transaction (see the module doc).

    ``village_id`` None means a township-wide file with a 村 column. Raises ``ValidationError`` listing every row
    that cannot be written; the caller's unit of work then rolls back.
    """
    if not parsed.ok:
        raise ValidationError(_errors_message(parsed.errors, tr("文件中有 {n} 处错误，未导入任何数据：")))
    election_day, min_age = check_settings(session, cycle_id)
    if election_day is not None and parsed.age_checked_on != election_day:
        # the file was checked without (or against another) election day: leave the under-age rows out all the same
        flag_under_age(parsed, election_day, min_age)
    with gc_paused():
        return _import_parsed(session, actor, parsed, cycle_id, village_id, source, create_groups, report=progress,
                              remember=remember)


def _import_parsed(session: Session, actor: Actor, parsed: ParsedSheet, cycle_id: int, village_id: int | None,
                   source: str, create_groups: bool, report: Progress | None, remember: bool) -> ImportSummary:
    ctx = _context(session, cycle_id, village_id, "village" in parsed.columns)
    report = report or (lambda _f, _m: None)
    summary = ImportSummary(file=parsed.path.name, sheet=parsed.sheet_name, skipped_rows=len(parsed.skipped),
                            under_age=len(parsed.under_age))
    resolver = _Resolver(village_id, ctx, parsed.columns.get("village", (0, tr("所在村")))[1],
                         parsed.columns.get("group", (0, tr("村民小组")))[1],
                         create=(lambda vid, name: _create_group(session, vid, name, ctx.groups)) if create_groups
                         else None)
    builder = _builder(ctx, source.strip() or parsed.path.name)
    _resolve_and_write(session, parsed, resolver, builder, summary, report)
    return _finish_import(session, actor, parsed, summary, builder.source, village_id, remember, report)


def _resolve_and_write(session: Session, parsed: ParsedSheet, resolver: _Resolver, builder: _RowBuilder,
                       summary: ImportSummary, report: Progress) -> None:
    # every row is resolved before anything is written
    data, resolved = resolver.resolve(parsed.data)
    if resolver.errors:
        raise ValidationError(_errors_message(resolver.errors, tr("有 {n} 行无法导入，未导入任何数据：")))
    summary.groups_created = resolver.created
    tasks = [(lambda a=a: builder.build([column[a:a + CHUNK] for column in data], resolved[a:a + CHUNK]))
             for a in range(0, len(resolved), CHUNK)]
    summary.added, summary.updated = _write_chunks(session, tasks, report, len(resolved))
    summary.ineligible, summary.cross_village = builder.ineligible, builder.cross_village
    builder.forget()  # its tables die here, while the collector is still paused (nothing left for it to scan)


def _create_group(session: Session, village_id: int, name: str, groups: dict[int, dict[str, int]]) -> int:
    known = groups.setdefault(village_id, {})
    numbers = {n for n in session.scalars(select(VillageGroup.number).where(VillageGroup.village_id == village_id))}
    number = group_number(name)
    if number is None or number in numbers:
        number = max(numbers, default=0) + 1
    group = VillageGroup(village_id=village_id, number=number, name=name)
    session.add(group)
    session.flush()
    known[name] = group.id
    return group.id


@requires(Permission.EDIT)
def import_file(session: Session, actor: Actor, path: str | Path, cycle_id: int, village_id: int | None = None, *,
                sheet: str | int | None = None, mapping: Mapping[str, str | int] | None = None,
                header_row: int | None = None, source: str = "", create_groups: bool = False,
                progress: Progress | None = None, today: dt.date | None = None) -> ImportSummary:
    """Read, validate and import a workbook in the caller's transaction (the CLI and the tests): the same two calls
    the GUI makes in its two background jobs, :func:`read_voter_workbook` (check) then :func:`import_parsed`."""
    report = progress or (lambda _f, _m: None)
    report(0.0, tr("正在读取文件…"))
    if mapping is None and source:
        mapping = remembered_mapping(session, source)

    def checking(i: int, n: int) -> None:
        report(0.1 * i / max(n, 1), tr("正在检查第 {i} / {n} 行…").format(i=i, n=n))

    election_day, min_age = check_settings(session, cycle_id)
    parsed = read_voter_workbook(path, sheet=sheet, mapping=mapping, header_row=header_row, today=today,
                                 progress=checking, election_day=election_day, min_age=min_age)
    return import_parsed(session, actor, parsed, cycle_id, village_id, source=source, create_groups=create_groups,
                         progress=report)
