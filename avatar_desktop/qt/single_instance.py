"""One window per data folder: a second launch brings the running window to the front.

The first window app on a data folder listens on a local socket (a named pipe on Windows)
named after a hash of the user and the folder. A later launch on the same folder connects to
it, asks it to come to the front, waits for its "ok" and exits; the first window emits
:attr:`SingleInstance.activation_requested`. ``avatar-cli`` never asks: it may run beside the
window.

The first window also holds the data folder's window lock (``window.lock``, an OS lock the
system frees when the process ends): two launches at the same moment cannot both become the
first window, even on Windows, where a second listener can create the same named pipe. A launch
that cannot take the lock tells the window that holds it (waiting for it to listen, if it is
still starting); one that takes it owns the name.

A crash leaves the socket file behind on Unix: nobody accepts connections on it. A launch that
finds the name taken but gets no connection twice removes it (``QLocalServer.removeServer``)
and listens itself.
"""

from __future__ import annotations

import contextlib
import enum
import getpass
import hashlib
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from avatar_desktop.sandbox.state import FileLock

log = logging.getLogger("avatar_desktop.single_instance")

REQUEST = b"come to the front\n"
ANSWER = b"ok\n"
_MAX_LINE = 64
CONNECT_TIMEOUT_MS = 1000
LOCK_FILE_NAME = "window.lock"
ANSWER_TIMEOUT_MS = 15000
"""How long a later launch waits for the running window's "ok" (it answers once its event
loop runs: a window still starting answers a few seconds late)."""


class Launch(enum.Enum):
    """What :meth:`SingleInstance.claim` found."""

    FIRST = "first"
    """No window runs on this data folder: this launch opens one (and listens for others)."""
    TOLD = "told"
    """A window runs on this data folder and was asked to come to the front."""
    NO_ANSWER = "no answer"
    """A window runs on this data folder (it accepted the connection) but did not answer."""


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        getuid = getattr(os, "getuid", None)
        return str(getuid()) if getuid is not None else ""


MAX_SOCKET_PATH = 103
"""The longest path a Unix socket may have on macOS (``sun_path`` holds 104 bytes; 108 on
Linux)."""


def server_name(data_dir: Path, temp: str | None = None) -> str:
    """The local socket's name for ``data_dir``: the same for every launch of this user on
    this folder (however the path was written), different for other folders and users.

    On Unix Qt puts a plain name in the temporary folder (``temp``: by default
    ``QDir.tempPath()``, ``$TMPDIR``); where that path would be too long for a socket (macOS'
    per-user ``/var/folders/…/T/`` with a long ``TMPDIR``), the socket goes in ``/tmp``
    instead, under the same name."""
    folder = os.path.normcase(str(Path(data_dir).resolve()))
    key = f"{_user()}\0{folder}".encode("utf-8", "surrogatepass")
    name = f"avatar-desktop-{hashlib.sha256(key).hexdigest()[:20]}"
    if sys.platform == "win32":
        return name
    if temp is None:
        from PySide6.QtCore import QDir

        temp = QDir.tempPath()
    if len(f"{temp.rstrip('/')}/{name}".encode()) > MAX_SOCKET_PATH:
        return f"/tmp/{name}"
    return name


