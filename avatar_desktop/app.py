"""Application start-up: command line, settings, language, store, sandbox, main window."""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from avatar_desktop import __version__
from avatar_desktop.core.config import SANDBOX_PORT
from avatar_desktop.core.sandbox_home import (
    SandboxHome,
    SandboxPlace,
    reach,
    remembered_home,
    write_home,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger("avatar_desktop")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="avatar-desktop",
        description="Avatar Desktop: make digital-human videos through the generation service.",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use the built-in local sandbox for this run (free, no token, no network)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start, show the main window, wait for its first paint, then exit (0 = fine)",
    )
    parser.add_argument("--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


class LazySandbox:
    """Starts the data folder's built-in sandbox the first time it is needed.

    Its tasks are kept in ``<data folder>/sandbox/builtin.json`` (``persist=False``: in memory
    only), so sandbox tasks and their result links still work after the app restarts. It runs
    at the folder's own address (:mod:`avatar_desktop.core.sandbox_home`: the one remembered,
    else ``port``, the usual one, for a new folder); when another program holds that port it
    answers on a free one for the run, and its links are resolved there (:meth:`resolve`).
    """

    def __init__(
        self, step_seconds: float = 2.0, port: int = SANDBOX_PORT, *, persist: bool = True
    ) -> None:
        self._step_seconds = step_seconds
        self._port = port
        self._persist = persist
        self._server: Any = None
        self._place: SandboxPlace | None = None
        self._data_dir: Path | None = None
        self._lock = threading.Lock()

    def place(self) -> SandboxPlace:
        """Where the sandbox lives and answers (started now when it was not); thread-safe."""
        with self._lock:
            if self._place is None:
                self._place = self._start()
            return self._place

    def resolve(self, link: str) -> str:
        """``link`` as it is reached now (:func:`~avatar_desktop.core.sandbox_home.reach`: a
        link of this folder's sandbox starts it and goes where it answers)."""
        place = self._place
        if place is not None:  # running: its own addresses are known
            return place.resolve(link)
        folder = self._folder()
        home = remembered_home(folder) if folder is not None else SandboxHome()
        return reach(link, home, self.place)

    @staticmethod
    def running_for(folder: Path) -> SandboxPlace | None:
        """The folder's built-in sandbox that another program (the window, another
        ``avatar-cli``) runs now, or None. Its program holds the folder's sandbox state lock
        and noted where it answers: the sandbox of another folder is never taken for it."""
        from avatar_desktop.sandbox.state import FileLock

        lock = FileLock(folder / "sandbox" / "builtin.json.lock")
        try:
            if lock.acquire():  # nobody holds it: no sandbox of this folder runs
                lock.release()
                return None
        except OSError:
            return None
        home = remembered_home(folder)
        return None if home.running_at is None else home.place(home.running_at)

    def _folder(self) -> Path | None:
        """The data folder (the one of the first call: a sandbox belongs to one folder)."""
        if not self._persist:
            return None
        if self._data_dir is None:
            from avatar_desktop.core.paths import data_dir

            try:
                self._data_dir = data_dir()
            except OSError as exc:
                log.warning("built-in sandbox: no data folder, tasks in memory only: %s", exc)
                return None
        return self._data_dir

    def _start(self) -> SandboxPlace:
        from avatar_desktop.sandbox import SandboxServer

        folder = self._folder()
        home = remembered_home(folder) if folder is not None else SandboxHome()
        state_path = None if folder is None else folder / "sandbox" / "builtin.json"
        options: dict[str, Any] = {"step_seconds": self._step_seconds, "state_path": state_path}
        port = (urlsplit(home.address).port if home.address else None) or self._port
        try:
            server = SandboxServer(port=port, **options).start()
        except OSError:
            server = SandboxServer(port=0, **options).start()
        self._server = server
        home = home.started(server.base_url)
        if folder is not None and server.persisting:  # this program runs the folder's sandbox
            try:
                write_home(folder, home)
            except OSError as exc:
                log.warning("built-in sandbox: its address cannot be remembered: %s", exc)
        log.info("built-in sandbox at %s (home %s)", server.base_url, home.home)
        return home.place(server.base_url)

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
            self._place = None


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` over the others, restored if minimized: another launch on the same
    data folder asked for it."""
    log.info("another launch asked this window to come to the front")
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


LOG_FOLDER = "logs"
LOG_FILE = "avatar-desktop.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
"""The window's log: ``<data folder>/logs/avatar-desktop.log``, rotated at about 1 MB, three
old ones kept; tokens and keys are never in it (every handler redacts)."""


def set_up_logging(verbose: bool) -> Path | None:
    """Log to the data folder's log file (INFO, or DEBUG with ``--verbose``) and to stderr
    when there is one (warnings, or everything with ``--verbose``): a GUI program on Windows
    has no stderr, and the file is where its messages go. Returns the file (None: it could not
    be opened; the app runs on)."""
    from logging.handlers import RotatingFileHandler

    from avatar_desktop.core.paths import data_dir
    from avatar_desktop.core.redact import redact_logs

    formatter = logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s")
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if sys.stderr is not None and not isinstance(sys.stderr, _Captured):
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        console.setFormatter(formatter)
        root.addHandler(console)
    path: Path | None = None
    try:
        folder = data_dir() / LOG_FOLDER
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / LOG_FILE
        handler = RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
        handler.setFormatter(formatter)
        root.addHandler(handler)
    except OSError as exc:
        log.warning("no log file: %s", exc)
        path = None
    redact_logs()
    return path


def run(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    log_file = set_up_logging("--verbose" in arguments)  # first: --help's box is logged too
    log.info("avatar-desktop %s starting (log: %s)", __version__, log_file)
    args = parse_args(arguments)

    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from avatar_desktop.core.paths import data_dir, resource_path
    from avatar_desktop.core.settings import AppSettings, ServiceChoice
    from avatar_desktop.core.store.database import DEFAULT_FILE_NAME, Database, StoreError
    from avatar_desktop.core.store.drafts import Drafts
    from avatar_desktop.core.store.outbox import Outbox
    from avatar_desktop.core.store.tasks import TaskStore
    from avatar_desktop.core.vault import TokenVault
    from avatar_desktop.qt.collector import MainThreadCollector
    from avatar_desktop.qt.single_instance import Launch, SingleInstance
    from avatar_desktop.ui.dialogs.storage_dialog import (
        BACKUP_DELAY_MS,
        OpenedStore,
        RollingBackup,
        open_database,
        show_start_recovery,
    )
    from avatar_desktop.ui.i18n import Translators
    from avatar_desktop.ui.main_window import MainWindow
    from avatar_desktop.ui.services import build_services

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "avatar-desktop"])
    assert isinstance(app, QApplication)  # a window app: not a bare QCoreApplication
    app.setOrganizationName("AvatarDesktop")
    app.setApplicationName("Avatar Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("avatar-desktop")
    app.setWindowIcon(QIcon(str(resource_path("icons", "avatar-desktop.svg"))))

    folder = data_dir()
    # One window per data folder: a later launch brings the running one to the front.
    instance = SingleInstance(folder)
    launch = instance.claim()
    if launch is not Launch.FIRST:
        told = launch is Launch.TOLD
        what = "its window was asked to come to the front" if told else "it did not answer"
        print(f"avatar-desktop: already open on {folder}; {what}.", file=sys.stderr)
        if not told and isinstance(sys.stderr, _Captured):  # a message box: the user's words
            Translators().apply(AppSettings(folder / "settings.ini").language)
            sys.stderr.seek(0)
            sys.stderr.truncate()
            text = QCoreApplication.translate(
                "Startup",
                "Avatar Desktop is already open on this data folder (%1), but its window does "
                "not answer. Close it, or end it in the task manager, then start it again.",
            )
            print(text.replace("%1", str(folder)), file=sys.stderr)
        return 0 if told else 1
    settings = AppSettings(folder / "settings.ini")
    if args.sandbox:
        settings.session_override = ServiceChoice.SANDBOX
    translators = Translators()
    translators.apply(settings.language)

    if args.smoke_test:  # nobody to answer a dialog: say what is wrong and stop
        try:
            opened = OpenedStore(Database(folder / DEFAULT_FILE_NAME), None, clean=True)
        except StoreError as exc:
            print(f"avatar-desktop: {exc}", file=sys.stderr)
            return 1
    else:
        # A damaged file or a full disk is explained in a dialog (move aside, restore, try
        # again).
        maybe = open_database(folder / DEFAULT_FILE_NAME)
        if maybe is None:
            return 1
        opened = maybe
    database = opened.database
    store = TaskStore(database)
    try:
        recovered = store.recover_interrupted()
    except StoreError as exc:  # a full disk: those rows are settled at a later start
        log.warning("could not settle interrupted submissions: %s", exc)
        recovered = 0
    if recovered:
        log.warning("%d submission(s) were interrupted; marked as outcome unknown", recovered)

    sandbox = LazySandbox()
    # From here on, worker threads run: garbage with Qt objects in it is collected on this
    # thread, never on a worker's (see qt/collector.py).
    collector = MainThreadCollector(app)
    outbox = Outbox(database)
    services = build_services(
        store=store,
        outbox=outbox,
        vault=TokenVault(),
        settings=settings,
        sandbox_place=sandbox.place,
        resolve_link=sandbox.resolve,
        data_dir=folder,
    )
    window = MainWindow(
        services=services,
        store=store,
        outbox=outbox,
        drafts=Drafts(database),
        settings=settings,
        translators=translators,
        sandbox_place=sandbox.place,
        data_dir=folder,
    )

    recovery = window.outbox_runner.recovery_at_start
    window.outbox_tab.controller.show_recovered(recovered + len(recovery.interrupted))
    show_start_recovery(window, recovery)  # answers the disk had no room for last time
    if opened.notice:  # what became of a damaged file: worth a box, not a passing line
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information, window.windowTitle(), opened.notice, parent=window
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
    exit_code = 0
    if args.smoke_test:
        state = {"painted": False}

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and not state["painted"]:
                    state["painted"] = True
                    QTimer.singleShot(0, window.close)
                return False

        painter = FirstPaint()
        window.installEventFilter(painter)
        QTimer.singleShot(30000, window.close)

    instance.activation_requested.connect(lambda: bring_to_front(window))
    window.show()
    backup = RollingBackup(database.path)  # a clean start's file, copied off the UI thread
    if opened.clean:
        QTimer.singleShot(BACKUP_DELAY_MS, backup.start)
    try:
        exit_code = app.exec()
    finally:
        instance.close()
        backup.stop()
        sandbox.stop()
        database.close()
        collector.stop()
    if args.smoke_test and not state["painted"]:
        print("smoke test: the main window was never painted", file=sys.stderr)
        return 1
    if args.smoke_test:  # what a bundle's check reads: the translations in use were found
        menus = [action.text() for action in window.menuBar().actions()]
        qt_word = ("QPlatformTheme", "Cancel")  # Qt's own translation (not ours: not a literal)
        cancel = QCoreApplication.translate(*qt_word)
        print(f"smoke test: painted; menus {menus}; Qt's own words: {cancel!r}")
    return exit_code


class _Captured(io.StringIO):
    """What a program with no console prints (:func:`main`)."""


def _show_message(text: str, *, failed: bool) -> None:
    """What a GUI program with no console (Windows) would have printed, in a message box."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "avatar-desktop"])
    box = QMessageBox(
        QMessageBox.Icon.Critical if failed else QMessageBox.Icon.Information,
        "Avatar Desktop",
        text.strip(),
    )
    log.info("shown in a message box: %s", text.strip().splitlines()[0] if text.strip() else "")
    box.exec()
    del app


def main(argv: Sequence[str] | None = None) -> int:
    """The ``avatar-desktop`` program. Started without a console (a GUI program on Windows:
    no stdout or stderr), what it would print — ``--version``, ``--help``, "already open…", a
    start-up failure — is shown in a message box instead (and logged to the log file)."""
    for stream in (sys.stdout, sys.stderr):  # Chinese text to a pipe on Windows (cp1252)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower() not in (
            "utf-8",
            "utf8",
        ):
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")
    captured: _Captured | None = None
    if sys.stdout is None or sys.stderr is None:
        captured = _Captured()
        sys.stdout = sys.stdout or captured
        sys.stderr = sys.stderr or captured
    code, asked = 1, False  # asked: --version or --help (argparse's exit)
    try:
        code = run(argv)
        return code
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        asked = True
        raise
    except Exception:
        if logging.getLogger().handlers:
            log.critical("start-up failed", exc_info=True)  # to stderr and the log file
        else:
            traceback.print_exc()
        return 1
    finally:
        # A second launch that brought the window forward says nothing: that is the answer.
        if captured is not None and captured.getvalue().strip() and (asked or code != 0):
            _show_message(captured.getvalue(), failed=code != 0)
