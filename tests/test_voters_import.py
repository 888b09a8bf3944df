"""Importing voter lists into the register: all or nothing, merge, groups, township-wide checks, search, removal."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.errors import PermissionDenied, ValidationError
from villagevote.idcard import check_character
from villagevote.models.core import VillageGroup
from villagevote.models.enums import VoterStatus
from villagevote.models.voters import Voter
from villagevote.voters import register as reg
from villagevote.voters.importer import check_settings, import_file, import_parsed, remembered_mapping
from villagevote.voters.workbook import read_voter_workbook

DATA = Path(__file__).parent / "data" / "voters"


def make_id(birth: dt.date, seq: int, area: str = "330523") -> str:
    first = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first + check_character(first)


def write_list(path: Path, rows: list[list[object]], header=("姓名", "身份证号", "村民小组")) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "选民"
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def people(n: int, start: int = 1, group: str = "第1村民小组") -> list[list[object]]:
    out = []
    for i in range(start, start + n):
        out.append([f"张{'一二三四五六七八九十'[i % 10]}{i}", make_id(dt.date(1960, 1, 1) + dt.timedelta(days=i), 100 + i),
                    group])
    return out


def voter_count(db, **where) -> int:
    with db.session() as s:
        q = select(func.count(Voter.id))
        for key, value in where.items():
            q = q.where(getattr(Voter, key) == value)
        return s.scalar(q)


def test_import_then_bad_row_at_the_end_leaves_register_unchanged(db, admin, township, tmp_path):
    east = township.village_ids[0]
    good = write_list(tmp_path / "good.xlsx", people(30))
    with db.session() as s:
        summary = import_file(s, admin, good, township.cycle_id, east)
    assert summary.added == 30 and voter_count(db, village_id=east) == 30
    with db.session() as s:
        before = [(v.id, v.name, v.group_id, v.updated_at) for v in s.scalars(select(Voter).order_by(Voter.id))]
    # 200 more rows (some of them updates of the first 30) and a bad ID number on the very last row.
    rows = people(200, start=20)
    rows.append(["坏行", "330523196001019999", "第1村民小组"])
    bad = write_list(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            import_file(s, admin, bad, township.cycle_id, east)
    assert "第 202 行" in err.value.message and "校验码" in err.value.message
    with db.session() as s:
        after = [(v.id, v.name, v.group_id, v.updated_at) for v in s.scalars(select(Voter).order_by(Voter.id))]
    assert after == before


def test_failure_after_rows_were_written_rolls_everything_back(db, admin, township, tmp_path, monkeypatch):
    """A failure in the last step (after the INSERTs ran) must undo them: the import is one transaction."""
    from villagevote.voters import importer
    east = township.village_ids[0]
    path = write_list(tmp_path / "l.xlsx", people(50))

    def boom(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(importer, "remember_mapping", boom)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            import_file(s, admin, path, township.cycle_id, east)
    assert voter_count(db) == 0


def test_reimport_updates_instead_of_duplicating(db, admin, township, tmp_path):
    east = township.village_ids[0]
    rows = people(10)
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "a.xlsx", rows), township.cycle_id, east)
    rows[0][2] = "第2村民小组"
    with db.session() as s:
        summary = import_file(s, admin, write_list(tmp_path / "b.xlsx", rows + people(2, start=50)),
                              township.cycle_id, east)
    assert (summary.added, summary.updated) == (2, 10)
    assert voter_count(db, village_id=east) == 12
    with db.session() as s:
        moved = s.scalar(select(Voter).where(Voter.id_number == rows[0][1]))
        assert s.get(VillageGroup, moved.group_id).name == "第2村民小组"


def test_unknown_group_is_an_error_unless_groups_may_be_created(db, admin, township, tmp_path):
    east = township.village_ids[0]
    path = write_list(tmp_path / "g.xlsx", [people(1)[0][:2] + ["3"], people(1, start=2)[0][:2] + ["第九组"]])
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            import_file(s, admin, path, township.cycle_id, east)
    assert "第九组" in err.value.message and "第 3 行" in err.value.message
    assert "第 2 行" not in err.value.message  # "3" matches 第3村民小组 by its number
    assert voter_count(db) == 0
    with db.session() as s:
        summary = import_file(s, admin, path, township.cycle_id, east, create_groups=True)
    assert summary.groups_created == ["第九组"] and summary.added == 2


def test_real_xls_file_imports(db, admin, township):
    east = township.village_ids[0]
    with db.session() as s:
        summary = import_file(s, admin, DATA / "voters.xls", township.cycle_id, east, create_groups=True)
    assert summary.added == 5 and summary.skipped_rows == 1
    with db.session() as s:
        qian = s.scalar(select(Voter).where(Voter.name == "钱七"))
        # born 2008-07-04: 18 on the 2026-12-20 election day
        assert qian.age == 18 and qian.eligible
        zhao = s.scalar(select(Voter).where(Voter.name == "赵六"))
        # third group without a recorded consent and residence date: registered, but flagged
        assert not zhao.eligible and "同意" in zhao.ineligible_reason


def test_age_is_computed_on_the_election_day(db, admin, township, tmp_path):
    east = township.village_ids[0]
    day = township.election_day
    young_id = make_id(day.replace(year=day.year - 18) + dt.timedelta(days=1), 13)
    rows = [["满十八", make_id(day.replace(year=day.year - 18), 11), ""], ["差一天", young_id, ""]]
    # one day short of 18 on the election day: left out of the register and counted in the summary
    with db.session() as s:
        summary = import_file(s, admin, write_list(tmp_path / "age.xlsx", rows), township.cycle_id, east)
    assert (summary.added, summary.under_age, summary.ineligible) == (1, 1, 0)
    assert "1 人选举日未满18周岁，未列入选民名单" in summary.text()
    with db.session() as s:
        by_name = {v.name: v for v in s.scalars(select(Voter))}
    assert set(by_name) == {"满十八"}
    assert by_name["满十八"].eligible and by_name["满十八"].age == 18
    # the entries are stamped with the database's time of the import (UTC, as the column default)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for voter in by_name.values():
        assert abs((voter.created_at - now).total_seconds()) < 120 and voter.updated_at == voter.created_at
    with db.session() as s:
        assert reg.registered_voter_count(s, township.cycle_id, east) == 1


def test_under_age_rows_are_listed_and_left_out_and_unknown_categories_are_errors_before_import(db, admin, township,
                                                                                                 tmp_path):
    """A household list holds children: the check names each one with the day he or she comes of age and leaves them
    out of the register (not an error to correct by hand); an unknown category is an error that stops the import."""
    east = township.village_ids[0]
    day = township.election_day
    rows = [["甲一", make_id(dt.date(1970, 1, 1), 1), "1"],
            ["小明", make_id(day.replace(year=day.year - 14), 3), "1"],  # 14 on the election day
            ["外乡人", make_id(dt.date(1980, 5, 5), 5), "外来人员"]]
    path = write_list(tmp_path / "bad.xlsx", rows, header=("姓名", "身份证号", "登记类别"))
    with db.session() as s:
        election_day, min_age = check_settings(s, township.cycle_id)
    # the check (the GUI's first job) already names both rows; nothing is in the database yet
    parsed = read_voter_workbook(path, election_day=election_day, min_age=min_age)
    assert [row for row, _ in parsed.under_age] == [3]
    assert "小明" in parsed.under_age[0][1] and "未满18周岁" in parsed.under_age[0][1]
    assert "不列入选民名单" in parsed.under_age[0][1]
    assert [e.row for e in parsed.errors] == [4]
    assert parsed.errors[0].column == "登记类别" and "无法识别的登记类别「外来人员」" in parsed.errors[0].reason
    assert [r.name for r in parsed.rows] == ["甲一"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Voter)) == 0
    # a file checked without the election day still leaves the under-age row out at import
    unchecked = read_voter_workbook(write_list(tmp_path / "young.xlsx", rows[:2]))
    assert unchecked.ok and unchecked.row_count == 2
    with db.session() as s:
        summary = import_parsed(s, admin, unchecked, township.cycle_id, east)
    assert (summary.added, summary.under_age) == (1, 1)
    with db.session() as s:
        assert list(s.scalars(select(Voter.name))) == ["甲一"]


def test_township_file_with_village_column(db, admin, township, tmp_path):
    rows = [["甲一", make_id(dt.date(1970, 1, 1), 1), "东村村委会"], ["乙二", make_id(dt.date(1971, 1, 1), 3), "西村"],
            ["丙三", make_id(dt.date(1972, 1, 1), 5), "北村"]]
    path = write_list(tmp_path / "t.xlsx", rows, header=("姓名", "身份证号", "所在村"))
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            import_file(s, admin, path, township.cycle_id, None)
    assert "北村" in err.value.message and "第 4 行" in err.value.message
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "t2.xlsx", rows[:2], header=("姓名", "身份证号", "所在村")),
                    township.cycle_id, None)
    assert voter_count(db, village_id=township.village_ids[0]) == 1
    assert voter_count(db, village_id=township.village_ids[1]) == 1


def test_same_id_in_two_villages_blocks_publishing_both_until_resolved(db, admin, township, tmp_path):
    east, west, south = township.village_ids
    shared = people(1, start=7)
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "e.xlsx", people(3) + shared), township.cycle_id, east)
        summary = import_file(s, admin, write_list(tmp_path / "w.xlsx", shared + people(2, start=40)),
                              township.cycle_id, west)
        import_file(s, admin, write_list(tmp_path / "s.xlsx", people(2, start=60)), township.cycle_id, south)
    assert summary.cross_village == 1
    with db.session() as s:
        dups = reg.cross_village_duplicates(s, township.cycle_id)
        assert len(dups) == 1 and dups[0].village_ids == {east, west}
    for village in (east, west):
        with pytest.raises(ValidationError) as err:
            with db.session() as s:
                reg.publish_voter_list(s, admin, township.cycle_id, village, dt.date(2026, 11, 30))
        assert "东村" in err.value.message and "西村" in err.value.message and shared[0][1] not in err.value.message
    with db.session() as s:  # an unaffected village publishes
        assert reg.publish_voter_list(s, admin, township.cycle_id, south, dt.date(2026, 11, 30)) == []
    with db.session() as s:
        west_entry = s.scalar(select(Voter).where(Voter.village_id == west, Voter.id_number == shared[0][1]))
        reg.remove_voter(s, admin, west_entry.id, VoterStatus.REMOVED, "已在东村登记", dt.date(2026, 11, 20),
                         today=dt.date(2026, 11, 21))
    with db.session() as s:
        assert reg.cross_village_duplicates(s, township.cycle_id) == []
        warnings = reg.publish_voter_list(s, admin, township.cycle_id, west, dt.date(2026, 12, 2))
    assert warnings and "前20天" in warnings[0]


def test_same_name_and_birth_date_without_id_is_flagged(db, admin, township, tmp_path):
    east, west, _ = township.village_ids
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "a.xlsx", [["王小二", make_id(dt.date(1980, 5, 6), 21)]],
                                         header=("姓名", "身份证号")), township.cycle_id, east)
        import_file(s, admin, write_list(tmp_path / "b.xlsx", [["王小二", "", "1980年5月6日"], ["王小三", "", "1980-5-6"]],
                                         header=("姓名", "身份证号", "出生日期")), township.cycle_id, west)
    with db.session() as s:
        maybe = reg.possible_duplicates(s, township.cycle_id)
        assert [g.key for g in maybe] == ["王小二 1980-05-06"]
        assert {e.village_id for e in maybe[0].entries} == {east, west}
        assert reg.publish_blockers(s, township.cycle_id, west) == []  # a warning, not a block


def test_removal_keeps_history_and_restore(db, admin, township, tmp_path):
    east = township.village_ids[0]
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "a.xlsx", people(2)), township.cycle_id, east)
        vid = s.scalar(select(Voter.id).order_by(Voter.id))
    with db.session() as s:
        reg.remove_voter(s, admin, vid, VoterStatus.DECEASED, "2026年11月3日病故，有死亡证明", dt.date(2026, 11, 3),
                         today=dt.date(2026, 11, 10))
    assert voter_count(db) == 2  # kept, not deleted
    with db.session() as s:
        voter = s.get(Voter, vid)
        assert voter.status == VoterStatus.DECEASED and voter.status_date == dt.date(2026, 11, 3)
        assert not voter.eligible
        f = reg.RegisterFilter(township.cycle_id, status="active")
        assert reg.count_voters(s, f) == 1
        with pytest.raises(ValidationError):
            reg.remove_voter(s, admin, vid, VoterStatus.MOVED_OUT, "x", dt.date(2026, 11, 3), today=dt.date(2026, 11, 10))
    with db.session() as s:
        reg.restore_voter(s, admin, vid, "误报死亡，经核实本人健在", dt.date(2026, 11, 12))
    with db.session() as s:
        history = reg.voter_history(s, vid)
        assert [h.kind for h in history] == ["登记", "除名", "恢复登记"]
        assert history[1].status_after == "已死亡" and history[1].event_date == dt.date(2026, 11, 3)
        assert "病故" in history[1].reason and s.get(Voter, vid).eligible


def test_readonly_user_cannot_import_or_remove(db, readonly, township, tmp_path):
    path = write_list(tmp_path / "a.xlsx", people(2))
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            import_file(s, readonly, path, township.cycle_id, township.village_ids[0])


def test_search_by_name_initials_and_id_fragment_with_masking(db, admin, township, tmp_path):
    east = township.village_ids[0]
    rows = [["张三", make_id(dt.date(1970, 1, 1), 31), "第1村民小组"], ["李四", make_id(dt.date(1971, 2, 2), 33), "第2村民小组"],
            ["长孙无忌", make_id(dt.date(1972, 3, 3), 35), "第1村民小组"], ["王五", make_id(dt.date(1973, 4, 4), 37), "第1村民小组"]]
    with db.session() as s:
        import_file(s, admin, write_list(tmp_path / "a.xlsx", rows), township.cycle_id, east)

    def names(query: str = "", **kw) -> list[str]:
        with db.session() as s:
            f = reg.RegisterFilter(township.cycle_id, query=query, **kw)
            return [r[3] for r in reg.fetch_voters(s, f, 0, 100)]

    assert names("张") == ["张三"]
    assert names("zs") == ["长孙无忌", "张三"]  # 长孙 is read zhang-sun; 长 (4 strokes) before 张 (7)
    assert names("ZSWJ") == ["长孙无忌"]
    assert names(rows[1][1][6:12]) == ["李四"]
    # Default order: group, then surname strokes within the group (the names module is the reference).
    from villagevote.names import sort_by_strokes
    shown = names()
    assert shown[-1] == "李四"  # the only one in 第2村民小组
    assert shown[:3] == sort_by_strokes(["张三", "长孙无忌", "王五"])
    with db.session() as s:
        row = reg.fetch_voters(s, reg.RegisterFilter(township.cycle_id, query="李四"), 0, 10)[0]
        full = reg.fetch_voters(s, reg.RegisterFilter(township.cycle_id, query="李四"), 0, 10, full_ids=True)[0]
    assert row[7] == rows[1][1][:6] + "********" + rows[1][1][14:]
    assert full[7] == rows[1][1]


def test_mapping_is_remembered_per_source(db, admin, township, tmp_path):
    path = write_list(tmp_path / "odd.xlsx", [["张三", make_id(dt.date(1970, 1, 1), 31)]], header=("人", "号"))
    with db.session() as s:
        import_file(s, admin, path, township.cycle_id, township.village_ids[0], source="派出所",
                    mapping={"name": "人", "id_number": "号"})
    with db.session() as s:
        assert remembered_mapping(s, "派出所") == {"name": "人", "id_number": "号"}
    path2 = write_list(tmp_path / "odd2.xlsx", [["李四", make_id(dt.date(1971, 1, 1), 33)]], header=("人", "号"))
    with db.session() as s:
        summary = import_file(s, admin, path2, township.cycle_id, township.village_ids[0], source="派出所")
    assert summary.added == 1


def test_cancel_midway_leaves_the_register_unchanged(db, admin, township, tmp_path):
    """The GUI job's progress callback raises when the user cancels; chunks already inserted are rolled back."""
    from villagevote.ui.workers import Cancelled
    east = township.village_ids[0]
    path = write_list(tmp_path / "big.xlsx", [[f"人{i}", make_id(dt.date(1940, 1, 1) + dt.timedelta(days=i), 1 + 2 * (i % 400)), ""]
                                              for i in range(12000)])
    seen = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0.5:  # after two of the three 5,000-row chunks were inserted
            raise Cancelled()

    with pytest.raises(Cancelled):
        with db.session() as s:
            import_file(s, admin, path, township.cycle_id, east, progress=progress)
    assert voter_count(db) == 0
    assert any(0.1 < f < 0.5 for f in seen)  # one chunk had been written before the cancel

    def voter_indexes() -> set[str]:
        with db.engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='voter' AND sql IS NOT NULL")}

    expected = {"ix_voter_id_number", "ix_voter_person_id", "ix_voter_village_cycle"}
    assert voter_indexes() == expected  # a big import drops and rebuilds them; the rollback restored them
    with db.session() as s:
        assert import_file(s, admin, path, township.cycle_id, east).added == 12000
    assert voter_indexes() == expected and voter_count(db) == 12000


