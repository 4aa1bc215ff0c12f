"""Following unfinished tasks: whom to ask, when, and what to do with the answer (Qt-free).

The window (on a background thread, on a timer) and ``avatar-cli tasks refresh`` run the same
pieces:

* Each task has its own schedule (:class:`FollowPace`): it is first asked about a few seconds
  after it was stored, then less and less often while it renders (backoff with jitter, capped
  at about a minute), and rarely once it has been unfinished for hours (stalled). Its next
  question is stored in its row (``next_check_at``), so following resumes after a restart. A
  final task is never asked again.
* :func:`follow_round` asks the service about the due tasks, a few at once, and stores the
  answers. A problem that belongs to one task (an unknown id, an answer that cannot be read or
  stored) is written in that task's row, keeps its last good state, and pushes its own next
  question further out; the round goes on with the others. Trouble with the service itself
  (token refused, rate limit, network down, a 5xx) ends the round.
* :class:`FollowSchedule` decides when the next round may start: at once while tasks are due,
  later after a failed round (doubling up to a cap), and ``Retry-After`` honoured through the
  shared :class:`~avatar_desktop.core.pacing.RateGate`.
* :class:`Follower` is the one driver of all this for one service: which tasks the next round
  asks about (those the user asked for, else the due ones), how long to wait, the pace of the
  service (:func:`pace_for`), and what a round's trouble means (a refused token pauses
  following until the token changes). The window runs it from a timer and its background
  thread, ``avatar-cli tasks refresh`` from a loop: the same service at the same pace.

The query budget with :data:`SERVICE_PACE`: about 35 questions for a task that renders for 30
minutes, never more than :data:`QUERIES_PER_30_MINUTES`.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.service import (
    ApiError,
    AuthError,
    ErrorKind,
    NetworkError,
    QuotaExhausted,
    RateLimited,
    ServerError,
    TaskInfo,
    TaskNotFound,
    TaskStatus,
    error_kind,
)
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore

if TYPE_CHECKING:
    from avatar_desktop.core.config import ServiceConfig

log = logging.getLogger("avatar_desktop.follower")

DEFAULT_RETRY_AFTER_SECONDS = 30.0
"""The pause after a 429 that gave no ``Retry-After``."""
MAX_BACKOFF_FACTOR = 16.0
AT_ONCE = 3
"""Questions in flight at once, at most."""
QUERIES_PER_30_MINUTES = 45
"""The documented budget: questions about one task unfinished for 30 minutes."""
ROUND_SIZE = AT_ONCE * 4
"""Tasks asked about in one round, at most (the rest are asked in the next one, at once)."""


@dataclass(frozen=True)
class FollowPace:
    """How often one task is asked about.

    After the n-th readable answer the next question waits ``step * factor**(n-1)`` seconds,
    at most ``cap``; a task unfinished for ``stalled_after`` seconds waits ``stalled_every``;
    after n unreadable answers in a row, ``error_step * 2**(n-1)`` up to ``error_cap``. Every
    wait varies by ±``jitter`` so that many tasks do not ask in step.
    """

    step: float = 5.0
    factor: float = 1.5
    cap: float = 60.0
    stalled_after: float = 6 * 3600.0
    stalled_every: float = 30 * 60.0
    error_step: float = 10.0
    error_cap: float = 15 * 60.0
    jitter: float = 0.2

    def _vary(self, seconds: float, rng: random.Random) -> float:
        return seconds * (1 + rng.uniform(-self.jitter, self.jitter))

    def after_answer(self, checks: int, age: float, rng: random.Random) -> float:
        """Seconds until the next question, after ``checks`` readable answers about a task
        stored ``age`` seconds ago."""
        if age >= self.stalled_after:
            return self._vary(self.stalled_every, rng)
        steps = max(0, checks - 1)
        return self._vary(min(self.cap, self.step * self.factor**steps), rng)

    def after_failure(self, failures: int, rng: random.Random) -> float:
        """Seconds until the next question after ``failures`` unreadable answers in a row."""
        return self._vary(min(self.error_cap, self.error_step * 2 ** max(0, failures - 1)), rng)


SERVICE_PACE = FollowPace()
SANDBOX_PACE = FollowPace(step=1.0, factor=1.3, cap=3.0, error_step=3.0, error_cap=60.0)
"""The sandbox renders in seconds: its tasks are asked about every second or three."""


def pace_for(config: ServiceConfig) -> FollowPace:
    """The pace of a service: one on this computer (the sandbox, a stand-in on a loopback
    address) renders in seconds; any other is asked about as the budget allows."""
    return SANDBOX_PACE if config.is_local else SERVICE_PACE


def is_stalled(record: TaskRecord, now: float, pace: FollowPace = SERVICE_PACE) -> bool:
    """Whether an unfinished task has been waiting so long that it counts as stalled."""
    return not record.is_final and now - record.created_at.timestamp() >= pace.stalled_after


class StatusClient(Protocol):
    """What following needs of a client (an :class:`~avatar_desktop.core.client.AvatarClient`)."""

    def get_task(self, task_id: str) -> TaskInfo: ...


@dataclass(frozen=True)
class TaskAnswer:
    """What one question about one task gave: its row and new status, or its own problem."""

    task_id: str
    row_id: int | None
    status: str
    error: ApiError | None = None
    previous: str = ""
    """The status stored before this answer ("" when not known)."""

    @property
    def finished_now(self) -> bool:
        """Whether this answer is the one that made the task final (done or failed)."""
        final = {TaskStatus.SUCCESS.value, TaskStatus.FAILURE.value}
        return self.status in final and self.previous not in final


@dataclass
class FollowRound:
    """The answers of one round, and the service-level error that ended it early, if any."""

    answers: list[TaskAnswer] = field(default_factory=list)
    stopped_by: Exception | None = None


_SERVICE_TROUBLE = (AuthError, QuotaExhausted, RateLimited, NetworkError, ValueError)


class _Unreadable(ApiError):
    """An answer the app could not take in (any unexpected error): shown in the task's row."""


