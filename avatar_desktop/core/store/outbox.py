"""The outbox: paid jobs waiting to be sent, each sent exactly once (Qt-free).

Every paid request — a click on Submit, an item added for later, a row of an imported file —
becomes an outbox item first. Its life, with the state names the command line prints::

    queued ──claim──► sending ──► submitted (task id; the task enters the task list)
      │                  ▲
      └──claim──► uploading (an item with local files: stored first, free; then sending)
      ▲                  ├──────► retry_wait ──(due)──► sending …   surely not received / 429 / 503
      │                  ├──────► refused              the service said no; edit and re-queue
      │                  ├──────► outcome_unknown      it may have been received: the user decides
      └──(token refused)─┘
    queued / retry_wait / refused / outcome_unknown ──► cancelled

An item belongs to the service it was queued for and is only ever sent there. A sender
*claims* an item in one ``BEGIN IMMEDIATE`` transaction — so two processes never claim the same
one — and the claim (state ``sending`` and the owner's id) is committed durably before the
request leaves. Only the claiming owner can finish a claim. An item left ``sending`` by an owner
that is no longer alive (see :mod:`avatar_desktop.core.owners`) becomes ``outcome_unknown``:
never silently resent.

When the service's answer cannot be written (a full disk), the sender leaves a note beside the
data file — an empty file whose name carries the item, the owner, why, and the task id; creating
one needs no free space — so that whoever recovers the item later writes the task id after all,
or says that the disk was full rather than that the program stopped.
"""

from __future__ import annotations

import enum
import itertools
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from avatar_desktop.core.local_files import (
    FileHome,
    files_from_json,
    files_to_json,
    local_fields,
    read_files,
)
from avatar_desktop.core.request import GenerationRequest, InvalidTaskId, valid_task_id
from avatar_desktop.core.service import ErrorKind, TaskStatus, stored_error_kind
from avatar_desktop.core.store.database import Database, StoreError
from avatar_desktop.core.store.schema import canonical_hash, canonical_json, payload_hash
from avatar_desktop.core.store.tasks import insert_task
from avatar_desktop.core.uploads import LocalFile

log = logging.getLogger("avatar_desktop.outbox")

_MAX_VARIABLES = 500
"""Item ids bound in one ``IN (...)``; a run limited to more takes them in several rounds."""

INTERRUPTED_REASON = (
    "The program sending this job stopped before the service answered; the job may exist."
)
DISK_FULL_REASON = (
    "The disk was full when the service answered, so its answer could not be written; the job "
    "may exist."
)
NOT_WRITTEN_REASON = (
    "The data file could not be written when the service answered, so its answer was lost; the "
    "job may exist."
)
_NOTE_INFIX = ".unwritten."
_NOTE_FULL = "full"
_NOTE_ERROR = "error"
_NOTE_NAME_MAX = 240
WINDOWS_MAX_PATH = 259
"""The longest path Windows opens without long paths switched on (MAX_PATH, less its NUL)."""


def note_name_room(folder: Path, platform: str = sys.platform) -> int:
    """How long a note's name may be in ``folder``: 240 characters, and on Windows no more
    than keeps the whole path within MAX_PATH (a deep data folder would make the note
    impossible to create; it is then left without its task id, not left out)."""
    if platform != "win32":
        return _NOTE_NAME_MAX
    return max(0, min(_NOTE_NAME_MAX, WINDOWS_MAX_PATH - len(str(folder)) - 1))


class ItemState(enum.StrEnum):
    """The states of an outbox item; their values are a public interface (``avatar-cli``)."""

    QUEUED = "queued"
    UPLOADING = "uploading"
    """Its local files are being uploaded (free); the paid request leaves after."""
    SENDING = "sending"
    RETRY_WAIT = "retry_wait"
    SUBMITTED = "submitted"
    REFUSED = "refused"
    OUTCOME_UNKNOWN = "outcome_unknown"
    CANCELLED = "cancelled"

    @property
    def is_waiting(self) -> bool:
        """Still on its way out: queued, being sent, or waiting to retry."""
        return self in (
            ItemState.QUEUED,
            ItemState.UPLOADING,
            ItemState.SENDING,
            ItemState.RETRY_WAIT,
        )

    @property
    def in_flight(self) -> bool:
        """Claimed by a sender now (uploading or sending)."""
        return self in (ItemState.UPLOADING, ItemState.SENDING)

    @property
    def needs_user(self) -> bool:
        """Stopped until the user decides (refused or outcome unknown)."""
        return self in (ItemState.REFUSED, ItemState.OUTCOME_UNKNOWN)

    @property
    def movable(self) -> bool:
        """May be moved to another service (:meth:`Outbox.move`): not being sent, surely not
        received by its own service (an ``outcome_unknown`` job may exist there), not done."""
        return self in (ItemState.QUEUED, ItemState.RETRY_WAIT, ItemState.REFUSED)


class WaitKind(enum.StrEnum):
    """Why an item waits in ``retry_wait``."""

    UNREACHABLE = "unreachable"
    """The service could not be reached; an explicit send tries again at once."""
    SERVICE = "service"
    """The service asked to wait (429 / 503, ``Retry-After``): always honoured."""


class Source(enum.StrEnum):
    """Where an item came from, as stored (``avatar-cli`` prints it): one of these, or a line
    of an imported file (:func:`file_line_source`)."""

    FORM = "form"
    TASK_LIST = "task list"
    """Sent again from the task list."""
    EXPORT = "import"
    """Re-queued from an export file of Avatar Desktop (another data folder)."""


@dataclass(frozen=True)
class FileLine:
    """A line of an imported file of jobs: the source of the item it became."""

    name: str
    line: int


def file_line_source(name: str, line: int) -> str:
    """The stored source of an item read from line ``line`` of the file ``name``."""
    return f"{name} line {line}"


