"""Entry point: the GUI with no arguments; sub-commands for scripts, batch work and tests.

Exit codes: 0 success, 1 a problem with the data or files (message on stderr), 2 wrong usage (and for
``evaluate``: a session the engine refuses, the reasons on stderr).

print and export run as a read-only user `cli` unless `--user NAME` logs in (password from VILLAGEVOTE_PASSWORD or
a prompt): forms with full ID numbers and official (counted) ballots need a login, and are audited as that user.

Each command imports what it needs inside its function: this module is also the GUI's entry point, and importing
the reports, the demo or the database layer here would delay the first window (the GUI imports ``villagevote.ui``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from villagevote.errors import PermissionDenied, UserError
from villagevote.i18n import tr

if TYPE_CHECKING:
    from villagevote.audit import Actor
    from villagevote.models.db import Database

PASSWORD_ENV = "VILLAGEVOTE_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="villagevote", description=tr("村级组织换届与承诺管理"))
    p.add_argument("--db", type=Path, help=tr("数据库文件（默认在用户数据目录）"))
    p.add_argument("--self-test", action="store_true", help=tr("自检：临时数据库、迁移、PDF 与工作簿，成功返回 0"))
    sub = p.add_subparsers(dest="command")

    d = sub.add_parser("demo", help=tr("生成演示乡镇数据库"))
    d.add_argument("--db", type=Path, required=True, dest="demo_db")
    d.add_argument("--villages", type=int, default=8)
    d.add_argument("--voters-per-village", type=int, default=300)
    d.add_argument("--seed", type=int, default=1)

    c = sub.add_parser("check-db", help=tr("检查数据库文件"))
    c.add_argument("path", type=Path)

    for kind, help_text in (("print", tr("打印表单为 PDF")), ("export", tr("导出 Excel 工作簿"))):
        f = sub.add_parser(kind, help=help_text)
        f.add_argument("form", nargs="?")
        f.add_argument("--list", action="store_true")
        f.add_argument("--db", type=Path, dest="form_db")
        f.add_argument("--village")
        f.add_argument("--contest", type=int)
        f.add_argument("--out", type=Path)
        f.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
        f.add_argument("--user", metavar=tr("用户名"),
                       help=tr("以此用户登录（密码在提示时输入，或取自环境变量 {env}）；含完整身份证号的表单、"
                               "正式选票等需要登录").format(env=PASSWORD_ENV))

    r = sub.add_parser("result", help=tr("按选举规则计算结果（JSON 输入输出）"))
    r.add_argument("--json", required=True, metavar="FILE", help=tr("JSON 文件，或 - 表示标准输入"))

    e = sub.add_parser("evaluate", help=tr("民主评议计票与等次评定（JSON 输入输出）"))
    e.add_argument("--json", required=True, metavar="FILE", help=tr("JSON 文件，或 - 表示标准输入"))

    b = sub.add_parser("backup", help=tr("立即备份数据库"))
    b.add_argument("--db", type=Path, dest="backup_db", required=True)

    m = sub.add_parser("county-merge", help=tr("校验并汇总各乡镇报送的统计工作簿（不需要数据库）"))
    m.add_argument("files", nargs="+", type=Path, metavar="FILE")
    m.add_argument("--out", type=Path, required=True, dest="merge_out")
    m.add_argument("--code", help=tr("汇总单位的区划代码（默认取各乡镇区划代码的共同前缀）"))
    m.add_argument("--name", help=tr("汇总单位名称，如 某某县"))
    m.add_argument("--csv", type=Path, help=tr("另存 _data 规范 CSV"))
    m.add_argument("--filled-by", default="", help=tr("填表人"))
    m.add_argument("--reviewed-by", default="", help=tr("审核人"))
    m.add_argument("--serial", type=int, default=1, help=tr("报送序号"))
    return p


def _err(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from villagevote.demo import build_demo
    summary = build_demo(args.demo_db, villages=args.villages, voters_per_village=args.voters_per_village,
                         seed=args.seed)
    print(tr("演示数据库已生成：{path}（{s:.1f} 秒）").format(path=summary.path, s=summary.seconds))
    for table in ("village", "person", "candidacy", "pledge", "score", "voter", "proxy", "contest", "commitment"):
        print(f"  {table}: {summary.counts.get(table, 0)}")
    for note in summary.notes:
        print(f"  note: {note}")
    return 0


def cmd_check_db(args: argparse.Namespace) -> int:
    from villagevote.checkdb import check_database
    report = check_database(args.path)
    print(f"database: {report.path}")
    for line in report.lines:
        print(line)
    if report.counts:
        print("row counts:")
        for name, n in report.counts.items():
            print(f"  {name}: {n}")
    print("result: " + ("ok" if report.ok else "PROBLEM"))
    return 0 if report.ok else 1


def _read_only_actor() -> Actor:
    """Who a command runs as without --user: may read what any 只读 user may read, and write nothing."""
    from villagevote.audit import Actor
    from villagevote.models.enums import Role
    return Actor(user_id=None, username="cli", role=Role.READONLY, display_name=tr("命令行（只读）"))


def _login(db: Database, username: str) -> Actor:
    """Log ``username`` in on ``db`` (audited like a GUI login, with the same wait after failures). The password
    comes from the environment variable VILLAGEVOTE_PASSWORD, else from a prompt that does not echo."""
    import getpass
    import os

    from villagevote.users import authenticate
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(tr("用户“{name}”的密码：").format(name=username))
    with db.session() as session:
        return authenticate(session, username, password)


def cmd_form(args: argparse.Namespace, kind: str) -> int:
    from villagevote.database import open_database
    from villagevote.reports.registry import Options, find_form, forms_of, produce

    if args.list:
        for form in forms_of(kind):
            print(f"{form.name}\t{form.title}")
        return 0
    if not args.form:
        print(tr("请指定表单名称，或用 --list 查看可用项目。"), file=sys.stderr)
        return 2
    form = find_form(kind, args.form)
    if args.form_db is None or args.out is None:
        print(tr("需要 --db 数据库文件 和 --out 输出文件。"), file=sys.stderr)
        return 2
    if not args.form_db.exists():
        return _err(tr("数据库文件不存在：{path}").format(path=args.form_db))
    if form.needs_village and not args.village:
        return _err(tr("“{title}”需要用 --village 指定村名。").format(title=form.title))
    extra = {}
    for item in args.option:
        key, _, value = item.partition("=")
        extra[key] = value
    db = open_database(args.form_db, beside_program=True)
    try:
        actor = _login(db, args.user) if args.user else _read_only_actor()
        try:
            with (db.session() if form.writes else db.read_session()) as session:
                produced = produce(session, actor, form, args.out,
                                   Options(village=args.village, contest_id=args.contest, extra=extra))
        except PermissionDenied as exc:
            if args.user:
                raise
            return _err(tr("{why}“{title}”需要有权限的用户登录：请加 --user 用户名（密码在提示时输入，或放在环境变量 "
                           "{env} 中）。").format(why=exc.message, title=form.title, env=PASSWORD_ENV))
    finally:
        db.dispose()
    print(tr("已生成：{path}").format(path=produced.path))
    if produced.handwritten:
        print(produced.handwriting_note(), file=sys.stderr)
    return 0


def cmd_result(args: argparse.Namespace) -> int:
    from villagevote.elections.results import decide
    try:
        raw = sys.stdin.read() if args.json == "-" else Path(args.json).read_text(encoding="utf-8")
        contest = json.loads(raw)
    except (OSError, json.JSONDecodeError) as exc:
        return _err(tr("无法读取 JSON 输入：{error}").format(error=exc))
    print(json.dumps(decide(contest), ensure_ascii=False, indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Exit 0 for a valid session; 2 when the engine refuses it (bad input or below quorum: the JSON answer is
    still printed, the reasons also go to stderr); 1 when the file cannot be read."""
    from villagevote.evaluation import decide
    try:
        raw = sys.stdin.read() if args.json == "-" else Path(args.json).read_text(encoding="utf-8")
        session = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _err(tr("无法读取 JSON 输入：{error}").format(error=exc))
    answer = decide(session)
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    if not answer["valid"]:
        print("\n".join(answer["reasons"]), file=sys.stderr)
        return 2
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from villagevote.backup import backup_database
    from villagevote.config import backup_dir_for
    from villagevote.models.db import check_revision_supported, inspect_file
    info = inspect_file(args.backup_db)
    check_revision_supported(info.revision, args.backup_db)
    dest = backup_database(args.backup_db, backup_dir_for(args.backup_db), reason="manual")
    print(tr("已备份到：{path}").format(path=dest))
    return 0


