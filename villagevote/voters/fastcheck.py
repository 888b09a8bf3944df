"""The column-wise fast path over blocks of rows (C-level ``map`` / ``join`` / regular expressions, the GB 11643
check digit through ``int(…, 13)``); a row it cannot vouch for goes to the detailed checker
(:func:`villagevote.voters.rowcheck.check_rows`), so both give exactly the same rows, errors and hints."""
from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import compress, repeat
from operator import eq, itemgetter
from typing import Any

from villagevote.i18n import tr
from villagevote.idcard import PROVINCES
from villagevote.models.enums import VoterCategory
from villagevote.voters.cells import add_birth_dates, cell_text, parse_category, parse_deprived
from villagevote.voters.rowcheck import ParsedSheet, RowError, VoterRow, check_rows


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step.

    Validating and importing 50,000 rows allocates a few hundred thousand small objects (rows, tuples, strings)
    while the whole sheet (one list per row) is alive: the collector would run its full passes over all of them again
    and again, although nothing here creates reference cycles (reference counting frees everything as usual). That
    cost a quarter to a third of the time of these steps. The collector is enabled again afterwards (if it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Rows per block of the column-wise fast path (also the progress step).
_BLOCK = 2500
_ID_UNITS = re.compile("(?:(?:" + "|".join(sorted(PROVINCES)) + r")[0-9]{15}[0-9X])*", re.ASCII)
_X_AS_TEN = str.maketrans("X", "a")  # in base 13 'a' is 10, the value of the check character X
_GENDER_OF_DIGIT = {str(d): ("男" if d % 2 else "女") for d in range(10)}
_ANY_BLANK = re.compile(r"\s")
_PLACEHOLDER_ID = "110000190001010000"  # stands in for a value already sent to the detailed checker


def parse_rows(rows: list[list[Any]], start: int, columns: dict[str, int], header_of: Callable[[int], str],
                result: ParsedSheet, today: dt.date, default_category: VoterCategory,
                progress: Callable[[int, int], None] | None, end: int | None = None, state: dict | None = None,
                finish: bool = True) -> None:
    """Validate rows ``start``..``end`` block by block (see :func:`_parse_block`); results, errors and skipped rows
    go into ``result`` in row order."""
    state = {} if state is None else state
    total = len(rows) if end is None else min(end, len(rows))
    with gc_paused():
        for begin in range(start, total, _BLOCK):
            if progress is not None:
                progress(begin, total)
            _parse_block(rows, begin, min(begin + _BLOCK, total), columns, header_of, result, today,
                         default_category, state)
    if progress is not None:
        progress(total, total)
    if finish:
        _finish(result, state)


def _parse_block(rows: list[list[Any]], begin: int, end: int, columns: dict[str, int],
                 header_of: Callable[[int], str], result: ParsedSheet, today: dt.date,
                 default_category: VoterCategory, state: dict) -> None:
    """Column-wise fast path for the common case: each column of the block is checked at once (C-level map/join/
    regex, lookup tables for values that repeat) and a row is accepted here only when every rule is certainly met:
    a text name without blanks, an 18-digit ID number with a valid province, check digit (GB 11643: with X read as
    10, the 18 digits read in base 13 leave 1 modulo 11, since 13 = 2 mod 11) and birth date, a birth-date /
    gender cell that is empty or repeats the ID's, a known category. Every other row goes through
    :func:`check_rows`, the detailed checker, so messages are exactly the detailed checker's. Rows are assembled in
    file order, so duplicate ID numbers point to the first row as before."""
    block = rows[begin:end]
    n = len(block)
    c_name = columns["name"]
    c_id = columns.get("id_number", -1)
    if c_id < 0 or n == 0:
        check_rows(rows, range(begin, end), columns, header_of, result, today, default_category, state)
        return
    try:
        names = list(map(itemgetter(c_name), block))
        ids = list(map(itemgetter(c_id), block))
        optional = {key: list(map(itemgetter(columns[key]), block)) if columns.get(key, -1) >= 0 else None
                    for key in ("gender", "birth_date", "group", "category", "deprived", "phone", "village", "note")}
    except IndexError:  # ragged rows (not from calamine's rectangular ranges): no fast path
        check_rows(rows, range(begin, end), columns, header_of, result, today, default_category, state)
        return
    slow: set[int] = set()

    def mark(flags: Iterable[object]) -> None:  # flags[i] true -> row i needs the detailed checker
        slow.update(compress(range(n), flags))

    # Names: text, not empty, at most 64 characters, no blanks anywhere (nothing to strip or squeeze).
    try:
        joined = "".join(names)
    except TypeError:  # a cell that is not text
        mark(type(v) is not str for v in names)
        names = [v if type(v) is str else "" for v in names]
        joined = "".join(names)
    if _ANY_BLANK.search(joined):
        mark(map(_ANY_BLANK.search, names))
    lengths = list(map(len, names))
    if min(lengths) < 1 or max(lengths) > 64:
        mark(not 1 <= k <= 64 for k in lengths)

    # ID numbers: 18 characters each, then shape + province over the joined column, then the check digit.
    try:
        "".join(ids)
    except TypeError:  # numbers (Excel), dates …
        mark(type(v) is not str for v in ids)
        ids = [v if type(v) is str else "" for v in ids]
    if set(map(len, ids)) != {18}:
        mark(len(v) != 18 for v in ids)
        ids = [v if len(v) == 18 else _PLACEHOLDER_ID for v in ids]
    joined = "".join(ids)
    if not _ID_UNITS.fullmatch(joined):
        mark(not _ID_UNITS.fullmatch(v) for v in ids)
        ids = [v if _ID_UNITS.fullmatch(v) else _PLACEHOLDER_ID for v in ids]
        joined = "".join(ids)
    remainders = list(map(int.__mod__, map(int, _ID_UNITS_SPLIT(joined.translate(_X_AS_TEN)), repeat(13)), repeat(11)))
    if remainders.count(1) != n:
        mark(r != 1 for r in remainders)
    # Birth dates from the ID (8 digits, cached: birth dates repeat).
    date_cache: dict[str, dt.date | None] = state.setdefault("date_cache", {})
    iso_cache: dict[str, str] = state.setdefault("iso_cache", {})
    keys = list(map(itemgetter(slice(6, 14)), ids))
    new = list(set(keys).difference(iso_cache))
    if new:
        add_birth_dates(new, date_cache, iso_cache, today)
    births = list(map(date_cache.__getitem__, keys))
    if None in births:
        mark(b is None for b in births)
    isos = list(map(iso_cache.__getitem__, keys))
    genders = list(map(_GENDER_OF_DIGIT.__getitem__, map(itemgetter(16), ids)))

    # Birth-date and gender cells: empty or the same as the ID says.
    given = optional["birth_date"]
    if given is not None:
        same = list(map(eq, given, isos))
        if same.count(True) != n:
            mark(not (ok or v == "" or v is None or (type(v) is dt.date and v == b))
                 for ok, v, b in zip(same, given, births))
    given = optional["gender"]
    if given is not None:
        same = list(map(eq, given, genders))
        if same.count(True) != n:
            mark(not (ok or v == "") for ok, v in zip(same, given))

    # Category and 剥夺政治权利: a table per distinct cell value (keyed with the type when not all cells are text:
    # True == 1 == 1.0 would otherwise share an entry).
    categories: list[Any] = [default_category] * n
    cells = optional["category"]
    if cells is not None:
        cache: dict[Any, Any] = state.setdefault("fast_category", {})
        keys = _cell_keys(cells)
        for key in set(keys).difference(cache):
            value = key[1] if type(key) is tuple else key
            if value == "":
                cache[key] = default_category
                continue
            try:
                cache[key] = parse_category(value, default_category)
            except ValueError:
                cache[key] = None
        categories = list(map(cache.__getitem__, keys))
        if None in categories:
            mark(c is None for c in categories)
    deprived: list[Any] = [False] * n
    cells = optional["deprived"]
    if cells is not None:
        cache = state.setdefault("fast_deprived", {})
        keys = _cell_keys(cells)
        for key in set(keys).difference(cache):
            try:
                cache[key] = parse_deprived(key[1] if type(key) is tuple else key)
            except ValueError:
                cache[key] = None
        deprived = list(map(cache.__getitem__, keys))
        if None in deprived:
            mark(d is None for d in deprived)

    def texts(key: str) -> list[str] | Any:
        cells = optional[key]
        if cells is None:
            return [""] * n
        try:
            return list(map(str.strip, cells))
        except TypeError:  # numbers, dates …
            return list(map(cell_text, cells))

    numbers = range(begin + 1, end + 1)
    columns_out = (numbers, names, ids, genders, births, texts("group"), categories, deprived, texts("phone"),
                   texts("village"), texts("note"))
    seen_ids: dict[str | None, int] = state.setdefault("seen_ids", {})
    if not slow and len(set(ids)) == n and seen_ids.keys().isdisjoint(ids):
        seen_ids.update(zip(ids, numbers))
        result.extend(columns_out)
        return
    # Some rows need the detailed checker: go through the block in file order.
    errors = result.errors
    h_id = header_of(c_id)
    for i, row in enumerate(map(tuple.__new__, repeat(VoterRow), zip(*columns_out))):
        if i in slow:
            check_rows(rows, (begin + i,), columns, header_of, result, today, default_category, state)
            continue
        first = seen_ids.get(row.id_number)
        if first is not None:
            errors.append(RowError(row.row, h_id, row.id_number or "", tr("身份证号码与第 {row} 行重复").format(row=first)))
            continue
        seen_ids[row.id_number] = row.row
        result.add(row)


_ID_UNITS_SPLIT = re.compile(".{18}", re.DOTALL).findall
def _cell_keys(cells: list[Any]) -> list[Any]:
    """Table keys for a column: the cells themselves when all are text, else (type, value) pairs."""
    try:
        "".join(cells)
        return cells
    except TypeError:
        return list(zip(map(type, cells), cells))


def _finish(result: ParsedSheet, state: dict) -> None:
    mangled = state.get("mangled", 0)
    if mangled:
        result.hints.append(
            tr("有 {n} 行身份证号码被 Excel 存成了数字，末几位已丢失。请在原始表格中把身份证号列设置为“文本”格式，"
               "从原始资料重新粘贴后再导入；本次没有导入任何数据").format(n=mangled))
