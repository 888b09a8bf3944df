"""The 姓氏笔画 sort key of voter.name_sort as migration 0008 wrote it: a frozen copy, not the live code.

``villagevote.voters.search.name_sort_key`` may change later (a new key format comes with a new migration that
recomputes the column); what 0008 stored must not change with it, so 0008 uses this copy. It reads the bundled stroke
tables (``resources/strokes``), which are data, not code. ``tests/test_migrations_frozen.py`` checks that this copy
and the live function agree today, so changing the live one is a deliberate decision.

Key format: ``code(surname) + length (2 characters) + code(each following character)``, a character's code being
``chr(0x21 + strokes) + D(rank >> 6) + D(rank & 63)`` in the stroke-order table (rank among equals in strokes),
``chr(0x21 + strokes) + "p" + point(4)`` with a stroke count only, ``"~" + point(4)`` when unknown, with
``D(x) = chr(0x30 + x)`` and ``point(4)`` the code point in four such digits; an empty name is ``"\\x7f"``.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

_BRACKETS = re.compile(r"[（(【\[［〔][^）)】\]］〕]*[）)】\]］〕]")
_REMOVE = re.compile(r"[\s\u3000·•・．.\u00b7\u2022\u30fb\-－]")
_DIGITS = [chr(0x30 + d) for d in range(64)]
_EMPTY_NAME = "\x7f"


def _strokes_dir() -> Path:
    frozen_dir = getattr(sys, "_MEIPASS", None)  # inside a PyInstaller bundle
    base = Path(frozen_dir) if frozen_dir else Path(__file__).resolve().parent.parent.parent
    return base / "resources" / "strokes"


def _tsv_pairs(name: str) -> Iterator[tuple[str, str]]:
    with open(_strokes_dir() / name, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            first, second = line.rstrip("\n").split("\t")
            yield first, second


@cache
def _tables() -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """(character -> stroke shapes, character -> Unihan total strokes, character -> rank among equals in count)."""
    order = dict(_tsv_pairs("stroke_order.tsv"))
    totals = {char: int(count) for count, chars in _tsv_pairs("total_strokes.tsv") for char in chars}
    by_count: dict[int, list[tuple[str, int, str]]] = {}
    for char, shapes in order.items():
        by_count.setdefault(len(shapes), []).append((shapes, ord(char), char))
    ranks: dict[str, int] = {}
    for chars in by_count.values():
        ranks.update((char, rank) for rank, (_s, _p, char) in enumerate(sorted(chars)))
    return order, totals, ranks


def _clean_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name or "")
    return _REMOVE.sub("", _BRACKETS.sub("", text))


def _point4(point: int) -> str:
    d = _DIGITS
    return d[point >> 18 & 63] + d[point >> 12 & 63] + d[point >> 6 & 63] + d[point & 63]


@cache
def _code(char: str) -> str:
    order, totals, ranks = _tables()
    shapes = order.get(char)
    if shapes is not None:
        rank = ranks[char]
        return chr(0x21 + min(len(shapes), 92)) + _DIGITS[rank >> 6 & 63] + _DIGITS[rank & 63]
    total = totals.get(char)
    if total is not None:
        return chr(0x21 + min(total, 92)) + "p" + _point4(ord(char))
    return "~" + _point4(ord(char))


def name_sort_key(name: str) -> str:
    """voter.name_sort of ``name`` in the format of migration 0008."""
    chars = name if name.isalnum() else _clean_name(name)
    if not chars:
        return _EMPTY_NAME
    length = min(len(chars), 4095)
    return _code(chars[0]) + _DIGITS[length >> 6] + _DIGITS[length & 63] + "".join(_code(c) for c in chars[1:])
