"""选民与选举 → 选举与计票: contests per village, ballots, both tally modes, projector view, results, lock."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.elections import contests, outcome, queries, tally
from villagevote.elections.contests import ContestRow, OrgChoice
from villagevote.elections.entry_code import describe, parse_code
from villagevote.elections.queries import ContestDetail
from villagevote.elections.records import ContestView
from villagevote.elections.results import majority_minimum, one_third_minimum
from villagevote.elections.tally_logic import check_ballot
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.registry import Options, find_form
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.election_diff import DiffDialog
from villagevote.ui.dialogs.election_new import NewContestDialog
from villagevote.ui.pages.base import Page
from villagevote.ui.printing import produce
from villagevote.ui.projector import ProjectorWindow
from villagevote.ui.table_model import ID_ROLE, Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button

if TYPE_CHECKING:  # the page hands domain functions to ctx.query/ctx.write; it never uses SQLAlchemy itself
    from sqlalchemy.orm import Session

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RED = "color: #b00020;"
GREEN = "color: #1b7f3b;"

CONTEST_COLUMNS = [Column(tr("村"), field="village"), Column(tr("组织"), field="body_label"),
                   Column(tr("轮次"), field="round_label"), Column(tr("方式"), field="mode_label"),
                   Column(tr("应选"), RIGHT, kind="number", field="seats"),
                   Column(tr("候选人"), RIGHT, kind="number", field="candidates"), Column(tr("状态"), field="status")]
BALLOT_COLUMNS = [Column(tr("职务")), Column(tr("序号"), RIGHT, kind="number"), Column(tr("姓名"), kind="name"),
                  Column(tr("性别"))]
CALL_COLUMNS = [Column(tr("职务")), Column(tr("姓名"), kind="name"), Column(tr("得票"), RIGHT, kind="number")]
SPOILT_COLUMNS = [Column(tr("选票序号"), RIGHT, kind="number"), Column(tr("范围")), Column(tr("原因")), Column(tr("来源"))]
ELECTED_COLUMNS = [Column(tr("职务")), Column(tr("当选人"), kind="name"), Column(tr("得票"), RIGHT, kind="number"),
                   Column(tr("得票率"), RIGHT, kind="number")]


MARK_TITLES = (tr("同意"), tr("不同意"), tr("弃权"))


@dataclass
class TotalsEntry:
    """What the totals grid holds, as :func:`villagevote.elections.tally.save_totals` takes it."""
    marks: dict[tuple[str, str], tuple[int, int, int]]
    write_ins: dict[str, dict[str, int]]
    post_extra: dict[str, tuple[int, int | None]]


def set_rows(view: QTableView, columns: list[Column], rows: list[Any],
             id_of: Callable[[Any], Any] | None = None) -> None:
    """Show ``rows`` in ``view`` through a sorting proxy (numbers as numbers, names in 姓氏笔画 order); the view keeps
    the rows' ids (``id_of``) for :func:`selected_id`."""
    model = RowsModel.from_rows(columns, rows, parent=view, id_of=id_of)
    view.setModel(sorting_proxy(model, view))
    sortable(view)


def sortable(view: QTableView) -> None:
    """Sorting by a click on a header; until then the rows keep the order the domain gave (ballot order, village
    code order)."""
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)


def has_selection(view: QTableView) -> bool:
    return bool(view.selectionModel() and view.selectionModel().selectedRows())


def selected_id(view: QTableView) -> Any:
    """The id (ID_ROLE) of the first selected row, None when nothing is selected."""
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].data(ID_ROLE) if rows else None


def _spin(maximum: int = 1_000_000) -> QSpinBox:
    s = QSpinBox()
    s.setRange(0, maximum)
    s.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
    return s


class _Panel(QWidget):
    """A sub-tab bound to the contest selected in the list; :meth:`load` shows the tab's latest
    :class:`ContestDetail`. Writes go through ``ctx.write(fn, Area.ELECTIONS)``: the tab reloads once they commit."""

    def __init__(self, tab: ElectionTab) -> None:
        super().__init__()
        self.tab = tab
        self.ctx = tab.ctx

    @property
    def cid(self) -> int | None:
        return self.tab.contest_id

    @property
    def view(self) -> ContestView | None:
        return self.tab.view

    @property
    def detail(self) -> ContestDetail | None:
        return self.tab.contest

    def editable(self) -> bool:
        return self.view is not None and not self.view.official and self.ctx.can(Permission.EDIT)

    def load(self) -> None:  # pragma: no cover - overridden
        pass


# ---------------------------------------------------------------------------------------------------------------

