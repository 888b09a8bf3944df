"""Demo 实绩比选: a scheme (龙游式, top 1 per post), the qualified 书记 and 主任 candidacies of the first villages,
nine raters in three groups with one recusal, entered score sheets (one left unfinished), bonus and deduction
entries. The outcome is not applied, so staff can look at the results and apply it themselves."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.demo.context import DemoContext
from villagevote.models import Candidacy, Organization
from villagevote.models.enums import CandidacyStatus, OrgKind
from villagevote.scoring import service
from villagevote.scoring.scheme import load_example_schemes, scheme_to_dict

DEMO_VILLAGES = 4
RATERS = [
    ("township_leaders", ["王建国", "陈志刚", "刘晓燕", "周明"]),
    ("stationed_cadres", ["吴海", "郑丽"]),
    ("party_rep", ["孙德福", "马秀英", "何春生"]),
]


def populate(session: Session, ctx: DemoContext) -> None:
    rng = ctx.rng
    base = next(s for s in load_example_schemes() if s.code == "longyou-2017")
    data = scheme_to_dict(base)
    data["code"] = "demo-2026"
    data["name"] = "2026年换届实绩比选（演示）"
    data["cutoff"] = {"min_total": "60", "top_n_per_post": 1}
    data["description"] = ("演示方案：以龙游式示例为基础，村党组织书记、村委会主任每个职位按总分取前 1 名为初步人选，"
                           "且总分不低于 60 分。") + data["description"]
    scheme_id = service.create_scheme(session, ctx.actor, data, cycle_id=ctx.cycle_id)

    wanted = []
    for vid in ctx.village_ids[:DEMO_VILLAGES]:
        for kind, post in ((OrgKind.PARTY_BRANCH, "书记"), (OrgKind.VILLAGE_COMMITTEE, "主任")):
            wanted += list(session.scalars(
                select(Candidacy.id).join(Organization, Candidacy.organization_id == Organization.id)
                .where(Organization.village_id == vid, Organization.kind == kind, Candidacy.post == post,
                       Candidacy.cycle_id == ctx.cycle_id, Candidacy.status == CandidacyStatus.QUALIFIED)
                .order_by(Candidacy.id)))
    if not wanted:
        ctx.notes.append("scoring: no qualified 书记/主任 candidacies to score")
        return
    service.add_participants(session, ctx.actor, scheme_id, wanted)
    participants = service.list_participants(session, scheme_id)
    scheme = service.get_scheme(session, scheme_id)

    rater_ids: dict[str, int] = {}
    for group, names in RATERS:
        for name in names:
            rater_ids[name] = service.add_rater(session, ctx.actor, scheme_id, name, group,
                                                title={"township_leaders": "乡镇领导", "stationed_cadres": "驻村干部",
                                                       "party_rep": "党员代表"}[group])
    recused = participants[0]
    service.recuse(session, ctx.actor, rater_ids["吴海"], recused.candidacy_id, "系该人选的表兄弟（近亲属）")

    # each candidate has an underlying level; raters vary around it
    level = {p.candidacy_id: rng.randint(72, 92) for p in participants}
    unfinished = "何春生"
    for name, rid in rater_ids.items():
        sheet = service.load_sheet(session, rid)
        values: dict[tuple[int, str], Decimal] = {}
        for i, p in enumerate(sheet.rows):
            if p.candidacy_id in sheet.recused:
                continue
            if name == unfinished and i >= len(sheet.rows) // 2:
                continue  # left half-way: not counted until finished
            for c in sheet.criteria:
                v = min(95, max(55, level[p.candidacy_id] + rng.randint(-6, 6)))
                values[(p.candidacy_id, c.code)] = Decimal(v)
        service.save_sheet(session, ctx.actor, rid, 1, values, complete=(name != unfinished))

    service.add_adjustment(session, ctx.actor, scheme_id, participants[1].candidacy_id, "honours", "2",
                           "2024年度县级优秀共产党员")
    service.add_adjustment(session, ctx.actor, scheme_id, participants[1].candidacy_id, "honours", "2",
                           "2025年度市级美丽乡村建设先进个人")
    if len(participants) > 3:
        service.add_adjustment(session, ctx.actor, scheme_id, participants[3].candidacy_id, "lead_prosperity", "2",
                               "领办合作社带动 40 户增收")
        service.add_adjustment(session, ctx.actor, scheme_id, participants[2].candidacy_id, "party_discipline", "3",
                               "2024年受党内警告处分")
    _ = scheme
