"""The app's SQLite file: opening it, its schema and migrations, transactions, change counter.

One :class:`Database` holds one connection that every thread of a process shares; a lock
serialises its use. Several processes (the window, ``avatar-cli``) may open the same file at once:
SQLite's own locking and WAL mode keep them consistent, and every write transaction starts with
``BEGIN IMMEDIATE`` so that a read-then-write (claiming an outbox item) is atomic across processes.

Every commit is durable (``synchronous=FULL``): an outbox item written ``sending`` survives a power
cut before its request leaves. The schema is versioned with ``PRAGMA user_version``: each entry of
``_MIGRATIONS`` brings the file one version further, and a file written by a newer version of the
app is refused, untouched. Every SQLite failure surfaces as :class:`StoreError`.

:class:`ChangeCounter` reads ``PRAGMA data_version`` on a connection of its own, so it sees every
commit — this process's and other processes' — and lets the window refresh without a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Self

log = logging.getLogger("avatar_desktop.store")

DEFAULT_FILE_NAME = "tasks.sqlite3"
BUSY_TIMEOUT_SECONDS = 15.0
"""How long a write waits for another process's transaction before giving up."""


class StoreError(Exception):
    """The data file cannot be opened, read or written; the message says why in plain words."""


def canonical_json(value: object) -> str:
    """``value`` as canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def payload_hash(service_url: str, payload: Mapping[str, Any]) -> str:
    """The key that finds identical requests: sha256 of the service URL and canonical payload."""
    digest = hashlib.sha256()
    digest.update(service_url.encode("utf-8"))
    digest.update(b"\0")
    digest.update(canonical_json(payload).encode("utf-8"))
    return digest.hexdigest()


# --- schema -------------------------------------------------------------------------------


def _migration_1(conn: sqlite3.Connection) -> None:
    # AUTOINCREMENT: a removed row's id is never handed out again, so undo can restore it and
    # an id the table view still holds never points at another task.
    conn.execute(
        """
        CREATE TABLE tasks (
            row_id INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT UNIQUE,
            service_url TEXT NOT NULL,
            payload TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            mode TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            status TEXT NOT NULL,
            progress INTEGER,
            fail_reason TEXT,
            video_url TEXT,
            no_watermark_video_url TEXT,
            watermarked_video_url TEXT,
            cover_url TEXT,
            error TEXT,
            consent TEXT
        )
        """
    )
    # The rowid is the implicit last column of every index, so this one also orders ties.
    conn.execute("CREATE INDEX tasks_created_at ON tasks (created_at)")
    conn.execute("CREATE INDEX tasks_payload_hash ON tasks (payload_hash)")
    conn.execute("CREATE INDEX tasks_status ON tasks (status)")
    conn.execute(
        """
        CREATE TABLE voices (
            service_url TEXT NOT NULL,
            language TEXT NOT NULL,
            voices TEXT NOT NULL,
            fetched_at REAL NOT NULL,
            PRIMARY KEY (service_url, language)
        )
        """
    )


def _migration_2(conn: sqlite3.Connection) -> None:
    """The outbox, drafts and the autosaved form."""
    conn.execute(
        """
        CREATE TABLE outbox (
            item_id INTEGER PRIMARY KEY AUTOINCREMENT,
            service_url TEXT NOT NULL,
            payload TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            consent TEXT,
            source TEXT,
            state TEXT NOT NULL,
            reason TEXT,
            task_id TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            wait_kind TEXT,
            owner TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX outbox_due ON outbox (service_url, state, next_attempt_at)")
    conn.execute("CREATE INDEX outbox_payload_hash ON outbox (payload_hash)")
    conn.execute("CREATE INDEX tasks_updated_at ON tasks (updated_at)")
    conn.execute(
        """
        CREATE TABLE drafts (
            draft_id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            content TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE autosave (
            slot TEXT PRIMARY KEY,
            content TEXT NOT NULL,
            saved_at REAL NOT NULL
        )
        """
    )


def _migration_3(conn: sqlite3.Connection) -> None:
    """Following each task on its own schedule, the service's times, the saved video, and the
    columns the task list sorts and searches by (each with its index, so 100,000 tasks answer
    at once)."""
    # Imported here: the task store builds on this module.
    from avatar_desktop.core.tasks import STATUS_RANK_SQL, derived_columns

    for column in (
        "submitted_at REAL",  # the service's submit / start / finish times (Unix seconds)
        "started_at REAL",
        "finished_at REAL",
        "checked_at REAL",  # the last readable answer about the task
        "next_check_at REAL",  # when the follower asks next (NULL: as soon as it can)
        "checks INTEGER NOT NULL DEFAULT 0",  # readable answers so far: the backoff step
        "failures INTEGER NOT NULL DEFAULT 0",  # unreadable answers in a row
        "saved_path TEXT",  # where the video was saved
        "label TEXT NOT NULL DEFAULT ''",  # a short name of the avatar
        "search_text TEXT NOT NULL DEFAULT ''",  # task id, avatar and words, for search
    ):
        conn.execute(f"ALTER TABLE tasks ADD COLUMN {column}")
    rows = conn.execute("SELECT row_id, task_id, payload FROM tasks").fetchall()
    conn.executemany(
        "UPDATE tasks SET label = ?, search_text = ? WHERE row_id = ?",
        ((*derived_columns(task_id, payload), row_id) for row_id, task_id, payload in rows),
    )
    conn.execute("CREATE INDEX tasks_follow ON tasks (service_url, next_check_at)")
    # One index per sort order, each also holding the status: sorting, filtering by status
    # or both read one index and never a row.
    conn.execute("CREATE INDEX tasks_created_status ON tasks (created_at, status)")
    conn.execute("CREATE INDEX tasks_updated_status ON tasks (updated_at, status)")
    conn.execute("CREATE INDEX tasks_mode ON tasks (mode, status)")
    conn.execute("CREATE INDEX tasks_label ON tasks (label, status)")
    conn.execute(f"CREATE INDEX tasks_status_rank ON tasks ({STATUS_RANK_SQL}, status)")
    conn.execute("CREATE INDEX tasks_search ON tasks (search_text)")


_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]
SCHEMA_VERSION = len(_MIGRATIONS)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(conn: sqlite3.Connection) -> None:
    for number, migration in enumerate(_MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _user_version(conn) < number:
                migration(conn)
                conn.execute(f"PRAGMA user_version = {number}")
                log.info("data file schema migrated to version %d", number)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _create_private(path: Path) -> None:
    """Make sure ``path`` exists; a new file is readable and writable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
        )
    except sqlite3.Error as exc:
        raise StoreError(f"The task list {path} cannot be opened: {exc}") from exc


# --- the database -------------------------------------------------------------------------


class Database:
    """The app's data file, shared by the task list, the outbox and the drafts.

    Safe to share between threads. Raises :class:`StoreError` when SQLite fails (a corrupt file,
    a full disk, another program holding a lock too long).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = self._open(self.path)
        log.info("data file opened: %s", self.path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        try:
            _create_private(path)
        except OSError as exc:
            raise StoreError(
                f"The task list {path} cannot be created or opened: {exc.strerror or exc}"
            ) from exc
        conn = _connect(path)
        try:
            version = _user_version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The task list {path} was written by a newer version of Avatar Desktop "
                    f"(format {version}; this version knows up to {SCHEMA_VERSION}). It was "
                    "left untouched: update the app to open it."
                )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            if version < SCHEMA_VERSION:
                _migrate(conn)
        except sqlite3.OperationalError as exc:  # locked, read-only, I/O error...
            conn.close()
            raise StoreError(f"The task list {path} cannot be used: {exc}") from exc
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(
                f"The task list {path} is damaged or is not a task list ({exc}). Move it "
                "aside to start a new one."
            ) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        """Close the file; later calls raise :class:`StoreError`. Closing twice is harmless."""
        with self._lock:
            if self._conn is None:
                return
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()
            self._conn = None
        log.info("data file closed: %s", self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, held under the lock, with SQLite errors turned into StoreError."""
        with self._lock:
            if self._conn is None:
                raise StoreError("The task list is closed.")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"The task list {self.path} could not be used: {exc}") from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Like :meth:`connection`, inside a write transaction (``BEGIN IMMEDIATE``) that is
        committed, durably, at the end — or rolled back when the block raises."""
        with self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise


class ChangeCounter:
    """Tells whether anybody — this process or another — committed to the file since the last
    look, from ``PRAGMA data_version`` on a read connection of its own."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = _connect(Path(path))
        self._last = self._read()

    def _read(self) -> int:
        assert self._conn is not None
        try:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise StoreError(f"The task list cannot be watched: {exc}") from exc

    def changed(self) -> bool:
        """True when a commit happened since the previous call (or since creation)."""
        with self._lock:
            if self._conn is None:
                return False
            value = self._read()
            changed, self._last = value != self._last, value
            return changed

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


__all__ = [
    "DEFAULT_FILE_NAME",
    "SCHEMA_VERSION",
    "ChangeCounter",
    "Database",
    "StoreError",
    "canonical_json",
    "payload_hash",
]
