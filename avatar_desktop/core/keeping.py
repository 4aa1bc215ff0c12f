"""Keeping finished videos: which tasks' videos are due to be saved, and who saves each (Qt-free).

While *Keep finished videos automatically* is on, every task that succeeded, has a result video,
has no saved file (a recorded path whose file is gone does not count) and whose link is not known
to have expired is saved — by whichever program follows tasks: the window (on its download
threads) or ``avatar-cli tasks refresh`` (with :class:`Keeper`). A task is *claimed* before its
video is fetched, like an outbox item: the claim carries the claiming process's owner id
(:mod:`avatar_desktop.core.owners`), so two processes never fetch the same video at once, and a
claim whose owner has died is free again. A link found expired is recorded (and shown as the
task's error), so it is not tried again and again; a new link from the service is tried.

The tasks also know the videos saved before — by keeping, by the window or by ``avatar-cli tasks
download``: :func:`saved_videos` lists the latest of them, with whether each file is still there
(the window's Downloads tab shows them after a restart).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.downloads import (
    VARIANTS,
    DownloadCancelled,
    DownloadError,
    LinkExpired,
    Progress,
    destination_for,
    download,
    file_variant,
    part_path,
    video_file_name,
)
from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore

log = logging.getLogger("avatar_desktop.keeping")

IsAlive = Callable[[str | None], bool]
"""Whether the process with that owner id still lives (``owners.owner_is_alive`` on a folder)."""

LINK_EXPIRED_ERROR = (
    "The video was not saved: its link has expired (the service no longer serves it)."
)
"""The task's error once its video's link was found expired."""


class KeepState(enum.Enum):
    """Where a task stands for keeping its video."""

    DUE = "due"
    NOT_DONE = "not done"
    """Not ``SUCCESS`` (or no task id): nothing to keep."""
    NO_VIDEO = "no video"
    """Succeeded without a result link."""
    SAVED = "saved"
    """Its recorded saved file exists."""
    EXPIRED = "expired"
    """The link it would be saved from was found expired."""
    CLAIMED = "claimed"
    """A live process (this one or another) is saving it."""


def kept_variant(record: TaskRecord) -> str | None:
    """The video keeping saves: the watermark-free one when the request asked for no watermark
    and the service gave its link, else the default one (or, without it, the first link)."""
    links = record.video_links()
    if record.payload.get("no_watermark") is True and "no_watermark" in links:
        return "no_watermark"
    return next((variant for variant in VARIANTS if variant in links), None)


def keep_state(record: TaskRecord, is_alive: IsAlive) -> KeepState:
    """The rule: whether ``record``'s video is due to be saved now, or why not."""
    if record.status is not TaskStatus.SUCCESS or not record.task_id:
        return KeepState.NOT_DONE
    variant = kept_variant(record)
    if variant is None:
        return KeepState.NO_VIDEO
    if record.saved_path and Path(record.saved_path).is_file():
        return KeepState.SAVED
    if record.expired_link is not None and record.expired_link == record.video_links()[variant]:
        return KeepState.EXPIRED
    if record.keep_owner is not None and is_alive(record.keep_owner):
        return KeepState.CLAIMED
    return KeepState.DUE


def due_tasks(
    store: TaskStore,
    is_alive: IsAlive,
    service_url: str | None = None,
    *,
    with_saved: bool = False,
) -> list[TaskRecord]:
    """The tasks (of ``service_url``, else of every service) whose video is due to be saved,
    oldest first. Cheap by default: only tasks with no saved path are looked at;
    ``with_saved`` also looks for saved files that are gone (one file check per task: at
    start, not at every change)."""
    candidates = store.unkept_tasks(service_url, with_saved=with_saved)
    return [record for record in candidates if keep_state(record, is_alive) is KeepState.DUE]


def claim(store: TaskStore, row_id: int, owner_id: str, is_alive: IsAlive) -> bool:
    """Claim a task to save its video by keeping: True when it was still due and is now
    ``owner_id``'s (checked and written in one transaction)."""
    claimed = store.claim_keep(
        row_id, owner_id, lambda record: keep_state(record, is_alive) is KeepState.DUE
    )
    return bool(claimed)


def claim_download(store: TaskStore, row_id: int, owner_id: str, is_alive: IsAlive) -> bool:
    """Claim a task for a download the user asked for (any variant, saved or not): False only
    while another live process saves its video. A task no longer in the list needs no claim."""

    def free(record: TaskRecord) -> bool:
        holder = record.keep_owner
        return holder is None or holder == owner_id or not is_alive(holder)

    return store.claim_keep(row_id, owner_id, free) is not False


def release(store: TaskStore, row_id: int, owner_id: str) -> None:
    """The download ``owner_id`` claimed the task for has ended, however it ended."""
    store.release_keep(row_id, owner_id)


def record_expired(store: TaskStore, row_id: int, url: str) -> None:
    """A download found ``url`` expired: keeping does not try it again (a new link it does),
    and the task's error says so."""
    store.mark_link_expired(row_id, url, LINK_EXPIRED_ERROR)


def saved_copy(folder: Path, task_id: str, variant: str) -> Path | None:
    """The task's video already complete in ``folder`` under its own name (a program saved it
    but stopped before recording where), or None. A complete file is only ever there by a
    rename, so it is taken as it is rather than fetched again beside it."""
    plain = Path(folder) / video_file_name(task_id, variant)
    return plain if plain.is_file() and not part_path(plain).exists() else None


