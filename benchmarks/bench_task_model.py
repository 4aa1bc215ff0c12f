"""How the task table scales: 100,000 tasks against a 1,000-task baseline measured in the same run.

Run ``python benchmarks/bench_task_model.py``. For each size it builds a task store in a temporary
folder, then measures a model reset, reading the display text of the first 50 visible rows and of
50 rows near the end, and the peak memory (tracemalloc) of building a model and reading those rows.
Figures are printed as ratios of the 100k case to the 1k case: the visible-rows work should be
independent of the list's size (ratio close to 1); only the reset, which loads the row ids, grows
with it. Exits with status 1 when the 100k/1k time ratio of reset plus reading exceeds 20.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from results import report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication

from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.ui.tasks.task_model import TaskTableModel

SIZES = (1_000, 100_000)
VISIBLE_ROWS = 50
REPEATS = 7
MAX_TIME_RATIO = 20.0
SERVICE = "https://api.example.test"


def build_store(path: Path, count: int) -> TaskStore:
    store = TaskStore(path)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    statuses = list(TaskStatus)
    for i in range(count):
        task_id = f"task-{i:08d}"
        payload = {
            "avatar_url": f"https://cdn.example.test/avatars/{i}.png",
            "no_watermark": i % 2 == 0,
            "use_voice": {
                "voice_engine_id": "engine",
                "audio_id": f"audio-{i % 40}",
                "language": "zh",
                "text": f"第 {i} 条视频的台词。",
            },
        }
        store.add_task(task_id, SERVICE, payload, created_at=base + timedelta(seconds=i))
        if i % 10 == 0:
            status = statuses[i % len(statuses)]
            store.update_from_info(task_id, TaskInfo(task_id, status, progress=i % 101))
    return store


def read_rows(model: TaskTableModel, rows: range) -> None:
    for row in rows:
        for column in range(model.columnCount()):
            model.data(model.index(row, column))


def measure(store: TaskStore) -> dict[str, float]:
    model = TaskTableModel(store)
    count = model.rowCount()
    top = range(VISIBLE_ROWS)
    end = range(count - VISIBLE_ROWS - 10, count - 10)
    resets: list[float] = []
    visible: list[float] = []
    totals: list[float] = []
    for _ in range(REPEATS + 1):  # the first round warms caches up and is dropped
        start = time.perf_counter()
        model.reload()
        reset_done = time.perf_counter()
        read_rows(model, top)
        read_rows(model, end)
        done = time.perf_counter()
        resets.append(reset_done - start)
        visible.append(done - reset_done)
        totals.append(done - start)

    del model
    tracemalloc.start()
    model = TaskTableModel(store)
    read_rows(model, top)
    read_rows(model, end)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "reset": min(resets[1:]),
        "visible": min(visible[1:]),
        "total": min(totals[1:]),
        "peak": float(peak),
        "kept": float(current),
    }


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication([])
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-task-model-") as folder:
        for size in SIZES:
            started = time.perf_counter()
            store = build_store(Path(folder) / f"tasks-{size}.sqlite3", size)
            print(f"built a store of {size:,} tasks in {time.perf_counter() - started:.1f} s")
            try:
                results[size] = measure(store)
            finally:
                store.close()
    del app

    small, large = (results[size] for size in SIZES)
    print()
    print(f"{'':34}{'1k':>12}{'100k':>12}{'ratio':>9}")
    rows = [
        ("model reset (ms)", "reset", 1e3),
        (f"read {2 * VISIBLE_ROWS} visible rows (ms)", "visible", 1e3),
        ("reset + read (ms)", "total", 1e3),
        ("peak memory (KiB)", "peak", 1 / 1024),
        ("memory kept by the model (KiB)", "kept", 1 / 1024),
    ]
    for label, key, scale in rows:
        ratio = large[key] / small[key]
        print(f"{label:34}{small[key] * scale:12.2f}{large[key] * scale:12.2f}{ratio:9.2f}")

    visible_ratio = large["visible"] / small["visible"]
    time_ratio = large["total"] / small["total"]
    print()
    print(f"visible-rows work, 100k/1k: {visible_ratio:.2f} (goal: close to 1)")
    print(f"reset + read, 100k/1k: {time_ratio:.2f} (limit {MAX_TIME_RATIO:g})")
    report(
        "task table: visible rows, 100k vs 1k tasks",
        f"reset + read <= {MAX_TIME_RATIO:g}x",
        f"{time_ratio:.2f}x (visible rows {visible_ratio:.2f}x)",
        time_ratio <= MAX_TIME_RATIO,
    )
    if time_ratio > MAX_TIME_RATIO:
        print("FAIL: the table's work grows with the number of tasks", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
