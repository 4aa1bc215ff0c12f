"""The window's one owner of background threads: named lanes, one cancel token per job.

A job is a callable run off the UI thread that receives a
:class:`~avatar_desktop.core.cancel.CancelToken` and returns a result (or raises). The
:class:`Runner` runs it on a thread of its lane — each lane has its own limit of threads running
at once (keyring 1, downloads a few, …); the others wait in order — and hands the result or the
exception to the job's callbacks on the UI thread. Jobs never touch widgets; what they have to
say before they end goes through :meth:`Runner.report`, which also runs on the UI thread.

:meth:`Runner.shutdown` is called once, when the window closes: it cancels every token, drops the
jobs not started, waits for the running ones no longer than their lane's grace, and delivers
nothing more. A job stuck in a call that cannot be interrupted (a hung connection, a keyring
unlock prompt) is abandoned: its thread is a daemon thread that ends with the call's own timeout
or with the process, and its result is dropped.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from avatar_desktop.core.cancel import CancelToken

log = logging.getLogger("avatar_desktop.qt")


@dataclass(frozen=True)
class Lane:
    """How many jobs of a kind run at once, and how long a close waits for them."""

    limit: int = 1
    grace: float = 0.25
    """Seconds :meth:`Runner.shutdown` waits for this lane's running jobs before abandoning them."""
    newest_first: bool = False
    """Waiting jobs start newest first (covers: the task shown last matters most)."""


LANES: Mapping[str, Lane] = {
    "disk": Lane(1, grace=5.0),  # files and batches of the window, in order; finished at close
    "keyring": Lane(1),  # an unlock prompt may block: abandoned at close
    "voices": Lane(1),
    "media": Lane(2),  # one check at a time; a cancelled one may still wait for its answer
    "status": Lane(1),
    "submit": Lane(1),  # Submit has a lane of its own: a long automatic run never delays it
    "send": Lane(1),
    "probe": Lane(1),
    "storage": Lane(1),  # the Settings dialog's storage test; abandoned at close
    # Downloads and covers stop at their next piece received; a stalled connection is abandoned.
    "downloads": Lane(8, grace=2.0),  # the download manager keeps its own (setting) limit
    "covers": Lane(2, grace=3.0, newest_first=True),
}
"""The lanes of the window (a job names one of them)."""