def follow_round(
    client: StatusClient,
    tasks: TaskStore,
    records: Iterable[TaskRecord | str],
    *,
    pace: FollowPace = SERVICE_PACE,
    clock: Callable[[], float] = time.time,
    at_once: int = AT_ONCE,
    should_stop: Callable[[], bool] = lambda: False,
    on_answer: Callable[[TaskAnswer], None] | None = None,
    rng: random.Random | None = None,
) -> FollowRound:
    """Ask about each task of ``records`` (records, or bare task ids) and store the answers,
    ``at_once`` questions at a time. Never raises for one task's sake."""
    result = FollowRound()
    lock = threading.Lock()
    stop = threading.Event()
    rng = rng or random.Random()

    def note(answer: TaskAnswer) -> None:
        with lock:
            result.answers.append(answer)
        if on_answer is not None:
            on_answer(answer)

    def service_trouble(exc: Exception) -> None:
        with lock:
            if result.stopped_by is None:
                result.stopped_by = exc
        stop.set()

    def fail(
        record: TaskRecord | None, task_id: str, error: ApiError, kind: ErrorKind | None = None
    ) -> None:
        failures = (record.failures if record is not None else 0) + 1
        next_at = clock() + pace.after_failure(failures, rng)
        kind = kind or error_kind(error)
        try:
            row_id = tasks.record_failure(task_id, error.user_message, next_at, kind)
        except StoreError as exc:
            log.warning("task %s: could not store its error: %s", task_id, exc)
            row_id = None
        note(TaskAnswer(task_id, row_id, "", error))

    def ask(item: TaskRecord | str) -> None:
        record = item if isinstance(item, TaskRecord) else None
        task_id = item.task_id if isinstance(item, TaskRecord) else item
        if not task_id or stop.is_set() or should_stop():
            return
        if record is None:
            try:
                record = tasks.find(task_id)
            except StoreError:
                record = None
        try:
            info = client.get_task(task_id)
        except _SERVICE_TROUBLE as exc:
            service_trouble(exc)
            return
        except TaskNotFound as exc:
            try:
                row_id = tasks.mark_not_found(task_id, exc.user_message)
            except StoreError as store_exc:
                log.warning("task %s: could not store its error: %s", task_id, store_exc)
                row_id = None
            note(TaskAnswer(task_id, row_id, "NOT_FOUND", exc))
            return
        except ServerError as exc:
            # Maybe the service, maybe this task: this task waits longer, and the round ends.
            fail(record, task_id, exc)
            service_trouble(exc)
            return
        except ApiError as exc:
            fail(record, task_id, exc)
            return
        except Exception as exc:  # one task's answer must never stop the others
            log.exception("task %s: its answer could not be read", task_id)
            problem = f"The answer could not be read ({type(exc).__name__})."
            fail(record, task_id, _Unreadable(problem), ErrorKind.BAD_RESPONSE)
            return
        checks = (record.checks if record is not None else 0) + 1
        age = clock() - (record.created_at.timestamp() if record is not None else clock())
        next_at = None if info.is_final else clock() + pace.after_answer(checks, age, rng)
        try:
            row_id = tasks.update_from_info(task_id, info, next_at)
        except (StoreError, ValueError) as exc:
            log.warning("task %s: could not store its status: %s", task_id, exc)
            problem = f"The answer could not be stored: {exc}"
            fail(record, task_id, _Unreadable(problem), ErrorKind.NOT_STORED)
            return
        previous = record.status.value if record is not None else ""
        note(TaskAnswer(task_id, row_id, info.status.value, previous=previous))

    items = list(records)
    if at_once <= 1 or len(items) <= 1:
        for item in items:
            ask(item)
    else:
        with ThreadPoolExecutor(max_workers=min(at_once, len(items))) as pool:
            for future in [pool.submit(ask, item) for item in items]:
                future.result()
    return result


