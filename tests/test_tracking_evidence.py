"""Evidence files (佐证材料): copied into ``<data dir>/attachments/<sha[:2]>/<sha><ext>`` beside the database with
their SHA-256; a missing, empty or unreadable file is refused with nothing stored; a stored file that was changed or
removed is detected by its hash, and such a file does not count as the evidence 报结 needs."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys

import pytest
from sqlalchemy import func, select

from villagevote.errors import NotFound, ValidationError
from villagevote.models import AuditLog, Organization
from villagevote.models.enums import AttachmentKind, CommitmentSource, CommitmentStatus, OrgKind
from villagevote.models.tracking import Attachment, Commitment
from villagevote.tracking import evidence, ledger, machine, progress
from villagevote.tracking.ledger import Owner

TODAY = dt.date(2027, 3, 15)
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


@pytest.fixture
def item(db, township, clerk):
    with db.session() as s:
        org = s.scalar(select(Organization.id).where(Organization.village_id == township.village_ids[0],
                                                     Organization.cycle_id == township.cycle_id,
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        cid = ledger.register(s, clerk, cycle_id=township.cycle_id, village_id=None, owner=Owner(organization_id=org),
                              title="拆除违建猪棚", source=CommitmentSource.ASSIGNED, today=dt.date(2027, 1, 4))
        progress.record_report(s, clerk, cid, period="2027-W02", reported_on=dt.date(2027, 1, 11), percent=100,
                               today=TODAY)
        return cid


def _counts(s):
    return (s.scalar(select(func.count()).select_from(Attachment)),
            s.scalar(select(func.count()).select_from(AuditLog)))


def test_attach_copies_the_file_beside_the_database_with_its_hash(db, item, clerk, tmp_path):
    photo = tmp_path / "拆除后.JPG"
    photo.write_bytes(JPEG)
    digest = hashlib.sha256(JPEG).hexdigest()
    with db.session() as s:
        assert evidence.data_dir_for(s) == db.path.resolve().parent
        aid = evidence.attach(s, clerk, "commitment", item, photo, kind=AttachmentKind.PHOTO, caption="拆除后",
                              taken_on=dt.date(2027, 1, 10))
        row = s.get(Attachment, aid)
        assert (row.sha256, row.size, row.file_name, row.added_by) == (digest, len(JPEG), "拆除后.JPG", "clerk")
        assert row.stored_path == f"attachments/{digest[:2]}/{digest}.jpg"
        stored = db.path.resolve().parent / row.stored_path
        assert stored.read_bytes() == JPEG
        # the same content again is stored once, recorded twice
        again = evidence.attach(s, clerk, "commitment", item, photo, kind=AttachmentKind.PHOTO)
        assert s.get(Attachment, again).stored_path == row.stored_path
        infos = evidence.attachments_of(s, "commitment", item)
        assert [(i.id, i.state, i.kind_label) for i in infos] == [(aid, "ok", "照片"), (again, "ok", "照片")]
        assert evidence.verify(s, aid).ok
        assert s.scalar(select(AuditLog.action).where(AuditLog.entity == "attachment").limit(1)) == "attach"


def test_missing_empty_or_unreadable_files_are_refused(db, item, clerk, tmp_path):
    empty = tmp_path / "空.png"
    empty.write_bytes(b"")
    data = tmp_path / "data"
    with db.session() as s:
        before = _counts(s)
        with pytest.raises(ValidationError, match="找不到文件") as info:
            evidence.attach(s, clerk, "commitment", item, tmp_path / "没有.png", kind=AttachmentKind.PHOTO,
                            data_dir=data)
        assert "东-2027-001" in info.value.message
        with pytest.raises(ValidationError, match="空文件"):
            evidence.attach(s, clerk, "commitment", item, empty, kind=AttachmentKind.PHOTO, data_dir=data)
        with pytest.raises(ValidationError, match="找不到文件"):  # a folder is not a file
            evidence.attach(s, clerk, "commitment", item, tmp_path, kind=AttachmentKind.PHOTO, data_dir=data)
        if sys.platform != "win32" and os.geteuid() != 0:
            locked = tmp_path / "锁定.png"
            locked.write_bytes(JPEG)
            locked.chmod(0)
            with pytest.raises(ValidationError, match="无法读取"):
                evidence.attach(s, clerk, "commitment", item, locked, kind=AttachmentKind.PHOTO, data_dir=data)
        with pytest.raises(ValidationError, match="不能挂在"):
            evidence.attach(s, clerk, "voter", 1, empty, kind=AttachmentKind.PHOTO, data_dir=data)
        with pytest.raises(NotFound):
            evidence.attach(s, clerk, "commitment", 999_999, empty, kind=AttachmentKind.PHOTO, data_dir=data)
        assert _counts(s) == before
        assert not data.exists() or not any(data.rglob("*.*"))


def test_a_changed_or_missing_file_is_detected_and_is_no_evidence(db, item, clerk, tmp_path):
    photo = tmp_path / "验收单.png"
    photo.write_bytes(JPEG)
    data = tmp_path / "data"
    with db.session() as s:
        aid = evidence.attach(s, clerk, "commitment", item, photo, kind=AttachmentKind.ACCEPTANCE, data_dir=data)
        stored = evidence.verify(s, aid, data_dir=data).path
        stored.write_bytes(JPEG + b"retouched")
        check = evidence.verify(s, aid, data_dir=data)
        assert check.state == "changed" and "校验值" in check.text and "验收单.png" in check.text
        with pytest.raises(ValidationError, match="未通过核验") as info:
            machine.report_done(s, clerk, item, on=TODAY, today=TODAY, data_dir=data)
        assert "东-2027-001" in info.value.message
        stored.unlink()
        check = evidence.verify(s, aid, data_dir=data)
        assert check.state == "missing" and "文件缺失" in check.text
        assert s.get(Commitment, item).status is CommitmentStatus.IN_PROGRESS
        # the original is attached again: the item can be 报结
        evidence.attach(s, clerk, "commitment", item, photo, kind=AttachmentKind.ACCEPTANCE, data_dir=data)
        assert evidence.verify(s, aid, data_dir=data).ok  # same content, same stored path
        machine.report_done(s, clerk, item, on=TODAY, today=TODAY, data_dir=data)
        assert s.get(Commitment, item).status is CommitmentStatus.REPORTED_DONE


def test_file_too_large_is_refused_by_the_setting(db, item, clerk, admin, tmp_path):
    from villagevote.seed import set_setting
    big = tmp_path / "大.png"
    big.write_bytes(b"\x00" * (1024 * 1024 + 1))
    with db.session() as s:
        set_setting(s, admin, "tracking.attachment_max_mb", 1)
        with pytest.raises(ValidationError, match="超过 1 MB"):
            evidence.attach(s, clerk, "commitment", item, big, kind=AttachmentKind.PHOTO, data_dir=tmp_path / "d")
