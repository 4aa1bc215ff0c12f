"""Runs short blocking core calls (a file to read, a batch to write) off the UI thread.

``Runner.run(fn, on_done, on_error)`` calls ``fn()`` on a thread of a private ``QThreadPool``
and hands its result (or exception) to the callback on the UI thread. Calls run one at a time,
in order, so two writes from the window never race each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("avatar_desktop.qt")


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the UI thread
            self._relay.failed.emit(exc)
            return
        self._relay.done.emit(result)


class Runner(QObject):
    """One background lane for the window's short blocking calls."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object)
        def done(result: Any) -> None:
            self._relays.discard(relay)
            if on_done is not None:
                on_done(result)

        @Slot(object)
        def failed(error: Exception) -> None:
            self._relays.discard(relay)
            if on_error is not None:
                on_error(error)
            else:
                log.error("background call failed: %r", error)

        relay.done.connect(done)
        relay.failed.connect(failed)
        self._pool.start(_Call(fn, relay))

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Wait for the calls already started (at exit); True when they all ended."""
        return bool(self._pool.waitForDone(timeout_ms))


__all__ = ["Runner"]
