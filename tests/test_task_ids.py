"""One rule for what a task id is (``core.request.valid_task_id``), one table of cases run
through the core, the store, the client, the window's dialogs and ``avatar-cli`` processes."""

# ruff: noqa: F811 - the window fixtures come from test_main_window and are used by name

from __future__ import annotations

import pytest
from legacy_rows import legacy_row
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_cli import cli
from test_main_window import (  # noqa: F401 - the fixtures are used by name
    AVATAR,
    harness,
    make_window,
    servers,
    translators,
)

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
from avatar_desktop.core.delivery import Decision, Sender
from avatar_desktop.core.owners import ProcessOwner
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import (
    AudioTrack,
    GenerationRequest,
    InvalidTaskId,
    ProblemKind,
    valid_task_id,
)
from avatar_desktop.core.service import ErrorKind, MissingTaskId
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import ItemState, Outbox, Reason
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.sandbox import Fault
from avatar_desktop.ui.i18n import problem_text
from avatar_desktop.ui.tasks.task_id_dialog import TaskIdDialog

SERVICE = "http://127.0.0.1:1"

VALID = [
    # (typed, stored)
    ("57b9ba07db5e4ed5bf18ebb4179a826d", "57b9ba07db5e4ed5bf18ebb4179a826d"),  # the service's
    ("mirror_task-2025.01:Ab9", "mirror_task-2025.01:Ab9"),  # a mirror's own style
    ("  57b9ba07db5e4ed5bf18ebb4179a826e\t", "57b9ba07db5e4ed5bf18ebb4179a826e"),  # pasted
    ("t" * 128, "t" * 128),
]
INVALID = [
    # (typed, why)
    ("", ProblemKind.EMPTY),
    ("   ", ProblemKind.EMPTY),
    ("abc def", ProblemKind.CONTAINS_SPACE),
    ("t" * 129, ProblemKind.TOO_LONG),
    ("abc\x07def", ProblemKind.INVISIBLE_CHARACTERS),  # a control character
    ("abc/def", ProblemKind.RESERVED_CHARACTER),
    ("abc?def", ProblemKind.RESERVED_CHARACTER),
    ("abc\udcffdef", ProblemKind.LONE_SURROGATE),  # what a byte not UTF-8 in argv becomes
    ("abc\ufffddef", ProblemKind.REPLACEMENT_CHARACTER),  # a character lost in decoding
    ("abc\u200bdef", ProblemKind.INVISIBLE_CHARACTERS),  # zero-width space
]
INVALID_IDS = [typed for typed, _ in INVALID]
TYPABLE_INVALID_IDS = [typed for typed in INVALID_IDS if "\udcff" not in typed]
"""What a field of the window can hold: Qt drops half a surrogate pair (see below)."""


def request(n: int = 0) -> GenerationRequest:
    return GenerationRequest(AVATAR, AudioTrack(f"https://cdn.example.com/{n}.mp3"))


def outcome_unknown_item(outbox: Outbox, n: int = 0) -> int:
    item_id = outbox.add(SERVICE, request(n))
    assert outbox.claim(item_id, "a" * 32) is not None
    assert outbox.mark_outcome_unknown(
        item_id, "a" * 32, Reason("the answer was lost", ErrorKind.OUTCOME_UNKNOWN)
    )
    return item_id


# --- the core ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), VALID)
def test_the_core_accepts_a_task_id_and_strips_it(typed, stored):
    assert valid_task_id(typed) == stored


@pytest.mark.parametrize(("typed", "kind"), INVALID)
def test_the_core_says_why_a_text_is_not_a_task_id(typed, kind):
    with pytest.raises(InvalidTaskId) as caught:
        valid_task_id(typed)
    assert caught.value.problem.kind is kind
    assert str(caught.value).startswith("not a task id: it ")
    assert isinstance(caught.value, ValueError)


# --- the store ----------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path):
    with Database(tmp_path / "t.sqlite3") as db:
        yield db


def test_the_store_keeps_task_ids_as_the_rule_gives_them(database):
    tasks, outbox = TaskStore(database), Outbox(database)
    for n, (typed, stored) in enumerate(VALID):
        if n % 2:
            item_id = outcome_unknown_item(outbox, n)
            row_id = outbox.resolve_submitted(item_id, typed)
            assert outbox.get(item_id).task_id == stored
        else:
            row_id = tasks.add_task(typed, SERVICE, {})
        assert tasks.get(row_id).task_id == stored
        assert tasks.find(stored).row_id == row_id


