"""Translation entry point shared by all layers.

Every user-visible string goes through ``tr("...")`` with a literal argument so Qt Linguist can extract it
(``pyside6-lupdate -tr-function-alias tr+=tr``). Domain and report code must not import Qt, so the UI installs
``QCoreApplication.translate`` as the hook at start-up; without a hook the source text (Chinese) is returned.
"""
from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str, str], str] | None = None
_generation = 0


def install_translator(func: Callable[[str, str], str] | None) -> None:
    """Install the function used to translate (context, text) -> text; None removes it."""
    global _translate, _generation
    _translate = func
    _generation += 1


def generation() -> int:
    """Changes whenever the translator changes, so cached translated tables can be rebuilt."""
    return _generation


def tr(text: str, context: str = "villagevote") -> str:
    """Return the translation of ``text`` (the Chinese source text when no translator is installed)."""
    if _translate is None:
        return text
    return _translate(context, text)
