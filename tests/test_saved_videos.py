"""The Downloads tab remembers the saved videos: the tasks know their files, so after a restart
it lists the latest saved — by the window, by keeping or by ``avatar-cli tasks download`` — the
latest on top, and says when a file was moved or deleted since."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from test_cli import cli
from test_downloads_ui import SAMPLE, SAMPLE_WM, _UrlCatcher, finished_task
from test_main_window import make_window, servers, translators  # noqa: F401 (fixtures)

from avatar_desktop.core import keeping
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.qt.downloads import DownloadItem, DownloadManager, DownloadState
from avatar_desktop.ui.tasks.downloads_panel import DownloadsModel, DownloadsPanel


def rows(model: DownloadsModel) -> list[tuple[str, str, str]]:
    """Each row as shown: the file, the progress column (the size once saved), the state."""
    return [
        tuple(
            model.data(model.index(row, column))
            for column in (model.COL_FILE, model.COL_PROGRESS, model.COL_STATE)
        )
        for row in range(model.rowCount())
    ]


def test_the_downloads_tab_lists_the_saved_videos_after_a_restart(
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    sandbox,
    tmp_path,
):
    folder = tmp_path / "videos"
    settings_path = data_dir() / "settings.ini"  # the window's and avatar-cli's
    AppSettings(settings_path).download_folder = folder
    store_path = data_dir() / "tasks.sqlite3"
    h = make_window(store_path=store_path, settings_path=settings_path)
    first, second, third = (finished_task(sandbox, h.store) for _ in range(3))
    panel = h.window.downloads_panel

    # Saved by the window, then by a real avatar-cli process while the window is open.
    h.window.downloads_panel.download(first)
    qtbot.waitUntil(lambda: bool(h.store.get(first.row_id).saved_path), timeout=15_000)
    by_window = Path(h.store.get(first.row_id).saved_path)
    result = cli("tasks", "download", second.task_id or "")
    assert result.code == 0, result.err
    by_cli = Path(result.out.strip())
    assert by_cli.parent == folder
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    assert [row[0] for row in rows(panel.model)] == [by_cli.name, by_window.name]
    listed = {item.destination: item.listed for item in h.window.downloads.items()}
    assert listed == {by_window: False, by_cli: True}
    # The window's own download is listed once, however often the data file changes after.
    result = cli("tasks", "download", second.task_id or "", "--variant", "watermarked")
    assert result.code == 0, result.err
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    h.window.close()

    by_window.unlink()  # moved away while the window was closed
    result = cli("tasks", "download", third.task_id or "", "--variant", "no_watermark")
    assert result.code == 0, result.err
    by_cli_later = Path(result.out.strip())

    again = make_window(store_path=store_path, settings_path=settings_path).window.downloads_panel
    qtbot.waitUntil(lambda: again.model.rowCount() == 3, timeout=10_000)
    listed = rows(again.model)
    # The latest saved on top; a task is listed with the file it says it saved (the second
    # task's watermarked video replaced its first one).
    watermarked = Path(h.store.get(second.row_id).saved_path)
    assert [row[0] for row in listed] == [by_cli_later.name, watermarked.name, by_window.name]
    assert [row[2] for row in listed] == ["Saved", "Saved", "File missing"]
    assert listed[0][1] and listed[1][1] and not listed[2][1]
    items = again.model.items()
    assert items[0].variant == "no_watermark" and items[1].variant == "watermarked"
    assert items[0].destination.read_bytes() != b""
    assert items[1].total == len(SAMPLE_WM)

    # What can be done: open a saved one and show its folder; a missing one says so.
    again.table.selectRow(0)
    assert again.open_action.isEnabled() and again.folder_action.isEnabled()
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        again.open_button.click()
        again.folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [str(by_cli_later), str(folder)]
    again.table.selectRow(2)
    assert not again.open_action.isEnabled()
    assert "moved or deleted" in again.details.text()
    assert str(by_window) in again.details.text()


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        yield store


@pytest.fixture
def manager(qtbot, store, tmp_path):
    manager = DownloadManager(store, folder=lambda: tmp_path / "videos")
    yield manager
    manager.shutdown()
    manager.deleteLater()


def test_only_the_latest_saved_videos_are_listed(qtbot, store, manager, tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    for n in range(keeping.SAVED_SHOWN + 5):
        row_id = store.add_task(f"task-{n}", "https://a.test", {})
        path = saved / f"avatar-task-{n}.mp4"
        path.write_bytes(b"v" * (n + 1))
        store.set_saved_path(row_id, str(path))
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    manager.list_saved()
    qtbot.waitUntil(lambda: panel.model.rowCount() == keeping.SAVED_SHOWN)
    last = keeping.SAVED_SHOWN + 4
    assert panel.model.item_at(0).task_id == f"task-{last}"
    assert panel.model.item_at(keeping.SAVED_SHOWN - 1).task_id == "task-5"
    assert panel.model.item_at(0).total == last + 1

    # Cleared from the list, they stay off it; one saved later comes.
    panel.clear_button.click()
    row_id = store.add_task("task-new", "https://a.test", {})
    store.set_saved_path(row_id, str(saved / "avatar-task-0.mp4"))
    manager.list_saved()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert [item.task_id for item in manager.items()] == ["task-new"]


def test_a_missing_video_is_saved_again_on_retry(qtbot, sandbox, store, manager, tmp_path):
    record = finished_task(sandbox, store)
    gone = tmp_path / "elsewhere" / f"avatar-{record.task_id}-no-watermark.mp4"
    store.set_saved_path(record.row_id, str(gone))
    manager.list_saved()
    qtbot.waitUntil(lambda: len(manager.items()) == 1)
    (item,) = manager.items()
    assert item.state is DownloadState.MISSING and item.variant == "no_watermark"
    with qtbot.waitSignal(manager.finished, timeout=10_000):
        assert manager.retry(item)
    assert item.state is DownloadState.DONE and item.destination.is_file()
    manager.list_saved()  # the new save is listed already: no second row …
    row_id = store.add_task("later", "https://a.test", {})
    store.set_saved_path(row_id, str(tmp_path / "avatar-later.mp4"))
    manager.list_saved()  # … while one saved after it comes
    qtbot.waitUntil(lambda: len(manager.items()) >= 2)
    assert [i.task_id for i in manager.items()] == [record.task_id, "later"]
    assert manager.items()[1].state is DownloadState.MISSING


def test_keeping_a_missing_video_replaces_its_row(qtbot, sandbox, store, tmp_path):
    record = finished_task(sandbox, store)
    store.set_saved_path(record.row_id, str(tmp_path / "gone" / f"avatar-{record.task_id}.mp4"))
    folder = tmp_path / "videos"
    manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: True)
    try:
        manager.list_saved()
        qtbot.waitUntil(lambda: len(manager.items()) == 1)
        manager.catch_up(with_saved=True)
        qtbot.waitUntil(
            lambda: [item.state for item in manager.items()] == [DownloadState.DONE],
            timeout=10_000,
        )
        (item,) = manager.items()
        assert isinstance(item, DownloadItem) and item.destination.read_bytes() == SAMPLE
    finally:
        manager.shutdown()
        manager.deleteLater()
