"""Command line: demo, check-db, self-test, form listing, exit codes."""
from __future__ import annotations

import sqlite3

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
