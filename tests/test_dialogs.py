"""The token dialog, the settings dialog and the live language switch, through the main window.

Uses the window harness of test_main_window.py (real widgets, a real sandbox server, a real
SQLite file, real keyring backends).
"""

from __future__ import annotations

from typing import Any

import keyring.backends.fail
import keyring.backends.null
import pytest
import test_main_window as shared
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolBar,
    QWidget,
)
from test_main_window import (
    AUDIO,
    AVATAR,
    CTRL,
    LEFT,
    Harness,
    answer_modal,
    choose_language,
    fill_audio,
    standard,
    submit_and_wait,
    wait_accepted,
)

from avatar_desktop.core.paths import resource_path
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME, TokenVault
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.dialogs.token_dialog import TokenDialog

# The window fixtures of test_main_window.py.
translators = shared.translators
servers = shared.servers
make_window = shared.make_window
harness = shared.harness


YES = standard(QMessageBox.StandardButton.Yes)
NO = standard(QMessageBox.StandardButton.No)
KEY = (SERVICE_NAME, ACCOUNT_NAME)


# -- helpers ---------------------------------------------------------------------------------


def open_token_dialog(qtbot, h: Harness) -> TokenDialog:
    """Open the token dialog with the banner's button when it shows, else with Ctrl+T."""
    window = h.window
    if window.banner.isVisible():
        button = next(b for b in window.banner.findChildren(QPushButton))
        assert button.text() == "Set a token…"
        qtbot.mouseClick(button, LEFT)
    else:
        qtbot.keyClick(window.compose_side.compose.avatar.edit, Qt.Key.Key_T, CTRL)
    dialog = window.findChild(TokenDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def close_dialog(qtbot, dialog: QWidget) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Close), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def ok_button(dialog: SettingsDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def cancel_button(dialog: SettingsDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)


def select_data(qtbot, combo, value: Any) -> None:
    choose_language(qtbot, combo, value)  # keyboard selection by item data, for any combo


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


# -- token dialog ----------------------------------------------------------------------------


def test_token_is_saved_in_the_keyring_and_read_back(qtbot, harness, memory_keyring):
    h = harness
    dialog = open_token_dialog(qtbot, h)
    assert dialog.current_label.text() == "No token is set."
    assert dialog.token_edit.echoMode() == dialog.token_edit.EchoMode.Password
    assert not dialog.save_button.isEnabled()
    assert not dialog.remove_button.isEnabled()

    qtbot.keyClicks(dialog.token_edit, "sk-live-0123456789abcdef")
    assert dialog.save_button.isEnabled()
    with answer_modal(qtbot, NO) as question:
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert question["title"] == "Use the real service?"

    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    assert memory_keyring.passwords == {KEY: "sk-live-0123456789abcdef"}
    assert dialog.result_label.text() == "Saved in the keyring and read back."
    assert dialog.token_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.current_label.text() == "A token is saved in the keyring.")
    assert dialog.remove_button.isEnabled()
    # Still on the sandbox, as answered.
    assert h.window.config.sandbox
    assert h.window.status_bar.service_label.text().startswith("SANDBOX")
    assert "Choose the real service in Settings" in h.window.banner.label.text()

    qtbot.mouseClick(dialog.remove_button, LEFT)
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: none")
    assert memory_keyring.passwords == {}
    assert dialog.result_label.text() == "The token was removed."
    close_dialog(qtbot, dialog)


def test_a_pasted_bearer_header_saves_just_the_token(qtbot, harness, memory_keyring):
    h = harness
    dialog = open_token_dialog(qtbot, h)
    dialog.token_edit.setText("  Bearer sk-live-0123456789abcdef\n")
    assert dialog.save_button.isEnabled()
    with answer_modal(qtbot, NO):
        qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    assert memory_keyring.passwords == {KEY: "sk-live-0123456789abcdef"}
    close_dialog(qtbot, dialog)


