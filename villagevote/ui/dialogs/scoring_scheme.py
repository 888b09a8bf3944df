"""Edit a scoring scheme that has no scores yet: criteria, rater groups, bonus and deduction items with caps,
aggregation, rounding, cut-off and tie rule. The result is checked by ``scheme_from_dict``; a scheme that breaks a rule
(weights not summing as required, negative caps …) is refused with every problem listed and the dialog stays open.

The small editable tables here hold a handful of rows each, so plain item widgets are used.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.scoring.scheme import (
    METHOD_MEAN,
    METHOD_TRIMMED,
    SCOPE_PER_GROUP,
    SCOPE_POOLED,
    method_label,
    scheme_from_dict,
    scope_label,
)
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.widgets import button


class _Grid(QGroupBox):
    def __init__(self, title: str, headers: list[str], rows: list[list[str]]) -> None:
        super().__init__(title)
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.setMinimumHeight(120)
        lay.addWidget(self.table)
        bar = QHBoxLayout()
        add = button(tr("加一行"), lambda: self.table.insertRow(self.table.rowCount()))
        rm = button(tr("删除所选行"), self._remove)
        bar.addWidget(add)
        bar.addWidget(rm)
        bar.addStretch(1)
        lay.addLayout(bar)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            items = [self.table.item(r, c) for c in range(self.table.columnCount())]
            vals = [item.text().strip() if item is not None else "" for item in items]
            if any(vals):
                out.append(vals)
        return out


def _none(text: str) -> str | None:
    text = text.strip()
    return text or None


class SchemeEditor(QDialog):
    """The scheme's definition in editable grids. "检查并保存" checks the whole definition first, then (with ``ctx``
    and ``write``) saves it through ``ctx.write(write(session, definition))``; a problem is shown in red above the
    buttons and the dialog stays open with everything typed."""

    def __init__(self, data: dict[str, Any], parent: QWidget | None = None, *, ctx: Any = None,
                 write: Callable[[Any, dict[str, Any]], Any] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("修改评分方案"))
        self._ctx, self._write = ctx, write
        self.resize(900, 760)
        self.original = dict(data)
        self.answer: dict[str, Any] | None = None
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        form = QFormLayout()
        self.name = QLineEdit(data.get("name", ""))
        self.description = QLineEdit(data.get("description", ""))
        self.crit_sum = QLineEdit(data.get("criteria_weights_must_sum_to") or "")
        self.crit_sum.setPlaceholderText(tr("留空：各项分值直接相加"))
        self.group_sum = QLineEdit(data.get("group_weights_must_sum_to") or "")
        self.method = QComboBox()
        for m in (METHOD_MEAN, METHOD_TRIMMED):
            self.method.addItem(method_label(m), m)
        self.method.setCurrentIndex(0 if data["aggregation"]["method"] == METHOD_MEAN else 1)
        self.scope = QComboBox()
        for sc in (SCOPE_POOLED, SCOPE_PER_GROUP):
            self.scope.addItem(scope_label(sc), sc)
        self.scope.setCurrentIndex(0 if data["aggregation"]["scope"] == SCOPE_POOLED else 1)
        self.trim_min = QSpinBox()
        self.trim_min.setRange(3, 50)
        self.trim_min.setValue(int(data["aggregation"].get("trim_min_raters", 3)))
        self.places = QSpinBox()
        self.places.setRange(0, 4)
        self.places.setValue(int(data["rounding"]["places"]))
        self.entry_places = QSpinBox()
        self.entry_places.setRange(0, 3)
        self.entry_places.setValue(int(data.get("entry_places", 2)))
        self.min_total = QLineEdit(data["cutoff"].get("min_total") or "")
        self.min_total.setPlaceholderText(tr("留空：不设最低分"))
        self.top_n = QSpinBox()
        self.top_n.setRange(0, 99)
        self.top_n.setSpecialValueText(tr("不限"))
        self.top_n.setValue(int(data["cutoff"].get("top_n_per_post") or 0))
        self.bonus_cap = QLineEdit(data.get("bonus_total_cap") or "")
        self.ded_cap = QLineEdit(data.get("deduction_total_cap") or "")
        self.ties = QLineEdit("，".join(data["tie_rule"].get("priority_criteria", [])))
        self.ties.setPlaceholderText(tr("评分项代码，依次比较，用逗号分隔"))
        for label, w in ((tr("方案名称"), self.name), (tr("说明"), self.description),
                         (tr("评分项权重之和须为"), self.crit_sum), (tr("评委组权重之和须为"), self.group_sum),
                         (tr("计分方法"), self.method), (tr("计分范围"), self.scope),
                         (tr("去分所需最少评委数"), self.trim_min), (tr("总分保留小数位"), self.places),
                         (tr("评分录入小数位"), self.entry_places), (tr("最低总分"), self.min_total),
                         (tr("每个职位前 N 名"), self.top_n), (tr("加分合计上限"), self.bonus_cap),
                         (tr("扣分合计上限"), self.ded_cap), (tr("同分时依次比较"), self.ties)):
            form.addRow(label, w)
        lay.addLayout(form)

        self.criteria = _Grid(tr("评分项"), [tr("代码"), tr("名称"), tr("满分"), tr("权重"), tr("评分的评委组（代码，逗号分隔；空=全部）"),
                                          tr("组权重（代码=权重，逗号分隔）")],
                              [[c["code"], c["name"], c["max"], c["weight"], "，".join(c.get("groups") or []),
                                "，".join(f"{k}={v}" for k, v in (c.get("group_weights") or {}).items())]
                               for c in data["criteria"]])
        self.groups = _Grid(tr("评委组"), [tr("代码"), tr("名称"), tr("权重")],
                            [[g["code"], g["name"], g["weight"]] for g in data["rater_groups"]])
        self.bonus = _Grid(tr("加分项"), [tr("代码"), tr("名称"), tr("每人上限"), tr("说明")],
                           [[i["code"], i["name"], i["cap"], i.get("hint", "")] for i in data.get("bonus_items", [])])
        self.deduction = _Grid(tr("扣分项"), [tr("代码"), tr("名称"), tr("每人上限"), tr("说明")],
                               [[i["code"], i["name"], i["cap"], i.get("hint", "")]
                                for i in data.get("deduction_items", [])])
        for g in (self.criteria, self.groups, self.bonus, self.deduction):
            lay.addWidget(g)
        note = QLabel(tr("评分项的“等次”设置（如 优100 良90）沿用原方案，不在此修改。"))
        note.setStyleSheet("color:#666")
        lay.addWidget(note)

        self.problems = QLabel()
        self.problems.setStyleSheet(FieldErrors.STYLE)
        self.problems.setWordWrap(True)
        self.problems.hide()
        outer.addWidget(self.problems)
        outer.addWidget(ok_cancel(self, self._accept, tr("检查并保存")))

    def data(self) -> dict[str, Any]:
        d = dict(self.original)
        levels = {c["code"]: c.get("levels") for c in self.original["criteria"]}
        crits = []
        for code, name, mx, weight, groups, gweights in self.criteria.rows():
            c: dict[str, Any] = {"code": code, "name": name, "max": mx, "weight": weight or "1"}
            gl = [x.strip() for x in groups.replace(",", "，").split("，") if x.strip()]
            if gl:
                c["groups"] = gl
            gw = {}
            for part in gweights.replace(",", "，").split("，"):
                if "=" in part:
                    k, _, v = part.partition("=")
                    gw[k.strip()] = v.strip()
            if gw:
                c["group_weights"] = gw
            if levels.get(code):
                c["levels"] = levels[code]
            crits.append(c)
        d.update({
            "name": self.name.text().strip(),
            "description": self.description.text().strip(),
            "criteria_weights_must_sum_to": _none(self.crit_sum.text()),
            "group_weights_must_sum_to": _none(self.group_sum.text()),
            "criteria": crits,
            "rater_groups": [{"code": c, "name": n, "weight": w or "1"} for c, n, w in self.groups.rows()],
            "bonus_items": [{"code": c, "name": n, "cap": cap, "hint": h} for c, n, cap, h in self.bonus.rows()],
            "deduction_items": [{"code": c, "name": n, "cap": cap, "hint": h} for c, n, cap, h in self.deduction.rows()],
            "bonus_total_cap": _none(self.bonus_cap.text()),
            "deduction_total_cap": _none(self.ded_cap.text()),
            "aggregation": {"method": self.method.currentData(), "scope": self.scope.currentData(),
                            "trim_min_raters": self.trim_min.value()},
            "rounding": {"places": self.places.value(), "mode": "half_up"},
            "entry_places": self.entry_places.value(),
            "cutoff": {"min_total": _none(self.min_total.text()), "top_n_per_post": self.top_n.value() or None},
            "tie_rule": {"priority_criteria": [x.strip() for x in self.ties.text().replace(",", "，").split("，")
                                               if x.strip()]},
        })
        return d

    def show_problem(self, exc: BaseException) -> None:
        """A refusal (of the check or of the save) above the buttons; anything else is a bug."""
        if not isinstance(exc, UserError):
            raise exc
        self.problems.setText(tr("方案有误，未保存：\n{msg}").format(msg=str(exc)))
        self.problems.show()

    def _accept(self) -> None:
        self.problems.hide()
        data = self.data()
        try:
            scheme_from_dict(data)
        except ValidationError as exc:
            self.show_problem(exc)
            return
        self.answer = data
        ctx, write = self._ctx, self._write
        if ctx is None or write is None:
            self.accept()
            return
        ctx.write(lambda s: write(s, data), Area.SCORING, on_done=lambda _r: self.accept(),
                  on_error=self.show_problem, parent=self)

    @classmethod
    def ask(cls, parent: QWidget | None, data: dict[str, Any], *, ctx: Any = None,
            write: Callable[[Any, dict[str, Any]], Any] | None = None) -> dict[str, Any] | None:
        dlg = cls(data, parent, ctx=ctx, write=write)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.answer
