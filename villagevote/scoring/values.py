"""Scores as numbers: reading and checking a typed score against its criterion, exact half-up rounding, showing
numbers in breakdowns, and comparing the two entries of one paper sheet (double entry). Pure, no database, no Qt."""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.scoring.records import (
    Id,
    Sheet,
)
from villagevote.scoring.scheme import (
    Criterion,
)

# -- numbers ---------------------------------------------------------------------------------------------------------

def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round an exact value half-up (away from zero at .5) to ``places`` decimals: 79.995 -> 80.00, 79.994 -> 79.99."""
    x = Fraction(value)
    scale = 10 ** places
    n = abs(x) * scale
    q = math.floor(n + Fraction(1, 2))
    if x < 0:
        q = -q
    return Decimal(q).scaleb(-places)


def fmt_num(value: Fraction | Decimal | int | None, max_places: int = 4) -> str:
    """Exact decimal text when the value has at most ``max_places`` decimals, else "≈" and a half-up rounding."""
    if value is None:
        return "—"
    x = Fraction(value)
    scaled = x * 10 ** max_places
    if scaled.denominator == 1:
        d = Decimal(scaled.numerator).scaleb(-max_places)
        text = format(d.normalize(), "f") if d != 0 else "0"
        return text
    return "≈" + format(round_half_up(x, max_places), "f")


def decimal_text(value: Decimal | None) -> str:
    """A Decimal as written, up to 8 places, for breakdown lines."""
    return fmt_num(value, 8)


def parse_score(text: str | None, criterion: Criterion, entry_places: int, *, where: str = "") -> Decimal | None:
    """Read a score typed by a person: empty -> None (not 0); otherwise a checked Decimal.

    Full-width digits are accepted. Refused with a message naming ``where``: not a number, negative, above the
    criterion's maximum, too many decimals, not one of the criterion's levels.
    """
    if text is None:
        return None
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except Exception:
        raise ValidationError(tr("{where}“{c}”：“{v}”不是数字").format(where=where, c=criterion.name, v=raw)) from None
    if not value.is_finite():
        raise ValidationError(tr("{where}“{c}”：“{v}”不是数字").format(where=where, c=criterion.name, v=raw))
    check_score(value, criterion, entry_places, where=where)
    return value


def check_score(value: Decimal, criterion: Criterion, entry_places: int, *, where: str = "") -> None:
    """Raise ValidationError unless 0 ≤ value ≤ max, with at most ``entry_places`` decimals (and a level if any)."""
    if value < 0:
        raise ValidationError(tr("{where}“{c}”：分数不能为负数（录入的是 {v}）").format(
            where=where, c=criterion.name, v=decimal_text(value)))
    if value > criterion.max:
        raise ValidationError(tr("{where}“{c}”：分数 {v} 超过满分 {m}").format(
            where=where, c=criterion.name, v=decimal_text(value), m=decimal_text(criterion.max)))
    exp = value.normalize().as_tuple().exponent
    if isinstance(exp, int) and -exp > entry_places:
        raise ValidationError(tr("{where}“{c}”：分数 {v} 的小数位太多，最多 {n} 位").format(
            where=where, c=criterion.name, v=decimal_text(value), n=entry_places))
    if criterion.levels and value not in {lv.score for lv in criterion.levels}:
        allowed = "、".join(f"{lv.label}{decimal_text(lv.score)}" for lv in criterion.levels)
        raise ValidationError(tr("{where}“{c}”：分数 {v} 不是规定的等次分值（{allowed}）").format(
            where=where, c=criterion.name, v=decimal_text(value), allowed=allowed))


# -- double entry ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    candidate_id: Id
    criterion_code: str
    first: Decimal | None
    second: Decimal | None


def compare_entries(first: Sheet, second: Sheet) -> list[Mismatch]:
    """Cells where two entries of the same paper sheet differ. Empty and 0 differ; 80 and 80.0 agree."""
    out: list[Mismatch] = []
    keys = list(first.keys()) + [k for k in second if k not in first]
    for key in keys:
        a = first.get(key)
        b = second.get(key)
        if (a is None) != (b is None) or (a is not None and b is not None and a != b):
            out.append(Mismatch(candidate_id=key[0], criterion_code=key[1], first=a, second=b))
    return out


def describe_mismatches(mismatches: Sequence[Mismatch], candidate_names: Mapping[Id, str],
                        criterion_names: Mapping[str, str]) -> list[str]:
    """Chinese lines, one per mismatch: who, which criterion, both values side by side."""
    lines = []
    for m in mismatches:
        lines.append(tr("{cand}“{crit}”：第一次录入 {a}，第二次录入 {b}").format(
            cand=candidate_names.get(m.candidate_id, str(m.candidate_id)),
            crit=criterion_names.get(m.criterion_code, m.criterion_code),
            a=tr("（空）") if m.first is None else decimal_text(m.first),
            b=tr("（空）") if m.second is None else decimal_text(m.second)))
    return lines
