"""The main window driven like a user would: real widgets, a real sandbox server, real SQLite.

Every test builds its window through :func:`make_window` (a store file and a settings file in the
test's tmp folder, an in-memory keyring) and closes it at the end so the worker threads stop.
Blocking dialogs (``QMessageBox.exec``) are answered by :func:`answer_modal`, which waits for the
modal widget and clicks one of its real buttons.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QInputMethodEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from avatar_desktop.app import LazySandbox
from avatar_desktop.core.config import SANDBOX_TOKEN
from avatar_desktop.core.owners import owner_is_alive
from avatar_desktop.core.request import ClonedVoice, GenerationRequest, Language
from avatar_desktop.core.sandbox_home import SandboxPlace
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import ItemState, Outbox, WaitKind
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.submission import CONSENT_STATEMENT, ConsentGiven, consent_record
from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME, TokenVault
from avatar_desktop.sandbox import Fault, SandboxServer
from avatar_desktop.sandbox.server import VOICES
from avatar_desktop.ui.compose.request_preview import RequestPreviewDialog
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.i18n import Translators
from avatar_desktop.ui.main_window import MainWindow
from avatar_desktop.ui.services import build_services
from avatar_desktop.ui.tasks.task_model import TaskTableModel

AVATAR = "https://cdn.example.com/people/anna.png"
AUDIO = "https://cdn.example.com/tracks/hello.mp3"
SAMPLE = "https://cdn.example.com/voices/anna-sample.wav"
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier

M = TaskTableModel


# -- harness ---------------------------------------------------------------------------------


class Harness:
    """One window with its store, settings and the server it talks to."""

    def __init__(
        self, window: MainWindow, store: TaskStore, settings: AppSettings, server: SandboxServer
    ) -> None:
        self.window = window
        self.store = store
        self.database = store.db
        self.outbox = Outbox(store.db)
        self.settings = settings
        self.server = server

    @property
    def compose(self):
        return self.window.compose_side.compose

    def posts(self) -> list:
        """Every submission the server received."""
        return [r for r in self.server.requests if r.method == "POST"]

    def cell(self, row: int, column: int) -> str:
        model = self.window.tasks.model
        return model.data(model.index(row, column))

    def task_id(self, row: int) -> str | None:
        """The task id of the row (the table shows it in the details and tooltips)."""
        record = self.window.tasks.model.record_at(row)
        return None if record is None else record.task_id


@pytest.fixture
def translators(qapp):
    """The app's translators; English and the original default locale are put back after."""
    saved = QLocale()
    translators = Translators()
    yield translators
    translators.apply("en")
    QLocale.setDefault(saved)


