"""Non-secret settings, kept in ``QSettings`` (an INI file in the data folder).

Never holds the token: that lives only in the keyring (see :mod:`avatar_desktop.core.vault`).
"""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from avatar_desktop.core.config import ProxyMode, ServiceConfig
from avatar_desktop.core.service import DEFAULT_BASE_URL, BaseUrlError


class ServiceChoice(enum.StrEnum):
    """Which service the app talks to."""

    UNSET = ""  # first run: decided by whether a token exists
    SANDBOX = "sandbox"
    DEFAULT = "default"
    CUSTOM = "custom"


class AppSettings:
    """Typed access to the settings file."""

    def __init__(self, path: Path) -> None:
        _make_private(path)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        self.session_override: ServiceChoice | None = None
        """A service chosen for this run only (``--sandbox``); not saved."""

    @property
    def path(self) -> Path:
        return Path(self._settings.fileName())

    def _get(self, key: str, default: Any) -> Any:
        value = self._settings.value(key, default)
        return default if value is None else value

    def _float(self, key: str, default: float, low: float, high: float) -> float:
        try:
            value = float(self._get(key, default))
        except (TypeError, ValueError):
            return default
        return min(max(value, low), high)

    # -- service --
    @property
    def service(self) -> ServiceChoice:
        if self.session_override is not None:
            return self.session_override
        try:
            return ServiceChoice(str(self._get("service/choice", "")))
        except ValueError:
            return ServiceChoice.UNSET

    @service.setter
    def service(self, value: ServiceChoice) -> None:
        self.session_override = None
        self._settings.setValue("service/choice", value.value)

    @property
    def custom_url(self) -> str:
        return str(self._get("service/custom_url", ""))

    @custom_url.setter
    def custom_url(self, value: str) -> None:
        self._settings.setValue("service/custom_url", value)

    @property
    def connect_timeout(self) -> float:
        return self._float("network/connect_timeout", 10.0, 1.0, 120.0)

    @connect_timeout.setter
    def connect_timeout(self, value: float) -> None:
        self._settings.setValue("network/connect_timeout", float(value))

    @property
    def read_timeout(self) -> float:
        return self._float("network/read_timeout", 60.0, 5.0, 600.0)

    @read_timeout.setter
    def read_timeout(self, value: float) -> None:
        self._settings.setValue("network/read_timeout", float(value))

    @property
    def proxy_mode(self) -> ProxyMode:
        try:
            return ProxyMode(str(self._get("network/proxy_mode", ProxyMode.SYSTEM.value)))
        except ValueError:
            return ProxyMode.SYSTEM

    @proxy_mode.setter
    def proxy_mode(self, value: ProxyMode) -> None:
        self._settings.setValue("network/proxy_mode", value.value)

    @property
    def proxy_url(self) -> str:
        return str(self._get("network/proxy_url", ""))

    @proxy_url.setter
    def proxy_url(self, value: str) -> None:
        self._settings.setValue("network/proxy_url", value)

    def service_config(self, sandbox_url: str | None) -> ServiceConfig:
        """The configured service; the sandbox when chosen (and running), else the real one.

        A custom address that cannot be used falls back to the default address.
        """

        def config(base_url: str, sandbox: bool = False) -> ServiceConfig:
            return ServiceConfig(
                base_url=base_url,
                sandbox=sandbox,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                proxy_mode=self.proxy_mode,
                proxy_url=self.proxy_url,
            )

        if self.service is ServiceChoice.SANDBOX and sandbox_url:
            return config(sandbox_url, sandbox=True)
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
        value = self._get("outbox/auto_send", True)
        if isinstance(value, str):
            return value.strip().lower() not in ("false", "0", "no", "off")
        return bool(value)

    @auto_send.setter
    def auto_send(self, value: bool) -> None:
        self._settings.setValue("outbox/auto_send", bool(value))

    @property
    def send_concurrency(self) -> int:
        """How many jobs are sent at once (1..8, default 2)."""
        return int(self._float("outbox/concurrency", 2, 1, 8))

    @send_concurrency.setter
    def send_concurrency(self, value: int) -> None:
        self._settings.setValue("outbox/concurrency", max(1, min(8, int(value))))

    # -- downloads --
    @property
    def download_folder(self) -> Path:
        """Where videos are saved: the chosen folder, else the platform's Videos folder (the
        home folder when the platform has none). A relative path is taken from home."""
        value = str(self._get("downloads/folder", "")).strip()
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
        self._settings.setValue("downloads/folder", text)

    @property
    def keep_finished_videos(self) -> bool:
        """Save each task that succeeds at once, before its link expires (default off)."""
        value = self._get("downloads/keep_finished", False)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return bool(value)

    @keep_finished_videos.setter
    def keep_finished_videos(self, value: bool) -> None:
        self._settings.setValue("downloads/keep_finished", bool(value))

    # -- interface --
    @property
    def language(self) -> str:
        value = str(self._get("ui/language", "system"))
        return value if value in ("system", "en", "zh_CN") else "system"

    @language.setter
    def language(self, value: str) -> None:
        self._settings.setValue("ui/language", value)

    @property
    def draft(self) -> dict[str, Any]:
        """The form as versions before the data-file autosave kept it (read once, to carry
        it over)."""
        try:
            value = json.loads(str(self._get("compose/draft", "{}")))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        # A default is always given: PySide6 mishandles a bare None coming back from C++.
        geometry = self._settings.value("window/geometry", QByteArray())
        state = self._settings.value("window/state", QByteArray())
        return (
            geometry if isinstance(geometry, QByteArray) and not geometry.isEmpty() else None,
            state if isinstance(state, QByteArray) and not state.isEmpty() else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)

    def sync(self) -> None:
        self._settings.sync()
        _make_private(self.path)


def default_download_folder() -> Path:
    """The platform's Videos folder (``QStandardPaths.MoviesLocation``), else the home folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    return Path(location) if location else Path.home()


def _make_private(path: Path) -> None:
    """Create the file readable by its owner only (QSettings keeps the mode when rewriting)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            os.chmod(path, 0o600)
        else:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError:
        pass  # a read-only location: QSettings reports it in its own way
