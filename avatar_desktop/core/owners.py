"""Which process owns an in-flight request, and whether that process is still alive.

An outbox item being sent carries the id of the process that claimed it. That process holds an
exclusive OS file lock on ``owners/<id>.lock`` in the data folder for as long as it lives; the
OS releases the lock when the process ends, however it ends (``kill -9``, a crash, a power cut).
So an item left ``sending`` whose owner's lock can be taken was interrupted — its outcome is
unknown — while an item whose owner still holds its lock is simply being sent by another window
or ``avatar-cli`` run, and is left alone.

``filelock`` gives the same semantics on Windows (``msvcrt.locking``) and POSIX (``flock``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger("avatar_desktop.owners")

OWNERS_FOLDER = "owners"
_OWNER_ID = re.compile(r"[0-9a-f]{32}")


def _lock_path(data_dir: Path, owner_id: str) -> Path:
    return data_dir / OWNERS_FOLDER / f"{owner_id}.lock"


class ProcessOwner:
    """This process's identity for claims: holds its lock file from creation to :meth:`release`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.owner_id = uuid.uuid4().hex
        folder = self.data_dir / OWNERS_FOLDER
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock: FileLock | None = FileLock(_lock_path(self.data_dir, self.owner_id), mode=0o600)
        self._lock.acquire(timeout=0)
        log.debug("process owner %s", self.owner_id)

    def __repr__(self) -> str:
        return f"ProcessOwner({self.owner_id})"

    def release(self) -> None:
        """Give up the identity (at exit); its lock file is removed. Releasing twice is fine."""
        if self._lock is None:
            return
        self._lock.release()
        self._lock = None
        with contextlib.suppress(OSError):
            _lock_path(self.data_dir, self.owner_id).unlink()


def owner_is_alive(data_dir: Path, owner_id: str | None) -> bool:
    """True while the process ``owner_id`` holds its lock; False once it is gone.

    A dead owner's lock file is removed on the way.
    """
    if not owner_id or not _OWNER_ID.fullmatch(owner_id):
        return False
    path = _lock_path(Path(data_dir), owner_id)
    if not path.exists():
        return False
    probe = FileLock(path, mode=0o600)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        # Cannot even open it (permissions): better to leave the item than to declare it lost.
        log.warning("cannot check owner %s; treating it as alive", owner_id)
        return True
    try:
        with contextlib.suppress(OSError):
            os.unlink(path)
    finally:
        probe.release()
    return False


__all__ = ["OWNERS_FOLDER", "ProcessOwner", "owner_is_alive"]
