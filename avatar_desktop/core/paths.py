"""Where the application finds its shipped resources and keeps its data."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path


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
