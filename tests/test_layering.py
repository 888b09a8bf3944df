"""The layering rules of docs/DEVELOPING.md ("Where things go"), checked on the source with ``ast``.

Every module of ``villagevote/`` is parsed; imports at module level AND inside functions count, imports under
``if TYPE_CHECKING:`` do not (they never run). Each rule lists every violation as ``path:line: [rule] what`` so one
run shows all the work left. The rules:

- ``qt-outside-ui``: PySide6 only in ``villagevote/ui/`` (entry points launch the GUI by importing ``villagevote.ui``).
- ``orm-in-ui``: no ``sqlalchemy`` and no ``villagevote.models`` (``models.enums`` is fine) in ``villagevote/ui/``:
  pages read through ``ctx.query`` and write through ``ctx.write`` with domain functions; the database file is
  opened through ``villagevote.database``.
- ``domain-imports-reports``: the domain packages and the top-level domain modules import neither
  ``villagevote.reports`` nor ``villagevote.ui`` (reports call the domain, not the other way round).
- ``models-import-domain``: ``villagevote.models`` imports only models, errors, i18n, config and resources.
- ``migration-imports-live-code``: a migration imports no live module of villagevote (a later change of it would
  change what an old migration does); it keeps a frozen copy in ``villagevote.migrations``.
- ``package-cycle``: no cycle between packages (``villagevote.<first segment>``, a top-level module is its own).
- ``importlib-lookup``: no ``importlib.import_module``/``find_spec`` of a villagevote module by name: import it.
"""
from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "villagevote"

DOMAIN_PACKAGES = ("candidates", "qualification", "elections", "voters", "scoring", "pledges", "tracking",
                   "evaluation", "statistics")
# top-level modules that are not domain: the command line and the self-test start the GUI or print forms
ENTRY_POINTS = ("villagevote.cli", "villagevote.__main__", "villagevote.selftest")
MODELS_MAY_IMPORT = ("villagevote.models", "villagevote.errors", "villagevote.i18n", "villagevote.config",
                     "villagevote.resources")
# look-ups by name that are discovery, not a dodge: the name is not known in the source
DYNAMIC_LOOKUPS_ALLOWED = {
    "villagevote.reports.registry",  # every reports/forms_*.py found with pkgutil: a new form needs no edit
}


@dataclass(frozen=True)
class Import:
    module: str      # importing module, e.g. villagevote.ui.pages.voters
    path: str        # villagevote/ui/pages/voters.py
    line: int
    target: str      # imported module, e.g. villagevote.models.voters
    base: str = ""   # for `from X import y`: X (the target when X.y is not a module)


