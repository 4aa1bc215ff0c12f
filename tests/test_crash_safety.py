"""Killing ``avatar-cli queue send`` at random moments loses nothing and sends nothing twice.

The soak itself is ``benchmarks/crash_soak.py`` (real processes, SIGKILL, a slowed sandbox, then
every rule checked); this runs it with a few kills per seed. The benchmark runs 200.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from full_disk import FullDisk
from test_cli import cli_env, command

from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import Outbox

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


# --- a full disk between the request and its answer ------------------------------------------


class HeldService:
    """A service on this computer that holds each submission's answer until :attr:`answer` is
    set; :attr:`arrived` is set once a submission has come in (the claim was written before)."""

    def __init__(self, task_id: str, *, refuse: bool = False) -> None:
        self.arrived = threading.Event()
        self.answer = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.arrived.set()
                owner.answer.wait(30)
                if refuse:
                    status, body = 400, {"code": "invalid_request", "message": "not an image"}
                else:
                    status, body = 200, {"code": "success", "message": "", "data": task_id}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.answer.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    disk = FullDisk(tmp_path, monkeypatch)
    yield disk
    disk.close()


def queue_one(folder: Path, url: str) -> int:
    with Database(folder / "tasks.sqlite3") as db:
        request = GenerationRequest("https://example.com/a.png", AudioTrack("https://x/v.mp3"))
        return Outbox(db).add(url, request)


def send_while_the_disk_fills(full_disk, service: HeldService):
    """``avatar-cli queue send`` as a real process; the disk fills up while the service holds
    its answer. Returns the finished process."""
    with subprocess.Popen(
        command("--service", service.url, "queue", "send"),
        env=full_disk.env(cli_env()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert service.arrived.wait(30), "the submission never came"
        full_disk.fill()
        service.answer.set()
        out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_a_task_id_the_full_disk_refused_is_shown_then_written_at_the_next_start(full_disk):
    task_id = "f0" * 16
    with HeldService(task_id) as service:
        item_id = queue_one(full_disk.folder, service.url)
        code, _out, err = send_while_the_disk_fills(full_disk, service)
    assert "Traceback" not in err, err
    assert code == 1, err
    assert task_id in err and "note the task id" in err  # on the screen, while nothing else
    full_disk.free()
    after = subprocess.run(
        command("queue", "list", "--json"),
        env=full_disk.env(cli_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in after.stderr, after.stderr
    assert f"item {item_id}: submitted, task {task_id}" in after.stderr
    assert "interrupted" not in after.stderr
    (item,) = json.loads(after.stdout)
    assert item["state"] == "submitted" and item["task_id"] == task_id


def test_an_answer_the_full_disk_lost_says_the_disk_was_full_at_the_next_start(full_disk):
    with HeldService("unused", refuse=True) as service:
        item_id = queue_one(full_disk.folder, service.url)
        _code, _out, err = send_while_the_disk_fills(full_disk, service)
    assert "Traceback" not in err, err
    full_disk.free()
    after = subprocess.run(
        command("queue", "list", "--json"),
        env=full_disk.env(cli_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in after.stderr, after.stderr
    assert "disk was full" in after.stderr and "interrupted" not in after.stderr
    (item,) = json.loads(after.stdout)
    assert item["id"] == item_id and item["state"] == "outcome_unknown"
    assert "disk was full" in item["reason"]
