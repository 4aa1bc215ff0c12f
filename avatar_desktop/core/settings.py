"""The settings file (``settings.ini`` in the data folder), read and written without Qt.

The window's Settings dialog and ``avatar-cli config`` change the same file through
:class:`AppSettings`, and every value is checked by the same rules (:data:`CONFIG_KEYS`). The file
keeps the INI layout that earlier versions wrote through ``QSettings``, so existing users keep
their settings, and those versions can still read it. Each change is written at once, under a
file lock and by an atomic rename, and :meth:`AppSettings.reload` picks up changes that another
program made, so the open window follows ``avatar-cli config set``.

Never holds the token nor the storage's key pair: they live only in the keyring (see
:mod:`avatar_desktop.core.vault`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import enum
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from filelock import FileLock

from avatar_desktop.core.config import ProxyMode, ServiceConfig
from avatar_desktop.core.paths import write_atomically
from avatar_desktop.core.service import (
    DEFAULT_BASE_URL,
    BaseUrlError,
    is_loopback_host,
    normalize_base_url,
)
from avatar_desktop.core.uploads import (
    DEFAULT_URL_DAYS,
    URL_DAYS_RANGE,
    Addressing,
    StorageSettingError,
    StorageSettings,
    check_addressing,
    check_bucket,
    check_endpoint,
    check_prefix,
    check_public_base_url,
    check_region,
)

if TYPE_CHECKING:
    from avatar_desktop.core.sandbox_home import SandboxPlace

FILE_NAME = "settings.ini"
LANGUAGES = ("system", "en", "zh_CN")
CONCURRENCY_RANGE = (1, 8)
CONNECT_TIMEOUT_RANGE = (1.0, 120.0)
READ_TIMEOUT_RANGE = (5.0, 600.0)
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


class ServiceChoice(enum.StrEnum):
    """Which service the app talks to."""

    UNSET = ""  # first run: decided by whether a token exists
    SANDBOX = "sandbox"
    DEFAULT = "default"
    CUSTOM = "custom"


# --- the file: QSettings' INI layout ------------------------------------------------------------

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}
_SPECIAL = re.compile(r'[",;=\\\x00-\x1f\x7f]|^\s|\s$|^@')


def _unescape(text: str) -> str:
    """A value as ``QSettings`` wrote it: quoted or not, with ``\\`` escapes."""
    out: list[str] = []
    i, quoted = 0, False
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(text):
            i += 1
            nxt = text[i]
            if nxt == "x":
                digits = re.match(r"[0-9a-fA-F]+", text[i + 1 :])
                if digits:
                    out.append(chr(int(digits.group(0), 16)))
                    i += len(digits.group(0))
            else:
                out.append(_ESCAPES.get(nxt, nxt))
        elif quoted or ch not in "\r\n":
            out.append(ch)
        i += 1
    return "".join(out)


def _escape(value: str) -> str:
    """``value`` as ``QSettings`` reads it back: quoted and escaped when it needs it (an
    unquoted comma would make it a list)."""
    if not _SPECIAL.search(value):
        return value
    escaped = "".join(
        "\\\\"
        if ch == "\\"
        else '\\"'
        if ch == '"'
        else f"\\x{ord(ch):x}"
        if ord(ch) < 0x20 or ord(ch) == 0x7F
        else ch
        for ch in value
    )
    return f'"{escaped}"'


def _parse(text: str) -> dict[str, str]:
    """``group/key`` → raw value, for every ``key=value`` line under a ``[group]``."""
    values: dict[str, str] = {}
    group = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1].strip()
            group = "" if group == "General" else group
            continue
        key, sep, value = line.partition("=")
        if sep:
            key = key.strip()
            values[f"{group}/{key}" if group else key] = value.strip()
    return values


def _render(values: dict[str, str]) -> str:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, raw in values.items():
        group, _, key = name.rpartition("/")
        groups.setdefault(group or "General", []).append((key, raw))
    parts = []
    for group in sorted(groups):
        lines = [f"[{group}]"] + [f"{key}={raw}" for key, raw in sorted(groups[group])]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _byte_array(raw: str) -> bytes | None:
    """A value written as ``@ByteArray(...)`` by ``QSettings`` (the window's geometry)."""
    if not (raw.startswith("@ByteArray(") and raw.endswith(")")):
        return None
    inner = _unescape(raw[len("@ByteArray(") : -1])
    try:
        return inner.encode("latin-1")
    except UnicodeEncodeError:
        return None


# --- the settings ------------------------------------------------------------------------------


def _truth(raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    text = _unescape(raw).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    return default


def _number(raw: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float(_unescape(raw)) if raw is not None else default
    except ValueError:
        return default
    if value != value:  # NaN
        return default
    return min(max(value, low), high)


class AppSettings:
    """Typed access to the settings file. Reading is from memory (see :meth:`reload`); each
    change is written to the file at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", mode=0o600)
        self._values: dict[str, str] = {}
        self._stamp: tuple[int, int, int] | None = None
        self.session_override: ServiceChoice | None = None
        """A service chosen for this run only (``--sandbox``); not saved."""
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.reload()

    # -- the file --

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _read(self) -> dict[str, str]:
        try:
            return _parse(self.path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return {}

    def reload(self) -> bool:
        """Read the file again if it changed on disk (another program's change); True when a
        value changed."""
        stamp = self._file_stamp()
        if stamp == self._stamp and stamp is not None:
            return False
        values = self._read()
        self._stamp = stamp
        changed = values != self._values
        self._values = values
        return changed

    def _write(self, changes: dict[str, str | None]) -> None:
        """Set (a raw value) or remove (None) keys, merged with what the file holds now."""
        with self._lock:
            before = self._read()
            values = dict(before)
            for key, raw in changes.items():
                if raw is None:
                    values.pop(key, None)
                else:
                    values[key] = raw
            if values != before or not self.path.exists():
                write_atomically(self.path, lambda handle: handle.write(_render(values)))
            self._values = values
            self._stamp = self._file_stamp()

    def remove(self, *keys: str) -> None:
        """Forget ``keys`` (``group/key``): they read as their defaults again."""
        self._write(dict.fromkeys(keys))

    def _get(self, key: str) -> str | None:
        raw = self._values.get(key)
        return None if raw is None else _unescape(raw)

    def _set(self, key: str, value: str | float | bool | None) -> None:
        if value is None:
            self._write({key: None})
        elif isinstance(value, bool):
            self._write({key: "true" if value else "false"})
        elif isinstance(value, int | float):
            self._write({key: f"{value:g}" if isinstance(value, float) else str(value)})
        else:
            self._write({key: _escape(value)})

    # -- service --

    @property
    def service(self) -> ServiceChoice:
        if self.session_override is not None:
            return self.session_override
        try:
            return ServiceChoice(self._get("service/choice") or "")
        except ValueError:
            return ServiceChoice.UNSET

    @service.setter
    def service(self, value: ServiceChoice) -> None:
        self.session_override = None
        self._set("service/choice", value.value or None)

    @property
    def custom_url(self) -> str:
        return self._get("service/custom_url") or ""

    @custom_url.setter
    def custom_url(self, value: str) -> None:
        self._set("service/custom_url", value)

    @property
    def connect_timeout(self) -> float:
        return _number(self._values.get("network/connect_timeout"), 10.0, *CONNECT_TIMEOUT_RANGE)

    @connect_timeout.setter
    def connect_timeout(self, value: float) -> None:
        self._set("network/connect_timeout", float(value))

    @property
    def read_timeout(self) -> float:
        return _number(self._values.get("network/read_timeout"), 60.0, *READ_TIMEOUT_RANGE)

    @read_timeout.setter
    def read_timeout(self, value: float) -> None:
        self._set("network/read_timeout", float(value))

    @property
    def proxy_mode(self) -> ProxyMode:
        try:
            return ProxyMode(self._get("network/proxy_mode") or ProxyMode.SYSTEM.value)
        except ValueError:
            return ProxyMode.SYSTEM

    @proxy_mode.setter
    def proxy_mode(self, value: ProxyMode) -> None:
        self._set("network/proxy_mode", value.value)

    @property
    def proxy_url(self) -> str:
        return self._get("network/proxy_url") or ""

    @proxy_url.setter
    def proxy_url(self, value: str) -> None:
        self._set("network/proxy_url", value)

    def service_config(self, sandbox: SandboxPlace | None) -> ServiceConfig:
        """The configured service; the sandbox when chosen (and ``sandbox``, where it runs, is
        given: requests go where it answers now), else the real one.

        A custom address that cannot be used falls back to the default address.
        """

        def config(base_url: str, answers_at: str | None = None) -> ServiceConfig:
            return ServiceConfig(
                base_url=base_url,
                sandbox=answers_at is not None,
                answers_at=answers_at if answers_at != base_url else None,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                proxy_mode=self.proxy_mode,
                proxy_url=self.proxy_url,
            )

        if self.service is ServiceChoice.SANDBOX and sandbox is not None:
            return config(sandbox.home, sandbox.now)
        if self.service is ServiceChoice.CUSTOM and self.custom_url:
            try:
                return config(self.custom_url)
            except BaseUrlError:
                pass
        return config(DEFAULT_BASE_URL)

    # -- the outbox --

    @property
    def auto_send(self) -> bool:
        """Send queued jobs on their own while the service can be reached (default on)."""
        return _truth(self._values.get("outbox/auto_send"), True)

    @auto_send.setter
    def auto_send(self, value: bool) -> None:
        self._set("outbox/auto_send", bool(value))

    @property
    def send_concurrency(self) -> int:
        """How many jobs are sent at once (1..8, default 2)."""
        return int(_number(self._values.get("outbox/concurrency"), 2, *CONCURRENCY_RANGE))

    @send_concurrency.setter
    def send_concurrency(self, value: int) -> None:
        low, high = CONCURRENCY_RANGE
        self._set("outbox/concurrency", max(low, min(high, int(value))))

    # -- downloads --

    @property
    def download_folder(self) -> Path:
        """Where videos are saved: the chosen folder, else the platform's Videos folder (the
        home folder when the platform has none). A relative path is taken from home."""
        value = (self._get("downloads/folder") or "").strip()
        if not value:
            return default_download_folder()
        folder = Path(value).expanduser()
        return folder if folder.is_absolute() else Path.home() / folder

    @download_folder.setter
    def download_folder(self, value: Path | str) -> None:
        """An empty value, or the default folder, follows the platform's default."""
        text = str(value).strip()
        if text and Path(text).expanduser() == default_download_folder():
            text = ""
        self._set("downloads/folder", text or None)

    @property
    def keep_finished_videos(self) -> bool:
        """Save each task that succeeds at once, before its link expires (default off)."""
        return _truth(self._values.get("downloads/keep_finished"), False)

    @keep_finished_videos.setter
    def keep_finished_videos(self, value: bool) -> None:
        self._set("downloads/keep_finished", bool(value))

    # -- the user's own storage (uploads of local files) --

    def storage_value(self, name: str) -> str:
        """The raw text of ``storage/NAME`` (empty when unset)."""
        return (self._get(f"storage/{name}") or "").strip()

    def set_storage_value(self, name: str, value: str | int | None) -> None:
        """Set (or, empty or None, remove) ``storage/NAME``; the caller has checked it."""
        self._set(f"storage/{name}", value if value not in ("", None) else None)

    @property
    def storage_url_days(self) -> int:
        return int(_number(self._values.get("storage/url_days"), DEFAULT_URL_DAYS, *URL_DAYS_RANGE))

    def storage_settings(self) -> StorageSettings | None:
        """The configured storage, or None when its address or bucket is not set; raises
        :class:`~avatar_desktop.core.uploads.StorageSettingError` for a bad value in the file."""
        endpoint, bucket = self.storage_value("endpoint"), self.storage_value("bucket")
        if not endpoint or not bucket:
            return None
        addressing = self.storage_value("addressing") or Addressing.PATH.value
        return StorageSettings(
            endpoint=endpoint,
            bucket=bucket,
            region=self.storage_value("region"),
            prefix=self._get("storage/prefix") or "",
            addressing=check_addressing(addressing),
            url_days=self.storage_url_days,
            public_base_url=self.storage_value("public_base_url"),
        )

    # -- interface --

    @property
    def language(self) -> str:
        value = self._get("ui/language") or "system"
        return value if value in LANGUAGES else "system"

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value)

    @property
    def draft(self) -> dict[str, Any]:
        """The form as versions before the data-file autosave kept it (read once, to carry
        it over)."""
        try:
            value = json.loads(self._get("compose/draft") or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def window_layout(self) -> tuple[bytes | None, bytes | None]:
        """The window's saved geometry and state (opaque bytes), when there are."""

        def read(key: str) -> bytes | None:
            raw = self._values.get(key)
            if raw is None:
                return None
            legacy = _byte_array(raw)  # as QSettings wrote it
            if legacy is not None:
                return legacy or None
            try:
                return base64.b64decode(_unescape(raw), validate=True) or None
            except (binascii.Error, ValueError):
                return None

        return read("window/geometry"), read("window/state")

    def set_window_layout(self, geometry: bytes, state: bytes) -> None:
        self._write(
            {
                "window/geometry": base64.b64encode(geometry).decode("ascii"),
                "window/state": base64.b64encode(state).decode("ascii"),
            }
        )


def default_download_folder() -> Path:
    """The platform's Videos folder (what Qt calls ``MoviesLocation``), else the home folder:
    ``~/Movies`` on macOS, ``~/Videos`` on Windows, the XDG videos folder on Linux."""
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Movies"
    if sys.platform == "win32":
        return home / "Videos"
    config = os.environ.get("XDG_CONFIG_HOME") or ""
    base = Path(config) if os.path.isabs(config) else home / ".config"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in (base / "user-dirs.dirs").read_text(encoding="utf-8").splitlines():
            match = re.fullmatch(r'\s*XDG_VIDEOS_DIR\s*=\s*"(.*)"\s*', line)
            if match:
                value = match.group(1).replace("$HOME", str(home))
                path = Path(value)
                if path.is_absolute() and path != home:
                    return path
    return home / "Videos"


# --- the keys `avatar-cli config` and the Settings dialog share -----------------------------


class SettingProblem(enum.Enum):
    """Why a value cannot be used (the window words each kind in the user's language)."""

    UNKNOWN_KEY = "unknown_key"
    NOT_HTTPS = "not_https"
    BAD_ADDRESS = "bad_address"
    BAD_PROXY = "bad_proxy"
    NOT_BOOLEAN = "not_boolean"
    NOT_NUMBER = "not_number"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_FOLDER = "not_a_folder"
    NOT_A_FULL_PATH = "not_a_full_path"
    UNKNOWN_CHOICE = "unknown_choice"
    BAD_BUCKET = "bad_bucket"
    BAD_PREFIX = "bad_prefix"
    BAD_REGION = "bad_region"


class SettingError(ValueError):
    """A key or value that the settings do not take; ``str()`` says why in English."""

    def __init__(self, problem: SettingProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def check_service_address(text: str) -> str:
    """A custom service address, normalised; :class:`SettingError` when it cannot be used
    (``https://``, or ``http://`` to this computer only)."""
    try:
        return normalize_base_url(text)
    except BaseUrlError as exc:
        plain = text.strip().lower().startswith("http://")
        try:
            local = is_loopback_host(urlsplit(text.strip()).hostname or "")
        except ValueError:
            local = False
        if plain and not local:  # else something else is wrong with it (a port, a space)
            raise SettingError(
                SettingProblem.NOT_HTTPS,
                "use https://; plain http:// would send the token unencrypted (it is only "
                "allowed for this computer)",
            ) from None
        raise SettingError(
            SettingProblem.BAD_ADDRESS,
            f"enter a full address: https://…, or http://… to this computer ({exc})",
        ) from None


def check_proxy_address(text: str) -> str:
    """A proxy address (``http``, ``https`` or ``socks5`` with a host), stripped."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _port = parts.port
    except ValueError:
        host = None
    if (
        not value
        or parts.scheme.lower() not in PROXY_SCHEMES
        or not host
        or any(ch.isspace() or not ch.isprintable() for ch in value)
    ):
        raise SettingError(
            SettingProblem.BAD_PROXY,
            "a proxy address looks like http://proxy.example.com:8080 (http, https or socks5)",
        )
    return value


def check_download_folder(text: str) -> Path:
    """A download folder: a full path (``~`` is the home folder) to a folder, or to one that
    can be made when the first video is saved — never a file, nor a path under a file."""
    value = text.strip()
    if not value or "\0" in value:
        raise SettingError(SettingProblem.NOT_A_FOLDER, "give a folder path")
    folder = Path(value).expanduser()
    if not folder.is_absolute():
        raise SettingError(
            SettingProblem.NOT_A_FULL_PATH,
            f"give a full path, such as {Path.home() / value} or ~/{value}",
        )
    for place in (folder, *folder.parents):
        if place.exists():
            if not place.is_dir():
                raise SettingError(SettingProblem.NOT_A_FOLDER, f"{place} is a file, not a folder")
            break
    return folder


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    raise SettingError(SettingProblem.NOT_BOOLEAN, "use true or false")


def _in_range(text: str, low: float, high: float, *, whole: bool) -> float:
    try:
        value = int(text.strip()) if whole else float(text.strip())
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise SettingError(SettingProblem.NOT_NUMBER, f"use {kind}") from None
    if not low <= value <= high:
        raise SettingError(SettingProblem.OUT_OF_RANGE, f"use a value from {low:g} to {high:g}")
    return value


@dataclass(frozen=True)
class ConfigKey:
    """One key of ``avatar-cli config``: how it is shown, set from text, and unset."""

    name: str
    help: str
    show: Callable[[AppSettings], str | bool | int | float | None]
    set: Callable[[AppSettings, str], None]
    unset: Callable[[AppSettings], None]


def _show_service(s: AppSettings) -> str | None:
    choice = s.service
    if choice is ServiceChoice.SANDBOX:
        return "sandbox"
    if choice is ServiceChoice.DEFAULT:
        return "official"
    if choice is ServiceChoice.CUSTOM:
        return s.custom_url or "official"
    return None


def _set_service(s: AppSettings, text: str) -> None:
    value = text.strip()
    if value.lower() == "sandbox":
        s.service = ServiceChoice.SANDBOX
    elif value.lower() == "official":
        s.service = ServiceChoice.DEFAULT
    else:
        url = check_service_address(value)
        s.custom_url = url
        s.service = ServiceChoice.CUSTOM


def _show_proxy(s: AppSettings) -> str:
    if s.proxy_mode is ProxyMode.CUSTOM and s.proxy_url:
        return s.proxy_url
    return ProxyMode.NONE.value if s.proxy_mode is ProxyMode.NONE else ProxyMode.SYSTEM.value


def _set_proxy(s: AppSettings, text: str) -> None:
    value = text.strip()
    if value.lower() in (ProxyMode.SYSTEM.value, ProxyMode.NONE.value):
        s.proxy_mode = ProxyMode(value.lower())
    else:
        s.proxy_url = check_proxy_address(value)
        s.proxy_mode = ProxyMode.CUSTOM


def _set_language(s: AppSettings, text: str) -> None:
    value = text.strip()
    if value not in LANGUAGES:
        raise SettingError(SettingProblem.UNKNOWN_CHOICE, f"use one of {', '.join(LANGUAGES)}")
    s.language = value


def _unset_keys(*keys: str) -> Callable[[AppSettings], None]:
    def unset(s: AppSettings) -> None:
        s.remove(*keys)

    return unset


def _set_attr(attr: str, parse: Callable[[str], object]) -> Callable[[AppSettings, str], None]:
    def set_(s: AppSettings, text: str) -> None:
        setattr(s, attr, parse(text))

    return set_


def _storage_key(
    name: str, help: str, check: Callable[[str], object], default: str | int | None = None
) -> ConfigKey:
    """The key ``storage.NAME`` (``storage/NAME`` in the file), checked by the storage's rule
    (:mod:`avatar_desktop.core.uploads`)."""

    def set_(s: AppSettings, text: str) -> None:
        try:
            value = check(text)
        except StorageSettingError as exc:
            raise SettingError(SettingProblem(exc.problem.value), str(exc)) from None
        s.set_storage_value(name, value if isinstance(value, int) else str(value))

    def show(s: AppSettings) -> str | int | None:
        if name == "url_days":
            return s.storage_url_days
        return s.storage_value(name) or default

    return ConfigKey(f"storage.{name}", help, show, set_, _unset_keys(f"storage/{name}"))


def _url_days(text: str) -> int:
    return int(_in_range(text, *URL_DAYS_RANGE, whole=True))


CONFIG_KEYS: dict[str, ConfigKey] = {
    key.name: key
    for key in (
        ConfigKey(
            "service",
            "official, sandbox, or an address (https://, or http:// to this computer)",
            _show_service,
            _set_service,
            _unset_keys("service/choice", "service/custom_url"),
        ),
        ConfigKey(
            "download_dir",
            "the folder videos are saved in (default: your Videos folder)",
            lambda s: str(s.download_folder),
            _set_attr("download_folder", lambda text: str(check_download_folder(text))),
            _unset_keys("downloads/folder"),
        ),
        ConfigKey(
            "keep_finished",
            "true: save each finished task's video at once (default false)",
            lambda s: s.keep_finished_videos,
            _set_attr("keep_finished_videos", _boolean),
            _unset_keys("downloads/keep_finished"),
        ),
        ConfigKey(
            "auto_send",
            "true: queued jobs go out on their own while online (default true)",
            lambda s: s.auto_send,
            _set_attr("auto_send", _boolean),
            _unset_keys("outbox/auto_send"),
        ),
        ConfigKey(
            "concurrency",
            "jobs sent at once, 1 to 8 (default 2)",
            lambda s: s.send_concurrency,
            _set_attr(
                "send_concurrency",
                lambda text: int(_in_range(text, *CONCURRENCY_RANGE, whole=True)),
            ),
            _unset_keys("outbox/concurrency"),
        ),
        ConfigKey(
            "connect_timeout",
            "seconds to wait for a connection, 1 to 120 (default 10)",
            lambda s: s.connect_timeout,
            _set_attr(
                "connect_timeout", lambda text: _in_range(text, *CONNECT_TIMEOUT_RANGE, whole=False)
            ),
            _unset_keys("network/connect_timeout"),
        ),
        ConfigKey(
            "read_timeout",
            "seconds to wait for an answer, 5 to 600 (default 60)",
            lambda s: s.read_timeout,
            _set_attr(
                "read_timeout", lambda text: _in_range(text, *READ_TIMEOUT_RANGE, whole=False)
            ),
            _unset_keys("network/read_timeout"),
        ),
        ConfigKey(
            "proxy",
            "system (default), none, or a proxy address (http://host:port, socks5://host:port)",
            _show_proxy,
            _set_proxy,
            _unset_keys("network/proxy_mode", "network/proxy_url"),
        ),
        ConfigKey(
            "language",
            "the window's language: system (default), en or zh_CN",
            lambda s: s.language,
            _set_language,
            _unset_keys("ui/language"),
        ),
        _storage_key(
            "endpoint",
            "your S3-compatible storage's address, for local files (https://, or http:// to "
            "this computer)",
            check_endpoint,
        ),
        _storage_key(
            "region", "its region, such as eu-west-1 or auto (default us-east-1)", check_region
        ),
        _storage_key("bucket", "the bucket local files are uploaded to", check_bucket),
        _storage_key(
            "prefix",
            "the start of every object's name, such as uploads/ (default none)",
            check_prefix,
        ),
        _storage_key(
            "addressing",
            "path (https://host/bucket/…, default) or virtual (https://bucket.host/…)",
            lambda text: check_addressing(text).value,
            Addressing.PATH.value,
        ),
        _storage_key(
            "url_days",
            "how many days the links given to the service work, 1 to 7 (default 7)",
            _url_days,
        ),
        _storage_key(
            "public_base_url",
            "the address the bucket is public under: the service gets it + the object's name "
            "instead of a signed link (default none)",
            check_public_base_url,
        ),
    )
}


def config_key(name: str) -> ConfigKey:
    """The key called ``name``; :class:`SettingError` for an unknown one."""
    key = CONFIG_KEYS.get(name.strip())
    if key is None:
        raise SettingError(
            SettingProblem.UNKNOWN_KEY,
            f"unknown key {name!r}; the keys are: {', '.join(CONFIG_KEYS)}",
        )
    return key


def config_values(settings: AppSettings) -> dict[str, str | bool | int | float | None]:
    """Every key's value now, in the order of :data:`CONFIG_KEYS`."""
    return {name: key.show(settings) for name, key in CONFIG_KEYS.items()}


__all__ = [
    "CONFIG_KEYS",
    "AppSettings",
    "ConfigKey",
    "ServiceChoice",
    "SettingError",
    "SettingProblem",
    "check_download_folder",
    "check_proxy_address",
    "check_service_address",
    "config_key",
    "config_values",
    "default_download_folder",
]
