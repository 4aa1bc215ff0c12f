"""Does the window ever stutter? A 5 ms heartbeat while 500 jobs go out and are followed to the
end against a sandbox answering in 200 ms.

    python benchmarks/bench_heartbeat.py [--jobs 500] [--latency 0.2] [--stalls] [--calls]

The real main window runs offscreen, its task table and outbox visible and updating. A sandbox in
a process of its own (so it never competes with the window for Python's lock) delays every
answer by ``--latency``. ``--jobs`` jobs are queued and sent by the window's outbox (two at a
time, the default), and every task is followed until it is final. Meanwhile a 5 ms timer on
the UI thread records how late each beat fires; the baseline, in the same run, is the same
heartbeat in the same window with nothing to do for a few seconds. Goals (issue 15): p99 at most
16 ms late, none over 50 ms. Exits 1 when missed.

To find what makes the window late: ``--stalls`` prints where the UI thread's Python stack stood
whenever a beat was overdue (a frame in ``wait`` alone: Qt's own painting and layout, or
waiting for Python's lock), ``--calls`` the costliest calls Qt made into Python.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from results import report
from slow_sandbox import slow_sandbox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BEAT_MS = 5
P99_GOAL_MS = 16.0
MAX_GOAL_MS = 50.0


class Heartbeat:
    """A 5 ms timer on the UI thread recording how late each beat fires."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.late_ms: list[float] = []
        self.last_beat = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self.last_beat) * 1000 - BEAT_MS))
        self.last_beat = now

    def start(self) -> None:
        self.late_ms.clear()
        self.last_beat = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return list(self.late_ms)


class StallWatch:
    """With ``--stalls``: a thread that looks at the UI thread's Python stack whenever a beat
    is more than ``after_ms`` overdue, and counts where it stands (what holds the window)."""

    def __init__(self, heartbeat: Heartbeat, after_ms: float = 25.0) -> None:
        import collections
        import threading

        self.heartbeat = heartbeat
        self.after = after_ms / 1000
        self.seen: collections.Counter[str] = collections.Counter()
        self._ui = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import traceback

        while not self._stop.wait(0.004):
            if time.perf_counter() - self.heartbeat.last_beat < self.after:
                continue
            frame = sys._current_frames().get(self._ui)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)[-8:]
            self.seen[" < ".join(f"{f.name}:{f.lineno}" for f in reversed(stack))] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        print("where the UI thread stood when a beat was late (samples every 4 ms):")
        for where, count in self.seen.most_common(25):
            print(f"{count:6d}  {where}")


