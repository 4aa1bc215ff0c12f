"""The outbox and the drafts in the window, as a user meets them: queueing while the service is
unreachable, the outbox following avatar-cli's work by itself, named drafts, Clear form and undo.

Uses the window harness of test_main_window.py (real widgets, a real sandbox, real SQLite) and
real ``avatar-cli`` processes on the same data folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import types

import shiboken6
import test_main_window as shared
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from test_main_window import AUDIO, AVATAR, LEFT, answer_modal, fill_audio, role

from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import ItemState
from avatar_desktop.sandbox import SandboxServer

make_window = shared.make_window
harness = shared.harness
translators = shared.translators
servers = shared.servers


def states(h) -> list[ItemState]:
    return [item.state for item in h.outbox.items()]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "avatar_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_queue_while_offline_then_it_goes_out_by_itself(qtbot, make_window, memory_keyring):
    from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "a-token")
    offline = SandboxServer(port=port, step_seconds=0)  # not started yet: nothing listens
    address = types.SimpleNamespace(base_url=f"http://127.0.0.1:{port}")
    h = make_window(service=ServiceChoice.CUSTOM, server=address)
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    h.window.outbox_runner._timer.setInterval(50)  # probe the host often in a test

    fill_audio(qtbot, h.window)
    with answer_modal(qtbot, role(QMessageBox.ButtonRole.AcceptRole), required=True) as box:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    assert box["title"] == "The service cannot be reached"
    qtbot.waitUntil(lambda: states(h) == [ItemState.RETRY_WAIT])
    qtbot.waitUntil(lambda: "offline" in h.window.status_bar.outbox_label.text())
    # Nine more, prepared offline with "Add to outbox".
    for n in range(9):
        h.compose.audio.edit.setText(f"{AUDIO}?take={n}")
        shared.wait_ready(qtbot, h.window)
        h.window.main_actions.add_to_outbox.trigger()
    assert len(h.outbox.items()) == 10
    qtbot.waitUntil(lambda: "10 waiting" in h.window.status_bar.outbox_label.text(), timeout=3000)

    offline.start()  # the service can be reached again
    try:
        with answer_modal(qtbot, role(QMessageBox.ButtonRole.AcceptRole), timeout=20.0) as asked:
            pass  # more than five at once: the window asks before billing them
        assert "10" in asked["text"]
        qtbot.waitUntil(lambda: states(h) == [ItemState.SUBMITTED] * 10, timeout=20000)
        bodies = [r.body for r in offline.requests if r.path == "/avatar/generation"]
        assert len(bodies) == len(set(bodies)) == 10  # each once
        qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 10, timeout=5000)
    finally:
        h.window.close()
        offline.stop()


def test_the_outbox_follows_avatar_cli_by_itself(qtbot, make_window, sandbox, tmp_path):
    folder = data_dir()
    h = make_window(store_path=folder / "tasks.sqlite3")
    h.window.outbox_runner.policy.auto_send = False  # here the command line does the sending
    panel = h.window.outbox_panel
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        f"avatar_url,audio_url\n{AVATAR},{AUDIO}?a=1\n{AVATAR},{AUDIO}?a=2\n",
        encoding="utf-8",
    )
    env = {**os.environ, "AVATAR_DESKTOP_DATA_DIR": str(folder), "QT_QPA_PLATFORM": "offscreen"}
    imported = cli("--service", sandbox.base_url, "queue", "import", str(jobs), env=env)
    assert imported.returncode == 0, imported.stderr
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=3000)
    assert "2 waiting" in h.window.status_bar.outbox_label.text()

    sent = cli("--service", sandbox.base_url, "queue", "send", env=env)
    assert sent.returncode == 0, sent.stderr
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 2, timeout=3000)
    model = panel.model
    qtbot.waitUntil(
        lambda: {model.data(model.index(r, model.COL_STATE)) for r in range(2)} == {"Submitted"},
        timeout=3000,
    )


def test_the_form_is_autosaved_durably_while_typing(qtbot, harness):
    h = harness
    fill_audio(qtbot, h.window, no_watermark=True)
    expected = h.compose.draft()
    # Read by another connection, as the next start after a kill -9 would.
    with Database(h.store.path) as other:
        qtbot.waitUntil(lambda: Drafts(other).load_autosave() == expected, timeout=5000)


def test_named_drafts_and_clear_form_with_undo(qtbot, harness, monkeypatch):
    h = harness
    fill_audio(qtbot, h.window)
    typed = h.compose.payload()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Monday", True))
    h.window.main_actions.save_draft.trigger()
    assert [d.name for d in Drafts(h.database).named()] == ["Monday"]

    # Clear form, then Ctrl+Z brings everything back; the named draft is untouched.
    qtbot.keyClick(
        h.window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert h.compose.payload()["avatar_url"] == ""
    notice = h.window.compose_side.notice
    assert notice.isVisible() and notice.label.text() == "Form cleared."
    assert notice.undo_button.text() == "Undo clear form"  # the menu entry's words
    # A cleared form is a fresh one: no red "Required." under every empty field.
    assert not h.compose.avatar.error.isVisible() and not h.compose.audio.error.isVisible()
    qtbot.keyClick(h.compose.tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.payload() == typed
    assert Drafts(h.database).find("Monday").content == h.compose.draft()

    # In a text field, Ctrl+Z undoes the typing there first, then the window's step.
    h.window.main_actions.clear_form.trigger()
    qtbot.keyClicks(h.compose.avatar.edit, "x")
    qtbot.keyClick(h.compose.avatar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.payload()["avatar_url"] == ""  # the typing
    qtbot.keyClick(h.compose.avatar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.payload() == typed  # then Clear form
    qtbot.keyClick(h.compose.avatar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.payload() == typed  # nothing left: the field is as it was

    # Clear again and open the named draft from the Drafts dialog.
    h.window.main_actions.clear_form.trigger()

    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.windowTitle() == "Drafts"
        dialog.list.setCurrentRow(0)
        dialog.open_button.click()

    QTimer.singleShot(0, pick)
    h.window.main_actions.open_drafts.trigger()
    assert h.compose.payload() == typed
    assert h.window.statusBar().currentMessage() == "Draft opened: Monday"  # nothing replaced
    assert not notice.isVisible()


def open_draft(qtbot, h, name: str) -> None:
    """Open the named draft ``name`` from the Drafts dialog, as a user does."""

    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.windowTitle() == "Drafts"
        row = next(r for r in range(dialog.list.count()) if name in dialog.list.item(r).text())
        dialog.list.setCurrentRow(row)
        qtbot.mouseClick(dialog.open_button, LEFT)

    QTimer.singleShot(0, pick)
    h.window.main_actions.open_drafts.trigger()


def test_opening_a_draft_over_typed_input_says_so_and_undo_brings_all_of_it_back(
    qtbot, harness, monkeypatch
):
    """Defect 23: the draft replaced what was typed without a word."""
    h = harness
    side, actions = h.window.compose_side, h.window.main_actions
    fill_audio(qtbot, h.window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Monday", True))
    actions.save_draft.trigger()
    saved = h.compose.draft()
    actions.clear_form.trigger()
    # Typed since: a voice id on the third tab, then a cloned voice with the switch on.
    shared.click_tab(qtbot, h.window, 2)
    qtbot.keyClicks(h.compose.engine_id, "engine-7")
    shared.fill_clone(qtbot, h.window, no_watermark=True)
    typed = h.compose.draft()
    assert typed["voice_engine_id"] == "engine-7" and typed["no_watermark"] is True
    h.compose.clone_text.edit.setFocus()  # the user was typing there

    open_draft(qtbot, h, "Monday")
    assert h.compose.draft() == saved
    assert side.notice.isVisible()
    assert side.notice.label.text() == "The draft “Monday” replaced what you had typed."
    assert side.notice.undo_button.text() == "Undo open draft"
    assert actions.undo_clear.text() == "&Undo open draft"  # the Compose menu says the same
    qtbot.mouseClick(side.notice.undo_button, LEFT)
    assert h.compose.draft() == typed  # every tab, the switch and the voice tab
    assert h.compose.tabs.currentIndex() == 1 and h.compose.no_watermark.isChecked()
    assert not side.notice.isVisible()
    assert actions.undo_clear.text() == "&Undo clear form"  # the step before: Clear form

    # Ctrl+Z does the same.
    open_draft(qtbot, h, "Monday")
    assert h.compose.draft() == saved
    # Once the dialog is gone, the focus is out of the text fields (where Ctrl+Z would undo
    # the field's own typing).
    h.window.activateWindow()  # as the window manager does (not the offscreen platform)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is h.compose.tabs.tabBar())
    qtbot.keyClick(h.compose.tabs.tabBar(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.draft() == typed

    # Editing the form ends the notice (the step stays in the menu).
    open_draft(qtbot, h, "Monday")
    qtbot.keyClicks(h.compose.audio.edit, "?v=2")
    assert not side.notice.isVisible() and actions.undo_clear.isEnabled()


def test_clear_form_keeps_what_only_another_tab_held(qtbot, harness):
    """Clear form empties every tab: text only on a tab not shown is kept for its undo too."""
    h = harness
    shared.click_tab(qtbot, h.window, 2)
    qtbot.keyClicks(h.compose.engine_id, "engine-7")
    shared.click_tab(qtbot, h.window, 0)  # an empty tab in front
    typed = h.compose.draft()
    h.window.main_actions.clear_form.trigger()
    assert h.compose.draft()["voice_engine_id"] == ""
    assert h.window.compose_side.notice.isVisible()
    qtbot.keyClick(h.compose.tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.compose.draft() == typed


def test_add_to_outbox_queues_without_sending(qtbot, harness):
    h = harness
    h.window.outbox_runner.pause()
    fill_audio(qtbot, h.window)
    qtbot.keyClick(
        h.compose.audio.edit,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert states(h) == [ItemState.QUEUED]
    assert h.posts() == []
    assert "Added to the outbox" in h.window.statusBar().currentMessage()


def test_importing_a_spreadsheet_previews_then_queues(qtbot, harness, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    h = harness
    h.window.outbox_runner.pause()
    jobs = tmp_path / "jobs.csv"
    rows = [f"{AVATAR},{AUDIO}?n={n},是" for n in range(50)]
    rows.insert(3, f"{AVATAR},not-a-url,否")
    jobs.write_text("\ufeffavatar_url,audio_url,no_watermark\n" + "\n".join(rows) + "\n", "utf-8")

    def accept(dialog):
        assert dialog.table.item(0, 0).text() == "5"  # the invalid row first, by its line
        return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    with answer_modal(qtbot, accept, timeout=10.0) as seen:
        h.window.outbox_tab.controller.import_jobs(jobs)
    assert seen["title"] == "Import jobs"
    qtbot.waitUntil(lambda: len(h.outbox.items()) == 50, timeout=5000)
    assert all(item.payload["no_watermark"] is True for item in h.outbox.items())
    assert h.outbox.items()[0].source == "jobs.csv line 2"
    # The same file again: every row is already queued, so nothing is added.
    with answer_modal(qtbot, lambda d: d.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
        h.window.outbox_tab.controller.import_jobs(jobs)
    assert len(h.outbox.items()) == 50


def test_importing_local_files_on_the_sandbox_uploads_them_there_then_sends(
    qtbot, harness, tmp_path
):
    """The window's import reads the files the rows name, as avatar-cli's does (the core's
    rule); on the built-in sandbox with no storage they go to the sandbox when sent."""
    import hashlib
    import json

    from PySide6.QtWidgets import QDialogButtonBox

    h = harness
    h.window.outbox_runner.pause()
    (tmp_path / "media").mkdir()
    face = tmp_path / "media" / "face.png"
    face.write_bytes(b"\x89PNG" + b"face" * 100)
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(f"avatar_url,audio_url\nmedia/face.png,{face.as_uri()}\n", "utf-8")
    with answer_modal(
        qtbot, lambda dialog: dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ):
        h.window.outbox_tab.controller.import_jobs(jobs)
    qtbot.waitUntil(lambda: len(h.outbox.items()) == 1, timeout=5000)
    (item,) = h.outbox.items()
    sha256 = hashlib.sha256(face.read_bytes()).hexdigest()
    assert set(item.files) == {"avatar_url", "audio_url"}
    assert item.files["avatar_url"].path == face and item.files["avatar_url"].sha256 == sha256
    h.window.outbox_runner.resume()
    qtbot.waitUntil(lambda: states(h) == [ItemState.SUBMITTED], timeout=10000)
    (post,) = h.posts()
    link = f"{h.server.base_url}/media/uploads/{sha256}.png"
    assert json.loads(post.body) == {"avatar_url": link, "audio_url": link, "no_watermark": False}
    assert h.outbox.items()[0].sent_payload == json.loads(post.body)


def ask_about_six(qtbot, make_window, sandbox):
    """A window on a data folder avatar-cli can use, asking whether to send six queued jobs;
    returns the harness, the open question and the environment for avatar-cli."""
    from test_outbox_runner import request

    from avatar_desktop.core.store.outbox import NewItem

    folder = data_dir()
    h = make_window(store_path=folder / "tasks.sqlite3")
    h.outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(6)])
    with answer_modal(qtbot, lambda box: None, timeout=20.0) as seen:
        pass  # six at once: the window asks by itself (and the question stays open)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox))
    assert box.isVisible() and "6 job(s) are ready" in seen["text"]
    assert "built-in sandbox (nothing is billed there)" in seen["text"]
    env = {**os.environ, "AVATAR_DESKTOP_DATA_DIR": str(folder), "QT_QPA_PLATFORM": "offscreen"}
    return h, box, env


def test_the_send_question_names_the_service_and_its_billing(
    qtbot, make_window, sandbox, memory_keyring
):
    from test_outbox_runner import request

    from avatar_desktop.core.settings import ServiceChoice
    from avatar_desktop.core.store.outbox import NewItem
    from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME

    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "tok-1")
    h = make_window(service=ServiceChoice.CUSTOM, server=sandbox)
    h.outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(6)])
    with answer_modal(qtbot, lambda box: box.buttons()[-1], timeout=20.0) as seen:
        pass
    host = sandbox.base_url.split("//", 1)[1]
    assert seen["text"] == f"6 job(s) are ready to send to {host}. Each accepted job is billed."


def test_the_send_question_follows_avatar_cli_and_closes_when_nothing_is_left(
    qtbot, make_window, sandbox
):
    h, box, env = ask_about_six(qtbot, make_window, sandbox)
    first, second = (str(item.item_id) for item in h.outbox.items()[:2])
    for item_id in (first, second):
        cancelled = cli("--service", sandbox.base_url, "queue", "cancel", item_id, env=env)
        assert cancelled.returncode == 0, cancelled.stderr
    qtbot.waitUntil(lambda: "4 job(s) are ready" in box.text(), timeout=10000)
    assert box.windowTitle() == "Send 4 job(s)?"

    sent = cli("--service", sandbox.base_url, "queue", "send", "--yes", env=env)
    assert sent.returncode == 0, sent.stderr
    qtbot.waitUntil(lambda: not shiboken6.isValid(box) or not box.isVisible(), timeout=10000)
    message = h.window.statusBar().currentMessage()
    assert "no longer wait" in message, message
    assert not h.window.outbox_runner.policy.paused  # closing it was not a "Not now"
    assert len(h.posts()) == 4  # avatar-cli's, each once; the window sent nothing


def test_send_them_after_avatar_cli_sent_them_says_so(qtbot, make_window, sandbox):
    h, box, env = ask_about_six(qtbot, make_window, sandbox)
    # The window does not look at the data file while avatar-cli runs (it waits for it here),
    # so the question is still open, as when the user clicks just as another program sends.
    sent = cli("--service", sandbox.base_url, "queue", "send", "--yes", env=env)
    assert sent.returncode == 0, sent.stderr
    assert box.isVisible()
    send = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    send.click()
    message = h.window.statusBar().currentMessage()
    assert "Nothing was sent" in message, message
    assert not h.window.outbox_runner.busy  # nothing went out after the answer
    assert len(h.posts()) == 6  # avatar-cli's, each once