def test_saving_a_token_offers_to_switch_to_the_real_service(qtbot, harness, memory_keyring):
    h = harness
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-live-switch-me-42")
    with answer_modal(qtbot, YES) as question:
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert "billed" in question["text"]
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    assert not h.window.config.sandbox
    assert h.window.status_bar.service_label.text() == "Service: https://api.gpt.ge"
    assert "SANDBOX" not in h.window.windowTitle()
    assert not h.window.banner.isVisible()
    assert AppSettings(h.settings.path).service is ServiceChoice.DEFAULT
    close_dialog(qtbot, dialog)


def test_environment_token_is_shown_as_the_source(qtbot, make_window, memory_keyring, monkeypatch):
    monkeypatch.setenv("AVATAR_API_TOKEN", "sk-from-the-environment-1")
    h = make_window(vault=TokenVault(memory_keyring))
    assert h.window.status_bar.token_label.text() == "Token: AVATAR_API_TOKEN variable"
    dialog = open_token_dialog(qtbot, h)
    assert "AVATAR_API_TOKEN environment variable" in dialog.current_label.text()
    assert not dialog.remove_button.isEnabled()  # the keyring cannot remove a variable
    assert "sk-from-the-environment-1" not in dialog.current_label.text()
    close_dialog(qtbot, dialog)


def test_a_token_with_a_line_break_is_refused(qtbot, harness, memory_keyring):
    h = harness
    dialog = open_token_dialog(qtbot, h)
    QGuiApplication.clipboard().setText("sk-first-half\nsecond-half")
    dialog.token_edit.setFocus()
    qtbot.keyClick(dialog.token_edit, Qt.Key.Key_V, CTRL)
    assert dialog.token_edit.text() != ""
    assert dialog.token_error.isVisible()
    assert dialog.token_error.text() == "The token contains spaces or line breaks; paste it again."
    assert not dialog.save_button.isEnabled()
    assert not dialog.session_button.isEnabled()

    # Leading and trailing line breaks (a sloppy copy) are trimmed, not refused.
    retype(qtbot, dialog.token_edit, "sk-clean-token-99")
    assert not dialog.token_error.isVisible()
    assert dialog.save_button.isEnabled()
    assert memory_keyring.passwords == {}
    close_dialog(qtbot, dialog)


def test_token_test_succeeds_against_the_sandbox(qtbot, make_window, sandbox):
    h = make_window(service=ServiceChoice.CUSTOM, server=sandbox)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-any-token-works-here")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result_label.text() != "Testing…")

    assert dialog.result_label.text() == f"The token works: {sandbox.base_url} accepted it."
    assert "2e7d32" in dialog.result_label.styleSheet()  # green
    (call,) = [r for r in sandbox.requests if r.path == "/avatar/voice"]
    assert call.method == "GET"
    assert call.header("Authorization") == "Bearer sk-any-token-works-here"
    assert not [r for r in sandbox.requests if r.method == "POST"]  # a test costs nothing
    assert dialog.test_button.isEnabled()
    close_dialog(qtbot, dialog)


def test_token_test_fails_with_a_wrong_token(qtbot, make_window, servers):
    server = servers(token="sk-the-right-one")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-the-wrong-one")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result_label.text() != "Testing…")

    text = dialog.result_label.text()
    assert text.startswith("The token test failed.")
    assert "did not accept the API token" in text
    assert "HTTP status: 401" in text
    assert "sk-the-wrong-one" not in text
    assert "c62828" in dialog.result_label.styleSheet()  # red
    close_dialog(qtbot, dialog)


@pytest.mark.parametrize(
    ("backend", "problem"),
    [
        (keyring.backends.fail.Keyring, "No system keyring is installed"),
        (keyring.backends.null.Keyring, "switched off"),
    ],
    ids=["fail", "null"],
)
def test_without_a_keyring_the_token_is_kept_for_the_session(
    qtbot, make_window, backend, problem, tmp_path
):
    h = make_window(vault=TokenVault(backend(), environ={}))
    dialog = open_token_dialog(qtbot, h)
    qtbot.waitUntil(lambda: "session only" in dialog.backend_label.text())
    text = dialog.backend_label.text()
    assert problem in text
    assert text.count("cannot be saved") <= 1  # said once, not in two wordings

    qtbot.keyClicks(dialog.token_edit, "sk-session-only-7")
    assert not dialog.save_button.isEnabled()
    assert dialog.session_button.isEnabled()
    with answer_modal(qtbot, NO):
        qtbot.mouseClick(dialog.session_button, LEFT)
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: this session only")
    assert dialog.result_label.text() == "Kept for this session only."
    assert dialog.token_edit.text() == ""
    close_dialog(qtbot, dialog)
    h.window.close()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"sk-session-only-7" not in path.read_bytes(), path


