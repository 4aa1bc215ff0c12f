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

Opening the file also looks after it: the data folder and its files are made private to the user
(folder 0700, files 0600, on POSIX), and the file is checked (``PRAGMA quick_check``, on a
read-only connection, before anything is written) — a damaged file raises :class:`DamagedStore`
and is left exactly as it was, for :func:`move_aside` or :func:`restore_backup`; a full disk raises
:class:`DiskFull`. :func:`take_backup` keeps the last few daily copies in ``backups/``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

log = logging.getLogger("avatar_desktop.store")

DEFAULT_FILE_NAME = "tasks.sqlite3"
BUSY_TIMEOUT_SECONDS = 15.0
"""How long a write waits for another process's transaction before giving up."""


class StoreError(Exception):
    """The data file cannot be opened, read or written; the message says why in plain words."""


class DamagedStore(StoreError):
    """The data file is damaged (its check failed, or SQLite found it malformed). Nothing was
    written to it: :attr:`path` is the file, :attr:`detail` what the check found."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(
            f"The task list {path} is damaged ({detail}). It was left untouched: open the "
            "window to move it aside or restore a backup."
        )


class DiskFull(StoreError):
    """The disk holding the data file is full (or the user's quota is used up): nothing more
    can be written until space is freed. :attr:`path` is the file."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(
            f"The disk holding the task list {path} is full ({detail}). Free some space, then "
            "try again."
        )


_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_NOTADB = 26
LOW_SPACE_BYTES = 1 << 20
"""An I/O error with less free space than this on the data file's disk is a full disk (SQLite
reports a full disk as an I/O error when it cannot grow its shared-memory file)."""
_POSIX = sys.platform != "win32"


