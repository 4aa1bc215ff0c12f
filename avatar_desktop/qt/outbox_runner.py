"""Runs the outbox's sender off the UI thread, on the clock of the core's sending rules.

How one item is sent is :mod:`avatar_desktop.core.delivery`'s; when the window sends on its own
is :mod:`avatar_desktop.core.sending`'s (:class:`~avatar_desktop.core.sending.SendingPolicy`:
auto-send, asking before more than a few, the token and quota pauses, offline and back, how
often to probe and recover). This adapter only drives them on a timer and on the lanes of the
window's :class:`~avatar_desktop.qt.runner.Runner`, and reports through signals:

* **Submit** sends one item at once (:meth:`OutboxRunner.submit_item`), on a lane of its own so a
  long automatic run never delays it.
* **Automatically**, every due item goes out, a few at a time; asking first
  (:attr:`OutboxRunner.confirmation_needed`) when the policy says so. While the question is
  open, :meth:`OutboxRunner.follow_question` (on every change of the data file) keeps it to
  the items still waiting (:attr:`OutboxRunner.confirmation_changed`).
* An unreachable service is checked without sending anything (a TCP connection to its host)
  and sending resumes by itself.
* Items a dead process left ``sending`` become ``outcome_unknown`` (checked every few ticks,
  so an ``avatar-cli`` run killed while the window is open is seen too).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.delivery import (
    RunReport,
    Sender,
    SendOutcome,
    UnsavedTaskIds,
    send_due,
)
from avatar_desktop.core.local_files import FileHome, file_home, uploader_factory
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.sending import (
    SendingPolicy,
    needs_confirmation,
    recover_due,
    still_asked,
)
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.outbox import Outbox, Recovery
from avatar_desktop.qt.runner import Runner

log = logging.getLogger("avatar_desktop.qt.outbox")

TICK_MS = 1000


@dataclass(frozen=True)
class SendJob:
    """One job for a lane: send ``item_id`` now, or the due items ``only`` (``item_id``
    None), taking unreachable-waiting ones at once when ``explicit``."""

    config: ServiceConfig
    token: str
    item_id: int | None = None
    concurrency: int = 2
    explicit: bool = True
    only: tuple[int, ...] | None = None


class OutboxRunner(QObject):
    """Sends the outbox of the window's current service.

    Signals:
        outcome(SendOutcome): one send ended (for the status bar and the compose area).
        item_finished(int): a Submit job for this item ended, after its outcome if it had one
            (none: another process took it, or the service asked to wait).
        unsaved_stored(int, str): the task id of an accepted item, which could not be written
            at first, is stored now.
        confirmation_needed(int): this many items would go out at once; call :meth:`confirm`.
        confirmation_changed(int): only this many of the items asked about still wait (another
            program sent, cancelled or moved the others); 0: none, the question is moot and no
            answer is awaited.
        state_changed(): online / paused / busy changed (for the status bar).
        token_refused(): the service refused the token; sending is paused.
        upload_progress(int, str, int, int): a file of an item is uploading: the item, its
            field, bytes done, the file's size (each whole percent at most once).
    """

    outcome = Signal(object)
    confirmation_needed = Signal(int)
    confirmation_changed = Signal(int)
    state_changed = Signal()
    token_refused = Signal()
    item_finished = Signal(int)
    unsaved_stored = Signal(int, str)
    upload_progress = Signal(int, str, int, int)

    def __init__(
        self,
        outbox: Outbox,
        data_dir: Path,
        *,
        auto_send: bool = True,
        concurrency: int = 2,
        tick_ms: int = TICK_MS,
        runner: Runner | None = None,
        settings: AppSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.outbox = outbox
        self._settings = settings
        """Where local files are uploaded (the storage settings); None: nowhere."""
        self._data_dir = data_dir
        self.owner = ProcessOwner(data_dir)
        self.gate = RateGate()
        self.policy = SendingPolicy(auto_send=auto_send)
        """When sending goes on its own (the core's rules). The window sets its ``auto_send``
        setting; the rest changes through the runner's methods (they signal
        :attr:`state_changed`)."""
        self.concurrency = concurrency
        self._config: ServiceConfig | None = None
        self._token: str | None = None
        self._running = 0  # jobs handed to the workers and not finished
        self._asked: tuple[int, ...] = ()  # the items the user is asked to send at once
        self._asking = False
        self.unsaved = UnsavedTaskIds()
        """Accepted items whose task id could not be written yet (a full disk): retried."""
        self._ticks = 0

        self._own_runner = runner is None
        self._runner = runner if runner is not None else Runner(self)

        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        QTimer.singleShot(0, self, self._watch_system_network)  # after the first paint
        self.recovery_at_start = self._recover()
        """What became of the items an earlier run left "sending" (see :class:`Recovery`)."""
        self.recovered_at_start = self.recovery_at_start.unknown
        """Items an earlier run left "sending": now "outcome_unknown", for the user to see."""

    # -- configuration --

    def configure(self, config: ServiceConfig, token: str | None) -> None:
        """The window's service or token changed. A new token lifts a token pause."""
        new_service = self._config is None or config.base_url != self._config.base_url
        self.policy.use(config, new_service=new_service, new_token=token != self._token)
        self._config, self._token = config, token
        self.state_changed.emit()
        QTimer.singleShot(0, self.tick)

    @property
    def config(self) -> ServiceConfig | None:
        return self._config

    def file_home(self) -> FileHome:
        """Where the local files of jobs queued now for the current service go (the core's
        rule: the storage, the built-in sandbox, or nowhere)."""
        if self._settings is None or self._config is None:
            return FileHome.NONE
        return file_home(self._settings, self._config)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def can_send(self) -> bool:
        return bool(self._config is not None and self._token)

    # -- the user's commands --

    def submit_item(self, item_id: int) -> bool:
        """Send ``item_id`` now (the Submit button); False when there is no token."""
        if not self.can_send():
            return False
        assert self._config is not None and self._token is not None
        self._send("submit", SendJob(self._config, self._token, item_id))
        return True

    def send_now(self) -> bool:
        """Send every due item now, waiting only where the service asked to wait. Asks first
        (:attr:`confirmation_needed`) when more than a few would go. False when nothing went
        (:func:`~avatar_desktop.core.sending.why_nothing_sent` says why)."""
        self.policy.send_now()
        self.state_changed.emit()
        return self._start_run(explicit=True)

    def confirm(self) -> int:
        """The user agreed to send the items they were asked about: those of them still
        waiting go (items queued since then wait for the next question). Returns how many
        were still waiting; 0: another program sent or changed them all meanwhile."""
        self._asking = False
        asked, self._asked = self._asked, ()
        left = self._still_asked(asked)
        if left and self.can_send() and not self.policy.token_paused:
            assert self._config is not None and self._token is not None
            self._send(
                "send", SendJob(self._config, self._token, None, self.concurrency, True, left)
            )
        return len(left)

    @Slot()
    def follow_question(self) -> None:
        """The data file changed: while the user is asked, the question keeps to the items
        still waiting (:attr:`confirmation_changed` when that changed)."""
        if not self._asking:
            return
        left = self._still_asked(self._asked)
        if left == self._asked:
            return
        self._asked = left
        self._asking = bool(left)
        self.confirmation_changed.emit(len(left))

    def _still_asked(self, asked: tuple[int, ...]) -> tuple[int, ...]:
        """Of ``asked``, the items a send would still take (all of them when the outbox
        cannot be read: the send then checks each one as it claims it)."""
        if not asked or self._config is None:
            return ()
        try:
            return still_asked(asked, self.outbox.due_ids(self._config.base_url, explicit=True))
        except StoreError as exc:
            log.warning("could not read the outbox: %s", exc)
            return asked

    def decline(self) -> None:
        """The user did not want the items sent now: automatic sending waits for "Send now"."""
        self._asking = False
        self._asked = ()
        self.policy.pause()
        self.state_changed.emit()

    def pause(self) -> None:
        self.policy.pause()
        self.state_changed.emit()

    def resume(self) -> None:
        self.policy.resume()
        self.state_changed.emit()
        QTimer.singleShot(0, self.tick)

    # -- the clock --

    @Slot()
    def tick(self) -> None:
        self._ticks += 1
        if recover_due(self._ticks):
            self.recover()
        if self.unsaved:
            for stored in self.unsaved.store(self.outbox, self.owner.owner_id):
                self.unsaved_stored.emit(stored.item_id, stored.task_id or "")
        if self._config is None:
            return
        if self.policy.probe_due(self._ticks):
            self._probe(self._config.request_url)
        if self.policy.may_auto_send():
            self._start_run(explicit=False)

    def recover(self) -> list[int]:
        """Items that dead processes left ``sending`` become ``outcome_unknown`` (or
        ``submitted``, when a note kept their task id while the disk was full)."""
        return self._recover().unknown

    def _recover(self) -> Recovery:
        try:
            return self.outbox.recover(lambda who: owner_is_alive(self._data_dir, who))
        except StoreError as exc:
            log.warning("could not look for interrupted sends: %s", exc)
            return Recovery()

    def _start_run(self, *, explicit: bool) -> bool:
        """Send the due items (asking first when the policy says so); False when none went."""
        if self._running or self._asking or not self.can_send() or self.policy.token_paused:
            return False
        assert self._config is not None and self._token is not None
        try:
            due = tuple(self.outbox.due_ids(self._config.base_url, explicit=explicit))
        except StoreError as exc:
            log.warning("could not read the outbox: %s", exc)
            return False
        if not due or self.gate.wait_seconds(self._config.base_url) > 0:
            return False
        if needs_confirmation(len(due)):
            # Each is billed: ask first, then send exactly those.
            self._asking = True
            self._asked = due
            self.confirmation_needed.emit(len(due))
            return True
        self._send(
            "send", SendJob(self._config, self._token, None, self.concurrency, explicit, due)
        )
        return True

    def _send(self, lane: str, job: SendJob) -> None:
        """Send ``job`` on ``lane`` of the runner; its outcomes come one by one, then the end."""
        self._running += 1
        self.state_changed.emit()
        report = RunReport()

        def failed(exc: Exception) -> None:
            if isinstance(exc, StoreError):
                report.store_error = exc
            else:
                log.error("unexpected failure while sending", exc_info=exc)
            self._on_finished(job, report)

        # Closing drops the job's end: in-flight items stay "sending" (then outcome_unknown).
        self._runner.submit(
            lane,
            lambda cancel: self._deliver(job, report, cancel),
            lambda _: self._on_finished(job, report),
            failed,
        )

    def _deliver(self, job: SendJob, report: RunReport, cancel: CancelToken) -> None:
        """On the lane's thread: the core's sending of ``job`` (noted in ``report``)."""
        config, token = job.config, job.token
        sender = Sender(
            self.outbox,
            self.owner.owner_id,
            config.base_url,
            lambda: config.make_client(token),
            gate=self.gate,
            unsaved=self.unsaved,
            uploader_factory=(
                None if self._settings is None else uploader_factory(self._settings, config)
            ),
        )
        sender.storage_refused = self.policy.storage_paused
        sender.on_progress = self._progress_reporter()

        def sent(outcome: SendOutcome) -> None:
            self._runner.report(self._on_outcome, outcome)

        if job.item_id is not None:
            outcome = sender.send_item(job.item_id)
            if outcome is not None:
                report.outcomes.append(outcome)
                sent(outcome)
            return
        result = send_due(
            sender,
            concurrency=job.concurrency,
            explicit=job.explicit,
            only=job.only,
            should_stop=cancel.should_stop,
            on_outcome=sent,
        )
        report.outcomes[:] = result.outcomes
        report.stopped = result.stopped
        report.store_error = result.store_error

    def _progress_reporter(self) -> Callable[[int, str, int, int], None]:
        """On a sending thread: the upload progress of an item's file, passed to the UI thread
        at each whole percent (not at every piece sent)."""
        shown: dict[tuple[int, str], int] = {}

        def progress(item_id: int, name: str, done: int, total: int) -> None:
            percent = 100 if total <= 0 else done * 100 // total
            if shown.get((item_id, name)) != percent:
                shown[(item_id, name)] = percent
                self._runner.report(self.upload_progress.emit, item_id, name, done, total)

        return progress

    def _probe(self, base_url: str) -> None:
        """Check, without sending anything, whether the service's host accepts connections."""
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)

        def connect(_cancel: CancelToken) -> bool:
            try:
                with socket.create_connection((host, port), timeout=5):
                    return True
            except OSError:
                return False

        self._runner.submit(
            "probe", connect, lambda reachable: self._on_probed(base_url, reachable)
        )

    def _on_outcome(self, outcome: SendOutcome) -> None:
        if self.policy.record(outcome):
            self.token_refused.emit()
        self.outcome.emit(outcome)
        self.state_changed.emit()

    def _on_finished(self, job: SendJob, report: RunReport) -> None:
        self._running = max(0, self._running - 1)
        if job.item_id is not None:
            self.item_finished.emit(job.item_id)
        self.policy.finished(report)
        self.state_changed.emit()

    def _on_probed(self, base_url: str, reachable: bool) -> None:
        if self._config is None or base_url != self._config.request_url:
            return
        if self.policy.probed(reachable):
            log.info("%s can be reached again", base_url)
            self.state_changed.emit()
            self._resume_after_outage()

    def _resume_after_outage(self) -> None:
        """The service can be reached again: what waited only for that goes now, with the
        rest (asking first when that is many)."""
        if self.policy.may_auto_send():
            self._start_run(explicit=True)

    def _watch_system_network(self) -> None:
        """Follow the system's own idea of the network, where Qt has a backend for it."""
        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            return
        info = QNetworkInformation.instance()
        if info is None:
            return
        info.reachabilityChanged.connect(self._on_reachability)
        self._on_reachability(info.reachability())

    @Slot(object)
    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        self.set_system_offline(reachability is QNetworkInformation.Reachability.Disconnected)

    def set_system_offline(self, offline: bool) -> None:
        """The system says the computer has no network (a service on this computer — the
        sandbox — is still reachable)."""
        if not self.policy.set_system_offline(offline):
            return
        self.state_changed.emit()
        if not offline:
            self._resume_after_outage()

    # -- closing --

    def shutdown(self) -> None:
        """Stop the clock and the threads; items in flight stay ``sending`` under this process
        and become ``outcome_unknown`` once it has ended. While a request may still be on its
        way, this process keeps its lock (the OS frees it at exit), so no other process
        declares that item lost while an answer can still arrive."""
        busy = self.busy
        self._timer.stop()
        if self._own_runner:
            self._runner.shutdown()
        if not busy:
            self.owner.release()


__all__ = ["OutboxRunner", "SendJob"]
