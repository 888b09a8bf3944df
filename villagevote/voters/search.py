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
from functools import cache, lru_cache
from itertools import compress, islice, product, repeat
from operator import add, itemgetter

from villagevote.names import COMPOUND_SURNAME_READINGS, SURNAME_READINGS, char_key, clean_name, shape_ranks

__all__ = ["initials_key", "initials_match", "name_keys", "name_keys_many", "name_sort_key", "query_kind"]

MAX_ALTERNATIVES = 8
MAX_KEY_LENGTH = 32  # the voter.name_initials column
_ID_FRAGMENT = re.compile(r"^[0-9]{3,17}[0-9xX]?$|^[0-9]*[xX]$")


@cache
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


@cache
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


# --- 姓氏笔画 sort keys ------------------------------------------------------------------------------------------
# A stored sort key is ASCII and compares, byte by byte, exactly as villagevote.names.stroke_key:
#   code(surname) + length (2 characters) + code(each following character)
# where a character's code is, with D(x) = chr(0x30 + x) for base-64 digits:
#   in the stroke-order table:   chr(0x21 + strokes) + D(rank >> 6) + D(rank & 63)   (rank among equals in strokes)
#   with a stroke count only:    chr(0x21 + strokes) + "p" + point(4)                ('6' shapes: after the above)
#   unknown:                     "~" + point(4)                                       (after every known character)
# and point(4) is the code point in four base-64 digits. Each code is told apart by its first two characters, so
# comparing two keys compares surname, length and following characters in turn. An empty name is "\x7f" (last).
# Changing this format needs a migration that recomputes voter.name_sort (see 0008_voter_sort_keys).
_DIGITS = [chr(0x30 + d) for d in range(64)]
_EMPTY_NAME = "\x7f"


def _point4(point: int) -> str:
    d = _DIGITS
    return d[point >> 18 & 63] + d[point >> 12 & 63] + d[point >> 6 & 63] + d[point & 63]


def _sort_code(char: str) -> str:
    count, shapes, point = char_key(char)
    if not shapes:  # unknown character
        return "~" + _point4(point)
    strokes = chr(0x21 + min(count, 92))
    if shapes == "6":  # stroke count known, shapes not: after the characters of the table with that count
        return strokes + "p" + _point4(point)
    rank = shape_ranks()[char]
    return strokes + _DIGITS[rank >> 6 & 63] + _DIGITS[rank & 63]


class _SortCodes(dict):
    """code point -> :func:`_sort_code`, filled on first use, usable as a ``str.translate`` table (the C-level
    translation looks codes up here and fills missing ones through ``__missing__``)."""

    def __missing__(self, point: int) -> str:
        code = self[point] = _sort_code(chr(point))
        return code


_CODES = _SortCodes()
_LENGTHS = [_DIGITS[k >> 6] + _DIGITS[k & 63] for k in range(4096)]


def name_sort_key(name: str) -> str:
    """A string whose binary order is :func:`villagevote.names.stroke_key` order (姓氏笔画), for SQL ORDER BY."""
    chars = name if name.isalnum() else clean_name(name)
    if not chars:
        return _EMPTY_NAME
    return _CODES[ord(chars[0])] + _LENGTHS[min(len(chars), 4095)] + chars[1:].translate(_CODES)


@lru_cache(maxsize=1 << 16)
def _rest_keys(rest: str) -> tuple[str, ...]:
    """Initials alternatives of the given name (product order, at most MAX_ALTERNATIVES): given names repeat far
    more than full names, so this is cached."""
    letters = [_char_letters(c) for c in rest]
    return tuple("".join(p) for p in islice(product(*letters), MAX_ALTERNATIVES))


def name_keys(name: str) -> tuple[str, str]:
    """(:func:`initials_key`, :func:`name_sort_key`) of one name (the import computes both)."""
    chars = name if name.isalnum() else clean_name(name)
    if not chars or chars[:2] in COMPOUND_SURNAME_READINGS:
        return initials_key(name), name_sort_key(name)
    return _combine_initials(_surname_letters(chars[0]), _rest_keys(chars[1:])), name_sort_key(name)


def _combine_initials(surnames: tuple[str, ...], alternatives: tuple[str, ...]) -> str:
    """The initials key from the surname's letters and the given name's alternatives (as :func:`name_keys`)."""
    if len(surnames) == 1 and len(alternatives) == 1:
        return surnames[0] + alternatives[0]
    key = " ".join(islice((s + r for s in surnames for r in alternatives), MAX_ALTERNATIVES))
    return key if len(key) <= MAX_KEY_LENGTH else key[:MAX_KEY_LENGTH].rsplit(" ", 1)[0]


def name_keys_many(names: list[str], cache: dict | None = None) -> tuple[list[str], list[str]]:
    """:func:`name_keys` of many names at once: (initials keys, sort keys), equal to ``[name_keys(n) for n in
    names]``, with C-level ``map`` over the names. Sort keys: the surname's code, the length and the rest of the name
    translated through the code table (``str.translate``). Initials: made once per distinct pair of (surname letters,
    given-name alternatives). Surname and given-name parts come from tables (both repeat) kept in ``cache`` (pass
    the same dict for the chunks of one import). A name with blanks, other characters or a compound surname goes
    through :func:`name_keys`."""
    n = len(names)
    if not n:
        return [], []
    if cache is None:
        cache = {}
    surname_parts = cache.setdefault("surname", {})
    rest_parts = cache.setdefault("rest", {})
    combined = cache.setdefault("initials", {})
    original = names
    plain = list(map(str.isalnum, names))
    if plain.count(True) != n or max(map(len, names)) >= len(_LENGTHS):
        odd = {i for i, name in enumerate(names) if not plain[i] or len(name) >= len(_LENGTHS)}
    else:
        odd = set()
    compound = list(map(COMPOUND_SURNAME_READINGS.__contains__, map(itemgetter(slice(0, 2)), names)))
    if compound.count(True):
        odd.update(compress(range(n), compound))
    if odd:
        names = [name if i not in odd else "某" for i, name in enumerate(names)]  # placeholder, redone below
    firsts = list(map(itemgetter(0), names))
    rests = list(map(itemgetter(slice(1, None)), names))
    for first in set(firsts).difference(surname_parts):  # (sort code, initials letters)
        surname_parts[first] = (_CODES[ord(first)], _surname_letters(first))
    for rest in set(rests).difference(rest_parts):  # initials alternatives
        rest_parts[rest] = _rest_keys.__wrapped__(rest)
    surnames = list(map(surname_parts.__getitem__, firsts))
    pairs = list(zip(map(_SECOND, surnames), map(rest_parts.__getitem__, rests)))
    for pair in set(pairs).difference(combined):
        combined[pair] = _combine_initials(*pair)
    initials = list(map(combined.__getitem__, pairs))
    sorts = list(map(add, map(add, map(_FIRST, surnames), map(_LENGTHS.__getitem__, map(len, names))),
                     map(str.translate, rests, repeat(_CODES))))
    for i in odd:
        initials[i], sorts[i] = name_keys(original[i])
    return initials, sorts


_FIRST, _SECOND = itemgetter(0), itemgetter(1)