def cmd_county_merge(args: argparse.Namespace) -> int:
    """Exit 0 when anything was merged, 2 when every file was refused."""
    from villagevote.statistics.merge import merge_files, write_county
    from villagevote.statistics.sealed import write_data_csv
    result = merge_files(args.files, unit_code=args.code, unit_name=args.name)
    for outcome in result.outcomes:
        line = f"[{outcome.status_label}] {outcome.path.name}"
        if outcome.unit_code:
            line += tr("　{name}（{code}）报送序号 {serial}").format(name=outcome.unit_name, code=outcome.unit_code,
                                                               serial=outcome.serial)
        print(line)
        if outcome.reason:
            print("    " + outcome.reason.replace("\n", "\n    "))
    if not result.accepted:
        print(tr("没有可汇总的文件，未生成汇总表。"), file=sys.stderr)
        return 2
    path = write_county(result, args.merge_out, filled_by=args.filled_by, reviewed_by=args.reviewed_by,
                        serial=args.serial)
    if args.csv:
        write_data_csv(result.rows, args.csv)
    print(tr("已汇总 {a} 个文件（被更正取代 {s} 个，拒收 {r} 个）：{path}").format(
        a=len(result.accepted), s=len(result.superseded), r=len(result.refused), path=path))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.self_test:
            from villagevote.selftest import self_test
            return self_test()
        if args.command is None:
            from villagevote.ui.app import run_gui
            return run_gui(args.db)
        handlers = {"demo": cmd_demo, "check-db": cmd_check_db, "result": cmd_result, "evaluate": cmd_evaluate,
                    "backup": cmd_backup,
                    "print": lambda a: cmd_form(a, "print"), "export": lambda a: cmd_form(a, "export"),
                    "county-merge": cmd_county_merge}
        return handlers[args.command](args)
    except UserError as exc:
        return _err(str(exc))


if __name__ == "__main__":
    sys.exit(main())
