"""The 践诺跟踪 prints and the ledger workbook (issue 17 item 6): each form produced through the registry from a small
township of our own (two villages, a township item, a 一点一策 parent with children, weekly reports with a gap, a
月查, a 挂牌督办 with 催办, two frozen quarterly rankings and a circular), its text read back with pypdf: the titles,
a ledger number, the week, the 未报 entry, the notice number, the ranking order from the frozen snapshot; the
refusals in Chinese when a form would be empty; the workbook's columns, types, frozen header and filter.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from villagevote.audit import Actor
from villagevote.errors import UserError
from villagevote.models.enums import Role

D = dt.date
ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
TODAY = D(2027, 5, 20)


def build_tracking(s: Any, actor: Actor, cycle_id: int, village_ids: list[int]) -> dict[str, Any]:
    """Tracking data written straight into the tables (the circular drafted by ``circulars.draft_circular`` as
    ``actor``): what the forms read, dated in 2027."""
    from villagevote.models import Candidacy, Organization, Person
    from villagevote.models.enums import (
        CandidacyStatus,
        CommitmentKind,
        CommitmentSource,
        CommitmentStatus,
        InspectionKind,
        NominationSource,
        OrgKind,
        SupervisionLevel,
        SupervisionReason,
    )
    from villagevote.models.tracking import (
        Attachment,
        Commitment,
        Inspection,
        ProgressReport,
        RankingSnapshot,
        Supervision,
        SupervisionUrge,
    )
    from villagevote.tracking.circulars import draft_circular
    from villagevote.tracking.ranking import snapshot_digest

    def org(vid: int, kind: OrgKind) -> int:
        return int(s.scalar(select(Organization.id).where(Organization.village_id == vid,
                                                          Organization.cycle_id == cycle_id,
                                                          Organization.kind == kind)))

    people = {}
    for vid, (name, post, kind) in zip(village_ids[:2], [("王建国", "主任", OrgKind.VILLAGE_COMMITTEE),
                                                        ("李秀英", "书记", OrgKind.PARTY_BRANCH)], strict=True):
        person = Person(name=name, id_number=None, village_id=vid, phone="13900001111")
        s.add(person)
        s.flush()
        cand = Candidacy(person_id=person.id, organization_id=org(vid, kind), cycle_id=cycle_id, post=post,
                         source=NominationSource.PARTY_MEMBERS, status=CandidacyStatus.ELECTED)
        s.add(cand)
        s.flush()
        people[vid] = cand.id
    v1, v2 = village_ids[0], village_ids[1]
    short = {v1: "东村", v2: "西村"}

    def item(vid: int | None, seq: int, title: str, **kw: Any) -> Commitment:
        prefix = short.get(vid or 0, "镇")
        c = Commitment(ledger_no=f"{prefix}-2027-{seq:03d}", cycle_id=cycle_id, village_id=vid, title=title,
                       registered_on=kw.pop("registered_on", D(2027, 1, 4)), **kw)
        if vid is not None and "organization_id" not in kw and "candidacy_id" not in kw:
            c.candidacy_id = people[vid]
        s.add(c)
        s.flush()
        return c

    road = item(v1, 1, "硬化村道3公里", source=CommitmentSource.PLEDGE, kind=CommitmentKind.METRIC,
                metric_baseline=Decimal(0), metric_target=Decimal(3), metric_current=Decimal("1.5"), unit="公里",
                category="基础设施", starts_on=D(2027, 1, 4), deadline=D(2027, 6, 30),
                deadline_current=D(2027, 9, 30), weight=Decimal(2), status=CommitmentStatus.IN_PROGRESS,
                percent_done=50)
    lamps = item(v1, 2, "安装路灯120盏", source=CommitmentSource.ASSIGNED, starts_on=D(2027, 1, 4),
                 deadline=D(2027, 4, 30), deadline_current=D(2027, 4, 30), status=CommitmentStatus.CLOSED,
                 percent_done=100, reported_done_on=D(2027, 4, 20), reported_done_by="clerk",
                 closed_on=D(2027, 4, 28), closed_by="reviewer", acceptance_opinion="验收合格")
    parent = item(v2, 1, "剿灭劣V类水体", source=CommitmentSource.SPECIAL, starts_on=D(2027, 1, 4),
                  deadline=D(2027, 12, 31), deadline_current=D(2027, 12, 31), status=CommitmentStatus.IN_PROGRESS,
                  percent_done=40)
    pond = item(v2, 2, "前塘水体整治", source=CommitmentSource.SPECIAL, parent_id=parent.id, starts_on=D(2027, 1, 4),
                deadline=D(2027, 3, 31), deadline_current=D(2027, 3, 31), status=CommitmentStatus.OVERDUE,
                percent_done=60, detail={"名称": "前塘", "类型": "池塘"})
    ditch = item(v2, 3, "后沟水体整治", source=CommitmentSource.SPECIAL, parent_id=parent.id,
                 starts_on=D(2027, 1, 4), deadline=D(2027, 8, 31), deadline_current=D(2027, 8, 31),
                 status=CommitmentStatus.IN_PROGRESS, percent_done=20)
    item(None, 1, "垃圾分类行政村覆盖率达到70%", source=CommitmentSource.ASSIGNED, kind=CommitmentKind.METRIC,
         metric_baseline=Decimal(20), metric_target=Decimal(70),
         unit="%", starts_on=D(2027, 1, 4), deadline=D(2027, 12, 31), deadline_current=D(2027, 12, 31),
         status=CommitmentStatus.REGISTERED)
    s.add(Attachment(owner_type="commitment", owner_id=lamps.id, kind="acceptance", file_name="验收单.jpg",
                     stored_path="x/abc.jpg", sha256="0" * 64, size=10, added_by="clerk"))
    weeks = ["2027-W18", "2027-W19", "2027-W20"]
    for n, week in enumerate(weeks):
        monday = dt.date.fromisocalendar(2027, int(week[-2:]), 1)
        s.add(ProgressReport(commitment_id=road.id, period=week, reported_on=monday + dt.timedelta(days=4),
                             percent=40 + 5 * n, value=Decimal("1.2") + Decimal("0.15") * n,
                             narrative=f"完成路基{n + 1}段", problems="雨天影响" if n == 2 else "",
                             next_plan="继续铺设", reported_by="王建国", on_time=n != 1))
        s.add(ProgressReport(commitment_id=ditch.id, period=week, reported_on=monday + dt.timedelta(days=5),
                             percent=20, narrative="", no_progress_reason="等待设计方案", reported_by="李秀英",
                             on_time=True))
        if week != "2027-W20":  # the pond misses the last week: 未报
            s.add(ProgressReport(commitment_id=pond.id, period=week, reported_on=monday + dt.timedelta(days=5),
                                 percent=60, narrative="清淤", reported_by="李秀英", on_time=True))
    for vid, score in ((v1, Decimal("92.5")), (v2, Decimal("85.0"))):
        s.add(Inspection(cycle_id=cycle_id, kind=InspectionKind.MONTHLY, held_on=D(2027, 5, 15), period="2027-05",
                         village_id=vid, inspectors="张检查、赵督导", score=score))
    sup = Supervision(commitment_id=pond.id, level=SupervisionLevel.COUNTY, reason=SupervisionReason.OVERDUE,
                      reason_text="逾期未完成整治", notice_no="督〔2027〕3号", issued_on=D(2027, 4, 6),
                      issued_by="reviewer", limit_date=D(2027, 5, 31))
    s.add(sup)
    s.flush()
    s.add(SupervisionUrge(supervision_id=sup.id, urged_on=D(2027, 5, 6), method="电话", note="要求加快进度",
                          urged_by="reviewer"))
    rows_q1 = [{"village_id": v1, "village": "东村", "rank": 1, "total": "88.50",
                "parts": {"closed_rate": "35.00", "on_time_rate": "18.00", "report_rate": "8.50",
                          "inspection": "27.00"}, "veto": False},
               {"village_id": v2, "village": "西村", "rank": 2, "total": "80.25",
                "parts": {"closed_rate": "30.00", "on_time_rate": "16.00", "report_rate": "9.25",
                          "inspection": "25.00"}, "veto": False}]
    rows_q2 = [{"village_id": v2, "village": "西村", "rank": 1, "total": "90.10",
                "parts": {"closed_rate": "38.00", "on_time_rate": "18.10", "report_rate": "9.00",
                          "inspection": "25.00"}, "veto": False, "previous_rank": 2},
               {"village_id": v1, "village": "东村", "rank": 2, "total": "86.40",
                "parts": {"closed_rate": "34.00", "on_time_rate": "17.40", "report_rate": "8.00",
                          "inspection": "27.00"}, "deduction": "0.50", "veto": False, "previous_rank": 1}]
    scheme = {"version": 1, "components": {"closed_rate": "40", "on_time_rate": "20", "report_rate": "10",
                                           "inspection": "30"}, "as_of": "2027-06-30"}
    snaps = []
    for period, rows in (("2027-Q1", rows_q1), ("2027-Q2", rows_q2)):
        snap = RankingSnapshot(cycle_id=cycle_id, period=period, serial=1, scheme_version=1, scheme=scheme,
                               rows=rows, digest=snapshot_digest(cycle_id, period, 1, scheme, rows),
                               created_by="clerk", signed_by="reviewer")
        s.add(snap)
        s.flush()
        snaps.append(snap.id)
    draft_circular(s, actor, snaps[1], number="测组通〔2027〕7号", issued_on=D(2027, 7, 5))
    s.flush()
    return {"road": road.ledger_no, "pond": pond.ledger_no, "lamps": lamps.ledger_no}


@pytest.fixture
def tracked(db: Any, township: Any, reviewer: Actor, clerk: Actor) -> Any:
    with db.session() as s:
        facts = build_tracking(s, reviewer, township.cycle_id, township.village_ids)
    return db, facts


def produce(db: Any, kind: str, name: str, out: Path, *, village: str | None = None, **extra: str) -> Path:
    from villagevote.reports.registry import Options, find_form
    from villagevote.reports.registry import produce as run

    with db.session() as s:
        return run(s, ADMIN, find_form(kind, name), out, Options(village=village, extra=dict(extra))).path


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_ledger_of_the_township_and_of_a_village(tracked: Any, tmp_path: Path) -> None:
    db, facts = tracked
    text = pdf_text(produce(db, "print", "tracking-ledger", tmp_path / "l.pdf", date="2027-05-20"))
    f = flat(text)
    assert "测试镇践诺台账" in f
    for no in (facts["road"], facts["pond"], facts["lamps"], "镇-2027-001"):
        assert no in f
    assert "硬化村道3公里" in f and "0→3（公里）" in f and "延至2027年9月30日" in f
    assert "县级督办" in f and "填表人：管理员" in f and "第1页共" in f
    assert f.index("东村-2027-001") < f.index("西村-2027-001") < f.index("镇-2027-001")  # villages, township last
    assert "逾期" in f  # the pond is past its deadline
    one = flat(pdf_text(produce(db, "print", "tracking-ledger", tmp_path / "v.pdf", village="西村")))
    assert "西村践诺台账" in one and "东村-2027" not in one and "西村-2027-002" in one
    overdue = flat(pdf_text(produce(db, "print", "tracking-ledger", tmp_path / "o.pdf", date="2027-05-20",
                                    overdue="1")))
    assert "测试镇践诺台账（逾期事项）" in overdue and facts["pond"] in overdue and facts["road"] not in overdue
    closed = flat(pdf_text(produce(db, "print", "tracking-ledger", tmp_path / "c.pdf", status="已销号")))
    assert facts["lamps"] in closed and facts["pond"] not in closed
    with pytest.raises(UserError, match="东村没有挂牌督办事项（截至"):
        produce(db, "print", "tracking-ledger", tmp_path / "x.pdf", village="东村", supervised="1")
    with pytest.raises(UserError, match="状态“完成”不认识"):
        produce(db, "export", "tracking-ledger", tmp_path / "x.xlsx", status="完成")


def test_weekly_summary_and_missing_list(tracked: Any, tmp_path: Path) -> None:
    db, facts = tracked
    f = flat(pdf_text(produce(db, "print", "weekly-summary", tmp_path / "w.pdf", week="2027-W20")))
    assert "周报汇总" in f and "2027年第20周" in f and "2027-W20" in f
    assert "完成路基3段" in f and "无进展：等待设计方案" in f and "雨天影响" in f
    missing = flat(pdf_text(produce(db, "print", "weekly-missing", tmp_path / "m.pdf", week="2027-W20")))
    assert "周报缺报清单" in missing and "2027年第20周" in missing
    assert facts["pond"] in missing and "未报" in missing and "前塘水体整治" in missing
    assert facts["road"] not in missing  # it reported
    # default: the latest week with a report in which something is missing
    assert facts["pond"] in flat(pdf_text(produce(db, "print", "weekly-missing", tmp_path / "d.pdf")))
    with pytest.raises(UserError, match="2027年第19周.*都已报送"):
        produce(db, "print", "weekly-missing", tmp_path / "x.pdf", village="西村", week="2027-W19")
    with pytest.raises(UserError, match="2027-W14"):
        produce(db, "print", "weekly-summary", tmp_path / "x.pdf", week="第十四周")


def test_monthly_comparison_and_closure_register(tracked: Any, tmp_path: Path) -> None:
    db, facts = tracked
    f = flat(pdf_text(produce(db, "print", "monthly-comparison", tmp_path / "m.pdf", month="2027-05")))
    assert "月查月比表" in f and "2027年5月" in f and "92.5" in f and "合计" in f
    assert "东村" in f and "西村" in f
    closure = flat(pdf_text(produce(db, "print", "closure-register", tmp_path / "c.pdf", month="2027-04")))
    assert "销号备案表" in closure and facts["lamps"] in closure and "市委组织部" in closure
    assert "（盖章）" in closure
    with pytest.raises(UserError, match="2027年3月没有销号"):
        produce(db, "print", "closure-register", tmp_path / "x.pdf", month="2027-03")


def test_supervision_notice_with_receipt(tracked: Any, tmp_path: Path) -> None:
    db, facts = tracked
    f = flat(pdf_text(produce(db, "print", "supervision-notice", tmp_path / "s.pdf")))
    assert "挂牌督办通知书" in f and "督〔2027〕3号" in f and facts["pond"] in f
    assert "回执" in f and "办理情况" in f and "2027年5月31日" in f
    with pytest.raises(UserError, match="督〔2027〕99号"):
        produce(db, "print", "supervision-notice", tmp_path / "x.pdf", notice="督〔2027〕99号")
    with pytest.raises(UserError, match="东村没有挂牌督办事项"):
        produce(db, "print", "supervision-notice", tmp_path / "x.pdf", village="东村")
    from villagevote.models.tracking import Supervision

    with db.session() as s:  # none open: every notice issued, each saying when it was lifted
        s.scalars(select(Supervision)).one().lifted_on = D(2027, 6, 10)
    lifted = flat(pdf_text(produce(db, "print", "supervision-notice", tmp_path / "l.pdf", village="西村")))
    assert "督〔2027〕3号" in lifted and "本督办已于2027年6月10日解除" in lifted


def test_ranking_circular_from_the_frozen_snapshot(tracked: Any, tmp_path: Path) -> None:
    db, facts = tracked
    f = flat(pdf_text(produce(db, "print", "ranking-circular", tmp_path / "r.pdf", quarter="2027-Q2")))
    assert "测组通〔2027〕7号" in f and "第二季度" in f and "第2期" in f
    assert "各村党组织、村民委员会" in f and "总体情况" in f  # the drafted circular's text
    assert f.index("90.10") < f.index("86.40")  # the snapshot's order: 西村 first
    assert "上升1位" in f and "下降1位" in f and "扣分" in f
    assert "红榜" in f and "末位（拟约谈）" in f and "点名通报的村干部（按姓氏笔画排列）：李秀英" in f
    # the lists frozen in the circular on its date: the pond is supervised and overdue
    assert "督〔2027〕3号" in f and f.count(facts["pond"]) >= 2 and "截至2027年7月5日" in f
    assert "校验不符" not in f and "快照数据与其校验码不符" not in f
    q1 = flat(pdf_text(produce(db, "print", "ranking-circular", tmp_path / "q1.pdf", quarter="2027-Q1")))
    assert q1.index("88.50") < q1.index("80.25") and "（文号待编）" in q1 and "第1期" in q1
    assert "截至2027年3月31日" in q1 and "红榜：东村" in q1
    with pytest.raises(UserError, match="2027年第三季度"):
        produce(db, "print", "ranking-circular", tmp_path / "x.pdf", quarter="2027-Q3")


def test_every_form_refuses_an_empty_township(db: Any, township: Any, tmp_path: Path) -> None:
    for name in ("tracking-ledger", "weekly-summary", "weekly-missing", "monthly-comparison", "closure-register",
                 "supervision-notice", "ranking-circular"):
        with pytest.raises(UserError):
            produce(db, "print", name, tmp_path / f"{name}.pdf")
    with pytest.raises(UserError):
        produce(db, "export", "tracking-ledger", tmp_path / "l.xlsx")


def test_ledger_workbook(tracked: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db, facts = tracked
    wb = load_workbook(produce(db, "export", "tracking-ledger", tmp_path / "l.xlsx"))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    assert headers[:4] == ["编号", "村", "责任人", "职务"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref is not None
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    road = rows[facts["road"]]
    col = {h: i for i, h in enumerate(headers)}
    assert road[col["权重"]] == 2 and road[col["进度"]] == 0.5
    assert road[col["时限"]] == dt.datetime(2027, 6, 30) and road[col["延期后时限"]] == dt.datetime(2027, 9, 30)
    assert road[col["基数"]] == 0 and road[col["目标"]] == 3 and road[col["单位"]] == "公里"
    one = load_workbook(produce(db, "export", "tracking-ledger", tmp_path / "v.xlsx", village="东村")).worksheets[0]
    assert {r[1] for r in one.iter_rows(min_row=3, values_only=True) if r[0]} == {"东村"}


PRINTS = {"tracking-ledger": {"date": "2027-05-20"}, "weekly-summary": {"week": "2027-W20"},
          "weekly-missing": {"week": "2027-W20"}, "monthly-comparison": {"month": "2027-05"},
          "closure-register": {"month": "2027-04"}, "supervision-notice": {}, "ranking-circular": {"quarter": "2027-Q2"}}


def test_typesetting_of_every_tracking_print(tracked: Any, tmp_path: Path) -> None:
    """The rules tests/test_pdf_typesetting.py checks on the demo township, on this module's township: every font
    embedded, no line beginning with closing punctuation, "第 N 页 共 M 页" counting each document (one per notice),
    no text under 10 pt."""
    from pypdf import PdfReader

    from tests.test_pdf_typesetting import CLOSING, _footers, _lines, _pages, _unembedded_fonts

    db, _facts = tracked
    for name, extra in PRINTS.items():
        path = produce(db, "print", name, tmp_path / f"{name}.pdf", **extra)
        assert _unembedded_fonts(path) == [], name
        pages = _pages(path)
        starts = [line for line in _lines(pages) if line[0] in CLOSING]
        assert not starts, (name, starts[:3])
        footers = _footers(pages)
        assert None not in footers and footers[0] == (1, footers[0][1]), (name, footers)
        assert min(_font_sizes(PdfReader(str(path)))) >= 10, name


def _font_sizes(reader: Any) -> set[float]:
    sizes: set[float] = set()

    def visit(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"Tf":
            sizes.add(float(args[1]))

    for page in reader.pages:
        page.extract_text(visitor_operand_before=visit)
    return sizes
