"""Command line: demo, check-db, self-test, form listing, exit codes, and who print/export act as."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from villagevote.cli import main


def test_demo_then_check_db(tmp_path, capsys):
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--villages", "3", "--voters-per-village", "120", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "voter: 360" in out
    assert main(["check-db", str(path)]) == 0
    report = capsys.readouterr().out
    assert "integrity_check: ok" in report and "foreign_key_check: ok" in report
    assert "schema_version:" in report and "voter: 360" in report and "result: ok" in report


def test_demo_is_deterministic(tmp_path):
    names = []
    for i in range(2):
        path = tmp_path / f"d{i}.sqlite3"
        assert main(["demo", "--db", str(path), "--villages", "2", "--voters-per-village", "50", "--seed", "3"]) == 0
        with sqlite3.connect(path) as conn:
            names.append(conn.execute("SELECT group_concat(name || id_number, ',') FROM voter ORDER BY id").fetchone())
    assert names[0] == names[1]


def test_demo_refuses_existing_file(tmp_path, capsys):
    path = tmp_path / "exists.sqlite3"
    path.write_text("keep me")
    assert main(["demo", "--db", str(path)]) == 1
    assert "已存在" in capsys.readouterr().err
    assert path.read_text() == "keep me"


def test_check_db_reports_problems(tmp_path, capsys):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("nope")
    assert main(["check-db", str(junk)]) == 1
    assert "不是 SQLite" in capsys.readouterr().out
    assert main(["check-db", str(tmp_path / "missing.sqlite3")]) == 1


def test_check_db_detects_foreign_key_damage(tmp_path, capsys):
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--villages", "1", "--voters-per-village", "10"]) == 0
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("UPDATE voter SET village_id = 999 WHERE id = 1")
    capsys.readouterr()
    assert main(["check-db", str(path)]) == 1
    assert "外键错误" in capsys.readouterr().out


def test_self_test_exits_zero(capsys):
    assert main(["--self-test"]) == 0
    assert "self-test ok" in capsys.readouterr().out


def test_print_without_form_is_a_usage_error(capsys):
    assert main(["print"]) == 2
    assert main(["print", "no-such-form", "--db", "x", "--out", "y"]) == 1
    assert "没有名为" in capsys.readouterr().err


def test_print_list_names_each_form_once(capsys):
    from villagevote.reports.registry import forms_of
    assert main(["print", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    names = [line.split("\t")[0] for line in out]
    assert names == sorted({f.name for f in forms_of("print")})


def test_result_bad_json_is_reported(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["result", "--json", str(bad)]) == 1
    assert "JSON" in capsys.readouterr().err


# --- who the command line acts as ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_with_users(tmp_path_factory):
    """A small demo township with a 录入员 and a 只读 account (the demo itself has no users). Module-scoped; tests
    copy it before changing it."""
    from villagevote import audit, users
    from villagevote.database import open_database
    from villagevote.models.enums import Role

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VILLAGEVOTE_HOME", str(tmp_path_factory.mktemp("home")))
        mp.setattr(users, "SCRYPT_N", 2 ** 14)
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        assert main(["demo", "--db", str(path), "--villages", "2", "--voters-per-village", "10", "--seed", "5"]) == 0
        db = open_database(path)
        try:
            with db.session() as s:
                users.create_user(s, audit.SYSTEM, "lu", "lu-password", Role.CLERK, "录入员小陆")
                users.create_user(s, audit.SYSTEM, "kan", "kan-password", Role.READONLY, "只读小阚")
        finally:
            db.dispose()
    return path


@pytest.fixture
def demo_copy(demo_with_users, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_with_users, path)
    return path


def _open_contest(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id FROM contest WHERE official = 0 ORDER BY id").fetchone()[0]


def _scalar(path, sql, *params):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchone()[0]


def test_public_forms_print_without_a_login(demo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VILLAGEVOTE_PASSWORD", raising=False)
    audits = _scalar(demo_copy, "SELECT count(*) FROM audit_log")
    out = tmp_path / "notice.pdf"
    assert main(["print", "voter-notice", "--db", str(demo_copy), "--village", "青溪村", "--out", str(out),
                 "--option", "date=2026-11-30"]) == 0  # 20 days before the demo's election day (issue 14)
    assert out.stat().st_size > 0
    sample = tmp_path / "sample.pdf"
    assert main(["print", "ballots", "--db", str(demo_copy), "--contest", str(_open_contest(demo_copy)),
                 "--out", str(sample)]) == 0  # 样票 are not counted: no login needed
    assert _scalar(demo_copy, "SELECT count(*) FROM audit_log") == audits


@pytest.mark.parametrize("argv", [
    ["export", "voters", "--village", "青溪村"],
    ["export", "county-review"],
    ["print", "qualification-forms", "--village", "青溪村"],
    ["print", "ballots", "--option", "sample=0", "--option", "copies=500"],
], ids=["voters", "county-review", "qualification-forms", "official-ballots"])
def test_id_numbers_and_official_ballots_need_a_login(demo_copy, tmp_path, capsys, monkeypatch, argv):
    """Without --user the command runs read-only: forms with full ID numbers and counted official ballots are
    refused with a message saying how to log in, and nothing is written (no file, no count, no audit row)."""
    monkeypatch.delenv("VILLAGEVOTE_PASSWORD", raising=False)
    out = tmp_path / "out.file"
    extra = ["--contest", str(_open_contest(demo_copy))] if argv[1] == "ballots" else []
    audits = _scalar(demo_copy, "SELECT count(*) FROM audit_log")
    assert main(argv + extra + ["--db", str(demo_copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "当前用户“cli”（只读）无权" in err and "--user 用户名" in err and "VILLAGEVOTE_PASSWORD" in err
    assert not out.exists()
    assert _scalar(demo_copy, "SELECT coalesce(sum(ballots_printed), 0) FROM contest") == 0
    assert _scalar(demo_copy, "SELECT count(*) FROM audit_log") == audits


def test_official_ballots_as_a_logged_in_clerk_are_counted_and_audited_as_that_user(demo_copy, tmp_path, capsys,
                                                                                   monkeypatch):
    contest = _open_contest(demo_copy)
    monkeypatch.setenv("VILLAGEVOTE_PASSWORD", "lu-password")
    out = tmp_path / "ballots.pdf"
    argv = ["print", "ballots", "--db", str(demo_copy), "--contest", str(contest), "--option", "sample=0",
            "--option", "copies=3", "--user", "lu", "--out", str(out)]
    assert main(argv) == 1  # the demo's open contest is being counted: no official ballots any more (issue 14)
    assert "已经开始计票" in capsys.readouterr().err
    with sqlite3.connect(demo_copy) as conn:  # the same contest before its count
        conn.execute("DELETE FROM ballot_record WHERE contest_id = ?", (contest,))
        conn.execute("DELETE FROM tally_entry WHERE contest_id = ?", (contest,))
        conn.execute("UPDATE contest SET ballots_issued = 0, ballots_returned = 0, ballots_invalid = 0 WHERE id = ?",
                     (contest,))
    assert main(argv) == 0
    assert out.stat().st_size > 0
    assert _scalar(demo_copy, "SELECT ballots_printed FROM contest WHERE id = ?", contest) == 3
    assert _scalar(demo_copy, "SELECT username FROM audit_log WHERE action = 'print_ballots'") == "lu"
    assert _scalar(demo_copy, "SELECT count(*) FROM audit_log WHERE action = 'login' AND username = 'lu'") == 2  # 2 runs


def test_password_from_the_prompt_and_wrong_passwords(demo_copy, tmp_path, capsys, monkeypatch):
    import getpass
    monkeypatch.delenv("VILLAGEVOTE_PASSWORD", raising=False)
    prompts = []

    def fake_getpass(prompt):
        prompts.append(prompt)
        return "lu-password"
    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    out = tmp_path / "voters.xlsx"
    assert main(["export", "voters", "--db", str(demo_copy), "--village", "青溪村", "--user", "lu",
                 "--out", str(out)]) == 0
    assert out.exists() and prompts == ["用户“lu”的密码："]

    monkeypatch.setenv("VILLAGEVOTE_PASSWORD", "not-the-password")
    out2 = tmp_path / "voters2.xlsx"
    assert main(["export", "voters", "--db", str(demo_copy), "--village", "青溪村", "--user", "lu",
                 "--out", str(out2)]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err and not out2.exists()
    assert main(["export", "voters", "--db", str(demo_copy), "--village", "青溪村", "--user", "nobody",
                 "--out", str(out2)]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err and not out2.exists()
    assert _scalar(demo_copy, "SELECT failed_attempts FROM app_user WHERE username = 'lu'") == 1


def test_a_logged_in_read_only_user_gets_no_more_than_cli(demo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VILLAGEVOTE_PASSWORD", "kan-password")
    out = tmp_path / "voters.xlsx"
    assert main(["export", "voters", "--db", str(demo_copy), "--village", "青溪村", "--user", "kan",
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "当前用户“kan”（只读）无权查看敏感信息" in err and "--user" not in err
    assert not out.exists()
