"""Files on this computer in the window's form: Browse…, a dropped file, a pasted one; the
field says the file's name and size; Check media looks at the file with no network; Submit
reads it off the UI thread, uploads it (to the sandbox here) and sends its link."""

from __future__ import annotations

import hashlib
import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog
from test_main_window import (  # noqa: F401 (fixtures)
    LEFT,
    harness,
    make_window,
    retype,
    servers,
    translators,
    wait_accepted,
)
from test_media import make_png, make_wav

from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.outbox import ItemState
from avatar_desktop.ui.views import data_size


def _drop(widget, path) -> None:
    """Drop ``path`` on ``widget`` as a file manager does (a drag entering, then the drop)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPointF(widget.rect().center())
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        point.toPoint(), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point, action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0))
    QApplication.sendEvent(widget, drop)


def test_a_photo_and_a_recording_from_the_disk_are_checked_uploaded_and_sent(
    qtbot,
    harness,  # noqa: F811 (the fixture of test_main_window)
    tmp_path,
):
    h = harness
    compose = h.compose
    face = tmp_path / "my photos" / "face.png"
    face.parent.mkdir()
    face.write_bytes(make_png(400, 500))
    voice = tmp_path / "voice 25s.wav"
    voice.write_bytes(make_wav(25))

    # Browse… opens a file dialog; the chosen file becomes the field's value.
    qtbot.mouseClick(compose.avatar.browse_button, LEFT)
    dialog = compose.avatar.file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    dialog.selectFile(str(face))
    dialog.accept()
    qtbot.waitUntil(lambda: compose.avatar.value() == str(face))
    qtbot.waitUntil(lambda: compose.avatar.file_dialog is None)
    info = compose.avatar.file_info
    assert info.isVisible() and info.full_text().startswith(
        f"face.png · {data_size(face.stat().st_size)} · a file on this computer"
    )
    assert info.toolTip() == f"{info.full_text()}\n{face}"
    # Cut to its room, never wider than the field (a long name made the form scroll sideways).
    qtbot.waitUntil(
        lambda: info.fontMetrics().horizontalAdvance(info.text()) <= info.contentsRect().width()
    )
    assert info.width() <= compose.avatar.width()

    # A file dropped on the audio field; then the same field pasted from a file manager.
    _drop(compose.audio.edit, voice)
    assert compose.audio.value() == str(voice) and compose.audio.file_info.isVisible()
    retype(qtbot, compose.audio.edit, "")
    assert not compose.audio.file_info.isVisible()
    copied = QMimeData()
    copied.setUrls([QUrl.fromLocalFile(str(voice))])
    QGuiApplication.clipboard().setMimeData(copied)
    qtbot.mouseClick(compose.audio.paste_button, LEFT)
    assert compose.audio.value() == str(voice)
    qtbot.waitUntil(lambda: h.window.compose_side.submit_button.isEnabled())

    # Check media reads the files themselves: the picture's size, the recording's length.
    side = h.window.compose_side
    with qtbot.waitSignal(side.check_finished, timeout=10000):
        qtbot.mouseClick(side.media_panel.check_button, LEFT)
    reports = side.media_panel.reports()
    assert {role.value: (r.width, r.height) for role, r in reports.items()}["avatar"] == (400, 500)
    assert round(reports[next(r for r in reports if r.value == "audio")].duration) == 25
    assert "voice 25s.wav" in side.media_panel.results.text()

    # Submit: the files are read, uploaded to the sandbox (no storage is set up), and the
    # service gets their links; the task keeps the body sent, the outbox item the files.
    heard: list[tuple[int, str, int, int]] = []
    h.window.outbox_runner.upload_progress.connect(lambda *args: heard.append(args))
    qtbot.mouseClick(side.submit_button, LEFT)
    wait_accepted(qtbot, h, 1)
    (post,) = h.posts()
    sent = post.json()
    digest = hashlib.sha256(face.read_bytes()).hexdigest()
    assert sent["avatar_url"] == f"{h.server.base_url}/media/uploads/{digest}.png"
    assert sent["audio_url"].endswith(".wav") and str(tmp_path) not in json.dumps(sent)
    (item,) = h.outbox.items()
    assert item.state is ItemState.SUBMITTED
    # The upload's progress reached the window, each file to its end.
    ends = {name: (done, total) for _item, name, done, total in heard}
    assert ends == {
        "avatar_url": (face.stat().st_size,) * 2,
        "audio_url": (voice.stat().st_size,) * 2,
    }
    assert item.payload["avatar_url"] == str(face)  # the user's own paths stay with the job
    assert {name: f.path for name, f in item.files.items()} == {
        "avatar_url": face,
        "audio_url": voice,
    }
    assert h.store.get(h.window.tasks.model.record_at(0).row_id).sent_payload == sent
    # The details show the body sent (the links), then where each file came from.
    h.window.tasks.select_row(h.window.tasks.model.record_at(0).row_id)
    shown = h.window.tasks_tab.details.request_text.toPlainText()
    qtbot.waitUntil(
        lambda: sent["avatar_url"] in h.window.tasks_tab.details.request_text.toPlainText()
    )
    shown = h.window.tasks_tab.details.request_text.toPlainText()
    assert shown.endswith(
        f"Uploaded from this computer:\naudio_url: {voice}\navatar_url: {face}"
    ) or shown.endswith(f"Uploaded from this computer:\navatar_url: {face}\naudio_url: {voice}")


def test_without_storage_a_file_says_how_to_set_one_up_and_cannot_be_sent(
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    tmp_path,
    sandbox,
):
    h = make_window(service=ServiceChoice.CUSTOM, server=sandbox)
    compose = h.compose
    face = tmp_path / "face.png"
    face.write_bytes(make_png(400, 400))
    _drop(compose.avatar.edit, face)
    qtbot.waitUntil(compose.avatar.error.isVisible)
    assert "Settings → Storage" in compose.avatar.error.text()
    assert compose.avatar.file_info.isVisible()  # the file is there, it just cannot go
    assert not h.window.compose_side.submit_button.isEnabled()
    # A storage set up (here, in the settings file as Settings → Storage writes it) makes
    # the same file welcome at once.
    h.settings.set_storage_value("endpoint", "https://s3.example.com")
    h.settings.set_storage_value("bucket", "avatars")
    h.window._follow_settings()
    qtbot.waitUntil(lambda: compose.avatar.error.isHidden())


def test_a_changed_file_stops_its_job_until_sent_again_and_the_form_opens_it(
    qtbot,
    harness,  # noqa: F811 (the fixture of test_main_window)
    tmp_path,
):
    from avatar_desktop.core.local_files import FileHome, read_files
    from avatar_desktop.core.request import GenerationRequest
    from avatar_desktop.core.store.outbox import NewItem

    h = harness
    face = tmp_path / "face.png"
    face.write_bytes(make_png(400, 400))
    payload = {"avatar_url": str(face), "audio_url": "https://cdn.example.com/a.mp3"}
    request = GenerationRequest.from_payload(payload, local_files=True)
    files = read_files(payload, FileHome.SANDBOX)
    face.write_bytes(make_png(400, 401))  # edited after it was queued
    (item_id,) = h.outbox.add_many(h.server.base_url, [NewItem(request, files=files)])
    h.window.outbox_runner.tick()
    qtbot.waitUntil(lambda: h.outbox.get(item_id).state is ItemState.REFUSED, timeout=10000)
    assert "changed since the job was queued" in h.outbox.get(item_id).reason
    assert not h.posts()

    # Open in the form: the user's own path comes back, welcome as it is.
    controller = h.window.outbox_tab.controller
    controller.edit(item_id)
    assert h.compose.avatar.value() == str(face)
    qtbot.waitUntil(lambda: h.window.compose_side.submit_button.isEnabled())

    # Send again reads the file as it is now (off the UI thread), then it goes.
    controller.requeue([item_id])
    qtbot.waitUntil(lambda: h.outbox.get(item_id).state is ItemState.SUBMITTED, timeout=10000)
    item = h.outbox.get(item_id)
    assert item.files["avatar_url"].sha256 == hashlib.sha256(face.read_bytes()).hexdigest()
    (post,) = h.posts()
    assert post.json()["avatar_url"].endswith(f"{item.files['avatar_url'].sha256}.png")


def test_an_uploading_item_shows_how_much_of_its_files_is_stored(qtbot, tmp_path):
    from avatar_desktop.core.local_files import FileHome, read_files
    from avatar_desktop.core.request import GenerationRequest
    from avatar_desktop.core.store.database import Database
    from avatar_desktop.core.store.outbox import NewItem, Outbox
    from avatar_desktop.ui.outbox.outbox_panel import OutboxTableModel

    face = tmp_path / "face.png"
    face.write_bytes(make_png(400, 400))
    voice = tmp_path / "voice.wav"
    voice.write_bytes(make_wav(25))
    # The picture in two fields is uploaded once: it counts once.
    payload = {"avatar_url": str(face), "audio_url": str(voice)}
    request = GenerationRequest.from_payload(payload, local_files=True)
    with Database(tmp_path / "t.sqlite3") as db:
        box = Outbox(db)
        (item_id,) = box.add_many(
            "https://api.example.com",
            [NewItem(request, files=read_files(payload, FileHome.STORAGE))],
        )
        assert box.claim(item_id, "f" * 32, "https://api.example.com") is not None
        model = OutboxTableModel(box)
        model.reload()
        state = model.index(0, model.COL_STATE)
        assert model.data(state) == "Uploading…"
        total = face.stat().st_size + voice.stat().st_size
        model.set_upload_progress(item_id, "avatar_url", face.stat().st_size, 0)
        model.set_upload_progress(item_id, "audio_url", total // 2 - face.stat().st_size, 0)
        assert model.data(state) == f"Uploading… {(total // 2) * 100 // total}%"


def test_a_refused_storage_is_said_in_the_outbox_and_send_now_tries_again(
    qtbot,
    make_window,  # noqa: F811 (the fixture of test_main_window)
    memory_keyring,
    tmp_path,
    sandbox,
    s3,
    monkeypatch,
):
    from avatar_desktop.core.local_files import FileHome, read_files
    from avatar_desktop.core.request import GenerationRequest
    from avatar_desktop.core.store.outbox import NewItem
    from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME

    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "a-token")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-at-all-0123456789abcdef")
    h = make_window(service=ServiceChoice.CUSTOM, server=sandbox)
    h.settings.set_storage_value("endpoint", s3.url)
    h.settings.set_storage_value("bucket", s3.bucket)
    h.window._follow_settings()
    face = tmp_path / "face.png"
    face.write_bytes(make_png(400, 400))
    payload = {"avatar_url": str(face), "audio_url": "https://cdn.example.com/a.mp3"}
    request = GenerationRequest.from_payload(payload, local_files=True)
    files = read_files(payload, FileHome.STORAGE)
    (item_id,) = h.outbox.add_many(sandbox.base_url, [NewItem(request, files=files)])
    h.window.outbox_runner.tick()
    panel = h.window.outbox_panel
    qtbot.waitUntil(lambda: "the storage refused its keys" in panel.summary.text(), timeout=10000)
    item = h.outbox.get(item_id)
    assert item.state is ItemState.QUEUED and not h.posts()
    model = panel.model
    qtbot.waitUntil(lambda: bool(model.data(model.index(0, model.COL_REASON))))
    reason = model.data(model.index(0, model.COL_REASON))
    assert reason.startswith("The storage for local files refused its keys or the access")
    assert "Check Settings → Storage, then “Send now”." in reason

    # The keys fixed (here in the environment, as `avatar-cli storage login` would in the
    # keyring): Send now tries the storage again, and the job goes.
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.secret_access_key)
    h.window.main_actions.send_now.trigger()
    qtbot.waitUntil(lambda: h.outbox.get(item_id).state is ItemState.SUBMITTED, timeout=10000)
    qtbot.waitUntil(lambda: "storage refused" not in panel.summary.text())
    assert len(h.posts()) == 1
    # The send's job ends after its item is marked: closing before would ask about a request
    # on its way (a busy machine showed that question at teardown).
    qtbot.waitUntil(lambda: not h.window.outbox_runner.busy)
