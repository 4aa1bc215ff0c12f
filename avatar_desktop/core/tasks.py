"""The local record of every submitted task, and the offline voice-list cache, in SQLite (Qt-free).

:class:`TaskStore` keeps one row per task the service accepted (or that was added by hand).
Paid requests on their way are the outbox's (:mod:`avatar_desktop.core.outbox`); rows that
versions before the outbox left ``SENDING`` become ``OUTCOME_UNKNOWN`` at start
(:meth:`TaskStore.recover_interrupted`).

The file, its schema and its transactions are :mod:`avatar_desktop.core.db`'s; the outbox
(:mod:`avatar_desktop.core.outbox`) adds the task row of an accepted submission in the same
transaction that marks its item submitted, through :func:`insert_task`. Every SQLite failure
surfaces as :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from avatar_desktop.core.db import (
    DEFAULT_FILE_NAME,
    SCHEMA_VERSION,
    Database,
    StoreError,
    canonical_json,
    payload_hash,
)
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.service import TaskInfo, TaskStatus

log = logging.getLogger("avatar_desktop.core.tasks")

INTERRUPTED_ERROR = "The app closed before the service answered; the job may exist."
_MAX_VARIABLES = 500
"""Ids bound in one ``IN (...)`` query; a larger request is split into several queries."""


class LocalStatus(enum.StrEnum):
    """States the app gives a row when the service has not (or no longer) said one."""

    SENDING = "SENDING"
    """Written before the request goes out; the answer has not arrived yet."""
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    """The request went out but no answer came back: the job may exist and be billed."""
    NOT_FOUND = "NOT_FOUND"
    """The service does not know the task id (``task_not_exist``); it is not asked again."""


Status = TaskStatus | LocalStatus


def parse_status(value: object) -> Status:
    """The status stored as ``value``; anything unknown becomes ``TaskStatus.UNKNOWN``."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return LocalStatus(value)
    return TaskStatus.parse(value)


