"""The village-representatives roster and the previous cycle's roster: edits, workbook imports, row-level errors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models.core import AuditLog
from villagevote.models.enums import Education, Gender, OrgKind, PoliticalStatus
from villagevote.models.statistics import PreviousRosterEntry, VillageRepresentative
from villagevote.statistics import roster


def _workbook(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_add_update_delete_representative(db, township, clerk, readonly) -> None:
    east = township.village_ids[0]
    with db.session() as s:
        rid = roster.add_representative(s, clerk, east, " 王  芳 ", gender=Gender.FEMALE,
                                        political_status=PoliticalStatus.PROBATIONARY)
    with db.session() as s:
        rows = roster.list_representatives(s)
        assert [(r.name, r.gender, r.political_status, r.village) for r in rows] == [
            ("王 芳", "女", "中共预备党员", "东村")]
        roster.update_representative(s, clerk, rid, east, "王芳", gender=Gender.FEMALE,
                                     political_status=PoliticalStatus.PARTY_MEMBER, group_name="一组")
    with db.session() as s:
        row = s.get(VillageRepresentative, rid)
        assert row is not None and row.name == "王芳" and row.political_status is PoliticalStatus.PARTY_MEMBER
        with pytest.raises(ValidationError, match="姓名不能为空"):
            roster.add_representative(s, clerk, east, "  ")
        with pytest.raises(PermissionDenied):
            roster.delete_representative(s, readonly, rid)
    with db.session() as s:
        roster.delete_representative(s, clerk, rid)
    with db.session() as s:
        assert roster.list_representatives(s) == []
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.entity == "village_representative")))
        assert actions == ["create", "update", "delete"]


def test_import_representatives_replaces_the_villages_it_names(db, township, clerk, tmp_path) -> None:
    east, west = township.village_ids[0], township.village_ids[1]
    with db.session() as s:
        roster.add_representative(s, clerk, east, "旧代表")
        roster.add_representative(s, clerk, west, "西村代表")
    path = _workbook(tmp_path / "reps.xlsx", [
        ["村民代表名单"],
        ["村", "姓名", "性别", "出生日期", "政治面貌", "村民小组"],
        ["东村", "张三", "男", dt.date(1970, 1, 2), "党员", "一组"],
        ["东村", "李四", "女", "1980-05-06", "群众", ""],
        [None, None, None, None, None, None],
        ["东村", "赵五", "女", "1990年3月4日", "预备党员", "二组"],
    ])
    with db.session() as s:
        summary = roster.import_representatives(s, clerk, path)
    assert (summary.rows, summary.villages, summary.replaced) == (3, ("东村",), 1)
    with db.session() as s:
        rows = roster.list_representatives(s)
        # 东村 replaced (姓氏笔画: 李 7, 张 7 … by stroke key), 西村 untouched
        assert {r.name for r in rows if r.village == "东村"} == {"张三", "李四", "赵五"}
        assert [r.name for r in rows if r.village == "西村"] == ["西村代表"]
        zhao = next(r for r in rows if r.name == "赵五")
        assert (zhao.gender, zhao.political_status, zhao.birth_date) == ("女", "中共预备党员", dt.date(1990, 3, 4))
    # importing the same file again does not double it
    with db.session() as s:
        again = roster.import_representatives(s, clerk, path)
    assert again.replaced == 3
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(VillageRepresentative)) == 4


def test_bad_rows_are_named_and_nothing_is_written(db, township, clerk, tmp_path) -> None:
    path = _workbook(tmp_path / "bad.xlsx", [
        ["村", "姓名", "性别", "出生日期", "政治面貌"],
        ["东村", "张三", "男", "1970-01-02", "党员"],
        ["北村", "李四", "女", "1980-05-06", "群众"],
        ["东村", "", "女", "1980-05-06", "群众"],
        ["东村", "赵五", "中", "1980-13-06", "无党派人士"],
    ])
    with db.session() as s, pytest.raises(ValidationError) as caught:
        roster.import_representatives(s, clerk, path)
    text = caught.value.message
    assert "文件「bad.xlsx」的工作表「Sheet1」有 5 处错误，未导入任何数据" in text
    assert "第 3 行 A 列（村）：没有名为「北村」的村" in text
    assert "第 4 行 B 列（姓名）：姓名为空" in text
    assert "第 5 行 C 列（性别）：性别「中」不是可选项" in text
    assert "第 5 行 D 列（出生日期）" in text
    assert "第 5 行 E 列（政治面貌）：政治面貌「无党派人士」不是可选项" in text
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(VillageRepresentative)) == 0
    missing = _workbook(tmp_path / "nocol.xlsx", [["姓名", "性别"], ["张三", "男"]])
    with db.session() as s, pytest.raises(ValidationError, match="缺少列：村"):
        roster.import_representatives(s, clerk, missing)


def test_import_previous_roster(db, township, clerk, readonly, tmp_path) -> None:
    path = _workbook(tmp_path / "prev.xlsx", [
        ["村", "姓名", "性别", "出生日期", "文化程度", "组织", "职务"],
        ["东村", "张一", "男", "1970-03-01", "大学本科", "党支部", "书记"],
        ["东村", "张一", "男", "1970-03-01", "本科", "村委会", "主任"],
        ["西村", "孙老", "男", "1950-06-01", "初中", "村民委员会", "委员"],
    ], title="上届名单")
    with db.session() as s, pytest.raises(PermissionDenied):
        roster.import_previous_roster(s, readonly, path)
    with db.session() as s:
        summary = roster.import_previous_roster(s, clerk, path)
    assert (summary.rows, summary.villages) == (3, ("东村", "西村"))
    with db.session() as s:
        rows = roster.list_previous_roster(s)
        assert [(r.village, r.name, r.body, r.education) for r in rows] == [
            ("东村", "张一", "村党组织", "本科"), ("东村", "张一", "村民委员会", "本科"),
            ("西村", "孙老", "村民委员会", "初中")]
    bad = _workbook(tmp_path / "prevbad.xlsx", [
        ["村", "姓名", "组织"], ["东村", "张一", "监委会"]])
    with db.session() as s, pytest.raises(ValidationError, match="第 2 行 C 列（组织）：组织「监委会」应为 党组织 或 村委会"):
        roster.import_previous_roster(s, clerk, bad)
    with db.session() as s:
        assert roster.clear_previous_roster(s, clerk, township.village_ids[1]) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(PreviousRosterEntry)) == 2


def test_not_a_workbook(db, township, clerk, tmp_path) -> None:
    path = tmp_path / "reps.xlsx"
    path.write_text("村,姓名\n东村,张三\n", encoding="utf-8")
    with db.session() as s, pytest.raises(ValidationError, match="reps.xlsx"):
        roster.import_representatives(s, clerk, path)


def test_previous_member_by_hand(db, township, clerk, readonly) -> None:
    east = township.village_ids[0]
    with db.session() as s:
        entry = roster.add_previous_member(s, clerk, east, "张一", OrgKind.PARTY_BRANCH, post="书记",
                                           birth_date=dt.date(1970, 3, 1), education=Education.BACHELOR)
        with pytest.raises(ValidationError, match="只记村党组织和村民委员会"):
            roster.add_previous_member(s, clerk, east, "李二", OrgKind.COOP)
        with pytest.raises(ValidationError, match="上届成员的姓名不能为空"):
            roster.add_previous_member(s, clerk, east, " ", OrgKind.VILLAGE_COMMITTEE)
        with pytest.raises(PermissionDenied):
            roster.delete_previous_member(s, readonly, entry)
    with db.session() as s:
        assert [(r.name, r.body, r.post) for r in roster.list_previous_roster(s)] == [("张一", "村党组织", "书记")]
        roster.delete_previous_member(s, clerk, entry)
    with db.session() as s:
        assert roster.list_previous_roster(s) == []
