"""Qt's own texts (message-box and dialog buttons, the file dialog) are Chinese once the program's QApplication is set
up, in the source tree and in the PyInstaller bundle layout."""
from __future__ import annotations

import shutil
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QLabel, QMessageBox

from villagevote.ui import app as app_module
from villagevote.ui.app import find_qt_translation, install_qt_translations, make_qapp


@pytest.fixture
def zh_app(qapp):
    """The test QApplication with the program's Qt translations; removed again so other tests see plain Qt."""
    saved_locale = QLocale()
    make_qapp()
    yield qapp
    _remove_translations(qapp, saved_locale)


def _remove_translations(qapp, locale: QLocale) -> None:
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.setParent(None)
    QLocale.setDefault(locale)


def test_confirm_box_yes_no_are_chinese(zh_app):
    box = QMessageBox(QMessageBox.Icon.Question, "从备份恢复", "是否继续？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert box.button(QMessageBox.StandardButton.Yes).text() == "是(&Y)"
    assert box.button(QMessageBox.StandardButton.No).text() == "否(&N)"
    box.grab().save("/tmp/qt_chinese_confirm.png")


def test_button_box_and_input_dialog_are_chinese(zh_app):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "保存"
    dialog = QInputDialog()
    dialog.show()
    buttons = dialog.findChild(QDialogButtonBox)
    assert sorted(b.text() for b in buttons.buttons()) == sorted(["确定", "取消"])
    dialog.close()


def test_file_dialog_labels_are_chinese(zh_app):
    """Qt's own file dialog (used where the system has none): no "Look in:" / "Files of type:" left in English,
    including the two labels qtbase_zh_CN itself does not translate."""
    dialog = QFileDialog(None, "选择要恢复的备份")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert sorted(labels) == sorted(["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："])
    dialog.resize(700, 420)
    dialog.grab().save("/tmp/qt_chinese_file_dialog.png")


def test_calendar_locale_is_chinese(zh_app):
    assert QLocale().name() == "zh_CN"
    assert QLocale().standaloneMonthName(1) == "一月"


def test_villagevote_texts_still_pass_through(zh_app):
    """The Qt translators answer only Qt's own texts; the program's Chinese source texts come back unchanged."""
    from villagevote.i18n import tr
    assert tr("确定") == "确定"
    assert QCoreApplication.translate("villagevote", "未保存") == "未保存"


def test_qtbase_translation_found_in_source_tree():
    path = find_qt_translation("qtbase_zh_CN")
    assert path is not None and path.is_file()


def test_qtbase_translation_found_in_frozen_layout(tmp_path, monkeypatch, qapp):
    """In the PyInstaller bundle the file sits under sys._MEIPASS/PySide6/(Qt/)translations, where build.spec puts it;
    it is found there even when Qt's reported translations folder is wrong, and installing uses it."""
    source = find_qt_translation("qtbase_zh_CN")
    assert source is not None
    saved_locale = QLocale()
    for layout in (("PySide6", "Qt", "translations"), ("PySide6", "translations")):  # Linux/macOS, Windows
        bundle = tmp_path / "_".join(layout)
        target = bundle.joinpath(*layout)
        target.mkdir(parents=True)
        shutil.copy(source, target / source.name)
        monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
        monkeypatch.setattr(app_module, "_qt_reported_translations_dir", lambda: tmp_path / "nowhere")
        monkeypatch.setattr(sys.modules["PySide6"], "__file__", str(tmp_path / "no_wheel" / "__init__.py"))
        assert find_qt_translation("qtbase_zh_CN") == target / source.name
        installed = install_qt_translations(qapp)
        try:
            assert installed[0] == target / source.name
            assert QMessageBox(QMessageBox.Icon.Question, "t", "x", QMessageBox.StandardButton.Yes).button(
                QMessageBox.StandardButton.Yes).text() == "是(&Y)"
        finally:
            _remove_translations(qapp, saved_locale)