class BallotsPanel(_Panel):
    def __init__(self, tab: ElectionTab) -> None:
        super().__init__(tab)
        layout = QVBoxLayout(self)
        settings = QGroupBox(tr("选举设置"))
        form = QFormLayout(settings)
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.electorate = _spin()
        self.present = _spin()
        self.present.setSpecialValueText(tr("（未填）"))
        self.mode = QComboBox()
        self.mode.addItem(tr("有候选人的差额选举"), "with_candidates")
        self.mode.addItem(tr("无候选人的自荐直选"), "self_nomination")
        self.double = QCheckBox(tr("合计录入时两人各录一次（双录入对比）"))
        self.save_btn = button(tr("保存设置"), self.save_settings)
        form.addRow(tr("选举日期"), self.held_on)
        form.addRow(tr("登记选民 / 应到会党员"), self.electorate)
        form.addRow(tr("实到会有选举权的党员"), self.present)
        form.addRow(tr("选举方式"), self.mode)
        form.addRow("", self.double)
        form.addRow("", self.save_btn)
        layout.addWidget(settings)
        self.posts = QLabel()
        self.posts.setWordWrap(True)
        layout.addWidget(self.posts)
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        add = QHBoxLayout()
        self.add_post = QComboBox()
        self.add_name = QLineEdit()
        self.add_name.setPlaceholderText(tr("姓名"))
        self.add_gender = QComboBox()
        self.add_gender.addItem(tr("男"), "男")
        self.add_gender.addItem(tr("女"), "女")
        self.add_btn = button(tr("添加到选票"), self.add_candidate)
        self.remove_btn = button(tr("从选票删除所选"), self.remove_candidate)
        for w in (QLabel(tr("职务")), self.add_post, self.add_name, self.add_gender, self.add_btn, self.remove_btn):
            add.addWidget(w)
        layout.addLayout(add)
        self.margin = QLabel()
        self.margin.setWordWrap(True)
        layout.addWidget(self.margin)
        prints = QHBoxLayout()
        self.sample_btn = button(tr("打印样票"), lambda: self.print_ballots(True))
        self.copies = QSpinBox()
        self.copies.setRange(1, 20000)
        self.copies.setSuffix(tr(" 张"))
        self.official_btn = button(tr("打印正式选票"), lambda: self.print_ballots(False))
        self.printed = QLabel()
        self.reopen_ballots_btn = button(tr("重新开启选票（管理员）"), self.reopen_ballots)
        self.reopen_ballots_btn.setToolTip(tr("正式选票印制后，选票上的候选人名单、职务和名额冻结；管理员填写理由后可重新开启，"
                                              "已印制的选票作废"))
        for pw in (self.sample_btn, QLabel(tr("正式选票")), self.copies, self.official_btn, self.printed,
                   self.reopen_ballots_btn):
            prints.addWidget(pw)
        prints.addStretch(1)
        layout.addLayout(prints)
        # the forms of the election day: 计票单 per post, the notices of who counts and who presides
        day_prints = QHBoxLayout()
        self.tally_btn = button(tr("打印计票单"), self.print_tally_sheets)
        self.tally_btn.setToolTip(tr("唱票计票用：每个职务一份，列出候选人姓名，留出划“正”字和合计的格子"))
        self.staff_btn = button(tr("打印监票人、计票人名单公告"), self.print_staff_notice)
        self.committee_btn = button(tr("打印村民选举委员会成员名单公告"), self.print_committee_notice)
        for pw in (self.tally_btn, self.staff_btn, self.committee_btn):
            day_prints.addWidget(pw)
        day_prints.addStretch(1)
        layout.addLayout(day_prints)

    def load(self) -> None:
        v, d = self.view, self.detail
        if v is None or d is None:
            return
        if v.held_on:
            self.held_on.setDate(QDate(v.held_on.year, v.held_on.month, v.held_on.day))
        self.electorate.setValue(v.electorate)
        self.present.setValue(v.present or 0)
        self.mode.setCurrentIndex(0 if v.mode == "差额" else 1)
        self.double.setChecked(d.double_entry)
        problems = d.margin_problems
        parts = []
        for p in v.posts:
            text = tr("{post} {n} 名").format(post=p.post, n=p.seats)
            if p.women_seats:
                text += tr("（妇女至少 {w} 名）").format(w=p.women_seats)
            parts.append(text)
        self.posts.setText(tr("应选：") + "；".join(parts))
        rows = [(p.post, c.order, c.label, c.gender or "", c.ballot_candidate_id)
                for p in v.posts for c in v.candidates_for(p.post)]
        set_rows(self.table, BALLOT_COLUMNS, rows, id_of=lambda r: r[4])
        self.table.resizeColumnToContents(2)  # 王伟（男，1975年生） in full
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_post.clear()
        self.add_post.addItems([p.post for p in v.posts])
        if problems:
            self.margin.setText(tr("差额检查未通过，不能印制正式选票：") + "；".join(problems))
            self.margin.setStyleSheet(RED)
        else:
            self.margin.setText(tr("差额检查：符合（按姓氏笔画排列）") if v.mode == "差额" else tr("自荐直选：选票只有空格，不列候选人"))
            self.margin.setStyleSheet(GREEN)
        self.printed.setText(tr("已印制正式选票 {n} 张").format(n=v.ballots_printed))
        ed = self.editable()
        for w in (self.save_btn, self.add_btn, self.remove_btn, self.official_btn, self.held_on, self.electorate,
                  self.present, self.mode, self.double):
            w.setEnabled(ed)
        if v.ballots_printed:  # official ballots printed: the list is frozen until an administrator reopens it
            self.add_btn.setEnabled(False)
            self.remove_btn.setEnabled(False)
        self.reopen_ballots_btn.setEnabled(bool(v.ballots_printed) and not v.official
                                           and self.ctx.can(Permission.ADMIN))

    def reopen_ballots(self) -> None:
        reason = Ask.text(self, tr("重新开启选票"), tr("重新开启后可以修改选票上的候选人、职务和名额，已印制的正式选票全部作废"
                                                     "（须销毁并重新印制）。\n请填写理由（将记入操作日志）"))
        if reason is None:
            return
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return

        def done(voided: int) -> None:
            if voided:
                Ask.info(self, tr("已重新开启选票"), tr("已作废印制的正式选票 {n} 张，选票名单可以修改").format(n=voided))
        self.ctx.write(lambda s: contests.reopen_ballots(s, actor, cid, reason), Area.ELECTIONS,
                       on_done=done, parent=self)

    def save_settings(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return
        d = self.held_on.date()
        fields = {"held_on": dt.date(d.year(), d.month(), d.day()), "electorate": self.electorate.value(),
                  "present": self.present.value() or None, "mode": self.mode.currentData(),
                  "double_entry": self.double.isChecked()}
        self.ctx.write(lambda s: contests.update_contest(s, actor, cid, **fields), Area.ELECTIONS, parent=self)

    def add_candidate(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return
        post, name, gender = self.add_post.currentText(), self.add_name.text(), self.add_gender.currentData()
        self.ctx.write(lambda s: contests.add_ballot_candidate(s, actor, cid, post, name, gender), Area.ELECTIONS,
                       on_done=lambda _id: self.add_name.clear(), parent=self)

    def remove_candidate(self) -> None:
        bc_id, actor = selected_id(self.table), self.ctx.actor
        if bc_id is not None:
            self.ctx.write(lambda s: contests.remove_ballot_candidate(s, actor, bc_id), Area.ELECTIONS, parent=self)

    def print_ballots(self, sample: bool) -> None:
        if self.view is None:
            return
        name = tr("{v}{b}{kind}").format(v=self.view.village, b=self.view.body_label,
                                         kind=tr("样票") if sample else tr("正式选票"))
        extra = {"sample": "1" if sample else "0", "copies": str(self.copies.value())}
        produce(self, self.ctx, "print", "ballots", Options(contest_id=self.cid, extra=extra), file_name=name)

    def print_tally_sheets(self) -> None:
        if self.view is None:
            return
        produce(self, self.ctx, "print", "tally-sheets", Options(contest_id=self.cid),
                file_name=tr("{v}{b}计票单").format(v=self.view.village, b=self.view.body_label))

    def _ask_names(self, title: str, questions: list[tuple[str, str]]) -> dict[str, str] | None:
        """Names typed for each (option key, question); None when cancelled. The database keeps no such list:
        names left empty print as blank lines to fill in by hand."""
        answers: dict[str, str] = {}
        for key, question in questions:
            text = Ask.text(self, title, question + tr("\n（多人用“、”隔开；不填则留空格，打印后手工填写）"))
            if text is None:
                return None
            if text.strip():
                answers[key] = text.strip()
        return answers

    def print_staff_notice(self) -> None:
        if self.view is None:
            return
        title = tr("监票人、计票人名单公告")
        extra = self._ask_names(title, [("chief", tr("总监票人姓名：")), ("scrutineers", tr("监票人姓名：")),
                                        ("tellers", tr("计票人姓名："))])
        if extra is None:
            return
        produce(self, self.ctx, "print", "election-staff-notice", Options(contest_id=self.cid, extra=extra),
                file_name=tr("{v}{b}监票人、计票人名单公告").format(v=self.view.village, b=self.view.body_label))

    def print_committee_notice(self) -> None:
        if self.view is None:
            return
        title = tr("村民选举委员会成员名单公告")
        extra = self._ask_names(title, [("chair", tr("村民选举委员会主任姓名：")), ("vice", tr("副主任姓名（没有可不填）：")),
                                        ("members", tr("委员姓名："))])
        if extra is None:
            return
        produce(self, self.ctx, "print", "election-committee-notice", Options(village=self.view.village, extra=extra),
                file_name=tr("{v}村民选举委员会成员名单公告").format(v=self.view.village))


# ---------------------------------------------------------------------------------------------------------------

class TotalsPanel(_Panel):
    """Mode (a): totals per candidate and mark, write-ins, invalid parts; reconciliation; merges; double entry."""

    def __init__(self, tab: ElectionTab) -> None:
        super().__init__(tab)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.entry = QComboBox()
        self.entry.addItem(tr("第 1 次录入"), 1)
        self.entry.addItem(tr("第 2 次录入"), 2)
        self.entry.currentIndexChanged.connect(self.load)
        self.issued, self.returned, self.invalid, self.present = _spin(), _spin(), _spin(), _spin()
        for label, w in ((tr("发出选票"), self.issued), (tr("收回选票"), self.returned), (tr("整张废票"), self.invalid),
                         (tr("实到党员"), self.present)):
            top.addWidget(QLabel(label))
            top.addWidget(w)
        top.addWidget(self.entry)
        top.addStretch(1)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.marks = QTableWidget(0, 5)
        self.marks.setHorizontalHeaderLabels([tr("职务"), tr("候选人"), *MARK_TITLES])
        self.marks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.marks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        split.addWidget(self.marks)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.writes = QTableWidget(0, 3)
        self.writes.setHorizontalHeaderLabels([tr("职务"), tr("另选人姓名"), tr("票数")])
        self.writes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_w_btn = add_w = button(tr("添加另选他人"), self.add_write_in_row)
        self.parts = QTableWidget(0, 3)
        self.parts.setHorizontalHeaderLabels([tr("职务"), tr("该职务无效张数"), tr("空余数（可不填）")])
        self.parts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rl.addWidget(QLabel(tr("另选他人")))
        rl.addWidget(self.writes, 1)
        rl.addWidget(add_w)
        rl.addWidget(QLabel(tr("各职务无效部分与空余（用于核对：有效票 × 应选 = 得票 + 空余）")))
        rl.addWidget(self.parts)
        split.addWidget(right)
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.save_btn = button(tr("保存并核对"), self.save)
        self.diff_btn = button(tr("对比两次录入"), self.show_diff)
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.diff_btn)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(110)
        layout.addWidget(self.problems)
        merge = QGroupBox(tr("合并另选人（同一人写法不同）"))
        ml = QHBoxLayout(merge)
        self.m_source = QComboBox()
        self.m_target = QComboBox()
        self.m_target.setEditable(True)
        self.m_btn = button(tr("合并"), self.merge)
        self.m_log = QLabel()
        self.m_log.setWordWrap(True)
        for mw in (QLabel(tr("把")), self.m_source, QLabel(tr("计为")), self.m_target, self.m_btn):
            ml.addWidget(mw)
        ml.addWidget(self.m_log, 1)
        layout.addWidget(merge)
        self._hints_for: int | None = None   # the contest whose merge hints are shown (computed when first shown)

    def load(self) -> None:
        v, d = self.view, self.detail
        if v is None or d is None:
            return
        entry_no = int(self.entry.currentData() or 1)
        double, mode = d.double_entry, d.tally_mode
        t = d.totals.get(entry_no, d.totals[1])
        log = d.merge_log
        self.entry.setVisible(double)
        self.diff_btn.setVisible(double)
        self.issued.setValue(v.ballots_issued)
        self.returned.setValue(v.ballots_returned)
        self.invalid.setValue(v.ballots_invalid)
        self.present.setValue(v.present or 0)
        self.marks.setRowCount(0)
        for p in v.posts:
            pt = t.posts.get(p.post)
            for cand in v.candidates_for(p.post):
                r = self.marks.rowCount()
                self.marks.insertRow(r)
                self._ro(self.marks, r, 0, p.post)
                self._ro(self.marks, r, 1, cand.label)  # the tally key: people of the same name are kept apart
                vals = (pt.votes.get(cand.label, 0), pt.disagree.get(cand.label, 0), pt.abstain.get(cand.label, 0)) \
                    if pt else (0, 0, 0)
                for col, val in enumerate(vals, start=2):
                    self.marks.setItem(r, col, QTableWidgetItem(str(val)))
        self.writes.setRowCount(0)
        for p in v.posts:
            pt = t.posts.get(p.post)
            for name, k in (pt.write_ins.items() if pt else []):
                r = self.writes.rowCount()
                self.writes.insertRow(r)
                for col, text in enumerate((p.post, name, str(k))):
                    self.writes.setItem(r, col, QTableWidgetItem(text))
        self.parts.setRowCount(0)
        for p in v.posts:
            pt = t.posts.get(p.post)
            r = self.parts.rowCount()
            self.parts.insertRow(r)
            self._ro(self.parts, r, 0, p.post)
            self.parts.setItem(r, 1, QTableWidgetItem(str(pt.invalid_parts if pt else 0)))
            self.parts.setItem(r, 2, QTableWidgetItem("" if not pt or pt.unused is None else str(pt.unused)))
        self.m_source.clear()
        self.m_target.clear()
        writes = [(p.post, n) for p in v.posts for n in (t.posts[p.post].write_ins if p.post in t.posts else {})]
        for post, name in writes:
            self.m_source.addItem(f"{post}：{name}", (post, name))
        targets = sorted({c.label for c in v.candidates} | {n for _, n in writes})
        self.m_target.addItems(targets)
        self._log_text = "；".join(tr("已合并：{p} {a} → {b}").format(p=p, a=a, b=b) for p, a, b in log)
        self.m_log.setText(self._log_text)
        self._hints_for = None
        if writes and self.isVisible():
            self._ask_hints()
        ed = self.editable() and mode == "totals"
        for w in (self.save_btn, self.m_btn, self.marks, self.writes, self.add_w_btn, self.parts, self.issued,
                  self.returned, self.invalid, self.present):
            w.setEnabled(ed)
        self.present.setEnabled(ed and v.body == "party_branch")
        if mode == "ballots":
            self.problems.clear()
            self.problems.addItem(tr("本次选举按逐张唱票录入，合计由唱票自动汇总（只读）"))
        self.m_btn.setEnabled(self.editable())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.detail is not None and self._hints_for != self.detail.id and self.m_source.count():
            self._ask_hints()

    def _ask_hints(self) -> None:
        """Probable same-person pairs among written-in names (pinyin comparison): computed on the database worker
        when the panel is shown, not when the tab is built."""
        cid = self.cid
        if cid is None:
            return
        self._hints_for = cid

        def show(hints: list[tuple[str, str, str]]) -> None:
            if cid != self.cid or not hints:
                return
            text = self._log_text
            self.m_log.setText(text + ("；" if text else "") + tr("可能是同一人：") + "、".join(
                f"{a}≈{b}" for a, b, _ in hints))
        self.ctx.query(lambda s: queries.merge_hints(s, cid), show, parent=self)

    @staticmethod
    def _ro(table: QTableWidget, r: int, c: int, text: str) -> None:
        item = QTableWidgetItem(text)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        table.setItem(r, c, item)

    def add_write_in_row(self) -> None:
        if self.view is None:
            return
        r = self.writes.rowCount()
        self.writes.insertRow(r)
        post = next((p.post for p in reversed(self.view.posts) if p.seats > 0), "")
        for col, text in enumerate((post, "", "0")):
            self.writes.setItem(r, col, QTableWidgetItem(text))
        self.writes.setCurrentCell(r, 1)
        self.writes.editItem(self.writes.currentItem())

    @staticmethod
    def _text(table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item is not None else ""

    def _int(self, table: QTableWidget, r: int, c: int, what: str, allow_blank: bool = False) -> int | None:
        text = self._text(table, r, c)
        if not text and allow_blank:
            return None
        try:
            value = int(text or "0")
        except ValueError:
            raise UserError(tr("第 {r} 行“{what}”应为整数，收到“{t}”").format(r=r + 1, what=what, t=text)) from None
        if value < 0:
            raise UserError(tr("第 {r} 行“{what}”不能为负数").format(r=r + 1, what=what))
        return value

    def _collect(self) -> TotalsEntry:
        marks: dict[tuple[str, str], tuple[int, int, int]] = {}
        for r in range(self.marks.rowCount()):
            key = (self._text(self.marks, r, 0), self._text(self.marks, r, 1))
            agree, disagree, abstain = (self._int(self.marks, r, c, MARK_TITLES[c - 2]) or 0 for c in (2, 3, 4))
            marks[key] = (agree, disagree, abstain)
        writes: dict[str, dict[str, int]] = {}
        for r in range(self.writes.rowCount()):
            post = self._text(self.writes, r, 0)
            name = self._text(self.writes, r, 1)
            if not name:
                continue
            k = self._int(self.writes, r, 2, tr("票数")) or 0
            writes.setdefault(post, {})
            writes[post][name] = writes[post].get(name, 0) + k
        extra: dict[str, tuple[int, int | None]] = {}
        for r in range(self.parts.rowCount()):
            extra[self._text(self.parts, r, 0)] = (self._int(self.parts, r, 1, tr("无效张数")) or 0,
                                                   self._int(self.parts, r, 2, tr("空余数"), allow_blank=True))
        return TotalsEntry(marks, writes, extra)

    def save(self) -> None:
        try:
            data = self._collect()
        except UserError as exc:
            show_error(self, exc)
            return
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return
        entry_no = int(self.entry.currentData() or 1)
        present = self.present.value() if self.view and self.view.body == "party_branch" else None
        issued, returned, invalid = self.issued.value(), self.returned.value(), self.invalid.value()
        self.ctx.write(lambda s: tally.save_totals(s, actor, cid, issued=issued, returned=returned, invalid=invalid,
                                                   marks=data.marks, write_ins=data.write_ins,
                                                   post_extra=data.post_extra, present=present, entry_no=entry_no),
                       Area.ELECTIONS, on_done=self.show_problems, parent=self)

    def show_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        if not problems:
            item = QListWidgetItem(tr("核对无误：各职务有效票 × 应选名额与得票、空余相符，收回选票不多于发出选票"))
            item.setForeground(Qt.GlobalColor.darkGreen)
            self.problems.addItem(item)
        for p in problems:
            item = QListWidgetItem(p)
            item.setForeground(Qt.GlobalColor.red)
            self.problems.addItem(item)

    def show_diff(self) -> None:
        cid = self.cid
        if cid is not None:
            self.ctx.query(lambda s: tally.double_entry_diff(s, cid), lambda rows: DiffDialog.show_diff(rows, self),
                           parent=self)

    def merge(self) -> None:
        data = self.m_source.currentData()
        target = self.m_target.currentText().strip()
        cid, actor = self.cid, self.ctx.actor
        if not data or not target or cid is None:
            return
        post, name = data
        self.ctx.write(lambda s: tally.merge_write_in(s, actor, cid, post, name, target), Area.ELECTIONS,
                       on_done=lambda note: Ask.info(self, tr("已合并"), note) if note else None, parent=self)


# ---------------------------------------------------------------------------------------------------------------

class CallPanel(_Panel):
    """Mode (b): ballot by ballot, keyboard only, validated as typed; projector window with running totals."""

    def __init__(self, tab: ElectionTab) -> None:
        super().__init__(tab)
        layout = QVBoxLayout(self)
        counts = QHBoxLayout()
        self.issued, self.returned = _spin(), _spin()
        self.counts_btn = button(tr("保存张数"), self.save_counts)
        for w in (QLabel(tr("发出选票")), self.issued, QLabel(tr("收回选票")), self.returned, self.counts_btn):
            counts.addWidget(w)
        counts.addStretch(1)
        self.projector_btn = button(tr("打开投影窗口"), self.open_projector)
        counts.addWidget(self.projector_btn)
        layout.addLayout(counts)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.legend)
        help_ = QLabel(tr("每张选票输入一行，按回车保存：各职务用 / 分隔；数字=同意，-数字=不同意，*数字=弃权，"
                          "+姓名=另选他人；x 原因=整张无效。Ctrl+Z 撤销上一张。"))
        help_.setWordWrap(True)
        help_.setStyleSheet("color: #555;")
        layout.addWidget(help_)
        self.code = QLineEdit()
        f = QFont()
        f.setPointSize(16)
        self.code.setFont(f)
        self.code.setPlaceholderText(tr("例：1/2/134+赵敏"))
        self.code.textChanged.connect(self.preview)
        self.code.returnPressed.connect(self.submit)
        layout.addWidget(self.code)
        self.live = QLabel()
        self.live.setWordWrap(True)
        self.live.setFont(f)
        layout.addWidget(self.live)
        self.undo_sc = QShortcut(QKeySequence.StandardKey.Undo, self.code)
        self.undo_sc.activated.connect(self.undo)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.totals_view = QTableView()
        split.addWidget(self.totals_view)
        self.recent = QListWidget()
        split.addWidget(self.recent)
        layout.addWidget(split, 1)
        self.projector: Any = None
        self._shown_contest: int | None = None
        self._cands: dict[str, list[str]] = {}
        self._seats: dict[str, int] = {}

    def load(self) -> None:
        v, d = self.view, self.detail
        if v is None or d is None:
            return
        self._seats = v.seats
        self._cands = {p.post: [c.label for c in v.candidates_for(p.post)] for p in v.posts}
        lines = []
        for p in v.posts:
            names = "  ".join(f"{i % 10}.{n}" for i, n in enumerate(self._cands[p.post], start=1))
            lines.append(tr("{post}（应选 {n}）：{names}").format(post=p.post, n=p.seats, names=names or tr("无候选人，用 +姓名")))
        self.legend.setText("   /   ".join(lines))
        self.issued.setValue(v.ballots_issued)
        self.returned.setValue(v.ballots_returned)
        has_entries = d.has_totals_entries
        t = d.ballot_totals if d.tally_mode == "ballots" else None
        rows = []
        if t:
            for p in v.posts:
                pt = t.posts.get(p.post)
                if not pt:
                    continue
                for n in self._cands[p.post]:
                    rows.append((p.post, n, pt.votes.get(n, 0)))
                for n, k in pt.write_ins.items():
                    rows.append((p.post, n + tr("（另选）"), k))
        set_rows(self.totals_view, CALL_COLUMNS, rows)
        self.totals_view.horizontalHeader().setStretchLastSection(True)
        self.recent.clear()
        for i, chk in d.recent_ballots:
            item = QListWidgetItem(tr("第 {n} 张：{d}").format(n=i, d=describe(chk, [p.post for p in v.posts])))
            if chk.problems:
                item.setForeground(Qt.GlobalColor.red)
            self.recent.addItem(item)
        ed = self.editable() and not has_entries
        self.code.setEnabled(ed)
        self.counts_btn.setEnabled(self.editable())
        if has_entries:
            self.live.setText(tr("本次选举已按合计方式录入，不能再逐张唱票"))
            self.live.setStyleSheet("")
        elif self._shown_contest != v.id:  # another contest: the last line's verdict belongs to the one before
            self.live.setText("")
        self._shown_contest = v.id
        self._push_projector(t)

    def _threshold_text(self) -> str:
        v = self.view
        if v is None:
            return ""
        if v.body == "party_branch":
            return tr("当选须超过 {h} 票").format(h=(v.present or 0) // 2) if v.present else ""
        if v.round == "additional":
            return tr("当选至少 {t} 票").format(t=one_third_minimum(v.ballots_returned)) if v.ballots_returned else ""
        return tr("当选须超过 {h} 票").format(h=majority_minimum(v.ballots_returned) - 1) if v.ballots_returned else ""

    def _push_projector(self, t: Any) -> None:
        if self.projector is not None and t is not None and self.view is not None:
            self.projector.show_totals(self.view.title, t, self._seats, self._cands, self._threshold_text())

    def preview(self, text: str) -> None:
        if not text.strip():
            self.live.setText("")
            return
        try:
            ballot = parse_code(text, list(self._seats), self._cands)
            chk = check_ballot(ballot, self._seats, self._cands)
        except UserError as exc:
            self.live.setText(str(exc))
            self.live.setStyleSheet(RED)
            return
        self.live.setText(describe(chk, list(self._seats)))
        self.live.setStyleSheet(RED if chk.problems else GREEN)

    def submit(self) -> None:
        text = self.code.text()
        cid, actor = self.cid, self.ctx.actor
        if not text.strip() or cid is None:
            return
        try:
            ballot = parse_code(text, list(self._seats), self._cands)
        except UserError as exc:
            self.live.setText(str(exc))
            self.live.setStyleSheet(RED)
            return
        self.code.clear()  # the next ballot can be typed while this one is saved

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, UserError):
                raise exc
            if not self.code.text():
                self.code.setText(text)  # give the refused line back for correction
            self.live.setText(str(exc))
            self.live.setStyleSheet(RED)
        self.ctx.write(lambda s: tally.add_ballot(s, actor, cid, ballot), Area.ELECTIONS, on_error=refused, parent=self)
        self.code.setFocus()

    def undo(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return

        def done(serial: int | None) -> None:
            if serial:
                self.live.setText(tr("已撤销第 {n} 张").format(n=serial))
                self.live.setStyleSheet("")
        self.ctx.write(lambda s: tally.undo_last_ballot(s, actor, cid), Area.ELECTIONS, on_done=done, parent=self)

    def save_counts(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return
        issued, returned = self.issued.value(), self.returned.value()
        self.ctx.write(lambda s: tally.save_counts(s, actor, cid, issued=issued, returned=returned), Area.ELECTIONS,
                       parent=self)

    def open_projector(self) -> None:
        if self.projector is None:
            self.projector = ProjectorWindow()
        self.projector.show()
        self.projector.raise_()
        self._push_projector(self.detail.ballot_totals if self.detail is not None else None)


# ---------------------------------------------------------------------------------------------------------------

class SpoiltPanel(_Panel):
    def __init__(self, tab: ElectionTab) -> None:
        super().__init__(tab)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("废票登记：逐张唱票时自动记入；合计录入时在此逐张登记原因。")))
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        form = QHBoxLayout()
        self.serial = QSpinBox()
        self.serial.setRange(0, 100000)
        self.serial.setPrefix(tr("第 "))
        self.serial.setSuffix(tr(" 张"))
        self.scope = QComboBox()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("原因，如：选了 4 人，多于应选 3 名"))
        self.add_btn = button(tr("登记"), self.add)
        self.del_btn = button(tr("删除所选登记"), self.delete)
        for w in (self.serial, self.scope, self.reason, self.add_btn, self.del_btn):
            form.addWidget(w)
        layout.addLayout(form)

    def load(self) -> None:
        v, d = self.view, self.detail
        if v is None or d is None:
            return
        # a row's id is the register entry's (None for a ballot called ballot by ballot: undone with its ballot)
        set_rows(self.table, SPOILT_COLUMNS, [(r.serial or "", r.scope, r.reason, r.source, r.id) for r in d.spoilt],
                 id_of=lambda r: r[4])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.scope.clear()
        self.scope.addItems([tr("整张")] + [p.post for p in v.posts])
        for w in (self.add_btn, self.del_btn):
            w.setEnabled(self.editable())

    def add(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is None:
            return
        scope, reason, serial = self.scope.currentText(), self.reason.text(), self.serial.value()
        self.ctx.write(lambda s: tally.add_spoilt(s, actor, cid, scope, reason, serial), Area.ELECTIONS,
                       on_done=lambda _id: self.reason.clear(), parent=self)

    def delete(self) -> None:
        if not has_selection(self.table):
            return
        spoilt_id, actor = selected_id(self.table), self.ctx.actor
        if spoilt_id is None:
            Ask.error(self, tr("不能删除"), tr("逐张唱票产生的废票记录随选票一起撤销，不能单独删除"))
            return
        self.ctx.write(lambda s: tally.delete_spoilt(s, actor, spoilt_id), Area.ELECTIONS, parent=self)


# ---------------------------------------------------------------------------------------------------------------

class ResultPanel(_Panel):
    def __init__(self, tab: ElectionTab) -> None:
        super().__init__(tab)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.compute_btn = button(tr("计算选举结果"), self.compute)
        self.tie_btn = button(tr("记录重新投票结果"), self.resolve_tie)
        self.identify_btn = button(tr("核实另选当选人"), self.identify_write_in)
        self.lock_btn = button(tr("确认为正式结果"), self.lock)
        self.reopen_btn = button(tr("重新开启（管理员）"), self.reopen)
        for w in (self.compute_btn, self.tie_btn, self.identify_btn, self.lock_btn, self.reopen_btn):
            top.addWidget(w)
        top.addStretch(1)
        layout.addLayout(top)
        self.verdict = QLabel()
        f = QFont()
        f.setPointSize(15)
        f.setBold(True)
        self.verdict.setFont(f)
        layout.addWidget(self.verdict)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.elected = QTableView()
        split.addWidget(self.elected)
        self.reasons = QListWidget()
        self.reasons.setWordWrap(True)
        split.addWidget(self.reasons)
        split.setSizes([300, 500])
        layout.addWidget(split, 1)
        self.lock_info = QLabel()
        self.lock_info.setWordWrap(True)
        layout.addWidget(self.lock_info)
        prints = QHBoxLayout()
        for title, fn in ((tr("打印选举结果报告单"), self.print_report), (tr("打印当选公告"), self.print_notice),
                          (tr("打印当选证书"), self.print_certificates), (tr("导出结果工作簿"), self.export)):
            b = button(title, fn)
            prints.addWidget(b)
        prints.addStretch(1)
        layout.addLayout(prints)

    def load(self) -> None:
        v = self.view
        if v is None:
            return
        r = v.result
        self.reasons.clear()
        rows = []
        if not r:
            self.verdict.setText(tr("尚未计算结果"))
            self.verdict.setStyleSheet("")
        else:
            if r.get("valid"):
                self.verdict.setText(tr("选举有效") + ("" if v.official else tr("（未确认）")))
                self.verdict.setStyleSheet(GREEN)
            else:
                self.verdict.setText(tr("选举无效") if r.get("outcome") == "void" else tr("计票数据有误，未产生当选人"))
                self.verdict.setStyleSheet(RED)
            for reason in r.get("reasons", []):
                self.reasons.addItem(reason)
            rank = {p.post: i for i, p in enumerate(v.posts)}
            for e in sorted(r.get("elected", []), key=lambda e: (rank.get(e["post"], 99), stroke_key(e["name"]))):
                rows.append((e["post"], e.get("label") or e["name"], e["votes"], (e.get("share") or "") + "%"))
        set_rows(self.elected, ELECTED_COLUMNS, rows)
        self.elected.horizontalHeader().setStretchLastSection(True)
        history = self.detail.lock_history if self.detail is not None else []
        lines = [tr("{when} {who} {what}{why}").format(
            when=when.strftime("%Y-%m-%d %H:%M") if when else "", who=who,
            what=tr("确认为正式结果") if action == "lock" else tr("重新开启"), why=f"：{reason}" if reason else "")
            for when, action, who, reason in history]
        state = tr("已确认为正式结果：计票和结果只读。") if v.official else tr("结果未确认：打印件均加盖“未确认”。")
        self.lock_info.setText(state + ("  " + "；".join(lines) if lines else ""))
        ed = self.editable()
        self.compute_btn.setEnabled(ed)
        self.tie_btn.setEnabled(ed and bool(r and r.get("ties")))
        self.identify_btn.setEnabled(ed and bool(r and r.get("write_in_unresolved")))
        self.lock_btn.setEnabled(not v.official and bool(r) and self.ctx.can(Permission.REVIEW))
        self.reopen_btn.setEnabled(v.official and self.ctx.can(Permission.ADMIN))

    def compute(self) -> None:
        cid, actor = self.cid, self.ctx.actor
        if cid is not None:
            self.ctx.write(lambda s: outcome.compute_result(s, actor, cid), Area.ELECTIONS, parent=self)

    def resolve_tie(self) -> None:
        r = (self.view.result or {}) if self.view else {}
        ties = r.get("ties") or []
        if not ties:
            return
        t = ties[0]
        names = Ask.text(self, tr("记录重新投票结果"), tr("{post}：{names} 票数相等，争 {n} 个名额。请输入当选人姓名（多人用、分隔）").format(
            post=t["post"], names="、".join(t.get("labels") or t["names"]), n=t.get("seats", 1)))
        if not names:
            return
        how = Ask.text(self, tr("记录重新投票结果"), tr("如何解决（如：重新投票，张三 120 票、李四 98 票）"))
        if not how:
            return
        chosen = [n.strip() for n in names.replace("，", "、").replace(",", "、").split("、") if n.strip()]
        cid, actor = self.cid, self.ctx.actor
        if cid is not None:
            self.ctx.write(lambda s: outcome.resolve_tie(s, actor, cid, t["post"], chosen, how), Area.ELECTIONS,
                           parent=self)

    def identify_write_in(self) -> None:
        """A written-in winner whose name fits several people of the village, one of them barred: record who."""
        r = (self.view.result or {}) if self.view else {}
        cases = r.get("write_in_unresolved") or []
        if not cases:
            return
        case, cid = cases[0], self.cid
        if cid is not None:
            self.ctx.query(lambda s: outcome.write_in_choices(s, cid, case["name"]),
                           lambda choices: self._identify(cid, case, choices), parent=self)

    def _identify(self, cid: int, case: dict[str, Any], choices: list[tuple[str, str]]) -> None:
        picked = Ask.choose(self, tr("核实另选当选人"), tr("另选当选{post}的“{name}”是哪一位？（{why}）").format(
            post=case["post"], name=case["name"], why=case["reason"]), [text for _, text in choices])
        if picked is None:
            return
        reason = Ask.text(self, tr("核实另选当选人"), tr("核实依据（如：经本人身份证核对）"))
        if not reason:
            return
        actor, who = self.ctx.actor, choices[picked][0]
        self.ctx.write(lambda s: outcome.identify_write_in(s, actor, cid, case["name"], who, reason), Area.ELECTIONS,
                       parent=self)

    def lock(self) -> None:
        if not Ask.confirm(self, tr("确认为正式结果"), tr("确认后计票和结果只读，当选人的候选人状态改为“当选”。确定吗？")):
            return
        cid, actor = self.cid, self.ctx.actor
        if cid is not None:
            self.ctx.write(lambda s: outcome.mark_official(s, actor, cid), Area.ELECTIONS,
                           on_done=lambda notes: Ask.info(self, tr("已确认"), "\n".join(notes)) if notes else None,
                           parent=self)

    def reopen(self) -> None:
        reason = Ask.text(self, tr("重新开启"), tr("重新开启后计票可以更正，本次选举的当选、未当选人员改回“正式候选人”，"
                                                   "当选人的践诺事项撤回；更正后须重新确认。\n请填写重新开启的理由（将记入操作日志）"))
        if reason is None:
            return
        cid, actor = self.cid, self.ctx.actor
        if cid is not None:
            self.ctx.write(lambda s: outcome.reopen(s, actor, cid, reason), Area.ELECTIONS,
                           on_done=lambda notes: Ask.info(self, tr("已重新开启"), "\n".join(notes)) if notes else None,
                           parent=self)

    def _produce(self, kind: str, name: str) -> None:
        """A print or export of the registry (the command line's forms), for the selected contest."""
        if self.view is None:
            return
        produce(self, self.ctx, kind, name, Options(contest_id=self.cid),
                file_name=f"{self.view.village}{self.view.body_label}{find_form(kind, name).title}")

    def print_report(self) -> None:
        self._produce("print", "result-report")

    def print_notice(self) -> None:
        self._produce("print", "winners-notice")

    def print_certificates(self) -> None:
        self._produce("print", "certificates")

    def export(self) -> None:
        """The results workbook of every contest in the village shown (the whole township when none is chosen)."""
        village = self.tab.village_name
        produce(self, self.ctx, "export", "results", Options(village=village or None),
                file_name=(village or tr("全乡镇")) + find_form("export", "results").title)


# ---------------------------------------------------------------------------------------------------------------

class ElectionTab(Page):
    """Contests of the current village (or the whole township) on the left, the selected contest on the right."""

    AREAS = frozenset({Area.ELECTIONS, Area.CANDIDATES, Area.TOWNSHIP})

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.contest_id: int | None = None
        self.view: ContestView | None = None
        self.contest: ContestDetail | None = None
        self.village_name = ""
        self._rows: list[ContestRow] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_btn = button(tr("新建选举"), self.new_contest, ctx.can(Permission.EDIT))
        self.additional_btn = button(tr("为缺额建立另行选举"), self.new_additional, ctx.can(Permission.EDIT))
        bar.addWidget(self.new_btn)
        bar.addWidget(self.additional_btn)
        bar.addStretch(1)
        self.banner = QLabel()
        f = QFont()
        f.setPointSize(13)
        f.setBold(True)
        self.banner.setFont(f)
        bar.addWidget(self.banner)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QTableView()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_model = RowsModel.from_rows(CONTEST_COLUMNS, [], parent=self)
        self.list_proxy = sorting_proxy(self.list_model, self)
        self.list.setModel(self.list_proxy)
        sortable(self.list)
        self.list.selectionModel().selectionChanged.connect(self._selected)
        split.addWidget(self.list)
        self.detail = QTabWidget()
        self.ballots = BallotsPanel(self)
        self.totals_panel = TotalsPanel(self)
        self.call = CallPanel(self)
        self.spoilt = SpoiltPanel(self)
        self.result = ResultPanel(self)
        self.detail.addTab(self.ballots, tr("职务与选票"))
        self.detail.addTab(self.totals_panel, tr("合计录入"))
        self.detail.addTab(self.call, tr("逐张唱票"))
        self.detail.addTab(self.spoilt, tr("废票登记"))
        self.detail.addTab(self.result, tr("结果与确认"))
        self.detail.setEnabled(False)
        split.addWidget(self.detail)
        split.setSizes([380, 900])
        layout.addWidget(split, 1)
        self.empty = QLabel(tr("当前范围内还没有选举。选择村后点“新建选举”，从该村组织的职数和资格合格的候选人建立。"))
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.reload()

    def fetch(self, session: Session) -> queries.ElectionPageData:
        return queries.election_page(session, self.ctx.village_id, self.contest_id)

    def show_data(self, data: queries.ElectionPageData) -> None:
        self._rows = data.contests
        self.village_name = data.village
        self.list.selectionModel().blockSignals(True)
        self.list_model = RowsModel.from_rows(CONTEST_COLUMNS, data.contests, parent=self)
        self.list_proxy.setSourceModel(self.list_model)
        self.list.resizeColumnsToContents()
        self.empty.setVisible(not data.contests)
        self.detail.setEnabled(data.detail is not None)
        self.contest = data.detail
        self.view = data.detail.view if data.detail is not None else None
        self.contest_id = data.detail.id if data.detail is not None else None
        for row in range(self.list_proxy.rowCount()):
            if self.list_proxy.index(row, 0).data(ID_ROLE) == self.contest_id:
                self.list.selectRow(row)
        self.list.selectionModel().blockSignals(False)
        v = self.view
        if v is None:
            self.banner.setText("")
            return
        state = tr("已确认") if v.official else tr("未确认")
        self.banner.setText(tr("{title}　{state}").format(title=v.title, state=state))
        self.banner.setStyleSheet(GREEN if v.official else RED)
        for panel in (self.ballots, self.totals_panel, self.call, self.spoilt, self.result):
            panel.load()

    def select(self, contest_id: int) -> None:
        """Show ``contest_id`` (loaded on the database worker)."""
        self.contest_id = contest_id
        self.reload()

    def _selected(self) -> None:
        contest_id = selected_id(self.list)
        if contest_id is not None and contest_id != self.contest_id:
            self.select(contest_id)

    def refresh(self) -> None:
        """Reload the list (status column) and the selected contest."""
        self.reload()

    def new_contest(self) -> None:
        village_id = self.ctx.village_id
        self.ctx.query(lambda s: queries.new_contest_choices(s, village_id), self._ask_new_contest, parent=self)

    def _ask_new_contest(self, orgs: list[OrgChoice]) -> None:
        if not orgs:
            Ask.error(self, tr("无法新建"), tr("当前届次还没有村组织，请先在“乡镇与届次”中建立届次"))
            return
        contest_id = NewContestDialog.ask(self.ctx, orgs, self)
        if contest_id is not None:
            self.select(contest_id)

    def new_additional(self) -> None:
        cid, actor = self.contest_id, self.ctx.actor
        if cid is not None:
            self.ctx.write(lambda s: contests.create_additional_contest(s, actor, cid), Area.ELECTIONS,
                           on_done=self.select, parent=self)