@dataclass(eq=False)
class _Job:
    lane: str
    work: Callable[[CancelToken], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None
    token: CancelToken = field(default_factory=CancelToken)


class _Relay(QObject):
    """Carries what the job threads say to the UI thread (queued signals)."""

    finished = Signal(object, bool, object)  # job, ok, result or exception
    reported = Signal(object, object)  # callable, arguments


class Runner(QObject):
    """Runs jobs on the threads of named lanes; results come back on the UI thread.

    ``lanes`` maps each lane's name to its :class:`Lane` (default :data:`LANES`).
    """

    def __init__(self, parent: QObject | None = None, lanes: Mapping[str, Lane] = LANES) -> None:
        super().__init__(parent)
        self._lanes = dict(lanes)
        self._lock = threading.Lock()
        self._waiting: dict[str, deque[_Job]] = {name: deque() for name in self._lanes}
        self._threads: dict[str, set[threading.Thread]] = {name: set() for name in self._lanes}
        self._jobs: set[_Job] = set()  # submitted and not delivered
        self._closed = False
        self._names = itertools.count(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.reported.connect(self._on_reported)

    # -- the UI thread's side --

    def submit(
        self,
        lane: str,
        work: Callable[[CancelToken], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        token: CancelToken | None = None,
    ) -> CancelToken:
        """Run ``work(token)`` on ``lane``; ``on_done(result)`` or ``on_error(exception)`` follow
        on the UI thread (an error without ``on_error`` is logged). Returns the job's token
        (``token`` when given: cancelling it stops the job). After :meth:`shutdown` nothing runs:
        the token comes back cancelled."""
        if lane not in self._lanes:
            raise ValueError(f"no lane {lane!r}")
        job = _Job(lane, work, on_done, on_error, token or CancelToken())
        with self._lock:
            if self._closed:
                job.token.cancel()
                return job.token
            self._jobs.add(job)
            self._waiting[lane].append(job)
            threads = self._threads[lane]
            if len(threads) < self._lanes[lane].limit:
                thread = threading.Thread(
                    target=self._work,
                    args=(lane,),
                    name=f"avatar-{lane}-{next(self._names)}",
                    daemon=True,
                )
                threads.add(thread)
                thread.start()
        return job.token

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """A short blocking call of the window (a file to read, a batch to write) on the disk
        lane: one at a time, in order, so two writes never race each other."""
        self.submit("disk", lambda _token: fn(), on_done, on_error)

    def report(self, fn: Callable[..., None], *args: object) -> None:
        """From a job's thread: call ``fn(*args)`` on the UI thread (unless shut down by then)."""
        with self._lock:
            if not self._closed:
                self._relay.reported.emit(fn, args)

    def thread_count(self) -> int:
        """Threads of this runner that still run (abandoned ones included)."""
        with self._lock:
            threads = [t for lane in self._threads.values() for t in lane]
        return sum(t.is_alive() for t in threads)

    def wait(self, timeout_ms: int = 5000, lane: str = "disk") -> bool:
        """Wait (without delivering) for ``lane``'s jobs to end; True when they all did."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            with self._lock:
                busy = bool(self._waiting[lane]) or any(t.is_alive() for t in self._threads[lane])
            if not busy:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Once, at close: cancel every job, start none, wait for the running ones up to their
        lane's grace (and ``timeout_ms`` at most), deliver nothing more. True when no thread of
        the runner is left running."""
        with self._lock:
            self._closed = True
            for job in self._jobs:
                job.token.cancel()
            for waiting in self._waiting.values():
                waiting.clear()
            self._jobs.clear()
            threads = {name: list(lane) for name, lane in self._threads.items()}
        started = time.monotonic()
        limit = timeout_ms / 1000
        left = True
        for name, lane_threads in threads.items():
            until = started + min(limit, self._lanes[name].grace)
            for thread in lane_threads:
                thread.join(max(0.0, until - time.monotonic()))
                if thread.is_alive():
                    log.info("abandoning the %s thread %s (closing)", name, thread.name)
                    left = False
        return left

    @property
    def closed(self) -> bool:
        return self._closed

    # -- the lanes' threads --

    def _work(self, lane: str) -> None:
        current = threading.current_thread()
        newest_first = self._lanes[lane].newest_first
        while True:
            with self._lock:
                waiting = self._waiting[lane]
                if self._closed or not waiting:
                    self._threads[lane].discard(current)
                    return
                job = waiting.pop() if newest_first else waiting.popleft()
            try:
                result, ok = job.work(job.token), True
            except Exception as exc:  # handed to the UI thread
                result, ok = exc, False
            with self._lock:
                if not self._closed:
                    self._relay.finished.emit(job, ok, result)
                # The last references go on the UI thread, which waits for this lock
                # (garbage is collected there only: qt/collector.py).
                del job, result

    @Slot(object, bool, object)
    def _on_finished(self, job: _Job, ok: bool, result: Any) -> None:
        with self._lock:
            if self._closed:
                return
            self._jobs.discard(job)
        if ok:
            if job.on_done is not None:
                job.on_done(result)
        elif job.on_error is not None:
            job.on_error(result)
        else:
            log.error("background job on %s failed: %r", job.lane, result)

    @Slot(object, object)
    def _on_reported(self, fn: Callable[..., None], args: tuple[object, ...]) -> None:
        if not self._closed:
            fn(*args)


__all__ = ["LANES", "Lane", "Runner"]
