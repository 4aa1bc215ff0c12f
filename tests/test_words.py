"""Nothing English in the Chinese interface from the core's values; import problems named by the
form's labels (issue 16, items 13 and 14).

The core keeps English texts and raw field names — ``avatar-cli`` prints them as before — with a
kind beside each, by which the window says them in the user's language. Each rule is tried
through both programs: the window (real widgets, a real sandbox or a closed port, real SQLite)
and real ``avatar-cli`` processes.
"""

from __future__ import annotations

import html
import sqlite3
import types
from pathlib import Path

import test_cli
import test_main_window as shared
from full_disk import FullDisk
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox
from test_cli import cli, write_csv
from test_main_window import AUDIO, AVATAR, LEFT, answer_modal, fill_audio, role, standard
from test_store_migrations import file_of_version

from avatar_desktop.core.importer import NoteKind, read_file
from avatar_desktop.core.request import Problem, ProblemKind, ValidationError
from avatar_desktop.core.service import ErrorKind
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.database import Database, DiskFull, StoreError
from avatar_desktop.core.store.outbox import (
    INTERRUPTED_REASON,
    ItemState,
    Outbox,
    Source,
    WaitKind,
)
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.submission import screen
from avatar_desktop.sandbox import Fault
from avatar_desktop.ui.i18n import error_title, kind_title
from avatar_desktop.ui.outbox.import_dialog import ImportPreviewDialog
from avatar_desktop.ui.outbox.outbox_panel import OutboxTableModel, source_text

make_window = shared.make_window
harness = shared.harness
translators = shared.translators
servers = shared.servers
dead_url = test_cli.dead_url
store = test_cli.store


NOT_SENT_ZH = "无法连接到服务，未发送任何内容。请检查网络连接。"
"""The Chinese of "Could not reach the service; nothing was sent. Check the connection.\""""

# Line 3 has two problems of fields the form shows: an empty avatar URL and a language that is
# neither zh nor en.
BAD_FILE = [
    f"{AVATAR},https://example.com/voice-1.mp3,,,audio_url",
    ",https://example.com/sample.mp3,xx,Hello,create_voice",
    f"{AVATAR},https://example.com/voice-2.mp3,,,audio_url",
]
BAD_FILE_HEADER = "avatar_url,audio_url,language,text,mode"


def cell(model: OutboxTableModel, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> str:
    return model.data(model.index(0, column), role) or ""


def test_a_connection_failure_reads_in_chinese_in_the_outbox(
    qtbot, make_window, memory_keyring, translators, dead_url
):
    """Item 13: the reason "Could not connect to the service (no network, …); nothing was
    sent." stood in English in the Reason column and its tooltip, and "来源：form" beside it."""
    from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME

    translators.apply("zh_CN")
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "a-token")
    h = make_window(service=ServiceChoice.CUSTOM, server=types.SimpleNamespace(base_url=dead_url))
    qtbot.waitUntil(lambda: h.window.token_controller.loaded)
    fill_audio(qtbot, h.window)
    with answer_modal(qtbot, role(QMessageBox.ButtonRole.AcceptRole), required=True):
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)  # keep it in the outbox
    qtbot.waitUntil(lambda: [i.state for i in h.outbox.items()] == [ItemState.RETRY_WAIT])
    (item,) = h.outbox.items()
    # The core keeps its English words (avatar-cli prints them) and their kind.
    assert item.reason is not None and item.reason.startswith("Could not connect")
    assert item.reason_kind is ErrorKind.NOT_SENT and not item.reason_verbatim

    model = h.window.outbox_panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    qtbot.waitUntil(lambda: cell(model, model.COL_REASON) == NOT_SENT_ZH)
    tooltip = cell(model, model.COL_REASON, Qt.ItemDataRole.ToolTipRole)
    assert html.escape(NOT_SENT_ZH) in tooltip and "Could not" not in tooltip
    state = cell(model, model.COL_STATE, Qt.ItemDataRole.ToolTipRole)
    assert html.escape(NOT_SENT_ZH) in state and "Could not" not in state
    # The source is named in the interface's words, not by its stored value "form".
    assert "来源：form" not in state
    assert "来源：" + html.escape(source_text(Source.FORM)) in state
    assert source_text(Source.FORM) == QCoreApplication.translate("OutboxTableModel", "the form")


