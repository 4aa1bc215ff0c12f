"""The task list: every submitted task in a table, with what can be done to the selected ones."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QMenu,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.request import GenerationRequest, ValidationError
from avatar_desktop.core.tasks import LocalStatus, StoreError, TaskRecord, TaskStore
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.task_model import TaskTableModel
from avatar_desktop.ui.views import record_table

COLUMN_WIDTHS = (125, 110, 100, 90, 65, 220)
"""Initial widths of the columns but the last, which stretches."""


def video_url(record: TaskRecord) -> str | None:
    """The video to open: the watermark-free one when the request asked for it."""
    if record.payload.get("no_watermark") is True and record.no_watermark_video_url:
        return record.no_watermark_video_url
    return record.video_url


class TasksPanel(QWidget):
    """The table of ``model`` (the tasks of ``store``), in the window's "Tasks" tab.

    It does what concerns only the list: copying task ids and video links, opening a video,
    removing tasks from the list and undoing that (the service keeps them). It enables the task
    actions of ``actions`` for the selection and shows them in its context menu; the window
    connects them (``refresh`` asks the service, which is the window's business).

    Signals:
        ``message(str text, int timeout_ms)``: something to say in the status bar.
        ``template_requested(object request)``: the selected task's
        :class:`~avatar_desktop.core.request.GenerationRequest`, to load into the form (Use as
        template, or a double-click on a row).
    """

    message = Signal(str, int)
    template_requested = Signal(object)

    def __init__(
        self,
        store: TaskStore,
        model: TaskTableModel,
        actions: MainActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.model = model
        self._actions = actions
        self._removed: list[list[TaskRecord]] = []  # undo stack of removals

        self.table = record_table(model, COLUMN_WIDTHS)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.use_as_template())
        # Delete and Ctrl+Z act on the table only (in a form field they edit the field).
        self.table.addAction(actions.remove)
        self.table.addAction(actions.undo_remove)

        # The window's tab says "Tasks": no title of its own.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)

        # What can be done depends on the selection and on what the selected tasks hold.
        self.table.selectionModel().selectionChanged.connect(self.update_actions)
        for signal in (
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
        ):
            signal.connect(self.update_actions)
        self.update_actions()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            # The model translates when asked: have the headers and the cells asked again.
            self.model.headerDataChanged.emit(
                Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
            )
            self.table.viewport().update()
        super().changeEvent(event)

    # -- selection -------------------------------------------------------------------------

    def selected_records(self) -> list[TaskRecord]:
        """The selected tasks, top to bottom."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        records = [self.model.record_at(row) for row in rows]
        return [r for r in records if r is not None]

    def select_row(self, row_id: int) -> None:
        """Select (only) the task stored as ``row_id``, if the list shows it."""
        row = self.model.row_of(row_id)
        if row is not None:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def update_actions(self) -> None:
        """Enable the task actions that apply to the selection."""
        a = self._actions
        selected = self.selected_records()
        a.copy_task_id.setEnabled(any(r.task_id for r in selected))
        a.use_as_template.setEnabled(len(selected) == 1)
        a.refresh.setEnabled(any(r.task_id for r in selected))
        has_video = len(selected) == 1 and bool(video_url(selected[0]))
        a.open_video.setEnabled(has_video)
        a.copy_video_link.setEnabled(has_video)
        a.remove.setEnabled(bool(selected))
        a.undo_remove.setEnabled(bool(self._removed))

    def _context_menu(self, position: QPoint) -> None:
        a = self._actions
        menu = QMenu(self)
        for action in (
            a.open_video,
            a.copy_video_link,
            a.refresh,
            a.copy_task_id,
            a.use_as_template,
            a.remove,
            a.undo_remove,
        ):
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- the actions -----------------------------------------------------------------------

    @Slot()
    def copy_task_ids(self) -> None:
        ids = [r.task_id for r in self.selected_records() if r.task_id]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self.message.emit(self.tr("Task ids copied: %1").replace("%1", str(len(ids))), 4000)

    @Slot()
    def use_as_template(self) -> None:
        records = self.selected_records()
        if len(records) != 1:
            return
        try:
            request = GenerationRequest.from_payload(records[0].payload)
        except ValidationError:
            self.message.emit(self.tr("This task's request cannot be loaded."), 5000)
            return
        self.template_requested.emit(request)

    @Slot()
    def remove_selected(self) -> None:
        # A row still being sent stays: its answer (and task id) is on the way.
        records = [r for r in self.selected_records() if r.status != LocalStatus.SENDING]
        if not records:
            return
        removed = self._store.remove([r.row_id for r in records])
        self._removed.append(removed)
        self.model.tasks_removed([r.row_id for r in removed])
        self.message.emit(
            self.tr(
                "Removed from the list: %1 (the service keeps them). Undo with Ctrl+Z."
            ).replace("%1", str(len(removed))),
            15000,
        )
        self.update_actions()

    @Slot()
    def undo_remove(self) -> None:
        if not self._removed:
            return
        restored = self._removed[-1]
        try:
            self._store.restore(restored)
        except StoreError as exc:
            self.message.emit(self.tr("Could not restore: %1").replace("%1", str(exc)), 0)
            return
        self._removed.pop()
        count = len(restored)
        self.model.reload()
        self.message.emit(self.tr("Restored to the list: %1").replace("%1", str(count)), 5000)
        self.update_actions()

    def _selected_video(self) -> str | None:
        records = self.selected_records()
        return video_url(records[0]) if len(records) == 1 else None

    @Slot()
    def open_video(self) -> None:
        url = self._selected_video()
        if url and QUrl(url).scheme() not in ("http", "https"):
            return  # never hand a file: or program scheme to the desktop
        if url and not QDesktopServices.openUrl(QUrl(url)):
            QGuiApplication.clipboard().setText(url)
            self.message.emit(
                self.tr("No program could open the video; its link was copied instead."), 8000
            )

    @Slot()
    def copy_video_link(self) -> None:
        url = self._selected_video()
        if url:
            QGuiApplication.clipboard().setText(url)
            self.message.emit(self.tr("Video link copied."), 4000)


__all__ = ["TasksPanel", "video_url"]
