"""The settings file without Qt (core/settings.py): earlier versions' files, the shared rules of
``avatar-cli config`` and the Settings dialog, and the open window following a change."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, QStandardPaths
from PySide6.QtWidgets import QDialogButtonBox
from test_cli import cli
from test_main_window import make_window, servers, translators  # noqa: F401 (fixtures)

from avatar_desktop.core.config import ProxyMode
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.settings import (
    CONCURRENCY_RANGE,
    CONFIG_KEYS,
    CONNECT_TIMEOUT_RANGE,
    READ_TIMEOUT_RANGE,
    AppSettings,
    ServiceChoice,
    default_download_folder,
)
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog

TRICKY_FOLDER = '/tmp/视频 folder, "x" \\ end;=@'
TRICKY_PROXY = "http://user:p@ss,w;d@proxy.example.com:8080"


def test_a_file_written_by_qsettings_reads_the_same(tmp_path):
    """Existing users keep their settings: earlier versions wrote the file with QSettings."""
    path = tmp_path / "settings.ini"
    old = QSettings(str(path), QSettings.Format.IniFormat)
    old.setValue("service/choice", "custom")
    old.setValue("service/custom_url", "https://mirror.example.com/v1")
    old.setValue("network/connect_timeout", 12.0)
    old.setValue("network/read_timeout", 90.5)
    old.setValue("network/proxy_mode", "custom")
    old.setValue("network/proxy_url", TRICKY_PROXY)
    old.setValue("outbox/auto_send", False)
    old.setValue("outbox/concurrency", 3)
    old.setValue("downloads/folder", TRICKY_FOLDER)
    old.setValue("downloads/keep_finished", True)
    old.setValue("ui/language", "zh_CN")
    old.setValue("compose/draft", json.dumps({"avatar_url": "https://a, b"}))
    old.setValue("window/geometry", QByteArray(b"\x01\xd9\xd0\xcb\x00\x03abc\xff"))
    old.sync()
    del old

    settings = AppSettings(path)
    assert settings.service is ServiceChoice.CUSTOM
    assert settings.custom_url == "https://mirror.example.com/v1"
    assert (settings.connect_timeout, settings.read_timeout) == (12.0, 90.5)
    assert (settings.proxy_mode, settings.proxy_url) == (ProxyMode.CUSTOM, TRICKY_PROXY)
    assert (settings.auto_send, settings.send_concurrency) == (False, 3)
    assert settings.download_folder == Path(TRICKY_FOLDER)
    assert settings.keep_finished_videos is True
    assert settings.language == "zh_CN"
    assert settings.draft == {"avatar_url": "https://a, b"}
    assert settings.window_layout() == (b"\x01\xd9\xd0\xcb\x00\x03abc\xff", None)


def test_what_it_writes_reads_back_in_qsettings(tmp_path):
    """An earlier version started on the same folder still reads every value right."""
    path = tmp_path / "settings.ini"
    settings = AppSettings(path)
    settings.download_folder = TRICKY_FOLDER
    settings.proxy_url = TRICKY_PROXY
    settings.send_concurrency = 5
    settings.keep_finished_videos = True
    settings.read_timeout = 42.5
    old = QSettings(str(path), QSettings.Format.IniFormat)
    assert old.value("downloads/folder") == TRICKY_FOLDER
    assert old.value("network/proxy_url") == TRICKY_PROXY
    assert int(old.value("outbox/concurrency")) == 5
    assert str(old.value("downloads/keep_finished")).lower() == "true"
    assert float(old.value("network/read_timeout")) == 42.5
    assert AppSettings(path).download_folder == Path(TRICKY_FOLDER)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_window_layout_round_trips(tmp_path):
    settings = AppSettings(tmp_path / "s.ini")
    settings.set_window_layout(b"\x00geometry\xff", b"state")
    assert AppSettings(tmp_path / "s.ini").window_layout() == (b"\x00geometry\xff", b"state")


def test_reload_sees_another_programs_change_and_keeps_the_others(tmp_path):
    path = tmp_path / "s.ini"
    window, cli_side = AppSettings(path), AppSettings(path)
    window.set_window_layout(b"g", b"s")
    assert cli_side.reload() is True  # a value it holds changed
    cli_side.send_concurrency = 6
    assert window.send_concurrency == 2  # read from memory until it looks again
    assert window.reload() is True
    assert window.send_concurrency == 6
    assert window.reload() is False  # nothing new
    window.language = "en"  # a write merges with the file: the other program's value stays
    assert AppSettings(path).send_concurrency == 6
    assert AppSettings(path).window_layout() == (b"g", b"s")


def test_default_download_folder_is_qts_videos_folder():
    qt = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    assert default_download_folder() == Path(qt or Path.home())


# --- one table of values, through avatar-cli and the Settings dialog ---------------------------

# (key, value, accepted, shown afterwards by `config get`)
CASES = [
    ("service", "sandbox", True, "sandbox"),
    ("service", "official", True, "official"),
    ("service", "https://mirror.example.com/", True, "https://mirror.example.com"),
    ("service", "http://127.0.0.1:8000", True, "http://127.0.0.1:8000"),
    ("service", "http://mirror.example.com", False, None),
    ("service", "mirror.example.com", False, None),
    ("proxy", "none", True, "none"),
    ("proxy", "socks5://127.0.0.1:1080", True, "socks5://127.0.0.1:1080"),
    ("proxy", "proxy.example.com:8080", False, None),
    ("proxy", "ftp://proxy.example.com", False, None),
    ("concurrency", "8", True, "8"),
    ("concurrency", "0", False, None),
    ("concurrency", "two", False, None),
    ("connect_timeout", "1", True, "1"),
    ("connect_timeout", "121", False, None),
    ("read_timeout", "4", False, None),
    ("keep_finished", "yes", True, "true"),
    ("keep_finished", "maybe", False, None),
    ("auto_send", "false", True, "false"),
    ("language", "zh_CN", True, "zh_CN"),
    ("language", "fr", False, None),
    ("download_dir", "FILE", False, None),
    ("download_dir", "FILE/under", False, None),
    ("download_dir", "relative/clips", False, None),
    ("download_dir", "~/Clips, 2026", True, str(Path.home() / "Clips, 2026")),
]


@pytest.mark.parametrize(("key", "value", "accepted", "shown"), CASES)
def test_config_set_checks_each_value(key, value, accepted, shown, tmp_path):
    if value.startswith("FILE"):
        Path(tmp_path / "a-file").write_text("x")
        value = value.replace("FILE", str(tmp_path / "a-file"))
    path = data_dir() / "settings.ini"
    AppSettings(path).language = "en"  # something to keep
    before = path.read_bytes()
    result = cli("config", "set", key, value)
    if accepted:
        assert result.code == 0, result.err
        assert result.out.strip() == f"{key} = {shown}"
        assert cli("config", "get", key).out.strip() == shown
    else:
        assert result.code == 2
        assert result.err.startswith(f"avatar-cli: {key}: ")
        assert result.err.rstrip().endswith("nothing was changed.")
        assert path.read_bytes() == before


DIALOG_FIELDS = {"service": "custom_url", "proxy": "proxy_url", "download_dir": "download_folder"}


@pytest.mark.parametrize(
    ("key", "value", "accepted"),
    [(k, v, a) for k, v, a, _ in CASES if k in DIALOG_FIELDS and v not in ("sandbox", "official")]
    + [(k, v, a) for k, v, a, _ in CASES if k in DIALOG_FIELDS and v == "none"],
)
def test_the_settings_dialog_takes_the_same_values(qtbot, tmp_path, key, value, accepted):
    if value.startswith("FILE"):
        Path(tmp_path / "a-file").write_text("x")
        value = value.replace("FILE", str(tmp_path / "a-file"))
    dialog = SettingsDialog(AppSettings(tmp_path / "s.ini"), tmp_path)
    qtbot.addWidget(dialog)
    if key == "service":
        dialog.service.setCurrentIndex(dialog.service.findData(ServiceChoice.CUSTOM))
    if key == "proxy":
        mode = ProxyMode.NONE if value == "none" else ProxyMode.CUSTOM
        dialog.proxy_mode.setCurrentIndex(dialog.proxy_mode.findData(mode))
    if value != "none":
        getattr(dialog, DIALOG_FIELDS[key]).setText(value)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() is accepted
    errors = [dialog.url_error, dialog.proxy_error, dialog.folder_error]
    assert any(label.isVisibleTo(dialog) and label.text() for label in errors) is not accepted


def test_the_dialogs_ranges_are_the_config_ranges(qtbot, tmp_path):
    dialog = SettingsDialog(AppSettings(tmp_path / "s.ini"), tmp_path)
    qtbot.addWidget(dialog)
    assert (dialog.concurrency.minimum(), dialog.concurrency.maximum()) == CONCURRENCY_RANGE
    assert (
        dialog.connect_timeout.minimum(),
        dialog.connect_timeout.maximum(),
    ) == CONNECT_TIMEOUT_RANGE
    assert (dialog.read_timeout.minimum(), dialog.read_timeout.maximum()) == READ_TIMEOUT_RANGE


def test_config_list_unset_and_unknown_keys():
    listed = cli("config", "list", "--json")
    assert listed.code == 0
    values = json.loads(listed.out)
    assert list(values) == list(CONFIG_KEYS)
    assert values["service"] is None and values["concurrency"] == 2
    assert values["keep_finished"] is False and values["proxy"] == "system"
    assert cli("config", "set", "concurrency", "4").code == 0
    assert json.loads(cli("config", "list", "--json").out)["concurrency"] == 4
    text = cli("config", "list").out.splitlines()
    assert text[0].split() == ["KEY", "VALUE"] and ["concurrency", "4"] in [t.split() for t in text]
    unset = cli("config", "unset", "concurrency")
    assert (unset.code, unset.out.strip()) == (0, "concurrency = 2 (the default)")
    bad = cli("config", "get", "token")
    assert bad.code == 2 and "invalid choice: 'token'" in bad.err
    assert "config set KEY VALUE" in cli("--help").out
    help_text = cli("config", "--help").out
    assert all(name in help_text for name in CONFIG_KEYS)


def test_the_open_window_follows_avatar_cli_config_set(qtbot, make_window):  # noqa: F811
    h = make_window(settings_path=data_dir() / "settings.ini")
    window = h.window
    assert window.outbox_runner.concurrency == 2
    assert cli("config", "set", "concurrency", "5").code == 0
    qtbot.waitUntil(lambda: window.outbox_runner.concurrency == 5, timeout=10_000)
    assert cli("config", "set", "service", "https://mirror.example.com").code == 0
    qtbot.waitUntil(lambda: window.config.base_url == "https://mirror.example.com", timeout=10_000)
    assert "mirror.example.com" in window.windowTitle() or not window.config.sandbox
    clips = data_dir().parent / "clips"
    assert cli("config", "set", "download_dir", str(clips)).code == 0
    summary = window.downloads_panel.summary
    qtbot.waitUntil(lambda: str(clips) in summary.text(), timeout=10_000)
    assert cli("config", "set", "language", "zh_CN").code == 0
    try:
        # The texts change as the language-change events are handled: wait for them.
        qtbot.waitUntil(lambda: window.main_actions.submit.text() != "&Submit", timeout=10_000)
        assert window._translators.language == "zh_CN"
    finally:
        h.settings.language = "en"
        window.retranslate()
    # The window's own writes are not taken for another program's.
    h.settings.send_concurrency = 3
    assert window.settings_watch.check() is False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_lock_file_is_private():
    cli("config", "set", "concurrency", "3")
    lock = data_dir() / "settings.ini.lock"
    assert lock.exists() and lock.stat().st_mode & 0o777 == 0o600


def test_the_dialog_keeps_a_timeout_the_command_line_set(qtbot, tmp_path):
    """`config set connect_timeout 1.5` and then OK in the dialog: 1.5 stays (it became 2)."""
    settings = AppSettings(tmp_path / "s.ini")
    settings.connect_timeout = 1.5
    settings.read_timeout = 42.5
    dialog = SettingsDialog(settings, tmp_path)
    qtbot.addWidget(dialog)
    dialog.apply()
    reread = AppSettings(tmp_path / "s.ini")
    assert (reread.connect_timeout, reread.read_timeout) == (1.5, 42.5)


def test_a_service_address_is_refused_for_what_is_wrong_with_it():
    """`config set service http://127.0.0.1:99999` said "use https://" although http:// to
    this computer is allowed: the port was what was wrong. Same rule for the window's field."""
    from avatar_desktop.core.settings import SettingError, SettingProblem, check_service_address

    bad_port = cli("config", "set", "service", "http://127.0.0.1:99999")
    assert bad_port.code == 2 and "Port out of range" in bad_port.err, bad_port.err
    assert "unencrypted" not in bad_port.err
    remote = cli("config", "set", "service", "http://mirror.example.com")
    assert remote.code == 2 and "unencrypted" in remote.err, remote.err
    for text, problem in (
        ("http://127.0.0.1:99999", SettingProblem.BAD_ADDRESS),
        ("http://mirror.example.com", SettingProblem.NOT_HTTPS),
        ("https://mirror.example.com:0x50", SettingProblem.BAD_ADDRESS),
    ):
        with pytest.raises(SettingError) as refused:
            check_service_address(text)
        assert refused.value.problem is problem, text
    assert check_service_address("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
