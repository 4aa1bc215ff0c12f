"""Looking after the data file: moving a damaged one aside, daily backups, restoring one, and
salvaging what can still be read from a damaged file (Qt-free).

:func:`take_backup` keeps the last few daily copies in ``backups/``; a damaged file is never
changed, only moved aside (:func:`move_aside`), replaced by a backup (:func:`restore_backup`) or
read (:func:`salvage`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from avatar_desktop.core.paths import replace_file
from avatar_desktop.core.store.database import (
    BACKUP_FOLDER,
    BACKUP_PREFIX,
    BACKUP_SUFFIX,
    DAMAGED_INFIX,
    Database,
    DiskFull,
    StoreError,
    check_file,
    companion_files,
    connect_read_only,
    is_disk_full,
    tighten_permissions,
)

log = logging.getLogger("avatar_desktop.store")

BACKUPS_KEPT = 3


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
    found = folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}")
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
    target = folder / f"{BACKUP_PREFIX}{(day or date.today()).isoformat()}{BACKUP_SUFFIX}"
    if target.exists() and _task_count(path) < _task_count(target):
        # Fewer tasks than this morning (a fresh start after damage, a big removal): today's
        # copy may be the only good one left, so it stays.
        log.info("today's backup holds more tasks than the data file; it is kept")
        return target
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        tighten_permissions(folder)
        for leftover in folder.glob(f".{BACKUP_PREFIX}*.tmp"):
            leftover.unlink()  # a backup a closed or crashed run left unfinished
        fd, temporary = tempfile.mkstemp(prefix=f".{BACKUP_PREFIX}", suffix=".tmp", dir=folder)
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
        source = connect_read_only(path)
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
        replace_file(temporary, target)
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
        conn = connect_read_only(path)
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
            conn = connect_read_only(candidate)
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
            replace_file(temporary, path)
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
        source = connect_read_only(damaged)
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


__all__ = [
    "BACKUPS_KEPT",
    "BACKUP_FOLDER",
    "Backup",
    "Salvage",
    "backup_folder",
    "backups",
    "last_good_backup",
    "move_aside",
    "restore_backup",
    "salvage",
    "take_backup",
]
