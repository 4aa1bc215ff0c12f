"""Run every benchmark and print one table: figure, goal, measured, pass or fail.

    python benchmarks/run_all.py            # all of them (several minutes)
    python benchmarks/run_all.py startup    # those whose file name contains a word

Each benchmark is a script of its own (``python benchmarks/bench_*.py`` runs one alone, with
its details); this runs each in a process of its own and gathers the ``RESULT`` lines they
print (:mod:`results`). Machines here are shared and noisy: every time is a ratio against a
baseline measured in the same run, or a count, or a size. Not part of the test suite. Exits 1
when a goal is missed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = (
    "bench_startup.py",
    "bench_heartbeat.py",
    "bench_outbox_throughput.py",
    "bench_task_query.py",
    "bench_task_model.py",
    "bench_import.py",
    "bench_cli_big.py",
    "bench_bundle_startup.py",
)


def main(argv: list[str]) -> int:
    wanted = [name for name in ORDER if not argv or any(word in name for word in argv)]
    rows: list[dict[str, object]] = []
    for name in wanted:
        print(f"running {name}…", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(HERE / name)], capture_output=True, text=True, timeout=3600
        )
        found = [
            json.loads(line.removeprefix("RESULT "))
            for line in done.stdout.splitlines()
            if line.startswith("RESULT ")
        ]
        if not found:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            found = [{"figure": name, "goal": "", "measured": " / ".join(tail), "ok": False}]
        for row in found:
            row["bench"] = name
        rows.extend(found)
        print(f"  {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    widths = [max(len(str(row[key])) for row in rows) for key in ("figure", "goal", "measured")]
    head = ("figure", "goal", "measured")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " | result")
    print("-|-".join("-" * w for w in widths) + "-|-------")
    for row in rows:
        cells = (str(row["figure"]), str(row["goal"]), str(row["measured"]))
        result = "pass" if row["ok"] else "FAIL"
        print(" | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + f" | {result}")
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
