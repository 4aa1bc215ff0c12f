"""A data file that only looks fine (issue: defects 1-3): a journal of another database beside
it, a damaged file in WAL mode, an empty file where backups exist. Each is refused before
anything is written, with every file left byte for byte as it was — by the store, by avatar-cli
(one line, exit 1) and by the window (the damaged-file dialog)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from test_cli import cli
from test_main_window import answer_modal
from test_storage import by_name, garbage_body, make_tasks, task_count

from avatar_desktop.core.store import backup as store_backup
from avatar_desktop.core.store.database import DamagedStore, Database, companion_files


@pytest.fixture
def data(tmp_path) -> Path:
    from avatar_desktop.core.paths import data_dir

    return data_dir()


def foreign_journal(path: Path) -> None:
    """The task list with the journal of another database beside it (as after copying a
    backup over the file while an old ``-wal`` stayed)."""
    make_tasks(path, 300)
    other = path.with_name("other.sqlite3")
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.executemany("INSERT INTO notes VALUES (?)", [("x" * 100,)] * 50)
    conn.commit()
    shutil.copyfile(other.with_name("other.sqlite3-wal"), companion_files(path)[0])
    conn.close()
    other.unlink()


def damaged_in_wal_mode(path: Path) -> None:
    make_tasks(path, 300)  # a WAL-mode file, closed: no journal beside it
    garbage_body(path)


def empty_with_backups(path: Path) -> None:
    make_tasks(path, 30)
    store_backup.take_backup(path)
    for companion in companion_files(path):
        companion.unlink(missing_ok=True)
    path.write_bytes(b"")


CASES: dict[str, Callable[[Path], None]] = {
    "foreign journal": foreign_journal,
    "damaged in WAL mode": damaged_in_wal_mode,
    "empty with backups": empty_with_backups,
}


def files_beside(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}


def test_a_foreign_journal_would_replace_the_task_list(data):
    """What the check guards against: SQLite itself happily replays such a journal."""
    path = data / "tasks.sqlite3"
    foreign_journal(path)
    copy = data / "copy"
    copy.mkdir()
    shutil.copy(path, copy / path.name)
    shutil.copy(companion_files(path)[0], copy / companion_files(path)[0].name)
    conn = sqlite3.connect(copy / path.name)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert "notes" in tables and "tasks" not in tables
    alone = sqlite3.connect(path.as_uri() + "?immutable=1", uri=True)  # without the journal
    try:
        assert alone.execute("SELECT count(*) FROM tasks").fetchone() == (300,)
    finally:
        alone.close()


@pytest.mark.parametrize("case", CASES)
def test_the_store_refuses_it_and_writes_nothing(data, case):
    path = data / "tasks.sqlite3"
    CASES[case](path)
    before = files_beside(path)
    with pytest.raises(DamagedStore) as raised:
        Database(path)
    assert raised.value.path == path
    assert files_beside(path) == before  # no -wal / -shm made, nothing rewritten


@pytest.mark.parametrize("case", CASES)
def test_avatar_cli_says_so_in_one_line_and_exits_1(data, case):
    path = data / "tasks.sqlite3"
    CASES[case](path)
    before = files_beside(path)
    result = cli("tasks", "list")
    assert result.code == 1, result.text
    (line,) = result.err.strip().splitlines()
    assert "damaged" in line and str(path) in line
    assert result.out == ""
    assert files_beside(path) == before


@pytest.mark.parametrize("case", CASES)
def test_the_window_shows_the_damaged_file_dialog(qtbot, data, case):
    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    CASES[case](path)
    before = files_beside(path)
    with answer_modal(qtbot, by_name("quit")):
        assert open_database(path) is None
    assert files_beside(path) == before


def test_the_empty_file_offers_the_backup(qtbot, data):
    from avatar_desktop.ui.dialogs.storage_dialog import open_database

    path = data / "tasks.sqlite3"
    empty_with_backups(path)
    with answer_modal(qtbot, by_name("restore")):
        opened = open_database(path)
    assert opened is not None
    with opened.database:
        assert opened.database.path == path
    assert task_count(path) == 30


def test_a_new_file_and_a_file_after_start_fresh_open_as_usual(data):
    path = data / "tasks.sqlite3"
    Database(path).close()  # new: no backups
    make_tasks(path, 3)
    store_backup.take_backup(path)
    path.unlink()
    Database(path).close()  # made afresh by the app (after "move aside"): backups exist
    assert task_count(path) == 0