class SingleInstance(QObject):
    """The data folder's claim: :meth:`claim` once at start, before the window is built.

    Signals:
        ``activation_requested()``: another launch on this data folder asked the window to
        come to the front.
    """

    activation_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server: QLocalServer | None = None
        self._lock = FileLock(Path(data_dir) / LOCK_FILE_NAME)

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def claim(self, *, answer_timeout_ms: int = ANSWER_TIMEOUT_MS) -> Launch:
        """Ask a window running on this data folder to come to the front, or else listen for
        later launches as that window. :attr:`Launch.FIRST` also when listening is impossible
        (the app then runs unguarded, as before)."""
        try:
            first = self._lock.acquire()
        except OSError as exc:  # no lock possible here: the name alone decides, as before
            log.warning("the window lock cannot be taken (%s): the name alone decides", exc)
            first = None
        if first is False:
            told = self._tell_holder(answer_timeout_ms)
            if told is not None:
                return told
            # The holder ended before it answered: the folder is this launch's now.
        for attempt in range(3):
            told = self._tell_running(answer_timeout_ms)
            if told is not None:
                return told
            if attempt > 0:
                # The name is taken, yet twice nobody accepted a connection: a socket file
                # left by a crash. (A launch that started listening meanwhile would have
                # accepted the second connection.)
                log.info("removing a stale single-instance socket: %s", self.name)
                QLocalServer.removeServer(self.name)
            # No socket options: with them Qt replaces a socket file that is in use (two
            # launches at once would both listen); without, a taken name is an error. The
            # request can do nothing but raise the window.
            server = QLocalServer(self)
            if server.listen(self.name):
                server.newConnection.connect(self._on_new_connection)
                self._server = server
                log.info("single instance: listening at %s", server.fullServerName())
                return Launch.FIRST
            error, text = server.serverError(), server.errorString()
            server.deleteLater()
            if error != QAbstractSocket.SocketError.AddressInUseError:
                log.warning("other launches cannot find this window (%s): %s", self.name, text)
                return Launch.FIRST
        log.warning("other launches cannot find this window: %s stays taken", self.name)
        return Launch.FIRST

    def close(self) -> None:
        """Stop listening (the socket file goes) and free the lock; later launches open their
        own window."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        self._lock.release()

    def _tell_holder(self, answer_timeout_ms: int) -> Launch | None:
        """Another launch holds the window lock: tell its window, giving it the time to start
        listening (it took the lock just before). None: the holder ended meanwhile and this
        launch holds the lock now."""
        deadline = time.monotonic() + answer_timeout_ms / 1000
        while True:
            told = self._tell_running(answer_timeout_ms)
            if told is not None:
                return told
            with contextlib.suppress(OSError):
                if self._lock.acquire():
                    return None
            if time.monotonic() >= deadline:
                log.warning("the window holding %s does not listen", self._lock.path)
                return Launch.NO_ANSWER
            time.sleep(0.05)  # it has the lock but does not listen yet: a moment

    # -- a later launch ----------------------------------------------------------------------

    def _tell_running(self, answer_timeout_ms: int) -> Launch | None:
        """Ask the window listening on :attr:`name` to come to the front; None when nobody
        accepts the connection."""
        socket = QLocalSocket()
        try:
            socket.connectToServer(self.name)
            if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
                return None
            socket.write(REQUEST)
            socket.flush()
            reply = b""
            deadline = time.monotonic() + answer_timeout_ms / 1000
            while b"\n" not in reply and len(reply) <= _MAX_LINE:
                left_ms = int((deadline - time.monotonic()) * 1000)
                waited = left_ms > 0 and socket.waitForReadyRead(left_ms)
                if not waited and socket.bytesAvailable() == 0:
                    break  # no answer in time, or the connection closed without one
                reply += socket.readAll().data()
            if reply.startswith(ANSWER):
                return Launch.TOLD
            log.warning("the window running on this data folder did not answer")
            return Launch.NO_ANSWER
        finally:
            socket.abort()

    # -- the first launch --------------------------------------------------------------------

    @Slot()
    def _on_new_connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            connection = server.nextPendingConnection()
            connection.setParent(self)
            connection.readyRead.connect(self._on_ready_read)
            connection.disconnected.connect(connection.deleteLater)
            self._answer(connection)  # the request may have come with the connection

    @Slot()
    def _on_ready_read(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket):
            self._answer(connection)

    def _answer(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > _MAX_LINE:
                connection.abort()  # not a launch of this app
            return
        line = connection.readLine(_MAX_LINE + 1).data()
        if line != REQUEST:
            connection.abort()
            return
        log.debug("another launch on this data folder asked the window to come to the front")
        self.activation_requested.emit()
        connection.write(ANSWER)
        connection.flush()
        connection.disconnectFromServer()


__all__ = ["ANSWER_TIMEOUT_MS", "Launch", "SingleInstance", "server_name"]
