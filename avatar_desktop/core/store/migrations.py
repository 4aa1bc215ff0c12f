"""The schema of the data file, one migration per version (``PRAGMA user_version``).

Each entry of :data:`MIGRATIONS` brings the file one version further, in its own transaction.

The migrations are frozen: each one's SQL and every piece of Python it runs are its own, as they
were when it was written, and nothing here imports the rest of the app. A file of version 2 opened
ten releases later must become exactly what version 3 was — whatever today's code does — so that
the migrations after it find what they expect. A migration is never edited once released; a change
of schema or of a derived column is a new migration (which may recompute the column with the code
of its day, copied in here).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger("avatar_desktop.store")


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


# Migration 3's own copy of the derivations of its day: the status rank its index is on, and the
# label and search text it computes for the rows already there. Frozen — they must never follow
# today's avatar_desktop.core.store.schema (which new rows use): a migration that ran today's code
# would give an old file something its version never held, and a change there would silently change
# what this migration does. tests/test_store_migrations.py checks that the copy agrees with today's
# rules for now.
_M3_STATUS_RANK_SQL = (
    "(CASE status WHEN 'SENDING' THEN 0 WHEN 'NOT_START' THEN 1 WHEN 'SUBMITTED' THEN 1 "
    "WHEN 'QUEUED' THEN 2 WHEN 'IN_PROGRESS' THEN 3 WHEN 'UNKNOWN' THEN 4 WHEN 'SUCCESS' THEN 5 "
    "WHEN 'FAILURE' THEN 6 WHEN 'NOT_FOUND' THEN 7 WHEN 'OUTCOME_UNKNOWN' THEN 8 ELSE 4 END)"
)
_M3_LABEL_CHARS = 60


def _m3_avatar_label(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()[:_M3_LABEL_CHARS]
    name = unquote(parts.path.rstrip("/").rpartition("/")[2]) or parts.hostname or url.strip()
    return name[:_M3_LABEL_CHARS]


def _m3_texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _m3_texts(item)


def _m3_derived_columns(task_id: str | None, payload: Any) -> tuple[str, str]:
    """The ``label`` and ``search_text`` of a row (its stored ``payload`` text), as migration 3
    computes them."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = {}
    if not isinstance(payload, Mapping):
        payload = {}
    words = [task_id or "", *_m3_texts(payload)]
    return _m3_avatar_label(payload.get("avatar_url")), "\n".join(w for w in words if w)


def _migration_3(conn: sqlite3.Connection) -> None:
    """Following each task on its own schedule, the service's times, the saved video, and the
    columns the task list sorts and searches by (each with its index, so 100,000 tasks answer
    at once)."""
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
        ((*_m3_derived_columns(task_id, payload), row_id) for row_id, task_id, payload in rows),
    )
    conn.execute("CREATE INDEX tasks_follow ON tasks (service_url, next_check_at)")
    # One index per sort order, each also holding the status: sorting, filtering by status
    # or both read one index and never a row.
    conn.execute("CREATE INDEX tasks_created_status ON tasks (created_at, status)")
    conn.execute("CREATE INDEX tasks_updated_status ON tasks (updated_at, status)")
    conn.execute("CREATE INDEX tasks_mode ON tasks (mode, status)")
    conn.execute("CREATE INDEX tasks_label ON tasks (label, status)")
    conn.execute(f"CREATE INDEX tasks_status_rank ON tasks ({_M3_STATUS_RANK_SQL}, status)")
    conn.execute("CREATE INDEX tasks_search ON tasks (search_text)")


def _migration_4(conn: sqlite3.Connection) -> None:
    """Keeping finished videos: which process is saving a task's video now (its owner id), and
    a result link found expired (so that it is not tried again and again)."""
    conn.execute("ALTER TABLE tasks ADD COLUMN keep_owner TEXT")
    conn.execute("ALTER TABLE tasks ADD COLUMN expired_link TEXT")
    # The succeeded tasks with no saved video: read at every change of the data file, so an
    # index of just those rows, whatever the length of the list.
    conn.execute(
        "CREATE INDEX tasks_unkept ON tasks (service_url) "
        "WHERE status = 'SUCCESS' AND saved_path IS NULL"
    )


