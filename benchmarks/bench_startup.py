"""Start-up time of the app, as a ratio against a bare Qt window started in the same run.

    python benchmarks/bench_startup.py [runs]

Baseline: a Python process that creates a QApplication, shows an empty QMainWindow and waits
for its first paint. Measured: ``python -m avatar_desktop --smoke-test`` (the whole app: settings,
translations, store, workers, main window, first paint), with an empty data folder and with one
holding 100,000 tasks. They run offscreen, alternately, several times; the medians are
compared, and each process's peak memory (``wait4``) is kept. Goals (issue 15): the app at most
1.5x a bare window, peak at most 80 MB; 100,000 tasks at most 1.1x an empty store. Exits
non-zero when one is missed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import report

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
PEAK_GOAL_MB = 80.0
BIG_GOAL = 1.1
BIG = 100_000

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False
painted = FirstPaint()
window.installEventFilter(painted)
window.show()
app.exec()
"""


PYCACHE = tempfile.mkdtemp(prefix="bench-startup-pycache-")
"""Compiled modules are cached (in a folder of their own) as on a user's machine, where pip
compiles them at install: a shell with PYTHONDONTWRITEBYTECODE set would otherwise compile
the app's modules, and not the bare window's, at every run. A warm-up run fills the cache."""


def timed(command: list[str], data: str | None = None) -> tuple[float, float]:
    """Seconds and peak MB of one start (a fresh data folder unless ``data`` is given)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=PYCACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    with tempfile.TemporaryDirectory() as fresh:
        env["AVATAR_DESKTOP_DATA_DIR"] = data or fresh
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{command} failed")
        return elapsed, usage.ru_maxrss / 1024


def big_folder(folder: Path) -> None:
    """A data folder whose task list holds :data:`BIG` tasks."""
    from bench_task_query import SIZE, build

    assert SIZE == BIG
    build(folder / "tasks.sqlite3").close()


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app_command = [sys.executable, "-m", "avatar_desktop", "--smoke-test"]
    bare, app, full = [], [], []
    with tempfile.TemporaryDirectory() as big, tempfile.TemporaryDirectory() as empty:
        big_folder(Path(big))
        timed(app_command, big)  # warm-up: the bytecode cache, the big folder's first start
        timed(app_command, empty)
        for _ in range(runs):
            bare.append(timed([sys.executable, "-c", BARE]))
            app.append(timed(app_command, empty))
            full.append(timed(app_command, big))
    median = {
        name: statistics.median(t for t, _mb in values)
        for name, values in (("bare", bare), ("app", app), ("big", full))
    }
    peak = {
        name: max(mb for _t, mb in values)
        for name, values in (("bare", bare), ("app", app), ("big", full))
    }
    ratio = median["app"] / median["bare"]
    big_ratio = median["big"] / median["app"]
    print(f"bare Qt window:  median {median['bare'] * 1000:.0f} ms, peak {peak['bare']:.0f} MB")
    print(f"Avatar Desktop:  median {median['app'] * 1000:.0f} ms, peak {peak['app']:.0f} MB")
    print(f"  with {BIG:,} tasks: median {median['big'] * 1000:.0f} ms, peak {peak['big']:.0f} MB")
    print(f"ratio app / bare window: {ratio:.2f} (goal <= {GOAL})")
    report(
        "start-up to first paint vs a bare Qt window",
        f"<= {GOAL}x",
        f"{ratio:.2f}x ({median['app']:.2f} s vs {median['bare']:.2f} s)",
        ratio <= GOAL,
    )
    report(
        "peak memory at start-up",
        f"<= {PEAK_GOAL_MB:g} MB",
        f"{peak['app']:.0f} MB (bare window {peak['bare']:.0f} MB)",
        peak["app"] <= PEAK_GOAL_MB,
    )
    report(
        f"start-up with {BIG:,} tasks vs an empty store",
        f"<= {BIG_GOAL}x",
        f"{big_ratio:.2f}x (+{peak['big'] - peak['app']:.1f} MB)",
        big_ratio <= BIG_GOAL,
    )
    met = ratio <= GOAL and peak["app"] <= PEAK_GOAL_MB and big_ratio <= BIG_GOAL
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