def _low_space(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def is_disk_full(error: BaseException, folder: Path) -> bool:
    """Whether ``error`` (an ``OSError`` or a SQLite error about a file in ``folder``) means
    that the disk is full."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return "disk is full" in str(error)
    if code & 0xFF == _SQLITE_FULL:
        return True
    return code & 0xFF == _SQLITE_IOERR and _low_space(folder)


def _is_damage(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.OperationalError
        )
    return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


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


_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
]
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


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes to ``path`` (nor checkpoints its WAL when closed)."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def companion_files(path: Path) -> list[Path]:
    """The data file's WAL and shared-memory files (which may not exist)."""
    return [path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


SETTINGS_FILE_NAME = "settings.ini"


def _restrict(path: Path, allowed: int) -> None:
    """Take away from ``path`` every permission bit outside ``allowed`` (none is added)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        return  # a link's own mode means nothing; its target is not ours to change
    mode = stat.S_IMODE(info.st_mode)
    if mode & ~allowed:
        try:
            os.chmod(path, mode & allowed)
        except OSError as exc:
            log.warning("cannot make %s private: %s", path, exc.strerror or exc)
        else:
            log.info("made %s private (%o → %o)", path, mode, mode & allowed)


_OWN_FOLDERS = ("backups", "covers", "owners", "sandbox")
"""The app's folders inside the data folder (kept private like the data file)."""


def _own_files(path: Path) -> list[Path]:
    """The app's other files beside the data file ``path``: its folders and what is in them,
    and the damaged copies moved aside (they hold the whole task list)."""
    folder = path.parent
    found: list[Path] = list(folder.glob(f"{path.name}{DAMAGED_INFIX}*"))
    for name in _OWN_FOLDERS:
        sub = folder / name
        if sub.is_dir() and not sub.is_symlink():
            found.append(sub)
            found.extend(p for p in sub.iterdir() if p.is_file())
    return found


def tighten_permissions(folder: Path, files: Iterable[Path] = ()) -> None:
    """Make ``folder`` private to the user (0700 at most) and each of ``files`` (0600 at
    most), whatever loose modes they had before. Nothing happens on Windows, whose files are
    private through the user's profile folder."""
    if not _POSIX:
        return
    _restrict(folder, 0o700)
    for file in files:
        _restrict(file, 0o700 if file.is_dir() else 0o600)


def check_file(path: Path) -> None:
    """Run ``PRAGMA quick_check`` on ``path`` through a read-only connection: raises
    :class:`DamagedStore` when it is damaged, :class:`DiskFull` when the disk is full (SQLite
    cannot even read a WAL file then), :class:`StoreError` when it cannot be read at all. An
    empty file (new) passes.

    Cost: it reads every page once — about 150 ms for 100,000 tasks (125 MB) with the file in
    the OS cache, about 0.9 s from a cold disk; a few milliseconds for a usual list.
    """
    try:
        if path.stat().st_size == 0 and not companion_files(path)[0].exists():
            return
    except OSError as exc:
        raise StoreError(f"The task list {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    if found != ["ok"]:
        log.error("data file %s failed its check: %s", path, _one_line("; ".join(found), 1000))
        detail = "; ".join(found).replace("*** in database main ***", "").strip()
        raise DamagedStore(path, _one_line(detail))


def _open_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """The StoreError for a SQLite failure while opening ``path``."""
    if is_disk_full(exc, path.parent):
        return DiskFull(path, str(exc))
    if _is_damage(exc) or not isinstance(exc, sqlite3.OperationalError):
        return DamagedStore(path, str(exc))
    return StoreError(f"The task list {path} cannot be used: {exc}")


def _runtime_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """The StoreError for a SQLite failure while using ``path``."""
    if is_disk_full(exc, path.parent):
        return DiskFull(path, str(exc))
    if _is_damage(exc):
        return DamagedStore(path, str(exc))
    return StoreError(f"The task list {path} could not be used: {exc}")


# --- moving aside, backups ------------------------------------------------------------------

DAMAGED_INFIX = ".damaged-"
BACKUP_FOLDER = "backups"
BACKUPS_KEPT = 3
_BACKUP_PREFIX = "tasks-"
_BACKUP_SUFFIX = ".sqlite3"


def move_aside(path: Path) -> Path:
    """Rename the data file to ``<name>.damaged-<YYYYmmdd-HHMMSS>`` (and its ``-wal`` / ``-shm``
    files after it), untouched; returns the new path. A name already taken gets ``-2``, ``-3``…"""
    stem = f"{path.name}{DAMAGED_INFIX}{time.strftime('%Y%m%d-%H%M%S')}"
    target = path.with_name(stem)
    number = 1
    while any(os.path.lexists(p) for p in (target, *companion_files(target))):
        number += 1
        target = path.with_name(f"{stem}-{number}")
    try:
        os.rename(path, target)
        for old, new in zip(companion_files(path), companion_files(target), strict=True):
            if os.path.lexists(old):
                os.rename(old, new)
    except OSError as exc:
        raise StoreError(
            f"The task list {path} could not be moved aside: {exc.strerror or exc}"
        ) from exc
    log.warning("data file %s moved aside to %s", path, target.name)
    return target


def backup_folder(path: Path) -> Path:
    """Where the backups of the data file ``path`` are kept."""
    return path.parent / BACKUP_FOLDER


def backups(path: Path) -> list[Path]:
    """The backups of ``path``, newest first."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    found = folder.glob(f"{_BACKUP_PREFIX}*{_BACKUP_SUFFIX}")
    return sorted((p for p in found if p.is_file()), key=lambda p: p.name, reverse=True)


def take_backup(
    path: Path,
    *,
    keep: int = BACKUPS_KEPT,
    day: date | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Path | None:
    """Copy the data file ``path`` (consistently, with SQLite's backup API, while others may
    write to it) to ``backups/tasks-<YYYY-MM-DD>.sqlite3`` — today's copy replaces an earlier
    one of the same day — and keep the ``keep`` newest. The copy is written beside and renamed
    into place, so a backup is either whole or absent. Returns the backup, or None when
    ``should_stop()`` said to stop first. Raises :class:`StoreError` (:class:`DiskFull`)."""
    folder = backup_folder(path)
    target = folder / f"{_BACKUP_PREFIX}{(day or date.today()).isoformat()}{_BACKUP_SUFFIX}"
    if target.exists() and _task_count(path) < _task_count(target):
        # Fewer tasks than this morning (a fresh start after damage, a big removal): today's
        # copy may be the only good one left, so it stays.
        log.info("today's backup holds more tasks than the data file; it is kept")
        return target
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        tighten_permissions(folder)
        for leftover in folder.glob(f".{_BACKUP_PREFIX}*.tmp"):
            leftover.unlink()  # a backup a closed or crashed run left unfinished
        fd, temporary = tempfile.mkstemp(prefix=f".{_BACKUP_PREFIX}", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        if is_disk_full(exc, folder):
            raise DiskFull(path, exc.strerror or str(exc)) from exc
        raise StoreError(f"No backup of {path} could be made: {exc.strerror or exc}") from exc

    class _Stop(Exception):
        pass

    def progress(_status: int, _remaining: int, _total: int) -> None:
        if should_stop():
            raise _Stop

    try:
        if should_stop():
            raise _Stop
        source = _connect_read_only(path)
        try:
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                source.backup(copy, pages=2048, progress=progress)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except _Stop:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        log.info("backup of %s stopped", path)
        return None
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if is_disk_full(exc, folder):
            raise DiskFull(path, str(exc)) from exc
        raise StoreError(f"No backup of {path} could be made: {exc}") from exc
    for old in backups(path)[max(keep, 1) :]:
        with contextlib.suppress(OSError):
            old.unlink()
    log.info("data file backed up to %s", target)
    return target


def _task_count(path: Path) -> int:
    """How many tasks the file holds (-1 when it cannot be read)."""
    try:
        conn = _connect_read_only(path)
        try:
            return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return -1


@dataclass(frozen=True)
class Backup:
    """A backup that passed its check: the file, when it was taken, how many tasks it holds."""

    path: Path
    taken_at: datetime
    tasks: int


def last_good_backup(path: Path) -> Backup | None:
    """The newest backup of ``path`` that passes ``PRAGMA quick_check``, or None."""
    for candidate in backups(path):
        try:
            check_file(candidate)
            conn = _connect_read_only(candidate)
            try:
                tasks = int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
            finally:
                conn.close()
            taken_at = datetime.fromtimestamp(candidate.stat().st_mtime)
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning("backup %s cannot be used: %s", candidate, exc)
            continue
        return Backup(candidate, taken_at, tasks)
    return None


def restore_backup(path: Path, backup: Path) -> Path | None:
    """Put a copy of ``backup`` in place of the data file ``path``; the file that was there
    (damaged) is moved aside first, untouched. Returns where it went (None: there was none).
    The backup itself is kept. Raises :class:`StoreError` (:class:`DiskFull`)."""
    aside = move_aside(path) if os.path.lexists(path) else None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as target, open(backup, "rb") as source:
                shutil.copyfileobj(source, target, 1 << 20)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        if is_disk_full(exc, path.parent):
            raise DiskFull(path, exc.strerror or str(exc)) from exc
        raise StoreError(
            f"The backup {backup} could not be restored: {exc.strerror or exc}"
        ) from exc
    log.warning("data file %s restored from %s", path, backup.name)
    return aside


@dataclass(frozen=True)
class Salvage:
    """What :func:`salvage` brought over from a damaged file."""

    tasks: int = 0
    items: int = 0
    drafts: int = 0

    @property
    def total(self) -> int:
        return self.tasks + self.items + self.drafts


_SALVAGED = {
    # table: (its id column, unique columns, else the columns that say "already there")
    "tasks": ("row_id", ("task_id",), ("payload_hash", "created_at")),
    "outbox": ("item_id", (), ("payload_hash", "created_at", "service_url")),
    "drafts": ("draft_id", ("name",), ()),
}


def _readable_rows(conn: sqlite3.Connection, table: str, key: str) -> list[sqlite3.Row]:
    """Every row of ``table`` that can still be read: a plain scan, and where a damaged page
    breaks it, one row id at a time up to the table's last id (``sqlite_sequence``)."""
    rows: list[sqlite3.Row] = []
    last = 0
    try:
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            rows.append(row)
            last = int(row[key])
        return rows
    except sqlite3.DatabaseError as exc:
        log.warning("%s: reading stopped after id %d (%s); looking row by row", table, last, exc)
    try:
        found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        highest = int(found[0]) if found else last + 10_000
    except sqlite3.DatabaseError:
        highest = last + 10_000
    for row_id in range(last + 1, highest + 1):
        try:
            row = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (row_id,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            rows.append(row)
    return rows


def salvage(damaged: Path, database: Database) -> Salvage:
    """Copy into ``database`` what can still be read from the ``damaged`` file and is not in it
    already: tasks (by task id, or by request and time), outbox items, named drafts, and the
    autosaved form when it is newer. The damaged file is only read. Never raises for the
    damaged file's sake: what cannot be read is left behind (and logged)."""
    try:
        source = _connect_read_only(damaged)
    except sqlite3.Error as exc:
        log.warning("nothing can be read from %s: %s", damaged, exc)
        return Salvage()
    source.row_factory = sqlite3.Row
    counts: dict[str, int] = {}
    try:
        with database.transaction() as conn:
            for table, (key, unique, same) in _SALVAGED.items():
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                added = 0
                try:
                    rows = _readable_rows(source, table, key)
                except sqlite3.DatabaseError as exc:
                    log.warning("%s of %s cannot be read: %s", table, damaged, exc)
                    rows = []
                for row in rows:
                    names_here = row.keys()  # a Row iterates its values, not its names
                    values = {c: row[c] for c in names_here if c in columns and c != key}
                    checks = [c for c in unique if values.get(c) is not None] or list(same)
                    if (
                        checks
                        and conn.execute(
                            f"SELECT 1 FROM {table} WHERE "
                            + " AND ".join(f"{c} IS ?" for c in checks),
                            [values.get(c) for c in checks],
                        ).fetchone()
                    ):
                        continue
                    names = list(values)
                    conn.execute(
                        f"INSERT INTO {table} ({', '.join(names)}) "
                        f"VALUES ({', '.join('?' * len(names))})",
                        [values[n] for n in names],
                    )
                    added += 1
                counts[table] = added
            with contextlib.suppress(sqlite3.DatabaseError):
                for slot, content, saved_at in source.execute(
                    "SELECT slot, content, saved_at FROM autosave"
                ):
                    conn.execute(
                        "INSERT INTO autosave (slot, content, saved_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (slot) DO UPDATE SET content = excluded.content, "
                        "saved_at = excluded.saved_at WHERE excluded.saved_at > saved_at",
                        (slot, content, saved_at),
                    )
    finally:
        source.close()
    result = Salvage(counts.get("tasks", 0), counts.get("outbox", 0), counts.get("drafts", 0))
    log.warning("salvaged from %s: %s", damaged.name, result)
    return result


# --- the database -------------------------------------------------------------------------


class Database:
    """The app's data file, shared by the task list, the outbox and the drafts.

    Safe to share between threads. Opening it makes its folder and files private (POSIX) and
    checks it (``check=False`` skips the check); raises :class:`DamagedStore` for a damaged
    file (left untouched), :class:`DiskFull` for a full disk, :class:`StoreError` for any other
    SQLite failure (another program holding a lock too long...) — at opening and later.
    """

    def __init__(self, path: Path, *, check: bool = True) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = self._open(self.path, check)
        log.info("data file opened: %s", self.path)

    @staticmethod
    def _open(path: Path, check: bool) -> sqlite3.Connection:
        try:
            _create_private(path)
        except OSError as exc:
            if is_disk_full(exc, path.parent):
                raise DiskFull(path, exc.strerror or str(exc)) from exc
            raise StoreError(
                f"The task list {path} cannot be created or opened: {exc.strerror or exc}"
            ) from exc
        tighten_permissions(
            path.parent,
            [path, *companion_files(path), path.parent / SETTINGS_FILE_NAME, *_own_files(path)],
        )
        if check:
            started = time.perf_counter()
            check_file(path)
            log.info("data file checked in %.0f ms", (time.perf_counter() - started) * 1000)
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
        except sqlite3.Error as exc:  # locked, read-only, full, damaged...
            conn.close()
            raise _open_error(path, exc) from exc
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
                raise _runtime_error(self.path, exc) from exc

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
    "BACKUPS_KEPT",
    "BACKUP_FOLDER",
    "DEFAULT_FILE_NAME",
    "SCHEMA_VERSION",
    "Backup",
    "ChangeCounter",
    "DamagedStore",
    "Database",
    "DiskFull",
    "StoreError",
    "backup_folder",
    "backups",
    "canonical_json",
    "check_file",
    "is_disk_full",
    "last_good_backup",
    "move_aside",
    "payload_hash",
    "restore_backup",
    "take_backup",
    "tighten_permissions",
]
