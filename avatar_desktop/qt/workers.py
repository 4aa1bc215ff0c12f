"""Qt workers: the window's blocking core calls as jobs of the background runner.

Each worker is a plain ``QObject`` on the UI thread: its slots start a job on a lane of the
:class:`~avatar_desktop.qt.runner.Runner` (the window's one runner; a worker made without one
has its own) and its signals carry the answers, always on the UI thread. Workers never touch
widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.config import LinkNetwork, ServiceConfig
from avatar_desktop.core.follower import Follower, FollowRound, TaskAnswer
from avatar_desktop.core.media import CheckCancelled, MediaReport, MediaRole, check_media
from avatar_desktop.core.service import ApiError, Voice
from avatar_desktop.core.store.tasks import TaskRecord
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import SecretStoreError, TokenVault
from avatar_desktop.qt.runner import Runner

log = logging.getLogger("avatar_desktop.qt.workers")


class _Worker(QObject):
    def __init__(self, runner: Runner | None) -> None:
        super().__init__()
        self._runner = runner if runner is not None else Runner(self)


class VoiceListWorker(_Worker):
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

    def __init__(self, cache: VoiceCache, runner: Runner | None = None) -> None:
        super().__init__(runner)
        self._cache = cache

    @Slot(object, str, str, bool)
    def load(self, config: ServiceConfig, token: str, language: str, refresh: bool) -> None:
        def failed(exc: Exception) -> None:
            # Never left unanswered: the picker would say "Loading" forever.
            if not isinstance(exc, ApiError):
                log.error("the voice list could not be loaded", exc_info=exc)
            self.voices_failed.emit(language, exc)

        self._runner.submit(
            "voices", lambda _cancel: self._load(config, token, language, refresh), None, failed
        )

    def _load(self, config: ServiceConfig, token: str, language: str, refresh: bool) -> None:
        report = self._runner.report
        cached = self._cache.load(config.base_url, language or None)
        if cached is not None:
            items, fetched_at = cached
            voices = [v for v in map(Voice.from_json, items) if v is not None]
            report(self.voices_loaded.emit, language, voices, True, fetched_at)
            if not refresh:
                return
        if not token:
            if cached is None or refresh:
                report(self.voices_failed.emit, language, None)  # None: no token to ask with
            return
        with config.make_client(token) as client:
            voices = client.list_voices(language or None)
        fetched: object = None
        try:
            self._cache.save(config.base_url, language or None, [v.to_json() for v in voices])
            fresh = self._cache.load(config.base_url, language or None)
            fetched = fresh[1] if fresh else None
        except Exception:  # the list is shown all the same; only the offline copy is missing
            log.exception("the voice list could not be cached")
        report(self.voices_loaded.emit, language, voices, False, fetched)


class TaskPollWorker(_Worker):
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

    @Slot(object, str, list)
    def poll(self, follower: Follower, token: str, items: list[TaskRecord | str]) -> None:
        """Ask ``follower``'s service about ``items`` (task records or bare task ids)."""

        def answered(answer: TaskAnswer) -> None:
            if answer.row_id is not None:
                self._runner.report(self.task_updated.emit, answer.row_id, answer.status)
                if answer.finished_now:
                    self._runner.report(self.task_finished.emit, answer.row_id, answer.status)

        def ask(cancel: CancelToken) -> FollowRound:
            with follower.config.make_client(token) as client:
                return follower.run_round(
                    client, items, should_stop=cancel.should_stop, on_answer=answered
                )

        def done(result: FollowRound) -> None:
            if result.stopped_by is not None:
                # Trouble with the service itself: the window's schedule decides when to ask.
                self.poll_failed.emit(result.stopped_by)
            self.poll_finished.emit()

        def failed(exc: Exception) -> None:
            if not isinstance(exc, ValueError):  # an unusable address or token: nothing asked
                log.error("a status round failed", exc_info=exc)
            self.poll_failed.emit(exc)  # never let a round's surprise end following for good
            self.poll_finished.emit()

        self._runner.submit("status", ask, done, failed)