def test_the_token_never_reaches_the_settings_or_the_task_list(
    qtbot, make_window, servers, memory_keyring, tmp_path
):
    token = "sk-never-on-disk-31337"
    server = servers(token=token)
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, token)
    qtbot.mouseClick(dialog.save_button, LEFT)  # on a real service: no question
    qtbot.waitUntil(lambda: h.window.status_bar.token_label.text() == "Token: keyring")
    close_dialog(qtbot, dialog)
    assert memory_keyring.passwords == {KEY: token}

    fill_audio(qtbot, h.window)
    submit_and_wait(qtbot, h)
    assert h.posts()[0].header("Authorization") == f"Bearer {token}"
    h.window.close()
    h.store.close()

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "s.ini" in names and "t.sqlite3" in names
    for path in files:
        assert token.encode() not in path.read_bytes(), path


# -- settings dialog -------------------------------------------------------------------------


def test_settings_refuse_plain_http_to_another_computer(qtbot, tmp_path):
    settings = AppSettings(tmp_path / "s.ini")
    dialog = SettingsDialog(settings, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.custom_url.isEnabled()

    select_data(qtbot, dialog.service, ServiceChoice.CUSTOM)
    assert dialog.custom_url.isEnabled()
    qtbot.keyClicks(dialog.custom_url, "http://mirror.example.com")
    assert dialog.url_error.isVisible()
    assert dialog.url_error.text().startswith("Use https://; plain http://")
    assert not ok_button(dialog).isEnabled()

    retype(qtbot, dialog.custom_url, "ftp://mirror.example.com")
    # It says what is accepted, this computer's http:// addresses included (as used below).
    assert dialog.url_error.text() == (
        "Enter a full address: https://…, or http://… for this computer only "
        "(127.0.0.1, localhost)."
    )
    assert not ok_button(dialog).isEnabled()

    retype(qtbot, dialog.custom_url, "http://127.0.0.1:8080")  # this computer: allowed
    assert not dialog.url_error.isVisible()
    assert ok_button(dialog).isEnabled()

    retype(qtbot, dialog.custom_url, "https://mirror.example.com/")
    assert ok_button(dialog).isEnabled()
    qtbot.mouseClick(ok_button(dialog), LEFT)
    reread = AppSettings(tmp_path / "s.ini")
    assert reread.service is ServiceChoice.CUSTOM
    assert reread.custom_url == "https://mirror.example.com"


def test_settings_dialog_from_the_window_cancel_changes_nothing(qtbot, harness):
    h = harness
    seen: dict[str, Any] = {}

    def drive(dialog: QWidget) -> QPushButton:
        assert isinstance(dialog, SettingsDialog)
        select_data(qtbot, dialog.service, ServiceChoice.CUSTOM)
        qtbot.keyClicks(dialog.custom_url, "http://192.168.1.20:3000")
        seen["error"] = dialog.url_error.text()
        seen["ok"] = ok_button(dialog).isEnabled()
        return cancel_button(dialog)

    with answer_modal(qtbot, drive) as shown:
        qtbot.keyClick(h.compose.avatar.edit, Qt.Key.Key_Comma, CTRL)
    assert shown["title"] == "Settings"
    assert "plain http://" in seen["error"]
    assert seen["ok"] is False
    assert h.window.config.sandbox
    assert h.window.status_bar.service_label.text().startswith("SANDBOX")
    assert AppSettings(h.settings.path).service is ServiceChoice.SANDBOX


def test_settings_switch_to_a_custom_service(qtbot, make_window, servers, memory_keyring):
    server = servers(token="sk-mirror-token-5")
    memory_keyring.set_password(SERVICE_NAME, ACCOUNT_NAME, "sk-mirror-token-5")
    h = make_window()
    assert h.window.config.sandbox

    def drive(dialog: QWidget) -> QPushButton:
        select_data(qtbot, dialog.service, ServiceChoice.CUSTOM)
        retype(qtbot, dialog.custom_url, server.base_url + "/")
        return ok_button(dialog)

    with answer_modal(qtbot, drive):
        h.window.main_actions.settings.trigger()
    assert h.window.status_bar.service_label.text() == f"Service: {server.base_url}"
    assert "SANDBOX" not in h.window.windowTitle()
    assert "Settings saved." in h.window.statusBar().currentMessage()

    # The next submission goes to the custom service with the keyring's token.
    fill_audio(qtbot, h.window)
    h.server = server
    submit_and_wait(qtbot, h)
    (post,) = [r for r in server.requests if r.method == "POST"]
    assert post.header("Authorization") == "Bearer sk-mirror-token-5"


def test_settings_dialog_shows_and_keeps_the_current_values(qtbot, make_window, servers):
    server = servers()
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    h.settings.read_timeout = 90
    seen: dict[str, Any] = {}

    def drive(dialog: QWidget) -> QPushButton:
        seen["service"] = dialog.service.currentData()
        seen["url"] = dialog.custom_url.text()
        seen["read"] = dialog.read_timeout.value()
        seen["language"] = dialog.language.currentData()
        dialog.connect_timeout.setFocus()
        qtbot.keyClick(dialog.connect_timeout, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.connect_timeout, "15")
        return ok_button(dialog)

    with answer_modal(qtbot, drive):
        h.window.main_actions.settings.trigger()
    assert seen == {
        "service": ServiceChoice.CUSTOM,
        "url": server.base_url,
        "read": 90.0,
        "language": "system",
    }
    reread = AppSettings(h.settings.path)
    assert reread.service is ServiceChoice.CUSTOM
    assert reread.custom_url == server.base_url
    assert reread.connect_timeout == 15.0
    assert h.window.config.connect_timeout == 15.0
    assert h.window.status_bar.service_label.text() == f"Service: {server.base_url}"


def test_session_sandbox_is_not_saved_by_the_settings_dialog(qtbot, make_window):
    """With --sandbox the sandbox is for this run only. Changing something unrelated in Settings
    (here the connect timeout) must not turn it into the saved choice."""
    h = make_window(service=ServiceChoice.DEFAULT, session_sandbox=True)
    assert h.window.config.sandbox

    def drive(dialog: QWidget) -> QPushButton:
        dialog.read_timeout.setFocus()
        qtbot.keyClick(dialog.read_timeout, Qt.Key.Key_Up)
        return ok_button(dialog)

    with answer_modal(qtbot, drive):
        h.window.main_actions.settings.trigger()
    assert AppSettings(h.settings.path).service is ServiceChoice.DEFAULT


def test_closing_the_settings_dialog_deletes_it(qtbot, harness):
    """Each Settings opening must not leave a dialog behind (a kept one was destroyed with the
    window at exit and crashed the app with PySide6 6.12.0, see test_app.py)."""
    window = harness.window
    for _ in range(2):
        with answer_modal(qtbot, cancel_button):
            window.main_actions.settings.trigger()
    qtbot.waitUntil(lambda: not window.findChildren(SettingsDialog), timeout=1000)


def test_language_switch_retranslates_live_and_keeps_the_form(qtbot, harness):
    h = harness
    window = h.window
    fill_audio(qtbot, window, no_watermark=True)
    english_menus = [a.text() for a in window.menuBar().actions()]
    assert english_menus == ["&File", "&Compose", "&Outbox", "&Tasks", "&Help"]

    def drive(dialog: QWidget) -> QPushButton:
        select_data(qtbot, dialog.language, "zh_CN")
        return ok_button(dialog)

    with answer_modal(qtbot, drive):
        window.main_actions.settings.trigger()

    assert h.settings.language == "zh_CN"
    assert window.compose_side.compose.payload() == {
        "avatar_url": AVATAR,
        "no_watermark": True,
        "audio_url": AUDIO,
    }
    assert window.compose_side.compose.tabs.currentIndex() == 0
    assert window.status_bar.service_label.text().endswith(h.server.base_url)
    # The rebuilt window still submits with Ctrl+Enter (one shortcut, no ambiguity).
    window.activateWindow()  # the offscreen platform does not hand activation back by itself
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.findChild(QToolBar, "mainToolbar").isVisible())
    qtbot.keyClick(window.compose_side.compose.audio.edit, Qt.Key.Key_Return, CTRL)
    wait_accepted(qtbot, h, 1)
    assert len(h.posts()) == 1

    qm = resource_path("translations", "avatar_desktop_zh_CN.qm")
    if not qm.exists():
        pytest.skip(
            "resources/translations/avatar_desktop_zh_CN.qm does not exist yet: cannot check "
            "that the menu titles are translated"
        )
    chinese_menus = [a.text() for a in window.menuBar().actions()]
    assert chinese_menus != english_menus
    assert all(not text.isascii() for text in chinese_menus)