@pytest.fixture
def servers():
    """Extra sandbox servers started by a test (stopped after its windows are closed)."""
    started: list[SandboxServer] = []

    def start(**kwargs: Any) -> SandboxServer:
        server = SandboxServer(step_seconds=0, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def make_window(qtbot, tmp_path, sandbox, servers, memory_keyring, translators):
    """Builds shown windows; closes every one (and its store) at the end of the test.

    ``service=CUSTOM`` with ``server=`` points the window at that server (a "real" service);
    otherwise it uses the ``sandbox`` fixture as its built-in sandbox (``sandbox_url``: another
    one; ``builtin``: a data folder's own, as the app runs it).
    """
    built: list[tuple[MainWindow, Database]] = []

    def make(
        *,
        service: ServiceChoice = ServiceChoice.SANDBOX,
        server: SandboxServer | None = None,
        vault: TokenVault | None = None,
        store_path: Path | None = None,
        settings_path: Path | None = None,
        sandbox_url: Callable[[], str] | None = None,
        session_sandbox: bool = False,
        builtin: LazySandbox | None = None,
    ) -> Harness:
        database = Database(store_path or tmp_path / "t.sqlite3")
        store = TaskStore(database)
        settings = AppSettings(settings_path or tmp_path / "s.ini")
        settings.service = service
        if server is not None and service is ServiceChoice.CUSTOM:
            settings.custom_url = server.base_url
        if session_sandbox:  # what --sandbox does: the sandbox for this run only
            settings.session_override = ServiceChoice.SANDBOX
        # As the app does (app.py): the services first, then the window around them.
        outbox = Outbox(database)
        folder = store_path.parent if store_path else tmp_path
        url = sandbox_url or (lambda: sandbox.base_url)

        def started() -> SandboxPlace:
            return SandboxPlace.at(url())

        services = build_services(
            store=store,
            outbox=outbox,
            vault=vault or TokenVault(memory_keyring, environ={}),
            settings=settings,
            sandbox_place=started if builtin is None else builtin.place,
            data_dir=folder,
            resolve_link=(lambda link: link) if builtin is None else builtin.resolve,
        )
        window = MainWindow(
            services=services,
            store=store,
            outbox=outbox,
            drafts=Drafts(database),
            settings=settings,
            translators=translators,
            sandbox_place=started if builtin is None else builtin.place,
            data_dir=folder,
        )
        built.append((window, database))
        with qtbot.waitExposed(window):
            window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.waitUntil(lambda: "loading" not in window.status_bar.token_label.text())
        return Harness(window, store, settings, server or sandbox)

    yield make
    for window, store in built:
        if not shiboken6.isValid(window):
            store.close()
            continue
        # Settings dialogs left for exit crashed the test process with PySide6 6.12.0 ("shared
        # QObject was deleted directly"; test_dialogs.py checks none is left behind).
        for dialog in window.findChildren(SettingsDialog):
            dialog.deleteLater()
        if not window.submission.closing:
            window.close()
        store.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def harness(make_window) -> Harness:
    """A window on the sandbox."""
    return make_window()


@contextlib.contextmanager
def answer_modal(
    qtbot,
    pick: Callable[[QWidget], QPushButton | None],
    timeout: float = 5.0,
    *,
    required: bool = True,
) -> Iterator[dict[str, Any]]:
    """Expect a modal dialog to open inside the block; ``pick(dialog)`` returns the button to
    click (or None after driving the dialog itself). Yields what was seen: ``title``, ``text``,
    ``informative``, ``clicked``."""
    seen: dict[str, Any] = {}
    earlier = QApplication.activeModalWidget()
    deadline = time.monotonic() + timeout

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is earlier or not dialog.isVisible():
            if time.monotonic() < deadline:
                QTimer.singleShot(10, poll)
            return
        seen["dialog"] = type(dialog).__name__
        seen["title"] = dialog.windowTitle()
        if isinstance(dialog, QMessageBox):
            seen["text"] = dialog.text()
            seen["informative"] = dialog.informativeText()
            seen["buttons"] = [b.text() for b in dialog.buttons()]
        try:
            button = pick(dialog)
            if button is not None:
                seen["clicked"] = button.text()
                qtbot.mouseClick(button, LEFT)
        except BaseException as exc:  # never leave a modal dialog open: the test would hang
            seen["error"] = exc
            dialog.close()

    QTimer.singleShot(0, poll)
    yield seen
    # The dialog may open later (after a worker's answer): wait for it to be answered.
    qtbot.waitUntil(lambda: "dialog" in seen or time.monotonic() > deadline, timeout=10000)
    if "error" in seen:
        raise seen["error"]
    if required:
        assert "dialog" in seen, "the expected modal dialog did not appear"


def role(wanted: QMessageBox.ButtonRole) -> Callable[[QWidget], QPushButton]:
    def pick(box: QWidget) -> QPushButton:
        assert isinstance(box, QMessageBox)
        return next(b for b in box.buttons() if box.buttonRole(b) == wanted)

    return pick


def standard(wanted: QMessageBox.StandardButton) -> Callable[[QWidget], QPushButton]:
    def pick(box: QWidget) -> QPushButton:
        assert isinstance(box, QMessageBox)
        button = box.button(wanted)
        assert button is not None, f"no {wanted} button in {box.windowTitle()!r}"
        return button

    return pick


ACCEPT = role(QMessageBox.ButtonRole.AcceptRole)
CANCEL = standard(QMessageBox.StandardButton.Cancel)


def click_tab(qtbot, window: MainWindow, index: int) -> None:
    bar = window.compose_side.compose.tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert window.compose_side.compose.tabs.currentIndex() == index


def choose_language(qtbot, combo, value: str) -> None:
    """Select ``value`` in a language combo with the keyboard (Home, then Down as needed)."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == value:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == value


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget``: key by key when ASCII, else committed by an input method,
    the way Chinese text arrives (QTest cannot synthesise non-ASCII key presses)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def retype(qtbot, edit, text: str) -> None:
    """Replace a line edit's text by typing, as a user would (select all, type)."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def fill_common(qtbot, window: MainWindow, avatar: str = AVATAR, no_watermark: bool = False):
    qtbot.keyClicks(window.compose_side.compose.avatar.edit, avatar)
    if no_watermark != window.compose_side.compose.no_watermark.isChecked():
        qtbot.keyClick(window.compose_side.compose.no_watermark, Qt.Key.Key_Space)
    assert window.compose_side.compose.no_watermark.isChecked() is no_watermark


def fill_audio(qtbot, window: MainWindow, audio: str = AUDIO, **common: Any) -> None:
    click_tab(qtbot, window, 0)
    fill_common(qtbot, window, **common)
    qtbot.keyClicks(window.compose_side.compose.audio.edit, audio)
    wait_ready(qtbot, window)


def fill_clone(
    qtbot,
    window: MainWindow,
    sample: str | None = None,
    language: str = "en",
    text: str = "Hello from a cloned voice.",
    **common: Any,
) -> str:
    """Fill the clone tab; the sample defaults to the service's own 25-second sample (long
    enough, and reachable for the app's length check). Returns the sample URL."""
    sample = sample or f"{window.config.base_url}/media/samples/voice-25s.wav"
    click_tab(qtbot, window, 1)
    fill_common(qtbot, window, **common)
    qtbot.keyClicks(window.compose_side.compose.sample.edit, sample)
    choose_language(qtbot, window.compose_side.compose.clone_language, language)
    type_text(qtbot, window.compose_side.compose.clone_text.edit, text)
    wait_ready(qtbot, window)
    return sample


def wait_ready(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(window.compose_side.submit_button.isEnabled)


def submit_and_wait(qtbot, h: Harness) -> str:
    """Click Submit and wait for the service's task id; returns it."""
    rows = h.window.tasks.model.rowCount() + 1
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    return wait_accepted(qtbot, h, rows)


def wait_accepted(qtbot, h: Harness, rows: int) -> str:
    """Wait until the table has ``rows`` rows, the newest with the service's task id."""

    def accepted() -> bool:
        return (
            h.window.tasks.model.rowCount() == rows
            and h.task_id(0) not in ("", None)
            and h.window.compose_side.submit_button.isEnabled()
        )

    qtbot.waitUntil(accepted)
    return h.task_id(0)


def visible_error(window: MainWindow) -> str:
    assert window.compose_side.submit_error.isVisible(), "no submission error is shown"
    return window.compose_side.submit_error.text()


# -- submitting each voice mode --------------------------------------------------------------


def test_audio_tab_submits_exactly_the_form(qtbot, harness):
    h = harness
    fill_audio(qtbot, h.window, no_watermark=True)

    task_id = submit_and_wait(qtbot, h)

    (post,) = h.posts()
    assert post.path == "/avatar/generation"
    assert post.header("Authorization") == f"Bearer {SANDBOX_TOKEN}"
    assert post.header("Content-Type") == "application/json"
    assert post.json() == {"avatar_url": AVATAR, "no_watermark": True, "audio_url": AUDIO}
    assert task_id in h.server.tasks
    assert h.window.tasks.model.rowCount() == 1
    assert h.cell(0, M.COL_MODE) == "Audio URL"
    assert h.cell(0, M.COL_STATUS) == "Waiting"
    assert h.cell(0, M.COL_AVATAR) == AVATAR.rsplit("/", 1)[-1]
    (record,) = [h.store.get(i) for i in h.store.row_ids()]
    assert record.task_id == task_id
    assert record.payload == post.json()
    assert task_id in h.window.statusBar().currentMessage()
    assert not h.window.compose_side.submit_error.isVisible()


def test_clone_tab_submits_exactly_the_form_with_consent(qtbot, harness):
    h = harness
    sample = fill_clone(qtbot, h.window, text="你好，世界")

    with answer_modal(qtbot, ACCEPT) as consent:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    wait_accepted(qtbot, h, 1)

    assert consent["title"] == "Speaker's consent"
    assert sample in consent["text"]
    assert consent["clicked"] == "I confirm"
    (post,) = h.posts()
    body = post.json()
    assert body == {
        "avatar_url": AVATAR,
        "no_watermark": False,
        "create_voice": {"audio_url": sample, "language": "en", "text": "你好，世界"},
    }
    assert b'"no_watermark": false' in post.body
    assert h.cell(0, M.COL_MODE) == "Clone voice"
    (row_id,) = h.store.row_ids()
    record = h.store.get(row_id)
    assert record.consent is not None
    assert record.consent["sample_url"] == sample
    assert record.consent["statement"] == CONSENT_STATEMENT
    assert record.consent["confirmed_at"]


def test_clone_consent_cancel_sends_nothing(qtbot, harness):
    h = harness
    sample = fill_clone(qtbot, h.window)

    with answer_modal(qtbot, CANCEL) as consent:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)

    assert consent["title"] == "Speaker's consent"
    assert h.posts() == []
    assert h.store.count() == 0
    assert h.window.tasks.model.rowCount() == 0
    assert h.window.compose_side.submit_button.isEnabled()
    # The form is untouched, and asking again asks for consent again.
    assert h.compose.payload()["create_voice"]["audio_url"] == sample
    with answer_modal(qtbot, CANCEL) as again:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    assert again["title"] == "Speaker's consent"
    assert h.posts() == []


def test_consent_is_asked_once_per_sample_and_stored_each_time(qtbot, harness):
    h = harness
    sample = fill_clone(qtbot, h.window, text="First.")
    with answer_modal(qtbot, ACCEPT):
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    wait_accepted(qtbot, h, 1)

    qtbot.keyClicks(h.compose.clone_text.edit, " Second.")
    wait_ready(qtbot, h.window)
    task_id = submit_and_wait(qtbot, h)  # no dialog: the same sample was confirmed already

    record = next(h.store.get(i) for i in h.store.row_ids() if h.store.get(i).task_id == task_id)
    assert record.consent["sample_url"] == sample
    assert len(h.posts()) == 2


def test_use_voice_tab_picks_a_voice_from_the_sandbox_and_submits(qtbot, harness):
    h = harness
    fill_common(qtbot, h.window)
    click_tab(qtbot, h.window, 2)
    compose = h.compose
    qtbot.waitUntil(lambda: compose.voice_model.rowCount() == len(VOICES))
    assert "fresh from the service" in compose.voice_status.text()
    (voice_get,) = [r for r in h.server.requests if r.path == "/avatar/voice"]
    assert voice_get.header("Authorization") == f"Bearer {SANDBOX_TOKEN}"

    # Search narrows the list; picking fills the ids and the language.
    qtbot.keyClicks(compose.voice_search, "emma")
    qtbot.waitUntil(lambda: compose.voice_proxy.rowCount() == 1)
    index = compose.voice_proxy.index(0, 0)
    qtbot.mouseClick(
        compose.voice_list.viewport(), LEFT, pos=compose.voice_list.visualRect(index).center()
    )
    emma = next(v for v in VOICES if v["name"] == "Emma")
    assert compose.engine_id.text() == emma["voice_engine_id"]
    assert compose.audio_id.text() == emma["audio_id"]
    assert compose.use_language.currentData() == "en"

    qtbot.keyClicks(compose.use_text.edit, "Good morning.")
    wait_ready(qtbot, h.window)
    submit_and_wait(qtbot, h)

    (post,) = h.posts()
    assert post.json() == {
        "avatar_url": AVATAR,
        "no_watermark": False,
        "use_voice": {
            "voice_engine_id": emma["voice_engine_id"],
            "audio_id": emma["audio_id"],
            "language": "en",
            "text": "Good morning.",
        },
    }
    assert h.cell(0, M.COL_MODE) == "Existing voice"
    assert h.cell(0, M.COL_STATUS) == "Waiting"


def test_voice_filter_by_language(qtbot, harness):
    h = harness
    click_tab(qtbot, h.window, 2)
    compose = h.compose
    qtbot.waitUntil(lambda: compose.voice_model.rowCount() == len(VOICES))
    choose_language(qtbot, compose.voice_filter_language, "en")
    english = [v for v in VOICES if v["language"] == "en"]
    qtbot.waitUntil(lambda: compose.voice_model.rowCount() == len(english))
    asked = [r.query for r in h.server.requests if r.path == "/avatar/voice"]
    assert asked[0] == {}  # "All languages" first
    assert asked[-1] == {"language": "en"}


def test_voice_tab_without_a_token_on_a_real_service_says_why_it_is_empty(
    qtbot, make_window, servers
):
    server = servers(token="sk-needed-here")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    assert h.window.status_bar.token_label.text() == "Token: none"
    click_tab(qtbot, h.window, 2)
    status = h.compose.voice_status
    # Nothing can be loaded without a token; the picker must not promise a list forever.
    qtbot.waitUntil(lambda: status.text() != "Loading voices…", timeout=2000)
    assert "token" in status.text().lower()
    assert not [r for r in server.requests if r.path == "/avatar/voice"]


def test_voice_list_is_cached_for_offline_use(qtbot, make_window, servers, tmp_path):
    server = servers()
    first = make_window(sandbox_url=lambda: server.base_url)
    click_tab(qtbot, first.window, 2)
    qtbot.waitUntil(lambda: first.compose.voice_model.rowCount() == len(VOICES))
    assert "fresh from the service" in first.compose.voice_status.text()
    first.window.close()
    # Offline from now on: every connection closes unanswered (and is still counted).
    server.inject("voices", Fault.dropped())

    second = make_window(sandbox_url=lambda: server.base_url)
    compose = second.compose
    assert compose.mode.value == "use_voice"  # the form opens where it was left: the picker
    # The saved list shows at once, without asking the service.
    qtbot.waitUntil(lambda: compose.voice_model.rowCount() == len(VOICES), timeout=10000)
    assert "saved list from" in compose.voice_status.text()
    names = {
        compose.voice_model.item(row).text().split()[0]
        for row in range(compose.voice_model.rowCount())
    }
    assert "Emma" in names

    # Picking works offline too; a refresh asks the service (the only request since the first
    # window) and says the list could not be refreshed. The worker answers in order: once the
    # refresh is answered, nothing asked at start is still on its way.
    index = compose.voice_proxy.index(0, 0)
    qtbot.mouseClick(
        compose.voice_list.viewport(), LEFT, pos=compose.voice_list.visualRect(index).center()
    )
    assert compose.engine_id.text() == VOICES[0]["voice_engine_id"]
    assert "could not refresh" not in compose.voice_status.text()
    qtbot.mouseClick(compose.voice_refresh, LEFT)
    qtbot.waitUntil(lambda: "could not refresh" in compose.voice_status.text(), timeout=8000)
    assert "Showing the saved list" in compose.voice_status.text()
    assert compose.voice_model.rowCount() == len(VOICES)
    assert len(voice_asks(server)) == 2


def voice_asks(server: SandboxServer, language: str | None = None) -> list:
    """The voice-list requests the server received for ``language`` (None: all languages)."""
    return [
        r
        for r in server.requests
        if r.path == "/avatar/voice" and r.query.get("language") == language
    ]


def open_on_the_voice_picker(tmp_path: Path) -> None:
    """The autosaved form opens on "Use an existing voice": the picker wants its list at
    start, before the keyring has answered."""
    database = Database(tmp_path / "t.sqlite3")
    Drafts(database).autosave({"mode": "use_voice"})
    database.close()


def settle_voice_asks(qtbot, h: Harness, server: SandboxServer) -> None:
    """Ask for the English voices and wait until that request reaches the server: the voice
    worker answers in order, so every ask made before it has reached the server too."""
    combo = h.compose.voice_filter_language
    combo.setCurrentIndex(combo.findData("en"))
    qtbot.waitUntil(lambda: bool(voice_asks(server, "en")), timeout=10000)


@pytest.mark.parametrize("start", ["sandbox", "real service", "first run"])
def test_the_voice_list_is_asked_for_once_when_the_token_loads(
    qtbot, make_window, servers, memory_keyring, tmp_path, start
):
    server = servers(token="tok-1") if start == "real service" else servers()
    # Nothing is kept from a failed answer: every ask reaches the server and is counted.
    server.inject("voices", Fault.server_error())
    open_on_the_voice_picker(tmp_path)
    if start == "real service":
        memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "tok-1")
        h = make_window(service=ServiceChoice.CUSTOM, server=server)
    elif start == "first run":  # no service chosen yet and no token: the sandbox is chosen
        h = make_window(service=ServiceChoice.UNSET, sandbox_url=lambda: server.base_url)
    else:
        h = make_window(sandbox_url=lambda: server.base_url)
    assert h.compose.mode.value == "use_voice"
    status = h.compose.voice_status
    qtbot.waitUntil(lambda: "Could not load the voice list" in status.text(), timeout=10000)
    settle_voice_asks(qtbot, h, server)
    assert len(voice_asks(server)) == 1
    if start == "real service":
        assert voice_asks(server)[0].header("Authorization") == "Bearer tok-1"


