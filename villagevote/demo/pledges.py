"""Demo pledges: every standing candidate gets the cycle's pledges with term goals; most are reviewed and signed,
one illegal promise is struck, one candidate refuses to sign; elected candidacies get commitments with progress.

Runs after the candidates demo. Commitments need elected candidacies, which the elections demo makes later:
``add_progress(session, ctx)`` can be called again after it (it only adds what is missing).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.demo.context import DemoContext, existing
from villagevote.models import Candidacy, PledgeItem
from villagevote.models.enums import CandidacyStatus, CommitmentStatus, PledgeKind
from villagevote.models.tracking import Commitment, CommitmentStatusChange, ProgressReport
from villagevote.pledges import service
from villagevote.pledges.templates import TermGoalItem
from villagevote.pledges.term import commitments_from_pledges

__all__ = ["GOAL_POOL", "add_progress", "populate"]

# (category, title, measurable target, months after the election day)
GOAL_POOL: tuple[tuple[str, str, str, int], ...] = (
    ("剿劣治水", "村内河塘清淤整治", "清淤河塘3处、沟渠1.2公里，水质稳定达到Ⅲ类", 12),
    ("剿劣治水", "生活污水纳管", "新增纳管农户120户，终端设施正常运行", 18),
    ("剿劣治水", "小微水体长效管护", "落实河（塘）长制，每月巡查不少于4次", 6),
    ("集体经济", "村集体经营性收入增收", "村集体经营性收入达到50万元", 36),
    ("集体经济", "闲置校舍盘活", "闲置校舍出租，年租金不少于8万元", 12),
    ("集体经济", "光伏发电项目", "村办公楼屋顶光伏装机100千瓦，年收益3万元", 24),
    ("美丽乡村", "美丽庭院创建", "创建美丽庭院示范户40户", 18),
    ("美丽乡村", "垃圾分类", "垃圾分类准确率达到90%以上", 12),
    ("美丽乡村", "村道亮化", "主干道安装太阳能路灯60盏", 9),
    ("民生实事", "居家养老服务照料中心", "建成照料中心1处，每日供餐不少于30人", 24),
    ("民生实事", "农村道路硬化", "硬化机耕路2.5公里", 15),
    ("民生实事", "饮用水提标", "自来水入户率达到100%", 30),
)
ILLEGAL_PROMISE = ("民生实事", "每户发放过节费", "当选后每户发放过节费500元", 3)
WITNESSES = ("驻村干部 陈建国", "驻村干部 李晓燕", "乡镇组织委员 周文")


def _goals(ctx: DemoContext, election_day: dt.date, count: int) -> list[TermGoalItem]:
    chosen = ctx.rng.sample(GOAL_POOL, count)
    base = 100 // count
    weights = [base] * count
    weights[0] += 100 - base * count
    items = []
    for (category, title, target, months), weight in zip(chosen, weights):
        deadline = election_day + dt.timedelta(days=30 * months)
        items.append(TermGoalItem(title, category, target, deadline, Decimal(weight)))
    return items


def populate(session: Session, ctx: DemoContext) -> None:
    actor = ctx.actor
    if session.scalar(select(func.count()).select_from(Candidacy).where(Candidacy.cycle_id == ctx.cycle_id)) == 0:
        ctx.notes.append("pledges: no candidacies yet, no pledges made")
        return
    election_day = ctx.election_day
    # Pre-election steps are checked against the real clock by the domain functions, so they are dated no later
    # than the real today (fixed once the real date passes the demo election).
    today = min(dt.date.today(), election_day)
    review_day = min(election_day - dt.timedelta(days=20), today)
    sign_day = min(election_day - dt.timedelta(days=15), today)
    service.generate_pledges(session, actor, ctx.cycle_id)
    rows = service.list_pledges(session, ctx.cycle_id)
    # One plan per candidate: most sign everything, some are still waiting for signing or for review.
    plans: dict[int, str] = {}
    for row in rows:
        if row.candidacy_id not in plans:
            roll = ctx.rng.random()
            plans[row.candidacy_id] = "signed" if roll < 0.7 else ("reviewed" if roll < 0.85 else "draft")
    first_village = rows[0].village_id if rows else None
    refuser = next((r.candidacy_id for r in reversed(rows) if r.village_id == first_village), None)
    struck_villages: set[int] = set()
    passed_village: set[int] = set()  # pledges already passed by the village Party organization
    for row in rows:
        plan = plans[row.candidacy_id]
        if row.kind is PledgeKind.TERM_GOALS:
            items = _goals(ctx, election_day, ctx.rng.randint(2, 4))
            illegal = row.village_id not in struck_villages
            if illegal:
                category, title, target, months = ILLEGAL_PROMISE
                # No weight: the weights of the other goals add up to 100 once this one is struck.
                items.append(TermGoalItem(title, category, target, election_day + dt.timedelta(days=30 * months)))
            service.save_goal_items(session, actor, row.id, items)
            if illegal and plan != "draft":
                struck_villages.add(row.village_id)
                service.review_pledge(session, actor, row.id, "village_party", "pass", reviewed_on=review_day)
                bribe = session.scalars(select(PledgeItem.id).where(PledgeItem.pledge_id == row.id,
                                                                    PledgeItem.title == ILLEGAL_PROMISE[1])).first()
                if bribe is None:
                    raise LookupError("demo: the illegal promise was not saved")
                service.strike_item(session, actor, bribe, "以财物许诺拉票，违反换届纪律，审诺时删去")
                passed_village.add(row.id)
        if row.candidacy_id == refuser and row.kind is PledgeKind.DISCIPLINE:
            service.refuse_pledge(session, actor, row.id, sign_day, "在村委会当面拒绝签字，称条款约束太多；驻村干部、"
                                  "村党组织书记在场", today=today)
            continue
        if plan == "draft":
            if row.kind is PledgeKind.DISCIPLINE:
                service.review_pledge(session, actor, row.id, "village_party", "pass", reviewed_on=review_day)
            continue
        for body in service.REVIEW_BODIES:
            if not (body == "village_party" and row.id in passed_village):
                service.review_pledge(session, actor, row.id, body, "pass", reviewed_on=review_day)
        if plan == "signed":
            service.sign_pledge(session, actor, row.id, sign_day, ctx.rng.choice(WITNESSES), today=today)


def add_progress(session: Session, ctx: DemoContext) -> None:
    """Commitments for elected candidacies with signed term goals, and some progress reports on them."""
    elected = list(session.scalars(select(Candidacy.id).where(Candidacy.cycle_id == ctx.cycle_id,
                                                              Candidacy.status == CandidacyStatus.ELECTED)))
    if not elected:
        ctx.notes.append("pledges: no elected candidacies yet; run add_progress after the elections demo")
        return
    election_day = ctx.election_day
    today = ctx.fixed_today
    for cand_id in elected:
        for commitment_id in commitments_from_pledges(session, cand_id, ctx.actor):
            commitment = existing(session, Commitment, commitment_id)
            if session.scalar(select(func.count()).select_from(ProgressReport)
                              .where(ProgressReport.commitment_id == commitment_id)):
                continue
            percent = 0
            day = election_day
            for _ in range(ctx.rng.randint(0, 3)):
                day = day + dt.timedelta(days=ctx.rng.randint(60, 120))
                if day > today:
                    break
                percent = min(100, percent + ctx.rng.choice((15, 20, 25, 30)))
                session.add(ProgressReport(commitment_id=commitment_id, reported_on=day, percent=percent,
                                           narrative=f"{commitment.title}：完成约{percent}%",
                                           reported_by="村务监督委员会"))
            if percent:
                status = CommitmentStatus.REPORTED_DONE if percent >= 100 else CommitmentStatus.IN_PROGRESS
                session.add(CommitmentStatusChange(commitment_id=commitment_id, from_status=commitment.status.value,
                                                   to_status=status.value, changed_on=day, note="演示数据"))
                commitment.status = status
                commitment.percent_done = percent
    session.flush()

