"""Each data folder's built-in sandbox keeps its own address (issue 16, defect 9).

Two data folders on the sandbox at once: the second one's sandbox takes the usual port, and the
first folder's saved links still download — through the window's download path and through
``avatar-cli`` — because its links are resolved by path against where its sandbox answers now;
a restart comes back on the folder's own address; ``avatar-cli --sandbox`` is never fooled by
another folder's sandbox at the usual port; and a link on this computer that nothing serves is
never called expired. Real processes, real sandbox servers on loopback, real data folders; the
usual port is a free one of the test's own (``AVATAR_SANDBOX_PORT``), never 47651.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import test_main_window as shared
from test_cli import cli, cli_env, submits, write_csv
from test_downloads import FlakyServer
from test_downloads_ui import wait_finished

from avatar_desktop.app import LazySandbox
from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import SANDBOX_TOKEN, SANDBOX_URL
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.sandbox_home import (
    SandboxHome,
    SandboxPlace,
    home_file,
    read_home,
    remembered_home,
    write_home,
)
from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.store.database import DEFAULT_FILE_NAME
from avatar_desktop.core.store.outbox import ItemState, Outbox
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.covers import CoverLoader
from avatar_desktop.qt.downloads import DownloadManager, DownloadState
from avatar_desktop.sandbox import SandboxServer

# The window fixtures of test_main_window.py.
translators = shared.translators
servers = shared.servers
make_window = shared.make_window


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def usual_port() -> int:
    """A free port as the built-in sandbox's usual one (what 47651 is on a user's machine)."""
    return free_port()


def in_folder(folder: Path, usual_port: int) -> dict[str, str]:
    """The environment of ``avatar-cli`` on ``folder``."""
    return cli_env(AVATAR_DESKTOP_DATA_DIR=str(folder), AVATAR_SANDBOX_PORT=str(usual_port))


def window_sandbox(monkeypatch, folder: Path, usual_port: int) -> LazySandbox:
    """The built-in sandbox as the window of ``folder`` runs it (started at once)."""
    monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(folder))
    sandbox = LazySandbox(step_seconds=0, port=usual_port)
    sandbox.place()
    return sandbox


def finished_task(place: SandboxPlace, store: TaskStore) -> TaskRecord:
    """A task the folder's sandbox finished, stored as the follower stores it: its service is
    the sandbox's own address, its links where the sandbox answered."""
    request = GenerationRequest(
        "https://example.com/a.png", AudioTrack("https://example.com/a.mp3"), no_watermark=True
    )
    with AvatarClient(place.now, SANDBOX_TOKEN) as client:
        task_id = client.submit(request)
        info = client.get_task(task_id)
    assert info.status is TaskStatus.SUCCESS
    store.add_task(task_id, place.home, request.to_payload())
    row_id = store.update_from_info(task_id, info)
    assert row_id is not None
    record = store.get(row_id)
    assert record is not None
    return record