@dataclass(frozen=True)
class Lookup:
    module: str
    path: str
    line: int
    name: str | None   # the module name looked up (None: built at run time)
    text: str          # the source of the argument


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.what}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _lookup_name(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("import_module", "find_spec")


def scan_source(source: str, module: str, path: str,
                is_package: bool = False) -> tuple[list[Import], list[Lookup], list[Lookup]]:
    """Imports, importlib look-ups and strings that look like villagevote module names, of one module;
    ``if TYPE_CHECKING:`` bodies skipped."""
    imports: list[Import] = []
    lookups: list[Lookup] = []
    strings: list[Lookup] = []
    package = module if is_package else module.rpartition(".")[0]

    computed: dict[str, str] = {}  # name -> f-string assigned to it (`name = f"villagevote.{area}.seed"`)
    docstrings = {id(body[0].value) for body in _bodies(ast.parse(source))
                  if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            imports.extend(Import(module, path, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[:len(parent) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            # `from villagevote import audit` imports the module villagevote.audit: count both forms as the module
            for alias in node.names:
                imports.append(Import(module, path, node.lineno, f"{base}.{alias.name}", base))
        elif isinstance(node, ast.Call) and _lookup_name(node) and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                lookups.append(Lookup(module, path, node.lineno, arg.value, ast.unparse(arg)))
            elif isinstance(arg, ast.JoinedStr):
                lookups.append(Lookup(module, path, node.lineno, None, ast.unparse(arg)))
            elif isinstance(arg, ast.Name) and arg.id in computed:
                lookups.append(Lookup(module, path, node.lineno, None, computed[arg.id]))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.JoinedStr):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    computed[target.id] = ast.unparse(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and node.value.startswith("villagevote."):
            strings.append(Lookup(module, path, node.lineno, node.value, repr(node.value)))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return imports, lookups, strings


def _bodies(tree: ast.AST) -> Iterator[list[ast.stmt]]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.body


@dataclass
class Tree:
    modules: set[str]
    imports: list[Import]
    lookups: list[Lookup]
    strings: list[Lookup]

    def resolve(self, target: str, base: str = "") -> str:
        """The villagevote module that an import names: ``from villagevote import audit`` -> villagevote.audit,
        ``from villagevote.audit import Actor`` -> villagevote.audit; other packages as written."""
        if not target.startswith("villagevote"):
            return base or target
        if base:
            return target if target in self.modules else base
        parts = target.split(".")
        while parts:
            name = ".".join(parts)
            if name in self.modules:
                return name
            parts.pop()
        return target


def load_tree(package: Path = PACKAGE) -> Tree:
    root = package.parent
    modules: set[str] = set()
    imports: list[Import] = []
    lookups: list[Lookup] = []
    strings: list[Lookup] = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = module_name(path, root)
        modules.add(name)
        rel = path.relative_to(root).as_posix()
        found, looked, named = scan_source(path.read_text(encoding="utf-8"), name, rel, path.name == "__init__.py")
        imports.extend(found)
        lookups.extend(looked)
        strings.extend(named)
    tree = Tree(modules, [], lookups, strings)
    tree.imports = [Import(i.module, i.path, i.line, tree.resolve(i.target, i.base)) for i in imports]
    return tree


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _is_domain(module: str) -> bool:
    parts = module.split(".")
    if len(parts) < 2 or module in ENTRY_POINTS:
        return False
    if parts[1] in DOMAIN_PACKAGES:
        return True
    # a top-level module (villagevote/x.py), not a package
    return len(parts) == 2 and module not in _PACKAGES


_PACKAGES: set[str] = set()  # filled by all_violations: module names that are packages


def check_imports(tree: Tree) -> Iterator[Violation]:
    for imp in tree.imports:
        mod, target = imp.module, imp.target
        if _under(target, "PySide6") and not _under(mod, "villagevote.ui"):
            yield Violation(imp.path, imp.line, "qt-outside-ui", f"imports {target}")
        if _under(mod, "villagevote.ui") and (
                _under(target, "sqlalchemy") or
                (_under(target, "villagevote.models") and not _under(target, "villagevote.models.enums"))):
            yield Violation(imp.path, imp.line, "orm-in-ui", f"imports {target}")
        if _is_domain(mod) and _under(target, "villagevote.reports", "villagevote.ui"):
            yield Violation(imp.path, imp.line, "domain-imports-reports", f"imports {target}")
        if _under(mod, "villagevote.models") and _under(target, "villagevote") and target != "villagevote" \
                and not _under(target, *MODELS_MAY_IMPORT):
            yield Violation(imp.path, imp.line, "models-import-domain", f"imports {target}")
        if _under(mod, "villagevote.migrations") and _under(target, "villagevote") \
                and not _under(target, "villagevote.migrations"):
            yield Violation(imp.path, imp.line, "migration-imports-live-code", f"imports {target}")


def check_lookups(tree: Tree) -> Iterator[Violation]:
    for look in tree.lookups:
        if look.name is None:
            if look.text.lstrip("f'\"").startswith("villagevote") and look.module not in DYNAMIC_LOOKUPS_ALLOWED:
                yield Violation(look.path, look.line, "importlib-lookup",
                                f"looks up a villagevote module by a computed name {look.text}: import the modules")
        elif _under(look.name, "villagevote") and look.name in tree.modules:
            yield Violation(look.path, look.line, "importlib-lookup",
                            f"looks up {look.name}, which exists: import it")
        elif _under(look.name, "villagevote"):
            yield Violation(look.path, look.line, "importlib-lookup",
                            f"looks up {look.name}, which does not exist: remove the look-up")


    # the GUI loading its own modules by name (load_widget and the like): import them (lazily, in a function, when
    # building the page is what is deferred)
    looked_up = {(look.path, look.line) for look in tree.lookups}
    for named in tree.strings:
        if _under(named.module, "villagevote.ui") and named.name in tree.modules \
                and (named.path, named.line) not in looked_up:
            yield Violation(named.path, named.line, "importlib-lookup",
                            f"names the module {named.name} in a string to load it by name: import it")


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def check_cycles(tree: Tree) -> Iterator[Violation]:
    """Cycles in the package graph: for each import between two packages of one strongly connected component, the
    shortest way back, reported once per distinct cycle with an example import (file:line) for each step."""
    edges: dict[str, dict[str, Import]] = defaultdict(dict)
    for imp in tree.imports:
        if not _under(imp.target, "villagevote") or imp.target == "villagevote":
            continue
        a, b = package_of(imp.module), package_of(imp.target)
        if a != b and a != "villagevote" and b not in edges[a]:
            edges[a][b] = imp
    seen: set[tuple[str, ...]] = set()
    for component in strongly_connected(edges):
        members = set(component)
        if len(members) < 2:
            continue
        for a in sorted(members):
            for b in sorted(edges[a]):
                if b not in members:
                    continue
                back = _shortest_path(edges, b, a, members)
                cycle = [a] + back  # a -> b -> ... -> a
                ring = cycle[:-1]
                start = ring.index(min(ring))
                key = tuple(ring[start:] + ring[:start])
                if key in seen:
                    continue
                seen.add(key)
                steps = [edges[x][y] for x, y in zip(key, key[1:] + key[:1])]
                first = steps[0]
                path = " -> ".join(key + key[:1])
                where = "; ".join(f"{x.path}:{x.line} imports {x.target}" for x in steps)
                yield Violation(first.path, first.line, "package-cycle", f"{path} ({where})")


def _shortest_path(edges: dict[str, dict[str, Import]], start: str, goal: str, within: set[str]) -> list[str]:
    """Nodes from start to goal (both included), breadth first inside ``within``."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for nxt in sorted(edges.get(node, {})):
            if nxt in within and nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    path = [goal]
    while previous[path[-1]] is not None:
        path.append(previous[path[-1]])  # type: ignore[arg-type]
    return path[::-1]


def strongly_connected(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    nodes = sorted(set(edges) | {b for targets in edges.values() for b in targets})
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges.get(start, {}))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, {})))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                result.append(component)
    return result


RULES = {
    "qt-outside-ui", "orm-in-ui", "domain-imports-reports", "models-import-domain", "migration-imports-live-code",
    "package-cycle", "importlib-lookup",
}


def all_violations(tree: Tree) -> list[Violation]:
    _PACKAGES.clear()
    _PACKAGES.update(m for m in tree.modules if any(x.startswith(m + ".") for x in tree.modules))
    found = set(check_imports(tree)) | set(check_lookups(tree)) | set(check_cycles(tree))
    return sorted(found, key=lambda v: (v.rule, v.path, v.line, v.what))


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return all_violations(load_tree())


@pytest.mark.parametrize("rule", sorted(RULES))
def test_layering(violations: list[Violation], rule: str) -> None:
    mine = [str(v) for v in violations if v.rule == rule]
    assert not mine, f"{len(mine)} violation(s) of {rule}:\n" + "\n".join(mine)


# --- the checker itself ----------------------------------------------------------------------------------------

def _tree_of(files: dict[str, str], tmp_path: Path) -> Tree:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_tree(tmp_path / "villagevote")


def test_checker_sees_imports_in_functions_and_skips_type_checking(tmp_path: Path) -> None:
    tree = _tree_of({
        "villagevote/__init__.py": "",
        "villagevote/models/__init__.py": "",
        "villagevote/models/db.py": "from villagevote import seed\n",
        "villagevote/seed.py": "from villagevote.models.db import x\n",
        "villagevote/reports/__init__.py": "",
        "villagevote/voters/__init__.py": "",
        "villagevote/voters/register.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from villagevote.reports import forms
                import PySide6
            def f():
                from villagevote.reports import registry
                import importlib
                importlib.import_module("villagevote.seed")
                importlib.util.find_spec("villagevote.nothing")
            """,
        "villagevote/ui/__init__.py": "",
        "villagevote/ui/page.py": """
            import sqlalchemy
            from villagevote.models.enums import Role
            from ..models import db
            from PySide6.QtCore import Qt
            """,
        "villagevote/migrations/versions/0001.py": "def upgrade():\n    from villagevote.voters import register\n",
    }, tmp_path)
    got = {(v.path, v.line, v.rule) for v in all_violations(tree)}
    assert ("villagevote/voters/register.py", 7, "domain-imports-reports") in got
    assert ("villagevote/voters/register.py", 9, "importlib-lookup") in got
    assert ("villagevote/voters/register.py", 10, "importlib-lookup") in got
    assert not any(line in (4, 5) for path, line, _r in got if path.endswith("register.py"))
    assert ("villagevote/ui/page.py", 2, "orm-in-ui") in got
    assert ("villagevote/ui/page.py", 3, "orm-in-ui") not in got  # enums are fine
    assert ("villagevote/ui/page.py", 4, "orm-in-ui") in got  # relative import resolved
    assert not any(r == "qt-outside-ui" for _p, _l, r in got)
    assert ("villagevote/models/db.py", 1, "models-import-domain") in got
    assert ("villagevote/migrations/versions/0001.py", 2, "migration-imports-live-code") in got
    cycles = [v.what for v in all_violations(tree) if v.rule == "package-cycle"]
    assert len(cycles) == 1, cycles
    assert cycles[0].startswith("villagevote.models -> villagevote.seed -> villagevote.models (")
    assert "villagevote/models/db.py:1 imports villagevote.seed" in cycles[0]
    assert "villagevote/seed.py:1 imports villagevote.models.db" in cycles[0]
