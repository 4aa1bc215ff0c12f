"""Defects found by trying the app (issue 7), each driven like a user would: real widgets, the
sandbox server, real keyring backends, English and Simplified Chinese.

Uses the window harness of test_main_window.py.
"""

from __future__ import annotations

import re
import socket

import keyring.backends.fail
import keyring.errors
import pytest
import test_main_window as shared
from memory_keyring import MemoryKeyring
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton, QToolBar, QToolButton, QWidget
from test_main_window import (
    LEFT,
    Harness,
    answer_modal,
    choose_language,
    click_tab,
    fill_audio,
    visible_error,
)

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.service import NotSent, QuotaExhausted, TokenError
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME, TokenVault
from avatar_desktop.qt.workers import VoiceListWorker
from avatar_desktop.sandbox import Fault
from avatar_desktop.sandbox.server import VOICES
from avatar_desktop.ui.actions import button_text
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.dialogs.token_dialog import TokenDialog
from avatar_desktop.ui.i18n import error_text, error_title

translators = shared.translators
servers = shared.servers
make_window = shared.make_window
harness = shared.harness


KEY = (SERVICE_NAME, ACCOUNT_NAME)
ENGLISH_KEYRING_WORDS = ("No system keyring", "Install a", "restart the app", "keep the token")


# -- helpers ---------------------------------------------------------------------------------


def open_token_dialog(qtbot, h: Harness) -> TokenDialog:
    """File → API token (Ctrl+T), in whatever language the window speaks."""
    h.window.main_actions.token.trigger()
    dialog = h.window.findChild(TokenDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def close_dialog(qtbot, dialog: QWidget) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Close), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def fits(label: QLabel) -> bool:
    """Whether a shown label has the height its wrapped text needs at its width."""
    if label.isHidden() or not label.text():
        return True
    return label.height() >= label.heightForWidth(label.width())


def cut_labels(dialog: QWidget) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if not fits(label)]


def ascii_words(text: str) -> list[str]:
    """Runs of two or more Latin words: English sentences left in a translated text."""
    return re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", text)


def dead_address() -> str:
    """A local address nothing listens on: connecting to it fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def switch_service(qtbot, h: Harness, choice: ServiceChoice, url: str = "") -> None:
    """Settings… → Service → OK, as a user does."""

    def drive(dialog: QWidget) -> QPushButton:
        assert isinstance(dialog, SettingsDialog)
        choose_language(qtbot, dialog.service, choice)  # keyboard selection by item data
        if url:
            dialog.custom_url.setFocus()
            dialog.custom_url.selectAll()
            qtbot.keyClicks(dialog.custom_url, url)
        return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    with answer_modal(qtbot, drive):
        h.window.main_actions.settings.trigger()


class LockedOnWrite(MemoryKeyring):
    """A keyring that can be read (so it looks usable) but is locked when written to."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


# -- 1. the token dialog's keyring warning is never cut off ------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_token_dialog_grows_when_an_error_line_appears(
    qtbot, make_window, translators, language, tmp_path
):
    translators.apply(language)
    vault = TokenVault(keyring.backends.fail.Keyring(), environ={}, platform="linux")
    h = make_window(vault=vault)
    qtbot.waitUntil(lambda: h.window.token_controller.backend is not None)
    dialog = open_token_dialog(qtbot, h)
    warning = dialog.backend_label
    qtbot.waitUntil(lambda: "b26a00" in warning.styleSheet())  # the orange keyring warning
    qtbot.waitUntil(lambda: fits(warning))
    height_before = dialog.height()

    qtbot.keyClicks(dialog.token_edit, "sk-two words")  # an error line appears under the token
    assert dialog.token_error.isVisible()
    qtbot.waitUntil(lambda: dialog.height() > height_before)
    qtbot.waitUntil(lambda: not cut_labels(dialog))
    assert warning.height() >= warning.heightForWidth(warning.width())
    assert dialog.height() >= dialog.minimumHeight()

    # A narrower dialog needs more height for the wrapped lines: it is kept.
    dialog.resize(dialog.minimumWidth(), dialog.height())
    qtbot.waitUntil(lambda: not cut_labels(dialog))
    dialog.grab().save(str(tmp_path / f"token-dialog-{language}.png"))
    close_dialog(qtbot, dialog)


# -- 2. the Chinese interface: keyring hints, error texts, toolbar labels ------------------------


def test_keyring_warning_is_all_chinese(qtbot, make_window, translators):
    translators.apply("zh_CN")
    vault = TokenVault(keyring.backends.fail.Keyring(), environ={}, platform="linux")
    h = make_window(vault=vault)
    qtbot.waitUntil(lambda: h.window.token_controller.backend is not None)
    dialog = open_token_dialog(qtbot, h)
    qtbot.waitUntil(lambda: "b26a00" in dialog.backend_label.styleSheet())
    text = dialog.backend_label.text()
    assert "未安装系统钥匙串，无法保存令牌。" in text
    assert "重新启动本应用" in text  # the platform's hint (Linux), translated
    for words in ENGLISH_KEYRING_WORDS:
        assert words not in text
    close_dialog(qtbot, dialog)


