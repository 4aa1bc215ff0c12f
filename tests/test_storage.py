"""The data file on a bad day: loose permissions, a damaged file, backups, a full disk.

Real SQLite files damaged by hand (a body of garbage behind an intact header, a page of zeros),
real ``avatar-cli`` processes, real widgets. The full disk is a small tmpfs where the machine
allows mounting one, else simulated (see ``full_disk.py``).
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import struct
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from full_disk import FullDisk
from test_cli import cli, cli_env
from test_main_window import make_window, servers, translators  # noqa: F401 (fixtures)

from avatar_desktop.core.store import backup as store_backup
from avatar_desktop.core.store import database as store_database
from avatar_desktop.core.store import migrations
from avatar_desktop.core.store.database import Database, StoreError
from avatar_desktop.core.store.outbox import ItemState, Outbox
from avatar_desktop.core.store.tasks import TaskStore

SERVICE = "https://api.example.test"
POSIX = os.name == "posix"


# --- helpers --------------------------------------------------------------------------------


def make_tasks(path: Path, count: int, start: int = 0) -> None:
    """A closed data file (WAL checkpointed) holding ``count`` tasks more."""
    with TaskStore(path) as store:
        for n in range(start, start + count):
            store.add_task(
                f"{n:032x}",
                SERVICE,
                {"avatar_url": f"https://cdn.example.test/{n}.png", "audio_url": "https://x/a.mp3"},
            )


def task_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
    finally:
        conn.close()


def page_size(data: bytes) -> int:
    size = struct.unpack(">H", data[16:18])[0]
    return 65536 if size == 1 else size


def garbage_body(path: Path) -> None:
    """Keep the first page (header and schema), fill the rest with random bytes."""
    data = bytearray(path.read_bytes())
    size = page_size(data)
    noise = random.Random(7)
    data[size:] = bytes(noise.randrange(256) for _ in range(len(data) - size))
    path.write_bytes(bytes(data))


def tasks_leaf_page(path: Path) -> int:
    """A leaf page of the tasks table: the right-most child of its root (an interior page)."""
    conn = sqlite3.connect(path)
    try:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'").fetchone()
    finally:
        conn.close()
    data = path.read_bytes()
    size = page_size(data)
    page = data[(root - 1) * size : root * size]
    assert page[0] == 0x05, "the tasks table needs more rows to have an interior root"
    leaf = struct.unpack(">I", page[8:12])[0]
    assert data[(leaf - 1) * size] == 0x0D  # a table leaf
    return int(leaf)


def zero_page(path: Path, number: int) -> None:
    data = bytearray(path.read_bytes())
    size = page_size(data)
    data[(number - 1) * size : number * size] = bytes(size)
    path.write_bytes(bytes(data))


DAMAGES = {
    "garbage body": garbage_body,
    "zeroed page": lambda path: zero_page(path, tasks_leaf_page(path)),
}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"  # the folder every test's AVATAR_DESKTOP_DATA_DIR points to
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    disk = FullDisk(tmp_path, monkeypatch)
    yield disk
    disk.close()


# --- permissions ----------------------------------------------------------------------------


def test_loose_modes_of_the_folder_and_its_files_are_tightened_at_open(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 3)
    (data / "settings.ini").write_text("[General]\n")
    keep = sqlite3.connect(path)  # another program has it open: -wal and -shm exist
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("UPDATE tasks SET label = 'x'")
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), data / "settings.ini"]
    # The app's other folders and a damaged copy (the whole task list) are private too.
    folders = [data / name for name in ("covers", "owners", "sandbox", "backups")]
    for folder in folders:
        folder.mkdir()
        (folder / "a-file").write_bytes(b"x")
        files.append(folder / "a-file")
    (data / "tasks.sqlite3.damaged-20260101-000000").write_bytes(b"x")
    files.append(data / "tasks.sqlite3.damaged-20260101-000000")
    if POSIX:
        os.chmod(data, 0o755)
        for folder in folders:
            os.chmod(folder, 0o755)
        for file in files:
            os.chmod(file, 0o644)
    try:
        with Database(path) as database:
            assert TaskStore(database).count() == 3
    finally:
        keep.close()
    if POSIX:
        assert mode(data) == 0o700
        for file in files:
            assert not file.exists() or mode(file) == 0o600, file
        assert mode(path) == 0o600
        assert all(mode(folder) == 0o700 for folder in folders)


def test_tightening_never_adds_a_permission(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 1)
    os.chmod(data, 0o755)
    store_database.tighten_permissions(data, [path, data / "missing.ini"])
    os.chmod(path, 0o400)  # read-only by its owner on purpose
    before = mode(path)
    store_database.tighten_permissions(data, [path])
    if POSIX:
        assert mode(path) == 0o400 and mode(data) == 0o700
    else:  # Windows: nothing to do, and nothing fails
        assert mode(path) == before


# --- a damaged file -------------------------------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_file_is_refused_by_name_and_left_untouched(data, damage):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    DAMAGES[damage](path)
    before = path.read_bytes()
    with pytest.raises(store_database.DamagedStore) as raised:
        Database(path)
    assert raised.value.path == path
    assert "damaged" in str(raised.value) and str(path) in str(raised.value)
    assert path.read_bytes() == before


def test_a_zeroed_page_is_never_read_as_blank_rows(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    zero_page(path, tasks_leaf_page(path))
    # SQLite itself reads the other pages happily: only the check sees the hole.
    with pytest.raises(store_database.DamagedStore):
        Database(path)


@pytest.mark.parametrize("command", [("tasks", "list"), ("queue", "list")])
@pytest.mark.parametrize("damage", DAMAGES)
def test_cli_says_a_damaged_file_in_one_line_and_exits_1(data, damage, command):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    DAMAGES[damage](path)
    before = path.read_bytes()
    result = cli(*command)  # asserts that there is no traceback
    assert result.code == 1, result.text
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "damaged" in lines[0] and str(path) in lines[0]
    assert result.out == ""
    assert path.read_bytes() == before


def test_a_file_that_is_fine_opens_after_its_check(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    with Database(path) as database:
        assert TaskStore(database).count() == 300


def test_damage_found_later_is_a_damaged_store_error(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    zero_page(path, tasks_leaf_page(path))
    with Database(path, check=False) as database:  # as if damaged after its check
        with pytest.raises(store_database.DamagedStore):
            with database.connection() as conn:
                conn.execute("SELECT max(length(payload)) FROM tasks").fetchone()


# --- moving aside, backups, restoring -------------------------------------------------------


def test_move_aside_renames_the_file_and_its_companions_untouched(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    garbage_body(path)
    before = path.read_bytes()
    path.with_name("tasks.sqlite3-wal").write_bytes(b"wal")
    path.with_name("tasks.sqlite3-shm").write_bytes(b"shm")
    aside = store_backup.move_aside(path)
    assert aside.name.startswith("tasks.sqlite3.damaged-")
    assert aside.read_bytes() == before
    assert Path(f"{aside}-wal").read_bytes() == b"wal"
    assert Path(f"{aside}-shm").read_bytes() == b"shm"
    assert not path.exists() and not Path(f"{path}-wal").exists()
    with Database(path) as database:  # a fresh start
        assert TaskStore(database).count() == 0
    path2 = store_backup.move_aside(path)  # the same second: another name, nothing replaced
    assert path2 != aside and aside.read_bytes() == before


def test_backups_are_private_daily_and_only_the_last_three_kept(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 4)
    for day in range(1, 6):
        made = store_backup.take_backup(path, day=date(2025, 3, day))
        assert made == data / "backups" / f"tasks-2025-03-0{day}.sqlite3"
    kept = store_backup.backups(path)
    assert [p.name for p in kept] == [f"tasks-2025-03-0{d}.sqlite3" for d in (5, 4, 3)]
    assert all(task_count(p) == 4 for p in kept)
    assert not list((data / "backups").glob(".*"))  # no temporary left
    if POSIX:
        assert mode(data / "backups") == 0o700
        assert all(mode(p) == 0o600 for p in kept)
    make_tasks(path, 2, start=10)
    store_backup.take_backup(path, day=date(2025, 3, 5))  # the same day: replaced
    assert task_count(data / "backups" / "tasks-2025-03-05.sqlite3") == 6


def test_a_backup_asked_to_stop_leaves_nothing(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 4)
    assert store_backup.take_backup(path, should_stop=lambda: True) is None
    assert list((data / "backups").iterdir()) == []


def test_a_backup_is_consistent_while_the_window_writes(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 50)
    with Database(path) as database:  # open, with commits still in its WAL
        store = TaskStore(database)
        store.add_task("f" * 32, SERVICE, {"avatar_url": "https://x/a.png", "audio_url": "x"})
        backup = store_backup.take_backup(path)
        store.add_task("e" * 32, SERVICE, {"avatar_url": "https://x/b.png", "audio_url": "x"})
    assert backup is not None and task_count(backup) == 51
    store_database.check_file(backup)


def test_restore_skips_a_damaged_backup_and_keeps_the_damaged_file(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    store_backup.take_backup(path, day=date(2025, 3, 1))
    make_tasks(path, 5, start=1000)
    newer = store_backup.take_backup(path, day=date(2025, 3, 2))
    garbage_body(newer)  # the newest backup is damaged too
    zero_page(path, tasks_leaf_page(path))
    damaged = path.read_bytes()
    good = store_backup.last_good_backup(path)
    assert good is not None and good.path.name == "tasks-2025-03-01.sqlite3"
    assert good.tasks == 300
    aside = store_backup.restore_backup(path, good.path)
    assert aside is not None and aside.read_bytes() == damaged
    with Database(path) as database:
        assert TaskStore(database).count() == 300
    assert good.path.exists()  # the backup stays a backup


def test_no_backup_at_all(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 1)
    assert store_backup.backups(path) == [] and store_backup.last_good_backup(path) is None


# --- a full disk ----------------------------------------------------------------------------


def test_a_full_disk_at_start_is_said_plainly(full_disk):
    path = full_disk.folder / "tasks.sqlite3"
    full_disk.fill()
    with pytest.raises(store_database.DiskFull) as raised:
        Database(path)
    assert "full" in str(raised.value) and raised.value.path == path


def test_a_full_disk_with_a_file_that_needs_migrating(full_disk):
    path = full_disk.folder / "tasks.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)  # a file of an earlier version
    conn.execute("PRAGMA journal_mode=WAL")
    for number, migration in enumerate(migrations.MIGRATIONS[:2], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.close()
    full_disk.fill()
    with pytest.raises(store_database.DiskFull):
        Database(path)
    full_disk.free()
    with Database(path) as database:
        assert TaskStore(database).count() == 0
    assert task_count(path) == 0


def test_cli_says_the_disk_is_full_in_one_line_and_exits_1(full_disk):
    full_disk.fill()
    result = subprocess.run(
        [*cli_command(), "queue", "list"],
        env=full_disk.env(cli_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "full" in lines[0], result.stderr
    assert str(full_disk.folder) in lines[0]


def test_the_store_error_of_a_full_disk_is_disk_full(full_disk):
    path = full_disk.folder / "tasks.sqlite3"
    with Database(path) as database:
        outbox = Outbox(database)
        full_disk.fill()
        with pytest.raises(store_database.DiskFull):
            outbox.add(SERVICE, request(1))
        full_disk.free()
        outbox.add(SERVICE, request(2))
        assert outbox.counts()[ItemState.QUEUED] == 1


def cli_command() -> list[str]:
    from test_cli import command

    return command()


def request(n: int):
    from avatar_desktop.core.request import AudioTrack, GenerationRequest

    return GenerationRequest("https://example.com/a.png", AudioTrack(f"https://example.com/{n}"))


def test_store_error_stays_the_base_of_both():
    assert issubclass(store_database.DamagedStore, StoreError) and issubclass(
        store_database.DiskFull, StoreError
    )


# --- a full disk while sending --------------------------------------------------------------


class FillingClient:
    """A client whose job is accepted while the disk fills up: the answer (``task_id``) comes
    back to a disk with no room left; or, with ``refuse``, the service refuses it."""

    def __init__(self, disk: FullDisk, task_id: str = "a1" * 16, refuse: bool = False) -> None:
        self.disk = disk
        self.task_id = task_id
        self.refuse = refuse

    def submit(self, _request) -> str:
        self.disk.fill()
        if self.refuse:
            from avatar_desktop.core.service import ApiError

            raise ApiError("avatar_url is not an image", status=400)
        return self.task_id

    def close(self) -> None:
        pass


@pytest.fixture
def sending(full_disk):
    """An outbox on the small disk, one queued item, and this process as its sender."""
    from avatar_desktop.core.owners import ProcessOwner

    database = Database(full_disk.folder / "tasks.sqlite3")
    outbox = Outbox(database)
    item_id = outbox.add(SERVICE, request(1))
    owner = ProcessOwner(full_disk.folder)
    yield outbox, item_id, owner
    owner.release()
    database.close()


def send_once(outbox, owner, client):
    from avatar_desktop.core.delivery import Sender

    sender = Sender(outbox, owner.owner_id, SERVICE, lambda: client)
    outcome = sender.send_next(explicit=True)
    assert outcome is not None
    return sender, outcome


def notes(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("tasks.sqlite3.unwritten.*"))


def test_an_accepted_job_keeps_its_task_id_until_the_disk_has_room(full_disk, sending):
    from avatar_desktop.core.delivery import Decision

    outbox, item_id, owner = sending
    sender, outcome = send_once(outbox, owner, FillingClient(full_disk))
    assert outcome.decision is Decision.SUBMITTED and not outcome.saved
    assert isinstance(outcome.error, store_database.DiskFull)
    assert sender.unsaved.snapshot() == {item_id: "a1" * 16}
    assert len(notes(full_disk.folder)) == 1  # for the next start, should this one end
    assert sender.retry_unsaved() == []  # still full: kept
    assert sender.unsaved.snapshot() == {item_id: "a1" * 16}
    full_disk.free()
    (stored,) = sender.retry_unsaved()
    assert (stored.item_id, stored.task_id) == (item_id, "a1" * 16)
    assert not sender.unsaved and notes(full_disk.folder) == []
    assert outbox.get(item_id).state is ItemState.SUBMITTED
    assert TaskStore(outbox.db).find("a1" * 16) is not None


def test_the_next_start_writes_a_task_id_the_disk_had_no_room_for(full_disk, sending):
    outbox, item_id, owner = sending
    send_once(outbox, owner, FillingClient(full_disk))
    owner.release()  # the program ends before there is room again
    full_disk.free()
    recovery = outbox.recover(lambda _who: False)
    assert recovery.written == {item_id: "a1" * 16}
    assert recovery.unknown == []
    item = outbox.get(item_id)
    assert item.state is ItemState.SUBMITTED and item.task_id == "a1" * 16
    assert TaskStore(outbox.db).find("a1" * 16) is not None
    assert notes(full_disk.folder) == []


def test_an_answer_lost_to_a_full_disk_says_so_at_the_next_start(full_disk, sending):
    from avatar_desktop.core.store.outbox import DISK_FULL_REASON, INTERRUPTED_REASON

    outbox, item_id, owner = sending
    send_once(outbox, owner, FillingClient(full_disk, refuse=True))
    assert outbox.get(item_id).state is ItemState.SENDING  # the refusal could not be written
    owner.release()
    full_disk.free()
    recovery = outbox.recover(lambda _who: False)
    assert recovery.disk_full == [item_id] and recovery.interrupted == []
    item = outbox.get(item_id)
    assert item.state is ItemState.OUTCOME_UNKNOWN
    assert item.reason == DISK_FULL_REASON != INTERRUPTED_REASON
    assert "disk was full" in item.reason


def test_an_item_of_a_program_that_simply_stopped_is_still_interrupted(full_disk, sending):
    from avatar_desktop.core.store.outbox import INTERRUPTED_REASON

    outbox, item_id, owner = sending
    assert outbox.claim(item_id, owner.owner_id) is not None
    owner.release()
    recovery = outbox.recover(lambda _who: False)
    assert recovery.interrupted == [item_id]
    assert outbox.get(item_id).reason == INTERRUPTED_REASON


def test_a_note_of_a_live_program_is_left_alone(full_disk, sending):
    outbox, item_id, owner = sending
    send_once(outbox, owner, FillingClient(full_disk))
    full_disk.free()
    assert not outbox.recover(lambda _who: True)  # its program still runs and retries
    assert outbox.get(item_id).state is ItemState.SENDING
    assert len(notes(full_disk.folder)) == 1


@pytest.mark.parametrize("note_kept", [True, False])
def test_an_item_settled_elsewhere_meanwhile_is_written_once(full_disk, sending, note_kept):
    outbox, item_id, owner = sending
    sender, _outcome = send_once(outbox, owner, FillingClient(full_disk))
    full_disk.free()
    if not note_kept:
        for name in notes(full_disk.folder):
            (full_disk.folder / name).unlink()
    # Another program took this one for dead: it wrote the task id from the note, or, without
    # one, made the item outcome_unknown.
    outbox.recover(lambda _who: False)
    (stored,) = sender.retry_unsaved()
    assert stored.task_id == "a1" * 16 and not sender.unsaved
    item = outbox.get(item_id)
    assert item.state is ItemState.SUBMITTED and item.task_id == "a1" * 16
    assert TaskStore(outbox.db).count() == 1


# --- the window -----------------------------------------------------------------------------


def by_name(name: str):
    def pick(dialog):
        from PySide6.QtWidgets import QPushButton

        button = dialog.findChild(QPushButton, name)
        assert button is not None and button.isVisible(), f"no {name} button"
        return button

    return pick


def test_window_damaged_file_dialog_moves_it_aside_and_starts_fresh(qtbot, data):
    from test_main_window import answer_modal

    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    garbage_body(path)
    damaged = path.read_bytes()
    with answer_modal(qtbot, by_name("moveAside")) as seen:
        opened = open_database(path)
    assert seen["title"] == "The task list is damaged"
    assert "damaged" in seen["text"] and str(path) in seen["text"]
    assert "left exactly as it is" in seen["text"]
    assert "There is no backup to restore." in seen["informative"]
    assert seen["buttons"] == ["Move it aside and start fresh", "Quit"]  # no backup: no restore
    assert opened is not None and not opened.clean
    with opened.database:
        assert TaskStore(opened.database).count() == 0
    (aside,) = data.glob("tasks.sqlite3.damaged-*[0-9]")
    assert aside.read_bytes() == damaged
    assert aside.name in opened.notice


def test_window_damaged_file_dialog_restores_the_last_good_backup(qtbot, data):
    from test_main_window import answer_modal

    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    store_backup.take_backup(path)
    make_tasks(path, 1, start=5000)  # written after the backup, on the leaf that is lost
    zero_page(path, tasks_leaf_page(path))
    damaged = path.read_bytes()
    with answer_modal(qtbot, by_name("restore")) as seen:
        opened = open_database(path)
    assert "holds 300 task(s)" in seen["informative"]
    assert "Restore the last good backup" in seen["buttons"]
    assert opened is not None
    with opened.database:
        assert TaskStore(opened.database).count() == 300
    (aside,) = data.glob("tasks.sqlite3.damaged-*[0-9]")
    assert aside.read_bytes() == damaged
    assert "restored" in opened.notice


def test_window_damaged_file_dialog_quit_changes_nothing(qtbot, data):
    from test_main_window import answer_modal

    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    garbage_body(path)
    damaged = path.read_bytes()
    with answer_modal(qtbot, by_name("quit")):
        assert open_database(path) is None
    assert path.read_bytes() == damaged
    assert not list(data.glob("*.damaged-*"))


def test_window_full_disk_at_start_says_so_and_tries_again(qtbot, full_disk):
    from test_main_window import answer_modal

    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = full_disk.folder / "tasks.sqlite3"
    full_disk.fill()

    def free_then_retry(dialog):
        full_disk.free()
        return by_name("retry")(dialog)

    with answer_modal(qtbot, free_then_retry) as seen:
        opened = open_database(path)
    assert seen["title"] == "The disk is full"
    assert "is full" in seen["text"] and str(path) in seen["text"]
    assert "Free some space" in seen["informative"]
    assert opened is not None
    opened.database.close()


def test_the_app_with_a_damaged_file_shows_the_dialog_not_a_traceback(tmp_path):
    from test_app import app_env

    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "tasks.sqlite3"
    make_tasks(path, 300)
    zero_page(path, tasks_leaf_page(path))
    damaged = path.read_bytes()
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import sys, time\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication, QPushButton\n"
        "from avatar_desktop.app import main\n"
        "app = QApplication(sys.argv[:1])\n"
        "seen = []\n"
        "deadline = time.monotonic() + 20\n"
        "def poll():\n"
        "    dialog = QApplication.activeModalWidget()\n"
        "    button = dialog.findChild(QPushButton, 'moveAside') if dialog else None\n"
        "    if button is None:\n"
        "        if time.monotonic() > deadline and dialog is not None:\n"
        "            dialog.close()  # not the dialog expected: fail, do not hang\n"
        "        QTimer.singleShot(20, poll)\n"
        "        return\n"
        "    seen.append(dialog.windowTitle())\n"
        "    button.click()\n"
        "    QTimer.singleShot(20, close_window)\n"
        "def close_window():\n"
        "    shown = [w for w in QApplication.topLevelWidgets()\n"
        "             if w.objectName() == 'MainWindow' and w.isVisible()]\n"
        "    if shown:\n"
        "        QTimer.singleShot(500, shown[0].close)  # once it has painted\n"
        "    elif time.monotonic() < deadline:\n"
        "        QTimer.singleShot(20, close_window)\n"
        "    else:\n"
        "        QApplication.quit()\n"
        "QTimer.singleShot(0, poll)\n"
        "code = main([])\n"
        "print('dialog:', seen)\n"
        "sys.exit(code)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(driver)],
        env=app_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert "dialog: ['The task list is damaged']" in result.stdout
    (aside,) = folder.glob("tasks.sqlite3.damaged-*[0-9]")
    assert aside.read_bytes() == damaged
    # The new list holds what the damaged file still had (all but the zeroed page's rows).
    assert 250 < task_count(path) < 300


@pytest.mark.parametrize("damage", ["zeroed page", "not a database"])
def test_the_smoke_test_says_what_is_wrong_and_exits_1_instead_of_waiting(tmp_path, damage):
    """Nobody answers a dialog in a smoke test: it used to wait for ever."""
    from test_app import app_env

    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "tasks.sqlite3"
    make_tasks(path, 300)
    if damage == "zeroed page":
        zero_page(path, tasks_leaf_page(path))
    else:
        path.write_bytes(b"not a database at all, just text" * 100)
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "avatar_desktop", "--smoke-test"],
        env=app_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("avatar-desktop: ") and str(path) in result.stderr
    assert path.read_bytes() == before
    assert not list(folder.glob("tasks.sqlite3.damaged-*"))


def test_a_clean_start_takes_a_backup_off_the_ui_thread(qtbot, data):
    from avatar_desktop.ui.dialogs.storage_dialog import RollingBackup

    path = data / "tasks.sqlite3"
    make_tasks(path, 12)
    backup = RollingBackup(path)
    with qtbot.waitSignal(backup.finished, timeout=10000) as made:
        backup.start()
    assert made.args[0] == data / "backups" / f"tasks-{date.today().isoformat()}.sqlite3"
    assert task_count(made.args[0]) == 12
    backup.stop()


def test_a_backup_stopped_before_it_starts_makes_nothing(qtbot, data):
    from avatar_desktop.ui.dialogs.storage_dialog import RollingBackup

    path = data / "tasks.sqlite3"
    make_tasks(path, 1)
    backup = RollingBackup(path)
    backup.stop()
    backup.start()
    assert not (data / "backups").exists()


def test_what_the_full_disk_kept_from_the_last_run_is_said_at_start(qtbot):
    from PySide6.QtWidgets import QWidget

    from avatar_desktop.core.store.outbox import Recovery
    from avatar_desktop.ui.dialogs.storage_dialog import show_start_recovery, start_recovery_text

    assert start_recovery_text(Recovery(interrupted=[1])) is None  # the window's own message
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_start_recovery(parent, Recovery(disk_full=[3], written={4: "t" * 32}))
    assert box is not None and box.isVisible()
    assert "disk was full" in box.text() and "t" * 32 in box.text()
    assert "closed" not in box.text()
    box.close()


def test_window_shows_a_task_id_the_full_disk_refused_with_copy_until_written(
    qtbot,
    full_disk,
    make_window,  # noqa: F811 (the fixture of test_main_window)
):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from test_crash_safety import HeldService

    task_id = "c0" * 16
    with HeldService(task_id) as held:
        harness = make_window(
            store_path=full_disk.folder / "tasks.sqlite3", sandbox_url=lambda: held.url
        )
        window, banner = harness.window, harness.window.unsaved_banner
        try:
            assert not banner.isVisible()
            item_id = harness.outbox.add(window.config.base_url, request(1))
            window.outbox_runner.submit_item(item_id)
            qtbot.waitUntil(held.arrived.is_set, timeout=10000)
            full_disk.fill()
            held.answer.set()
            qtbot.waitUntil(banner.isVisible, timeout=10000)
            assert banner.ids_label.text() == task_id  # plain text, selectable
            assert banner.ids_label.textFormat() == Qt.TextFormat.PlainText
            assert "disk is full" in banner.label.text()
            qtbot.mouseClick(banner.copy_button, Qt.MouseButton.LeftButton)
            assert QGuiApplication.clipboard().text() == task_id
            assert banner.isVisible()  # copying does not make it go: only writing it does
            full_disk.free()
            qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10000)
            assert harness.store.find(task_id) is not None
            assert harness.outbox.get(item_id).state is ItemState.SUBMITTED
            assert notes(full_disk.folder) == []
        finally:
            full_disk.free()
            banner._ids.clear()  # never leave the quit question for the fixture's close


@pytest.mark.parametrize("answer", ["stay", "copyAndQuit"])
def test_quitting_with_task_ids_not_written_asks_first(qtbot, answer):
    from PySide6.QtGui import QGuiApplication
    from test_main_window import answer_modal

    from avatar_desktop.ui.dialogs.storage_dialog import UnsavedTaskIdsBanner

    banner = UnsavedTaskIdsBanner()
    qtbot.addWidget(banner)
    assert banner.confirm_quit()  # nothing unwritten: no question
    banner.add(7, "d" * 32, disk_full=True)
    QGuiApplication.clipboard().setText("")
    with answer_modal(qtbot, by_name(answer)) as seen:
        quitting = banner.confirm_quit()
    assert "d" * 32 in seen["text"]
    assert quitting is (answer == "copyAndQuit")
    assert (QGuiApplication.clipboard().text() == "d" * 32) is quitting


def index_root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    return int(root)


@pytest.mark.parametrize("choice", ["restore", "moveAside"])
def test_rows_still_readable_in_the_damaged_file_are_brought_back(qtbot, data, choice):
    """A damaged index loses no task: after restoring the backup (or starting afresh), what the
    damaged file still holds and the list lacks is copied over — tasks, outbox jobs, drafts,
    and the form as last typed."""
    from test_main_window import answer_modal

    from avatar_desktop.core.store.drafts import Drafts
    from avatar_desktop.core.store.outbox import Outbox
    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    make_tasks(path, 300)
    store_backup.take_backup(path)
    make_tasks(path, 2, start=5000)  # paid for after the backup
    with store_database.Database(path) as database:
        Outbox(database).add(SERVICE, request(1))
        Drafts(database).save("after the backup", {"avatar_url": "https://x/a.png"})
    zero_page(path, index_root_page(path, "tasks_search"))
    with pytest.raises(store_database.DamagedStore):
        store_database.Database(path)
    with answer_modal(qtbot, by_name(choice)):
        opened = open_database(path)
    assert opened is not None
    with opened.database:
        store = TaskStore(opened.database)
        ids = {r.task_id for r in store.get_many(store.row_ids()).values()}
        assert len(ids) == 302 and f"{5000:032x}" in ids and f"{5001:032x}" in ids
        assert len(Outbox(opened.database).items()) == 1
        assert Drafts(opened.database).find("after the backup") is not None
    tasks = 2 if choice == "restore" else 302  # the backup had 300 of them
    assert f"brought back: {tasks} task(s), 1 outbox job(s), 1 draft(s)" in opened.notice


def test_a_fresh_start_never_replaces_the_days_fuller_backup(data):
    path = data / "tasks.sqlite3"
    make_tasks(path, 5)
    first = store_backup.take_backup(path)
    assert task_count(first) == 5
    store_backup.move_aside(path)  # as after damage: a new list, nearly empty
    make_tasks(path, 1, start=100)
    assert store_backup.take_backup(path) == first
    assert task_count(first) == 5  # the only good copy of the day stays
    make_tasks(path, 9, start=200)  # once the list holds more again, it is backed up
    assert store_backup.take_backup(path) == first and task_count(first) == 10