# -- the form ----------------------------------------------------------------------------------


def test_switching_tabs_keeps_typed_text_and_sends_only_the_current_voice(qtbot, harness):
    h = harness
    compose = h.compose
    fill_common(qtbot, h.window)
    qtbot.keyClicks(compose.audio.edit, AUDIO)
    click_tab(qtbot, h.window, 1)
    qtbot.keyClicks(compose.sample.edit, SAMPLE)
    qtbot.keyClicks(compose.clone_text.edit, "clone text")
    click_tab(qtbot, h.window, 2)
    qtbot.keyClicks(compose.engine_id, "engine-1")
    qtbot.keyClicks(compose.audio_id, "audio-1")
    qtbot.keyClicks(compose.use_text.edit, "use text")

    click_tab(qtbot, h.window, 0)
    assert compose.audio.edit.text() == AUDIO
    assert compose.avatar.edit.text() == AVATAR
    click_tab(qtbot, h.window, 1)
    assert compose.sample.edit.text() == SAMPLE
    assert compose.clone_text.value() == "clone text"
    click_tab(qtbot, h.window, 2)
    assert (compose.engine_id.text(), compose.audio_id.text()) == ("engine-1", "audio-1")
    assert compose.use_text.value() == "use text"

    click_tab(qtbot, h.window, 0)
    wait_ready(qtbot, h.window)
    submit_and_wait(qtbot, h)
    (post,) = h.posts()
    assert post.json() == {"avatar_url": AVATAR, "no_watermark": False, "audio_url": AUDIO}


