"""Killing ``avatar-cli queue send`` at random moments loses nothing and sends nothing twice.

The soak itself is ``benchmarks/crash_soak.py`` (real processes, SIGKILL, a slowed sandbox, then
every rule checked); this runs it with a few kills per seed. The benchmark runs 200.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KILLS_PER_SEED = 11
SEEDS = (1, 2)  # 22 kills in all

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="kills processes with SIGKILL, which only POSIX has"
)


def load_soak():
    spec = importlib.util.spec_from_file_location(
        "crash_soak", ROOT / "benchmarks" / "crash_soak.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_sends_lose_nothing_and_send_nothing_twice(tmp_path, seed):
    crash_soak = load_soak()
    report = crash_soak.soak(tmp_path, kills=KILLS_PER_SEED, items=50, seed=seed)
    assert report.problems == [], report.figures()
    assert report.kills == KILLS_PER_SEED
    assert report.items == 50, report.figures()  # one batch was enough: the 50 items
    assert sum(report.states.values()) == report.items
    assert report.duplicates == 0
    # The kills landed mid-work: some sends were interrupted, and they are outcome_unknown.
    assert report.interrupted
    assert report.states["outcome_unknown"] == len(report.interrupted)
    assert report.states["submitted"] > 0
