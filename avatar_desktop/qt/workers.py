"""Qt workers that run the blocking core calls off the UI thread and report through signals.

Each worker is a plain ``QObject`` moved to its own ``QThread`` (one thread per kind of work);
the window calls its slots through queued signals and listens to its signals. Workers never
touch widgets. :class:`WorkerThreads` owns the threads and shuts them down without ever letting a
running ``QThread`` be destroyed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from avatar_desktop.core.config import LinkNetwork, ServiceConfig
from avatar_desktop.core.follower import Follower, FollowRound, TaskAnswer
from avatar_desktop.core.media import CheckCancelled, MediaRole, check_media
from avatar_desktop.core.service import (
    ApiError,
    Voice,
)
from avatar_desktop.core.store.tasks import TaskRecord
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import SecretStoreError, TokenVault

log = logging.getLogger("avatar_desktop.qt.workers")

T = TypeVar("T")


class Abandoned(Exception):
    """The caller stopped waiting for a blocking call (the app is closing)."""


def call_abandonable(
    fn: Callable[[], T], should_stop: threading.Event | Callable[[], bool], poll: float = 0.05
) -> T:
    """Run ``fn`` on a daemon thread and wait for it, unless ``should_stop`` is set (or returns
    True) first.

    ``requests`` cannot be interrupted; this lets a worker thread give up waiting at shutdown so
    its ``QThread`` ends promptly. The call itself runs to its own timeout in the background.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    stopped = should_stop.is_set if isinstance(should_stop, threading.Event) else should_stop
    if stopped():
        raise Abandoned
    thread = threading.Thread(target=run, name="avatar-call", daemon=True)
    thread.start()
    while thread.is_alive():
        if stopped():
            raise Abandoned
        thread.join(poll)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


class VoiceListWorker(QObject):
    """Loads the ready-made voices: first the offline cache, then the service.

    Every request ends in ``voices_loaded`` or ``voices_failed`` (unless the app is closing):
    no exception leaves the worker, whatever the service answered.

    Signals:
        voices_loaded(language, voices, from_cache, fetched_at): ``voices`` is a list of
            :class:`~avatar_desktop.core.service.Voice`; ``fetched_at`` a datetime or None.
        voices_failed(language, error): the list could not be loaded: ``error`` is the
            exception (an ``ApiError`` when the service's answer was the trouble), or None when
            there is no token to ask with.
    """

    voices_loaded = Signal(str, list, bool, object)
    voices_failed = Signal(str, object)

    def __init__(self, cache: VoiceCache) -> None:
        super().__init__()
        self._cache = cache
        self.stop_event = threading.Event()

    @Slot(object, str, str, bool)
    def load(self, config: ServiceConfig, token: str, language: str, refresh: bool) -> None:
        try:
            self._load(config, token, language, refresh)
        except Abandoned:
            return
        except Exception as exc:  # never left unanswered: the picker would say "Loading" forever
            if not isinstance(exc, ApiError):
                log.exception("the voice list could not be loaded")
            self.voices_failed.emit(language, exc)

    def _load(self, config: ServiceConfig, token: str, language: str, refresh: bool) -> None:
        cached = self._cache.load(config.base_url, language or None)
        if cached is not None:
            items, fetched_at = cached
            voices = [v for v in map(Voice.from_json, items) if v is not None]
            self.voices_loaded.emit(language, voices, True, fetched_at)
            if not refresh:
                return
        if not token:
            if cached is None or refresh:
                self.voices_failed.emit(language, None)  # None: no token to ask with
            return

        def fetch() -> list[Voice]:
            with config.make_client(token) as client:
                return client.list_voices(language or None)

        voices = call_abandonable(fetch, self.stop_event)
        fetched: object = None
        try:
            self._cache.save(config.base_url, language or None, [v.to_json() for v in voices])
            fresh = self._cache.load(config.base_url, language or None)
            fetched = fresh[1] if fresh else None
        except Exception:  # the list is shown all the same; only the offline copy is missing
            log.exception("the voice list could not be cached")
        self.voices_loaded.emit(language, voices, False, fetched)


class TaskPollWorker(QObject):
    """Asks the service about tasks and stores what it says.

    Signals:
        task_updated(row_id, status): a task's row changed (``status`` is the TaskStatus value).
        task_finished(row_id, status): this answer made the task done or failed.
        poll_failed(error): polling stopped early (``ApiError``); a RateLimited error carries
            the delay to wait before asking again.
        poll_finished(): one round is over.
    """

    task_updated = Signal(int, str)
    task_finished = Signal(int, str)
    poll_failed = Signal(object)
    poll_finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.stop_event = threading.Event()

    @Slot(object, str, list)
    def poll(self, follower: Follower, token: str, items: list[TaskRecord | str]) -> None:
        """Ask ``follower``'s service about ``items`` (task records or bare task ids)."""

        def answered(answer: TaskAnswer) -> None:
            if answer.row_id is not None:
                self.task_updated.emit(answer.row_id, answer.status)
                if answer.finished_now:
                    self.task_finished.emit(answer.row_id, answer.status)

        def ask() -> FollowRound:
            with follower.config.make_client(token) as client:
                return follower.run_round(
                    client, items, should_stop=self.stop_event.is_set, on_answer=answered
                )

        try:
            result = call_abandonable(ask, self.stop_event)
        except Abandoned:
            return
        except ValueError as exc:  # an unusable address or token: nothing was asked
            self.poll_failed.emit(exc)
            self.poll_finished.emit()
            return
        except Exception as exc:  # never let a round's surprise end following for good
            log.exception("a status round failed")
            self.poll_failed.emit(exc)
            self.poll_finished.emit()
            return
        if result.stopped_by is not None:
            # Trouble with the service itself: the window's schedule decides when to ask again.
            self.poll_failed.emit(result.stopped_by)
        self.poll_finished.emit()


