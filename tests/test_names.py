"""姓氏笔画 ordering against published rosters, the rule's details, and pinyin search."""
from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from villagevote.names import (
    clean_name,
    matches,
    pinyin_initials,
    sort_by_strokes,
    stroke_count,
    stroke_key,
    unknown_characters,
)

ROSTERS = Path(__file__).parent / "data" / "rosters"


def load_roster(path: Path) -> tuple[dict[str, str], list[str]]:
    meta: dict[str, str] = {}
    names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(":")
            if value:
                meta[key.strip()] = value.strip()
        elif line.strip():
            names.append(line)
    return meta, names


ROSTER_FILES = sorted(ROSTERS.glob("*.txt"))


def test_at_least_two_rosters_of_twenty_names_are_shipped():
    big = [p for p in ROSTER_FILES if len(load_roster(p)[1]) >= 20]
    assert len(big) >= 2
    for path in ROSTER_FILES:
        meta, _ = load_roster(path)
        assert ("笔画" in meta["title"] or "笔划" in meta["title"]) and meta.get("source"), path.name


@pytest.mark.parametrize("path", ROSTER_FILES, ids=[p.stem for p in ROSTER_FILES])
def test_published_roster_is_reproduced_exactly(path: Path):
    _, published = load_roster(path)
    assert unknown_characters(published) == set()
    for seed in range(5):
        shuffled = published[:]
        random.Random(seed).shuffle(shuffled)
        assert sort_by_strokes(shuffled) == published


def test_shorter_name_first_within_one_surname():
    assert sort_by_strokes(["王沪宁", "王毅"]) == ["王毅", "王沪宁"]
    # even when the longer name's second character has fewer strokes
    assert sort_by_strokes(["王小洪", "王毅"]) == ["王毅", "王小洪"]
    # but a surname with fewer strokes still comes first whatever the length
    assert sort_by_strokes(["王毅", "丁薛祥"]) == ["丁薛祥", "王毅"]


def test_bracketed_notes_and_padding_are_ignored():
    assert stroke_key("王芳（女）") == stroke_key("王芳")
    assert stroke_key("马丽(女,回族)") == stroke_key("马丽")
    assert stroke_key("王　毅") == stroke_key("王毅")
    assert clean_name(" 刘    英（女） ") == "刘英"
    assert sort_by_strokes(["王芳（女）", "王五", "王一"]) == ["王一", "王五", "王芳（女）"]


def test_stroke_count_decides_first():
    # 丁 2, 王 4, 刘 6, 张 7, 赵 9, 蔡 14 strokes
    assert [stroke_count(c) for c in "丁王刘张赵蔡"] == [2, 4, 6, 7, 9, 14]
    assert sort_by_strokes(["蔡奇", "张三", "赵六", "丁一", "刘五", "王二"]) == [
        "丁一", "王二", "刘五", "张三", "赵六", "蔡奇"]


def test_equal_counts_compare_first_stroke_heng_shu_pie_dian_zhe():
    # all three strokes: 于 starts 横, 山 竖, 千 撇, 之 点, 习 折
    names = ["习明", "之明", "千明", "山明", "于明"]
    assert sort_by_strokes(names) == ["于明", "山明", "千明", "之明", "习明"]


def test_equal_first_strokes_compare_the_next_ones():
    # 丰 横横横竖 < 王 横横竖横 < 开 横横撇竖 (four strokes each)
    assert sort_by_strokes(["开心", "王心", "丰心"]) == ["丰心", "王心", "开心"]


def test_vertical_hook_counts_as_vertical():
    # 才 横 竖钩 撇 and 万 横 横折钩 撇: the national order counts 竖钩 as 竖, so 才 comes first
    # (the Xinhua list of CPC 20th congress delegates has 才让太 before 万伟)
    assert sort_by_strokes(["万伟", "才让太"]) == ["才让太", "万伟"]


def test_same_surname_stays_together():
    names = ["田一", "由二", "田三三", "由一一", "田二"]
    result = sort_by_strokes(names)
    surnames = [n[0] for n in result]
    assert surnames == sorted(surnames, key=lambda s: surnames.index(s))  # contiguous groups
    assert result.index("田一") < result.index("田二") < result.index("田三三")


def test_characters_without_stroke_order_fall_back_to_total_count():
    # 𠮷 (U+20BB7, a surname variant of 吉) has no stroke order in the table but Unihan gives 6 strokes
    assert unknown_characters(["𠮷明", "吉祥"]) == {"𠮷"}
    assert sort_by_strokes(["李四", "𠮷明", "吉祥", "王五"]) == ["王五", "吉祥", "𠮷明", "李四"]
    # letters have no data at all and go last
    assert sort_by_strokes(["Tom", "王五"]) == ["王五", "Tom"]
    assert unknown_characters(["Tom"]) == {"T", "o", "m"}


def test_pinyin_initials():
    assert pinyin_initials("张三") == "zs"
    assert pinyin_initials("王芳（女）") == "wf"
    # 多音字 surnames read as surnames
    assert pinyin_initials("单雄信") == "sxx"
    assert pinyin_initials("曾国藩") == "zgf"
    assert pinyin_initials("解缙") == "xj"
    assert pinyin_initials("仇英") == "qy"
    assert pinyin_initials("尉迟恭") == "ycg"


def test_matches_name_fragment_initials_and_full_pinyin():
    assert matches("张三", "zs")
    assert matches("张三", "ZS")
    assert matches("张三", "z")
    assert matches("张三", "zhangsan")
    assert matches("张三", "zhangs")
    assert matches("张三丰", "三丰")
    assert matches("王芳（女）", "王芳")
    assert not matches("张三", "ls")
    assert not matches("张三", "李")
    assert not matches("张三", "zhangsi")
    assert not matches("张三", "330102")
    # a 多音字 surname is found under either reading
    assert matches("单田芳", "stf")
    assert matches("单田芳", "dtf")


def test_stroke_table_covers_gb2312_and_common_name_characters():
    gb2312 = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                gb2312.append(bytes([hi, lo]).decode("gb2312"))
    assert len(gb2312) == 6763
    assert unknown_characters(gb2312) == set()
    # characters popular in given names that are outside GB 2312
    assert unknown_characters(["喆", "堃", "昇", "赟", "祎", "玥", "珺", "彧", "旻", "婧", "璟", "燊", "曌", "頔"]) == set()
    # spot checks against the printed dictionary counts
    assert [stroke_count(c) for c in "鑫犇淼赟彧曌"] == [24, 12, 12, 16, 10, 16]
