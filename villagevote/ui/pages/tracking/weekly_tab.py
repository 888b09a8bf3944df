"""The 周报录入 tab (每周一报): a village and an ISO week, the open items of that week in a keyboard grid like the
scoring grid (typing starts editing, Enter saves the cell and moves down, Tab moves across), 未报 rows shaded and
marked, 保存本周 as one write (:func:`villagevote.tracking.weekly.save_week`: one bad row and nothing is saved), and
the village's workbook out and back in (导出周报表 / 导入周报表, the same layout both ways; the row-level Chinese
errors of a refused workbook are listed)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import CommitmentKind
from villagevote.reports.registry import Options
from villagevote.township import cycle_info, list_villages
from villagevote.tracking import weekly, weekly_workbook
from villagevote.tracking.weekly import WeekEntry, WeekGrid, WeekRow
from villagevote.ui.dialogs.common import Ask, date_edit, show_error
from villagevote.ui.pages.tracking.common import MISSING_BG, TrackingTab, fill_texts, fill_villages, recent_weeks
from villagevote.ui.pages.tracking.dialogs import pydate
from villagevote.ui.printing import produce
from villagevote.ui.widgets import button

__all__ = ["EDIT_FIELDS", "WeekGridModel", "WeekGridView", "WeeklyTab"]

Index = QModelIndex | QPersistentModelIndex
FIXED = (tr("编号"), tr("承诺事项"), tr("责任人"), tr("上次累计"), tr("本周"))
# the editable columns: (field of the entry, header)
EDIT_FIELDS = (("progress", tr("累计完成%\n/累计值")), ("narrative", tr("本周进展")), ("problems", tr("存在问题")),
               ("next_plan", tr("下周计划")), ("no_progress_reason", tr("无进展原因")), ("reported_by", tr("报告人")),
               ("confirmed_by", tr("联村干部")))
LATE_FG = QColor("#b26a00")


def _num(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.normalize(), "f") if d != 0 else "0"


def _last(row: WeekRow) -> str:
    if not row.last_period:
        return tr("（从未报告）")
    if row.kind is CommitmentKind.METRIC:
        figure = f"{_num(row.last_value)}{row.unit}"
    else:
        figure = f"{row.last_percent if row.last_percent is not None else 0}%"
    return f"{figure}（{row.last_period}）"


def _initial(row: WeekRow) -> dict[str, str]:
    r = row.report
    if r is None:
        return {f: "" for f, _ in EDIT_FIELDS}
    progress = _num(r.value) if row.kind is CommitmentKind.METRIC else str(r.percent)
    return {"progress": progress, "narrative": r.narrative, "problems": r.problems, "next_plan": r.next_plan,
            "no_progress_reason": r.no_progress_reason, "reported_by": r.reported_by, "confirmed_by": r.confirmed_by}


class WeekGridModel(QAbstractTableModel):
    """The open items of one village and week × what the village reported. Only edited rows are saved; a row's
    figure is checked when typed (a number, 0–100 for a percent) and again by the domain when saved."""

    error = Signal(str)
    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: WeekGrid | None = None
        self.values: list[dict[str, str]] = []
        self.dirty: set[int] = set()
        self.read_only = False

    def load(self, grid: WeekGrid | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.values = [_initial(r) for r in grid.rows] if grid is not None else []
        self.dirty = set()
        self.endResetModel()

    def rows(self) -> tuple[WeekRow, ...]:
        return self.grid.rows if self.grid is not None else ()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(EDIT_FIELDS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return FIXED[section] if section < len(FIXED) else EDIT_FIELDS[section - len(FIXED)][1]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() >= len(FIXED) and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows()):
            return None
        row, col = self.rows()[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col >= len(FIXED):
                return self.values[index.row()][EDIT_FIELDS[col - len(FIXED)][0]]
            if role == Qt.ItemDataRole.EditRole:
                return None
            if col == 4 and index.row() in self.dirty:
                return tr("已修改")
            return (row.ledger_no, row.title, row.owner, _last(row), row.state)[col]
        if role == Qt.ItemDataRole.BackgroundRole and row.missing and index.row() not in self.dirty:
            return QBrush(MISSING_BG)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            if row.missing:
                return QBrush(QColor("#c62828"))
            if row.report is not None and not row.report.on_time:
                return QBrush(LATE_FG)
        if role == Qt.ItemDataRole.ToolTipRole and col == len(FIXED):
            if row.kind is CommitmentKind.METRIC:
                return tr("量化事项：填写累计值（{u}），目标 {t}").format(u=row.unit, t=_num(row.target))
            return tr("填写累计完成百分比 0–100；低于上次须填写无进展原因")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self.rows()[index.row()]
        field = EDIT_FIELDS[index.column() - len(FIXED)][0]
        text = "" if value is None else str(value).strip()
        if field == "progress" and text:
            try:
                self._figure(row, text, index.row())
            except ValidationError as exc:
                self.error.emit(exc.message)
                return False
        if self.values[index.row()][field] != text:
            self.values[index.row()][field] = text
            self.dirty.add(index.row())
            self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
            self.edited.emit()
        return True

    @staticmethod
    def _figure(row: WeekRow, text: str, n: int) -> tuple[int | None, Decimal | None]:
        where = tr("第 {n} 行（{no}）").format(n=n + 1, no=row.ledger_no)
        try:
            number = Decimal(text.rstrip("%％"))
        except InvalidOperation:
            raise ValidationError(tr("{w}：“{t}”不是数字").format(w=where, t=text)) from None
        if row.kind is CommitmentKind.METRIC:
            return None, number
        if number != number.to_integral_value() or not 0 <= number <= 100:
            raise ValidationError(tr("{w}：累计完成应为 0–100 的整数，填的是 {t}").format(w=where, t=text))
        return int(number), None

    def entries(self, reported_on: dt.date) -> list[WeekEntry]:
        """The edited rows as the domain's entries (a row left without a figure is refused by name)."""
        out = []
        for n in sorted(self.dirty):
            row, v = self.rows()[n], self.values[n]
            if not v["progress"] and not v["no_progress_reason"]:
                raise ValidationError(tr("第 {n} 行（{no}）：请填写累计完成或无进展原因").format(n=n + 1, no=row.ledger_no))
            percent, value = self._figure(row, v["progress"], n) if v["progress"] else (
                (row.last_percent or 0, None) if row.kind is not CommitmentKind.METRIC else (None, row.last_value))
            out.append(WeekEntry(commitment_id=row.commitment_id, reported_on=reported_on, percent=percent,
                                 value=value, narrative=v["narrative"], problems=v["problems"],
                                 next_plan=v["next_plan"], no_progress_reason=v["no_progress_reason"],
                                 reported_by=v["reported_by"], confirmed_by=v["confirmed_by"]))
        return out


