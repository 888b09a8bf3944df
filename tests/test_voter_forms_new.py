"""The voter forms issue 16 added — 选民登记日和选举日公告, 选民补登、除名公告, 异议处理决定通知书, 委托投票证 — and what
every voter form must show: embedded fonts only, no line opening with closing punctuation, per-village documents,
voter cards numbered in print order, a Chinese refusal when there is nothing to print, the print buttons."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from tests.test_voters_import import make_id
from tests.test_voters_objections_proxies import _relate, add_voters
from villagevote.errors import UserError, ValidationError
from villagevote.models.core import AuditLog, ElectionCycle, VillageGroup
from villagevote.models.enums import ObjectionOutcome, VoterStatus
from villagevote.models.voters import ObjectionRequest, Voter
from villagevote.reports.registry import Options, find_form
from villagevote.voters import register as reg
from villagevote.voters.objections import answer_objection, register_objection
from villagevote.voters.proxies import register_proxy

PUBLISHED = dt.date(2026, 11, 30)  # election day 2026-12-20 in the township fixture
CLOSING = "，。、；：？！）》」』”’…"
VOTER_FORMS = ("voter-notice", "voter-cards", "proxy-list", "voter-day-notice", "voter-changes", "objection-decisions",
               "proxy-certificates")


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fonts(resources, seen: set[int]) -> list:
    """Every font dictionary reachable from a page's resources (form XObjects included)."""
    if resources is None or id(resources) in seen:
        return []
    seen.add(id(resources))
    resources = resources.get_object()
    out = list(resources.get("/Font", {}).get_object().values()) if "/Font" in resources else []
    for xobject in (resources.get("/XObject", {}).get_object().values() if "/XObject" in resources else []):
        out += _fonts(xobject.get_object().get("/Resources"), seen)
    return out


def unembedded_fonts(path: Path) -> set[str]:
    bad = set()
    for page in PdfReader(str(path)).pages:
        for ref in _fonts(page.get("/Resources"), set()):
            font = ref.get_object()
            target = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                bad.add(str(font.get("/BaseFont")))
    return bad


def bad_line_starts(path: Path) -> list[str]:
    return [line for text in pdf_pages(path) for line in text.splitlines() if line.strip()[:1] in CLOSING]


def render(db, actor, name: str, out: Path, **options) -> Path:
    extra = options.pop("extra", {})
    with db.session() as s:
        return find_form("print", name).run(s, actor, out, Options(extra=extra, **options))


