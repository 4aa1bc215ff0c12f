"""Python's cyclic garbage collector, run on the UI thread only.

The collector runs in whichever thread happens to allocate when a generation fills up. When
that is a worker thread (importing ``requests``, parsing an answer) and the garbage holds Qt
objects made on the UI thread — a closed dialog, a slot closure — their C++ side is destroyed
from the wrong thread, and the process can crash. The collector is therefore switched off and
run here, from a timer of the UI thread, as often as it would have run by itself (the same
thresholds). Reference counting, which frees almost everything, is not affected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Switches automatic collection off and collects on a timer of the thread it lives in.
    :meth:`stop` switches automatic collection back on."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    @Slot()
    def collect(self) -> int:
        """Collect the generations that are full, as the automatic collector would; returns
        the number of objects found unreachable."""
        return collect_due()

    def stop(self) -> None:
        self._timer.stop()
        collect_due()
        gc.enable()


def collect_due() -> int:
    """Collect the oldest generation whose count passed its threshold (and the younger ones)."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0


__all__ = ["MainThreadCollector", "collect_due"]