def test_bulk_name_keys_equal_the_one_by_one_keys():
    """The import computes pinyin-initials and stroke-order keys for a whole chunk at once; they must be exactly the
    keys the register (search, 姓氏笔画 paging) computes for one name."""
    from villagevote.voters.search import name_keys, name_keys_many

    names = ["张三", "长孙无忌", "欧阳修", "单于", "曾乐乐", "乐乐", "长顺", "单", "Zhang San", "李 梅", "张\u3000三",
             "A李", "阿依古丽·买买提", "朴" * 70, "覃重阳", "解缙", "查良镛", "区", "万俟卨"]
    names += names[::-1]  # repeats share the tables
    cache: dict = {}
    first = name_keys_many(names[:7], cache)
    rest = name_keys_many(names[7:], cache)
    assert list(zip(first[0] + rest[0], first[1] + rest[1])) == [name_keys(n) for n in names]
    assert any(" " in k for k in first[0])  # 多音字 give several alternatives


def test_import_dialog_check_names_the_under_age_row(qtbot, ctx, township, tmp_path):
    from villagevote.ui.dialogs.voters_import import ImportDialog
    day = township.election_day
    rows = [["王一", make_id(dt.date(1960, 3, 3), 11), "1"],
            ["王小二", make_id(day.replace(year=day.year - 16), 13), "1"],
            ["外乡人", make_id(dt.date(1980, 5, 5), 15), "外来人员"]]
    path = write_list(tmp_path / "list.xlsx", rows, header=("姓名", "身份证号", "登记类别"))
    dialog = ImportDialog(None, ctx, path, township.village_ids[0])
    qtbot.addWidget(dialog)
    dialog.check()
    qtbot.waitUntil(lambda: "正在检查" not in dialog.report.toPlainText(), timeout=10000)
    text = dialog.report.toPlainText()
    assert "1 人选举日未满18周岁，不列入选民名单（不导入）" in text and "第 3 行 王小二：选举日" in text
    assert "第 4 行「登记类别」列：无法识别的登记类别「外来人员」" in text
    assert not dialog.import_button.isEnabled()
    dialog.resize(900, 600)
    dialog.grab().save(str(tmp_path / "import_dialog.png"))
    assert voter_count(ctx.db) == 0
