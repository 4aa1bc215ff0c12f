"""Where the application finds its shipped resources and keeps its data."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
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


def data_dir() -> Path:
    """The folder of the app's data (task list, caches), created private to the user if missing.

    ``AVATAR_DESKTOP_DATA_DIR`` overrides it (tests, portable use); otherwise it is the
    platform's per-user application-data folder.
    """
    override = os.environ.get("AVATAR_DESKTOP_DATA_DIR")
    if override:
        path = Path(override).expanduser()
    elif sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
        path = base / "AvatarDesktop"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "Avatar Desktop"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
        path = base / "avatar-desktop"
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
        os.replace(temporary, path)
    return result
