"""The application as a program: ``python -m avatar_desktop`` in a subprocess, and whole-session
robustness (what a long session or quitting after using a dialog does to the process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from avatar_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
SMOKE_TIMEOUT = 60


def app_env(data_dir: Path) -> dict[str, str]:
    """The environment of a child app: offscreen, a private data folder, no token, and a keyring
    backend that never touches the developer's real keyring."""
    env = {k: v for k, v in os.environ.items() if k != "AVATAR_API_TOKEN"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["AVATAR_DESKTOP_DATA_DIR"] = str(data_dir)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_app(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "avatar_desktop", *args],
        cwd=ROOT,
        env=app_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT,
        check=False,
    )
    return result, time.monotonic() - started


def run_script(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "driver.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=app_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT,
        check=False,
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    details = f"exit code {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, details
    for sign in (
        "Traceback",
        "QThread: Destroyed while thread is still running",
        "shared QObject was deleted directly",
        "Fatal Python error",
    ):
        assert sign not in result.stderr, details


# -- the command line ------------------------------------------------------------------------


def test_smoke_test(tmp_path):
    result, elapsed = run_app(tmp_path, "--smoke-test")
    assert_clean_exit(result)
    assert elapsed < SMOKE_TIMEOUT
    assert (tmp_path / "data" / "tasks.sqlite3").is_file()
    assert (tmp_path / "data" / "settings.ini").is_file()


def test_smoke_test_on_the_sandbox(tmp_path):
    result, elapsed = run_app(tmp_path, "--sandbox", "--smoke-test")
    assert_clean_exit(result)
    assert elapsed < SMOKE_TIMEOUT
    # --sandbox is for this run only: it is not written to the settings.
    settings = (tmp_path / "data" / "settings.ini").read_text(encoding="utf-8")
    assert "choice=sandbox" not in settings


def test_version(tmp_path):
    result, _elapsed = run_app(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"avatar-desktop {__version__}"


def test_help_lists_the_options(tmp_path):
    result, _elapsed = run_app(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--sandbox", "--smoke-test", "--version"):
        assert option in result.stdout


def test_unknown_option_is_refused(tmp_path):
    result, _elapsed = run_app(tmp_path, "--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr


# -- whole-session robustness ----------------------------------------------------------------


class _Emitter(QObject):
    changed = Signal()


def test_qt_calls_keep_their_references_to_none_and_true(qapp):
    """PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` for every wrapped call that
    returns nothing and one to ``True`` for every ``Signal.emit()``. The app makes such calls on
    every key press and signal, so after a few thousand of them the interpreter frees ``None``
    or ``True`` and aborts ("Fatal Python error: bool_dealloc" / "none_dealloc")."""
    widget = QWidget()
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        widget.setObjectName("probe")
        emitter.changed.emit()
    none_lost = none_before - sys.getrefcount(None)
    true_lost = true_before - sys.getrefcount(True)
    assert none_lost < 20 and true_lost < 20, (
        f"200 calls lost {none_lost} references to None and {true_lost} to True"
    )


def test_a_long_editing_session_does_not_crash(tmp_path):
    """What a user's typing does to the form (each edit validates and emits signals), a few
    thousand times, in a fresh interpreter without any reference-count padding."""
    result = run_script(
        tmp_path,
        """
        from PySide6.QtWidgets import QApplication
        from avatar_desktop.ui.compose.compose import ComposePanel

        app = QApplication([])
        panel = ComposePanel()
        panel.show()
        for i in range(3000):
            panel.avatar.edit.setText(f"https://cdn.example.com/a{i}.png")
            panel.validate()
        app.processEvents()
        print("survived", flush=True)
        """,
    )
    assert_clean_exit(result)
    assert "survived" in result.stdout


def test_quitting_after_using_the_settings_dialog_does_not_crash(tmp_path):
    """Open Settings, cancel it, quit: the process must end cleanly. With PySide6 6.12.0 the
    window kept every SettingsDialog it opened as a child, and destroying them with the window
    at exit printed "QObject: shared QObject was deleted directly" and killed the process."""
    result = run_script(
        tmp_path,
        """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import avatar_desktop.app as app
from avatar_desktop.ui.main_window import MainWindow

shown = MainWindow.show


def show(self):
    shown(self)

    def cancel_settings():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, cancel_settings)
            return
        print("settings dialog:", dialog.windowTitle(), flush=True)
        dialog.reject()
        QTimer.singleShot(0, self.close)

    QTimer.singleShot(0, self.settings_action.trigger)
    QTimer.singleShot(0, cancel_settings)
    QTimer.singleShot(20000, self.close)  # never hang the test


MainWindow.show = show
code = app.main(["--sandbox"])
print("app.main returned", code, flush=True)
raise SystemExit(code)
""",
    )
    assert "settings dialog: Settings" in result.stdout, result.stderr
    assert "app.main returned 0" in result.stdout, result.stderr
    assert_clean_exit(result)
