"""Demo 践诺跟踪 (issue 17 item 8): two years of the term's tracking in the demo township, written THROUGH THE DOMAIN
FUNCTIONS of :mod:`villagevote.tracking`, so every state shown is one the app itself can reach.

What it builds, week by week from the election day, in the first :data:`TRACKED_VILLAGES` villages (weekly reports
go through ``progress.record_report`` one by one, so a 20-village demo would pay for 20; the other villages are only
ranked):

- the ledger: the elected cadres' reviewed term goals (``ledger.register_pledged``), 交办 items of the village
  committee and the Party branch (some annual), a village metric item (生活垃圾分类户覆盖率), a 联村干部 with a personal
  work goal (个人工作目标承诺), in the first village a 生态指导员 with a 剿劣清单 (a parent item, one child per water
  body), and one township-level metric item (垃圾分类行政村覆盖率 ≥ 70 %) of the township's 总河长;
- weekly reports with realistic gaps (a village that sends nothing one week, single items 未报, late reports, weeks
  without progress and their reason); 报结 with a photo (a small PNG written here) and 销号 by the demo's reviewer, one
  退回, overdue items (the system's daily check), 挂牌督办 with 催办 and a 回执, an approved and a refused extension, an
  exemption (保护清单), a withdrawn item, rectification items from 月查 findings, a 反弹 found by a 月查;
- monthly 月查 per village with scores, findings and deductions; 生态指导员 patrols (two a month, some months short);
- every full quarter's ranking frozen by the clerk and signed by the reviewer, its circular drafted and signed, a
  末位约谈 proposal from the last one; the 2027 annual items judged (verdicts) after the year.

"Today" of the demo's tracking is FIXED: :data:`TRACKING_DAYS` after the cycle's election day (2028-12-19 for the demo
township), not the real date — the demo stays deterministic, the print snapshots (built under a frozen clock) see
the same two years, and the real date (before or after) never decides what exists. Each write is dated on its own
simulated day (``today=`` that day), so the domain's date rules hold as they would have then. A page opened on a real
date before those days shows them as they are.

Deterministic: its own random stream (the other areas' draws do not move). Clerk and reviewer are the demo's users of
the statistics demo (张晓梅, 陈国华): 报结 and 销号 are entered by different users, as the rules ask.
"""
from __future__ import annotations

import datetime as dt
import random
import struct
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.demo.context import DemoContext, existing
from villagevote.evaluation.term_verdicts import judge
from villagevote.models import Candidacy, Person, Township
from villagevote.models.core import Organization, Village
from villagevote.models.enums import (
    AssessedRoleKind,
    AttachmentKind,
    CandidacyStatus,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    ExemptionCategory,
    InspectionKind,
    OrgKind,
    Role,
    SupervisionLevel,
    SupervisionReason,
)
from villagevote.models.tracking import Commitment, InspectionFinding
from villagevote.tracking import (
    circulars,
    evidence,
    exemptions,
    extensions,
    inspections,
    ledger,
    machine,
    progress,
    ranking,
    roles,
    supervision,
)
from villagevote.tracking.ledger import Owner

__all__ = ["CLERK", "REVIEWER", "TRACKED_VILLAGES", "TRACKING_DAYS", "png_bytes", "populate", "tracking_today"]

CLERK = Actor(None, "demo-clerk", Role.CLERK, "张晓梅")
REVIEWER = Actor(None, "demo-reviewer", Role.REVIEWER, "陈国华")
TRACKING_DAYS = 730  # the demo's tracking "today" = election day + this (two years into the term)
# Villages given two years of tracking: the first ones. Weekly reports go through ``progress.record_report`` one by
# one (about 5 ms each), so a bigger demo (``--villages 20``) stays within its minute; the others are ranked as they are.
TRACKED_VILLAGES = 3
INSPECTORS = "乡镇纪委 王建平、组织办 刘芳"

Q2 = Decimal("0.01")

