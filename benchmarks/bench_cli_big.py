"""``avatar-cli`` with a big history: ``queue list --json`` of 100,000 items and ``queue import``
of a 100,000-row CSV, time and peak memory, against baselines measured in the same run.

    python benchmarks/bench_cli_big.py [--rows 100000]

Each command runs as a real process on a fresh data folder; its peak memory is the process's
own (``wait4``'s ``ru_maxrss``). Baselines, in the same run: a Python process that streams the
same outbox rows out of SQLite as JSON (``list``), and one that reads the CSV with
``csv.DictReader`` and inserts its rows into SQLite in one transaction (``import``). Goals
(issue 15): ``queue list --json`` at most 2 s and 100 MB, ``queue import`` at most 3 s and
150 MB; exits 1 when one is missed. POSIX only (``wait4``).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {"list": (2.0, 100.0), "import": (3.0, 150.0)}
"""(seconds, MB) per command."""

LIST_BASELINE = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
out = sys.stdout
out.write("[")
for n, row in enumerate(conn.execute("SELECT * FROM outbox ORDER BY item_id")):
    out.write(("," if n else "") + json.dumps(list(row), ensure_ascii=False))
out.write("]")
"""

IMPORT_BASELINE = """
import csv, json, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE jobs (body TEXT)")
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle, conn:
    conn.executemany("INSERT INTO jobs VALUES (?)",
                     ((json.dumps(row),) for row in csv.DictReader(handle)))
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MB of one process (its output thrown away)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024  # KB on Linux


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["avatar_url", "audio_url", "mode", "voice_engine_id", "audio_id", "language", "text"]
        )
        for n in range(rows):
            avatar = f"https://cdn.example.com/avatars/{n}.png"
            if n % 2:
                writer.writerow([avatar, f"https://cdn.example.com/a/{n}.mp3", "", "", "", "", ""])
            else:
                text = f"第 {n} 段文字，示例。"
                writer.writerow([avatar, "", "use_voice", "engine-1", "voice-7", "zh", text])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    cli = [sys.executable, "-m", "avatar_desktop.cli"]
    service = "http://127.0.0.1:9"
    results: dict[str, tuple[float, float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = folder / "jobs.csv"
        write_csv(jobs, rows)
        env = dict(os.environ, AVATAR_DESKTOP_DATA_DIR=str(folder / "data"))
        env.pop("AVATAR_API_TOKEN", None)
        # The import: avatar-cli against its baseline.
        command = [*cli, "--service", service, "queue", "import", str(jobs)]
        app = measured(command, env)
        baseline = [sys.executable, "-c", IMPORT_BASELINE, str(jobs), str(folder / "b.db")]
        base = measured(baseline, env)
        results["import"] = (*app, *base)
        # The list of what was imported.
        app = measured([*cli, "queue", "list", "--json"], env)
        database = folder / "data" / "tasks.sqlite3"
        base = measured([sys.executable, "-c", LIST_BASELINE, str(database)], env)
        results["list"] = (*app, *base)
    ok = True
    print(f"avatar-cli with {rows:,} rows (baselines in the same run)")
    print(f"{'command':<22}{'time':>9}{'vs base':>9}{'peak MB':>9}{'vs base':>9}  goal")
    names = {"import": "queue import (CSV)", "list": "queue list --json"}
    for key, (seconds, mb, base_s, base_mb) in results.items():
        goal_s, goal_mb = GOALS[key]
        met = seconds <= goal_s and mb <= goal_mb
        ok = ok and met
        print(
            f"{names[key]:<22}{seconds:>8.2f}s{seconds / base_s:>8.1f}x{mb:>9.0f}"
            f"{mb / base_mb:>8.1f}x  <= {goal_s:g} s, <= {goal_mb:g} MB: "
            f"{'pass' if met else 'FAIL'}"
        )
        report(
            f"avatar-cli {names[key]}, {rows:,} rows",
            f"<= {goal_s:g} s, <= {goal_mb:g} MB",
            f"{seconds:.2f} s ({seconds / base_s:.1f}x base), {mb:.0f} MB ({mb / base_mb:.1f}x)",
            met,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
