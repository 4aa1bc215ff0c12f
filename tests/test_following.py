"""Following tasks in the core: each task on its own schedule, poisoned answers kept to their
own task, the query budget of a long render, and resuming after a restart."""

from __future__ import annotations

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import SANDBOX_TOKEN
from avatar_desktop.core.follower import (
    QUERIES_PER_30_MINUTES,
    SERVICE_PACE,
    FollowPace,
    follow_round,
    is_stalled,
)
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import FIRST_CHECK_SECONDS, TaskStore
from avatar_desktop.sandbox import SandboxServer

TOKEN = "sk-following-test-token-0123456789"
PAYLOAD = {"avatar_url": "https://example.com/a.png", "audio_url": "https://example.com/v.mp3"}


def _answer(task_id: str, status: str = "SUCCESS", progress: str = "100%") -> bytes:
    return json.dumps(
        {
            "code": "success",
            "message": "",
            "data": {
                "task_id": task_id,
                "status": status,
                "progress": progress,
                "fail_reason": "",
                "submit_time": 1736868741,
                "start_time": 1736868745,
                "finish_time": 1736868990,
                "data": {"work_video_path": f"https://cdn.example.com/{task_id}.mp4"},
            },
        }
    ).encode()


POISON: dict[str, tuple[str, bytes]] = {
    "surrogate": (
        "application/json",
        b'{"code":"success","message":"","data":{"task_id":"surrogate","status":"SUCCESS",'
        b'"fail_reason":"\\ud800","progress":"100%"}}',
    ),
    "deep": (
        "application/json",
        b'{"code":"success","data":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ),
    "huge": (
        "application/json",
        b'{"code":"success","data":{"status":"SUCCESS","x":"' + b"a" * (5 * 1024 * 1024) + b'"}}',
    ),
    "html": ("text/html", b"<html><head><title>Maintenance</title></head><body>x</body></html>"),
    "types": ("application/json", b'{"code":"success","data":{"status":5,"progress":[]}}'),
}


class _PoisonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        task_id = self.path.rsplit("/", 1)[-1]
        self.server.asked.append(task_id)  # type: ignore[attr-defined]
        kind, body = POISON.get(task_id, ("application/json", _answer(task_id)))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def poison_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PoisonHandler)
    server.asked = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        yield store


def test_a_poisoned_answer_affects_only_its_own_task(poison_server, store):
    url = f"http://127.0.0.1:{poison_server.server_address[1]}"
    good = ["good-1", "good-2", "good-3"]
    for task_id in [*good, *POISON]:
        store.add_task(task_id, url, PAYLOAD)
        store.update_from_info(task_id, TaskInfo(task_id, TaskStatus.IN_PROGRESS, progress=40))
    answered = []
    before = time.time()
    with AvatarClient(url, TOKEN) as client:
        result = follow_round(
            client, store, store.pending_task_ids(url), on_answer=answered.append, at_once=3
        )
    assert result.stopped_by is None  # one task's answer never stops the round
    assert sorted(poison_server.asked) == sorted([*good, *POISON])
    for task_id in good:
        record = store.find(task_id)
        assert record.status is TaskStatus.SUCCESS and record.error is None
        assert record.finished_at is not None
    for task_id in POISON:
        record = store.find(task_id)
        # The last good state is kept; the error shows in the row; it backs off on its own.
        assert record.status is TaskStatus.IN_PROGRESS, task_id
        assert record.progress == 40, task_id
        assert record.error, task_id
        assert record.failures == 1, task_id
        assert record.next_check_at.timestamp() >= before + SERVICE_PACE.error_step * 0.8
    assert {a.task_id for a in answered if a.error is not None} == set(POISON)

    # A second unreadable answer doubles the task's own wait; a good one clears the error.
    with AvatarClient(url, TOKEN) as client:
        follow_round(client, store, ["html"])
    record = store.find("html")
    assert record.failures == 2
    assert record.next_check_at.timestamp() >= time.time() + SERVICE_PACE.error_step * 1.5
    html_page = POISON.pop("html")
    try:
        with AvatarClient(url, TOKEN) as client:
            follow_round(client, store, ["html"])
    finally:
        POISON["html"] = html_page
    record = store.find("html")
    assert record.status is TaskStatus.SUCCESS
    assert record.error is None and record.failures == 0


def test_a_new_task_is_first_asked_a_few_seconds_after_it_was_stored(store):
    stored = time.time()
    store.add_task("new", "https://svc.example", PAYLOAD)
    assert store.due_tasks("https://svc.example", stored) == []
    due = store.due_tasks("https://svc.example", stored + FIRST_CHECK_SECONDS + 1)
    assert [r.task_id for r in due] == ["new"]


