"""The village's weekly workbook (issue 17 item 3): exported with locked columns, drop-downs and instructions, filled
in with openpyxl, imported back in one transaction — one bad row leaves nothing written, a workbook of another
village or week is refused, the messages name the row and the ledger number."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.errors import ValidationError
from villagevote.models.core import Organization
from villagevote.models.enums import CommitmentKind, CommitmentSource, OrgKind
from villagevote.models.tracking import Commitment, ProgressReport
from villagevote.tracking import ledger, weekly, weekly_workbook
from villagevote.tracking.weekly_workbook import HEADERS, WeekImportError

W14 = "2027-W14"
TODAY = dt.date(2027, 4, 20)
COL = {h: i + 1 for i, h in enumerate(HEADERS)}


def _org(s, village_id: int, cycle_id: int) -> int:
    return s.scalar(select(Organization.id).where(Organization.village_id == village_id,
                                                  Organization.cycle_id == cycle_id,
                                                  Organization.kind == OrgKind.VILLAGE_COMMITTEE))


@pytest.fixture
def items(db, township, clerk):
    cid = township.cycle_id
    ids = {}
    with db.session() as s:
        for vid, key, title, extra in (
                (township.village_ids[0], "road", "硬化村道", {}),
                (township.village_ids[0], "trees", "植树", {"kind": CommitmentKind.METRIC, "baseline": Decimal(0),
                                                           "target": Decimal(200), "unit": "株"}),
                (township.village_ids[0], "lamps", "安装路灯", {}),
                (township.village_ids[1], "west", "修缮祠堂", {})):
            ids[key] = ledger.register(s, clerk, cycle_id=cid, village_id=vid, owner=ledger.Owner(
                organization_id=_org(s, vid, cid)), title=title, source=CommitmentSource.ASSIGNED,
                deadline=dt.date(2027, 9, 30), today=dt.date(2027, 3, 29), **extra)
        numbers = {k: s.get(Commitment, v).ledger_no for k, v in ids.items()}
    return township, ids, numbers


def _export(db, township, tmp_path, village_index: int = 0, period: str = W14):
    out = tmp_path / f"week-{village_index}-{period}.xlsx"
    with db.session() as s:
        weekly_workbook.export_week(s, cycle_id=township.cycle_id, village_id=township.village_ids[village_index],
                                    period=period, out=out, now=dt.datetime(2027, 4, 6, 9, 30))
    return out


def _fill(path, rows: dict[str, dict[str, object]], numbers: dict[str, str]):
    """rows: ledger key -> {header: value}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[weekly_workbook.SHEET_NAME]
    by_no = {ws.cell(row=r, column=COL["编号"]).value: r for r in range(5, ws.max_row + 1)}
    for key, values in rows.items():
        r = by_no[numbers[key]]
        for header, value in values.items():
            ws.cell(row=r, column=COL[header], value=value)
    wb.save(path)
    return path


def _reports(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ProgressReport))


def test_export_layout(db, items, tmp_path):
    township, _ids, numbers = items
    path = _export(db, township, tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["周报", "填写说明", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    ws = wb["周报"]
    assert "东村" in ws["A1"].value and "2027年第14周" in ws["A1"].value
    assert "报送截止：2027年4月12日" in ws["A2"].value
    assert [ws.cell(row=4, column=c).value for c in range(1, len(HEADERS) + 1)] == list(HEADERS)
    assert ws.column_dimensions["A"].hidden
    assert ws.protection.sheet
    assert [ws.cell(row=r, column=COL["编号"]).value for r in range(5, 8)] == [numbers["road"], numbers["trees"],
                                                                            numbers["lamps"]]
    assert ws.cell(row=5, column=COL["编号"]).protection.locked
    assert not ws.cell(row=5, column=COL["本周进展"]).protection.locked
    assert ws.cell(row=6, column=COL["类别"]).value == "量化" and ws.cell(row=6, column=COL["目标"]).value == "0→200株"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"whole", "decimal", "list", "date"} <= kinds
    reasons = next(dv for dv in ws.data_validations.dataValidation if "天气影响" in (dv.formula1 or ""))
    assert reasons.errorStyle == "information"  # a reason of one's own is allowed
    assert "累计完成%" in wb["填写说明"]["A4"].value


def test_round_trip(db, items, tmp_path):
    township, ids, numbers = items
    path = _fill(_export(db, township, tmp_path), {
        "road": {"本周进展": "路基完成", "累计完成%": 40, "问题": "雨天", "下周计划": "铺面", "报告人": "王书记",
                 "报告日期": dt.date(2027, 4, 11), "信心(0-10)": 8},
        "trees": {"本周进展": "种了55株", "累计值": 55, "报告日期": "2027-04-12"},
        # lamps left blank: 未报
    }, numbers)
    with db.session() as s:
        new = weekly_workbook.import_week(s, _clerk(s), path, expected_village_id=township.village_ids[0],
                                          expected_period=W14, today=TODAY)
        assert len(new) == 2
    with db.session() as s:
        grid = weekly.week_grid(s, cycle_id=township.cycle_id, village_id=township.village_ids[0], period=W14)
        by_id = {r.commitment_id: r for r in grid.rows}
        road, trees, lamps = by_id[ids["road"]].report, by_id[ids["trees"]].report, by_id[ids["lamps"]].report
        assert (road.percent, road.narrative, road.problems, road.next_plan, road.reported_by, road.confidence,
                road.reported_on, road.on_time) == (40, "路基完成", "雨天", "铺面", "王书记", 8, dt.date(2027, 4, 11), True)
        assert trees.value == Decimal(55) and trees.percent == 27 and trees.reported_on == dt.date(2027, 4, 12)
        assert lamps is None and by_id[ids["lamps"]].state == "未报"
    # exported again, the week's reports are written in; importing it unchanged writes nothing new
    again = _export(db, township, tmp_path)
    ws = openpyxl.load_workbook(again)["周报"]
    assert ws.cell(row=5, column=COL["累计完成%"]).value == 40
    assert ws.cell(row=6, column=COL["累计值"]).value == 55
    with db.session() as s:
        assert weekly_workbook.import_week(s, _clerk(s), again, today=TODAY) == []


def _clerk(s):
    from villagevote.audit import Actor
    from villagevote.models.core import User
    user = s.scalar(select(User).where(User.username == "clerk"))
    return Actor(user.id, user.username, user.role)


def test_one_bad_row_leaves_nothing_written(db, items, tmp_path):
    township, _ids, numbers = items
    before = _reports(db)
    path = _fill(_export(db, township, tmp_path), {
        "road": {"累计完成%": 30},
        "trees": {"累计值": "五十"},
        "lamps": {"累计完成%": 120, "本周进展": "装好了"},
    }, numbers)
    with pytest.raises(WeekImportError) as err, db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), path, today=TODAY)
    errors = err.value.errors
    assert f"第 6 行（{numbers['trees']}）：累计值“五十”不是数字" in errors
    assert f"第 7 行（{numbers['lamps']}）：累计完成 120% 超过 100%" in errors
    assert "没有写入任何内容" in err.value.message
    assert _reports(db) == before