def test_import_problems_name_the_form_labels_in_chinese(qtbot, harness, translators, tmp_path):
    """Item 14: the import preview said "avatar_url：必填项。" and "create_voice.language：…";
    it names the fields as the form labels them. The queued rows name their file and line."""
    h = harness
    h.window.outbox_runner.pause()
    translators.apply("zh_CN")
    jobs = write_csv(tmp_path / "jobs.csv", BAD_FILE, header=BAD_FILE_HEADER)
    seen: dict[str, str] = {}

    def read_then_queue(dialog):
        for row in range(dialog.table.rowCount()):
            seen[dialog.table.item(row, 0).text()] = dialog.table.item(row, 2).text()
        return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    with answer_modal(qtbot, read_then_queue, timeout=10.0):
        h.window.outbox_tab.controller.import_jobs(jobs)
    problems = seen["3"]
    assert "形象 URL：必填项。" in problems
    assert "语言：请选择中文或英文。" in problems
    assert "。 " not in problems  # Chinese sentences follow one another without a space
    assert "avatar_url" not in problems and "create_voice" not in problems
    assert "language" not in problems

    qtbot.waitUntil(lambda: len(h.outbox.items()) == 2, timeout=5000)
    model = h.window.outbox_panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    state = cell(model, model.COL_STATE, Qt.ItemDataRole.ToolTipRole)
    assert "jobs.csv line 2" not in state
    where = QCoreApplication.translate("OutboxTableModel", "%1, line %2", "an imported file")
    assert "来源：" + where.replace("%2", "2").replace("%1", "jobs.csv") in state


def test_the_command_line_keeps_the_raw_names_and_english_reasons(tmp_path, store, dead_url):
    """avatar-cli is unchanged: raw field names in the problems, stored sources, the English
    reason of a failed send."""
    jobs = write_csv(tmp_path / "jobs.csv", BAD_FILE, header=BAD_FILE_HEADER)
    result = cli("--service", dead_url, "queue", "import", str(jobs), "--skip-invalid")
    assert result.code == 0, result.err
    assert "line 3: avatar_url: is required" in result.err
    assert "create_voice.language: must be" in result.err
    sent = cli("--service", dead_url, "queue", "send", "--concurrency", "1")
    assert sent.code == 4, sent.err
    assert "item 1: retry_wait: Could not connect to the service" in sent.out
    items = cli("queue", "list", "--json").json()
    assert [item["source"] for item in items] == ["jobs.csv line 2", "jobs.csv line 4"]
    assert items[0]["reason"].startswith("Could not connect to the service")
    assert "reason_kind" not in items[0]  # the JSON fields stay as they were


def test_the_services_words_kept_by_the_command_line_read_in_chinese(
    qtbot, sandbox, store, translators, tmp_path
):
    """The service's own words stay verbatim beside the translated explanation; avatar-cli
    prints the words as before."""
    sandbox.inject("submit", Fault(status=400, json_body={"error": {"message": "余额不足"}}))
    jobs = write_csv(tmp_path / "one.csv", [test_cli.row(1)])
    assert cli("--service", sandbox.base_url, "queue", "import", str(jobs)).code == 0
    sent = cli("--service", sandbox.base_url, "queue", "send")
    assert sent.out == "item 1: refused: 余额不足\n"
    (item,) = store.outbox.items()
    assert item.state is ItemState.REFUSED and item.reason == "余额不足"
    translators.apply("zh_CN")
    model = OutboxTableModel(store.outbox)
    assert item.reason_kind is ErrorKind.QUOTA and item.reason_verbatim
    assert cell(model, model.COL_REASON) == "账户余额已用完，请充值后重试。 服务器返回：余额不足"


def test_every_reason_kind_and_source_has_its_own_words(qapp):
    generic = kind_title(ErrorKind.OTHER)
    for kind in ErrorKind:
        if kind is not ErrorKind.OTHER:
            assert kind_title(kind) != generic, kind
    for source in Source:
        assert source_text(source) != source.value
    assert source_text("somewhere else") == "somewhere else"  # another version's value


