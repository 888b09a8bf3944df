"""实绩比选 in the database: schemes (seeded, frozen, copied), raters, recusal, entry, double entry, results, outcome.

Expected totals are worked out by hand next to each assertion.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from tests.helpers_candidates import qualified_secretaries
from villagevote.candidates import status
from villagevote.candidates.sample import build_world
from villagevote.errors import LockedError, PermissionDenied, ValidationError
from villagevote.models import AuditLog, Candidacy, Score, ScoreScheme
from villagevote.models.enums import CandidacyStatus as S
from villagevote.scoring import records, service
from villagevote.scoring.scheme import load_example_schemes

NAMES = ["张三", "李四", "王五", "赵六"]


def small_scheme(**over) -> dict:
    """Two criteria (服务中心工作 max 60, 民主评议 max 40, points), one group, plain mean; top 2 per post, min 60."""
    data = {
        "format": 1, "code": "test", "name": "测试比选",
        "criteria_weights_must_sum_to": None, "group_weights_must_sum_to": "1",
        "rater_groups": [{"code": "lead", "name": "乡镇领导", "weight": "1"}],
        "criteria": [{"code": "work", "name": "服务中心工作", "max": "60", "weight": "1"},
                     {"code": "vote", "name": "民主评议", "max": "40", "weight": "1"}],
        "bonus_items": [{"code": "honour", "name": "荣誉表彰", "cap": "3"}],
        "aggregation": {"method": "mean", "scope": "pooled"},
        "rounding": {"places": 2, "mode": "half_up"}, "entry_places": 1,
        "cutoff": {"min_total": "60", "top_n_per_post": 2},
        "tie_rule": {"priority_criteria": ["work"]},
    }
    data.update(over)
    return data


@pytest.fixture
def setup(db, admin):
    """A township, four qualified candidacies for 青山村 书记, a stored small scheme with them as participants."""
    with db.session() as s:
        world = build_world(s)
        cids = qualified_secretaries(s, admin, world, NAMES, dt.date(1975, 3, 1), 11)
        scheme_id = service.create_scheme(s, admin, small_scheme(), cycle_id=world.cycle_id)
        service.add_participants(s, admin, scheme_id, list(cids.values()))
        raters = {n: service.add_rater(s, admin, scheme_id, n, "lead") for n in ("甲", "乙", "丙")}
    return scheme_id, cids, raters


def fill(db, actor, scheme_id, cids, rater_id, rows: dict[str, tuple[str, str]], *, complete=True, entry_no=1):
    with db.session() as s:
        values = {}
        for name, (work, vote) in rows.items():
            values[(cids[name], "work")] = work
            values[(cids[name], "vote")] = vote
        return service.save_sheet(s, actor, rater_id, entry_no, values, complete=complete)


def test_example_schemes_are_seeded_once(db, admin):
    with db.session() as s:
        rows = service.list_schemes(s)
        assert {r.code for r in rows} == {x.code for x in load_example_schemes()}
        # a deleted example does not come back on the next open
        service.delete_scheme(s, admin, next(r.id for r in rows if r.code == "qianshan"))
    from villagevote.scoring.seed import seed
    with db.session() as s:
        seed(s)
        assert "qianshan" not in {r.code for r in service.list_schemes(s)}


def test_scheme_with_bad_weights_is_refused_and_nothing_stored(db, admin):
    bad = small_scheme(criteria_weights_must_sum_to="100")  # weights 1 + 1 = 2, not 100
    with db.session() as s:
        before = s.scalar(select(func.count(ScoreScheme.id)))
        with pytest.raises(ValidationError, match="评分项权重之和为 2，方案要求等于 100"):
            service.create_scheme(s, admin, bad)
        assert s.scalar(select(func.count(ScoreScheme.id))) == before


def test_full_flow_with_recusal_adjustment_and_outcome(db, admin, setup):
    scheme_id, cids, raters = setup
    with db.session() as s:
        service.recuse(s, admin, raters["丙"], cids["赵六"], "系赵六之子")
    fill(db, admin, scheme_id, cids, raters["甲"],
         {"张三": ("50", "30"), "李四": ("45", "35"), "王五": ("40", "20"), "赵六": ("55", "38")})
    fill(db, admin, scheme_id, cids, raters["乙"],
         {"张三": ("52", "32"), "李四": ("47", "33"), "王五": ("42", "22"), "赵六": ("53", "36")})
    with db.session() as s:
        values = {(cids[n], c): v for n, (w, vt) in
                  {"张三": ("48", "31"), "李四": ("46", "34"), "王五": ("41", "21")}.items()
                  for c, v in (("work", w), ("vote", vt))}
        service.save_sheet(s, admin, raters["丙"], 1, values, complete=True)
        service.add_adjustment(s, admin, scheme_id, cids["王五"], "honour", "5", "县级优秀党员")
        res = service.compute(s, scheme_id).results
    # 张三: work (50+52+48)/3 = 50, vote (30+32+31)/3 = 31 -> 81.00
    # 李四: work (45+47+46)/3 = 46, vote (35+33+34)/3 = 34 -> 80.00
    # 王五: work (40+42+41)/3 = 41, vote (20+22+21)/3 = 21, bonus 5 capped at 3 -> 65.00
    # 赵六 (丙 recused): work (55+53)/2 = 54, vote (38+36)/2 = 37 -> 91.00
    totals = {r.candidate.name: r.total for r in res.candidates}
    assert totals == {"张三": D("81.00"), "李四": D("80.00"), "王五": D("65.00"), "赵六": D("91.00")}
    outcome = {r.candidate.name: r.outcome for r in res.candidates}
    assert outcome == {"赵六": records.OUTCOME_PASS, "张三": records.OUTCOME_PASS, "李四": records.OUTCOME_FAIL,
                       "王五": records.OUTCOME_FAIL}
    with db.session() as s:
        summary = service.apply_outcome(s, admin, scheme_id)
    assert sorted(summary.passed) == ["张三", "赵六"]
    with db.session() as s:
        st = {n: s.get(Candidacy, cid).status for n, cid in cids.items()}
        assert st == {"张三": S.PRELIMINARY, "赵六": S.PRELIMINARY, "李四": S.QUALIFIED, "王五": S.QUALIFIED}
        reasons = {d.candidacy_id: d.reason for d in service.recorded_outcomes(s, scheme_id)}
        assert "第 3 名，不在前 2 名内" in reasons[cids["李四"]]
        # locked afterwards
        with pytest.raises(LockedError, match="结果已"):
            service.add_adjustment(s, admin, scheme_id, cids["李四"], "honour", "1")


def test_score_above_maximum_or_negative_refused_and_nothing_changed(db, admin, setup):
    scheme_id, cids, raters = setup
    fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False)
    with pytest.raises(ValidationError) as exc:
        fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("61", "30"), "李四": ("40", "-1")}, complete=False)
    msg = str(exc.value)
    assert "张三“服务中心工作”：分数 61 超过满分 60" in msg
    assert "李四“民主评议”：分数不能为负数" in msg
    with db.session() as s:
        sheet = service.load_sheet(s, raters["甲"])
        assert sheet.values == {(cids["张三"], "work"): D(50), (cids["张三"], "vote"): D(30)}


def test_empty_is_not_zero(db, admin, setup):
    scheme_id, cids, raters = setup
    fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("0", "")}, complete=False)
    with db.session() as s:
        sheet = service.load_sheet(s, raters["甲"])
        assert sheet.values == {(cids["张三"], "work"): D(0)}
        assert (cids["张三"], "vote") not in sheet.values
    with pytest.raises(ValidationError, match="张三“民主评议”为空"):
        fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("0", ""), "李四": ("1", "1"), "王五": ("1", "1"),
                                                          "赵六": ("1", "1")}, complete=True)


def test_recused_rater_cannot_score_and_cannot_recuse_after_scoring(db, admin, setup):
    scheme_id, cids, raters = setup
    with db.session() as s:
        with pytest.raises(ValidationError, match="需要填写理由"):
            service.recuse(s, admin, raters["甲"], cids["李四"], "  ")
        service.recuse(s, admin, raters["甲"], cids["李四"], "亲属关系")
    with pytest.raises(ValidationError, match="已回避此人选（亲属关系），不能评分"):
        fill(db, admin, scheme_id, cids, raters["甲"], {"李四": ("40", "30")}, complete=False)
    fill(db, admin, scheme_id, cids, raters["乙"], {"王五": ("40", "30")}, complete=False)
    with db.session() as s:
        with pytest.raises(ValidationError, match="请先在录入表中清空"):
            service.recuse(s, admin, raters["乙"], cids["王五"], "利害关系")


def test_scheme_frozen_once_scores_exist_and_copy_is_editable(db, admin, setup):
    scheme_id, cids, raters = setup
    with db.session() as s:  # before scores: editable
        service.update_scheme(s, admin, scheme_id, small_scheme(entry_places=2))
    fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False)
    with db.session() as s:
        with pytest.raises(LockedError, match="已有评分，不能修改。请复制为新版本后再修改"):
            service.update_scheme(s, admin, scheme_id, small_scheme(entry_places=0))
        assert service.get_scheme(s, scheme_id).entry_places == 2
        new_id = service.copy_scheme(s, admin, scheme_id)
        service.update_scheme(s, admin, new_id, small_scheme(entry_places=0))
        rows = {r.id: r for r in service.list_schemes(s)}
        assert rows[new_id].version == 2 and not rows[new_id].frozen and rows[new_id].raters == 3
        assert rows[scheme_id].frozen


def test_double_entry_counts_only_when_both_entries_agree(db, admin, clerk, setup):
    scheme_id, cids, raters = setup
    with db.session() as s:
        service.set_double_entry(s, admin, scheme_id, True)
    full = {"张三": ("50", "30"), "李四": ("45", "35"), "王五": ("40", "20"), "赵六": ("55", "38")}
    fill(db, admin, scheme_id, cids, raters["甲"], full)
    typo = dict(full, 李四=("54", "35"))
    state = fill(db, clerk, scheme_id, cids, raters["甲"], typo, entry_no=2)
    assert not state.counts
    assert [(m.candidate_id, m.criterion_code, m.first, m.second) for m in state.mismatches] == \
        [(cids["李四"], "work", D(45), D(54))]
    with db.session() as s:
        res = service.compute(s, scheme_id)
        assert any("甲" in n for n in res.results.notes)  # not counted, and said so
    state = fill(db, clerk, scheme_id, cids, raters["甲"], full, entry_no=2)
    assert state.counts and state.mismatches == ()


def _one_rater_with_a_tie(db, admin, setup):
    """Only 甲 scores: 张三 50+40 = 90; 李四 45+35 = 80; 王五 45+35 = 80 (same on 服务中心工作); 赵六 30+30 = 60."""
    scheme_id, cids, raters = setup
    with db.session() as s:
        for name in ("乙", "丙"):
            service.remove_rater(s, admin, raters[name])
    fill(db, admin, scheme_id, cids, raters["甲"],
         {"张三": ("50", "40"), "李四": ("45", "35"), "王五": ("45", "35"), "赵六": ("30", "30")})
    return scheme_id, cids


def test_open_tie_blocks_outcome_until_a_decision_is_recorded(db, admin, reviewer, setup):
    scheme_id, cids = _one_rater_with_a_tie(db, admin, setup)  # top 2: 李四 and 王五 tie for second
    with db.session() as s:
        res = service.compute(s, scheme_id).results
        [tie] = res.open_ties
        assert set(tie.open_ids) == {cids["李四"], cids["王五"]}
        with pytest.raises(ValidationError, match="结果尚未确定"):
            service.apply_outcome(s, admin, scheme_id)
        with pytest.raises(PermissionDenied):
            service.record_tie_decision(s, _clerk_like(admin), scheme_id, tie.post,
                                        [cids["王五"], cids["李四"]], "会议决定")
        with pytest.raises(ValidationError, match="请写明并列的处理依据"):
            service.record_tie_decision(s, reviewer, scheme_id, tie.post, [cids["王五"], cids["李四"]], "")
        service.record_tie_decision(s, reviewer, scheme_id, tie.post, [cids["王五"], cids["李四"]],
                                    "乡镇党委2026年11月20日会议研究决定")
    with db.session() as s:
        service.apply_outcome(s, admin, scheme_id)
        assert s.get(Candidacy, cids["王五"]).status == S.PRELIMINARY
        assert s.get(Candidacy, cids["李四"]).status == S.QUALIFIED


def _clerk_like(admin):
    from villagevote.audit import Actor
    from villagevote.models.enums import Role
    return Actor(admin.user_id, "clerk2", Role.CLERK)


def test_readonly_user_cannot_enter_scores(db, readonly, setup):
    scheme_id, cids, raters = setup
    with pytest.raises(PermissionDenied):
        fill(db, readonly, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False)


def test_sheet_save_is_audited(db, admin, setup):
    scheme_id, cids, raters = setup
    fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False)
    with db.session() as s:
        log = s.scalars(select(AuditLog).where(AuditLog.action == "save_sheet")).all()
        assert len(log) == 1 and log[0].after["values"] == {f"{cids['张三']}/work": "50", f"{cids['张三']}/vote": "30"}
        assert s.scalar(select(func.count(Score.id))) == 2


def test_second_entry_must_be_made_by_another_person(db, admin, clerk, setup):
    scheme_id, cids, raters = setup
    with db.session() as s:
        service.set_double_entry(s, admin, scheme_id, True)
    fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False)
    with pytest.raises(ValidationError, match="两次录入须由两个人分别完成"):
        fill(db, admin, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False, entry_no=2)
    fill(db, clerk, scheme_id, cids, raters["甲"], {"张三": ("50", "30")}, complete=False, entry_no=2)


def test_withdrawn_candidate_keeps_scores_but_leaves_the_ranking(db, admin, setup):
    scheme_id, cids, raters = setup
    full = {"张三": ("50", "30"), "李四": ("45", "35"), "王五": ("40", "20"), "赵六": ("55", "38")}
    for name in ("甲", "乙", "丙"):
        fill(db, admin, scheme_id, cids, raters[name], full)
    with db.session() as s:
        service.add_adjustment(s, admin, scheme_id, cids["赵六"], "honour", "1")
        status.transition(s, cids["赵六"], S.WITHDRAWN, admin, reason="本人书面申请退出")
        res = service.compute(s, scheme_id).results
    # 赵六 (55+38 = 93) would have been first; without him: 张三 80, 李四 80 tie on total, 服务中心工作 50 > 45
    assert [r.candidate.name for r in res.candidates] == ["张三", "李四", "王五"]
    assert [r.outcome for r in res.candidates] == [records.OUTCOME_PASS, records.OUTCOME_PASS, records.OUTCOME_FAIL]
    assert "赵六" in res.notes[0] and "不参加排名" in res.notes[0]


def test_tie_notes_name_the_post_in_words(db, admin, setup):
    scheme_id, _cids = _one_rater_with_a_tie(db, admin, setup)
    with db.session() as s:
        [tie] = service.compute(s, scheme_id).results.ties
    assert tie.note.startswith("青山村 村党组织 书记：")


def test_new_scheme_from_an_example_or_a_stored_scheme_for_the_current_cycle(db, admin, clerk, setup):
    scheme_id, cids, raters = setup
    code = load_example_schemes()[0].code
    with db.session() as s:
        from villagevote.township import current_cycle
        cycle_id = current_cycle(s).id
        from_example = service.new_scheme(s, admin, f"example:{code}", "  本镇2026年比选 ")
        from_stored = service.new_scheme(s, admin, f"scheme:{scheme_id}")
        with pytest.raises(ValidationError) as refused:
            service.new_scheme(s, admin, "nothing")
        assert refused.value.field == "source"
        with pytest.raises(PermissionDenied):
            service.new_scheme(s, clerk, f"scheme:{scheme_id}")
        rows = {r.id: r for r in service.list_schemes(s)}
    assert rows[from_example].name == "本镇2026年比选" and rows[from_example].cycle_id == cycle_id
    # the stored scheme's definition under its own name: the next version, no participants copied
    assert rows[from_stored].name == "测试比选" and rows[from_stored].version == 2
    assert rows[from_stored].participants == 0


def test_page_query_picks_the_scheme_and_limits_the_lists_to_the_chosen_village(db, admin, setup):
    from villagevote.names import stroke_key
    from villagevote.scoring.queries import scoring_page, sheet_entry
    from villagevote.township import list_villages
    scheme_id, cids, raters = setup
    with db.session() as s:
        villages = {v.name: v.id for v in list_villages(s)}
        everything = scoring_page(s, None, None)   # none asked: the one with candidates
        gone = scoring_page(s, 999_999, None)      # a scheme that is gone: the same fallback
        elsewhere = scoring_page(s, scheme_id, villages["绿水村"])
        entry = sheet_entry(s, raters["甲"], 1)
    assert everything.scheme_id == gone.scheme_id == scheme_id
    view = everything.view
    assert len(view.participants) == 4 and [r.name for r in view.raters] == ["乙", "丙", "甲"]  # 姓氏笔画: 乙 1, 丙 5, 甲 5 strokes
    assert view.results is not None and view.results_error == "" and view.village is None
    assert elsewhere.view.participants == [] and elsewhere.view.village == "绿水村"
    assert [p.name for p in entry.sheet.rows] == sorted(NAMES, key=stroke_key)
    assert not entry.state.counts and entry.state.entry1 == ""
