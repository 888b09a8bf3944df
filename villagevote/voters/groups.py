"""村民小组 names: natural ordering and matching of the many ways a group is written (3, 3组, 第三组, 第3村民小组)."""
from __future__ import annotations

import re

__all__ = ["group_number", "group_sort_key", "match_group"]

_CN_NUM = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM_IN_TEXT = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百]+")


def _cn_value(text: str) -> int:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_NUM.get(ch, 0)
    return total + current


def group_sort_key(name: str) -> tuple:
    """Order 村民小组 names naturally: 第2组 before 第10组, 第二组 before 第十组; unnumbered names after, by text."""
    m = _NUM_IN_TEXT.search(name or "")
    if m is None:
        return (1, 0, name or "")
    return (0, _cn_value(m.group(0)), name)


def group_number(name: str) -> int | None:
    """The number in a group name (第三组 -> 3, 3 -> 3), or None when it has none."""
    m = _NUM_IN_TEXT.search(name or "")
    return _cn_value(m.group(0)) if m else None


def match_group(text: str, known: dict[str, int]) -> int | None:
    """The id of the known group ``text`` names: same text, else the same number when exactly one group has it."""
    text = (text or "").strip()
    if not text:
        return None
    if text in known:
        return known[text]
    number = group_number(text)
    if number is None:
        return None
    hits = {gid for name, gid in known.items() if group_number(name) == number}
    return hits.pop() if len(hits) == 1 else None
