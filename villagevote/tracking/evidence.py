"""Evidence (佐证材料, tracking.md A1 "Attachment"): a file copied into the data directory with its SHA-256, checked
whenever it is shown or printed.

Where files live: ``<data dir>/attachments/<sha[:2]>/<sha><ext>``, and ``Attachment.stored_path`` holds the path
relative to the data dir (``attachments/ab/ab12….jpg``). The data dir is the FOLDER OF THE DATABASE FILE, so the
evidence sits beside the database and copying that folder (or a backup of it) carries the files with it; in the
default installation that folder is the program's data directory (``villagevote.config.data_dir()``), where the
pledge scans already are (``attachments/pledge_scans``). An in-memory database falls back to
``config.data_dir()``. Every function takes ``data_dir=`` to override it (tests, a moved archive).

Files are content-addressed and never overwritten or deleted by the program: the same photo attached twice is
stored once, and a database restored from an older backup (the backup copies the database file only) still finds
every file it refers to. The copy is written to a temporary name
and renamed, so a failed copy leaves nothing; a copy whose transaction is later rolled back leaves an unreferenced
file, which is harmless (nothing points at it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.config import data_dir as program_data_dir
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.enums import AttachmentKind
from villagevote.models.tracking import (
    Attachment,
    Commitment,
    Exemption,
    Extension,
    Flag,
    Inspection,
    InspectionFinding,
    ProgressReport,
    Supervision,
)
from villagevote.tracking.settings import tracking_settings

__all__ = ["OWNER_TYPES", "AttachmentCheck", "AttachmentInfo", "attach", "attachments_for_item", "attachments_of",
           "data_dir_for",
           "sha256_of", "verify"]

# owner_type → the table it points into (the table name is the code stored in Attachment.owner_type)
OWNER_TYPES: dict[str, type] = {
    "commitment": Commitment, "progress_report": ProgressReport, "inspection": Inspection,
    "inspection_finding": InspectionFinding, "supervision": Supervision, "extension": Extension,
    "exemption": Exemption, "flag": Flag,
}
SUBDIR = "attachments"


@dataclass(frozen=True)
class AttachmentCheck:
    attachment_id: int
    state: str   # "ok" | "changed" | "missing"
    text: str    # Chinese, for the timeline and prints
    path: Path

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    owner_type: str
    owner_id: int
    kind: str          # AttachmentKind value
    kind_label: str
    file_name: str
    caption: str
    taken_on: dt.date | None
    added_by: str
    added_at: dt.datetime
    sha256: str
    size: int
    path: Path         # absolute path of the stored copy
    state: str         # "ok" | "changed" | "missing" | "" (not checked)
    state_text: str


def data_dir_for(session: Session) -> Path:
    """The folder of the session's database file (see the module docstring)."""
    bind = session.get_bind()
    database = getattr(getattr(bind, "url", None), "database", None)
    if database and database != ":memory:":
        return Path(database).resolve().parent
    return program_data_dir()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _owner(session: Session, owner_type: str, owner_id: int) -> object:
    model = OWNER_TYPES.get(owner_type)
    if model is None:
        raise ValidationError(tr("佐证材料不能挂在“{type}”上").format(type=owner_type), field="owner_type")
    return get_row(session, model, owner_id, tr("找不到佐证材料所属的记录（编号 {id}）"))


def _owner_text(owner: object) -> str:
    if isinstance(owner, Commitment):
        return tr("事项 {no}").format(no=owner.ledger_no or owner.id)
    if isinstance(owner, ProgressReport):
        return tr("{period} 周报").format(period=owner.period)
    return ""