def test_validation_messages_under_touched_fields_and_submit_tooltip(qtbot, harness):
    window = harness.window
    compose = harness.compose
    assert not window.compose_side.submit_button.isEnabled()
    # Nothing typed yet: no field shouts at the user.
    assert compose.avatar.error.isHidden() and compose.audio.error.isHidden()

    qtbot.keyClicks(compose.avatar.edit, r"C:\Users\anna\Pictures\face.png")
    qtbot.waitUntil(compose.avatar.error.isVisible)
    # A file on this computer is welcome (it goes to the sandbox here), once it is there.
    assert compose.avatar.error.text() == r"There is no file C:\Users\anna\Pictures\face.png."
    assert compose.audio.error.isHidden()  # untouched

    qtbot.keyClicks(compose.audio.edit, "www.example.com/track.mp3")
    qtbot.waitUntil(compose.audio.error.isVisible)
    assert compose.audio.error.text() == "Enter a full web address starting with https://"

    assert not window.compose_side.submit_button.isEnabled()
    assert not window.main_actions.submit.isEnabled()
    tip = window.compose_side.submit_button.toolTip()
    assert tip.startswith("Not ready to submit:")
    assert "Avatar URL: There is no file C:" in tip
    assert "Audio URL: Enter a full web address" in tip

    # Ctrl+Enter does nothing while the form is invalid.
    qtbot.keyClick(compose.audio.edit, Qt.Key.Key_Return, CTRL)
    assert harness.posts() == []

    retype(qtbot, compose.audio.edit, "ftp://example.com/track.mp3")
    qtbot.waitUntil(lambda: "http://" in compose.audio.error.text())
    assert compose.audio.error.text() == "Only http:// and https:// addresses can be used."

    retype(qtbot, compose.avatar.edit, AVATAR)
    retype(qtbot, compose.audio.edit, AUDIO)
    wait_ready(qtbot, window)
    assert compose.avatar.error.isHidden() and compose.audio.error.isHidden()
    assert "Ctrl+Enter" in window.compose_side.submit_button.toolTip()
    assert "sandbox" in window.compose_side.submit_button.toolTip()


def test_a_field_emptied_by_the_user_says_it_is_required(qtbot, harness):
    compose = harness.compose
    qtbot.keyClicks(compose.avatar.edit, "h")
    qtbot.keyClick(compose.avatar.edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(compose.avatar.error.isVisible)
    assert compose.avatar.error.text() == "Required."

    click_tab(qtbot, harness.window, 2)
    qtbot.keyClicks(compose.engine_id, "e")
    qtbot.keyClick(compose.engine_id, Qt.Key.Key_Backspace)
    qtbot.keyClicks(compose.use_text.edit, "x")
    qtbot.keyClick(compose.use_text.edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(compose.use_text.error.isVisible)
    assert compose.use_text.error.text() == "Required."
    # The engine id was touched and emptied just the same: it says so too.
    assert compose.engine_error.isVisible()
    assert compose.engine_error.text() == "Required."


def test_checking_media_on_an_empty_form_shows_every_missing_field(qtbot, harness):
    window, compose = harness.window, harness.compose
    click_tab(qtbot, window, 2)
    assert compose.engine_error.isHidden()  # untouched so far
    assert not window.compose_side.preview_button.isEnabled()
    qtbot.mouseClick(window.compose_side.media_panel.check_button, LEFT)
    assert "Enter valid addresses to check first." in window.statusBar().currentMessage()
    assert compose.avatar.error.text() == "Required."
    assert compose.avatar.error.isVisible()
    assert compose.engine_error.isVisible()
    assert compose.audio_id_error.isVisible()
    assert compose.use_text.error.text() == "Required."
    assert not [r for r in harness.server.requests if r.path.startswith("/media/")]


def test_ctrl_return_submits(qtbot, harness):
    fill_audio(qtbot, harness.window)
    harness.compose.audio.edit.setFocus()
    qtbot.keyClick(harness.compose.audio.edit, Qt.Key.Key_Return, CTRL)
    wait_accepted(qtbot, harness, 1)
    assert len(harness.posts()) == 1


def test_ctrl_enter_in_the_text_box_submits(qtbot, harness):
    # Consent is tested elsewhere; here it is on record (a cancelled item of another service),
    # so no question is in the way.
    sample = f"{harness.window.config.base_url}/media/samples/voice-25s.wav"
    earlier = GenerationRequest(AVATAR, ClonedVoice(sample, Language.EN, "Earlier."))
    consent = consent_record(sample, ConsentGiven.WINDOW)
    harness.outbox.cancel(harness.outbox.add("http://127.0.0.1:1", earlier, consent=consent))
    fill_clone(qtbot, harness.window, text="Line one")
    edit = harness.compose.clone_text.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Enter, CTRL)
    wait_accepted(qtbot, harness, 1)
    assert edit.toPlainText() == "Line one"  # the shortcut did not type a line break
    (post,) = harness.posts()
    assert post.json()["create_voice"]["text"] == "Line one"


# -- duplicates ------------------------------------------------------------------------------


def test_identical_second_submission_asks_and_cancel_sends_nothing(qtbot, harness):
    h = harness
    fill_audio(qtbot, h.window)
    task_id = submit_and_wait(qtbot, h)

    with answer_modal(qtbot, CANCEL) as dialog:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)

    assert dialog["title"] == "Send the same request again?"
    assert "already submitted at " in dialog["text"]
    assert f"as task {task_id}" in dialog["text"]
    assert "billed" not in dialog["text"]  # the sandbox bills nothing
    assert len(h.posts()) == 1
    assert h.store.count() == 1

    # "Send again" is a deliberate choice and does send.
    with answer_modal(qtbot, ACCEPT) as again:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    assert again["clicked"] == "Send again"
    qtbot.waitUntil(lambda: h.store.count() == 2 and h.window.tasks.model.rowCount() == 2)
    qtbot.waitUntil(lambda: len(h.posts()) == 2)
    assert h.posts()[0].body == h.posts()[1].body


