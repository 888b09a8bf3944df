"""GB 11643 ID numbers: what staff type, what Excel does to it, and the messages they see."""
from __future__ import annotations

import datetime as dt

import pytest

from villagevote.errors import ValidationError
from villagevote.idcard import (
    IdInfo,
    InvalidIdNumber,
    age_on,
    excel_mangled,
    is_valid_id_number,
    mask_id_number,
    parse_id_number,
)

TODAY = dt.date(2026, 11, 22)

# ISO 7064 MOD 11-2 written out from the standard's definition, independent of the module under test:
# weight of position i (1-based, counted from the left over 18 positions) is 2**(18-i) mod 11;
# the check value c satisfies (sum(a_i * W_i) + c) = 1 (mod 11), c = 10 written as X.
STANDARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def reference_check(first17: str) -> str:
    assert [pow(2, 18 - i, 11) for i in range(1, 18)] == STANDARD_WEIGHTS
    s = sum(int(d) * w for d, w in zip(first17, STANDARD_WEIGHTS))
    for c in range(11):
        if (s + (c * 1)) % 11 == 1:
            return "X" if c == 10 else str(c)
    raise AssertionError("no check value")


def make(first17: str) -> str:
    return first17 + reference_check(first17)


def test_examples_printed_in_the_standard():
    # The two worked examples of GB 11643-1999 (appendix): a woman from Beijing, a man from Guangdong.
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert info == IdInfo("11010519491231002X", dt.date(1949, 12, 31), "女", "11", "北京市", "110105")
    # The second example (born 1880) has a correct check digit, but nobody born before 1900 registers today.
    assert reference_check("44052418800101001") == "4"
    with pytest.raises(InvalidIdNumber, match="早于1900年"):
        parse_id_number("440524188001010014", today=TODAY)


def test_valid_numbers_computed_from_first_principles():
    for first17, born, gender, province in [
        ("33010219900101123", dt.date(1990, 1, 1), "男", "浙江省"),
        ("33062419781130004", dt.date(1978, 11, 30), "女", "浙江省"),
        ("51010720000229567", dt.date(2000, 2, 29), "男", "四川省"),  # leap day
        ("65010119581015002", dt.date(1958, 10, 15), "女", "新疆维吾尔自治区"),
    ]:
        number = make(first17)
        info = parse_id_number(number, today=TODAY)
        assert info.number == number
        assert info.birth_date == born
        assert info.gender == gender
        assert info.province == province
        assert info.province_code == first17[:2]


def test_lower_case_x_is_accepted_and_stored_upper_case():
    # find a body whose check value is 10 (X) by the reference algorithm
    body = next(f"33010219900101{seq:03d}" for seq in range(1000) if reference_check(f"33010219900101{seq:03d}") == "X")
    assert parse_id_number(body + "x", today=TODAY).number == body + "X"
    assert parse_id_number(f"  {body}X ", today=TODAY).number == body + "X"
    # full-width characters pasted from a Word document
    full = "".join(chr(ord(c) + 0xFEE0) for c in body + "X")
    assert parse_id_number(full, today=TODAY).number == body + "X"


def test_wrong_check_digit_names_the_expected_character():
    number = make("33010219900101123")
    wrong = "7" if number[-1] != "7" else "3"
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(number[:17] + wrong, today=TODAY)
    assert str(exc.value) == f"身份证号码校验码错误：第18位应为 {number[-1]}，实际为 {wrong}"


def test_one_mistyped_digit_is_caught():
    number = make("33010219900101123")
    typo = number[:10] + ("2" if number[10] != "2" else "3") + number[11:]
    assert not is_valid_id_number(typo, today=TODAY)


def test_wrong_length_says_the_length():
    with pytest.raises(InvalidIdNumber, match="应为18位，实际为 17 位"):
        parse_id_number("33010219900101123", today=TODAY)
    with pytest.raises(InvalidIdNumber, match="实际为 19 位"):
        parse_id_number("3301021990010112345", today=TODAY)
    with pytest.raises(InvalidIdNumber, match="15位的旧身份证号码"):
        parse_id_number("330102900101123", today=TODAY)


def test_letters_in_the_body_name_the_position():
    with pytest.raises(InvalidIdNumber, match="第5位应为数字，实际为「A」"):
        parse_id_number("3301A2199001011234", today=TODAY)
    with pytest.raises(InvalidIdNumber, match="第18位应为数字或 X，实际为「Y」"):
        parse_id_number("33010219900101123Y", today=TODAY)


def test_unknown_province_code():
    number = make("99010219900101123")
    with pytest.raises(InvalidIdNumber, match="前两位 99 不是有效的省级行政区划代码"):
        parse_id_number(number, today=TODAY)


def test_impossible_dates_say_the_date():
    with pytest.raises(InvalidIdNumber, match="1990年02月30日 不是真实的日期"):
        parse_id_number(make("33010219900230123"), today=TODAY)
    with pytest.raises(InvalidIdNumber, match="2001年02月29日 不是真实的日期"):
        parse_id_number(make("33010220010229123"), today=TODAY)  # 2001 is not a leap year
    with pytest.raises(InvalidIdNumber, match="1990年13月01日"):
        parse_id_number(make("33010219901301123"), today=TODAY)


def test_future_birth_date_is_refused():
    with pytest.raises(InvalidIdNumber, match="2026年11月23日 晚于今天"):
        parse_id_number(make("33010220261123123"), today=TODAY)
    # born today is fine (a newborn's number exists)
    assert parse_id_number(make("33010220261122123"), today=TODAY).birth_date == TODAY


def test_excel_scientific_notation_gets_its_own_message():
    msg = "身份证号码被 Excel 存成了数字（科学计数法），请把该列设为文本后重新录入"
    for value in ["3.30102199001011E+17", "3.30102199001011e17", 3.30102199001011e17, 330102199001011000,
                  "330102199001011000.0"]:
        assert excel_mangled(value), value
        with pytest.raises(InvalidIdNumber) as exc:
            parse_id_number(value, today=TODAY)
        assert str(exc.value) == msg


def test_integer_with_all_digits_is_still_parsed():
    number = make("33010219900101123")
    if number[-1] != "X":
        assert parse_id_number(int(number), today=TODAY).number == number


def test_invalid_id_number_is_a_validation_error_and_value_error():
    with pytest.raises(ValueError):
        parse_id_number("123", today=TODAY)
    assert issubclass(InvalidIdNumber, ValidationError)
    with pytest.raises(InvalidIdNumber, match="为空"):
        parse_id_number("   ", today=TODAY)


def test_age_on_counts_full_years():
    assert age_on(dt.date(1990, 6, 15), dt.date(2021, 6, 14)) == 30
    assert age_on(dt.date(1990, 6, 15), dt.date(2021, 6, 15)) == 31
    # born on a leap day: turns 18 on 1 March in a common year
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 17
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)) == 18
    info = parse_id_number(make("51010720000229567"), today=TODAY)
    assert info.age_on(dt.date(2021, 3, 1)) == 21


def test_mask_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert "19491231" not in mask_id_number("11010519491231002X")


def test_truncated_text_gets_a_hint_about_excel():
    # Excel keeps 15 significant digits: the last three become 0 even when the cell is later turned into text
    body = "330102199001011"
    assert reference_check(body + "00") != "0"
    with pytest.raises(InvalidIdNumber, match="末三位都是 0，可能被 Excel 截断过"):
        parse_id_number(body + "000", today=TODAY)
