"""One window per data folder, with real processes: a second launch brings the running window to
the front and exits; a socket left by a crash does not stop a start; avatar-cli and other data
folders are not affected."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_app import ROOT, app_env, assert_clean_exit

from avatar_desktop.qt.single_instance import server_name

START_TIMEOUT = 60
LAUNCH = [sys.executable, "-m", "avatar_desktop"]


class RunningApp:
    """A window app in a subprocess (``--verbose``: its log on stderr), read line by line."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [*LAUNCH, "--verbose"],
            cwd=ROOT,
            env=app_env(data_dir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # drained to the end: the pipe never fills
            self.lines.append(line)
            self._new.put(line)

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        """The first line from now on matching ``pattern``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (not self._reader.is_alive() and self._new.empty()):
                raise AssertionError(
                    f"no line matching {pattern!r} (exit code {self.proc.poll()}):\n"
                    + "".join(self.lines[-40:])
                )
            try:
                line = self._new.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if found := re.search(pattern, line):
                return found

    def socket_path(self) -> str:
        """Where it listens (the log names it), once it does."""
        return self.wait_for(r"single instance: listening at (\S+)")[1]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        self._reader.join(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def running():
    started: list[RunningApp] = []

    def start(data_dir: Path) -> RunningApp:
        app = RunningApp(data_dir)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()
        # A stopped or killed window leaves its socket file: take it away with the test.
        for line in app.lines:
            if found := re.search(r"single instance: listening at (\S+)", line):
                Path(found[1]).unlink(missing_ok=True)


def launch(data_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Another launch on ``data_dir``; it must end by itself."""
    started = time.monotonic()
    result = subprocess.run(
        [*LAUNCH, *args],
        cwd=ROOT,
        env=app_env(data_dir),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    return result, time.monotonic() - started


def test_the_name_belongs_to_the_data_folder(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    assert server_name(folder) == server_name(tmp_path / "data" / ".." / "data")
    assert server_name(folder) != server_name(tmp_path / "other")
    assert re.fullmatch(r"avatar-desktop-[0-9a-f]{20}", server_name(folder))


def test_a_second_launch_brings_the_running_window_to_the_front(tmp_path, running):
    data = tmp_path / "data"
    first = running(data)
    first.socket_path()

    result, elapsed = launch(data)  # no --smoke-test: a second window would never end
    assert_clean_exit(result)
    assert "its window was asked to come to the front" in result.stderr
    assert elapsed < 20, elapsed
    first.wait_for(r"another launch asked this window to come to the front", timeout=10)
    assert first.proc.poll() is None  # the first window goes on

    # Again, and with the data folder spelled another way: the same window is asked.
    result, _ = launch(tmp_path / "data" / ".." / "data")
    assert_clean_exit(result)
    first.wait_for(r"another launch asked this window to come to the front", timeout=10)

    # Another data folder opens its own window beside it.
    result, _ = launch(tmp_path / "other", "--smoke-test")
    assert_clean_exit(result)
    assert (tmp_path / "other" / "tasks.sqlite3").is_file()

    # avatar-cli on the same data folder runs beside the window.
    cli = subprocess.run(
        [sys.executable, "-m", "avatar_desktop.cli", "--sandbox", "queue", "list"],
        cwd=ROOT,
        env=app_env(data),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert first.proc.poll() is None


@pytest.mark.skipif(os.name == "nt", reason="named pipes leave nothing behind on Windows")
def test_a_socket_left_by_a_crash_does_not_stop_a_start(tmp_path, running):
    data = tmp_path / "data"
    crashed = running(data)
    path = crashed.socket_path()
    crashed.stop(signal.SIGKILL)  # no clean-up: the socket file stays, nobody listens
    assert Path(path).exists()

    # A smoke test starts and paints its window at once.
    result, _ = launch(data, "--smoke-test", "--verbose")
    assert_clean_exit(result)
    assert "removing a stale single-instance socket" in result.stderr

    # A window started after a crash listens in its place, and later launches find it.
    crashed = running(data)
    assert crashed.socket_path() == path
    crashed.stop(signal.SIGKILL)
    second = running(data)
    second.wait_for(r"removing a stale single-instance socket")
    assert second.socket_path() == path
    result, _ = launch(data)
    assert_clean_exit(result)
    second.wait_for(r"another launch asked this window to come to the front", timeout=10)


def test_a_launch_never_becomes_a_second_first_window_while_another_holds_the_folder(
    qapp, tmp_path
):
    """Issue 17 item 3: on Windows a second listener can create the same named pipe, so two
    launches at the same moment both became the first window. The first window holds the data
    folder's lock before it listens: a launch that cannot take it tells that window (here one
    that took the lock and never listens: no answer) and never listens itself."""
    from avatar_desktop.qt.single_instance import LOCK_FILE_NAME, Launch, SingleInstance
    from avatar_desktop.sandbox.state import FileLock

    held = FileLock(tmp_path / LOCK_FILE_NAME)
    assert held.acquire()
    try:
        late = SingleInstance(tmp_path)
        assert late.claim(answer_timeout_ms=300) is Launch.NO_ANSWER
        assert not late.listening
    finally:
        held.release()
    # Freed (a window closed, or its process ended): the next launch is the first.
    first = SingleInstance(tmp_path)
    try:
        assert first.claim(answer_timeout_ms=300) is Launch.FIRST and first.listening
        assert not FileLock(tmp_path / LOCK_FILE_NAME).acquire()  # it holds the folder
    finally:
        first.close()
    after = FileLock(tmp_path / LOCK_FILE_NAME)
    assert after.acquire()  # closing frees it
    # A holder that ends while a launch waits for it to listen: the launch is the first.
    threading.Timer(0.3, after.release).start()
    waiting = SingleInstance(tmp_path)
    try:
        assert waiting.claim(answer_timeout_ms=5000) is Launch.FIRST and waiting.listening
    finally:
        waiting.close()


@pytest.mark.skipif(os.name == "nt", reason="Windows names pipes, not socket files")
def test_the_socket_path_fits_a_unix_socket_even_with_a_long_temporary_folder(
    qapp, tmp_path, monkeypatch
):
    """Issue 17 item 9: on macOS the socket's path was about 96 of the 103 bytes a Unix socket
    may have; a longer TMPDIR broke the single window. A long temporary folder now puts the
    socket in /tmp, and a window listens there and is found there."""
    from avatar_desktop.qt.single_instance import MAX_SOCKET_PATH, Launch, SingleInstance

    long_temp = "/var/folders/" + "x" * 90 + "/T"
    assert server_name(tmp_path, long_temp).startswith("/tmp/avatar-desktop-")
    assert server_name(tmp_path, "/tmp") == server_name(tmp_path, long_temp).removeprefix("/tmp/")
    long_real = tmp_path / ("t" * 90)
    long_real.mkdir()
    monkeypatch.setenv("TMPDIR", str(long_real))  # what Qt's temporary folder follows
    assert server_name(tmp_path).startswith("/tmp/")
    instance = SingleInstance(tmp_path)
    try:
        assert instance.claim(answer_timeout_ms=300) is Launch.FIRST and instance.listening
        assert len(instance._server.fullServerName().encode()) <= MAX_SOCKET_PATH
    finally:
        instance.close()
