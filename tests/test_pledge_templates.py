"""Pledge templates: parsing, validation, rendering (no database)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from villagevote.errors import ValidationError
from villagevote.pledges.kinds import DEFAULT_REQUIRED_KINDS, PledgeKind
from villagevote.pledges.templates import (
    BLOCK_PLACEHOLDERS,
    PLACEHOLDERS,
    ItemsTable,
    Paragraph,
    PledgeFacts,
    PledgeTemplate,
    RenderedPledge,
    ResignationTrigger,
    TermGoalItem,
    build_context,
    load_default_templates,
    load_template_file,
    parse_text,
    placeholders_used,
    render,
    validate_template,
    validate_term_goal_items,
)

ELECTION = dt.date(2026, 3, 15)
ID_NUMBER = "330102199001011237"


def facts(**over) -> PledgeFacts:
    base = dict(name="王小明", gender="男", id_number=ID_NUMBER, birth_date=dt.date(1990, 1, 1), party_status="中共党员",
                village="东山村", township="城关镇", organization="东山村村民委员会", post="主任",
                cycle_label="第十二届", cycle_year=2026, election_day=ELECTION, signed_on=None,
                printed_on=dt.date(2026, 2, 20))
    base.update(over)
    return PledgeFacts(**base)


def goal(title="清理河塘", category="剿劣治水", target="清理河塘3处", deadline=dt.date(2027, 6, 30), weight="50",
         **kw) -> TermGoalItem:
    return TermGoalItem(title, category, target, deadline, Decimal(weight) if weight is not None else None, **kw)


def template(kind=PledgeKind.DISCIPLINE, body="本人{姓名}承诺。", **over) -> PledgeTemplate:
    base = dict(kind=kind, name="测试模板", version=1, title="{村名}承诺书", body=body,
                signature_lines=["承诺人（签名）：", "日期：{签署日期}"], copies=["第一联", "第二联"])
    if kind is PledgeKind.TERM_GOALS:
        base.update(items_columns=["序号", "项目", "类别", "目标", "时限", "权重"], categories=["剿劣治水", "集体经济"])
    if kind is PledgeKind.RESIGNATION:
        base.update(default_triggers=[ResignationTrigger("a", "一年内累计4次不参加重要会议的")])
    base.update(over)
    return PledgeTemplate(**base)


# ------------------------------------------------------------------------------------------- shipped defaults
def test_every_default_template_loads_and_renders():
    templates = load_default_templates()
    assert set(templates) == set(PledgeKind)
    ctx = build_context(facts())
    for tpl in templates.values():
        rendered = render(tpl, ctx, items=[goal(weight="60"), goal("集体增收", "集体经济", "增收50万元", weight="40")],
                          triggers=tpl.default_triggers)
        assert "王小明" in rendered.text
        assert rendered.copies == ("第一联　村级留存", "第二联　乡镇留存")  # 一式两份 by default
        assert "{" not in rendered.text and "｛" not in rendered.text
    assert set(DEFAULT_REQUIRED_KINDS) <= set(templates)


def test_default_resignation_triggers_carry_domain_thresholds():
    tpl = load_default_templates()[PledgeKind.RESIGNATION]
    texts = [t.text for t in tpl.default_triggers]
    assert any("4次" in t and "会议" in t for t in texts)
    assert any("6个月" in t for t in texts)
    assert any("交办" in t for t in texts)
    assert any("考核" in t or "评议" in t for t in texts)
    assert any("任期目标" in t for t in texts)
    params = {t.code: dict(t.params) for t in tpl.default_triggers}
    assert params["missed_meetings"] == {"count": 4, "period_months": 12}
    assert params["long_absence"] == {"months": 6}
    rendered = render(tpl, build_context(facts()), triggers=tpl.default_triggers)
    paragraphs = [b.text for b in rendered.blocks if isinstance(b, Paragraph)]
    assert any(p.startswith("（一）一年内") and p.endswith("；") for p in paragraphs)
    assert any(p.startswith("（五）") and p.endswith("。") for p in paragraphs)


def test_discipline_template_lists_election_discipline():
    text = render(load_default_templates()[PledgeKind.DISCIPLINE], build_context(facts())).text
    for word in ("贿选", "请客", "送礼", "宗族", "黑恶势力", "诽谤", "伪造选票"):
        assert word in text


def test_id_number_masked_or_full_as_template_says():
    templates = load_default_templates()
    masked = render(templates[PledgeKind.DISCIPLINE], build_context(facts(), templates[PledgeKind.DISCIPLINE].id_number))
    assert ID_NUMBER not in masked.text
    assert "330102********1237" in masked.text
    full_tpl = templates[PledgeKind.QUALIFICATION]
    assert full_tpl.id_number == "full"
    full = render(full_tpl, build_context(facts(), full_tpl.id_number))
    assert ID_NUMBER in full.text


# ------------------------------------------------------------------------------------------- every placeholder
def test_every_placeholder_is_replaced_by_its_value():
    scalar = [name for name in PLACEHOLDERS if name not in BLOCK_PLACEHOLDERS]
    body = "\n".join(f"{name}=<{{{name}}}>" for name in scalar) + "\n{任期目标}"
    tpl = template(PledgeKind.TERM_GOALS, body=body, title="{届次}{村名}标题", id_number="full")
    f = facts(signed_on=dt.date(2026, 3, 1))
    rendered = render(tpl, build_context(f, "full"), items=[goal(weight="100")])
    expected = {
        "姓名": "王小明", "性别": "男", "出生年月": "1990年1月", "身份证号": ID_NUMBER, "政治面貌": "中共党员",
        "村名": "东山村", "乡镇": "城关镇", "组织": "东山村村民委员会", "职务": "主任", "届次": "第十二届",
        "换届年度": "2026", "选举日期": "2026年3月15日", "签署日期": "2026年3月1日", "打印日期": "2026年2月20日",
    }
    assert set(expected) == set(scalar)  # the test covers the whole documented list
    paragraphs = [b.text for b in rendered.blocks if isinstance(b, Paragraph)]
    for name, value in expected.items():
        assert f"{name}=<{value}>" in paragraphs
    assert rendered.title == "第十二届东山村标题"
    assert rendered.signature_lines[1] == "日期：2026年3月1日"
    table = [b for b in rendered.blocks if isinstance(b, ItemsTable)]
    assert table[0].rows == (("1", "清理河塘", "剿劣治水", "清理河塘3处", "2027年6月30日", "100"),)


def test_unsigned_date_leaves_room_to_write_by_hand():
    rendered = render(template(), build_context(facts(signed_on=None)))
    assert rendered.signature_lines[1] == "日期：　　　　年　　月　　日"


def test_full_width_braces_spaces_and_escaped_braces():
    rendered = render(template(body="本人｛姓名｝、{ 村名 }，{{备注}}"), build_context(facts()))
    assert rendered.blocks[0] == Paragraph("本人王小明、东山村，{备注}")


def test_missing_context_value_names_the_placeholder():
    ctx = build_context(facts())
    del ctx["选举日期"]
    with pytest.raises(ValidationError) as err:
        render(template(body="第一行\n选举日：{选举日期}"), ctx)
    assert "{选举日期}" in str(err.value)
    assert "第2行" in str(err.value)


# ------------------------------------------------------------------------------------------- bad templates
def test_unknown_placeholder_named_with_line_and_position():
    with pytest.raises(ValidationError) as err:
        validate_template(template(body="本人{姓名}。\n村：{村名}，乡镇：{姓明}"))
    message = str(err.value)
    assert "未知的占位符“{姓明}”" in message
    assert "第2行第11个字" in message  # 村：{村名}，乡镇：{ -> the brace is the 11th character
    assert "{姓名}" in message  # suggestion / list of valid names


def test_unknown_placeholder_in_title_names_the_title():
    with pytest.raises(ValidationError) as err:
        validate_template(template(title="{村子}承诺书"))
    assert "标题第1行第1个字" in str(err.value)
    assert "{村子}" in str(err.value)


@pytest.mark.parametrize("body, where, what", [
    ("本人{姓名。", "第1行第3个字", "没有对应"),
    ("本人{姓名\n}", "第1行第3个字", "没有对应"),
    ("本人姓名}。", "第1行第5个字", "多了一个"),
    ("好\n本人{}。", "第2行第3个字", "没有占位符名称"),
    ("本人{姓{名}}", "第1行第3个字", "没有对应"),
])
def test_unbalanced_braces(body, where, what):
    with pytest.raises(ValidationError) as err:
        parse_text(body)
    assert where in str(err.value)
    assert what in str(err.value)


def test_list_placeholders_only_alone_on_a_line_and_in_their_kind():
    with pytest.raises(ValidationError, match="要单独占一行"):
        validate_template(template(PledgeKind.TERM_GOALS, body="目标：{任期目标}"))
    with pytest.raises(ValidationError, match="只能用在辞职承诺模板里"):
        validate_template(template(PledgeKind.DISCIPLINE, body="本人\n{辞职条件}"))
    with pytest.raises(ValidationError, match="要有单独一行“{任期目标}”"):
        validate_template(template(PledgeKind.TERM_GOALS, body="本人{姓名}"))
    with pytest.raises(ValidationError, match="只能单独一行写在正文里"):
        validate_template(template(title="{辞职条件}"))


def test_template_file_errors_name_the_file(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "discipline",\n "name": "x", "title": "t"\n "body": "b"}', encoding="utf-8")
    with pytest.raises(ValidationError, match="bad.json 第3行"):
        load_template_file(bad)
    data = json.loads((Path(__file__).resolve().parents[1] / "resources/pledge_templates/discipline.json")
                      .read_text(encoding="utf-8"))
    data["body"] += "\n{签名日期}"
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_template_file(unknown)
    assert "{签名日期}" in str(err.value) and "第13行" in str(err.value)
    data["kind"] = "party"
    unknown.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match="承诺种类“party”不认识"):
        load_template_file(unknown)


def test_template_round_trips_through_json():
    tpl = load_default_templates()[PledgeKind.TERM_GOALS]
    again = PledgeTemplate.from_dict(json.loads(json.dumps(tpl.to_dict(), ensure_ascii=False)))
    assert again == tpl


def test_placeholders_used_in_order():
    assert placeholders_used("{村名}{姓名}{村名}") == ["村名", "姓名"]


# ------------------------------------------------------------------------------------------- rare characters
@pytest.mark.parametrize("name", ["刘䶮", "𠮷野家", "王𠮷䶮", "欧阳堃"])
def test_rare_characters_in_names_survive_rendering_and_storage(name):
    rendered = render(template(body="本人{姓名}承诺。"), build_context(facts(name=name)))
    assert rendered.blocks[0] == Paragraph(f"本人{name}承诺。")
    assert RenderedPledge.from_json(rendered.to_json()) == rendered


def test_position_counts_a_supplementary_character_as_one():
    with pytest.raises(ValidationError) as err:
        parse_text("𠮷{姓明}")
    assert "第1行第2个字" in str(err.value)


def test_bundled_font_coverage_of_rare_characters():
    """Documents the fallback in resources/pledge_templates/README.md: Ext-A yes, Ext-B no."""
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("coverage-check", str(Path(__file__).resolve().parents[1] / "resources/fonts/DroidSansFallbackFull.ttf"))
    cmap = font.face.charToGlyph
    assert ord("䶮") in cmap
    assert ord("堃") in cmap
    assert ord("𠮷") not in cmap


# ------------------------------------------------------------------------------------------- term goals
def test_deadline_before_election_day_is_refused_with_item_number():
    items = [goal(weight="50"), goal("修路", "集体经济", "硬化道路2公里", deadline=dt.date(2026, 3, 14), weight="50")]
    with pytest.raises(ValidationError) as err:
        validate_term_goal_items(items, ELECTION)
    assert "第2项目标“修路”" in str(err.value)
    assert "2026年3月14日早于选举日2026年3月15日" in str(err.value)
    validate_term_goal_items([goal(deadline=ELECTION, weight=None)], ELECTION)  # the election day itself is fine


@pytest.mark.parametrize("items, kwargs, message", [
    ([], {}, "至少要有一项"),
    ([goal(title=" ")], {}, "第1项目标：目标项目不能为空"),
    ([goal(target="")], {}, "可量化目标"),
    ([goal(category="发钱")], {"categories": ["剿劣治水"]}, "类别“发钱”不在模板的类别中"),
    ([goal(weight="0")], {}, "权重应大于0"),
    ([goal(weight="60"), goal(weight="30")], {"weights_total": Decimal(100)}, "权重合计为90，应为100"),
    ([goal(deadline=dt.date(2031, 6, 1))], {"term_end": dt.date(2031, 3, 14)}, "晚于任期届满"),
    ([goal(struck=True)], {}, "删去此项须写明理由"),
])
def test_term_goal_item_checks(items, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        validate_term_goal_items(items, ELECTION, **kwargs)


def test_struck_items_leave_the_table_and_the_weight_total():
    items = [goal(weight="100"), goal("每户发红包", "集体经济", "每户500元", weight="20", struck=True,
                                     strike_reason="以财物许诺拉票，违反换届纪律")]
    validate_term_goal_items(items, ELECTION, weights_total=Decimal(100))
    tpl = template(PledgeKind.TERM_GOALS, body="目标：\n{任期目标}")
    table = next(b for b in render(tpl, build_context(facts()), items=items).blocks if isinstance(b, ItemsTable))
    assert [row[1] for row in table.rows] == ["清理河塘"]


def test_term_goals_template_needs_items_and_resignation_needs_triggers():
    with pytest.raises(ValidationError, match="还没有任期目标"):
        render(template(PledgeKind.TERM_GOALS, body="{任期目标}"), build_context(facts()), items=[])
    with pytest.raises(ValidationError, match="还没有辞职情形"):
        render(template(PledgeKind.RESIGNATION, body="{辞职条件}"), build_context(facts()), triggers=[])


def test_many_items_all_reach_the_table():
    items = [goal(f"项目{i}", weight=None, deadline=dt.date(2027, 1, 1) + dt.timedelta(days=i)) for i in range(1, 41)]
    tpl = template(PledgeKind.TERM_GOALS, body="{任期目标}")
    table = next(b for b in render(tpl, build_context(facts()), items=items).blocks if isinstance(b, ItemsTable))
    assert len(table.rows) == 40
    assert table.rows[-1][0] == "40" and table.rows[-1][1] == "项目40"