SAVED_SHOWN = 200
"""Saved videos listed at most (the latest), so that 100,000 tasks stay fast."""


@dataclass(frozen=True)
class SavedVideo:
    """A video a task says was saved, and what is on the disk now."""

    record: TaskRecord
    path: Path
    variant: str
    """Which of the task's videos it is (from its file name)."""
    size: int | None
    """Its size in bytes; None when the file was moved or deleted since."""
    saved_at: float
    """When it was recorded (Unix seconds)."""


def saved_videos(
    store: TaskStore, *, after: float | None = None, limit: int = SAVED_SHOWN
) -> list[SavedVideo]:
    """The videos the tasks say were saved, the latest first: the last ``limit``, or with
    ``after`` those saved later than that moment. One file check each: not on a UI thread."""
    videos = []
    for record in store.saved_tasks(after=after, limit=limit):
        if not record.saved_path or record.saved_at is None:
            continue
        path = Path(record.saved_path)
        try:
            size: int | None = path.stat().st_size if path.is_file() else None
        except OSError:
            size = None
        variant = file_variant(record.task_id or "", path)
        videos.append(SavedVideo(record, path, variant, size, record.saved_at.timestamp()))
    return videos


class Keeper:
    """Saves the due videos one after another, for one process (the command line's way; the
    window runs downloads on its own threads with :func:`claim` and :func:`release`).

    ``network`` is how links are reached (proxy and timeouts, from
    :func:`~avatar_desktop.core.config.link_network`), ``resolve_link`` how a task's link is
    reached now (the built-in sandbox's links where it answers in this run:
    :func:`~avatar_desktop.core.sandbox_home.reach`). A task whose download failed for another
    reason than an expired link is not tried again by the same keeper (its ``.part`` file stays
    for the next one); a link on this computer that nothing serves is never an expired one.
    """

    def __init__(
        self,
        store: TaskStore,
        owner_id: str,
        is_alive: IsAlive,
        folder: Path,
        *,
        network: LinkNetwork = LinkNetwork(),  # noqa: B008 - frozen, so shared safely
        resolve_link: Callable[[str], str] = lambda link: link,
    ) -> None:
        self.store = store
        self.resolve_link = resolve_link
        self.owner_id = owner_id
        self.is_alive = is_alive
        self.folder = Path(folder)
        self.network = network
        self._failed: set[int] = set()

    def run(
        self,
        service_url: str | None = None,
        *,
        with_saved: bool = False,
        on_saved: Callable[[TaskRecord, Path], None],
        on_problem: Callable[[TaskRecord, str], None],
        progress: Callable[[Path], Callable[[Progress], None]] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> bool:
        """Save every due video of ``service_url`` (else of every service): ``on_saved`` for
        each file saved, ``on_problem`` (with a plain sentence) for each that could not be.
        Returns False when ``should_stop()`` ended it early (a download stopped keeps its
        ``.part``), True when it went through every due task."""
        for record in due_tasks(self.store, self.is_alive, service_url, with_saved=with_saved):
            if should_stop():
                return False
            if record.row_id in self._failed:
                continue
            if not claim(self.store, record.row_id, self.owner_id, self.is_alive):
                continue  # another process took it, or it is no longer due
            try:
                if not self._keep(record, on_saved, on_problem, progress, should_stop):
                    return False
            finally:
                release(self.store, record.row_id, self.owner_id)
        return True

    def _keep(
        self,
        record: TaskRecord,
        on_saved: Callable[[TaskRecord, Path], None],
        on_problem: Callable[[TaskRecord, str], None],
        progress: Callable[[Path], Callable[[Progress], None]] | None,
        should_stop: Callable[[], bool],
    ) -> bool:
        """Save one claimed task's video; False when ``should_stop`` stopped it."""
        import requests  # loaded when a video is fetched, never at the window's start

        task_id = record.task_id or ""
        variant = kept_variant(record)
        assert variant is not None  # the task was due
        url = record.video_links()[variant]
        saved = saved_copy(self.folder, task_id, variant)
        if saved is None:
            destination = destination_for(self.folder, task_id, variant)
            try:
                saved = download(
                    self.resolve_link(url),
                    destination,
                    progress=None if progress is None else progress(destination),
                    should_stop=should_stop,
                    network=self.network,
                )
            except LinkExpired:
                record_expired(self.store, record.row_id, url)
                on_problem(record, LINK_EXPIRED_ERROR)
                return True
            except DownloadCancelled:
                return False
            except (DownloadError, requests.RequestException, ValueError) as exc:
                self._failed.add(record.row_id)
                on_problem(record, str(exc))
                return True
            except OSError as exc:
                self._failed.add(record.row_id)
                on_problem(
                    record, f"It could not be written in {self.folder}: {exc.strerror or exc}"
                )
                return True
        self.store.set_saved_path(record.row_id, str(saved))
        log.info("kept the video of task %s: %s", task_id, saved)
        on_saved(record, saved)
        return True


__all__ = [
    "LINK_EXPIRED_ERROR",
    "SAVED_SHOWN",
    "IsAlive",
    "KeepState",
    "Keeper",
    "SavedVideo",
    "claim",
    "claim_download",
    "due_tasks",
    "keep_state",
    "kept_variant",
    "record_expired",
    "release",
    "saved_copy",
    "saved_videos",
]
