"""概览: the township at a glance (real counts from the database) and the statutory calendar when built."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget
from sqlalchemy import func, select

from villagevote.i18n import tr
from villagevote.models import Candidacy, Commitment, Contest, Organization, Pledge, Village, Voter
from villagevote.township import current_cycle, get_township
from villagevote.ui.pages.base import load_widget


def _count(session, model, village_id: int | None) -> int:  # type: ignore[no-untyped-def]
    """Rows of ``model`` in the township, or in one village (joined through its organization)."""
    if model is Voter:  # voters who may vote on the election day, not removed or under-age rows
        from villagevote.township import current_cycle
        from villagevote.voters.register import registered_voter_count
        cycle = current_cycle(session)
        return registered_voter_count(session, cycle.id, village_id) if cycle else 0
    q = select(func.count()).select_from(model)
    if village_id is not None:
        if model is Village:
            return 1
        if model is Voter:
            q = q.where(Voter.village_id == village_id)
        else:
            if model in (Pledge, Commitment):
                q = q.join(Candidacy, model.candidacy_id == Candidacy.id)
            org_col = Contest.organization_id if model is Contest else Candidacy.organization_id
            q = q.join(Organization, org_col == Organization.id).where(Organization.village_id == village_id)
    return session.scalar(q) or 0


class OverviewPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(self.heading)
        self.cycle_label = QLabel()
        layout.addWidget(self.cycle_label)
        box = QGroupBox(tr("数据概况"))
        self.grid = QGridLayout(box)
        layout.addWidget(box)
        self.calendar = load_widget("villagevote.ui.pages.overview_calendar", "CalendarPanel", ctx,
                                    tr("换届日程"), tr("法定日程（选民名单公布、异议处理、候选人公示等）将在选民登记功能建成后显示。"))
        layout.addWidget(self.calendar)
        layout.addStretch(1)
        ctx.village_changed.connect(lambda _v: self.refresh())
        ctx.data_changed.connect(lambda _a: self.refresh())
        ctx.database_replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        with self.ctx.read_session() as s:
            township = get_township(s)
            cycle = current_cycle(s)
            vid = self.ctx.village_id
            village = s.get(Village, vid) if vid else None

            rows = [(label, _count(s, model, village.id if village else None)) for label, model in (
                (tr("村（社区）"), Village), (tr("登记选民"), Voter), (tr("候选人（自荐人）"), Candidacy),
                (tr("承诺书"), Pledge), (tr("选举场次"), Contest), (tr("践诺事项"), Commitment))]
        name = township.name if township else tr("（尚未设置乡镇）")
        self.heading.setText(name + (f" · {village.name}" if village is not None else ""))
        self.cycle_label.setText(tr("当前届次：{name}，选举日 {day}").format(name=cycle.name, day=cycle.election_day)
                                 if cycle else tr("尚未设置换届届次。"))
        for i, (label, value) in enumerate(rows):
            self.grid.addWidget(QLabel(label), i // 3, (i % 3) * 2)
            v = QLabel(str(value))
            v.setStyleSheet("font-size: 18px; font-weight: bold;")
            self.grid.addWidget(v, i // 3, (i % 3) * 2 + 1)
