"""The audit log viewer (系统 → 审计日志): Chinese actions and fields, ID numbers and review findings masked for roles
without VIEW_SENSITIVE (in the domain read function), search by person, user, action and date, paging."""
from __future__ import annotations

import datetime as dt

import pytest

from villagevote import audit
from villagevote import township as tw
from villagevote.audit import AuditFilter
from villagevote.audit_labels import action_label, entity_label, field_label, value_label
from villagevote.candidates import persons
from villagevote.candidates.sample import id_number
from villagevote.errors import PermissionDenied
from villagevote.models.core import AuditLog
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.pages.audit_log import AuditLogTab

BORN = dt.date(1980, 3, 15)
ID = id_number("330604", BORN, 11)


@pytest.fixture
def person(db, clerk, township) -> int:
    with db.session() as s:
        return persons.register_person(s, clerk, persons.PersonData(name="钱晓梅", id_number=ID,
                                                                     village_id=township.village_ids[0]),
                                       today=dt.date(2026, 2, 1))


def _all(db, actor, **filters) -> list[audit.AuditEntry]:
    with db.session() as s:
        return audit.list_entries(s, actor, AuditFilter(**filters), 0, 1000)


def test_labels_are_chinese_and_unknown_codes_shown_as_they_are():
    assert action_label("create") == "新建" and action_label("lock") == "确认为正式结果"
    assert entity_label("person") == "人员" and field_label("id_number") == "身份证号码"
    assert value_label("candidacy", "status", "qualified") != "qualified"
    assert action_label("brand_new_action") == "brand_new_action" and field_label("zzz") == "zzz"


def test_readonly_sees_id_numbers_masked_admin_sees_them_full(db, admin, readonly, person):
    masked = ID[:6] + "********" + ID[14:]
    [mine] = [e for e in _all(db, readonly) if e.entity == "person"]
    assert mine.action_label == "登记" and mine.entity_label == "人员" and mine.username == "clerk"
    assert f"身份证号码：{masked}" in mine.after_text and ID not in mine.after_text
    assert "姓名" in mine.after_text and "钱晓梅" in mine.after_text
    [full] = [e for e in _all(db, admin) if e.entity == "person"]
    assert f"身份证号码：{ID}" in full.after_text


def test_id_numbers_inside_free_text_are_masked_too(db, admin, readonly):
    with db.session() as s:
        audit.record(s, admin, "update", "setting", "x", after={"value": f"见{ID}号"}, note=f"核对 {ID}")
    [entry] = [e for e in _all(db, readonly) if e.entity == "setting"]
    assert ID not in entry.after_text and ID not in entry.note and ID[:6] + "********" in entry.note


def test_review_findings_hidden_from_readonly(db, admin, readonly):
    with db.session() as s:
        audit.record(s, admin, "record_finding", "finding", 7,
                     after={"result": "hit", "evidence": "2019年受过刑事处罚", "department": "公安"})
    ro = next(e for e in _all(db, readonly) if e.entity == "finding")
    assert "刑事处罚" not in ro.after_text and "部门：公安" in ro.after_text
    assert "核查结果：（仅对有权查看审查意见的角色显示）" in ro.after_text
    full = next(e for e in _all(db, admin) if e.entity == "finding")
    assert "依据：2019年受过刑事处罚" in full.after_text and "核查结果：" + value_label("finding", "result", "hit") \
        in full.after_text


def test_edits_show_only_what_changed(db, clerk, readonly, person):
    with db.session() as s:
        data = persons.PersonData(name="钱晓梅", id_number=ID, phone="0571-1234567")
        persons.update_person(s, clerk, person, data, today=dt.date(2026, 2, 1))
    edit = next(e for e in _all(db, readonly, action="update") if e.entity == "person")
    assert "电话：0571-1234567" in edit.after_text and "姓名" not in edit.after_text


def test_search_by_person_name_user_action_and_date(db, admin, clerk, readonly, person):
    by_name = _all(db, readonly, person="晓梅")
    assert by_name and all(e.entity == "person" or "钱晓梅" in e.after_text + e.before_text for e in by_name)
    assert not _all(db, readonly, person="不存在的人")
    assert {e.username for e in _all(db, readonly, user="cler")} == {"clerk"}
    assert {e.action for e in _all(db, readonly, action="create_user")} == {"create_user"}
    today = dt.date.today()
    assert len(_all(db, readonly, date_from=today - dt.timedelta(days=1), date_to=today + dt.timedelta(days=1))) \
        == len(_all(db, readonly))
    assert not _all(db, readonly, date_from=today + dt.timedelta(days=2))
    with db.session() as s:
        assert audit.count_entries(s, readonly, AuditFilter(person="晓梅")) == len(by_name)