def test_migration_7_gives_the_reasons_of_before_their_kind(tmp_path):
    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, 6)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for state, reason, wait_kind in (
            ("outcome_unknown", INTERRUPTED_REASON, None),
            ("retry_wait", "Could not connect to the service; nothing was sent.", "unreachable"),
            ("refused", "余额不足", None),
        ):
            conn.execute(
                "INSERT INTO outbox (service_url, payload, payload_hash, state, reason, "
                "wait_kind, created_at, updated_at) VALUES ('https://a.test', '{}', 'h', ?, ?, "
                "?, 0, 0)",
                (state, reason, wait_kind),
            )
    finally:
        conn.close()
    with Database(path) as db:
        kinds = [(i.reason_kind, i.reason_verbatim) for i in Outbox(db).items()]
        waiting = Outbox(db).items()[1].wait_kind
    assert kinds == [(ErrorKind.INTERRUPTED, False), (ErrorKind.NOT_SENT, False), (None, False)]
    assert waiting is WaitKind.UNREACHABLE


class Marking(QTranslator):
    """Marks every text of ``context`` it translates: a text shown unmarked never went
    through translation (it would stay English in Chinese)."""

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return f"«{source_text}»" if context == self.context else ""

    def isEmpty(self) -> bool:
        return False


def test_the_notes_about_an_imported_file_are_translated(qapp, tmp_path):
    """The notes (read as GBK, a column taken for another) were shown in the core's English."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        f"avatar_url,audio_url,lang,text\r\n{AVATAR},{AUDIO},zh,你好\r\n".encode("gbk")
    )
    report = read_file(path)
    assert [note.kind for note in report.notes] == [NoteKind.GBK, NoteKind.COLUMN_SUGGESTION]
    with Database(tmp_path / "d.sqlite3") as db:
        numbered = [(row.line, row.request) for row in report.valid]
        screening = screen(Outbox(db), TaskStore(db), "https://a.test", numbered)
    marking = Marking("ImportDialog")
    qapp.installTranslator(marking)
    try:
        dialog = ImportPreviewDialog(path, report, screening)
        texts = "\n".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.deleteLater()
    finally:
        qapp.removeTranslator(marking)
    assert "«The file is not UTF-8; it was read as GBK (GB18030)" in texts
    assert "«The column “%1” is not known and was ignored; did you mean %2?»" not in texts
    assert "«The column “lang” is not known and was ignored; did you mean language?»" in texts


def test_local_failures_of_a_send_have_their_own_words(qapp):
    invalid = ValidationError([Problem("avatar_url", ProblemKind.EMPTY, "is required")])
    assert error_title(invalid) == kind_title(ErrorKind.INVALID_REQUEST)
    full = DiskFull(Path("tasks.sqlite3"), "no space left")
    assert error_title(full) != error_title(StoreError("could not write"))


def test_a_file_that_cannot_be_imported_is_explained_without_the_cores_english(
    qapp, translators, tmp_path
):
    path = write_csv(tmp_path / "twice.csv", [], header="avatar_url,text,audio_url,text")
    report = read_file(path)
    assert report.file_problem is not None and report.file_problem.column == "text"
    assert "appears twice (columns 2 and 4)" in str(report.file_problem)  # avatar-cli's words
    with Database(tmp_path / "d.sqlite3") as db:
        screening = screen(Outbox(db), TaskStore(db), "https://a.test", [])
    texts = {}
    for language in ("en", "zh_CN"):
        translators.apply(language)
        dialog = ImportPreviewDialog(path, report, screening)
        texts[language] = "\n".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.deleteLater()
    assert "The column “text” appears twice." in texts["en"]
    assert "appears twice (columns 2 and 4)" in texts["en"]  # the detail, beside English
    assert "第 1 行：" in texts["zh_CN"]
    assert "(columns" not in texts["zh_CN"]


def test_an_outbox_action_the_full_disk_refuses_is_explained_in_chinese(
    qtbot, make_window, translators, tmp_path, monkeypatch
):
    """Cancelling a job when the data file cannot be written showed SQLite's English."""
    monkeypatch.setenv("AVATAR_TEST_SIMULATE_FULL_DISK", "1")
    disk = FullDisk(tmp_path, monkeypatch)
    translators.apply("zh_CN")
    h = make_window(store_path=disk.folder / "tasks.sqlite3")
    h.window.outbox_runner.pause()
    item_id = h.outbox.add(h.server.base_url, test_cli.request(1))
    disk.fill()
    try:
        with answer_modal(qtbot, standard(QMessageBox.StandardButton.Ok), required=True) as box:
            h.window.outbox_tab.controller.cancel([item_id])
    finally:
        disk.free()
    full = QCoreApplication.translate(
        "Messages", "The disk holding the task list is full. Free some space, then try again."
    )
    assert box["text"] == full
    assert h.outbox.get(item_id).state is ItemState.QUEUED  # nothing lost


