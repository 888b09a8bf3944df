"""The role table: every domain write function states its permission (``@requires``), docs/permissions.md is what
the code says, and every registered function called as every role is refused — before anything is written — exactly
for the roles the table marks —."""
from __future__ import annotations

import ast
import datetime as dt
import enum
import importlib
import importlib.util
import inspect
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import WriteRule, domain_module_names, load_write_functions
from villagevote.candidates.status import Origin
from villagevote.errors import PermissionDenied, UserError
from villagevote.models import AuditLog
from villagevote.models import enums as enums_module
from villagevote.models.enums import CandidacyStatus, Role

ROOT = Path(__file__).resolve().parent.parent
RULES: dict[str, WriteRule] = load_write_functions()
ACTORS = {role: Actor(None, f"test-{role.value}", role) for role in Role}


def _script():
    spec = importlib.util.spec_from_file_location("gen_permissions_doc", ROOT / "scripts" / "gen_permissions_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_permissions_doc_is_what_the_code_says():
    """docs/permissions.md is generated from the @requires lines; a changed permission without a regenerated file
    fails here (run ``python scripts/gen_permissions_doc.py``)."""
    expected = _script().render()
    assert (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == expected, \
        "docs/permissions.md is out of date: run python scripts/gen_permissions_doc.py"


def test_table_has_the_decisions_that_matter():
    """A few rows the issue named, spelled out (the table itself is generated)."""
    def roles(name: str) -> set[Role]:
        return set(RULES[name].roles())
    assert roles("villagevote.qualification.rulesets.import_catalog") == {Role.ADMIN}
    assert roles("villagevote.pledges.term.withdraw_commitments") == {Role.ADMIN}
    assert roles("villagevote.elections.outcome.mark_official") == {Role.ADMIN, Role.REVIEWER}
    assert roles("villagevote.elections.outcome.reopen") == {Role.ADMIN}
    assert roles("villagevote.voters.importer.import_parsed") == {Role.ADMIN, Role.CLERK}
    assert roles("villagevote.users.create_user") == {Role.ADMIN}
    assert Role.READONLY not in roles("villagevote.candidates.status.transition")
    assert len(RULES) > 80


# --- every public function with an actor that writes is registered ------------------------------------------------

_WRITE_METHODS = {"add", "add_all", "delete", "merge", "bulk_save_objects", "bulk_insert_mappings",
                  "bulk_update_mappings"}
_WRITE_SQL = ("insert", "update", "delete", "replace")


def _call_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _writes_directly(fn: ast.FunctionDef) -> list[str]:
    """What in ``fn``'s own body writes: session.add/delete/…, audit.record/add_recorded, execute() of
    INSERT/UPDATE/DELETE (SQLAlchemy constructs or SQL text)."""
    found = []
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in _WRITE_METHODS and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if "session" in owner or owner in ("s", "sess", "db"):
                found.append(ast.unparse(node)[:60])
        elif name in ("record", "add_recorded") and ast.unparse(node.func).startswith("audit."):
            found.append(ast.unparse(node)[:60])
        elif name in ("execute", "executemany") and node.args:
            text = ast.unparse(node.args[0]).lower()
            if any(f"{word}(" in text or f"{word} " in text for word in _WRITE_SQL):
                found.append(ast.unparse(node)[:60])
    return found


def _decorated(fn: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and _call_name(d) == "requires" for d in fn.decorator_list)


def _functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


# Modules whose actor-taking writers are plumbing every registered function calls, not actions of their own.
PLUMBING = {"villagevote.audit": "record() and add_recorded() write the audit row of the registered caller"}


def test_every_public_write_with_an_actor_is_registered():
    """Walks every domain module: a public function with an ``actor`` parameter that writes — itself or through a
    private helper of its module — must carry @requires. A read-only function taking an actor (masking by role) is
    fine without it."""
    problems = []
    checked = 0
    for module_name in domain_module_names():
        if module_name in PLUMBING:
            continue
        spec = importlib.util.find_spec(module_name)
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        functions = dict(_functions(tree))
        writers = {name for name, fn in functions.items() if _writes_directly(fn)}
        changed = True
        while changed:  # private helpers that call writing helpers write too
            changed = False
            for name, fn in functions.items():
                if name in writers:
                    continue
                calls = {_call_name(c) for c in ast.walk(fn) if isinstance(c, ast.Call)}
                if any(w.split(".")[-1] in calls and w.split(".")[-1].startswith("_") for w in writers):
                    writers.add(name)
                    changed = True
        for name, fn in functions.items():
            params = [a.arg for a in fn.args.args + fn.args.kwonlyargs]
            if "actor" not in params or name.split(".")[-1].startswith("_"):
                continue
            checked += 1
            if name in writers and not _decorated(fn):
                problems.append(f"{module_name}.{name}: writes ({_writes_directly(fn) or 'via a helper'}) "
                                "but has no @requires")
            if _decorated(fn) and f"{module_name}.{name}" not in RULES:
                problems.append(f"{module_name}.{name}: decorated but not in the table")
    assert not problems, "\n".join(problems)
    assert checked > 80


def test_the_walk_would_catch_an_unregistered_write():
    """The check above is not vacuous: an undecorated function like withdraw_commitments was is caught."""
    tree = ast.parse(
        "def withdraw(session, candidacy_id, actor, reason):\n"
        "    for c in session.scalars(q):\n"
        "        audit.record(session, actor, 'delete', 'commitment', c.id)\n"
        "        session.delete(c)\n")
    fn = tree.body[0]
    assert _writes_directly(fn) and not _decorated(fn)


# --- every registered function as every role ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def world_db(tmp_path_factory):
    """One database with a township, villages and a cycle for all the calls (each call's session is rolled back)."""
    from villagevote import township as tw
    from villagevote.database import open_database
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("home")
        mp.setenv("VILLAGEVOTE_HOME", str(home))
        database = open_database(tmp_path_factory.mktemp("db") / "roles.sqlite3")
        with database.session() as s:
            tid = tw.create_township(s, audit.SYSTEM, "测试镇", county="测试县")
            tw.add_village(s, audit.SYSTEM, tid, "东村", code="001", groups=2)
            tw.create_cycle(s, audit.SYSTEM, tid, "2026年换届", 2026, dt.date(2026, 12, 20))
        yield database
        database.dispose()


MISSING = 999_999  # an id that exists nowhere


def _dummy(name: str, annotation: str, tmp_path: Path) -> Any:
    """A plausible but dummy value for a parameter, from its name and (string) annotation."""
    a = annotation.replace(" ", "")
    if name in ("out", "out_path", "path", "scan_file", "dest", "folder") or "Path" in a:
        return tmp_path / f"{name}.out"
    if name.endswith("_ids") or a.startswith(("list[int]", "Sequence[int]", "Iterable[int]")):
        return [MISSING]
    if name.endswith("_id") or name == "id" or a.startswith("int"):
        return MISSING
    if "date" in a:
        return dt.date(2026, 3, 1)
    for enum_name, member in vars(enums_module).items():
        if isinstance(member, type) and issubclass(member, enum.Enum) and enum_name in a:
            return next(iter(member))
    if a.startswith("bool"):
        return False
    if a.startswith(("dict", "Mapping")):
        return {}
    if a.startswith(("list", "Sequence", "Iterable", "tuple")):
        return []
    if a.startswith(("Decimal", "float")):
        return 0
    if a.startswith("str"):
        return "x"
    return None


# Arguments for functions whose own further checks depend on them, per role, so that a role the table allows meets
# only the checks that are not about its role (the table's last column says what those are).
ROLE_ARGS = {
    "villagevote.candidates.status.transition": lambda role: {
        "new_status": CandidacyStatus.QUALIFIED if role is Role.REVIEWER else CandidacyStatus.WITHDRAWN,
        "origin": Origin.STATUS_EDIT},
    "villagevote.elections.contests.prepare_ballots": lambda role: {"sample": role not in (Role.ADMIN, Role.CLERK)},
}


# With dummy arguments a permitted call ends in NotFound / ValidationError (or succeeds). These cannot get that far:
# their argument is a checked object built by a reader (a dataclass), or a missing parent id reaches the database's
# foreign-key check (IntegrityError; the GUI only ever passes existing ids).
DUMMY_LIMITS = {
    "villagevote.candidates.persons.register_person": "PersonData",
    "villagevote.qualification.county_review.apply_county_import": "CountyImportPreview",
    "villagevote.qualification.county_review.apply_county_decisions": "CountyDecisionPlan",
    "villagevote.qualification.rulesets.import_catalog": "Catalog",
    "villagevote.voters.importer.import_parsed": "ParsedSheet",
    "villagevote.township.add_village": "township id not checked",
    "villagevote.township.create_cycle": "township id not checked",
    "villagevote.voters.register.set_milestone": "village id not checked",
}


def _call(rule: WriteRule, session, actor: Actor, tmp_path: Path) -> None:
    module = importlib.import_module(rule.module)
    fn = module
    for part in rule.name.split("."):
        fn = getattr(fn, part)
    kwargs: dict[str, Any] = {}
    extra = ROLE_ARGS.get(rule.qualname, lambda _r: {})(actor.role)
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if name == "session":
            kwargs[name] = session
        elif name == "actor":
            kwargs[name] = actor
        elif name in extra:
            kwargs[name] = extra[name]
        elif p.default is p.empty:
            kwargs[name] = _dummy(name, str(p.annotation), tmp_path)
    fn(**kwargs)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize("qualname", list(RULES), ids=[q.removeprefix("villagevote.") for q in RULES])
def test_every_write_function_as_every_role(world_db, qualname, role, tmp_path):
    rule = RULES[qualname]
    actor = ACTORS[role]
    out = tmp_path / "out"  # where dummy path arguments point
    out.mkdir()
    session = world_db.session_factory(bind=world_db.engine)
    try:
        raw = session.connection().connection.driver_connection
        audits = session.scalar(select(func.count()).select_from(AuditLog))
        changes = raw.total_changes
        if role in rule.roles():
            try:
                _call(rule, session, actor, out)
            except PermissionDenied as exc:
                pytest.fail(f"{qualname} refused {role.label}, which the table allows: {exc}")
            except UserError:  # NotFound, ValidationError … for the dummy arguments
                pass
            except Exception as exc:
                if qualname not in DUMMY_LIMITS:
                    raise AssertionError(f"{qualname} as {role.label}: {type(exc).__name__}: {exc}") from exc
        else:
            with pytest.raises(PermissionDenied, match=role.label):
                _call(rule, session, actor, out)
            assert not (session.new or session.dirty or session.deleted), "objects were added or changed"
            assert raw.total_changes == changes, "rows were written before the refusal"
            assert session.scalar(select(func.count()).select_from(AuditLog)) == audits
            assert not any(out.iterdir()), "a file was written before the refusal"
    finally:
        session.rollback()
        session.close()
