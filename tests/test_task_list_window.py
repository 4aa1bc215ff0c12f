"""The task list in a real window, against the sandbox: following to done without a click,
the progress bar, the notification, search, adding a task by id, settling an outcome-unknown
row, export, and the status bar when status checks fail."""

# ruff: noqa: F811 - the window fixtures come from test_main_window and are used by name

from __future__ import annotations

import csv
import json

import pytest
from legacy_rows import legacy_row
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from test_main_window import (  # noqa: F401 - the fixtures are used by name
    AVATAR,
    Harness,
    fill_audio,
    harness,
    make_window,
    servers,
    submit_and_wait,
    translators,
)

from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.outbox import ItemState
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.qt.follow_runner import FollowState
from avatar_desktop.sandbox import Fault, SandboxServer
from avatar_desktop.ui.tasks.task_model import TaskTableModel

M = TaskTableModel


@pytest.fixture
def slow_sandbox():
    """A sandbox whose tasks take a few seconds: waiting, queued, rendering, done."""
    with SandboxServer(step_seconds=1.5) as server:
        yield server


def statuses_seen(qtbot, h: Harness, until: str, timeout: int = 15000) -> list[str]:
    seen: list[str] = []

    def look() -> bool:
        text = h.window.tasks.model.data(h.window.tasks.model.index(0, M.COL_STATUS))
        if not seen or seen[-1] != text:
            seen.append(text)
        return text == until

    qtbot.waitUntil(look, timeout=timeout)
    return seen


def test_a_task_is_followed_from_waiting_through_rendering_to_done(
    qtbot, make_window, slow_sandbox
):
    h = make_window(sandbox_url=lambda: slow_sandbox.base_url)
    fill_audio(qtbot, h.window)
    task_id = submit_and_wait(qtbot, h)
    h.window.tasks.select_row(h.window.tasks.model.row_of(h.store.find(task_id).row_id) or 0)
    seen = statuses_seen(qtbot, h, "Done")
    # Nobody touched anything: the row moved on by itself, through rendering with a percentage.
    assert any(text.startswith("Rendering ") and text.endswith("%") for text in seen), seen
    assert seen[-1] == "Done"
    record = h.store.find(task_id)
    assert record.status is TaskStatus.SUCCESS
    assert record.submitted_at and record.finished_at  # the service's times are kept
    asked = [r for r in slow_sandbox.requests if r.path == f"/avatar/task/{task_id}"]
    assert len(asked) <= 12  # each task on its own schedule, not every tick


