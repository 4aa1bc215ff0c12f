"""Input that is not a file of jobs, and addresses that are not addresses: refused at once with a
clear reason, by the core, the window and avatar-cli alike (issue: defects 5, 6 and 7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from test_cli import cli
from test_main_window import (  # noqa: F401 (fixtures)
    answer_modal,
    make_window,
    servers,
    translators,
)

from avatar_desktop.core.importer import FileProblemKind, RowIssueKind, parse_csv, read_file
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.service import BaseUrlError, normalize_base_url
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import Outbox

LONG = 200_000  # past the csv module's field limit (131,072 characters)


def _long_header(path: Path) -> Path:
    path.write_text("avatar_url," + "x" * LONG + "\nhttps://e.com/a.png,1\n", "utf-8")
    return path


def test_a_value_past_the_field_limit_is_a_problem_of_its_line():
    report = parse_csv("avatar_url," + "x" * LONG + "\n")
    assert report.file_problem is not None
    assert report.file_problem.kind is FileProblemKind.VALUE_TOO_LONG
    assert report.file_problem.line == 1
    report = parse_csv("avatar_url,audio_url\nhttps://e.com/a.png," + "y" * LONG + "\n")
    assert report.file_problem is None
    (row,) = report.rows
    assert row.line == 2 and row.request is None
    assert [issue.kind for issue in row.issues] == [RowIssueKind.VALUE_TOO_LONG]


def _special_files(tmp_path: Path) -> list[Path]:
    files = [tmp_path, Path(os.devnull)]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "jobs.csv"
        os.mkfifo(fifo)
        files.append(fifo)
        json_fifo = tmp_path / "jobs.json"
        os.mkfifo(json_fifo)
        files.append(json_fifo)
    return files


def test_read_file_refuses_what_is_not_a_regular_file_without_reading(tmp_path):
    for path in _special_files(tmp_path):
        report = read_file(path)  # a pipe would block here for ever
        assert report.file_problem is not None, path
        assert report.file_problem.kind is FileProblemKind.NOT_A_FILE


def test_avatar_cli_refuses_such_files_and_long_lines_with_exit_2(tmp_path):
    for path in [*_special_files(tmp_path), _long_header(tmp_path / "long.csv")]:
        result = cli("--sandbox", "queue", "import", str(path), timeout=30)
        assert result.code == 2, (path, result.err)
        assert "Nothing was queued" in result.err
    assert "line 1: a value is longer than 131,072 characters" in result.err
    with Database(data_dir() / "tasks.sqlite3") as database:
        assert Outbox(database).items() == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_the_windows_import_refuses_a_pipe_and_a_long_line(qtbot, make_window, tmp_path):  # noqa: F811
    h = make_window()
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path, words in (
        (fifo, "This is a folder, a device or a pipe, not a file."),
        (_long_header(tmp_path / "long.csv"), "Line 1: A value is far too long for a cell"),
    ):
        seen_text: list[str] = []

        def look(dialog, seen_text=seen_text):
            seen_text.extend(label.text() for label in dialog.findChildren(QLabel))
            return dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        with answer_modal(qtbot, look, timeout=10.0):
            h.window.outbox_tab.controller.import_jobs(path)
        assert any(words in text for text in seen_text), seen_text
    assert h.outbox.items() == []


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:99999",
        "https://mirror.example.com:0x50",
        "https://mirror example.com",
        "https://mirror.example.com/\tv1",
    ],
)
def test_a_malformed_service_address_is_refused_before_anything_changes(address):
    with pytest.raises(BaseUrlError):
        normalize_base_url(address)
    result = cli("--service", address, "queue", "list")
    assert result.code == 2 and "--service" in result.err
    assert cli("config", "set", "service", address).code == 2
    assert cli("config", "get", "service").out.strip() == "unset"


def test_a_loopback_address_with_a_real_port_is_still_taken():
    assert normalize_base_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert cli("config", "set", "service", "http://127.0.0.1:8765").code == 0
