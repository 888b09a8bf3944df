"""Resident ID numbers (居民身份证号码) per GB 11643-1999.

An 18-character number: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence code (odd = male,
even = female) and one check character computed with ISO 7064 MOD 11-2 (``0``-``9`` or ``X`` for 10).

:func:`parse_id_number` validates a number typed by a person or read from a workbook and returns the normalised
number with birth date, gender and province; every error says exactly what is wrong, in Chinese, so it can be shown
next to the row or field it came from.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from villagevote.errors import ValidationError
from villagevote.i18n import tr

__all__ = [
    "PROVINCES",
    "IdInfo",
    "InvalidIdNumber",
    "age_on",
    "check_character",
    "excel_mangled",
    "is_valid_id_number",
    "mask_id_number",
    "parse_id_number",
]


class InvalidIdNumber(ValidationError):
    """An ID number that is not a valid GB 11643 18-digit number; the message says why."""


# First two digits of the address code: provincial-level divisions (GB/T 2260). 81/82/83 are used by the
# residence permits of Hong Kong, Macao and Taiwan residents; 71 is reserved for Taiwan.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾省",
}

# ISO 7064 MOD 11-2 weights for positions 1..17: 2**(18-i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"  # index = (sum of weighted digits) mod 11

_EARLIEST_BIRTH = _dt.date(1900, 1, 1)

# "3.30102199001011E+17", "3.30102199001011e17", "330102199001011000.0" as text copied out of Excel.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
_DECIMAL_POINT = re.compile(r"^\d{15,18}\.\d*$")


@dataclass(frozen=True)
class IdInfo:
    """What an ID number says about its holder."""

    number: str  # normalised: 18 characters, upper-case X
    birth_date: _dt.date
    gender: str  # '男' or '女'
    province_code: str  # two digits, e.g. '33'
    province: str  # e.g. '浙江省'
    area_code: str  # the full six-digit address code, e.g. '330102'

    def age_on(self, day: _dt.date) -> int:
        """Full years of age on ``day``."""
        return age_on(self.birth_date, day)


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("check_character needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def age_on(birth_date: _dt.date, day: _dt.date) -> int:
    """Full years between ``birth_date`` and ``day`` (a 29 February birthday counts from 1 March in common years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def excel_mangled(value: object) -> bool:
    """True when ``value`` looks like an ID number that Excel stored as a number and so lost digits.

    Catches floats (any 18-digit number stored as a double has lost its last digits), integers of 16+ digits that
    end in ``000`` (Excel keeps 15 significant digits), and the text forms ``3.30102199001011E+17`` and
    ``330102199001011000.0``.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, (float, Decimal)):
        # Any 15+ digit number held as a double (Excel's only number type) has lost the ID's last digits.
        return value == value and abs(float(value)) >= 1e14
    if isinstance(value, int):
        text = str(abs(value))
        return len(text) >= 16 and text.endswith("000")
    if isinstance(value, str):
        text = _normalise_text(value)
        return bool(_SCIENTIFIC.match(text) or _DECIMAL_POINT.match(text))
    return False


def _normalise_text(text: str) -> str:
    # NFKC turns full-width digits and Ｘ into ASCII; drop blanks and the apostrophe Excel users type to force text.
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s'\u2018\u2019]", "", text)


def parse_id_number(text: object, today: _dt.date | None = None) -> IdInfo:
    """Validate an 18-digit ID number and return what it encodes.

    ``text`` may come straight from a form field or a workbook cell (str, or a number Excel produced). Lower-case
    ``x`` is accepted and normalised to ``X``; surrounding blanks and full-width characters are tolerated.
    ``today`` (default: the current date) bounds the birth date. Raises :class:`InvalidIdNumber` with a message that
    says what is wrong.
    """
    if text is None:
        raise InvalidIdNumber(tr("身份证号码为空"))
    if excel_mangled(text):
        raise InvalidIdNumber(tr("身份证号码被 Excel 存成了数字（科学计数法），请把该列设为文本后重新录入"))
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise InvalidIdNumber(tr("身份证号码格式不对：应为文字，实际为 {kind}").format(kind=type(text).__name__))
    number = _normalise_text(text).upper()
    if not number:
        raise InvalidIdNumber(tr("身份证号码为空"))
    if len(number) == 15 and number.isdigit():
        raise InvalidIdNumber(tr("这是15位的旧身份证号码，请录入18位的二代身份证号码"))
    if len(number) != 18:
        raise InvalidIdNumber(
            tr("身份证号码应为18位，实际为 {n} 位：{number}").format(n=len(number), number=number)
        )
    for pos, char in enumerate(number[:17], start=1):
        if not char.isdigit() or not char.isascii():
            raise InvalidIdNumber(
                tr("身份证号码第{pos}位应为数字，实际为「{char}」").format(pos=pos, char=char)
            )
    last = number[17]
    if not (last.isdigit() and last.isascii()) and last != "X":
        raise InvalidIdNumber(tr("身份证号码第18位应为数字或 X，实际为「{char}」").format(char=last))

    province_code = number[:2]
    province = PROVINCES.get(province_code)
    if province is None:
        raise InvalidIdNumber(
            tr("身份证号码前两位 {code} 不是有效的省级行政区划代码").format(code=province_code)
        )

    digits = number[6:14]
    try:
        birth = _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdNumber(
            tr("身份证号码中的出生日期 {y}年{m}月{d}日 不是真实的日期（第7–14位：{digits}）").format(
                y=digits[:4], m=digits[4:6], d=digits[6:8], digits=digits
            )
        ) from None
    today = today or _dt.date.today()
    if birth > today:
        raise InvalidIdNumber(
            tr("身份证号码中的出生日期 {date} 晚于今天（{today}）").format(
                date=_cn_date(birth), today=_cn_date(today)
            )
        )
    if birth < _EARLIEST_BIRTH:
        raise InvalidIdNumber(
            tr("身份证号码中的出生日期 {date} 早于1900年，不合理").format(date=_cn_date(birth))
        )

    expected = check_character(number[:17])
    if expected != last:
        message = tr("身份证号码校验码错误：第18位应为 {expected}，实际为 {actual}").format(
            expected=expected, actual=last
        )
        if number[15:] == "000":
            message += tr("（末三位都是 0，可能被 Excel 截断过，请核对原件）")
        raise InvalidIdNumber(message)

    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(
        number=number,
        birth_date=birth,
        gender=gender,
        province_code=province_code,
        province=province,
        area_code=number[:6],
    )


def is_valid_id_number(text: object, today: _dt.date | None = None) -> bool:
    """True when :func:`parse_id_number` accepts ``text``."""
    try:
        parse_id_number(text, today=today)
    except InvalidIdNumber:
        return False
    return True


def mask_id_number(number: str) -> str:
    """Mask an ID number for public notices: first six and last four kept (``330102********123X``).

    Anything that is not 18 characters is masked except its last two characters.
    """
    number = _normalise_text(number or "").upper()
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[14:]
    if len(number) <= 2:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]


def _cn_date(day: _dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"
