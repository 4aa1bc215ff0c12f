"""Saving videos from the window: the download manager, the downloads list and the settings,
against the real sandbox server (and small local servers that drop or hold a connection)."""

from __future__ import annotations

import dataclasses
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import test_main_window as shared
from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from test_downloads import SAMPLE, FlakyServer, FullBacklog

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.downloads import part_path
from avatar_desktop.core.paths import resource_path
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.downloads import DownloadItem, DownloadManager, DownloadState
from avatar_desktop.sandbox import Fault
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.tasks.downloads_panel import DownloadsModel, DownloadsPanel

SAMPLE_WM = resource_path("sample-media", "result_wm.mp4").read_bytes()

# The window fixtures of test_main_window.py.
translators = shared.translators
servers = shared.servers
make_window = shared.make_window


# -- helpers ---------------------------------------------------------------------------------


class HeldServer:
    """Serves ``body`` with Range support, but holds every answer after its first ``cut``
    bytes until :meth:`release` (a slow link, without any sleeping). Records the Range asked."""

    def __init__(self, body: bytes, cut: int = 4096) -> None:
        self.body, self.cut = body, cut
        self.gate = threading.Event()
        self.ranges: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.ranges.append(self.headers.get("Range"))
                start = 0
                if self.headers.get("Range"):
                    start = int(self.headers["Range"].split("=")[1].split("-")[0])
                data = server.body[start:]
                self.send_response(206 if start else 200)
                if start:
                    size = len(server.body)
                    self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data[: server.cut])
                    self.wfile.flush()
                    server.gate.wait(20)
                    self.wfile.write(data[server.cut :])
                except OSError:
                    pass  # the client went away

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/out.mp4"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def release(self) -> None:
        self.gate.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        yield store


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "videos"


@pytest.fixture
def manager(qtbot, store, folder):
    manager = DownloadManager(store, folder=lambda: folder)
    yield manager
    manager.shutdown()
    manager.deleteLater()


def finished_task(sandbox, store: TaskStore, *, no_watermark: bool = True) -> TaskRecord:
    """A task the sandbox has finished, stored as the follower would have stored it."""
    request = GenerationRequest(
        "https://example.com/a.png",
        AudioTrack("https://example.com/a.mp3"),
        no_watermark=no_watermark,
    )
    with AvatarClient(sandbox.base_url, "t") as client:
        task_id = client.submit(request)
        info = client.get_task(task_id)
    store.add_task(task_id, sandbox.base_url, request.to_payload())
    row_id = store.update_from_info(task_id, info)
    assert row_id is not None
    record = store.get(row_id)
    assert record is not None and record.video_links()
    return record


def with_link(record: TaskRecord, url: str) -> TaskRecord:
    return dataclasses.replace(record, video_url=url)


def wait_finished(qtbot, manager: DownloadManager, item: DownloadItem, timeout: int = 10000):
    if not item.state.is_final:
        with qtbot.waitSignal(
            manager.finished, timeout=timeout, check_params_cb=lambda done: done is item
        ):
            pass
    return item


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- the manager -----------------------------------------------------------------------------


def test_a_download_writes_the_sample_video_and_records_its_path(
    qtbot, sandbox, store, manager, folder
):
    record = finished_task(sandbox, store)
    seen: list[DownloadState] = []
    manager.changed.connect(lambda item: seen.append(item.state))
    with qtbot.waitSignal(manager.finished, timeout=10000) as finished:
        item = manager.start(record, "no_watermark")
    assert finished.args == [item]
    assert item.state is DownloadState.DONE and not item.error
    assert item.destination == folder / f"avatar-{record.task_id}-no-watermark.mp4"
    assert item.destination.read_bytes() == SAMPLE
    assert item.received == item.total == len(SAMPLE) and item.fraction == 1.0
    assert not part_path(item.destination).exists()
    assert DownloadState.DOWNLOADING in seen
    stored = store.get(record.row_id)
    assert stored is not None and stored.saved_path == str(item.destination)


def test_each_variant_is_its_own_file(qtbot, sandbox, store, manager, folder):
    record = finished_task(sandbox, store, no_watermark=False)
    default = manager.start(record, "default")
    marked = manager.start(record, "watermarked")
    assert manager.start(record, "default") is default  # already on its way
    wait_finished(qtbot, manager, default)
    wait_finished(qtbot, manager, marked)
    assert default.destination.read_bytes() == SAMPLE_WM
    assert marked.destination.read_bytes() == SAMPLE_WM
    assert files_in(folder) == sorted(
        [f"avatar-{record.task_id}.mp4", f"avatar-{record.task_id}-watermarked.mp4"]
    )


