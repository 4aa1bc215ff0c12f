"""The service connection the app uses: address, timeouts and proxy (Qt-free).

The window keeps these non-secret settings in ``QSettings``; this module only describes them and
builds an :class:`~avatar_desktop.core.service.AvatarClient` from them and a token.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from avatar_desktop.core.service import DEFAULT_BASE_URL, AvatarClient, Timeouts, normalize_base_url


class ProxyMode(enum.StrEnum):
    """How requests reach the internet."""

    SYSTEM = "system"
    NONE = "none"
    CUSTOM = "custom"


@dataclass(frozen=True)
class ServiceConfig:
    """Where requests go and how. ``sandbox`` marks the built-in local sandbox."""

    base_url: str = DEFAULT_BASE_URL
    sandbox: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    proxy_mode: ProxyMode = ProxyMode.SYSTEM
    proxy_url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(connect=self.connect_timeout, read=self.read_timeout)

    def make_client(self, token: str) -> AvatarClient:
        """A client for this service. The sandbox is always reached directly, never by proxy."""
        if self.sandbox or self.proxy_mode is ProxyMode.NONE:
            return AvatarClient(
                self.base_url, token, timeout=self.timeouts, proxies={}, use_system_proxy=False
            )
        if self.proxy_mode is ProxyMode.CUSTOM and self.proxy_url:
            proxies = {"http": self.proxy_url, "https": self.proxy_url}
            return AvatarClient(
                self.base_url, token, timeout=self.timeouts, proxies=proxies, use_system_proxy=False
            )
        return AvatarClient(self.base_url, token, timeout=self.timeouts)


SANDBOX_TOKEN = "sandbox-token"
"""The token sent to the built-in sandbox, which accepts any non-empty token by default."""
