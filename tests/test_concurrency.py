"""Concurrent writers (issue 13, build item 7): write transactions take the lock up front and wait for each other, a
lock held past the busy timeout is a Chinese message, and two clerks editing one record cannot overwrite each other."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.helpers_elections import committee_contest
from tests.test_voters_import import make_id, write_list
from villagevote.candidates import persons
from villagevote.candidates.status import transition
from villagevote.elections import tally
from villagevote.elections.tally_logic import AGREE, Ballot
from villagevote.errors import DatabaseBusy, EditConflict, UserError
from villagevote.models import db as db_mod
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import Organization
from villagevote.models.elections import BallotRecord
from villagevote.models.enums import CandidacyStatus, NominationSource, OrgKind, VoterStatus
from villagevote.models.voters import Voter
from villagevote.voters import register as reg
from villagevote.voters.importer import import_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def contest_id(db, clerk, township):
    with db.session() as s:
        return committee_contest(s, clerk, township.village_ids[0], township.cycle_id, electorate=1000)


def _locker(db) -> sqlite3.Connection:
    """Another connection (another program on the same file) holding the write lock."""
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


# ---------------------------------------------------------------------------------------------------------------
# Two processes
# ---------------------------------------------------------------------------------------------------------------
# A second program on the same file, saving ballots one by one as the 唱票 screen does (one transaction each). It
# builds its Database from make_engine (the pragmas every connection gets), says "ready" once its connection is
# open, waits for "go" on stdin so both start together, and reports what it saved and every error it saw.
CHILD = r"""
import json, sys
from pathlib import Path
from sqlalchemy.orm import sessionmaker
from villagevote.audit import Actor
from villagevote.elections import contests, tally
from villagevote.elections.tally_logic import AGREE, Ballot
from villagevote.models.db import Database, make_engine
from villagevote.models.enums import Role

path, contest_id, user_id, username, role, candidate, count = sys.argv[1:]
engine = make_engine(Path(path))
db = Database(path=Path(path), engine=engine, backup_dir=Path(path).parent / "child-backups",
              session_factory=sessionmaker(engine, expire_on_commit=False))
actor = Actor(int(user_id), username, Role(role))
with db.read_session() as s:
    contests.contest_view(s, int(contest_id))
