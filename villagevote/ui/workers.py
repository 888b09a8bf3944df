"""Background jobs: one worker thread at a time runs a job; progress and results come back by queued signals.

A job is ``fn(progress: Progress) -> result``. It calls ``progress(fraction, message)`` now and then, which raises
``Cancelled`` once the user pressed cancel. A progress dialog appears only if the job runs longer than 0.5 s.
Jobs open their own database session (never share ORM objects across threads) and return plain data.
"""
from __future__ import annotations

import collections
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from villagevote.i18n import tr

SHOW_AFTER_MS = 500


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class Progress:
    def __init__(self, thread: _JobThread) -> None:
        self._thread = thread

    def __call__(self, fraction: float, message: str = "") -> None:
        if self._thread.cancel_requested:
            raise Cancelled()
        self._thread.progressed.emit(float(fraction), message)

    @property
    def cancelled(self) -> bool:
        return self._thread.cancel_requested


class _JobThread(QThread):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object, str)

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_requested = False

    def run(self) -> None:  # runs in the worker thread
        try:
            result = self.fn(Progress(self))
        except BaseException as exc:
            self.failed.emit(exc, traceback.format_exc())
            return
        self.succeeded.emit(result)


@dataclass
class _Job:
    fn: Callable[[Progress], Any]
    title: str
    on_done: Callable[[Any], object] | None
    on_error: Callable[[BaseException, str], None] | None
    parent: QWidget | None


class JobRunner(QObject):
    """Runs jobs one after another in a worker thread."""

    job_finished = Signal(object)        # result
    job_failed = Signal(object, str)     # exception, traceback text
    job_cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: collections.deque[_Job] = collections.deque()
        self._thread: _JobThread | None = None
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def submit(self, fn: Callable[[Progress], Any], *, title: str = "", on_done: Callable[[Any], object] | None = None,
               on_error: Callable[[BaseException, str], None] | None = None, parent: QWidget | None = None) -> None:
        self._queue.append(_Job(fn, title or tr("正在处理…"), on_done, on_error, parent))
        if self._thread is None:
            self._start_next()

    def wait_idle(self, timeout_ms: int = 60_000) -> bool:
        """Process events until the queue is empty and no job runs; False when ``timeout_ms`` passed first."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._thread is not None or self._queue:
            if deadline.hasExpired():
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self._thread is not None:
                self._thread.wait(5)
        return True

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.cancel_requested = True

    def _live_dialog(self) -> QProgressDialog | None:
        """The running job's progress dialog, or None when there is none or it went with its parent (a window
        closed while the job ran deletes the dialog parented to it)."""
        return self._dialog if self._dialog is not None and isValid(self._dialog) else None

    def _show_dialog(self) -> None:
        """The job has run for SHOW_AFTER_MS: show its progress dialog."""
        dialog = self._live_dialog()
        if dialog is not None:
            dialog.show()

    def _start_next(self) -> None:
        if not self._queue or self._thread is not None:  # one job at a time (an on_done may have submitted one)
            return
        job = self._queue.popleft()
        thread = _JobThread(job.fn)
        self._thread = thread
        dialog = QProgressDialog(job.title, tr("取消"), 0, 1000, job.parent)
        dialog.setWindowTitle(job.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(10 ** 9)  # shown by our timer, not by Qt's heuristics
        dialog.canceled.connect(self.cancel)
        dialog.reset()
        self._dialog = dialog
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        self._timer.start(SHOW_AFTER_MS)

        def on_progress(fraction: float, message: str) -> None:
            dialog = self._live_dialog()
            if dialog is not None:
                dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
                if message:
                    dialog.setLabelText(message)

        def finish() -> None:
            if self._timer is not None:
                self._timer.stop()
            dialog = self._live_dialog()
            if dialog is not None:
                dialog.hide()
                dialog.deleteLater()
            self._dialog, self._timer, self._thread = None, None, None
            thread.wait()
            thread.deleteLater()

        def on_success(result: Any) -> None:
            finish()
            if job.on_done:
                job.on_done(result)
            self.job_finished.emit(result)
            self._start_next()

        def on_failure(exc: BaseException, tb: str) -> None:
            finish()
            if isinstance(exc, Cancelled):
                self.job_cancelled.emit()
            else:
                if job.on_error:
                    job.on_error(exc, tb)
                self.job_failed.emit(exc, tb)
            self._start_next()

        thread.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)
        thread.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
        thread.failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
        thread.start()
