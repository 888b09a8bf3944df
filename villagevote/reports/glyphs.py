"""Characters no bundled font can print, collected while a form renders (no reportlab here: cheap to import).

``text.printable`` leaves such a character blank, one character wide, for handwriting (𠮷 in a name); while
``collecting()`` is active it also records the text it came from, so that the caller can say which names must be
written in by hand before the form is printed and posted.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_COLLECTED: ContextVar[dict[str, None] | None] = ContextVar("villagevote_missing_glyphs", default=None)


def record(text: str) -> None:
    """Note that ``text`` printed with a blank for a character no font has (a no-op outside ``collecting``)."""
    seen = _COLLECTED.get()
    if seen is not None:
        seen.setdefault(text.strip(), None)


@contextlib.contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect, in order of first appearance, the texts printed with blanks while the block runs."""
    seen: dict[str, None] = {}
    token = _COLLECTED.set(seen)
    result: list[str] = []
    try:
        yield result
    finally:
        _COLLECTED.reset(token)
        result.extend(seen)
