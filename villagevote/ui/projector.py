"""A second window for the projector during 唱票: running totals in large type, updated after every ballot.

F11 toggles full screen, Esc leaves full screen. Names are in ballot order (姓氏笔画), written-in names after them.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from villagevote.elections.tally_logic import TallyTotals
from villagevote.i18n import tr


class ProjectorWindow(QWidget):
    """Large-type running totals. Call :meth:`show_totals` after each ballot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(tr("唱票实时统计"))
        self.setObjectName("projector")
        self.setStyleSheet("#projector { background: #10243e; } QLabel { color: white; }"
                           "QProgressBar { background: #1d3a5f; border: none; height: 22px; }"
                           "QProgressBar::chunk { background: #f2b134; }")
        self.resize(1280, 720)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(40, 30, 40, 30)
        self.title = QLabel()
        self.title.setFont(self._font(34, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QLabel()
        self.progress.setFont(self._font(24))
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.progress)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(8)
        self._layout.addWidget(self.body, 1)

    @staticmethod
    def _font(size: int, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSize(size)
        f.setBold(bold)
        return f

    def show_totals(self, title: str, totals: TallyTotals, seats: dict[str, int],
                    order: dict[str, list[str]], threshold_text: str = "") -> None:
        self.title.setText(title)
        entered = totals.ballots_entered or 0
        line = tr("已唱票 {k} 张 / 收回选票 {r} 张    整张无效 {w} 张").format(
            k=entered, r=totals.returned, w=totals.wholly_invalid)
        if threshold_text:
            line += "    " + threshold_text
        self.progress.setText(line)
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        row = 0
        top = max([1] + [v for pt in totals.posts.values() for v in list(pt.votes.values()) + list(pt.write_ins.values())])
        for post, n in seats.items():
            if n <= 0:
                continue
            pt = totals.posts.get(post)
            head = QLabel(tr("{post}（应选 {n} 名）").format(post=post, n=n)
                          + (tr("  本职务无效 {k} 张").format(k=pt.invalid_parts) if pt and pt.invalid_parts else ""))
            head.setFont(self._font(26, bold=True))
            head.setStyleSheet("color: #f2b134;")
            self.grid.addWidget(head, row, 0, 1, 3)
            row += 1
            names = list(order.get(post, []))
            counts = dict(pt.votes) if pt else {}
            if pt:
                for name in pt.write_ins:
                    if name not in names:
                        names.append(name)
                counts.update(pt.write_ins)
            for name in names:
                label = QLabel(name + (tr("（另选）") if pt and name in pt.write_ins else ""))
                label.setFont(self._font(28))
                bar = QProgressBar()
                bar.setRange(0, top)
                bar.setValue(counts.get(name, 0))
                bar.setTextVisible(False)
                value = QLabel(str(counts.get(name, 0)))
                value.setFont(self._font(32, bold=True))
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.grid.addWidget(label, row, 0)
                self.grid.addWidget(bar, row, 1)
                self.grid.addWidget(value, row, 2)
                row += 1
            line_ = QFrame()
            line_.setFrameShape(QFrame.Shape.HLine)
            self.grid.addWidget(line_, row, 0, 1, 3)
            row += 1
        self.grid.setColumnStretch(1, 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        elif event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
        else:
            super().keyPressEvent(event)