def test_the_progress_bar_is_drawn_in_the_status_cell(qtbot, harness):
    from avatar_desktop.core.service import TaskInfo

    h = harness
    h.store.add_task("running", h.server.base_url, {"avatar_url": AVATAR})
    h.store.update_from_info("running", TaskInfo("running", TaskStatus.IN_PROGRESS, progress=60))
    h.window.tasks.model.reload()
    table = h.window.tasks.table
    rect = table.visualRect(h.window.tasks.model.index(0, M.COL_STATUS))
    image = table.viewport().grab(rect).toImage()
    # A progress bar fills 60 % of the cell with the highlight colour; plain text would not.
    highlight = table.palette().color(table.palette().ColorRole.Highlight)
    filled = sum(
        1
        for x in range(image.width())
        if _near(image.pixelColor(x, image.height() // 2), highlight)
    )
    assert filled >= image.width() * 0.3, (filled, image.width())


def _near(a, b) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def test_a_finished_task_is_notified_when_the_window_is_not_in_front(qtbot, harness):
    h = harness
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not h.window.isActiveWindow())
    fill_audio(qtbot, h.window)
    h.window.compose_side.submit_button.click()
    qtbot.waitUntil(lambda: bool(h.window.tasks_tab.notifier.shown), timeout=15000)
    title, text = h.window.tasks_tab.notifier.shown[-1]
    assert title == "Video ready" and AVATAR.rsplit("/", 1)[-1] in text
    if not h.window.tasks_tab.notifier.available:  # said once, in the window's own words
        qtbot.waitUntil(lambda: "is done" in h.window.statusBar().currentMessage())
        assert "No desktop notifications here" in h.window.statusBar().currentMessage()
    # Which task: tasks of one avatar read alike, so it says when the task was sent.
    sent = h.window.tasks.model.record_at(0).created_at.astimezone().strftime("%H:%M")
    assert f"(sent {sent})" in text
    # Clicking the notice brings the window forward and selects the task.
    h.window.tasks.table.clearSelection()
    h.window.tasks_tab.notifier._on_clicked()
    qtbot.waitUntil(lambda: h.window.tasks.current_record() is not None)
    assert h.window.tasks.current_record().status is TaskStatus.SUCCESS
    # A second task's message does not repeat that notifications are unavailable.
    h.window.activateWindow()
    other.activateWindow()
    qtbot.waitUntil(lambda: not h.window.isActiveWindow())
    fill_audio(qtbot, h.window)
    h.window.compose_side.submit_button.click()
    qtbot.waitUntil(lambda: len(h.window.tasks_tab.notifier.shown) == 2, timeout=15000)
    qtbot.waitUntil(lambda: "is done" in h.window.statusBar().currentMessage())
    assert "No desktop notifications" not in h.window.statusBar().currentMessage()


def test_no_notification_while_the_window_is_in_front(qtbot, harness):
    h = harness
    fill_audio(qtbot, h.window)
    submit_and_wait(qtbot, h)
    qtbot.waitUntil(lambda: h.store.find(h.window.tasks.model.record_at(0).task_id).is_final)
    qtbot.waitUntil(lambda: "is done" in h.window.statusBar().currentMessage())
    assert h.window.tasks_tab.notifier.shown == []


def test_search_and_status_filter_in_the_window(qtbot, harness):
    h = harness
    for n in range(5):
        h.store.add_task(f"task-{n}", h.server.base_url, {"avatar_url": f"https://x/p{n}.png"})
    h.store.mark_not_found("task-3", "gone")
    h.window.tasks.model.reload()
    panel = h.window.tasks
    qtbot.keyClicks(panel.search, "p2.png")
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 1)
    assert h.window.tasks.model.record_at(0).task_id == "task-2"
    assert "1 task" in panel.count_label.text()
    panel.search.clear()
    panel.status_filter.setCurrentIndex(3)  # failed or not found
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 1)
    assert h.window.tasks.model.record_at(0).task_id == "task-3"
    panel.status_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 5)


def test_a_task_added_by_id_is_followed(qtbot, harness):
    from avatar_desktop.core.client import AvatarClient
    from avatar_desktop.core.config import SANDBOX_TOKEN
    from avatar_desktop.core.request import AudioTrack, GenerationRequest

    h = harness
    with AvatarClient(h.server.base_url, SANDBOX_TOKEN) as client:  # made "on the website"
        task_id = client.submit(
            GenerationRequest(AVATAR, AudioTrack("https://cdn.example.com/a.mp3"))
        )
    row_id = h.window.tasks_tab.controller.add_task(task_id)
    assert row_id is not None
    assert h.window.tasks.current_record().task_id == task_id
    qtbot.waitUntil(lambda: h.store.get(row_id).status is TaskStatus.SUCCESS, timeout=8000)
    assert h.window.tasks_tab.controller.add_task(task_id) is None  # already there
    assert "already in the list" in h.window.statusBar().currentMessage()


def test_an_outcome_unknown_row_is_marked_submitted_and_followed(qtbot, harness):
    from avatar_desktop.core.client import AvatarClient
    from avatar_desktop.core.config import SANDBOX_TOKEN
    from avatar_desktop.core.request import AudioTrack, GenerationRequest

    h = harness
    request = GenerationRequest(AVATAR, AudioTrack("https://cdn.example.com/a.mp3"))
    row_id = legacy_row(
        h.store, h.server.base_url, request.to_payload(), LocalStatus.OUTCOME_UNKNOWN, "broke"
    )
    h.window.tasks.model.reload()
    h.window.tasks.select_row(row_id)
    actions = h.window.main_actions
    assert actions.resolve_task.isEnabled() and actions.send_again.isEnabled()
    with AvatarClient(h.server.base_url, SANDBOX_TOKEN) as client:
        task_id = client.submit(request)  # the job the broken send did make
    assert h.window.tasks_tab.controller.mark_submitted(h.store.get(row_id), task_id)
    qtbot.waitUntil(lambda: h.store.get(row_id).status is TaskStatus.SUCCESS, timeout=8000)
    assert h.store.get(row_id).task_id == task_id and h.store.get(row_id).error is None