# 交办 items: (category, title, target text, days after the election it is registered, days it runs, annual year
# offset or None). Each village gets the first ones of a rotated copy.
ASSIGNED_POOL: tuple[tuple[str, str, str, int, int, int | None], ...] = (
    ("美丽乡村", "村庄环境卫生整治", "拆除露天厕所，清理房前屋后杂物堆", 12, 120, None),
    ("民生实事", "村级便民服务中心规范化建设", "建成便民服务中心并实行全程代办", 20, 240, None),
    ("基层党建", "{year}年度党员冬训", "全体党员参训率达到95%以上", 15, 340, 0),
    ("平安建设", "矛盾纠纷排查化解", "排查化解积案3件，做到小事不出村", 40, 150, None),
    ("集体经济", "村级资产清查与合同清理", "完成资产台账，清理不规范合同", 60, 300, None),
    ("基层党建", "{year}年度村务公开规范化", "按月公开财务收支，群众满意", 380, 340, 1),
    ("美丽乡村", "村道两侧绿化提升", "补植行道树500株", 470, 400, None),
    ("民生实事", "农村危旧房排查治理", "危旧房全部完成鉴定和治理", 560, 300, None),
)
# 剿劣清单: one child per water body (名称, 类型, 位置, 判定依据)
WATER_BODIES: tuple[tuple[str, str, str, str], ...] = (
    ("后塘", "池塘", "第3村民小组东侧", "2017年4月县环保局监测 氨氮超标，劣V类"),
    ("西沟", "沟渠", "村西排涝沟 1.1 公里", "群众反映黑臭，乡镇巡查确认"),
    ("庙前河段", "河道", "庙前桥上下游 400 米", "县控断面月报 总磷超标"),
)
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("村道两侧有垃圾堆放未及时清运", "一般", "0.5"),
    ("周报材料与现场进度不符", "一般", "1"),
    ("公开栏未按月更新", "一般", "0.5"),
    ("河塘保洁不到位，水面有漂浮物", "较重", "2"),
    ("台账资料缺少佐证照片", "一般", "0.5"),
)
NARRATIVE = ("按计划推进，本周完成{pct}%", "施工队进场作业，累计完成{pct}%", "已召开村民代表会议商议，累计{pct}%",
             "材料采购到位，累计完成{pct}%")
STALL_REASONS = ("连续降雨，施工暂停", "等待县里审批手续", "村民有异议，正在协调", "资金尚未拨付到位")


@dataclass
class Plan:
    """How one demo item goes: when it reaches 100 % (``finish``, None: never before the demo's today), how far it
    stalls otherwise, and the special fate that makes a state of the machine show."""

    id: int
    village_id: int | None
    kind: CommitmentKind
    start: dt.date
    deadline: dt.date | None
    finish: dt.date | None
    stall: int = 100                 # the percent an unfinished item stalls at
    fate: str = ""                   # "" | rejected | waiting | excused | withdrawn | relapse | extend | refused
    baseline: Decimal = Decimal(0)
    target: Decimal = Decimal(0)
    reporter: str = ""
    confirmer: str = ""
    last: int = 0                    # the last percent reported
    stopped: bool = False            # closed, exempt, withdrawn: no more reports
    reopened_on: dt.date | None = None
    events: list[tuple[dt.date, str]] = field(default_factory=list)


def tracking_today(election_day: dt.date) -> dt.date:
    """The demo's fixed tracking "today": two years into the term (module docstring)."""
    return election_day + dt.timedelta(days=TRACKING_DAYS)


