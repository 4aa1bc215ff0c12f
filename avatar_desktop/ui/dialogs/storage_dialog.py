"""The data file in the window: opening it when it is damaged or the disk is full, the rolling
backup, and the task ids that could not be written yet.

* :func:`open_database` opens the task list for the window. A damaged file is left untouched and
  a dialog offers to move it aside and start fresh, to restore the last good backup (when there
  is one), or to quit; a full disk says so and offers to try again once space is freed.
* :class:`RollingBackup` copies the task list to ``backups/`` after a clean start, off the UI
  thread, a little after the window is shown (start-up work comes first).
* :class:`UnsavedTaskIdsBanner` shows, in plain text with a Copy button, the ids of jobs the
  service accepted while the disk was full, until they are written.
* :func:`show_start_recovery` tells what the previous run could not write.
"""

from __future__ import annotations

import enum
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.delivery import Decision, SendOutcome
from avatar_desktop.core.store.backup import (
    Backup,
    last_good_backup,
    move_aside,
    restore_backup,
    salvage,
    take_backup,
)
from avatar_desktop.core.store.database import DamagedStore, Database, DiskFull, StoreError
from avatar_desktop.core.store.outbox import Recovery
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.i18n import error_title

log = logging.getLogger("avatar_desktop.ui")

BACKUP_DELAY_MS = 2000
"""How long after the window is shown the backup starts: the keyring, the voice list and the
first status checks go first."""


# --- opening the data file ------------------------------------------------------------------


class Choice(enum.StrEnum):
    """What the user chose in a storage dialog."""

    MOVE_ASIDE = "move_aside"
    RESTORE = "restore"
    RETRY = "retry"
    QUIT = "quit"


