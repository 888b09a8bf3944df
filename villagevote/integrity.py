"""Tamper evidence (issue 13): the audit log's hash chain, digests of official results, and ``verify``.

Hash chain. Every audit row stores ``prev_hash`` (the previous row's ``row_hash``; "" for the first row) and
``row_hash`` = SHA-256 over the canonical JSON (sorted keys, fixed separators, UTF-8, times ISO with microseconds) of
its content (id, at, user_id, username, action, entity, entity_id, before, after, note) together with ``prev_hash``.
``villagevote.audit`` assigns ids and hashes when the rows are flushed, inside the writer's transaction (the last
row is read in that same transaction, so two writers cannot chain to the same predecessor). Rows written before
migration 0009 have empty hashes; the first write after the upgrade chains them all, in id order, starting from "",
together with the digests of contests that were already official (see :func:`seal_legacy`).

Official digest. When a result is locked official, ``contest.official_digest`` = SHA-256 of the canonical JSON of the
stored decision and the tally it came from (the contest's counts, posts, ballot candidates by id, tally entries,
per-post invalid parts, ballot records, spoilt register). Reopening clears it.

``verify(conn)`` re-computes all of that from a plain read-only ``sqlite3`` connection (``check-db`` never writes)
and also compares each user's role/active flag and each contest's official flag with the last audit record that set
them. It protects against edits made with an SQLite tool by someone who does not recompute the hashes; a person
with the file and this source can rewrite the whole chain, which only a copy of the chain head hash or the printed
result digests kept elsewhere (e.g. by the county) can reveal. See ``docs/audit.md``.

This module never imports Qt and does not import ``villagevote.audit`` (which imports it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from villagevote.i18n import tr
from villagevote.models.enums import ContestRound, OrgKind, Role

SHORT = 16          # hex digits printed on paper and shown by check-db
MAX_CHAIN_PROBLEMS = 10

Rows = Callable[[str, Sequence[Any]], list[Sequence[Any]]]


# ---------------------------------------------------------------------------------------------------------------
# canonical serialisation and hashes
# ---------------------------------------------------------------------------------------------------------------

def canonical(data: Any) -> bytes:
    """Sorted-key JSON with fixed separators, UTF-8: the bytes every hash in this module is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def iso_time(value: Any) -> str | None:
    """A timestamp as ``YYYY-MM-DDTHH:MM:SS.ffffff`` whether it comes as a datetime or as SQLite's stored text."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return str(value)


def json_value(value: Any) -> Any:
    """A JSON column's value as it reads back from the file: stored text parsed, Python data round-tripped (so int
    dict keys become strings and tuples lists, exactly as SQLAlchemy's JSON type stores them)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return json.loads(json.dumps(value))


def audit_row_hash(row_id: int, at: Any, user_id: int | None, username: str | None, action: str, entity: str,
                   entity_id: str | None, before: Any, after: Any, note: str | None, prev_hash: str) -> str:
    """The ``row_hash`` of one audit row (``before``/``after`` as Python data or as stored JSON text)."""
    return sha256_hex({
        "id": int(row_id), "at": iso_time(at), "user_id": user_id, "username": username or "", "action": action,
        "entity": entity, "entity_id": None if entity_id is None else str(entity_id), "before": json_value(before),
        "after": json_value(after), "note": note or "", "prev_hash": prev_hash or "",
    })


def short(digest: str) -> str:
    return digest[:SHORT]


# ---------------------------------------------------------------------------------------------------------------
# connections: a plain sqlite3 connection (check-db) or a SQLAlchemy connection inside the writer's transaction
# ---------------------------------------------------------------------------------------------------------------