def test_duplicate_warning_mentions_billing_on_a_real_service(
    qtbot, make_window, servers, memory_keyring
):
    server = servers(token="real-token-123")
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "real-token-123")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    fill_audio(qtbot, h.window)
    assert "billed" in h.window.compose_side.submit_button.toolTip()
    submit_and_wait(qtbot, h)
    assert h.posts()[0].header("Authorization") == "Bearer real-token-123"

    with answer_modal(qtbot, CANCEL) as dialog:
        qtbot.keyClick(h.compose.audio.edit, Qt.Key.Key_Return, CTRL)
    assert "billed again" in dialog["text"]
    assert len(h.posts()) == 1


# -- faults ----------------------------------------------------------------------------------


def assert_form_intact(h: Harness, *, submit_enabled: bool = True) -> None:
    assert h.compose.payload() == {"avatar_url": AVATAR, "no_watermark": False, "audio_url": AUDIO}
    assert h.window.compose_side.submit_button.isEnabled() is submit_enabled


def test_401_on_a_token_protected_service(qtbot, make_window, servers, memory_keyring):
    server = servers(token="the-right-token")
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "a-wrong-token")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    assert h.window.status_bar.service_label.text() == f"Service: {server.base_url}"
    fill_audio(qtbot, h.window)
    said: list[str] = []
    h.window.statusBar().messageChanged.connect(said.append)

    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible)

    # The outbox tab says why nothing more goes out.
    assert "The service refused the token: sending is paused until it is fixed." in said
    text = visible_error(h.window)
    assert "did not accept the API token" in text
    assert "HTTP status: 401" in text
    assert "无效的令牌" in text  # the server's own words, verbatim
    assert "a-wrong-token" not in text
    assert len(h.posts()) == 1
    assert h.store.count() == 0
    assert h.window.tasks.model.rowCount() == 0
    assert_form_intact(h)


def test_rate_limited(qtbot, harness):
    h = harness
    h.server.inject("submit", Fault.rate_limited("1"), times=1)
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible)

    text = visible_error(h.window)
    assert "too many requests" in text
    assert "HTTP status: 429" in text
    assert "当前分组上游负载已饱和" in text
    assert "waits in the outbox" in text
    assert_form_intact(h)
    (item,) = h.outbox.items()
    assert item.state is ItemState.RETRY_WAIT and item.wait_kind is WaitKind.SERVICE
    # Retry-After is honoured, then the job goes out by itself, once.
    wait_accepted(qtbot, h, 1)
    assert len(h.posts()) == 2
    assert h.outbox.get(item.item_id).state is ItemState.SUBMITTED


def close_outcome_box(qtbot, window: MainWindow) -> str:
    """The non-blocking "Outcome unknown" box: returns its text after clicking OK."""
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    (box,) = boxes
    assert box.windowTitle() == "Outcome unknown"
    text = box.text() + "\n" + box.informativeText()
    qtbot.mouseClick(box.buttons()[0], LEFT)
    qtbot.waitUntil(lambda: not box.isVisible())
    return text


@pytest.mark.parametrize(
    ("fault", "status", "server_words"),
    [
        (Fault.server_error(500), 500, "sandbox: injected HTTP 500 Internal Server Error"),
        (Fault.html_page(502), 502, "502 Bad Gateway"),
    ],
    ids=["500", "html-502"],
)
def test_server_errors(qtbot, harness, fault, status, server_words):
    h = harness
    h.server.inject("submit", fault)
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible)
    qtbot.waitUntil(h.window.compose_side.submit_button.isEnabled)

    text = visible_error(h.window)
    assert "The service, or a proxy in front of it, had a problem" in text
    assert f"HTTP status: {status}" in text
    assert f"The server said: {server_words}" in text
    assert "<html" not in text
    assert len(h.posts()) == 1
    assert_form_intact(h)
    assert h.store.count() == 0
    (item,) = h.outbox.items()
    if status == 502:
        # A gateway's 502 cannot prove that no job exists: kept for the user to decide.
        assert item.state is ItemState.OUTCOME_UNKNOWN
        close_outcome_box(qtbot, h.window)
    else:
        # A 500 with the gateway's JSON is a refusal; the form still holds the request.
        assert item.state is ItemState.CANCELLED
        assert item.reason == server_words


def test_dropped_connection_keeps_the_job_as_outcome_unknown(qtbot, harness):
    h = harness
    h.server.inject("submit", Fault.dropped())
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible)

    text = visible_error(h.window)
    assert "no answer came back" in text
    assert "may have been created and billed" in text
    box_text = close_outcome_box(qtbot, h.window)
    assert "will not resend it on its own" in box_text
    (item,) = h.outbox.items()
    assert item.state is ItemState.OUTCOME_UNKNOWN and item.task_id is None
    panel = h.window.outbox_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.data(panel.model.index(0, panel.model.COL_STATE)) == "Outcome unknown"
    assert h.store.count() == 0
    assert len(h.posts()) == 1  # never retried
    assert_form_intact(h)

    # Sending the same request again needs the user's confirmation.
    h.server.clear_faults()
    with answer_modal(qtbot, CANCEL) as dialog:
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    assert "outcome unknown" in dialog["text"].lower()
    assert len(h.posts()) == 1


def test_closing_during_a_slow_submission(qtbot, harness, tmp_path):
    h = harness
    h.server.inject("submit", Fault.slow(5))
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: len(h.posts()) == 1)
    (item,) = h.outbox.items()
    assert item.state is ItemState.SENDING
    assert not h.window.compose_side.submit_button.isEnabled()
    assert h.window.compose_side.submit_button.text() == "Sending…"

    started = time.monotonic()
    h.window.close()
    elapsed = time.monotonic() - started

    assert elapsed < 4.0
    # While the process lives, its lock says the request may still be answered...
    assert not Outbox(h.database).recover_orphans(lambda owner: owner_is_alive(tmp_path, owner))
    # ...once it has ended (the OS frees the lock), the next program finds it interrupted.
    h.window.outbox_runner.owner.release()
    Outbox(h.database).recover_orphans(lambda owner: owner_is_alive(tmp_path, owner))
    assert h.outbox.get(item.item_id).state is ItemState.OUTCOME_UNKNOWN
    # Destroying the window now must not destroy a running QThread (a Qt warning fails the test).
    with qtbot.waitSignal(h.window.destroyed, timeout=2000):
        h.window.deleteLater()