def trace_callbacks() -> None:
    """With ``--calls``: time every call Qt makes into Python on the UI thread, and the calls
    those make, and print the costliest at exit (the profile slows the window: its figures
    are for finding the cause, not for the goal)."""
    import atexit

    spent_in: dict[str, list[float]] = {}
    started: dict[int, float] = {}

    def depth(frame) -> int:  # 1: called by Qt, 2: called by such a call, 0: deeper
        back = frame.f_back
        if back is None:
            return 0
        if back.f_code.co_name == "wait":
            return 1
        return 2 if back.f_back is not None and back.f_back.f_code.co_name == "wait" else 0

    def profile(frame, event, _arg) -> None:
        if event not in ("call", "return") or not (level := depth(frame)):
            return
        if event == "call":
            started[id(frame)] = time.perf_counter()
        elif id(frame) in started:
            spent = (time.perf_counter() - started.pop(id(frame))) * 1000
            where = f"{frame.f_code.co_qualname} ({Path(frame.f_code.co_filename).name})"
            if level == 2:
                where = f"{frame.f_back.f_code.co_qualname} > {where}"
            spent_in.setdefault(where, []).append(spent)

    def show() -> None:
        print("the costliest calls on the UI thread (ms):")
        for where, spent in sorted(spent_in.items(), key=lambda kv: -sum(kv[1]))[:25]:
            late = sum(1 for s in spent if s > P99_GOAL_MS)
            print(
                f"{len(spent):7d} calls {sum(spent):7.0f} total {max(spent):6.1f} max "
                f"{late:4d} over {P99_GOAL_MS:g}  {where}"
            )

    atexit.register(show)
    sys.setprofile(profile)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument(
        "--stalls", action="store_true", help="print where the UI thread was when beats were late"
    )
    parser.add_argument(
        "--calls", action="store_true", help="print the costliest calls on the UI thread"
    )
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from avatar_desktop.core.request import AudioTrack, GenerationRequest
    from avatar_desktop.core.sandbox_home import SandboxPlace
    from avatar_desktop.core.settings import AppSettings, ServiceChoice
    from avatar_desktop.core.store.database import Database
    from avatar_desktop.core.store.drafts import Drafts
    from avatar_desktop.core.store.outbox import ItemState, NewItem, Outbox
    from avatar_desktop.core.store.tasks import TaskStore
    from avatar_desktop.core.vault import ENV_VAR, TokenVault
    from avatar_desktop.ui.i18n import Translators
    from avatar_desktop.ui.main_window import MainWindow
    from avatar_desktop.ui.services import build_services

    stack = contextlib.ExitStack()
    url = stack.enter_context(slow_sandbox(args.latency, ("submit", "task"), 0.5))
    app = QApplication.instance() or QApplication([sys.argv[0]])

    def wait(condition, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if condition() else None)
        timer.start(50)
        while not condition() and time.monotonic() < deadline:
            QTimer.singleShot(200, loop.quit)
            loop.exec()
        timer.stop()
        return bool(condition())

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        database = Database(data / "tasks.sqlite3")
        store, outbox = TaskStore(database), Outbox(database)
        settings = AppSettings(data / "settings.ini")
        settings.service = ServiceChoice.CUSTOM
        settings.custom_url = url
        vault = TokenVault(environ={ENV_VAR: "sk-heartbeat-benchmark-token"})
        services = build_services(
            store=store,
            outbox=outbox,
            vault=vault,
            settings=settings,
            sandbox_place=lambda: SandboxPlace.at(url),
            data_dir=data,
            resolve_link=lambda link: link,
        )
        window = MainWindow(
            services=services,
            store=store,
            outbox=outbox,
            drafts=Drafts(database),
            settings=settings,
            translators=Translators(),
            sandbox_place=lambda: SandboxPlace.at(url),
            data_dir=data,
        )
        runner = window.outbox_runner
        runner.confirmation_needed.disconnect()  # the benchmark says yes to "send N jobs?"
        runner.confirmation_needed.connect(lambda _count: runner.confirm())
        window.resize(1400, 900)
        window.show()
        wait(lambda: window.token_controller.loaded, 20)

        if args.calls:
            trace_callbacks()
        heartbeat = Heartbeat()
        heartbeat.start()
        wait(lambda: False, 3.0)  # the baseline: the same window, idle
        idle = heartbeat.stop()

        requests = [
            NewItem(
                GenerationRequest(
                    f"https://cdn.example.com/avatars/{n}.png",
                    AudioTrack(f"https://cdn.example.com/audio/{n}.mp3"),
                )
            )
            for n in range(args.jobs)
        ]
        heartbeat.start()
        stalls = StallWatch(heartbeat) if args.stalls else None
        started = time.monotonic()
        outbox.add_many(url, requests)
        runner.tick()

        def all_final() -> bool:
            counts = outbox.counts(url)
            if counts[ItemState.SUBMITTED] < args.jobs:
                return False
            unfinished = ["NOT_START", "QUEUED", "IN_PROGRESS", "UNKNOWN"]
            return not store.query_ids(statuses=unfinished)

        done = wait(all_final, 900)
        busy = heartbeat.stop()
        if stalls is not None:
            stalls.stop()
        elapsed = time.monotonic() - started
        window.close()
        database.close()
    stack.close()
    del app

    late_busy, late_idle = p99(busy), p99(idle)
    worst = max(busy)
    over = sum(1 for value in busy if value > MAX_GOAL_MS)
    print(f"{args.jobs} jobs sent and followed to the end in {elapsed:.0f} s: {done}")
    print(f"idle window: {len(idle)} beats, p99 {late_idle:.1f} ms late, max {max(idle):.1f}")
    print(
        f"busy window: {len(busy)} beats, p99 {late_busy:.1f} ms, max {worst:.1f} ms, "
        f"{over} over {MAX_GOAL_MS:g} ms, median {statistics.median(busy):.2f} ms"
    )
    ok = done and late_busy <= P99_GOAL_MS and worst <= MAX_GOAL_MS
    report(
        f"UI lateness (5 ms heartbeat), {args.jobs} jobs sent and followed",
        f"p99 <= {P99_GOAL_MS:g} ms, max <= {MAX_GOAL_MS:g} ms",
        f"p99 {late_busy:.1f} ms, max {worst:.1f} ms, {over} over {MAX_GOAL_MS:g} "
        f"(idle p99 {late_idle:.1f} ms)" + ("" if done else "; did not finish"),
        ok,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
