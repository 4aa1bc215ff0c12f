"""Sending outbox items: claim, send, classify the answer, schedule retries (Qt-free).

The window (through a background thread) and ``avatar-cli`` run this very code; it is the one
path of every paid request. The rules:

* retry on its own only when the request surely never reached the service (refused connection,
  DNS, connect timeout: :class:`~avatar_desktop.core.service.NotSent`) and on 429 / 503
  (honouring ``Retry-After``, else backoff with jitter);
* a dropped answer, a read timeout, a 502 / 504 from a gateway, or a "success" without a task id
  may hide a billed job: ``outcome_unknown``, for the user to decide;
* any other error answer (including a 500 with the gateway's JSON) is a refusal: ``refused``,
  with the service's message verbatim;
* a refused token (401 / 403) gives the item back untouched (``queued``) and pauses sending.

An item with local files is ``uploading`` first (free: nothing is billed until the request
leaves): each file is checked again — one changed or gone since it was queued makes the item
``refused``, nothing uploaded or sent — and uploaded (:mod:`avatar_desktop.core.local_files`);
the body with the files' URLs is kept with the item (``sent_payload``) before it leaves. A
storage that cannot be reached is waited for as an unreachable service is (``retry_wait``); a
storage that refuses its keys gives the item back untouched (``queued``) and pauses the
sending of items with files.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from avatar_desktop.core.cancel import Cancelled
from avatar_desktop.core.local_files import FileChanged, FileProgress, Uploader, recheck, upload
from avatar_desktop.core.pacing import RateGate, backoff_delay
from avatar_desktop.core.request import GenerationRequest, ValidationError
from avatar_desktop.core.service import (
    ApiError,
    AuthError,
    BadResponse,
    ErrorKind,
    MissingTaskId,
    NotSent,
    OutcomeUnknown,
    QuotaExhausted,
    RateLimited,
    ServerError,
    TokenError,
    error_kind,
)
from avatar_desktop.core.store.database import DiskFull, StoreError
from avatar_desktop.core.store.outbox import ItemState, Outbox, OutboxItem, Reason, WaitKind
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.uploads import StorageError, StorageRefused, StorageUnreachable

log = logging.getLogger("avatar_desktop.delivery")

CONFIRM_ABOVE = 5
"""Sending more items than this in one go asks the user first: each one is billed."""


class Decision(enum.StrEnum):
    """What became of one send."""

    SUBMITTED = "submitted"
    RETRY = "retry"
    REFUSED = "refused"
    OUTCOME_UNKNOWN = "outcome_unknown"
    TOKEN_REFUSED = "token_refused"
    STORAGE_REFUSED = "storage_refused"
    """The storage refused its key pair (or cannot be used): the item is queued again."""
    UPLOAD_STOPPED = "upload_stopped"
    """The run stopped during the upload: the item is queued again, nothing was sent."""


@dataclass(frozen=True)
class Verdict:
    """How an error is handled: the decision, and for a retry, why and how long to wait."""

    decision: Decision
    wait_kind: WaitKind | None = None
    retry_after: float | None = None


def classify(error: BaseException) -> Verdict:
    """The rule for a submission that raised ``error`` (see the module docstring)."""
    if isinstance(error, NotSent):
        return Verdict(Decision.RETRY, WaitKind.UNREACHABLE)
    if isinstance(error, RateLimited):
        return Verdict(Decision.RETRY, WaitKind.SERVICE, error.retry_after)
    if isinstance(error, ServerError):
        if error.status == 503:
            return Verdict(Decision.RETRY, WaitKind.SERVICE, error.retry_after)
        if error.status in (502, 504):
            return Verdict(Decision.OUTCOME_UNKNOWN)
        return Verdict(Decision.REFUSED)
    if isinstance(error, OutcomeUnknown | MissingTaskId):
        return Verdict(Decision.OUTCOME_UNKNOWN)
    if isinstance(error, AuthError | TokenError):
        return Verdict(Decision.TOKEN_REFUSED)
    if isinstance(error, BadResponse):
        # An unreadable "200" may hide a created job; a redirect or an odd status did not.
        if error.status == 200:
            return Verdict(Decision.OUTCOME_UNKNOWN)
        return Verdict(Decision.REFUSED)
    if isinstance(error, ApiError | ValidationError | ValueError):
        return Verdict(Decision.REFUSED)
    return Verdict(Decision.OUTCOME_UNKNOWN)  # a bug: nobody can say what was sent


def reason_of(error: BaseException) -> Reason:
    """The reason stored with the item: its kind, and the service's own message verbatim when
    it gave one, else the error's English text."""
    kind = error_kind(error)
    if isinstance(error, ApiError) and error.server_message:
        return Reason(error.server_message, kind, verbatim=True)
    return Reason(str(error) or type(error).__name__, kind)