def test_a_keyring_failure_is_explained_in_chinese(qtbot, make_window, translators):
    translators.apply("zh_CN")
    backend = LockedOnWrite()
    h = make_window(vault=TokenVault(backend, environ={}), service=ServiceChoice.DEFAULT)
    qtbot.waitUntil(lambda: h.window.token_controller.loaded)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-locked-keyring-1")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: "c62828" in dialog.result_label.styleSheet())

    text = dialog.result_label.text()
    assert text == "\n".join(
        [
            QCoreApplication.translate(
                "TokenController", "The token could not be saved in the keyring."
            ),
            QCoreApplication.translate(
                "Messages", "The system keyring is locked. Unlock it and try again."
            ),
        ]
    )
    assert not ascii_words(text)
    assert backend.passwords == {}
    close_dialog(qtbot, dialog)


def test_errors_are_not_repeated_in_english(qapp, translators):
    translators.apply("zh_CN")
    not_sent = NotSent(
        "Could not connect to the service (no network, wrong address, or the server is down); "
        "nothing was sent."
    )
    assert error_text(not_sent) == error_title(not_sent)
    assert not ascii_words(error_text(not_sent))
    # The server's own words stay, verbatim, beside the translated explanation.
    quota_error = QuotaExhausted(server_message="用户额度不足 (insufficient quota)", status=403)
    quota = error_text(quota_error).splitlines()
    assert quota[0] == error_title(quota_error) and not ascii_words(quota[0])
    assert "403" in quota[1]
    assert quota[2].endswith("用户额度不足 (insufficient quota)")
    assert len(quota) == 3
    token_error = TokenError("contains a space")
    assert error_text(token_error) == error_title(token_error)


def test_a_failed_token_test_in_chinese_has_no_english_sentence(qtbot, make_window, translators):
    translators.apply("zh_CN")
    h = make_window()
    qtbot.waitUntil(lambda: h.window.token_controller.loaded)
    address = dead_address()
    switch_service(qtbot, h, ServiceChoice.CUSTOM, address)
    assert h.window.config.base_url == address
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-unreachable-1")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "c62828" in dialog.result_label.styleSheet(), timeout=15000)

    lines = dialog.result_label.text().splitlines()
    assert lines[0] == "令牌测试失败。"
    assert lines[1] == f"测试的服务：{address}"
    assert lines[2] == error_title(NotSent())
    assert len(lines) == 3, lines  # nothing from the core in English
    assert not ascii_words(lines[0] + lines[2])
    close_dialog(qtbot, dialog)


def toolbar_texts(h: Harness) -> dict[str, str]:
    toolbar = h.window.findChild(QToolBar, "mainToolbar")
    texts = {}
    for action in toolbar.actions():
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            texts[action.text()] = button.text()
    return texts


def test_toolbar_buttons_show_no_bracketed_accelerators(qtbot, harness, translators):
    english = toolbar_texts(harness)
    assert english["&Submit"] == "Submit"
    assert english["&Settings…"] == "Settings"

    actions = harness.window.main_actions
    translators.apply("zh_CN")  # the live switch: the actions retranslate
    qtbot.waitUntil(lambda: actions.submit.text() == "提交(&S)")
    chinese = toolbar_texts(harness)
    assert chinese["提交(&S)"] == "提交"
    assert chinese["设置(&S)…"] == "设置"
    assert chinese["API 令牌(&T)…"] == "API 令牌"
    for menu_text, shown in chinese.items():
        assert "&" not in shown and not re.search(r"[(（][A-Za-z][)）]", shown), menu_text
    # The menu keeps its accelerators; a button without a tooltip of its own shows its label.
    settings = actions.settings
    assert settings.text() == "设置(&S)…"
    assert settings.toolTip() == "设置"

    translators.apply("en")
    qtbot.waitUntil(lambda: actions.submit.text() == "&Submit")
    assert toolbar_texts(harness) == english
    assert settings.toolTip() == "Settings"


def test_button_text_strips_accelerators_and_ellipses():
    assert button_text("提交(&S)") == "提交"
    assert button_text("查看请求(&R)…") == "查看请求"
    assert button_text("提交（&S）") == "提交"
    assert button_text("Re&fresh status") == "Refresh status"
    assert button_text("Save as &draft...") == "Save as draft"
    assert button_text("Tom && Jerry") == "Tom & Jerry"


# -- 3. an error about one service goes when another one is chosen -------------------------------


def test_a_submission_error_goes_when_the_service_changes(
    qtbot, make_window, servers, memory_keyring
):
    server = servers()
    memory_keyring.set_password(*KEY, "sk-real-token-1")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    server.inject("submit", Fault.refused("invalid_request", "参数错误 (bad request)"), times=1)
    fill_audio(qtbot, h.window)
    qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    qtbot.waitUntil(lambda: h.window.compose_side.submit_error.isVisible())
    assert "参数错误 (bad request)" in visible_error(h.window)

    switch_service(qtbot, h, ServiceChoice.SANDBOX)
    assert h.window.config.sandbox
    assert not h.window.compose_side.submit_error.isVisible()


