"""The one way to stop a blocking core call: a cancel token handed into it.

Whoever starts a call (the window's background runner, ``avatar-cli`` on Ctrl+C) keeps the
token and may :meth:`CancelToken.cancel` it from any thread; the call looks at it between steps
(``should_stop=token.should_stop`` where the core takes a ``should_stop`` callable), waits on it
instead of sleeping, or raises :class:`Cancelled` through :meth:`CancelToken.raise_if_cancelled`.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The call was stopped through its :class:`CancelToken`."""


class CancelToken:
    """Cancelled once, for good; safe to use from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def should_stop(self) -> bool:
        """:attr:`cancelled` as a callable, for the core calls that take ``should_stop``."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking at once when cancelled; True when cancelled."""
        return self._event.wait(seconds)


__all__ = ["CancelToken", "Cancelled"]
