"""Parsing one cell of a voter list: dates in any format staff type them, gender, 登记类别, 剥夺政治权利, names,
and the constants of the fast GB 11643 ID-number check. Pure functions of the cell value."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from operator import itemgetter
from typing import Any

from villagevote.i18n import tr
from villagevote.models.enums import VoterCategory

# Header text as compared with the field synonyms (no brackets, blanks or punctuation, lower case)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_HEADER_JUNK = re.compile(r"[\s*:：_\-/、.·]")


def norm_header(value: Any) -> str:
    """Header text reduced for comparison: NFKC, no blanks, no bracketed remarks, no '*' or ':' markers."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = _PAREN.sub("", text)
    return _HEADER_JUNK.sub("", text)


# --------------------------------------------------------------------------------------------------------------
# Cell parsers
# --------------------------------------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_SEP = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DATE_SHORT_YEAR = re.compile(r"^(\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_DATE_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def _cn_number(text: str) -> str:
    """'十二' -> '12', '二十五' -> '25', '三' -> '3' (days and months only)."""
    if "十" not in text:
        return "".join(_CN_DIGITS.get(ch, ch) for ch in text)
    tens, _, ones = text.partition("十")
    value = (int(_CN_DIGITS.get(tens, "1")) if tens else 1) * 10 + (int(_CN_DIGITS.get(ones, "0")) if ones else 0)
    return str(value)


