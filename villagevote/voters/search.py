"""Search keys for the voter register: pinyin initials computed fast enough for 50,000-row imports.

``villagevote.names.pinyin_initials`` runs pypinyin's phrase segmentation (about 0.1 ms per name): right for one
name, too slow for a township register imported in one go. Here each character's readings come straight from
pypinyin's character table (cached), the surname takes its surname reading, and every combination of initials of
polyphonic characters (多音字) is kept, so a search for "zs" or "cs" finds 长顺 whichever reading the clerk has in mind.

The stored key is a space-separated list, primary reading first: ``'zs cs'``. A query of initials matches a key when
one of its alternatives starts with the query (SQL: ``key LIKE 'q%' OR key LIKE '% q%'``).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice, product

from villagevote.names import COMPOUND_SURNAME_READINGS, SURNAME_READINGS, char_key, clean_name

__all__ = ["initials_key", "initials_match", "name_keys", "name_sort_key", "query_kind"]

MAX_ALTERNATIVES = 8
MAX_KEY_LENGTH = 32  # the voter.name_initials column
_ID_FRAGMENT = re.compile(r"^[0-9]{3,17}[0-9xX]?$|^[0-9]*[xX]$")


@lru_cache(maxsize=None)
def _char_letters(char: str) -> tuple[str, ...]:
    """First letters of a character's readings, most common reading first; the character itself when not Chinese."""
    from pypinyin.pinyin_dict import pinyin_dict  # large table, loaded on first use

    readings = pinyin_dict.get(ord(char))
    if not readings:
        return (char.lower(),) if char.isascii() and char.isalnum() else ("",)
    letters: list[str] = []
    for reading in readings.split(","):
        letter = unicodedata.normalize("NFKD", reading.strip())[:1].lower()
        if letter and letter not in letters:
            letters.append(letter)
    return tuple(letters) or ("",)


@lru_cache(maxsize=None)
def _surname_letters(char: str) -> tuple[str, ...]:
    letters = _char_letters(char)
    special = SURNAME_READINGS.get(char)
    if special:
        first = special[0]
        letters = (first,) + tuple(x for x in letters if x != first)
    return letters


def initials_key(name: str) -> str:
    """Space-separated pinyin initials of ``name`` (primary reading first, at most 8 alternatives)."""
    chars = name if name.isalnum() else clean_name(name)
    if not chars:
        return ""
    if chars[:2] in COMPOUND_SURNAME_READINGS:
        a, b = COMPOUND_SURNAME_READINGS[chars[:2]]
        options = [(a[0],), (b[0],)] + [_char_letters(c) for c in chars[2:]]
    else:
        options = [_surname_letters(chars[0])] + [_char_letters(c) for c in chars[1:]]
    if len(options) == sum(map(len, options)):
        return "".join([o[0] for o in options])
    key = " ".join("".join(p) for p in islice(product(*options), MAX_ALTERNATIVES))
    return key if len(key) <= MAX_KEY_LENGTH else key[:MAX_KEY_LENGTH].rsplit(" ", 1)[0]


def query_kind(query: str) -> tuple[str, str]:
    """Classify a search box entry: ('id', digits) for an ID fragment, ('initials', letters), ('name', text),
    or ('empty', '')."""
    q = unicodedata.normalize("NFKC", query or "").strip().replace(" ", "")
    if not q:
        return "empty", ""
    if _ID_FRAGMENT.match(q):
        return "id", q.upper()
    if q.isascii() and q.isalpha():
        return "initials", q.lower()
    return "name", clean_name(q) or q


def initials_match(key: str, letters: str) -> bool:
    """True when one alternative of a stored :func:`initials_key` starts with ``letters``."""
    return any(alt.startswith(letters) for alt in key.split(" "))


@lru_cache(maxsize=None)
def _char_sort(char: str) -> str:
    """One character's :func:`villagevote.names.char_key` as a string that compares the same way."""
    count, shapes, point = char_key(char)
    return (chr(0x100 + min(count, 0xC000)) + shapes + "\x01"
            + chr(0x20 + ((point >> 14) & 0x7F)) + chr(0x20 + ((point >> 7) & 0x7F)) + chr(0x20 + (point & 0x7F)))


def name_sort_key(name: str) -> str:
    """A string whose binary order is :func:`villagevote.names.stroke_key` order (姓氏笔画), for SQL ORDER BY."""
    chars = name if name.isalnum() else clean_name(name)
    if not chars:
        return "\U0010FFFF"
    cs = _char_sort
    return cs(chars[0]) + chr(0x100 + len(chars)) + "".join([cs(c) for c in chars[1:]])


@lru_cache(maxsize=1 << 16)
def _rest_keys(rest: str) -> tuple[tuple[str, ...], str]:
    """Initials alternatives (product order, at most MAX_ALTERNATIVES) and sort-key part of the given name: given
    names repeat far more than full names, so this is cached."""
    letters = [_char_letters(c) for c in rest]
    alternatives = tuple("".join(p) for p in islice(product(*letters), MAX_ALTERNATIVES))
    return alternatives, "".join([_char_sort(c) for c in rest])


def name_keys(name: str) -> tuple[str, str]:
    """(:func:`initials_key`, :func:`name_sort_key`) in one pass over the name (the import computes both)."""
    chars = name if name.isalnum() else clean_name(name)
    if not chars or chars[:2] in COMPOUND_SURNAME_READINGS:
        return initials_key(name), name_sort_key(name)
    first = chars[0]
    alternatives, sort_rest = _rest_keys(chars[1:])
    sort = _char_sort(first) + chr(0x100 + len(chars)) + sort_rest
    surnames = _surname_letters(first)
    if len(surnames) == 1 and len(alternatives) == 1:
        return surnames[0] + alternatives[0], sort
    key = " ".join(islice((s + r for s in surnames for r in alternatives), MAX_ALTERNATIVES))
    return (key if len(key) <= MAX_KEY_LENGTH else key[:MAX_KEY_LENGTH].rsplit(" ", 1)[0]), sort
