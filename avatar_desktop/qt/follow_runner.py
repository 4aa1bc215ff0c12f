"""Follows the current service's unfinished tasks, off the UI thread.

The rules are the core's (:mod:`avatar_desktop.core.follower`): each task's own schedule, what
an answer means, when the next round may start after trouble. This adapter looks every second
for due tasks, runs a round on the status worker's thread, and says how following goes.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.db import StoreError
from avatar_desktop.core.follower import (
    AT_ONCE,
    SANDBOX_PACE,
    SERVICE_PACE,
    FollowPace,
    FollowRound,
    FollowSchedule,
)
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.service import AuthError, RateLimited
from avatar_desktop.core.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.workers import TaskPollWorker, WorkerThreads

log = logging.getLogger("avatar_desktop.qt")

TICK_MS = 1000
ROUND_SIZE = AT_ONCE * 4
"""Due tasks asked about in one round, at most (the rest are due in the next one)."""


class FollowState(enum.Enum):
    """How following goes, for the status bar."""

    IDLE = "idle"
    """Nothing unfinished, or no token yet."""
    FOLLOWING = "following"
    OFFLINE = "offline"
    """Paused: the computer is offline."""
    TOKEN_REFUSED = "token_refused"
    """Paused until the token changes."""
    FAILING = "failing"
    """The last round failed (network, 5xx, rate limit); it is tried again later."""


class TaskFollowing(QObject):
    """Asks the service about due unfinished tasks, each on its own schedule.

    Signals:
        task_updated(row_id, status): a task's row changed (``status``: the status value, or
            "" when only its error changed).
        task_finished(row_id, status): a task became done ("SUCCESS") or failed ("FAILURE").
        state_changed(state, error): a :class:`FollowState`, and the error behind ``FAILING``
            or ``TOKEN_REFUSED`` (else None).
    """

    task_updated = Signal(int, str)
    task_finished = Signal(int, str)
    state_changed = Signal(object, object)
    _poll = Signal(object, str, list, object)

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
        self._pace: FollowPace = SERVICE_PACE
        self._schedule: FollowSchedule | None = None
        self._busy = False
        self._asked_for: list[str] = []  # a refresh the user asked for during a round
        self._online = True
        self._token_refused = False
        self.state = FollowState.IDLE
        self.error: Exception | None = None
        self._worker = TaskPollWorker(store)
        threads.start(self._worker, "status")
        self._poll.connect(self._worker.poll)
        self._worker.task_updated.connect(self.task_updated)
        self._worker.task_finished.connect(self.task_finished)
        self._worker.poll_failed.connect(self._on_failed)
        self._worker.poll_finished.connect(self._on_finished)
        self._failure: Exception | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    @property
    def pace(self) -> FollowPace:
        return self._pace

    def configure(self, config: ServiceConfig, token: str | None) -> None:
        """The service or the token changed: follow that service's tasks, starting now."""
        if self._config is None or config.base_url != self._config.base_url:
            self._pace = SANDBOX_PACE if config.sandbox else SERVICE_PACE
            self._schedule = FollowSchedule(config.base_url, self._pace.error_step, self._gate)
        elif self._schedule is not None:
            self._schedule.reset()
        self._config, self._token = config, token
        self._token_refused = False
        self._set_state(FollowState.IDLE if not token else FollowState.FOLLOWING)
        QTimer.singleShot(0, self, self.tick)

    def set_online(self, online: bool) -> None:
        """The network came or went: following pauses while offline."""
        if online == self._online:
            return
        self._online = online
        if online and self._schedule is not None:
            self._schedule.reset()
        self._set_state(FollowState.FOLLOWING if online else FollowState.OFFLINE)
        if online:
            QTimer.singleShot(0, self, self.tick)

    def _set_state(self, state: FollowState, error: Exception | None = None) -> None:
        if not self._online and state is not FollowState.IDLE:
            state = FollowState.OFFLINE
        if self._token_refused:
            state, error = FollowState.TOKEN_REFUSED, error or self.error
        if (state, error) != (self.state, self.error):
            self.state, self.error = state, error
            self.state_changed.emit(state, error)

    @Slot()
    def tick(self) -> None:
        if self._busy or self._schedule is None or not self._schedule.due():
            return
        if self._config is None or not self._token or self._token_refused or not self._online:
            return
        try:
            due = self._store.due_tasks(self._config.base_url, time.time(), ROUND_SIZE)
        except StoreError as exc:
            log.warning("could not read the unfinished tasks: %s", exc)
            return
        if due:
            self._start(due)

    def refresh(self, task_ids: list[str]) -> bool:
        """Ask about ``task_ids`` now (F5 on a selection); False when nothing can be asked."""
        if self._config is None or not self._token or not task_ids:
            return False
        self._token_refused = False
        try:
            self._store.check_soon(task_ids)
        except StoreError as exc:
            log.warning("could not mark tasks to refresh: %s", exc)
        if self._schedule is not None:
            self._schedule.reset()
        if self._busy:
            self._asked_for = list(task_ids[:ROUND_SIZE])  # once this round is over
        else:
            self._start(list(task_ids[:ROUND_SIZE]))
        return True

    def refresh_all(self) -> bool:
        """Ask about every unfinished task of the service now (a round at a time)."""
        if self._config is None:
            return False
        try:
            pending = self._store.pending_task_ids(self._config.base_url, limit=1_000_000)
        except StoreError as exc:
            log.warning("could not read the unfinished tasks: %s", exc)
            return False
        return self.refresh(pending)

    def _start(self, items: Sequence[TaskRecord | str]) -> None:
        assert self._config is not None and self._token is not None
        self._busy = True
        self._failure = None
        self._poll.emit(self._config, self._token, list(items), self._pace)

    @Slot(object)
    def _on_failed(self, error: Exception) -> None:
        self._failure = error
        # A refused token (or one that cannot be used) pauses following until it changes.
        self._token_refused = isinstance(error, AuthError | ValueError)

    @Slot()
    def _on_finished(self) -> None:
        self._busy = False
        failure = self._failure
        if self._schedule is not None:
            self._schedule.round_finished(FollowRound(stopped_by=failure))
        if failure is None:
            self._set_state(FollowState.FOLLOWING)
        elif isinstance(failure, AuthError | ValueError):
            self._set_state(FollowState.TOKEN_REFUSED, failure)
        else:
            self._set_state(FollowState.FAILING, failure)
        if self._asked_for and self._token:
            asked, self._asked_for = self._asked_for, []
            self._start(list(asked))  # the user asked: not held back by the round's trouble
        elif failure is None or isinstance(failure, RateLimited):
            QTimer.singleShot(0, self, self.tick)

    def stop(self) -> None:
        self._timer.stop()


__all__ = ["FollowState", "TaskFollowing"]
