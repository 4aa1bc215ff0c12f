"""Start-up time of the app, as a ratio against a bare Qt window started in the same run.

    python benchmarks/bench_startup.py [runs]

Baseline: a Python process that creates a QApplication, shows an empty QMainWindow and waits
for its first paint. Measured: ``python -m avatar_desktop --smoke-test`` (the whole app: settings,
translations, store, workers, main window, first paint). Both run offscreen with a fresh data
folder, alternately, several times; the medians are compared. Goal: the app costs at most 4x
a bare window; exits non-zero above that.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 4.0

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


def timed(command: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=PYCACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    with tempfile.TemporaryDirectory() as data:
        env["AVATAR_DESKTOP_DATA_DIR"] = data
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    bare, app = [], []
    timed([sys.executable, "-m", "avatar_desktop", "--smoke-test"])  # warm-up: the cache
    for _ in range(runs):
        bare.append(timed([sys.executable, "-c", BARE]))
        app.append(timed([sys.executable, "-m", "avatar_desktop", "--smoke-test"]))
    ratio = statistics.median(app) / statistics.median(bare)
    print(f"bare Qt window:  median {statistics.median(bare) * 1000:.0f} ms over {runs} runs")
    print(f"Avatar Desktop:  median {statistics.median(app) * 1000:.0f} ms over {runs} runs")
    print(f"ratio app / bare window: {ratio:.2f} (goal <= {GOAL})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
