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
from itertools import compress, islice, product
from operator import add, itemgetter

from villagevote.names import COMPOUND_SURNAME_READINGS, SURNAME_READINGS, char_key, clean_name

__all__ = ["initials_key", "initials_match", "name_keys", "name_keys_many", "name_sort_key", "query_kind"]

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
    return _combine_initials(_surname_letters(first), alternatives), sort



_LENGTH_CHAR = [chr(0x100 + k) for k in range(65)]


def _combine_initials(surnames: tuple[str, ...], alternatives: tuple[str, ...]) -> str:
    """The initials key from the surname's letters and the given name's alternatives (as :func:`name_keys`)."""
    if len(surnames) == 1 and len(alternatives) == 1:
        return surnames[0] + alternatives[0]
    key = " ".join(islice((s + r for s in surnames for r in alternatives), MAX_ALTERNATIVES))
    return key if len(key) <= MAX_KEY_LENGTH else key[:MAX_KEY_LENGTH].rsplit(" ", 1)[0]


def name_keys_many(names: list[str], cache: dict | None = None) -> tuple[list[str], list[str]]:
    """:func:`name_keys` of many names at once: (initials keys, sort keys), equal to ``[name_keys(n) for n in
    names]``. Surname and given-name parts come from tables (both repeat) kept in ``cache`` (pass the same dict for
    the chunks of one import), and the names are put together with C-level ``map``. The initials key depends only on
    the surname's letters and the given name's alternatives, and few distinct pairs of those occur: each distinct
    letters tuple and alternatives tuple gets a number (surnames' from 0, given names' in steps of 2**24), and the
    key of a pair is made once, found by the sum of the two numbers. A name with blanks, other characters or a
    compound surname goes through :func:`name_keys`."""
    n = len(names)
    if not n:
        return [], []
    if cache is None:
        cache = {}
    surname_parts = cache.setdefault("surname", {})
    rest_parts = cache.setdefault("rest", {})
    combined = cache.setdefault("initials", {})
    numbers = cache.setdefault("numbers", {})  # letters / alternatives tuple -> its number
    numbered = cache.setdefault("numbered", [])  # number -> letters / alternatives tuple
    original = names
    plain = list(map(str.isalnum, names))
    if plain.count(True) != n or max(map(len, names)) >= len(_LENGTH_CHAR):
        odd = {i for i, name in enumerate(names) if not plain[i] or len(name) >= len(_LENGTH_CHAR)}
    else:
        odd = set()
    compound = list(map(COMPOUND_SURNAME_READINGS.__contains__, map(itemgetter(slice(0, 2)), names)))
    if compound.count(True):
        odd.update(compress(range(n), compound))
    if odd:
        names = [name if i not in odd else "某" for i, name in enumerate(names)]  # placeholder, redone below
    firsts = list(map(itemgetter(0), names))
    rests = list(map(itemgetter(slice(1, None)), names))
    # a part: (initials letters / alternatives, sort key, number of the letters / alternatives)
    for first in set(firsts).difference(surname_parts):
        letters = _surname_letters(first)
        surname_parts[first] = (letters, _char_sort(first), _number(("s",) + letters, numbers, numbered))
    for rest in set(rests).difference(rest_parts):
        alternatives, sort = _rest_keys.__wrapped__(rest)
        rest_parts[rest] = (alternatives, sort, _number(("r",) + alternatives, numbers, numbered) << 24)
    surnames = list(map(surname_parts.__getitem__, firsts))
    given = list(map(rest_parts.__getitem__, rests))
    pairs = list(map(add, map(_THIRD, surnames), map(_THIRD, given)))
    for pair in set(pairs).difference(combined):
        combined[pair] = _combine_initials(numbered[pair & _LOW][1:], numbered[pair >> 24][1:])
    initials = list(map(combined.__getitem__, pairs))
    lengths = map(_LENGTH_CHAR.__getitem__, map(len, names))
    sorts = list(map(add, map(add, map(_SECOND, surnames), lengths), map(_SECOND, given)))
    for i in odd:
        initials[i], sorts[i] = name_keys(original[i])
    return initials, sorts


_SECOND, _THIRD = itemgetter(1), itemgetter(2)
_LOW = (1 << 24) - 1


def _number(parts: tuple[str, ...], numbers: dict, numbered: list) -> int:
    number = numbers.get(parts)
    if number is None:
        number = numbers[parts] = len(numbered)
        numbered.append(parts)
    return number
