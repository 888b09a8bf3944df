"""Tamper evidence (issue 13): the audit hash chain, official result digests, roles and official flags changed with an
SQLite tool outside the program are reported by ``villagevote check-db``, which names the record."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from pypdf import PdfReader

from tests.helpers_elections import committee_contest
from villagevote import integrity, users
from villagevote.cli import main
from villagevote.database import open_database
from villagevote.elections import contests, outcome, tally
from villagevote.models.enums import Role

FULL = {("主任", "王建国"): (600, 150, 50), ("主任", "李明"): (180, 500, 120),
        ("副主任", "张伟"): (460, 300, 80), ("副主任", "丁丽"): (350, 350, 100),
        ("委员", "刘芳"): (520, 200, 80), ("委员", "孙强"): (610, 120, 70), ("委员", "周杰"): (560, 160, 80),
        ("委员", "马超"): (300, 400, 100)}

ELECTION_DAY = dt.date(2026, 12, 20)  # the township fixture's election day: results are confirmed on it


@pytest.fixture
def official(db, admin, clerk, reviewer, readonly, township) -> int:
    """A 村民委员会 contest in 东村 whose result is locked official (王建国 elected 主任, 李明 not)."""
    with db.session() as s:
        cid = committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)
        tally.save_totals(s, clerk, cid, issued=900, returned=898, invalid=8, marks=FULL)
        decision = outcome.compute_result(s, clerk, cid)
        assert ("王建国", "主任") in {(e["name"], e["post"]) for e in decision["elected"]}
        outcome.mark_official(s, reviewer, cid, today=ELECTION_DAY)
    return cid


def check_db(db, capsys) -> tuple[int, str]:
    code = main(["check-db", str(db.path)])
    return code, capsys.readouterr().out


def raw(db) -> sqlite3.Connection:
    """An SQLite tool's connection: no program code, autocommit."""
    return sqlite3.connect(db.path, isolation_level=None)


