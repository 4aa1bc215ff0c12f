"""Turns the data file's change counter, and changes to the settings file, into Qt signals.

Writers — this window's workers, another window, an ``avatar-cli`` run — never tell the models
by hand: :class:`StoreWatch` looks at ``PRAGMA data_version`` on a timer (a read of a few bytes
from the database header, cheap enough for every half second) and emits :attr:`changed` after
any commit, so every view shows another process's work within about a second.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import ChangeCounter, StoreError

log = logging.getLogger("avatar_desktop.qt")

WATCH_INTERVAL_MS = 500
SOON_MS = 50
"""How soon :meth:`StoreWatch.check_soon` looks: changes that come in a burst (the answers
of many tasks) are shown by one look, not one each."""
SETTINGS_INTERVAL_MS = 1000


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
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(SOON_MS)
        self._soon.timeout.connect(self.check)

    @Slot()
    def check_soon(self) -> None:
        """Look within :data:`SOON_MS` (this window just wrote something to show): one look
        for all that is written meanwhile."""
        if self._counter is not None and not self._soon.isActive():
            self._soon.start()

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
        self._soon.stop()
        if self._counter is not None:
            self._counter.close()
            self._counter = None


class SettingsWatch(QObject):
    """Emits :attr:`changed` when another program (``avatar-cli config set``, a second
    window) changed a value in the settings file: :meth:`AppSettings.reload` looks at the
    file's size and time every second and reads it only when they changed."""

    changed = Signal()

    def __init__(self, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._timer = QTimer(self)
        self._timer.setInterval(SETTINGS_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @Slot()
    def check(self) -> bool:
        """Look now; emits and returns True when a value changed."""
        if self._settings.reload():
            self.changed.emit()
            return True
        return False

    def stop(self) -> None:
        self._timer.stop()


__all__ = ["SETTINGS_INTERVAL_MS", "WATCH_INTERVAL_MS", "SettingsWatch", "StoreWatch"]
