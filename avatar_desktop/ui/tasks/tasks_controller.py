"""What the window does with the task list beyond the list itself: ask the service now, add a
task made elsewhere by its id, settle a row whose outcome is unknown, and export the list.

The rules are the core's (the store, the outbox, the follower); this class asks the user what
is needed, runs the disk work in the background and reports in the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from avatar_desktop.core.request import (
    InvalidTaskId,
    ValidationError,
    valid_task_id,
)
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.outbox import Outbox
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.follow_runner import TaskFollowing
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.i18n import error_text, problem_text
from avatar_desktop.ui.tasks.task_id_dialog import ask_task_id
from avatar_desktop.ui.tasks.tasks_panel import TasksPanel

log = logging.getLogger("avatar_desktop.ui")


class TasksController(QObject):
    """Refresh, add by id, resolve / send again / discard, export — for the window.

    Signals:
        message(str text, int timeout_ms): something to say in the status bar.
    """

    message = Signal(str, int)
    exported = Signal(str, int)
    """A file was written with this many tasks."""
    queued_again = Signal(list)
    """Send again queued these outbox items (ids)."""

    def __init__(
        self,
        *,
        store: TaskStore,
        outbox: Outbox,
        following: TaskFollowing,
        runner: OutboxRunner,
        background: Runner,
        panel: TasksPanel,
        service_url: Callable[[], str],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._store = store
        self._outbox = outbox
        self._following = following
        self._runner = runner
        self._background = background
        self._panel = panel
        self._service_url = service_url
        self._window = window
        self._export_folder = Path.home()  # then where the last export went

    def _say(self, text: str, timeout_ms: int = 8000) -> None:
        self.message.emit(text, timeout_ms)

    # -- asking the service now --------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """F5: the selected tasks, or every unfinished one when none is selected."""
        records = self._panel.selected_records()
        if not records:
            self.refresh_all()
            return
        url = self._service_url()
        ids = [r.task_id for r in records if r.task_id and r.service_url == url]
        if len(ids) < len([r for r in records if r.task_id]):
            self._say(self.tr("Only tasks of the current service can be refreshed."), 5000)
        if not ids:
            return
        if self._following.refresh(ids):
            self._say(self.tr("Asking the service…"), 3000)
        else:
            self._say(self.tr("Set an API token to ask the service."), 5000)

    @Slot()
    def refresh_all(self) -> None:
        if self._following.refresh_all():
            self._say(self.tr("Asking the service about every unfinished task…"), 3000)
        else:
            self._say(self.tr("No unfinished task of this service to ask about."), 4000)

    # -- a task made elsewhere ---------------------------------------------------------------

    @Slot()
    def add_task_id(self) -> None:
        ask_task_id(
            self._window,
            self.tr("Add task by id"),
            self.tr(
                "The id of a task made on the website or on another computer. It is followed "
                "on the current service:\n%1"
            ).replace("%1", self._service_url()),
            self.add_task,
        )

    def add_task(self, text: str) -> int | None:
        """Add the task ``text`` names (made elsewhere) to the list and ask the service about
        it; returns its row id, or None when it is not a task id or already in the list."""
        try:
            task_id = valid_task_id(text)
            row_id = self._store.add_task(task_id, self._service_url(), {})
        except InvalidTaskId as exc:
            self._warn(self.tr("Add task by id"), problem_text(exc.problem))
            return None
        except StoreError:
            existing = self._store.find(task_id)
            if existing is not None:
                self._panel.select_row(existing.row_id)
            self._say(self.tr("Task %1 is already in the list.").replace("%1", task_id))
            return None
        self._panel.model.task_added(row_id)
        self._panel.select_row(row_id)
        self._following.refresh([task_id])
        self._say(
            self.tr("Task %1 added; asking the service about it…").replace("%1", task_id), 4000
        )
        return row_id

    # -- a row whose outcome is unknown ------------------------------------------------------

    def _unknown_rows(self) -> list[TaskRecord]:
        return [
            r for r in self._panel.selected_records() if r.status is LocalStatus.OUTCOME_UNKNOWN
        ]

    @Slot()
    def resolve(self) -> None:
        """The job exists: the user found its task id on the service's website."""
        rows = self._unknown_rows()
        if len(rows) != 1:
            return
        record = rows[0]
        ask_task_id(
            self._window,
            self.tr("Mark as submitted"),
            self.tr(
                "If the service made this job (see its website), enter the job's task id. "
                "The task is then followed like any other."
            ),
            lambda task_id: self.mark_submitted(record, task_id),
        )

    def mark_submitted(self, record: TaskRecord, text: str) -> bool:
        """The job of ``record`` exists as the task ``text`` names: follow it. False when
        refused."""
        try:
            task_id = valid_task_id(text)
            self._store.set_task_id(record.row_id, task_id)
        except InvalidTaskId as exc:
            self._warn(self.tr("Mark as submitted"), problem_text(exc.problem))
            return False
        except StoreError as exc:
            self._warn(self.tr("Mark as submitted"), error_text(exc))
            return False
        self._panel.model.refresh()
        if record.service_url == self._service_url():
            self._following.refresh([task_id])
        self._say(self.tr("Task %1 is followed now.").replace("%1", task_id))
        return True

    @Slot()
    def send_again(self) -> None:
        """Queue the same request again, after the user agreed it may be billed twice."""
        rows = self._unknown_rows()
        if not rows:
            return
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Send again?"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "The first request of %n job(s) may have reached the service: if it did, the "
                "job exists and was billed, and sending again makes and bills a second one.",
                "",
                len(rows),
            )
        )
        box.setInformativeText(self.tr("Check the service's website first if you can."))
        send = box.addButton(self.tr("Send again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is send:
            self.queue_again(rows)

    def queue_again(self, rows: list[TaskRecord]) -> None:
        """Queue the requests of ``rows`` again in the outbox and send them (the user agreed);
        the rows leave the list (:func:`~avatar_desktop.core.submission.queue_task_again`, off
        the UI thread: local files are read again). :attr:`queued_again` gives the new outbox
        item ids."""
        from avatar_desktop.core.submission import queue_task_again

        def work() -> tuple[list[int], list[int], Exception | None]:
            queued: list[int] = []
            removed: list[int] = []
            for record in rows:
                try:
                    item_id = queue_task_again(self._outbox, record)
                except (ValidationError, StoreError) as exc:
                    return queued, removed, exc
                removed.append(record.row_id)
                if item_id is not None:  # else queued again already: never twice
                    queued.append(item_id)
            return queued, removed, None

        def done(result: tuple[list[int], list[int], Exception | None]) -> None:
            queued, removed, problem = result
            if removed:
                self._panel.model.tasks_removed(removed)
            for item_id in queued:
                self._runner.submit_item(item_id)
            if isinstance(problem, ValidationError):
                self._warn(
                    self.tr("Send again"),
                    "\n".join(problem_text(p) for p in problem.problems),
                )
            elif problem is not None:
                self._warn(self.tr("Send again"), error_text(problem))
            if queued:
                self._say(self.tr("%n job(s) queued again in the outbox.", "", len(queued)))
            self.queued_again.emit(queued)

        self._background.run(work, done)

    @Slot()
    def discard(self) -> None:
        """The user decided the job does not matter: the row leaves the list (undoable)."""
        if self._unknown_rows():
            self._panel.remove_selected()

    # -- export ------------------------------------------------------------------------------

    @Slot()
    def export(self) -> None:
        """Save the tasks the list shows — all, or those the filter and search leave — in the
        list's order, as CSV or JSON."""
        csv_filter = self.tr("CSV for spreadsheets (*.csv)")
        json_filter = self.tr("JSON (*.json)")
        path, chosen = QFileDialog.getSaveFileName(
            self._window,
            self.tr("Export tasks"),
            str(self._export_folder / "avatar-tasks.csv"),
            f"{csv_filter};;{json_filter}",
        )
        if not path:
            return
        target = Path(path)
        self._export_folder = target.parent
        if target.suffix.lower() not in (".csv", ".json"):
            target = target.with_suffix(".json" if chosen == json_filter else ".csv")
        self.export_to(target)

    def export_to(self, target: Path) -> None:
        """Write the tasks the list shows to ``target`` (.csv or .json), in the background."""
        statuses, search = self._panel.model.query
        order, descending = self._panel.model.store_order
        store = self._store

        def work() -> int:
            from avatar_desktop.core.task_export import export_tasks

            records = store.iter_records(
                order, descending=descending, statuses=statuses, search=search
            )
            return export_tasks(records, target)

        def done(count: int) -> None:
            self.exported.emit(str(target), count)
            self._say(
                self.tr("%n task(s) exported to %1", "", count).replace("%1", str(target)), 10000
            )

        def failed(error: Exception) -> None:
            self._warn(self.tr("Export tasks"), str(error))

        self._say(self.tr("Exporting tasks…"), 0)
        self._background.run(work, done, failed)

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


__all__ = ["TasksController"]