def test_task_list_survives_a_restart(qtbot, make_window, tmp_path):
    first = make_window()
    fill_audio(qtbot, first.window, no_watermark=True)
    task_id = submit_and_wait(qtbot, first)
    first.window.close()

    second = make_window()
    assert second.window.tasks.model.rowCount() == 1
    assert second.task_id(0) == task_id
    assert second.cell(0, M.COL_MODE) == "Audio URL"
    # Its unfinished task is followed again after the restart, to its video.
    qtbot.waitUntil(lambda: second.cell(0, M.COL_STATUS) == "Done", timeout=10000)
    # The form was kept as a draft, too.
    assert second.compose.payload() == {
        "avatar_url": AVATAR,
        "no_watermark": True,
        "audio_url": AUDIO,
    }


def select_row(qtbot, window: MainWindow, row: int, modifier=Qt.KeyboardModifier.NoModifier):
    table = window.tasks.table
    rect = table.visualRect(window.tasks.model.index(row, M.COL_STATUS))
    qtbot.mouseClick(table.viewport(), LEFT, modifier, rect.center())


def two_tasks(qtbot, h: Harness) -> tuple[str, str]:
    """Submit two audio requests (the second with another track); returns (older, newer)."""
    fill_audio(qtbot, h.window)
    older = submit_and_wait(qtbot, h)
    retype(qtbot, h.compose.audio.edit, "https://cdn.example.com/tracks/second.mp3")
    wait_ready(qtbot, h.window)
    newer = submit_and_wait(qtbot, h)
    return older, newer


def test_copy_task_ids(qtbot, harness):
    h = harness
    older, newer = two_tasks(qtbot, h)
    # The task just submitted is selected.
    assert [r.task_id for r in h.window.tasks.selected_records()] == [newer]
    h.window.tasks.table.clearSelection()
    assert not h.window.main_actions.copy_task_id.isEnabled()
    select_row(qtbot, h.window, 0)
    assert h.window.main_actions.copy_task_id.isEnabled()
    qtbot.keyClick(h.window.tasks.table, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == newer
    message = h.window.statusBar().currentMessage()
    assert "cop" in message.lower() and "1" in message

    select_row(qtbot, h.window, 1, CTRL)
    h.window.main_actions.copy_task_id.trigger()
    assert QGuiApplication.clipboard().text().splitlines() == [newer, older]


def test_use_as_template(qtbot, harness):
    h = harness
    two_tasks(qtbot, h)
    qtbot.keyClick(h.compose.avatar.edit, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert h.compose.avatar.edit.text() == ""
    assert not h.window.compose_side.submit_button.isEnabled()

    select_row(qtbot, h.window, 1)  # the older task
    qtbot.keyClick(h.window.tasks.table, Qt.Key.Key_E, CTRL)
    assert h.compose.payload() == {"avatar_url": AVATAR, "no_watermark": False, "audio_url": AUDIO}
    assert h.window.statusBar().currentMessage()  # says what happened

    # Double-clicking a row does the same, but asks before replacing what the form holds;
    # the mode tab follows the task.
    table = h.window.tasks.table
    rect = table.visualRect(h.window.tasks.model.index(0, M.COL_MODE))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    with answer_modal(qtbot, standard(QMessageBox.StandardButton.No)) as seen:
        qtbot.mouseDClick(table.viewport(), LEFT, pos=rect.center())
    assert seen["title"] == "Replace the form?"
    assert h.compose.audio.edit.text() == AUDIO  # kept
    click_tab(qtbot, h.window, 2)
    with answer_modal(qtbot, standard(QMessageBox.StandardButton.Yes)):
        qtbot.mouseDClick(table.viewport(), LEFT, pos=rect.center())
    assert h.compose.tabs.currentIndex() == 0
    assert h.compose.audio.edit.text() == "https://cdn.example.com/tracks/second.mp3"
    wait_ready(qtbot, h.window)


def test_remove_and_undo(qtbot, harness):
    h = harness
    older, newer = two_tasks(qtbot, h)
    # Delete in a form field edits the field; it does not remove tasks.
    h.compose.audio.edit.setFocus()
    qtbot.keyClick(h.compose.audio.edit, Qt.Key.Key_Delete)
    assert h.store.count() == 2

    select_row(qtbot, h.window, 0)
    h.window.tasks.table.setFocus()
    qtbot.keyClick(h.window.tasks.table, Qt.Key.Key_Delete)
    assert h.window.tasks.model.rowCount() == 1
    assert h.store.count() == 1
    assert h.task_id(0) == older
    message = h.window.statusBar().currentMessage()
    assert "remove" in message.lower() and "1" in message and "Ctrl+Z" in message
    assert h.window.main_actions.undo_remove.isEnabled()

    qtbot.keyClick(h.window.tasks.table, Qt.Key.Key_Z, CTRL)
    assert h.window.tasks.model.rowCount() == 2
    assert h.store.count() == 2
    assert [h.task_id(r) for r in (0, 1)] == [newer, older]
    message = h.window.statusBar().currentMessage()
    assert "restore" in message.lower() and "1" in message
    assert not h.window.main_actions.undo_remove.isEnabled()


def test_each_ctrl_z_undoes_the_newest_step_wherever_the_focus_is(qtbot, harness):
    """Defect 22: Clear form and Remove from list each leave a step to undo; Ctrl+Z undoes the
    newest, then the one before, wherever the focus is, and the menus show which it will be
    (a second press did nothing until the other place was clicked)."""
    h = harness
    a = h.window.main_actions
    undo = QKeySequence(QKeySequence.StandardKey.Undo)
    two_tasks(qtbot, h)
    typed = h.compose.draft()
    assert not a.undo_clear.isEnabled() and not a.undo_remove.isEnabled()

    a.clear_form.trigger()  # the form: first step
    select_row(qtbot, h.window, 0)
    table = h.window.tasks.table
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # the list: the newest step
    assert h.store.count() == 1
    assert a.undo_remove.shortcut() == undo and a.undo_clear.shortcut().isEmpty()
    assert a.undo_clear.isEnabled() and a.undo_clear.text() == "&Undo clear form"

    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert h.store.count() == 2
    assert a.undo_clear.shortcut() == undo and not a.undo_remove.isEnabled()
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)  # the focus is still in the table
    assert h.compose.draft() == typed
    assert not a.undo_clear.isEnabled()

    # The other way round, the focus in the form: the list's step first, then the form's.
    select_row(qtbot, h.window, 0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    a.clear_form.trigger()
    h.compose.tabs.setFocus()
    qtbot.keyClick(h.compose.tabs, Qt.Key.Key_Z, CTRL)
    assert h.compose.draft() == typed and h.store.count() == 1
    qtbot.keyClick(h.compose.tabs, Qt.Key.Key_Z, CTRL)
    assert h.store.count() == 2
    assert not a.undo_clear.isEnabled() and not a.undo_remove.isEnabled()


def test_a_job_in_flight_is_in_the_outbox_and_becomes_a_task(qtbot, harness):
    h = harness
    h.server.inject("submit", Fault.slow(1))
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    panel = h.window.outbox_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.data(panel.model.index(0, panel.model.COL_STATE)) == "Sending…"
    panel.select_item(panel.model.item_at(0).item_id)
    assert not panel.cancel_action.isEnabled()  # it is on its way: nothing to cancel
    assert h.window.tasks.model.rowCount() == 0

    # The job is created (and billed): its task enters the list, and Submit comes back.
    qtbot.waitUntil(lambda: len(h.server.tasks) == 1, timeout=5000)
    (task_id,) = h.server.tasks
    qtbot.waitUntil(lambda: h.window.compose_side.submit_button.isEnabled(), timeout=5000)
    assert [h.store.get(i).task_id for i in h.store.row_ids()] == [task_id]
    assert h.task_id(0) == task_id
    qtbot.waitUntil(
        lambda: panel.model.data(panel.model.index(0, panel.model.COL_STATE)) == "Submitted"
    )


def test_media_check_finds_a_short_voice_sample_and_submit_refuses(qtbot, harness):
    h = harness
    base = h.server.base_url
    fill_clone(
        qtbot,
        h.window,
        avatar=f"{base}/media/samples/avatar.png",
        sample=f"{base}/media/samples/voice-12s.wav",
    )
    panel = h.window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    assert not panel.check_button.isEnabled()
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=10000)

    results = panel.results.text()
    assert "Avatar: image/png" in results
    assert "512×640" in results
    assert "Voice sample: audio/" in results
    assert "✖ The voice sample is 12.0 s long; the service needs at least 20.0 s." in results
    assert "on your computer" not in results  # local addresses are fine on the sandbox
    assert panel.thumbnail.isVisible()

    # Submit refuses (before even asking for consent) and says why.
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    text = visible_error(h.window)
    assert text.startswith("The media check found a problem the service will reject:")
    assert "12.0 s" in text
    assert h.posts() == []

    # Another sample is not blocked by the old finding.
    retype(qtbot, h.compose.sample.edit, f"{base}/media/samples/voice-25s.wav")
    wait_ready(qtbot, h.window)
    with answer_modal(qtbot, ACCEPT):
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: len(h.posts()) == 1)


