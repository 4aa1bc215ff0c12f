"""The sandbox's state file: its tasks kept across restarts (stdlib only).

One JSON document, ``{"format": "avatar-sandbox-state", "version": 1, "tasks": [...]}``, the tasks
oldest first. It is rewritten whole on every change, atomically: a temporary file in the same
folder, flushed and fsynced, then moved over the old one with ``os.replace``, so a crash leaves
either the old or the new file, never half of one. Files are created ``0600``, a missing folder
``0700``.

Only one sandbox writes a given state file: it holds an exclusive lock on ``<file>.lock`` (beside
the state file, never deleted; ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) from
:meth:`StateFile.open` to :meth:`StateFile.close`. A second sandbox on the same file reads what
it finds at start but never writes it (it keeps its new tasks in memory only).

A file that cannot be read or is not a valid state file does not stop the sandbox: its owner
moves it aside to ``<file>.damaged-<YYYYmmdd-HHMMSS>`` and starts empty. Every such event is told
in one line on stderr.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

__all__ = ["FORMAT", "VERSION", "FileLock", "StateFile", "warn"]

FORMAT = "avatar-sandbox-state"
VERSION = 1
MAX_STATE_BYTES = 64 * 1024 * 1024
"""A larger file is not read (it is treated as damaged): the sandbox never writes one."""

T = TypeVar("T")
OpenResult = Literal["owned", "busy", "unusable"]


def warn(text: str) -> None:
    """One line on stderr (when there is one: a Windows GUI process has none)."""
    stream = sys.stderr
    if stream is None:
        return
    line = " ".join(text.split())
    with contextlib.suppress(OSError, ValueError):
        try:
            print(line, file=stream, flush=True)
        except UnicodeEncodeError:
            print(line.encode("ascii", "replace").decode("ascii"), file=stream, flush=True)


# --------------------------------------------------------------------------------------------
# Locking
# --------------------------------------------------------------------------------------------

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """An exclusive, non-blocking lock on a small file, held until :meth:`release`.

    The lock belongs to this object's open file, so two ``FileLock`` objects on one path
    exclude each other even inside one process.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock without waiting: True when taken, False when someone else holds it.

        Raises OSError when the lock file cannot be opened or locking is not supported.
        """
        if self._fd is not None:
            return True
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            taken = _try_lock(fd)
        except BaseException:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)


# --------------------------------------------------------------------------------------------
# The state file
# --------------------------------------------------------------------------------------------


class StateFile:
    """A state file: :meth:`open`, :meth:`load`, :meth:`save` on every change, :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = FileLock(path.with_name(path.name + ".lock"))

    @property
    def owned(self) -> bool:
        """True while this object holds the lock, i.e. may write the file."""
        return self._lock.held

    def open(self) -> OpenResult:
        """Create the folder (and any missing parent: ``0700``) and take the lock.

        ``"owned"``: this object may load and save the file. ``"busy"``: another sandbox holds
        it; :meth:`load` still reads it, :meth:`save` must not be called. ``"unusable"``: the
        folder or the lock file cannot be made; nothing should be read or written. The last two
        are told on stderr.
        """
        try:
            _make_private_folders(self.path.parent)
            taken = self._lock.acquire()
        except OSError as exc:
            warn(
                f"avatar-sandbox: cannot use the state file {self.path} ({exc}); "
                "tasks are kept in memory only"
            )
            return "unusable"
        if not taken:
            warn(
                f"avatar-sandbox: the state file {self.path} is in use by another sandbox; "
                "this one reads it but keeps its new tasks in memory only"
            )
            return "busy"
        self._remove_stale_temporaries()
        return "owned"

    def close(self) -> None:
        """Release the lock (the files stay). Idempotent."""
        self._lock.release()

    def load(self, parse: Callable[[Any], T]) -> list[T]:
        """The tasks in the file, oldest first, each made by ``parse`` from its JSON record.

        ``parse`` raises ValueError, TypeError or KeyError on a bad record: the whole file then
        counts as damaged. A missing file is an empty list. A damaged or unreadable file is moved
        aside when owned (ignored otherwise) and gives an empty list. Something other than a
        regular file (a folder...) is left alone, and the lock is given up: no saves.
        """
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return []
        except OSError as exc:
            return self._damaged(f"it cannot be read: {exc}")
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe...: not ours to read or move
            self.close()
            warn(
                f"avatar-sandbox: the state file {self.path} is not a regular file; "
                "tasks are kept in memory only"
            )
            return []
        if info.st_size > MAX_STATE_BYTES:
            return self._damaged(f"it is larger than {MAX_STATE_BYTES} bytes")
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            return self._damaged(f"it cannot be read: {exc}")
        try:
            document = json.loads(raw.decode("utf-8"))
            if (
                not isinstance(document, dict)
                or document.get("format") != FORMAT
                or document.get("version") != VERSION
                or not isinstance(document.get("tasks"), list)
            ):
                raise ValueError(f"it is not a version-{VERSION} sandbox state file")
            return [parse(record) for record in document["tasks"]]
        except (ValueError, TypeError, KeyError, RecursionError) as exc:  # UnicodeError too
            return self._damaged(str(exc) or type(exc).__name__)

    def save(self, records: list[dict[str, Any]]) -> None:
        """Replace the file with these records, atomically. Raises OSError (nothing changed)."""
        if not self.owned:
            raise RuntimeError("the state file is not owned by this sandbox")
        document = {"format": FORMAT, "version": VERSION, "tasks": records}
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        folder = self.path.parent
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            _replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_folder(folder)

    # --- helpers ------------------------------------------------------------------------------

    def _damaged(self, reason: str) -> list[Any]:
        if not self.owned:
            warn(f"avatar-sandbox: ignoring the state file {self.path}: {reason}")
            return []
        aside = self._aside_path()
        try:
            os.rename(self.path, aside)
        except OSError as exc:
            self.close()
            warn(
                f"avatar-sandbox: the state file {self.path} is damaged ({reason}) and cannot be "
                f"moved aside ({exc}); tasks are kept in memory only"
            )
            return []
        warn(
            f"avatar-sandbox: the state file {self.path} was damaged ({reason}); "
            f"moved it to {aside.name} and started with no tasks"
        )
        return []

    def _aside_path(self) -> Path:
        stem = f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
        candidate = self.path.with_name(stem)
        number = 1
        while os.path.lexists(candidate):
            number += 1
            candidate = self.path.with_name(f"{stem}-{number}")
        return candidate

    def _remove_stale_temporaries(self) -> None:
        """Temporary files a crashed save left behind (only the lock owner writes them)."""
        pattern = glob.escape(str(self.path.parent / f".{self.path.name}.")) + "*.tmp"
        for leftover in glob.glob(pattern):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _make_private_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each ``0700`` (existing ones are left as is)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)


def _replace(source: str, target: Path) -> None:
    # On Windows a reader that has the target open makes os.replace fail for a moment.
    for attempt in range(10 if sys.platform == "win32" else 1):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 9:
                raise
            time.sleep(0.02 * (attempt + 1))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder this way)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