def window_texts(window: QWidget) -> dict[str, str]:
    """Every text the window shows or tells (labels, buttons, placeholders, tooltips, tabs,
    combo items, menus, actions, table headers), by a key naming where it is."""
    texts: dict[str, str] = {"title": window.windowTitle()}
    for n, widget in enumerate(window.findChildren(QWidget)):
        key = f"{n}:{type(widget).__name__}:{widget.objectName()}"
        if widget.toolTip():
            texts[key + ":tooltip"] = widget.toolTip()
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts[key] = widget.text()
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            texts[key + ":placeholder"] = widget.placeholderText()
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                texts[f"{key}:tab{i}"] = widget.tabText(i)
                texts[f"{key}:tab{i}:tooltip"] = widget.tabToolTip(i)
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                texts[f"{key}:item{i}"] = widget.itemText(i)
        elif isinstance(widget, QMenu):
            texts[key] = widget.title()
        elif isinstance(widget, QProgressBar):
            texts[key + ":format"] = widget.format()
    for n, action in enumerate(window.findChildren(QAction)):
        texts[f"action{n}"] = action.text()
        texts[f"action{n}:tooltip"] = action.toolTip()
    model = window.tasks.model
    for column in range(model.columnCount()):
        texts[f"header{column}"] = model.headerData(column, Qt.Orientation.Horizontal)
    return {key: text for key, text in texts.items() if text}