@pytest.mark.parametrize("typed", INVALID_IDS)
def test_the_store_refuses_what_is_not_a_task_id(database, typed):
    tasks, outbox = TaskStore(database), Outbox(database)
    with pytest.raises(InvalidTaskId):
        tasks.add_task(typed, SERVICE, {})
    item_id = outcome_unknown_item(outbox)
    with pytest.raises(InvalidTaskId):
        outbox.resolve_submitted(item_id, typed)
    assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN
    sending = outbox.add(SERVICE, request(1))
    outbox.claim(sending, "b" * 32)
    with pytest.raises(InvalidTaskId):
        outbox.mark_submitted(sending, "b" * 32, typed)
    assert outbox.get(sending).state is ItemState.SENDING
    # A row whose outcome was unknown keeps it.
    row_id = outbox.resolve_submitted(item_id, "f" * 32)
    with pytest.raises(InvalidTaskId):
        tasks.set_task_id(row_id, typed)
    assert tasks.get(row_id).task_id == "f" * 32
    assert tasks.count() == 1


def test_a_note_never_carries_what_is_not_a_task_id(database, tmp_path):
    outbox = Outbox(database)
    item_id = outbox.add(SERVICE, request())
    outbox.claim(item_id, "c" * 32)
    assert outbox.note_unwritten(item_id, "c" * 32, "abc/def", disk_full=True)
    recovery = outbox.recover(lambda owner: False)
    assert recovery.disk_full == [item_id] and not recovery.written
    assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN


# --- the client -------------------------------------------------------------------------------


def test_an_answer_with_an_unusable_task_id_is_outcome_unknown(sandbox, database, tmp_path):
    sandbox.inject(
        "submit", Fault(json_body={"code": "success", "message": "", "data": "job/1"}), times=1
    )
    with AvatarClient(sandbox.base_url, SANDBOX_TOKEN) as client:
        with pytest.raises(MissingTaskId) as caught:
            client.submit(request())
        assert "'job/1'" in caught.value.user_message and "billed" in caught.value.user_message
        with pytest.raises(InvalidTaskId):
            client.get_task("job/1")
    outbox = Outbox(database)
    item_id = outbox.add(sandbox.base_url, request(2))
    sandbox.inject(
        "submit", Fault(json_body={"code": "success", "message": "", "data": "a b"}), times=1
    )
    config = ServiceConfig(base_url=sandbox.base_url, sandbox=True)
    owner = ProcessOwner(tmp_path / "owner")
    try:
        sender = Sender(
            outbox, owner.owner_id, config.base_url, lambda: config.make_client(SANDBOX_TOKEN)
        )
        outcome = sender.send_next(explicit=True)
    finally:
        owner.release()
    assert outcome.decision is Decision.OUTCOME_UNKNOWN
    assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN
    assert TaskStore(database).count() == 0


# --- the window ---------------------------------------------------------------------------------


def open_dialog(qtbot, h, trigger) -> TaskIdDialog:
    trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in h.window.findChildren(TaskIdDialog)))
    return next(d for d in h.window.findChildren(TaskIdDialog) if d.isVisible())


def test_add_task_by_id_shows_the_cores_reason_and_adds_only_task_ids(qtbot, harness):
    h = harness
    for typed in TYPABLE_INVALID_IDS:
        dialog = open_dialog(qtbot, h, h.window.main_actions.add_task_id.trigger)
        assert not dialog.ok_button.isEnabled()  # an empty field: nothing to add yet
        dialog.edit.setText(typed)
        assert not dialog.ok_button.isEnabled(), typed
        if typed.strip():
            shown = problem_text(problem_of(typed))
            assert dialog.problem.isVisible() and dialog.problem.text() == shown, typed
        dialog.accept()  # Enter in the field: refused too
        assert dialog.isVisible()
        dialog.reject()
    assert h.store.count() == 0
    for typed, stored in VALID:
        dialog = open_dialog(qtbot, h, h.window.main_actions.add_task_id.trigger)
        dialog.edit.setText(typed)
        assert dialog.ok_button.isEnabled() and not dialog.problem.isVisible()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda stored=stored: h.store.find(stored) is not None)
        assert h.window.tasks.current_record().task_id == stored
    assert h.store.count() == len(VALID)
    # The controller's own entry refuses with the same rule (no dialog in between), and says
    # why in a box of its own.
    for typed in INVALID_IDS:
        assert h.window.tasks_tab.controller.add_task(typed) is None
        box = h.window.findChild(QMessageBox)
        assert box is not None and box.isVisible()
        assert box.text() == problem_text(problem_of(typed)), typed
        box.close()
        box.setParent(None)
    assert h.store.count() == len(VALID)


def test_a_field_of_the_window_never_holds_half_a_surrogate_pair(qtbot, harness):
    dialog = open_dialog(qtbot, harness, harness.window.main_actions.add_task_id.trigger)
    dialog.edit.setText("abc\udcffdef")
    assert dialog.edit.text() == "abcdef" and dialog.task_id() == "abcdef"
    dialog.reject()


