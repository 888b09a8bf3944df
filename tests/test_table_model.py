"""The generic table model: what staff see when they click a column header (numbers, dates, 姓氏笔画), the row id
role pages use to find the record behind a row, and lazy paging through a sorting proxy."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt

from villagevote.ui.table_model import ID_ROLE, PAGE_SIZE, SORT_ROLE, Column, RowsModel, sorting_proxy

NAME, AGE, BORN, ID = 0, 1, 2, 3
COLUMNS = [Column("姓名", kind="name"), Column("年龄"), Column("出生日期")]
ROWS = [
    ("王五", 100, dt.date(1926, 3, 1), 11),
    ("欧阳修", 9, None, 12),
    ("丁一", 33, dt.date(1993, 7, 9), 13),
    ("张三", 28, dt.date(1998, 1, 2), 14),
]


def _model() -> RowsModel:
    return RowsModel.from_rows(COLUMNS, ROWS, id_of=lambda row: row[ID])


def _column(proxy, column: int) -> list[str]:
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_ages_sort_as_numbers_through_the_proxy(qtbot):
    model = _model()
    proxy = sorting_proxy(model)
    proxy.sort(AGE, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, AGE) == ["9", "28", "33", "100"]
    proxy.sort(AGE, Qt.SortOrder.DescendingOrder)
    assert _column(proxy, AGE) == ["100", "33", "28", "9"]


def test_decimal_and_float_cells_sort_numerically(qtbot):
    model = RowsModel.from_rows([Column("分值")], [(Decimal("10.5"),), (2.25,), (Decimal("-1"),), (3,)])
    proxy = sorting_proxy(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, 0) == ["-1", "2.25", "3", "10.5"]


def test_dates_sort_chronologically_with_blank_dates_last_both_ways(qtbot):
    proxy = sorting_proxy(_model())
    proxy.sort(BORN, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, BORN) == ["1926-03-01", "1993-07-09", "1998-01-02", ""]
    proxy.sort(BORN, Qt.SortOrder.DescendingOrder)
    assert _column(proxy, BORN) == ["1998-01-02", "1993-07-09", "1926-03-01", ""]


def test_dates_and_datetimes_in_one_column_sort_together(qtbot):
    rows = [(dt.datetime(2026, 5, 2, 9, 30),), (dt.date(2026, 5, 2),), (dt.datetime(2026, 5, 1, 23, 0),)]
    proxy = sorting_proxy(RowsModel.from_rows([Column("时间")], rows))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, 0) == ["2026-05-01 23:00:00", "2026-05-02", "2026-05-02 09:30:00"]


def test_number_columns_of_formatted_text_sort_as_numbers(qtbot):
    rows = [("1,234",), ("85.5",), ("12%",), ("3人",), ("",), ("-2",), ("—",)]
    proxy = sorting_proxy(RowsModel.from_rows([Column("票数", kind="number")], rows))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, 0)[:5] == ["-2", "3人", "12%", "85.5", "1,234"]
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert _column(proxy, 0)[:5] == ["1,234", "85.5", "12%", "3人", "-2"]
    assert set(_column(proxy, 0)[5:]) == {"—", ""}  # no number: at the bottom both ways, like a blank
    # without kind="number" the same text sorts by code point ("1,234" before "12%" before "3人")
    plain = sorting_proxy(RowsModel.from_rows([Column("票数")], rows[:4]))
    plain.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(plain, 0) == ["1,234", "12%", "3人", "85.5"]


def test_date_columns_of_formatted_text_sort_by_date(qtbot):
    rows = [("2026年12月2日",), ("2026-11-30 09:30",), ("2026/1/5",), ("待定",), (dt.date(2026, 12, 1),),
            ("2026-11-30",), (None,)]
    proxy = sorting_proxy(RowsModel.from_rows([Column("日期", kind="date")], rows))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, 0)[:5] == ["2026/1/5", "2026-11-30", "2026-11-30 09:30", "2026-12-01", "2026年12月2日"]
    assert set(_column(proxy, 0)[5:]) == {"待定", ""}
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert _column(proxy, 0)[:2] == ["2026年12月2日", "2026-12-01"] and set(_column(proxy, 0)[5:]) == {"待定", ""}


def test_name_columns_sort_by_surname_strokes(qtbot):
    model = RowsModel.from_rows([Column("姓名", kind="name")], [("王五",), ("丁一",), ("欧阳修",)])
    proxy = sorting_proxy(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, 0) == ["丁一", "王五", "欧阳修"]  # 丁 2 strokes, 王 4, 欧 8
    # The same names in a plain text column sort by code point (丁 U+4E01, 欧 U+6B27, 王 U+738B)
    plain = sorting_proxy(RowsModel.from_rows([Column("备注")], [("王五",), ("丁一",), ("欧阳修",)]))
    plain.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(plain, 0) == ["丁一", "欧阳修", "王五"]


def test_id_role_returns_the_row_id_after_sorting(qtbot):
    proxy = sorting_proxy(_model())
    proxy.sort(NAME, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, NAME) == ["丁一", "王五", "张三", "欧阳修"]
    assert [proxy.index(r, AGE).data(ID_ROLE) for r in range(proxy.rowCount())] == [13, 11, 14, 12]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    age: int


def test_dataclass_rows_show_fields_and_carry_their_id(qtbot):
    model = RowsModel.from_rows([Column("姓名", kind="name", field="name"), Column("年龄", field="age")],
                                [Person(7, "王五", 100), Person(8, "丁一", 9)])
    assert model.index(0, 0).data() == "王五" and model.index(0, 1).data() == "100"
    assert [model.index(r, 0).data(ID_ROLE) for r in range(2)] == [7, 8]
    proxy = sorting_proxy(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(2)] == [8, 7]


def test_tuple_rows_without_id_of_have_no_id(qtbot):
    model = RowsModel.from_rows([Column("村")], [("东村",)])
    assert model.index(0, 0).data(ID_ROLE) is None
    assert model.index(0, 0).data(SORT_ROLE) is not None


def test_lazy_paging_keeps_working_under_the_sorting_proxy(qtbot):
    total = PAGE_SIZE * 2 + 7
    calls: list[tuple[int, int]] = []

    def fetch(offset: int, limit: int) -> list[tuple]:
        calls.append((offset, limit))
        return [(f"人{i}", total - i, i) for i in range(offset, min(offset + limit, total))]

    model = RowsModel([Column("姓名", kind="name"), Column("年龄")], fetch=fetch, count=lambda: total,
                      id_of=lambda row: row[2])
    proxy = sorting_proxy(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert proxy.rowCount() == PAGE_SIZE and proxy.canFetchMore(QModelIndex())
    # Only what is fetched is sorted: the smallest age among the first page
    assert proxy.index(0, 1).data() == str(total - PAGE_SIZE + 1)
    while proxy.canFetchMore(QModelIndex()):
        proxy.fetchMore(QModelIndex())
    assert proxy.rowCount() == total and len(calls) == 3
    assert proxy.index(0, 1).data() == "1" and proxy.index(0, 1).data(ID_ROLE) == total - 1
    ages = [int(proxy.index(r, 1).data()) for r in range(proxy.rowCount())]
    assert ages == sorted(ages)


def test_model_and_proxy_pass_qt_model_checks(qtbot, qtmodeltester):
    model = _model()
    qtmodeltester.check(model)
    proxy = sorting_proxy(model)
    proxy.sort(AGE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy)


def test_candidates_page_sorts_ages_numerically_and_names_by_strokes(qtbot, ctx, settle, db, admin):
    """Clicking the 年龄 and 姓名 headers on the candidate list; the id role still finds each candidacy."""
    from villagevote.candidates import persons
    from villagevote.candidates.candidacies import register_candidacy
    from villagevote.candidates.sample import build_world, id_number
    from villagevote.models.enums import NominationSource, OrgKind
    from villagevote.ui.pages.candidates import COLUMNS as CANDIDATE_COLUMNS
    from villagevote.ui.pages.candidates import CandidatesPage

    today = dt.date.today()
    people = [("张三", 1998), ("李四", 1926), ("王五", 1993), ("赵六", 1960)]
    ids: dict[str, int] = {}
    with db.session() as s:
        world = build_world(s, election_day=today + dt.timedelta(days=60))
        org = world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)]
        for seq, (name, year) in enumerate(people):
            pid = persons.register_person(s, admin, persons.PersonData(
                name, id_number("330604", dt.date(year, 1, 1), 11 + 2 * seq), village_id=world.villages["青山村"]))
            ids[name] = register_candidacy(s, admin, pid, org, "委员", NominationSource.SELF)
    page = CandidatesPage(ctx)
    qtbot.addWidget(page)
    settle()  # the page loads on the database worker
    titles = [c.title for c in CANDIDATE_COLUMNS]
    name_col, age_col = titles.index("姓名"), titles.index("年龄")

    page.table.sortByColumn(age_col, Qt.SortOrder.AscendingOrder)
    ages = [int(page.proxy.index(r, age_col).data()) for r in range(page.proxy.rowCount())]
    assert len(ages) == 4 and ages == sorted(ages) and ages[-1] >= 100  # the 1926-born candidate is over 99

    page.table.sortByColumn(name_col, Qt.SortOrder.AscendingOrder)
    assert _column(page.proxy, name_col) == ["王五", "李四", "张三", "赵六"]  # 王 4 strokes; 李, 张 7 (横 < 折); 赵 9
    assert [page.proxy.index(r, 0).data(ID_ROLE) for r in range(4)] == [ids[n] for n in ("王五", "李四", "张三", "赵六")]