def damaged_dialog(
    error: DamagedStore, backup: Backup | None, parent: QWidget | None = None
) -> QMessageBox:
    """The dialog about a damaged data file; its buttons carry the object names
    ``moveAside``, ``restore`` (only with a backup) and ``quit``."""
    box = QMessageBox(parent)
    box.setObjectName("damagedStoreDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("StorageDialog", "The task list is damaged"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        QCoreApplication.translate(
            "StorageDialog",
            "The file that holds your task list is damaged, so it cannot be opened safely:\n"
            "%1\n\nIt has been left exactly as it is.",
        ).replace("%1", str(error.path))
    )
    lines = [
        QCoreApplication.translate(
            "StorageDialog",
            "Moving it aside renames it to %1 (nothing is deleted) and starts a new list "
            "with what can still be read from it.",
        ).replace("%1", f"{error.path.name}.damaged-…")
    ]
    if backup is not None:
        lines.append(
            QCoreApplication.translate(
                "StorageDialog", "The last good backup was taken on %1 and holds %2 task(s)."
            )
            .replace("%1", backup.taken_at.strftime("%Y-%m-%d %H:%M"))
            .replace("%2", str(backup.tasks))
        )
    else:
        lines.append(QCoreApplication.translate("StorageDialog", "There is no backup to restore."))
    lines.append(
        QCoreApplication.translate("StorageDialog", "What the check found: %1").replace(
            "%1", error.detail
        )
    )
    box.setInformativeText("\n\n".join(lines))
    move = box.addButton(
        QCoreApplication.translate("StorageDialog", "Move it aside and start fresh"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    move.setObjectName("moveAside")
    if backup is not None:
        restore = box.addButton(
            QCoreApplication.translate("StorageDialog", "Restore the last good backup"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        restore.setObjectName("restore")
        box.setDefaultButton(restore)
    quit_button = box.addButton(
        QCoreApplication.translate("StorageDialog", "Quit"), QMessageBox.ButtonRole.RejectRole
    )
    quit_button.setObjectName("quit")
    box.setEscapeButton(quit_button)
    return box


def disk_full_dialog(error: DiskFull, parent: QWidget | None = None) -> QMessageBox:
    """The dialog about a full disk at start; buttons ``retry`` and ``quit``."""
    box = QMessageBox(parent)
    box.setObjectName("diskFullDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("StorageDialog", "The disk is full"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        QCoreApplication.translate(
            "StorageDialog",
            "The disk that holds your data is full, so Avatar Desktop cannot open or save its "
            "task list:\n%1",
        ).replace("%1", str(error.path))
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "StorageDialog",
            "Nothing was changed. Free some space on this disk, then choose Try again.",
        )
    )
    retry = box.addButton(
        QCoreApplication.translate("StorageDialog", "Try again"), QMessageBox.ButtonRole.AcceptRole
    )
    retry.setObjectName("retry")
    quit_button = box.addButton(
        QCoreApplication.translate("StorageDialog", "Quit"), QMessageBox.ButtonRole.RejectRole
    )
    quit_button.setObjectName("quit")
    box.setDefaultButton(retry)
    box.setEscapeButton(quit_button)
    return box


def _ask(box: QMessageBox) -> Choice:
    box.exec()
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else "quit"
    box.deleteLater()
    return {
        "moveAside": Choice.MOVE_ASIDE,
        "restore": Choice.RESTORE,
        "retry": Choice.RETRY,
    }.get(name, Choice.QUIT)


def _failed(parent: QWidget | None, text: str, error: Exception) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("StorageDialog", "Avatar Desktop"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setInformativeText(str(error))
    box.exec()
    box.deleteLater()


class OpenedStore:
    """The data file the window opened, and what to tell the user about it (or None)."""

    def __init__(self, database: Database, notice: str | None, clean: bool) -> None:
        self.database = database
        self.notice = notice
        self.clean = clean
        """The file passed its check at the first try: a backup of it is worth keeping."""


def open_database(path: Path, parent: QWidget | None = None) -> OpenedStore | None:
    """Open the window's data file, asking the user when it is damaged or the disk is full;
    None when the user quits (or another failure was shown)."""
    notice: str | None = None
    clean = True
    while True:
        try:
            return OpenedStore(Database(path), notice, clean)
        except DamagedStore as error:
            clean = False
            choice = _ask(damaged_dialog(error, last_good_backup(path), parent))
            if choice is Choice.QUIT:
                return None
            notice = _settle_damage(path, choice, parent) or notice
        except DiskFull as error:
            if _ask(disk_full_dialog(error, parent)) is not Choice.RETRY:
                return None
        except StoreError as error:
            _failed(
                parent,
                QCoreApplication.translate("StorageDialog", "The task list cannot be opened:"),
                error,
            )
            return None


def _settle_damage(path: Path, choice: Choice, parent: QWidget | None) -> str | None:
    """Move the damaged file aside, or put the last good backup in its place; the notice for
    the status bar (None when it failed: the dialog comes again)."""
    try:
        if choice is Choice.RESTORE:
            backup = last_good_backup(path)
            if backup is None:
                raise StoreError(
                    QCoreApplication.translate("StorageDialog", "The backup is no longer there.")
                )
            aside = restore_backup(path, backup.path)
            kept = aside.name if aside is not None else ""
            text = (
                QCoreApplication.translate(
                    "StorageDialog",
                    "The backup of %1 was restored; the damaged file was kept as %2.",
                )
                .replace("%1", backup.taken_at.strftime("%Y-%m-%d %H:%M"))
                .replace("%2", kept)
            )
        else:
            aside = move_aside(path)
            text = QCoreApplication.translate(
                "StorageDialog", "A new task list was started; the damaged file was kept as %1."
            ).replace("%1", aside.name)
        if aside is not None:
            with Database(path) as database:
                found = salvage(aside, database)
            if found.total:
                text += "\n\n" + QCoreApplication.translate(
                    "StorageDialog",
                    "Still readable in the damaged file and brought back: %1 task(s), %2 outbox "
                    "job(s), %3 draft(s).",
                ).replace("%1", str(found.tasks)).replace("%2", str(found.items)).replace(
                    "%3", str(found.drafts)
                )
        return text
    except StoreError as error:
        _failed(parent, QCoreApplication.translate("StorageDialog", "That did not work:"), error)
        return None


# --- the rolling backup ---------------------------------------------------------------------


class RollingBackup(QObject):
    """Backs the data file up to ``backups/`` once, off the UI thread (:meth:`start`), and can
    be stopped at exit (:meth:`stop`: an unfinished copy is dropped). Signal ``finished(object)``:
    the backup's path, or None (stopped, or it failed: then it is only logged)."""

    finished = Signal(object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._cancel = CancelToken()
        self._runner = Runner(self)
        self.started = False

    def start(self) -> None:
        if self.started or self._cancel.cancelled:
            return
        self.started = True
        self._runner.submit(
            "disk",
            lambda cancel: take_backup(self._path, should_stop=cancel.should_stop),
            self._done,
            self._failed,
            token=self._cancel,
        )

    def _done(self, result: object) -> None:
        self.finished.emit(result)

    def _failed(self, error: Exception) -> None:
        log.warning("no backup of the task list: %s", error)
        self.finished.emit(None)

    def stop(self, timeout_ms: int = 10000) -> None:
        """Stop (a copy under way ends within a moment) and wait for the thread."""
        self._cancel.cancel()
        self._runner.wait(timeout_ms)


# --- task ids not written yet ---------------------------------------------------------------


class UnsavedTaskIdsBanner(QFrame):
    """A red banner with the ids of jobs the service accepted but that could not be written yet
    (the disk is full), one per line as plain text, and a Copy button; hidden when there is
    none. The app keeps trying to write them; each goes from the banner once it is written.
    Connect the outbox runner's ``outcome`` to :meth:`on_outcome` and its ``unsaved_stored``
    to :meth:`on_stored`.

    Signals:
        message(text, milliseconds): for the status bar.
    """

    message = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unsavedTaskIds")
        self.setStyleSheet(
            "QFrame#unsavedTaskIds { background: #fde7e7; border: 1px solid #d9534f;"
            " border-radius: 4px; } QFrame#unsavedTaskIds QLabel { color: #6b1010; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.ids_label = QLabel()
        self.ids_label.setObjectName("unsavedIds")
        self.ids_label.setTextFormat(Qt.TextFormat.PlainText)
        self.ids_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ids_label.setStyleSheet("font-family: monospace;")
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyUnsavedIds")
        self.copy_button.clicked.connect(self.copy)
        texts = QVBoxLayout()
        texts.addWidget(self.label)
        texts.addWidget(self.ids_label)
        layout = QHBoxLayout(self)
        layout.addLayout(texts, 1)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        self._ids: dict[int, str] = {}
        self._disk_full = True
        self.retranslate_ui()
        self.setVisible(False)

    def retranslate_ui(self) -> None:
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy these task ids"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    @property
    def task_ids(self) -> list[str]:
        return list(self._ids.values())

    def add(self, item_id: int, task_id: str, *, disk_full: bool) -> None:
        """The service accepted item ``item_id`` as ``task_id``, which could not be written."""
        self._ids[item_id] = task_id
        self._disk_full = disk_full
        self._show()

    def stored(self, item_id: int) -> None:
        """The task id of ``item_id`` is written now."""
        self._ids.pop(item_id, None)
        self._show()

    @Slot(object)
    def on_outcome(self, outcome: SendOutcome) -> None:
        """A job the service accepted but whose task id could not be written yet: show its id
        until it is stored (the runner keeps trying)."""
        if outcome.decision is not Decision.SUBMITTED or outcome.saved:
            return
        self.add(
            outcome.item_id, outcome.task_id or "", disk_full=isinstance(outcome.error, DiskFull)
        )
        self.message.emit(
            self.tr(
                "Task %1 was accepted but could not be saved yet (%2); the app keeps trying. "
                "Note its id."
            )
            .replace("%1", outcome.task_id or "")
            .replace("%2", error_title(outcome.error) if outcome.error else outcome.reason or ""),
            0,
        )

    @Slot(int, str)
    def on_stored(self, item_id: int, task_id: str) -> None:
        self.stored(item_id)
        self.message.emit(
            self.tr("Task %1 is saved in the task list now.").replace("%1", task_id), 10000
        )

    def copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self._ids.values()))

    def confirm_quit(self) -> bool:
        """Before the window closes with task ids not written yet: True to quit anyway (the
        ids were shown; a note beside the data file lets the next start write them)."""
        if not self._ids:
            return True
        box = QMessageBox(self.window())
        box.setObjectName("unsavedQuitDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Task ids not saved yet"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "%n accepted job(s) could not be saved in the task list yet. Copy their task "
                "ids before you quit:",
                "",
                len(self._ids),
            )
            + "\n\n"
            + "\n".join(self._ids.values())
        )
        box.setInformativeText(
            self.tr("The next start adds them to the task list when the disk has room.")
        )
        copy_quit = box.addButton(self.tr("Copy and quit"), QMessageBox.ButtonRole.AcceptRole)
        copy_quit.setObjectName("copyAndQuit")
        stay = box.addButton(self.tr("Don't quit"), QMessageBox.ButtonRole.RejectRole)
        stay.setObjectName("stay")
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        quitting = box.clickedButton() is copy_quit
        box.deleteLater()
        if quitting:
            self.copy()
        return quitting

    def _show(self) -> None:
        if self._disk_full:
            why = self.tr(
                "The disk is full, so %n accepted job(s) could not be saved yet.",
                "",
                len(self._ids),
            )
        else:
            why = self.tr(
                "The task list cannot be written, so %n accepted job(s) could not be saved yet.",
                "",
                len(self._ids),
            )
        self.label.setText(
            why
            + " "
            + self.tr(
                "The app keeps trying. Copy their task ids now and keep them until they are "
                "in the task list:"
            )
        )
        self.ids_label.setText("\n".join(self._ids.values()))
        self.setVisible(bool(self._ids))


# --- what the previous run could not write --------------------------------------------------


def start_recovery_text(recovery: Recovery) -> str | None:
    """What to say about the items the previous run left unwritten (None: nothing)."""
    parts = []
    if recovery.disk_full:
        parts.append(
            QCoreApplication.translate(
                "StorageDialog",
                "The disk was full when the service answered %1 request(s) last time, so its "
                "answer could not be saved. They are marked “Outcome unknown”: the jobs may "
                "exist and be billed, so check your account before sending them again.",
            ).replace("%1", str(len(recovery.disk_full)))
        )
    if recovery.written:
        parts.append(
            QCoreApplication.translate(
                "StorageDialog",
                "%1 job(s) accepted while the disk was full last time are in the task list now: %2",
            )
            .replace("%1", str(len(recovery.written)))
            .replace("%2", ", ".join(recovery.written.values()))
        )
    return "\n\n".join(parts) or None


def show_start_recovery(parent: QWidget, recovery: Recovery) -> QMessageBox | None:
    """Tell, without blocking, what the previous run could not write (when anything)."""
    text = start_recovery_text(recovery)
    if text is None:
        return None
    box = QMessageBox(parent)
    box.setObjectName("startRecoveryDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("StorageDialog", "The disk was full"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


__all__ = [
    "BACKUP_DELAY_MS",
    "Choice",
    "OpenedStore",
    "RollingBackup",
    "UnsavedTaskIdsBanner",
    "damaged_dialog",
    "disk_full_dialog",
    "open_database",
    "show_start_recovery",
    "start_recovery_text",
]