def read_source(source: str | None) -> Source | FileLine | str | None:
    """What a stored source means: a :class:`Source`, a :class:`FileLine`, or (written by
    another version) the text as it is."""
    if source is None:
        return None
    try:
        return Source(source)
    except ValueError:
        pass
    name, sep, line = source.rpartition(" line ")
    if sep and name and line.isascii() and line.isdigit():
        return FileLine(name, int(line))
    return source


@dataclass(frozen=True)
class Reason:
    """Why an item waits or stopped. ``text`` is what ``avatar-cli`` prints: English, or the
    service's own words verbatim (``verbatim``); ``kind`` is what the window says in the
    user's language."""

    text: str
    kind: ErrorKind
    verbatim: bool = False


class MoveRefusal(enum.StrEnum):
    """Why :meth:`Outbox.move` did not move an item."""

    NOT_FOUND = "not_found"
    SAME_SERVICE = "same_service"
    STATE = "state"
    """Being sent, submitted, cancelled, or ``outcome_unknown`` (it may exist where it was)."""
    DUPLICATE = "duplicate"
    """The same request is already queued or submitted for the target: it would be billed
    twice."""


class CannotMove(Exception):
    """:meth:`Outbox.move` refused; ``why`` says why, ``item`` is the item as it is (None when
    there is none), ``duplicate`` the earlier item id or task id of the same request."""

    def __init__(
        self, why: MoveRefusal, item: OutboxItem | None = None, duplicate: str | None = None
    ) -> None:
        super().__init__(why.value)
        self.why = why
        self.item = item
        self.duplicate = duplicate


@dataclass(frozen=True)
class OutboxSummary:
    """What the outbox holds, seen from one service (the current one): the counts every view
    shows (the window's tab, status bar and panel; ``avatar-cli queue send``), read at once."""

    service_url: str
    counts: dict[ItemState, int]
    """The items of ``service_url`` in each state."""
    due: int
    """Items of ``service_url`` an explicit send (Send now, ``queue send``) would take now."""
    next_attempt: float | None
    """The earliest moment, still to come, at which a waiting item of ``service_url`` is due."""
    elsewhere: dict[str, list[int]]
    """The ids of the items waiting (queued, sending, retry_wait) for each other service."""

    @property
    def waiting(self) -> int:
        """Items of ``service_url`` still on their way out."""
        return sum(n for state, n in self.counts.items() if state.is_waiting)

    @property
    def needs_user(self) -> int:
        """Items of ``service_url`` that wait for the user's decision."""
        return sum(n for state, n in self.counts.items() if state.needs_user)

    @property
    def other_waiting(self) -> int:
        """Items waiting for services other than ``service_url``."""
        return sum(len(ids) for ids in self.elsewhere.values())


@dataclass(frozen=True)
class OutboxItem:
    """One stored outbox item. Times are aware UTC datetimes."""

    item_id: int
    service_url: str
    payload: dict[str, Any]
    payload_hash: str
    consent: dict[str, Any] | None
    source: str | None
    state: ItemState
    reason: str | None
    """What ``avatar-cli`` prints (see :class:`Reason`)."""
    reason_kind: ErrorKind | None
    """The kind of :attr:`reason`; None for a reason stored before kinds were (shown as it is)."""
    reason_verbatim: bool
    """:attr:`reason` is the service's own words."""
    task_id: str | None
    attempts: int
    next_attempt_at: datetime | None
    wait_kind: WaitKind | None
    owner: str | None
    created_at: datetime
    updated_at: datetime
    files: dict[str, LocalFile] = field(default_factory=dict)
    """The local files the item uploads when it is sent, by field (``avatar_url``,
    ``audio_url``, ``create_voice.audio_url``), as they were when it was queued."""
    sent_payload: dict[str, Any] | None = None
    """The body actually sent (the files' URLs in place of their paths), once uploaded."""

    def to_json(self) -> dict[str, Any]:
        """The item as the command line prints it (``queue list --json``)."""
        return {
            "id": self.item_id,
            "state": self.state.value,
            "payload": self.payload,
            "service": self.service_url,
            "task_id": self.task_id,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "attempts": self.attempts,
            "next_attempt_at": (
                None if self.next_attempt_at is None else self.next_attempt_at.isoformat()
            ),
            "wait_kind": None if self.wait_kind is None else self.wait_kind.value,
            "source": self.source,
            "files": {
                name: {"path": str(file.path), "size": file.size, "sha256": file.sha256}
                for name, file in self.files.items()
            },
            "sent_payload": self.sent_payload,
        }


