"""Following is one rule for both programs: the window and ``avatar-cli tasks refresh`` ask the
same service at the same pace (the core's :class:`~avatar_desktop.core.follower.Follower`)."""

from __future__ import annotations

import pytest
from test_cli import cli
from test_main_window import make_window, servers, translators  # noqa: F401 (fixtures)

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
from avatar_desktop.core.follower import SANDBOX_PACE, SERVICE_PACE, pace_for
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.vault import TokenVault

STALLING = GenerationRequest(
    "https://example.com/sandbox-stall.png", AudioTrack("https://example.com/a.mp3")
)


@pytest.mark.parametrize(
    ("config", "pace"),
    [
        (ServiceConfig(base_url="http://127.0.0.1:47651", sandbox=True), SANDBOX_PACE),
        (ServiceConfig(base_url="http://127.0.0.1:8000"), SANDBOX_PACE),
        (ServiceConfig(base_url="http://[::1]:8000"), SANDBOX_PACE),
        (ServiceConfig(base_url="https://api.gpt.ge"), SERVICE_PACE),
        (ServiceConfig(base_url="https://mirror.example.com"), SERVICE_PACE),
    ],
)
def test_the_pace_of_a_service(config, pace):
    assert pace_for(config) == pace


def _stalling_task(server) -> str:
    with AvatarClient(server.base_url, SANDBOX_TOKEN) as client:
        task_id = client.submit(STALLING)
    with Database(data_dir() / "tasks.sqlite3") as database:
        TaskStore(database).add_task(task_id, server.base_url, STALLING.to_payload())
    return task_id


def _next_question_after(task_id: str) -> float:
    """Seconds from the task's last answer to its next question, as stored."""
    with Database(data_dir() / "tasks.sqlite3") as database:
        record = TaskStore(database).find(task_id)
    assert record is not None and record.checked_at and record.next_check_at
    return (record.next_check_at - record.checked_at).total_seconds()


@pytest.mark.parametrize("program", ["window", "avatar-cli"])
def test_a_stand_in_on_this_computer_is_followed_at_the_same_pace_by_both(
    program,
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    servers,  # noqa: F811 (the fixture of test_main_window)
    memory_keyring,
):
    """A custom service on a loopback address (not the built-in sandbox): the window used to
    follow it at the official service's pace, avatar-cli at the sandbox's."""
    server = servers()
    task_id = _stalling_task(server)
    if program == "avatar-cli":
        result = cli("--service", server.base_url, "tasks", "refresh")
        assert result.code == 0, result.err
        assert f"task {task_id}: UNKNOWN" in result.out
    else:
        vault = TokenVault(memory_keyring, environ={"AVATAR_API_TOKEN": "sk-local-stand-in"})
        h = make_window(
            service=ServiceChoice.CUSTOM,
            server=server,
            vault=vault,
            store_path=data_dir() / "tasks.sqlite3",
        )
        assert h.window.following.follower is not None
        assert h.window.following.follower.pace == SANDBOX_PACE
        h.window.following.refresh([task_id])
        qtbot.waitUntil(lambda: h.store.find(task_id).checked_at is not None, timeout=10_000)
    first = SANDBOX_PACE.step
    assert first * (1 - SANDBOX_PACE.jitter) - 0.01 <= _next_question_after(task_id)
    assert _next_question_after(task_id) <= first * (1 + SANDBOX_PACE.jitter) + 0.01
