"""Crash soak: ``avatar-cli queue send`` killed with SIGKILL at random moments loses nothing and
never sends a job twice.

    python benchmarks/crash_soak.py [--kills 200] [--items 50] [--seed 1]

A real sandbox runs in this process, each submission slowed by 0.05 to 0.2 s. Items are queued
``--items`` at a time (a new batch when the queue runs dry). Each run is a real
``avatar-cli --service URL queue send --wait --yes`` process (1 or 2 at a time, at random); once
1 to 3 more requests have reached the sandbox — so the kill lands mid-work — it gets SIGKILL. The
next run recovers what the killed one left ``sending`` (``outcome_unknown``). After the last
kill, runs go on until nothing waits. Then every rule is checked:

* the data file passes ``PRAGMA integrity_check``;
* every item is in one valid final state (``submitted`` or ``outcome_unknown``), none is lost;
* the sandbox never received one body twice, and every body it received is an item's;
* every ``submitted`` item has a task id the sandbox issued, and a task row;
* exactly the items a killed run left ``sending`` became ``outcome_unknown``, and no item was
  claimed twice.

Prints the figures; exits 1 when a rule is broken. ``tests/test_crash_safety.py`` runs the same
soak with fewer kills. POSIX and Windows (``Popen.kill``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import INTERRUPTED_REASON, ItemState, NewItem, Outbox
from avatar_desktop.core.store.schema import canonical_json
from avatar_desktop.sandbox import Fault, SandboxServer

ROOT = Path(__file__).resolve().parent.parent
AVATAR = "https://example.com/avatar.png"
FINAL = {ItemState.SUBMITTED.value, ItemState.OUTCOME_UNKNOWN.value}
WAITING = [ItemState.QUEUED, ItemState.SENDING, ItemState.RETRY_WAIT]
KILLED = 1 if os.name == "nt" else -9
"""The exit status of a process ended by ``Popen.kill`` (SIGKILL; TerminateProcess on Windows)."""


@dataclass
class SoakReport:
    """What a soak did and found; ``problems`` is empty when every rule held."""

    seed: int
    kills: int = 0
    runs: int = 0
    items: int = 0
    requests: int = 0
    duplicates: int = 0
    states: Counter[str] = field(default_factory=Counter)
    interrupted: set[int] = field(default_factory=set)
    """Items a killed run left ``sending``."""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> str:
        per_kill = self.seconds / self.kills if self.kills else 0.0
        return "\n".join(
            [
                f"seed {self.seed}: {self.kills} kills in {self.runs} runs, {self.seconds:.1f} s "
                f"({per_kill * 1000:.0f} ms a kill)",
                f"items {self.items}: "
                + ", ".join(f"{k} {v}" for k, v in sorted(self.states.items())),
                f"left sending by a killed run: {len(self.interrupted)}",
                f"requests to the sandbox: {self.requests}, bodies received twice: "
                f"{self.duplicates}",
                f"problems: {len(self.problems)}",
                *(f"  - {problem}" for problem in self.problems[:20]),
            ]
        )


def cli_command() -> list[str]:
    """The installed console script, else the module."""
    name = "avatar-cli.exe" if os.name == "nt" else "avatar-cli"
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", "avatar_desktop.cli"]


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AVATAR_API_TOKEN", None)
    env["AVATAR_DESKTOP_DATA_DIR"] = str(data)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _submits(sandbox: SandboxServer) -> list[bytes]:
    return [r.body for r in sandbox.requests if r.path == "/avatar/generation"]


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        pause.wait(0.002)
    return True


def soak(
    workdir: Path,
    *,
    kills: int,
    items: int = 50,
    seed: int = 1,
    progress=None,
) -> SoakReport:
    """Run the soak in ``workdir`` (its data folder is ``workdir/data``)."""
    rng = random.Random(seed)
    report = SoakReport(seed=seed)
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    env = _env(data)
    started = time.monotonic()
    with SandboxServer(step_seconds=0) as sandbox, Database(data / "tasks.sqlite3") as db:
        url = sandbox.base_url
        outbox = Outbox(db)
        base = [*cli_command(), "--service", url, "queue", "send", "--wait", "--yes"]

        def add_batch() -> None:
            start = report.items
            batch = [
                GenerationRequest(AVATAR, AudioTrack(f"https://example.com/soak-{seed}-{n}.mp3"))
                for n in range(start, start + items)
            ]
            for _ in batch:  # each body is sent at most once: one slow answer for each
                sandbox.inject("submit", Fault.slow(rng.uniform(0.05, 0.2)), times=1)
            outbox.add_many(url, [NewItem(request) for request in batch])
            report.items += len(batch)

        def start_run() -> subprocess.Popen[bytes]:
            report.runs += 1
            return subprocess.Popen(
                [*base, "--concurrency", str(rng.choice((1, 2)))],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )

        def finished(proc: subprocess.Popen[bytes], err: bytes) -> None:
            if proc.returncode not in (0, 3):
                text = err.decode("utf-8", "replace").strip().splitlines()[-3:]
                report.problems.append(f"a run ended with exit {proc.returncode}: {text}")

        add_batch()
        while report.kills < kills:
            if outbox.counts(url)[ItemState.QUEUED] == 0:
                add_batch()
            target = len(_submits(sandbox)) + rng.randint(1, 3)
            proc = start_run()
            reached = _wait_for(
                lambda proc=proc, target=target: (
                    len(_submits(sandbox)) >= target or proc.poll() is not None
                ),
                60,
            )
            if proc.poll() is None:
                if not reached:
                    report.problems.append("a run sent nothing for 60 s")
                proc.kill()  # SIGKILL on POSIX
                _out, err = proc.communicate()
                if proc.returncode != KILLED:  # it had just finished on its own
                    finished(proc, err)
                    continue
                report.kills += 1
                # The killed run's claims are the only items "sending" now.
                claimed = outbox.items(url, [ItemState.SENDING])
                report.interrupted.update(item.item_id for item in claimed)
                if progress is not None:
                    progress(report)
            else:
                _out, err = proc.communicate()
                finished(proc, err)

        for _ in range(5):  # the last runs, left to finish
            if not any(outbox.counts(url)[state] for state in WAITING):
                break
            proc = start_run()
            try:
                _out, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                _out, err = proc.communicate()
                report.problems.append("the last run did not finish in 300 s")
            finished(proc, err)
        report.seconds = time.monotonic() - started
        _check(report, outbox, sandbox, data / "tasks.sqlite3")
    return report


def _check(report: SoakReport, outbox: Outbox, sandbox: SandboxServer, path: Path) -> None:
    problems = report.problems
    raw = sqlite3.connect(path)
    try:
        integrity = raw.execute("PRAGMA integrity_check").fetchall()
        states = dict(raw.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
        task_rows = {
            task_id: service
            for task_id, service in raw.execute("SELECT task_id, service_url FROM tasks")
        }
    finally:
        raw.close()
    if integrity != [("ok",)]:
        problems.append(f"integrity_check: {integrity[:5]}")
    report.states = Counter(states)
    if set(states) - FINAL:
        problems.append(f"items not in a final state: {states}")
    if sum(states.values()) != report.items:
        problems.append(f"{report.items} items queued but {sum(states.values())} in the file")

    bodies = [canonical_json(json.loads(body)) for body in _submits(sandbox)]
    report.requests = len(bodies)
    received = Counter(bodies)
    report.duplicates = sum(count - 1 for count in received.values())
    if report.duplicates:
        problems.append(f"{report.duplicates} body/bodies received more than once")

    items = outbox.items()
    payloads = {canonical_json(item.payload) for item in items}
    if set(received) - payloads:
        problems.append("the sandbox received a body that is no item's")
    issued = sandbox.tasks
    for item in items:
        body = canonical_json(item.payload)
        if item.attempts > 1:
            problems.append(f"item {item.item_id} was claimed {item.attempts} times")
        if item.state is ItemState.SUBMITTED:
            if item.task_id not in issued:
                problems.append(f"item {item.item_id}: task {item.task_id} was not issued")
            if task_rows.get(item.task_id) != item.service_url:
                problems.append(f"item {item.item_id}: task {item.task_id} has no task row")
            if received[body] != 1:
                problems.append(f"item {item.item_id} was received {received[body]} times")
        elif item.state is ItemState.OUTCOME_UNKNOWN:
            if item.item_id not in report.interrupted:
                problems.append(f"item {item.item_id} is outcome_unknown but was not interrupted")
            if item.reason != INTERRUPTED_REASON:
                problems.append(f"item {item.item_id}: unexpected reason {item.reason!r}")
        if item.item_id in report.interrupted and item.state is not ItemState.OUTCOME_UNKNOWN:
            problems.append(
                f"item {item.item_id} was left sending by a killed run but is {item.state}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs to deliver (200)")
    parser.add_argument("--items", type=int, default=50, help="items queued at a time (50)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    def progress(report: SoakReport) -> None:
        if report.kills % 25 == 0:
            print(f"  {report.kills} kills…", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="avatar-soak-") as folder:
        report = soak(
            Path(folder), kills=args.kills, items=args.items, seed=args.seed, progress=progress
        )
    print(report.figures())
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