def test_a_dropped_connection_resumes_with_a_range_request(qtbot, sandbox, store, manager):
    record = finished_task(sandbox, store)
    with FlakyServer(SAMPLE, drops=2, cut=1500) as server:
        item = wait_finished(qtbot, manager, manager.start(with_link(record, server.url)))
    assert item.state is DownloadState.DONE
    assert item.destination.read_bytes() == SAMPLE
    assert server.ranges == [None, "bytes=1500-", "bytes=3000-"]


def test_a_sandbox_answer_dropped_without_a_byte_is_tried_again(qtbot, sandbox, store, manager):
    record = finished_task(sandbox, store)
    sandbox.inject("media", Fault.dropped(), times=2)
    item = wait_finished(qtbot, manager, manager.start(record, "no_watermark"))
    assert item.state is DownloadState.DONE
    assert item.destination.read_bytes() == SAMPLE
    assert len([r for r in sandbox.requests if r.path.startswith("/media/")]) == 3


def test_cancel_leaves_no_complete_looking_file_and_retry_resumes(
    qtbot, sandbox, store, manager, folder
):
    record = finished_task(sandbox, store)
    body = SAMPLE * 8
    with HeldServer(body, cut=5000) as server:
        item = manager.start(with_link(record, server.url))
        qtbot.waitUntil(lambda: item.received >= 5000, timeout=10000)
        assert item.state is DownloadState.DOWNLOADING
        with qtbot.waitSignal(manager.finished, timeout=2000):
            assert manager.cancel(item)
        assert item.state is DownloadState.CANCELLED  # at once, even while the link is held
        server.release()
        qtbot.waitUntil(lambda: manager.active_count == 0, timeout=10000)
        assert files_in(folder) == [item.destination.name + ".part"]
        assert part_path(item.destination).stat().st_size == 5000
        stored = store.get(record.row_id)
        assert stored is not None and stored.saved_path is None

        assert manager.retry(item)
        wait_finished(qtbot, manager, item)
    assert item.state is DownloadState.DONE
    assert item.destination.read_bytes() == body
    assert server.ranges == [None, "bytes=5000-"]


def test_an_expired_link_says_so(qtbot, sandbox, store, manager, folder):
    record = finished_task(sandbox, store)
    with FlakyServer(b"", status=404) as host:  # a media host that no longer serves it
        item = wait_finished(qtbot, manager, manager.start(with_link(record, host.url)))
    assert item.state is DownloadState.EXPIRED
    assert "link has expired" in item.error
    assert files_in(folder) == []
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    model = panel.model
    assert model.data(model.index(0, DownloadsModel.COL_STATE)) == "Link expired"
    panel.table.selectRow(0)
    assert "link has expired" in panel.details.text()
    assert panel.retry_action.isEnabled() and not panel.open_action.isEnabled()


def test_a_task_without_the_link_is_listed_as_failed(qtbot, sandbox, store, manager):
    record = dataclasses.replace(finished_task(sandbox, store), watermarked_video_url=None)
    with qtbot.waitSignal(manager.finished, timeout=1000):
        item = manager.start(record, "watermarked")
    assert item.state is DownloadState.FAILED and "no link" in item.error
    assert not manager.retry(item)


def test_a_folder_that_cannot_be_written_says_so(qtbot, sandbox, store, manager, tmp_path):
    record = finished_task(sandbox, store)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    item = wait_finished(qtbot, manager, manager.start(record, "no_watermark", blocked))
    assert item.state is DownloadState.FAILED
    assert f"could not be written in {blocked}" in item.error
    stored = store.get(record.row_id)
    assert stored is not None and stored.saved_path is None


def test_a_broken_link_fails_in_plain_words(qtbot, sandbox, store, manager):
    record = with_link(finished_task(sandbox, store), "http://exa mple.com/v.mp4")
    item = wait_finished(qtbot, manager, manager.start(record))
    assert item.state is DownloadState.FAILED
    assert item.error.startswith("The download failed.") and item.detail


def test_two_download_at_once_and_the_others_wait(qtbot, sandbox, store, folder):
    manager = DownloadManager(store, folder=lambda: folder, concurrency=2)
    record = finished_task(sandbox, store)
    try:
        with HeldServer(SAMPLE, cut=2000) as server:
            items = [
                manager.start(with_link(record, server.url), "default"),
                manager.start(
                    dataclasses.replace(record, watermarked_video_url=server.url), "watermarked"
                ),
                manager.start(
                    dataclasses.replace(record, no_watermark_video_url=server.url), "no_watermark"
                ),
            ]
            qtbot.waitUntil(lambda: len(server.ranges) == 2, timeout=10000)
            assert [i.state for i in items] == [
                DownloadState.DOWNLOADING,
                DownloadState.DOWNLOADING,
                DownloadState.WAITING,
            ]
            server.release()
            for item in items:
                wait_finished(qtbot, manager, item)
        assert all(i.state is DownloadState.DONE for i in items)
        assert all(i.destination.read_bytes() == SAMPLE for i in items)
    finally:
        manager.shutdown()


