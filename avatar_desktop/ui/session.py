"""What the window's parts share to talk to the service: its settings and the user's token."""

from __future__ import annotations

from dataclasses import dataclass

from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig


@dataclass
class Session:
    """The current service and the user's API token, shared by reference.

    The window replaces :attr:`config` when the service settings change; the token controller
    sets :attr:`token` once the keyring has answered. The panels read both when they need them.
    Plain data on purpose: the panels hold it instead of callables bound to the window, which
    would tie the window into reference cycles (and the garbage collector may free widgets on a
    worker thread).
    """

    config: ServiceConfig
    token: str | None = None
    """The user's token (None: none set, or not read yet)."""
    token_loaded: bool = False
    """Whether the keyring has answered (until then :attr:`token` is None either way)."""

    def request_token(self) -> str | None:
        """The token to send: the sandbox's own on the sandbox, else the user's."""
        if self.config.sandbox:
            return SANDBOX_TOKEN
        return self.token


__all__ = ["Session"]
