"""Keeping finished videos: one rule in the core, run by whichever program follows tasks.

The table of cases is checked in the core, then through each program: the window's path (its
download manager catching up) and the command line's (``avatar-cli tasks refresh`` as a real
process). Then real processes side by side: ``avatar-cli`` importing, sending and following
jobs while a real window is open on the same data folder, and while none is; every video ends
on disk exactly once.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import test_main_window as shared
from test_cli import ROOT, Result, cli, cli_env, command, write_csv
from test_downloads import SAMPLE, FlakyServer
from test_downloads_ui import HeldServer

from avatar_desktop.app import LazySandbox
from avatar_desktop.core import keeping
from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.downloads import PART_SUFFIX
from avatar_desktop.core.keeping import KeepState
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import DEFAULT_FILE_NAME
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.downloads import DownloadManager, DownloadState
from avatar_desktop.sandbox import SandboxServer

# The window fixtures of test_main_window.py.
translators = shared.translators
servers = shared.servers
make_window = shared.make_window


DEAD_OWNER = "e" * 32
"""An owner id no live process holds."""
CLI_WAIT_MS = 90_000


# -- helpers ---------------------------------------------------------------------------------


def request(n: int, *, no_watermark: bool = True) -> GenerationRequest:
    return GenerationRequest(
        "https://example.com/a.png",
        AudioTrack(f"https://example.com/voice-{n}.mp3"),
        no_watermark=no_watermark,
    )


def finished(sandbox: SandboxServer, n: int) -> TaskInfo:
    """What the sandbox says about a task it finished."""
    with AvatarClient(sandbox.base_url, "t") as client:
        info = client.get_task(client.submit(request(n)))
    assert info.status is TaskStatus.SUCCESS
    return info


def succeeded(sandbox: SandboxServer, store: TaskStore, n: int) -> TaskRecord:
    """A task the sandbox finished, stored as a follower stores it."""
    info = finished(sandbox, n)
    task_id = info.task_id
    store.add_task(task_id, sandbox.base_url, request(n).to_payload())
    row_id = store.update_from_info(task_id, info)
    assert row_id is not None
    record = store.get(row_id)
    assert record is not None
    return record


def stored(store: TaskStore, info: TaskInfo, service_url: str = "http://127.0.0.1:1") -> TaskRecord:
    """A task with what ``info`` says, stored as a follower stores it."""
    task_id = info.task_id
    store.add_task(task_id, service_url, request(0).to_payload())
    row_id = store.update_from_info(task_id, info)
    assert row_id is not None
    record = store.get(row_id)
    assert record is not None
    return record


def keep_on(folder: Path) -> AppSettings:
    """The settings file of the data folder, with "keep finished videos" on into ``folder``."""
    settings = AppSettings(data_dir() / "settings.ini")
    settings.download_folder = folder
    settings.keep_finished_videos = True
    return settings


def videos_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_each_video_once(store: TaskStore, folder: Path, count: int) -> None:
    """Every succeeded task has its video in ``folder``, exactly once: one file per task under
    its own name, no ``(2)`` copies, no ``.part`` left, each recorded and complete."""
    records = list(store.iter_records(statuses=["SUCCESS"]))
    assert len(records) == count
    names = videos_in(folder)
    assert not [n for n in names if n.endswith(PART_SUFFIX) or " (" in n], names
    expected = sorted(f"avatar-{r.task_id}-no-watermark.mp4" for r in records)
    assert names == expected
    for record in records:
        assert record.saved_path == str(folder / f"avatar-{record.task_id}-no-watermark.mp4")
        assert Path(record.saved_path).read_bytes() == SAMPLE
        assert record.keep_owner is None  # every claim was given back


# -- the table of cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[SandboxServer, TaskStore, int, Path, ProcessOwner], TaskRecord]
    state: KeepState

    @property
    def kept(self) -> bool:
        return self.state is KeepState.DUE


def _due(sandbox, store, n, tmp, other):
    return succeeded(sandbox, store, n)


def _failed(sandbox, store, n, tmp, other):
    link = finished(sandbox, n).video_url  # a link that works: only the status counts
    return stored(store, TaskInfo(f"{n:032x}", TaskStatus.FAILURE, video_url=link))


def _no_video(sandbox, store, n, tmp, other):
    return stored(store, TaskInfo(f"{n:032x}", TaskStatus.SUCCESS))


def _saved(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    mine = tmp / f"mine-{n}.mp4"
    mine.write_bytes(b"the user's copy")
    store.set_saved_path(record.row_id, str(mine))
    return record


def _saved_but_gone(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    store.set_saved_path(record.row_id, str(tmp / f"deleted-{n}.mp4"))
    return record


def _expired(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    keeping.record_expired(store, record.row_id, record.video_links()["no_watermark"])
    return record


def _new_link_after_expiry(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    keeping.record_expired(store, record.row_id, "https://old.example.com/out_nowm.mp4")
    return record


def _claimed_by_live_owner(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    assert keeping.claim(store, record.row_id, other.owner_id, lambda o: o == other.owner_id)
    return record


def _claimed_by_dead_owner(sandbox, store, n, tmp, other):
    record = succeeded(sandbox, store, n)
    assert keeping.claim(store, record.row_id, DEAD_OWNER, lambda _o: False)
    return record


CASES = [
    Case("succeeded, nothing saved", _due, KeepState.DUE),
    Case("failed", _failed, KeepState.NOT_DONE),
    Case("succeeded without a link", _no_video, KeepState.NO_VIDEO),
    Case("saved file exists", _saved, KeepState.SAVED),
    Case("saved path recorded, file gone", _saved_but_gone, KeepState.DUE),
    Case("link expired", _expired, KeepState.EXPIRED),
    Case("expired link, a new one given", _new_link_after_expiry, KeepState.DUE),
    Case("claimed by a live other owner", _claimed_by_live_owner, KeepState.CLAIMED),
    Case("claimed by a dead owner", _claimed_by_dead_owner, KeepState.DUE),
]


@dataclass
class Table:
    store: TaskStore
    rows: dict[str, TaskRecord]
    other: ProcessOwner
    """Another live process (it holds the claim of the "live owner" case)."""

    def assert_kept_exactly_the_due_ones(self, folder: Path) -> None:
        for case in CASES:
            record = self.store.get(self.rows[case.name].row_id)
            assert record is not None
            plain = folder / f"avatar-{record.task_id}-no-watermark.mp4"
            if case.kept:
                assert record.saved_path == str(plain), case.name
                assert plain.read_bytes() == SAMPLE, case.name
                assert record.keep_owner is None, case.name
            else:
                assert not plain.exists(), case.name
                assert record.saved_path == self.rows[case.name].saved_path, case.name
        live = self.store.get(self.rows["claimed by a live other owner"].row_id)
        assert live is not None and live.keep_owner == self.other.owner_id
        mine = self.rows["saved file exists"].saved_path
        assert mine is not None and Path(mine).read_bytes() == b"the user's copy"
        assert len(videos_in(folder)) == sum(case.kept for case in CASES)


@pytest.fixture
def table(sandbox, tmp_path) -> Iterator[Table]:
    """Every case in one task list, in the data folder both programs use."""
    other = ProcessOwner(data_dir())
    with TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
        made = {
            case.name: case.make(sandbox, store, n, tmp_path, other).row_id
            for n, case in enumerate(CASES, start=1)
        }
        rows = store.get_many(made.values())
        yield Table(store, {name: rows[row_id] for name, row_id in made.items()}, other)
    other.release()


def test_the_rule_in_the_core(table):
    folder = data_dir()
    is_alive = lambda owner: owner_is_alive(folder, owner)  # noqa: E731
    for case in CASES:
        record = table.store.get(table.rows[case.name].row_id)
        assert keeping.keep_state(record, is_alive) is case.state, case.name
    due = {r.row_id for r in keeping.due_tasks(table.store, is_alive, with_saved=True)}
    assert due == {table.rows[c.name].row_id for c in CASES if c.kept}
    # Without the file checks only tasks with no saved path are looked at (the gone file waits
    # for a start).
    cheap = {r.row_id for r in keeping.due_tasks(table.store, is_alive)}
    assert cheap == due - {table.rows["saved path recorded, file gone"].row_id}
    assert keeping.due_tasks(table.store, is_alive, "http://127.0.0.1:1", with_saved=True) == []


def test_the_table_through_the_core_keeper(table, tmp_path):
    folder = tmp_path / "kept"
    me = ProcessOwner(data_dir())
    try:
        keeper = keeping.Keeper(
            table.store, me.owner_id, lambda o: owner_is_alive(data_dir(), o), folder
        )
        saved: list[Path] = []
        problems: list[str] = []
        assert not keeper.run(
            with_saved=True,
            on_saved=lambda _r, path: saved.append(path),
            on_problem=lambda _r, text: problems.append(text),
            should_stop=lambda: True,
        )
        assert saved == [] and videos_in(folder) == []
        assert keeper.run(
            with_saved=True,
            on_saved=lambda _r, path: saved.append(path),
            on_problem=lambda _r, text: problems.append(text),
        )
        assert problems == [] and len(saved) == sum(case.kept for case in CASES)
        table.assert_kept_exactly_the_due_ones(folder)
        assert keeper.run(on_saved=lambda *_: pytest.fail("saved twice"), on_problem=print)
    finally:
        me.release()


def test_the_table_through_the_command_line(table, sandbox, tmp_path):
    folder = tmp_path / "kept"
    keep_on(folder)
    result = cli("--service", sandbox.base_url, "tasks", "refresh")
    assert result.code == 0, result.err
    saved = [line.removeprefix("saved: ") for line in result.out.splitlines() if "saved: " in line]
    assert len(saved) == sum(case.kept for case in CASES)
    table.assert_kept_exactly_the_due_ones(folder)
    again = cli("--service", sandbox.base_url, "tasks", "refresh")
    assert again.code == 0 and "saved: " not in again.out  # each video once


def test_the_table_through_the_window(qtbot, table, tmp_path):
    folder = tmp_path / "kept"
    manager = DownloadManager(table.store, folder=lambda: folder, keep_enabled=lambda: True)
    try:
        due = sum(case.kept for case in CASES)
        manager.catch_up(with_saved=True)
        qtbot.waitUntil(lambda: len(manager.items()) == due, timeout=10000)
        qtbot.waitUntil(
            lambda: all(i.state is DownloadState.DONE for i in manager.items()), timeout=15000
        )
        qtbot.waitUntil(lambda: manager.active_count == 0)
        table.assert_kept_exactly_the_due_ones(folder)
        manager.catch_up(with_saved=True)  # nothing is due any more
        qtbot.waitUntil(lambda: not manager._scanning)
        assert len(manager.items()) == due
    finally:
        manager.shutdown()


# -- each program records an expired link once ------------------------------------------------


def gone_link(sandbox: SandboxServer, store: TaskStore, host: FlakyServer) -> TaskRecord:
    """A succeeded task of ``sandbox`` whose link its media host no longer serves (404)."""
    gone = host.url
    return stored(store, TaskInfo("9" * 32, TaskStatus.SUCCESS, video_url=gone), sandbox.base_url)


def test_the_command_line_records_an_expired_link_and_goes_on(sandbox, tmp_path):
    folder = tmp_path / "kept"
    keep_on(folder)
    with FlakyServer(b"", status=404) as host:
        with TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
            record = gone_link(sandbox, store, host)
            fine = succeeded(sandbox, store, 1)
        result = cli("--service", "http://127.0.0.1:1", "tasks", "refresh")  # nothing to ask
        assert result.code == 0, result.err
        assert "saved: " not in result.out
        first = cli("--service", sandbox.base_url, "tasks", "refresh")
        assert first.code == 0, first.err  # an expired link does not make the run fail
        assert first.out.count("saved: ") == 1 and fine.task_id in first.out
        assert f"task {record.task_id} was not saved" in first.err and "expired" in first.err
        shown = cli("tasks", "show", record.task_id, "--json").json()
        assert shown["error"] == keeping.LINK_EXPIRED_ERROR and shown["saved_path"] is None
        asked = len(host.ranges)
        again = cli("--service", sandbox.base_url, "tasks", "refresh")
        assert again.code == 0 and again.err.count("not saved") == 0
        assert len(host.ranges) == asked  # not tried again
    assert videos_in(folder) == [f"avatar-{fine.task_id}-no-watermark.mp4"]


def test_the_window_records_an_expired_link_and_does_not_retry_it(qtbot, sandbox, tmp_path):
    folder = tmp_path / "kept"
    with FlakyServer(b"", status=404) as host, TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
        record = gone_link(sandbox, store, host)
        manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: True)
        try:
            with qtbot.waitSignal(manager.finished, timeout=10000) as ended:
                manager.catch_up()
            (item,) = ended.args
            assert item.state is DownloadState.EXPIRED and item.keep
            after = store.get(record.row_id)
            assert after.expired_link == record.video_url
            assert after.error == keeping.LINK_EXPIRED_ERROR and after.keep_owner is None
            manager.clear_finished()
            manager.catch_up(with_saved=True)
            qtbot.waitUntil(lambda: not manager._scanning)
            assert manager.items() == []
        finally:
            manager.shutdown()


def test_the_command_line_skips_keeping_with_no_keep_or_when_off(sandbox, tmp_path):
    folder = tmp_path / "kept"
    with TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
        succeeded(sandbox, store, 1)
    off = cli("--service", sandbox.base_url, "tasks", "refresh")  # the setting is off
    assert off.code == 0 and "saved: " not in off.out
    keep_on(folder)
    skipped = cli("--service", sandbox.base_url, "tasks", "refresh", "--no-keep")
    assert skipped.code == 0 and "saved: " not in skipped.out
    assert videos_in(folder) == []
    kept = cli("--service", sandbox.base_url, "tasks", "refresh")
    assert kept.code == 0 and kept.out.count("saved: ") == 1


def test_a_download_asked_for_on_the_command_line_waits_while_another_program_saves_it(
    sandbox, tmp_path
):
    with TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
        record = succeeded(sandbox, store, 1)
        window = ProcessOwner(data_dir())  # stands for an open window saving this video
        try:
            assert keeping.claim(store, record.row_id, window.owner_id, lambda _owner: True)
            busy = cli("tasks", "download", record.task_id, "--to", str(tmp_path / "v"))
            assert busy.code == 4 and "Another program" in busy.err and busy.out == ""
            assert not (tmp_path / "v").exists() or videos_in(tmp_path / "v") == []
        finally:
            window.release()  # the window closed (or died): the claim is free again
        done = cli("tasks", "download", record.task_id, "--to", str(tmp_path / "v"))
        assert done.code == 0, done.err
        after = store.get(record.row_id)
        assert after.saved_path == done.out.strip() and after.keep_owner is None


def test_a_cancelled_kept_download_is_not_started_again_on_its_own(qtbot, tmp_path):
    folder = tmp_path / "kept"
    with (
        TaskStore(data_dir() / DEFAULT_FILE_NAME) as store,
        HeldServer(SAMPLE, cut=3000) as server,
    ):
        record = stored(store, TaskInfo("c" * 32, TaskStatus.SUCCESS, video_url=server.url))
        manager = DownloadManager(store, folder=lambda: folder, keep_enabled=lambda: True)
        try:
            with qtbot.waitSignal(manager.added, timeout=10000) as added:
                manager.catch_up()
            (item,) = added.args
            qtbot.waitUntil(lambda: item.received >= 3000, timeout=10000)
            holder = store.get(record.row_id).keep_owner
            assert holder is not None and owner_is_alive(data_dir(), holder)  # claimed
            manager.cancel(item)
            server.release()
            qtbot.waitUntil(lambda: manager.active_count == 0, timeout=10000)
            assert store.get(record.row_id).keep_owner is None  # given back
            manager.catch_up()
            qtbot.waitUntil(lambda: not manager._scanning)
            assert manager.items() == [item]
        finally:
            manager.shutdown()


# -- real processes side by side ---------------------------------------------------------------


@dataclass
class Shared:
    """The sandbox avatar-cli and the window both use, and how the command line names it."""

    sandbox: LazySandbox
    args: list[str]


@pytest.fixture
def built_in() -> Iterator[Shared]:
    """The data folder's built-in sandbox, as the window runs it (at the folder's own address,
    or a free port when another program holds it), so that ``avatar-cli --sandbox`` finds it."""
    sandbox = LazySandbox(step_seconds=0)
    try:
        yield Shared(sandbox, ["--sandbox"])
    finally:
        sandbox.stop()


def run_beside(qtbot, *args: str) -> Result:
    """Run ``avatar-cli`` as its own process while the window's event loop goes on."""
    proc = subprocess.Popen(
        command(*args),
        cwd=ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=CLI_WAIT_MS)
    finally:
        if proc.poll() is None:
            proc.kill()
    out, err = proc.communicate()
    result = Result(proc.returncode, out.decode("utf-8"), err.decode("utf-8"))
    assert "Traceback" not in result.err, result.err
    return result


