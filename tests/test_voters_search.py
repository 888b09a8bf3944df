"""Search and sort keys stored on voters: they must agree with the names module (the reference)."""
from __future__ import annotations

import random

from villagevote.names import _tables, stroke_key
from villagevote.voters.groups import group_sort_key, match_group
from villagevote.voters.search import initials_key, initials_match, name_keys, name_keys_many, name_sort_key, query_kind

POOL = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑丁于万乙长乐单曾毅沪宁欧阳修𠮷龘a·（女）"


def test_sort_key_orders_exactly_like_stroke_key():
    rng = random.Random(11)
    order, totals = _tables()
    # characters of the stroke-order table, with a stroke count only, and unknown ones (letters, digits, symbols)
    pool = POOL + "".join(rng.sample(sorted(order), 60)) + "".join(rng.sample(sorted(set(totals) - set(order)), 60)) \
        + "Ωé1Z"
    names = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 4))) for _ in range(20000)]
    names += ["王毅", "王沪宁", "欧阳修", "长孙无忌", "王　毅", "张三（女）", ""]
    assert sorted(names, key=name_sort_key) == sorted(names, key=stroke_key)
    assert name_sort_key("王毅") < name_sort_key("王沪宁")


def test_initials_keep_every_reading_of_polyphonic_characters():
    assert initials_key("张三") == "zs"
    assert initials_match(initials_key("长顺"), "zs") and initials_match(initials_key("长顺"), "cs")
    assert initials_key("单田芳").split(" ")[0] == "stf"  # surname reading first
    assert initials_key("长孙无忌").split(" ")[0] == "zswj"  # compound surname read zhang-sun; 无 also mo
    assert len(initials_key("长乐长乐长乐长")) <= 32
    rng = random.Random(5)
    names = ["".join(rng.choice(POOL + "重行乐朝长曾单解查") for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    names += ["长顺", "欧阳修", "张三", "", "a·b", "长乐长乐长乐长"]
    assert all(name_keys(n) == (initials_key(n), name_sort_key(n)) for n in names)


def test_keys_of_many_names_at_once_equal_one_by_one():
    """The import's bulk keys (chunks sharing one cache) are exactly the one-name keys: polyphonic surnames and given
    names, compound surnames, blanks, characters outside the BMP, empty names."""
    rng = random.Random(8)
    names = ["".join(rng.choice(POOL + "重行乐朝长曾单解查") for _ in range(rng.randint(1, 5))) for _ in range(6000)]
    names += ["长顺", "欧阳修", "长孙无忌", "张三", "", "a·b", "长乐长乐长乐长", "王　毅", "𠮷祥"]
    cache: dict = {}
    initials: list[str] = []
    sorts: list[str] = []
    for a in range(0, len(names), 1000):
        chunk_initials, chunk_sorts = name_keys_many(names[a:a + 1000], cache)
        initials += chunk_initials
        sorts += chunk_sorts
    assert list(zip(initials, sorts)) == [name_keys(n) for n in names]


def test_query_kinds():
    assert query_kind("3305") == ("id", "3305")
    assert query_kind(" ZS ") == ("initials", "zs")
    assert query_kind("张") == ("name", "张")
    assert query_kind("12x") == ("id", "12X")
    assert query_kind("") == ("empty", "")


def test_group_names_sort_naturally_and_match_by_number():
    names = ["第10组", "第2组", "第十二组", "第三组", "一组", "新村组", "第1村民小组"]
    assert sorted(names, key=group_sort_key) == ["一组", "第1村民小组", "第2组", "第三组", "第10组", "第十二组", "新村组"]
    known = {"第1村民小组": 1, "第3村民小组": 3}
    assert match_group("3", known) == 3 and match_group("三组", known) == 3 and match_group("第九组", known) is None
    assert match_group("第3组", {"第三组": 5, "3组": 6}) is None  # ambiguous: two groups numbered 3
