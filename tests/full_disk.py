"""A data folder on a disk that a test can fill up and free again.

Where the machine allows it (Linux, allowed to mount: root or CAP_SYS_ADMIN), the folder is on a
real, small ``tmpfs``: filling it writes a ballast file until the kernel answers ENOSPC, and SQLite
fails exactly as on a full disk (``SQLITE_FULL``, or an I/O error when it cannot even map its
shared-memory file). Elsewhere the full disk is *simulated*: every connection the data file opens
(:func:`avatar_desktop.core.store.database._connect`) answers writes with SQLite's own "database or
disk is full" error (``SQLITE_FULL``) while the disk is "full". Child processes get the same through
a ``sitecustomize`` module (see :meth:`FullDisk.env`).

``AVATAR_TEST_SIMULATE_FULL_DISK=1`` forces the simulation (to test it on a machine with tmpfs).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

TMPFS_SIZE = "4m"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")

SITECUSTOMIZE = f"""
import os, sqlite3
_WRITES = {_WRITES!r}
_connect = sqlite3.connect
def _full_error():
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13
    error.sqlite_errorname = "SQLITE_FULL"
    return error
class _Full:
    def __init__(self, conn):
        self._conn = conn
    def _check(self, sql):
        head = sql.lstrip().upper()
        if os.path.exists(_FLAG) and (
            head.startswith(_WRITES) or (head.startswith("PRAGMA USER_VERSION") and "=" in head)
        ):
            raise _full_error()
    def execute(self, sql, *args):
        self._check(sql)
        return self._conn.execute(sql, *args)
    def executemany(self, sql, *args):
        self._check(sql)
        return self._conn.executemany(sql, *args)
    def __getattr__(self, name):
        return getattr(self._conn, name)
def connect(*args, **kwargs):
    return _Full(_connect(*args, **kwargs))
_FLAG = os.environ.get("AVATAR_TEST_FULL_DISK_FLAG")
if _FLAG:
    sqlite3.connect = connect
"""


def full_error() -> sqlite3.OperationalError:
    """The error SQLite raises when the disk is full."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # type: ignore[misc]
    error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[misc]
    return error


class _SimulatedConnection:
    """A connection that fails writes while its disk is "full"."""

    def __init__(self, conn: sqlite3.Connection, disk: FullDisk) -> None:
        self._conn = conn
        self._disk = disk

    def _check(self, sql: str) -> None:
        head = sql.lstrip().upper()
        if self._disk.is_full() and (
            head.startswith(_WRITES) or (head.startswith("PRAGMA USER_VERSION") and "=" in head)
        ):
            raise full_error()

    def execute(self, sql, *args):
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._check(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _mount_tmpfs(where: Path) -> bool:
    if sys.platform != "linux" or os.environ.get("AVATAR_TEST_SIMULATE_FULL_DISK") == "1":
        return False
    if shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


class FullDisk:
    """``folder`` (the data folder) on a disk that :meth:`fill` fills and :meth:`free` frees.
    :attr:`kind` is ``"tmpfs"`` or ``"simulated"``."""

    def __init__(self, tmp_path: Path, monkeypatch) -> None:
        self._mount = tmp_path / "small-disk"
        self.kind = "tmpfs" if _mount_tmpfs(self._mount) else "simulated"
        base = self._mount if self.kind == "tmpfs" else tmp_path / "disk"
        self.folder = base / "data"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._ballast = base / "ballast"
        self._site = tmp_path / "full-disk-site"
        self._flag = tmp_path / "the-disk-is-full"  # the simulation's state, seen by children
        monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(self.folder))
        if self.kind == "simulated":
            from avatar_desktop.core.store import database as db

            real_connect = db._connect

            def connect(path: Path):
                return _SimulatedConnection(real_connect(path), self)

            monkeypatch.setattr(db, "_connect", connect)

    def is_full(self) -> bool:
        return self._flag.exists()

    def fill(self) -> None:
        """Fill the disk: from now on the data file cannot grow."""
        self._flag.touch()
        if self.kind != "tmpfs":
            return
        fd = os.open(self._ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for chunk in (1 << 16, 4096, 512, 1):
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * chunk)
            try:
                os.write(fd, b"\0")
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
            else:
                raise AssertionError("the small disk did not fill up")
        finally:
            os.close(fd)

    def free(self) -> None:
        """Free the space again."""
        with contextlib.suppress(FileNotFoundError):
            self._flag.unlink()
        with contextlib.suppress(FileNotFoundError):
            self._ballast.unlink()

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` for a child process on this disk (with the simulation, when simulated: it
        follows :meth:`fill` and :meth:`free` while it runs)."""
        env = dict(base, AVATAR_DESKTOP_DATA_DIR=str(self.folder))
        if self.kind == "simulated":
            self._site.mkdir(exist_ok=True)
            (self._site / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE))
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(self._site), env.get("PYTHONPATH")])
            )
            env["AVATAR_TEST_FULL_DISK_FLAG"] = str(self._flag)
        return env

    def close(self) -> None:
        self.free()
        if self.kind == "tmpfs":
            subprocess.run(["umount", "-l", str(self._mount)], capture_output=True, check=False)