def _runner(conn: Any) -> Rows:
    if isinstance(conn, sqlite3.Connection):
        def run_sqlite(sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
            return conn.execute(sql, tuple(params)).fetchall()
        return run_sqlite

    def run_sqlalchemy(sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return list(conn.exec_driver_sql(sql, tuple(params)).fetchall())
    return run_sqlalchemy


def _writer(conn: Any) -> Callable[[str, Sequence[Any]], None]:
    execute = conn.execute if isinstance(conn, sqlite3.Connection) else conn.exec_driver_sql

    def write(sql: str, params: Sequence[Any]) -> None:
        execute(sql, tuple(params))
    return write


def _columns(rows: Rows, table: str) -> set[str]:
    return {r[1] for r in rows(f'PRAGMA table_info("{table}")', ())}


_AUDIT_COLUMNS = "id, at, user_id, username, action, entity, entity_id, before, after, note, prev_hash, row_hash"


def _hash_of(r: Sequence[Any], prev_hash: str) -> str:
    return audit_row_hash(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], prev_hash)


# ---------------------------------------------------------------------------------------------------------------
# official result digest
# ---------------------------------------------------------------------------------------------------------------

def contest_digest(conn: Any, contest_id: int) -> str:
    """SHA-256 of the contest's stored decision and the tally it came from (ids, not names, where the data has them;
    names only where the decision itself is by name). ``conn``: sqlite3 or SQLAlchemy connection."""
    return _contest_digest(_runner(conn), contest_id)


def _contest_digest(rows: Rows, contest_id: int) -> str:
    q = lambda sql: [list(r) for r in rows(sql, (contest_id,))]  # noqa: E731
    contest = q("SELECT id, organization_id, round, mode, held_on, electorate, present, ballots_issued, "
                "ballots_returned, ballots_invalid, tally_mode, double_entry FROM contest WHERE id = ?")
    payload = {
        "contest": contest,
        "posts": q("SELECT post, rank, seats, women_seats FROM contest_post WHERE contest_id = ? ORDER BY rank, post"),
        "candidates": q('SELECT id, candidacy_id, name, gender, post, "order", write_in, merged_into_id '
                        "FROM ballot_candidate WHERE contest_id = ? ORDER BY id"),
        "tally": q("SELECT entry_no, ballot_candidate_id, post, agree, disagree, abstain FROM tally_entry "
                   "WHERE contest_id = ? ORDER BY entry_no, ballot_candidate_id, post"),
        "tally_posts": q("SELECT entry_no, post, invalid_parts, unused FROM tally_post WHERE contest_id = ? "
                         "ORDER BY entry_no, post"),
        "ballots": [[r[0], r[1], json_value(r[2]), json_value(r[3]), r[4], r[5]] for r in q(
            "SELECT id, serial, marks, invalid_posts, wholly_invalid, invalid_reason FROM ballot_record "
            "WHERE contest_id = ? ORDER BY id")],
        "spoilt": q("SELECT id, serial, scope, reason FROM spoilt_ballot WHERE contest_id = ? ORDER BY id"),
        "result": [[r[0], json_value(r[1])] for r in q("SELECT valid, decision FROM result WHERE contest_id = ?")],
    }
    return sha256_hex(payload)


# ---------------------------------------------------------------------------------------------------------------
# chaining rows written before migration 0009
# ---------------------------------------------------------------------------------------------------------------

def seal_legacy(conn: Any) -> int:
    """Chain an audit log none of whose rows has a hash yet (a database upgraded to 0009 before its first write), and
    give contests already official their digest. Does nothing once any row is chained: an unchained row among
    chained ones is evidence of tampering and must stay visible to :func:`verify`. Returns the rows chained."""
    rows, write = _runner(conn), _writer(conn)
    if rows("SELECT 1 FROM audit_log WHERE row_hash <> '' LIMIT 1", ()):
        return 0
    prev = ""
    n = 0
    for r in rows(f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY id", ()):
        h = _hash_of(r, prev)
        write("UPDATE audit_log SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, h, r[0]))
        prev, n = h, n + 1
    for (cid,) in rows("SELECT id FROM contest WHERE official = 1 AND official_digest = ''", ()):
        write("UPDATE contest SET official_digest = ? WHERE id = ?", (_contest_digest(rows, cid), cid))
    return n


# ---------------------------------------------------------------------------------------------------------------
# verify
# ---------------------------------------------------------------------------------------------------------------

def _check_chain(rows: Rows, conn: sqlite3.Connection) -> list[str]:
    if not rows("SELECT 1 FROM audit_log WHERE row_hash <> '' LIMIT 1", ()):
        return []  # not chained yet (upgraded, no write since): nothing to check; summary() says so
    problems: list[str] = []
    prev_id: int | None = None
    prev_hash = ""
    cur = conn.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY id")
    for r in cur:
        row_id, stored_prev, stored_hash = r[0], r[10] or "", r[11] or ""
        problem = None
        if prev_id is not None and row_id != prev_id + 1:
            missing = (tr("#{a}").format(a=prev_id + 1) if row_id == prev_id + 2
                       else tr("#{a}–#{b}").format(a=prev_id + 1, b=row_id - 1))
            problem = tr("审计日志在第 {id} 条记录处断开：其前的审计记录 {missing} 缺失（已被删除）").format(
                id=row_id, missing=missing)
        elif prev_id is None and stored_prev:
            problem = tr("审计日志在第 {id} 条记录处断开：其前的审计记录已被删除").format(id=row_id)
        elif not stored_hash:
            problem = tr("审计日志第 {id} 条记录没有校验值：它是在程序之外写入或改动的").format(id=row_id)
        elif stored_prev != prev_hash:
            problem = tr("审计日志在第 {id} 条记录处断开：前一条记录被删除、插入或改动（链接校验值不符）").format(id=row_id)
        elif _hash_of(r, stored_prev) != stored_hash:
            problem = tr("审计日志第 {id} 条记录的内容被改动（校验值不符）").format(id=row_id)
        if problem:
            problems.append(problem)
            if len(problems) >= MAX_CHAIN_PROBLEMS:
                problems.append(tr("……审计日志还有更多不符之处，只列出前 {n} 处").format(n=MAX_CHAIN_PROBLEMS))
                break
        prev_id, prev_hash = row_id, stored_hash
    return problems


def contest_label(rows: Rows, contest_id: int) -> str:
    """E.g. "东村 村民委员会 正式选举（第 3 号选举）" for messages."""
    found = rows("SELECT v.name, o.kind, c.round FROM contest c JOIN organization o ON o.id = c.organization_id "
                 "JOIN village v ON v.id = o.village_id WHERE c.id = ?", (contest_id,))
    if not found:
        return tr("第 {id} 号选举").format(id=contest_id)
    village, kind, rnd = found[0]
    try:
        body = OrgKind(kind).label
    except ValueError:
        body = str(kind)
    try:
        round_text = ContestRound(rnd).label
    except ValueError:
        round_text = str(rnd)
    return tr("{village} {body} {round}（第 {id} 号选举）").format(village=village, body=body, round=round_text,
                                                              id=contest_id)


def _last_audit(rows: Rows, entity: str, actions: Iterable[str] | None = None) -> dict[str, list[Any]]:
    """entity_id → the audit rows (action, after) of that entity in id order."""
    out: dict[str, list[Any]] = {}
    sql = "SELECT entity_id, action, after FROM audit_log WHERE entity = ?"
    params: list[Any] = [entity]
    if actions is not None:
        acts = list(actions)
        sql += " AND action IN (" + ",".join("?" * len(acts)) + ")"
        params += acts
    for entity_id, action, after in rows(sql + " ORDER BY id", params):
        out.setdefault(str(entity_id), []).append((action, json_value(after)))
    return out


def _check_contests(rows: Rows) -> list[str]:
    problems: list[str] = []
    locks = _last_audit(rows, "contest", ("lock", "reopen"))
    chained = bool(rows("SELECT 1 FROM audit_log WHERE row_hash <> '' LIMIT 1", ()))
    for cid, official, digest in rows("SELECT id, official, official_digest FROM contest ORDER BY id", ()):
        history = locks.get(str(cid), [])
        recorded = bool(history) and history[-1][0] == "lock"
        if bool(official) != recorded:
            label = contest_label(rows, cid)
            if official:
                problems.append(tr("{contest}：结果标为已确认，但审计日志中没有相应的确认记录（在程序之外被改动）").format(
                    contest=label))
            else:
                problems.append(tr("{contest}：审计日志记录结果已确认，但现在标为未确认（在程序之外被改动）").format(
                    contest=label))
        if not official:
            continue
        if not digest:
            if chained:
                problems.append(tr("{contest}：已确认的结果没有校验码（在程序之外被改动）").format(
                    contest=contest_label(rows, cid)))
            continue
        if _contest_digest(rows, cid) != digest:
            problems.append(tr("{contest}：已确认的选举结果或其计票数据在确认后被改动（校验码 {code} 不符）").format(
                contest=contest_label(rows, cid), code=short(digest)))
    return problems


def _role_label(value: Any) -> str:
    try:
        return Role(value).label
    except ValueError:
        return str(value)


def _check_users(rows: Rows) -> list[str]:
    problems: list[str] = []
    history = _last_audit(rows, "app_user")
    for uid, username, role, active in rows("SELECT id, username, role, active FROM app_user ORDER BY id", ()):
        exp_role: Any = None
        exp_active = True
        for action, after in history.get(str(uid), []):
            if action == "create_first_admin":
                exp_role, exp_active = "admin", True
            if isinstance(after, dict):
                if "role" in after:
                    exp_role = after["role"]
                if "active" in after:
                    exp_active = bool(after["active"])
        if exp_role is None:
            problems.append(tr("用户“{name}”（{role}）在审计日志中没有创建或角色记录：可能是在程序之外添加的").format(
                name=username, role=_role_label(role)))
            continue
        if role != exp_role:
            problems.append(tr("用户“{name}”的角色现为“{role}”，但审计日志最后记录的角色是“{expected}”（在程序之外被改动）")
                            .format(name=username, role=_role_label(role), expected=_role_label(exp_role)))
        if bool(active) != exp_active:
            state = lambda a: tr("启用") if a else tr("停用")  # noqa: E731
            problems.append(tr("用户“{name}”现为“{now}”，但审计日志最后记录的是“{expected}”（在程序之外被改动）").format(
                name=username, now=state(bool(active)), expected=state(exp_active)))
    return problems


def _has_safety_columns(rows: Rows) -> bool:
    return {"prev_hash", "row_hash"} <= _columns(rows, "audit_log") and "official_digest" in _columns(rows, "contest")


def verify(conn: sqlite3.Connection) -> list[str]:
    """Problems (Chinese, one per line) with the audit chain, the official results' digests, the contests' official
    flags and the users' roles; empty when everything agrees. Only reads. A database older than migration 0009 has
    nothing to verify (empty list)."""
    rows = _runner(conn)
    if not _has_safety_columns(rows):
        return []
    return _check_chain(rows, conn) + _check_contests(rows) + _check_users(rows)


def summary(conn: sqlite3.Connection) -> list[str]:
    """Information lines for check-db: the chain head (to be compared with a copy kept elsewhere) and the digests."""
    rows = _runner(conn)
    if not _has_safety_columns(rows):
        return [tr("防篡改校验：数据库版本早于 0009，尚无校验链")]
    n = rows("SELECT COUNT(*) FROM audit_log", ())[0][0]
    last = rows("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1", ())
    if not last:
        lines = [tr("审计日志：0 条")]
    elif not last[0][1]:
        lines = [tr("审计日志：{n} 条，尚未建立校验链（升级后还没有写入，下次保存时建立）").format(n=n)]
    else:
        lines = [tr("审计日志：{n} 条，链头 #{id} 校验值 {hash}").format(n=n, id=last[0][0], hash=last[0][1])]
    for cid, digest in rows("SELECT id, official_digest FROM contest WHERE official = 1 ORDER BY id", ()):
        lines.append(tr("已确认结果 {contest}：校验码 {code}").format(contest=contest_label(rows, cid),
                                                                 code=short(digest) if digest else tr("（无）")))
    return lines
