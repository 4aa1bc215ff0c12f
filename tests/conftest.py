"""Shared test set-up: offscreen Qt, private data folders, a running sandbox."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _memory_keyring_by_default():
    """No test touches the developer's real keyring unless it builds a backend itself."""
    import keyring
    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch):
    """Every test gets its own data folder and no inherited token or netrc."""
    monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AVATAR_API_TOKEN", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sandbox():
    from avatar_desktop.sandbox import SandboxServer

    with SandboxServer(step_seconds=0) as server:
        yield server


@pytest.fixture
def s3():
    """A real S3 server on 127.0.0.1 (moto's, tests/s3.py) with a user, its key pair and the
    bucket ``media``; signatures are checked."""
    from s3 import running_s3

    with running_s3() as server:
        yield server


@pytest.fixture
def memory_keyring():
    """An empty in-memory keyring backend (tests/memory_keyring.py); never the real keyring."""
    from memory_keyring import MemoryKeyring

    return MemoryKeyring()


@pytest.fixture
def token_vault(memory_keyring):
    """A TokenVault on ``memory_keyring`` that ignores the process environment."""
    from avatar_desktop.core.vault import TokenVault

    return TokenVault(memory_keyring, environ={})


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_main_thread():
    """As in the app (avatar_desktop/qt/collector.py): automatic collection could run on a
    worker thread and destroy Qt objects of the main one there (a crash). It is off; the
    main thread collects after each test and, in window tests, every second of waiting."""
    import gc

    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    from avatar_desktop.qt.collector import collect_due

    collect_due()


MODAL_LIMIT_SECONDS = 30.0


@pytest.fixture(autouse=True)
def _no_dialog_left_hanging(request):
    """A window test that fails half-way can leave the window asking something (e.g. "a
    request is on its way" when it closes): the modal dialog's own event loop would then wait
    for ever, and the run hang instead of failing. A dialog still open after 30 s is closed,
    and the test fails saying which."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    opened: dict[int, float] = {}
    stuck: list[str] = []

    from avatar_desktop.qt.collector import collect_due

    def look() -> None:
        collect_due()  # on the main thread, while the test waits
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            opened.clear()
            return
        since = opened.setdefault(id(dialog), time.monotonic())
        if time.monotonic() - since > MODAL_LIMIT_SECONDS:
            stuck.append(dialog.windowTitle() or type(dialog).__name__)
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(1000)
    yield
    timer.stop()
    # A dialog a test opened and left open (its window closed under it) would otherwise be
    # the next test's active modal widget, answered in place of that test's own dialogs.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    assert not stuck, f"a dialog was left waiting for an answer: {stuck}"
