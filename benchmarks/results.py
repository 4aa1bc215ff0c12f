"""What a benchmark reports to ``benchmarks/run_all.py``: one ``RESULT`` line per figure."""

from __future__ import annotations

import json


def report(figure: str, goal: str, measured: str, ok: bool) -> None:
    """Print a figure for the table of ``run_all.py`` (and for a reader of the output)."""
    line = {"figure": figure, "goal": goal, "measured": measured, "ok": ok}
    print("RESULT " + json.dumps(line, ensure_ascii=False), flush=True)