def test_a_tasks_own_error_reads_in_chinese(qtbot, harness, translators):
    """A task's local error (an answer that failed, a link found expired) stood in English in
    the Status tooltip and the details pane of the Chinese window; avatar-cli keeps the text."""
    h = harness
    h.server.inject("task", Fault.server_error(503))
    fill_audio(qtbot, h.window)
    h.window.compose_side.submit_button.click()
    qtbot.waitUntil(lambda: any(r.error for r in h.store.iter_records()), timeout=15000)
    record = h.store.get(h.store.row_ids()[0])
    assert record.error_kind is ErrorKind.SERVER_ERROR
    translators.apply("zh_CN")
    model = h.window.tasks.model
    chinese = kind_title(ErrorKind.SERVER_ERROR)
    assert chinese != "The service, or a proxy in front of it, had a problem. Try again later."

    def status() -> str:  # the list shows the row's error once its watch has seen it
        index = model.index(0, model.COL_STATUS)
        return model.data(index, Qt.ItemDataRole.ToolTipRole) or ""

    qtbot.waitUntil(lambda: html.escape(chinese) in status())
    assert record.error not in status()
    h.window.tasks.select_row(record.row_id)
    details = h.window.tasks_tab.details
    qtbot.waitUntil(lambda: details.error_text.text() == chinese)
    # A link found expired: its own words, not the English the core keeps for avatar-cli.
    h.store.mark_link_expired(record.row_id, "https://x/gone.mp4", "The link has expired.")
    qtbot.waitUntil(lambda: details.error_text.text() == kind_title(ErrorKind.LINK_EXPIRED))
    assert "expired" not in details.error_text.text()


def test_migration_8_gives_the_task_errors_of_before_their_kind(tmp_path):
    from avatar_desktop.core.keeping import LINK_EXPIRED_ERROR
    from avatar_desktop.core.store.tasks import INTERRUPTED_ERROR

    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, 7)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for n, (status, error) in enumerate(
            (
                ("OUTCOME_UNKNOWN", INTERRUPTED_ERROR),
                ("SUCCESS", LINK_EXPIRED_ERROR),
                ("NOT_FOUND", "The service does not know this task."),
                ("IN_PROGRESS", "some older words"),
            )
        ):
            conn.execute(
                "INSERT INTO tasks (task_id, service_url, payload, payload_hash, status, error, "
                "created_at, updated_at) VALUES (?, 'https://a.test', '{}', ?, ?, ?, 0, 0)",
                (f"t-{n}", f"h{n}", status, error),
            )
    finally:
        conn.close()
    with TaskStore(path) as tasks:
        kinds = [tasks.find(f"t-{n}").error_kind for n in range(4)]
    assert kinds == [
        ErrorKind.INTERRUPTED,
        ErrorKind.LINK_EXPIRED,
        ErrorKind.TASK_NOT_FOUND,
        None,
    ]


def test_saving_a_draft_on_a_full_disk_is_explained_in_chinese(
    qtbot, make_window, translators, tmp_path, monkeypatch
):
    """Save as draft (and the other actions of the task list and drafts) showed SQLite's
    English when the data file could not be written."""
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setenv("AVATAR_TEST_SIMULATE_FULL_DISK", "1")
    disk = FullDisk(tmp_path, monkeypatch)
    translators.apply("zh_CN")
    h = make_window(store_path=disk.folder / "tasks.sqlite3")
    fill_audio(qtbot, h.window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("周一", True))
    disk.fill()
    try:
        with answer_modal(qtbot, standard(QMessageBox.StandardButton.Ok), required=True) as box:
            h.window.main_actions.save_draft.trigger()
    finally:
        disk.free()
    full = QCoreApplication.translate(
        "Messages", "The disk holding the task list is full. Free some space, then try again."
    )
    assert box["text"] == full
