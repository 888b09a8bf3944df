"""The 双述双评 prints (issue 18 item 7): 民主评议票, 评议结果统计表, 年度述职评议汇总, 辞职承诺触发告知书 and 任期践诺档案,
printed through the registry (as ``villagevote print`` does) from sessions made through the domain functions; each
one's text read back with pypdf, and each refuses in Chinese when it would be empty."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from villagevote.audit import Actor
from villagevote.candidates.sample import build_world
from villagevote.errors import UserError
from villagevote.evaluation import sessions
from villagevote.evaluation.sessions import CountInput
from villagevote.models import Candidacy, Organization, Person
from villagevote.models.enums import CandidacyStatus, FlagKind, NominationSource, OrgKind, Role
from villagevote.models.tracking import Flag
from villagevote.reports.forms_evaluation import post_rank, ranked_cadres
from villagevote.reports.registry import Options, find_form, produce
from villagevote.tracking import consequences

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
VIEWER = Actor(None, "viewer", Role.READONLY, "查看员")
ELECTION = dt.date(2026, 3, 15)
TODAY = dt.date(2029, 6, 1)
VILLAGE = "青山村"
THREE = ["满意", "基本满意", "不满意"]


def _elect(s, world, name: str, kind: OrgKind, post: str) -> int:
    person = Person(name=name, village_id=world.villages[VILLAGE])
    s.add(person)
    s.flush()
    org = s.get(Organization, world.orgs[(VILLAGE, kind)])
    s.add(Candidacy(person_id=person.id, organization_id=org.id, cycle_id=world.cycle_id, post=post,
                    source=NominationSource.SELF, status=CandidacyStatus.ELECTED))
    s.flush()
    return person.id


@pytest.fixture
def town(db):
    """Three cadres of 青山村 rated in 2027 and 2028 (村述民评, confirmed); 李委员 不称职 both years, so the 2028 session
    proposes 职务终止 and the 辞职承诺 trigger, which the township confirms."""
    with db.session() as s:
        world = build_world(s, election_day=ELECTION)
        people = {name: _elect(s, world, name, kind, post) for name, kind, post in (
            ("王主任", OrgKind.VILLAGE_COMMITTEE, "主任"), ("丁书记", OrgKind.PARTY_BRANCH, "书记"),
            ("李委员", OrgKind.VILLAGE_COMMITTEE, "委员"))}
        ids = {}
        for year in (2027, 2028):
            sid = sessions.create_session(
                s, CLERK, cycle_id=world.cycle_id, village_id=world.villages[VILLAGE], year=year, kind="people",
                meeting="representatives", scale=THREE, due=45, present=40, ballots_issued=40,
                first_ballot_no=year % 100 * 1000 + 1, scrutineers="张监票", counters="李计票",
                held_on=dt.date(year, 12, 20), today=TODAY)
            sessions.enter_counts(s, CLERK, sid, [
                CountInput(people["王主任"], counts={"满意": 38, "基本满意": 2, "不满意": 0}),
                CountInput(people["丁书记"], counts={"满意": 20, "基本满意": 8, "不满意": 12}),
                CountInput(people["李委员"], counts={"满意": 10, "基本满意": 8, "不满意": 20}, blank=2)])
            sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
            ids[year] = sid
        trigger = s.query(Flag).filter_by(kind=FlagKind.RESIGNATION_TRIGGER, person_id=people["李委员"]).one()
        consequences.confirm(s, REVIEWER, trigger.id, decision_no="党委〔2029〕2号", decided_on=dt.date(2029, 1, 5))
        world.people = people  # type: ignore[attr-defined]
        world.sessions = ids  # type: ignore[attr-defined]
        world.trigger = trigger.id  # type: ignore[attr-defined]
        return world


def _print(db, tmp_path: Path, name: str, options: Options, actor: Actor = VIEWER) -> str:
    from pypdf import PdfReader

    out = tmp_path / f"{name}.pdf"
    with db.read_session() as s:
        produce(s, actor, find_form("print", name), out, options)
    return "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_post_order_then_strokes():
    assert post_rank("书记、主任") == 0 and post_rank("主任") == 2 and post_rank("委员") == 4
    assert post_rank("联村干部") == 5
    rows = ranked_cadres([("李委员", "委员"), ("王主任", "主任"), ("丁书记", "书记"), ("丁委员", "委员")])
    assert [n for n, _ in rows] == ["丁书记", "王主任", "丁委员", "李委员"]   # 丁 (2 strokes) before 李 (7)


def test_ballots_numbered_per_ballot_issued(db, town, tmp_path):
    sid = town.sessions[2028]
    text = _print(db, tmp_path, "evaluation-ballots", Options(extra={"session": str(sid)}))
    flat = _flat(text)
    assert "青山村2028年度村干部述职述诺民主评议票（村述民评）" in flat
    numbers = re.findall(r"No\.(\d{6})", flat)
    assert numbers == [f"{28001 + i:06d}" for i in range(40)]          # one per ballot issued, from the first number
    first = flat.split("No.028002")[0]
    assert first.index("丁书记") < first.index("王主任") < first.index("李委员")   # posts, then strokes
    assert "满意基本满意不满意" in flat and "意见建议" in flat and "填票说明" in flat
    assert "沿此线剪开" in flat


def test_tally_has_counts_percent_grade_proposals_and_signatures(db, town, tmp_path):
    flat = _flat(_print(db, tmp_path, "evaluation-tally", Options(village=VILLAGE, extra={"year": "2028"})))
    assert "评议结果统计表" in flat and "2028年度村述民评（村民代表会议）" in flat
    assert "应到45人，实到40人，达到三分之二以上" in flat
    assert "编号028001—028040" in flat
    # 李委员: 20 of 38 valid (2 blanks) → 52.6 %, 不称职; proposals named
    assert "李委员委员4540381026.3821.12052.620不称职" in flat
    assert "职务终止" in flat and "诫勉谈话" in flat and "表彰" in flat
    assert "监票人：张监票" in flat and "计票人：李计票" in flat and "签字" in flat
    assert "本结果已由审核员乙审核确认" in flat


def test_annual_summary_rows(db, town, tmp_path):
    flat = _flat(_print(db, tmp_path, "evaluation-summary", Options(extra={"year": "2028"})))
    assert "2028年度村干部述职述诺评议汇总表" in flat and "范围：全乡镇" in flat
    for word in ("民评", "镇评", "践诺率", "综合分", "等次", "触发情形", "乡镇党委意见"):
        assert word in flat
    assert "李委员" in flat and "不称职" in flat and "年度评议不合格" in flat
    assert "触发辞职承诺（党委〔2029〕2号）" in flat
    # default year: the latest with a confirmed session
    assert "2028年度" in _flat(_print(db, tmp_path, "evaluation-summary", Options(village=VILLAGE)))


def test_resignation_notice_quotes_the_facts_and_has_a_receipt(db, town, tmp_path):
    flat = _flat(_print(db, tmp_path, "resignation-notice", Options()))
    assert "辞职承诺触发告知书" in flat and "李委员同志" in flat
    assert "连续2年民主评议不称职" in flat
    assert "党委〔2029〕2号" in flat
    assert "15日内（2029年1月20日前）" in flat            # the default 15 days from the decision
    assert "送达回执" in flat and "签收人" in flat and "沿此线剪开" in flat
    assert "annual_evaluation" not in flat                 # the trigger code is not for the reader
    one = _flat(_print(db, tmp_path, "resignation-notice", Options(extra={"flag": str(town.trigger)})))
    assert one.count("辞职承诺触发告知书") == 1


def test_term_dossier(db, town, tmp_path):
    flat = _flat(_print(db, tmp_path, "term-dossier", Options(extra={"person": "李委员", "date": "2029-01-10"})))
    assert "任期践诺档案" in flat and "李委员（村委会委员）" in flat
    for part in ("一、承诺书", "二、践诺事项及认定", "三、年度评议等次", "四、处理情况", "五、免责（保护清单）"):
        assert part in flat
    assert flat.count("村述民评村民代表会议不称职") == 2      # 2027 and 2028
    assert "职务终止" in flat and "党委〔2029〕2号" in flat
    village = _flat(_print(db, tmp_path, "term-dossier", Options(village=VILLAGE, extra={"date": "2029-01-10"})))
    assert village.count("任期践诺档案") >= 3 and village.index("丁书记") < village.index("王主任")


def test_forms_refuse_when_empty(db, tmp_path):
    with db.session() as s:
        world = build_world(s, election_day=ELECTION)
    checks = [("evaluation-ballots", Options(village=VILLAGE), "还没有登记评议会议"),
              ("evaluation-tally", Options(village=VILLAGE, extra={"year": "2027"}), "还没有登记评议会议"),
              ("evaluation-summary", Options(), "还没有已确认的述职评议"),
              ("resignation-notice", Options(), "没有已确认、待答复的辞职承诺情形"),
              ("term-dossier", Options(village=VILLAGE), "没有在任的干部"),
              ("evaluation-tally", Options(extra={"kind": "nonsense"}), "kind=nonsense")]
    assert world.cycle_id
    for name, options, words in checks:
        with pytest.raises(UserError) as info:
            _print(db, tmp_path, name, options)
        assert words in info.value.message, (name, info.value.message)