class TokenWorker(QObject):
    """Keyring operations (an unlock prompt can block) and the token test.

    Signals:
        probed(state): a :class:`~avatar_desktop.core.vault.BackendState`.
        loaded(token, source): the token (or None) and its ``TokenSource``.
        saved(): the token is in the keyring and was read back.
        kept(): the token is kept in memory for this session only.
        removed(): the token is gone from the keyring and the session.
        tested(ok, error): the authenticated test call's outcome (``error`` None when ok).
        failed(operation, message, error): a keyring operation failed; ``message`` is plain
            English, ``error`` the :class:`~avatar_desktop.core.vault.SecretStoreError` (its
            ``kind`` is what the UI translates).
    """

    probed = Signal(object)
    loaded = Signal(object, object)
    saved = Signal()
    kept = Signal()
    removed = Signal()
    tested = Signal(bool, object)
    failed = Signal(str, str, object)

    def __init__(self, vault: TokenVault) -> None:
        super().__init__()
        self._vault = vault
        self.stop_event = threading.Event()

    # Keyring calls can block on an unlock prompt: all of them can be abandoned at shutdown.

    def _keyring(self, operation: str, call: Callable[[], T]) -> tuple[bool, T | None]:
        """Run a vault call; (True, result) when it worked. A failure is reported through
        ``failed``; an abandoned call (shutdown) is dropped silently."""
        try:
            return True, call_abandonable(call, self.stop_event)
        except Abandoned:
            return False, None
        except SecretStoreError as exc:
            self.failed.emit(operation, exc.user_message, exc)
            return False, None

    @Slot(str)
    def keep_for_session(self, token: str) -> None:
        ok, _ = self._keyring("session", lambda: self._vault.keep_for_session(token))
        if ok:
            self.kept.emit()

    @Slot()
    def probe(self) -> None:
        ok, state = self._keyring("probe", self._vault.probe)
        if ok:
            self.probed.emit(state)

    @Slot()
    def load(self) -> None:
        ok, loaded = self._keyring("load", self._vault.load)
        if ok and loaded is not None:
            self.loaded.emit(*loaded)

    @Slot(str)
    def save(self, token: str) -> None:
        ok, _ = self._keyring("save", lambda: self._vault.save(token))
        if ok:
            self.saved.emit()

    @Slot()
    def remove(self) -> None:
        ok, _ = self._keyring("remove", self._vault.remove)
        if ok:
            self.removed.emit()

    @Slot(object, str)
    def test(self, config: ServiceConfig, token: str) -> None:
        """Lists the voices: an authenticated call that creates no job and costs nothing."""

        def call() -> None:
            with config.make_client(token) as client:
                client.list_voices()

        try:
            call_abandonable(call, self.stop_event)
        except Abandoned:
            return
        except (ApiError, ValueError) as exc:
            self.tested.emit(False, exc)
            return
        self.tested.emit(True, None)


class MediaCheckWorker(QObject):
    """Checks the request's media URLs before paying for a job; cancellable.

    Signals:
        checked(url, report): one URL's :class:`~avatar_desktop.core.media.MediaReport`.
        progress(done, total): how many URLs are checked.
        finished(cancelled): the whole check ended (``cancelled`` True when stopped).
    """

    checked = Signal(str, object)
    progress = Signal(int, int)
    finished = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self.stop_event = threading.Event()
        self.network = LinkNetwork()
        """The proxy and timeouts the checks follow (the media hosts are other people's
        servers, reached as result links are: :meth:`ServiceConfig.link_network`)."""

    def _cancelled(self) -> bool:
        return self.cancel_event.is_set() or self.stop_event.is_set()

    @Slot(list)
    def check(self, items: list[tuple[str, MediaRole]]) -> None:
        # cancel_event is cleared by the caller before it asks, so an early Cancel counts.
        self.progress.emit(0, len(items))
        for done, (url, role) in enumerate(items, start=1):
            if self._cancelled():
                self.finished.emit(True)
                return
            try:
                report = call_abandonable(
                    partial(
                        check_media, url, role, network=self.network, cancelled=self._cancelled
                    ),
                    self._cancelled,
                )
            except (CheckCancelled, Abandoned):
                self.finished.emit(True)
                return
            self.checked.emit(url, report)
            self.progress.emit(done, len(items))
        self.finished.emit(False)


class WorkerThreads(QObject):
    """Owns one ``QThread`` per worker; :meth:`shutdown` stops them without destroying a
    running thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[tuple[QThread, QObject]] = []

    def start(self, worker: QObject, name: str) -> None:
        thread = QThread(self)
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.finished.connect(worker.deleteLater)
        self._threads.append((thread, worker))
        thread.start()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Ask every worker to stop, then wait up to ``timeout_ms`` for each. True when every
        thread ended in time; one that did not is waited for (never destroyed running)."""
        for thread, worker in self._threads:
            stop = getattr(worker, "stop_event", None)
            if stop is not None:
                stop.set()
            thread.quit()
        all_done = True
        for thread, _worker in self._threads:
            if not thread.wait(timeout_ms):
                # Every blocking call is abandonable, so this means a bug: a slow exit is
                # better than destroying a running thread (which aborts the process).
                log.warning("thread %s did not stop in time; waiting", thread.objectName())
                all_done = False
                thread.wait()
        return all_done
