"""What can be printed or exported, by name — shared by the CLI (`villagevote print|export NAME`) and the GUI.

Each area provides a module ``villagevote/reports/forms_<area>.py`` with ``FORMS: list[Form]``. The registry finds
them by name, so adding a form needs no change here or in the CLI.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

import villagevote.reports as reports_package
from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.reports import glyphs


@dataclass(frozen=True)
class Options:
    """What the caller chose; forms use what they need and say clearly when something required is missing."""
    village: str | None = None
    contest_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


# run(session, actor, out_path, options) -> the written path
FormFunc = Callable[[Session, Actor, Path, Options], Path]


@dataclass(frozen=True)
class Form:
    name: str                       # command-line name, e.g. "voter-notice"
    kind: Literal["print", "export"]
    title: str                      # Chinese title shown in --list and the GUI
    run: FormFunc
    needs_village: bool = False
    sensitive: bool = False         # contains full ID numbers: needs the VIEW_SENSITIVE permission
    writes: Area | None = None      # what it records (official ballots counted, an export log): a write session
    suffix: str = ""                # ".pdf" for print, ".xlsx" for export unless given

    @property
    def file_suffix(self) -> str:
        return self.suffix or (".pdf" if self.kind == "print" else ".xlsx")


def all_forms() -> list[Form]:
    """Every ``FORMS`` entry of the ``reports/forms_*.py`` modules (found by name: a new form needs no edit here)."""
    forms: list[Form] = []
    for info in sorted(pkgutil.iter_modules(reports_package.__path__), key=lambda i: i.name):
        if info.name.startswith("forms_"):
            module = importlib.import_module(f"villagevote.reports.{info.name}")
            forms.extend(getattr(module, "FORMS", []))
    return forms


def forms_of(kind: str) -> list[Form]:
    return sorted((f for f in all_forms() if f.kind == kind), key=lambda f: f.name)


def _modules_naming(name: str) -> list[str]:
    """The forms modules whose source names ``name`` in quotes: where the form most likely is, so that printing one
    form imports one module, not every area's (about 0.5 s CPU at a command's first print)."""
    quoted = (f'"{name}"', f"'{name}'")
    found = []
    for info in sorted(pkgutil.iter_modules(reports_package.__path__), key=lambda i: i.name):
        source = Path(getattr(info.module_finder, "path", "")) / f"{info.name}.py"
        try:
            text = source.read_text(encoding="utf-8") if info.name.startswith("forms_") else ""
        except OSError:
            continue
        if any(q in text for q in quoted):
            found.append(info.name)
    return found


def find_form(kind: str, name: str) -> Form:
    for module_name in _modules_naming(name):
        module = importlib.import_module(f"villagevote.reports.{module_name}")
        for form in getattr(module, "FORMS", []):
            if form.kind == kind and form.name == name:
                return form
    for form in forms_of(kind):  # not found by its name's text: every module
        if form.name == name:
            return form
    names = "、".join(f.name for f in forms_of(kind)) or tr("（暂无）")
    raise UserError(tr("没有名为“{name}”的{kind}项目。可用的有：{names}").format(
        name=name, kind=tr("打印") if kind == "print" else tr("导出"), names=names))


@dataclass(frozen=True)
class Produced:
    """A written form: where it is, and the texts (names, mostly) that carry a character no bundled font has — those
    characters are printed blank, to be written in by hand before the form is posted or filed."""
    path: Path
    handwritten: tuple[str, ...] = ()

    def handwriting_note(self) -> str:
        if not self.handwritten:
            return ""
        return tr("注意：以下文字含字库中没有的字，已在打印件上留空，请手写补全后再张贴或归档：{texts}").format(
            texts="、".join(self.handwritten))


def produce(session: Session, actor: Actor, form: Form, out: Path, options: Options) -> Produced:
    """The one way to print or export, for the GUI and the command line alike: the permission is checked here
    (``sensitive`` forms need VIEW_SENSITIVE; each form checks what else it needs), then the form writes ``out``."""
    require(actor, Permission.VIEW_SENSITIVE if form.sensitive else Permission.VIEW)
    if form.needs_village and not options.village:
        raise UserError(tr("“{title}”按村生成，请先选择村。").format(title=form.title))
    with glyphs.collecting() as handwritten:
        path = form.run(session, actor, out, options)
    return Produced(path, tuple(handwritten))
