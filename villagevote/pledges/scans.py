"""Scans of signed pledges: checked by content (PDF, JPEG, PNG), copied into the data directory, kept with SHA-256."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from villagevote.config import attachments_dir
from villagevote.errors import ValidationError
from villagevote.i18n import tr

__all__ = ["MAX_SCAN_BYTES", "detect_scan_type", "scan_path", "sha256_of", "store_scan"]

MAX_SCAN_BYTES = 50 * 1024 * 1024
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
SCAN_SUBDIR = "pledge_scans"


def detect_scan_type(path: Path | str) -> str:
    """``pdf``, ``png`` or ``jpg`` judged by the file's first bytes (not its name); ValidationError otherwise."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(tr("找不到扫描件文件：{path}").format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise ValidationError(tr("扫描件“{name}”是空文件").format(name=path.name))
    if size > MAX_SCAN_BYTES:
        raise ValidationError(tr("扫描件“{name}”有{mb}MB，超过50MB，请降低扫描分辨率后再试").format(
            name=path.name, mb=size // (1024 * 1024)))
    with path.open("rb") as fh:
        head = fh.read(16)
    # PDF files may carry a few bytes of junk before the header; the PDF spec allows it within the first 1024 bytes.
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    with path.open("rb") as fh:
        if b"%PDF-" in fh.read(1024):
            return "pdf"
    raise ValidationError(tr("“{name}”不是 PDF、JPG 或 PNG 文件（按文件内容判断），请选择扫描得到的图片或 PDF").format(
        name=path.name))


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_scan(source: Path | str, pledge_id: int) -> tuple[str, str]:
    """Copy a checked scan into ``<data dir>/attachments/pledge_scans``; returns (path relative to the attachments
    folder, SHA-256). The copy is written to a temporary name first, so a failed copy leaves nothing behind."""
    source = Path(source)
    kind = detect_scan_type(source)
    digest = sha256_of(source)
    folder = attachments_dir() / SCAN_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"pledge-{pledge_id}-{digest[:16]}.{kind}"
    target = folder / name
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            if sha256_of(tmp) != digest:
                raise ValidationError(tr("复制扫描件时内容发生变化，请重试"))
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    return f"{SCAN_SUBDIR}/{name}", digest


def scan_path(relative: str, expected_sha256: str) -> Path:
    """Absolute path of a stored scan after checking it is still there and unchanged."""
    path = attachments_dir() / relative
    if not path.is_file():
        raise ValidationError(tr("扫描件文件不见了：{path}。请从备份恢复或重新上传").format(path=path))
    if expected_sha256 and sha256_of(path) != expected_sha256:
        raise ValidationError(tr("扫描件“{name}”的内容与登记时不一致（校验值不符），可能被改动过").format(name=path.name))
    return path
