"""Start-up of the built bundle against the virtual environment's, side by side in one run.

    python benchmarks/bench_bundle_startup.py [runs]

Build the bundle first (``python packaging/build.py``). Each run starts ``avatar-desktop
--smoke-test`` (first paint of the main window, then exit) from ``dist/avatar-desktop`` and
from the virtual environment (``python -m avatar_desktop``), alternately, offscreen, each with
a data folder that has started once before (as a user's does); the medians are compared, and
the folder's, the archive's and the .deb's sizes printed. Goals (issue 14): the bundle starts
in at most 1.2x the virtual environment's time; the archive is at most 80 MB. Exits non-zero
when a goal is missed.
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
FOLDER = ROOT / "dist" / "avatar-desktop"
TIME_GOAL = 1.2
ARCHIVE_GOAL_MB = 80.0


def timed(command: list[str], data: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AVATAR_DESKTOP_DATA_DIR=str(data))
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def size_mb(path: Path) -> float:
    if path.is_dir():
        files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        return sum(p.lstat().st_size for p in files) / 1_000_000
    return path.stat().st_size / 1_000_000


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    if not (FOLDER / "avatar-desktop").exists():
        print("build the bundle first: python packaging/build.py", file=sys.stderr)
        report(
            "bundle start-up vs the virtual environment",
            f"<= {TIME_GOAL}x",
            "not measured: no bundle (python packaging/build.py)",
            False,
        )
        return 2
    commands = {
        "bundle": [str(FOLDER / "avatar-desktop"), "--smoke-test"],
        "venv": [sys.executable, "-m", "avatar_desktop", "--smoke-test"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {name: Path(tmp) / name for name in commands}
        for name, command in commands.items():
            timed(command, folders[name])  # the first start makes the data folder
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(timed(command, folders[name]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["bundle"] / medians["venv"]
    print(f"start-up to first paint, median of {runs}:")
    print(f"  virtual environment  {medians['venv']:.3f} s")
    print(f"  bundle               {medians['bundle']:.3f} s   {ratio:.2f}x (goal <= {TIME_GOAL}x)")
    archives = sorted((ROOT / "dist").glob("avatar-desktop-*.tar.gz"))
    debs = sorted((ROOT / "dist").glob("avatar-desktop_*.deb"))
    print("sizes:")
    print(f"  folder   {size_mb(FOLDER):.1f} MB")
    archive_ok = True
    for path in archives:
        archive_ok = size_mb(path) <= ARCHIVE_GOAL_MB
        print(f"  {path.name}   {size_mb(path):.1f} MB (goal <= {ARCHIVE_GOAL_MB:g} MB)")
    for path in debs:
        print(f"  {path.name}   {size_mb(path):.1f} MB")
    report(
        "bundle start-up vs the virtual environment",
        f"<= {TIME_GOAL}x",
        f"{ratio:.2f}x ({medians['bundle']:.2f} s vs {medians['venv']:.2f} s)",
        ratio <= TIME_GOAL,
    )
    for path in archives:
        report(
            "bundle archive size",
            f"<= {ARCHIVE_GOAL_MB:g} MB",
            f"{size_mb(path):.1f} MB",
            size_mb(path) <= ARCHIVE_GOAL_MB,
        )
    return 0 if ratio <= TIME_GOAL and archive_ok else 1


if __name__ == "__main__":
    sys.exit(main())
