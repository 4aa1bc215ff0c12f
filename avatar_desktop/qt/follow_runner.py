"""Follows the current service's unfinished tasks, off the UI thread.

The rules are the core's (:class:`avatar_desktop.core.follower.Follower`: which tasks are due,
each task's own schedule, the service's pace, what a round's trouble means). This adapter asks
it every second for a round, runs the round on the runner's status lane, and says how
following goes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.follower import Follower, FollowRound, FollowState
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.service import RateLimited
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.runner import Runner
from avatar_desktop.qt.workers import TaskPollWorker

log = logging.getLogger("avatar_desktop.qt")

TICK_MS = 1000


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

    def __init__(
        self,
        store: TaskStore,
        gate: RateGate,
        runner: Runner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._gate = gate
        self._follower: Follower | None = None
        self._token: str | None = None
        self._busy = False
        self._online = True
        self.state = FollowState.IDLE
        self.error: Exception | None = None
        self._worker = TaskPollWorker(runner)
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
    def follower(self) -> Follower | None:
        """The core's driver for the current service (None before :meth:`configure`)."""
        return self._follower

    def configure(self, config: ServiceConfig, token: str | None) -> None:
        """The service or the token changed: follow that service's tasks, starting now."""
        if self._follower is None or config != self._follower.config:
            self._follower = Follower(self._store, config, self._gate)
        else:
            self._follower.reset()
        self._token = token
        self._set_state(FollowState.IDLE if not token else FollowState.FOLLOWING)
        QTimer.singleShot(0, self, self.tick)

    def set_online(self, online: bool) -> None:
        """The network came or went: following pauses while offline."""
        if online == self._online:
            return
        self._online = online
        if online and self._follower is not None:
            self._follower.reset()
        self._set_state(FollowState.FOLLOWING if online else FollowState.OFFLINE)
        if online:
            QTimer.singleShot(0, self, self.tick)

    def _set_state(self, state: FollowState, error: Exception | None = None) -> None:
        if not self._online and state is not FollowState.IDLE:
            state = FollowState.OFFLINE
        if self._follower is not None and self._follower.token_refused:
            state, error = FollowState.TOKEN_REFUSED, error or self.error
        if (state, error) != (self.state, self.error):
            self.state, self.error = state, error
            self.state_changed.emit(state, error)

    @Slot()
    def tick(self) -> None:
        follower = self._follower
        if self._busy or follower is None or not self._token or not self._online:
            return
        try:
            items = follower.next_round()
        except StoreError as exc:
            log.warning("could not read the unfinished tasks: %s", exc)
            return
        if items:
            self._start(items)

    def refresh(self, task_ids: list[str]) -> bool:
        """Ask about ``task_ids`` now (F5 on a selection); False when nothing can be asked."""
        if self._follower is None or not self._token or not task_ids:
            return False
        self._follower.ask_now(task_ids)
        self.tick()  # at once, or right after the round under way
        return True

    def refresh_all(self) -> bool:
        """Ask about every unfinished task of the service now (a round at a time)."""
        if self._follower is None or not self._token:
            return False
        try:
            asked = self._follower.ask_all()
        except StoreError as exc:
            log.warning("could not read the unfinished tasks: %s", exc)
            return False
        self.tick()
        return asked > 0

    def _start(self, items: list[TaskRecord | str]) -> None:
        assert self._follower is not None and self._token is not None
        self._busy = True
        self._failure = None
        self._worker.poll(self._follower, self._token, items)

    @Slot(object)
    def _on_failed(self, error: Exception) -> None:
        self._failure = error

    @Slot()
    def _on_finished(self) -> None:
        self._busy = False
        failure = self._failure
        if self._follower is None:
            return
        state = self._follower.round_finished(FollowRound(stopped_by=failure))
        self._set_state(state, failure)
        if self._follower.asked or failure is None or isinstance(failure, RateLimited):
            QTimer.singleShot(0, self, self.tick)  # what the user asked for goes on at once

    def stop(self) -> None:
        self._timer.stop()


__all__ = ["FollowState", "TaskFollowing"]