def test_a_rule_of_record_report_refuses_the_whole_sheet(db, items, tmp_path, clerk):
    """A row that passes the sheet's checks but breaks a rule of the ledger (percent below the last without a
    reason): named by row and ledger number, and the good row before it is not written either."""
    township, ids, numbers = items
    with db.session() as s:
        weekly.save_week(s, clerk, village_id=township.village_ids[0], period="2027-W13", today=TODAY, entries=[
            weekly.WeekEntry(ids["lamps"], dt.date(2027, 4, 2), percent=50)])
    before = _reports(db)
    path = _fill(_export(db, township, tmp_path), {"road": {"累计完成%": 30}, "lamps": {"累计完成%": 20}}, numbers)
    with pytest.raises(WeekImportError) as err, db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), path, today=TODAY)
    assert err.value.errors == [f"第 7 行（{numbers['lamps']}）：本周进度 20% 低于上次报告（2027-W13）的 50%，须填写无进展或倒退的原因"]
    assert _reports(db) == before
    # the same row with a reason goes in
    path = _fill(path, {"lamps": {"无进展原因": "资金未到位"}}, numbers)
    with db.session() as s:
        assert len(weekly_workbook.import_week(s, _clerk(s), path, today=TODAY)) == 2


def test_other_village_or_week_or_copy_refused(db, items, tmp_path):
    township, _ids, numbers = items
    east, west = township.village_ids[0], township.village_ids[1]
    west_book = _fill(_export(db, township, tmp_path, village_index=1), {"west": {"累计完成%": 10}},
                      {"west": numbers["west"]})
    with pytest.raises(ValidationError, match="是西村的周报表，不是东村的"), db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), west_book, expected_village_id=east, today=TODAY)
    with pytest.raises(ValidationError, match="是2027年第14周的周报表，不是2027年第15周的"), db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), west_book, expected_village_id=west, expected_period="2027-W15",
                                    today=TODAY)
    # a copy without the hidden sheet
    copy = tmp_path / "copy.xlsx"
    shutil.copy(west_book, copy)
    wb = openpyxl.load_workbook(copy)
    del wb["_meta"]
    wb.save(copy)
    with pytest.raises(ValidationError, match="没有本系统导出时写入的隐藏信息"), db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), copy, today=TODAY)
    # an edited ledger number, a row added by hand
    east_book = _export(db, township, tmp_path)
    wb = openpyxl.load_workbook(east_book)
    ws = wb["周报"]
    ws.cell(row=5, column=COL["编号"], value="东-2027-999")
    ws.cell(row=5, column=COL["累计完成%"], value=10)
    ws.cell(row=8, column=COL["事项ID"], value=9999)
    ws.cell(row=8, column=COL["编号"], value="东-2027-100")
    ws.cell(row=8, column=COL["累计完成%"], value=10)
    wb.save(east_book)
    with pytest.raises(WeekImportError) as err, db.session() as s:
        weekly_workbook.import_week(s, _clerk(s), east_book, today=TODAY)
    assert any("编号被改动" in e for e in err.value.errors)
    assert any("第 8 行（东-2027-100）：不是导出时的事项行" in e for e in err.value.errors)
    # nothing to report: no workbook
    with pytest.raises(ValidationError, match="没有需要报告的事项"), db.session() as s:
        weekly_workbook.export_week(s, cycle_id=township.cycle_id, village_id=township.village_ids[2], period=W14,
                                    out=tmp_path / "south.xlsx")
    assert not (tmp_path / "south.xlsx").exists()