def test_an_unchecked_short_sample_is_measured_and_refused_on_submit(qtbot, harness):
    """The 20-second minimum is the one documented limit: Submit must not send (and bill) a
    clone request whose sample is too short, even when the user never clicked "Check media"."""
    h = harness
    fill_clone(qtbot, h.window, sample=f"{h.server.base_url}/media/samples/voice-12s.wav")
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible, timeout=10000)
    assert "12.0 s" in h.window.compose_side.submit_error.text()
    assert QApplication.activeModalWidget() is None  # refused before asking for consent
    assert h.posts() == []
    assert h.store.count() == 0


def test_a_second_click_during_the_length_check_does_not_bypass_it(qtbot, harness):
    h = harness
    h.server.inject("media", Fault.slow(1))
    fill_clone(qtbot, h.window, sample=f"{h.server.base_url}/media/samples/voice-12s.wav")
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: any(r.path.startswith("/media/") for r in h.server.requests))
    # Impatient: click again while the sample is still being measured (confirm if asked).
    with answer_modal(qtbot, ACCEPT, timeout=1.0, required=False):
        if h.window.compose_side.submit_button.isEnabled():
            qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(h.window.compose_side.submit_error.isVisible, timeout=10000)
    qtbot.waitUntil(h.window.compose_side.media_panel.check_button.isEnabled, timeout=10000)
    assert h.posts() == [], "a 12-second sample was sent for cloning"


def test_a_clone_sample_finding_does_not_block_the_same_file_as_an_audio_track(qtbot, harness):
    """The 20-second minimum is for voice samples only; a 12-second recording is a fine audio
    track (2 to 300 s), so checking it as a sample must not block it as the track."""
    h = harness
    base = h.server.base_url
    short = f"{base}/media/samples/voice-12s.wav"
    fill_clone(qtbot, h.window, avatar=f"{base}/media/samples/avatar.png", sample=short)
    panel = h.window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=10000)
    assert "✖" in panel.results.text()

    click_tab(qtbot, h.window, 0)
    qtbot.keyClicks(h.compose.audio.edit, short)
    wait_ready(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: len(h.posts()) == 1 or h.window.compose_side.submit_error.isVisible())
    assert not h.window.compose_side.submit_error.isVisible(), (
        h.window.compose_side.submit_error.text()
    )
    wait_accepted(qtbot, h, 1)
    assert h.posts()[0].json()["audio_url"] == short


def test_media_check_can_be_cancelled(qtbot, harness):
    h = harness
    base = h.server.base_url
    h.server.inject("media", Fault.slow(5))
    fill_audio(
        qtbot,
        h.window,
        avatar=f"{base}/media/samples/avatar.png",
        audio=f"{base}/media/samples/voice-3s.wav",
    )
    panel = h.window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    assert panel.cancel_button.isVisible()
    qtbot.waitUntil(lambda: any(r.path.startswith("/media/") for r in h.server.requests))

    started = time.monotonic()
    qtbot.mouseClick(panel.cancel_button, LEFT)
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=8000)
    waited = time.monotonic() - started

    assert "Check cancelled." in panel.results.text()
    assert not panel.cancel_button.isVisible()
    assert h.window.main_actions.check_media.isEnabled()
    assert waited < 1.5, f"cancelling took {waited:.1f} s: it waited for the slow download"


# -- request preview -------------------------------------------------------------------------


def open_preview(qtbot, window: MainWindow) -> RequestPreviewDialog:
    qtbot.mouseClick(window.compose_side.preview_button, LEFT)
    dialog = window.findChild(RequestPreviewDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def curl_parts(curl: str) -> tuple[str, Any]:
    """(the Authorization header, the parsed JSON body) of a curl command."""
    words = shlex.split(curl.replace("\\\n", " "))
    header = next(
        words[i + 1] for i, w in enumerate(words) if w == "-H" and "Authoriz" in words[i + 1]
    )
    body = json.loads(words[words.index("--data-raw") + 1])
    return header, body


def test_request_preview_on_the_sandbox(qtbot, make_window, memory_keyring):
    # The user has a real token, but is on the sandbox: it must not appear anywhere.
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "sk-real-secret-on-sandbox")
    h = make_window()
    assert h.window.status_bar.token_label.text() == "Token: keyring"
    fill_clone(qtbot, h.window, text="Preview me")
    dialog = open_preview(qtbot, h.window)

    payload = h.compose.payload()
    assert json.loads(dialog.json_view.toPlainText()) == payload
    curl = dialog.curl_view.toPlainText()
    header, body = curl_parts(curl)
    assert body == payload
    assert f"{h.server.base_url}/avatar/generation" in curl
    # Either the placeholder, or the sandbox's own (public) token so the command runs as is.
    assert header in (
        "Authorization: Bearer ${AVATAR_API_TOKEN}",
        f"Authorization: Bearer {SANDBOX_TOKEN}",
    )
    assert "sk-real-secret-on-sandbox" not in curl
    assert not (dialog.include_token.isVisible() and dialog.include_token.isEnabled())
    assert h.posts() == []  # a preview sends nothing

    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    qtbot.mouseClick(close, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_request_preview_includes_the_token_only_when_confirmed(
    qtbot, make_window, servers, memory_keyring
):
    token = "sk-preview-secret-0042"
    server = servers(token=token)
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, token)
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    fill_audio(qtbot, h.window, no_watermark=True)
    dialog = open_preview(qtbot, h.window)
    assert json.loads(dialog.json_view.toPlainText()) == h.compose.payload()
    assert token not in dialog.curl_view.toPlainText()
    assert "${AVATAR_API_TOKEN}" in dialog.curl_view.toPlainText()
    assert dialog.include_token.isEnabled()

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.No)) as refused:
        qtbot.keyClick(dialog.include_token, Qt.Key.Key_Space)
    assert refused["title"] == "Include the token?"
    assert not dialog.include_token.isChecked()
    assert token not in dialog.curl_view.toPlainText()

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.Yes)):
        qtbot.keyClick(dialog.include_token, Qt.Key.Key_Space)
    assert dialog.include_token.isChecked()
    header, body = curl_parts(dialog.curl_view.toPlainText())
    assert header == f"Authorization: Bearer {token}"
    assert body == {"avatar_url": AVATAR, "no_watermark": True, "audio_url": AUDIO}

    qtbot.keyClick(dialog.include_token, Qt.Key.Key_Space)  # unticking needs no confirmation
    assert token not in dialog.curl_view.toPlainText()
    dialog.close()