@requires(Permission.EDIT, Permission.REVIEW)
def attach(session: Session, actor: Actor, owner_type: str, owner_id: int, source: Path, *, kind: AttachmentKind,
           caption: str = "", taken_on: dt.date | None = None, data_dir: Path | None = None) -> int:
    """Attach a file (a photo, 验收单, 会议记录 …) to a record: the file is copied into the data directory and its
    SHA-256 kept. Refused, with nothing stored, for a missing, empty, unreadable or too large file. Returns the
    attachment's id."""
    owner = _owner(session, owner_type, owner_id)
    label = _owner_text(owner)
    source = Path(source)
    prefix = f"{label}：" if label else ""
    if not source.is_file():
        raise ValidationError(prefix + tr("找不到文件“{path}”，未添加佐证材料").format(path=source), field="source")
    try:
        size = source.stat().st_size
        with source.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise ValidationError(prefix + tr("文件“{name}”无法读取（{error}），未添加佐证材料").format(
            name=source.name, error=exc.strerror or exc), field="source") from None
    if size == 0:
        raise ValidationError(prefix + tr("文件“{name}”是空文件，未添加佐证材料").format(name=source.name),
                              field="source")
    limit = tracking_settings(session).attachment_max_mb
    if size > limit * 1024 * 1024:
        raise ValidationError(prefix + tr("文件“{name}”有 {mb} MB，超过 {limit} MB 的上限，请压缩后再添加").format(
            name=source.name, mb=size // (1024 * 1024), limit=limit), field="source")
    try:
        digest = sha256_of(source)
    except OSError as exc:
        raise ValidationError(prefix + tr("文件“{name}”无法读取（{error}），未添加佐证材料").format(
            name=source.name, error=exc.strerror or exc), field="source") from None
    root = Path(data_dir) if data_dir is not None else data_dir_for(session)
    relative = f"{SUBDIR}/{digest[:2]}/{digest}{source.suffix.lower()}"
    target = root / relative
    if not (target.is_file() and sha256_of(target) == digest):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            if sha256_of(Path(tmp)) != digest:
                raise ValidationError(prefix + tr("复制文件“{name}”时内容发生变化，请重试").format(name=source.name))
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    row = Attachment(owner_type=owner_type, owner_id=owner_id, kind=AttachmentKind(kind), file_name=source.name,
                     stored_path=relative, sha256=digest, size=size, taken_on=taken_on, caption=caption or "",
                     added_by=actor.username)
    return audit.add_recorded(session, actor, "attach", "attachment", row)


def _check(row: Attachment, root: Path) -> AttachmentCheck:
    path = root / row.stored_path
    if not path.is_file():
        return AttachmentCheck(row.id, "missing", tr("文件缺失：{name}（应在 {path}），请从备份恢复").format(
            name=row.file_name, path=path), path)
    try:
        digest = sha256_of(path)
    except OSError:
        return AttachmentCheck(row.id, "missing", tr("文件无法读取：{name}（{path}）").format(
            name=row.file_name, path=path), path)
    if digest != row.sha256:
        return AttachmentCheck(row.id, "changed", tr("文件已被改动：{name} 的校验值与登记时不符，不能作为佐证").format(
            name=row.file_name), path)
    return AttachmentCheck(row.id, "ok", tr("已核验：{name}").format(name=row.file_name), path)


def verify(session: Session, attachment_id: int, *, data_dir: Path | None = None) -> AttachmentCheck:
    """Check one stored file against its SHA-256: ``ok``, ``changed`` (edited or replaced since it was attached) or
    ``missing``, with a Chinese text naming the file."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound(tr("找不到佐证材料（编号 {id}）").format(id=attachment_id))
    return _check(row, Path(data_dir) if data_dir is not None else data_dir_for(session))


def _info(row: Attachment, root: Path, check: bool) -> AttachmentInfo:
    result = _check(row, root) if check else None
    return AttachmentInfo(
        id=row.id, owner_type=row.owner_type, owner_id=row.owner_id, kind=AttachmentKind(row.kind).value,
        kind_label=AttachmentKind(row.kind).label, file_name=row.file_name, caption=row.caption or "",
        taken_on=row.taken_on, added_by=row.added_by or "", added_at=row.added_at, sha256=row.sha256,
        size=row.size or 0, path=root / row.stored_path, state=result.state if result else "",
        state_text=result.text if result else "")


def attachments_of(session: Session, owner_type: str, owner_id: int, *, check: bool = True,
                   data_dir: Path | None = None) -> list[AttachmentInfo]:
    """The attachments of one record in the order they were added, each checked against its hash (``check``)."""
    root = Path(data_dir) if data_dir is not None else data_dir_for(session)
    rows = session.scalars(select(Attachment).where(Attachment.owner_type == owner_type,
                                                    Attachment.owner_id == owner_id).order_by(Attachment.id))
    return [_info(row, root, check) for row in rows]


def attachments_for_item(session: Session, commitment_id: int, *, check: bool = True,
                         data_dir: Path | None = None) -> list[AttachmentInfo]:
    """The attachments of an item and of its progress reports (the evidence 报结 needs), oldest first."""
    root = Path(data_dir) if data_dir is not None else data_dir_for(session)
    report_ids = select(ProgressReport.id).where(ProgressReport.commitment_id == commitment_id)
    rows = session.scalars(select(Attachment).where(
        ((Attachment.owner_type == "commitment") & (Attachment.owner_id == commitment_id))
        | ((Attachment.owner_type == "progress_report") & Attachment.owner_id.in_(report_ids)))
        .order_by(Attachment.id))
    return [_info(row, root, check) for row in rows]