def test_progress_reaches_the_window_a_few_times_a_second_at_most(qtbot, sandbox, store, manager):
    record = finished_task(sandbox, store)
    body = SAMPLE * 400  # 26 MB: a hundred pieces and more
    changes: list[float] = []
    manager.changed.connect(lambda changed: changes.append(time.monotonic()))
    started = time.monotonic()
    with FlakyServer(body) as server:
        item = wait_finished(qtbot, manager, manager.start(with_link(record, server.url)))
    seconds = time.monotonic() - started
    assert item.state is DownloadState.DONE and item.destination.read_bytes() == body
    # started, destination known, done; progress five times a second at most
    assert len(changes) <= 3 + 5 * seconds + 1


def test_a_held_download_shows_its_last_byte(qtbot, sandbox, store, manager):
    record = finished_task(sandbox, store)
    with HeldServer(SAMPLE * 2, cut=len(SAMPLE)) as server:
        item = manager.start(with_link(record, server.url))
        qtbot.waitUntil(lambda: item.received == len(SAMPLE), timeout=5000)
        assert item.total == 2 * len(SAMPLE) and item.fraction == 0.5
        server.release()
        wait_finished(qtbot, manager, item)


def test_shutdown_stops_a_held_download_quickly_and_keeps_the_part(qtbot, sandbox, store, folder):
    manager = DownloadManager(store, folder=lambda: folder, concurrency=1)
    record = finished_task(sandbox, store)
    with HeldServer(SAMPLE, cut=3000) as server:
        item = manager.start(with_link(record, server.url))
        waiting = manager.start(
            dataclasses.replace(record, watermarked_video_url=server.url), "watermarked"
        )
        qtbot.waitUntil(lambda: item.received >= 3000, timeout=10000)
        started = time.monotonic()
        manager.shutdown(timeout_ms=1000)
        assert time.monotonic() - started < 3
        assert waiting.state is DownloadState.CANCELLED
    assert not item.destination.exists()
    assert files_in(folder) == [item.destination.name + ".part"]


# -- keeping finished videos ------------------------------------------------------------------


def kept(qtbot, manager: DownloadManager, *, with_saved: bool = False) -> DownloadItem:
    """The one download a catch-up of "keep finished videos" starts, once it has ended."""
    with qtbot.waitSignal(manager.added, timeout=10000) as added:
        manager.catch_up(with_saved)
    (item,) = added.args
    assert item.keep
    return wait_finished(qtbot, manager, item)


def caught_up(qtbot, manager: DownloadManager) -> None:
    qtbot.waitUntil(lambda: not manager._scanning)


def test_keeping_saves_the_watermark_free_video_once(qtbot, sandbox, store, folder):
    manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: True)
    try:
        record = finished_task(sandbox, store, no_watermark=True)
        item = kept(qtbot, manager)
        assert item.variant == "no_watermark" and item.state is DownloadState.DONE
        assert item.destination.read_bytes() == SAMPLE
        stored = store.get(record.row_id)
        assert stored is not None and stored.saved_path == str(item.destination)
        assert stored.keep_owner is None  # the claim was given back
        manager.catch_up(with_saved=True)  # saved, and the file is there
        caught_up(qtbot, manager)
        assert manager.items() == [item]
        item.destination.unlink()
        manager.catch_up()  # a recorded path is only checked at start
        caught_up(qtbot, manager)
        assert manager.items() == [item]
        again = kept(qtbot, manager, with_saved=True)  # the file went away: saved again
        assert again.state is DownloadState.DONE and again.destination == item.destination
    finally:
        manager.shutdown()


def test_keeping_saves_the_default_video_without_no_watermark(qtbot, sandbox, store, folder):
    manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: True)
    try:
        finished_task(sandbox, store, no_watermark=False)
        item = kept(qtbot, manager)
        assert item.variant == "default"
        assert item.destination.read_bytes() == SAMPLE_WM
    finally:
        manager.shutdown()