class FollowSchedule:
    """When the next round may start, for one service."""

    def __init__(
        self,
        service_url: str,
        interval: float,
        gate: RateGate,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``interval``: the pause after a failed round, before doubling."""
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
            self._not_before = self._clock()  # the tasks' own schedules say who is due
        elif isinstance(error, RateLimited):
            self.gate.hold(self.service_url, error.retry_after or DEFAULT_RETRY_AFTER_SECONDS)
            self._not_before = self._clock()
        else:
            self._factor = min(self._factor * 2, MAX_BACKOFF_FACTOR)
            self._not_before = self._clock() + self.interval * self._factor
            log.info("status checks of %s pause: %s", self.service_url, type(error).__name__)
        return self.wait_seconds()


class FollowState(enum.Enum):
    """How following goes (the window's status bar; ``tasks refresh``'s exit)."""

    IDLE = "idle"
    """Nothing unfinished, or no token yet."""
    FOLLOWING = "following"
    OFFLINE = "offline"
    """Paused: the computer is offline."""
    TOKEN_REFUSED = "token_refused"
    """Paused until the token changes."""
    FAILING = "failing"
    """The last round failed (network, 5xx, rate limit); it is tried again later."""


def refuses_token(error: Exception | None) -> bool:
    """Whether a round's trouble means the token cannot be used (refused, or not a token)."""
    return isinstance(error, AuthError | ValueError)


class Follower:
    """Follows one service's unfinished tasks (see the module's description).

    Not thread-safe: one caller drives it (the window's UI thread, the command line's loop);
    only :meth:`run_round` may run on another thread.
    """

    def __init__(
        self,
        store: TaskStore,
        config: ServiceConfig,
        gate: RateGate,
        *,
        round_size: int = ROUND_SIZE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.pace = pace_for(config)
        self.schedule = FollowSchedule(config.base_url, self.pace.error_step, gate)
        self.token_refused = False
        self._store = store
        self._round_size = round_size
        self._clock = clock
        self._asked: list[str] = []

    @property
    def service_url(self) -> str:
        return self.config.base_url

    @property
    def asked(self) -> int:
        """Tasks the user asked about that no round has taken yet."""
        return len(self._asked)

    def ask_now(self, task_ids: Iterable[str]) -> int:
        """Ask about ``task_ids`` in the next rounds (a refresh the user asked for): they are
        due at once, trouble earlier does not hold them back, and a refused token is tried
        again. Returns how many are waiting to be asked."""
        ids = [i for i in dict.fromkeys(task_ids) if i and i not in self._asked]
        try:
            self._store.check_soon(ids)
        except StoreError as exc:
            log.warning("could not mark tasks to refresh: %s", exc)
        self._asked.extend(ids)
        self.token_refused = False
        self.schedule.reset()
        return len(self._asked)

    def ask_all(self) -> int:
        """Ask about every unfinished task of the service (a round at a time); how many."""
        return self.ask_now(self._store.pending_task_ids(self.service_url, limit=1_000_000))

    def reset(self) -> None:
        """Ask again at once: a new token, the network back."""
        self.token_refused = False
        self.schedule.reset()

    def next_round(self) -> list[TaskRecord | str]:
        """What the next round asks about now: the tasks asked for, else the due ones (empty:
        nothing may be asked now; :meth:`wait_seconds` says for how long)."""
        if self._asked:
            taken, self._asked = self._asked[: self._round_size], self._asked[self._round_size :]
            return list(taken)
        if self.token_refused or not self.schedule.due():
            return []
        return list(self._store.due_tasks(self.service_url, self._clock(), self._round_size))

    def wait_seconds(self) -> float:
        """Seconds until a round may have something to ask (0: now)."""
        if self._asked:
            return 0.0
        next_at = self._store.next_check_time(self.service_url)
        own = self.schedule.wait_seconds()
        if next_at is None:
            return own
        return max(own, next_at - self._clock())

    def run_round(
        self,
        client: StatusClient,
        items: Iterable[TaskRecord | str],
        *,
        should_stop: Callable[[], bool] = lambda: False,
        on_answer: Callable[[TaskAnswer], None] | None = None,
    ) -> FollowRound:
        """Ask about ``items`` at the service's pace (on any thread)."""
        return follow_round(
            client,
            self._store,
            items,
            pace=self.pace,
            should_stop=should_stop,
            on_answer=on_answer,
        )

    def round_finished(self, round_: FollowRound) -> FollowState:
        """Account for a finished round: when the next may start, and how following goes."""
        self.schedule.round_finished(round_)
        error = round_.stopped_by
        if error is None:
            return FollowState.FOLLOWING
        if refuses_token(error):
            self.token_refused = True
            return FollowState.TOKEN_REFUSED
        return FollowState.FAILING


__all__ = [
    "AT_ONCE",
    "DEFAULT_RETRY_AFTER_SECONDS",
    "QUERIES_PER_30_MINUTES",
    "ROUND_SIZE",
    "SANDBOX_PACE",
    "SERVICE_PACE",
    "FollowPace",
    "FollowRound",
    "FollowSchedule",
    "FollowState",
    "Follower",
    "StatusClient",
    "TaskAnswer",
    "follow_round",
    "is_stalled",
    "pace_for",
    "refuses_token",
]