# -- status bar ------------------------------------------------------------------------------


def test_status_bar_and_title_say_sandbox(harness):
    window = harness.window
    assert window.status_bar.service_label.text() == f"SANDBOX — {harness.server.base_url}"
    assert "SANDBOX" in window.windowTitle()
    assert window.banner.isVisible()
    assert "built-in sandbox" in window.banner.label.text()
    assert window.status_bar.token_label.text() == "Token: none"


def test_status_bar_on_a_real_service(make_window, servers, memory_keyring):
    server = servers(token="tok-123456")
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "tok-123456")
    window = make_window(service=ServiceChoice.CUSTOM, server=server).window
    assert window.status_bar.service_label.text() == f"Service: {server.base_url}"
    assert "SANDBOX" not in window.windowTitle()
    assert not window.banner.isVisible()
    assert window.status_bar.token_label.text() == "Token: keyring"


def test_no_token_on_a_real_service_opens_the_token_dialog(qtbot, make_window, servers):
    from avatar_desktop.ui.dialogs.token_dialog import TokenDialog

    server = servers(token="tok-123456")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    assert "No API token is set" in visible_error(h.window)
    dialog = h.window.findChild(TokenDialog)
    assert dialog is not None and dialog.isVisible()
    assert h.posts() == []
    dialog.close()


class _UrlCatcher(QObject):
    """Takes the place of the browser for http(s) links during a test."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_submitted_task_is_followed_to_its_video(qtbot, harness):
    h = harness
    fill_audio(qtbot, h.window, no_watermark=True)
    task_id = submit_and_wait(qtbot, h)
    # Nobody clicks anything: the window asks the sandbox until the task is ready.
    qtbot.waitUntil(lambda: h.cell(0, M.COL_STATUS) == "Done", timeout=8000)
    assert h.window.tasks.model.record_at(0).progress == 100
    # The news of the finished task comes as its own signal, maybe a moment after the row.
    qtbot.waitUntil(lambda: "is done" in h.window.statusBar().currentMessage(), timeout=8000)
    assert h.window.main_actions.open_video.isEnabled()

    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")
    try:
        h.window.main_actions.open_video.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("http")
    # no_watermark was asked for, so the watermark-free video is the one opened
    assert catcher.opened == [f"{h.server.base_url}/media/{task_id}/out_nowm.mp4"]
    h.window.main_actions.copy_video_link.trigger()
    assert QGuiApplication.clipboard().text() == catcher.opened[0]


def test_refresh_asks_about_the_selected_task_now(qtbot, harness):
    h = harness
    h.server.inject("task", Fault.rate_limited("60"))  # the automatic poll is told to wait
    fill_audio(qtbot, h.window)
    submit_and_wait(qtbot, h)
    qtbot.waitUntil(lambda: any(r.path.startswith("/avatar/task/") for r in h.server.requests))
    assert h.cell(0, M.COL_STATUS) == "Waiting"
    h.server.clear_faults()
    asked = len([r for r in h.server.requests if r.path.startswith("/avatar/task/")])
    h.window.tasks.table.selectRow(0)
    h.window.main_actions.refresh.trigger()
    qtbot.waitUntil(lambda: h.cell(0, M.COL_STATUS) == "Done", timeout=5000)
    assert len([r for r in h.server.requests if r.path.startswith("/avatar/task/")]) > asked


def test_only_what_submit_was_clicked_for_is_sent_after_the_length_check(qtbot, harness):
    h = harness
    h.server.inject("media", Fault.slow(1))
    fill_clone(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: any(r.path.startswith("/media/") for r in h.server.requests))
    type_text(qtbot, h.compose.clone_text.edit, " and more")  # typed while it is measured
    qtbot.waitUntil(h.window.compose_side.media_panel.check_button.isEnabled, timeout=10000)
    assert h.posts() == []
    assert "changed" in h.window.statusBar().currentMessage()


def test_quitting_during_a_paid_submission_asks_first(qtbot, make_window, servers, memory_keyring):
    server = servers()
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "a-token")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    server.inject("submit", Fault.slow(2))
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: len(h.posts()) == 1)
    with answer_modal(qtbot, role(QMessageBox.ButtonRole.RejectRole)) as seen:
        h.window.close()
    assert seen["title"] == "A request is on its way"
    assert h.window.isVisible()  # waiting, as chosen
    qtbot.waitUntil(lambda: h.window.tasks.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: h.task_id(0) not in ("", "—"), timeout=5000)
    assert h.store.get(h.store.row_ids()[0]).task_id  # the answer arrived and was kept


def test_searching_voices_does_not_change_the_picked_voice(qtbot, harness):
    h = harness
    click_tab(qtbot, h.window, 2)
    qtbot.waitUntil(lambda: h.compose.voice_model.rowCount() > 2, timeout=5000)
    view = h.compose.voice_list
    first = view.model().index(0, 0)
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.visualRect(first).center())
    picked = (h.compose.engine_id.text(), h.compose.audio_id.text())
    assert all(picked)
    qtbot.keyClicks(h.compose.voice_search, "Leo")  # hides the picked row
    assert (h.compose.engine_id.text(), h.compose.audio_id.text()) == picked


def test_a_long_message_in_the_status_bar_is_read_whole(qtbot, harness):
    """At 1024 px the labels on the right left a long message half its words; now the token
    and service labels step aside while it shows, and the tooltip holds it whole."""
    h = harness
    h.window.resize(1024, 700)
    bar = h.window.status_bar
    qtbot.waitUntil(lambda: h.window.width() <= 1024)
    long = "Nothing to send to Sandbox: 6 job(s) wait for other services " * 2
    bar.showMessage(long, 0)
    assert not bar.token_label.isVisible() and not bar.service_label.isVisible()
    assert long.strip() in bar.toolTip()
    bar.clearMessage()
    assert bar.token_label.isVisible() and bar.service_label.isVisible()
    assert bar.toolTip() == ""
    bar.showMessage("Settings saved.", 0)  # a short one leaves everything in place
    assert bar.token_label.isVisible() and bar.service_label.isVisible()
