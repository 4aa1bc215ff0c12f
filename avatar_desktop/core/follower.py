"""Following unfinished tasks: whom to ask, when, and what to do with the answer (Qt-free).

The window (on a background thread, on a timer) and ``avatar-cli tasks refresh`` run the same
two pieces:

* :func:`follow_round` asks the service about some tasks and stores the answers. A problem that
  belongs to one task (an unknown id, an answer that cannot be read) is written in that task's
  row and the round goes on with the others; trouble with the service itself (token refused,
  rate limit, network down, a 5xx) ends the round.
* :class:`FollowSchedule` decides when the next round may start: a steady interval, doubled
  after each failed round up to a cap, and ``Retry-After`` honoured through the shared
  :class:`~avatar_desktop.core.pacing.RateGate`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from avatar_desktop.core.db import StoreError
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.service import (
    ApiError,
    AuthError,
    NetworkError,
    RateLimited,
    ServerError,
    TaskInfo,
    TaskNotFound,
)
from avatar_desktop.core.tasks import TaskStore

log = logging.getLogger("avatar_desktop.follower")

DEFAULT_RETRY_AFTER_SECONDS = 30.0
"""The pause after a 429 that gave no ``Retry-After``."""
MAX_BACKOFF_FACTOR = 16.0


class StatusClient(Protocol):
    """What following needs of a client (an :class:`~avatar_desktop.core.service.AvatarClient`)."""

    def get_task(self, task_id: str) -> TaskInfo: ...


@dataclass(frozen=True)
class TaskAnswer:
    """What one question about one task gave: its row and new status, or its own problem."""

    task_id: str
    row_id: int | None
    status: str
    error: ApiError | None = None


@dataclass
class FollowRound:
    """The answers of one round, and the service-level error that ended it early, if any."""

    answers: list[TaskAnswer] = field(default_factory=list)
    stopped_by: Exception | None = None


_SERVICE_TROUBLE = (AuthError, RateLimited, NetworkError, ValueError)


def follow_round(
    client: StatusClient,
    tasks: TaskStore,
    task_ids: Iterable[str],
    *,
    should_stop: Callable[[], bool] = lambda: False,
    on_answer: Callable[[TaskAnswer], None] | None = None,
) -> FollowRound:
    """Ask about each of ``task_ids`` in turn and store what the service says."""
    result = FollowRound()

    def note(answer: TaskAnswer) -> None:
        result.answers.append(answer)
        if on_answer is not None:
            on_answer(answer)

    for task_id in task_ids:
        if should_stop():
            break
        try:
            info = client.get_task(task_id)
        except _SERVICE_TROUBLE as exc:
            result.stopped_by = exc
            break
        except TaskNotFound as exc:
            note(TaskAnswer(task_id, _stored(tasks.mark_not_found, task_id, exc), "NOT_FOUND", exc))
            continue
        except ServerError as exc:
            # Maybe the service, maybe this task: note it on the task (so the next round starts
            # with another one) and end the round.
            note(TaskAnswer(task_id, _stored(tasks.set_error_for_task, task_id, exc), "", exc))
            result.stopped_by = exc
            break
        except ApiError as exc:
            note(TaskAnswer(task_id, _stored(tasks.set_error_for_task, task_id, exc), "", exc))
            continue
        try:
            row_id = tasks.update_from_info(task_id, info)
        except StoreError as exc:
            log.warning("task %s: could not store its status: %s", task_id, exc)
            continue
        note(TaskAnswer(task_id, row_id, info.status.value))
    return result


def _stored(write: Callable[[str, str], int | None], task_id: str, error: ApiError) -> int | None:
    try:
        return write(task_id, error.user_message)
    except StoreError as exc:
        log.warning("task %s: could not store its error: %s", task_id, exc)
        return None


class FollowSchedule:
    """When the next round may start, for one service."""

    def __init__(
        self,
        service_url: str,
        interval: float,
        gate: RateGate,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service_url = service_url
        self.interval = interval
        self.gate = gate
        self._clock = clock
        self._factor = 1.0
        self._not_before = 0.0

    def due(self) -> bool:
        """True when a round may start now."""
        return self.wait_seconds() <= 0

    def wait_seconds(self) -> float:
        own = self._not_before - self._clock()
        return max(0.0, own, self.gate.wait_seconds(self.service_url))

    def reset(self) -> None:
        """Ask again at once (a manual refresh, another service, a new token)."""
        self._factor = 1.0
        self._not_before = 0.0

    def round_finished(self, round_: FollowRound) -> float:
        """Account for a finished round; returns the seconds until the next one is due."""
        error = round_.stopped_by
        if error is None:
            self._factor = 1.0
            self._not_before = self._clock() + self.interval
        elif isinstance(error, RateLimited):
            self.gate.hold(self.service_url, error.retry_after or DEFAULT_RETRY_AFTER_SECONDS)
            self._not_before = self._clock()
        else:
            self._factor = min(self._factor * 2, MAX_BACKOFF_FACTOR)
            self._not_before = self._clock() + self.interval * self._factor
            log.info("status checks of %s pause: %s", self.service_url, type(error).__name__)
        return self.wait_seconds()


__all__ = [
    "DEFAULT_RETRY_AFTER_SECONDS",
    "FollowRound",
    "FollowSchedule",
    "StatusClient",
    "TaskAnswer",
    "follow_round",
]
