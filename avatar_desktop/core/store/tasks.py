"""The local record of every submitted task, in SQLite (Qt-free).

:class:`TaskStore` keeps one row per task the service accepted (or that was added by hand).
Paid requests on their way are the outbox's (:mod:`avatar_desktop.core.store.outbox`); rows that
versions before the outbox left ``SENDING`` become ``OUTCOME_UNKNOWN`` at start
(:meth:`TaskStore.recover_interrupted`).

The file and its transactions are :mod:`avatar_desktop.core.store.database`'s, what a row
derives from its data (statuses, label, search text) :mod:`avatar_desktop.core.store.schema`'s.
The outbox (:mod:`avatar_desktop.core.store.outbox`) adds the task row of an accepted submission
in the same transaction that marks its item submitted, through :func:`insert_task`. Every SQLite
failure surfaces as :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import sqlite3
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import VoiceMode, valid_task_id
from avatar_desktop.core.service import ErrorKind, TaskInfo, TaskStatus, stored_error_kind
from avatar_desktop.core.store.database import DEFAULT_FILE_NAME, Database, StoreError
from avatar_desktop.core.store.schema import (
    STATUS_RANK_SQL,
    UNFINISHED,
    LocalStatus,
    Status,
    canonical_json,
    derived_columns,
    parse_status,
    payload_hash,
    payload_mode,
)

log = logging.getLogger("avatar_desktop.core.store.tasks")

INTERRUPTED_ERROR = "The app closed before the service answered; the job may exist."
FIRST_CHECK_SECONDS = 3.0
"""A new task is first asked about this long after it was stored."""
_MAX_VARIABLES = 500
"""Ids bound in one ``IN (...)`` query; a larger request is split into several queries."""

_FOLLOWED = (
    "service_url = ? AND task_id IS NOT NULL AND status IN ("
    + ", ".join(f"'{status}'" for status in sorted(UNFINISHED))
    + ")"
)
"""The rows the follower asks about, of the service bound to its one parameter."""


SHOWN_COLUMNS = frozenset(
    {
        "task_id",
        "status",
        "progress",
        "fail_reason",
        "error",
        "video_url",
        "no_watermark_video_url",
        "watermarked_video_url",
        "cover_url",
        "submitted_at",
        "started_at",
        "finished_at",
    }
)
"""What the user sees of a task. A write that changes one of them changes the task: its
``updated_at`` (the window's *Updated* column, ``updated_at`` of ``avatar-cli tasks list/show
--json`` and of exports) moves. Bookkeeping — when it was last asked about and is asked next,
unreadable answers counted, the saved video, claims, a link found expired — does not."""


class TaskOrder(enum.StrEnum):
    """What the task list can be sorted by; each has an index."""

    CREATED = "created_at"
    MODE = "mode"
    AVATAR = "label"
    STATUS = STATUS_RANK_SQL
    UPDATED = "updated_at"


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` anywhere, taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class TaskRecord:
    """One stored task. Times are aware UTC datetimes; ``task_id`` is None until known."""

    row_id: int
    task_id: str | None
    service_url: str
    payload: dict[str, Any]
    payload_hash: str
    mode: VoiceMode | None
    created_at: datetime
    updated_at: datetime
    """When something shown of the task last changed (:data:`SHOWN_COLUMNS`)."""
    status: Status
    progress: int | None
    fail_reason: str | None
    video_url: str | None
    no_watermark_video_url: str | None
    watermarked_video_url: str | None
    cover_url: str | None
    error: str | None
    consent: dict[str, Any] | None
    submitted_at: datetime | None = None
    """The service's times (its ``submit_time``, ``start_time``, ``finish_time``)."""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    checked_at: datetime | None = None
    """When the service last gave a readable answer about the task."""
    next_check_at: datetime | None = None
    checks: int = 0
    failures: int = 0
    """Unreadable answers in a row (the follower backs off on them)."""
    saved_path: str | None = None
    saved_at: datetime | None = None
    """When ``saved_path`` was recorded."""
    error_kind: ErrorKind | None = None
    """What kind of failure :attr:`error` is (the window says it in the user's language;
    ``avatar-cli`` prints the English :attr:`error`). None: kept by an older version."""
    label: str = ""
    keep_owner: str | None = None
    """The process saving the task's video now (see :mod:`avatar_desktop.core.keeping`)."""
    expired_link: str | None = None
    """A result link a download found expired (403 / 404 / 410)."""
    sent_payload: dict[str, Any] | None = None
    """The body actually sent, when it differs from :attr:`payload` (local files uploaded:
    their URLs in place of the paths)."""

    @property
    def avatar_url(self) -> str | None:
        value = self.payload.get("avatar_url")
        return value if isinstance(value, str) else None

    @property
    def is_final(self) -> bool:
        """Whether the follower is done with the task (final, not found, or never sent)."""
        return self.status.value not in UNFINISHED

    def durations(self) -> tuple[float | None, float | None]:
        """Seconds from submission (or, unknown, from being stored) to the end, and of
        rendering (from its start to the end); None while not final or unknown."""
        end = self.finished_at
        if end is None or self.status not in (TaskStatus.SUCCESS, TaskStatus.FAILURE):
            return None, None
        begin = self.submitted_at or self.created_at
        total = max(0.0, (end - begin).total_seconds())
        if self.started_at is None or self.started_at <= begin:
            return total, None
        return total, max(0.0, (end - self.started_at).total_seconds())

    def video_links(self) -> dict[str, str]:
        """The result links the service gave, by variant (``default``, ``no_watermark``,
        ``watermarked``)."""
        links = {
            "default": self.video_url,
            "no_watermark": self.no_watermark_video_url,
            "watermarked": self.watermarked_video_url,
        }
        return {name: url for name, url in links.items() if url}


