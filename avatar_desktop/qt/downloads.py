"""Saves result videos in the background: a queue of downloads, a few at a time, for the window.

The rules of one download are the core's (:func:`avatar_desktop.core.downloads.download`: a
``.part`` file renamed when complete, ``Range`` resume, expired links), and so are the rules of
keeping finished videos (:mod:`avatar_desktop.core.keeping`: which tasks are due, claims). This
adapter runs them on the downloads lane of the window's :class:`~avatar_desktop.qt.runner.Runner`,
at most
:attr:`DownloadManager.concurrency` downloads at once (the others wait): each download claims its
task first and gives the claim back when it ends, records the saved path (or an expired link) in
the task store from its thread, and tells the window through signals. A download's thread
only notes its latest progress; a timer on the UI thread hands it on every
:data:`PROGRESS_INTERVAL`, so the window repaints a few times a second however fast the bytes
come, and a stalled download still shows its last byte.

The list also holds the videos saved before (:meth:`DownloadManager.list_saved`): at start the
latest the tasks say were saved, by any program, and then each one saved since — by this window,
by keeping or by ``avatar-cli tasks download`` — with whether its file is still there.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from avatar_desktop.core import keeping
from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.config import LinkNetwork, ServiceConfig
from avatar_desktop.core.downloads import (
    VARIANTS,
    DownloadCancelled,
    DownloadError,
    LinkExpired,
    LocalLinkMissing,
    Progress,
    destination_for,
    download,
    video_file_name,
)
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.paths import FileInUse
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.runner import Runner

log = logging.getLogger("avatar_desktop.qt.downloads")


def file_in_use_text(error: FileInUse) -> str:
    """That a file is held by another program, naming it when Windows can, in the user's
    language (the downloads' message, and :func:`~avatar_desktop.ui.i18n.error_title`'s)."""
    holders = ", ".join(error.holders) or QCoreApplication.translate("Messages", "another program")
    return (
        QCoreApplication.translate(
            "Messages",
            "The file %1 is in use by %2 (an antivirus, the search indexer, OneDrive or a "
            "program that has it open): close it, then try again.",
        )
        .replace("%1", str(error.path))
        .replace("%2", holders)
    )


PROGRESS_INTERVAL = 0.2
"""Seconds between two progress updates to the window (five a second at most)."""


class DownloadState(enum.Enum):
    """Where a download is."""

    WAITING = "waiting"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    """The service no longer serves the link (403 / 404 / 410)."""
    MISSING = "missing"
    """Saved earlier, but the file was moved or deleted since."""

    @property
    def is_final(self) -> bool:
        return self not in (DownloadState.WAITING, DownloadState.DOWNLOADING)


@dataclass(eq=False)
class DownloadItem:
    """One video to save. Changed on the UI thread only, by the manager; read it, don't write.

    ``destination`` is the expected path until the download begins, then the real one (an
    earlier ``.part`` to resume, or a free name). ``error`` is a plain sentence for the user;
    ``detail`` what the core said, for a tooltip.
    """

    key: int
    row_id: int
    task_id: str
    variant: str
    url: str
    destination: Path
    state: DownloadState = DownloadState.WAITING
    received: int = 0
    total: int | None = None
    speed: float = 0.0
    error: str = ""
    detail: str = ""
    keep: bool = False
    """Started by "keep finished videos", not by the user."""
    listed: bool = False
    """A save the tasks record (by any program, before or while this window runs), listed
    as it is on disk, not a download of this window."""
    _run: int = field(default=0, repr=False)
    _cancel: CancelToken = field(default_factory=CancelToken, repr=False)

    @property
    def file_name(self) -> str:
        return self.destination.name

    @property
    def folder(self) -> Path:
        return self.destination.parent

    @property
    def fraction(self) -> float | None:
        """How much is on disk (0..1), or None while the size is not known."""
        if self.state is DownloadState.DONE:
            return 1.0
        return None if not self.total else min(1.0, self.received / self.total)


@dataclass(frozen=True)
class _Order:
    """What one run of a download needs, copied off the item (threads never share it)."""

    key: int
    run: int
    row_id: int
    task_id: str
    variant: str
    url: str
    folder: Path
    network: LinkNetwork
    keep: bool
    resolve_link: Callable[[str], str]


class _Claims:
    """This window's claims on tasks (:mod:`avatar_desktop.core.keeping`): one per task in the
    data file however many of its downloads run here, given back when the last one ends. Used
    from the download threads."""

    def __init__(self, store: TaskStore, owner: ProcessOwner) -> None:
        self._store = store
        self._owner_id = owner.owner_id
        self._data_dir = owner.data_dir
        self._lock = threading.Lock()
        self._held: dict[int, int] = {}

    def is_alive(self, owner_id: str | None) -> bool:
        return owner_id == self._owner_id or owner_is_alive(self._data_dir, owner_id)

    def take(self, row_id: int, keep: bool) -> bool:
        """Claim the task for one more download: one the user asked for unless another
        process saves it; a kept one only while it is due (and nothing here fetches it)."""
        with self._lock:
            if row_id in self._held:
                if keep:
                    return False
                self._held[row_id] += 1
                return True
            if keep:
                taken = keeping.claim(self._store, row_id, self._owner_id, self.is_alive)
            else:
                taken = keeping.claim_download(self._store, row_id, self._owner_id, self.is_alive)
            if taken:
                self._held[row_id] = 1
            return taken

    def give_back(self, row_id: int) -> None:
        with self._lock:
            left = self._held.get(row_id, 1) - 1
            if left > 0:
                self._held[row_id] = left
                return
            self._held.pop(row_id, None)
            try:
                keeping.release(self._store, row_id, self._owner_id)
            except StoreError as exc:  # the claim ends with this process anyway
                log.warning("could not give back the claim on task row %d: %s", row_id, exc)


class _Job:
    """One run of one download, on the downloads lane: the task claimed, the core's download,
    the saved path (or the expired link) written to the store, the claim given back; it ends
    with an outcome word and a detail."""

    def __init__(
        self,
        order: _Order,
        store: TaskStore,
        claims: _Claims,
        runner: Runner,
        begun: Callable[[int, int, Path], None],
        report: Callable[[int, int, Progress], None],
    ) -> None:
        self._order = order
        self._store = store
        self._claims = claims
        self._runner = runner
        self._begun = begun
        self._report = report

    def __call__(self, cancel: CancelToken) -> tuple[str, object]:
        import requests  # here, on the download's thread: the window starts without it

        try:
            return self._work(cancel)
        except LinkExpired as exc:
            return "expired", str(exc)
        except LocalLinkMissing as exc:
            return "missing", str(exc)
        except DownloadCancelled as exc:
            return "cancelled", str(exc)
        except DownloadError as exc:
            return "failed", str(exc)
        except StoreError as exc:
            return "failed", str(exc)
        except (requests.RequestException, ValueError) as exc:  # a link that cannot be used
            return "failed", f"{type(exc).__name__}: {exc}"
        except FileInUse as exc:  # a program holds the file (Windows): said by name
            return "in use", exc
        except OSError as exc:
            return "disk", exc.strerror or str(exc)
        except Exception as exc:  # never escapes the job
            log.exception("download of task %s failed", self._order.task_id)
            return "failed", f"{type(exc).__name__}: {exc}"

    def _work(self, cancel: CancelToken) -> tuple[str, object]:
        order = self._order
        if not self._claims.take(order.row_id, order.keep):
            return "taken", None
        try:
            return self._save(cancel)
        finally:
            self._claims.give_back(order.row_id)

    def _save(self, cancel: CancelToken) -> tuple[str, object]:
        order = self._order
        saved = (
            keeping.saved_copy(order.folder, order.task_id, order.variant) if order.keep else None
        )
        if saved is None:
            destination = destination_for(order.folder, order.task_id, order.variant)
            self._runner.report(self._begun, order.key, order.run, destination)
            try:
                saved = download(
                    order.resolve_link(order.url),
                    destination,
                    progress=lambda value: self._report(order.key, order.run, value),
                    should_stop=cancel.should_stop,
                    network=order.network,
                )
            except LinkExpired:
                try:
                    keeping.record_expired(self._store, order.row_id, order.url)
                except StoreError as exc:
                    log.warning("could not record the expired link of %s: %s", order.task_id, exc)
                raise
        size = saved.stat().st_size
        try:
            self._store.set_saved_path(order.row_id, str(saved))
            note = ""
        except StoreError as exc:
            note = str(exc)
        return "done", (saved, size, note)


class DownloadManager(QObject):
    """The window's downloads: started, waiting, done; each can be cancelled and retried.

    ``store`` records each saved path (written from the download's thread); ``folder`` returns
    the download folder (the setting), ``keep_enabled`` whether "keep finished videos" is on and
    ``network`` the service configuration whose proxy and timeouts downloads use
    (:meth:`ServiceConfig.link_network`). All three are read when needed, so a changed setting
    applies to the next download. ``owner`` is this process's identity for claims (without one
    the manager makes its own, for its store's folder); ``runner`` the window's background
    runner (without one the manager has its own); ``resolve_link`` how a link is reached now
    (called on the download's thread: the built-in sandbox's links where it answers in this
    run, :func:`~avatar_desktop.core.sandbox_home.reach`).

    :meth:`list_saved` lists the videos the tasks say were saved, and :meth:`catch_up` with
    keeping on saves every task due to be kept: call both at start and whenever the data file
    changed (another process may have saved videos or recorded successes). A kept
    download that fails or is cancelled is not started again on its own while the window is
    open (Retry does); one another process claimed first leaves the list quietly.

    Signals (on the UI thread, each with the :class:`DownloadItem`):
        added(item): a download was listed (waiting, or failed at once when it has no link).
        changed(item): its state, progress, speed or destination changed.
        finished(item): it reached a final state (done, failed, cancelled, expired).
        removed(item): it left the list (:meth:`clear_finished`, a kept download that
            another process saves, or a missing file saved again).
    """

    added = Signal(object)
    changed = Signal(object)
    finished = Signal(object)
    removed = Signal(object)

    def __init__(
        self,
        store: TaskStore,
        *,
        folder: Callable[[], Path],
        keep_enabled: Callable[[], bool] = lambda: False,
        network: Callable[[], ServiceConfig | None] = lambda: None,
        owner: ProcessOwner | None = None,
        concurrency: int = 2,
        runner: Runner | None = None,
        resolve_link: Callable[[str], str] = lambda link: link,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._own_runner = runner is None
        self._runner = runner if runner is not None else Runner(self)
        self._own_owner = owner is None
        self._owner = ProcessOwner(store.path.parent) if owner is None else owner
        self._claims = _Claims(store, self._owner)
        self._store = store
        self._folder = folder
        self._keep_enabled = keep_enabled
        self._network = network
        self._resolve_link = resolve_link
        self.concurrency = max(1, concurrency)
        self._items: dict[int, DownloadItem] = {}
        self._queue: deque[DownloadItem] = deque()
        self._running: dict[int, DownloadItem] = {}
        """Items whose thread has not ended yet (also cancelled or removed ones)."""
        self._keys = itertools.count(1)
        self._closing = False
        self._scanning = False
        self._scan_again: bool | None = None
        """A catch-up asked for while one looks (None: none; True: with saved files)."""
        self._listing = False
        self._list_again = False
        self._saved_mark: float | None = None
        """The latest ``saved_at`` listed (None: nothing listed yet)."""
        self._saves_seen: set[tuple[int, str, float]] = set()
        """(row id, path, saved at) of each save listed: a cleared one does not come back."""
        self._given_up: set[int] = set()
        """Rows whose kept download failed or was cancelled: not started again on their own."""
        self._progress_lock = threading.Lock()
        self._latest: dict[int, tuple[int, Progress]] = {}
        """key -> (run, progress): what the download threads noted since the last update."""
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(int(PROGRESS_INTERVAL * 1000))
        self._progress_timer.timeout.connect(self._flush_progress)

    # -- what there is --

    def items(self) -> list[DownloadItem]:
        """Every listed download, oldest first."""
        return list(self._items.values())

    def folder(self) -> Path:
        """The download folder now (the setting)."""
        return Path(self._folder())

    @property
    def active_count(self) -> int:
        """Downloads whose thread runs (a cancelled one until its thread has ended)."""
        return len(self._running)

    # -- starting --

    def start(
        self, record: TaskRecord, variant: str = "default", folder: Path | None = None
    ) -> DownloadItem:
        """Save ``record``'s ``variant`` video into ``folder`` (default: the download folder).

        A download of the same task and variant already waiting or running is returned as it
        is. Without a task id or a link for the variant the item is listed as failed, saying so.
        """
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
        for item in self._items.values():
            if item.row_id == record.row_id and item.variant == variant and not item.state.is_final:
                item.keep = False  # the user asked for it now
                return item
        return self._add(record, variant, Path(folder) if folder is not None else self.folder())

    def _add(
        self, record: TaskRecord, variant: str, target: Path, *, keep: bool = False
    ) -> DownloadItem:
        task_id = record.task_id or ""
        url = record.video_links().get(variant, "")
        item = DownloadItem(
            key=next(self._keys),
            row_id=record.row_id,
            task_id=task_id,
            variant=variant,
            url=url,
            destination=target / video_file_name(task_id or "task", variant),
            keep=keep,
        )
        self._items[item.key] = item
        for old in list(self._items.values()):  # the task's file that is gone: saved anew
            if old.state is DownloadState.MISSING and old.row_id == record.row_id:
                del self._items[old.key]
                self.removed.emit(old)
        if not task_id or not url:
            item.state = DownloadState.FAILED
            item.error = self._no_link_text(variant)
            self.added.emit(item)
            self.finished.emit(item)
            return item
        self._queue.append(item)
        self.added.emit(item)
        self._pump()
        return item

    def catch_up(self, with_saved: bool = False) -> None:
        """When keeping is on, start saving every task due to be kept
        (:func:`avatar_desktop.core.keeping.due_tasks`, looked up on the downloads lane), of any
        service; ``with_saved`` also finds saved files that are gone (at start)."""
        if not self._keep_enabled() or self._closing:
            return
        if self._scanning:
            self._scan_again = bool(self._scan_again) or with_saved
            return
        self._scanning = True
        claims = self._claims

        def find(_cancel: CancelToken) -> list[TaskRecord]:
            try:
                return keeping.due_tasks(self._store, claims.is_alive, with_saved=with_saved)
            except StoreError as exc:
                log.warning("could not look for videos to keep: %s", exc)
                return []

        self._runner.submit("downloads", find, self._on_found)

    def _on_found(self, records: list[TaskRecord]) -> None:
        self._scanning = False
        if self._keep_enabled() and not self._closing:
            skip = {item.row_id for item in self._items.values() if not item.state.is_final}
            skip |= self._given_up
            for record in records:
                variant = keeping.kept_variant(record)
                if variant is None or record.row_id in skip:
                    continue
                log.info("keeping the video of task %s (%s)", record.task_id, variant)
                self._add(record, variant, self.folder(), keep=True)
        if self._scan_again is not None:
            with_saved, self._scan_again = self._scan_again, None
            self.catch_up(with_saved)

    def list_saved(self) -> None:
        """List the videos the tasks say were saved (:func:`avatar_desktop.core.keeping.
        saved_videos`, read and their files looked for on the downloads lane): the first time
        the latest ones, then those saved since, by any program."""
        if self._closing:
            return
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        after = self._saved_mark

        def find(_cancel: CancelToken) -> list[keeping.SavedVideo]:
            return keeping.saved_videos(self._store, after=after)

        def failed(exc: Exception) -> None:
            log.warning("could not list the saved videos: %s", exc)
            self._on_saved_listed([])  # the next change of the data file tries again

        self._runner.submit("downloads", find, self._on_saved_listed, failed)

    def _on_saved_listed(self, videos: list[keeping.SavedVideo]) -> None:
        self._listing = False
        if self._closing:
            return
        for video in reversed(videos):  # the oldest first: the latest is listed last
            self._saved_mark = max(self._saved_mark or 0.0, video.saved_at)
            seen = (video.record.row_id, str(video.path), video.saved_at)
            if seen not in self._saves_seen:
                self._saves_seen.add(seen)
                self._show_saved(video)
        if self._list_again:
            self._list_again = False
            self.list_saved()

    def _show_saved(self, video: keeping.SavedVideo) -> None:
        record = video.record
        state = DownloadState.DONE if video.size is not None else DownloadState.MISSING
        same = [
            item
            for item in self._items.values()
            if item.row_id == record.row_id and item.destination == video.path
        ]
        if any(not item.state.is_final for item in same):
            return  # this window is saving it: its download ends there
        if same:  # listed already (saved here, or gone before): as it is now
            item = same[-1]
            item.state, item.error, item.detail = state, "", ""
            item.received, item.total = video.size or 0, video.size
            self.changed.emit(item)
            return
        item = DownloadItem(
            key=next(self._keys),
            row_id=record.row_id,
            task_id=record.task_id or "",
            variant=video.variant,
            url=record.video_links().get(video.variant, ""),
            destination=video.path,
            state=state,
            received=video.size or 0,
            total=video.size,
            listed=True,
        )
        self._items[item.key] = item
        self.added.emit(item)

    # -- acting on downloads --

    def cancel(self, item: DownloadItem) -> bool:
        """Stop a waiting or running download; its ``.part`` file stays for a later resume.
        False when it had ended already."""
        if item.state is DownloadState.WAITING:
            with contextlib.suppress(ValueError):
                self._queue.remove(item)
        elif item.state is DownloadState.DOWNLOADING:
            item._cancel.cancel()  # the download stops at the next piece received
        else:
            return False
        if item.keep:
            self._given_up.add(item.row_id)
        item.state = DownloadState.CANCELLED
        item.speed = 0.0
        item.error = ""
        self.changed.emit(item)
        self.finished.emit(item)
        return True

    def cancel_all(self) -> None:
        for item in list(self._items.values()):
            self.cancel(item)

    def retry(self, item: DownloadItem) -> bool:
        """Start a failed, cancelled or expired download again (resuming from its ``.part``
        file when there is one), or save a missing file again. False when it cannot be
        retried."""
        if item.key not in self._items or item.state not in (
            DownloadState.FAILED,
            DownloadState.CANCELLED,
            DownloadState.EXPIRED,
            DownloadState.MISSING,
        ):
            return False
        if not item.url or not item.task_id:
            return False
        item.keep = False  # the user asked for it now
        item.state = DownloadState.WAITING
        item.error = item.detail = ""
        item.speed = 0.0
        self._queue.append(item)
        self.changed.emit(item)
        self._pump()
        return True

    def clear_finished(self) -> int:
        """Take the ended downloads off the list (their files stay); returns how many."""
        gone = [item for item in self._items.values() if item.state.is_final]
        for item in gone:
            del self._items[item.key]
            self.removed.emit(item)
        return len(gone)

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Stop every download (their ``.part`` files stay for a resume); they end at their
        next piece, or are abandoned when the runner shuts down (a stalled connection). A
        manager with its own runner shuts it down, waiting ``timeout_ms`` at most."""
        for item in list(self._queue):
            self.cancel(item)
        self._queue.clear()
        for item in self._running.values():
            item._cancel.cancel()
        self._closing = True
        self._progress_timer.stop()
        if self._own_runner:
            self._runner.shutdown(timeout_ms)
        if self._own_owner:
            self._owner.release()

    # -- running --

    def _pump(self) -> None:
        if self._closing:
            return
        for item in list(self._queue):
            if len(self._running) >= self.concurrency:
                return
            if item.key in self._running:
                continue  # its earlier run has not stopped yet
            self._queue.remove(item)
            self._begin(item)

    def _begin(self, item: DownloadItem) -> None:
        item._run += 1
        item._cancel = CancelToken()
        item.state = DownloadState.DOWNLOADING
        item.speed = 0.0
        self._running[item.key] = item
        try:
            config = self._network()
            network = LinkNetwork() if config is None else config.link_network()
        except Exception:  # a configuration that cannot be built: the defaults
            network = LinkNetwork()
        order = _Order(
            key=item.key,
            run=item._run,
            row_id=item.row_id,
            task_id=item.task_id,
            variant=item.variant,
            url=item.url,
            folder=item.folder,
            network=network,
            keep=item.keep,
            resolve_link=self._resolve_link,
        )
        job = _Job(
            order, self._store, self._claims, self._runner, self._on_begun, self._note_progress
        )
        self._runner.submit(
            "downloads",
            job,
            lambda result: self._on_ended(order.key, order.run, *result),
            token=item._cancel,
        )
        if not self._progress_timer.isActive():
            self._progress_timer.start()
        self.changed.emit(item)

    def _note_progress(self, key: int, run: int, progress: Progress) -> None:
        """Called on a download's thread for every piece received: only keeps the latest."""
        with self._progress_lock:
            self._latest[key] = (run, progress)

    def _current(self, key: int, run: int) -> DownloadItem | None:
        item = self._running.get(key)
        return item if item is not None and item._run == run else None

    def _on_begun(self, key: int, run: int, destination: Path) -> None:
        item = self._current(key, run)
        if item is not None and item.state is DownloadState.DOWNLOADING:
            item.destination = destination
            self.changed.emit(item)

    @Slot()
    def _flush_progress(self) -> None:
        with self._progress_lock:
            latest, self._latest = self._latest, {}
        for key, (run, progress) in latest.items():
            item = self._current(key, run)
            if item is not None and item.state is DownloadState.DOWNLOADING:
                item.received, item.total = progress.received, progress.total
                item.speed = progress.bytes_per_second
                self.changed.emit(item)
        if not self._running:
            self._progress_timer.stop()

    def _on_ended(self, key: int, run: int, outcome: str, detail: object) -> None:
        item = self._current(key, run)
        if item is None:
            return
        del self._running[key]
        with self._progress_lock:
            self._latest.pop(key, None)
        before = item.state
        item.speed = 0.0
        if outcome == "taken" and item.keep:
            # Another process saves it, or it is saved or expired already: nothing to show.
            with contextlib.suppress(ValueError):
                self._queue.remove(item)
            if key in self._items:
                del self._items[key]
                self.removed.emit(item)
            self._pump()
            return
        if outcome != "done" and item.keep:
            self._given_up.add(item.row_id)
        if outcome == "done":
            assert isinstance(detail, tuple)
            saved, size, note = detail
            with contextlib.suppress(ValueError):
                self._queue.remove(item)  # retried meanwhile, but the file was complete
            item.state = DownloadState.DONE
            item.destination, item.received, item.total = saved, size, size
            item.error = (
                self.tr("Saved, but the task list could not record where: %1").replace("%1", note)
                if note
                else ""
            )
            item.detail = note
        elif before is not DownloadState.DOWNLOADING:
            pass  # cancelled or retried meanwhile: that is what the user sees
        elif outcome == "expired":
            item.state = DownloadState.EXPIRED
            item.error = self.expired_text()  # says what the core's message says
            item.detail = ""
            item.received = 0
        elif outcome == "missing":
            item.state = DownloadState.FAILED  # not expired: Retry may work later
            item.error = self.tr(
                "No sandbox on this computer serves this video now: the sandbox that made the "
                "link has moved or stopped, or it belongs to another data folder. The link has "
                "not expired: Retry when that sandbox runs."
            )
            item.detail = str(detail)
        elif outcome == "cancelled":
            item.state = DownloadState.CANCELLED  # the app is closing
        elif outcome == "taken":
            item.state = DownloadState.FAILED
            item.error = self.tr(
                "Another program (avatar-cli or another window) is saving this task's video "
                "right now. Retry when it has finished."
            )
            item.detail = ""
        elif outcome == "in use" and isinstance(detail, FileInUse):
            item.state = DownloadState.FAILED
            item.error = file_in_use_text(detail)
            item.detail = str(detail)
        elif outcome == "disk":
            item.state = DownloadState.FAILED
            item.error = (
                self.tr("The video could not be written in %1: %2")
                .replace("%1", str(item.folder))
                .replace("%2", str(detail))
            )
            item.detail = str(detail)
        else:
            item.state = DownloadState.FAILED
            item.error = self.tr(
                "The download failed. What was saved is kept: Retry resumes from there."
            )
            item.detail = str(detail)
        if key in self._items and (item.state is not before or outcome == "done"):
            self.changed.emit(item)
            if item.state.is_final:
                self.finished.emit(item)
        self._pump()

    # -- texts --

    def expired_text(self) -> str:
        return self.tr(
            "The link has expired: the service no longer serves this video (result links last "
            "only a few days)."
        )

    def _no_link_text(self, variant: str) -> str:
        return self.tr("The service gave no link for this video (%1).").replace("%1", variant)


__all__ = [
    "PROGRESS_INTERVAL",
    "DownloadItem",
    "DownloadManager",
    "DownloadState",
]
