"""What differs on Windows and macOS (issue 17): each test runs where its defect lives (the
release workflow runs the suite on Windows and macOS runners) and passes on Linux too."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from avatar_desktop.core.paths import FileInUse, replace_file


def test_a_rename_refused_for_a_moment_is_tried_again_on_windows_only(tmp_path):
    """Item 4: on Windows an antivirus, the indexer, OneDrive or Excel holding a file makes a
    rename fail for a moment; elsewhere such a refusal is a real one."""
    source, target = tmp_path / "a.part", tmp_path / "a.mp4"
    source.write_bytes(b"video")
    refusals = [PermissionError(13, "in use"), PermissionError(13, "in use")]

    def busy_for_a_moment(old: str | Path, new: str | Path) -> None:
        if refusals:
            raise refusals.pop()
        os.replace(old, new)

    if sys.platform == "win32":
        replace_file(source, target, replace=busy_for_a_moment)
        assert target.read_bytes() == b"video" and not refusals
    else:
        with pytest.raises(PermissionError) as refused:
            replace_file(source, target, replace=busy_for_a_moment)
        assert not isinstance(refused.value, FileInUse) and len(refusals) == 1


@pytest.mark.skipif(
    sys.platform != "win32", reason="only Windows refuses to replace a file another holds open"
)
def test_a_file_held_open_is_replaced_once_freed_and_its_holder_named_when_it_is_not(tmp_path):
    source, target = tmp_path / "a.part", tmp_path / "a.mp4"
    target.write_bytes(b"old")
    source.write_bytes(b"new")
    holder = open(target, "rb")  # noqa: SIM115 - Python opens without FILE_SHARE_DELETE
    threading.Timer(0.3, holder.close).start()
    replace_file(source, target)
    assert target.read_bytes() == b"new"

    source.write_bytes(b"newer")
    with open(target, "rb"), pytest.raises(FileInUse) as held:
        replace_file(source, target, attempts=3)
    assert held.value.path == target and str(target) in str(held.value)
    assert source.read_bytes() == b"newer"  # nothing lost: try again later


def test_the_message_of_a_file_in_use_names_the_file_and_its_holder(qapp):
    from avatar_desktop.ui.i18n import error_text

    text = error_text(FileInUse(Path("C:/Users/anna/Videos/a.mp4"), ["Microsoft Excel"]))
    assert text.startswith("The file C:/Users/anna/Videos/a.mp4 is in use by Microsoft Excel")
    anonymous = error_text(FileInUse(Path("a.mp4"), []))
    assert "is in use by another program" in anonymous


# --- item 5: the window's messages when it has no console -----------------------------------------


def test_the_window_keeps_a_log_in_its_data_folder_without_the_token(tmp_path):
    """A GUI program on Windows has no stderr: its messages go to the data folder's log file
    (rotated), which never holds the token."""
    import subprocess

    from test_app import ROOT, app_env

    from avatar_desktop.app import LOG_FILE, LOG_FOLDER

    token = "sk-portability-log-0123456789abcdef"
    env = app_env(tmp_path / "data") | {"AVATAR_API_TOKEN": token}
    result = subprocess.run(
        [sys.executable, "-m", "avatar_desktop", "--sandbox", "--smoke-test", "--verbose"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    logged = (tmp_path / "data" / LOG_FOLDER / LOG_FILE).read_text(encoding="utf-8")
    assert "avatar-desktop" in logged and "starting" in logged
    assert token not in logged and token not in result.stderr


def test_without_a_console_version_is_shown_in_a_message_box(tmp_path):
    """What `avatar-desktop --version` prints went nowhere on Windows (no stdout in a GUI
    program): with no stdout and stderr at all, it is shown in a message box (and logged)."""
    import signal
    import subprocess
    import time

    from test_app import ROOT, app_env

    from avatar_desktop import __version__
    from avatar_desktop.app import LOG_FILE, LOG_FOLDER

    log_file = tmp_path / "data" / LOG_FOLDER / LOG_FILE

    def no_console() -> None:  # what a GUI program on Windows starts with
        os.close(1)
        os.close(2)

    process = subprocess.Popen(
        [sys.executable, "-m", "avatar_desktop", "--version"],
        cwd=ROOT,
        env=app_env(tmp_path / "data"),
        stdin=subprocess.DEVNULL,
        preexec_fn=no_console if os.name == "posix" else None,
        creationflags=getattr(subprocess, "DETACHED_PROCESS", 0),
    )
    try:
        wanted = f"shown in a message box: avatar-desktop {__version__}"
        deadline = time.monotonic() + 60
        while not (log_file.exists() and wanted in log_file.read_text(encoding="utf-8")):
            assert process.poll() is None, "it exited without showing the version"
            assert time.monotonic() < deadline, "no message box was shown"
            time.sleep(0.1)  # a file another process writes: nothing to wait on but the file
    finally:
        process.send_signal(signal.SIGTERM) if os.name == "posix" else process.kill()
        process.wait(timeout=30)


# --- item 8: Windows Credential Manager keeps at most 2,560 bytes -------------------------------


def test_a_token_too_long_for_credential_manager_is_refused_plainly(qapp):
    """Tokens of up to 4,096 characters are accepted, but Credential Manager keeps 2,560 bytes
    (1,280 UTF-16 characters): saving a longer one there says so, before anything is written,
    and the session fallback stays (the backend is Windows' own, built here on any system)."""
    from keyring.backends.Windows import WinVaultKeyring

    from avatar_desktop.core.vault import SecretStoreError, StoreFailure, TokenVault
    from avatar_desktop.ui.i18n import store_failure_text

    vault = TokenVault(WinVaultKeyring(), environ={})
    long_token = "sk-" + "a" * 1500
    with pytest.raises(SecretStoreError) as refused:
        vault.save(long_token)
    assert refused.value.kind is StoreFailure.TOO_LONG
    assert "at most 1280 characters" in refused.value.user_message
    assert long_token not in refused.value.user_message
    assert store_failure_text(refused.value) == (
        "Windows Credential Manager keeps at most 1280 characters, and this one is 1503 long, "
        "so it cannot be saved there."
    )
    vault.keep_for_session(long_token)
    assert vault.load() == (long_token, vault.load()[1]) and vault.load()[1].value == "session"


# --- item 9: the sandbox's curl example on Windows ----------------------------------------------


def test_the_sandboxs_curl_example_is_one_the_command_prompt_runs():
    """The start-up message's example was bash only (a backslash ending each line, single
    quotes): on Windows it is a Command Prompt line, its JSON quoted as Windows reads it."""
    import json
    import subprocess

    from avatar_desktop.core.samples import SandboxSamples
    from avatar_desktop.sandbox.__main__ import try_commands

    base = "http://127.0.0.1:47651"
    samples = SandboxSamples.at(base)
    body = {"avatar_url": samples.avatar_url, "audio_url": samples.audio_url}
    posix = try_commands(base, "tok", samples, windows=False)
    assert "\\\n" in posix and f"-d '{json.dumps(body)}'" in posix
    windows = try_commands(base, "tok", samples, windows=True)
    submit = windows.splitlines()[1]
    assert "\\\n" not in windows and "'" not in windows and submit.lstrip().startswith("curl.exe")
    # Windows gives the program what list2cmdline quoted: the very JSON.
    assert submit.endswith(" -d " + subprocess.list2cmdline([json.dumps(body)]))


# --- where the data lives on each system (no test covered Windows and macOS) -------------------


def test_the_data_folder_of_each_system(tmp_path):
    from avatar_desktop.core.paths import data_dir_for

    home = tmp_path / "home"
    assert data_dir_for("linux", {}, home) == home / ".local" / "share" / "avatar-desktop"
    assert data_dir_for("linux", {"XDG_DATA_HOME": "/x/data"}, home) == Path(
        "/x/data/avatar-desktop"
    )
    assert data_dir_for("linux", {"XDG_DATA_HOME": "relative"}, home) == (
        home / ".local" / "share" / "avatar-desktop"
    )
    assert data_dir_for("darwin", {}, home) == (
        home / "Library" / "Application Support" / "Avatar Desktop"
    )
    # Windows: the local application data (not the roaming profile)...
    local, roaming = tmp_path / "Local", tmp_path / "Roaming"
    windows = {"LOCALAPPDATA": str(local), "APPDATA": str(roaming)}
    assert data_dir_for("win32", windows, home) == local / "AvatarDesktop"
    assert data_dir_for("win32", {}, home) == home / "AppData" / "Local" / "AvatarDesktop"
    # ...unless an earlier version made the folder in the roaming one: it stays there.
    (roaming / "AvatarDesktop").mkdir(parents=True)
    assert data_dir_for("win32", windows, home) == roaming / "AvatarDesktop"
    # The override wins everywhere.
    for platform in ("linux", "darwin", "win32"):
        chosen = {"AVATAR_DESKTOP_DATA_DIR": str(tmp_path / "portable"), **windows}
        assert data_dir_for(platform, chosen, home) == tmp_path / "portable"


def test_two_task_ids_that_differ_in_case_never_share_a_video_file():
    """Item 9: a video's file name kept the task id's case, and Windows and macOS file names
    ignore case: the video of one task passed for the other's."""
    from avatar_desktop.core.downloads import file_variant, video_file_name

    lower = "0123456789abcdef0123456789abcdef"
    assert video_file_name(lower) == f"avatar-{lower}.mp4"  # the service's ids: unchanged
    names = {
        video_file_name(t, v)
        for t in ("Task-A1", "task-a1", "TASK-A1")
        for v in ("default", "no_watermark")
    }
    assert len({name.casefold() for name in names}) == 6
    assert file_variant("Task-A1", Path(video_file_name("Task-A1", "no_watermark"))) == (
        "no_watermark"
    )


def test_a_note_of_an_unwritten_answer_fits_windows_paths():
    """Item 9: the note left when the disk is full carries the task id in its name, up to 240
    characters: in a deep data folder on Windows the whole path passed 260 and no note could be
    made. There the name keeps within MAX_PATH (the task id left out when it cannot fit)."""
    from avatar_desktop.core.store.outbox import WINDOWS_MAX_PATH, note_name_room

    shallow = Path("C:/Users/anna/AppData/Local/AvatarDesktop")
    deep = Path("D:/" + "/".join(["projects"] * 20))
    assert note_name_room(shallow, "linux") == note_name_room(deep, "linux") == 240
    assert note_name_room(shallow, "win32") == WINDOWS_MAX_PATH - len(str(shallow)) - 1 > 200
    assert len(str(deep)) + 1 + note_name_room(deep, "win32") == WINDOWS_MAX_PATH


def test_a_traceback_in_the_log_never_shows_a_secret():
    """The window's log file takes tracebacks: an exception quoting a secret is redacted
    there too, not only the message."""
    import io
    import logging

    from avatar_desktop.core.redact import RedactingFilter, Redactor

    secret = "sk-traceback-secret-0123456789abcdef"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(Redactor([secret])))
    logger = logging.getLogger("avatar_desktop.test.redact")
    logger.addHandler(handler)
    try:
        raise RuntimeError(f"the server echoed Bearer {secret}")
    except RuntimeError:
        logger.error("a call failed", exc_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "RuntimeError: the server echoed Bearer" in text and secret not in text


def test_a_file_on_the_network_is_not_looked_at_as_the_user_types():
    """A share that does not answer would hold the window for its whole timeout at every
    keystroke: the form leaves a network path to the queueing, off the window's thread."""
    from avatar_desktop.core.local_files import FileHome, checked_request, on_network, peek

    share = r"\\fileserver\media\face.png"
    assert on_network(Path(share)) and peek(share) == (Path(share), None)
    request = checked_request(
        {"avatar_url": share, "audio_url": "https://cdn.example.com/a.mp3"}, FileHome.STORAGE
    )
    assert request.avatar_url == share