class TokenWorker(_Worker):
    """Keyring operations (an unlock prompt can block) and the token test, in order.

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

    def __init__(self, vault: TokenVault, runner: Runner | None = None) -> None:
        super().__init__(runner)
        self._vault = vault

    def _keyring(
        self, operation: str, call: Callable[[], Any], done: Callable[[Any], None]
    ) -> None:
        """Run a vault call on the keyring lane; ``done(result)`` when it worked, a failure
        reported through ``failed``."""

        def failed(exc: Exception) -> None:
            if isinstance(exc, SecretStoreError):
                self.failed.emit(operation, exc.user_message, exc)
            else:
                log.error("keyring %s failed", operation, exc_info=exc)

        self._runner.submit("keyring", lambda _cancel: call(), done, failed)

    @Slot(str)
    def keep_for_session(self, token: str) -> None:
        self._keyring(
            "session", lambda: self._vault.keep_for_session(token), lambda _: self.kept.emit()
        )

    @Slot()
    def probe(self) -> None:
        self._keyring("probe", self._vault.probe, self.probed.emit)

    @Slot()
    def load(self) -> None:
        def done(loaded: Any) -> None:
            if loaded is not None:
                self.loaded.emit(*loaded)

        self._keyring("load", self._vault.load, done)

    @Slot(str)
    def save(self, token: str) -> None:
        self._keyring("save", lambda: self._vault.save(token), lambda _: self.saved.emit())

    @Slot()
    def remove(self) -> None:
        self._keyring("remove", self._vault.remove, lambda _: self.removed.emit())

    @Slot(object, str)
    def test(self, config: ServiceConfig, token: str) -> None:
        """Lists the voices: an authenticated call that creates no job and costs nothing."""

        def call(_cancel: CancelToken) -> None:
            with config.make_client(token) as client:
                client.list_voices()

        def failed(exc: Exception) -> None:
            if not isinstance(exc, ApiError | ValueError):
                log.error("the token test failed", exc_info=exc)
            self.tested.emit(False, exc)

        self._runner.submit("keyring", call, lambda _: self.tested.emit(True, None), failed)


class MediaCheckWorker(_Worker):
    """Checks the request's media URLs before paying for a job, one after the other;
    :meth:`cancel` stops at once (a check still waiting for an answer is dropped).

    Signals:
        checked(url, report): one URL's :class:`~avatar_desktop.core.media.MediaReport`.
        progress(done, total): how many URLs are checked.
        finished(cancelled): the whole check ended (``cancelled`` True when stopped).
    """

    checked = Signal(str, object)
    progress = Signal(int, int)
    finished = Signal(bool)

    def __init__(self, runner: Runner | None = None) -> None:
        super().__init__(runner)
        self._cancel: CancelToken | None = None  # the check under way
        self.network = LinkNetwork()
        """The proxy and timeouts the checks follow (the media hosts are other people's
        servers, reached as result links are: :meth:`ServiceConfig.link_network`)."""

    @Slot(list)
    def check(self, items: list[tuple[str, MediaRole]]) -> None:
        if self._cancel is not None:
            self._cancel.cancel()  # replaced: its answers are dropped
        cancel = self._cancel = CancelToken()
        self.progress.emit(0, len(items))
        self._next(cancel, list(items), 0)

    @Slot()
    def cancel(self) -> None:
        """Stop the check under way; ``finished(True)`` follows at once."""
        cancel, self._cancel = self._cancel, None
        if cancel is not None:
            cancel.cancel()
            self.finished.emit(True)

    def _next(self, cancel: CancelToken, items: list[tuple[str, MediaRole]], done: int) -> None:
        if done == len(items):
            self._cancel = None
            self.finished.emit(False)
            return
        url, role = items[done]
        network = self.network

        def work(token: CancelToken) -> MediaReport:
            return check_media(url, role, network=network, cancelled=token.should_stop)

        def checked(report: MediaReport) -> None:
            if cancel.cancelled:
                return  # cancelled while it waited for its answer: dropped
            self.checked.emit(url, report)
            self.progress.emit(done + 1, len(items))
            self._next(cancel, items, done + 1)

        def failed(exc: Exception) -> None:
            if cancel.cancelled:
                return
            if not isinstance(exc, CheckCancelled):
                log.error("a media check failed", exc_info=exc)
            self._cancel = None
            self.finished.emit(True)

        self._runner.submit("media", work, checked, failed, token=cancel)


__all__ = ["MediaCheckWorker", "TaskPollWorker", "TokenWorker", "VoiceListWorker"]