def test_language_switch_retranslates_every_panel_and_back(qtbot, harness):
    """To Chinese and back to English: the window is the same as before, text for text, with
    the form, a media check's results, the voice list's status and the selection kept."""
    h = harness
    window = h.window
    compose = window.compose_side.compose
    if not resource_path("translations", "avatar_desktop_zh_CN.qm").exists():
        pytest.skip("resources/translations/avatar_desktop_zh_CN.qm does not exist yet")
    fill_audio(qtbot, window, avatar=f"{h.server.base_url}/media/samples/avatar.png")
    submit_and_wait(qtbot, h)
    panel = window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=10000)
    assert "Avatar: image/png" in panel.results.text()
    compose.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: "fresh from the service" in compose.voice_status.text())
    compose.tabs.setCurrentIndex(0)
    draft = compose.draft()
    english = window_texts(window)

    def switch(language: str, file_menu: str) -> None:
        def drive(dialog: QWidget) -> QPushButton:
            select_data(qtbot, dialog.language, language)
            return ok_button(dialog)

        with answer_modal(qtbot, drive):
            window.main_actions.settings.trigger()
        # Installing the translators posts the LanguageChange events.
        qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == file_menu)

    switch("zh_CN", "文件(&F)")
    chinese = window_texts(window)
    assert compose.draft() == draft
    assert [r.row_id for r in window.tasks.selected_records()] == h.store.row_ids()
    assert "形象" in panel.results.text()  # "Avatar: image/png …"
    assert not compose.voice_status.text().isascii()
    # Everything with words was translated.
    neutral = ("中文 (zh)", "English (en)", "voice_engine_id", "audio_id")  # API words
    same = {
        key: text
        for key, text in chinese.items()
        if english.get(key) == text
        and "://" not in text
        and text not in neutral
        and any(c.isalpha() for c in text.replace("%p", ""))  # not a time, "—" or "%p%"
    }
    assert not same

    switch("en", "&File")
    assert window_texts(window) == english
    assert compose.draft() == draft