def test_mark_as_submitted_in_the_task_list_takes_only_task_ids(qtbot, harness):
    h = harness
    row_id = legacy_row(
        h.store, SERVICE, request().to_payload(), LocalStatus.OUTCOME_UNKNOWN, "the answer was lost"
    )
    h.window.tasks.model.reload()
    h.window.tasks.select_row(row_id)
    for typed in TYPABLE_INVALID_IDS:
        dialog = open_dialog(qtbot, h, h.window.main_actions.resolve_task.trigger)
        dialog.edit.setText(typed)
        assert not dialog.ok_button.isEnabled(), typed
        dialog.reject()
    assert h.store.get(row_id).task_id is None
    dialog = open_dialog(qtbot, h, h.window.main_actions.resolve_task.trigger)
    dialog.edit.setText("\t57b9ba07db5e4ed5bf18ebb4179a826d ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.store.get(row_id).task_id == "57b9ba07db5e4ed5bf18ebb4179a826d")
    # The controller's own entry refuses with the same rule, and says why.
    assert not h.window.tasks_tab.controller.mark_submitted(h.store.get(row_id), "abc def")
    box = h.window.findChild(QMessageBox)
    assert box is not None and box.text() == problem_text(problem_of("abc def"))
    box.close()


def test_mark_as_submitted_in_the_outbox_takes_only_task_ids(qtbot, harness):
    h = harness
    item_id = outcome_unknown_item(h.outbox)
    for typed in TYPABLE_INVALID_IDS:
        dialog = open_dialog(qtbot, h, lambda: h.window.outbox_tab.controller.resolve(item_id))
        dialog.edit.setText(typed)
        assert not dialog.ok_button.isEnabled(), typed
        dialog.reject()
    assert h.outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN
    dialog = open_dialog(qtbot, h, lambda: h.window.outbox_tab.controller.resolve(item_id))
    dialog.edit.setText(" mirror_task-2025.01:Ab9 ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.outbox.get(item_id).state is ItemState.SUBMITTED)
    assert h.outbox.get(item_id).task_id == "mirror_task-2025.01:Ab9"


def problem_of(typed: str):
    """What the core says is wrong with ``typed``."""
    with pytest.raises(InvalidTaskId) as caught:
        valid_task_id(typed)
    return caught.value.problem


# --- avatar-cli ---------------------------------------------------------------------------------


@pytest.fixture
def cli_store():
    db = Database(data_dir() / "tasks.sqlite3")
    yield Outbox(db), TaskStore(db)
    db.close()


def test_avatar_cli_takes_the_same_task_ids(cli_store):
    outbox, _ = cli_store
    for typed, stored in VALID:
        added = cli("--service", SERVICE, "tasks", "add", typed)
        assert added.code == 0, added.err
        assert f"task {stored}: added" in added.out
        assert cli("tasks", "show", typed).code == 0
    listed = cli("tasks", "list", "--json").json()
    assert sorted(t["task_id"] for t in listed) == sorted(s for _, s in VALID)
    item_id = outcome_unknown_item(outbox)
    resolved = cli("queue", "resolve", str(item_id), "--task-id", " mirror:7 ")
    assert resolved.code == 0, resolved.err
    assert outbox.get(item_id).task_id == "mirror:7"


@pytest.mark.parametrize(("typed", "kind"), INVALID)
def test_avatar_cli_refuses_the_same_task_ids_with_the_cores_reason(cli_store, typed, kind):
    assert problem_of(typed).kind is kind
    outbox, tasks = cli_store
    item_id = outcome_unknown_item(outbox)
    reason = problem_of(typed).message
    for args in (
        ["--service", SERVICE, "tasks", "add", typed],
        ["queue", "resolve", str(item_id), "--task-id", typed],
        ["tasks", "show", typed],
        ["tasks", "download", typed],
    ):
        result = cli(*args)
        assert result.code == 2, (args, result.err)
        assert f"not a task id: it {reason}" in result.err, result.err
    assert tasks.count() == 0
    assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_dialog_grows_to_show_its_whole_reason(qtbot, translators, language):
    """A new user's trial: the reason under the field was cut to half a line, and the prompt
    lost its last line, as soon as a reason showed."""
    translators.apply(language)
    try:
        dialog = TaskIdDialog(
            "Add task by id",
            "Task id of a job made on the website or on another computer. It is followed on "
            "the service in use now.",
        )
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog):
            dialog.show()
        for typed in ("abc/def", "abc def", "a" * 129):
            dialog.edit.setText(typed)
            label = dialog.problem
            assert label.isVisible() and label.text()
            assert label.height() >= label.heightForWidth(label.width()), typed
            layout = dialog.layout()
            assert dialog.height() >= layout.totalHeightForWidth(dialog.width()), typed
    finally:
        translators.apply("en")
