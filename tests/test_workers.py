"""Background jobs: results, failures and cancellation come back to the GUI thread; the dialog waits 0.5 s."""
from __future__ import annotations

import threading

from villagevote.errors import ValidationError
from villagevote.ui.workers import JobRunner


def test_job_result_comes_back_on_the_gui_thread(qtbot):
    runner = JobRunner()
    seen = {}

    def job(progress):  # type: ignore[no-untyped-def]
        progress(0.5, "一半")
        return threading.get_ident()

    def done(result):  # type: ignore[no-untyped-def]
        seen["worker"] = result
        seen["gui"] = threading.get_ident()

    with qtbot.waitSignal(runner.job_finished, timeout=5000):
        runner.submit(job, title="测试", on_done=done)
    assert seen["worker"] != seen["gui"] == threading.get_ident()
    assert not runner.busy


def test_job_failure_is_reported_with_the_exception(qtbot):
    runner = JobRunner()
    errors = []

    def job(progress):  # type: ignore[no-untyped-def]
        raise ValidationError("第3行：身份证号码校验码错误")

    with qtbot.waitSignal(runner.job_failed, timeout=5000) as sig:
        runner.submit(job, on_error=lambda exc, tb: errors.append(exc))
    assert isinstance(sig.args[0], ValidationError) and "第3行" in str(errors[0])


def test_cancel_stops_the_job_at_its_next_progress_call(qtbot):
    runner = JobRunner()
    started, go = threading.Event(), threading.Event()
    steps = []

    def job(progress):  # type: ignore[no-untyped-def]
        started.set()
        go.wait(5)  # the user presses cancel while the job is busy
        for i in range(200):
            progress(i / 200)
            steps.append(i)
        return "finished"

    with qtbot.waitSignal(runner.job_cancelled, timeout=10000):
        runner.submit(job)
        assert started.wait(5)
        runner.cancel()
        go.set()
    assert steps == []


def test_jobs_run_one_after_another(qtbot):
    runner = JobRunner()
    order = []
    runner.submit(lambda p: order.append("a") or "a")
    with qtbot.waitSignal(runner.job_finished, timeout=5000, check_params_cb=lambda r: r == "b"):
        runner.submit(lambda p: order.append("b") or "b")
    assert order == ["a", "b"]


def test_a_window_closed_while_its_job_runs_takes_the_dialog_but_not_the_runner(qtbot):
    """The progress dialog is parented to the page that asked; when that page goes away first (a window closed, a
    user switched), the job still finishes and reports, and the next one runs."""
    from PySide6.QtWidgets import QWidget
    runner = JobRunner()
    page = QWidget()
    go = threading.Event()
    progressed: list[float] = []

    def job(progress):  # type: ignore[no-untyped-def]
        go.wait(5)
        progress(0.5, "一半")
        progressed.append(0.5)
        return "done"

    runner.submit(job, parent=page)
    page.deleteLater()
    qtbot.waitUntil(lambda: not runner._live_dialog())  # the dialog went with its parent
    with qtbot.waitSignal(runner.job_finished, timeout=5000, check_params_cb=lambda r: r == "done"):
        go.set()
    assert progressed == [0.5] and not runner.busy
    with qtbot.waitSignal(runner.job_finished, timeout=5000, check_params_cb=lambda r: r == "next"):
        runner.submit(lambda p: "next")
