"""The service connection the app uses: address, timeouts and proxy (Qt-free).

The window keeps these non-secret settings in ``QSettings``; this module only describes them and
builds an :class:`~avatar_desktop.core.client.AvatarClient` from them and a token.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import requests

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
class LinkNetwork:
    """How the app fetches public links — result videos, covers, the media check's inputs: the
    proxy setting (a link on this computer is always reached directly) and the connect and read
    timeouts, as :func:`link_network` builds them from the settings. The one place these come
    from, for the window and ``avatar-cli`` alike."""

    proxies: Mapping[str, str] | None = None
    use_system_proxy: bool = True
    connect_seconds: float = 10.0
    read_seconds: float = 60.0
    """How long a read may wait for the next bytes (a stall), not for the whole transfer."""

    @property
    def timeout(self) -> tuple[float, float]:
        """``(connect, read)`` as ``requests`` takes it."""
        return (self.connect_seconds, self.read_seconds)

    def session(self) -> requests.Session:
        """A session for links (:func:`~avatar_desktop.core.client.edge_session`: loopback
        directly, the proxy setting otherwise, no retries of its own). Close it after use."""
        from avatar_desktop.core.client import edge_session

        return edge_session(self.proxies, use_system_proxy=self.use_system_proxy)


def link_network(
    proxy_mode: ProxyMode, proxy_url: str, connect_timeout: float, read_timeout: float
) -> LinkNetwork:
    """How public links are fetched under these settings: the proxy setting as it is (a local
    gateway does not make a remote media host local) and the settings' timeouts."""
    options = proxy_options(proxy_mode, proxy_url)
    return LinkNetwork(
        options["proxies"], options["use_system_proxy"], connect_timeout, read_timeout
    )


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
    answers_at: str | None = None
    """Where requests go when that is not ``base_url``: the built-in sandbox in a run where its
    own address (``base_url``, what its tasks and items are recorded with) was taken by another
    program (see :mod:`avatar_desktop.core.sandbox_home`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if self.answers_at is not None:
            object.__setattr__(self, "answers_at", normalize_base_url(self.answers_at))

    @property
    def request_url(self) -> str:
        """The address requests are sent to."""
        return self.answers_at or self.base_url

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

    def link_network(self) -> LinkNetwork:
        """How public links (result videos, covers, media checks) are fetched under these
        settings (:func:`link_network`)."""
        return link_network(
            self.proxy_mode, self.proxy_url, self.connect_timeout, self.read_timeout
        )

    def make_client(self, token: str, *, ends_at: float | None = None) -> AvatarClient:
        """A client for this service, through :meth:`proxy_options`; ``ends_at`` (a
        ``time.monotonic()`` moment, a run's ``--timeout``) cuts every call still going on
        then."""
        # Imported here: the client loads requests, which nothing needs before a request.
        from avatar_desktop.core.client import AvatarClient

        return AvatarClient(
            self.request_url, token, timeout=self.timeouts, ends_at=ends_at, **self.proxy_options()
        )


SANDBOX_TOKEN = "sandbox-token"
"""The token sent to the built-in sandbox, which accepts any non-empty token by default."""


def _usual_sandbox_port() -> int:
    """47651, or ``AVATAR_SANDBOX_PORT`` (a second portable set-up beside the usual one, tests)."""
    try:
        port = int(os.environ.get("AVATAR_SANDBOX_PORT", "") or 47651)
    except ValueError:
        return 47651
    return port if 0 < port < 65536 else 47651


SANDBOX_PORT = _usual_sandbox_port()
"""The built-in sandbox's usual port: the same address every run keeps drafts and the URLs of
earlier sandbox tasks working. Another free port is used when it is taken."""
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
"""The built-in sandbox's usual address (items queued for it keep it)."""
