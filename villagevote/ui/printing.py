"""The one way a page prints a form or exports a workbook: the registry function the command line uses.

``produce(parent, ctx, kind, name, options)`` asks where to save (starting in the folder last used for that form),
renders on the database worker (a read session unless the form records something), and offers to open the file in
the system's viewer, from which offices print. Permissions are checked by :func:`villagevote.reports.registry.produce`.
A notice dated inside its statutory period may be overridden by an administrator, who gives the reason.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.reports.registry import Form, Options, Produced, find_form
from villagevote.reports.registry import produce as produce_form
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.workers import Progress

_FILTERS = {".pdf": tr("PDF 文件 (*.pdf)"), ".xlsx": tr("Excel 工作簿 (*.xlsx)")}


def _settings() -> QSettings:
    return QSettings("villagevote", "villagevote")


def last_folder(form_name: str) -> str:
    value = _settings().value(f"save_dir/{form_name}", "")
    return str(value) if value else ""


def remember_folder(form_name: str, path: Path) -> None:
    _settings().setValue(f"save_dir/{form_name}", str(path.parent))


def default_file_name(form: Form, options: Options, name: str | None = None) -> str:
    base = name or f"{options.village or ''}{form.title}"
    for bad in '\\/:*?"<>|':
        base = base.replace(bad, "_")
    return base if base.endswith(form.file_suffix) else base + form.file_suffix


def open_file(path: Path) -> None:
    """Open ``path`` in the system's viewer (the PDF reader offices print from, or the spreadsheet program)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def produce(parent: QWidget, ctx: AppContext, kind: str, name: str, options: Options | None = None, *,
            file_name: str | None = None, on_done: Callable[[Path], None] | None = None) -> None:
    """Print (``kind="print"``) or export the registry form ``name``; nothing happens if the user cancels."""
    options = options or Options()
    form = find_form(kind, name)
    suggested = default_file_name(form, options, file_name)
    folder = last_folder(form.name)
    chosen = Ask.save_file(parent, form.title, _FILTERS.get(form.file_suffix, ""),
                           str(Path(folder) / suggested) if folder else suggested)
    if not chosen:
        return
    out = Path(chosen)
    if out.suffix.lower() != form.file_suffix:
        out = out.with_name(out.name + form.file_suffix)
    remember_folder(form.name, out)
    db, actor = ctx.db, ctx.actor

    def job(progress: Progress) -> Produced:
        progress(0.05, tr("正在生成“{title}”……").format(title=form.title))
        with (db.session() if form.writes else db.read_session()) as s:
            return produce_form(s, actor, form, out, options)

    def done(produced: Produced) -> None:
        if form.writes is not None:
            ctx.announce(form.writes)
        if on_done is not None:
            on_done(produced.path)
        # names with a character no font has were left blank: say which, before the form is printed and posted
        if Ask.saved(parent, form.title, produced.path, note=produced.handwriting_note()):
            open_file(produced.path)

    def failed(exc: BaseException, _tb: str) -> None:
        if not offer_notice_override(parent, ctx, exc, retry=start):
            show_error(parent, exc)

    def start() -> None:
        ctx.jobs.submit(job, title=form.title, parent=parent, on_done=done, on_error=failed)

    start()


def offer_notice_override(parent: QWidget, ctx: AppContext, exc: BaseException,
                          retry: Callable[[], None]) -> bool:
    """A notice dated inside the statutory period (选民名单 20 days, 候选人名单 5 days): an administrator may record
    the reason (audited, printed on the notice), after which ``retry`` runs. False when nothing was offered or the
    administrator gave no reason."""
    from villagevote.voters.schedule import NoticeDateRefused, record_notice_override
    if not isinstance(exc, NoticeDateRefused) or not ctx.can(Permission.ADMIN):
        return False
    reason = Ask.text(parent, tr("未满法定公告期"), tr("{msg}\n\n管理员如确需按此日期公布，请填写理由：").format(msg=exc.message))
    if not reason or not reason.strip():
        return False
    ctx.write(lambda s: record_notice_override(s, ctx.actor, exc.cycle_id, exc.village_id, exc.code, exc.on, reason),
              Area.VOTERS, on_done=lambda _r: retry(), parent=parent)
    return True