def test_queries_over_a_30_minute_render_stay_within_the_budget(store):
    """A task the sandbox never finishes, followed for 30 simulated minutes."""
    with SandboxServer(step_seconds=0) as sandbox:
        with AvatarClient(sandbox.base_url, SANDBOX_TOKEN) as client:
            request = GenerationRequest(
                "https://example.com/sandbox-stall.png",
                AudioTrack("https://example.com/voice.mp3"),
            )
            task_id = client.submit(request)
            store.add_task(task_id, sandbox.base_url, request.to_payload())
            start = time.time()
            now = start
            first_asked = None
            rng = random.Random(7)
            while now < start + 30 * 60:
                due = store.due_tasks(sandbox.base_url, now)
                if due:
                    first_asked = first_asked or now
                    follow_round(client, store, due, clock=lambda at=now: at, rng=rng)
                now += 1.0
        asked = [r for r in sandbox.requests if r.path == f"/avatar/task/{task_id}"]
    assert first_asked is not None and first_asked - start <= FIRST_CHECK_SECONDS + 1
    assert store.find(task_id).status is TaskStatus.UNKNOWN  # still rendering, for the sandbox
    assert 20 <= len(asked) <= QUERIES_PER_30_MINUTES, len(asked)


def test_backoff_is_capped_and_a_task_waiting_for_hours_is_stalled(store):
    pace = FollowPace(jitter=0.0)
    rng = random.Random(1)
    delays = [pace.after_answer(n, age=60, rng=rng) for n in range(1, 12)]
    assert delays[0] == pace.step
    assert delays == sorted(delays) and max(delays) == pace.cap
    assert pace.after_answer(3, age=7 * 3600, rng=rng) == pace.stalled_every
    assert pace.after_failure(10, rng) == pace.error_cap

    store.add_task("old", "https://svc.example", PAYLOAD, created_at=_hours_ago(7))
    store.add_task("young", "https://svc.example", PAYLOAD)
    now = time.time()
    assert is_stalled(store.find("old"), now)
    assert not is_stalled(store.find("young"), now)
    store.update_from_info("old", TaskInfo("old", TaskStatus.SUCCESS))
    assert not is_stalled(store.find("old"), now)  # a final task is never stalled


def _hours_ago(hours: float):
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(hours=hours)


def test_a_restart_resumes_following_unfinished_tasks_only(tmp_path):
    path = tmp_path / "tasks.sqlite3"
    with SandboxServer(step_seconds=0) as sandbox:
        url = sandbox.base_url
        with AvatarClient(url, SANDBOX_TOKEN) as client:
            request = GenerationRequest(
                "https://example.com/a.png", AudioTrack("https://example.com/voice.mp3")
            )
            done, running = client.submit(request), client.submit(request)
            with TaskStore(path) as store:
                for task_id in (done, running):
                    store.add_task(task_id, url, request.to_payload())
                store.update_from_info(done, client.get_task(done))
                store.update_from_info(running, TaskInfo(running, TaskStatus.IN_PROGRESS), 0.0)
                store.add_task("gone", url, request.to_payload())
                store.mark_not_found("gone", "The service does not know this task.")
            sandbox.clear_requests()
            with TaskStore(path) as reopened:  # the app starts again
                due = reopened.due_tasks(url, time.time())
                assert [r.task_id for r in due] == [running]
                follow_round(client, reopened, due)
                assert reopened.find(running).status is TaskStatus.SUCCESS
                assert reopened.find("gone").status is LocalStatus.NOT_FOUND
                assert reopened.due_tasks(url, time.time() + 3600) == []
        asked = {r.path.rsplit("/", 1)[-1] for r in sandbox.requests if r.method == "GET"}
    assert asked == {running}


def test_an_unknown_task_becomes_not_found_and_is_not_asked_again(store):
    with SandboxServer(step_seconds=0) as sandbox:
        store.add_task("0" * 32, sandbox.base_url, PAYLOAD)
        with AvatarClient(sandbox.base_url, SANDBOX_TOKEN) as client:
            result = follow_round(client, store, store.pending_task_ids(sandbox.base_url))
    assert result.answers[0].status == "NOT_FOUND"
    record = store.find("0" * 32)
    assert record.status is LocalStatus.NOT_FOUND and record.error
    assert record.checked_at is not None  # it was asked: "last checked" says when
    assert store.due_tasks(sandbox.base_url, time.time() + 10**6) == []