class SubmitClient(Protocol):
    """What the sender needs of a client (an :class:`~avatar_desktop.core.client.AvatarClient`)."""

    def submit(self, request: GenerationRequest) -> str: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SendOutcome:
    """The end of one send: the item, what became of it, and the task it made, if any."""

    item_id: int
    decision: Decision
    task_id: str | None = None
    task_row_id: int | None = None
    reason: str | None = None
    error: BaseException | None = field(default=None, compare=False)
    saved: bool = True
    """False when the service accepted the job but the task id could not be written yet."""
    quota: bool = False
    """The refusal was an empty balance: the rest of the run should stop too."""


class UnsavedTaskIds:
    """Task ids of jobs the service accepted but that could not be written yet (a full disk),
    by item id. One per process, shared by all its senders, so none is forgotten when the
    sender that got the answer is gone; :meth:`store` writes them again. Until then each one
    also has a note beside the data file (:meth:`Outbox.note_unwritten`), for the next start
    if this process ends first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[int, str] = {}

    def add(self, item_id: int, task_id: str) -> None:
        with self._lock:
            self._ids[item_id] = task_id

    def snapshot(self) -> dict[int, str]:
        with self._lock:
            return dict(self._ids)

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._ids)

    def store(self, outbox: Outbox, owner: str) -> list[SendOutcome]:
        """Write the task ids kept so far; returns the ones now stored."""
        stored = []
        for item_id, task_id in self.snapshot().items():
            try:
                row_id = outbox.mark_submitted(item_id, owner, task_id)
            except DiskFull:
                continue
            except StoreError:
                found = _written_elsewhere(outbox, item_id, task_id)
                if found is None:
                    continue
                row_id = found
            with self._lock:
                self._ids.pop(item_id, None)
            outbox.forget_unwritten(item_id)
            stored.append(SendOutcome(item_id, Decision.SUBMITTED, task_id, row_id))
        return stored


def _written_elsewhere(outbox: Outbox, item_id: int, task_id: str) -> int | None:
    """The task row of ``task_id`` when item ``item_id`` is no longer this sender's to finish
    but its task id is written after all: the item was settled meanwhile (the user gave the
    task id, or another program found the item ``outcome_unknown`` — then it is written now).
    None when it cannot be written yet."""
    try:
        item = outbox.get(item_id)
        if item is None:
            return None
        if item.state is ItemState.OUTCOME_UNKNOWN:
            return outbox.resolve_submitted(item_id, task_id)
        if item.state is ItemState.SUBMITTED and item.task_id == task_id:
            record = TaskStore(outbox.db).find(task_id)
            return record.row_id if record is not None else None
    except StoreError:
        return None
    return None


class Sender:
    """Sends the outbox items of one service as one process (``owner``).

    ``client_factory`` makes a client for one send (a fresh session per thread). The task ids
    of jobs the service accepted but that could not be stored (a full disk) are kept in
    :attr:`unsaved` (the process's ``unsaved``, when given) and written again by
    :meth:`retry_unsaved`.
    """

    def __init__(
        self,
        outbox: Outbox,
        owner: str,
        service_url: str,
        client_factory: Callable[[], SubmitClient],
        *,
        gate: RateGate | None = None,
        rng: random.Random | None = None,
        unsaved: UnsavedTaskIds | None = None,
        uploader_factory: Callable[[], Uploader] | None = None,
        on_progress: Callable[[int, str, int, int], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.owner = owner
        self.service_url = service_url
        self._client_factory = client_factory
        self.gate = gate or RateGate()
        self._rng = rng or random.Random()
        self.unsaved = unsaved if unsaved is not None else UnsavedTaskIds()
        self._uploader_factory = uploader_factory
        self._uploader: Uploader | None = None
        self._uploader_lock = threading.Lock()
        self._upload_lock = threading.Lock()
        self.on_progress = on_progress
        """``on_progress(item_id, field, bytes_done, total)`` while an item's files upload."""
        self.should_stop: Callable[[], bool] = lambda: False
        """Asked while files upload: True stops the upload (the item is queued again)."""
        self.storage_refused = False
        """The storage refused this run: items with files are not taken any more."""

    def send_next(
        self, *, explicit: bool, only: Collection[int] | None = None, since: float | None = None
    ) -> SendOutcome | None:
        """Claim the oldest due item (one of ``only``, when given) and send it; None when
        nothing is due (or the service asked to wait: see :attr:`gate`). ``since``: when the
        run began (see :meth:`Outbox.claim_next`)."""
        if self.gate.wait_seconds(self.service_url) > 0:
            return None
        item = self.outbox.claim_next(
            self.service_url,
            self.owner,
            explicit=explicit,
            only=only,
            since=since,
            without_files=self.storage_refused,
        )
        if item is None:
            return None
        return self.send_claimed(item)

    def send_item(self, item_id: int) -> SendOutcome | None:
        """Claim item ``item_id`` (if still queued or waiting, and of this service) and send it
        now; None when it was not sent (taken by another process, cancelled, or the service
        asked to wait — a ``Retry-After`` is honoured even for Submit)."""
        if self.gate.wait_seconds(self.service_url) > 0:
            return None
        item = self.outbox.claim(item_id, self.owner, self.service_url)
        if item is None:
            return None
        return self.send_claimed(item)

    def send_claimed(self, item: OutboxItem) -> SendOutcome:
        """Send an item this owner has claimed, and record what became of it."""
        if item.service_url != self.service_url:
            raise ValueError("an item is only ever sent to the service it was queued for")
        try:
            # A local path never leaves: only an uploading item's are replaced by links.
            uploading = item.state is ItemState.UPLOADING
            request = GenerationRequest.from_payload(item.payload, local_files=uploading)
        except Exception as error:
            return self._failed(item, error)
        if uploading:
            try:
                body = self._upload(item)
                request = GenerationRequest.from_payload(body)  # URLs only now
            except Exception as error:
                return self._upload_failed(item, error)
            if not self.outbox.mark_uploaded(item.item_id, self.owner, body):
                raise StoreError(f"Outbox item {item.item_id} is no longer sent by this program.")
        try:
            client = self._client_factory()
            try:
                task_id = client.submit(request)
            finally:
                client.close()
        except Exception as error:
            return self._failed(item, error)
        return self._accepted(item, task_id)

    def _upload(self, item: OutboxItem) -> dict[str, Any]:
        """Check the item's files again, upload them, and return the body to send."""
        recheck(item.files, self.should_stop)
        with self._uploader_lock:
            if self._uploader is None:
                if self._uploader_factory is None:
                    raise StorageRefused("this program cannot upload local files")
                self._uploader = self._uploader_factory()
            uploader = self._uploader
        progress: FileProgress | None = None
        if self.on_progress is not None:
            report = self.on_progress

            def progress(name: str, done: int, total: int) -> None:
                report(item.item_id, name, done, total)

        with self._upload_lock:  # one at a time: a file two items share is stored once
            return upload(item.payload, item.files, uploader, progress, self.should_stop)

    def _upload_failed(self, item: OutboxItem, error: Exception) -> SendOutcome:
        """Nothing reached the service: the item waits, goes back, or needs the user."""
        log.info("item %d: upload failed (%s)", item.item_id, type(error).__name__)
        decision = Decision.REFUSED
        if isinstance(error, FileChanged):
            reason = Reason(str(error), ErrorKind.FILE_CHANGED)
            self.outbox.mark_refused(item.item_id, self.owner, reason)
        elif isinstance(error, StorageUnreachable):
            decision = Decision.RETRY
            reason = Reason(
                f"The storage could not be reached ({error.detail}); nothing was sent.",
                ErrorKind.STORAGE_UNREACHABLE,
            )
            self.outbox.mark_retry(
                item.item_id,
                self.owner,
                delay=backoff_delay(item.attempts, rng=self._rng),
                reason=reason,
                wait_kind=WaitKind.UNREACHABLE,
            )
        elif isinstance(error, StorageRefused):
            decision = Decision.STORAGE_REFUSED
            self.storage_refused = True
            reason = Reason(
                f"The storage (not the service's token) was refused: {error.detail}. Check "
                "the storage settings and keys ('avatar-cli storage test'); nothing was sent.",
                ErrorKind.STORAGE_REFUSED,
            )
            self.outbox.release(item.item_id, self.owner, reason)
        elif isinstance(error, Cancelled):
            decision = Decision.UPLOAD_STOPPED
            reason = Reason("The upload was stopped; nothing was sent.", ErrorKind.OTHER)
            self.outbox.release(item.item_id, self.owner, reason)
        else:  # the storage failed otherwise, a file broke off, the URL cannot be sent
            detail = error.detail if isinstance(error, StorageError) else str(error)
            reason = Reason(
                f"The upload of a local file failed: {detail or type(error).__name__}; "
                "nothing was sent.",
                ErrorKind.OTHER,
            )
            self.outbox.mark_refused(item.item_id, self.owner, reason)
        return SendOutcome(item.item_id, decision, reason=reason.text, error=error)

    def _accepted(self, item: OutboxItem, task_id: str) -> SendOutcome:
        try:
            row_id = self.outbox.mark_submitted(item.item_id, self.owner, task_id)
        except StoreError as exc:
            log.error("item %d: accepted as task %s but not stored: %s", item.item_id, task_id, exc)
            self.unsaved.add(item.item_id, task_id)
            self.outbox.note_unwritten(
                item.item_id, self.owner, task_id, disk_full=isinstance(exc, DiskFull)
            )
            return SendOutcome(
                item.item_id, Decision.SUBMITTED, task_id, None, str(exc), exc, saved=False
            )
        return SendOutcome(item.item_id, Decision.SUBMITTED, task_id, row_id)

    def retry_unsaved(self) -> list[SendOutcome]:
        """Write the task ids that could not be stored before; returns the ones now stored."""
        return self.unsaved.store(self.outbox, self.owner)

    def _failed(self, item: OutboxItem, error: Exception) -> SendOutcome:
        verdict = classify(error)
        reason = reason_of(error)
        log.info("item %d: %s (%s)", item.item_id, verdict.decision.value, type(error).__name__)
        try:
            if verdict.decision is Decision.RETRY:
                assert verdict.wait_kind is not None
                delay = verdict.retry_after
                if delay is None:
                    delay = backoff_delay(item.attempts, rng=self._rng)
                if verdict.wait_kind is WaitKind.SERVICE:
                    self.gate.hold(self.service_url, delay)
                self.outbox.mark_retry(
                    item.item_id,
                    self.owner,
                    delay=delay,
                    reason=reason,
                    wait_kind=verdict.wait_kind,
                )
            elif verdict.decision is Decision.TOKEN_REFUSED:
                self.outbox.release(item.item_id, self.owner, reason)
            elif verdict.decision is Decision.REFUSED:
                self.outbox.mark_refused(item.item_id, self.owner, reason)
            else:
                self.outbox.mark_outcome_unknown(item.item_id, self.owner, reason)
        except StoreError as exc:
            # The item stays "sending" under this owner: at the latest when this process ends it
            # becomes outcome_unknown, which is never wrong; the note says why.
            log.error("item %d: could not record %s: %s", item.item_id, verdict.decision, exc)
            self.outbox.note_unwritten(
                item.item_id, self.owner, None, disk_full=isinstance(exc, DiskFull)
            )
        return SendOutcome(
            item.item_id,
            verdict.decision,
            reason=reason.text,
            error=error,
            quota=isinstance(error, QuotaExhausted),
        )


# --- a run of sends, for the command line ---------------------------------------------------


class RunStop(enum.StrEnum):
    """Why a run of sends ended early."""

    TOKEN_REFUSED = "token_refused"
    UNREACHABLE = "unreachable"
    QUOTA = "quota"
    STORAGE_REFUSED = "storage_refused"
    """Items without local files went on; those with files wait for the storage."""
    STORAGE_UNREACHABLE = "storage_unreachable"
    """The storage local files go to could not be reached (as an unreachable service)."""
    CANCELLED = "cancelled"


@dataclass
class RunReport:
    """Everything a run of sends did."""

    outcomes: list[SendOutcome] = field(default_factory=list)
    stopped: RunStop | None = None
    store_error: StoreError | None = None
    """The data file failed while claiming: the run stopped, nothing was sent unrecorded."""

    def by(self, decision: Decision) -> list[SendOutcome]:
        return [o for o in self.outcomes if o.decision is decision]


def send_due(
    sender: Sender,
    *,
    concurrency: int = 2,
    wait: bool = False,
    explicit: bool = True,
    only: Collection[int] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    on_outcome: Callable[[SendOutcome], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = 1.0,
) -> RunReport:
    """Send the due items of ``sender``'s service, ``concurrency`` at a time — only the items
    ``only`` when given (what the user agreed to: items queued during the run wait for the
    next one).

    An explicit send (the default): items that waited only because the service was
    unreachable go at once; a delay the service asked for is honoured. Without ``wait`` the
    run ends when nothing is due; with it, it goes on through those delays until nothing of
    the service (of ``only``, when given) is queued or waiting and nothing is being sent.
    Either way it stops as soon as the token is refused, the service cannot be reached at all,
    or the balance is used up.
    """
    report = RunReport()
    lock = threading.Lock()
    stop = threading.Event()
    sender.should_stop = lambda: stop.is_set() or should_stop()
    # An item one lane finds unreachable is not tried again by another in the same run.
    began = time.time()

    def note(outcome: SendOutcome) -> None:
        with lock:
            report.outcomes.append(outcome)
            if outcome.decision is Decision.TOKEN_REFUSED:
                report.stopped = RunStop.TOKEN_REFUSED
                stop.set()
            elif outcome.decision is Decision.RETRY and isinstance(outcome.error, NotSent):
                report.stopped = report.stopped or RunStop.UNREACHABLE
                stop.set()
            elif outcome.decision is Decision.RETRY and isinstance(
                outcome.error, StorageUnreachable
            ):
                report.stopped = report.stopped or RunStop.STORAGE_UNREACHABLE
                stop.set()
            elif outcome.decision is Decision.STORAGE_REFUSED:
                report.stopped = report.stopped or RunStop.STORAGE_REFUSED
            elif outcome.quota:
                report.stopped = report.stopped or RunStop.QUOTA
                stop.set()
        if on_outcome is not None:
            on_outcome(outcome)

    def worker() -> None:
        while not stop.is_set() and not should_stop():
            try:
                outcome = sender.send_next(explicit=explicit, only=only, since=began)
            except StoreError as exc:
                with lock:
                    report.store_error = exc
                stop.set()
                return
            if outcome is None:
                return
            note(outcome)

    workers = max(1, concurrency)
    while True:
        # Daemon threads: a process that quits while a request is in flight is not held back
        # by it (the item stays "sending" under this owner, so it becomes outcome_unknown).
        threads = [
            threading.Thread(target=worker, name=f"avatar-send-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():  # in slices: Ctrl+C is not seen during a plain join on
                thread.join(0.2)  # Windows, and the workers would go on taking items
        if should_stop() and report.stopped is None:
            report.stopped = RunStop.CANCELLED
        if not wait or stop.is_set() or report.stopped is not None:
            return report
        counts = sender.outbox.counts(sender.service_url)
        if only is not None:
            # Done when what this run may send is sent, and nothing of the service is on its
            # way (another program's send may still end, or be found interrupted).
            left = [sender.outbox.get(item_id) for item_id in only]
            mine = any(item is not None and item.state.is_waiting for item in left)
            in_flight = counts[ItemState.SENDING] + counts[ItemState.UPLOADING]
            if not mine and in_flight == 0:
                return report
        elif not any(counts[s] for s in ItemState if s.is_waiting):
            return report
        # Items wait for a delay the service asked for, or are being sent by another
        # process: look again in a moment (a gated service answers None until it is free).
        sleep(poll_seconds)


__all__ = [
    "CONFIRM_ABOVE",
    "Decision",
    "RunReport",
    "RunStop",
    "SendOutcome",
    "Sender",
    "SubmitClient",
    "UnsavedTaskIds",
    "Verdict",
    "classify",
    "reason_of",
    "send_due",
]
