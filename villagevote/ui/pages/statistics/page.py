"""The 统计上报 page (issue 19): the county's tables per village with the township 合计, the tracking figures of a
quarter or month, the compliance warnings, the village-representatives roster and the previous cycle's roster (edit
and import), and the submissions — 生成 by a 填表人, 审核 by another user, 导出上报文件 of an approved one, 已变更 with
its differences, 更正 with a reason — plus the county mode (县级汇总), which needs no township database.

Reads and writes go through :mod:`villagevote.statistics` on the database worker (``ctx.query`` / ``ctx.write(…,
Area.STATISTICS)``); each tab is a :class:`Page` that reads when first shown and again after a write it shows.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.reports.registry import Options
from villagevote.seed import get_setting
from villagevote.statistics import catalog as cat
from villagevote.statistics import roster, submissions
from villagevote.statistics.catalog import table_title
from villagevote.statistics.dashboard import quarter_of, term_quarters
from villagevote.statistics.gather import SETTING_PREVIOUS_STAT_DATE
from villagevote.statistics.options import set_stat_dates
from villagevote.statistics.queries import StatsView, structure_view, tracking_view
from villagevote.township import CycleInfo, cycle_info, get_township, list_villages
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.base import Page, TabbedPage
from villagevote.ui.pages.statistics.county import open_county_mode
from villagevote.ui.pages.statistics.dialogs import MemberDialog, RepresentativeDialog
from villagevote.ui.pages.tracking.common import current_row, rows_model, set_rows, table
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button

__all__ = ["StatisticsPage", "tabs"]

AREAS = frozenset({Area.STATISTICS, Area.TOWNSHIP, Area.ELECTIONS, Area.CANDIDATES, Area.TRACKING,
                   Area.EVALUATION})
WORKBOOKS = tr("Excel 工作簿 (*.xlsx *.xls);;所有文件 (*)")
PROBLEM_STYLE = "color: #B00020;"
TOTAL_BG = QColor("#eeeeee")
CHANGED_BG = QColor("#fdecea")


class StatsTab(Page):
    """One tab: a :class:`Page` that knows the page it sits on (reads when shown)."""

    AREAS = AREAS

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page.ctx)
        self.page = page
        self._stale = True

    @property
    def today(self) -> dt.date:
        return self.page.today()


def _view_table(model: RowsModel, parent: QWidget) -> QTableView:
    view = table(model, parent, sortable=False)
    view.horizontalHeader().setStretchLastSection(False)
    return view


def _view_model() -> RowsModel:
    return rows_model([Column(tr("村"))], row_brush=lambda r: TOTAL_BG if r[0] == tr("合计") else None)


def _show_view(model: RowsModel, view: StatsView, codes: list[str]) -> None:
    titles = {c.code: c.title for c in view.columns}
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    columns = [Column(tr("村"))] + [Column(titles[c], right, kind="number") for c in codes]
    set_rows(model, [])  # no row of the old shape is left when the columns change
    model.beginResetModel()
    model.columns = columns
    model.endResetModel()
    rows = [(name, *(view.cells.get((code, c), "") for c in codes)) for code, name in view.villages]
    set_rows(model, rows)


# ------------------------------------------------------------------------------------------------ 换届统计
class StructureTab(StatsTab):
    """The county tables T1–T3 per village with the 合计; the notes the figures rest on and any contradiction."""

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        self.data: StatsView | None = None
        self.previous = ""  # the previous cycle's reference date as set ("" = its default)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("表")))
        self.table_choice = QComboBox()
        for key in ("T1", "T2", "T3"):
            self.table_choice.addItem(table_title(key), key)
        self.table_choice.currentIndexChanged.connect(lambda _i: self._fill())
        bar.addWidget(self.table_choice)
        self.info = QLabel()
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(PROBLEM_STYLE)
        self.problems.hide()
        layout.addWidget(self.problems)
        self.model = _view_model()
        self.view = _view_table(self.model, self)
        layout.addWidget(self.view, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")
        layout.addWidget(self.notes)
        row = QHBoxLayout()
        self.date_btn = button(tr("设置统计时点…"), self.set_date, self.ctx.can(Permission.EDIT))
        self.date_btn.setVisible(self.ctx.can(Permission.EDIT))
        row.addWidget(self.date_btn)
        row.addStretch(1)
        row.addWidget(button(tr("打印换届统计…"), self.print_report))
        layout.addLayout(row)

    def fetch(self, session: Any) -> tuple[StatsView | None, str]:
        if cycle_info(session) is None:
            return None, ""
        return structure_view(session), str(get_setting(session, SETTING_PREVIOUS_STAT_DATE, "") or "")

    def show_data(self, result: tuple[StatsView | None, str]) -> None:
        data, self.previous = result
        self.data = data
        if data is None:
            self.info.setText(tr("还没有换届届次。"))
            return
        self.info.setText(tr("{t}　统计时点 {d}　区划代码 {c}").format(t=data.township, d=data.period,
                                                                 c=data.township_code or tr("（未填）")))
        self.problems.setVisible(bool(data.problems))
        self.problems.setText(tr("数据相互矛盾，不能报送：") + "；".join(data.problems))
        self.notes.setText("；".join(data.notes))
        self._fill()

    def _fill(self) -> None:
        if self.data is None:
            return
        key = self.table_choice.currentData()
        _show_view(self.model, self.data, [c.code for c in self.data.columns if c.table == key])

    def set_date(self) -> None:
        """Both reference dates in one write (the domain sets them together: leaving the previous one out would
        reset it to its default)."""
        current = self.data.period if self.data is not None else dt.date.today().isoformat()
        text = Ask.text(self, tr("统计时点"), tr("本届统计时点（YYYY-MM-DD，年龄按该日足岁计算）："), current)
        if not text:
            return
        prev = Ask.text(self, tr("统计时点"), tr("上届统计时点（YYYY-MM-DD；留空则取上届选举日，或本届统计时点前五年）："),
                        self.previous or "")
        if prev is None:
            return
        try:
            day = dt.date.fromisoformat(text.strip())
            previous = dt.date.fromisoformat(prev.strip()) if prev.strip() else None
        except ValueError:
            Ask.error(self, tr("统计时点"), tr("日期格式不对，应为 YYYY-MM-DD（如 2026-12-20）"))
            return
        self.ctx.write(lambda s: set_stat_dates(s, self.ctx.actor, day, previous), Area.STATISTICS, parent=self)

    def print_report(self) -> None:
        produce(self, self.ctx, "print", "stats-report",
                Options(village=self.page.village_name(), extra={"period": quarter_of(self.today)}))


# ------------------------------------------------------------------------------------------------ 践诺统计
class TrackingStatsTab(StatsTab):
    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("统计期")))
        self.period = QComboBox()
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.period)
        self.info = QLabel()
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        self.model = _view_model()
        self.view = _view_table(self.model, self)
        layout.addWidget(self.view, 1)

    def chosen(self) -> str:
        return self.period.currentData() or quarter_of(self.today)

    def fetch(self, session: Any) -> tuple[CycleInfo | None, StatsView | None]:
        cycle = cycle_info(session)
        if cycle is None:
            return None, None
        return cycle, tracking_view(session, self.chosen(), cycle.id, as_of=self.today)

    def show_data(self, data: tuple[CycleInfo | None, StatsView | None]) -> None:
        cycle, view = data
        if cycle is None or view is None:
            self.info.setText(tr("还没有换届届次。"))
            return
        chosen = self.chosen()
        self.period.blockSignals(True)
        self.period.clear()
        for q in term_quarters(cycle.election_day, self.today):
            self.period.addItem(tr("{y}年第{q}季度").format(y=q[:4], q=q[-1]), q)
            year, quarter = int(q[:4]), int(q[-1])
            for m in range(quarter * 3, quarter * 3 - 3, -1):
                self.period.addItem(tr("　{y}年{m}月").format(y=year, m=m), f"{year}-{m:02d}")
        self.period.setCurrentIndex(max(self.period.findData(chosen), 0))
        self.period.blockSignals(False)
        self.info.setText("；".join(view.notes))
        _show_view(self.model, view, [c.code for c in view.columns])


# ------------------------------------------------------------------------------------------------ 合规提示
COMPLIANCE_COLUMNS = [
    Column(tr("村"), field="village"),
    Column(tr("规则"), field="rule"),
    Column(tr("规定"), field="text"),
    Column(tr("本村情况"), field="figure"),
]


class ComplianceTab(StatsTab):
    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.model = rows_model(COMPLIANCE_COLUMNS)
        self.view = table(self.model, self)
        layout.addWidget(self.view, 1)

    def fetch(self, session: Any) -> StatsView | None:
        return structure_view(session) if cycle_info(session) is not None else None

    def show_data(self, data: StatsView | None) -> None:
        rows = list(data.compliance) if data is not None else []
        set_rows(self.model, rows)
        self.info.setText(tr("{n} 个村有 {m} 条不符合要求的情况（村委会无妇女、无青年委员、党员代表或妇女代表不足三分之一、"
                             "村委会职数不在 3 至 7 人之间）。").format(n=len({r.village_code for r in rows}), m=len(rows))
                          if rows else tr("各村均符合妇女成员、青年委员、党员代表和妇女代表比例、村委会职数的要求。"))


# ------------------------------------------------------------------------------------------------ rosters
REP_COLUMNS = [
    Column(tr("村"), field="village"),
    Column(tr("姓名"), kind="name", field="name"),
    Column(tr("性别"), field="gender"),
    Column(tr("政治面貌"), field="political_status"),
    Column(tr("出生日期"), kind="date", field="birth_date"),
    Column(tr("村民小组"), field="group_name"),
    Column(tr("备注"), field="note"),
]
PREV_COLUMNS = [
    Column(tr("村"), field="village"),
    Column(tr("组织"), field="body"),
    Column(tr("职务"), field="post"),
    Column(tr("姓名"), kind="name", field="name"),
    Column(tr("性别"), field="gender"),
    Column(tr("出生日期"), kind="date", field="birth_date"),
    Column(tr("文化程度"), field="education"),
]


@dataclass(frozen=True)
class RosterData:
    cycle: CycleInfo | None
    villages: list[tuple[int, str]]
    rows: list[Any]


class _RosterTab(StatsTab):
    COLUMNS: ClassVar[list[Column]] = []
    WHAT = ""

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        self.villages: list[tuple[int, str]] = []
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.model = rows_model(self.COLUMNS)
        self.view = table(self.model, self)
        layout.addWidget(self.view, 1)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self.edit = self.ctx.can(Permission.EDIT)

    def _add_button(self, text: str, slot: Callable[[], Any]) -> None:
        b = button(text, slot, self.edit)
        b.setVisible(self.edit)
        self.buttons.addWidget(b)

    def read(self, session: Any, village_id: int | None) -> list[Any]:
        raise NotImplementedError

    def fetch(self, session: Any) -> RosterData:
        cycle = cycle_info(session)
        villages = [(v.id, v.name) for v in list_villages(session)]
        return RosterData(cycle, villages, self.read(session, self.ctx.village_id) if cycle is not None else [])

    def show_data(self, data: RosterData) -> None:
        self.villages = data.villages
        set_rows(self.model, data.rows)
        self.show_info(data)

    def show_info(self, data: RosterData) -> None:
        raise NotImplementedError

    def selected(self) -> Any:
        row = current_row(self.view)
        if row is None:
            Ask.info(self, tr("请先选择"), tr("请先在表格中选中一条{what}。").format(what=self.WHAT))
        return row

    def import_file(self, title: str, fn: Callable[[Any, Any, str], Any]) -> None:
        chosen = Ask.open_file(self, title, WORKBOOKS)
        if not chosen:
            return

        def done(summary: roster.ImportSummary) -> None:
            Ask.info(self, title, tr("已导入 {n} 人（{v}），替换原有 {r} 条。").format(
                n=summary.rows, v="、".join(summary.villages), r=summary.replaced))

        self.ctx.write(lambda s: fn(s, self.ctx.actor, chosen), Area.STATISTICS, on_done=done, parent=self)


class RepresentativesTab(_RosterTab):
    COLUMNS = REP_COLUMNS
    WHAT = tr("村民代表")

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        self._add_button(tr("添加…"), self.add)
        self._add_button(tr("修改…"), self.change)
        self._add_button(tr("删除"), self.delete)
        self.buttons.addStretch(1)
        self._add_button(tr("从工作簿导入…"), lambda: self.import_file(tr("导入村民代表名单"),
                                                                 roster.import_representatives))

    def read(self, session: Any, village_id: int | None) -> list[Any]:
        return roster.list_representatives(session, village_id)

    def show_info(self, data: RosterData) -> None:
        rows = data.rows
        party = sum(1 for r in rows if "党员" in r.political_status)
        women = sum(1 for r in rows if r.gender == "女")
        self.info.setText(tr("村民代表 {n} 人，其中党员（含预备党员）{p} 人、妇女 {w} 人（S70 按设置计入或不计预备党员；导入的工作簿列：村、姓名、性别、出生日期、"
                             "政治面貌、村民小组、备注，导入时替换文件中各村原有的名单）。").format(n=len(rows), p=party, w=women))

    def _dialog(self, row: Any = None) -> None:
        actor = self.ctx.actor

        def write(v: Any) -> Callable[[Any], Any]:
            if row is None:
                return lambda s: roster.add_representative(
                    s, actor, v.village_id, v.name, gender=v.gender, political_status=v.political_status,
                    birth_date=v.birth_date, group_name=v.group_name, note=v.note)
            return lambda s: roster.update_representative(
                s, actor, row.id, v.village_id, v.name, gender=v.gender, political_status=v.political_status,
                birth_date=v.birth_date, group_name=v.group_name, note=v.note)

        RepresentativeDialog(self.ctx, self.villages, write, row=row, village_id=self.ctx.village_id,
                             parent=self).ask_saved()

    def add(self) -> None:
        self._dialog()

    def change(self) -> None:
        row = self.selected()
        if row is not None:
            self._dialog(row)

    def delete(self) -> None:
        row = self.selected()
        if row is None or not Ask.confirm(self, tr("删除村民代表"), tr("删除 {v} 的村民代表 {n}？").format(
                v=row.village, n=row.name)):
            return
        self.ctx.write(lambda s: roster.delete_representative(s, self.ctx.actor, row.id), Area.STATISTICS,
                       parent=self)


class PreviousRosterTab(_RosterTab):
    COLUMNS = PREV_COLUMNS
    WHAT = tr("上届成员")

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        self._add_button(tr("添加…"), self.add)
        self._add_button(tr("删除"), self.delete)
        self.buttons.addStretch(1)
        self._add_button(tr("从工作簿导入…"), lambda: self.import_file(tr("导入上届两委名单"),
                                                                 roster.import_previous_roster))
        self._add_button(tr("清空上届名单…"), self.clear)

    def read(self, session: Any, village_id: int | None) -> list[Any]:
        return roster.list_previous_roster(session, village_id)

    def show_info(self, data: RosterData) -> None:
        self.info.setText(tr("上届两委名单 {n} 条：上届不在本数据库中时用于计算新进、连任和平均年龄变化（S60），按姓名及出生日期"
                             "与本届成员比对。导入的工作簿列：村、姓名、性别、出生日期、文化程度、组织（党组织/村委会）、职务。")
                          .format(n=len(data.rows)))

    def add(self) -> None:
        actor = self.ctx.actor

        def write(v: Any) -> Callable[[Any], Any]:
            return lambda s: roster.add_previous_member(s, actor, v.village_id, v.name, v.body, post=v.post,
                                                        gender=v.gender, birth_date=v.birth_date,
                                                        education=v.education)

        MemberDialog(self.ctx, self.villages, write, village_id=self.ctx.village_id, parent=self).ask_saved()

    def delete(self) -> None:
        row = self.selected()
        if row is None or not Ask.confirm(self, tr("删除上届成员"), tr("从上届名单中删除 {v} 的 {n}？").format(
                v=row.village, n=row.name)):
            return
        self.ctx.write(lambda s: roster.delete_previous_member(s, self.ctx.actor, row.id), Area.STATISTICS,
                       parent=self)

    def clear(self) -> None:
        village = self.ctx.village_id
        scope = self.page.village_name() or tr("全乡镇")
        if not Ask.confirm(self, tr("清空上届名单"), tr("清空{scope}的上届名单？").format(scope=scope)):
            return
        self.ctx.write(lambda s: roster.clear_previous_roster(s, self.ctx.actor, village), Area.STATISTICS,
                       parent=self)


# ------------------------------------------------------------------------------------------------ 报送
SUBMISSION_COLUMNS = [
    Column(tr("报表"), field="report"),
    Column(tr("统计时点"), field="period"),
    Column(tr("报送序号"), kind="number", field="serial"),
    Column(tr("状态"), field="status"),
    Column(tr("填表人"), field="filled_by"),
    Column(tr("审核人"), field="reviewed_by"),
    Column(tr("生成时间"), kind="date", field="generated"),
    Column(tr("更正说明"), field="correction"),
    Column(tr("数据指纹"), field="sha"),
]


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    report_code: str
    report: str
    period: str
    serial: int
    state: str
    status: str
    changed: bool
    filled_by: str
    reviewed_by: str
    generated: str
    correction: str
    sha: str
    differences: tuple[Any, ...]
    checked: bool = True  # 已变更 was recomputed (superseded ones are not)


CHECKED_AT_LOAD = 6  # submissions in force whose 已变更 is recomputed when the list loads (the others when selected)


def _submission_row(v: Any, status: Any) -> SubmissionRow:
    changed = bool(status is not None and status.changed)
    report = tr("换届统计") if v.report_code == cat.STRUCTURE else tr("践诺统计")
    label = tr("已变更") if changed else v.state_label
    if status is None and v.state != submissions.SUPERSEDED:
        label = tr("{s}（未核对）").format(s=v.state_label)
    return SubmissionRow(v.id, v.report_code, tr("{r}（{c}）").format(r=report, c=v.report_code), v.period, v.serial,
                         v.state, label, changed, v.filled_by, v.reviewed_by,
                         v.generated_at.strftime("%Y-%m-%d %H:%M"), v.correction_reason, v.sha256[:16],
                         tuple(status.differences) if status is not None else (), status is not None)


def _status(session: Any, submission_id: int) -> Any:
    try:
        return submissions.submission_status(session, submission_id)
    except ValidationError:  # the cycle or township changed under it: shown as not checked
        return None


def read_submissions(session: Any) -> list[SubmissionRow]:
    """The cycle's submissions; 已变更 recomputed for the newest ones in force (draft or approved) — each check
    recomputes the report, so older ones are checked when selected (:func:`check_submission`)."""
    out: list[SubmissionRow] = []
    checked = 0
    for v in submissions.list_submissions(session):
        status = None
        if v.state != submissions.SUPERSEDED and checked < CHECKED_AT_LOAD:
            checked += 1
            status = _status(session, v.id)
        out.append(_submission_row(v, status))
    return out


def check_submission(session: Any, submission_id: int) -> SubmissionRow | None:
    status = _status(session, submission_id)
    return _submission_row(status.submission, status) if status is not None else None


class SubmissionsTab(StatsTab):
    """生成 (a 填表人: EDIT) → 审核 (another user: REVIEW) → 导出上报文件; 已变更 with the differences; 更正."""

    def __init__(self, page: StatisticsPage) -> None:
        super().__init__(page)
        ctx = self.ctx
        layout = QVBoxLayout(self)
        self.info = QLabel(tr("生成报送即冻结当前数据（报送序号、数据指纹）；须由另一位用户审核后才能导出上报文件。"
                              "生成后源数据有改动的显示“已变更”及差异，应重新生成（更正报送，写明更正说明）。"))
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        splitter = QSplitter()
        self.model = rows_model(SUBMISSION_COLUMNS, row_brush=lambda r: CHANGED_BG if r.changed else None)
        self.view = table(self.model, self)
        splitter.addWidget(self.view)
        self.detail = QTextBrowser()
        self.detail.setObjectName("submission_detail")
        splitter.addWidget(self.detail)
        splitter.setSizes([760, 380])
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        edit, review = ctx.can(Permission.EDIT), ctx.can(Permission.REVIEW)
        self.generate_btn = button(tr("生成报送…"), self.generate, edit)
        self.generate_btn.setVisible(edit)
        self.correct_btn = button(tr("更正…"), self.correct, edit)
        self.correct_btn.setVisible(edit)
        self.approve_btn = button(tr("审核通过"), self.approve, review)
        self.approve_btn.setVisible(review)
        self.export_btn = button(tr("导出上报文件…"), self.export)
        self.print_btn = button(tr("打印报送汇总…"), self.print_summary)
        for b in (self.generate_btn, self.correct_btn, self.approve_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.export_btn)
        row.addWidget(self.print_btn)
        layout.addLayout(row)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_detail())

    def fetch(self, session: Any) -> list[SubmissionRow]:
        return read_submissions(session) if cycle_info(session) is not None else []

    def show_data(self, rows: list[SubmissionRow]) -> None:
        keep = current_row(self.view)
        set_rows(self.model, rows)
        for r in range(self.model.rowCount()):
            if keep is not None and self.model.row_at(r).id == keep.id:
                self.view.selectRow(r)
                break
        else:
            if rows:
                self.view.selectRow(0)
        self._show_detail()

    def _show_detail(self) -> None:
        row = current_row(self.view)
        if row is None:
            self.detail.setHtml("")
            return
        parts = [f"<b>{html.escape(row.report)} {html.escape(row.period)}</b>　"
                 + tr("报送序号 {n}，{s}").format(n=row.serial, s=html.escape(row.status))]
        if row.correction:
            parts.append(tr("更正说明：{c}").format(c=html.escape(row.correction)))
        if row.changed:
            parts.append("<span style='color:#B00020'>" + tr("生成后数据已变更，共 {n} 处：").format(
                n=len(row.differences)) + "</span>")
            items = "".join(f"<li>{html.escape(d.village)}「{html.escape(d.label)}」{html.escape(d.old)} → "
                            f"{html.escape(d.new)}</li>" for d in row.differences[:60])
            parts.append(f"<ul>{items}</ul>")
        elif row.state != submissions.SUPERSEDED and row.checked:
            parts.append(tr("数据与数据库一致。"))
        elif row.state != submissions.SUPERSEDED:
            parts.append(tr("正在与数据库核对……"))
            self.ctx.query(lambda s: check_submission(s, row.id), self._checked, parent=self)
        self.detail.setHtml("<br/>".join(parts))

    def _checked(self, fresh: SubmissionRow | None) -> None:
        if fresh is None:
            return
        rows = [fresh if self.model.row_at(r).id == fresh.id else self.model.row_at(r)
                for r in range(self.model.rowCount())]
        keep = current_row(self.view)
        set_rows(self.model, rows)
        for r in range(self.model.rowCount()):
            if keep is not None and self.model.row_at(r).id == keep.id:
                self.view.selectRow(r)
        self._show_detail()

    def _selected(self) -> SubmissionRow | None:
        row = current_row(self.view)
        if row is None:
            Ask.info(self, tr("请先选择"), tr("请先在表格中选中一条报送。"))
        return row

    def _report_and_period(self) -> tuple[str, str | None] | None:
        items = [tr("村级组织换届统计（HJTJ-01）"), tr("践诺跟踪统计（JNTJ-01）")]
        index = Ask.choose(self, tr("生成报送"), tr("报表："), items)
        if index is None:
            return None
        if index == 0:
            return cat.STRUCTURE, None
        period = Ask.text(self, tr("践诺跟踪统计"), tr("统计期（月 2027-05 或季度 2027-Q2）："), quarter_of(self.today))
        if not period or not period.strip():
            return None
        return cat.TRACKING, period.strip()

    def _generate(self, report: str, period: str | None, reason: str = "") -> None:
        actor = self.ctx.actor

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field == "correction_reason" and not reason:
                why = Ask.text(self, tr("更正报送"), tr("{msg}\n\n更正说明：").format(msg=exc.message))
                if why and why.strip():
                    self._generate(report, period, why.strip())
                return
            show_error(self, exc)

        self.ctx.write(lambda s: submissions.generate_submission(s, actor, report_code=report, period=period,
                                                                 correction_reason=reason),
                       Area.STATISTICS, on_done=lambda v: Ask.info(self, tr("已生成报送"), tr(
                           "已生成报送序号 {n}（{p}），数据指纹 {sha}…。请由另一位用户审核。").format(
                           n=v.serial, p=v.period, sha=v.sha256[:16])), on_error=failed, parent=self)

    def generate(self) -> None:
        chosen = self._report_and_period()
        if chosen is not None:
            self._generate(*chosen)

    def correct(self) -> None:
        row = self._selected()
        if row is None:
            return
        why = Ask.text(self, tr("更正报送"), tr("重新生成 {r} {p} 的报送（报送序号加一），更正说明：").format(
            r=row.report, p=row.period))
        if not why or not why.strip():
            return
        self._generate(row.report_code, row.period if row.report_code == cat.TRACKING else None, why.strip())

    def approve(self) -> None:
        row = self._selected()
        if row is None:
            return
        if not Ask.confirm(self, tr("审核报送"), tr("审核通过 {r} {p} 报送序号 {n}？审核后即可导出上报。").format(
                r=row.report, p=row.period, n=row.serial)):
            return
        self.ctx.write(lambda s: submissions.approve_submission(s, self.ctx.actor, row.id), Area.STATISTICS,
                       parent=self)

    def export(self) -> None:
        row = self._selected()
        if row is None:
            return
        produce(self, self.ctx, "export", "stats-workbook", Options(extra={"submission": str(row.id)}),
                file_name=tr("{t}{r}{p}第{n}次报送").format(t=self.page.township, r=row.report_code, p=row.period,
                                                        n=row.serial))

    def print_summary(self) -> None:
        row = self._selected()
        if row is None:
            return
        produce(self, self.ctx, "print", "stats-summary", Options(extra={"submission": str(row.id)}))


# ------------------------------------------------------------------------------------------------ the page
def tabs() -> list[tuple[str, Callable[[StatisticsPage], QWidget]]]:
    return [
        (tr("换届统计"), StructureTab),
        (tr("践诺统计"), TrackingStatsTab),
        (tr("合规提示"), ComplianceTab),
        (tr("村民代表"), RepresentativesTab),
        (tr("上届名单"), PreviousRosterTab),
        (tr("报送"), SubmissionsTab),
    ]


@dataclass(frozen=True)
class Header:
    cycle: CycleInfo | None
    township: str
    villages: dict[int, str]


class StatisticsPage(TabbedPage):
    AREAS = frozenset({Area.TOWNSHIP, Area.STATISTICS})

    def __init__(self, ctx: Any, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(ctx, parent, clock=clock)
        self.township = ""
        self.build(tr("统计上报：换届统计、践诺统计、合规提示、报送与县级汇总"), tabs(),
                   extra=button(tr("县级汇总…"), lambda: open_county_mode(self)))
        self.reload()

    def fetch(self, session: Any) -> Header:
        township = get_township(session)
        return Header(cycle_info(session), township.name if township is not None else "",
                      {v.id: v.name for v in list_villages(session)})

    def show_data(self, data: Header) -> None:
        self.township = data.township
        self.villages = data.villages
        if data.cycle is None:
            self.summary.setText(tr("还没有换届届次，请先在“系统”中建立。"))
            return
        scope = self.village_name() or tr("全乡镇")
        self.summary.setText(tr("{t}　{c}　当前范围：{s}（村民代表、上届名单按左侧所选的村显示；统计表始终列出各村和合计）").format(
            t=data.township, c=data.cycle.name, s=scope))