def test_the_setting_decides_whether_a_succeeded_task_is_kept(qtbot, sandbox, store, folder):
    keep = {"on": False}
    manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: keep["on"])
    try:
        finished_task(sandbox, store)
        manager.catch_up(with_saved=True)
        assert not manager._scanning and manager.items() == []
        keep["on"] = True
        item = kept(qtbot, manager)
        assert item.destination.read_bytes() == SAMPLE
    finally:
        manager.shutdown()


def test_a_download_the_user_asks_for_waits_while_another_program_saves_it(
    qtbot, sandbox, store, manager, folder
):
    from avatar_desktop.core import keeping
    from avatar_desktop.core.owners import ProcessOwner

    record = finished_task(sandbox, store)
    other = ProcessOwner(store.path.parent)  # avatar-cli, saving this video now
    try:
        assert keeping.claim(store, record.row_id, other.owner_id, lambda _owner: True)
        item = wait_finished(qtbot, manager, manager.start(record, "no_watermark"))
        assert item.state is DownloadState.FAILED and "Another program" in item.error
        assert not folder.exists() or files_in(folder) == []
    finally:
        other.release()  # it ended (or died): the claim is free
    assert manager.retry(item)
    wait_finished(qtbot, manager, item)
    assert item.state is DownloadState.DONE and item.destination.read_bytes() == SAMPLE


# -- the panel -------------------------------------------------------------------------------


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


def test_the_panel_lists_downloads_and_acts_on_them(qtbot, sandbox, store, manager, folder):
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    panel.resize(450, 320)
    panel.show()
    record = finished_task(sandbox, store)
    with qtbot.waitSignal(manager.finished, timeout=10000):
        item = panel.download(record, "no_watermark")
    assert panel.selected() == [item]
    model = panel.model
    assert model.data(model.index(0, DownloadsModel.COL_FILE)) == item.destination.name
    assert model.data(model.index(0, DownloadsModel.COL_STATE)) == "Saved"
    assert str(item.destination) in panel.details.text()
    assert str(folder) in panel.summary.text()
    assert panel.open_action.isEnabled() and panel.folder_action.isEnabled()
    assert not panel.cancel_action.isEnabled() and not panel.retry_action.isEnabled()

    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        panel.open_button.click()
        panel.folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [str(item.destination), str(folder)]

    panel.clear_button.click()
    assert model.rowCount() == 0 and manager.items() == []
    assert item.destination.exists()  # clearing the list keeps the file


def test_the_panel_shows_a_running_download_with_its_speed(qtbot, sandbox, store, manager):
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    record = finished_task(sandbox, store)
    with HeldServer(SAMPLE * 4, cut=len(SAMPLE) * 2) as server:
        item = panel.download(with_link(record, server.url))
        qtbot.waitUntil(lambda: item.received >= len(SAMPLE) * 2 and item.speed > 0, timeout=10000)
        model = panel.model
        assert model.data(model.index(0, DownloadsModel.COL_PROGRESS)) == "50%"
        assert model.data(model.index(0, DownloadsModel.COL_SPEED)).endswith("/s")
        assert model.data(model.index(0, DownloadsModel.COL_STATE)) == "Downloading"
        assert panel.cancel_action.isEnabled()
        panel.cancel_button.click()
        assert model.data(model.index(0, DownloadsModel.COL_STATE)) == "Cancelled"
        assert panel.retry_action.isEnabled()
        server.release()
        qtbot.waitUntil(lambda: manager.active_count == 0, timeout=10000)


def test_the_panel_fits_a_narrow_tab(qtbot, manager):
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    assert panel.minimumSizeHint().width() <= 450


