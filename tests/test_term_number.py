"""届次: recorded on the cycle from 系统 → 乡镇与村, read back for the forms that name a body."""
from __future__ import annotations

import pytest

from villagevote import township as tw
from villagevote.errors import ValidationError


def test_term_number_is_recorded_and_checked(db, admin, township):
    with db.session() as s:
        tw.update_cycle(s, admin, township.cycle_id, profile={"term_number": 12})
    with db.read_session() as s:
        assert tw.cycle_info(s).term_number == 12
    with db.session() as s, pytest.raises(ValidationError) as err:
        tw.update_cycle(s, admin, township.cycle_id, profile={"term_number": 120})
    assert err.value.field == "term_number" and "1 到 99" in str(err.value)
    with db.read_session() as s:
        assert tw.cycle_info(s).term_number == 12  # the refused value changed nothing


def test_township_tab_saves_the_term_with_the_election_day(ctx, township, settle, qtbot):
    from villagevote.ui.pages.township_tab import TownshipTab

    tab = TownshipTab(ctx)
    qtbot.addWidget(tab)
    settle()
    assert tab.term.value() == 0 and tab.term.text() == "未填"
    tab.term.setValue(12)
    tab.save_day()
    settle()
    with ctx.db.read_session() as s:
        assert tw.cycle_info(s).term_number == 12
    tab.term.setValue(0)  # cleared: the forms fall back to the cycle's name
    tab.save_day()
    settle()
    with ctx.db.read_session() as s:
        assert tw.cycle_info(s).term_number is None
