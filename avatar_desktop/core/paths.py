"""Where the application finds its shipped resources and keeps its data."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import IO, TypeVar

_T = TypeVar("_T")


def resource_path(*parts: str) -> Path:
    """Path of a file shipped under ``resources/`` (works from a checkout and when installed)."""
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout.joinpath(*parts)
    base = Path(str(resources.files("avatar_desktop.resources")))
    return base.joinpath(*parts)


def data_dir_for(platform: str, environ: Mapping[str, str], home: Path) -> Path:
    """Where the app's data lives on ``platform`` (``sys.platform``), given the environment
    and the home folder (the rule of :func:`data_dir`, without touching the disk but to see
    whether an older folder exists).

    * ``AVATAR_DESKTOP_DATA_DIR`` when set (tests, portable use);
    * Windows: ``%LOCALAPPDATA%\\AvatarDesktop`` — the task list, its backups and the cover
      cache are this computer's, not for a roaming profile to copy at every sign-in — or
      ``%APPDATA%\\AvatarDesktop`` where an earlier version made it (kept, never moved);
    * macOS: ``~/Library/Application Support/Avatar Desktop``;
    * elsewhere: ``$XDG_DATA_HOME/avatar-desktop`` (an absolute one), else
      ``~/.local/share/avatar-desktop``.
    """
    override = environ.get("AVATAR_DESKTOP_DATA_DIR")
    if override:
        return Path(os.path.expanduser(override))
    if platform == "win32":
        roaming = Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "AvatarDesktop"
        if roaming.is_dir():
            return roaming
        local = environ.get("LOCALAPPDATA")
        return Path(local or home / "AppData" / "Local") / "AvatarDesktop"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Avatar Desktop"
    xdg = environ.get("XDG_DATA_HOME")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base / "avatar-desktop"


def data_dir() -> Path:
    """The folder of the app's data (task list, caches), created private to the user if missing
    (:func:`data_dir_for` this system)."""
    path = data_dir_for(sys.platform, os.environ, Path.home())
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[tuple[int, str]]:
    folder = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=folder)
    try:
        yield fd, temporary
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


REPLACE_ATTEMPTS = 12
"""How many times a rename is tried on Windows (about 3.3 s of pauses in all) before giving
up."""


class FileInUse(PermissionError):
    """A file could not be replaced because another program holds it open (Windows: an
    antivirus, the search indexer, OneDrive, Excel…). ``holders``: the programs Windows names
    (Restart Manager), when it can."""

    def __init__(self, path: Path, holders: list[str]) -> None:
        self.path = Path(path)
        self.holders = holders
        held_by = ", ".join(holders) if holders else "another program"
        super().__init__(
            f"{self.path} is in use by {held_by} (an antivirus, the search indexer, OneDrive or "
            "a program that has it open): close it, then try again"
        )


def _holders(path: Path) -> list[str]:
    """The names of the programs holding ``path`` open, as Windows' Restart Manager tells
    them; empty elsewhere, or when it cannot tell."""
    if sys.platform != "win32":
        return []
    import ctypes
    from ctypes import wintypes

    class _UniqueProcess(ctypes.Structure):
        _fields_ = (("dwProcessId", wintypes.DWORD), ("ProcessStartTime", wintypes.FILETIME))

    class _ProcessInfo(ctypes.Structure):
        _fields_ = (
            ("Process", _UniqueProcess),
            ("strAppName", wintypes.WCHAR * 256),
            ("strServiceShortName", wintypes.WCHAR * 64),
            ("ApplicationType", ctypes.c_int),
            ("AppStatus", wintypes.ULONG),
            ("TSSessionId", wintypes.DWORD),
            ("bRestartable", wintypes.BOOL),
        )

    try:
        manager = ctypes.WinDLL("rstrtmgr")
        session = wintypes.DWORD()
        key = ctypes.create_unicode_buffer(33)
        if manager.RmStartSession(ctypes.byref(session), 0, key) != 0:
            return []
        try:
            files = (wintypes.LPCWSTR * 1)(str(path))
            if manager.RmRegisterResources(session, 1, files, 0, None, 0, None) != 0:
                return []
            needed, count, reasons = wintypes.UINT(), wintypes.UINT(8), wintypes.DWORD()
            found = (_ProcessInfo * 8)()
            result = manager.RmGetList(
                session, ctypes.byref(needed), ctypes.byref(count), found, ctypes.byref(reasons)
            )
            if result not in (0, 234):  # 234: more than fit; the first ones are named
                return []
            names = (found[i].strAppName for i in range(min(count.value, 8)))
            return [name for name in names if name]
        finally:
            manager.RmEndSession(session)
    except (OSError, AttributeError):
        return []


def replace_file(
    source: str | Path,
    target: str | Path,
    *,
    attempts: int = REPLACE_ATTEMPTS,
    replace: Callable[[str | Path, str | Path], None] = os.replace,
) -> None:
    """``os.replace(source, target)``, the one way files are renamed into place (a download's
    ``.part``, an export, a backup). On Windows a program holding either file makes the rename
    fail for a moment: it is tried again briefly, and when it still fails, :class:`FileInUse`
    names the program when Windows can. Elsewhere a refusal is a real one and raised at once."""
    attempts = max(1, attempts)
    for attempt in range(attempts if sys.platform == "win32" else 1):
        try:
            replace(source, target)
            return
        except PermissionError as exc:
            if sys.platform != "win32":
                raise
            if attempt == attempts - 1:
                raise FileInUse(Path(target), _holders(Path(target))) from exc
            time.sleep(0.05 * (attempt + 1))


def write_atomically(
    path: Path,
    write: Callable[[IO[str]], _T],
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    errors: str = "strict",
) -> _T:
    """Write a text file all or nothing: ``write(handle)`` fills a temporary file beside
    ``path`` (readable by the user only), which is flushed to disk and renamed over ``path``;
    on any failure ``path`` is left as it was and the temporary file is removed. Returns what
    ``write`` returned."""
    path = Path(path)
    with _temporary_beside(path) as (fd, temporary):
        with os.fdopen(fd, "w", encoding=encoding, newline=newline, errors=errors) as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(temporary, path)
    return result
