"""Application start-up: command line, settings, language, store, sandbox, main window."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from avatar_desktop import __version__
from avatar_desktop.core.config import SANDBOX_PORT

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
    """Starts the built-in sandbox server the first time its address is needed.

    Its tasks are kept in ``<data folder>/sandbox/builtin.json`` (``persist=False``: in memory
    only), so sandbox tasks and their result links still work after the app restarts.
    """

    def __init__(
        self, step_seconds: float = 2.0, port: int = SANDBOX_PORT, *, persist: bool = True
    ) -> None:
        self._step_seconds = step_seconds
        self._port = port
        self._persist = persist
        self._server: Any = None

    def base_url(self) -> str:
        if self._server is None:
            from avatar_desktop.core.paths import data_dir
            from avatar_desktop.sandbox import SandboxServer

            state_path = None
            if self._persist:
                try:
                    state_path = data_dir() / "sandbox" / "builtin.json"
                except OSError as exc:
                    log.warning("built-in sandbox: no state file, tasks in memory only: %s", exc)
            options: dict[str, Any] = {
                "step_seconds": self._step_seconds,
                "state_path": state_path,
            }
            try:
                server = SandboxServer(port=self._port, **options).start()
            except OSError:
                server = SandboxServer(port=0, **options).start()
            self._server = server
            log.info("built-in sandbox at %s (state file: %s)", server.base_url, state_path)
        return str(self._server.base_url)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` over the others, restored if minimized: another launch on the same
    data folder asked for it."""
    log.info("another launch asked this window to come to the front")
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def run(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
    )
    from avatar_desktop.core.redact import redact_logs

    redact_logs()

    from PySide6.QtCore import QEvent, QObject, QTimer
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
        return 0 if told else 1
    settings = AppSettings(folder / "settings.ini")
    if args.sandbox:
        settings.session_override = ServiceChoice.SANDBOX
    translators = Translators()
    translators.apply(settings.language)

    if args.smoke_test:  # nobody to answer a dialog: say what is wrong and stop
        try:
            Database(folder / DEFAULT_FILE_NAME).close()
        except StoreError as exc:
            print(f"avatar-desktop: {exc}", file=sys.stderr)
            return 1
    # A damaged file or a full disk is explained in a dialog (move aside, restore, try again).
    opened = open_database(folder / DEFAULT_FILE_NAME)
    if opened is None:
        return 1
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
        sandbox_url=sandbox.base_url,
        data_dir=folder,
    )
    window = MainWindow(
        services=services,
        store=store,
        outbox=outbox,
        drafts=Drafts(database),
        settings=settings,
        translators=translators,
        sandbox_url=sandbox.base_url,
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
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        return 1
