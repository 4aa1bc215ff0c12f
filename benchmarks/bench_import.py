"""How fast a batch import is: 10,000 CSV rows against a plain ``csv.reader`` baseline.

Run ``python benchmarks/bench_import.py``. It writes a 10,000-row CSV file (the three voice modes,
Chinese text, quoted newlines, a UTF-8 byte-order mark) to a temporary folder, then times
:func:`avatar_desktop.core.importer.read_file` against reading and decoding the same file and
running a bare ``csv.reader`` over it, measured in the same run. It prints both times and their
ratio, which is what the importer's checks and validation cost on top of parsing; the JSON Lines
form of the same rows is timed against ``json.loads`` per line the same way. Exits with status 1
when the import takes longer than :data:`MAX_SECONDS` or the CSV ratio exceeds
:data:`MAX_RATIO`.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from results import report

from avatar_desktop.core.importer import CSV_COLUMNS, read_file

ROWS = 10_000
REPEATS = 5
MAX_SECONDS = 5.0
MAX_RATIO = 100.0
AVATAR = "https://cdn.example.com/avatars/host.png"
AUDIO = "https://cdn.example.com/audio/track.mp3"


def rows() -> list[dict[str, str]]:
    out = []
    for i in range(ROWS):
        row = {"avatar_url": f"{AVATAR}?v={i}", "no_watermark": ("yes", "0", "")[i % 3]}
        if i % 3 == 0:
            row["audio_url"] = AUDIO
        elif i % 3 == 1:
            row |= {"audio_url": AUDIO, "language": "zh", "text": f"第 {i} 条视频的台词。\n第二行"}
        else:
            row |= {
                "voice_engine_id": "engine-7",
                "audio_id": f"audio-{i % 40}",
                "language": "en",
                "text": f"Line {i}, spoken with a ready-made voice.",
            }
        out.append(row)
    return out


def write_csv(path: Path) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows())
    path.write_text(out.getvalue(), encoding="utf-8-sig", newline="")


def write_jsonl(path: Path) -> None:
    lines = []
    for row in rows():
        body: dict[str, object] = {"avatar_url": row["avatar_url"], "no_watermark": False}
        if "voice_engine_id" in row:
            keys = ("voice_engine_id", "audio_id", "language", "text")
            body["use_voice"] = {k: row[k] for k in keys}
        elif "text" in row:
            body["create_voice"] = {k: row[k] for k in ("audio_url", "language", "text")}
        else:
            body["audio_url"] = row["audio_url"]
        lines.append(json.dumps(body, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def csv_baseline(path: Path) -> int:
    text = path.read_bytes().decode("utf-8-sig")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1


def jsonl_baseline(path: Path) -> int:
    text = path.read_bytes().decode("utf-8")
    return sum(1 for line in text.splitlines() if line.strip() and json.loads(line))


def import_rows(path: Path) -> int:
    report = read_file(path)
    if report.file_problem is not None or report.invalid:
        raise SystemExit(f"the benchmark file does not import cleanly: {report.problem_lines()}")
    return len(report.valid)


def best_time(function: Callable[[Path], int], path: Path) -> tuple[float, float]:
    """The best and the median of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        count = function(path)
        times.append(time.perf_counter() - start)
        assert count == ROWS, count
    return min(times), statistics.median(times)


def main() -> int:
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            ("CSV", Path(folder) / "jobs.csv", write_csv, csv_baseline, "csv.reader"),
            ("JSON Lines", Path(folder) / "jobs.jsonl", write_jsonl, jsonl_baseline, "json.loads"),
        ]
        for name, path, write, baseline, baseline_name in cases:
            write(path)
            base, base_median = best_time(baseline, path)
            imported, imported_median = best_time(import_rows, path)
            ratio = imported / base
            size = path.stat().st_size / 1e6
            print(f"{name}: {ROWS:,} rows, {size:.1f} MB")
            label = f"baseline ({baseline_name}):"
            print(f"  {label:<23} {base * 1000:8.1f} ms (median {base_median * 1000:.1f})")
            print(
                f"  read_file:              {imported * 1000:8.1f} ms "
                f"(median {imported_median * 1000:.1f})"
            )
            print(f"  ratio:                  {ratio:8.1f}x")
            report(
                f"read {ROWS:,} {name} rows (validated) vs {baseline_name}",
                f"<= {MAX_SECONDS:g} s" + (f", <= {MAX_RATIO:g}x" if name == "CSV" else ""),
                f"{imported:.2f} s ({ratio:.1f}x)",
                imported <= MAX_SECONDS and (name != "CSV" or ratio <= MAX_RATIO),
            )
            if imported > MAX_SECONDS:
                print(f"  FAIL: slower than {MAX_SECONDS} s")
                failed = True
            if name == "CSV" and ratio > MAX_RATIO:
                print(f"  FAIL: more than {MAX_RATIO}x the baseline")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