def test_send_again_queues_the_same_request_once(qtbot, harness):
    from avatar_desktop.core.request import AudioTrack, GenerationRequest

    h = harness
    request = GenerationRequest(AVATAR, AudioTrack("https://cdn.example.com/a.mp3"))
    row_id = legacy_row(
        h.store, h.server.base_url, request.to_payload(), LocalStatus.OUTCOME_UNKNOWN, "broke"
    )
    h.window.tasks.model.reload()
    h.window.tasks.select_row(row_id)
    controller = h.window.tasks_tab.controller
    with qtbot.waitSignal(controller.queued_again, timeout=5000) as queued:
        controller.queue_again(h.window.tasks.selected_records())
    items = queued.args[0]
    assert len(items) == 1
    qtbot.waitUntil(lambda: h.outbox.get(items[0]).state is ItemState.SUBMITTED, timeout=8000)
    assert [r.json() for r in h.posts()] == [request.to_payload()]
    assert h.store.get(row_id) is None  # the unknown row made way for the new task


def test_export_writes_the_filtered_tasks(qtbot, harness, tmp_path):
    h = harness
    for n in range(4):
        h.store.add_task(f"task-{n}", h.server.base_url, {"avatar_url": f"https://x/p{n}.png"})
    h.window.tasks.model.reload()
    qtbot.keyClicks(h.window.tasks.search, "p1.png")
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 1)
    with qtbot.waitSignal(h.window.tasks_tab.controller.exported, timeout=5000):
        h.window.tasks_tab.controller.export_to(tmp_path / "tasks.csv")
    raw = (tmp_path / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheets
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [row["task_id"] for row in rows] == ["task-1"]
    h.window.tasks.search.clear()
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 4)
    with qtbot.waitSignal(h.window.tasks_tab.controller.exported, timeout=5000):
        h.window.tasks_tab.controller.export_to(tmp_path / "tasks.json")
    assert len(json.loads((tmp_path / "tasks.json").read_text("utf-8"))) == 4


def test_failing_status_checks_show_in_the_status_bar_and_clear(qtbot, harness):
    h = harness
    h.server.inject("task", Fault.server_error(503))
    fill_audio(qtbot, h.window)
    submit_and_wait(qtbot, h)
    label = h.window.status_bar.follow_label
    qtbot.waitUntil(lambda: h.window.following.state is FollowState.FAILING, timeout=10000)
    assert label.isVisible() and "failing" in label.text()
    h.server.clear_faults()
    h.window.main_actions.refresh_all.trigger()
    qtbot.waitUntil(lambda: h.window.following.state is FollowState.FOLLOWING, timeout=10000)
    assert not label.isVisible()
    qtbot.waitUntil(lambda: h.window.tasks.model.record_at(0).status is TaskStatus.SUCCESS)


def test_sorting_by_clicking_a_header_keeps_the_selection(qtbot, harness):
    h = harness
    for n in range(6):
        h.store.add_task(f"task-{n}", h.server.base_url, {"avatar_url": f"https://x/p{n}.png"})
    h.window.tasks.model.reload()
    h.window.tasks.select_row(h.store.find("task-2").row_id)
    header = h.window.tasks.table.horizontalHeader()
    header.setSortIndicator(M.COL_AVATAR, Qt.SortOrder.AscendingOrder)
    assert h.window.tasks.model.record_at(0).label == "p0.png"
    assert [r.task_id for r in h.window.tasks.selected_records()] == ["task-2"]


def test_a_window_saved_on_a_larger_screen_opens_fitting_this_one(qtbot, make_window, tmp_path):
    settings_path = tmp_path / "big.ini"
    first = make_window(settings_path=settings_path, store_path=tmp_path / "a" / "t.sqlite3")
    screen = first.window.screen().availableGeometry()
    # As a window saved on a screen larger than this one, or shrunk by the system to a size
    # where nothing fits (756 x 442 was seen), would come back.
    for width, height in ((screen.width() + 500, screen.height() + 300), (500, 300)):
        first.window.setGeometry(screen.x() + 40, screen.y() + 40, width, height)
        first.settings.set_window_layout(
            first.window.saveGeometry().data(), first.window.saveState().data()
        )
        again = make_window(settings_path=settings_path, store_path=tmp_path / "b" / "t.sqlite3")
        size, least = again.window.size(), again.window.minimumSizeHint()
        # As large as the screen allows (never below what the window needs: 926 px wide).
        assert size.width() <= max(screen.width(), least.width())
        assert size.height() <= max(screen.height(), least.height())
        assert size.width() >= min(900, screen.width())
        assert size.height() >= min(600, screen.height())
        again.window.close()
