"""Logs without personal data (issue 13): what goes to ``logs/villagevote.log`` or into an error dialog's details is
scrubbed first.

- SQLAlchemy's ``[parameters: …]`` line (the bound values of the failing statement: names, ID and phone numbers,
  addresses) is replaced by ``[parameters: <removed>]``; the ``[SQL: …]`` statement itself is kept (it holds ``?``
  placeholders, not values) but scrubbed like any other text.
- 18-digit ID numbers (last character a digit or X), 15-digit old ID numbers and 11-digit mainland mobile numbers
  anywhere in a line are replaced by ``<id-number>`` / ``<phone>``.

No Qt here: the GUI's exception hook and any command-line logging use the same functions.
"""
from __future__ import annotations

import logging
import re

_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_ID_18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID_15 = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """``text`` without SQL parameters, ID numbers or mobile numbers."""
    text = _PARAMETERS.sub("[parameters: <removed>]", text)
    text = _ID_18.sub("<id-number>", text)
    text = _ID_15.sub("<id-number>", text)
    return _PHONE.sub("<phone>", text)


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose every output line (message, exception and stack text included) has passed :func:`scrub`."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class ScrubbingFilter(logging.Filter):
    """For handlers with their own formatter: the message is formatted and scrubbed here, and the exception text is
    rendered and scrubbed in advance (``record.exc_text``), so neither reaches the handler unscrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install(handler: logging.Handler, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
    """Give ``handler`` the scrubbing formatter and filter."""
    handler.setFormatter(ScrubbingFormatter(fmt))
    handler.addFilter(ScrubbingFilter())