def jobs(tmp_path: Path, count: int) -> Path:
    rows = [
        f"https://example.com/a-{n}.png,https://example.com/v-{n}.mp3,true" for n in range(count)
    ]
    return write_csv(tmp_path / "jobs.csv", rows, header="avatar_url,audio_url,no_watermark")


def open_window(make_window, sandbox: LazySandbox):
    return make_window(
        store_path=data_dir() / DEFAULT_FILE_NAME,
        settings_path=data_dir() / "settings.ini",
        builtin=sandbox,
    )


def test_the_command_line_finishes_tasks_while_the_window_is_open(
    qtbot, make_window, built_in, tmp_path
):
    folder = tmp_path / "kept"
    keep_on(folder)
    h = open_window(make_window, built_in.sandbox)
    sandbox_args = built_in.args
    assert run_beside(qtbot, *sandbox_args, "queue", "import", str(jobs(tmp_path, 4))).code == 0
    sent = run_beside(qtbot, *sandbox_args, "queue", "send")
    assert sent.code == 0, sent.err
    refreshed = run_beside(qtbot, *sandbox_args, "tasks", "refresh", "--wait")
    assert refreshed.code == 0, refreshed.err
    # Both programs follow these tasks and keep their videos: each is fetched by one of them.
    qtbot.waitUntil(
        lambda: len(videos_in(folder)) == 4 and h.window.downloads.active_count == 0,
        timeout=30000,
    )
    qtbot.waitUntil(lambda: all(r.saved_path for r in h.store.iter_records()), timeout=10000)
    assert_each_video_once(h.store, folder, 4)
    by_window = [
        i for i in h.window.downloads.items() if i.state is DownloadState.DONE and not i.listed
    ]
    assert refreshed.out.count("saved: ") + len(by_window) == 4