def test_a_token_test_result_about_another_service_is_dropped(qtbot, make_window, sandbox):
    h = make_window()
    qtbot.waitUntil(lambda: h.window.token_controller.loaded)
    address = dead_address()
    switch_service(qtbot, h, ServiceChoice.CUSTOM, address)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-unreachable-2")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "c62828" in dialog.result_label.styleSheet(), timeout=15000)
    assert address in dialog.result_label.text()

    switch_service(qtbot, h, ServiceChoice.SANDBOX)
    h.window.main_actions.token.trigger()  # back to the token dialog (Ctrl+T)
    assert h.window.findChild(TokenDialog) is dialog
    assert dialog.result_label.text() == ""
    assert "c62828" not in dialog.result_label.styleSheet()

    # What the window calls when it applies the service settings: a keyring result stays.
    dialog.show_result("Saved in the keyring and read back.", True)
    h.window.token_controller.service_changed()
    assert dialog.result_label.text() == "Saved in the keyring and read back."
    close_dialog(qtbot, dialog)


# -- 4. the token test asks the service in use, and says which ----------------------------------


def test_token_test_on_the_sandbox_asks_the_sandbox_and_says_so(qtbot, harness, sandbox):
    assert harness.window.config.sandbox
    dialog = open_token_dialog(qtbot, harness)
    sandbox.clear_requests()
    qtbot.keyClicks(dialog.token_edit, "sk-checked-on-the-sandbox")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "2e7d32" in dialog.result_label.styleSheet())

    text = dialog.result_label.text()
    assert sandbox.base_url in text
    assert "sandbox" in text and "accepts any token" in text
    (call,) = [r for r in sandbox.requests if r.path == "/avatar/voice"]
    assert call.header("Authorization") == "Bearer sk-checked-on-the-sandbox"
    close_dialog(qtbot, dialog)


def test_token_test_names_the_custom_address_it_asked(qtbot, make_window, servers):
    server = servers(token="sk-right-token")
    h = make_window(service=ServiceChoice.CUSTOM, server=server)
    dialog = open_token_dialog(qtbot, h)
    qtbot.keyClicks(dialog.token_edit, "sk-wrong-token")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "c62828" in dialog.result_label.styleSheet())
    assert f"Service asked: {server.base_url}" in dialog.result_label.text().splitlines()
    close_dialog(qtbot, dialog)


# -- 5. the voice picker never stays on "Loading voices…" ------------------------------------


MALFORMED = {
    "html page with 200": Fault(status=200, html=True),
    "audio_list not a list": Fault(
        json_body={"code": "success", "message": "", "data": {"audio_list": {"a": 1}}}
    ),
    "data a list": Fault(json_body={"code": "success", "message": "", "data": [1, 2]}),
    "no data": Fault(json_body={"code": "success", "message": ""}),
    "proxy page": Fault.html_page(502),
}


@pytest.mark.parametrize("fault", list(MALFORMED))
def test_a_malformed_voice_list_ends_in_an_error_that_can_be_retried(
    qtbot, harness, sandbox, fault
):
    sandbox.inject("voices", MALFORMED[fault], times=1)
    compose = harness.compose
    click_tab(qtbot, harness.window, 2)
    status = compose.voice_status
    qtbot.waitUntil(lambda: bool(status.text()) and "Loading" not in status.text())

    assert status.text().startswith("Could not load the voice list:")
    assert "Click “Refresh” to ask again." in status.text()
    assert status.isEnabled() and "c62828" in status.styleSheet()  # shown as an error
    assert compose.voice_refresh.isEnabled()

    qtbot.mouseClick(compose.voice_refresh, LEFT)  # the service answers properly now
    qtbot.waitUntil(lambda: compose.voice_model.rowCount() == len(VOICES))
    assert "fresh from the service" in status.text()
    assert not status.isEnabled() and status.styleSheet() == ""


def test_the_voice_worker_reports_every_failure(qtbot, tmp_path, sandbox):
    """No exception leaves the worker: a token the request cannot carry, a closed store."""
    config = ServiceConfig(base_url=sandbox.base_url, sandbox=True)
    store = TaskStore(tmp_path / "voices.sqlite3")
    worker = VoiceListWorker(VoiceCache(store.db))
    with qtbot.waitSignal(worker.voices_failed) as failed:
        worker.load(config, "two words", "zh", False)
    assert failed.args[0] == "zh" and isinstance(failed.args[1], ValueError)

    store.close()
    with qtbot.waitSignal(worker.voices_failed) as failed:
        worker.load(config, "sk-any", "", True)
    assert failed.args[0] == "" and isinstance(failed.args[1], Exception)