_COLUMNS = (
    "item_id",
    "service_url",
    "payload",
    "payload_hash",
    "consent",
    "source",
    "state",
    "reason",
    "reason_kind",
    "reason_verbatim",
    "task_id",
    "attempts",
    "next_attempt_at",
    "wait_kind",
    "owner",
    "created_at",
    "updated_at",
    "files",
    "sent_payload",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM outbox"
_CLAIMED = (
    f"(CASE WHEN files IS NULL THEN '{ItemState.SENDING.value}' "
    f"ELSE '{ItemState.UPLOADING.value}' END)"
)
"""The state a claim gives: an item with local files uploads them first."""


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


_SET_REASON = "reason = ?, reason_kind = ?, reason_verbatim = ?"
_NO_REASON = "reason = NULL, reason_kind = NULL, reason_verbatim = 0"


def _reason_values(reason: Reason) -> tuple[str, str, int]:
    return reason.text, reason.kind.value, int(reason.verbatim)


_STATES = {state.value: state for state in ItemState}
_WAIT_KINDS = {kind.value: kind for kind in WaitKind}


def _item(row: Sequence[Any]) -> OutboxItem:
    (
        item_id,
        service_url,
        payload,
        payload_hash,
        consent,
        source,
        state,
        reason,
        reason_kind,
        reason_verbatim,
        task_id,
        attempts,
        next_attempt_at,
        wait_kind,
        owner,
        created_at,
        updated_at,
        files,
        sent_payload,
    ) = row  # in the order of _COLUMNS; a listing reads 100,000 rows
    return OutboxItem(
        item_id=item_id,
        service_url=service_url,
        payload=json.loads(payload),
        payload_hash=payload_hash,
        consent=None if consent is None else json.loads(consent),
        source=source,
        state=_STATES.get(state) or ItemState(state),
        reason=reason,
        reason_kind=stored_error_kind(reason_kind),
        reason_verbatim=bool(reason_verbatim),
        task_id=task_id,
        attempts=attempts,
        next_attempt_at=None if next_attempt_at is None else _datetime(next_attempt_at),
        wait_kind=None if wait_kind is None else _WAIT_KINDS.get(wait_kind) or WaitKind(wait_kind),
        owner=owner,
        created_at=_datetime(created_at),
        updated_at=_datetime(updated_at),
        files=files_from_json(files),
        sent_payload=None if sent_payload is None else json.loads(sent_payload),
    )


def _task_row(
    conn: sqlite3.Connection, task_id: str, item: Sequence[Any], status: TaskStatus
) -> int:
    """The task row of ``task_id``, added (from an item's ``service_url, payload, consent,
    sent_payload``) when the list does not have it yet; inside the caller's transaction."""
    existing = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
    if existing is not None:
        return int(existing[0])
    row_id = insert_task(
        conn,
        task_id=task_id,
        service_url=item[0],
        payload=json.loads(item[1]),
        consent=None if item[2] is None else json.loads(item[2]),
        status=status,
        created_at=time.time(),
    )
    if item[3] is not None:
        conn.execute("UPDATE tasks SET sent_payload = ? WHERE row_id = ?", (item[3], row_id))
    return row_id


@dataclass(frozen=True)
class Recovery:
    """What became of the items that ended programs left ``sending``."""

    interrupted: list[int] = field(default_factory=list)
    """Now ``outcome_unknown``: the program stopped before the service answered."""
    disk_full: list[int] = field(default_factory=list)
    """Now ``outcome_unknown``: the answer came while the disk was full (or the file could not
    be written) and only a note without a task id was left."""
    written: dict[int, str] = field(default_factory=dict)
    """Now ``submitted``: the task id the service gave, kept in a note, is written now."""

    @property
    def unknown(self) -> list[int]:
        """Every item that became ``outcome_unknown``."""
        return [*self.interrupted, *self.disk_full]

    def __bool__(self) -> bool:
        return bool(self.interrupted or self.disk_full or self.written)


@dataclass(frozen=True)
class _Note:
    path: Path
    owner: str
    disk_full: bool
    task_id: str | None


_HASHES_PER_QUERY = 400
"""Payload hashes per ``IN (…)`` list (twice per statement: under SQLite's 999 variables)."""


@dataclass(frozen=True, slots=True)
class NewItem:
    """What :meth:`Outbox.add_many` queues: a valid request and where it came from."""

    request: GenerationRequest
    source: str | None = None
    consent: Mapping[str, Any] | None = None
    files: Mapping[str, LocalFile] = field(default_factory=dict)
    """Every local file of the request, read when it was queued
    (:func:`~avatar_desktop.core.local_files.read_files`)."""


class OutboxListing:
    """Every item of an outbox, oldest first, read again whenever a list shows it — each row
    turned into an :class:`OutboxItem` only when it changed since the last read: a send of
    500 items changes one at a time, and the window reads them all on every change."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._read: dict[int, tuple[tuple[Any, ...], OutboxItem]] = {}

    def read(self) -> tuple[list[OutboxItem], set[int]]:
        """The items, and the ids of those new or changed since the last read. Raises
        :class:`~avatar_desktop.core.store.database.StoreError`."""
        read: dict[int, tuple[tuple[Any, ...], OutboxItem]] = {}
        items: list[OutboxItem] = []
        changed: set[int] = set()
        for row in self._outbox.rows():
            kept = self._read.get(row[0])
            if kept is not None and kept[0] == row:
                item = kept[1]
            else:
                item = _item(row)
                changed.add(item.item_id)
            read[item.item_id] = (row, item)
            items.append(item)
        self._read = read
        return items, changed


class Outbox:
    """The outbox items of every service, oldest first. Safe to share between threads and
    between processes on the same file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- adding --

    def add(
        self,
        service_url: str,
        request: GenerationRequest,
        *,
        source: str | None = None,
        consent: Mapping[str, Any] | None = None,
    ) -> int:
        """Queue one valid request for ``service_url``; returns its item id."""
        return self.add_many(service_url, [NewItem(request, source, consent)])[0]

    def add_many(
        self, service_url: str, items: Iterable[NewItem], *, instead_of_task: int | None = None
    ) -> list[int]:
        """Queue several requests in one transaction (all or none); returns their ids. A
        request naming local files comes with each of them read (:attr:`NewItem.files`);
        raises ``ValueError`` when one is missing. ``instead_of_task``: the task row these
        requests replace (sent again), removed in the same transaction — and when it is gone
        already (sent again meanwhile), nothing is queued and the list is empty."""
        now = time.time()

        def rows() -> Iterator[tuple[object, ...]]:  # made as they are inserted: 100,000 of them
            for new in items:
                payload = new.request.to_payload()
                if local_fields(payload).keys() != new.files.keys():
                    raise ValueError("the local files of a request are read before it is queued")
                canonical = canonical_json(payload)
                yield (
                    service_url,
                    canonical,
                    canonical_hash(service_url, canonical),
                    None if new.consent is None else canonical_json(new.consent),
                    new.source,
                    ItemState.QUEUED.value,
                    now,
                    now,
                    files_to_json(new.files),
                )

        ids: list[int] = []
        with self.db.transaction() as conn:
            if instead_of_task is not None:
                gone = conn.execute("DELETE FROM tasks WHERE row_id = ?", (instead_of_task,))
                if gone.rowcount == 0:
                    return ids
            # One statement for all rows; the transaction holds the write lock, so the new
            # items are exactly those numbered above the newest one before it.
            (newest,) = conn.execute("SELECT coalesce(max(item_id), 0) FROM outbox").fetchone()
            made = rows()
            while chunk := list(itertools.islice(made, 1000)):
                conn.executemany(
                    "INSERT INTO outbox (service_url, payload, payload_hash, consent, source, "
                    "state, created_at, updated_at, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    chunk,
                )
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT item_id FROM outbox WHERE item_id > ? ORDER BY item_id", (newest,)
                )
            ]
        log.info("%d item(s) queued for %s", len(ids), service_url)
        return ids

    def find_same(self, service_url: str, payload: Mapping[str, Any]) -> list[OutboxItem]:
        """Earlier items (not cancelled) that hold exactly this request for this service: a
        duplicate would be billed twice. (Tasks: :meth:`TaskStore.find_same_request`.)"""
        with self.db.connection() as conn:
            rows = conn.execute(
                f"{_SELECT} WHERE payload_hash = ? AND service_url = ? AND payload = ? "
                "AND state != ? ORDER BY item_id",
                (
                    payload_hash(service_url, payload),
                    service_url,
                    canonical_json(payload),
                    ItemState.CANCELLED.value,
                ),
            ).fetchall()
        return [_item(row) for row in rows]

    def known_hashes(self, service_url: str, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` (:func:`~avatar_desktop.core.store.schema.payload_hash`
        values) belong to a live item or a task of ``service_url``: an import checks thousands
        of rows at once."""
        wanted = list(dict.fromkeys(hashes))
        known: set[str] = set()
        with self.db.connection() as conn:
            for start in range(0, len(wanted), _HASHES_PER_QUERY):
                chunk = wanted[start : start + _HASHES_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT payload_hash FROM outbox WHERE payload_hash IN ({marks}) "
                    "AND service_url = ? AND state != ? "
                    f"UNION SELECT payload_hash FROM tasks WHERE payload_hash IN ({marks}) "
                    "AND service_url = ?",
                    (*chunk, service_url, ItemState.CANCELLED.value, *chunk, service_url),
                ).fetchall()
                known.update(row[0] for row in rows)
        return known

    def consent_records(self) -> list[dict[str, Any]]:
        """Every consent record kept with an item or a task (of any service), items first,
        oldest first."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT consent FROM (SELECT 0 AS kind, item_id AS id, consent FROM outbox "
                "WHERE consent IS NOT NULL UNION ALL SELECT 1, row_id, consent FROM tasks "
                "WHERE consent IS NOT NULL) ORDER BY kind, id"
            ).fetchall()
        records = []
        for (text,) in rows:
            try:
                record = json.loads(text)
            except ValueError:
                continue  # a damaged record is no record
            if isinstance(record, dict):
                records.append(record)
        return records

    # -- reading --

    def get(self, item_id: int) -> OutboxItem | None:
        with self.db.connection() as conn:
            row = conn.execute(f"{_SELECT} WHERE item_id = ?", (item_id,)).fetchone()
        return None if row is None else _item(row)

    def items(
        self, service_url: str | None = None, states: Iterable[ItemState] | None = None
    ) -> list[OutboxItem]:
        """Items, oldest first, optionally of one service and some states."""
        return [_item(row) for row in self.rows(service_url, states)]

    def rows(
        self, service_url: str | None = None, states: Iterable[ItemState] | None = None
    ) -> list[tuple[Any, ...]]:
        """The stored rows of :meth:`items`, as read (:class:`OutboxListing` compares them)."""
        where: list[str] = []
        args: list[Any] = []
        if service_url is not None:
            where.append("service_url = ?")
            args.append(service_url)
        if states is not None:
            wanted = [ItemState(s).value for s in states]
            where.append(f"state IN ({', '.join('?' * len(wanted))})")
            args.extend(wanted)
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY item_id"
        with self.db.connection() as conn:
            return conn.execute(sql, args).fetchall()

    def signature(self) -> tuple[float, ...]:
        """What changes whenever an item is added, changed or removed: how many there are, the
        newest id, and sums over what a listing shows (change times, states, reasons, waits,
        attempts, task ids), so that two changes within one tick of a coarse clock are seen
        too. A listing reads the items again only when it differs (the data file also changes
        at every task status check)."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT count(*), coalesce(max(item_id), 0), total(updated_at), "
                "total(length(state) * item_id), total(length(coalesce(reason, '')) * item_id), "
                "total(coalesce(next_attempt_at, 0)), total(attempts * item_id), "
                "total(length(coalesce(task_id, '')) * item_id), "
                "total(length(coalesce(owner, '')) * item_id) FROM outbox"
            ).fetchone()
        return tuple(float(value) for value in row)

    def iter_items(self, page: int = 1000) -> Iterator[OutboxItem]:
        """Every item, oldest first, read a page at a time: a listing of 100,000 items never
        holds them all (``avatar-cli queue list --json``)."""
        last = 0
        while True:
            with self.db.connection() as conn:
                rows = conn.execute(
                    f"{_SELECT} WHERE item_id > ? ORDER BY item_id LIMIT ?", (last, page)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                item = _item(row)
                last = item.item_id
                yield item

    def counts(self, service_url: str | None = None) -> dict[ItemState, int]:
        """How many items are in each state (every state present, zero or more)."""
        sql = "SELECT state, count(*) FROM outbox"
        args: tuple[Any, ...] = ()
        if service_url is not None:
            sql += " WHERE service_url = ?"
            args = (service_url,)
        counts = dict.fromkeys(ItemState, 0)
        with self.db.connection() as conn:
            for state, count in conn.execute(sql + " GROUP BY state", args):
                counts[ItemState(state)] = count
        return counts

    def _due_clause(self, explicit: bool, since: float | None = None) -> str:
        # An explicit send retries at once what waited only because the service was unreachable
        # (before the run began, with ``since``: not what this very run just found unreachable);
        # a delay the service asked for is always honoured.
        unreachable = ""
        if explicit:
            before = f" AND updated_at < {float(since)!r}" if since is not None else ""
            unreachable = f" OR (wait_kind = '{WaitKind.UNREACHABLE.value}'{before})"
        return (
            f"(state = '{ItemState.QUEUED.value}' OR (state = '{ItemState.RETRY_WAIT.value}' "
            f"AND (next_attempt_at <= ?{unreachable})))"
        )

    def due_ids(self, service_url: str, *, now: float | None = None, explicit: bool) -> list[int]:
        """The ids of the items of ``service_url`` a send would take now, oldest first (what
        the user is asked to confirm is exactly what may then be sent)."""
        moment = time.time() if now is None else now
        with self.db.connection() as conn:
            due = self._due_clause(explicit)
            rows = conn.execute(
                f"SELECT item_id FROM outbox WHERE service_url = ? AND {due} ORDER BY item_id",
                (service_url, moment),
            ).fetchall()
        return [int(row[0]) for row in rows]

    def next_attempt(self, service_url: str) -> float | None:
        """The Unix time of the earliest ``retry_wait`` item of ``service_url``, if any."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT min(next_attempt_at) FROM outbox WHERE service_url = ? AND state = ?",
                (service_url, ItemState.RETRY_WAIT.value),
            ).fetchone()
        return None if row[0] is None else float(row[0])

    def summary(self, service_url: str, *, now: float | None = None) -> OutboxSummary:
        """The counts of :class:`OutboxSummary`, seen from ``service_url``, in one read."""
        moment = time.time() if now is None else now
        waiting = [s.value for s in ItemState if s.is_waiting]
        marks = ", ".join("?" * len(waiting))
        counts = dict.fromkeys(ItemState, 0)
        elsewhere: dict[str, list[int]] = {}
        with self.db.connection() as conn:
            conn.execute("BEGIN")  # one snapshot for every count
            try:
                for state, count in conn.execute(
                    "SELECT state, count(*) FROM outbox WHERE service_url = ? GROUP BY state",
                    (service_url,),
                ):
                    counts[ItemState(state)] = count
                due = conn.execute(
                    "SELECT count(*) FROM outbox WHERE service_url = ? AND "
                    f"{self._due_clause(True)}",
                    (service_url, moment),
                ).fetchone()[0]
                upcoming = conn.execute(
                    "SELECT min(next_attempt_at) FROM outbox WHERE service_url = ? AND state = ? "
                    "AND wait_kind = ? AND next_attempt_at > ?",
                    (service_url, ItemState.RETRY_WAIT.value, WaitKind.SERVICE.value, moment),
                ).fetchone()[0]
                for url, item_id in conn.execute(
                    "SELECT service_url, item_id FROM outbox WHERE service_url != ? AND "
                    f"state IN ({marks}) ORDER BY service_url, item_id",
                    (service_url, *waiting),
                ):
                    elsewhere.setdefault(url, []).append(item_id)
            finally:
                conn.execute("COMMIT")
        return OutboxSummary(
            service_url=service_url,
            counts=counts,
            due=int(due),
            next_attempt=None if upcoming is None else float(upcoming),
            elsewhere=elsewhere,
        )

    # -- sending --

    def claim_next(
        self,
        service_url: str,
        owner: str,
        *,
        explicit: bool,
        now: float | None = None,
        only: Collection[int] | None = None,
        since: float | None = None,
        without_files: bool = False,
    ) -> OutboxItem | None:
        """Claim the oldest due item of ``service_url`` for ``owner`` (one of ``only``, when
        given): it becomes ``sending`` (``uploading`` when it has local files), durably,
        before this returns. None when nothing is due. ``since``: the start of an explicit
        run, which retries at once only the items found unreachable before it.
        ``without_files``: only items without local files (the storage was refused)."""
        moment = time.time() if now is None else now
        among = " AND files IS NULL" if without_files else ""
        args: list[Any] = [service_url, moment]
        if only is not None:
            chosen = sorted(only)[:_MAX_VARIABLES]
            if not chosen:
                return None
            among += f" AND item_id IN ({', '.join('?' * len(chosen))})"
            args.extend(chosen)
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT item_id FROM outbox WHERE service_url = ? AND "
                f"{self._due_clause(explicit, since)}{among} ORDER BY item_id LIMIT 1",
                args,
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                f"UPDATE outbox SET state = {_CLAIMED}, owner = ?, attempts = attempts + 1, "
                "updated_at = ? WHERE item_id = ?",
                (owner, time.time(), row[0]),
            )
            claimed = conn.execute(f"{_SELECT} WHERE item_id = ?", (row[0],)).fetchone()
        item = _item(claimed)
        log.info("item %d: claimed by %s (attempt %d)", item.item_id, owner, item.attempts)
        return item

    def claim(self, item_id: int, owner: str, service_url: str | None = None) -> OutboxItem | None:
        """Claim one particular item (Submit sends the item it just queued) if it is still
        queued or waiting — and, when ``service_url`` is given, belongs to it; None when it is
        not (another process took it, or it was cancelled)."""
        service = "" if service_url is None else " AND service_url = ?"
        args: list[Any] = [
            owner,
            time.time(),
            item_id,
            ItemState.QUEUED.value,
            ItemState.RETRY_WAIT.value,
        ]
        if service_url is not None:
            args.append(service_url)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE outbox SET state = {_CLAIMED}, owner = ?, attempts = attempts + 1, "
                f"updated_at = ? WHERE item_id = ? AND state IN (?, ?){service}",
                args,
            )
            if cursor.rowcount == 0:
                return None
            row = conn.execute(f"{_SELECT} WHERE item_id = ?", (item_id,)).fetchone()
        return _item(row)

    def _finish(self, item_id: int, owner: str, sql: str, args: Sequence[Any]) -> bool:
        """Apply ``sql`` (an UPDATE ... SET fragment) to a claim ``owner`` still holds."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE outbox SET {sql}, owner = NULL, updated_at = ? "
                "WHERE item_id = ? AND state IN (?, ?) AND owner = ?",
                (
                    *args,
                    time.time(),
                    item_id,
                    ItemState.SENDING.value,
                    ItemState.UPLOADING.value,
                    owner,
                ),
            )
            done = cursor.rowcount == 1
        if not done:
            log.warning("item %d: the claim of %s was lost", item_id, owner)
        return done

    def mark_uploaded(self, item_id: int, owner: str, sent_payload: Mapping[str, Any]) -> bool:
        """The item's files are stored: it becomes ``sending`` with the body about to be sent
        (:attr:`OutboxItem.sent_payload`), durably, before that body leaves."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = ?, sent_payload = ?, updated_at = ? "
                "WHERE item_id = ? AND state = ? AND owner = ?",
                (
                    ItemState.SENDING.value,
                    canonical_json(sent_payload),
                    time.time(),
                    item_id,
                    ItemState.UPLOADING.value,
                    owner,
                ),
            )
            return cursor.rowcount == 1

    def mark_submitted(self, item_id: int, owner: str, task_id: str) -> int:
        """The service accepted the item as ``task_id``: in one transaction the item becomes
        ``submitted`` and the task enters the task list (``NOT_START``). Returns the task row id.

        Raises :class:`StoreError` when it cannot be written (the caller must keep the task
        id), :class:`~avatar_desktop.core.request.InvalidTaskId` when it is not a task id.
        """
        task_id = valid_task_id(task_id)
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT service_url, payload, consent, sent_payload FROM outbox "
                "WHERE item_id = ? AND state = ? AND owner = ?",
                (item_id, ItemState.SENDING.value, owner),
            ).fetchone()
            if row is None:
                raise StoreError(f"Outbox item {item_id} is no longer being sent by this program.")
            row_id = _task_row(conn, task_id, row, TaskStatus.NOT_START)
            conn.execute(
                f"UPDATE outbox SET state = ?, task_id = ?, {_NO_REASON}, owner = NULL, "
                "next_attempt_at = NULL, wait_kind = NULL, updated_at = ? WHERE item_id = ?",
                (ItemState.SUBMITTED.value, task_id, time.time(), item_id),
            )
        log.info("item %d: submitted as task %s", item_id, task_id)
        return row_id

    def mark_retry(
        self, item_id: int, owner: str, *, delay: float, reason: Reason, wait_kind: WaitKind
    ) -> bool:
        """Wait ``delay`` seconds, then the item is due again."""
        return self._finish(
            item_id,
            owner,
            f"state = ?, {_SET_REASON}, next_attempt_at = ?, wait_kind = ?",
            (
                ItemState.RETRY_WAIT.value,
                *_reason_values(reason),
                time.time() + delay,
                wait_kind.value,
            ),
        )

    def mark_refused(self, item_id: int, owner: str, reason: Reason) -> bool:
        """The service refused the item (not billed); it waits for the user to edit it."""
        return self._finish(
            item_id,
            owner,
            f"state = ?, {_SET_REASON}, next_attempt_at = NULL, wait_kind = NULL",
            (ItemState.REFUSED.value, *_reason_values(reason)),
        )

    def mark_outcome_unknown(self, item_id: int, owner: str, reason: Reason) -> bool:
        """The request may have reached the service: never sent again without the user."""
        return self._finish(
            item_id,
            owner,
            f"state = ?, {_SET_REASON}, next_attempt_at = NULL, wait_kind = NULL",
            (ItemState.OUTCOME_UNKNOWN.value, *_reason_values(reason)),
        )

    def release(self, item_id: int, owner: str, reason: Reason) -> bool:
        """Give a claim back untouched (it surely never left): the item is ``queued`` again.
        Used when the token was refused — nothing is lost."""
        return self._finish(
            item_id,
            owner,
            f"state = ?, {_SET_REASON}, attempts = max(attempts - 1, 0)",
            (ItemState.QUEUED.value, *_reason_values(reason)),
        )

    def recover_orphans(self, is_alive: Callable[[str | None], bool]) -> list[int]:
        """Turn items left ``sending`` by owners that are gone into ``outcome_unknown``;
        returns their ids (see :meth:`recover`, which also says why)."""
        return self.recover(is_alive).unknown

    def recover(self, is_alive: Callable[[str | None], bool]) -> Recovery:
        """Settle the items left ``sending`` by owners that are gone: one whose owner left a
        note with the task id (its disk was full) becomes ``submitted`` with its task; the
        others become ``outcome_unknown``, saying why — the disk was full, or the program
        stopped before the service answered. Items of live owners (another window, an
        ``avatar-cli`` run) are left alone. An item left ``uploading`` is ``queued`` again:
        nothing of it reached the service."""
        self._requeue_uploads(is_alive)
        notes = self._notes()  # before the items: a note is only left on an item being sent
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT item_id, owner FROM outbox WHERE state = ?", (ItemState.SENDING.value,)
            ).fetchall()
        sending = {item_id for item_id, _owner in rows}
        stale = [note for item_id, note in notes.items() if item_id not in sending]
        owners = {owner for _item_id, owner in rows}
        dead = {owner for owner in owners if not is_alive(owner)}
        recovery = Recovery()
        if dead:
            with self.db.transaction() as conn:
                for item_id, owner in rows:
                    if owner in dead:
                        self._settle(conn, item_id, owner, notes.get(item_id), recovery)
        for item_id in (*recovery.unknown, *recovery.written):
            if item_id in notes:
                stale.append(notes[item_id])
        for note in stale:
            _remove(note.path)
        if recovery.interrupted:
            log.warning("%d interrupted send(s): outcome unknown", len(recovery.interrupted))
        if recovery.disk_full:
            log.warning(
                "%d send(s) not written (disk full): outcome unknown", len(recovery.disk_full)
            )
        if recovery.written:
            log.warning(
                "%d task id(s) kept while the disk was full are written", len(recovery.written)
            )
        return recovery

    def _requeue_uploads(self, is_alive: Callable[[str | None], bool]) -> None:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT item_id, owner FROM outbox WHERE state = ?", (ItemState.UPLOADING.value,)
            ).fetchall()
        dead = [(item_id, owner) for item_id, owner in rows if not is_alive(owner)]
        if not dead:
            return
        with self.db.transaction() as conn:
            for item_id, owner in dead:
                conn.execute(
                    "UPDATE outbox SET state = ?, owner = NULL, attempts = max(attempts - 1, 0), "
                    "updated_at = ? WHERE item_id = ? AND state = ? AND owner IS ?",
                    (
                        ItemState.QUEUED.value,
                        time.time(),
                        item_id,
                        ItemState.UPLOADING.value,
                        owner,
                    ),
                )
        log.warning("%d interrupted upload(s): queued again", len(dead))

    @staticmethod
    def _settle(
        conn: sqlite3.Connection,
        item_id: int,
        owner: str | None,
        note: _Note | None,
        recovery: Recovery,
    ) -> None:
        if note is not None and note.owner != owner:
            note = None
        if note is not None and note.task_id:
            row = conn.execute(
                "SELECT service_url, payload, consent, sent_payload FROM outbox WHERE item_id = ?",
                (item_id,),
            ).fetchone()
            if row is None:  # removed meanwhile
                return
            _task_row(conn, note.task_id, row, TaskStatus.NOT_START)
            conn.execute(
                f"UPDATE outbox SET state = ?, task_id = ?, {_NO_REASON}, owner = NULL, "
                "next_attempt_at = NULL, wait_kind = NULL, updated_at = ? "
                "WHERE item_id = ? AND state = ? AND owner IS ?",
                (
                    ItemState.SUBMITTED.value,
                    note.task_id,
                    time.time(),
                    item_id,
                    ItemState.SENDING.value,
                    owner,
                ),
            )
            recovery.written[item_id] = note.task_id
            return
        if note is None:
            reason = Reason(INTERRUPTED_REASON, ErrorKind.INTERRUPTED)
            recovery.interrupted.append(item_id)
        elif note.disk_full:
            reason = Reason(DISK_FULL_REASON, ErrorKind.DISK_FULL)
            recovery.disk_full.append(item_id)
        else:
            reason = Reason(NOT_WRITTEN_REASON, ErrorKind.NOT_WRITTEN)
            recovery.disk_full.append(item_id)
        conn.execute(
            f"UPDATE outbox SET state = ?, {_SET_REASON}, owner = NULL, updated_at = ? "
            "WHERE item_id = ? AND state = ? AND owner IS ?",
            (
                ItemState.OUTCOME_UNKNOWN.value,
                *_reason_values(reason),
                time.time(),
                item_id,
                ItemState.SENDING.value,
                owner,
            ),
        )

    # -- notes left when the data file cannot be written --

    def note_unwritten(
        self, item_id: int, owner: str, task_id: str | None, *, disk_full: bool
    ) -> bool:
        """The answer about item ``item_id`` (being sent by ``owner``) could not be written:
        leave a note beside the data file saying so — with ``task_id``, when the service
        accepted the job — for :meth:`recover` to find if this program ends before it can
        write it. The note is an empty file (its name holds everything), which a full disk
        still allows. Returns False when not even that could be made. A ``task_id`` that is
        not a task id is left out (the item becomes ``outcome_unknown``)."""
        kind = _NOTE_FULL if disk_full else _NOTE_ERROR
        encoded = _note_task_id(task_id).encode("utf-8").hex() or "-"
        name = f"{self.db.path.name}{_NOTE_INFIX}{item_id}.{owner}.{kind}.{encoded}"
        if len(name) > note_name_room(self.db.path.parent):  # a task id too long for it
            name = f"{self.db.path.name}{_NOTE_INFIX}{item_id}.{owner}.{kind}.-"
        path = self.db.path.parent / name
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            log.error("item %d: no note could be left either: %s", item_id, exc)
            return False
        return True

    def forget_unwritten(self, item_id: int) -> None:
        """The answer about ``item_id`` is written now: its notes go."""
        for note in self._notes(item_id).values():
            _remove(note.path)

    def _notes(self, only: int | None = None) -> dict[int, _Note]:
        prefix = f"{self.db.path.name}{_NOTE_INFIX}"
        try:
            names = os.listdir(self.db.path.parent)
        except OSError:
            return {}
        notes: dict[int, _Note] = {}
        for name in names:
            if not name.startswith(prefix):
                continue
            parts = name[len(prefix) :].split(".")
            if len(parts) != 4 or not parts[0].isdigit():
                continue
            item_id = int(parts[0])
            if only is not None and item_id != only:
                continue
            task_id: str | None = None
            if parts[3] != "-":
                try:
                    task_id = _note_task_id(bytes.fromhex(parts[3]).decode("utf-8")) or None
                except ValueError:
                    continue
            path = self.db.path.parent / name
            notes[item_id] = _Note(path, parts[1], parts[2] == _NOTE_FULL, task_id)
        return notes

    # -- the user's decisions --

    def _change(
        self, item_id: int, allowed: Iterable[ItemState], sql: str, args: Sequence[Any]
    ) -> bool:
        states = [s.value for s in allowed]
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE outbox SET {sql}, updated_at = ? "
                f"WHERE item_id = ? AND state IN ({', '.join('?' * len(states))})",
                (*args, time.time(), item_id, *states),
            )
            return cursor.rowcount == 1

    def cancel(self, item_id: int) -> bool:
        """Cancel an item that is not being sent and not submitted; False when it cannot be."""
        return self._change(
            item_id,
            (ItemState.QUEUED, ItemState.RETRY_WAIT, ItemState.REFUSED, ItemState.OUTCOME_UNKNOWN),
            "state = ?, next_attempt_at = NULL, wait_kind = NULL",
            (ItemState.CANCELLED.value,),
        )

    def requeue(self, item_id: int, payload: Mapping[str, Any] | None = None) -> bool:
        """Send again: a refused, cancelled or outcome-unknown item (optionally with an edited,
        valid request body) goes back to ``queued``. For ``outcome_unknown`` the caller must
        have asked the user: the job may already exist and be billed. Its local files are
        read again as they are now (the user checked them); raises
        :class:`~avatar_desktop.core.request.ValidationError` naming a field whose file is
        missing or unreadable."""
        allowed = (ItemState.REFUSED, ItemState.CANCELLED, ItemState.OUTCOME_UNKNOWN)
        item = self.get(item_id)
        if item is None:
            return False
        body = item.payload
        if payload is not None:
            body = GenerationRequest.from_payload(payload, local_files=True).to_payload()
        files = read_files(body, FileHome.STORAGE) if local_fields(body) else {}
        return self._change(
            item_id,
            allowed,
            f"state = ?, {_NO_REASON}, next_attempt_at = NULL, wait_kind = NULL, payload = ?, "
            "payload_hash = ?, files = ?, sent_payload = NULL",
            (
                ItemState.QUEUED.value,
                canonical_json(body),
                payload_hash(item.service_url, body),
                files_to_json(files),
            ),
        )

    def move(self, item_id: int, service_url: str) -> OutboxItem:
        """Send item ``item_id`` to ``service_url`` instead of the service it was queued for
        (where it is billed changes: the caller asks the user first). Only a
        :attr:`~ItemState.movable` item moves; it becomes ``queued`` there, its wait, reason
        and attempts cleared. The same request already queued or submitted for
        ``service_url`` is not moved beside it (it would be billed twice). Returns the moved
        item; raises :class:`CannotMove` saying why not."""
        with self.db.transaction() as conn:
            row = conn.execute(f"{_SELECT} WHERE item_id = ?", (item_id,)).fetchone()
            if row is None:
                raise CannotMove(MoveRefusal.NOT_FOUND)
            item = _item(row)
            if not item.state.movable:  # a sent item is sent, whichever service it names
                raise CannotMove(MoveRefusal.STATE, item)
            if item.service_url == service_url:
                raise CannotMove(MoveRefusal.SAME_SERVICE, item)
            key = payload_hash(service_url, item.payload)
            body = canonical_json(item.payload)
            same = conn.execute(
                "SELECT item_id FROM outbox WHERE payload_hash = ? AND service_url = ? "
                "AND payload = ? AND state != ? ORDER BY item_id LIMIT 1",
                (key, service_url, body, ItemState.CANCELLED.value),
            ).fetchone()
            if same is not None:
                raise CannotMove(MoveRefusal.DUPLICATE, item, f"item {same[0]}")
            task = conn.execute(
                "SELECT task_id FROM tasks WHERE payload_hash = ? AND service_url = ? "
                "AND payload = ? ORDER BY row_id LIMIT 1",
                (key, service_url, body),
            ).fetchone()
            if task is not None:
                raise CannotMove(MoveRefusal.DUPLICATE, item, f"task {task[0]}")
            conn.execute(
                f"UPDATE outbox SET service_url = ?, payload_hash = ?, state = ?, {_NO_REASON}, "
                "next_attempt_at = NULL, wait_kind = NULL, attempts = 0, updated_at = ? "
                "WHERE item_id = ?",
                (service_url, key, ItemState.QUEUED.value, time.time(), item_id),
            )
            moved = conn.execute(f"{_SELECT} WHERE item_id = ?", (item_id,)).fetchone()
        log.info("item %d: moved from %s to %s", item_id, item.service_url, service_url)
        return _item(moved)

    def resolve_submitted(self, item_id: int, task_id: str) -> int | None:
        """The user found the job of an ``outcome_unknown`` item on the service as ``task_id``:
        the item becomes ``submitted`` and the task enters the list. Returns the task row id,
        None when the item is not ``outcome_unknown``. Raises
        :class:`~avatar_desktop.core.request.InvalidTaskId` when ``task_id`` is not a task id."""
        task_id = valid_task_id(task_id)
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT service_url, payload, consent, sent_payload FROM outbox "
                "WHERE item_id = ? AND state = ?",
                (item_id, ItemState.OUTCOME_UNKNOWN.value),
            ).fetchone()
            if row is None:
                return None
            row_id = _task_row(conn, task_id, row, TaskStatus.UNKNOWN)
            conn.execute(
                f"UPDATE outbox SET state = ?, task_id = ?, {_NO_REASON}, updated_at = ? "
                "WHERE item_id = ?",
                (ItemState.SUBMITTED.value, task_id, time.time(), item_id),
            )
        return row_id

    def remove_finished(self, service_url: str | None = None) -> int:
        """Forget submitted and cancelled items (their tasks stay in the task list)."""
        sql = "DELETE FROM outbox WHERE state IN (?, ?)"
        args: list[Any] = [ItemState.SUBMITTED.value, ItemState.CANCELLED.value]
        if service_url is not None:
            sql += " AND service_url = ?"
            args.append(service_url)
        with self.db.transaction() as conn:
            return conn.execute(sql, args).rowcount


def _note_task_id(task_id: str | None) -> str:
    """The task id a note holds: ``task_id`` when it is one, else empty."""
    try:
        return valid_task_id(task_id or "")
    except InvalidTaskId:
        return ""


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove the note %s: %s", path.name, exc)


__all__ = [
    "DISK_FULL_REASON",
    "INTERRUPTED_REASON",
    "NOT_WRITTEN_REASON",
    "CannotMove",
    "FileLine",
    "ItemState",
    "MoveRefusal",
    "NewItem",
    "Outbox",
    "OutboxItem",
    "OutboxListing",
    "OutboxSummary",
    "Reason",
    "Recovery",
    "Source",
    "WaitKind",
    "file_line_source",
    "read_source",
]