@pytest.fixture
def story(db, admin, township):
    """东村: a published list, then a death recorded, a late entry, an upheld 漏登 objection, a rejected one, an
    upheld correction and a pending objection; two proxies to one holder; 西村 with voters, nothing published."""
    east = township.village_ids[0]
    with db.session() as s:
        ids = add_voters(s, township, 0, ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"])
        add_voters(s, township, 1, ["吴一", "郑二"], first_seq=301)
        groups = dict(s.execute(select(VillageGroup.number, VillageGroup.id)
                                .where(VillageGroup.village_id == east)).tuples().all())
        for i, vid in enumerate(ids):
            s.get(Voter, vid).group_id = groups[1 + i % 2]
        reg.publish_voter_list(s, admin, township.cycle_id, east, PUBLISHED)
    zhang, li, wang, zhao, qian, sun, zhou = ids
    with db.session() as s:
        reg.remove_voter(s, admin, zhang, VoterStatus.DECEASED, "2026年11月28日病故（村卫生室证明）",
                         dt.date(2026, 11, 28), today=dt.date(2026, 12, 2))
        [late] = add_voters(s, township, 0, ["冯十"], first_seq=501)
        added = register_objection(s, admin, township.cycle_id, east, raised_by="李四", ground="陈大户籍在本村，漏登。",
                                   received_on=dt.date(2026, 12, 1), request=ObjectionRequest.ADD,
                                   details={"name": "陈大", "group_id": groups[3],
                                            "id_number": make_id(dt.date(1988, 3, 3), 611)})
        rejected = register_objection(s, admin, township.cycle_id, east, raised_by="赵六", ground="王五已迁出本村",
                                      received_on=dt.date(2026, 12, 2), request=ObjectionRequest.REMOVE, voter_id=wang)
        corrected = register_objection(s, admin, township.cycle_id, east, raised_by="钱七", ground="孙八的小组登记有误",
                                       received_on=dt.date(2026, 12, 2), request=ObjectionRequest.CORRECT,
                                       voter_id=sun, details={"group_id": groups[4]})
        pending = register_objection(s, admin, township.cycle_id, east, raised_by="周九", ground="李四不在本村居住",
                                     received_on=dt.date(2026, 12, 3), request=ObjectionRequest.REMOVE, voter_id=li)
    with db.session() as s:  # fixed instants: entered by 29 November, posted on the 30th, 冯十 entered on 3 December
        s.execute(update(Voter).where(Voter.id.in_(ids)).values(created_at=dt.datetime(2026, 11, 29, 9, 0)))
        s.execute(update(AuditLog).where(AuditLog.entity == "village_milestone")
                  .values(at=dt.datetime(2026, 11, 30, 9, 0)))
        s.execute(update(Voter).where(Voter.id == late).values(created_at=dt.datetime(2026, 12, 3, 9, 0)))
        answer_objection(s, admin, added, ObjectionOutcome.UPHELD, "经核实户籍在本村，予以补登", dt.date(2026, 12, 3),
                         today=dt.date(2026, 12, 3))
        answer_objection(s, admin, rejected, ObjectionOutcome.REJECTED, "王五户籍仍在本村", dt.date(2026, 12, 4))
        answer_objection(s, admin, corrected, ObjectionOutcome.UPHELD, "经核实属第4村民小组", dt.date(2026, 12, 4),
                         today=dt.date(2026, 12, 4))
        _relate(s, admin, qian, [zhao, zhou])
        day = dt.date(2026, 12, 10)
        first = register_proxy(s, admin, zhao, qian, day, today=day)
        register_proxy(s, admin, zhou, qian, day, today=day)
    return {"late": late, "added": added, "rejected": rejected, "corrected": corrected, "pending": pending,
            "proxy": first}


def test_every_voter_form_embeds_its_fonts_and_breaks_lines_properly(db, admin, township, story, tmp_path):
    for name in VOTER_FORMS:
        out = render(db, admin, name, tmp_path / f"{name}.pdf", village="东村", extra={"date": "2026-11-30"}
                     if name in ("voter-notice",) else {})
        assert not unembedded_fonts(out), (name, unembedded_fonts(out))
        assert not bad_line_starts(out), (name, bad_line_starts(out))


def test_day_notice_gives_registration_election_day_and_the_calendar(db, admin, township, tmp_path):
    out = render(db, admin, "voter-day-notice", tmp_path / "d.pdf", village="西村",
                 extra={"registration": "2026-11-10~2026-11-12", "date": "2026-11-05"})
    text = compact("".join(pdf_pages(out)))
    assert "西村2026年换届村民委员会选举选民登记日和选举日公告" in text
    assert "选民登记日：2026年11月10日至2026年11月12日。" in text and "选举日：2026年12月20日。" in text
    assert "年满18周岁（2008年12月20日以前出生" in text
    assert "自名单公布之日起5日内" in text and "自收到之日起3日内" in text
    assert "公布选民名单2026年11月30日选举日前20天" in text and "公布候选人名单2026年12月15日" in text
    assert "西村村民选举委员会（盖章）2026年11月5日" in text
    # without a registration period the days are left blank to be written in
    out = render(db, admin, "voter-day-notice", tmp_path / "blank.pdf", village="西村")
    assert "选民登记日：____年____月____日至____年____月____日" in compact("".join(pdf_pages(out)))
    # the cycle's profile may carry the period; a period ending after the list must be posted is refused
    with db.session() as s:
        cycle = s.get(ElectionCycle, township.cycle_id)
        cycle.profile = {**(cycle.profile or {}), "registration_from": "2026-11-01", "registration_to": "2026-11-03"}
    out = render(db, admin, "voter-day-notice", tmp_path / "p.pdf", village="西村")
    assert "选民登记日：2026年11月1日至2026年11月3日" in compact("".join(pdf_pages(out)))
    with pytest.raises(ValidationError, match="太晚"):
        render(db, admin, "voter-day-notice", tmp_path / "x.pdf", village="西村", extra={"registration": "2026-12-01"})
    with pytest.raises(UserError, match="格式不对"):
        render(db, admin, "voter-day-notice", tmp_path / "x.pdf", village="西村", extra={"registration": "11月1日"})


def test_changes_notice_lists_additions_removals_and_corrections_since_publication(db, admin, township, story,
                                                                                  tmp_path):
    out = render(db, admin, "voter-changes", tmp_path / "c.pdf", village="东村", extra={"date": "2026-12-05"})
    text = compact("".join(pdf_pages(out)))
    assert "东村2026年换届村民委员会选举选民补登、除名公告" in text
    assert "本村选民名单已于2026年11月30日公布" in text
    assert "一、补登选民（共2人）" in text and "二、除名（共1人）" in text and "三、登记信息更正（共1人）" in text
    assert "陈大" in text and "漏登（异议成立）" in text and "冯十" in text and "补充登记" in text
    assert "张三男第1村民小组死亡2026年11月28日" in text
    assert "孙八" in text and "更正村民小组（异议成立）" in text
    # public: no recorded reasons (a death certificate, who objected), no ID numbers, the rejected objection absent
    assert "病故" not in text and "卫生室" not in text and "李四提出" not in text
    assert not re.search(r"\d{17}[\dX]", text) and "王五" not in text
    assert "变动后，本村共有选民8人" in text  # 7 + 冯十 + 陈大 − 张三
    assert "东村村民选举委员会（盖章）2026年12月5日" in text
    with pytest.raises(UserError, match="尚未公布"):
        render(db, admin, "voter-changes", tmp_path / "x.pdf", village="西村")
    with pytest.raises(ValidationError, match="早于最后一次变动"):
        render(db, admin, "voter-changes", tmp_path / "x.pdf", village="东村", extra={"date": "2026-12-01"})
    # township-wide: only villages with changes
    out = render(db, admin, "voter-changes", tmp_path / "all.pdf")
    assert "西村" not in "".join(pdf_pages(out))


def test_changes_notice_without_changes_says_so(db, admin, township, tmp_path):
    with db.session() as s:
        add_voters(s, township, 0, ["张三"])
        reg.publish_voter_list(s, admin, township.cycle_id, township.village_ids[0], PUBLISHED)
    with pytest.raises(UserError, match="没有补登、除名或更正"):
        render(db, admin, "voter-changes", tmp_path / "x.pdf", village="东村")
    with pytest.raises(UserError, match="无需公告"):
        render(db, admin, "voter-changes", tmp_path / "x.pdf")


def test_one_decision_notice_per_decided_objection(db, admin, township, story, tmp_path):
    out = render(db, admin, "objection-decisions", tmp_path / "o.pdf", village="东村")
    pages = [compact(p) for p in pdf_pages(out)]
    assert len(pages) == 3  # 漏登 upheld, 错登 rejected, correction upheld; the pending one has none
    added, rejected, corrected = pages
    assert "选民名单异议处理决定通知书" in added and "李四：" in added
    assert "你于2026年12月1日向本村村民选举委员会提出对选民名单的异议，认为陈大户籍在本村，漏登，请求将陈大列入选民名单。" in added
    assert "异议成立。经核实户籍在本村，予以补登。" in added and "已将陈大（第3村民小组）列入本村选民名单" in added
    assert "东村村民选举委员会（盖章）2026年12月3日" in added and "送达回执" in added and "签收人" in added
    assert "异议不成立。王五户籍仍在本村。" in rejected and "王五在选民名单中的登记不作变动。" in rejected
    assert "请求更正孙八的选民登记信息" in corrected and "已更正孙八的选民登记信息" in corrected
    # numbered within the village in order of registration (the pending 4th has none yet)
    assert [re.search(r"东村选委异〔2026〕(\d+)号", p).group(1) for p in pages] == ["1", "2", "3"]
    assert "周九" not in "".join(pages)
    one = render(db, admin, "objection-decisions", tmp_path / "one.pdf", extra={"objection": str(story["rejected"])})
    assert len(pdf_pages(one)) == 1 and "王五" in pdf_pages(one)[0]
    with pytest.raises(UserError, match="尚未作出处理决定"):
        render(db, admin, "objection-decisions", tmp_path / "x.pdf", extra={"objection": str(story["pending"])})
    with pytest.raises(UserError, match="西村还没有已作出处理决定"):
        render(db, admin, "objection-decisions", tmp_path / "x.pdf", village="西村")


def test_one_proxy_certificate_per_approved_proxy_two_to_a_sheet(db, admin, township, story, tmp_path):
    out = render(db, admin, "proxy-certificates", tmp_path / "p.pdf", village="东村", extra={"date": "2026-12-12"})
    pages = [compact(p) for p in pdf_pages(out)]
    assert len(pages) == 1
    text = pages[0]
    assert text.count("委托投票证") == 2 and "编号：001-001" in text and "编号：001-002" in text
    assert "委托人赵六" in text and "委托人周九" in text and text.count("受托人钱七") == 2
    assert "书面委托日期2026年12月10日" in text and "选举日2026年12月20日" in text
    assert "每位受托人接受委托不超过3人" in text and "东村村民选举委员会（盖章）2026年12月12日" in text
    one = render(db, admin, "proxy-certificates", tmp_path / "one.pdf", extra={"proxy": str(story["proxy"])})
    assert compact(pdf_pages(one)[0]).count("委托投票证") == 1
    with pytest.raises(UserError, match="西村没有经审核同意的委托投票"):
        render(db, admin, "proxy-certificates", tmp_path / "x.pdf", village="西村")


def test_voter_cards_are_numbered_in_print_order(db, admin, township, tmp_path):
    with db.session() as s:
        ids = add_voters(s, township, 0, ["赵一", "丁二", "王三", "马四", "于五"])
        groups = dict(s.execute(select(VillageGroup.number, VillageGroup.id)
                                .where(VillageGroup.village_id == township.village_ids[0])).tuples().all())
        for vid, group in zip(ids, (2, 1, 2, 1, 3), strict=True):
            s.get(Voter, vid).group_id = groups[group]
    out = render(db, admin, "voter-cards", tmp_path / "c.pdf", village="东村")
    text = compact(pdf_pages(out)[0])
    numbers = re.findall(r"001-(\d{4})", text)
    assert numbers == sorted(numbers) and len(numbers) == 5
    # group 1 (丁 before 马 by strokes), then group 2 (王 before 赵), then group 3
    assert re.findall(r"[丁马王赵于][一二三四五]", text) == ["丁二", "马四", "王三", "赵一", "于五"]


def test_notice_refuses_a_village_without_voters(db, admin, township, tmp_path):
    with pytest.raises(UserError, match="还没有登记选民"):
        render(db, admin, "voter-notice", tmp_path / "x.pdf", village="南村")
    with pytest.raises(UserError, match="还没有登记选民"):
        render(db, admin, "voter-cards", tmp_path / "x.pdf", village="南村")
    with pytest.raises(UserError, match="没有登记委托投票"):
        render(db, admin, "proxy-list", tmp_path / "x.pdf", village="南村")


def test_print_buttons_pass_the_selected_objection_or_proxy(qtbot, ctx, township, story, monkeypatch, settle):
    from villagevote.ui.pages import voter_register as page
    asked: list[tuple[str, Options]] = []
    monkeypatch.setattr(page, "produce", lambda parent, c, kind, name, options=None, **k: asked.append((name, options)))
    objections = page.ObjectionsTab(ctx)
    qtbot.addWidget(objections)
    settle()
    objections.print_decisions()
    assert asked[-1][0] == "objection-decisions" and not asked[-1][1].extra
    objections.view.selectRow(0)
    objections.print_decisions()
    assert asked[-1][1].extra.get("objection", "").isdigit()
    proxies = page.ProxiesTab(ctx)
    qtbot.addWidget(proxies)
    settle()
    proxies.view.selectRow(0)
    proxies.print_certificates()
    assert asked[-1][0] == "proxy-certificates" and asked[-1][1].extra["proxy"].isdigit()
    register = page.VoterRegisterTab(ctx)
    qtbot.addWidget(register)
    settle()
    register.print_form("voter-changes")
    register.print_form("voter-day-notice")
    assert [a[0] for a in asked[-2:]] == ["voter-changes", "voter-day-notice"]


def test_notice_numbers_pages_per_village_with_running_heads_and_the_seal_beside_the_summary(tmp_path):
    from villagevote.reports.pdf.voter_notice import NoticeGroup, NoticeVoter, VillageNotice, voter_notice_pdf

    def village(name: str, per_group: int) -> VillageNotice:
        groups = [NoticeGroup(f"第{g}村民小组", [NoticeVoter(f"张{chr(0x4E00 + g * 300 + i)}", "男")
                                                 for i in range(per_group)]) for g in (1, 2)]
        return VillageNotice(name, "测试镇", "第十二届", dt.date(2026, 12, 20), dt.date(2026, 11, 30),
                             dt.date(2026, 12, 5), groups)

    out = voter_notice_pdf([village("东村", 260), village("西村", 40)], tmp_path / "n.pdf")
    pages = [compact(p) for p in pdf_pages(out)]
    east = [p for p in pages if "东村" in p]
    west = [p for p in pages if "西村" in p]
    assert len(east) + len(west) == len(pages) and len(east) > 2
    assert [re.search(r"第(\d+)页共(\d+)页", p).groups() for p in east] == [
        (str(i), str(len(east))) for i in range(1, len(east) + 1)]
    assert re.search(r"第1页共(\d+)页", west[0]) and "西村第十二届村民委员会选举" in west[0]
    assert "第1村民小组（续）" in east[1] and "东村第十二届村民委员会选举选民名单公告" in east[1]
    sealed = [p for p in pages if "村民选举委员会（盖章）" in p]
    assert len(sealed) == 2 and all("合计" in p for p in sealed)  # the seal never stands alone on a page


def test_certificates_carry_no_page_numbers(db, admin, township, story, tmp_path):
    out = render(db, admin, "proxy-certificates", tmp_path / "p.pdf", village="东村")
    assert not re.search(r"第\d+页", compact("".join(pdf_pages(out))))