def test_a_folder_whose_address_another_folder_took_still_has_its_videos(
    qtbot, tmp_path, monkeypatch, usual_port
):
    first, second = tmp_path / "first", tmp_path / "second"
    usual = f"http://127.0.0.1:{usual_port}"
    # The first folder's window ran on the usual port, and a task of it finished there.
    sandbox = window_sandbox(monkeypatch, first, usual_port)
    with TaskStore(first / DEFAULT_FILE_NAME) as store:
        record = finished_task(sandbox.place(), store)
    sandbox.stop()
    assert read_home(first).address == usual
    assert record.video_url is not None and record.video_url.startswith(usual)
    # Then the second folder's window took the usual port: it is that folder's own address.
    other = window_sandbox(monkeypatch, second, usual_port)
    try:
        assert other.place() == SandboxPlace.at(usual)
        # avatar-cli on the first folder: keeping by tasks refresh saves the video (its
        # sandbox answers elsewhere for the run, and says so); the second's is not asked.
        env = in_folder(first, usual_port)
        kept = tmp_path / "kept"
        assert cli("config", "set", "download_dir", str(kept), env=env).code == 0
        assert cli("config", "set", "keep_finished", "true", env=env).code == 0
        refreshed = cli("--sandbox", "tasks", "refresh", env=env)
        assert refreshed.code == 0, refreshed.err
        assert refreshed.out.count("saved: ") == 1
        assert f"{usual} (this data folder's built-in sandbox) is used by another" in refreshed.err
        # tasks download does the same.
        videos = tmp_path / "videos"
        task_id = record.task_id or ""
        got = cli(
            "tasks", "download", task_id, "--variant", "watermarked", "--to", str(videos), env=env
        )
        assert got.code == 0, got.err
        assert Path(got.out.strip()).stat().st_size > 0
        # The window of the first folder: its sandbox answers elsewhere, its own address stays
        # its identity (its tasks and queued items are not "another service") ...
        monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(first))
        moved = LazySandbox(step_seconds=0, port=usual_port)
        place = moved.place()
        assert place.home == usual and place.moved
        settings = AppSettings(first / "settings.ini")
        settings.service = ServiceChoice.SANDBOX
        config = settings.service_config(place)
        assert (config.base_url, config.request_url) == (usual, place.now)
        # ... and the window's download path saves the video from where it answers now.
        with TaskStore(first / DEFAULT_FILE_NAME) as store:
            manager = DownloadManager(
                store, folder=lambda: tmp_path / "window", resolve_link=moved.resolve
            )
            try:
                item = wait_finished(qtbot, manager, manager.start(record, "watermarked"))
                assert item.state is DownloadState.DONE, item.error
                assert store.get(record.row_id).expired_link is None  # type: ignore[union-attr]
            finally:
                manager.shutdown()
            moved.stop()
    finally:
        other.stop()


def test_a_restart_comes_back_on_the_folder_s_own_address(tmp_path, monkeypatch, usual_port):
    folder = tmp_path / "data"
    with SandboxServer(port=usual_port, step_seconds=0):  # another program holds the usual port
        first = window_sandbox(monkeypatch, folder, usual_port)
        place = first.place()
        first.stop()
        assert place.home == place.now != f"http://127.0.0.1:{usual_port}"
        again = window_sandbox(monkeypatch, folder, usual_port)
        try:
            assert again.place() == place
        finally:
            again.stop()
        # avatar-cli on that folder starts it on the same address.
        env = in_folder(folder, usual_port)
        jobs = write_csv(tmp_path / "jobs.csv", ["https://example.com/a.png,https://e.com/a.mp3"])
        assert cli("--sandbox", "queue", "import", str(jobs), env=env).code == 0
        sent = cli("--sandbox", "queue", "send", env=env)
        assert sent.code == 0, sent.err
    with TaskStore(folder / DEFAULT_FILE_NAME) as store:
        (item,) = Outbox(store.db).items()
    assert (item.service_url, item.state) == (place.home, ItemState.SUBMITTED)


def test_avatar_cli_is_not_fooled_by_another_folder_s_sandbox(tmp_path, usual_port):
    """Another folder's sandbox answers at the usual port: --sandbox starts this folder's own
    instead of sending this folder's jobs there."""
    env = in_folder(tmp_path / "data", usual_port)
    jobs = write_csv(tmp_path / "jobs.csv", ["https://example.com/a.png,https://e.com/a.mp3"])
    with SandboxServer(port=usual_port, step_seconds=0) as another:
        assert cli("--sandbox", "queue", "import", str(jobs), env=env).code == 0
        sent = cli("--sandbox", "queue", "send", env=env)
        assert sent.code == 0, sent.err
        assert submits(another) == []
    home = read_home(tmp_path / "data")
    assert home.address is not None and home.address != another.base_url