class WeekGridView(QTableView):
    """Typing starts editing; Enter saves the cell and moves down (the same column of the next item), Tab moves
    across; Delete empties a cell — the whole week is entered without the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._down_next = False

    def _move(self, down: bool) -> None:
        index = self.currentIndex()
        if not index.isValid():
            return
        model = self.model()
        if down:
            nxt = model.index(index.row() + 1, index.column())
        else:
            col, row = index.column() + 1, index.row()
            if col >= model.columnCount():
                col, row = len(FIXED), row + 1
            nxt = model.index(row, col)
        if nxt.isValid():
            self.setCurrentIndex(nxt)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and index.isValid():
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._move(down=True)
                return
            if event.key() == Qt.Key.Key_Tab:
                self._move(down=False)
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                    and self.model().flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.model().setData(index, "", Qt.ItemDataRole.EditRole)
                return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        down = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache       # Enter
        across = hint == QAbstractItemDelegate.EndEditHint.EditNextItem         # Tab
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if down or across:
            self._move(down=down)


class WeeklyTab(TrackingTab):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.grid: WeekGrid | None = None
        self._wanted: tuple[int | None, str] = (ctx.village_id, "")
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.village = QComboBox()
        self.week = QComboBox()
        self.week.setMinimumWidth(220)
        self.reported_on = date_edit(self.today)
        bar.addWidget(QLabel(tr("村")))
        bar.addWidget(self.village)
        bar.addWidget(QLabel(tr("周次")))
        bar.addWidget(self.week)
        bar.addWidget(button(tr("上一周"), lambda: self._step(1)))
        bar.addWidget(button(tr("下一周"), lambda: self._step(-1)))
        bar.addWidget(QLabel(tr("报告日期")))
        bar.addWidget(self.reported_on)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.model = WeekGridModel(self)
        self.model.read_only = not ctx.can(Permission.EDIT)
        self.view = WeekGridView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((110, 220, 120, 130, 50, 80, 200, 140, 140, 120, 70, 70)):
            self.view.setColumnWidth(col, width)
        layout.addWidget(self.view, 1)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        edit = ctx.can(Permission.EDIT)
        self.save_btn = button(tr("保存本周"), self.save, False)
        self.save_btn.setVisible(edit)
        self.export_btn = button(tr("导出周报表…"), self.export_workbook)
        self.import_btn = button(tr("导入周报表…"), self.import_workbook, edit)
        self.import_btn.setVisible(edit)
        self.summary_btn = button(tr("打印周报汇总…"), lambda: self.print_form("weekly-summary"))
        self.missing_btn = button(tr("打印缺报清单…"), lambda: self.print_form("weekly-missing"))
        for b in (self.save_btn, self.export_btn, self.import_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.summary_btn)
        row.addWidget(self.missing_btn)
        layout.addLayout(row)
        self.model.error.connect(self.message.setText)
        self.model.edited.connect(self._edited)
        self.village.currentIndexChanged.connect(lambda _i: self._changed_choice())
        self.week.currentIndexChanged.connect(lambda _i: self._changed_choice())
        ctx.village_changed.connect(self._follow_village)
        self._stale = True

    # ------------------------------------------------------------------------------------------------ loading
    def _follow_village(self, village_id: int | None) -> None:
        """The village chosen in the main window's tree is the one entered (read again: the base class reloaded
        before this ran)."""
        if village_id is not None and village_id != self._wanted[0]:
            self._wanted = (village_id, self._wanted[1])
            self.reload()

    def _changed_choice(self) -> None:
        if self.model.dirty and not Ask.confirm(self, tr("周报未保存"), tr("本周已修改的内容还没有保存，放弃这些修改吗？")):
            return
        self._wanted = (self.village.currentData(), self.week.currentData() or "")
        self.reload()

    def _step(self, back: int) -> None:
        index = self.week.currentIndex() + back
        if 0 <= index < self.week.count():
            self.week.setCurrentIndex(index)

    def fetch(self, session: Any) -> tuple[list[Any], WeekGrid | None, str, int | None]:
        village_id, period = self._wanted
        villages = list_villages(session)
        cycle = cycle_info(session)
        if village_id is None and villages:
            village_id = villages[0].id
        period = period or weekly.week_of(self.today)
        if cycle is None or village_id is None:
            return villages, None, period, village_id
        return villages, weekly.week_grid(session, cycle_id=cycle.id, village_id=village_id, period=period), period, \
            village_id

    def show_data(self, data: tuple[list[Any], WeekGrid | None, str, int | None]) -> None:
        villages, grid, period, village_id = data
        self._wanted = (village_id, period)
        fill_villages(self.village, villages, village_id)
        weeks = recent_weeks(self.today, 52)
        if period not in weeks:
            weeks.append(period)
        fill_texts(self.week, [(weekly.week_label(w), w) for w in weeks], period)
        self.grid = grid
        self.model.load(grid)
        self.message.setText("")
        self.save_btn.setEnabled(False)
        if grid is None:
            self.info.setText(tr("还没有换届届次或村，请先在“系统”中建立。"))
            return
        monday = grid.monday
        if self.reported_on.date() < QDate(monday.year, monday.month, monday.day):
            self.reported_on.setDate(QDate(monday.year, monday.month, monday.day))
        self.info.setText(tr("{v} {label}：应报 {n} 项，未报 {m} 项；{due} 前报送为按时。回车向下、Tab 向右，"
                             "只保存改过的行。").format(v=grid.village, label=grid.label, n=len(grid.rows),
                                                 m=grid.missing, due=grid.due.isoformat()))

    def _edited(self) -> None:
        self.message.setText("")
        self.save_btn.setEnabled(bool(self.model.dirty))

    # ------------------------------------------------------------------------------------------------ writes
    def save(self) -> None:
        grid, actor, today = self.grid, self.ctx.actor, self.today
        if grid is None or not self.model.dirty:
            return
        try:
            entries = self.model.entries(pydate(self.reported_on))
        except UserError as exc:
            self.message.setText(exc.message)
            return
        village_id, period = grid.village_id, grid.period

        def done(ids: list[int]) -> None:
            self.message.setText("")
            Ask.info(self, tr("保存本周"), tr("已保存 {n} 条周报。").format(n=len(ids)))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self.message.setText(exc.message)  # what was typed stays in the grid
            else:
                show_error(self, exc)
        self.ctx.write(lambda s: weekly.save_week(s, actor, village_id=village_id, period=period, entries=entries,
                                                  today=today),
                       Area.TRACKING, on_done=done, on_error=failed, title=tr("保存本周"), parent=self)

    def export_workbook(self) -> None:
        grid = self.grid
        if grid is None:
            return
        chosen = Ask.save_file(self, tr("导出周报表"), tr("Excel 工作簿 (*.xlsx)"),
                               tr("{v}{p}周报表.xlsx").format(v=grid.village, p=grid.period))
        if not chosen:
            return
        out = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
        cycle_id, village_id, period = grid.cycle_id, grid.village_id, grid.period

        def done(_result: Any) -> None:
            if Ask.saved(self, tr("导出周报表"), out):
                from villagevote.ui.printing import open_file
                open_file(out)
        self.ctx.query(lambda s: weekly_workbook.export_week(s, cycle_id=cycle_id, village_id=village_id,
                                                             period=period, out=out),
                       done, title=tr("导出周报表"), parent=self)

    def import_workbook(self) -> None:
        grid, actor, today = self.grid, self.ctx.actor, self.today
        chosen = Ask.open_file(self, tr("导入周报表"), tr("Excel 工作簿 (*.xlsx)"))
        if not chosen:
            return
        path = Path(chosen)
        village_id = grid.village_id if grid is not None else None
        period = grid.period if grid is not None else None

        def done(ids: list[int]) -> None:
            Ask.info(self, tr("导入周报表"), tr("已导入 {n} 条周报（未改动的行和空白行未计入）。").format(n=len(ids)))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, UserError):
                show_error(self, exc)
                return
            rows = list(exc.errors) if isinstance(exc, weekly_workbook.WeekImportError) else []
            missing = [r for r in rows if r not in exc.message]  # the message usually lists them already
            text = exc.message + ("\n" + "\n".join(missing[:40]) if missing else "")
            if len(missing) > 40:
                text += "\n" + tr("……共 {n} 处问题").format(n=len(rows))
            Ask.error(self, tr("周报表未导入（没有写入任何内容）"), text)
        self.ctx.write(lambda s: weekly_workbook.import_week(s, actor, path, expected_village_id=village_id,
                                                             expected_period=period, today=today),
                       Area.TRACKING, on_done=done, on_error=failed, title=tr("导入周报表"), parent=self)

    def print_form(self, name: str) -> None:
        grid = self.grid
        period = grid.period if grid is not None else weekly.week_of(self.today)
        village = grid.village if grid is not None else None
        produce(self, self.ctx, "print", name, Options(village=village, extra={"week": period}),
                file_name=f"{village or ''}{period}{tr('周报汇总') if name == 'weekly-summary' else tr('周报缺报清单')}")
