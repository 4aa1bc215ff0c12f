"""The disk fills after ``queue send`` has started (defect 7b): the full disk is named, and the
exit code says that nothing more was sent."""

from __future__ import annotations

import subprocess

import pytest
from full_disk import FullDisk
from test_cli import cli, cli_env, command, row, write_csv

from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import ItemState, Outbox


@pytest.fixture
def simulated_full_disk(tmp_path, monkeypatch):
    # Simulated: only the data file's writes fail, so the run starts and fails at its first claim
    # (the moment a real disk that fills during the run fails at).
    monkeypatch.setenv("AVATAR_TEST_SIMULATE_FULL_DISK", "1")
    disk = FullDisk(tmp_path, monkeypatch)
    yield disk
    disk.close()


def test_queue_send_names_a_full_disk_and_exits_1(simulated_full_disk, sandbox, tmp_path):
    jobs = write_csv(tmp_path / "jobs.csv", [row(n) for n in range(3)])
    assert cli("--service", sandbox.base_url, "queue", "import", str(jobs)).code == 0
    simulated_full_disk.fill()
    result = subprocess.run(
        command("--service", sandbox.base_url, "queue", "send"),
        env=simulated_full_disk.env(cli_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert "full" in result.stderr and "nothing was sent" in result.stderr.lower()
    simulated_full_disk.free()
    with Database(simulated_full_disk.folder / "tasks.sqlite3") as database:
        states = {item.state for item in Outbox(database).items()}
    assert states == {ItemState.QUEUED}  # nothing went out, nothing is lost
    assert not [r for r in sandbox.requests if r.path == "/avatar/generation"]
