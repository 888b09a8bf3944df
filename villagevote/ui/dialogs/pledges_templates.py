"""Template management (administrators): see every kind's templates and versions, edit (saves a new version),
copy to a new name, check placeholders. Signed pledges keep their own text whatever is saved here."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.models.enums import PledgeKind
from villagevote.pledges import queries, service, store
from villagevote.pledges.templates import PLACEHOLDERS, PledgeTemplate, validate_template
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.table_model import Column, RowsModel

__all__ = ["TemplatesDialog"]


class TemplatesDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("承诺书模板"))
        self.resize(1180, 720)
        self.current: PledgeTemplate | None = None
        self.current_id: int | None = None
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        layout.addWidget(splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.model = RowsModel([Column(tr("种类")), Column(tr("模板名称")), Column(tr("版本")), Column(tr("状态")),
                                Column(tr("已生成承诺"))])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().hide()
        left_layout.addWidget(self.view)
        kinds_box = QGroupBox(tr("本届需要签订的承诺"))
        kinds_layout = QVBoxLayout(kinds_box)
        self.kind_checks: dict[PledgeKind, QCheckBox] = {}
        for kind in PledgeKind:
            check = QCheckBox(kind.label)
            self.kind_checks[kind] = check
            kinds_layout.addWidget(check)
        self.kinds_btn = QPushButton(tr("保存本届承诺种类"))
        kinds_layout.addWidget(self.kinds_btn)
        left_layout.addWidget(kinds_box)
        splitter.addWidget(left)

        editor = QWidget()
        grid = QGridLayout(editor)
        grid.addWidget(QLabel(tr("标题：")), 0, 0)
        self.title = QLineEdit()
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(QLabel(tr("正文：")), 1, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QPlainTextEdit()
        grid.addWidget(self.body, 1, 1)
        grid.addWidget(QLabel(tr("签名栏（每行一条）：")), 2, 0, Qt.AlignmentFlag.AlignTop)
        self.signature = QPlainTextEdit()
        self.signature.setFixedHeight(70)
        grid.addWidget(self.signature, 2, 1)
        grid.addWidget(QLabel(tr("联次（每行一联）：")), 3, 0, Qt.AlignmentFlag.AlignTop)
        self.copies = QPlainTextEdit()
        self.copies.setFixedHeight(50)
        grid.addWidget(self.copies, 3, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        grid.addWidget(self.status, 4, 0, 1, 2)
        buttons = QHBoxLayout()
        self.check_btn = QPushButton(tr("检查占位符"))
        self.save_btn = QPushButton(tr("保存为新版本"))
        self.copy_btn = QPushButton(tr("复制为新模板…"))
        for b in (self.check_btn, self.save_btn, self.copy_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        grid.addLayout(buttons, 5, 1)
        splitter.addWidget(editor)

        helper = QWidget()
        helper_layout = QVBoxLayout(helper)
        helper_layout.addWidget(QLabel(tr("占位符（双击插入正文）：")))
        self.placeholders = QListWidget()
        for name, desc in PLACEHOLDERS.items():
            self.placeholders.addItem(f"{{{name}}}　{desc}")
        helper_layout.addWidget(self.placeholders)
        splitter.addWidget(helper)
        splitter.setSizes([420, 540, 300])

        admin = self.admin = ctx.can(Permission.ADMIN)
        self.cycle_id: int | None = None
        self.save_btn.setEnabled(admin)
        self.copy_btn.setEnabled(admin)
        self.kinds_btn.setEnabled(False)  # until the cycle is known
        for check in self.kind_checks.values():
            check.setEnabled(admin)
        self.kinds_btn.clicked.connect(self.save_kinds)
        if not admin:
            self.status.setText(tr("只有管理员可以修改模板；当前只能查看。"))
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.load(cur.row()))
        self.placeholders.itemDoubleClicked.connect(
            lambda item: self.body.insertPlainText(item.text().split("　")[0]))
        self.check_btn.clicked.connect(self.check)
        self.save_btn.clicked.connect(self.save_version)
        self.copy_btn.clicked.connect(self.copy)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        """Reload the list (and the required kinds), then select ``select_id`` (default: the first row)."""
        self.ctx.query(queries.templates_view, lambda view: self.show_view(view, select_id), parent=self)

    def show_view(self, view: queries.TemplatesView, select_id: int | None = None) -> None:
        self.cycle_id = view.cycle_id
        self.kinds_btn.setEnabled(self.admin and view.cycle_id is not None)
        for kind, check in self.kind_checks.items():
            check.setChecked(kind in view.required)
        rows = [(i.kind.label, i.name, i.version, tr("使用中") if i.active else tr("旧版本"), i.pledges, i.id)
                for i in view.templates]
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        target = next((index for index, row in enumerate(rows) if row[5] == select_id), 0)
        if rows:
            self.view.selectRow(target)
            self.load(target)

    def load(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        template_id = self.model.row_at(row)[5]
        self.ctx.query(lambda s: store.template_by_id(s, template_id),
                       lambda template: self.show_template(template_id, template), parent=self)

    def show_template(self, template_id: int, template: PledgeTemplate) -> None:
        self.current = template
        self.current_id = template_id
        self.title.setText(template.title)
        self.body.setPlainText(template.body)
        self.signature.setPlainText("\n".join(template.signature_lines))
        self.copies.setPlainText("\n".join(template.copies))

    def edited(self) -> PledgeTemplate:
        if self.current is None:
            raise UserError(tr("请先在左边选择一个模板"))
        data = self.current.to_dict()
        data.update(title=self.title.text(), body=self.body.toPlainText(),
                    signature_lines=[line for line in self.signature.toPlainText().split("\n") if line.strip()],
                    copies=[line for line in self.copies.toPlainText().split("\n") if line.strip()])
        template = PledgeTemplate.from_dict(data)
        return template

    def check(self) -> bool:
        try:
            validate_template(self.edited())
        except UserError as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet("color: #b00020;")
            return False
        self.status.setText(tr("检查通过：占位符都认识，括号成对。"))
        self.status.setStyleSheet("color: #1b5e20;")
        return True

    def save_version(self) -> None:
        try:
            edited = self.edited()
        except UserError as exc:
            show_error(self, exc, tr("未保存"))
            return
        actor, template_id = self.ctx.actor, self.current_id
        if template_id is None:
            return

        def saved(new_id: int) -> None:
            self.refresh(new_id)
            self.status.setText(tr("已保存为第{v}版。已签订的承诺书不受影响；草稿在“生成承诺书”时改用新版本。").format(
                v=edited.version))
        self.ctx.write(lambda s: store.save_template_version(s, actor, template_id, edited), Area.PLEDGES,
                       on_done=saved, on_error=lambda exc: show_error(self, exc, tr("未保存")), parent=self)

    def copy(self) -> None:
        if self.current_id is None or self.current is None:
            return
        name = Ask.text(self, tr("复制为新模板"), tr("新模板名称："), self.current.name + tr("（本镇）"))
        if not name:
            return
        actor, template_id = self.ctx.actor, self.current_id
        self.ctx.write(lambda s: store.copy_template(s, actor, template_id, name), Area.PLEDGES,
                       on_done=self.refresh, on_error=lambda exc: show_error(self, exc, tr("未复制")), parent=self)

    def save_kinds(self) -> None:
        if self.cycle_id is None:
            return
        chosen = [kind for kind, check in self.kind_checks.items() if check.isChecked()]
        actor, cycle_id = self.ctx.actor, self.cycle_id

        def saved(_result: object) -> None:
            self.status.setText(tr("已保存。点“生成承诺书”为候选人补上新增种类的承诺书；已有的承诺书不会删除。"))
            self.status.setStyleSheet("color: #1b5e20;")
        self.ctx.write(lambda s: service.set_required_kinds(s, actor, cycle_id, chosen), Area.PLEDGES,
                       on_done=saved, on_error=lambda exc: show_error(self, exc, tr("未保存")), parent=self)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx) -> None:
        cls(ctx, parent).exec()