def test_the_window_never_calls_a_moved_sandbox_s_link_expired(qtbot, tmp_path, sandbox):
    unknown = f"{sandbox.base_url}/media/{'9' * 32}/out.mp4"  # the sandbox there does not know it
    nobody = f"http://127.0.0.1:{free_port()}/media/{'8' * 32}/out.mp4"
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        manager = DownloadManager(store, folder=lambda: tmp_path / "videos")
        try:
            for link in (unknown, nobody):
                task_id = link.split("/")[-2]
                store.add_task(task_id, sandbox.base_url, {})
                info = TaskInfo(task_id, TaskStatus.SUCCESS, video_url=link)
                row_id = store.update_from_info(task_id, info)
                assert row_id is not None
                record = store.get(row_id)
                assert record is not None
                item = wait_finished(qtbot, manager, manager.start(record))
                assert item.state is DownloadState.FAILED
                assert "The link has not expired" in item.error
                assert "not an expired link" in item.detail
                assert store.get(row_id).expired_link is None  # type: ignore[union-attr]
        finally:
            manager.shutdown()
        loader = CoverLoader(None)
        try:
            with qtbot.waitSignal(loader.failed, timeout=10000) as failed:
                loader.request(unknown.replace("out.mp4", "cover.webp"))
            assert "has not expired" in failed.args[1]
            with FlakyServer(b"", status=410) as host:  # a media host's answer: expired
                with qtbot.waitSignal(loader.failed, timeout=10000) as failed:
                    loader.request(host.url)
            assert "expired or is gone (HTTP 410)" in failed.args[1]
        finally:
            loader.shutdown()


def test_the_window_of_a_moved_sandbox_shows_and_sends_where_it_answers(
    qtbot, make_window, tmp_path, monkeypatch, usual_port
):
    """Its own address stays the service of its items; the status bar and Show request's curl
    command name where it answers in this run, and a queued job goes there."""
    folder = tmp_path / "data"
    window_sandbox(monkeypatch, folder, usual_port).stop()  # the folder's address: the usual one
    with SandboxServer(port=usual_port, step_seconds=0) as another:
        moved = window_sandbox(monkeypatch, folder, usual_port)
        try:
            place = moved.place()
            assert place.moved and place.home == another.base_url
            h = make_window(
                store_path=folder / DEFAULT_FILE_NAME,
                settings_path=folder / "settings.ini",
                builtin=moved,
            )
            assert h.window.config.base_url == place.home
            assert h.window.status_bar.service_label.text() == f"SANDBOX — {place.now}"
            shared.fill_audio(qtbot, h.window)
            dialog = shared.open_preview(qtbot, h.window)
            assert f"{place.now}/avatar/generation" in dialog.curl_view.toPlainText()
            dialog.close()
            qtbot.mouseClick(h.window.compose_side.queue_button, shared.LEFT)
            qtbot.waitUntil(
                lambda: [i.state for i in h.outbox.items()] == [ItemState.SUBMITTED],
                timeout=15000,
            )
            (item,) = h.outbox.items()
            assert item.service_url == place.home
            assert submits(another) == []
        finally:
            moved.stop()


def test_the_rule_of_sandbox_links_and_addresses(tmp_path):
    home, moved, now = "http://127.0.0.1:48001", "http://127.0.0.1:48002", "http://127.0.0.1:48003"
    place = SandboxPlace(home, now, (moved,))
    media = f"/media/{'a' * 32}/out.mp4"
    assert place.resolve(home + media) == now + media
    assert place.resolve(moved + media + "?x=1") == now + media + "?x=1"
    assert place.resolve(f"http://127.0.0.1:48004{media}") == f"http://127.0.0.1:48004{media}"
    assert place.resolve(f"https://cdn.example.com{media}") == f"https://cdn.example.com{media}"
    # A first start makes its address the home; a later one elsewhere remembers where.
    first = SandboxHome().started(home)
    assert (first.address, first.running_at, first.earlier) == (home, home, ())
    later = first.started(moved)
    assert (later.address, later.running_at, later.earlier) == (home, moved, (moved,))
    assert later.started(home).earlier == (moved,)
    # Written and read back; a folder of an older version (a state file, no address) has the
    # usual address as its home; a damaged file counts as absent.
    folder = tmp_path / "data"
    write_home(folder, later)
    assert read_home(folder) == later
    home_file(folder).write_text("{not json", encoding="utf-8")
    assert read_home(folder) == SandboxHome()
    home_file(folder).write_text('{"address": "https://example.com:1"}', encoding="utf-8")
    assert read_home(folder) == SandboxHome()  # never anything but this computer
    home_file(folder).unlink()
    assert remembered_home(folder).address is None
    (folder / "sandbox" / "builtin.json").write_text("{}", encoding="utf-8")
    assert remembered_home(folder).address == SANDBOX_URL
