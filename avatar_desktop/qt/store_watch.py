"""Turns the data file's change counter into a Qt signal.

Writers — this window's workers, another window, an ``avatar-cli`` run — never tell the models
by hand: :class:`StoreWatch` looks at ``PRAGMA data_version`` on a timer (a read of a few bytes
from the database header, cheap enough for every half second) and emits :attr:`changed` after
any commit, so every view shows another process's work within about a second.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from avatar_desktop.core.db import ChangeCounter, StoreError

log = logging.getLogger("avatar_desktop.qt")

WATCH_INTERVAL_MS = 500


class StoreWatch(QObject):
    """Emits :attr:`changed` when anybody committed to the data file."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._counter: ChangeCounter | None = ChangeCounter(path)
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @Slot()
    def check(self) -> bool:
        """Look now; emits and returns True when something changed."""
        if self._counter is None:
            return False
        try:
            changed = self._counter.changed()
        except StoreError as exc:
            log.warning("the data file cannot be watched any more: %s", exc)
            self.stop()
            return False
        if changed:
            self.changed.emit()
        return changed

    def stop(self) -> None:
        self._timer.stop()
        if self._counter is not None:
            self._counter.close()
            self._counter = None


__all__ = ["WATCH_INTERVAL_MS", "StoreWatch"]
