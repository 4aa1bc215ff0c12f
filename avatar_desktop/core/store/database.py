"""The app's SQLite file: opening it, transactions, change counter, errors and permissions.

One :class:`Database` holds one connection that every thread of a process shares; a lock
serialises its use. Several processes (the window, ``avatar-cli``) may open the same file at once:
SQLite's own locking and WAL mode keep them consistent, and every write transaction starts with
``BEGIN IMMEDIATE`` so that a read-then-write (claiming an outbox item) is atomic across processes.

Every commit is durable (``synchronous=FULL``): an outbox item written ``sending`` survives a power
cut before its request leaves. Opening the file brings its schema up to date
(:mod:`avatar_desktop.core.store.migrations`); a file written by a newer version of the app is
refused, untouched. Every SQLite failure surfaces as :class:`StoreError`.

:class:`ChangeCounter` reads ``PRAGMA data_version`` on a connection of its own, so it sees every
commit — this process's and other processes' — and lets the window refresh without a restart.

Opening the file also looks after it: the data folder and its files are made private to the user
(folder 0700, files 0600, on POSIX), and the file is checked (``PRAGMA quick_check``, on a
read-only connection, before anything is written) — a damaged file raises :class:`DamagedStore`
and is left exactly as it was (see :mod:`avatar_desktop.core.store.backup`); a full disk raises
:class:`DiskFull`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from avatar_desktop.core.store.migrations import SCHEMA_VERSION, migrate, user_version

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


def connect_read_only(path: Path) -> sqlite3.Connection:
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


DAMAGED_INFIX = ".damaged-"
"""In the name of a damaged data file moved aside
(:func:`~avatar_desktop.core.store.backup.move_aside`)."""

BACKUP_FOLDER = "backups"
BACKUP_PREFIX = "tasks-"
BACKUP_SUFFIX = ".sqlite3"
"""Backups are ``backups/tasks-DATE.sqlite3`` (see :mod:`avatar_desktop.core.store.backup`)."""

_OWN_FOLDERS = (BACKUP_FOLDER, "covers", "owners", "sandbox")
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


APPLICATION_ID = 1098269812
"""``PRAGMA application_id`` of a task list ("AvDt"; set by migration 5)."""


@dataclass(frozen=True)
class _Identity:
    """Whose database a connection sees: its application id, schema version and tables."""

    application_id: int
    version: int
    tables: frozenset[str]

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> _Identity:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return cls(
            int(conn.execute("PRAGMA application_id").fetchone()[0]),
            user_version(conn),
            frozenset(str(name) for (name,) in names) - {"sqlite_sequence"},
        )

    def foreign(self) -> str | None:
        """Why this is not a task list of the app (None: it is one, or a new empty file)."""
        if self.application_id not in (0, APPLICATION_ID):
            return f"it is another program's database (application id {self.application_id:#x})"
        if self.tables and "tasks" not in self.tables:
            shown = ", ".join(sorted(self.tables)[:5])
            return f"it is not a task list of Avatar Desktop (its tables: {shown})"
        return None


def _has_backups(path: Path) -> bool:
    folder = path.parent / BACKUP_FOLDER
    return folder.is_dir() and any(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))


def _connect_main_file_only(path: Path) -> sqlite3.Connection:
    """A connection that reads the data file alone: no journal, no lock, nothing created."""
    uri = Path(os.path.abspath(path)).as_uri() + "?immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    found = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    if found != ["ok"]:
        log.error("data file %s failed its check: %s", path, _one_line("; ".join(found), 1000))
        detail = "; ".join(found).replace("*** in database main ***", "").strip()
        raise DamagedStore(path, _one_line(detail))


def check_file(path: Path, *, created: bool = False) -> None:
    """Check ``path`` before anything is written to it: raises :class:`DamagedStore` when it is
    damaged (``PRAGMA quick_check``), is not a task list, when its journal (``-wal``) belongs to
    another database, or when it is empty although backups of it exist; :class:`DiskFull`
    when the disk is full (SQLite cannot even read a WAL file then); :class:`StoreError` when
    it cannot be read at all. A new empty file passes (``created``: this program just made
    it). Nothing is written beside the file: a journal or shared-memory file the check had to
    make is removed again when it fails.

    Cost: it reads every page once — about 150 ms for 100,000 tasks (125 MB) with the file in
    the OS cache, about 0.9 s from a cold disk; a few milliseconds for a usual list.
    """
    journal = companion_files(path)[0]
    try:
        if path.stat().st_size == 0 and not journal.exists():
            if not created and _has_backups(path):
                raise DamagedStore(
                    path, "the file is empty, although backups of the task list exist"
                )
            return
    except OSError as exc:
        raise StoreError(f"The task list {path} cannot be read: {exc.strerror or exc}") from exc
    existed = {companion: companion.exists() for companion in companion_files(path)}
    try:
        _check(path, journal_exists=existed[journal])
    except BaseException:
        for companion, was_there in existed.items():
            if not was_there:
                with contextlib.suppress(OSError):
                    companion.unlink()
        raise


def _check(path: Path, *, journal_exists: bool) -> None:
    try:
        main = _connect_main_file_only(path)
        try:
            alone = _Identity.of(main)
            if not journal_exists:
                _quick_check(main, path)
        finally:
            main.close()
        if journal_exists:
            conn = connect_read_only(path)
            try:
                _quick_check(conn, path)
                seen = _Identity.of(conn)
            finally:
                conn.close()
        else:
            seen = alone
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    problem = seen.foreign()
    if problem is not None:
        raise DamagedStore(path, problem)
    if (
        journal_exists
        and alone.tables
        and (
            seen.application_id != alone.application_id
            or not seen.tables >= {"tasks"}
            or seen.version < alone.version
        )
    ):
        raise DamagedStore(
            path,
            f"its journal ({path.name}-wal) belongs to another database: opening it would "
            "replace the task list",
        )


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
        # The thread that opens the file (the window's UI thread) gets a connection of its
        # own: in WAL, its reads never wait for another thread's write to be made durable.
        self._home = threading.get_ident()
        self._home_lock = threading.RLock()
        self._home_conn: sqlite3.Connection | None = None
        log.info("data file opened: %s", self.path)

    def _connect_home(self) -> sqlite3.Connection:
        conn = _connect(self.path)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            conn.close()
            raise _runtime_error(self.path, exc) from exc
        return conn

    @staticmethod
    def _open(path: Path, check: bool) -> sqlite3.Connection:
        created = not path.exists()
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
            check_file(path, created=created)
            log.info("data file checked in %.0f ms", (time.perf_counter() - started) * 1000)
        conn = _connect(path)
        try:
            version = user_version(conn)
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
                migrate(conn)
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
        with self._lock, self._home_lock:
            if self._conn is None:
                return
            if self._home_conn is not None:
                self._home_conn.close()
                self._home_conn = None
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
        """The connection, held under the lock, with SQLite errors turned into StoreError: the
        one every thread shares, or the opening thread's own."""
        home = threading.get_ident() == self._home
        with self._home_lock if home else self._lock:
            if self._conn is None:
                raise StoreError("The task list is closed.")
            conn = self._conn
            if home:
                if self._home_conn is None:
                    self._home_conn = self._connect_home()
                conn = self._home_conn
            try:
                yield conn
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
    "DAMAGED_INFIX",
    "DEFAULT_FILE_NAME",
    "ChangeCounter",
    "DamagedStore",
    "Database",
    "DiskFull",
    "StoreError",
    "check_file",
    "companion_files",
    "connect_read_only",
    "is_disk_full",
    "tighten_permissions",
]