_COLUMNS = (
    "row_id",
    "task_id",
    "service_url",
    "payload",
    "payload_hash",
    "mode",
    "created_at",
    "updated_at",
    "status",
    "progress",
    "fail_reason",
    "video_url",
    "no_watermark_video_url",
    "watermarked_video_url",
    "cover_url",
    "error",
    "error_kind",
    "consent",
    "submitted_at",
    "started_at",
    "finished_at",
    "checked_at",
    "next_check_at",
    "checks",
    "failures",
    "saved_path",
    "saved_at",
    "label",
    "keep_owner",
    "expired_link",
    "sent_payload",
)
_TIME_COLUMNS = (
    "submitted_at",
    "started_at",
    "finished_at",
    "checked_at",
    "next_check_at",
    "saved_at",
)
_MODES = frozenset(mode.value for mode in VoiceMode)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM tasks"
_KEPT_UNLESS_SAID = (
    "progress",
    "video_url",
    "no_watermark_video_url",
    "watermarked_video_url",
    "cover_url",
    "submitted_at",
    "started_at",
    "finished_at",
)
"""What an answer that leaves it out does not change."""
_NEWEST_FIRST = "ORDER BY created_at DESC, row_id DESC"


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return moment.timestamp()


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _optional_datetime(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else _datetime(timestamp)


def _optional_timestamp(moment: datetime | None) -> float | None:
    return None if moment is None else _timestamp(moment)


def _json_or_none(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _error(text: str | None, kind: ErrorKind | None) -> dict[str, Any]:
    """The two columns of a row's local error (none: both cleared)."""
    return {"error": text, "error_kind": kind.value if text and kind else None}


def _record(row: tuple[Any, ...]) -> TaskRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    mode = values["mode"]
    return TaskRecord(
        row_id=values["row_id"],
        task_id=values["task_id"],
        service_url=values["service_url"],
        payload=json.loads(values["payload"]),
        payload_hash=values["payload_hash"],
        mode=VoiceMode(mode) if mode in _MODES else None,
        created_at=_datetime(values["created_at"]),
        updated_at=_datetime(values["updated_at"]),
        status=parse_status(values["status"]),
        progress=values["progress"],
        fail_reason=values["fail_reason"],
        video_url=values["video_url"],
        no_watermark_video_url=values["no_watermark_video_url"],
        watermarked_video_url=values["watermarked_video_url"],
        cover_url=values["cover_url"],
        error=values["error"],
        error_kind=stored_error_kind(values["error_kind"]),
        consent=_json_or_none(values["consent"]),
        checks=values["checks"],
        failures=values["failures"],
        saved_path=values["saved_path"],
        label=values["label"],
        keep_owner=values["keep_owner"],
        expired_link=values["expired_link"],
        sent_payload=_json_or_none(values["sent_payload"]),
        **{name: _optional_datetime(values[name]) for name in _TIME_COLUMNS},
    )


def insert_task(
    conn: sqlite3.Connection,
    *,
    task_id: str | None,
    service_url: str,
    payload: Mapping[str, Any],
    consent: Mapping[str, Any] | None,
    status: Status,
    created_at: float,
) -> int:
    """Insert a task row inside the caller's transaction; returns its row id.

    A task id already in the list raises :class:`StoreError`, one that is not a task id
    :class:`~avatar_desktop.core.request.InvalidTaskId` (and the caller's transaction rolls
    back); the id is stored as :func:`~avatar_desktop.core.request.valid_task_id` gives it.
    """
    if task_id is not None:
        task_id = valid_task_id(task_id)
    label, search_text = derived_columns(task_id, payload)
    now = time.time()
    values = {
        "task_id": task_id,
        "service_url": service_url,
        "payload": canonical_json(payload),
        "payload_hash": payload_hash(service_url, payload),
        "mode": payload_mode(payload),
        "created_at": created_at,
        "updated_at": now,
        "touched_at": now,
        "status": status.value,
        "consent": None if consent is None else canonical_json(consent),
        "next_check_at": now + FIRST_CHECK_SECONDS,
        "label": label,
        "search_text": search_text,
    }
    sql = (
        f"INSERT INTO tasks ({', '.join(values)}) "
        f"VALUES ({', '.join(':' + name for name in values)})"
    )
    try:
        row_id = conn.execute(sql, values).lastrowid
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"Task {task_id} is already in the task list.") from exc
    assert row_id is not None
    return row_id


def _filter_sql(statuses: Collection[str] | None, search: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if statuses is not None:
        wanted = sorted(set(statuses))
        # "+status": filter while reading the sort order's index, rather than look rows up
        # through the status index and sort them afterwards.
        clauses.append(f"+status IN ({', '.join('?' * len(wanted))})" if wanted else "0")
        params.extend(wanted)
    if search.strip():
        # The index on search_text is read alone (it holds the row ids): no row is loaded.
        clauses.append(
            "row_id IN (SELECT row_id FROM tasks INDEXED BY tasks_search "
            "WHERE search_text LIKE ? ESCAPE '\\')"
        )
        params.append(like_pattern(search.strip()))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _row_values(record: TaskRecord) -> dict[str, Any]:
    """The columns of ``record`` as stored (for putting a removed row back)."""
    values: dict[str, Any] = {name: getattr(record, name) for name in _COLUMNS}
    values["payload"] = canonical_json(record.payload)
    values["mode"] = None if record.mode is None else record.mode.value
    values["created_at"] = record.created_at.timestamp()
    values["updated_at"] = record.updated_at.timestamp()
    values["status"] = record.status.value
    values["consent"] = None if record.consent is None else canonical_json(record.consent)
    values["sent_payload"] = (
        None if record.sent_payload is None else canonical_json(record.sent_payload)
    )
    for name in _TIME_COLUMNS:
        values[name] = _optional_timestamp(getattr(record, name))
    values["search_text"] = derived_columns(record.task_id, record.payload)[1]
    values["touched_at"] = time.time()
    return values


def _write(conn: sqlite3.Connection, row_id: int, values: Mapping[str, Any], now: float) -> None:
    """Write ``values`` (column -> value) into the row ``row_id`` inside the caller's
    transaction: ``touched_at`` moves at every write, ``updated_at`` only when one of
    :data:`SHOWN_COLUMNS` gets another value (the one rule of what changes a task)."""
    shown = [name for name in values if name in SHOWN_COLUMNS]
    changed = False
    if shown:
        before = conn.execute(
            f"SELECT {', '.join(shown)} FROM tasks WHERE row_id = ?", (row_id,)
        ).fetchone()
        changed = before is not None and tuple(before) != tuple(values[n] for n in shown)
    columns = {**values, "touched_at": now}
    if changed:
        columns["updated_at"] = now
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    conn.execute(
        f"UPDATE tasks SET {assignments} WHERE row_id = :row_id", {**columns, "row_id": row_id}
    )


# --- the store ----------------------------------------------------------------------------


class TaskStore:
    """Every task the app submitted or imported, newest first.

    Safe to share between threads. Methods raise :class:`StoreError` when SQLite fails (a
    corrupt file, a full disk, another program holding a lock). Built on a
    :class:`~avatar_desktop.core.store.database.Database` (shared with the outbox and the
    drafts) or on a path, in which case it opens and owns the database.
    """

    def __init__(self, database: Database | Path) -> None:
        self._owns_db = not isinstance(database, Database)
        self.db = database if isinstance(database, Database) else Database(Path(database))
        self.path = self.db.path

    @classmethod
    def open_default(cls) -> TaskStore:
        """The store in the app's data folder."""
        return cls(data_dir() / DEFAULT_FILE_NAME)

    def close(self) -> None:
        """Close the file when this store opened it. Closing twice is harmless."""
        if self._owns_db:
            self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self.db.connection()

    def _transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self.db.transaction()

    # -- rows older versions left behind --

    def recover_interrupted(self) -> int:
        """Turn rows left ``SENDING`` by an earlier run into ``OUTCOME_UNKNOWN``; returns how
        many. Call it once at start-up, before any submission begins."""
        with self._transaction() as conn:
            now = time.time()
            count = conn.execute(  # a change of status: each of these tasks changes
                "UPDATE tasks SET status = ?, error = ?, error_kind = ?, updated_at = ?, "
                "touched_at = ? WHERE status = ?",
                (
                    LocalStatus.OUTCOME_UNKNOWN.value,
                    INTERRUPTED_ERROR,
                    ErrorKind.INTERRUPTED.value,
                    now,
                    now,
                    LocalStatus.SENDING.value,
                ),
            ).rowcount
        if count:
            log.warning("%d submission(s) interrupted by the app closing; outcome unknown", count)
        return count

    # -- known tasks --

    def add_task(
        self,
        task_id: str,
        service_url: str,
        payload: Mapping[str, Any],
        consent: Mapping[str, Any] | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """Add a task that exists on the service (e.g. imported); returns its row id.

        Its status is ``UNKNOWN`` until the first :meth:`update_from_info`. A task id already in
        the list raises :class:`StoreError`, one that is not a task id
        :class:`~avatar_desktop.core.request.InvalidTaskId`.
        """
        task_id = valid_task_id(task_id)
        with self._transaction() as conn:
            row_id = insert_task(
                conn,
                task_id=task_id,
                service_url=service_url,
                payload=payload,
                consent=consent,
                status=TaskStatus.UNKNOWN,
                created_at=time.time() if created_at is None else _timestamp(created_at),
            )
        log.info("row %d: task %s added", row_id, task_id)
        return row_id

    def update_from_info(
        self, task_id: str, info: TaskInfo, next_check_at: float | None = None
    ) -> int | None:
        """Store what the service said about ``task_id``; returns its row id (None if unknown).

        Result URLs, progress and times the answer leaves out keep their earlier values. A
        readable answer clears the row's local error and its count of unreadable answers; the
        follower's next question is due at ``next_check_at`` (Unix seconds; None: at once).
        """
        now = time.time()
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT row_id, checks, {', '.join(_KEPT_UNLESS_SAID)} FROM tasks "
                "WHERE task_id = ?",
                (task_id,),
            ).fetchone()
            if row is None:
                return None
            earlier = dict(zip(_KEPT_UNLESS_SAID, row[2:], strict=True))
            said = {
                "progress": info.progress,
                "video_url": info.video_url,
                "no_watermark_video_url": info.no_watermark_video_url,
                "watermarked_video_url": info.watermarked_video_url,
                "cover_url": info.cover_url,
                "submitted_at": _optional_timestamp(info.submitted_at),
                "started_at": _optional_timestamp(info.started_at),
                "finished_at": _optional_timestamp(info.finished_at),
            }
            values = {name: earlier[name] if said[name] is None else said[name] for name in said}
            if info.status is TaskStatus.FAILURE:
                values["progress"] = None  # a failed task shows no "100%"
            values |= {
                "status": info.status.value,
                "fail_reason": info.fail_reason,
                **_error(None, None),
                "failures": 0,
                "checks": row[1] + 1,
                "checked_at": now,
                "next_check_at": next_check_at,
            }
            _write(conn, row[0], values, now)
        log.debug("row %d: task %s is %s", row[0], task_id, info.status.value)
        return int(row[0])

    def record_failure(
        self,
        task_id: str,
        error: str,
        next_check_at: float | None,
        kind: ErrorKind = ErrorKind.OTHER,
    ) -> int | None:
        """An answer about ``task_id`` could not be read or stored: keep its last good state,
        show ``error`` (of ``kind``) in its row, count the failure and ask again at
        ``next_check_at``."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT row_id, failures FROM tasks WHERE task_id = ?", (task_id,)
            ).fetchone()
            if row is None:
                return None
            values = {
                **_error(error, kind),
                "failures": row[1] + 1,
                "next_check_at": next_check_at,
            }
            _write(conn, row[0], values, time.time())
        return int(row[0])

    def pending_task_ids(self, service_url: str, limit: int = 100) -> list[str]:
        """Task ids on ``service_url`` whose outcome is not final yet, least recently asked
        about first (never asked first; so every task gets its turn when there are many)."""
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT task_id FROM tasks WHERE {_FOLLOWED} ORDER BY checked_at ASC LIMIT ?",
                (service_url, limit),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def due_tasks(self, service_url: str, now: float, limit: int = 100) -> list[TaskRecord]:
        """Unfinished tasks of ``service_url`` whose next question is due at ``now``, longest
        waiting first."""
        with self._connection() as conn:
            rows = conn.execute(
                f"{_SELECT} WHERE {_FOLLOWED}"
                f" AND (next_check_at IS NULL OR next_check_at <= ?)"
                # NULL (ask at once) sorts first; the order is the index's, so only the first
                # few due rows are read even when thousands of tasks are unfinished.
                f" ORDER BY next_check_at ASC LIMIT ?",
                (service_url, now, limit),
            ).fetchall()
        return [_record(row) for row in rows]

    def next_check_time(self, service_url: str) -> float | None:
        """When the next unfinished task of ``service_url`` is due (Unix seconds; 0 when one
        is due at once), or None when none is unfinished."""
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT min(coalesce(next_check_at, 0)) FROM tasks WHERE {_FOLLOWED}",
                (service_url,),
            ).fetchone()
        return None if row[0] is None else float(row[0])

    def check_soon(self, task_ids: Iterable[str]) -> None:
        """Make the next question about ``task_ids`` due at once (a manual refresh)."""
        ids = [(task_id,) for task_id in task_ids]
        with self._transaction() as conn:
            conn.executemany("UPDATE tasks SET next_check_at = NULL WHERE task_id = ?", ids)

    def mark_not_found(self, task_id: str, message: str) -> int | None:
        """The service does not know ``task_id``: the row becomes ``NOT_FOUND`` (final) with
        ``message`` as its error; returns its row id, if any."""
        with self._transaction() as conn:
            row = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if row is None:
                return None
            now = time.time()
            values = {
                "status": LocalStatus.NOT_FOUND.value,
                **_error(message, ErrorKind.TASK_NOT_FOUND),
                "next_check_at": None,
                "checked_at": now,
            }
            _write(conn, row[0], values, now)
        return int(row[0])

    def set_task_id(self, row_id: int, task_id: str) -> None:
        """A row whose outcome was unknown is the service's task ``task_id``: follow it.

        Raises :class:`StoreError` when another row already holds that task id,
        :class:`~avatar_desktop.core.request.InvalidTaskId` when it is not a task id."""
        task_id = valid_task_id(task_id)
        with self._transaction() as conn:
            row = conn.execute("SELECT payload FROM tasks WHERE row_id = ?", (row_id,)).fetchone()
            if row is None:
                raise StoreError("The task is no longer in the list.")
            search_text = derived_columns(task_id, row[0])[1]
            values = {
                "task_id": task_id,
                "status": TaskStatus.UNKNOWN.value,
                **_error(None, None),
                "failures": 0,
                "search_text": search_text,
                "next_check_at": None,
            }
            try:
                _write(conn, row_id, values, time.time())
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"Task {task_id} is already in the task list.") from exc

    def set_saved_path(self, row_id: int, path: str | None) -> None:
        """Record where the task's video was saved, and when (None: forget it). Bookkeeping:
        the task itself has not changed (its ``updated_at`` stays)."""
        now = time.time()
        with self._transaction() as conn:
            values = {"saved_path": path, "saved_at": None if path is None else now}
            _write(conn, row_id, values, now)

    def saved_tasks(self, *, after: float | None = None, limit: int = 200) -> list[TaskRecord]:
        """Tasks with a saved video, the latest saved first: the last ``limit``, or with
        ``after`` only those saved later than that moment (Unix seconds). Read through the
        index of the saved ones, however long the list."""
        where = "WHERE saved_path IS NOT NULL"
        params: list[Any] = []
        if after is not None:
            where += " AND saved_at > ?"
            params.append(after)
        with self._connection() as conn:
            rows = conn.execute(
                f"{_SELECT} INDEXED BY tasks_saved {where} ORDER BY saved_at DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [_record(row) for row in rows]

    # -- keeping videos (the rule is avatar_desktop.core.keeping's) --

    def unkept_tasks(
        self, service_url: str | None = None, *, with_saved: bool = False
    ) -> list[TaskRecord]:
        """Succeeded tasks (of ``service_url``, else of every service) with no saved video,
        oldest first; ``with_saved`` adds those with a saved path (whose file may be gone)."""
        if with_saved:
            where = "WHERE status = 'SUCCESS'"
        else:  # only the index of the unsaved successes is read, however long the list
            where = "INDEXED BY tasks_unkept WHERE status = 'SUCCESS' AND saved_path IS NULL"
        params: list[Any] = []
        if service_url is not None:
            where += " AND service_url = ?"
            params.append(service_url)
        with self._connection() as conn:
            rows = conn.execute(
                f"{_SELECT} {where} AND task_id IS NOT NULL ORDER BY row_id", params
            ).fetchall()
        return [_record(row) for row in rows]

    def claim_keep(
        self, row_id: int, owner: str, allowed: Callable[[TaskRecord], bool]
    ) -> bool | None:
        """Make ``owner`` the process saving the row's video when ``allowed(record)`` says so,
        both in one transaction (two processes never both get it). True: claimed; False: not
        allowed; None: there is no such row."""
        with self._transaction() as conn:
            row = conn.execute(f"{_SELECT} WHERE row_id = ?", (row_id,)).fetchone()
            if row is None:
                return None
            if not allowed(_record(row)):
                return False
            conn.execute("UPDATE tasks SET keep_owner = ? WHERE row_id = ?", (owner, row_id))
        return True

    def release_keep(self, row_id: int, owner: str) -> None:
        """``owner`` no longer saves the row's video (a claim it does not hold stays)."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE tasks SET keep_owner = NULL WHERE row_id = ? AND keep_owner = ?",
                (row_id, owner),
            )

    def mark_link_expired(self, row_id: int, url: str, error: str) -> None:
        """A download found ``url`` expired: remember it, and show ``error`` in the row."""
        with self._transaction() as conn:
            values = {"expired_link": url, **_error(error, ErrorKind.LINK_EXPIRED)}
            _write(conn, row_id, values, time.time())

    def set_error_for_task(
        self, task_id: str, error: str | None, kind: ErrorKind = ErrorKind.OTHER
    ) -> int | None:
        """Set the local error (of ``kind``) of the row holding ``task_id``; returns its row
        id, if any."""
        with self._transaction() as conn:
            row = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if row is None:
                return None
            _write(conn, row[0], _error(error, kind), time.time())
        return int(row[0])

    def set_error(self, row_id: int, error: str | None, kind: ErrorKind = ErrorKind.OTHER) -> None:
        """Set (or, with None, clear) the local error (of ``kind``) shown in the row."""
        with self._transaction() as conn:
            _write(conn, row_id, _error(error, kind), time.time())

    # -- reading --

    def get(self, row_id: int) -> TaskRecord | None:
        with self._connection() as conn:
            row = conn.execute(f"{_SELECT} WHERE row_id = ?", (row_id,)).fetchone()
        return None if row is None else _record(row)

    def _fetch_many(
        self, conn: sqlite3.Connection, row_ids: Iterable[int]
    ) -> dict[int, TaskRecord]:
        wanted = list(dict.fromkeys(row_ids))
        records: dict[int, TaskRecord] = {}
        for start in range(0, len(wanted), _MAX_VARIABLES):
            chunk = wanted[start : start + _MAX_VARIABLES]
            marks = ", ".join("?" * len(chunk))
            for row in conn.execute(f"{_SELECT} WHERE row_id IN ({marks})", chunk):
                record = _record(row)
                records[record.row_id] = record
        return records

    def find(self, task_id: str) -> TaskRecord | None:
        """The row holding ``task_id``, if any."""
        with self._connection() as conn:
            row = conn.execute(f"{_SELECT} WHERE task_id = ?", (task_id,)).fetchone()
        return None if row is None else _record(row)

    def query_ids(
        self,
        order: TaskOrder = TaskOrder.CREATED,
        *,
        descending: bool = True,
        statuses: Collection[str] | None = None,
        search: str = "",
    ) -> array[int]:
        """Row ids sorted by ``order``, of the rows whose status is one of ``statuses`` (every
        status when None) and whose task id, avatar or words contain ``search`` (ignoring
        ASCII case). Every order and filter has an index: 100,000 rows answer in milliseconds.
        """
        where, params = _filter_sql(statuses, search)
        way = "DESC" if descending else "ASC"
        # Rows with the same key keep the order of the key's index (by status, then age).
        sql = f"SELECT row_id FROM tasks {where} ORDER BY {order.value} {way}"
        with self._connection() as conn:
            return array("q", [row_id for (row_id,) in conn.execute(sql, params)])

    def iter_records(
        self,
        order: TaskOrder = TaskOrder.CREATED,
        *,
        descending: bool = True,
        statuses: Collection[str] | None = None,
        search: str = "",
        batch: int = 500,
    ) -> Iterator[TaskRecord]:
        """The matching records in the order of :meth:`query_ids` (newest first by default),
        read ``batch`` at a time (for exports)."""
        ids = self.query_ids(order, descending=descending, statuses=statuses, search=search)
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            found = self.get_many(chunk)
            yield from (found[row_id] for row_id in chunk if row_id in found)

    def get_many(self, row_ids: Iterable[int]) -> dict[int, TaskRecord]:
        """The records of ``row_ids`` that exist, by row id (one query for up to 500 ids)."""
        with self._connection() as conn:
            return self._fetch_many(conn, row_ids)

    def shape(self) -> tuple[int, int, float]:
        """How many rows, the largest row id and the latest write to a row (``touched_at``):
        what a view compares to know whether rows came or went, or only changed."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT count(*), coalesce(max(row_id), 0), coalesce(max(touched_at), 0) FROM tasks"
            ).fetchone()
        return int(row[0]), int(row[1]), float(row[2])

    def touched_since(self, moment: float) -> list[int]:
        """Row ids written to later than ``moment`` (Unix seconds): the task changed, or only
        its bookkeeping (a check, the saved video)."""
        with self._connection() as conn:
            return [
                row_id
                for (row_id,) in conn.execute(
                    "SELECT row_id FROM tasks WHERE touched_at > ?", (moment,)
                )
            ]

    def count(self) -> int:
        with self._connection() as conn:
            return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])

    def row_ids(self) -> list[int]:
        """Every row id, newest first."""
        with self._connection() as conn:
            return [
                row_id for (row_id,) in conn.execute(f"SELECT row_id FROM tasks {_NEWEST_FIRST}")
            ]

    def find_same_request(self, service_url: str, payload: Mapping[str, Any]) -> list[TaskRecord]:
        """Earlier rows that sent exactly this payload to this service, newest first."""
        with self._connection() as conn:
            rows = conn.execute(
                f"{_SELECT} WHERE payload_hash = ? AND service_url = ? AND payload = ? "
                f"{_NEWEST_FIRST}",
                (payload_hash(service_url, payload), service_url, canonical_json(payload)),
            ).fetchall()
        return [_record(row) for row in rows]

    # -- removing and undoing --

    def remove(self, row_ids: Iterable[int]) -> list[TaskRecord]:
        """Remove rows from the local list (the service is not told); returns what was removed,
        newest first, for :meth:`restore`."""
        with self._transaction() as conn:
            removed = self._fetch_many(conn, row_ids)
            conn.executemany("DELETE FROM tasks WHERE row_id = ?", ((i,) for i in removed))
        log.info("%d row(s) removed", len(removed))
        return sorted(removed.values(), key=lambda r: (r.created_at, r.row_id), reverse=True)

    def restore(self, records: Iterable[TaskRecord]) -> None:
        """Put removed records back with their row ids; all or none."""
        rows = [_row_values(record) for record in records]
        if not rows:
            return
        names = list(rows[0])
        sql = (
            f"INSERT INTO tasks ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + name for name in names)})"
        )
        try:
            with self._transaction() as conn:
                conn.executemany(sql, rows)
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise StoreError(
                    "The removed tasks cannot be put back: the list has rows with the same "
                    "ids or task ids now."
                ) from exc
            raise
        log.info("%d row(s) restored", len(rows))


__all__ = [
    "FIRST_CHECK_SECONDS",
    "INTERRUPTED_ERROR",
    "SHOWN_COLUMNS",
    "TaskOrder",
    "TaskRecord",
    "TaskStore",
    "insert_task",
    "like_pattern",
]
