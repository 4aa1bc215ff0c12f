"""*Updated* means the task changed: what the user sees of it (state, progress, links, times,
reasons, task id). A status check that changes nothing and saving its video leave it as it is,
in the window's Updated column and in ``updated_at`` of ``avatar-cli`` alike (one rule, the
store's); the bookkeeping has its own columns (``checked_at``, ``saved_path``, …)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_cli import cli
from test_main_window import make_window, servers, translators  # noqa: F401 (fixtures)

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.ui.tasks.task_model import TaskTableModel

STALLING = GenerationRequest(
    "https://example.com/sandbox-stall.png", AudioTrack("https://example.com/a.mp3")
)
RENDERING = GenerationRequest("https://example.com/a.png", AudioTrack("https://example.com/a.mp3"))


def _submitted(sandbox, request: GenerationRequest) -> str:
    """A task sent to the sandbox and put in the test's data file (as ``tasks add`` does)."""
    with AvatarClient(sandbox.base_url, "t") as client:
        task_id = client.submit(request)
    with Database(data_dir() / "tasks.sqlite3") as database:
        TaskStore(database).add_task(task_id, sandbox.base_url, request.to_payload())
    return task_id


def _shown(task_id: str) -> dict:
    result = cli("tasks", "show", task_id, "--json")
    assert result.code == 0, result.err
    return result.json()


def _listed(task_id: str) -> dict:
    result = cli("tasks", "list", "--json")
    assert result.code == 0, result.err
    (task,) = [task for task in result.json() if task["task_id"] == task_id]
    return task


def test_a_refresh_that_changes_nothing_leaves_updated_at(sandbox):
    task_id = _submitted(sandbox, STALLING)
    assert cli("--service", sandbox.base_url, "tasks", "refresh").code == 0
    first = _shown(task_id)
    assert first["checked_at"] is not None
    assert cli("--service", sandbox.base_url, "tasks", "refresh").code == 0
    again = _shown(task_id)
    assert again["checked_at"] > first["checked_at"]  # it was asked about again …
    assert again["status"] == first["status"] == "UNKNOWN"
    assert again["updated_at"] == first["updated_at"]  # … and nothing of it changed
    assert _listed(task_id)["updated_at"] == first["updated_at"]


def test_a_refresh_that_changes_the_state_moves_updated_at(sandbox):
    task_id = _submitted(sandbox, RENDERING)
    before = _shown(task_id)
    assert cli("--service", sandbox.base_url, "tasks", "refresh").code == 0
    after = _shown(task_id)
    assert (before["status"], after["status"]) == ("UNKNOWN", "SUCCESS")
    assert after["updated_at"] > before["updated_at"]
    assert _listed(task_id)["updated_at"] == after["updated_at"]


def test_a_download_by_avatar_cli_leaves_updated_at(sandbox, tmp_path):
    task_id = _submitted(sandbox, RENDERING)
    assert cli("--service", sandbox.base_url, "tasks", "refresh").code == 0
    done = _shown(task_id)
    result = cli("tasks", "download", task_id, "--to", str(tmp_path / "videos"))
    assert result.code == 0, result.err
    saved = _shown(task_id)
    assert saved["saved_path"] == result.out.strip()
    assert saved["updated_at"] == done["updated_at"]


def _updated_cell(model: TaskTableModel, row: int) -> tuple[str, str]:
    """The Updated cell's text and its tooltip (the full time, to the second)."""
    index = model.index(row, TaskTableModel.COL_UPDATED)
    return model.data(index), model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_the_windows_checks_change_updated_only_when_the_task_changes(
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    sandbox,
):
    stalled = _submitted(sandbox, STALLING)
    rendering = _submitted(sandbox, RENDERING)
    h = make_window(store_path=data_dir() / "tasks.sqlite3")
    following, model = h.window.following, h.window.tasks.model
    qtbot.waitUntil(lambda: h.store.find(stalled).checks >= 1, timeout=10_000)
    first = h.store.find(stalled)
    qtbot.waitUntil(lambda: h.store.find(rendering).status.value == "SUCCESS", timeout=10_000)
    finished = h.store.find(rendering)
    assert finished.updated_at > finished.created_at  # a change of state moved it

    row = model.row_of(first.row_id)
    qtbot.waitUntil(lambda: model.record_at(row).checks >= first.checks)
    shown = _updated_cell(model, row)

    following.refresh([stalled])
    qtbot.waitUntil(lambda: h.store.find(stalled).checks >= first.checks + 2, timeout=15_000)
    again = h.store.find(stalled)
    assert again.checked_at > first.checked_at
    assert again.updated_at == first.updated_at
    qtbot.waitUntil(lambda: model.record_at(row).checks >= again.checks)
    assert _updated_cell(model, row) == shown


def test_a_download_in_the_window_leaves_updated(
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    sandbox,
    tmp_path,
):
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = tmp_path / "videos"
    task_id = _submitted(sandbox, RENDERING)
    h = make_window(store_path=data_dir() / "tasks.sqlite3")
    qtbot.waitUntil(lambda: h.store.find(task_id).status.value == "SUCCESS", timeout=10_000)
    done = h.store.find(task_id)
    h.window.downloads_panel.download(done)
    qtbot.waitUntil(lambda: bool(h.store.find(task_id).saved_path), timeout=15_000)
    saved = h.store.find(task_id)
    assert Path(saved.saved_path).is_file()
    assert saved.updated_at == done.updated_at


def test_the_store_moves_updated_at_only_for_what_is_shown(tmp_path):
    """The one rule, the store's: every write goes through it."""
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        row_id = store.add_task("t-1", "https://a.test", {"avatar_url": "https://a.test/a.png"})

        def updated() -> float:
            record = store.get(row_id)
            assert record is not None
            return record.updated_at.timestamp()

        def moved(write) -> bool:
            before, touched = updated(), store.shape()[2]
            write()
            assert store.shape()[2] > touched  # every write is seen by the lists
            return updated() != before

        assert moved(lambda: store.record_failure("t-1", "unreadable", None))
        assert not moved(lambda: store.record_failure("t-1", "unreadable", None))
        assert not moved(lambda: store.set_error(row_id, "unreadable"))
        assert moved(lambda: store.set_error(row_id, None))
        assert not moved(lambda: store.set_saved_path(row_id, str(tmp_path / "v.mp4")))
        assert moved(lambda: store.set_error(row_id, "expired"))
        assert not moved(lambda: store.mark_link_expired(row_id, "https://x/v.mp4", "expired"))
        assert moved(lambda: store.mark_not_found("t-1", "gone"))
        assert store.get(row_id).saved_at is not None