# --------------------------------------------------------------------------------------------------- evidence files
def png_bytes(width: int, height: int, rgb: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    """A valid small PNG (8-bit RGB) with a horizontal stripe — evidence photos without Qt or Pillow."""
    rows = []
    for y in range(height):
        colour = stripe if height // 3 <= y < height // 3 + max(1, height // 6) else rgb
        rows.append(b"\x00" + bytes(colour) * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


class Photos:
    """Writes one distinct small photo per call into a scratch folder; ``attach`` copies it beside the database."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.folder = Path(tempfile.mkdtemp(prefix="villagevote-demo-photos-"))
        self.count = 0

    def new(self, stem: str, suffix: str = ".png") -> Path:
        self.count += 1
        rgb = (self.rng.randint(60, 200), self.rng.randint(90, 200), self.rng.randint(40, 160))
        stripe = (self.rng.randint(0, 255), self.rng.randint(0, 255), self.rng.randint(0, 255))
        path = self.folder / f"{stem}-{self.count:04d}{suffix}"
        path.write_bytes(png_bytes(48, 36, rgb, stripe))
        return path

    def close(self) -> None:
        for path in self.folder.glob("*"):
            path.unlink()
        self.folder.rmdir()


# --------------------------------------------------------------------------------------------------- helpers
def _org(session: Session, village_id: int, cycle_id: int, kind: OrgKind) -> int | None:
    return session.scalar(select(Organization.id).where(Organization.village_id == village_id,
                                                        Organization.cycle_id == cycle_id, Organization.kind == kind))


def _name(session: Session, person_id: int) -> str:
    return existing(session, Person, person_id).name


def _weekday(day: dt.date, weekday: int) -> dt.date:
    """The ``weekday`` (0 = Monday) of the week ``day`` falls in."""
    return day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=weekday)


def _percent(plan: Plan, day: dt.date) -> int:
    """The planned cumulative percent on ``day``: linear from the start to ``finish`` (or to the stall point)."""
    if plan.reopened_on is not None:  # after a 反弹: 90 % again, then back to 100 by the new finish
        assert plan.finish is not None
        span = max(1, (plan.finish - plan.reopened_on).days)
        return min(100, 90 + 10 * max(0, (day - plan.reopened_on).days) // span)
    end = plan.finish or plan.deadline or (plan.start + dt.timedelta(days=365))
    span = max(7, (end - plan.start).days)
    value = 100 * max(0, (day - plan.start).days) // span
    return min(value, 100 if plan.finish is not None else plan.stall)


def _value(plan: Plan, percent: int) -> Decimal:
    """A metric item's value at ``percent`` of the way from its baseline to its target."""
    value = plan.baseline + (plan.target - plan.baseline) * Decimal(percent) / Decimal(100)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------------- the builder
class Builder:
    def __init__(self, session: Session, ctx: DemoContext) -> None:
        self.s = session
        self.ctx = ctx
        self.rng = random.Random(7_000_003 + len(ctx.village_ids))
        self.villages = ctx.village_ids[:TRACKED_VILLAGES]
        self.cycle_id = ctx.cycle_id
        self.e = ctx.election_day
        self.today = tracking_today(self.e)
        self.plans: dict[int, Plan] = {}
        self.photos = Photos(self.rng)
        township = existing(self.s, Township, ctx.township_id)
        self.short = ledger.short_name(township.name, ("街道", "镇", "乡"))
        self.liaison: dict[int, str] = {}
        self.reporter: dict[int, str] = {}
        self.eco_role: int | None = None
        self.eco_name = ""
        self.parent_ids: set[int] = set()
        self.relapse_done = False
        self.supervised: list[int] = []
        self.circular_no: dict[int, int] = defaultdict(int)

    # ---------------------------------------------------------------------------------------- registration
    def _plan(self, cid: int, *, finish_bias: float = 0.0) -> Plan:
        c = existing(self.s, Commitment, cid)
        start = c.starts_on or c.registered_on or self.e
        deadline = c.deadline_current
        roll = self.rng.random() + finish_bias
        finish: dt.date | None
        stall = 100
        if deadline is None:
            finish = None
            stall = self.rng.randint(40, 80)
        elif deadline > self.today:
            # not due yet: most are under way, a few finish early
            early = deadline - dt.timedelta(days=self.rng.randint(60, 200))
            early = max(early, start + dt.timedelta(days=35))
            finish = early if roll < 0.15 and early < self.today - dt.timedelta(days=30) else None
            stall = 100
        elif roll < 0.65:
            finish = max(start + dt.timedelta(days=35), deadline - dt.timedelta(days=self.rng.randint(20, 90)))
        elif roll < 0.9 and deadline + dt.timedelta(days=150) < self.today:
            finish = deadline + dt.timedelta(days=self.rng.randint(30, 150))  # overdue for a while, then done
        else:
            finish = None  # overdue and still open at the demo's today
            stall = self.rng.randint(55, 85)
        plan = Plan(id=cid, village_id=c.village_id, kind=CommitmentKind(c.kind), start=start, deadline=deadline,
                    finish=finish, stall=stall,
                    baseline=Decimal(c.metric_baseline or 0), target=Decimal(c.metric_target or 0),
                    reporter=self.reporter.get(c.village_id or 0, "村报告员"),
                    confirmer=self.liaison.get(c.village_id or 0, ""))
        self.plans[cid] = plan
        return plan

    def register_items(self) -> None:
        s, ctx = self.s, self.ctx
        # elected cadres: their roles and their reviewed term goals
        roles.roles_for_elected(s, CLERK, self.cycle_id)
        elected = list(s.execute(
            select(Candidacy.id, Candidacy.person_id, Organization.village_id)
            .join(Organization, Organization.id == Candidacy.organization_id)
            .where(Candidacy.cycle_id == self.cycle_id, Candidacy.status == CandidacyStatus.ELECTED)
            .order_by(Candidacy.id)))
        for _cand, person_id, village_id in elected:
            self.reporter.setdefault(village_id, _name(s, person_id))
        for index, vid in enumerate(self.villages):
            persons = ctx.persons_by_village.get(vid, [])
            if not persons:
                continue
            self.reporter.setdefault(vid, _name(s, persons[4 % len(persons)]))
            liaison_person = persons[-1]
            self.liaison[vid] = _name(s, liaison_person)
            rid = roles.appoint(s, CLERK, cycle_id=self.cycle_id, person_id=liaison_person,
                                kind=AssessedRoleKind.LIAISON, title="联村干部", village_id=vid,
                                starts_on=self.e + dt.timedelta(days=10), appointing_unit=self.short + "镇党委")
            goal = ledger.register(
                s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=Owner(assessed_role_id=rid),
                title="驻村指导每周不少于3天", source=CommitmentSource.PERSONAL_GOAL, category="个人工作目标",
                target_text="每周驻村3天以上，全年走访农户不少于200户", deadline=self.e + dt.timedelta(days=360),
                year=self.e.year + 1, starts_on=self.e + dt.timedelta(days=11), today=self.e + dt.timedelta(days=11))
            self._plan(goal)
            if index == 0:
                self._eco_list(vid, persons)
        for _cand, _person, _village in elected:
            ids = ledger.register_pledged(s, CLERK, _cand, today=self.e + dt.timedelta(days=3))
            for cid in ids:
                self._plan(cid)
        for index, vid in enumerate(self.villages):
            committee = _org(s, vid, self.cycle_id, OrgKind.VILLAGE_COMMITTEE)
            branch = _org(s, vid, self.cycle_id, OrgKind.PARTY_BRANCH)
            if committee is None or branch is None:
                continue
            # three of the first six (rotating) and one of the two registered in the term's second year
            pool = [ASSIGNED_POOL[(index + k) % 6] for k in range(3)] + [ASSIGNED_POOL[6 + index % 2]]
            for n, (category, title, target, offset, runs, annual) in enumerate(pool):
                day = self.e + dt.timedelta(days=offset)
                year = None
                deadline = day + dt.timedelta(days=runs)
                if annual is not None:
                    year = self.e.year + 1 + annual
                    deadline = dt.date(year, 12, 31)
                    day = max(day, dt.date(year, 1, 5))
                owner = Owner(organization_id=branch if category == "基层党建" or n % 3 == 1 else committee)
                cid = ledger.register(
                    s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=owner,
                    title=title.format(year=year or ""), source=CommitmentSource.ASSIGNED, category=category,
                    target_text=target, deadline=deadline, year=year, starts_on=day, today=day,
                    weight=Decimal(2) if n == 0 else Decimal(1))
                self._plan(cid)
            baseline = Decimal(self.rng.randint(35, 55))
            metric = ledger.register(
                s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=Owner(organization_id=committee),
                title="生活垃圾分类户覆盖率", source=CommitmentSource.ASSIGNED, kind=CommitmentKind.METRIC,
                category="美丽乡村", target_text="分类投放农户占比达到90%", baseline=baseline, target=Decimal(90),
                unit="%", deadline=self.e + dt.timedelta(days=540), starts_on=self.e + dt.timedelta(days=30),
                today=self.e + dt.timedelta(days=30))
            self._plan(metric)
        self._township_item()

    def _new_item(self) -> None:
        """An item 交办 on the Monday of the demo's week: 已挂号, no report due yet."""
        vid = self.villages[-1]
        committee = _org(self.s, vid, self.cycle_id, OrgKind.VILLAGE_COMMITTEE)
        if committee is None:
            return
        day = _weekday(self.today, 0)
        ledger.register(
            self.s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=Owner(organization_id=committee),
            title="冬春季森林防火巡查", source=CommitmentSource.ASSIGNED, category="平安建设",
            target_text="落实护林员，重点时段每日巡查", deadline=day + dt.timedelta(days=120), starts_on=day, today=day)

    def _eco_list(self, vid: int, persons: list[int]) -> None:
        """The 生态指导员 of the first village with the 剿劣清单: a parent item and one child per water body."""
        s = self.s
        person = persons[-2]
        self.eco_name = _name(s, person)
        start = self.e + dt.timedelta(days=14)
        self.eco_role = roles.appoint(
            s, CLERK, cycle_id=self.cycle_id, person_id=person, kind=AssessedRoleKind.ECO_INSTRUCTOR,
            title="生态指导员", village_id=vid, starts_on=start, appointing_unit="县生态环境局",
            patrol_min=2, patrol_period="month")
        parent = ledger.register(
            s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=Owner(assessed_role_id=self.eco_role),
            title="剿灭劣V类水体清单", source=CommitmentSource.SPECIAL, category="剿劣治水",
            target_text="清单内水体全部消除劣V类，水质稳定达到V类以上", deadline=self.e + dt.timedelta(days=400),
            starts_on=start, today=start, weight=Decimal(3))
        self._plan(parent).finish = None  # reported done once every water body is 销号 (``_parent_done``)
        for n, (name, kind, place, basis) in enumerate(WATER_BODIES):
            child = ledger.register(
                s, CLERK, cycle_id=self.cycle_id, village_id=vid, owner=Owner(assessed_role_id=self.eco_role),
                title=f"{name}{kind}剿劣", source=CommitmentSource.SPECIAL, category="剿劣治水",
                target_text=f"{name}清淤截污，消除劣V类", parent_id=parent,
                deadline=self.e + dt.timedelta(days=200 + 80 * n), starts_on=start, today=start,
                detail={"名称": name, "类型": kind, "位置": place, "判定依据": basis})
            plan = self._plan(child, finish_bias=-1.0)  # the water bodies are cleaned in time
            plan.confirmer = _name(s, person)

    def _township_item(self) -> None:
        """A township-level metric item (垃圾分类行政村覆盖率 ≥ 70 %). Organizations are all village bodies and
        ``ledger.register`` gives an item its owner's village, so the township's item is owned by the township's
        总河长 (an assessed role without a village)."""
        s, ctx = self.s, self.ctx
        first = ctx.village_ids[0]
        persons = ctx.persons_by_village.get(first, [])
        if len(persons) < 3:
            return
        start = self.e + dt.timedelta(days=20)
        rid = roles.appoint(s, CLERK, cycle_id=self.cycle_id, person_id=persons[-3],
                            kind=AssessedRoleKind.RIVER_CHIEF, title="乡级总河长", village_id=None, starts_on=start,
                            appointing_unit=self.short + "镇党委", patrol_min=1, patrol_period="quarter")
        cid = ledger.register(
            s, CLERK, cycle_id=self.cycle_id, village_id=None, owner=Owner(assessed_role_id=rid),
            title="垃圾分类行政村覆盖率", source=CommitmentSource.ASSIGNED, kind=CommitmentKind.METRIC,
            category="美丽乡村", target_text="实行垃圾分类的行政村占比达到70%以上", baseline=Decimal(30),
            target=Decimal(70), unit="%", deadline=self.e + dt.timedelta(days=600), starts_on=start, today=start)
        plan = self._plan(cid)
        plan.finish, plan.stall = None, 90
        plan.reporter, plan.confirmer = "镇环境整治办", ""

    # ---------------------------------------------------------------------------------------- special fates
    def assign_fates(self) -> None:
        """Give chosen items the fates that make each state of the machine show (deterministic choice)."""
        parents = {existing(self.s, Commitment, cid).parent_id for cid in self.plans}
        self.parent_ids = {p for p in parents if p is not None}
        leaves = [p for p in self.plans.values() if p.id not in self.parent_ids]
        due = sorted((p for p in leaves if p.deadline is not None and p.deadline < self.today - dt.timedelta(days=120)
                      and p.kind is CommitmentKind.MILESTONE), key=lambda p: (p.deadline, p.id))
        later = sorted((p for p in leaves if p.deadline is not None and p.deadline > self.today
                        and p.kind is CommitmentKind.MILESTONE), key=lambda p: (p.deadline, p.id))
        finished = [p for p in due if p.finish is not None]
        open_ = [p for p in due if p.finish is None]
        taken: set[int] = set()

        def pick(pool: list[Plan], fate: str) -> Plan | None:
            for p in pool:
                if p.id not in taken and not p.fate:
                    taken.add(p.id)
                    p.fate = fate
                    return p
            return None

        pick(finished, "rejected")
        pick(finished, "slow")
        p = pick(list(reversed(finished)), "extend")
        if p is not None and p.deadline is not None:
            p.finish = p.deadline + dt.timedelta(days=30)  # finished after the original deadline, within the new one
        p = pick(open_, "refused")
        p = pick(later, "waiting")
        if p is not None:
            p.finish = self.today - dt.timedelta(days=9)
        p = pick(later[1:], "excused")
        p = pick(later[2:], "withdrawn")
        if not any(p.fate == "refused" for p in self.plans.values()):
            pick(later[3:], "refused")

    # ---------------------------------------------------------------------------------------- the weeks
    def run(self) -> None:
        monday = _weekday(self.e, 0)
        last_quarter = ""
        while monday + dt.timedelta(days=4) <= self.today:
            sunday = monday + dt.timedelta(days=6)
            self._overdue(monday)
            self._scheduled(monday, sunday)
            self._week_reports(monday)
            if monday.day <= 7 and monday.replace(day=1) > self.e + dt.timedelta(days=25):
                self._month_end(monday)
            quarter = f"{monday.year}-Q{(monday.month - 1) // 3 + 1}"
            if quarter != last_quarter and monday.month in (1, 4, 7, 10) and monday.day >= 3 and \
                    monday > self.e + dt.timedelta(days=40):
                self._quarter(monday)
                last_quarter = quarter
            monday += dt.timedelta(days=7)
        self._scheduled(monday, self.today)
        machine.refresh_overdue(self.s, cycle_id=self.cycle_id, today=self.today)

    def _overdue(self, monday: dt.date) -> None:
        newly = machine.refresh_overdue(self.s, cycle_id=self.cycle_id, today=monday)
        for cid in newly:
            plan = self.plans.get(cid)
            if plan is None or len(self.supervised) >= 2 or plan.fate:
                continue
            self.supervised.append(cid)
            limit = monday + dt.timedelta(days=30)
            sid = supervision.supervise(self.s, REVIEWER, cid, level=SupervisionLevel.TOWNSHIP,
                                        reason=SupervisionReason.OVERDUE, reason_text="超过时限未完成，群众反映强烈",
                                        limit_date=limit, today=monday + dt.timedelta(days=1))
            plan.events.append((monday + dt.timedelta(days=8), f"urge:{sid}:电话"))
            plan.events.append((monday + dt.timedelta(days=16), f"urge:{sid}:书面"))
            plan.events.append((monday + dt.timedelta(days=22), f"receipt:{sid}"))

    def _scheduled(self, monday: dt.date, sunday: dt.date) -> None:
        due: list[tuple[dt.date, int, str]] = []
        for plan in self.plans.values():
            keep = []
            for day, what in plan.events:
                if day <= sunday:
                    due.append((day, plan.id, what))
                else:
                    keep.append((day, what))
            plan.events = keep
        for day, cid, what in sorted(due):
            day = min(day, self.today)
            self._event(day, self.plans[cid], what)

    def _event(self, day: dt.date, plan: Plan, what: str) -> None:
        s, cid = self.s, plan.id
        status = CommitmentStatus(existing(s, Commitment, cid).status)
        if what == "accept" and status is CommitmentStatus.REPORTED_DONE:
            machine.accept(s, REVIEWER, cid, on=day, opinion="经现场查看，照片与实际相符，同意销号", today=day)
            plan.stopped = True
        elif what == "reject" and status is CommitmentStatus.REPORTED_DONE:
            machine.reject(s, REVIEWER, cid, on=day, reason="照片不能反映整治后全貌，请补充验收单后重新报结", today=day)
            plan.fate = "rejected-once"  # the next weekly report (100 %) reports it done again
            acceptance = self.photos.new("yanshoudan")
            evidence.attach(s, CLERK, "commitment", cid, acceptance, kind=AttachmentKind.ACCEPTANCE,
                            caption="村级验收单（补充）", taken_on=day)
        elif what == "slow" and status in ledger.OPEN:
            sid = supervision.supervise(s, REVIEWER, cid, level=SupervisionLevel.COUNTY, reason=SupervisionReason.SLOW,
                                        reason_text="进度明显滞后于计划", limit_date=(plan.finish or day) + dt.timedelta(days=14),
                                        today=day)
            plan.events.append((day + dt.timedelta(days=10), f"urge:{sid}:现场"))
        elif what == "extension":
            ext = extensions.request_extension(s, CLERK, cid, new_date=(plan.deadline or day) + dt.timedelta(days=75),
                                               reason="受汛期影响，工程需顺延", today=day)
            extensions.decide_extension(s, REVIEWER, ext, approve=True, note="情况属实，同意延期",
                                        today=day + dt.timedelta(days=3))
        elif what == "refuse" and status in ledger.OPEN:
            ext = extensions.request_extension(s, CLERK, cid, new_date=(plan.deadline or day) + dt.timedelta(days=90),
                                               reason="资金未到位，申请延期", today=day)
            extensions.decide_extension(s, REVIEWER, ext, approve=False, note="理由不充分，应按期完成",
                                        today=day + dt.timedelta(days=2))
        elif what == "exempt" and status in ledger.OPEN:
            exemptions.grant_exemption(s, REVIEWER, category=ExemptionCategory.POLICY, commitment_id=cid,
                                       reason="上级规划调整，项目暂停实施，非主观原因", decision_no=f"{self.short}委〔{day.year}〕17号",
                                       decided_on=day)
            plan.stopped = True
        elif what == "withdraw" and status in ledger.OPEN:
            ledger.withdraw(s, REVIEWER, cid, reason="与县级项目重复，经乡镇党委会议研究撤销", today=day)
            plan.stopped = True
        elif what.startswith("urge:"):
            _, number, method = what.split(":")
            if self._active(int(number)):
                supervision.urge(s, CLERK, int(number), on=day, method=method, note="督促按限期完成并报送进展",
                                 today=day)
        elif what.startswith("receipt:"):
            sid = int(what.split(":")[1])
            if self._active(sid):
                supervision.record_receipt(s, CLERK, sid, on=day, today=day,
                                           text="已召开村两委会议，落实专人负责，计划一个月内完成")

    def _active(self, supervision_id: int) -> bool:
        from villagevote.models.tracking import Supervision
        sup = self.s.get(Supervision, supervision_id)
        return sup is not None and sup.lifted_on is None

    def _week_reports(self, monday: dt.date) -> None:
        period = progress.iso_week(monday)
        silent = {vid for vid in self.villages if self.rng.random() < 0.035}  # a village sent nothing
        for plan in self.plans.values():
            if plan.id in self.parent_ids:
                self._parent_done(plan, period, monday)
                continue
            if plan.stopped:
                continue
            c = existing(self.s, Commitment, plan.id)
            status = CommitmentStatus(c.status)
            if status not in ledger.OPEN:
                continue
            start = c.starts_on or c.registered_on or plan.start
            if start > monday + dt.timedelta(days=6):
                continue
            self._fate_events(plan, monday)
            if plan.village_id in silent or self.rng.random() < 0.03:
                continue  # 未报
            roll = self.rng.random()
            reported_on = monday + dt.timedelta(days=4) if roll < 0.86 else (
                monday + dt.timedelta(days=7) if roll < 0.95 else monday + dt.timedelta(days=9))
            reported_on = max(reported_on, c.registered_on or reported_on)
            if reported_on > self.today:
                continue
            self._report(plan, c, period, monday, reported_on)

    def _parent_done(self, plan: Plan, period: str, monday: dt.date) -> None:
        """A 剿劣清单 whose children are all 销号 (or exempt) is reported done by the village that week, with the
        list's acceptance record, and accepted by the reviewer."""
        c = existing(self.s, Commitment, plan.id)
        if plan.stopped or CommitmentStatus(c.status) not in ledger.OPEN or ledger.open_children(self.s, c):
            return
        day = monday + dt.timedelta(days=4)
        if day > self.today:
            return
        progress.record_report(self.s, CLERK, plan.id, period=period, reported_on=day, percent=100,
                               narrative="清单内水体全部销号，申请清单报结", reported_by=plan.reporter, today=day)
        record = self.photos.new("qingdan-yanshou")
        evidence.attach(self.s, CLERK, "commitment", plan.id, record, kind=AttachmentKind.ACCEPTANCE,
                        caption="剿劣清单验收记录", taken_on=day)
        machine.report_done(self.s, CLERK, plan.id, on=day, note="清单内水体全部销号", today=day)
        plan.stopped = True
        plan.events.append((day + dt.timedelta(days=6), "accept"))

    def _fate_events(self, plan: Plan, monday: dt.date) -> None:
        """Schedule a fate's one-off events in the week they fall due."""
        if plan.fate == "extend" and plan.deadline is not None and \
                monday <= plan.deadline - dt.timedelta(days=25) < monday + dt.timedelta(days=7):
            plan.events.append((plan.deadline - dt.timedelta(days=25), "extension"))
        elif plan.fate == "refused" and plan.deadline is not None and \
                monday <= plan.deadline - dt.timedelta(days=12) < monday + dt.timedelta(days=7):
            plan.events.append((plan.deadline - dt.timedelta(days=12), "refuse"))
        elif plan.fate == "excused" and monday <= self.today - dt.timedelta(days=150) < monday + dt.timedelta(days=7):
            plan.events.append((self.today - dt.timedelta(days=150), "exempt"))
        elif plan.fate == "withdrawn" and monday <= plan.start + dt.timedelta(days=120) < monday + dt.timedelta(days=7):
            plan.events.append((plan.start + dt.timedelta(days=120), "withdraw"))
        elif plan.fate == "slow" and plan.finish is not None:
            middle = plan.start + (plan.finish - plan.start) / 2
            if monday <= middle < monday + dt.timedelta(days=7):
                plan.events.append((middle, "slow"))

    def _report(self, plan: Plan, c: Commitment, period: str, monday: dt.date, reported_on: dt.date) -> None:
        s = self.s
        target = _percent(plan, monday + dt.timedelta(days=4))
        reason = ""
        pct = max(plan.last, target)
        if plan.reopened_on is not None and plan.last == 100:
            pct = target  # the first report after a 反弹 goes back below the last one: with its reason
            reason = "月查发现反弹，重新整治"
        elif pct == plan.last and pct < 100 and self.rng.random() < 0.5:
            reason = self.rng.choice(STALL_REASONS)
        elif pct < 100 and pct > plan.last and self.rng.random() < 0.04:
            pct, reason = plan.last, self.rng.choice(STALL_REASONS)  # a week without progress, with its reason
        narrative = f"本周无进展：{reason}" if reason else self.rng.choice(NARRATIVE).format(pct=pct)
        if pct >= 100:
            narrative = "已全部完成，申请报结"
        kwargs: dict[str, object] = {}
        if plan.kind is CommitmentKind.METRIC:
            kwargs["value"] = _value(plan, pct)
        else:
            kwargs["percent"] = pct
        rid = progress.record_report(
            s, CLERK, plan.id, period=period, reported_on=reported_on, narrative=narrative,
            problems=reason, next_plan="" if pct >= 100 else "继续按计划推进",
            no_progress_reason=reason, reported_by=plan.reporter, confirmed_by=plan.confirmer,
            confidence=self.rng.randint(6, 9), today=reported_on, **kwargs)  # type: ignore[arg-type]
        plan.last = pct
        if pct >= 100 or (plan.kind is CommitmentKind.METRIC and machine.target_reached(c)):
            if plan.reopened_on is not None:
                plan.reopened_on = None
            photo = self.photos.new("xianchang")
            evidence.attach(s, CLERK, "progress_report", rid, photo, kind=AttachmentKind.PHOTO,
                            caption=f"{c.title}完成后现场照片", taken_on=reported_on)
            machine.report_done(s, CLERK, plan.id, on=reported_on, note="村报结，附现场照片", today=reported_on)
            if plan.fate == "rejected":
                plan.events.append((reported_on + dt.timedelta(days=6), "reject"))
            elif plan.fate != "waiting":
                plan.events.append((reported_on + dt.timedelta(days=self.rng.randint(4, 12)), "accept"))

    # ---------------------------------------------------------------------------------------- monthly, quarterly
    def _month_end(self, monday: dt.date) -> None:
        """The previous month's 月查 of every village (held on its last Thursday) and the eco patrols."""
        last_day = monday.replace(day=1) - dt.timedelta(days=1)
        month = f"{last_day.year}-{last_day.month:02d}"
        held = last_day - dt.timedelta(days=(last_day.weekday() - 3) % 7)
        for vid in self.villages:
            findings = []
            for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
                text, severity, cut = self.rng.choice(FINDINGS)
                rectify = severity == "较重" and self.rng.random() < 0.4
                findings.append(inspections.FindingInput(text=text, severity=severity, deduction=Decimal(cut),
                                                         rectify=rectify))
            relapse = self._relapse_candidate(vid, held)
            if relapse is not None:
                findings.append(inspections.FindingInput(
                    text="复查发现整治成果出现反弹，问题重新出现", severity="严重", deduction=Decimal(2), relapse=True,
                    commitment_id=relapse.id))
            score = Decimal(100) - sum((f.deduction for f in findings), Decimal(0)) * 2 - self.rng.randint(0, 9)
            iid = inspections.record_inspection(
                self.s, CLERK, cycle_id=self.cycle_id, kind=InspectionKind.MONTHLY, held_on=held, village_id=vid,
                inspectors=INSPECTORS, score=score, summary="对照台账逐项检查，查看现场", period=month,
                findings=findings, today=held)
            if relapse is not None:
                relapse.reopened_on = held
                relapse.finish = held + dt.timedelta(days=49)
                relapse.stopped = False
                self.relapse_done = True
            for rect in self.s.scalars(select(InspectionFinding.rectification_id).where(
                    InspectionFinding.inspection_id == iid, InspectionFinding.rectification_id.is_not(None))):
                if rect is not None:
                    plan = self._plan(rect)
                    plan.finish = held + dt.timedelta(days=self.rng.randint(14, 28))
        if self.eco_role is not None:
            patrols = 1 if last_day.month in (2, 8) else 2
            for n in range(patrols):
                day = last_day.replace(day=8 + 12 * n)
                inspections.record_inspection(
                    self.s, CLERK, cycle_id=self.cycle_id, kind=InspectionKind.PATROL, held_on=day,
                    village_id=self.ctx.village_ids[0], inspectors=self.eco_name,
                    summary="巡查清单内水体，记录水色、气味和保洁情况", assessed_role_id=self.eco_role, today=day)

    def _relapse_candidate(self, vid: int, held: dt.date) -> Plan | None:
        """The first top-level item 销号 at least two months before a 月查 of the term's second year has relapsed
        (once in the township)."""
        if self.relapse_done or held.year < self.e.year + 2:
            return None
        for plan in self.plans.values():
            c = existing(self.s, Commitment, plan.id)
            if c.village_id == vid and c.parent_id is None and plan.id not in self.parent_ids \
                    and c.status == CommitmentStatus.CLOSED and c.closed_on is not None \
                    and c.closed_on < held - dt.timedelta(days=60):
                return plan
        return None

    def _quarter(self, monday: dt.date) -> None:
        """The previous quarter's ranking: frozen (clerk), signed (reviewer); its circular drafted and signed."""
        day = monday + dt.timedelta(days=2)
        previous_end = monday.replace(day=1) - dt.timedelta(days=1)
        quarter = f"{previous_end.year}-Q{(previous_end.month - 1) // 3 + 1}"
        if previous_end < self.e + dt.timedelta(days=60):
            return
        snap = ranking.freeze_ranking(self.s, CLERK, cycle_id=self.cycle_id, quarter=quarter, today=day)
        ranking.sign_ranking(self.s, REVIEWER, snap)
        self.circular_no[day.year] += 1
        number = f"{self.short}践诺通报〔{day.year}〕{self.circular_no[day.year]}期"
        cid = circulars.draft_circular(self.s, CLERK, snap, number=number, issued_on=day + dt.timedelta(days=1))
        circulars.sign_circular(self.s, REVIEWER, cid)
        self.last_snapshot = snap
        self.last_quarter_day = day

    def finish(self) -> None:
        self._new_item()
        snap = getattr(self, "last_snapshot", None)
        if snap is not None:
            ranking.propose_interviews(self.s, REVIEWER, snap, bottom_n=1, today=self.last_quarter_day)
        year = self.e.year + 1
        judge(self.s, REVIEWER, cycle_id=self.cycle_id, year=year, today=dt.date(year + 1, 1, 20))


def populate(session: Session, ctx: DemoContext) -> None:
    """Two years of tracking (module docstring); needs the elections demo's official result for the pledged items."""
    if not ctx.village_ids:
        return
    if session.scalar(select(Village.id).where(Village.id == ctx.village_ids[0])) is None:
        return
    builder = Builder(session, ctx)
    try:
        builder.register_items()
        builder.assign_fates()
        builder.run()
        builder.finish()
    finally:
        builder.photos.close()
    counts: dict[str, int] = defaultdict(int)
    for status in session.scalars(select(Commitment.status).where(Commitment.cycle_id == ctx.cycle_id)):
        counts[CommitmentStatus(status).value] += 1
    ctx.notes.append("tracking: {n} items to {day} ({states})".format(
        n=sum(counts.values()), day=builder.today.isoformat(),
        states=", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