def payload_mode(payload: Mapping[str, Any]) -> VoiceMode | None:
    """The voice mode of a request body, or None when it has not exactly one voice."""
    modes = [mode for mode in VoiceMode if mode.value in payload]
    return modes[0] if len(modes) == 1 else None


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
    status: Status
    progress: int | None
    fail_reason: str | None
    video_url: str | None
    no_watermark_video_url: str | None
    watermarked_video_url: str | None
    cover_url: str | None
    error: str | None
    consent: dict[str, Any] | None

    @property
    def avatar_url(self) -> str | None:
        value = self.payload.get("avatar_url")
        return value if isinstance(value, str) else None


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
    "consent",
)
_MODES = frozenset(mode.value for mode in VoiceMode)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM tasks"
_NEWEST_FIRST = "ORDER BY created_at DESC, row_id DESC"


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return moment.timestamp()


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _json_or_none(text: str | None) -> Any:
    return None if text is None else json.loads(text)


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
        consent=_json_or_none(values["consent"]),
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

    A task id already in the list raises :class:`StoreError` (and the caller's transaction
    rolls back).
    """
    values = {
        "task_id": task_id,
        "service_url": service_url,
        "payload": canonical_json(payload),
        "payload_hash": payload_hash(service_url, payload),
        "mode": payload_mode(payload),
        "created_at": created_at,
        "updated_at": time.time(),
        "status": status.value,
        "consent": None if consent is None else canonical_json(consent),
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


# --- the store ----------------------------------------------------------------------------


class TaskStore:
    """Every task the app submitted or imported, newest first, plus the voice-list cache.

    Safe to share between threads. Methods raise :class:`StoreError` when SQLite fails (a
    corrupt file, a full disk, another program holding a lock). Built on a
    :class:`~avatar_desktop.core.db.Database` (shared with the outbox and the drafts) or on a
    path, in which case it opens and owns the database.
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
            count = conn.execute(
                "UPDATE tasks SET status = ?, error = ?, updated_at = ? WHERE status = ?",
                (
                    LocalStatus.OUTCOME_UNKNOWN.value,
                    INTERRUPTED_ERROR,
                    time.time(),
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
        the list raises :class:`StoreError`.
        """
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

    def update_from_info(self, task_id: str, info: TaskInfo) -> int | None:
        """Store what the service said about ``task_id``; returns its row id (None if unknown).

        Result URLs and progress the answer leaves out keep their earlier values. The row's local
        ``error`` is left as it is (clear it with :meth:`set_error`).
        """
        with self._transaction() as conn:
            row = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if row is None:
                return None
            conn.execute(
                """
                UPDATE tasks SET
                    status = ?,
                    progress = COALESCE(?, progress),
                    fail_reason = ?,
                    video_url = COALESCE(?, video_url),
                    no_watermark_video_url = COALESCE(?, no_watermark_video_url),
                    watermarked_video_url = COALESCE(?, watermarked_video_url),
                    cover_url = COALESCE(?, cover_url),
                    updated_at = ?
                WHERE row_id = ?
                """,
                (
                    info.status.value,
                    info.progress,
                    info.fail_reason,
                    info.video_url,
                    info.no_watermark_video_url,
                    info.watermarked_video_url,
                    info.cover_url,
                    time.time(),
                    row[0],
                ),
            )
        log.debug("row %d: task %s is %s", row[0], task_id, info.status.value)
        return int(row[0])

    def pending_task_ids(self, service_url: str, limit: int = 100) -> list[str]:
        """Task ids on ``service_url`` whose outcome is not final yet, least recently updated
        first (so every task gets its turn when there are many)."""
        waiting = [s.value for s in TaskStatus if not s.is_final]
        marks = ", ".join("?" * len(waiting))
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT task_id FROM tasks WHERE service_url = ? AND task_id IS NOT NULL"
                f" AND status IN ({marks}) ORDER BY updated_at ASC LIMIT ?",
                (service_url, *waiting, limit),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def mark_not_found(self, task_id: str, message: str) -> int | None:
        """The service does not know ``task_id``: the row becomes ``NOT_FOUND`` (final) with
        ``message`` as its error; returns its row id, if any."""
        with self._transaction() as conn:
            row = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE tasks SET status = ?, error = ?, updated_at = ? WHERE row_id = ?",
                (LocalStatus.NOT_FOUND.value, message, time.time(), row[0]),
            )
        return int(row[0])

    def set_error_for_task(self, task_id: str, error: str | None) -> int | None:
        """Set the local error of the row holding ``task_id``; returns its row id, if any."""
        with self._transaction() as conn:
            row = conn.execute("SELECT row_id FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE tasks SET error = ?, updated_at = ? WHERE row_id = ?",
                (error, time.time(), row[0]),
            )
        return int(row[0])

    def set_error(self, row_id: int, error: str | None) -> None:
        """Set (or, with None, clear) the local error shown in the row."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE tasks SET error = ?, updated_at = ? WHERE row_id = ?",
                (error, time.time(), row_id),
            )

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

    def get_many(self, row_ids: Iterable[int]) -> dict[int, TaskRecord]:
        """The records of ``row_ids`` that exist, by row id (one query for up to 500 ids)."""
        with self._connection() as conn:
            return self._fetch_many(conn, row_ids)

    def shape(self) -> tuple[int, int, float]:
        """How many rows, the largest row id and the latest ``updated_at``: what a view
        compares to know whether rows came or went, or only changed."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT count(*), coalesce(max(row_id), 0), coalesce(max(updated_at), 0) FROM tasks"
            ).fetchone()
        return int(row[0]), int(row[1]), float(row[2])

    def updated_since(self, moment: float) -> list[int]:
        """Row ids whose ``updated_at`` is later than ``moment`` (Unix seconds)."""
        with self._connection() as conn:
            return [
                row_id
                for (row_id,) in conn.execute(
                    "SELECT row_id FROM tasks WHERE updated_at > ?", (moment,)
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
        rows = [
            (
                record.row_id,
                record.task_id,
                record.service_url,
                canonical_json(record.payload),
                record.payload_hash,
                None if record.mode is None else record.mode.value,
                record.created_at.timestamp(),
                record.updated_at.timestamp(),
                record.status.value,
                record.progress,
                record.fail_reason,
                record.video_url,
                record.no_watermark_video_url,
                record.watermarked_video_url,
                record.cover_url,
                record.error,
                None if record.consent is None else canonical_json(record.consent),
            )
            for record in records
        ]
        marks = ", ".join("?" * len(_COLUMNS))
        try:
            with self._transaction() as conn:
                conn.executemany(
                    f"INSERT INTO tasks ({', '.join(_COLUMNS)}) VALUES ({marks})", rows
                )
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise StoreError(
                    "The removed tasks cannot be put back: the list has rows with the same "
                    "ids or task ids now."
                ) from exc
            raise
        log.info("%d row(s) restored", len(rows))

    # -- the voice-list cache --

    def save_voices(
        self, service_url: str, language: str | None, voices: list[dict[str, Any]]
    ) -> None:
        """Cache a service's voice list (``language`` None or '' for the list of all voices)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO voices (service_url, language, voices, fetched_at) "
                "VALUES (?, ?, ?, ?)",
                (service_url, language or "", canonical_json(voices), time.time()),
            )

    def load_voices(
        self, service_url: str, language: str | None
    ) -> tuple[list[dict[str, Any]], datetime] | None:
        """The cached voice list and when it was fetched, or None when there is none."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT voices, fetched_at FROM voices WHERE service_url = ? AND language = ?",
                (service_url, language or ""),
            ).fetchone()
        if row is None:
            return None
        try:
            voices = json.loads(row[0])
        except ValueError:
            voices = None
        if not isinstance(voices, list) or not all(isinstance(v, dict) for v in voices):
            log.warning("the cached voice list of %s is damaged; ignored", service_url)
            return None
        return voices, _datetime(row[1])


__all__ = [
    "DEFAULT_FILE_NAME",
    "INTERRUPTED_ERROR",
    "SCHEMA_VERSION",
    "LocalStatus",
    "Status",
    "StoreError",
    "TaskRecord",
    "TaskStore",
    "canonical_json",
    "parse_status",
    "payload_hash",
    "payload_mode",
]