def test_server_text_is_never_rich_text(qtbot, sandbox, store, manager):
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    record = dataclasses.replace(
        finished_task(sandbox, store), task_id="<b>bold</b>", video_url=None
    )
    panel.download(record)
    panel.table.selectRow(0)
    assert panel.details.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold</b>" in panel.details.text()
    tooltip = panel.model.data(panel.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip and "&lt;b&gt;" in tooltip


# -- settings --------------------------------------------------------------------------------


def test_download_settings_default_to_the_videos_folder_and_off(tmp_path):
    settings = AppSettings(tmp_path / "s.ini")
    videos = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    assert settings.download_folder == (Path(videos) if videos else Path.home())
    assert settings.keep_finished_videos is False


def test_the_settings_dialog_saves_the_download_folder_and_keep_setting(qtbot, tmp_path):
    settings = AppSettings(tmp_path / "s.ini")
    dialog = SettingsDialog(settings, tmp_path)
    qtbot.addWidget(dialog)
    assert not dialog.keep_finished.isChecked()
    chosen = tmp_path / "My videos"
    dialog.download_folder.setText(str(chosen))
    dialog.keep_finished.setChecked(True)
    dialog.apply()
    reread = AppSettings(tmp_path / "s.ini")
    assert reread.download_folder == chosen
    assert reread.keep_finished_videos is True

    dialog = SettingsDialog(reread, tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.download_folder.text() == str(chosen)
    assert dialog.keep_finished.isChecked()
    dialog.download_folder.setText("")  # back to the platform's folder
    dialog.keep_finished.setChecked(False)
    dialog.apply()
    again = AppSettings(tmp_path / "s.ini")
    assert again.download_folder == AppSettings(tmp_path / "other.ini").download_folder
    assert again.keep_finished_videos is False


# -- in the window ---------------------------------------------------------------------------


def submit_to(sandbox, store: TaskStore) -> int:
    """A task sent to the sandbox and added to the list by hand, for the window to follow."""
    request = GenerationRequest(
        "https://example.com/a.png", AudioTrack("https://example.com/a.mp3"), no_watermark=True
    )
    with AvatarClient(sandbox.base_url, "t") as client:
        task_id = client.submit(request)
    return store.add_task(task_id, sandbox.base_url, request.to_payload())


def test_the_window_keeps_each_finished_video_when_asked(qtbot, make_window, sandbox, tmp_path):
    folder = tmp_path / "kept"
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = folder
    settings.keep_finished_videos = True
    h = make_window()
    tabs = h.window.right_tabs
    assert tabs.tabText(tabs.indexOf(h.window.downloads_panel)) == "Downloads"
    row_id = submit_to(sandbox, h.store)
    qtbot.waitUntil(lambda: bool(h.store.get(row_id).saved_path), timeout=15000)
    saved = Path(h.store.get(row_id).saved_path)
    assert saved.parent == folder and saved.read_bytes() == SAMPLE
    assert h.window.downloads_panel.model.rowCount() == 1


def test_the_window_keeps_nothing_by_itself_when_not_asked(qtbot, make_window, sandbox, tmp_path):
    folder = tmp_path / "kept"
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = folder
    h = make_window()
    row_id = submit_to(sandbox, h.store)
    with qtbot.waitSignal(
        h.window.following.task_updated,
        timeout=15000,
        check_params_cb=lambda row, status: row == row_id and status == "SUCCESS",
    ):
        pass
    assert h.window.downloads.items() == []
    assert not folder.exists() and h.store.get(row_id).saved_path is None


def test_closing_the_window_stops_downloads_and_keeps_the_part(
    qtbot, make_window, sandbox, tmp_path
):
    folder = tmp_path / "kept"
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = folder
    h = make_window()
    record = finished_task(sandbox, h.store)
    with HeldServer(SAMPLE, cut=2000) as server:
        item = h.window.downloads_panel.download(with_link(record, server.url))
        qtbot.waitUntil(lambda: item.received >= 2000, timeout=10000)
        started = time.monotonic()
        h.window.close()
        assert time.monotonic() - started < 5
    assert files_in(folder) == [item.destination.name + ".part"]


def test_the_windows_downloads_use_the_connect_timeout_of_the_settings(
    qtbot, make_window, sandbox, tmp_path
):
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = tmp_path / "videos"
    settings.connect_timeout = 1.0  # the default (10 s) would keep trying for 40 s
    h = make_window()
    record = finished_task(sandbox, h.store)
    with FullBacklog() as server:
        item = h.window.downloads_panel.download(with_link(record, server.url))
        qtbot.waitUntil(lambda: item.state is DownloadState.FAILED, timeout=20000)
    assert "ConnectTimeout" in item.detail


def test_download_video_in_the_task_list_says_what_it_saves_and_where(
    qtbot, make_window, sandbox, tmp_path
):
    settings = AppSettings(tmp_path / "s.ini")
    settings.download_folder = tmp_path / "videos"
    h = make_window()
    record = finished_task(sandbox, h.store)
    qtbot.waitUntil(lambda: h.window.tasks.model.row_of(record.row_id) is not None)
    h.window.tasks.select_row(record.row_id)
    said: list[str] = []
    h.window.statusBar().messageChanged.connect(said.append)
    h.window.main_actions.download_video.trigger()  # the tasks tab asks the downloads panel
    assert f"Saving the video of {record.label or record.task_id} (see Downloads)…" in said
    qtbot.waitUntil(lambda: bool(h.store.get(record.row_id).saved_path), timeout=15000)
    saved = Path(h.store.get(record.row_id).saved_path)
    qtbot.waitUntil(lambda: f"Video saved: {saved.name} (see Downloads)" in said)
    assert saved.read_bytes() == SAMPLE
    assert h.window.downloads_panel.model.rowCount() == 1
