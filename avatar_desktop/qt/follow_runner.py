"""Follows the current service's unfinished tasks on a timer, off the UI thread.

The rules are the core's (:mod:`avatar_desktop.core.follower`): which tasks are unfinished, what
an answer means, when the next round may start. This adapter runs rounds on the status worker's
thread and reports through signals.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.db import StoreError
from avatar_desktop.core.follower import FollowRound, FollowSchedule
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.tasks import TaskStore
from avatar_desktop.qt.workers import TaskPollWorker, WorkerThreads

log = logging.getLogger("avatar_desktop.qt")

TICK_MS = 1000
POLL_SECONDS_SANDBOX = 2.0
POLL_SECONDS_SERVICE = 15.0
"""How often unfinished tasks are asked about (the sandbox moves a step every 2 s)."""


class TaskFollowing(QObject):
    """Asks the service about unfinished tasks, at the schedule's pace.

    Signals:
        task_updated(row_id, status): a task's row changed (``status``: the status value, or
            "" when only its error changed).
        round_failed(error): a round ended early on trouble with the service itself.
    """

    task_updated = Signal(int, str)
    round_failed = Signal(object)
    _poll = Signal(object, str, list)

    def __init__(
        self,
        store: TaskStore,
        gate: RateGate,
        threads: WorkerThreads,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._gate = gate
        self._config: ServiceConfig | None = None
        self._token: str | None = None
        self._schedule: FollowSchedule | None = None
        self._rounds = 0  # rounds asked for and not finished
        self._worker = TaskPollWorker(store)
        threads.start(self._worker, "status")
        self._poll.connect(self._worker.poll)
        self._worker.task_updated.connect(self.task_updated)
        self._worker.poll_failed.connect(self._on_failed)
        self._worker.poll_finished.connect(self._on_finished)
        self._failure: Exception | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def configure(self, config: ServiceConfig, token: str | None) -> None:
        """The service or the token changed: follow that service's tasks, starting now."""
        if self._config is None or config.base_url != self._config.base_url:
            interval = POLL_SECONDS_SANDBOX if config.sandbox else POLL_SECONDS_SERVICE
            self._schedule = FollowSchedule(config.base_url, interval, self._gate)
        elif self._schedule is not None:
            self._schedule.reset()
        self._config, self._token = config, token
        QTimer.singleShot(0, self, self.tick)

    @Slot()
    def tick(self) -> None:
        if self._rounds or self._schedule is None or not self._schedule.due():
            return
        if self._config is None or not self._token:
            return
        try:
            task_ids = self._store.pending_task_ids(self._config.base_url)
        except StoreError as exc:
            log.warning("could not read the unfinished tasks: %s", exc)
            return
        if task_ids:
            self._start(task_ids)

    def refresh(self, task_ids: list[str]) -> bool:
        """Ask about ``task_ids`` now (F5); False when there is no token."""
        if self._config is None or not self._token or not task_ids:
            return False
        if self._schedule is not None:
            self._schedule.reset()
        self._start(task_ids)
        return True

    def _start(self, task_ids: list[str]) -> None:
        assert self._config is not None and self._token is not None
        self._rounds += 1
        self._failure = None
        self._poll.emit(self._config, self._token, task_ids)

    @Slot(object)
    def _on_failed(self, error: Exception) -> None:
        self._failure = error
        self.round_failed.emit(error)

    @Slot()
    def _on_finished(self) -> None:
        self._rounds = max(0, self._rounds - 1)
        if self._schedule is not None:
            self._schedule.round_finished(FollowRound(stopped_by=self._failure))

    def stop(self) -> None:
        self._timer.stop()


__all__ = ["POLL_SECONDS_SANDBOX", "POLL_SECONDS_SERVICE", "TaskFollowing"]
