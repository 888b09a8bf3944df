"""The Qt binding itself must keep Python's reference counts: PySide6 6.12.0 dropped one reference to None on every
call of a void method (setEnabled, setChecked, …), so a working day of clicks aborted the program with "Fatal Python
error: none_dealloc". pyproject.toml excludes it; this test fails on any binding with that kind of fault."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QCheckBox


def test_void_and_bool_calls_keep_none_true_and_false_alive(qtbot):
    box = QCheckBox()
    qtbot.addWidget(box)
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(500):
        box.setEnabled(i % 2 == 0)
        box.setChecked(i % 3 == 0)
        box.isEnabled()
        box.isChecked()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    # a leak-free binding moves these by a handful at most; the faulty one by 1,000
    assert all(abs(a - b) < 50 for a, b in zip(after, before)), (before, after)