_CN_DATE = re.compile(r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日?$")


def _make_date(y: int, m: int, d: int, raw: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(tr("「{raw}」不是真实的日期（{y}年{m}月{d}日不存在）").format(raw=raw, y=y, m=m, d=d)) from None


def parse_date_value(value: Any) -> dt.date:
    """A date from a cell: date/datetime objects, Excel serial numbers, 8-digit numbers (20010305) and text such as
    ``2001-3-5``, ``2001/03/05``, ``2001.3.5``, ``20010305``, ``2001年3月5日``, ``二〇〇一年三月五日``.

    Raises ``ValueError`` with a Chinese message for anything else (two-digit years, day-first dates, year-month only).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(tr("应为日期，实际为逻辑值"))
    if isinstance(value, (int, float)):
        if value != value:
            raise ValueError(tr("应为日期，单元格为空值"))
        number = int(value)
        if 19000101 <= number <= 29991231 and number == value:
            text = str(number)
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
        if 1 <= number <= 2958465:
            if number == 60:
                raise ValueError(tr("Excel 日期序号 60 对应不存在的 1900年2月29日"))
            if number < 60:
                number += 1  # Excel counts a fictitious 29 February 1900
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        raise ValueError(tr("数字 {value} 不是日期").format(value=cell_shown(value)))
    if not isinstance(value, str):
        raise ValueError(tr("应为日期，无法识别「{value}」").format(value=cell_shown(value)))
    text = unicodedata.normalize("NFKC", value).strip().replace("'", "")
    if not text:
        raise ValueError(tr("日期为空"))
    m = _DATE_SEP.match(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _DATE_COMPACT.match(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _CN_DATE.match(text.replace(" ", ""))
    if m:
        year = "".join(_CN_DIGITS[ch] for ch in m.group(1))
        return _make_date(int(year), int(_cn_number(m.group(2))), int(_cn_number(m.group(3))), text)
    if _DATE_YEAR_MONTH.match(text):
        raise ValueError(tr("「{raw}」只有年和月，缺少日，请写完整日期，如 2001-03-05").format(raw=text))
    if _DATE_SHORT_YEAR.match(text):
        raise ValueError(tr("「{raw}」的年份只有两位，无法确定世纪，请写四位年份，如 2001-03-05").format(raw=text))
    if _DATE_DAY_FIRST.match(text):
        raise ValueError(tr("「{raw}」是日/月/年顺序，容易误读，请写成 年-月-日，如 2001-03-05").format(raw=text))
    raise ValueError(tr("无法识别的日期「{raw}」，请写成 2001-03-05、2001/3/5、2001.3.5、20010305 或 2001年3月5日").format(
        raw=text))


_GENDER = {"男": "男", "男性": "男", "m": "男", "male": "男", "女": "女", "女性": "女", "f": "女", "female": "女"}


def parse_gender(value: Any) -> str | None:
    """'男' / '女' from a cell, None when empty; ``ValueError`` for anything else."""
    if value is None or value == "":
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text:
        return None
    gender = _GENDER.get(text)
    if gender is None:
        raise ValueError(tr("性别应为「男」或「女」，实际为「{value}」").format(value=cell_shown(value)))
    return gender


_CATEGORY_RULES: tuple[tuple[VoterCategory, tuple[str, ...]], ...] = (
    # Order matters: "户籍不在本村、居住一年以上" contains "不在本村居住" once the punctuation is gone, and
    # "户籍在本村不在本村居住" contains "本村居住"; so group 3, then group 2, then group 1.
    # Not "外来" (外来人员, 外来务工): an incomer is a voter only after a year's residence, an application and the
    # villagers' consent, so a bare "外来人员" is reported as an unknown category rather than filed as group 3.
    (VoterCategory.NONREGISTERED_RESIDENT, ("非户籍", "户籍不在", "无户籍", "居住一年", "居住满一年", "一年以上",
                                            "寄居", "第三类", "三类", "nonregistered_resident")),
    (VoterCategory.REGISTERED_AWAY, ("不在本村居住", "不居住", "不在村居住", "外出", "人户分离", "户在人不在", "在外",
                                     "不在村", "第二类", "二类", "registered_away")),
    (VoterCategory.RESIDENT, ("户籍在本村", "户籍在村", "本村居住", "在村居住", "常住", "本村", "第一类", "一类",
                              "resident")),
)
_CATEGORY_NUMBERS = {"1": VoterCategory.RESIDENT, "2": VoterCategory.REGISTERED_AWAY,
                     "3": VoterCategory.NONREGISTERED_RESIDENT}


def parse_category(value: Any, default: VoterCategory = VoterCategory.RESIDENT) -> VoterCategory:
    """The registration group from a cell; ``default`` for an empty cell; ``ValueError`` when not recognised."""
    if value is None or value == "":
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = norm_header(str(value)).lower()
    if not text:
        return default
    if text in _CATEGORY_NUMBERS:
        return _CATEGORY_NUMBERS[text]
    for member in VoterCategory:
        if text == norm_header(member.label):
            return member
    for member, needles in _CATEGORY_RULES:
        if any(n in text for n in needles):
            return member
    raise ValueError(
        tr("无法识别的登记类别「{value}」，应为：1 户籍在本村并居住；2 户籍在本村、不在本村居住；3 户籍不在本村、居住一年以上").format(
            value=cell_shown(value))
    )


_YES = {"是", "y", "yes", "√", "✓", "有", "剥夺", "被剥夺", "已剥夺", "1", "true", "是的"}
_NO = {"否", "n", "no", "×", "无", "没有", "未剥夺", "0", "false", "不是", "-", "/", "—"}


def parse_deprived(value: Any) -> bool:
    """Whether the 剥夺政治权利 cell says yes. Empty means no."""
    if value is None or value == "" or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO or not text:
        return False
    raise ValueError(tr("「剥夺政治权利」一栏应填「是」或「否」，实际为「{value}」").format(value=cell_shown(value)))


def cell_shown(value: Any) -> str:
    """A cell value as the user would recognise it (no '3.0', no exponent)."""
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:.0f}"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def cell_text(value: Any) -> str:
    """A cell as plain text: numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


_BLANKS = re.compile(r"[\s\u3000]+")


def clean_cell_name(value: Any) -> str:
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else cell_text(value)
    if " " in text or "\t" in text or "\u3000" in text:
        squeezed = _BLANKS.sub("", text)
        # Two-character names are often padded to line up ("张  三"); keep single blanks in Latin names.
        text = squeezed if all(ord(ch) > 0x2E7F or ch == "·" for ch in squeezed) else _BLANKS.sub(" ", text)
    return text


# --------------------------------------------------------------------------------------------------------------
# Fast ID check (same rules as villagevote.idcard.parse_id_number, which produces the message on failure)
# --------------------------------------------------------------------------------------------------------------
ID_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]", re.ASCII)
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_OFFSET = 48 * sum(ID_WEIGHTS)  # ord('0') times the weights: bytes give code points, not digits
ID_CHECK = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


# Birth dates of ID numbers, a whole column at once
_YEAR_MONTH_DAY = itemgetter(slice(0, 4), slice(4, 6), slice(6, 8))


def add_birth_dates(keys: list[str], dates: dict[str, dt.date | None], isos: dict[str, str], today: dt.date) -> None:
    """The birth dates of ID numbers' ``YYYYMMDD`` parts, into ``dates`` (None: no such day, in the future or
    before 1900) and ``isos`` (``YYYY-MM-DD``): C-level ``map`` of slicing, joining and ``date.fromisoformat`` for
    all of them, day by day only when one of them is not a real date."""
    texts = list(map("-".join, map(_YEAR_MONTH_DAY, keys)))
    isos.update(zip(keys, texts))
    try:
        days: list[dt.date | None] = list(map(dt.date.fromisoformat, texts))
    except ValueError:  # 30 February …
        days = [_real_date(text) for text in texts]
    if max(filter(None, days), default=today) > today or min(filter(None, days), default=today) < EARLIEST_BIRTH:
        days = [day if day is not None and EARLIEST_BIRTH <= day <= today else None for day in days]
    dates.update(zip(keys, days))


def _real_date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None