print("ready", flush=True)
sys.stdin.readline()
saved, errors = 0, []
for _ in range(int(count)):
    try:
        with db.session() as s:
            tally.add_ballot(s, actor, int(contest_id), Ballot(marks={"主任": {candidate: AGREE}}))
        saved += 1
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
print(json.dumps({"saved": saved, "errors": errors}, ensure_ascii=False), flush=True)
"""


def test_two_processes_adding_150_ballots_each_store_300_without_an_error(db, clerk, contest_id):
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(db.path), str(contest_id), str(clerk.user_id),
                          clerk.username, clerk.role.value, name, "150"],
                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("王建国", "李明")]
    try:
        for child in children:  # both connected before either starts
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        reports = []
        for child in children:
            out, err = child.communicate(timeout=300)
            assert child.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [r["errors"] for r in reports] == [[], []]
    assert [r["saved"] for r in reports] == [150, 150]
    with db.read_session() as s:
        serials = list(s.scalars(select(BallotRecord.serial).where(BallotRecord.contest_id == contest_id)))
        votes = tally.totals(s, contest_id).posts["主任"].votes
    assert sorted(serials) == list(range(1, 301))  # every ballot stored once, numbered without gaps or doubles
    assert votes["王建国"] == 150 and votes["李明"] == 150


# ---------------------------------------------------------------------------------------------------------------
# The lock held past the timeout
# ---------------------------------------------------------------------------------------------------------------
def test_a_lock_held_past_the_timeout_is_database_busy_in_chinese_and_nothing_is_written(db, clerk, contest_id,
                                                                                           monkeypatch):
    monkeypatch.setattr(db_mod, "BUSY_TIMEOUT_MS", 100)
    other = _locker(db)
    try:
        with pytest.raises(DatabaseBusy) as info:
            with db.session() as s:
                tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"王建国": AGREE}}))
        assert isinstance(info.value, UserError)
        assert str(info.value).startswith("另一位用户正在保存，请稍后再试。")
        with db.read_session() as s:  # readers do not wait for the writer (WAL)
            assert s.scalar(select(func.count(BallotRecord.id))) == 0
    finally:
        other.rollback()
        other.close()
    with db.session() as s:  # the lock is gone: the same save goes through
        tally.add_ballot(s, clerk, contest_id, Ballot(marks={"主任": {"王建国": AGREE}}))
    with db.read_session() as s:
        assert s.scalar(select(func.count(BallotRecord.id))) == 1


def test_busy_errors_from_sqlite_and_from_sqlalchemy_are_recognised():
    from sqlalchemy.exc import OperationalError
    raw = sqlite3.OperationalError("database is locked")
    assert db_mod.is_busy_error(raw)
    assert db_mod.is_busy_error(OperationalError("BEGIN IMMEDIATE", {}, raw))
    assert db_mod.is_busy_error(sqlite3.OperationalError("database is busy"))
    assert not db_mod.is_busy_error(sqlite3.OperationalError("no such table: voter"))


def test_background_jobs_wait_longer_than_the_gui_thread(db):
    def timeout() -> int:
        with db.session() as s:
            return s.execute(text("PRAGMA busy_timeout")).scalar_one()

    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(timeout()))
    worker.start()
    worker.join()
    assert timeout() == db_mod.BUSY_TIMEOUT_MS == 5000
    assert seen == [db_mod.BACKGROUND_BUSY_TIMEOUT_MS] and seen[0] > 5000


def test_read_sessions_refuse_writes_and_a_nested_write_session_fails_at_once(db, township):
    with db.read_session() as s:
        vid = township.village_ids[0]
        assert s.get(Organization, s.scalar(select(Organization.id).where(Organization.village_id == vid)))
    with pytest.raises(RuntimeError, match="read_session"):
        with db.read_session() as s:
            s.add(Person(name="王五"))
    with db.session() as s:  # the connection went back to the pool writable
        s.add(Person(name="王五"))
    with pytest.raises(RuntimeError, match="nested write transaction"):
        with db.session() as outer:
            outer.scalar(select(func.count(Person.id)))
            with db.session() as inner:
                inner.scalar(select(func.count(Person.id)))
    with db.session() as outer:  # reads inside a write are fine
        outer.scalar(select(func.count(Person.id)))
        with db.read_session() as inner:
            assert inner.scalar(select(func.count(Person.id))) == 1


def test_a_read_in_another_thread_on_a_connection_this_thread_wrote_with_is_no_nested_write(db):
    """The GUI thread saved on a pooled connection earlier; the database worker now holds a read transaction open on
    that same connection. A new save on the GUI thread is not nested in anything and goes through."""
    db.engine.dispose()  # an empty pool: the write below makes its only connection, which the reader then gets
    with db.session() as s:
        s.add(Person(name="王五"))
    reading, done = threading.Event(), threading.Event()
    used: list[object] = []

    def reader() -> None:
        with db.read_session() as s:
            assert s.scalar(select(func.count(Person.id))) == 1
            used.append(s.connection().connection.dbapi_connection)
            reading.set()
            done.wait(10)

    worker = threading.Thread(target=reader)
    worker.start()
    try:
        assert reading.wait(10)
        with db.session() as s:  # a second connection: the reader holds the first one
            assert s.connection().connection.dbapi_connection is not used[0]
            s.add(Person(name="赵六"))
    finally:
        done.set()
        worker.join()
    with db.read_session() as s:
        assert s.scalar(select(func.count(Person.id))) == 2


# ---------------------------------------------------------------------------------------------------------------
# Through the UI: a message, never the crash dialog
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def voters(db, admin, township, tmp_path):
    rows = [["张三", make_id(dt.date(1960, 3, 1), 11), "第1村民小组"],
            ["李四", make_id(dt.date(1970, 5, 2), 13), "第2村民小组"]]
    path = write_list(tmp_path / "voters.xlsx", rows)
    with db.session() as s:
        import_file(s, admin, path, township.cycle_id, township.village_ids[0])
        return {v.name: v.id for v in s.scalars(select(Voter))}


def test_a_ui_save_while_another_program_holds_the_lock_shows_the_message(qtbot, ctx, db, voters, monkeypatch,
                                                                         settle):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from villagevote.ui.dialogs.common import Ask
    from villagevote.ui.dialogs.voters_remove import RemoveDialog
    from villagevote.ui.pages.voter_register import VoterRegisterTab
    monkeypatch.setattr(db_mod, "BUSY_TIMEOUT_MS", 100)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, message: shown.append((title, message))))
    monkeypatch.setattr(RemoveDialog, "ask", classmethod(
        lambda cls, parent: (VoterStatus.DECEASED, "死亡证明", dt.date.today())))
    tab = VoterRegisterTab(ctx)
    qtbot.addWidget(tab)
    settle()  # the register loads on the database worker
    tab.view.selectRow(0)
    name = tab.model.row_at(0)[2]
    remove = next(b for b in tab.findChildren(QPushButton) if b.text() == "除名…")
    other = _locker(db)
    try:
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)  # an exception escaping the slot would fail the test
        settle()  # the write runs on the database worker while the other program still holds the lock
    finally:
        other.rollback()
        other.close()
    assert len(shown) == 1 and shown[0][1].startswith("另一位用户正在保存，请稍后再试。")
    with db.read_session() as s:
        assert s.get(Voter, voters[name]).status is VoterStatus.ACTIVE
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)  # lock released: the clerk tries again and it is saved
    settle()
    assert len(shown) == 1
    with db.read_session() as s:
        assert s.get(Voter, voters[name]).status is VoterStatus.DECEASED


# ---------------------------------------------------------------------------------------------------------------
# Edit conflicts (version column)
# ---------------------------------------------------------------------------------------------------------------
def _person(db, clerk, township) -> int:
    with db.session() as s:
        return persons.register_person(s, clerk, persons.PersonData(
            "张三", make_id(dt.date(1975, 4, 5), 15), village_id=township.village_ids[0], phone="13800000001"))


def test_two_clerks_editing_one_person_from_the_same_version_the_second_is_refused(db, clerk, admin, township):
    pid = _person(db, clerk, township)
    with db.read_session() as s:  # both clerks open the edit form
        p = s.get(Person, pid)
        loaded = p.version
        form = persons.PersonData(p.name, p.id_number, village_id=p.village_id, phone=p.phone)
    assert loaded == 1
    first = persons.PersonData(**{**form.__dict__, "phone": "13900000002"})
    second = persons.PersonData(**{**form.__dict__, "phone": "13700000003"})
    with db.session() as s:
        persons.update_person(s, admin, pid, first, expected_version=loaded)
    with pytest.raises(EditConflict) as info:
        with db.session() as s:
            persons.update_person(s, clerk, pid, second, expected_version=loaded)
    message = str(info.value)
    assert message.startswith("人员“张三”已被其他用户修改（") and "请刷新后再改" in message
    assert "admin" in message or "管理员" in message  # says who saved it in between
    with db.read_session() as s:
        p = s.get(Person, pid)
        assert (p.phone, p.version) == ("13900000002", 2)  # the first save is kept, nothing overwritten
    with db.session() as s:  # after refreshing, the second clerk's edit goes through
        persons.update_person(s, clerk, pid, second, expected_version=2)
    with db.read_session() as s:
        assert s.get(Person, pid).phone == "13700000003"


def test_two_clerks_removing_one_voter_from_the_same_version_the_second_is_refused(db, clerk, admin, voters):
    vid = voters["李四"]
    with db.read_session() as s:
        loaded = s.get(Voter, vid).version
    with db.session() as s:
        reg.remove_voter(s, admin, vid, VoterStatus.MOVED_OUT, "迁往外县", dt.date.today(), expected_version=loaded)
    with pytest.raises(EditConflict, match=r"^选民“李四”已被其他用户修改（.*），请刷新后再改"):
        with db.session() as s:
            reg.remove_voter(s, clerk, vid, VoterStatus.DECEASED, "死亡", dt.date.today(), expected_version=loaded)
    with db.read_session() as s:
        v = s.get(Voter, vid)
        assert (v.status, v.status_reason, v.version) == (VoterStatus.MOVED_OUT, "迁往外县", loaded + 1)
    with pytest.raises(EditConflict, match="选民“李四”"):  # restoring from the stale form is refused too
        with db.session() as s:
            reg.restore_voter(s, clerk, vid, "误除名", dt.date.today(), expected_version=loaded)


def test_a_register_import_that_updates_a_voter_bumps_its_version(db, admin, township, voters, tmp_path):
    with db.read_session() as s:
        before = {v.name: v.version for v in s.scalars(select(Voter))}
    path = write_list(tmp_path / "again.xlsx", [["张三", make_id(dt.date(1960, 3, 1), 11), "第3村民小组"]])
    with db.session() as s:
        assert import_file(s, admin, path, township.cycle_id, township.village_ids[0]).updated == 1
    with db.read_session() as s:
        after = {v.name: v.version for v in s.scalars(select(Voter))}
    assert after == {"张三": before["张三"] + 1, "李四": before["李四"]}
    with pytest.raises(EditConflict, match="选民“张三”"):  # a form opened before the import is stale
        with db.session() as s:
            reg.remove_voter(s, admin, voters["张三"], VoterStatus.DECEASED, "死亡", dt.date.today(),
                             expected_version=before["张三"])


def test_two_clerks_changing_one_candidacy_from_the_same_version_the_second_is_refused(db, clerk, reviewer,
                                                                                      township):
    pid = _person(db, clerk, township)
    with db.session() as s:
        org = s.scalar(select(Organization).where(Organization.village_id == township.village_ids[0],
                                                  Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        cand = Candidacy(person_id=pid, organization_id=org.id, cycle_id=township.cycle_id, post="主任",
                         source=NominationSource.VILLAGERS, status=CandidacyStatus.REGISTERED)
        s.add(cand)
        s.flush()
        cid = cand.id
    with db.read_session() as s:
        loaded = s.get(Candidacy, cid).version
    with db.session() as s:
        transition(s, cid, CandidacyStatus.VILLAGE_REVIEWED, reviewer, expected_version=loaded)
    with pytest.raises(EditConflict, match=r"^候选人“张三”（主任）已被其他用户修改（.*），请刷新后再改"):
        with db.session() as s:
            transition(s, cid, CandidacyStatus.WITHDRAWN, clerk, reason="本人申请退出", expected_version=loaded)
    with db.read_session() as s:
        c = s.get(Candidacy, cid)
        assert (c.status, c.version) == (CandidacyStatus.VILLAGE_REVIEWED, loaded + 1)


def test_an_orm_version_clash_inside_one_save_is_an_edit_conflict(db, clerk, township):
    pid = _person(db, clerk, township)
    with pytest.raises(EditConflict, match="已被其他用户修改"):
        with db.session() as s:
            p = s.get(Person, pid)
            s.execute(text("UPDATE person SET version = version + 1 WHERE id = :i"), {"i": pid})  # someone else
            p.phone = "13600000004"
    with db.read_session() as s:
        assert s.get(Person, pid).phone == "13800000001"


def test_voter_forms_render_in_a_read_session(db, admin, township, voters, tmp_path):
    """The register page prints and exports voter forms in a read session (the 300-page 公告 must not hold the
    write lock for seconds): none of them may write."""
    from villagevote.errors import UserError
    from villagevote.reports.forms_voters import FORMS
    from villagevote.reports.registry import Options
    rendered, refused = [], []
    for form in FORMS:
        suffix = ".pdf" if form.kind == "print" else ".xlsx"
        try:
            with db.read_session() as s:
                # the 公告 dated the statutory 20 days before the election (an earlier date is refused, issue 14)
                posted = township.election_day - dt.timedelta(days=20)
                out = form.run(s, admin, tmp_path / f"{form.name}{suffix}",
                               Options(village="东村", extra={"date": posted.isoformat()}))
        except UserError:  # nothing of that kind to print in this township (no proxies, no decided objections)
            refused.append(form.name)
            continue
        assert Path(out).stat().st_size > 0, form.name
        rendered.append(form.name)
    # a write inside a read session raises RuntimeError, never a UserError: what refused had nothing to print
    assert {"voter-notice", "voter-cards", "voters"} <= set(rendered), (rendered, refused)