def test_the_window_keeps_what_the_command_line_finished_without_keeping(
    qtbot, make_window, sandbox, tmp_path
):
    """The reported defect: jobs finished by avatar-cli (on a service the window does not even
    follow) showed as done in the open window but were never saved."""
    folder = tmp_path / "kept"
    keep_on(folder)
    h = make_window(
        store_path=data_dir() / DEFAULT_FILE_NAME,
        settings_path=data_dir() / "settings.ini",
        sandbox_url=lambda: sandbox.base_url,
    )
    with SandboxServer(step_seconds=0) as other:
        service = ["--service", other.base_url]
        assert run_beside(qtbot, *service, "queue", "import", str(jobs(tmp_path, 3))).code == 0
        assert run_beside(qtbot, *service, "queue", "send").code == 0
        refreshed = run_beside(qtbot, *service, "tasks", "refresh", "--wait", "--no-keep")
        assert refreshed.code == 0 and "saved: " not in refreshed.out
        qtbot.waitUntil(
            lambda: len(videos_in(folder)) == 3 and h.window.downloads.active_count == 0,
            timeout=30000,
        )
        qtbot.waitUntil(lambda: all(r.saved_path for r in h.store.iter_records()), timeout=10000)
    assert_each_video_once(h.store, folder, 3)
    assert not [r for r in sandbox.requests if r.path.startswith("/media/")]


