"""`villagevote check-db PATH`: read-only health report of a database file.

It never writes to the file or beside it. A hot rollback journal (a save interrupted by a crash) is reported as what
it is, not as damage: the file and journal are copied to a temporary folder, the journal is rolled back there, and the
checks run on that copy — the state the program will open. Opening the file in the program recovers it for real
(after copying file and journal into the backup folder); check-db has no option to do that itself, so a command that
"only checks" can never change a township's file. A file held open by another villagevote program is checked as it
is on disk (committed saves), and the report says who has it open.
"""
from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from villagevote import integrity
from villagevote.errors import DatabaseFileError
from villagevote.i18n import tr
from villagevote.models.db import (
    HotJournal,
    copy_with_journal,
    head_revision,
    inspect_file,
    known_revisions,
    lock_holder,
    roll_back_journal,
)


@dataclass
class CheckReport:
    path: Path
    ok: bool
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def check_database(path: Path | str) -> CheckReport:
    """Run integrity_check and foreign_key_check, read the schema version and count rows; never writes."""

    path = Path(path)
    report = CheckReport(path=path, ok=True)
    if not path.exists():
        report.ok = False
        report.lines.append(tr("文件不存在：{path}").format(path=path))
        return report
    holder = lock_holder(path)
    if holder:
        report.lines.append(tr("注意：此数据库正由另一个 villagevote 程序打开（{holder}），以下是此刻已保存的内容。").format(
            holder=holder))
    stack = contextlib.ExitStack()
    checked = path
    try:
        try:
            info = inspect_file(path)
        except HotJournal as hot:
            report.lines.append(tr(
                "发现回滚日志 {journal}：上次保存在写入途中被中断（程序或电脑意外关闭）。这不是数据库损坏，"
                "此前已保存的数据很可能完好，只有被中断的那一次保存不会保留。").format(journal=hot.journal))
            report.lines.append(tr(
                "check-db 不修改文件：以下检查是在临时副本上回滚日志之后做的，也就是本程序下次打开时看到的内容。"
                "用本程序打开这个数据库时，会先把数据库和日志复制到备份文件夹，再自动回滚恢复。"))
            checked = copy_with_journal(path, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            roll_back_journal(checked)
            info = inspect_file(checked)
    except (DatabaseFileError, OSError, sqlite3.Error) as exc:
        stack.close()
        report.ok = False
        report.lines.append(str(exc))
        return report
    conn = sqlite3.connect(checked.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        integrity_lines = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        report.lines.append(f"integrity_check: {'; '.join(integrity_lines)}")
        if integrity_lines != ["ok"]:
            report.ok = False
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        report.lines.append(f"foreign_key_check: {'ok' if not fk else tr('{n} 处外键错误').format(n=len(fk))}")
        for row in fk[:20]:
            report.lines.append(f"  {row}")
        if fk:
            report.ok = False
        head = head_revision()
        if info.revision is None:
            state = tr("空数据库（未初始化）")
        elif info.revision == head:
            state = tr("最新")
        elif info.revision in known_revisions():
            state = tr("较旧，打开时将自动升级到 {head}").format(head=head)
        else:
            state = tr("由更新版本的程序写入，本程序无法识别")
            report.ok = False
        report.lines.append(f"schema_version: {info.revision} ({state})")
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in tables:
            report.counts[name] = conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
        # tamper evidence (issue 13): the audit hash chain, official result digests, roles and official flags
        if info.revision is not None:
            report.lines.extend(integrity.summary(conn))
            tampered = integrity.verify(conn)
            report.lines.extend(tr("防篡改检查：{problem}").format(problem=p) for p in tampered)
            report.lines.append(tr("防篡改检查：{state}").format(state=tr("未发现改动") if not tampered else tr(
                "发现 {n} 处在程序之外的改动").format(n=len(tampered))))
            report.ok = report.ok and not tampered
    except sqlite3.DatabaseError as exc:
        report.ok = False
        report.lines.append(tr("读取数据库时出错：{error}").format(error=exc))
    finally:
        conn.close()
        stack.close()
    return report
