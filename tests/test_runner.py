"""The one background runner: lanes and their limits, the cancel token, errors as callbacks on
the UI thread, one shutdown after which nothing is delivered and no thread runs — on real
threads, and through the window (closing it shuts the runner down once)."""

from __future__ import annotations

import threading
import time

import pytest
import test_main_window as shared
from PySide6.QtCore import QCoreApplication

from avatar_desktop.core.cancel import Cancelled, CancelToken
from avatar_desktop.qt.runner import Lane, Runner

translators = shared.translators
servers = shared.servers
make_window = shared.make_window
harness = shared.harness


@pytest.fixture
def runner(qtbot):
    made = Runner(lanes={"two": Lane(2, grace=5.0), "one": Lane(1, grace=0.2)})
    yield made
    made.shutdown(2000)


class Gate:
    """Jobs that hold until the test opens the gate, counting how many run at once."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def job(self, token: CancelToken) -> str:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.open.wait(10)
            return threading.current_thread().name
        finally:
            with self._lock:
                self.running -= 1


def test_cancel_token_alone():
    token = CancelToken()
    assert not token.cancelled and not token.should_stop()
    token.raise_if_cancelled()
    assert token.wait(0) is False
    token.cancel()
    assert token.cancelled and token.should_stop() and token.wait(5) is True
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_each_lane_keeps_its_limit_under_load(qtbot, runner):
    many, single = Gate(), Gate()
    done: list[str] = []
    for _ in range(8):
        runner.submit("two", many.job, done.append)
    for _ in range(3):
        runner.submit("one", single.job, done.append)
    qtbot.waitUntil(lambda: many.running == 2 and single.running == 1)
    # The others wait their turn; a full lane never holds up another one.
    assert runner.thread_count() == 3
    many.open.set()
    single.open.set()
    qtbot.waitUntil(lambda: len(done) == 11, timeout=10000)
    assert many.most == 2 and single.most == 1
    assert all(name.startswith("avatar-") for name in done)


def test_results_and_errors_arrive_on_the_ui_thread(qtbot, runner):
    seen: list[tuple[str, object, bool]] = []
    main = threading.main_thread()

    def fail(_token: CancelToken) -> None:
        raise ValueError("no such file")

    runner.submit(
        "one", lambda _t: 42, lambda v: seen.append(("done", v, threading.current_thread() is main))
    )
    runner.submit(
        "one",
        fail,
        lambda v: seen.append(("done", v, False)),
        lambda e: seen.append(("error", e, threading.current_thread() is main)),
    )
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[0] == ("done", 42, True)
    kind, error, on_ui_thread = seen[1]
    assert kind == "error" and isinstance(error, ValueError) and on_ui_thread


def test_cancel_reaches_the_call_and_its_end_is_delivered(qtbot, runner):
    ended: list[object] = []

    def wait_for_cancel(token: CancelToken) -> bool:
        return token.wait(30)  # a core call's pause: woken by the cancel

    token = runner.submit("one", wait_for_cancel, ended.append)
    started = time.monotonic()
    token.cancel()
    qtbot.waitUntil(lambda: ended == [True])
    assert time.monotonic() - started < 5
    # A token of the caller's own (the media check's, a download's) is the job's token.
    own = CancelToken()
    assert runner.submit("one", wait_for_cancel, ended.append, token=own) is own
    own.cancel()
    qtbot.waitUntil(lambda: ended == [True, True])


def test_cancel_reaches_a_core_call_that_takes_should_stop(qtbot, runner, tmp_path):
    """The rolling backup's core call, stopped through its job's token: it leaves nothing."""
    from avatar_desktop.core.store.backup import take_backup
    from avatar_desktop.core.store.tasks import TaskStore

    path = tmp_path / "tasks.sqlite3"
    with TaskStore(path) as store:
        store.add_task("a" * 32, "http://127.0.0.1:1", {"avatar_url": "https://x/a.png"})
    started, go_on = threading.Event(), threading.Event()
    results: list[object] = []

    def backup(token: CancelToken) -> object:
        started.set()
        go_on.wait(10)
        return take_backup(path, should_stop=token.should_stop)

    token = runner.submit("one", backup, results.append)
    qtbot.waitUntil(started.is_set)
    token.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: results == [None])
    assert not any((tmp_path / "backups").glob("*.sqlite3"))
    # Not cancelled, the same call makes its copy.
    runner.submit("one", lambda t: take_backup(path, should_stop=t.should_stop), results.append)
    qtbot.waitUntil(lambda: len(results) == 2)
    assert results[1] is not None and results[1].exists()


def test_shutdown_cancels_waits_and_delivers_nothing_after(qtbot, runner):
    delivered: list[object] = []
    gate = Gate()
    cooperative = runner.submit("two", lambda token: token.wait(30), delivered.append)
    runner.submit("one", gate.job, delivered.append)
    queued = runner.submit("one", gate.job, delivered.append)
    qtbot.waitUntil(lambda: gate.running == 1 and runner.thread_count() == 2)

    # The gate job ignores its token: it is abandoned after its lane's grace, not waited for.
    started = time.monotonic()
    assert runner.shutdown(timeout_ms=3000) is False
    assert time.monotonic() - started < 4
    assert cooperative.cancelled and queued.cancelled
    assert runner.thread_count() == 1  # the cooperative job was waited for

    gate.open.set()  # the abandoned call returns now: its result is dropped
    qtbot.waitUntil(lambda: runner.thread_count() == 0)
    runner.report(delivered.append, "late")
    late = runner.submit("one", lambda _t: "never", delivered.append)
    assert late.cancelled
    QCoreApplication.processEvents()  # what the ended thread could have posted is handled
    assert delivered == [] and gate.most == 1  # the queued job never started


def test_no_thread_is_left_after_shutdown(qtbot):
    runner = Runner(lanes={"a": Lane(3, grace=5.0), "b": Lane(1, grace=5.0)})
    done: list[object] = []
    for n in range(6):
        runner.submit("a", lambda token, n=n: token.wait(0.05) or n, done.append)
        runner.submit("b", lambda token: token.wait(30), done.append)
    qtbot.waitUntil(lambda: len(done) >= 3)
    assert runner.shutdown(3000) is True
    assert runner.thread_count() == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("avatar-a")]
    assert not [t for t in threading.enumerate() if t.name.startswith("avatar-b")]


def test_an_unknown_lane_is_refused(runner):
    with pytest.raises(ValueError, match="no lane"):
        runner.submit("nowhere", lambda _t: None)


def test_closing_the_window_shuts_its_one_runner_down(qtbot, harness):
    window = harness.window
    background = window._background
    for part in (window.outbox_runner, window.downloads, window.tasks_tab.covers):
        assert part._runner is background  # one owner of the window's threads
    assert window.following._worker._runner is background
    window.close()
    assert background.closed
    qtbot.waitUntil(lambda: background.thread_count() == 0)