def test_the_command_line_keeps_while_no_window_is_open(qtbot, make_window, built_in, tmp_path):
    folder = tmp_path / "kept"
    keep_on(folder)
    sandbox_args = built_in.args
    assert cli(*sandbox_args, "queue", "import", str(jobs(tmp_path, 3))).code == 0
    assert cli(*sandbox_args, "queue", "send").code == 0
    refreshed = cli(*sandbox_args, "tasks", "refresh", "--wait")
    assert refreshed.code == 0, refreshed.err
    saved = sorted(
        Path(line.removeprefix("saved: "))
        for line in refreshed.out.splitlines()
        if line.startswith("saved: ")
    )
    assert [p.name for p in saved] == videos_in(folder) and len(saved) == 3
    with TaskStore(data_dir() / DEFAULT_FILE_NAME) as store:
        assert_each_video_once(store, folder, 3)
    # A video deleted since is saved again when the window starts — that one only.
    saved[0].unlink()
    h = open_window(make_window, built_in.sandbox)
    qtbot.waitUntil(lambda: saved[0].exists() and h.window.downloads.active_count == 0)
    # The Downloads tab lists the three saved videos; the one saved again took its own row.
    items = h.window.downloads.items
    qtbot.waitUntil(lambda: {item.state for item in items()} == {DownloadState.DONE})
    assert sorted(item.destination for item in items()) == saved
    assert_each_video_once(h.store, folder, 3)
