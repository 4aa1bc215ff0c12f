"""The service connection the app uses: address, timeouts and proxy (Qt-free).

The window keeps these non-secret settings in ``QSettings``; this module only describes them and
builds an :class:`~avatar_desktop.core.client.AvatarClient` from them and a token.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from avatar_desktop.core.client import AvatarClient

from avatar_desktop.core.service import (
    DEFAULT_BASE_URL,
    Timeouts,
    is_loopback_host,
    normalize_base_url,
)


class NetworkOptions(TypedDict):
    """How to reach the network, as keyword arguments (:meth:`ServiceConfig.proxy_options`)."""

    proxies: dict[str, str] | None
    use_system_proxy: bool


class ProxyMode(enum.StrEnum):
    """How requests reach the internet."""

    SYSTEM = "system"
    NONE = "none"
    CUSTOM = "custom"


def proxy_options(mode: ProxyMode, proxy_url: str, *, direct: bool = False) -> NetworkOptions:
    """``proxies`` and ``use_system_proxy`` for :class:`AvatarClient` and for downloads, under
    the proxy setting ``mode`` / ``proxy_url``; ``direct`` (an address on this computer) never
    goes through a proxy."""
    if direct or mode is ProxyMode.NONE:
        return {"proxies": {}, "use_system_proxy": False}
    if mode is ProxyMode.CUSTOM and proxy_url:
        return {"proxies": {"http": proxy_url, "https": proxy_url}, "use_system_proxy": False}
    return {"proxies": None, "use_system_proxy": True}


@dataclass(frozen=True)
class ServiceConfig:
    """Where requests go and how. ``sandbox`` marks the built-in local sandbox."""

    base_url: str = DEFAULT_BASE_URL
    sandbox: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    proxy_mode: ProxyMode = ProxyMode.SYSTEM
    proxy_url: str = ""
    total_timeout: float | None = None
    """The overall deadline of one call; None: connect + read (see :class:`Timeouts`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(
            connect=self.connect_timeout, read=self.read_timeout, total=self.total_timeout
        )

    @property
    def is_local(self) -> bool:
        """Whether the service is on this computer (the sandbox, or a loopback address)."""
        return self.sandbox or is_loopback_host(urlsplit(self.base_url).hostname or "")

    def proxy_options(self) -> NetworkOptions:
        """How requests to this service reach the network: a service on this computer (the
        sandbox, any loopback address) always directly, never through a proxy."""
        return proxy_options(self.proxy_mode, self.proxy_url, direct=self.is_local)

    def link_proxy_options(self) -> NetworkOptions:
        """How result links (videos, covers on the service's media host) reach the network:
        the proxy setting as it is — a local gateway does not make a remote host local. A link
        on this computer is reached directly by the downloaders themselves."""
        return proxy_options(self.proxy_mode, self.proxy_url)

    def make_client(self, token: str) -> AvatarClient:
        """A client for this service, through :meth:`proxy_options`."""
        # Imported here: the client loads requests, which nothing needs before a request.
        from avatar_desktop.core.client import AvatarClient

        return AvatarClient(self.base_url, token, timeout=self.timeouts, **self.proxy_options())


SANDBOX_TOKEN = "sandbox-token"
"""The token sent to the built-in sandbox, which accepts any non-empty token by default."""

SANDBOX_PORT = 47651
"""The built-in sandbox's usual port: the same address every run keeps drafts and the URLs of
earlier sandbox tasks working. Another free port is used when it is taken."""
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
"""The built-in sandbox's usual address (items queued for it keep it)."""
