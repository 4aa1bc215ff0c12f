"""Desktop notifications: a task finished or failed while the window was not in front.

A system-tray icon shows the message (where the desktop has a tray); clicking the message
brings the window to the front and selects the task. Where there is no tray, nothing is shown
but the status bar's message, which the window writes in every case; the first time a
notification could not be shown, that message says once that notifications are unavailable.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.tasks import TaskRecord
from avatar_desktop.ui.i18n import sentence_gap

log = logging.getLogger("avatar_desktop.ui")


class TaskNotifier(QObject):
    """Says that a task finished, through the system tray, when the window is not active.

    Signals:
        task_clicked(row_id): the user clicked the notification of task ``row_id``.
    """

    task_clicked = Signal(int)

    def __init__(self, window: QWidget, icon: QIcon) -> None:
        super().__init__(window)
        self._window = window
        self._last_row: int | None = None
        self._said_unavailable = False
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[tuple[str, str]] = []
        """Every (title, text) notified, newest last (what the user was told)."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Avatar Desktop")
            menu = QMenu(window)
            show = menu.addAction(self.tr("Show Avatar Desktop"))
            show.triggered.connect(self._bring_window)
            self.tray.setContextMenu(menu)
            self.tray.messageClicked.connect(self._on_clicked)
            self.tray.activated.connect(lambda _reason: self._bring_window())
            self.tray.show()

    @property
    def available(self) -> bool:
        return self.tray is not None

    def wants_notice(self) -> bool:
        """Whether the user might miss a change: the window is not the active one."""
        return not self._window.isActiveWindow()

    def task_finished(self, record: TaskRecord, *, saving: bool) -> str:
        """Notify that ``record``'s task became done or failed (``saving``: its video is being
        kept); returns the text, for the status bar. Shown outside the window only when it is
        not in front and the desktop has a tray."""
        name = self._name(record)
        if record.status is TaskStatus.SUCCESS:
            title = self.tr("Video ready")
            if saving:
                text = self.tr("Task %1 is done; its video is being saved.").replace("%1", name)
            else:
                text = self.tr("Task %1 is done: its video can be saved now.").replace("%1", name)
        else:
            title = self.tr("Task failed")
            text = self.tr("Task %1 failed: %2").replace("%1", name)
            text = text.replace("%2", record.fail_reason or self.tr("no reason given"))
        if self.wants_notice():
            self.shown.append((title, text))
            self._last_row = record.row_id
            if self.tray is not None:
                self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10000)
            elif not self._said_unavailable:
                self._said_unavailable = True
                note = self.tr("(No desktop notifications here: no system tray.)")
                text += sentence_gap() + note
        return text

    def _name(self, record: TaskRecord) -> str:
        """The task as the user tells it from the others with the same avatar: the avatar's
        name, when it was sent and the start of its words."""
        label = record.label or record.task_id or ""
        when = record.created_at.astimezone().strftime("%H:%M")
        words = ""
        for key in ("use_voice", "create_voice"):
            voice = record.payload.get(key)
            if isinstance(voice, dict) and isinstance(voice.get("text"), str):
                words = " ".join(voice["text"].split())
        if not words:
            return self.tr("%1 (sent %2)").replace("%1", label).replace("%2", when)
        start = words if len(words) <= 24 else words[:24].rstrip() + "…"
        return (
            self.tr("%1 (sent %2, “%3”)")
            .replace("%1", label)
            .replace("%2", when)
            .replace("%3", start)
        )

    @Slot()
    def _on_clicked(self) -> None:
        self._bring_window()
        if self._last_row is not None:
            self.task_clicked.emit(self._last_row)

    def _bring_window(self) -> None:
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()


__all__ = ["TaskNotifier"]
