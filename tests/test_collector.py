"""Garbage is collected on the UI thread only (avatar_desktop/qt/collector.py)."""

from __future__ import annotations

import gc
import threading

from avatar_desktop.qt.collector import MainThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_made_on_a_worker_thread_is_collected_on_the_ui_thread(qtbot):
    collections: list[threading.Thread] = []

    def seen(phase: str, _info: dict) -> None:
        if phase == "start":
            collections.append(threading.current_thread())

    gc.enable()  # as a fresh process starts
    collector = MainThreadCollector(interval_ms=20)
    gc.callbacks.append(seen)
    try:
        assert not gc.isenabled()

        def make_garbage() -> None:
            for _ in range(50_000):
                Cycle()

        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        assert collections == []  # the worker filled generation 0 many times over: no collection
        qtbot.waitUntil(lambda: bool(collections), timeout=5000)
        assert set(collections) == {threading.main_thread()}
    finally:
        gc.callbacks.remove(seen)
        collector.stop()
        assert gc.isenabled()
        gc.disable()  # the test session collects on its main thread too (conftest.py)
