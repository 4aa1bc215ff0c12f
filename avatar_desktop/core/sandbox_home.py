"""Where a data folder's built-in sandbox lives: its own stable address, and its links (Qt-free).

Each data folder's built-in sandbox has an address of its own, its *home*: the address its
tasks and queued items are recorded with (their service) and its result links were made at. The
folder remembers it in ``sandbox/builtin-address.json``: the first start takes the usual port
(:data:`~avatar_desktop.core.config.SANDBOX_PORT`) when it is free, else any free port, and that
address is tried first on every later start, from the window and from ``avatar-cli`` alike.

When another program holds the home port at a start, the sandbox answers elsewhere for that
run (:attr:`SandboxPlace.now`), but its identity stays the home: its tasks and queued items are
still its own (never "another service"), requests go to where it answers now, and its links —
made at the home or at any address it had to answer at before (``earlier``) — are resolved by
path against where it answers now (:func:`resolve_link`). The program running the sandbox
notes where it answers (``running_at``) for the other programs on the same folder
(``avatar-cli --sandbox`` beside the window).

The file is written only by the program whose sandbox holds the folder's sandbox state lock, as
a whole (:func:`~avatar_desktop.core.paths.write_atomically`); one that cannot be read counts as
absent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from avatar_desktop.core.config import SANDBOX_URL
from avatar_desktop.core.paths import write_atomically
from avatar_desktop.core.service import is_loopback_host

log = logging.getLogger("avatar_desktop.sandbox_home")

FILE_NAME = "builtin-address.json"
"""In the folder's ``sandbox/`` folder, beside the state file ``builtin.json``."""
MAX_EARLIER = 20
"""Earlier addresses remembered (the oldest are forgotten first)."""


@dataclass(frozen=True)
class SandboxPlace:
    """The folder's built-in sandbox: its ``home`` (identity) and where it answers ``now``;
    ``earlier``: other addresses it answered at in earlier runs (its old links point there)."""

    home: str
    now: str
    earlier: tuple[str, ...] = field(default=())

    @classmethod
    def at(cls, url: str) -> SandboxPlace:
        """A sandbox at home at ``url``."""
        return cls(url, url)

    @property
    def moved(self) -> bool:
        """It answers elsewhere than at its home in this run."""
        return self.now != self.home

    def resolve(self, link: str) -> str:
        """``link`` as it is reached now (:func:`resolve_link`)."""
        return resolve_link(link, (self.home, *self.earlier), self.now)


@dataclass(frozen=True)
class SandboxHome:
    """What ``sandbox/builtin-address.json`` remembers."""

    address: str | None = None
    """The home, once a sandbox of this folder has run."""
    running_at: str | None = None
    """Where it answered when last started (valid while its program runs)."""
    earlier: tuple[str, ...] = ()

    @property
    def home(self) -> str:
        """The home, or the usual address before the folder's first sandbox."""
        return self.address or SANDBOX_URL

    @property
    def origins(self) -> tuple[str, ...]:
        """Every address this folder's sandbox made links at."""
        return (self.home, *self.earlier)

    def started(self, now: str) -> SandboxHome:
        """This record after a start at ``now`` (the home when there was none yet)."""
        home = self.address or now
        earlier = tuple(url for url in self.earlier if url != now)
        if now != home:
            earlier = (*earlier, now)[-MAX_EARLIER:]
        return SandboxHome(home, now, earlier)

    def place(self, now: str) -> SandboxPlace:
        return SandboxPlace(self.home, now, self.earlier)


def home_file(folder: Path) -> Path:
    return Path(folder) / "sandbox" / FILE_NAME


def read_home(folder: Path) -> SandboxHome:
    """What the folder remembers (nothing when the file is missing or cannot be read)."""
    path = home_file(folder)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        address = _address(document.get("address"))
        running_at = _address(document.get("running_at"))
        earlier = tuple(
            url for url in map(_address, document.get("earlier") or []) if url is not None
        )
    except FileNotFoundError:
        return SandboxHome()
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        log.warning("the sandbox address file %s cannot be read, ignored: %s", path, exc)
        return SandboxHome()
    return SandboxHome(address, running_at, earlier[-MAX_EARLIER:])


def remembered_home(folder: Path) -> SandboxHome:
    """:func:`read_home`, where a folder whose built-in sandbox ran before addresses were
    remembered (its state file is there) has the usual address as its home: its tasks, items
    and links were made there."""
    home = read_home(folder)
    if home.address is None and (Path(folder) / "sandbox" / "builtin.json").exists():
        return SandboxHome(SANDBOX_URL, home.running_at, home.earlier)
    return home


def reach(link: str, home: SandboxHome, running: Callable[[], SandboxPlace]) -> str:
    """``link`` as it is reached now: a link the folder's built-in sandbox made (at one of
    ``home.origins``) against where it answers in this run (``running()``, which starts or
    finds it, asked only for such a link); any other link as it is."""
    if _origin(link) not in home.origins:
        return link
    return running().resolve(link)


def write_home(folder: Path, home: SandboxHome) -> None:
    """Replace the file with ``home`` (a temporary file renamed over it, ``0600``). Raises
    OSError."""
    path = home_file(folder)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    document = {"address": home.address, "running_at": home.running_at, "earlier": home.earlier}
    write_atomically(path, lambda file: json.dump(document, file))


def _address(value: object) -> str | None:
    """``http://host:port`` on this computer, or None (anything else is not ours)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("an address must be a string")
    parts = urlsplit(value)
    if parts.scheme != "http" or not is_loopback_host(parts.hostname or "") or not parts.port:
        raise ValueError(f"not a sandbox address: {value!r}")
    return f"http://{parts.netloc}"


def _origin(link: str) -> str | None:
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def is_local_link(url: str) -> bool:
    """Whether ``url`` points at this computer (a sandbox's link, or a local gateway's)."""
    try:
        return is_loopback_host(urlsplit(url).hostname or "")
    except ValueError:
        return False


def resolve_link(link: str, origins: tuple[str, ...], now: str) -> str:
    """The rule for a link made by a folder's built-in sandbox: a link at one of its
    ``origins`` (its home, or an address it answered at before) is reached by path at ``now``,
    where it answers in this run; any other link is left as it is."""
    if _origin(link) not in origins:
        return link
    parts, target = urlsplit(link), urlsplit(now)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


__all__ = [
    "FILE_NAME",
    "SandboxHome",
    "SandboxPlace",
    "home_file",
    "is_local_link",
    "reach",
    "read_home",
    "remembered_home",
    "resolve_link",
    "write_home",
]