def _migration_5(conn: sqlite3.Connection) -> None:
    """The file says whose it is (``PRAGMA application_id``, "AvDt"), so that a journal or a
    file of another program is told from a task list before anything is written."""
    conn.execute("PRAGMA application_id = 1098269812")


def _migration_6(conn: sqlite3.Connection) -> None:
    """``updated_at`` means "the task changed" (what the user sees of it); bookkeeping gets its
    own columns: ``touched_at`` moves at every write to a row (what the lists watch for),
    ``saved_at`` is when its video was saved (the Downloads tab lists the latest saved first)."""
    conn.execute("ALTER TABLE tasks ADD COLUMN touched_at REAL NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE tasks ADD COLUMN saved_at REAL")
    conn.execute("UPDATE tasks SET touched_at = updated_at")
    # The best known time of a video saved before: the row's last change.
    conn.execute("UPDATE tasks SET saved_at = updated_at WHERE saved_path IS NOT NULL")
    conn.execute("CREATE INDEX tasks_touched ON tasks (touched_at)")
    conn.execute("CREATE INDEX tasks_saved ON tasks (saved_at) WHERE saved_path IS NOT NULL")


# Migration 7's own copy of the reasons written before kinds were kept (frozen).
_M7_KNOWN_REASONS = (
    (
        "interrupted",
        "The program sending this job stopped before the service answered; the job may exist.",
    ),
    (
        "disk_full",
        "The disk was full when the service answered, so its answer could not be written; the "
        "job may exist.",
    ),
    (
        "not_written",
        "The data file could not be written when the service answered, so its answer was lost; "
        "the job may exist.",
    ),
)


def _migration_7(conn: sqlite3.Connection) -> None:
    """An outbox item's reason carries its kind, so that the window says it in the user's
    language, and whether it is the service's own words. The kind of a reason written before is
    filled in where it is certain: the program's own three texts, and a wait because the service
    could not be reached; the others stay without a kind (shown as they are)."""
    conn.execute("ALTER TABLE outbox ADD COLUMN reason_kind TEXT")
    conn.execute("ALTER TABLE outbox ADD COLUMN reason_verbatim INTEGER NOT NULL DEFAULT 0")
    for kind, text in _M7_KNOWN_REASONS:
        conn.execute("UPDATE outbox SET reason_kind = ? WHERE reason = ?", (kind, text))
    conn.execute(
        "UPDATE outbox SET reason_kind = 'not_sent' WHERE reason IS NOT NULL "
        "AND state = 'retry_wait' AND wait_kind = 'unreachable'"
    )


# Migration 8's own copy of the task errors written before kinds were kept (frozen).
_M8_KNOWN_ERRORS = (
    ("interrupted", "The app closed before the service answered; the job may exist."),
    (
        "link_expired",
        "The video was not saved: its link has expired (the service no longer serves it).",
    ),
)


def _migration_8(conn: sqlite3.Connection) -> None:
    """A task's local error carries its kind, so that the window says it in the user's language
    (``avatar-cli`` keeps printing the English text). The kind of an error written before is
    filled in where it is certain: the program's own texts, and a task the service did not
    know; the others stay without a kind (shown as they are)."""
    conn.execute("ALTER TABLE tasks ADD COLUMN error_kind TEXT")
    for kind, text in _M8_KNOWN_ERRORS:
        conn.execute("UPDATE tasks SET error_kind = ? WHERE error = ?", (kind, text))
    conn.execute(
        "UPDATE tasks SET error_kind = 'task_not_found' "
        "WHERE error IS NOT NULL AND status = 'NOT_FOUND'"
    )


def _migration_9(conn: sqlite3.Connection) -> None:
    """Local files: an outbox item records the files it uploads when it is sent (field →
    path, size, SHA-256, as JSON), and the body actually sent (the files' URLs in place of
    the paths) is kept with the item and its task."""
    conn.execute("ALTER TABLE outbox ADD COLUMN files TEXT")
    conn.execute("ALTER TABLE outbox ADD COLUMN sent_payload TEXT")
    conn.execute("ALTER TABLE tasks ADD COLUMN sent_payload TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> None:
    for number, migration in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) < number:
                migration(conn)
                conn.execute(f"PRAGMA user_version = {number}")
                log.info("data file schema migrated to version %d", number)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "user_version"]