def test_untouched_database_is_ok_and_shows_the_chain_head(db, official, capsys):
    code, out = check_db(db, capsys)
    assert code == 0, out
    assert "防篡改检查：未发现改动" in out and "result: ok" in out
    with raw(db) as conn:
        head_id, head = conn.execute("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        digest = conn.execute("SELECT official_digest FROM contest WHERE id = ?", (official,)).fetchone()[0]
    assert f"链头 #{head_id} 校验值 {head}" in out   # the value a county office can keep to compare later
    assert len(digest) == 64 and f"校验码 {digest[:16]}" in out


def test_untouched_demo_database_is_ok(tmp_path, capsys):
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--villages", "1", "--voters-per-village", "20", "--seed", "5"]) == 0
    capsys.readouterr()
    assert main(["check-db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "防篡改检查：未发现改动" in out and "已确认结果" in out  # the demo has an official election


def test_winner_swapped_with_a_loser_in_the_stored_result_names_the_contest(db, official, capsys):
    with raw(db) as conn:
        text = conn.execute("SELECT decision FROM result WHERE contest_id = ?", (official,)).fetchone()[0]
        decision = json.loads(text)
        for e in decision["elected"]:
            if e["name"] == "王建国":
                e["name"] = "李明"
        conn.execute("UPDATE result SET decision = ? WHERE contest_id = ?", (json.dumps(decision), official))
    code, out = check_db(db, capsys)
    assert code == 1 and "result: PROBLEM" in out
    line = next(x for x in out.splitlines() if "确认后被改动" in x)
    assert "东村" in line and "村民委员会" in line and f"第 {official} 号选举" in line


def test_tally_changed_after_the_lock_names_the_contest(db, official, capsys):
    with raw(db) as conn:
        conn.execute("UPDATE tally_entry SET agree = agree + 1 WHERE contest_id = ? AND id = "
                     "(SELECT MIN(id) FROM tally_entry WHERE contest_id = ?)", (official, official))
    code, out = check_db(db, capsys)
    assert code == 1 and f"第 {official} 号选举" in out and "计票数据在确认后被改动" in out


def test_deleted_audit_row_is_named(db, official, capsys):
    with raw(db) as conn:
        n = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        victim = n // 2
        conn.execute("DELETE FROM audit_log WHERE id = ?", (victim,))
    code, out = check_db(db, capsys)
    assert code == 1
    line = next(x for x in out.splitlines() if "断开" in x)
    assert f"第 {victim + 1} 条" in line and f"#{victim} 缺失" in line


def test_deleted_first_audit_rows_are_reported(db, official, capsys):
    with raw(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE id <= 3")
    code, out = check_db(db, capsys)
    assert code == 1 and "审计日志在第 4 条记录处断开" in out


def test_edited_audit_row_is_named(db, official, capsys):
    with raw(db) as conn:
        row_id = conn.execute("SELECT id FROM audit_log WHERE action = 'lock'").fetchone()[0]
        conn.execute("UPDATE audit_log SET username = 'admin' WHERE id = ?", (row_id,))
    code, out = check_db(db, capsys)
    assert code == 1 and f"审计日志第 {row_id} 条记录的内容被改动" in out
    # only that row: the rows after it still link to its stored hash
    assert out.count("防篡改检查：审计日志") == 1


def test_row_inserted_into_the_audit_log_is_reported(db, official, capsys):
    with raw(db) as conn:
        n = conn.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        conn.execute("INSERT INTO audit_log (at, username, action, entity, note) "
                     "VALUES ('2026-12-20 10:00:00.000000', 'admin', 'update', 'person', '')")
    code, out = check_db(db, capsys)
    assert code == 1 and f"审计日志第 {n + 1} 条记录没有校验值" in out


def test_role_changed_with_sql_is_reported(db, official, capsys):
    with raw(db) as conn:
        conn.execute("UPDATE app_user SET role = 'admin' WHERE username = 'viewer'")
    code, out = check_db(db, capsys)
    assert code == 1
    line = next(x for x in out.splitlines() if "viewer" in x)
    assert "管理员" in line and "只读" in line


def test_disabled_user_reactivated_with_sql_is_reported(db, admin, readonly, capsys):
    with db.session() as s:
        users.set_user_active(s, admin, readonly.user_id, False)
    assert check_db(db, capsys)[0] == 0
    with raw(db) as conn:
        conn.execute("UPDATE app_user SET active = 1 WHERE username = 'viewer'")
    code, out = check_db(db, capsys)
    assert code == 1 and "“viewer”现为“启用”" in out


def test_user_added_with_sql_is_reported(db, admin, capsys):
    with raw(db) as conn:
        conn.execute("INSERT INTO app_user (username, display_name, role, password_hash, active, failed_attempts, "
                     "created_at, updated_at) VALUES ('intruder', '', 'admin', 'x', 1, 0, "
                     "'2026-12-20 10:00:00', '2026-12-20 10:00:00')")
    code, out = check_db(db, capsys)
    assert code == 1 and "“intruder”" in out and "没有创建或角色记录" in out


def test_official_flag_cleared_or_set_with_sql_is_reported(db, official, capsys):
    with raw(db) as conn:
        conn.execute("UPDATE contest SET official = 0 WHERE id = ?", (official,))
    code, out = check_db(db, capsys)
    assert code == 1 and "现在标为未确认" in out and f"第 {official} 号选举" in out


def test_role_changes_made_in_the_program_are_not_reported(db, admin, readonly, capsys):
    with db.session() as s:
        users.set_user_role(s, admin, readonly.user_id, Role.CLERK)
    assert check_db(db, capsys)[0] == 0


def test_reopen_clears_the_digest_and_relocking_sets_a_new_one(db, official, admin, clerk, reviewer, capsys):
    with raw(db) as conn:
        first = conn.execute("SELECT official_digest FROM contest WHERE id = ?", (official,)).fetchone()[0]
    with db.session() as s:
        outcome.reopen(s, admin, official, "监票人发现漏计")
    with raw(db) as conn:
        assert conn.execute("SELECT official_digest FROM contest WHERE id = ?", (official,)).fetchone()[0] == ""
    assert check_db(db, capsys)[0] == 0
    corrected = dict(FULL)
    corrected[("主任", "王建国")], corrected[("主任", "李明")] = FULL[("主任", "李明")], FULL[("主任", "王建国")]
    with db.session() as s:
        tally.save_totals(s, clerk, official, issued=900, returned=898, invalid=8, marks=corrected)
        outcome.compute_result(s, clerk, official)
        outcome.mark_official(s, reviewer, official, today=ELECTION_DAY)
    with raw(db) as conn:
        second = conn.execute("SELECT official_digest FROM contest WHERE id = ?", (official,)).fetchone()[0]
    assert second and second != first
    assert check_db(db, capsys)[0] == 0


def test_digest_is_printed_on_the_result_report_and_winners_notice(db, official, tmp_path):
    from villagevote.reports.pdf.result_report import render_result_report
    from villagevote.reports.pdf.winners_notice import render_winners_notice
    with db.session() as s:
        view = contests.contest_view(s, official)
        report = render_result_report(view, tally.vote_rows(s, official), tmp_path / "report.pdf")
        notice = render_winners_notice(view, tmp_path / "notice.pdf")
    code = f"校验码：{view.official_digest[:16]}"
    for pdf in (report, notice):
        text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
        assert code in text
    with db.session() as s:  # not official: no check code
        outcome.reopen(s, db_admin(s), official, "复核")
        view = contests.contest_view(s, official)
        text = "".join(p.extract_text() for p in PdfReader(str(render_result_report(
            view, tally.vote_rows(s, official), tmp_path / "r2.pdf"))).pages)
    assert "校验码" not in text


def db_admin(s):
    from villagevote.audit import Actor
    from villagevote.models.core import User
    user = s.query(User).filter_by(username="admin").one()
    return Actor(user.id, user.username, user.role)


def test_rows_from_before_the_upgrade_are_chained_by_the_first_write(db, official, admin, capsys):
    with raw(db) as conn:  # as a database upgraded to 0009: no hashes, no digests yet
        conn.execute("UPDATE audit_log SET prev_hash = '', row_hash = ''")
        conn.execute("UPDATE contest SET official_digest = ''")
    code, out = check_db(db, capsys)
    assert code == 0 and "尚未建立校验链" in out
    with db.session() as s:
        users.authenticate(s, "admin", "admin-pass")  # any write
    code, out = check_db(db, capsys)
    assert code == 0 and "防篡改检查：未发现改动" in out
    with raw(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM audit_log WHERE row_hash = ''").fetchone()[0] == 0
        assert conn.execute("SELECT official_digest FROM contest WHERE id = ?", (official,)).fetchone()[0]


def test_a_blanked_row_is_not_rechained_by_later_writes(db, official, capsys):
    with raw(db) as conn:
        last = conn.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        conn.execute("UPDATE audit_log SET row_hash = '', note = 'x' WHERE id = ?", (last,))
    with db.session() as s:
        users.authenticate(s, "admin", "admin-pass")
    code, out = check_db(db, capsys)
    assert code == 1 and f"审计日志第 {last} 条记录没有校验值" in out


def test_two_programs_writing_in_turn_keep_one_chain(db, admin, capsys):
    other = open_database(db.path)
    try:
        for i in range(6):
            target = db if i % 2 else other
            with target.session() as s:
                users.create_user(s, admin, f"user{i}", "password1", Role.CLERK)
    finally:
        other.dispose()
    with raw(db) as conn:
        assert integrity.verify(conn) == []
        hashes = conn.execute("SELECT prev_hash FROM audit_log").fetchall()
    assert len(set(hashes)) == len(hashes)  # no two rows chained to the same predecessor