def test_search_by_id_fragment_needs_the_sensitive_permission(db, admin, readonly, person):
    found = _all(db, admin, person=ID[8:14])
    assert any(e.entity == "person" and e.entity_id == str(person) for e in found)
    with db.session() as s, pytest.raises(PermissionDenied, match="身份证号码"):
        audit.list_entries(s, readonly, AuditFilter(person=ID[8:14]))


def test_candidacy_and_status_rows_are_found_by_the_person(db, clerk, readonly, person, township):
    from tests.helpers_elections import organization
    from villagevote.candidates.candidacies import register_candidacy
    from villagevote.models.enums import NominationSource
    with db.session() as s:
        org = organization(s, township.village_ids[0])
        register_candidacy(s, clerk, person, org.id, "主任", NominationSource.VILLAGERS)
    assert {"person", "candidacy"} <= {e.entity for e in _all(db, readonly, person="钱晓梅")}


def test_viewer_pages_a_large_log_and_masks_for_readonly(qtbot, db, admin, readonly, person, monkeypatch):
    from villagevote.ui.context import AppContext
    with db.session() as s:
        for i in range(1100):
            audit.record(s, admin, "update", "setting", f"k{i}", before={"value": i}, after={"value": i + 1})
    with db.session() as s:
        total = s.query(AuditLog).count()
    ctx = AppContext(db, readonly)
    tab = AuditLogTab(ctx)
    qtbot.addWidget(tab)
    assert ctx.wait_idle()  # the page loads on the database worker
    assert tab.model.total == total and tab.model.rowCount() < total  # first page only
    while tab.model.canFetchMore():
        tab.model.fetchMore()
        assert ctx.wait_idle()  # the next page arrives from the worker
    assert tab.model.rowCount() == total
    assert f"共 {total} 条" in tab.count_label.text()
    tab.person.setText("钱晓梅")
    tab.search_btn.click()
    assert ctx.wait_idle()
    rows = [tab.model.row_at(r) for r in range(tab.model.rowCount())]
    assert rows and all(ID not in " ".join(map(str, r[:8])) for r in rows)
    assert any(r[2] == "登记" and r[3] == "人员" for r in rows)
    tab.view.selectRow(0)
    assert "第 " in tab.detail.toPlainText() and ID not in tab.detail.toPlainText()
    errors = []
    monkeypatch.setattr(Ask, "error", lambda parent, title, text: errors.append(text))
    tab.person.setText(ID[6:14])
    tab.search_btn.click()
    assert ctx.wait_idle()
    assert errors and "身份证号码" in errors[0]
    assert tab.current_filters().person == ID[6:14] and tab.model.rowCount() == len(rows)  # previous result kept
    tab.clear_btn.click()
    assert ctx.wait_idle()
    assert tab.model.total == total + 0


def test_screenshots_admin_and_readonly(qtbot, db, admin, readonly, person, township, tmp_path):
    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    setup_fonts(qtbot_app(qtbot))
    with db.session() as s:
        audit.record(s, admin, "record_finding", "finding", 1,
                     after={"result": "hit", "evidence": "2019年受过刑事处罚", "department": "公安"})
        tw.add_village(s, admin, township.township_id, "北村", households=120)
    for name, actor in (("admin", admin), ("readonly", readonly)):
        ctx = AppContext(db, actor)
        tab = AuditLogTab(ctx)
        qtbot.addWidget(tab)
        assert ctx.wait_idle()
        tab.resize(1280, 560)
        tab.show()
        qtbot.waitExposed(tab)
        tab.view.selectRow(1)
        tab.grab().save(str(tmp_path / f"audit_{name}.png"))
        assert (tmp_path / f"audit_{name}.png").stat().st_size > 0


def qtbot_app(qtbot):  # the QApplication pytest-qt made
    from PySide6.QtWidgets import QApplication
    return QApplication.instance()
